"""Per-hold decisions (issue #14 item 5) in PurchaseOrderWorkflow, on the
time-skipping test server with the real activities against a seeded SQLite
database.

The rules, from p2p-semantics.md b.1/b.2/b.5: a person's decision answers the
holds it names; any hold still open blocks payment (Oracle: any unreleased
row blocks; SAP MRBR: released when no blocking reason remains); holds that
wait for a document (NO_RECEIPT, QTY_RECEIVED, INSPECTION) are released by
the re-match when it arrives, never by a person; a released hold stays
released while its inputs are unchanged.

ACME's seeded prices: gloves (line 1) 11.90, bearings (line 2) 4.75; the
default price tolerance is +2 %, so 12.90 and 5.00 are PRICE holds."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import text
from temporalio import workflow
from temporalio.client import WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer, Worker
from temporalio.workflow import NondeterminismError

from models import (
    Hold,
    HoldCode,
    HumanTask,
    InvoiceRecord,
    InvoiceStatus,
    PoStatus,
    PurchaseOrderInput,
    TaskDecision,
    TaskKind,
)
from models.workflow_state import PurchaseOrderState
from tests.support.builders import (
    ack,
    decide,
    full_receipt,
    invoice,
    po,
    running_worker,
    settings_for,
    state,
    unique,
)
from tests.support.replay import before_the_baseline
from tests.support.workflows import eventually, finished, handoffs, issued, open_task, refused, skip_time
from worker import build_activities
from workflows.contract import PoSignal, WorkflowType
from workflows.po_steps.patches import BASELINE_PATCHES, PATCH_BASELINE, PATCH_PER_HOLD_DECISIONS
from workflows.purchase_order import PurchaseOrderWorkflow


def open_refs(record: InvoiceRecord) -> set[str]:
    return {h.ref for h in record.open_holds}


def stored_task_holds(engine, task_id: str) -> list[dict]:
    """What the inbox reads: the task's holds in the human_tasks projection."""
    with engine.connect() as conn:
        raw = conn.execute(
            text("SELECT holds FROM human_tasks WHERE task_id = :t"), {"t": task_id}
        ).scalar_one()
    return raw if isinstance(raw, list) else json.loads(raw)


def patch_ids(history) -> set[str]:
    """The patch ids (workflow.patched) recorded as markers in a history."""
    return {
        json.loads(payload.data).get("id")
        for event in history.events
        if event.HasField("marker_recorded_event_attributes")
        # Not local-activity markers (PATCH_LOCAL_STEP_RECORD): their data is the activity's.
        and event.marker_recorded_event_attributes.marker_name == "core_patch"
        for payloads in event.marker_recorded_event_attributes.details.values()
        for payload in payloads.payloads
    }


async def replay(history, workflow_class: type = PurchaseOrderWorkflow) -> None:
    replayer = Replayer(workflows=[workflow_class], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)


def approval_detail(s: PurchaseOrderState) -> str:
    return next(e.detail for e in s.timeline if e.event == "approved_for_payment")


def matched(s: PurchaseOrderState) -> bool:
    return bool(s.invoices) and s.invoices[0].match is not None


async def held_with_task(handle: WorkflowHandle) -> tuple[PurchaseOrderState, HumanTask]:
    s = await eventually(handle, lambda s: matched(s) and bool(s.open_tasks))
    return s, open_task(s, TaskKind.RESOLVE_INVOICE_HOLD)


def price_variance_on_line_1(order, number: str):
    return invoice(order, number, {1: ("100", "12.90"), 2: ("200", "4.75")})


def price_variances_on_both_lines(order, number: str):
    return invoice(order, number, {1: ("100", "12.90"), 2: ("200", "5.00")})


# --- a person's decision answers the holds it names ------------------------------------------------


