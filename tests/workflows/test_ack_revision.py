"""Which revision an acknowledgment answers (issue #17 items 2–3) on the
time-skipping server. The buyer amends the ACME order (200 → 250 bearings,
revision 1, sent to the supplier); then:

- an acknowledgment answering r1 with a price inside the tolerance is taken
  by the rule as before, and the timeline says what it answered;
- one answering r0 — the order the supplier had before the change — with
  the same price is not judged by the tolerance (it would be measured
  against lines the supplier did not see): the buyer decides it;
- an acceptance answering r0 is recorded, but r1 still awaits its
  acknowledgment: the PO stays issued and the supplier is chased for it.

And matching uses the revision in force: while a supplier's change beyond
the tolerance waits for the buyer, an invoice at the proposed price is held
PRICE against the revision in force, and released when the buyer approves.

Seeded standard profile: price +2 % / -5 % (seed/tolerances.json); ACK due
4 days after issue (seed/master_data.json)."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta
from decimal import Decimal

from temporalio.client import WorkflowFailureError

from models import (
    Acknowledgment,
    AckOutcome,
    HoldCode,
    InvoiceStatus,
    PoStatus,
    PurchaseOrder,
    PurchaseOrderState,
    RevisionReason,
    TaskKind,
)
from models.amendments import AmendRequest
from tests.support.builders import ack, decide, full_receipt, invoice, po, running_worker, start, unique
from tests.support.replay import PurchaseOrderWithoutTheGuard, assert_guarded, replay, worker_before
from tests.support.workflows import eventually, finished, issued, open_task, skip_time
from workflows.contract import Decision, PoSignal, PoUpdate
from workflows.po_steps.patches import PATCH_ACK_ANSWERS_REVISION
from workflows.purchase_order import PurchaseOrderWorkflow

D = Decimal
DEARER_GLOVES = {"line_no": 1, "status": "changed", "unit_price": "12.10"}  # 11.90 → 12.10: +1.68 %


def answering(order: PurchaseOrder, revision: int, ack_id: str, lines: list | None = None) -> Acknowledgment:
    """The supplier's acknowledgment, saying it answers `revision`."""
    status = "accepted_with_changes" if lines else "accepted"
    return ack(order, ack_id, status, lines).model_copy(update={"answers_revision": revision})


async def amended(handle) -> PurchaseOrderState:
    """The buyer's change, under the approval threshold: r1 at once, sent to ACME."""
    change = AmendRequest.model_validate(
        {"actor": "bob.buyer", "reason": "more bearings", "lines": [{"line_no": 2, "quantity": "250"}]}
    )
    s = await handle.execute_update(PoUpdate.AMEND, change, result_type=PurchaseOrderState)
    assert s.po.revision == 1
    return await eventually(handle, lambda s: any(e.event == "change_sent" for e in s.timeline))


async def test_an_acknowledgment_of_the_revision_in_force_is_taken_by_the_rule_as_before(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await amended(handle)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, answering(order, 1, "OA-1", [DEARER_GLOVES]))
        s = await eventually(handle, lambda s: s.po.revision == 2)
    assert s.acknowledgments[0].outcome == AckOutcome.ACCEPTED_AS_REVISION and s.tasks == []
    assert s.revisions[-1].reason == RevisionReason.SUPPLIER_CHANGE_AUTO
    assert (s.po.line(1).unit_price, s.po.line(2).quantity) == (D("12.10"), D(250))
    assert s.status == PoStatus.ACKNOWLEDGED
    assert "(answers r1)" in s.timeline[-1].detail and s.timeline[-1].event == "revised"


async def test_a_change_answering_r0_while_r1_is_in_force_goes_to_the_buyer(env, engine):
    """Inside the price tolerance, but the supplier priced the order before
    the buyer's change: the buyer decides; approved, it applies to r1."""
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await amended(handle)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, answering(order, 0, "OA-1", [DEARER_GLOVES]))
        s = await eventually(handle, lambda s: bool(s.acknowledgments) and bool(s.open_tasks))
        task = open_task(s, TaskKind.APPROVE_SUPPLIER_CHANGE)
        assert task.context["revision"] == "answers r0, r1 is in force"
        assert "11.9 → 12.1" in task.context["changes"]
        assert "answers r0, r1 is in force" in task.title
        assert s.po.revision == 1 and s.acknowledgments[0].outcome == AckOutcome.CHANGE_REVIEW
        assert any(
            e.event == "supplier_change" and e.detail.startswith("answers r0, r1 is in force: line 1")
            for e in s.timeline
        )
        await decide(handle, task.task_id, Decision.ACCEPT_CHANGE, actor="bob.buyer")
        s = await eventually(handle, lambda s: s.po.revision == 2)
        history = await handle.fetch_history()
    await replay(history, PurchaseOrderWorkflow)  # a run with the marker replays with today's code
    assert s.revisions[-1].reason == RevisionReason.SUPPLIER_CHANGE_APPROVED
    # The buyer's change stands: the supplier's price applied to the revision in force.
    assert (s.po.line(1).unit_price, s.po.line(2).quantity) == (D("12.10"), D(250))
    assert s.acknowledgments[0].outcome == AckOutcome.ACCEPTED_AS_REVISION


