"""When a PO may close (DESIGN.md step 7): fully received, fully invoiced
within what may be billed, every invoice settled, nobody asked anything; what
a close short keeps; what a buyer's final close keeps, and when it is refused."""

from __future__ import annotations

from decimal import Decimal

from models.purchase_order import MatchLevel, PurchaseOrderLine
from models.workflow_state import InvoiceStatus, PurchaseOrderState
from p2p.receiving import fully_received, needs_receipt, received_for_match


def billable_quantity(state: PurchaseOrderState, line_no: int, *, net_of_rejections: bool = True) -> Decimal:
    """What the supplier may bill in the end: ordered for 2-way lines, what
    counts as received for 3-/4-way (never more than ordered)."""
    line = state.po.line(line_no)
    assert line is not None
    if line.level == MatchLevel.TWO_WAY:
        return line.quantity
    return min(line.quantity, received_for_match(state, line_no, net_of_rejections=net_of_rejections))


def fully_invoiced(state: PurchaseOrderState, *, net_of_rejections: bool = True) -> bool:
    return all(
        state.invoiced_quantity(line.line_no)
        >= billable_quantity(state, line.line_no, net_of_rejections=net_of_rejections)
        for line in state.po.lines
    )


def invoices_settled(state: PurchaseOrderState) -> bool:
    return all(r.status in (InvoiceStatus.APPROVED, InvoiceStatus.REJECTED) for r in state.invoices)


def can_close(state: PurchaseOrderState, *, net_of_rejections: bool = True) -> bool:
    """DESIGN.md step 7: fully received and fully invoiced within tolerance,
    every invoice approved (or rejected), nothing waiting on a person, no
    credit memo owed for returned goods."""
    return (
        state.issued_at is not None
        and not state.is_final
        and fully_received(state, net_of_rejections=net_of_rejections)
        and any(r.status == InvoiceStatus.APPROVED for r in state.invoices)
        and fully_invoiced(state, net_of_rejections=net_of_rejections)
        and invoices_settled(state)
        and not state.open_tasks
        and not state.open_expected_credits
    )


def close_short_lines(
    state: PurchaseOrderState, *, net_of_rejections: bool = True
) -> list[PurchaseOrderLine]:
    """The lines of a PO the buyer closes short: ordered quantities drop to
    what was received (kept); a line with nothing received drops off; lines
    that need no receipt stay as they are. Empty: nothing to keep."""
    lines = []
    for line in state.po.lines:
        if not needs_receipt(line.level):
            lines.append(line)
            continue
        received = received_for_match(state, line.line_no, net_of_rejections=net_of_rejections)
        if received > 0:
            lines.append(line.model_copy(update={"quantity": min(received, line.quantity)}))
    return lines


def final_close_lines(
    state: PurchaseOrderState, *, net_of_rejections: bool = True
) -> list[PurchaseOrderLine]:
    """The lines of a PO the buyer final-closes: each keeps what it delivered
    — received (kept) for 3-/4-way lines, invoiced for 2-way lines, never more
    than ordered — and the open rest is released; a line that delivered
    nothing drops off. Empty: nothing was delivered (cancel it instead)."""
    lines = []
    for line in state.po.lines:
        if needs_receipt(line.level):
            kept = received_for_match(state, line.line_no, net_of_rejections=net_of_rejections)
        else:
            kept = state.invoiced_quantity(line.line_no)
        if kept > 0:
            lines.append(line.model_copy(update={"quantity": min(kept, line.quantity)}))
    return lines


def final_close_refusal(state: PurchaseOrderState, *, net_of_rejections: bool = True) -> str | None:
    """Why the buyer may not final-close now (None: they may): an invoice
    still held must be answered first, and a PO that delivered nothing is
    cancelled, not closed."""
    held = [r.invoice.invoice_number for r in state.invoices if r.status == InvoiceStatus.HELD]
    if held:
        return (
            f"invoice {', '.join(held)} on {state.po.po_number} is on hold: answer it before the final close"
        )
    awaiting = [
        r.invoice.invoice_number for r in state.invoices if r.status == InvoiceStatus.CREDIT_REQUESTED
    ]
    if awaiting:
        return f"invoice {', '.join(awaiting)} waits for the supplier's credit memo, which a closed PO cannot take"
    owed = sorted({c.return_id for c in state.open_expected_credits})
    if owed:
        return (
            f"return {', '.join(owed)} on {state.po.po_number} waits for the supplier's credit memo, "
            "which a closed PO cannot take"
        )
    if not final_close_lines(state, net_of_rejections=net_of_rejections):
        return f"nothing was received or invoiced on {state.po.po_number}: cancel it instead"
    return None


def line_cancel_refusal(state: PurchaseOrderState, line_no: int) -> str | None:
    """Why the buyer may not cancel this line (None: they may): it must be on
    the PO, with nothing received or invoiced on it (then: close short or
    final-close), and not the last line (then: cancel the PO)."""
    po = state.po
    if po.line(line_no) is None:
        return (
            f"line {line_no} is not on {po.po_number} (lines {', '.join(str(x.line_no) for x in po.lines)})"
        )
    if state.received_quantity(line_no) > 0:
        return f"line {line_no} of {po.po_number} has receipts: close it short or final-close the PO instead"
    if state.invoiced_quantity(line_no) != 0:
        return f"line {line_no} of {po.po_number} was invoiced: it cannot be cancelled"
    if len(po.lines) == 1:
        return f"line {line_no} is the last line of {po.po_number}: cancel the PO instead"
    return None