async def test_accepting_price_before_the_goods_arrive_keeps_it_held_and_the_receipt_pays_it(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.INVOICE, price_variance_on_line_1(order, "INV-PN1"))
        s, task = await held_with_task(handle)
        assert open_refs(s.invoices[0]) == {"PRICE:1", "NO_RECEIPT:1", "NO_RECEIPT:2"}
        # The task lists each hold by the name a decision uses; the receipt holds cannot be chosen.
        waits = {h.ref: h.waits_for for h in task.holds}
        assert waits["PRICE:1"] is None
        assert (
            waits["NO_RECEIPT:1"]
            == waits["NO_RECEIPT:2"]
            == ("waits for the goods receipt; it clears itself when the receipt arrives")
        )
        assert [h["ref"] for h in stored_task_holds(engine, task.task_id)] == [h.ref for h in task.holds]
        assert "hold 1 (PRICE)" in task.context  # the evidence entries stay as they were

        await decide(
            handle,
            task.task_id,
            "accept_variance",
            actor="carl.clerk",
            comment="price rise agreed by phone",
            holds=["price:1"],
        )  # typed loosely
        s = await eventually(handle, lambda s: s.tasks[0].status != "open")
        record = s.invoices[0]
        assert record.status == InvoiceStatus.HELD  # not paid before the goods arrive…
        assert open_refs(record) == {"NO_RECEIPT:1", "NO_RECEIPT:2"}
        assert [(h.ref, h.released_by) for h in record.released_holds] == [("PRICE:1", "carl.clerk")]
        assert handoffs(engine, order.po_number) == []  # …and not handed to AP
        assert s.open_tasks == []  # nobody is asked about a receipt that is on its way
        assert record.escalate_at is not None  # but the hold SLA still watches it
        assert any(e.event == "decided" and "(PRICE:1)" in e.detail for e in s.timeline)

        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        final = await finished(handle)
        history = await handle.fetch_history()
    assert final.status == PoStatus.CLOSED
    assert final.invoices[0].status == InvoiceStatus.APPROVED
    assert len(final.tasks) == 1  # paid without asking again: the release held through the re-match
    assert [i for i, _ in handoffs(engine, order.po_number)] == [final.invoices[0].document_id]
    assert "released by re-match" in approval_detail(final)
    assert PATCH_BASELINE in patch_ids(history)  # a new run: per-hold decisions through the baseline
    assert PATCH_PER_HOLD_DECISIONS in BASELINE_PATCHES
    await replay(history)


async def test_accepting_with_no_names_releases_every_person_hold_but_not_the_missing_receipt(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.INVOICE, price_variances_on_both_lines(order, "INV-PN2"))
        s, task = await held_with_task(handle)
        assert open_refs(s.invoices[0]) == {"PRICE:1", "PRICE:2", "NO_RECEIPT:1", "NO_RECEIPT:2"}

        await decide(handle, task.task_id, "accept_variance", actor="carl.clerk", comment="new price list")
        s = await eventually(handle, lambda s: s.tasks[0].status != "open")
        record = s.invoices[0]
        assert record.status == InvoiceStatus.HELD
        assert open_refs(record) == {"NO_RECEIPT:1", "NO_RECEIPT:2"}
        assert sorted(h.ref for h in record.released_holds) == ["PRICE:1", "PRICE:2"]
        assert handoffs(engine, order.po_number) == [] and s.open_tasks == []

        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        final = await finished(handle)
    assert final.invoices[0].status == InvoiceStatus.APPROVED and len(final.tasks) == 1


async def test_an_invoice_left_waiting_for_its_receipt_is_not_forgotten(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.INVOICE, price_variance_on_line_1(order, "INV-PN5"))
        _, task = await held_with_task(handle)
        await skip_time(env, timedelta(days=5, hours=1))  # past the hold SLA while the person thinks
        s = await eventually(handle, lambda s: any(e.event == "hold_escalated" for e in s.timeline))
        assert s.invoices[0].escalate_at is None and [t.task_id for t in s.open_tasks] == [task.task_id]

        await decide(
            handle, task.task_id, "accept_variance", actor="carl.clerk", comment="agreed", holds=["PRICE:1"]
        )
        s = await state(handle)
        assert s.open_tasks == [] and s.invoices[0].escalate_at is not None  # the hold SLA watches again

        await skip_time(env, timedelta(days=5, hours=1))
        s = await eventually(handle, lambda s: bool(s.open_tasks))
        chase = open_task(s, TaskKind.RESOLVE_INVOICE_HOLD)
        assert [(h.ref, h.waits_for is not None) for h in chase.holds] == [
            ("NO_RECEIPT:1", True),
            ("NO_RECEIPT:2", True),
        ]
        await refused(
            decide(handle, chase.task_id, "accept_variance", actor="carl.clerk", comment="pay it"),
            "invoice INV-PN5 has no hold a person releases",
        )
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        final = await finished(handle)
    assert final.invoices[0].status == InvoiceStatus.APPROVED
    assert [(h.ref, h.released_by) for h in final.invoices[0].released_holds] == [("PRICE:1", "carl.clerk")]


