"""Returns to the vendor (#17 item 6) on the time-skipping server: goods sent
back after receipt lower what was received; where they were already billed
to AP a credit memo is expected and the supplier told, and the supplier's
credit memo settles it (until then the PO does not close); an invoice after
a return holds QTY_RECEIVED for the returned units; a return of more than was
kept is refused on the timeline; dock rejections show as a return record of
their own, counted once. Runs from before the rule replay as they ran."""

from __future__ import annotations

from contextlib import suppress
from decimal import Decimal

from temporalio.client import WorkflowFailureError

from models import FinalCloseRequest, HoldCode, InvoiceStatus, PoStatus, PurchaseOrderState
from models.returns import ReturnToVendor
from tests.support.builders import invoice, po, receipt, running_worker, start, unique
from tests.support.replay import PurchaseOrderWithoutTheGuard, assert_guarded, worker_before
from tests.support.workflows import events, eventually, finished, handoffs, issued, refused, told
from workflows.contract import PoSignal, PoUpdate
from workflows.po_steps.patches import PATCH_RETURNS
from workflows.purchase_order import PurchaseOrderWorkflow

D = Decimal


def sent_back(order, return_id: str, lines: dict[int, str], receipt_id: str | None = None) -> ReturnToVendor:
    return ReturnToVendor.model_validate(
        {
            "return_id": return_id,
            "po_number": order.po_number,
            "returned_at": "2026-12-07T08:00:00Z",
            "returned_by": "wally.warehouse",
            "reason": "gloves tear when stretched",
            "lines": [
                {"line_no": n, "quantity": q, "receipt_id": receipt_id, "reason_code": "defective"}
                for n, q in lines.items()
            ],
        }
    )


async def test_goods_billed_then_returned_expect_a_credit_memo_which_settles_it(env, engine):
    order = po(unique("PO"))  # 100 gloves at 11.90, 200 bearings
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "100"}))
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-1", {1: ("100", "11.90")}))
        await eventually(
            handle, lambda s: bool(s.invoices) and s.invoices[0].status == InvoiceStatus.APPROVED
        )
        await handle.signal(PoSignal.RETURN, sent_back(order, "RMA-1", {1: "20"}, receipt_id="GR-1"))
        s = await eventually(handle, lambda s: bool(s.expected_credits))
        [credit] = s.expected_credits
        assert (credit.line_no, credit.quantity, credit.unit_price, credit.amount) == (
            1,
            20,
            D("11.90"),
            D("238.00"),
        )
        assert credit.open and credit.invoice_number == "INV-1"
        assert events(s, "credit_expected") == ["RMA-1: line 1: 20 at 11.90 USD (invoice INV-1) = 238.00 USD"]
        [(who, subject, body)] = await told(engine, order.po_number, "return:RMA-1")
        assert who == "ACME" and subject == f"Credit memo expected for return RMA-1 on {order.po_number}"
        assert "please send a credit memo for 238.00 USD" in body
        closing = FinalCloseRequest(actor="bob.buyer", reason="no replacement wanted")
        await refused(
            handle.execute_update(PoUpdate.FINAL_CLOSE, closing),
            f"return RMA-1 on {order.po_number} waits for the supplier's credit memo",
        )
        memo = invoice(
            order, "CM-1", {1: ("20", "11.90")}, kind="credit_memo", original_invoice_number="INV-1"
        )
        await handle.signal(PoSignal.INVOICE, memo)
        s = await eventually(handle, lambda s: not s.open_expected_credits)
        assert s.invoices[-1].status == InvoiceStatus.APPROVED
        assert s.expected_credits[0].settled_by == ["CM-1"]
        assert events(s, "credit_settled") == ["RMA-1 line 1: 20 of 20 credited by CM-1 (settled)"]
        s = await handle.execute_update(PoUpdate.FINAL_CLOSE, closing, result_type=PurchaseOrderState)
        assert s.status == PoStatus.CLOSED
        final = await finished(handle)
    assert [(line.line_no, line.quantity) for line in final.po.lines] == [(1, D(80))]  # what was kept
    assert sorted(D(amount) for _, amount in handoffs(engine, order.po_number)) == [D("-238"), D("1190")]


