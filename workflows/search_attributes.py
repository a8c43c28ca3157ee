"""Search attributes: the columns operators filter on in the Temporal UI.

One definition, used by the workflow (upserts), the local stack (registers
them on the dev server) and the tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from temporalio.common import SearchAttributeKey, SearchAttributeUpdate

from models.workflow_state import InvoiceStatus, PurchaseOrderState
from p2p.deadlines import next_deadline

PO_NUMBER = SearchAttributeKey.for_keyword("PoNumber")
VENDOR_ID = SearchAttributeKey.for_keyword("VendorId")
PO_STATUS = SearchAttributeKey.for_keyword("PoStatus")
PO_TOTAL = SearchAttributeKey.for_float("PoTotal")
OPEN_HOLDS = SearchAttributeKey.for_int("OpenHolds")
BUYER = SearchAttributeKey.for_keyword("Buyer")
DOCUMENT_KIND = SearchAttributeKey.for_keyword("DocumentKind")
# How far the PO's most escalated open task has gone up its SLA ladder: 0 with
# its own people (or no open task), 1 their deputies, 2 their managers.
TASK_ESCALATION = SearchAttributeKey.for_int("TaskEscalation")
# When the PO wakes up next (p2p.deadlines.next_deadline; unset when nothing is
# ahead or the PO is final): one earlier than now is a PO whose worker is late.
NEXT_DEADLINE = SearchAttributeKey.for_datetime("NextDeadline")
# The codes of the open holds of its held invoices, each once (unset: none).
HOLD_CODES = SearchAttributeKey.for_keyword_list("HoldCodes")

ALL_KEYS = (
    PO_NUMBER,
    VENDOR_ID,
    PO_STATUS,
    PO_TOTAL,
    OPEN_HOLDS,
    BUYER,
    DOCUMENT_KIND,
    TASK_ESCALATION,
    NEXT_DEADLINE,
    HOLD_CODES,
)


def po_attributes(state: PurchaseOrderState) -> list[SearchAttributeUpdate[Any]]:
    """The attributes every PO run publishes (those behind a patch are added
    by the workflow: po_steps.base `_flush`)."""
    po = state.po
    return [
        PO_NUMBER.value_set(po.po_number),
        VENDOR_ID.value_set(po.vendor_id),
        BUYER.value_set(po.buyer),
        PO_STATUS.value_set(state.status.value),
        PO_TOTAL.value_set(float(po.total)),  # search only; money stays Decimal
        OPEN_HOLDS.value_set(state.open_hold_count),
    ]


def hold_codes(state: PurchaseOrderState) -> list[str]:
    """The open hold codes of the PO's held invoices, each once, sorted."""
    return sorted(
        {h.code.value for r in state.invoices if r.status == InvoiceStatus.HELD for h in r.open_holds}
    )


def deadline_and_holds(
    state: PurchaseOrderState,
) -> tuple[tuple[datetime | None, tuple[str, ...]], list[SearchAttributeUpdate[Any]]]:
    """NextDeadline and HoldCodes as the PO has them: the values (compared
    with those published last) and the updates, unset when there is none."""
    wakes = None if state.is_final else next_deadline(state)
    codes = hold_codes(state)
    updates: list[SearchAttributeUpdate[Any]] = [
        NEXT_DEADLINE.value_set(wakes) if wakes else NEXT_DEADLINE.value_unset(),
        HOLD_CODES.value_set(codes) if codes else HOLD_CODES.value_unset(),
    ]
    return (wakes, tuple(codes)), updates


def changed(
    updates: list[SearchAttributeUpdate[Any]], published: dict[str, Any]
) -> list[SearchAttributeUpdate[Any]]:
    """The updates whose value differs from `published` (name → value last
    upserted, None: unset), which records them: an upsert merges, so the
    others keep their values."""
    out = [u for u in updates if u.key.name not in published or published[u.key.name] != u.value]
    published.update((u.key.name, u.value) for u in out)
    return out


def dev_server_flags() -> list[str]:
    """`--search-attribute Name=Type` flags for `temporal server start-dev`."""
    type_names = {
        "KEYWORD": "Keyword",
        "DOUBLE": "Double",
        "INT": "Int",
        "DATETIME": "Datetime",
        "KEYWORD_LIST": "KeywordList",
    }
    flags: list[str] = []
    for key in ALL_KEYS:
        flags += ["--search-attribute", f"{key.name}={type_names[key.indexed_value_type.name]}"]
    return flags
