"""Approving a PO on the approval matrix's route (issue #16 item 2): one
"approve PO" task per level, in order; any one of a level's people (anyone
with its role when it names none) decides it, within their approval limit,
and no one approves two levels of one PO. The last approval issues the PO.

The route comes from the validate activity, so it is in the history; a run
recorded before the matrix has none and keeps the threshold's single task."""

from __future__ import annotations

from temporalio import workflow

from workflows.po_steps.base import PoBase

with workflow.unsafe.imports_passed_through():
    from models import HumanTask, PoStatus, TaskDecision, TaskKind, TaskStatus, format_money
    from models.approvals import ApprovalRoute
    from p2p import approvals, decisions
    from workflows.contract import Decision


class ApprovalSteps(PoBase):
    """Step 2 on the matrix: the route, a task per level, each approver checked."""

    async def _route_for_approval(self, route: ApprovalRoute) -> None:
        s = self._s
        s.approval_route = route
        if not route.levels:
            self._log("auto_approved", f"approval band {route.band!r} ({route.why}) needs no approval")
            await self._issue()
            return
        self._log("approval_route", f"band {route.band!r} ({route.why}): {len(route.levels)} level(s)")
        await self._open_approval_level(1)
        s.status = PoStatus.PENDING_APPROVAL  # after the task is in the state: a query sees both or neither

    async def _open_approval_level(self, number: int) -> None:
        s = self._s
        assert s.approval_route is not None
        level = s.approval_route.levels[number - 1]
        of = len(s.approval_route.levels)
        who = f"any of {', '.join(level.people)}" if level.people else f"anyone with the role {level.role}"
        context = {
            "level": f"{number} of {of}: {who}, within their approval limit",
            "band": f"{s.approval_route.band} ({s.approval_route.why})",
            "total": format_money(s.po.total, s.po.currency),
        }
        title = f"Approve {s.po.po_number}" + (f" (level {number} of {of})" if of > 1 else "")
        await self._open_task(TaskKind.APPROVE_PO, title, context=context, level=(number, level))

    async def _approve_po(self, task: HumanTask, d: TaskDecision) -> None:
        """An approval: the next level's task, or the PO issued after the last."""
        route = self._s.approval_route
        if route is not None and task.approval_level is not None and task.approval_level < len(route.levels):
            self._log("approved_level", f"level {task.approval_level} approved by {d.actor}")
            await self._open_approval_level(task.approval_level + 1)
            return
        await self._issue()

    def _check_approver(self, task: HumanTask, d: TaskDecision) -> None:
        """Validator of an approval on the route (ValueError names the rule)."""
        if task.approval_level is None or d.decision != Decision.APPROVE:
            return
        earlier = [
            t.decided_by or ""
            for t in self._s.tasks
            if t.kind == TaskKind.APPROVE_PO and t.status == TaskStatus.DONE and t.task_id != task.task_id
        ]
        approvals.check_approver(
            actor=d.actor,
            level=task.approval_level,
            people=decisions.approvers_of(task),
            limits=d.actor_limits,
            total=self._s.po.total,
            currency=self._s.po.currency,
            earlier_approvers=earlier,
        )
