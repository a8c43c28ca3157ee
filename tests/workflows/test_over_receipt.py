"""Over-receipt tolerance (#17 item 6) on the time-skipping server. Written
from the rule (SAP over-delivery tolerance, Oracle over-receipt tolerance
with its action, ERPNext over_delivery_receipt_allowance): a receipt that
takes a line beyond ordered + the line profile's tolerance (cumulative over
the receipts, what was kept) is recorded as any receipt and flagged — logged
`over_receipt` and a buyer task `review_over_receipt`: `accept_over_receipt`
keeps the goods, `return_excess` sends the units beyond the order back (a
return to vendor; the supplier is told). Within the limit nobody is asked.
Under a policy that refuses over-receipts at the door, one that reaches the
workflow anyway (a file through intake) is flagged, never dropped. Seeded:
`standard` 0 %, `nordic-fasteners` 2 %. Runs from before the rule replay as
they ran."""

from __future__ import annotations

from contextlib import suppress
from decimal import Decimal

from sqlalchemy import text
from temporalio.client import WorkflowFailureError

from activities.db import master_data
from models import PoStatus, TaskKind
from models.returns import ReturnReason
from p2p.receiving import received_for_match
from tests.support.builders import decide, nordic_order, po, receipt, running_worker, start, unique
from tests.support.replay import PurchaseOrderWithoutTheGuard, assert_guarded, worker_before
from tests.support.workflows import events, eventually, issued, open_task, told
from workflows.contract import PoSignal
from workflows.po_steps.patches import PATCH_OVER_RECEIPT
from workflows.purchase_order import PurchaseOrderWorkflow

D = Decimal


async def test_an_over_receipt_is_flagged_and_the_buyer_keeps_the_goods(env, engine):
    order = po(unique("PO"))  # ACME, standard: 0 % — 100 gloves, 200 bearings
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "100"}))  # exactly as ordered
        await eventually(handle, lambda s: len(s.receipts) == 1)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-2", {1: "5"}))
        s = await eventually(handle, lambda s: s.has_open_task(TaskKind.REVIEW_OVER_RECEIPT))
        task = open_task(s, TaskKind.REVIEW_OVER_RECEIPT)
        sentence = (
            "line 1: 105 EA received to date (100 before GR-2), 100 EA ordered: 5 EA over, "
            "beyond the over-receipt tolerance +0% (standard v1)"
        )
        assert task.assignee_role == "buyer" and task.options == ["accept_over_receipt", "return_excess"]
        assert task.context["over_receipt"] == sentence and task.context["receipt"] == "GR-2"
        assert events(s, "over_receipt") == [f"GR-2: {sentence}"]
        assert [t.kind for t in s.tasks] == [TaskKind.REVIEW_OVER_RECEIPT]  # GR-1 asked nobody
        assert s.received_quantity(1) == 105  # recorded as today

        await decide(handle, task.task_id, "accept_over_receipt", actor="bob.buyer", comment="we use them")
        s = await eventually(handle, lambda s: not s.has_open_task(TaskKind.REVIEW_OVER_RECEIPT))
    [kept] = events(s, "over_receipt_accepted")
    assert kept.startswith("GR-2: the goods beyond the order are kept") and "amend the PO" in kept
    assert s.returns == [] and received_for_match(s, 1) == 105


