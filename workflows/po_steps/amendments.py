"""The buyer's amendments, lifecycle steps 2–4 after issue (issue #17 item
3): the `amend` update's changes become the next revision and go to the
supplier as a change (860 / ORDCHG, or e-mail); one that raises the total
beyond the approval threshold first waits for an approver. The supplier's
change acknowledgment (865, or an ORDRSP to the ORDCHG) then arrives like
any acknowledgment, and is chased like the order's. p2p.amendments has the rules."""

from __future__ import annotations

from temporalio import workflow

from workflows.po_steps.base import PoBase, _Pending
from workflows.po_steps.patches import PATCH_CHANGE_ACK_CHASE

with workflow.unsafe.imports_passed_through():
    from models import HumanTask, PurchaseOrder, RevisionReason, TaskDecision, TaskKind, format_money
    from models.amendments import AmendRequest
    from p2p import amendments, approvals, revisions
    from workflows import activity_calls as act
    from workflows.contract import Decision


class AmendmentSteps(PoBase):
    """Apply the buyer's amendments, approved first where the rules say so."""

    _amendments: list[_Pending[AmendRequest]]

    async def _handle_amendments(self) -> None:
        for pending in [a for a in self._amendments if not a.done]:
            if not self._s.is_final:
                await self._amend(pending.request)
            pending.done = True
        self._amendments = [a for a in self._amendments if not a.done]

    async def _amend(self, request: AmendRequest) -> None:
        s = self._s
        assert s.policy is not None
        revised = amendments.amended_po(s.po, request)
        if not amendments.needs_reapproval(s.po, revised, s.policy):
            await self._apply_amendment(request, approved_by=request.actor)
            return
        s.pending_amendment = request
        total = f"{format_money(s.po.total, s.po.currency)} → {format_money(revised.total, s.po.currency)}"
        self._log(
            "amendment_proposed", f"by {request.actor} ({total}): {request.reason}", actor=request.actor
        )
        await self._open_task(
            TaskKind.APPROVE_AMENDMENT,
            f"Approve the amendment of {s.po.po_number}",
            context={
                "amended by": request.actor,
                "why": request.reason,
                "total": total,
                "threshold": format_money(s.policy.approval_threshold, s.po.currency),
                "changes": "; ".join(
                    f"line {c.line_no} {c.field}: {c.old or '—'} → {c.new or '—'}"
                    for c in revisions.line_changes(s.po, revised)
                ),
            },
        )

    def _check_amendment_approver(self, task: HumanTask, d: TaskDecision) -> None:
        """Validator: the approver's limit covers the amended total."""
        s = self._s
        if (
            task.kind != TaskKind.APPROVE_AMENDMENT
            or d.decision != Decision.APPROVE
            or not s.pending_amendment
        ):
            return
        approvals.check_approver(
            actor=d.actor,
            level=1,
            people=[],
            limits=d.actor_limits,
            total=amendments.amended_po(s.po, s.pending_amendment).total,
            currency=s.po.currency,
            earlier_approvers=[],
        )

    async def _decide_amendment(self, task: HumanTask, d: TaskDecision) -> None:
        s = self._s
        request, s.pending_amendment = s.pending_amendment, None
        if request is None:
            return
        if d.decision == Decision.APPROVE:
            await self._apply_amendment(request, approved_by=d.actor)
        else:
            self._log(
                "amendment_rejected", f"{request.actor}'s amendment rejected by {d.actor}: {d.comment or ''}"
            )

    async def _apply_amendment(self, request: AmendRequest, *, approved_by: str) -> None:
        """The next revision, the cancelled lines noted (an invoice on one is
        PO_NOT_OPEN), and the change sent to the supplier."""
        s = self._s
        before = s.po
        s.cancelled_lines += [c.line_no for c in request.lines if c.cancel]
        await self._new_revision(
            amendments.amended_po(before, request),
            RevisionReason.BUYER_AMENDMENT,
            None,
            f"amended by {request.actor}: {request.reason}",
            approved_by=approved_by,
        )
        await self._send_change(before)

    async def _send_change(self, before: PurchaseOrder) -> None:
        """The buyer's change from `before` to the revision in force, to the
        supplier through its channel (860 / ORDCHG, or the e-mail of the
        change); a vendor that must acknowledge owes an acknowledgment of the
        change, chased like the order's (runs started before did not chase it)."""
        s = self._s
        why = s.revisions[-1].why if s.revisions else None  # the buyer's reason goes with the change
        result = await act.issue_po(self._issue_request(previous=before, reason=why[:500] if why else None))
        self._log("change_sent", f"r{s.po.revision} sent to {s.po.vendor_id} by {result.describe()}")
        assert s.policy is not None
        if s.policy.acknowledgment_required and self._patched(PATCH_CHANGE_ACK_CHASE):
            now = workflow.now()
            s.ack_reminder_at = now + s.policy.ack_reminder_after
            s.ack_due_at = now + s.policy.ack_due_after
