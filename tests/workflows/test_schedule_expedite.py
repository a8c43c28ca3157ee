"""Chasing per promised delivery (issue #17 item 9) on the time-skipping
server: a line of 120 gloves split 70 by D1 and 50 by D2 (the supplier's
acknowledgment, or the PO itself). A promised date that passes (+ the
standard policy's 3 days of grace) with neither a receipt nor a ship notice
covering it is an expedite task naming the line, the date and what is
missing; each date is expedited once and the deadline moves on to the next.
Receipts and ship notices move it too; the buyer keeping waiting is asked
again after the grace; an expedite task whose deliveries all arrived closes.
Runs from before the rule keep one deadline (the latest need-by + grace)."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, date, datetime, timedelta

from temporalio.client import WorkflowFailureError
from temporalio.testing import WorkflowEnvironment

from models import PoStatus, PurchaseOrder, PurchaseOrderState, ShipNotice, TaskKind, TaskStatus
from tests.support.builders import ack, decide, po, receipt, running_worker, start, state, unique
from tests.support.replay import PurchaseOrderWithoutTheGuard, assert_guarded, worker_before
from tests.support.workflows import eventually, issued, open_task, skip_time
from workflows.contract import Decision, PoSignal
from workflows.po_steps.patches import PATCH_SCHEDULE_EXPEDITE
from workflows.purchase_order import PurchaseOrderWorkflow

GRACE = timedelta(days=3)  # the standard policy's receipt_grace (seed/master_data.json)


def due(day: date) -> datetime:
    """The end of the promised day (UTC) + grace: when the date has lapsed."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1) + GRACE


async def dates(env: WorkflowEnvironment) -> tuple[date, date]:
    """D1 and D2: 10 and 20 days after the test server's today."""
    today = (await env.get_current_time()).date()
    return today + timedelta(days=10), today + timedelta(days=20)


def split(d1: date, d2: date) -> list[dict[str, str]]:
    return [{"quantity": "70", "date": d1.isoformat()}, {"quantity": "50", "date": d2.isoformat()}]


def gloves(need_by: date, schedules: list[dict[str, str]] | None = None) -> PurchaseOrder:
    """120 gloves from ACME (3-way), needed by `need_by`, in `schedules` if given."""
    line = {
        "line_no": 1,
        "item_id": "MRO-GLOVE-NITRILE-L",
        "quantity": "120",
        "unit_price": "11.90",
        "need_by": need_by.isoformat(),
        "schedules": schedules or [],
    }
    return po(unique("PO"), lines=[line])


def notice(order: PurchaseOrder, asn_id: str, quantity: str) -> ShipNotice:
    return ShipNotice.model_validate(
        {
            "asn_id": asn_id,
            "po_number": order.po_number,
            "vendor_id": order.vendor_id,
            "shipped_at": datetime.now(UTC).isoformat(),
            "lines": [{"line_no": 1, "quantity_shipped": quantity}],
        }
    )


async def skip_until(env: WorkflowEnvironment, moment: datetime) -> None:
    await skip_time(env, moment - await env.get_current_time())


def overdue_entries(s: PurchaseOrderState) -> list[str]:
    return [e.detail for e in s.timeline if e.event == "receipt_overdue"]


def expedite_tasks(s: PurchaseOrderState) -> list:
    return [t for t in s.tasks if t.kind == TaskKind.EXPEDITE_RECEIPT]


async def test_nothing_arrives_each_promised_date_is_expedited_once(env, engine):
    d1, d2 = await dates(env)
    order = gloves(need_by=d2)
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        s = await state(handle)
        assert s.expedite_per_schedule and s.receipt_due_at == due(d2)  # one delivery by the need-by
        line = {"line_no": 1, "status": "changed", "schedules": split(d1, d2)}
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order, "OA-1", "accepted_with_changes", [line]))
        s = await eventually(handle, lambda s: s.po.revision == 1)
        assert s.receipt_due_at == due(d1)  # the split's first date

        await skip_until(env, due(d1) + timedelta(hours=1))
        s = await eventually(handle, lambda s: bool(expedite_tasks(s)))
        task = open_task(s, TaskKind.EXPEDITE_RECEIPT)
        assert task.title == f"Expedite {order.po_number}: line 1 70 EA due {d1.isoformat()}"
        assert task.context["missing"] == "line 1: 70 EA" and task.context["need_by"] == d1.isoformat()
        assert s.receipt_due_at == due(d2)  # moved on to the next date

        await skip_until(env, due(d2) + timedelta(hours=1))
        s = await eventually(handle, lambda s: len(overdue_entries(s)) == 2)
        assert f"line 1: 50 of 50 EA due {d2.isoformat()}" in overdue_entries(s)[1]
        [task] = expedite_tasks(s)  # one open at a time: the open one now names both dates
        assert task.status == TaskStatus.OPEN and task.context["missing"] == "line 1: 120 EA"
        assert task.context["need_by"] == f"{d1.isoformat()}, {d2.isoformat()}"
        assert s.receipt_due_at is None and [(e.line_no, e.promised) for e in s.expedited] == [
            (1, d1),
            (1, d2),
        ]

        await skip_time(env, timedelta(days=5))
        s = await state(handle)
    assert len(overdue_entries(s)) == 2  # never again for the same dates


