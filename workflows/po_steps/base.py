"""What every lifecycle stage of the purchase-order workflow (steps 1–7)
shares: `PoBase` declares the state the step mixins work on (set in
PurchaseOrderWorkflow.__init__) and holds the helpers all stages use — which
rule a run follows (patches), human tasks, the timeline, notifications and
publishing the state (_flush). A step one stage takes in another is declared
in cross_stage.py (PoBase inherits it), so each mixin type-checks on its own;
its stage's module defines it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Generic, TypeVar

from temporalio import workflow

from workflows.po_steps.cross_stage import CrossStageSteps
from workflows.po_steps.patches import (
    PATCH_CHANGED_ATTRIBUTES,
    PATCH_DEADLINE_HOLD_ATTRIBUTES,
    PATCH_ESCALATION_ATTRIBUTE,
    PATCH_GROUPS,
    PATCH_INVOICE_NUMBER_RUNS,
    PATCH_LOCAL_STEP_RECORD,
    PATCH_NET_RECEIPTS,
    PATCH_ONE_RECORD_PER_STEP,
    PATCH_TASK_MATRIX,
    PATCH_TASK_PEOPLE,
)

with workflow.unsafe.imports_passed_through():
    from models import (
        Acknowledgment,
        AuditEvent,
        CancelRequest,
        GoodsReceipt,
        HumanTask,
        Invoice,
        InvoiceRecord,
        IssuePurpose,
        IssueRequest,
        Notification,
        NotificationChannel,
        PoProjection,
        PoStatus,
        PurchaseOrder,
        PurchaseOrderState,
        ShipNotice,
        StepRecord,
        TaskDecision,
        TaskKind,
        TaskStatus,
        TimelineEntry,
        normalize_invoice_number,
    )
    from models.approvals import ApprovalLevel, TaskRouteRequest
    from models.documents import legacy_normalize_invoice_number
    from models.functional_acks import FunctionalAck
    from models.inspections import InspectionResult
    from models.returns import ReturnToVendor
    from models.tasks import TASK_OPTIONS, TASK_ROLES, TaskHold, TaskPeopleRequest
    from models.workflow_state import HoldRequest, LineCancelRequest
    from workflows import activity_calls as act
    from workflows import search_attributes
    from workflows.contract import po_task_id
    from workflows.summary import current_details

Document = (
    Acknowledgment | GoodsReceipt | Invoice | ShipNotice | FunctionalAck | ReturnToVendor | InspectionResult
)
R = TypeVar("R")
# Statuses in which supplier documents are processed (before issue they wait).
OPEN_FOR_DOCUMENTS = frozenset(
    {PoStatus.ISSUED, PoStatus.ACKNOWLEDGED, PoStatus.PARTIALLY_RECEIVED, PoStatus.RECEIVED}
)


@dataclass
class _Pending(Generic[R]):
    """An update the loop has yet to apply; its handler waits for `done`."""

    request: R
    done: bool = False


class PoBase(CrossStageSteps):
    """The state and the shared helpers of PurchaseOrderWorkflow's steps."""

    _s: PurchaseOrderState
    _history_limit: int | None
    _documents: list[Document]
    _decisions: list[_Pending[TaskDecision]]
    _hold_requests: list[_Pending[HoldRequest]]
    _line_cancels: list[_Pending[LineCancelRequest]]
    _cancel: CancelRequest | None
    _cancel_done: bool
    _audited: int  # timeline entries already written
    _published: tuple[object, ...] | None
    _attribute_values: dict[str, object]  # search attributes as upserted last (PATCH_CHANGED_ATTRIBUTES)
    _every_digit_run: bool | None  # see _invoice_number_rule
    _groups: dict[str, bool] | None = None  # see _patched: each decided at its first patch

    # ---------------------------------------------------- which rule applies

    def _patched(self, patch_id: str) -> bool:
        """`workflow.patched(patch_id)`, except that a run past a group's
        marker (PATCH_GROUPS: the baseline, the lean lifecycle) has every patch
        of the group in force without a marker (and a TemporalChangeVersion
        upsert) of its own. Asked lazily, at the run's first decision of the
        group: a run recorded before has no group marker there and replays
        patch by patch; a live run would take every patch anyway."""
        for marker, members in PATCH_GROUPS:
            if patch_id in members:
                groups = self._groups = self._groups if self._groups is not None else {}
                if marker not in groups:
                    groups[marker] = workflow.patched(marker)
                if groups[marker]:
                    return True
        return workflow.patched(patch_id)

    def _net_receipts(self) -> bool:
        """Received means kept, net of rejections (receiving.received_for_match);
        runs recorded before that rule replay with gross receipts."""
        return self._patched(PATCH_NET_RECEIPTS)

    def _invoice_by_number(self, number: str) -> InvoiceRecord | None:
        wanted = self._number_key(number)
        return next(
            (r for r in self._s.invoices if self._number_key(r.invoice.invoice_number) == wanted), None
        )

    def _invoice_number_rule(self) -> bool:
        """True: models.normalize_invoice_number (every digit run). A run that
        started under the earlier rule keeps it to its end, so its history
        replays as it ran: numbers decide which documents are re-sends, which
        invoice a credit memo settles and what the random audit draws.
        Decided first thing in run: validators may not call patched()."""
        if self._every_digit_run is None:
            if workflow.unsafe.is_read_only():
                return True  # a validator before run started: only a new run can be there
            self._every_digit_run = self._patched(PATCH_INVOICE_NUMBER_RUNS)
        return self._every_digit_run

    def _number_key(self, number: str) -> str:
        if self._invoice_number_rule():
            return normalize_invoice_number(number)
        return legacy_normalize_invoice_number(number)

    def _document_key(self, doc: Document) -> str:
        if isinstance(doc, Invoice) and not self._invoice_number_rule():
            return doc.legacy_document_id
        return doc.document_id

    # ------------------------------------------------------------- tasks

    async def _open_task(
        self,
        kind: TaskKind,
        title: str,
        *,
        subject_id: str | None = None,
        context: dict[str, str] | None = None,
        holds: list[TaskHold] | None = None,
        level: tuple[int, ApprovalLevel] | None = None,
        at_stake: tuple[Decimal, list[str]] | None = None,
    ) -> HumanTask:
        """`level`: a PO approval level on the route; `at_stake`: the amount (PO
        currency) and flags the matrix routes this task by, when it may."""
        s = self._s
        assert s.policy is not None
        context = dict(context or {})
        named = await self._matrix_level(kind, at_stake, context) if at_stake and not level else None
        now = workflow.now()
        role = level[1].role if level else (named.role if named else TASK_ROLES[kind])
        task = HumanTask(
            task_id=po_task_id(s.po.po_number, len(s.tasks) + 1),
            po_number=s.po.po_number,
            kind=kind,
            title=title,
            options=list(TASK_OPTIONS[kind]),
            assignee_role=role,
            assignee=s.po.buyer if role == "buyer" else None,
            subject_id=subject_id,
            context=context,
            holds=holds or [],
            approval_level=level[0] if level else None,
            eligible=list(level[1].people if level else named.people if named else []),
            created_at=now,
            due_at=now + s.policy.task_sla,
        )
        # Named before it joins the state: a query never sees it half-assigned.
        task.assignees, why = await self._people_for(task, level=0)
        s.tasks.append(task)
        with_whom = f" ({', '.join(task.assignees)}: {why})" if task.assignees else ""
        self._log("task_opened", f"{task.task_id} {kind.value}: {title} → {task.assignee_role}{with_whom}")
        await act.save_task(task)
        await self._notify_people(
            task, "opened", title, "; ".join(f"{k}: {v}" for k, v in task.context.items())
        )
        return task

    async def _matrix_level(
        self, kind: TaskKind, at_stake: tuple[Decimal, list[str]], context: dict[str, str]
    ) -> ApprovalLevel | None:
        """The matrix's level for this task (its band noted in `context`); None:
        no band for it, or a run started before tasks were routed."""
        if not self._patched(PATCH_TASK_MATRIX):
            return None
        po = self._s.po
        total, flags = at_stake
        route = await act.route_task(
            TaskRouteRequest(
                task=kind.value,  # type: ignore[arg-type]  # the kinds that call this are RoutedTask values
                total=total,
                currency=po.currency,
                categories=sorted({line.category for line in po.lines if line.category}),
                budget_code=po.budget_code,
                flags=flags,
            )
        )
        if route is None or not route.levels:
            return None
        context["band"] = f"{route.band} ({route.why})"
        return route.levels[0]

    async def _people_for(self, task: HumanTask, *, level: int) -> tuple[list[str], str]:
        """The people the task is with at `level` of its SLA ladder, and why
        ('' for runs started before tasks had people: role-only tasks)."""
        if not self._patched(PATCH_TASK_PEOPLE):
            return [], ""
        named = task.eligible or ([task.assignee] if task.assignee else [])
        found = await act.people_for_task(
            TaskPeopleRequest(role=task.assignee_role, named=named, level=level, at=workflow.now())
        )
        return found.people, found.why

    async def _notify_people(self, task: HumanTask, what: str, subject: str, body: str) -> None:
        """Tell each person the task is with (or its role, when it names nobody)."""
        key = f"task:{task.task_id}:{what}"
        if not task.assignees:
            await self._notify(
                NotificationChannel.APPROVER, task.assignee or task.assignee_role, key, subject, body
            )
        for person in task.assignees:
            await self._notify(NotificationChannel.APPROVER, person, f"{key}:{person}", subject, body)

    async def _close_task(self, task: HumanTask, status: TaskStatus) -> None:
        task.status = status
        task.decided_at = workflow.now()
        await act.save_task(task)

    async def _cancel_open_tasks(self, kind: TaskKind, subject_id: str | None = None) -> None:
        """Tasks made obsolete by events (the ack arrived, the receipt cleared the hold)."""
        for task in self._s.open_tasks:
            if task.kind == kind and (subject_id is None or task.subject_id == subject_id):
                await self._close_task(task, TaskStatus.CANCELLED)
                self._log("task_closed", f"{task.task_id} no longer needed")

    # ---------------------------------------------------- story and views

    def _issue_request(
        self,
        *,
        attempt: int = 0,
        channel: str | None = None,
        previous: PurchaseOrder | None = None,
        purpose: IssuePurpose = IssuePurpose.ORDER,
        reason: str | None = None,
    ) -> IssueRequest:
        """The revision in force, to send (issue_po): `attempt` > 0 is a resend
        (a reminder's number, for a reminder), `channel` "email" overrides the
        vendor's, `previous` makes it a change order, `purpose` a cancellation
        of the order or a reminder, with the buyer's `reason`. The PO itself
        rides along to be rendered (850 / ORDERS / PDF): data for the
        activity, not a new command, so histories replay unchanged."""
        s = self._s
        return IssueRequest(
            po_number=s.po.po_number,
            revision=s.po.revision,
            vendor_id=s.po.vendor_id,
            at=workflow.now(),
            po=s.po,
            attempt=attempt,
            channel=channel,
            previous=previous,
            purpose=purpose,
            reason=reason,
        )

    def _log(self, event: str, detail: str, actor: str = "system") -> None:
        self._s.timeline.append(TimelineEntry(at=workflow.now(), event=event, detail=detail, actor=actor))
        workflow.logger.info("%s %s: %s", self._s.po.po_number, event, detail)

    async def _notify(
        self, channel: NotificationChannel, recipient: str, key: str, subject: str, body: str
    ) -> None:
        await act.notify(
            Notification(
                notification_id=f"{self._s.po.po_number}:{key}",
                po_number=self._s.po.po_number,
                channel=channel,
                recipient=recipient,
                subject=subject,
                body=body,
                at=workflow.now(),
            )
        )

    async def _flush(self) -> None:
        """Write new timeline entries as audit events and publish the state to
        search attributes, current details and the PO projection: one
        activity per step (record_step), or two for runs started before."""
        if self._patched(PATCH_ONE_RECORD_PER_STEP):
            await self._record_step()
            return
        new_events = self._new_audit_events()
        if new_events:
            await act.record_audit_events(new_events)
        view, attributes = self._published_view()
        # Not a command (a query answers it): current after every step, also one
        # that changed nothing the view compares (a second partial receipt).
        workflow.set_current_details(current_details(self._s))
        if view == self._published:
            return
        self._published = view
        workflow.upsert_search_attributes(attributes)
        await act.save_po_projection(self._projection())

    async def _record_step(self) -> None:
        """The step's new audit events and, when what the PO publishes changed,
        its search attributes (one upsert) and projection, in one activity."""
        new_events = self._new_audit_events()
        view, attributes = self._published_view()
        workflow.set_current_details(current_details(self._s))
        changed = view != self._published
        if changed:
            self._published = view
            if self._patched(PATCH_CHANGED_ATTRIBUTES):
                attributes = search_attributes.changed(attributes, self._attribute_values)
            workflow.upsert_search_attributes(attributes)
        if new_events or changed:
            step = StepRecord(audit_events=new_events, projection=self._projection() if changed else None)
            await act.record_step(step, local=self._patched(PATCH_LOCAL_STEP_RECORD))

    def _new_audit_events(self) -> list[AuditEvent]:
        """The timeline entries not written yet, as audit events (ids by position: a replay writes nothing twice)."""
        s = self._s
        new_entries = s.timeline[self._audited :]
        events = [
            AuditEvent(
                event_id=f"{s.po.po_number}:{self._audited + i}",
                po_number=s.po.po_number,
                event=e.event,
                detail=e.detail,
                actor=e.actor,
                at=e.at,
            )
            for i, e in enumerate(new_entries)
        ]
        self._audited += len(new_entries)
        return events

    def _published_view(self) -> tuple[tuple[object, ...], list[Any]]:
        """What the PO publishes (compared to skip a step that changed none of
        it) and the search attributes that carry it."""
        s = self._s
        view: tuple[object, ...] = (
            s.status,
            s.po.revision,
            str(s.po.total),
            s.open_hold_count,
            len(s.open_tasks),
        )
        attributes = search_attributes.po_attributes(s)
        if self._patched(PATCH_ESCALATION_ATTRIBUTE):
            escalation = max((t.escalation_level for t in s.open_tasks), default=0)
            view += (escalation,)
            attributes.append(search_attributes.TASK_ESCALATION.value_set(escalation))
        if self._patched(PATCH_DEADLINE_HOLD_ATTRIBUTES):
            shown, updates = search_attributes.deadline_and_holds(s)
            view += shown
            attributes += updates
        return view, attributes

    def _projection(self) -> PoProjection:
        s, po = self._s, self._s.po
        return PoProjection(
            po_number=po.po_number,
            revision=po.revision,
            vendor_id=po.vendor_id,
            buyer=po.buyer,
            status=s.status.value,
            currency=po.currency,
            total=po.total,
            open_holds=s.open_hold_count,
            open_tasks=len(s.open_tasks),
            workflow_id=workflow.info().workflow_id,
            updated_at=workflow.now(),
        )
