"""Segregation of duties on a PO's tasks: nobody approves their own
requisition; the receiver of goods does not release the invoice for them."""

from __future__ import annotations

from models.tasks import HumanTask, TaskKind
from models.workflow_state import PurchaseOrderState


def check_segregation_of_duties(state: PurchaseOrderState, task: HumanTask, actor: str) -> None:
    """Raises ValueError when `actor` may not decide `task` on this PO."""
    who = actor.strip().lower()
    if task.kind == TaskKind.APPROVE_PO and who in {(state.po.requested_by or "").lower()}:
        raise ValueError(f"{actor} requested {state.po.po_number} and cannot approve it")
    if task.kind == TaskKind.RESOLVE_INVOICE_HOLD:
        receivers = {(r.received_by or "").lower() for r in state.receipts}
        if who in receivers:
            raise ValueError(f"{actor} received the goods and cannot release the invoice for them")
