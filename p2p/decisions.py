"""Who may decide a task: the role the task names (identity.roles decides
which roles cover it), and segregation of duties on a PO's tasks — nobody
approves their own requisition; the receiver of goods does not release the
invoice for them.

The decider is an authenticated principal id (normalised login); the names it
is compared with come from other systems as free text, so they are compared
by identity.names.identity_key (case, width, invisible characters, @domain).
"""

from __future__ import annotations

from collections.abc import Sequence

from identity.names import identity_key
from identity.roles import may_take_task
from models.tasks import HumanTask, TaskKind
from models.workflow_state import PurchaseOrderState


def check_role(task: HumanTask, actor: str, roles: Sequence[str]) -> None:
    """Raises ValueError when `actor` is not one of the people the task is with
    (its holders' delegates, deputies, managers) and either the task names
    people (the matrix's) and `actor` is not among them, or none of `roles`
    may take it."""
    if actor in task.assignees:
        return
    if task.eligible and actor not in task.eligible:
        # The matrix named who decides it: the role alone is not enough.
        raise ValueError(
            f"{actor} is not one of the people task {task.task_id} names ({', '.join(task.eligible)})"
        )
    if not may_take_task(roles, task.assignee_role):
        held = ", ".join(sorted(roles)) or "no roles"
        raise ValueError(
            f"{actor} ({held}) does not hold the role {task.assignee_role} that task {task.task_id} needs"
        )


def approvers_of(task: HumanTask) -> list[str]:
    """Who may approve an approval level that names people: those people, and
    whoever the task went to since (their delegates, deputies, managers)."""
    return [*task.eligible, *task.assignees] if task.eligible else []


def check_segregation_of_duties(state: PurchaseOrderState, task: HumanTask, actor: str) -> None:
    """Raises ValueError when `actor` may not decide `task` on this PO."""
    who = identity_key(actor)
    if task.kind == TaskKind.APPROVE_PO and who == identity_key(state.po.requested_by or ""):
        raise ValueError(f"{actor} requested {state.po.po_number} and cannot approve it")
    policy = state.policy
    if task.kind == TaskKind.APPROVE_PO and policy is not None and not policy.buyer_may_approve_own_po:
        if who == identity_key(state.po.buyer):
            raise ValueError(
                f"{actor} is the buyer of {state.po.po_number} and the policy {policy.name} "
                f"v{policy.version} lets no buyer approve their own PO"
            )
    amendment = state.pending_amendment
    if (
        task.kind == TaskKind.APPROVE_AMENDMENT
        and amendment is not None
        and who == identity_key(amendment.actor)
    ):
        raise ValueError(f"{actor} amended {state.po.po_number} and cannot approve the amendment")
    if task.kind == TaskKind.RESOLVE_INVOICE_HOLD:
        receivers = {identity_key(r.received_by or "") for r in state.receipts}
        if who in receivers:
            raise ValueError(f"{actor} received the goods and cannot release the invoice for them")
        record = state.invoice_record(task.subject_id or "")
        if record is not None:
            check_bank_details_duty(record.bank_changed_by, actor, state.po.vendor_id)


def check_bank_details_duty(changed_by: str | None, actor: str, vendor_id: str) -> None:
    """Raises ValueError when `actor` last changed the vendor's bank details:
    releasing its invoice to payment is then someone else's call (the fraud
    this stops: divert the account, then approve the payment into it)."""
    if changed_by and identity_key(changed_by) == identity_key(actor):
        raise ValueError(
            f"{actor} changed {vendor_id}'s bank details and cannot release its invoices to payment"
        )
