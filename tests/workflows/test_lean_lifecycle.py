"""A leaner clean lifecycle (issue #20 item 2), each change behind a patch of
the lean-lifecycle group (workflows/po_steps/patches.py): a small result
(PoOutcome; the state by query and in the database), the policy with the
validation in one activity, the match looking for duplicate candidates
itself, steps recorded by a local activity, and upserts of the search
attributes that changed only. Runs started before keep what they did and
replay as they ran."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from unittest.mock import patch

import pytest
from sqlalchemy import select, text
from temporalio import workflow
from temporalio.client import WorkflowHistory
from temporalio.worker import Worker
from temporalio.workflow import NondeterminismError

from activities.db import repository
from activities.db import schema as t
from activities.db.master_data import upsert_tolerance_profile
from models import PoStatus, PurchaseOrderInput, PurchaseOrderState
from tests.support.builders import (
    ack,
    full_invoice,
    full_receipt,
    po,
    running_worker,
    seeded_sqlite,
    settings_for,
    start,
    state,
    unique,
)
from tests.support.replay import PurchaseOrderWithoutTheGuard, assert_guarded, replay, worker_before
from tests.support.workflows import eventually, finished
from tests.workflows.test_step_record import activity_counts, local_activity_counts, patch_markers
from worker import build_activities, create_worker
from workflows.contract import PoSignal, WorkflowType
from workflows.outcome import PoOutcome
from workflows.po_steps.patches import (
    BASELINE_PATCHES,
    LEAN_LIFECYCLE_PATCHES,
    PATCH_BASELINE,
    PATCH_CHANGED_ATTRIBUTES,
    PATCH_GROUPS,
    PATCH_LEAN_LIFECYCLE,
    PATCH_LOCAL_STEP_RECORD,
    PATCH_MATCH_FINDS_DUPLICATES,
    PATCH_MATCH_PROFILES_BY_REFERENCE,
    PATCH_SMALL_RESULT,
    PATCH_VALIDATE_WITH_POLICY,
)
from workflows.purchase_order import PurchaseOrderWorkflow


async def _clean(handle, order) -> WorkflowHistory:  # type: ignore[no-untyped-def]
    """Acknowledge, receive and bill at the PO's prices, one step each; the
    history once the workflow has ended."""
    await eventually(handle, lambda s: s.issued_at is not None)
    await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
    await eventually(handle, lambda s: bool(s.acknowledgments))
    await handle.signal(PoSignal.RECEIPT, full_receipt(order))
    await eventually(handle, lambda s: bool(s.receipts))
    await handle.signal(PoSignal.INVOICE, full_invoice(order))
    await finished(handle)
    return await handle.fetch_history()


def upserted_keys(history: WorkflowHistory) -> list[set[str]]:
    """The PO's own search attributes of each upsert (not TemporalChangeVersion)."""
    out = []
    for event in history.events:
        if event.HasField("upsert_workflow_search_attributes_event_attributes"):
            fields = event.upsert_workflow_search_attributes_event_attributes.search_attributes.indexed_fields
            keys = set(fields) - {"TemporalChangeVersion"}
            if keys:
                out.append(keys)
    return out


@workflow.defn(name=WorkflowType.PURCHASE_ORDER, sandboxed=False)
class PurchaseOrderWithoutTheLeanMarker(PurchaseOrderWorkflow):
    """Today's PO workflow asking each lean patch on its own, as if the group marker did not exist."""

    @workflow.init
    def __init__(self, inp: PurchaseOrderInput) -> None:
        super().__init__(inp)

    @workflow.run
    async def run(self, inp: PurchaseOrderInput) -> PurchaseOrderState | PoOutcome:
        real = workflow.patched
        with patch.object(workflow, "patched", lambda p: p != PATCH_LEAN_LIFECYCLE and real(p)):
            return await super().run(inp)


