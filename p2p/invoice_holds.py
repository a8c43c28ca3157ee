"""A person's answer to an invoice's holds: which holds a decision may
release, what the hold task shows, and marking holds released.

SAP MRBR / Oracle semantics (p2p-semantics b.1, b.2, b.5): a person releases
the holds a decision names; holds waiting for a document (receipt,
inspection) clear themselves when it arrives and are never released by a
person; an invoice is paid only when no hold remains."""

from __future__ import annotations

from models.common import format_money
from models.matching import Hold, HoldStatus, MatchDecision, awaiting_reason
from models.tasks import TaskHold
from models.workflow_state import InvoiceRecord, InvoiceStatus


def releasable(holds: list[Hold]) -> list[Hold]:
    """The holds a person's accept_variance may release: not those waiting for
    a receipt or inspection (paying for goods before they arrive is no variance)."""
    return [h for h in holds if awaiting_reason(h.code) is None]


def holds_to_release(open_holds: list[Hold], names: list[str]) -> list[Hold]:
    """The named holds (all with a named ref), or with none named every hold a
    person may release."""
    candidates = releasable(open_holds)
    return [h for h in candidates if h.ref in names] if names else candidates


def check_release(record: InvoiceRecord | None, names: list[str]) -> None:
    """accept_variance releases holds a person may release: each one named
    must be open on the invoice and not wait for a document; naming none
    needs at least one such hold. Raises ValueError with the words the person
    reads."""
    if record is None or record.status != InvoiceStatus.HELD:
        return  # resolved meanwhile: the loop records the decision, there is nothing to release
    number = record.invoice.invoice_number
    open_by_ref = {h.ref: h for h in record.open_holds}
    for name in names:
        hold = open_by_ref.get(name)
        if hold is None:
            raise ValueError(
                f"hold {name} is not open on invoice {number} (open: {', '.join(open_by_ref) or 'none'})"
            )
        if awaiting_reason(hold.code) is not None:
            raise ValueError(f"hold {name} on invoice {number} {awaiting_reason(hold.code)}")
    if not names and not releasable(record.open_holds):
        waiting = "; ".join(f"{ref} {awaiting_reason(h.code)}" for ref, h in open_by_ref.items())
        raise ValueError(
            f"invoice {number} has no hold a person releases ({waiting}); "
            "choose wait, request_credit_memo or reject_invoice"
        )


def release(record: InvoiceRecord, holds: list[Hold], actor: str, reason: str | None) -> list[Hold]:
    """Mark these open holds released by the person, in the match and in
    record.released_holds (which the engine keeps released on re-match while
    their inputs are unchanged). Returns the released holds."""
    assert record.match is not None
    released = {
        id(h): h.model_copy(
            update={"status": HoldStatus.RELEASED, "released_by": actor, "release_reason": reason}
        )
        for h in holds
    }
    record.released_holds += list(released.values())
    new_holds = [released.get(id(h), h) for h in record.match.holds]
    still_open = any(h.status == HoldStatus.OPEN for h in new_holds)
    record.match = record.match.model_copy(
        update={"holds": new_holds, "decision": MatchDecision.HOLD if still_open else MatchDecision.APPROVE}
    )
    return list(released.values())


def hold_task_context(record: InvoiceRecord) -> dict[str, str]:
    """The evidence a hold task shows: invoice, total, each hold's sentence,
    the profile the limits came from, and each held line's lineage (the
    documents behind it, p2p.matching.lineage)."""
    holds = record.open_holds
    lineages = {h.line_no: h.lineage for h in holds if h.line_no is not None and h.lineage}
    return {
        "invoice": record.invoice.invoice_number,
        "total": format_money(record.invoice.total, record.invoice.currency),
        **{f"hold {i + 1} ({h.code.value})": h.message for i, h in enumerate(holds)},
        "tolerances": holds[0].source or "" if holds else "",
        **{f"line {n} lineage": lineage for n, lineage in sorted(lineages.items())},
    }


def task_holds(record: InvoiceRecord) -> list[TaskHold]:
    """The open holds one by one, by the ref a decision names them with;
    holds sharing a ref are one answer, so they are listed once."""
    by_ref: dict[str, list[Hold]] = {}
    for hold in record.open_holds:
        by_ref.setdefault(hold.ref, []).append(hold)
    return [
        TaskHold(
            ref=ref, message="; ".join(h.message for h in holds), waits_for=awaiting_reason(holds[0].code)
        )
        for ref, holds in by_ref.items()
    ]
