"""The persistence and notification activities, run through Temporal's
ActivityEnvironment (so the @activity.defn wiring is real) on SQLite and
PostgreSQL. The point of most tests: a retry or a replay writes nothing twice."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from functools import partial

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.db import outbox, repository
from activities.db import schema as t
from activities.db.validation import check_purchase_order, price_text
from activities.notifications import NotificationActivities
from activities.persistence import PersistenceActivities
from models import (
    AuditEvent,
    HumanTask,
    IssueRequest,
    MatchDecision,
    MatchRecord,
    MatchResult,
    Notification,
    NotificationChannel,
    PaymentHandoff,
    PoProjection,
    PurchaseOrder,
    StepRecord,
    TaskKind,
    TaskStatus,
)
from tests.support.db import run_concurrently

T0 = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
SECRET_WEBHOOK = "https://hooks.example/services/T000/B000/secret-token-123"


def count(engine: Engine, table, **where) -> int:  # type: ignore[no-untyped-def]
    query = select(func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with engine.connect() as connection:
        return connection.execute(query).scalar_one()


def run(fn, *args):  # type: ignore[no-untyped-def]
    """Call an activity the way a worker would (activity context, logger)."""
    return ActivityEnvironment().run(fn, *args)


@pytest.fixture
def acts(seeded_engine: Engine) -> PersistenceActivities:
    return PersistenceActivities(seeded_engine)


def purchase_order(vendor_id: str = "ACME", currency: str = "USD", lines=None, **kw) -> PurchaseOrder:  # type: ignore[no-untyped-def]
    lines = lines or [
        {"line_no": 1, "item_id": "MRO-GLOVE-NITRILE-L", "quantity": "100", "unit_price": "11.90"},
        {"line_no": 2, "item_id": "MRO-BEARING-6204", "quantity": "40", "unit_price": "4.75"},
    ]
    fields = {
        "po_number": "PO-1001",
        "vendor_id": vendor_id,
        "buyer": "jane.buyer",
        "currency": currency,
        "order_date": date(2026, 3, 2),
        "lines": lines,
    }
    return PurchaseOrder(**{**fields, **kw})


def test_activities_are_registered_under_their_method_names(acts: PersistenceActivities) -> None:
    names = [activity._Definition.must_from_callable(fn).name for fn in acts.all()]
    assert names == [
        "load_policy",
        "validate_po",
        "validate_with_policy",
        "save_po_projection",
        "save_task",
        "record_audit_events",
        "record_step",
        "match_and_record",
        "match_finding_duplicates",
        "save_match_result",
        "issue_po",
        "hand_off_for_payment",
        "find_duplicate_candidates",
    ]


# --- load_policy ------------------------------------------------------------------------


def test_load_policy(acts: PersistenceActivities) -> None:
    fast = run(acts.load_policy, "SLOWPOKE")
    assert (fast.name, fast.task_sla, fast.invoice_hold_sla) == (
        "demo-fast",
        timedelta(seconds=10),
        timedelta(seconds=60),
    )
    assert run(acts.load_policy, "UNKNOWN").name == "standard"
    with pytest.raises(ApplicationError) as err:
        run(acts.load_policy, "")
    assert err.value.non_retryable


# --- validate_po -------------------------------------------------------------------------------


def test_a_clean_po_validates_without_findings(acts: PersistenceActivities) -> None:
    result = run(acts.validate_po, purchase_order())
    assert result.errors == [] and result.flags == []
    assert result.vendor_name == "Acme Industrial Supply"


@pytest.mark.parametrize(
    ("vendor_id", "currency", "expected"),
    [
        ("NOBODY", "USD", "unknown vendor 'NOBODY'"),
        ("INACTIVE", "GBP", "vendor INACTIVE (Defunct Parts Ltd) is inactive"),
        ("NORDIC", "USD", "currency USD differs from vendor NORDIC's currency EUR"),
    ],
)
def test_vendor_errors_block_the_po(
    acts: PersistenceActivities, vendor_id: str, currency: str, expected: str
) -> None:
    lines = [{"line_no": 1, "item_id": "FST-NUT-M8-A2", "quantity": "1000", "unit_price": "0.0425"}]
    result = run(acts.validate_po, purchase_order(vendor_id, currency, lines))
    assert expected in result.errors


def test_unknown_item_is_an_error_naming_the_line(acts: PersistenceActivities) -> None:
    po = purchase_order(
        lines=[
            {"line_no": 1, "item_id": "MRO-GLOVE-NITRILE-L", "quantity": "1", "unit_price": "11.90"},
            {"line_no": 2, "item_id": "MRO-FLUX-CAPACITOR", "quantity": "1", "unit_price": "88"},
        ]
    )
    assert run(acts.validate_po, po).errors == ["line 2: unknown item 'MRO-FLUX-CAPACITOR'"]


def test_off_contract_prices_and_missing_contracts_are_flags(acts: PersistenceActivities) -> None:
    po = purchase_order(
        lines=[
            {"line_no": 1, "item_id": "MRO-BEARING-6204", "quantity": "40", "unit_price": "4.75"},
            {"line_no": 2, "item_id": "MRO-GLOVE-NITRILE-L", "quantity": "100", "unit_price": "12.40"},
            {"line_no": 3, "item_id": "MRO-SAFETY-GLASSES", "quantity": "20", "unit_price": "5.9"},
            {"line_no": 4, "item_id": "PKG-CARTON-600", "quantity": "200", "unit_price": "2.35"},
            {
                "line_no": 5,
                "item_id": "SVC-CLOUD-SUPPORT-HR",
                "quantity": "10",
                "unit_price": "145",
                "uom": "HR",
            },
        ]
    )
    result = run(acts.validate_po, po)
    assert result.errors == []
    assert result.flags == [
        "line 2: price 12.40 above contract 11.90",
        "line 3: price 5.90 below contract 6.40",
        "line 4: no contract for PKG-CARTON-600 with ACME (off-contract spend)",
        "line 5: no contract for SVC-CLOUD-SUPPORT-HR with ACME (off-contract spend)",
    ]


def test_contract_price_is_the_one_valid_on_the_order_date(acts: PersistenceActivities) -> None:
    lines = [{"line_no": 1, "item_id": "MRO-GLOVE-NITRILE-L", "quantity": "100", "unit_price": "11.90"}]
    assert run(acts.validate_po, purchase_order(lines=lines, order_date=date(2026, 6, 1))).flags == []
    assert run(acts.validate_po, purchase_order(lines=lines, order_date=date(2025, 6, 1))).flags == [
        "line 1: price 11.90 above contract 11.20"
    ]


def test_sub_cent_prices_and_units_are_reported_exactly(acts: PersistenceActivities) -> None:
    po = purchase_order(
        "NORDIC",
        "EUR",
        [
            {"line_no": 1, "item_id": "FST-NUT-M8-A2", "quantity": "5000", "unit_price": "0.0450"},
            {
                "line_no": 2,
                "item_id": "FST-BOLT-M8X30-A2",
                "quantity": "50",
                "unit_price": "18.40",
                "uom": "BOX",
            },
        ],
    )
    assert run(acts.validate_po, po).flags == [
        "line 1: price 0.045 above contract 0.0425",
        "line 2: unit BOX differs from the item's unit EA (FST-BOLT-M8X30-A2)",
        "line 2: price 18.40 above contract 0.184",
    ]


def test_price_text() -> None:
    assert [price_text(Decimal(v)) for v in ("12.4", "12.400000", "100", "0.0425", "1E+3")] == [
        "12.40",
        "12.40",
        "100.00",
        "0.0425",
        "1000.00",
    ]


def test_check_purchase_order_without_vendor_still_checks_items() -> None:
    result = check_purchase_order(purchase_order("GHOST"), None, {}, {})
    assert result.errors == [
        "unknown vendor 'GHOST'",
        "line 1: unknown item 'MRO-GLOVE-NITRILE-L'",
        "line 2: unknown item 'MRO-BEARING-6204'",
    ]


# --- projections, tasks, audit, match results -------------------------------------------------------


def projection(**changes: object) -> PoProjection:
    """PO-1001's projection as the workflow writes it; `changes` for the test at hand."""
    values: dict[str, object] = {
        "po_number": "PO-1001",
        "revision": 0,
        "vendor_id": "ACME",
        "buyer": "jane.buyer",
        "status": "issued",
        "currency": "USD",
        "total": Decimal("1380.00"),
        "workflow_id": "po-PO-1001",
        "updated_at": T0,
    }
    return PoProjection(**{**values, **changes})  # type: ignore[arg-type]


