"""The buyer's final close (#17 item 4) on the time-skipping server: each line
keeps what it delivered and the open rest is released (a revision says so,
line by line), what waited is closed, the supplier is told, the PO ends; it is
refused while an invoice is on hold, and for a PO that delivered nothing
(cancel that); a cancel after a receipt points to the final close."""

from __future__ import annotations

from contextlib import suppress
from decimal import Decimal

from sqlalchemy import text
from temporalio.client import WorkflowFailureError

from activities.db import outbound
from activities.intake.x12.syntax import read_interchanges
from models import (
    CancelRequest,
    FinalCloseRequest,
    HoldCode,
    InvoiceStatus,
    LineCancelRequest,
    PoStatus,
    PurchaseOrderState,
    RevisionChange,
    RevisionReason,
)
from tests.support.builders import invoice, lab_order, po, receipt, running_worker, start, unique
from tests.support.replay import PurchaseOrderWithoutTheGuard, assert_guarded, worker_before
from tests.support.workflows import eventually, finished, issued, refused
from workflows.contract import PoSignal, PoUpdate
from workflows.po_steps.patches import PATCH_LINE_CANCEL_CHANGE_ORDER
from workflows.purchase_order import PurchaseOrderWorkflow


def closing(reason: str = "the rest is no longer needed") -> FinalCloseRequest:
    return FinalCloseRequest(actor="bob.buyer", reason=reason)


async def test_a_final_close_keeps_what_was_delivered_and_releases_the_rest(env, engine):
    order = po(unique("PO"))  # 100 gloves, 200 bearings
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "60"}))
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-60", {1: ("60", "11.90")}))
        await eventually(
            handle, lambda s: bool(s.invoices) and s.invoices[0].status == InvoiceStatus.APPROVED
        )
        s = await handle.execute_update(PoUpdate.FINAL_CLOSE, closing(), result_type=PurchaseOrderState)
        assert s.status == PoStatus.CLOSED
        final = await finished(handle)
    assert [(line.line_no, line.quantity) for line in final.po.lines] == [(1, Decimal(60))]
    revision = final.revisions[-1]
    assert revision.reason == RevisionReason.BUYER_AMENDMENT and revision.approved_by == "bob.buyer"
    assert revision.changes == [
        RevisionChange(line_no=1, field="quantity", old="100", new="60"),
        RevisionChange(line_no=2, field="line", old="MRO-BEARING-6204 × 200", new=None),
    ]
    assert revision.why == "final close by bob.buyer: the rest is no longer needed"
    assert final.receipt_due_at is None and final.open_tasks == []
    with engine.connect() as connection:
        told = connection.execute(
            text("SELECT recipient FROM notifications WHERE notification_id LIKE :key"),
            {"key": f"%{order.po_number}%final-closed%"},
        ).scalars()
        assert list(told) == ["ACME"]


async def test_a_final_close_waits_for_held_invoices_and_needs_a_delivery(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await refused(
            handle.execute_update(PoUpdate.FINAL_CLOSE, closing()), "nothing was received or invoiced"
        )
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "60"}))
        await handle.signal(
            PoSignal.INVOICE, invoice(order, "INV-HIGH", {1: ("60", "12.90")})
        )  # a price hold
        await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].status == InvoiceStatus.HELD)
        await refused(
            handle.execute_update(PoUpdate.FINAL_CLOSE, closing()),
            f"invoice INV-HIGH on {order.po_number} is on hold: answer it before the final close",
        )
        await refused(
            handle.execute_update(PoUpdate.CANCEL, CancelRequest(actor="bob.buyer", reason="x")),
            "has receipts: final-close it instead",
        )


# --- cancelling one line (#17 item 4) ------------------------------------------------------


def cancelling(line_no: int, reason: str = "bearings sourced elsewhere") -> LineCancelRequest:
    return LineCancelRequest(actor="bob.buyer", reason=reason, line_no=line_no)