async def test_the_first_delivery_received_in_time_is_not_expedited_the_second_is(env, engine):
    d1, d2 = await dates(env)
    order = gloves(need_by=d2, schedules=split(d1, d2))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "70"}))
        s = await eventually(handle, lambda s: bool(s.receipts))
        assert s.receipt_due_at == due(d2)

        await skip_until(env, due(d1) + timedelta(hours=1))
        s = await state(handle)
        assert expedite_tasks(s) == [] and overdue_entries(s) == []

        await skip_until(env, due(d2) + timedelta(hours=1))
        s = await eventually(handle, lambda s: bool(expedite_tasks(s)))
    task = open_task(s, TaskKind.EXPEDITE_RECEIPT)
    assert task.title == f"Expedite {order.po_number}: line 1 50 EA due {d2.isoformat()}"
    assert task.context["missing"] == "line 1: 50 EA"


async def test_both_deliveries_received_in_time_are_never_expedited(env, engine):
    d1, d2 = await dates(env)
    order = gloves(need_by=d2, schedules=split(d1, d2))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "70"}))
        await eventually(handle, lambda s: bool(s.receipts))
        await skip_until(env, due(d1) + timedelta(hours=1))
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-2", {1: "50"}))
        s = await eventually(handle, lambda s: s.status == PoStatus.RECEIVED)
        assert s.receipt_due_at is None
        await skip_until(env, due(d2) + timedelta(days=1))
        s = await state(handle)
    assert expedite_tasks(s) == [] and overdue_entries(s) == []


async def test_a_ship_notice_before_the_date_is_no_expedite_for_it(env, engine):
    d1, d2 = await dates(env)
    order = gloves(need_by=d2, schedules=split(d1, d2))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.ASN, notice(order, "SHIP-1", "70"))
        s = await eventually(handle, lambda s: bool(s.ship_notices))
        assert s.receipt_due_at == due(d2)  # 70 on their way: the first date is covered

        await skip_until(env, due(d1) + timedelta(hours=1))
        s = await state(handle)
        assert expedite_tasks(s) == []

        await skip_until(env, due(d2) + timedelta(hours=1))
        s = await eventually(handle, lambda s: bool(expedite_tasks(s)))
    assert open_task(s, TaskKind.EXPEDITE_RECEIPT).context["missing"] == "line 1: 50 EA"  # not shipped


async def test_keeping_waiting_asks_again_and_the_task_closes_once_the_rest_arrived(env, engine):
    d1, d2 = await dates(env)
    order = gloves(need_by=d2, schedules=split(d1, d2))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await skip_until(env, due(d1) + timedelta(hours=1))
        s = await eventually(handle, lambda s: bool(expedite_tasks(s)))
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "30"}))
        s = await eventually(handle, lambda s: bool(s.receipts))
        first = open_task(s, TaskKind.EXPEDITE_RECEIPT)  # 40 of the 70 still missing: still chased
        await decide(handle, first.task_id, Decision.KEEP_WAITING, actor="bob.buyer")
        s = await eventually(handle, lambda s: not s.open_tasks)
        assert s.receipt_due_at is not None and s.receipt_due_at < due(d2)  # asked again after the grace

        await skip_time(env, GRACE + timedelta(hours=1))
        s = await eventually(handle, lambda s: len(expedite_tasks(s)) == 2)
        again = open_task(s, TaskKind.EXPEDITE_RECEIPT)
        assert again.title == f"Expedite {order.po_number}: line 1 40 EA due {d1.isoformat()}"
        assert "still missing after keep waiting" in overdue_entries(s)[-1]

        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-2", {1: "40"}))
        s = await eventually(handle, lambda s: not s.open_tasks)
    closed = s.task(again.task_id)
    assert closed is not None and closed.status == TaskStatus.CANCELLED  # what it chased arrived
    assert s.receipt_due_at == due(d2) and s.status == PoStatus.PARTIALLY_RECEIVED


async def test_a_run_from_before_the_rule_keeps_one_deadline(env, engine):
    """Before the rule only the latest need-by counts and ship notices do not:
    everything shipped, nothing received, and the PO is expedited at D2 + grace
    (a task the rule would not open)."""
    d1, d2 = await dates(env)
    order = gloves(need_by=d2, schedules=split(d1, d2))
    queue = f"poflow-before-schedule-expedite-{unique('Q')}"
    async with worker_before(env.client, engine, queue, PATCH_SCHEDULE_EXPEDITE):
        handle = await start(env.client, queue, order)
        await eventually(handle, lambda s: s.issued_at is not None)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.ASN, notice(order, "SHIP-1", "120"))
        s = await eventually(handle, lambda s: bool(s.ship_notices))
        assert not s.expedite_per_schedule and s.receipt_due_at == due(d2)
        await skip_until(env, due(d2) + timedelta(hours=1))
        s = await eventually(handle, lambda s: bool(expedite_tasks(s)))
        history = await handle.fetch_history()
        await handle.cancel()  # with the worker running: the test server's clock must not stall
        with suppress(WorkflowFailureError):
            await handle.result()
    assert open_task(s, TaskKind.EXPEDITE_RECEIPT).context == {"need_by": d2.isoformat()}
    await assert_guarded(
        history, PATCH_SCHEDULE_EXPEDITE, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard
    )
