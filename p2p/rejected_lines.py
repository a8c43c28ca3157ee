"""A line the supplier will not deliver (X12 855 ACK01 IR / ID / R1–R8,
EDIFACT ORDRSP 1229 "7 not accepted"): one buyer task per line (issue #17
item 1), answered by re-sourcing it — its open quantity ordered on a new PO
from another vendor — or cancelling it. Either way the line leaves this PO;
when it was the last line, so does the PO (it is cancelled).

Pure: the workflow's validator calls `check_decision`, its loop builds the
new PO with `replacement_po`."""

from __future__ import annotations

from datetime import date

from models.purchase_order import PurchaseOrder, PurchaseOrderLine
from models.tasks import HumanTask, TaskDecision
from models.workflow_state import PurchaseOrderState
from workflows.contract import Decision

__all__ = ["LINE_KEY", "check_decision", "replacement_number", "replacement_po", "task_line"]

# The task context key naming the rejected line.
LINE_KEY = "line_no"


def task_line(task: HumanTask) -> int:
    """The PO line a RESOLVE_REJECTED_LINE task is about."""
    return int(task.context[LINE_KEY])


def replacement_number(state: PurchaseOrderState, line_no: int) -> str:
    """`PO-1001-L2`: the new PO for line 2 of PO-1001 (`-L2-2` the second
    time the same line is re-sourced). Raises ValueError when the PO's own
    number leaves no room for the suffix."""
    earlier = sum(1 for r in state.re_sourced if r.line_no == line_no)
    number = f"{state.po.po_number}-L{line_no}" + (f"-{earlier + 1}" if earlier else "")
    if len(number) > 64:
        raise ValueError(f"{state.po.po_number} is too long a number to derive one for its re-sourced line")
    return number


def check_decision(state: PurchaseOrderState, task: HumanTask, decision: TaskDecision) -> None:
    """Raises ValueError, in the words the buyer reads, when the decision
    cannot be carried out: the line is gone, something was received or
    invoiced on it, or a re-source names no other vendor."""
    line_no = task_line(task)
    po = state.po
    if po.line(line_no) is None:
        raise ValueError(f"line {line_no} is no longer on {po.po_number}")
    if state.received_quantity(line_no) > 0 or state.invoiced_quantity(line_no) != 0:
        raise ValueError(
            f"line {line_no} of {po.po_number} was received or invoiced after all: "
            "close it short or final-close the PO instead"
        )
    if decision.decision == Decision.RE_SOURCE:
        if decision.vendor_id is None:
            raise ValueError(f"re_source names the vendor to buy line {line_no} from (vendor_id)")
        if decision.vendor_id == po.vendor_id:
            raise ValueError(f"{po.vendor_id} rejected line {line_no}: re-source it from another vendor")
        replacement_number(state, line_no)
    elif decision.unit_price is not None or decision.vendor_id is not None:
        raise ValueError("vendor_id and unit_price are for re_source only")


def replacement_po(
    state: PurchaseOrderState, line_no: int, decision: TaskDecision, today: date
) -> PurchaseOrder:
    """The new PO for the rejected line: the same item, quantity, unit and
    need-by from the vendor the buyer named, at their price (or the agreed
    one), in this PO's currency, bought by the buyer who decided. It goes
    through validation and approval like any PO."""
    assert decision.vendor_id is not None  # check_decision made sure
    po = state.po
    line = po.line(line_no)
    assert line is not None
    new_line = PurchaseOrderLine(
        line_no=1,
        item_id=line.substituted_for or line.item_id,
        description=line.description,
        quantity=line.quantity,
        uom=line.uom,
        unit_price=decision.unit_price if decision.unit_price is not None else line.unit_price,
        need_by=line.need_by,
        category=line.category,
    )
    return PurchaseOrder(
        po_number=replacement_number(state, line_no),
        vendor_id=decision.vendor_id,
        buyer=decision.actor,
        requested_by=po.requested_by,
        budget_code=po.budget_code,
        currency=po.currency,
        order_date=today,
        payment_terms=po.payment_terms,
        lines=[new_line],
        note=f"Re-sourced: line {line_no} of {po.po_number}, rejected by {po.vendor_id}",
    )
