"""Human tasks: the inbox's list (from the projection) and decisions, sent to
the workflow that owns the task (a PO's, or a document intake's for a review)."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

from activities.db import repository
from activities.db.vendor_bank import latest_bank_change
from identity.principal import Caller
from models import HumanTask, TaskDecision, TaskKind
from models.intake import ReviewDecision
from p2p.decisions import check_bank_details_duty
from starter.errors import NotFound, Rejected
from starter.service.authorization import authorize_task
from starter.service.checks import build, check_decision
from starter.service.core import ServiceCore
from workflows.contract import PoUpdate

log = logging.getLogger("poflow.starter")


class Tasks(ServiceCore):
    """The task operations of PoflowService."""

    async def list_tasks(self, status: str = "open") -> list[HumanTask]:
        """`open` (default), `done`, `cancelled` or `all`; from the inbox projection."""
        return await self._db(repository.list_tasks, self.engine, status=None if status == "all" else status)

    async def get_task(self, task_id: str) -> HumanTask:
        task = await self._db(repository.get_task, self.engine, task_id)
        if task is None:
            raise NotFound(f"no task {task_id}")
        return task

    async def decide(
        self,
        task_id: str,
        decision: str,
        by: Caller,
        comment: str | None = None,
        document: dict[str, Any] | None = None,
        holds: list[str] | None = None,
        *,
        vendor_id: str | None = None,
        unit_price: Decimal | None = None,
    ) -> HumanTask:
        """Send the decision to the workflow that owns the task; its validator
        has the last word (role, limits, segregation of duties, task still open,
        the named holds open on the invoice). A document review may carry the
        corrected reading (`document`); accept_variance on an invoice hold may
        name the holds it releases (`holds`, refs such as PRICE:1); re_source
        on a rejected line names the vendor (`vendor_id`) and its price."""
        task = await self.get_task(task_id)
        what = f"decide {decision!r} on {task.kind.value}"
        async with self.audited(by, po_number=task.po_number, what=what, evidence=task_id):
            authorize_task(by, task)
            await self._check_bank_details_duty(task, by)
            check_decision(task, decision, comment, holds or [])
            if task.kind == TaskKind.REVIEW_DOCUMENT:
                return await self._review(task, by, decision, comment, document)
            request = build(
                TaskDecision,
                task_id=task_id,
                decision=decision,
                actor=by.principal_id,
                actor_roles=sorted(by.principal.roles),
                actor_limits=dict(by.principal.approval_limits),
                comment=comment or None,
                holds=holds or [],
                vendor_id=vendor_id,
                unit_price=unit_price,
            )
            result = await self._update(task.po_number, PoUpdate.DECIDE, request, HumanTask)
        log.info("task %s decided %s by %s", task_id, decision, by.principal_id)
        return result

    async def _check_bank_details_duty(self, task: HumanTask, by: Caller) -> None:
        """Rejected when the caller last changed the bank details of the vendor
        whose invoice this hold task would release — against the latest change
        (the workflow's validator checks the one recorded when the task opened)."""
        if task.kind != TaskKind.RESOLVE_INVOICE_HOLD:
            return
        po = await self._db(repository.get_purchase_order, self.engine, task.po_number)
        if po is None:
            return
        change = await self._db(latest_bank_change, self.engine, po.vendor_id)
        try:
            check_bank_details_duty(change.changed_by if change else None, by.principal_id, po.vendor_id)
        except ValueError as exc:
            raise Rejected(str(exc)) from None

    async def _review(
        self, task: HumanTask, by: Caller, decision: str, comment: str | None, document: dict[str, Any] | None
    ) -> HumanTask:
        """A document review goes to the intake workflow that owns it."""
        from starter import intake_door

        review = build(
            ReviewDecision,
            task_id=task.task_id,
            decision=decision,
            actor=by.principal_id,
            actor_roles=sorted(by.principal.roles),
            comment=comment or None,
            document=document,
        )
        return await intake_door.review(self, task, review)