async def test_an_acceptance_answering_r0_leaves_r1_awaiting_its_acknowledgment(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await amended(handle)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, answering(order, 0, "OA-1"))
        s = await eventually(handle, lambda s: bool(s.acknowledgments))
        [record] = s.acknowledgments
        assert record.outcome == AckOutcome.ANSWERS_OLD_REVISION and record.ack.answers_revision == 0
        assert s.status == PoStatus.ISSUED and not s.acknowledged and s.ack_due_at is not None
        assert s.po.revision == 1 and s.tasks == []
        entry = s.timeline[-1]
        assert entry.event == "acknowledged_old_revision"
        assert "(answers r0)" in entry.detail and "r1 is in force" in entry.detail
        # The supplier still owes the acknowledgment of r1: it is chased for it.
        await skip_time(env, timedelta(days=4, hours=1))
        s = await eventually(handle, lambda s: s.has_open_task(TaskKind.CHASE_SUPPLIER))
        await handle.signal(PoSignal.ACKNOWLEDGMENT, answering(order, 1, "OA-2"))
        s = await eventually(handle, lambda s: s.status == PoStatus.ACKNOWLEDGED)
    assert s.acknowledged and s.open_tasks == []
    assert s.acknowledgments[-1].outcome == AckOutcome.ACCEPTED
    assert s.timeline[-1].detail == "OA-2: accepted as ordered (answers r1)"


async def test_matching_uses_the_revision_in_force_while_a_supplier_change_awaits_the_buyer(env, engine):
    """12.90 proposed for the gloves (+8.4 %, beyond +2 %): until the buyer
    approves it the invoice at 12.90 is held PRICE against r0's 11.90; the
    approval makes r1, and the held invoice re-matches clean against it."""
    order = po(unique("PO"))
    dearer = {"line_no": 1, "status": "changed", "unit_price": "12.90"}
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order, "OA-1", "accepted_with_changes", [dearer]))
        s = await eventually(handle, lambda s: s.has_open_task(TaskKind.APPROVE_SUPPLIER_CHANGE))
        change = open_task(s, TaskKind.APPROVE_SUPPLIER_CHANGE)
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        await handle.signal(
            PoSignal.INVOICE, invoice(order, "INV-1", {1: ("100", "12.90"), 2: ("200", "4.75")})
        )
        s = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
        held = s.invoices[0]
        assert held.status == InvoiceStatus.HELD and held.match.po_revision == 0
        [price] = [h for h in held.open_holds if h.code == HoldCode.PRICE]
        assert (price.line_no, price.expected, price.actual) == (1, D("11.90"), D("12.90"))
        await decide(handle, change.task_id, Decision.ACCEPT_CHANGE, actor="bob.buyer")
        final = await finished(handle)
    record = final.invoices[0]
    assert record.status == InvoiceStatus.APPROVED and record.match.po_revision == 1
    assert record.open_holds == [] and final.status == PoStatus.CLOSED


async def test_a_run_from_before_the_rule_replays_as_it_ran(env, engine):
    """Recorded without the marker: the answer to r0 was judged against r1
    by the tolerance and made r2; the invoice after it was then matched (a
    command the new rule, opening the buyer's task, would not issue there)."""
    order = po(unique("PO"))
    queue = f"poflow-before-ack-answers-revision-{unique('Q')}"
    async with worker_before(env.client, engine, queue, PATCH_ACK_ANSWERS_REVISION):
        handle = await start(env.client, queue, order)
        await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
        await amended(handle)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, answering(order, 0, "OA-1", [DEARER_GLOVES]))
        await eventually(handle, lambda s: s.po.revision == 2)
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-1", {1: ("100", "12.10")}))
        s = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
        history = await handle.fetch_history()
        await handle.cancel()
        with suppress(WorkflowFailureError):
            await handle.result()
    assert s.acknowledgments[0].outcome == AckOutcome.ACCEPTED_AS_REVISION and s.tasks == []
    await assert_guarded(
        history, PATCH_ACK_ANSWERS_REVISION, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard
    )
