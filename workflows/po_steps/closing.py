"""End of the purchase-order lifecycle, step 7: the PO closes once fully
received (kept), invoiced and settled; a buyer may close it short to what was
received, or final-close it (the `final_close` update: for good, the open rest
released); and a cancellation (by the `cancel` update or a person's decision)
is finished here — tasks closed, the supplier told."""

from __future__ import annotations

from temporalio import workflow

from workflows.po_steps.base import PoBase
from workflows.po_steps.patches import PATCH_CANCEL_AND_REMIND_BY_CHANNEL, PATCH_LINE_CANCEL_CHANGE_ORDER

with workflow.unsafe.imports_passed_through():
    from models import (
        FinalCloseRequest,
        IssuePurpose,
        LineCancelRequest,
        NotificationChannel,
        PoStatus,
        RevisionReason,
        TaskStatus,
    )
    from p2p import closing, receiving
    from workflows import activity_calls as act


class ClosingSteps(PoBase):
    """Step 7: close when done, close short, finish a cancellation."""

    async def _close_if_done(self) -> None:
        if closing.can_close(self._s, net_of_rejections=self._net_receipts()):
            self._s.status = PoStatus.CLOSED
            self._s.closed_at = workflow.now()
            self._log("closed", "fully received, invoiced and approved")

    async def _close_short(self, actor: str) -> None:
        """Buyer accepts what was received: ordered quantities drop to what was
        kept (net of rejections: rejected goods are not coming back)."""
        s = self._s
        net = self._net_receipts()
        lines = closing.close_short_lines(s, net_of_rejections=net)
        if not lines:
            await self._finish_cancelled(f"closed short by {actor} with nothing received")
            return
        revised = s.po.model_copy(update={"lines": lines, "revision": s.po.revision + 1})
        s.receipt_due_at = None
        await self._new_revision(
            revised, RevisionReason.BUYER_AMENDMENT, None, f"closed short by {actor}", approved_by=actor
        )
        if receiving.fully_received(s, net_of_rejections=net):
            s.status = PoStatus.RECEIVED

    # ---------------------------------------------------------- cancellation

    async def _handle_line_cancels(self) -> None:
        for pending in [c for c in self._line_cancels if not c.done]:
            if not self._s.is_final:
                await self._cancel_line(pending.request)
            pending.done = True
        self._line_cancels = [c for c in self._line_cancels if not c.done]

    async def _cancel_line(self, request: LineCancelRequest) -> None:
        """One line off the order: a revision without it, the supplier told,
        and an invoice that bills it later held PO_NOT_OPEN (p2p.matching)."""
        s = self._s
        before = s.po
        lines = [line for line in s.po.lines if line.line_no != request.line_no]
        revised = s.po.model_copy(update={"lines": lines, "revision": s.po.revision + 1})
        why = f"line {request.line_no} cancelled by {request.actor}: {request.reason}"
        s.cancelled_lines.append(request.line_no)
        await self._new_revision(
            revised, RevisionReason.BUYER_AMENDMENT, None, why, approved_by=request.actor
        )
        if s.status == PoStatus.PARTIALLY_RECEIVED and receiving.fully_received(
            s, net_of_rejections=self._net_receipts()
        ):
            s.status = PoStatus.RECEIVED  # what is left was all delivered
        if self._patched(PATCH_LINE_CANCEL_CHANGE_ORDER):
            # Through the vendor's channel, like an amendment: an 860 / ORDCHG
            # deleting the line (POC02 DI, LIN 1229 2), or the e-mail of the change.
            await self._send_change(before)
            return
        await self._notify(
            NotificationChannel.SUPPLIER,
            s.po.vendor_id,
            f"line-cancelled:{request.line_no}",
            f"{s.po.po_number} line {request.line_no} is cancelled",
            f"Please do not deliver or invoice line {request.line_no}; revision {s.po.revision} is the order now. "
            f"Reason: {request.reason}",
        )

    async def _handle_cancel(self) -> None:
        request = self._cancel
        if request is None or self._cancel_done:
            return
        if isinstance(request, FinalCloseRequest):
            await self._final_close(request)
        else:
            await self._finish_cancelled(f"cancelled by {request.actor}: {request.reason}")
        self._cancel_done = True

    async def _final_close(self, request: FinalCloseRequest) -> None:
        """The buyer ends the PO for good: each line keeps what it delivered
        (a revision saying so), the open rest is released, whatever waited is
        closed, and the supplier is told to send nothing more."""
        s = self._s
        lines = closing.final_close_lines(s, net_of_rejections=self._net_receipts())
        why = f"final close by {request.actor}: {request.reason}"
        if lines != s.po.lines:
            revised = s.po.model_copy(update={"lines": lines, "revision": s.po.revision + 1})
            await self._new_revision(
                revised, RevisionReason.BUYER_AMENDMENT, None, why, approved_by=request.actor
            )
        s.status = PoStatus.CLOSED
        s.closed_at = workflow.now()
        s.ack_reminder_at = s.ack_due_at = s.receipt_due_at = None
        for task in s.open_tasks:
            await self._close_task(task, TaskStatus.CANCELLED)
        self._log("final_closed", why, actor=request.actor)
        await self._notify(
            NotificationChannel.SUPPLIER,
            s.po.vendor_id,
            "final-closed",
            f"{s.po.po_number} is closed",
            f"Closed at revision {s.po.revision} by the buyer; please send no further deliveries or invoices. "
            f"Reason: {request.reason}",
        )

    async def _finish_cancelled(self, reason: str) -> None:
        s = self._s
        s.status = PoStatus.CANCELLED
        s.cancel_reason = reason
        s.ack_reminder_at = s.ack_due_at = s.receipt_due_at = None
        for task in s.open_tasks:
            await self._close_task(task, TaskStatus.CANCELLED)
        self._log("cancelled", reason)
        if s.issued_at is None:
            return  # the supplier never had it
        if self._patched(PATCH_CANCEL_AND_REMIND_BY_CHANNEL):
            # An 860 BCH01 "01" / ORDCHG BGM 1225 "1" cancelling the revision
            # the vendor has, with the reason; or the e-mail saying so.
            request = self._issue_request(purpose=IssuePurpose.CANCEL, reason=reason[:500])
            result = await act.issue_po(request)
            self._log(
                "cancellation_sent", f"r{s.po.revision} cancelled to {s.po.vendor_id} by {result.describe()}"
            )
        else:
            await self._notify(
                NotificationChannel.SUPPLIER,
                s.po.vendor_id,
                "cancelled",
                f"{s.po.po_number} is cancelled",
                reason,
            )
