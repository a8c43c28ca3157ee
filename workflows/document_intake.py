"""DocumentIntakeWorkflow — one per received file, id `doc-{sha256}` (DESIGN.md).

The raw bytes are stored before this starts (the history never holds them).
Extract (by format) → for each document found: resolve the PO and vendor,
validate, check confidence → deliver it to its PO workflow as a signal. A
reading that is not good enough opens a "review document" task with the best
reading pre-filled; the reviewer's `review` update sends the corrected document
on (or discards it). An interchange with several transactions fans out: one
delivery per document, to as many POs as it names.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from pydantic import ValidationError

    from models import Extracted, HumanTask, TaskKind, TaskStatus, TimelineEntry
    from models.approvals import ApprovalLevel, TaskRouteRequest
    from models.extraction import model_class
    from models.intake import (
        REVIEW_OPTIONS,
        DeliveryRequest,
        ExtractRequest,
        IntakeInput,
        IntakeItem,
        IntakeItemStatus,
        IntakePolicy,
        IntakeState,
        IntakeStatus,
        Resolution,
        ResolveRequest,
        ReviewDecision,
    )
    from models.records import Notification, NotificationChannel
    from models.tasks import TASK_ROLES, TaskPeople, TaskPeopleRequest, check_decision
    from p2p import decisions
    from workflows import intake_calls as act
    from workflows import search_attributes
    from workflows.activity_calls import notify, people_for_task, route_task, save_task
    from workflows.contract import Decision, IntakeQuery, IntakeUpdate, WorkflowType, review_task_id


# Reviews go to the approval matrix's band for them (activity route_task);
# runs started before keep their AP-clerk tasks and replay as they ran.
PATCH_REVIEW_MATRIX = "review-matrix"
# Reviews are with named people (as PO tasks are: activity people_for_task),
# who are told; runs started before keep role-only reviews.
PATCH_REVIEW_PEOPLE = "review-people"


@dataclass
class _PendingReview:
    decision: ReviewDecision
    done: bool = False


@workflow.defn(name=WorkflowType.DOCUMENT_INTAKE)
class DocumentIntakeWorkflow:
    @workflow.init
    def __init__(self, inp: IntakeInput) -> None:
        self._s = IntakeState(input=inp)
        self._reviews: list[_PendingReview] = []
        self._policy = IntakePolicy()

    @workflow.run
    async def run(self, inp: IntakeInput) -> IntakeState:
        s = self._s
        self._log("received", f"{inp.filename or 'file'} from {inp.source}")
        self._policy = await act.intake_policy()
        outcome = await act.extract_document(
            ExtractRequest(
                sha256=inp.sha256,
                filename=inp.filename,
                content_type=inp.content_type,
                vendor_id=inp.vendor_id,
            )
        )
        if outcome.functional_ack_id:
            self._log("acknowledged", f"997 functional acknowledgment stored as {outcome.functional_ack_id}")
        if outcome.error is not None:
            s.status, s.error = IntakeStatus.FAILED, outcome.error
            self._log("unreadable", outcome.error)
            self._publish()
            return s
        s.items = [IntakeItem(index=i, extracted=doc) for i, doc in enumerate(outcome.documents)]
        s.status = IntakeStatus.RESOLVING
        self._log("extracted", ", ".join(f"{d.kind.value} ({d.format})" for d in outcome.documents))
        self._publish()
        for item in s.items:
            await self._resolve_and_deliver(item, item.extracted)
        await self._wait_for_reviews()
        s.status = IntakeStatus.DONE
        self._publish()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return s

    # ------------------------------------------------------------ one document

    async def _resolve_and_deliver(
        self, item: IntakeItem, reading: Extracted, reviewer: str | None = None
    ) -> None:
        resolution = await act.resolve_document(
            ResolveRequest(
                extracted=reading, min_confidence=self._policy.min_confidence, reviewed_by=reviewer
            )
        )
        item.po_number = resolution.po_number
        item.document_id = resolution.document_id
        for note in resolution.notes:
            self._log("resolved", f"#{item.index + 1}: {note}")
        if resolution.ready:
            await self._deliver(item, reading, resolution)
        else:
            await self._ask_for_review(item, reading, resolution.problems)

    async def _deliver(self, item: IntakeItem, reading: Extracted, resolution: Resolution) -> None:
        assert resolution.po_number and resolution.signal and resolution.document_id
        result = await act.deliver_document(
            DeliveryRequest(
                sha256=self._s.input.sha256,
                po_number=resolution.po_number,
                signal=resolution.signal,
                kind=reading.kind,
                document_id=resolution.document_id,
                document=resolution.document,
            )
        )
        if result.delivered:
            item.status = IntakeItemStatus.DELIVERED
            self._log("delivered", f"#{item.index + 1} {resolution.document_id} → po-{resolution.po_number}")
        elif result.duplicate_of is not None:
            item.status, item.duplicate_of = IntakeItemStatus.DUPLICATE, result.duplicate_of
            self._log("duplicate", f"#{item.index + 1} {resolution.document_id}: {result.reason}")
        else:
            await self._ask_for_review(item, reading, [result.reason or "the PO did not take the document"])

    # ------------------------------------------------------------------ review

    async def _ask_for_review(self, item: IntakeItem, reading: Extracted, problems: list[str]) -> None:
        s = self._s
        now = workflow.now()
        item.status, item.problems = IntakeItemStatus.NEEDS_REVIEW, problems
        item.extracted = reading
        context = {
            "problems": "; ".join(problems),
            "format": reading.format,
            "document": _short(reading),
            "warnings": "; ".join(reading.warnings[:5]) or "(none)",
        }
        level = await self._matrix_level(reading, context)
        task = HumanTask(
            task_id=review_task_id(s.input.sha256, len(s.tasks) + 1),
            po_number=item.po_number or "",
            workflow_id=workflow.info().workflow_id,
            kind=TaskKind.REVIEW_DOCUMENT,
            title=f"Review {reading.kind.value.replace('_', ' ')} from {s.input.filename or s.input.source}",
            options=list(REVIEW_OPTIONS),
            assignee_role=level.role if level else TASK_ROLES[TaskKind.REVIEW_DOCUMENT],
            eligible=list(level.people) if level else [],
            subject_id=f"{s.input.sha256}#{item.index}",
            created_at=now,
            due_at=now + self._policy.review_sla,
            context=context,
        )
        found = await self._people_at(task, 0)  # named before it joins the state
        if found is not None:
            task.assignees = found.people
        s.tasks.append(task)
        item.task_id = task.task_id
        with_whom = f" ({', '.join(task.assignees)}: {found.why})" if found and task.assignees else ""
        self._log(
            "review_requested", f"#{item.index + 1} → {task.task_id}{with_whom}: " + "; ".join(problems)
        )
        await save_task(task)
        await self._tell(task, found, "opened", task.title)
        self._publish()

    async def _matrix_level(self, reading: Extracted, context: dict[str, str]) -> ApprovalLevel | None:
        """The approval matrix's band for this review (noted in `context`); None:
        none matches, or a run started before reviews were routed."""
        if not workflow.patched(PATCH_REVIEW_MATRIX):
            return None
        route = await route_task(_route_request(reading))
        if route is None or not route.levels:
            return None
        context["band"] = f"{route.band} ({route.why})"
        return route.levels[0]

    async def _wait_for_reviews(self) -> None:
        while not all(item.settled for item in self._s.items):
            self._s.status = IntakeStatus.NEEDS_REVIEW
            self._publish()
            try:
                await workflow.wait_condition(
                    lambda: any(not r.done for r in self._reviews),
                    timeout=self._time_to_next_due(),
                    timeout_summary="review SLA",
                )
            except TimeoutError:
                await self._escalate_overdue()
                continue
            await self._apply_reviews()

    def _time_to_next_due(self) -> timedelta:
        due = min(t.due_at for t in self._s.tasks if t.status == TaskStatus.OPEN)
        return max(due - workflow.now(), timedelta(seconds=1))

    async def _escalate_overdue(self) -> None:
        now = workflow.now()
        for task in [t for t in self._s.tasks if t.status == TaskStatus.OPEN and t.due_at <= now]:
            found = await self._people_at(task, task.escalation_level + 1)  # then the task changes in one go
            task.escalation_level += 1
            task.due_at = now + self._policy.review_sla
            to = task.escalated_to
            if found is not None:
                task.assignees = list(
                    dict.fromkeys([*found.people, *task.assignees])
                )  # asked before: still asked
                to = f"{to}: {found.why}"
            self._log("task_escalated", f"{task.task_id} overdue → {to}")
            await save_task(task)
            await self._tell(task, found, f"escalated:{task.escalation_level}", f"Overdue: {task.title}")

    async def _people_at(self, task: HumanTask, level: int) -> TaskPeople | None:
        """Who the review is with at `level` of its SLA ladder (its role's
        people or the band's, then deputies, then managers); None for runs
        started before reviews had named people."""
        if not workflow.patched(PATCH_REVIEW_PEOPLE):
            return None
        request = TaskPeopleRequest(
            role=task.assignee_role, named=task.eligible, level=level, at=workflow.now()
        )
        return await people_for_task(request)

    async def _tell(self, task: HumanTask, found: TaskPeople | None, what: str, subject: str) -> None:
        """Each person the review is with hears of it (once per rung: the key)."""
        for person in found.people if found else []:
            await notify(
                Notification(
                    notification_id=f"task:{task.task_id}:{what}:{person}",
                    po_number=task.po_number,
                    channel=NotificationChannel.APPROVER,
                    recipient=person,
                    subject=subject,
                    body=task.context.get("problems", ""),
                    at=workflow.now(),
                )
            )

    async def _apply_reviews(self) -> None:
        for pending in [r for r in self._reviews if not r.done]:
            decision = pending.decision
            task = self._s.task(decision.task_id)
            assert task is not None
            item = next(i for i in self._s.items if i.task_id == task.task_id)
            task.status, task.decision, task.decided_by = TaskStatus.DONE, decision.decision, decision.actor
            task.decided_at, task.comment = workflow.now(), decision.comment
            await save_task(task)
            self._log(
                "reviewed",
                f"{task.task_id}: {decision.decision} by {decision.actor}"
                + (f" — {decision.comment}" if decision.comment else ""),
                actor=decision.actor,
            )
            if decision.decision == Decision.DISCARD:
                item.status = IntakeItemStatus.DISCARDED
            else:
                item.reviewed_by = decision.actor
                await self._resolve_and_deliver(
                    item, _corrected(item.extracted, decision), reviewer=decision.actor
                )
            pending.done = True

    @workflow.update(name=IntakeUpdate.REVIEW)
    async def review(self, decision: ReviewDecision) -> HumanTask:
        pending = _PendingReview(decision)
        self._reviews.append(pending)
        await workflow.wait_condition(lambda: pending.done)
        task = self._s.task(decision.task_id)
        assert task is not None
        return task

    @review.validator
    def _validate_review(self, decision: ReviewDecision) -> None:
        task = self._s.task(decision.task_id)
        if task is None:
            raise ValueError(f"task {decision.task_id} does not belong to {workflow.info().workflow_id}")
        earlier = next(
            (r.decision for r in self._reviews if r.decision.task_id == task.task_id and not r.done), None
        )
        check_decision(
            task,
            decision.decision,
            decision.comment,
            being_decided=f"{earlier.decision} by {earlier.actor}" if earlier else None,
        )
        decisions.check_role(task, decision.actor, decision.actor_roles)
        if decision.decision == Decision.SEND_ON and decision.document is not None:
            item = next(i for i in self._s.items if i.task_id == task.task_id)
            try:
                model_class(item.extracted.kind).model_validate(decision.document)
            except ValidationError as err:
                first = err.errors()[0]
                path = ".".join(str(p) for p in first["loc"]) or "document"
                raise ValueError(f"the corrected document is not valid: {path}: {first['msg']}") from None

    @workflow.query(name=IntakeQuery.STATE)
    def state(self) -> IntakeState:
        return self._s

    # ------------------------------------------------------------ story and views

    def _log(self, event: str, detail: str, actor: str = "system") -> None:
        self._s.timeline.append(TimelineEntry(at=workflow.now(), event=event, detail=detail, actor=actor))
        workflow.logger.info("%s %s: %s", workflow.info().workflow_id, event, detail)

    def _publish(self) -> None:
        s = self._s
        kinds = sorted({i.extracted.kind.value for i in s.items}) or ["unread"]
        pos = sorted({i.po_number for i in s.items if i.po_number})
        updates = [search_attributes.DOCUMENT_KIND.value_set(",".join(kinds))]
        if pos:
            updates.append(search_attributes.PO_NUMBER.value_set(pos[0]))
        workflow.upsert_search_attributes(updates)
        workflow.set_current_details(_details(s))


def _corrected(reading: Extracted, decision: ReviewDecision) -> Extracted:
    """A person's reading is certain: every field they sent counts as read at 1.0."""
    document = decision.document if decision.document is not None else reading.document
    return reading.model_copy(
        update={
            "document": document,
            "confidence": {field: 1.0 for field in reading.confidence} | {field: 1.0 for field in document},
        }
    )


def _route_request(reading: Extracted) -> TaskRouteRequest:
    """What is at stake in a reading: its total in its currency, as far as it
    could be read (nothing readable: 0 in XXX, which no currency band matches);
    its flag is the kind of document (invoice, credit_memo, …)."""
    document = reading.document
    try:
        total = abs(Decimal(str(document.get("total"))))
    except (InvalidOperation, ValueError):
        total = Decimal(0)
    currency = str(document.get("currency") or "").upper()
    valid = len(currency) == 3 and currency.isalpha() and total.is_finite()
    return TaskRouteRequest(
        task="review_document",
        total=total if valid else Decimal(0),
        currency=currency if valid else "XXX",  # ISO 4217: no currency
        flags=[reading.kind.value],
    )


def _short(reading: Extracted) -> str:
    doc = reading.document
    number = doc.get("invoice_number") or doc.get("ack_id") or doc.get("asn_id") or "?"
    return (
        f"{reading.kind.value} {number} for PO {doc.get('po_number') or '?'} "
        f"from {doc.get('vendor_id') or reading.vendor_hint or '?'}"
    )


def _details(s: IntakeState) -> str:
    rows = [
        f"| {i.index + 1} | {i.extracted.kind.value} | {i.extracted.format} | {i.po_number or '?'} | "
        f"{i.status.value} |"
        for i in s.items
    ]
    header = f"**{s.input.filename or s.input.sha256[:12]}** · {s.status.value}"
    if s.error:
        header += f"\n\n{s.error}"
    if not rows:
        return header
    return "\n".join([header, "", "| # | kind | format | PO | status |", "|---|---|---|---|---|", *rows])
