"""The buyer's amendment (issue #17 item 3) on the time-skipping server:
within the approval threshold it is the next revision at once and goes to
the supplier; a total rising beyond it waits for an approver (not the
buyer who amended), and a rejection leaves the PO as it was; a cancelled
line holds the invoice that bills it PO_NOT_OPEN; a quantity below what was
received is refused. Seeded policy: approval threshold 10,000 USD."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import text

from models import HoldCode, InvoiceStatus, PurchaseOrderState, RevisionReason, TaskKind
from models.amendments import AmendRequest
from tests.support.builders import decide, invoice, po, receipt, running_worker, unique
from tests.support.workflows import eventually, issued, open_task, refused
from workflows.contract import Decision, PoSignal, PoUpdate

D = Decimal


def amendment(**changes: object) -> AmendRequest:
    return AmendRequest.model_validate({"actor": "bob.buyer", "reason": "forecast changed", **changes})


def issues_of(engine, po_number: str) -> list[int]:
    with engine.connect() as connection:
        rows = connection.execute(
            text("SELECT revision FROM po_issues WHERE po_number = :po ORDER BY revision"), {"po": po_number}
        )
        return [row[0] for row in rows]


async def test_an_amendment_within_the_threshold_is_the_next_revision_and_goes_to_the_supplier(env, engine):
    order = po(unique("PO"))  # 100 gloves at 11.90, 200 bearings at 4.75: 2,140 USD
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        change = amendment(lines=[{"line_no": 1, "quantity": "150"}, {"line_no": 2, "unit_price": "4.60"}])
        s = await handle.execute_update(PoUpdate.AMEND, change, result_type=PurchaseOrderState)
        assert s.po.revision == 1 and s.pending_amendment is None
        s = await eventually(handle, lambda s: any(e.event == "change_sent" for e in s.timeline))
    revision = s.revisions[-1]
    assert (revision.reason, revision.approved_by) == (RevisionReason.BUYER_AMENDMENT, "bob.buyer")
    assert [(c.line_no, c.field, c.old, c.new) for c in revision.changes] == [
        (1, "quantity", "100", "150"),
        (2, "unit_price", "4.75", "4.6"),
    ]
    assert revision.why == "amended by bob.buyer: forecast changed"
    assert issues_of(engine, order.po_number) == [0, 1]  # the original, then the change


async def test_a_total_beyond_the_threshold_waits_for_an_approver_who_is_not_the_buyer(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        change = amendment(lines=[{"line_no": 1, "quantity": "1000"}])  # 11,900 + 950: beyond 10,000
        s = await handle.execute_update(PoUpdate.AMEND, change, result_type=PurchaseOrderState)
        assert s.po.revision == 0 and s.pending_amendment is not None
        task = open_task(s, TaskKind.APPROVE_AMENDMENT)
        assert task.context["total"] == "2,140.00 USD → 12,850.00 USD"
        await refused(
            decide(handle, task.task_id, Decision.APPROVE, actor="bob.buyer"), "cannot approve the amendment"
        )
        await decide(handle, task.task_id, Decision.APPROVE, actor="alice.approver")
        s = await eventually(handle, lambda s: s.po.revision == 1)
    assert s.po.line(1).quantity == D(1000) and s.revisions[-1].approved_by == "alice.approver"
    assert s.pending_amendment is None


async def test_a_rejected_amendment_leaves_the_po_as_it_was(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        s = await handle.execute_update(
            PoUpdate.AMEND,
            amendment(lines=[{"line_no": 1, "quantity": "1000"}]),
            result_type=PurchaseOrderState,
        )
        task = open_task(s, TaskKind.APPROVE_AMENDMENT)
        await decide(handle, task.task_id, Decision.REJECT, actor="alice.approver", comment="no budget")
        s = await eventually(handle, lambda s: any(e.event == "amendment_rejected" for e in s.timeline))
    assert s.po.revision == 0 and s.pending_amendment is None and s.po.line(1).quantity == D(100)


async def test_an_invoice_on_a_line_the_buyer_cancelled_is_held_po_not_open(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.execute_update(
            PoUpdate.AMEND, amendment(lines=[{"line_no": 2, "cancel": True}]), result_type=PurchaseOrderState
        )
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "100"}))
        await handle.signal(
            PoSignal.INVOICE, invoice(order, "INV-1", {1: ("100", "11.90"), 2: ("10", "4.75")})
        )
        s = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
    assert s.invoices[0].status == InvoiceStatus.HELD
    assert {(h.code, h.line_no) for h in s.invoices[0].open_holds} == {(HoldCode.PO_NOT_OPEN, 2)}


async def test_a_quantity_below_what_was_received_is_refused(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "80"}))
        await eventually(handle, lambda s: bool(s.receipts))
        await refused(
            handle.execute_update(
                PoUpdate.AMEND,
                amendment(lines=[{"line_no": 1, "quantity": "70"}]),
                result_type=PurchaseOrderState,
            ),
            "below the 80 received",
        )
