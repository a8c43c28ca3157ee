"""Ship notices beyond the order (#17 item 5) on the time-skipping server: a
notice that ships more than ordered (with the notices before it) or a line
not on the PO is a buyer task before the goods arrive; asking the supplier
tells them; a notice within the order is only recorded. Runs from before the
rule replay as they ran."""

from __future__ import annotations

from contextlib import suppress

from sqlalchemy import text
from temporalio.client import WorkflowFailureError

from models import HoldCode, InvoiceStatus, PurchaseOrderLine, ShipNotice, TaskKind
from tests.support.builders import decide, invoice, po, receipt, running_worker, start, unique
from tests.support.replay import PurchaseOrderWithoutTheGuard, assert_guarded, worker_before
from tests.support.workflows import eventually, issued, open_task
from workflows.contract import PoSignal
from workflows.po_steps.patches import PATCH_ASN_EXCEPTIONS
from workflows.purchase_order import PurchaseOrderWorkflow


def notice(order, asn_id: str, lines: dict[int, str]) -> ShipNotice:
    return ShipNotice.model_validate(
        {
            "asn_id": asn_id,
            "po_number": order.po_number,
            "vendor_id": order.vendor_id,
            "shipped_at": "2026-12-07T08:00:00Z",
            "lines": [{"line_no": n, "quantity_shipped": q} for n, q in lines.items()],
        }
    )


async def test_a_notice_beyond_the_order_is_a_buyer_task_before_the_goods_arrive(env, engine):
    order = po(unique("PO"))  # 100 gloves, 200 bearings
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ASN, notice(order, "SHIP-1", {1: "60"}))  # within the order
        await eventually(handle, lambda s: len(s.ship_notices) == 1)
        await handle.signal(PoSignal.ASN, notice(order, "SHIP-2", {1: "50", 9: "5"}))
        s = await eventually(handle, lambda s: s.has_open_task(TaskKind.REVIEW_SHIP_NOTICE))
        task = open_task(s, TaskKind.REVIEW_SHIP_NOTICE)
        assert task.assignee_role == "buyer" and task.options == ["accept_shipment", "ask_supplier"]
        assert task.context["exceptions"] == (
            f"line 1: 110 EA shipped (60 on earlier notices), 100 ordered; line 9 is not on {order.po_number}"
        )
        assert [t.kind for t in s.tasks] == [TaskKind.REVIEW_SHIP_NOTICE]  # the first notice asked nothing
        await decide(handle, task.task_id, "ask_supplier", actor="bob.buyer", comment="ship 40 more at most")
        await eventually(handle, lambda s: not s.has_open_task(TaskKind.REVIEW_SHIP_NOTICE))
    with engine.connect() as connection:
        body = connection.execute(
            text("SELECT body FROM notifications WHERE notification_id LIKE :key"),
            {"key": f"%asn-exception:{notice(order, 'SHIP-2', {1: '1'}).document_id}%"},
        ).scalar_one()
    assert "110 EA shipped" in body and "ship 40 more at most" in body


async def test_a_run_from_before_the_rule_replays_as_it_ran(env, engine):
    order = po(unique("PO"))
    queue = f"poflow-before-asn-exceptions-{unique('Q')}"
    async with worker_before(env.client, engine, queue, PATCH_ASN_EXCEPTIONS):
        handle = await start(env.client, queue, order)
        await eventually(handle, lambda s: s.issued_at is not None)
        await handle.signal(PoSignal.ASN, notice(order, "SHIP-9", {1: "500"}))
        s = await eventually(handle, lambda s: len(s.ship_notices) == 1)
        history = await handle.fetch_history()
        await handle.cancel()  # with the worker running: the test server's clock must not stall
        with suppress(WorkflowFailureError):
            await handle.result()
    assert not s.tasks  # recorded, nobody asked: the code before the rule
    await assert_guarded(history, PATCH_ASN_EXCEPTIONS, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard)


async def test_a_receipt_that_differs_from_the_notices_is_recorded(env, engine):
    """ASN_MISMATCH at the dock: recorded in the PO's story; the receipt stands."""
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ASN, notice(order, "SHIP-1", {1: "100"}))
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "90"}))
        s = await eventually(handle, lambda s: bool(s.receipts))
    [recorded] = [e.detail for e in s.timeline if e.event == "asn_mismatch"]
    assert recorded == "GR-1: line 1: 90 received, 100 shipped on the notices"
    assert s.received_quantity(1) == 90


async def test_a_two_way_line_billed_beyond_its_notices_waits_for_the_rest(env, engine):
    """ASN_MISMATCH on the invoice: a service line (2-way, no receipt) billed
    beyond what the notices shipped waits for a notice of the rest."""
    support = {
        "line_no": 1,
        "item_id": "SVC-CLOUD-SUPPORT-HR",
        "quantity": "40",
        "uom": "HR",
        "unit_price": "145.00",
    }
    order = po(unique("PO"), vendor="CLOUDOPS").model_copy(
        update={"lines": [PurchaseOrderLine.model_validate(support)], "currency": "USD"}
    )
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ASN, notice(order, "HOURS-1", {1: "30"}))
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-40H", {1: ("40", "145.00")}))
        s = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
        assert [h.code for h in s.invoices[0].open_holds] == [HoldCode.ASN_MISMATCH]
        await handle.signal(PoSignal.ASN, notice(order, "HOURS-2", {1: "10"}))  # the rest
        s = await eventually(handle, lambda s: s.invoices[0].status == InvoiceStatus.APPROVED)
    assert s.invoices[0].match.open_holds == []
