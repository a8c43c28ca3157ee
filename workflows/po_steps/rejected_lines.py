"""Lines the supplier rejects, lifecycle step 4 (issue #17 item 1): a buyer
task per line, answered by re-sourcing the line — a new PO to another
vendor, started as a child workflow that outlives this one — or cancelling
it; either way the line leaves this PO (p2p.rejected_lines has the rules)."""

from __future__ import annotations

from temporalio import workflow
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.workflow import ParentClosePolicy

from workflows.po_steps.base import PoBase

with workflow.unsafe.imports_passed_through():
    from models import (
        Acknowledgment,
        HumanTask,
        LineCancelRequest,
        PurchaseOrderInput,
        TaskDecision,
        TaskKind,
    )
    from models.workflow_state import ReSourcedLine
    from p2p import rejected_lines
    from workflows.contract import Decision, WorkflowType, po_workflow_id


class RejectedLineSteps(PoBase):
    """Step 4: the supplier rejected a line; the buyer re-sources or cancels it."""

    async def _open_rejected_line_tasks(self, ack: Acknowledgment, line_nos: list[int]) -> None:
        s = self._s
        waiting = {
            rejected_lines.task_line(t) for t in s.open_tasks if t.kind == TaskKind.RESOLVE_REJECTED_LINE
        }
        for line_no in line_nos:
            line = s.po.line(line_no)
            if line is None or line_no in waiting:  # a re-sent rejection: the open task stands
                continue
            self._log(
                "line_rejected", f"{ack.ack_id}: line {line_no} ({line.item_id}) rejected by the supplier"
            )
            await self._open_task(
                TaskKind.RESOLVE_REJECTED_LINE,
                f"{s.po.vendor_id} rejected line {line_no} of {s.po.po_number}",
                subject_id=ack.document_id,
                context={
                    rejected_lines.LINE_KEY: str(line_no),
                    "item": f"{line.item_id} {line.description}".strip(),
                    "quantity": f"{line.quantity.normalize():f} {line.uom}",
                    "supplier_message": ack.message or "(none)",
                },
            )

    async def _resolve_rejected_line(self, task: HumanTask, d: TaskDecision) -> None:
        line_no = rejected_lines.task_line(task)
        if d.decision == Decision.RE_SOURCE:
            placed = await self._re_source(line_no, d)
            if placed is None:
                return
            reason = f"re-sourced on {placed} from {d.vendor_id}"
        else:
            reason = d.comment or "cancelled after the supplier rejected it"
        if len(self._s.po.lines) == 1:  # the last line: nothing is left to order here
            await self._finish_cancelled(f"line {line_no} {reason} by {d.actor}; it was the last line")
        else:
            await self._cancel_line(LineCancelRequest(actor=d.actor, reason=reason, line_no=line_no))

    async def _re_source(self, line_no: int, d: TaskDecision) -> str | None:
        """Start the new PO (validated and approved like any other); its
        number, or None when it exists already (the task is asked again)."""
        s = self._s
        new_po = rejected_lines.replacement_po(s, line_no, d, workflow.now().date())
        try:
            await workflow.start_child_workflow(
                WorkflowType.PURCHASE_ORDER,
                PurchaseOrderInput(po=new_po),
                id=po_workflow_id(new_po.po_number),
                task_queue=workflow.info().task_queue,
                parent_close_policy=ParentClosePolicy.ABANDON,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,  # PO numbers are never reused
                static_summary=f"{new_po.po_number}: line {line_no} of {s.po.po_number} from {new_po.vendor_id}",
            )
        except WorkflowAlreadyStartedError:
            self._log("re_source_failed", f"line {line_no}: {new_po.po_number} exists already", actor=d.actor)
            await self._open_rejected_line_tasks(self._ack_of(line_no), [line_no])
            return None
        line = new_po.lines[0]
        s.re_sourced.append(
            ReSourcedLine(
                line_no=line_no,
                po_number=new_po.po_number,
                vendor_id=new_po.vendor_id,
                quantity=line.quantity,
                decided_by=d.actor,
            )
        )
        self._log(
            "re_sourced",
            f"line {line_no}: {line.quantity.normalize():f} {line.uom} {line.item_id} ordered on "
            f"{new_po.po_number} from {new_po.vendor_id}",
            actor=d.actor,
        )
        return new_po.po_number

    def _ack_of(self, line_no: int) -> Acknowledgment:
        """The latest acknowledgment that rejected the line."""
        return next(
            r.ack for r in reversed(self._s.acknowledgments) if any(x.line_no == line_no for x in r.ack.lines)
        )