async def test_releasing_one_of_two_price_holds_opens_a_task_for_the_other(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        await handle.signal(PoSignal.INVOICE, price_variances_on_both_lines(order, "INV-PN3"))
        s, first = await held_with_task(handle)
        assert [h.ref for h in first.holds] == ["PRICE:1", "PRICE:2"]

        await decide(
            handle,
            first.task_id,
            "accept_variance",
            actor="carl.clerk",
            comment="glove price agreed",
            holds=["PRICE:1"],
        )
        s = await eventually(handle, lambda s: any(t.task_id != first.task_id for t in s.open_tasks))
        assert s.invoices[0].status == InvoiceStatus.HELD and open_refs(s.invoices[0]) == {"PRICE:2"}
        assert handoffs(engine, order.po_number) == []
        second = open_task(s, TaskKind.RESOLVE_INVOICE_HOLD)
        assert [h.ref for h in second.holds] == ["PRICE:2"]  # only what is still open
        assert [k for k in second.context if k.startswith("hold ")] == ["hold 1 (PRICE)"]
        assert "Line 2" in second.context["hold 1 (PRICE)"]
        await refused(
            decide(
                handle, second.task_id, "accept_variance", actor="carl.clerk", comment="x", holds=["PRICE:1"]
            ),
            "hold PRICE:1 is not open on invoice INV-PN3 (open: PRICE:2)",
        )

        await decide(
            handle, second.task_id, "accept_variance", actor="anna.apmanager", comment="bearing price ok"
        )
        final = await finished(handle)
    record = final.invoices[0]
    assert record.status == InvoiceStatus.APPROVED
    assert [(h.ref, h.released_by) for h in record.released_holds] == [
        ("PRICE:1", "carl.clerk"),
        ("PRICE:2", "anna.apmanager"),
    ]
    assert len(handoffs(engine, order.po_number)) == 1


# --- what a decision may name -------------------------------------------------------------------------


async def test_decisions_naming_holds_they_cannot_answer_are_refused(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        dearer = {"line_no": 1, "status": "changed", "unit_price": "12.90"}  # outside the ack tolerance
        await handle.signal(
            PoSignal.ACKNOWLEDGMENT, ack(order, status="accepted_with_changes", lines=[dearer])
        )
        s = await eventually(handle, lambda s: bool(s.open_tasks))
        change = open_task(s, TaskKind.APPROVE_SUPPLIER_CHANGE)
        await refused(
            decide(
                handle,
                change.task_id,
                "reject_change",
                actor="bob.buyer",
                comment="contract",
                holds=["PRICE:1"],
            ),
            "names no holds",
        )
        await decide(handle, change.task_id, "reject_change", actor="bob.buyer", comment="contract price")

        await handle.signal(PoSignal.INVOICE, price_variance_on_line_1(order, "INV-PN4"))
        s, task = await held_with_task(handle)
        assert open_refs(s.invoices[0]) == {"PRICE:1", "NO_RECEIPT:1", "NO_RECEIPT:2"}
        await refused(
            decide(
                handle, task.task_id, "accept_variance", actor="carl.clerk", comment="ok", holds=["PRICE:2"]
            ),
            "hold PRICE:2 is not open on invoice INV-PN4",
        )
        await refused(
            decide(
                handle,
                task.task_id,
                "accept_variance",
                actor="carl.clerk",
                comment="ok",
                holds=["PRICE:1", "NO_RECEIPT:1"],
            ),
            "hold NO_RECEIPT:1 on invoice INV-PN4 waits for the goods receipt; "
            "it clears itself when the receipt arrives",
        )
        await refused(
            decide(handle, task.task_id, "request_credit_memo", actor="carl.clerk", holds=["PRICE:1"]),
            "'request_credit_memo' answers the whole invoice",
        )
        s = await state(handle)
        assert s.invoices[0].released_holds == []
        assert open_task(s, TaskKind.RESOLVE_INVOICE_HOLD).task_id == task.task_id


def test_a_decision_names_holds_as_hold_ref_spells_them() -> None:
    assert Hold(code=HoldCode.PRICE, line_no=1, message="x").ref == "PRICE:1"
    assert Hold(code=HoldCode.AMOUNT, message="x").ref == "AMOUNT"  # a header hold
    decision = TaskDecision(
        task_id="T1", decision="accept_variance", actor="carl", holds=[" price:01", "amount", "PRICE:1"]
    )
    assert decision.holds == ["PRICE:1", "AMOUNT"]
    for wrong, words in (
        ("PRCE:1", "names no hold"),
        ("PRICE:", "must be a PO line number"),
        ("PRICE:0", "must be a PO line number"),
    ):
        with pytest.raises(ValueError, match=words):
            TaskDecision(task_id="T1", decision="accept_variance", actor="carl", holds=[wrong])


# --- a history recorded before per-hold decisions replays as it ran -----------------------------------


@workflow.defn(name=WorkflowType.PURCHASE_ORDER, sandboxed=False)
class WorkflowBeforePerHoldDecisions(PurchaseOrderWorkflow):
    """accept_variance as it ran before the change: every open hold released
    and the invoice paid at once, with no patch marker in the history."""

    @workflow.init
    def __init__(self, inp: PurchaseOrderInput) -> None:
        super().__init__(inp)

    @workflow.run
    async def run(self, inp: PurchaseOrderInput) -> PurchaseOrderState:
        return await super().run(inp)

    async def _decide_invoice_hold(self, task: HumanTask, d: TaskDecision) -> None:
        record = self._s.invoice_record(task.subject_id or "")
        if d.decision == "accept_variance" and record is not None and record.status == InvoiceStatus.HELD:
            await self._accept_every_hold(record, d)
        else:
            await super()._decide_invoice_hold(task, d)


@workflow.defn(name=WorkflowType.PURCHASE_ORDER, sandboxed=False)
class WorkflowWithoutThePatch(PurchaseOrderWorkflow):
    """Per-hold decisions with no `workflow.patched` guard: what the patch
    protects old histories from."""

    @workflow.init
    def __init__(self, inp: PurchaseOrderInput) -> None:
        super().__init__(inp)

    @workflow.run
    async def run(self, inp: PurchaseOrderInput) -> PurchaseOrderState:
        return await super().run(inp)

    async def _decide_invoice_hold(self, task: HumanTask, d: TaskDecision) -> None:
        record = self._s.invoice_record(task.subject_id or "")
        if d.decision == "accept_variance" and record is not None and record.status == InvoiceStatus.HELD:
            await self._accept_named_holds(record, d)
        else:
            await super()._decide_invoice_hold(task, d)


async def test_history_of_an_all_holds_release_replays_as_it_ran(env, engine):
    order = po(unique("PO"))
    queue = f"poflow-before-{unique('Q')}"
    activities = build_activities(env.client, engine, settings_for(str(engine.url), queue), None)
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with Worker(
            env.client,
            task_queue=queue,
            workflows=[WorkflowBeforePerHoldDecisions],
            activities=activities,
            activity_executor=executor,
            patch_activation_callback=before_the_baseline,
        ):
            handle = await issued(env.client, queue, order)
            await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
            await handle.signal(PoSignal.INVOICE, price_variance_on_line_1(order, "INV-OLD"))
            _, task = await held_with_task(handle)
            await decide(handle, task.task_id, "accept_variance", actor="carl.clerk", comment="agreed")
            s = await eventually(handle, lambda s: s.invoices[0].status == InvoiceStatus.APPROVED)
            assert open_refs(s.invoices[0]) == set()  # the old rule: NO_RECEIPT released with PRICE
            await handle.signal(PoSignal.RECEIPT, full_receipt(order))
            final = await finished(handle)
            history = await handle.fetch_history()
    assert final.status == PoStatus.CLOSED
    assert PATCH_PER_HOLD_DECISIONS not in patch_ids(history)
    # Today's code takes the old branch for it (no marker) and issues the same commands…
    await replay(history)
    # …which the new rule alone would not: it would not hand the invoice to AP at the decision.
    with pytest.raises(NondeterminismError):
        await replay(history, WorkflowWithoutThePatch)
