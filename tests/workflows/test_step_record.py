"""One persistence activity per step (issue #20 item 2): a step's audit events
and its projection travel in one `record_step` activity instead of
`record_audit_events` then `save_po_projection`, and both still land in the
database; runs started before keep the two activities and replay as they ran."""

from __future__ import annotations

from collections import Counter
from contextlib import suppress

from sqlalchemy import select
from temporalio.client import WorkflowFailureError, WorkflowHistory

from activities.db import repository
from activities.db import schema as t
from tests.support.builders import po, running_worker, start, unique
from tests.support.replay import PurchaseOrderWithoutTheGuard, assert_guarded, worker_before
from tests.support.workflows import eventually
from workflows.po_steps.patches import PATCH_ONE_RECORD_PER_STEP
from workflows.purchase_order import PurchaseOrderWorkflow


def activity_counts(history: WorkflowHistory) -> Counter[str]:
    return Counter(
        event.activity_task_scheduled_event_attributes.activity_type.name
        for event in history.events
        if event.HasField("activity_task_scheduled_event_attributes")
    )


async def test_a_step_records_its_audit_events_and_projection_in_one_activity(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        state = await eventually(handle, lambda s: s.issued_at is not None)
        history = await handle.fetch_history()
        await handle.cancel()
        with suppress(WorkflowFailureError):
            await handle.result()
    counts = activity_counts(history)
    assert counts["record_step"] >= 1
    assert counts["record_audit_events"] == 0 and counts["save_po_projection"] == 0
    # Both writes happened: every timeline entry so far is an audit event, the row says issued.
    audited = [e.event for e in repository.list_audit_events(engine, order.po_number)]
    assert audited[: len(state.timeline)] == [e.event for e in state.timeline]
    with engine.connect() as connection:
        row = connection.execute(
            select(t.purchase_orders.c.status).where(t.purchase_orders.c.po_number == order.po_number)
        ).scalar_one()
    assert row in ("issued", "cancelled")  # the cancel above may have been projected already


async def test_a_run_from_before_keeps_its_two_activities(env, engine):
    order = po(unique("PO"))
    queue = f"poflow-before-step-record-{unique('Q')}"
    async with worker_before(env.client, engine, queue, PATCH_ONE_RECORD_PER_STEP):
        handle = await start(env.client, queue, order)
        await eventually(handle, lambda s: s.issued_at is not None)
        history = await handle.fetch_history()
        await handle.cancel()
        with suppress(WorkflowFailureError):
            await handle.result()
    counts = activity_counts(history)
    assert counts["record_step"] == 0 and counts["save_po_projection"] >= 1
    await assert_guarded(
        history, PATCH_ONE_RECORD_PER_STEP, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard
    )
