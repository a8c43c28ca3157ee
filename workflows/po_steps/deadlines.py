"""Deadlines and escalation, across the lifecycle (steps 3–6): when the
acknowledgment reminder, the acknowledgment SLA, the receipt date or an
invoice hold's SLA has passed, what happens — a reminder, a task for the
buyer, a hold task — and overdue tasks escalate. When each is due is
p2p/deadlines.py; the SLAs come from the policy recorded in history."""

from __future__ import annotations

from temporalio import workflow

from workflows.po_steps.base import PoBase
from workflows.po_steps.patches import PATCH_CANCEL_AND_REMIND_BY_CHANNEL

with workflow.unsafe.imports_passed_through():
    from models import HumanTask, InvoiceStatus, IssuePurpose, NotificationChannel, TaskKind
    from workflows import activity_calls as act


class DeadlineSteps(PoBase):
    """What happens when a deadline passes; escalating overdue tasks."""

    async def _handle_deadlines(self) -> None:
        s = self._s
        if s.is_final:
            return
        now = workflow.now()
        if s.ack_reminder_at is not None and now >= s.ack_reminder_at:
            s.ack_reminder_at = None
            s.ack_reminders_sent += 1
            await self._remind_supplier()
        if s.ack_due_at is not None and now >= s.ack_due_at:
            s.ack_due_at = None
            self._log("ack_overdue", "acknowledgment SLA lapsed; buyer asked to chase the supplier")
            if not s.has_open_task(TaskKind.CHASE_SUPPLIER):
                await self._open_task(
                    TaskKind.CHASE_SUPPLIER,
                    f"Chase {s.po.vendor_id} for {s.po.po_number}",
                    context={
                        "issued_at": f"{s.issued_at:%Y-%m-%d %H:%M} UTC",
                        "reminders_sent": str(s.ack_reminders_sent),
                    },
                )
        if s.receipt_due_at is not None and now >= s.receipt_due_at and s.expedite_per_schedule:
            await self._expedite_lapsed()  # per promised delivery (po_steps.expedite)
        elif s.receipt_due_at is not None and now >= s.receipt_due_at:
            s.receipt_due_at = None
            self._log("receipt_overdue", "goods not received by need-by + grace")
            if not s.has_open_task(TaskKind.EXPEDITE_RECEIPT):
                await self._open_task(
                    TaskKind.EXPEDITE_RECEIPT,
                    f"Expedite {s.po.po_number}",
                    context={"need_by": str(s.po.latest_need_by)},
                )
        for record in s.invoices:
            if record.status == InvoiceStatus.HELD and record.escalate_at and now >= record.escalate_at:
                record.escalate_at = None
                self._log("hold_escalated", f"{record.invoice.invoice_number} still on hold")
                if not s.has_open_task(TaskKind.RESOLVE_INVOICE_HOLD, record.document_id):
                    await self._open_hold_task(record)
        for task in s.open_tasks:
            if task.escalation_level < 2 and now >= task.due_at:
                await self._escalate(task)

    async def _remind_supplier(self) -> None:
        """Chase the acknowledgment through the vendor's channel: the order it
        has, again, as a duplicate (850 BEG01 "07" / ORDERS BGM 1225 "7") or
        the e-mail with its PDF; runs started before sent a notification."""
        s = self._s
        number = s.ack_reminders_sent
        if self._patched(PATCH_CANCEL_AND_REMIND_BY_CHANNEL):
            result = await act.issue_po(self._issue_request(attempt=number, purpose=IssuePurpose.REMINDER))
            self._log("ack_reminder", f"no acknowledgment yet; reminder {number} sent by {result.describe()}")
            return
        self._log("ack_reminder", f"no acknowledgment yet; reminder {number} sent to {s.po.vendor_id}")
        await self._notify(
            NotificationChannel.SUPPLIER,
            s.po.vendor_id,
            f"ack-reminder:{number}",
            f"Please acknowledge {s.po.po_number}",
            f"{s.po.po_number} r{s.po.revision} was issued on {s.issued_at:%Y-%m-%d %H:%M} UTC.",
        )

    async def _escalate(self, task: HumanTask) -> None:
        """The next rung of the SLA ladder: the deputy, then the manager — named
        people from the organisation data, each told; the rung is in the history."""
        assert self._s.policy is not None
        # The next rung's people first, then the task changes in one go (a
        # query never sees the new level with the old people).
        people, why = await self._people_for(task, level=task.escalation_level + 1)
        task.escalation_level += 1
        task.due_at = workflow.now() + self._s.policy.task_sla
        if why:  # named people (runs before that keep the role-only ladder below)
            task.assignees = list(dict.fromkeys([*people, *task.assignees]))  # those asked before stay asked
            to = f"{task.escalated_to}: {why}"
            self._log("task_escalated", f"{task.task_id} {task.kind.value} overdue → {to}")
            await act.save_task(task)
            await self._notify_people(
                task, f"escalated:{task.escalation_level}", f"Overdue: {task.title}", to
            )
            return
        self._log("task_escalated", f"{task.task_id} {task.kind.value} overdue → {task.escalated_to}")
        await act.save_task(task)
        await self._notify(
            NotificationChannel.APPROVER,
            f"{task.assignee_role}:{task.escalated_to}",
            f"task:{task.task_id}:escalated:{task.escalation_level}",
            f"Overdue: {task.title}",
            f"Escalated to the {task.escalated_to}.",
        )
