"""Typed wrappers around the activities the PO workflow calls, by name, with
their timeouts and retry policy in one place. Calling by name keeps the
workflow sandbox free of activity code (SQLAlchemy, httpx)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from models import (
        AuditEvent,
        HandoffResult,
        HumanTask,
        Invoice,
        IssueRequest,
        IssueResult,
        MatchRecord,
        MatchRequest,
        MatchResult,
        Notification,
        PaymentHandoff,
        Policy,
        PoProjection,
        PoValidation,
        PurchaseOrder,
        StepRecord,
    )
    from models.approvals import ApprovalRoute, TaskRouteRequest
    from models.purchase_order import SubstitutePair
    from models.tasks import TaskPeople, TaskPeopleRequest
    from workflows.profile_refs import ProfileRef

T = TypeVar("T")

# Activities are idempotent, so retrying until the database or webhook is back
# is safe; bad input is raised as a non-retryable ApplicationError instead.
RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1), backoff_coefficient=2.0, maximum_interval=timedelta(minutes=1)
)
# Short: these are single database writes, and after a worker crash an
# in-flight attempt is only retried once this has passed.
TIMEOUT = timedelta(seconds=10)
# Issuing renders the PO (a PDF of up to MAX_LINES lines takes about 13 s on a
# 2-core machine, fpdf laying out every row) and stores it: not a single write.
# A timeout is no command attribute replay compares, so runs recorded with the
# shorter one replay unchanged (tests/workflows/test_recorded_histories.py).
ISSUE_TIMEOUT = timedelta(minutes=2)
# ...but a worker killed while issuing must not hold the PO for those 2
# minutes: issue_po heartbeats (activities/persistence.py), and an attempt
# silent for this long is retried on another worker. Like the timeout above,
# no attribute replay compares.
ISSUE_HEARTBEAT = TIMEOUT


async def _call(
    name: str,
    arg: Any,
    result_type: type[T] | None,
    summary: str,
    timeout: timedelta = TIMEOUT,
    heartbeat: timedelta | None = None,
) -> T:
    result: T = await workflow.execute_activity(
        name,
        arg,
        result_type=result_type,
        start_to_close_timeout=timeout,
        heartbeat_timeout=heartbeat,
        retry_policy=RETRY,
        summary=summary,
    )
    return result


async def people_for_task(req: TaskPeopleRequest) -> TaskPeople:
    rung = ("its people", "their deputies", "their managers")[min(req.level, 2)]
    return await _call("people_for_task", req, TaskPeople, f"who has the {req.role} task: {rung}")


async def route_task(req: TaskRouteRequest) -> ApprovalRoute | None:
    summary = f"approval matrix: who decides {req.task} ({req.total} {req.currency})"
    route: ApprovalRoute | None = await _call("route_task", req, ApprovalRoute | None, summary)  # type: ignore[arg-type]
    return route  # None: no band for this task


async def vendor_bank_changed_by(vendor_id: str) -> str | None:
    summary = f"who changed {vendor_id}'s bank details"
    who: str | None = await _call("vendor_bank_changed_by", vendor_id, str | None, summary)  # type: ignore[arg-type]
    return who


async def listed_substitutes(pairs: list[SubstitutePair]) -> list[SubstitutePair]:
    summary = "item master: " + ", ".join(f"{p.substitute_id} for {p.item_id}" for p in pairs)
    return await _call("listed_substitutes", pairs, list[SubstitutePair], summary[:200])


async def load_policy(vendor_id: str) -> Policy:
    return await _call("load_policy", vendor_id, Policy, f"load policy for vendor {vendor_id}")


async def validate_po(po: PurchaseOrder) -> PoValidation:
    return await _call("validate_po", po, PoValidation, f"validate {po.po_number} r{po.revision}")


async def issue_po(req: IssueRequest) -> IssueResult:
    return await _call(
        "issue_po",
        req,
        IssueResult,
        f"issue {req.po_number} r{req.revision} to {req.vendor_id}"
        + (
            f" again (attempt {req.attempt}{', by e-mail' if req.channel == 'email' else ''})"
            if req.attempt
            else ""
        ),
        ISSUE_TIMEOUT,
        ISSUE_HEARTBEAT,
    )


async def match_invoice(req: MatchRequest) -> MatchResult:
    summary = f"match {req.invoice.kind.value} {req.invoice.invoice_number} against {req.po.po_number} r{req.po.revision}"
    return await _call("match_invoice", req, MatchResult, summary)


async def find_duplicate_candidates(invoice: Invoice) -> list[Invoice]:
    summary = f"look for invoices like {invoice.invoice_number} from {invoice.vendor_id}"
    return await _call("find_duplicate_candidates", invoice, list[Invoice], summary)


async def match_and_record(req: MatchRequest) -> MatchResult:
    summary = f"match and store {req.invoice.kind.value} {req.invoice.invoice_number} against {req.po.po_number} r{req.po.revision}"
    return await _call("match_and_record", req, MatchResult, summary)


async def match_finding_duplicates(
    req: MatchRequest, not_originals: list[str], profiles: list[ProfileRef]
) -> MatchResult:
    summary = f"match and store {req.invoice.kind.value} {req.invoice.invoice_number} against {req.po.po_number} r{req.po.revision}, duplicates looked for"
    result: MatchResult = await workflow.execute_activity(
        "match_finding_duplicates",
        args=[req, not_originals, profiles],
        result_type=MatchResult,
        start_to_close_timeout=TIMEOUT,
        retry_policy=RETRY,
        summary=summary,
    )
    return result


async def validate_with_policy(po: PurchaseOrder) -> tuple[Policy, PoValidation]:
    summary = f"validate {po.po_number} r{po.revision}, load the policy for vendor {po.vendor_id}"
    return await _call("validate_with_policy", po, tuple[Policy, PoValidation], summary)


async def save_match_result(record: MatchRecord) -> None:
    await _call("save_match_result", record, None, f"store match of {record.result.invoice_id}")


async def hand_off_for_payment(handoff: PaymentHandoff) -> HandoffResult:
    summary = f"hand {handoff.invoice_number} ({handoff.amount} {handoff.currency}) to AP for payment"
    return await _call("hand_off_for_payment", handoff, HandoffResult, summary)


async def save_task(task: HumanTask) -> None:
    await _call("save_task", task, None, f"inbox: {task.task_id} {task.kind.value} {task.status.value}")


async def save_po_projection(projection: PoProjection) -> None:
    await _call(
        "save_po_projection", projection, None, f"project {projection.po_number} as {projection.status}"
    )


async def record_step(step: StepRecord, *, local: bool = False) -> None:
    """`local`: as a local activity (PATCH_LOCAL_STEP_RECORD) — one marker in
    history instead of three events and the workflow task after them. A
    worker lost mid-task retries the whole workflow task, which runs it again:
    acceptable because each of its writes is idempotent (audit events by id,
    the projection kept when the stored row is newer)."""
    what = [e.event for e in step.audit_events] + (
        [f"projected as {step.projection.status}"] if step.projection is not None else []
    )
    po_number = step.projection.po_number if step.projection else step.audit_events[0].po_number
    summary = f"record {po_number}: " + ", ".join(what)[:180]
    if not local:
        await _call("record_step", step, int, summary)
        return
    await workflow.execute_local_activity(
        "record_step",
        step,
        result_type=int,
        start_to_close_timeout=TIMEOUT,
        retry_policy=RETRY,
        summary=summary,
    )


async def record_audit_events(events: list[AuditEvent]) -> None:
    summary = f"audit {events[0].po_number}: " + ", ".join(e.event for e in events)
    await _call("record_audit_events", events, int, summary[:200])


async def notify(notification: Notification) -> None:
    summary = f"notify {notification.channel.value}: {notification.subject}"
    await _call("notify", notification, None, summary[:200])
