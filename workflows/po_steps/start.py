"""Start of the purchase-order lifecycle, steps 1–3: validate and enrich the
PO, approve it (automatically within the approval threshold, else a person's
"approve PO" task) and issue it to the supplier, which sets the
acknowledgment and receipt deadlines."""

from __future__ import annotations

from temporalio import workflow

from workflows.po_steps.base import PoBase
from workflows.po_steps.patches import PATCH_VALIDATE_WITH_POLICY

with workflow.unsafe.imports_passed_through():
    from models import PoStatus, Revision, RevisionReason, TaskKind, format_money
    from p2p import deadlines, enrichment
    from workflows import activity_calls as act


class StartSteps(PoBase):
    """Steps 1–3: validate and enrich, approve, issue."""

    async def _validate_and_approve(self) -> None:
        s = self._s
        po = s.po
        self._log(
            "received",
            f"{po.po_number} r{po.revision}: {len(po.lines)} line(s), {format_money(po.total, po.currency)}",
        )
        if self._patched(PATCH_VALIDATE_WITH_POLICY):
            s.policy, validation = await act.validate_with_policy(po)  # one round trip
        else:
            s.policy = await act.load_policy(po.vendor_id)
            validation = await act.validate_po(po)
        s.flags = validation.flags
        if validation.match_levels:  # enrichment (empty from workers before it existed)
            s.po = po = enrichment.apply_match_levels(po, validation.match_levels)
            overruled = [level.note for level in validation.match_levels if level.note]
            if overruled:
                self._log("match_level_overruled", "; ".join(overruled))
        if validation.tax_rates:  # enrichment (empty from workers before it existed)
            s.po = po = enrichment.apply_tax_rates(po, validation.tax_rates)
        s.revisions.append(
            Revision(revision=po.revision, reason=RevisionReason.ORIGINAL, at=workflow.now(), total=po.total)
        )
        if validation.errors:
            s.status = PoStatus.REJECTED
            self._log("rejected", "validation failed: " + "; ".join(validation.errors))
            await self._flush()
            return
        if validation.flags:
            self._log("flagged", "; ".join(validation.flags))
        if validation.approval_route is not None:
            await self._route_for_approval(validation.approval_route)
        elif po.total > s.policy.approval_threshold or validation.flags:
            reason = (
                f"total {format_money(po.total, po.currency)} above "
                f"{format_money(s.policy.approval_threshold, po.currency)}"
            )
            if validation.flags:
                reason += "; " + "; ".join(validation.flags)
            await self._open_task(TaskKind.APPROVE_PO, f"Approve {po.po_number}", context={"why": reason})
            s.status = (
                PoStatus.PENDING_APPROVAL
            )  # after the task is in the state: a query sees both or neither
        else:
            self._log(
                "auto_approved",
                f"within the approval threshold {format_money(s.policy.approval_threshold, po.currency)}",
            )
            await self._issue()
        await self._flush()

    async def _issue(self) -> None:
        s = self._s
        result = await act.issue_po(self._issue_request())
        now = workflow.now()
        s.status = PoStatus.ISSUED
        s.issued_at = now
        assert s.policy is not None
        if s.policy.acknowledgment_required:  # a vendor that never confirms is not chased
            s.ack_reminder_at = now + s.policy.ack_reminder_after
            s.ack_due_at = now + s.policy.ack_due_after
        if s.expedite_per_schedule:
            await self._reschedule_receipt()  # per promised delivery (po_steps.expedite)
        else:
            s.receipt_due_at = deadlines.receipt_due_at(s.po, s.policy.receipt_grace)
        self._log("issued", f"r{s.po.revision} sent by {result.describe()}")
