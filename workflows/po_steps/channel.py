"""The PO on the vendor's channel (step 3, issue #17 item 9): the supplier's
syntax acknowledgment of the message we sent — an X12 997 or an EDIFACT
CONTRL — is recorded on the PO and told in its story; a rejection (their
translator could not read our 850 / ORDERS) is a buyer task: send it again
(new control numbers), or send the PO by e-mail as a PDF instead."""

from __future__ import annotations

from temporalio import workflow

from workflows.po_steps.base import PoBase
from workflows.po_steps.patches import PATCH_FUNCTIONAL_ACK

with workflow.unsafe.imports_passed_through():
    from models import HumanTask, TaskDecision, TaskKind, TaskStatus
    from models.functional_acks import FunctionalAck
    from workflows import activity_calls as act
    from workflows.contract import Decision


class ChannelSteps(PoBase):
    """Functional acknowledgments, and re-sending a PO their rejection asks for."""

    async def _on_functional_ack(self, fa: FunctionalAck) -> None:
        s = self._s
        if not self._patched(PATCH_FUNCTIONAL_ACK):
            # Runs from before: the signal was not theirs to read.
            workflow.logger.info("%s: functional acknowledgment %s ignored", s.po.po_number, fa.ack_id)
            return
        s.functional_acks.append(fa)
        answered = _answered(fa)
        if not fa.rejected:
            self._log("functional_ack", f"{fa.ack_id}: {answered} {fa.summary()}")
            await self._settle_rejections(fa)
            return
        self._log("functional_ack_rejected", f"{fa.ack_id}: {answered} {fa.summary()}")
        if s.has_open_task(TaskKind.REVIEW_EDI_REJECTION):
            return  # one question at a time: the open task answers this rejection too
        await self._open_task(
            TaskKind.REVIEW_EDI_REJECTION,
            f"{s.po.vendor_id} could not read {s.po.po_number} ({fa.standard.upper()})",
            subject_id=fa.document_id,
            context={"rejection": fa.summary(), "answers": answered.strip()},
        )

    async def _settle_rejections(self, accepted: FunctionalAck) -> None:
        """An acceptance of the send a rejection was about (or of a later one)
        answers the buyer's question: their translator read it after all."""
        s = self._s
        by_id = {fa.document_id: fa for fa in s.functional_acks}
        for task in s.open_tasks:
            rejected = by_id.get(task.subject_id or "")
            if task.kind == TaskKind.REVIEW_EDI_REJECTION and rejected is not None:
                if _purpose(accepted) == _purpose(rejected) and (accepted.answers_attempt or 0) >= (
                    rejected.answers_attempt or 0
                ):
                    await self._close_task(task, TaskStatus.CANCELLED)
                    self._log("task_closed", f"{task.task_id} no longer needed: {accepted.ack_id} accepted")

    async def _decide_edi_rejection(self, task: HumanTask, d: TaskDecision) -> None:
        """Send the current revision again, as the next attempt: through the
        vendor's channel (resend) or by e-mail with the PDF (send_by_email)."""
        s = self._s
        attempt = sum(
            1 for t in s.tasks if t.kind == TaskKind.REVIEW_EDI_REJECTION and t.status == TaskStatus.DONE
        )
        channel = "email" if d.decision == Decision.SEND_BY_EMAIL else None
        result = await act.issue_po(self._issue_request(attempt=attempt, channel=channel))
        self._log(
            "reissued", f"r{s.po.revision} attempt {attempt} sent by {result.describe()}", actor=d.actor
        )


def _purpose(fa: FunctionalAck) -> str:
    return fa.answers_purpose or "order"


def _answered(fa: FunctionalAck) -> str:
    if fa.answers_revision is None:
        return ""
    purpose = _purpose(fa)
    if purpose == "reminder":
        return f"(answers r{fa.answers_revision} reminder {fa.answers_attempt})"
    attempt = f" attempt {fa.answers_attempt}" if fa.answers_attempt else ""
    what = " cancellation" if purpose == "cancel" else ""
    return f"(answers r{fa.answers_revision}{what}{attempt})"
