"""Fewer round trips per PO (issue #20 item 2): a step's audit events and its
projection travel in one `record_step` activity instead of
`record_audit_events` then `save_po_projection`; an invoice is matched and its
match stored by one `match_and_record` instead of `match_invoice` then
`save_match_result` (the request travels once). Everything still lands in the
database; runs started before keep their activities and replay as they ran."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from contextlib import suppress
from unittest.mock import patch

import pytest
from sqlalchemy import select
from temporalio import workflow
from temporalio.client import WorkflowFailureError, WorkflowHistory
from temporalio.workflow import NondeterminismError

from activities.db import repository
from activities.db import schema as t
from models import PurchaseOrderInput, PurchaseOrderState
from tests.support.builders import full_receipt, invoice, po, running_worker, start, unique
from tests.support.replay import PurchaseOrderWithoutTheGuard, assert_guarded, replay, worker_before
from tests.support.workflows import eventually
from workflows.contract import PoSignal, WorkflowType
from workflows.po_steps.patches import (
    BASELINE_PATCHES,
    PATCH_BASELINE,
    PATCH_LEAN_LIFECYCLE,
    PATCH_MATCH_AND_RECORD,
    PATCH_MATCH_FINDS_DUPLICATES,
    PATCH_ONE_RECORD_PER_STEP,
)
from workflows.purchase_order import PurchaseOrderWorkflow


def activity_counts(history: WorkflowHistory) -> Counter[str]:
    return Counter(
        event.activity_task_scheduled_event_attributes.activity_type.name
        for event in history.events
        if event.HasField("activity_task_scheduled_event_attributes")
    )


def local_activity_counts(history: WorkflowHistory) -> Counter[str]:
    """Local activities by type, from their markers (PATCH_LOCAL_STEP_RECORD)."""
    return Counter(
        json.loads(payload.data)["activity_type"]
        for event in history.events
        if event.HasField("marker_recorded_event_attributes")
        and event.marker_recorded_event_attributes.marker_name == "core_local_activity"
        for payloads in event.marker_recorded_event_attributes.details.values()
        for payload in payloads.payloads
        if b'"activity_type"' in payload.data
    )


def step_counts(history: WorkflowHistory) -> Counter[str]:
    """Activities and local activities, by type."""
    return activity_counts(history) + local_activity_counts(history)


async def history_once(handle, check) -> WorkflowHistory:  # type: ignore[no-untyped-def]
    """The history once `check(step counts)` holds (a step writes at its end,
    after the state a query sees), else as it last read."""
    for _ in range(100):
        history = await handle.fetch_history()
        if check(step_counts(history)):
            break
        await asyncio.sleep(0.05)
    return history


async def test_a_step_records_its_audit_events_and_projection_in_one_activity(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        state = await eventually(handle, lambda s: s.issued_at is not None)
        history = await history_once(handle, lambda c: c["record_step"] >= 2)
        await handle.cancel()
        with suppress(WorkflowFailureError):
            await handle.result()
    counts = step_counts(history)  # a local activity in a new run (PATCH_LOCAL_STEP_RECORD)
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
        history = await history_once(handle, lambda c: c["save_po_projection"] >= 2)
        await handle.cancel()
        with suppress(WorkflowFailureError):
            await handle.result()
    counts = activity_counts(history)
    assert counts["record_step"] == 0 and counts["save_po_projection"] >= 1
    await assert_guarded(
        history, PATCH_ONE_RECORD_PER_STEP, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard
    )


async def _matched(handle, order) -> WorkflowHistory:  # type: ignore[no-untyped-def]
    """Receive everything and bill it at the PO's prices; the history once matched."""
    await eventually(handle, lambda s: s.issued_at is not None)
    await handle.signal(PoSignal.RECEIPT, full_receipt(order))
    await handle.signal(PoSignal.INVOICE, invoice(order, "INV-R1", {1: ("100", "11.90"), 2: ("200", "4.75")}))
    await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
    history = await history_once(
        handle,
        lambda c: c["match_and_record"] + c["save_match_result"] + c["match_finding_duplicates"] >= 1,
    )
    await handle.cancel()
    with suppress(WorkflowFailureError):
        await handle.result()
    return history


async def test_an_invoice_is_matched_and_its_match_stored_in_one_activity(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        history = await _matched(handle, order)
    counts = activity_counts(history)
    # A new run's match_and_record also looks for duplicates (PATCH_MATCH_FINDS_DUPLICATES).
    assert counts["match_and_record"] + counts["match_finding_duplicates"] == 1
    assert counts["match_invoice"] == 0 and counts["save_match_result"] == 0
    [stored] = [r for r in repository.list_match_records(engine) if r.result.po_number == order.po_number]
    assert stored.request is not None and stored.request.invoice.invoice_number == "INV-R1"
    assert stored.result.decision.value == "approve"


async def test_a_run_from_before_matches_and_stores_in_two_activities(env, engine):
    order = po(unique("PO"))
    queue = f"poflow-before-match-record-{unique('Q')}"
    # A run from before had no match_finding_duplicates either (added since).
    async with worker_before(
        env.client, engine, queue, PATCH_MATCH_AND_RECORD, later=[PATCH_MATCH_FINDS_DUPLICATES]
    ):
        handle = await start(env.client, queue, order)
        history = await _matched(handle, order)
    counts = activity_counts(history)
    assert (counts["match_and_record"], counts["match_invoice"], counts["save_match_result"]) == (0, 1, 1)
    await assert_guarded(history, PATCH_MATCH_AND_RECORD, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard)


@workflow.defn(name=WorkflowType.PURCHASE_ORDER, sandboxed=False)
class PurchaseOrderWithoutTheBaseline(PurchaseOrderWorkflow):
    """Today's PO workflow asking every patch on its own, as if the baseline did not exist."""

    @workflow.init
    def __init__(self, inp: PurchaseOrderInput) -> None:
        super().__init__(inp)

    @workflow.run
    async def run(self, inp: PurchaseOrderInput) -> PurchaseOrderState:
        real = workflow.patched
        with patch.object(workflow, "patched", lambda p: p != PATCH_BASELINE and real(p)):
            return await super().run(inp)


def patch_markers(history: WorkflowHistory) -> list[str]:
    return [
        json.loads(payload.data).get("id")
        for event in history.events
        if event.HasField("marker_recorded_event_attributes")
        and event.marker_recorded_event_attributes.marker_name == "core_patch"
        for payloads in event.marker_recorded_event_attributes.details.values()
        for payload in payloads.payloads
        if b'"id"' in payload.data
    ]


async def test_a_new_run_takes_every_patch_through_one_baseline_marker(env, engine):
    """One marker (and one TemporalChangeVersion upsert) instead of one of each
    per patch; the same history without the baseline would not replay."""
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        history = await _matched(handle, order)
    # The baseline's one marker; the lean lifecycle's group (patches after the baseline) has its own.
    assert patch_markers(history) == [PATCH_BASELINE, PATCH_LEAN_LIFECYCLE]
    assert all(p in BASELINE_PATCHES for p in (PATCH_ONE_RECORD_PER_STEP, PATCH_MATCH_AND_RECORD))
    await replay(history, PurchaseOrderWorkflow)
    with pytest.raises(NondeterminismError):
        await replay(history, PurchaseOrderWithoutTheBaseline)
