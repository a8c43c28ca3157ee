"""Inspection after receipt (#17 item 6) on the time-skipping server: on a
4-way line a receipt's goods are pending inspection; an invoice billing them
waits (INSPECTION) until an inspection result says what passed, then
re-matches by itself; units that failed keep the invoice held for them; the
PO is received, and closes, once its 4-way lines passed. An inspection of a
receipt not on the PO is refused on the timeline. Runs from before the rule
replay as they ran (accepted = received − rejected at the receipt)."""

from __future__ import annotations

from models import HoldCode, InvoiceStatus, PoStatus
from models.inspections import InspectionResult
from tests.support.builders import invoice, po, receipt, running_worker, start, unique
from tests.support.replay import PurchaseOrderWithoutTheGuard, assert_guarded, worker_before
from tests.support.workflows import eventually, finished, issued
from workflows.contract import PoSignal
from workflows.po_steps.patches import PATCH_INSPECTIONS
from workflows.purchase_order import PurchaseOrderWorkflow

PIPETTES = [{"line_no": 1, "item_id": "LAB-PIPETTE-1000", "quantity": "10", "unit_price": "289.00"}]


def lab_order():
    """Ten pipettes from LabWorks: 4-way by the item master, issued at once."""
    return po(unique("PO"), vendor="LABWORKS", lines=PIPETTES)


def inspected(
    order, inspection_id: str, receipt_id: str, accepted: str, rejected: str = "0"
) -> InspectionResult:
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
                    "reject_reason": "volume out of calibration" if rejected != "0" else None,
                }
            ],
        }
    )


def held_for_inspection(s) -> bool:
    return bool(s.invoices) and any(h.code == HoldCode.INSPECTION for h in s.invoices[0].open_holds)


async def test_the_invoice_waits_for_the_inspection_and_the_po_closes_once_it_passed(env, engine):
    order = lab_order()
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "10"}))
        s = await eventually(handle, lambda s: bool(s.receipts))
        assert s.status == PoStatus.PARTIALLY_RECEIVED  # arrived, pending inspection
        assert (s.received_quantity(1), s.accepted_quantity(1)) == (10, 0)
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-1", {1: ("10", "289.00")}))
        s = await eventually(handle, held_for_inspection)
        [hold] = s.invoices[0].open_holds
        assert (hold.expected, hold.actual) == (0, 10)
        assert "10 EA pending inspection" in hold.message
        await handle.signal(PoSignal.INSPECTION, inspected(order, "QI-1", "GR-1", "10"))
        s = await finished(handle)
    assert s.invoices[0].status == InvoiceStatus.APPROVED
    assert s.status == PoStatus.CLOSED
    [entry] = [e for e in s.timeline if e.event == "inspected"]
    assert entry.detail == "QI-1 of GR-1: line 1: 10 EA accepted"
    assert entry.actor == "system"


async def test_units_that_fail_inspection_keep_the_invoice_held_for_them(env, engine):
    order = lab_order()
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "10"}))
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-1", {1: ("10", "289.00")}))
        await eventually(handle, held_for_inspection)
        await handle.signal(PoSignal.INSPECTION, inspected(order, "QI-1", "GR-1", "8", "2"))
        s = await eventually(handle, lambda s: bool(s.inspections) and held_for_inspection(s))
        s = await eventually(handle, lambda s: s.invoices[0].open_holds[0].expected == 8)
    [hold] = s.invoices[0].open_holds
    assert (hold.code, hold.expected, hold.actual) == (HoldCode.INSPECTION, 8, 10)
    assert "2 EA rejected" in hold.message
    assert s.invoices[0].status == InvoiceStatus.HELD
    assert s.accepted_quantity(1) == 8 and s.status == PoStatus.PARTIALLY_RECEIVED


async def test_the_inspected_replacement_releases_the_invoice(env, engine):
    """The failed units are replaced: no over-receipt (they were not kept),
    and once the replacement passed inspection the invoice is approved."""
    order = lab_order()
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "10"}))
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-1", {1: ("10", "289.00")}))
        await eventually(handle, held_for_inspection)
        await handle.signal(PoSignal.INSPECTION, inspected(order, "QI-1", "GR-1", "8", "2"))
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-2", {1: "2"}))
        s = await eventually(handle, lambda s: len(s.receipts) == 2)
        assert s.status == PoStatus.PARTIALLY_RECEIVED and held_for_inspection(s)
        await handle.signal(PoSignal.INSPECTION, inspected(order, "QI-2", "GR-2", "2"))
        s = await finished(handle)
    assert s.invoices[0].status == InvoiceStatus.APPROVED and s.status == PoStatus.CLOSED
    assert not [e for e in s.timeline if e.event == "over_receipt"] and not s.tasks


async def test_an_inspection_of_a_receipt_not_on_the_po_is_refused(env, engine):
    order = lab_order()
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "10"}))
        await handle.signal(PoSignal.INSPECTION, inspected(order, "QI-1", "GR-9", "10"))
        await handle.signal(PoSignal.INSPECTION, inspected(order, "QI-2", "GR-1", "11"))  # more than arrived
        s = await eventually(handle, lambda s: sum(e.event == "inspection_refused" for e in s.timeline) == 2)
    refused = [e.detail for e in s.timeline if e.event == "inspection_refused"]
    assert refused[0] == f"QI-1 not recorded: receipt GR-9 is not on {order.po_number}"
    assert refused[1].startswith("QI-2 not recorded: line 1: 11 inspected, but receipt GR-1 has 10 left")
    assert s.inspections == [] and s.accepted_quantity(1) == 0
    assert s.status == PoStatus.PARTIALLY_RECEIVED


async def test_a_run_from_before_the_rule_replays_as_it_ran(env, engine):
    """Before the rule the receipt's own count is accepted: the invoice is
    approved and handed to AP at once (a command the new rule would not issue)."""
    order = lab_order()
    queue = f"poflow-before-inspections-{unique('Q')}"
    async with worker_before(env.client, engine, queue, PATCH_INSPECTIONS):
        handle = await start(env.client, queue, order)
        await eventually(handle, lambda s: s.issued_at is not None)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "10"}))
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-1", {1: ("10", "289.00")}))
        s = await finished(handle)
        history = await handle.fetch_history()
    assert not s.inspection_rule and s.invoices[0].status == InvoiceStatus.APPROVED
    assert s.status == PoStatus.CLOSED
    await assert_guarded(history, PATCH_INSPECTIONS, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard)
