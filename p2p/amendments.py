"""A buyer's amendment of an issued PO (issue #17 item 3): whether it may be
made, the revision it makes, and whether it must be approved again.

- Refused: on a PO not issued yet (reject and re-create it) or already ended;
  for a line not on the PO or cancelled; a quantity below what was received
  or invoiced on the line; a cancel of a line with receipts or invoices
  (close it short, or final-close the PO); cancelling every line (cancel the
  PO); an added line whose number is taken; a change that changes nothing;
  while another amendment waits for approval.
- Re-approval: the amended total rises, and beyond the policy's approval
  threshold — the approval rules' own threshold (models.Policy)."""

from __future__ import annotations

from models.amendments import AmendRequest, LineAmendment
from models.policy import Policy
from models.purchase_order import PurchaseOrder, PurchaseOrderLine
from models.workflow_state import PoStatus, PurchaseOrderState

__all__ = ["amended_po", "amendment_refusal", "needs_reapproval"]

AMENDABLE = frozenset(
    {PoStatus.ISSUED, PoStatus.ACKNOWLEDGED, PoStatus.PARTIALLY_RECEIVED, PoStatus.RECEIVED}
)


def amendment_refusal(state: PurchaseOrderState, request: AmendRequest) -> str | None:
    """Why the amendment cannot be made (None: it can), in the buyer's words."""
    po = state.po
    if state.status not in AMENDABLE:
        return f"{po.po_number} is {state.status.value}: only an issued PO is amended"
    if state.pending_amendment is not None:
        return f"an amendment of {po.po_number} is waiting for approval; decide that first"
    for change in request.lines:
        refusal = _line_refusal(state, change)
        if refusal:
            return refusal
    taken = sorted({line.line_no for line in request.add_lines} & {line.line_no for line in po.lines})
    if taken:
        return f"line(s) {', '.join(map(str, taken))} already on {po.po_number}: added lines need new numbers"
    revised = amended_po(po, request)
    if not revised.lines:
        return f"that cancels every line of {po.po_number}: cancel the PO instead"
    if revised.lines == po.lines:
        return "the amendment changes nothing on the PO"
    return None


def _line_refusal(state: PurchaseOrderState, change: LineAmendment) -> str | None:
    line = state.po.line(change.line_no)
    n = change.line_no
    if line is None:
        return f"line {n} is not on {state.po.po_number}"
    received, invoiced = state.received_quantity(n), state.invoiced_quantity(n)
    if change.cancel and (received > 0 or invoiced != 0):
        return f"line {n} has receipts or invoices: close it short or final-close the PO instead"
    floor = max(received, invoiced)
    if change.quantity is not None and change.quantity < floor:
        return f"line {n}: {change.quantity.normalize():f} is below the {floor.normalize():f} received or invoiced"
    return None


def amended_po(po: PurchaseOrder, request: AmendRequest) -> PurchaseOrder:
    """The next revision: each line changed or dropped as asked, the added
    lines at the end. A quantity change ends a split into schedules (one
    delivery of the new quantity by the line's need-by)."""
    changes = {change.line_no: change for change in request.lines}
    lines = [
        _amended_line(line, changes[line.line_no]) if line.line_no in changes else line
        for line in po.lines
        if not (line.line_no in changes and changes[line.line_no].cancel)
    ]
    return po.model_copy(update={"lines": [*lines, *request.add_lines], "revision": po.revision + 1})


def _amended_line(line: PurchaseOrderLine, change: LineAmendment) -> PurchaseOrderLine:
    update: dict[str, object] = {}
    if change.quantity is not None:
        update |= {"quantity": change.quantity, "schedules": []}
    if change.unit_price is not None:
        update["unit_price"] = change.unit_price
    if change.need_by is not None:
        update["need_by"] = change.need_by
    return line.model_copy(update=update)


def needs_reapproval(before: PurchaseOrder, after: PurchaseOrder, policy: Policy) -> bool:
    """The total rises, and beyond the threshold above which a PO is approved."""
    return after.total > before.total and after.total > policy.approval_threshold