def test_save_po_projection_and_task(acts: PersistenceActivities, seeded_engine: Engine) -> None:
    saved = projection(status="pending_approval", open_tasks=1)
    task = HumanTask(
        task_id="po-PO-1001/approve-1",
        po_number="PO-1001",
        kind=TaskKind.APPROVE_PO,
        title="Approve PO-1001 (1,380.00 USD)",
        options=["approve", "reject"],
        assignee_role="budget_owner",
        created_at=T0,
        due_at=T0 + timedelta(days=2),
    )
    for _ in range(2):  # the retry
        run(acts.save_po_projection, saved)
        run(acts.save_task, task)
    decided = task.model_copy(
        update={
            "status": TaskStatus.DONE,
            "decision": "approve",
            "decided_by": "bob",
            "decided_at": T0 + timedelta(hours=3),
        }
    )
    run(acts.save_task, decided)
    assert repository.get_purchase_order(seeded_engine, "PO-1001") == saved
    assert repository.get_task(seeded_engine, task.task_id) == decided
    assert (count(seeded_engine, t.purchase_orders), count(seeded_engine, t.human_tasks)) == (1, 1)


def test_record_audit_event_and_match_result_are_idempotent(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    event = AuditEvent(
        event_id="po-PO-1001#7", po_number="PO-1001", event="invoice_held", detail="PRICE on line 2", at=T0
    )
    result = MatchResult(
        invoice_id="invoice:ACME:INV1001",
        po_number="PO-1001",
        po_revision=0,
        decision=MatchDecision.HOLD,
        matched_at=T0,
    )
    later = event.model_copy(update={"event_id": "po-PO-1001#8", "event": "invoice_released"})
    written = []
    for _ in range(3):
        written.append(run(acts.record_audit_events, [event, later]))
        run(acts.save_match_result, MatchRecord(result=result))
    assert written == [2, 0, 0]
    assert repository.list_audit_events(seeded_engine, "PO-1001") == [event, later]
    assert repository.list_match_results(seeded_engine, invoice_id=result.invoice_id) == [result]


def test_record_step_writes_a_steps_events_and_projection_once(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    """One activity per workflow step: a retry (or a replay) writes neither twice,
    and an older projection never overwrites a newer one."""
    issued = projection()
    events = [
        AuditEvent(event_id=f"PO-1001:{i}", po_number="PO-1001", event=name, at=T0)
        for i, name in enumerate(("approved", "issued"))
    ]
    step = StepRecord(audit_events=events, projection=issued)
    assert [run(acts.record_step, step) for _ in range(2)] == [2, 0]
    older = StepRecord(projection=projection(status="approved", updated_at=T0 - timedelta(1)))
    assert run(acts.record_step, older) == 0
    assert repository.list_audit_events(seeded_engine, "PO-1001") == events
    assert repository.get_purchase_order(seeded_engine, "PO-1001") == issued


def test_save_match_result_stores_the_request_with_the_result(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    from p2p.matching import match_invoice
    from tests.support.simulation import HELD, PO, request_for

    request = request_for(HELD, PO)
    stored = MatchRecord(request=request, result=match_invoice(request, matched_at=T0))
    for _ in range(2):  # a retry writes nothing twice
        run(acts.save_match_result, stored)
    assert repository.list_match_records(seeded_engine) == [stored]


def test_match_and_record_stores_one_match_however_often_it_is_retried(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    """The verdict is stamped with the activity's first scheduled time, the same
    on every attempt: a retry returns the same result and stores nothing twice."""
    from tests.support.simulation import HELD, PO, request_for

    request = request_for(HELD, PO)
    first, again = (run(acts.match_and_record, request) for _ in range(2))
    assert first == again
    assert repository.list_match_records(seeded_engine) == [MatchRecord(request=request, result=first)]


# --- issue_po ---------------------------------------------------------------------------------------


def test_issue_po_sends_once_per_revision(acts: PersistenceActivities, seeded_engine: Engine) -> None:
    summary = projection(total=Decimal("12340"))
    repository.upsert_po_projection(seeded_engine, summary)
    request = IssueRequest(po_number="PO-1001", revision=0, vendor_id="ACME", at=T0)

    first = run(acts.issue_po, request)
    again = run(acts.issue_po, request.model_copy(update={"at": T0 + timedelta(minutes=1)}))

    assert first.already_issued is False and again.already_issued is True
    assert again.message_id == first.message_id
    assert (first.channel, again.channel) == ("email", "email")
    assert count(seeded_engine, t.po_issues) == 1
    assert count(seeded_engine, t.notifications) == 1
    [message] = outbox.pending_notifications(seeded_engine)
    assert message.recipient == "orders@acme-industrial.example"
    assert message.channel == "supplier"
    assert "PO-1001" in message.subject
    assert "12,340.00 USD" in message.body and "jane.buyer" in message.body

    revised = run(acts.issue_po, request.model_copy(update={"revision": 1}))
    assert revised.already_issued is False and revised.message_id != first.message_id
    assert count(seeded_engine, t.po_issues) == 2
    assert count(seeded_engine, t.notifications) == 2


def test_issue_po_to_an_unknown_vendor_is_not_retried(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    with pytest.raises(ApplicationError) as err:
        run(acts.issue_po, IssueRequest(po_number="PO-9", revision=0, vendor_id="NOBODY", at=T0))
    assert err.value.non_retryable
    assert count(seeded_engine, t.po_issues) == 0


# --- hand_off_for_payment ---------------------------------------------------------------------------


def handoff(invoice_id: str = "invoice:ACME:INV1001", amount: str = "1380.00") -> PaymentHandoff:
    return PaymentHandoff(
        invoice_id=invoice_id,
        po_number="PO-1001",
        vendor_id="ACME",
        invoice_number="INV-1001",
        currency="USD",
        amount=Decimal(amount),
        due_date="2026-04-01",
        at=T0,
    )


def test_hand_off_for_payment_never_twice(acts: PersistenceActivities, seeded_engine: Engine) -> None:
    first = run(acts.hand_off_for_payment, handoff())
    again = run(acts.hand_off_for_payment, handoff())
    changed = run(acts.hand_off_for_payment, handoff(amount="9999.99"))  # same invoice, other terms

    assert first.already_handed_off is False
    assert again.already_handed_off is True and changed.already_handed_off is True
    assert first.payment_reference == again.payment_reference == changed.payment_reference
    assert count(seeded_engine, t.payment_handoffs) == 1
    stored = outbox.get_payment_handoff(seeded_engine, first.invoice_id)
    assert stored is not None and stored.amount == Decimal("1380.00")  # the first terms stand


def test_hand_off_for_payment_from_two_threads_at_once(
    acts: PersistenceActivities, seeded_engine: Engine
) -> None:
    """Two workers racing on the same invoice (e.g. a retry overlapping a slow
    first attempt): exactly one hand-off, both told the same reference."""
    for attempt in range(5):  # a few rounds, so the race really happens
        request = handoff(f"invoice:ACME:RACE{attempt}")
        attempt_once = partial(run, acts.hand_off_for_payment, request)
        results = run_concurrently(attempt_once, attempt_once)
        assert sorted(r.already_handed_off for r in results) == [False, True]
        assert len({r.payment_reference for r in results}) == 1
        assert count(seeded_engine, t.payment_handoffs, invoice_id=request.invoice_id) == 1


# --- notify --------------------------------------------------------------------------------------------


def notification(notification_id: str = "po-PO-1001/reminder-1") -> Notification:
    return Notification(
        notification_id=notification_id,
        po_number="PO-1001",
        channel=NotificationChannel.SUPPLIER,
        recipient="orders@acme-industrial.example",
        subject="Reminder: please acknowledge PO-1001",
        body="We have not received your acknowledgment yet.",
        at=T0,
    )


class Webhook:
    """A fake webhook receiver: fails the first `failures` calls."""

    def __init__(self, failures: int = 0) -> None:
        self.failures = failures
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if len(self.requests) <= self.failures:
            return httpx.Response(500, text="upstream down")
        return httpx.Response(204)


async def test_notify_without_webhook_queues_once(engine: Engine) -> None:
    acts = NotificationActivities(engine)
    await run(acts.notify, notification())
    await run(acts.notify, notification())
    [queued] = outbox.pending_notifications(engine)
    assert queued.notification_id == "po-PO-1001/reminder-1"
    assert queued.delivered_at is None and queued.attempts == 0
    assert queued.created_at == T0


async def test_notify_posts_to_the_webhook_and_marks_delivered(engine: Engine) -> None:
    hook = Webhook()
    async with httpx.AsyncClient(transport=httpx.MockTransport(hook)) as http:
        acts = NotificationActivities(engine, SECRET_WEBHOOK, http)
        await run(acts.notify, notification())
        await run(acts.notify, notification())  # retry after success: no second POST

    assert len(hook.requests) == 1
    request = hook.requests[0]
    assert request.method == "POST" and str(request.url) == SECRET_WEBHOOK
    assert request.headers["Idempotency-Key"] == "po-PO-1001/reminder-1"
    assert json.loads(request.content) == notification().model_dump(mode="json")
    stored = outbox.get_notification(engine, "po-PO-1001/reminder-1")
    assert stored is not None and stored.delivered_at is not None and stored.attempts == 1
    assert stored.delivered_at.tzinfo == UTC
    assert outbox.pending_notifications(engine) == []


async def test_webhook_failure_raises_for_retry_without_duplicating_or_leaking(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    hook = Webhook(failures=1)
    async with httpx.AsyncClient(transport=httpx.MockTransport(hook)) as http:
        acts = NotificationActivities(engine, SECRET_WEBHOOK, http)
        with pytest.raises(ApplicationError) as err:
            await run(acts.notify, notification())
        assert not err.value.non_retryable
        assert err.value.__cause__ is None
        failed = outbox.get_notification(engine, "po-PO-1001/reminder-1")
        assert failed is not None and failed.delivered_at is None
        assert (failed.attempts, failed.last_error) == (1, "HTTP 500")

        await run(acts.notify, notification())  # Temporal's retry

    assert len(hook.requests) == 2
    delivered = outbox.get_notification(engine, "po-PO-1001/reminder-1")
    assert delivered is not None and delivered.delivered_at is not None and delivered.attempts == 2
    assert count(engine, t.notifications) == 1
    assert "secret-token" not in str(err.value)
    assert "secret-token" not in caplog.text


async def test_unreachable_webhook_error_does_not_name_the_url(engine: Engine) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError(f"connection refused: {request.url}", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(refuse)) as http:
        acts = NotificationActivities(engine, SECRET_WEBHOOK, http)
        with pytest.raises(ApplicationError) as err:
            await run(acts.notify, notification())
    assert "ConnectError" in str(err.value) and "secret-token" not in str(err.value)
    assert outbox.get_notification(engine, "po-PO-1001/reminder-1").last_error == "ConnectError"  # type: ignore[union-attr]