async def test_a_cancelled_line_leaves_the_order_and_an_invoice_on_it_is_held(env, engine):
    order = po(unique("PO"))  # line 1 gloves, line 2 bearings
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        s = await handle.execute_update(PoUpdate.CANCEL_LINE, cancelling(2), result_type=PurchaseOrderState)
        assert [line.line_no for line in s.po.lines] == [1] and s.cancelled_lines == [2]
        assert s.revisions[-1].changes == [
            RevisionChange(line_no=2, field="line", old="MRO-BEARING-6204 × 200", new=None)
        ]
        await refused(handle.execute_update(PoUpdate.CANCEL_LINE, cancelling(1)), "is the last line")
        await refused(handle.execute_update(PoUpdate.CANCEL_LINE, cancelling(7)), "line 7 is not on")
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "100"}))
        await handle.signal(
            PoSignal.INVOICE, invoice(order, "INV-BOTH", {1: ("100", "11.90"), 2: ("200", "4.75")})
        )
        s = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
    [hold] = [h for h in s.invoices[0].open_holds if h.line_no == 2]
    assert hold.code == HoldCode.PO_NOT_OPEN and "was cancelled by the buyer" in hold.message
    # The supplier is sent the change through its channel: ACME by e-mail, revision 1
    # listing the deleted line (an EDI vendor gets an 860 deleting it: below).
    with engine.connect() as connection:
        body = connection.execute(
            text("SELECT body FROM notifications WHERE po_number = :po AND subject LIKE '%revision 1%'"),
            {"po": order.po_number},
        ).scalar_one()
    assert "Changes since revision 0:" in body and "line 2" in body and "MRO-BEARING-6204" in body
    assert "Reason: line 2 cancelled by bob.buyer: bearings sourced elsewhere" in body


async def test_a_cancelled_line_goes_to_an_edi_vendor_as_an_860_deleting_it(env, engine):
    order = lab_order()
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.execute_update(PoUpdate.CANCEL_LINE, cancelling(3), result_type=PurchaseOrderState)
        s = await eventually(handle, lambda s: any(e.event == "change_sent" for e in s.timeline))
    sent = outbound.find_message(engine, order.po_number, 1, 0)
    assert sent is not None and sent.format == "x12-860"
    [interchange] = read_interchanges(sent.content)
    [tx] = interchange.groups[0].transactions
    assert [(p.get(1), p.get(2)) for p in tx.segments if p.tag == "POC"] == [
        ("3", "DI")
    ]  # X12 670: delete item
    assert s.timeline[-1].detail.startswith("r1 sent to LABWORKS by edi (X12 860")


async def test_a_run_from_before_the_change_order_tells_the_supplier_by_notification(env, engine):
    """Recorded without the patch marker: the cancelled line was a notification;
    today's code replays it, and sending a change order unguarded would not."""
    order = po(unique("PO"))
    queue = f"poflow-before-line-cancel-{unique('Q')}"
    async with worker_before(env.client, engine, queue, PATCH_LINE_CANCEL_CHANGE_ORDER):
        handle = await start(env.client, queue, order)
        await eventually(handle, lambda s: s.issued_at is not None)
        await handle.execute_update(PoUpdate.CANCEL_LINE, cancelling(2), result_type=PurchaseOrderState)
        history = await handle.fetch_history()
        await handle.cancel()
        with suppress(WorkflowFailureError):
            await handle.result()
    await assert_guarded(
        history, PATCH_LINE_CANCEL_CHANGE_ORDER, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard
    )


async def test_a_line_with_receipts_is_not_cancelled(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {2: "50"}))
        await eventually(handle, lambda s: bool(s.receipts))
        await refused(
            handle.execute_update(PoUpdate.CANCEL_LINE, cancelling(2)),
            "has receipts: close it short or final-close the PO instead",
        )
        s = await handle.execute_update(PoUpdate.CANCEL_LINE, cancelling(1), result_type=PurchaseOrderState)
    assert [line.line_no for line in s.po.lines] == [2]