async def test_a_new_clean_lifecycle_takes_the_lean_patches(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        history = await _clean(handle, order)
        outcome = PoOutcome.model_validate(await handle.result())
        final = await state(handle)  # the whole state, by query, from the closed workflow
    # One marker for the lot, after the baseline's.
    assert patch_markers(history) == [PATCH_BASELINE, PATCH_LEAN_LIFECYCLE]
    # A small result that says how it ended; the state by query.
    assert (outcome.po_number, outcome.status) == (order.po_number, PoStatus.CLOSED)
    assert outcome.invoices == {final.invoices[0].document_id: "approved"}
    assert outcome.timeline_entries == len(final.timeline) and final.status == PoStatus.CLOSED
    assert len(history.events[-1].SerializeToString()) < 1024
    # Round trips: validate with the policy, issue, match (finding duplicates), hand off.
    counts = activity_counts(history)
    assert counts == {
        "validate_with_policy": 1,
        "issue_po": 1,
        "match_finding_duplicates": 1,
        "hand_off_for_payment": 1,
    }
    assert final.policy is not None and final.policy.name == "standard"
    # Every step recorded, locally: audit events, the projection, the match.
    assert set(local_activity_counts(history)) == {"record_step"}
    audited = [e.event for e in repository.list_audit_events(engine, order.po_number)]
    assert audited == [e.event for e in final.timeline]
    with engine.connect() as connection:
        row = connection.execute(
            select(t.purchase_orders.c.status).where(t.purchase_orders.c.po_number == order.po_number)
        ).scalar_one()
    assert row == "closed"
    [stored] = [r for r in repository.list_match_records(engine) if r.result.po_number == order.po_number]
    assert stored.request is not None and stored.result.decision.value == "approve"
    # The first upsert publishes every attribute, later ones what changed (the status at least).
    keys = upserted_keys(history)
    assert {"PoNumber", "VendorId", "Buyer", "PoStatus"} <= keys[0]
    assert all("PoStatus" in k and "PoNumber" not in k for k in keys[1:]) and len(keys) >= 3
    await replay(history, PurchaseOrderWorkflow)
    with pytest.raises(NondeterminismError):
        await replay(history, PurchaseOrderWithoutTheLeanMarker)


async def _from_before(env, engine, patch_id: str) -> tuple[WorkflowHistory, object]:  # type: ignore[no-untyped-def]
    """A clean lifecycle on a worker from before `patch_id`: its history and result."""
    order = po(unique("PO"))
    queue = f"poflow-before-{patch_id}-{unique('Q')}"
    async with worker_before(env.client, engine, queue, patch_id):
        handle = await start(env.client, queue, order)
        history = await _clean(handle, order)
        result = await handle.result()
    return history, result


@pytest.mark.parametrize(
    ("patch_id", "before", "today"),
    [
        (PATCH_VALIDATE_WITH_POLICY, {"load_policy": 1, "validate_po": 1}, {"validate_with_policy": 0}),
        (
            PATCH_MATCH_FINDS_DUPLICATES,
            {"find_duplicate_candidates": 1, "match_and_record": 1},
            {"match_finding_duplicates": 0},
        ),
        (PATCH_LOCAL_STEP_RECORD, {"record_step": 4}, {}),
    ],
)
async def test_a_run_from_before_keeps_its_activities(env, engine, patch_id, before, today):
    history, _ = await _from_before(env, engine, patch_id)
    counts = activity_counts(history)
    assert {name: counts[name] for name in before} == before
    assert {name: counts[name] for name in today} == today
    if patch_id == PATCH_LOCAL_STEP_RECORD:
        assert not local_activity_counts(history)
    await assert_guarded(history, patch_id, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard)


async def test_a_run_from_before_returns_the_whole_state(env, engine):
    history, result = await _from_before(env, engine, PATCH_SMALL_RESULT)
    whole = PurchaseOrderState.model_validate(result)
    assert whole.status == PoStatus.CLOSED and whole.timeline and whole.policy is not None
    await replay(history, PurchaseOrderWorkflow)


async def test_a_run_started_before_still_returns_the_whole_state_when_it_ends_today(env, engine):
    """Decided at the run's start: a PO in flight when the worker is upgraded
    ends with the result its caller was started for."""
    order = po(unique("PO"))
    queue = f"poflow-upgraded-{unique('Q')}"
    absent = {PATCH_SMALL_RESULT, *(marker for marker, _ in PATCH_GROUPS)}
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with Worker(
            env.client,
            task_queue=queue,
            workflows=[PurchaseOrderWorkflow],
            activities=build_activities(env.client, engine, settings_for(str(engine.url), queue), None),
            activity_executor=executor,
            patch_activation_callback=lambda p: p.patch_id not in absent,
            max_cached_workflows=0,  # no sticky queue: the next worker takes the run at once
        ):
            handle = await start(env.client, queue, order)
            await eventually(handle, lambda s: s.issued_at is not None)
    async with create_worker(env.client, engine, settings_for(str(engine.url), queue)):
        await _clean(handle, order)
        whole = PurchaseOrderState.model_validate(await handle.result())
    assert whole.status == PoStatus.CLOSED and whole.po.po_number == order.po_number


async def test_a_run_from_before_upserts_every_attribute(env, engine):
    """Temporal compares no upsert's attributes on replay, so the guard keeps
    a run's visibility as it was rather than its replay: a run from before
    upserts all of them at every step and replays with today's code."""
    history, _ = await _from_before(env, engine, PATCH_CHANGED_ATTRIBUTES)
    keys = upserted_keys(history)
    assert len(keys) >= 3 and all({"PoNumber", "VendorId", "Buyer", "PoStatus"} <= k for k in keys)
    await replay(history, PurchaseOrderWorkflow)


def test_the_lean_group_is_closed_and_apart_from_the_baseline():
    assert not LEAN_LIFECYCLE_PATCHES & BASELINE_PATCHES
    assert [marker for marker, _ in PATCH_GROUPS] == [PATCH_BASELINE, PATCH_LEAN_LIFECYCLE]


def match_inputs(history: WorkflowHistory) -> list[list[dict]]:  # type: ignore[type-arg]
    """The arguments of each match_finding_duplicates scheduled, as JSON."""
    return [
        [
            json.loads(payload.data)
            for payload in event.activity_task_scheduled_event_attributes.input.payloads
        ]
        for event in history.events
        if event.HasField("activity_task_scheduled_event_attributes")
        and event.activity_task_scheduled_event_attributes.activity_type.name == "match_finding_duplicates"
    ]


async def test_the_match_names_its_profiles_and_stores_them_whole(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        history = await _clean(handle, order)
        final = await state(handle)
    assert final.policy is not None
    [[request, not_originals, refs]] = match_inputs(history)
    assert request["tolerance_profiles"] == [] and not_originals == []
    assert [(r["name"], r["version"]) for r in refs] == [
        (p.name, p.version) for p in final.policy.tolerance_profiles
    ]
    assert "profiles_sent_whole" not in [e.event for e in final.timeline]
    # What the match ran with, and what it stored for a later re-run, are the workflow's profiles.
    [stored] = [r for r in repository.list_match_records(engine) if r.result.po_number == order.po_number]
    assert stored.request is not None and stored.request.tolerance_profiles == final.policy.tolerance_profiles


async def test_a_profile_stored_differently_is_sent_whole(env, tmp_path):
    """A repair that changed a profile's limits and kept its version (no
    recorded version left to fall back on): the reference is refused, the
    match runs with the workflow's own copy, sent whole."""
    engine = seeded_sqlite(tmp_path / "poflow.db")
    order = po(unique("PO"))
    try:
        async with running_worker(env.client, engine) as queue:
            handle = await start(env.client, queue, order)
            s = await eventually(handle, lambda s: s.issued_at is not None)
            assert s.policy is not None
            standard = next(p for p in s.policy.tolerance_profiles if p.name == "standard")
            with engine.begin() as connection:
                connection.execute(text("DELETE FROM tolerance_profile_versions"))
                upsert_tolerance_profile(connection, standard.model_copy(update={"description": "repaired"}))
            history = await _clean(handle, order)
            final = await state(handle)
    finally:
        engine.dispose()
    [named, whole] = match_inputs(history)
    assert named[0]["tolerance_profiles"] == [] and named[2]
    assert len(whole[0]["tolerance_profiles"]) == len(s.policy.tolerance_profiles) and whole[2] == []
    assert "profiles_sent_whole" in [e.event for e in final.timeline]
    assert final.status == PoStatus.CLOSED


async def test_a_run_from_before_sends_the_profiles_whole(env, engine):
    """The same activity either way, so replay would not tell (Temporal does
    not compare arguments): a run from before sends them whole, and replays."""
    history, _ = await _from_before(env, engine, PATCH_MATCH_PROFILES_BY_REFERENCE)
    [[request, _, refs]] = match_inputs(history)
    assert request["tolerance_profiles"] and refs == []
    await replay(history, PurchaseOrderWorkflow)
