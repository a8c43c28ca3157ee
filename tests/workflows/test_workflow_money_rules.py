"""Issue #14's rules in the live PurchaseOrderWorkflow, on the time-skipping
test server with the real activities against a seeded SQLite database
(seed/master_data.json: ACME's tax rate is 8.25 %, on the vendor).

* tax is checked in a live PO: validate/enrich puts the master data's rate
  on the PO lines, and the match applies the profile's tax limits;
* received means kept: units rejected at the dock neither count as received
  nor make the PO fully received;
* a credit memo written with negative figures is handed to AP as a negative
  payable."""

from __future__ import annotations

import asyncio
import contextlib
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal

from temporalio import workflow
from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowFailureError, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer, Worker

from models import HoldCode, InvoiceStatus, PoStatus, PurchaseOrderInput, PurchaseOrderState
from tests.support.builders import (
    ack,
    full_invoice,
    full_receipt,
    invoice,
    po,
    receipt,
    running_worker,
    settings_for,
    unique,
)
from tests.support.replay import before_the_baseline
from tests.support.workflows import eventually, finished, handoffs, issued
from worker import build_activities
from workflows.contract import PoSignal, WorkflowType
from workflows.purchase_order import PurchaseOrderWorkflow

D = Decimal


def open_codes(state, number: str) -> set[HoldCode]:
    record = next(r for r in state.invoices if r.invoice.invoice_number == number)
    return {h.code for h in record.open_holds}


async def test_tax_is_checked_at_the_vendors_rate_in_a_live_po(env, engine):
    order = po(unique("PO"))  # gloves 100 × 11.90 + bearings 200 × 4.75 = 2,140.00
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        # 20 % instead of 8.25 %: 428.00 billed, 176.55 expected (standard: 1 % or 1.00, any)
        await handle.signal(
            PoSignal.INVOICE,
            invoice(
                order, "INV-TAX", {1: ("100", "11.90"), 2: ("200", "4.75")}, tax="428.00", total=D("2568.00")
            ),
        )
        held = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
    assert [line.tax_rate_pct for line in held.po.lines] == [D("8.25"), D("8.25")]
    assert held.po.lines[0].tax_rate_source == "vendor ACME"
    assert open_codes(held, "INV-TAX") == {HoldCode.TAX}
    (tax_hold,) = held.invoices[0].open_holds
    assert (tax_hold.expected, tax_hold.actual) == (D("176.55"), D("428.00"))


async def test_rejected_units_are_not_received_until_replaced(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(
            PoSignal.RECEIPT, receipt(order, "GR-1", {1: "100", 2: "200"}, rejected={1: "10"})
        )
        await handle.signal(PoSignal.INVOICE, full_invoice(order))
        held = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
        assert held.status == PoStatus.PARTIALLY_RECEIVED  # 90 of 100 gloves kept
        assert open_codes(held, "INV-1") == {HoldCode.QTY_RECEIVED}
        assert handoffs(engine, order.po_number) == []  # not paid for the 10 that went back
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-2", {1: "10"}))  # the replacements
        final = await finished(handle)
    assert final.status == PoStatus.CLOSED
    assert [r.status for r in final.invoices] == [InvoiceStatus.APPROVED]


async def test_a_negative_credit_memo_is_a_negative_payable(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        # the gloves only: the PO stays open for the bearings' invoice
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-1", {1: ("100", "11.90")}))
        await eventually(handle, lambda s: [r.status for r in s.invoices] == [InvoiceStatus.APPROVED])
        memo = invoice(
            order, "CM-1", {1: ("-10", "11.90")}, kind="credit_memo", tax="-9.82", total=D("-128.82")
        )
        await handle.signal(PoSignal.INVOICE, memo)
        final = await eventually(handle, lambda s: len(s.invoices) == 2 and s.invoices[1].match is not None)
    assert final.invoices[1].status == InvoiceStatus.APPROVED, final.invoices[1].open_holds
    paid = dict(handoffs(engine, order.po_number))
    assert D(paid[final.invoices[1].document_id]) == D("-128.82")


# --- a history recorded before net receipts replays as it ran ---------------------------------


@workflow.defn(name=WorkflowType.PURCHASE_ORDER, sandboxed=False)
class WorkflowBeforeNetReceipts(PurchaseOrderWorkflow):
    """Gross receipts, as before PATCH_NET_RECEIPTS: no marker in its history."""

    @workflow.init
    def __init__(self, inp: PurchaseOrderInput) -> None:
        super().__init__(inp)

    @workflow.run
    async def run(self, inp: PurchaseOrderInput) -> PurchaseOrderState:
        return await super().run(inp)

    @staticmethod
    def _net_receipts() -> bool:
        return False


# Commands a completed workflow task may leave after it without waking the run again.
_SLEEPING = {EventType.EVENT_TYPE_TIMER_STARTED, EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES}


async def idle(handle: WorkflowHandle, seconds: float = 15) -> None:
    """Until no activity is pending and the run sleeps: its last workflow task
    completed, followed by nothing but timers started (and search attributes)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        description = await handle.describe()
        types = [e.event_type for e in (await handle.fetch_history()).events]
        last_task = max(i for i, t in enumerate(types) if t == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED)
        done = all(t in _SLEEPING for t in types[last_task + 1 :])
        if done and not description.raw_description.pending_activities:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the workflow did not go idle")


async def test_history_with_gross_receipts_replays_as_it_ran(env, engine):
    # A need-by makes "fully received" visible in the commands: a PO that is
    # not fully received keeps a receipt deadline, i.e. a timer.
    order = po(unique("PO"), need_by=date.today() + timedelta(days=60))
    queue = f"poflow-gross-{unique('Q')}"
    activities = build_activities(env.client, engine, settings_for(str(engine.url), queue), None)
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with Worker(
            env.client,
            task_queue=queue,
            workflows=[WorkflowBeforeNetReceipts],
            activities=activities,
            activity_executor=executor,
            patch_activation_callback=before_the_baseline,
        ):
            handle = await issued(env.client, queue, order)
            await handle.signal(
                PoSignal.RECEIPT, receipt(order, "GR-1", {1: "100", 2: "200"}, rejected={1: "10"})
            )
            s = await eventually(handle, lambda s: bool(s.receipts))
            assert s.status == PoStatus.RECEIVED  # the old rule: gross 100 of 100
            # The divergence is where the loop goes back to sleep after the receipt
            # (the old rule with no receipt deadline, the new one with a timer):
            # wait until the run is idle there before ending it.
            await idle(handle)
            await handle.cancel()
            with contextlib.suppress(WorkflowFailureError):
                await handle.result()
            history = await handle.fetch_history()
    replayer = Replayer(workflows=[PurchaseOrderWorkflow], data_converter=pydantic_data_converter)
    await replayer.replay_workflow(history)  # today's code: no marker, so the old rule, same commands
