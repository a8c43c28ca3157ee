"""People's decisions, at any lifecycle stage (steps 1–7): the run loop
applies each `decide` update accepted by the handler — closing its task and
handing the choice to the stage it answers (approval, supplier change,
chasing, expediting, invoice holds) — and places the manual holds that
`hold_invoice` recorded, in order with the documents."""

from __future__ import annotations

from temporalio import workflow

from workflows.po_steps.base import PoBase

with workflow.unsafe.imports_passed_through():
    from models import HoldCode, HumanTask, NotificationChannel, PoStatus, TaskDecision, TaskKind, TaskStatus
    from workflows import activity_calls as act
    from workflows.contract import Decision


class DecisionSteps(PoBase):
    """Apply what people decided, and the manual holds they placed."""

    async def _handle_decisions(self) -> None:
        for pending in [p for p in self._decisions if not p.done]:
            decision = pending.request
            task = self._s.task(decision.task_id)
            assert task is not None
            if task.status != TaskStatus.OPEN:  # closed by an event while the decision was on its way
                self._log(
                    "decision_ignored",
                    f"{task.task_id} was already {task.status.value}; "
                    f"{decision.decision} by {decision.actor} not applied",
                )
                pending.done = True
                continue
            task.status = TaskStatus.DONE
            task.decision = decision.decision
            task.decided_by = decision.actor
            task.decided_at = workflow.now()
            task.comment = decision.comment
            self._log(
                "decided",
                f"{task.task_id} {task.kind.value}: {decision.decision}"
                + (f" ({', '.join(decision.holds)})" if decision.holds else "")
                + f" by {decision.actor}"
                + (f" — {decision.comment}" if decision.comment else ""),
                actor=decision.actor,
            )
            await act.save_task(task)
            if not self._s.is_final:
                await self._apply_decision(task, decision)
            pending.done = True
        self._decisions = [p for p in self._decisions if not p.done]

    async def _handle_hold_requests(self) -> None:
        for pending in [h for h in self._hold_requests if not h.done]:
            if not self._s.is_final:
                await self._place_manual_hold(pending.request)
            pending.done = True
        self._hold_requests = [h for h in self._hold_requests if not h.done]

    async def _apply_decision(self, task: HumanTask, d: TaskDecision) -> None:
        s = self._s
        choice = d.decision
        if task.kind == TaskKind.APPROVE_PO:
            if choice == Decision.APPROVE:
                await self._approve_po(task, d)
            else:
                s.status = PoStatus.REJECTED
                self._log("rejected", f"approval refused by {d.actor}: {d.comment}")
        elif task.kind == TaskKind.APPROVE_SUPPLIER_CHANGE:
            await self._decide_supplier_change(accept=(choice == Decision.ACCEPT_CHANGE), actor=d.actor)
        elif (
            task.kind in (TaskKind.SUPPLIER_REJECTED, TaskKind.CHASE_SUPPLIER)
            and choice == Decision.CANCEL_PO
        ):
            await self._finish_cancelled(f"cancelled by {d.actor} after {task.kind.value}: {d.comment or ''}")
        elif task.kind == TaskKind.CHASE_SUPPLIER:
            if choice == Decision.PROCEED_WITHOUT_ACK:
                s.ack_waived = True
                s.ack_reminder_at = s.ack_due_at = None
                await self._rematch_waiting_for(HoldCode.ACK_MISSING)
            else:  # keep_waiting
                assert s.policy is not None
                s.ack_due_at = workflow.now() + s.policy.ack_due_after
        elif task.kind == TaskKind.EXPEDITE_RECEIPT:
            if choice == Decision.CLOSE_SHORT:
                await self._close_short(d.actor)
            elif s.expedite_per_schedule:
                await self._keep_waiting_for_receipt()  # asked again after grace, if still missing
            else:
                assert s.policy is not None
                s.receipt_due_at = workflow.now() + s.policy.receipt_grace
        elif task.kind == TaskKind.RESOLVE_INVOICE_HOLD:
            await self._decide_invoice_hold(task, d)
        elif task.kind == TaskKind.RESOLVE_REJECTED_LINE:
            await self._resolve_rejected_line(task, d)
        elif task.kind == TaskKind.APPROVE_AMENDMENT:
            await self._decide_amendment(task, d)
        elif task.kind == TaskKind.REVIEW_EDI_REJECTION:
            await self._decide_edi_rejection(task, d)
        elif task.kind == TaskKind.REVIEW_OVER_RECEIPT:
            await self._decide_over_receipt(task, d)
        elif task.kind == TaskKind.REVIEW_SHIP_NOTICE and choice == Decision.ASK_SUPPLIER:
            await self._notify(
                NotificationChannel.SUPPLIER,
                s.po.vendor_id,
                f"asn-exception:{task.subject_id}",
                f"Your ship notice for {s.po.po_number} goes beyond the order",
                f"{task.context.get('exceptions', '')}. {d.comment or ''}".strip(),
            )