async def test_returning_the_excess_sends_it_back_and_tells_the_supplier(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "112", 2: "200"}, rejected={1: "2"}))
        s = await eventually(handle, lambda s: s.has_open_task(TaskKind.REVIEW_OVER_RECEIPT))
        task = open_task(s, TaskKind.REVIEW_OVER_RECEIPT)
        assert task.context["over_receipt"].startswith("line 1: 110 EA received to date, 100 EA ordered")
        await decide(handle, task.task_id, "return_excess", actor="bob.buyer", comment="not needed")
        s = await eventually(handle, lambda s: any(r.return_id == "GR-1-OVER" for r in s.returns))
        [(recipient, subject, body)] = await told(engine, order.po_number, "return:GR-1-OVER")
    [rtv] = [r for r in s.returns if r.return_id == "GR-1-OVER"]
    assert [(x.line_no, x.quantity, x.receipt_id, x.reason_code) for x in rtv.lines] == [
        (1, D(10), "GR-1", ReturnReason.OVER_DELIVERY)  # beyond the order, net of the 2 rejected
    ]
    assert rtv.returned_by == "bob.buyer"
    assert received_for_match(s, 1) == 100 and s.status == PoStatus.RECEIVED
    assert any("GR-1-OVER: line 1: 10 EA of GR-1 (over_delivery)" in e for e in events(s, "returned"))
    assert recipient == order.vendor_id and "GR-1-OVER" in subject and "line 1: 10 EA" in body


async def test_within_the_vendors_tolerance_nobody_is_asked(env, engine):
    order = nordic_order()  # nordic-fasteners: +2 % of 500 = 10 pieces
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "300", 2: "510"}))  # at the limit
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-2", {1: "210"}))  # 510 of 500: at the limit
        s = await eventually(handle, lambda s: len(s.receipts) == 2)
        assert s.tasks == [] and events(s, "over_receipt") == []
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-3", {2: "1"}))  # 511: one beyond
        s = await eventually(handle, lambda s: s.has_open_task(TaskKind.REVIEW_OVER_RECEIPT))
    assert open_task(s, TaskKind.REVIEW_OVER_RECEIPT).context["over_receipt"] == (
        "line 2: 511 EA received to date (510 before GR-3), 500 EA ordered: 11 EA over, "
        "beyond the over-receipt tolerance +2% (nordic-fasteners v1)"
    )


async def test_under_a_refusing_policy_what_reaches_the_workflow_is_flagged_not_dropped(env, engine):
    """The door refuses (tests/doors/test_over_receipt_door.py); a receipt
    signalled another way — as document intake does — is recorded and flagged."""
    standard = master_data.get_policy(engine, "standard", vendor_id="ACME")
    assert standard is not None
    strict = standard.model_copy(update={"name": "strict", "over_receipt_action": "refuse"})
    with engine.begin() as connection:
        master_data.upsert_policy(connection, strict)
        connection.execute(text("UPDATE vendors SET policy_name = 'strict' WHERE id = 'ACME'"))
    try:
        order = po(unique("PO"))
        async with running_worker(env.client, engine) as queue:
            handle = await issued(env.client, queue, order)
            await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "101"}))
            s = await eventually(handle, lambda s: s.has_open_task(TaskKind.REVIEW_OVER_RECEIPT))
    finally:
        with engine.begin() as connection:
            connection.execute(text("UPDATE vendors SET policy_name = 'standard' WHERE id = 'ACME'"))
    assert s.received_quantity(1) == 101
    task = open_task(s, TaskKind.REVIEW_OVER_RECEIPT)
    assert task.context["policy"] == "strict v1: over-receipts are refused at the receipt door"


async def test_a_run_from_before_the_rule_replays_as_it_ran(env, engine):
    order = po(unique("PO"))
    queue = f"poflow-before-over-receipt-{unique('Q')}"
    async with worker_before(env.client, engine, queue, PATCH_OVER_RECEIPT):
        handle = await start(env.client, queue, order)
        await eventually(handle, lambda s: s.issued_at is not None)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "150"}))
        await eventually(handle, lambda s: len(s.receipts) == 1)
        # A second step, so the history holds the commands that followed the
        # over-receipt (its audit events, the projection): the guarded code
        # would have opened a task there instead.
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-2", {2: "10"}))
        s = await eventually(handle, lambda s: len(s.receipts) == 2)
        history = await handle.fetch_history()
        await handle.cancel()  # with the worker running: the test server's clock must not stall
        with suppress(WorkflowFailureError):
            await handle.result()
    assert not s.tasks and events(s, "over_receipt") == []  # recorded, nobody asked: the code before
    await assert_guarded(history, PATCH_OVER_RECEIPT, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard)
