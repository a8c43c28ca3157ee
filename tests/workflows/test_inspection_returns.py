"""Units rejected at inspection go back to the supplier (#17 item 6) on the
time-skipping server. Written from the rule, as for the dock's rejections:
what an inspection rejects is a return to vendor of its own (the receipt,
the line, the quantity, reason "rejected at inspection <id>") and the
supplier is told as for any return; it is counted once — accepted already
leaves those units out, so an invoice for what passed matches and one for
everything holds for the rejected units only; a credit memo is expected
only where the units were billed to AP before the inspection, and
replacement goods that pass inspection settle it. A return of goods still
pending inspection is refused on the timeline, saying so. Runs from before
the rule replay as they ran (the inspection recorded, nothing returned).

Seeded: LabWorks pipettes are paid for what passed inspection only
(lab-equipment profile); in this module pipette tips are paid on receipt
(their profile does not check the accepted quantity), so an invoice for them
can be handed to AP before the inspection."""

from __future__ import annotations

from contextlib import suppress
from decimal import Decimal

import pytest
from temporalio.client import WorkflowFailureError

from activities.db.master_data import list_tolerance_profiles, upsert_tolerance_profile
from models import HoldCode, InvoiceStatus, PoStatus, PurchaseOrderState
from models.inspections import InspectionResult
from models.returns import ReturnReason, ReturnToVendor
from tests.support.builders import invoice, po, receipt, running_worker, seeded_sqlite, start, unique
from tests.support.replay import PurchaseOrderWithoutTheGuard, assert_guarded, worker_before
from tests.support.workflows import events, eventually, finished, issued, told
from workflows.contract import PoSignal
from workflows.po_steps.patches import PATCH_INSPECTION_RETURNS
from workflows.purchase_order import PurchaseOrderWorkflow

D = Decimal
PIPETTES = [{"line_no": 1, "item_id": "LAB-PIPETTE-1000", "quantity": "10", "unit_price": "289.00"}]
TIPS = [{"line_no": 1, "item_id": "LAB-TIPS-1000-RACK", "quantity": "10", "unit_price": "8.65"}]


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    """Pipette tips paid on receipt: their profile leaves the accepted quantity unchecked."""
    engine = seeded_sqlite(tmp_path_factory.mktemp("inspection-returns") / "poflow.db")
    [tips] = [p for p in list_tolerance_profiles(engine) if p.name == "lab-tips"]
    paid_on_receipt = tips.model_copy(
        update={
            "version": tips.version + 1,
            "qty_over_accepted_pct": None,
            "qty_over_accepted_abs": None,
            "description": "Tips are paid on receipt; racks that fail inspection later are credited back.",
        }
    )
    with engine.begin() as connection:
        upsert_tolerance_profile(connection, paid_on_receipt)
    yield engine
    engine.dispose()


def lab_order(lines: list[dict[str, object]]):
    return po(unique("PO"), vendor="LABWORKS", lines=lines)


def inspected(order, inspection_id: str, receipt_id: str, accepted: str, rejected: str = "0"):
    return InspectionResult.model_validate(
        {
            "inspection_id": inspection_id,
            "po_number": order.po_number,
            "receipt_id": receipt_id,
            "inspected_at": "2026-12-07T09:00:00Z",
            "inspected_by": "quinn.qa",
            "lines": [
                {
                    "line_no": 1,
                    "quantity_accepted": accepted,
                    "quantity_rejected": rejected,
                    "reject_reason": "out of calibration" if rejected != "0" else None,
                }
            ],
        }
    )


def sent_back(order, return_id: str, quantity: str, code: str = "defective") -> ReturnToVendor:
    return ReturnToVendor.model_validate(
        {
            "return_id": return_id,
            "po_number": order.po_number,
            "returned_at": "2026-12-07T08:00:00Z",
            "returned_by": "wally.warehouse",
            "reason": "cracked housing",
            "lines": [{"line_no": 1, "quantity": quantity, "receipt_id": "GR-1", "reason_code": code}],
        }
    )


def approved(s: PurchaseOrderState, index: int = 0) -> bool:
    return len(s.invoices) > index and s.invoices[index].status == InvoiceStatus.APPROVED


async def test_units_rejected_at_inspection_go_back_and_the_supplier_is_told(env, engine):
    """The invoice for 10 came before the inspection and waits for it (not
    billed to AP): the 2 rejected go back, no credit memo is expected, and
    the invoice stays held for the 2 only."""
    order = lab_order(PIPETTES)
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "10"}))
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-1", {1: ("10", "289.00")}))
        await eventually(handle, lambda s: bool(s.invoices) and bool(s.invoices[0].open_holds))
        await handle.signal(PoSignal.INSPECTION, inspected(order, "QI-1", "GR-1", "8", "2"))
        s = await eventually(handle, lambda s: bool(s.returns))
        [(who, subject, body)] = await told(engine, order.po_number, "return:QI-1-INSP")
        s = await eventually(handle, lambda s: s.invoices[0].open_holds[0].expected == 8)
    [rtv] = s.returns
    assert rtv.return_id == "QI-1-INSP"
    assert rtv.reason == "rejected at inspection QI-1 (line 1: out of calibration)"
    assert [(x.line_no, x.quantity, x.receipt_id, x.reason_code) for x in rtv.lines] == [
        (1, 2, "GR-1", ReturnReason.REJECTED_AT_INSPECTION)
    ]
    assert events(s, "returned") == [
        "QI-1-INSP: line 1: 2 EA of GR-1 (rejected_at_inspection) returned to LABWORKS: "
        "rejected at inspection QI-1 (line 1: out of calibration)"
    ]
    assert who == "LABWORKS" and subject == f"Goods returned on {order.po_number}: return QI-1-INSP"
    assert "2 EA of GR-1" in body and "rejected at inspection QI-1" in body
    assert s.expected_credits == []  # nothing was handed to AP yet
    [hold] = s.invoices[0].open_holds
    assert (hold.code, hold.expected, hold.actual) == (HoldCode.INSPECTION, 8, 10)  # 8, not 8 − 2 again
    assert (s.received_quantity(1), s.accepted_quantity(1)) == (10, 8)
    assert s.status == PoStatus.PARTIALLY_RECEIVED  # the 2 are to be replaced