async def test_replacement_goods_settle_the_credit_and_the_po_closes(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "100"}))
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-1", {1: ("100", "11.90")}))
        await eventually(
            handle, lambda s: bool(s.invoices) and s.invoices[0].status == InvoiceStatus.APPROVED
        )
        await handle.signal(PoSignal.RETURN, sent_back(order, "RMA-1", {1: "20"}))
        await eventually(handle, lambda s: bool(s.open_expected_credits))
        await handle.signal(
            PoSignal.RECEIPT, receipt(order, "GR-2", {1: "20", 2: "200"})
        )  # replacement + rest
        s = await eventually(handle, lambda s: bool(s.expected_credits) and not s.open_expected_credits)
        assert s.expected_credits[0].settled_by == ["replacement receipt GR-2"]
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-2", {2: ("200", "4.75")}))
        final = await finished(handle)
    assert final.status == PoStatus.CLOSED


async def test_a_return_before_the_invoice_holds_it_for_the_returned_units(env, engine):
    order = po(unique("PO"))
    order = order.model_copy(update={"lines": order.lines[:1]})  # 100 gloves only
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "100"}))
        await eventually(handle, lambda s: s.status == PoStatus.RECEIVED)
        await handle.signal(PoSignal.RETURN, sent_back(order, "RMA-1", {1: "20"}))
        s = await eventually(handle, lambda s: bool(s.returns))
        assert s.status == PoStatus.PARTIALLY_RECEIVED  # 80 kept of 100 ordered
        assert s.expected_credits == []  # nothing was billed yet
        [(_, subject, _)] = await told(engine, order.po_number, "return:RMA-1")
        assert subject == f"Goods returned on {order.po_number}: return RMA-1"
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-1", {1: ("100", "11.90")}))
        s = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
        [hold] = s.invoices[0].open_holds
        assert (hold.code, hold.line_no, hold.expected, hold.actual) == (HoldCode.QTY_RECEIVED, 1, 80, 100)
        assert "returned to the vendor" in hold.message
        assert s.invoices[0].status == InvoiceStatus.HELD


async def test_a_return_of_more_than_was_kept_is_refused_and_dock_rejections_are_a_return(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "100"}, rejected={1: "10"}))
        s = await eventually(handle, lambda s: bool(s.returns))
        [dock] = s.returns
        assert dock.return_id == "GR-1-DOCK" and dock.reason == "rejected at the dock"
        assert [(x.line_no, x.quantity, x.receipt_id) for x in dock.lines] == [(1, 10, "GR-1")]
        assert events(s, "returned") == [
            "GR-1-DOCK: line 1: 10 EA of GR-1 (rejected_at_dock): rejected at the dock"
        ]
        await handle.signal(PoSignal.RETURN, sent_back(order, "RMA-9", {1: "95"}))
        s = await eventually(handle, lambda s: bool(events(s, "return_refused")))
        assert events(s, "return_refused") == [
            "RMA-9 not recorded: line 1: 95 returned, only 90 received and kept"
        ]
        assert [r.return_id for r in s.returns] == ["GR-1-DOCK"]
        # Counted once: the 90 kept are billable in full.
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-90", {1: ("90", "11.90")}))
        s = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
        assert s.invoices[0].status == InvoiceStatus.APPROVED


async def test_a_run_from_before_the_rule_replays_as_it_ran(env, engine):
    order = po(unique("PO"))
    queue = f"poflow-before-returns-{unique('Q')}"
    async with worker_before(env.client, engine, queue, PATCH_RETURNS):
        handle = await start(env.client, queue, order)
        await eventually(handle, lambda s: s.issued_at is not None)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "100"}, rejected={1: "10"}))
        await handle.signal(PoSignal.RETURN, sent_back(order, "RMA-1", {1: "20"}))
        await eventually(handle, lambda s: len(s.processed_document_ids) == 2)
        # Something after the return, so that the history goes on past the task that took it.
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-1", {1: ("90", "11.90")}))
        s = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
        history = await handle.fetch_history()
        await handle.cancel()  # with the worker running: the test server's clock must not stall
        with suppress(WorkflowFailureError):
            await handle.result()
    assert s.returns == [] and not events(s, "returned")  # the code before the rule took no returns
    assert s.invoices[0].status == InvoiceStatus.APPROVED  # the 20 sent back still counted as received
    await assert_guarded(history, PATCH_RETURNS, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard)
