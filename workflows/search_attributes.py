"""Search attributes: the columns operators filter on in the Temporal UI.

One definition, used by the workflow (upserts), the local stack (registers
them on the dev server) and the tests."""

from __future__ import annotations

from temporalio.common import SearchAttributeKey

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

ALL_KEYS = (PO_NUMBER, VENDOR_ID, PO_STATUS, PO_TOTAL, OPEN_HOLDS, BUYER, DOCUMENT_KIND, TASK_ESCALATION)


def dev_server_flags() -> list[str]:
    """`--search-attribute Name=Type` flags for `temporal server start-dev`."""
    type_names = {"KEYWORD": "Keyword", "DOUBLE": "Double", "INT": "Int"}
    flags: list[str] = []
    for key in ALL_KEYS:
        flags += ["--search-attribute", f"{key.name}={type_names[key.indexed_value_type.name]}"]
    return flags