async def test_an_invoice_for_what_passed_matches_without_a_quantity_hold(env, engine):
    order = lab_order(PIPETTES)
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "10"}))
        await handle.signal(PoSignal.INSPECTION, inspected(order, "QI-1", "GR-1", "8", "2"))
        await eventually(handle, lambda s: bool(s.returns))
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-8", {1: ("8", "289.00")}))
        s = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
    assert approved(s) and s.invoices[0].open_holds == []
    assert s.expected_credits == []


async def test_units_billed_before_inspection_expect_a_credit_the_replacement_settles(env, engine):
    order = lab_order(TIPS)  # paid on receipt: the invoice goes to AP before the inspection
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "10"}))
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-1", {1: ("10", "8.65")}))
        await eventually(handle, approved)
        await handle.signal(PoSignal.INSPECTION, inspected(order, "QI-1", "GR-1", "8", "2"))
        s = await eventually(handle, lambda s: bool(s.expected_credits))
        [credit] = s.expected_credits
        assert (credit.return_id, credit.line_no, credit.quantity, credit.amount) == (
            "QI-1-INSP",
            1,
            2,
            D("17.30"),
        )
        assert credit.invoice_number == "INV-1" and credit.open
        assert events(s, "credit_expected") == [
            "QI-1-INSP: line 1: 2 at 8.65 USD (invoice INV-1) = 17.30 USD"
        ]
        [(who, subject, body)] = await told(engine, order.po_number, "return:QI-1-INSP")
        assert (
            who == "LABWORKS" and subject == f"Credit memo expected for return QI-1-INSP on {order.po_number}"
        )
        assert "please send a credit memo for 17.30 USD" in body
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-2", {1: "2"}))  # the replacement
        s = await eventually(handle, lambda s: len(s.receipts) == 2)
        assert s.open_expected_credits  # arrived, not passed yet
        await handle.signal(PoSignal.INSPECTION, inspected(order, "QI-2", "GR-2", "2"))
        final = await finished(handle)
    assert final.expected_credits[0].settled_by == ["replacement receipt GR-2 (passed inspection QI-2)"]
    assert final.status == PoStatus.CLOSED
    assert [r.return_id for r in final.returns] == ["QI-1-INSP"]  # QI-2 rejected nothing


async def test_a_return_of_goods_pending_inspection_is_refused_and_says_why(env, engine):
    order = lab_order(PIPETTES)
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "10"}))
        await handle.signal(PoSignal.RETURN, sent_back(order, "RMA-1", "2"))
        await handle.signal(PoSignal.RETURN, sent_back(order, "RMA-2", "2", code="rejected_at_inspection"))
        s = await eventually(handle, lambda s: len(events(s, "return_refused")) == 2)
    assert events(s, "return_refused") == [
        "RMA-1 not recorded: line 1: 2 returned, only 0 received and kept (passed inspection): "
        "10 EA still pending inspection cannot be returned before the inspection result, "
        "which returns what it rejects to LABWORKS itself",
        "RMA-2 not recorded: line 1: a rejection at inspection is the inspection result's quantity_rejected",
    ]
    assert s.returns == [] and s.received_quantity(1) == 10


async def test_a_run_from_before_the_rule_replays_as_it_ran(env, engine):
    """Before the rule the inspection is recorded and nothing goes back: no
    return and no message to the supplier (a command the rule issues)."""
    order = lab_order(PIPETTES)
    queue = f"poflow-before-inspection-returns-{unique('Q')}"
    async with worker_before(env.client, engine, queue, PATCH_INSPECTION_RETURNS):
        handle = await start(env.client, queue, order)
        await eventually(handle, lambda s: s.issued_at is not None)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "10"}))
        await handle.signal(PoSignal.INSPECTION, inspected(order, "QI-1", "GR-1", "8", "2"))
        await eventually(handle, lambda s: bool(s.inspections))
        # Something after the inspection, so that the history goes on past the task that took it.
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-8", {1: ("8", "289.00")}))
        s = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
        history = await handle.fetch_history()
        await handle.cancel()  # with the worker running: the test server's clock must not stall
        with suppress(WorkflowFailureError):
            await handle.result()
    assert s.returns == [] and not events(s, "returned")
    assert s.accepted_quantity(1) == 8 and approved(s)
    assert await told(engine, order.po_number, "return:QI-1-INSP", seconds=0) == []
    await assert_guarded(
        history, PATCH_INSPECTION_RETURNS, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard
    )
