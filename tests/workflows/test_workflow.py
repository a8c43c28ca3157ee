"""PurchaseOrderWorkflow on the time-skipping test server, with the real
activities against a seeded SQLite database: every branch and every timer of
DESIGN.md steps 1–7."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlalchemy import text
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from models import (
    AckOutcome,
    CancelRequest,
    HoldCode,
    InvoiceStatus,
    PoStatus,
    PurchaseOrderState,
    RevisionChange,
    TaskKind,
    TaskStatus,
)
from tests.support.builders import (
    ack,
    decide,
    full_invoice,
    full_receipt,
    invoice,
    po,
    receipt,
    running_worker,
    start,
    state,
    unique,
)
from tests.support.workflows import eventually, finished, handoffs, issued, open_task, refused, skip_time
from workflows.contract import PoSignal, PoUpdate
from workflows.purchase_order import PurchaseOrderWorkflow

# --- happy path --------------------------------------------------------------


async def test_clean_po_closes_without_a_human(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        await handle.signal(PoSignal.INVOICE, full_invoice(order))
        final = await finished(handle)
    assert final.status == PoStatus.CLOSED
    assert [r.status for r in final.invoices] == [InvoiceStatus.APPROVED]
    assert final.tasks == []  # no human touched it
    assert handoffs(engine, order.po_number) == [(final.invoices[0].document_id, "2140.000000")]
    events = [e.event for e in final.timeline]
    assert events[:3] == ["received", "auto_approved", "issued"] and events[-1] == "closed"
    with engine.connect() as conn:
        projected = conn.execute(
            text("SELECT status FROM purchase_orders WHERE po_number = :p"), {"p": order.po_number}
        ).scalar_one()
        audited = conn.execute(
            text("SELECT count(*) FROM audit_events WHERE po_number = :p"), {"p": order.po_number}
        ).scalar_one()
    assert projected == "closed" and audited == len(final.timeline)


async def test_duplicate_documents_have_no_second_effect(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        first = full_invoice(order, "INV-000777")
        resend = first.model_copy(update={"invoice_number": "inv 777"})  # same after normalising
        await handle.signal(PoSignal.INVOICE, first)
        await handle.signal(PoSignal.INVOICE, resend)
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        final = await finished(handle)
    assert len(final.invoices) == 1 and len(final.receipts) == 1
    assert final.status == PoStatus.CLOSED
    assert len(handoffs(engine, order.po_number)) == 1


# --- validation and approval ------------------------------------------------


async def test_inactive_vendor_is_rejected_at_validation(env, engine):
    order = po(unique("PO"), vendor="INACTIVE")
    order = order.model_copy(update={"currency": "GBP"})
    async with running_worker(env.client, engine) as queue:
        final = await finished(await start(env.client, queue, order))
    assert final.status == PoStatus.REJECTED
    assert "validation failed" in final.timeline[-1].detail


async def test_large_po_needs_approval_and_validator_guards_the_decision(env, engine):
    order = po(unique("PO"), gloves="1000")  # 11,900 + 950 > 10,000 threshold
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        s = await eventually(handle, lambda s: s.status == PoStatus.PENDING_APPROVAL)
        task = open_task(s, TaskKind.APPROVE_PO)
        await refused(decide(handle, task.task_id, "maybe"), "not an option")
        await refused(decide(handle, task.task_id, "approve", actor="rita.requester"), "cannot approve")
        # Free-text requester names are compared by identity key: case, width,
        # invisible characters and an @domain do not make another person.
        for spelled in ("Rita.Requester@corp.example", "RITA.REQUESTER", "rita.requester\u200b"):
            await refused(decide(handle, task.task_id, "approve", actor=spelled), "cannot approve")
        await refused(
            decide(handle, task.task_id, "approve", actor="carl.clerk", roles=["ap_clerk", "buyer"]),
            "does not hold the role budget_owner",
        )
        await refused(decide(handle, task.task_id, "approve", roles=[]), "(no roles) does not hold")
        await refused(decide(handle, "PO-X-T9", "approve"), "does not belong")
        decided = await decide(handle, task.task_id, "approve")
        assert decided.status == TaskStatus.DONE and decided.decided_by == "alice.approver"
        await refused(decide(handle, task.task_id, "reject", comment="too late"), "already done")
        s = await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
    assert s.issued_at is not None


async def test_major_spend_is_approved_level_by_level_within_each_approvers_limit(env, engine):
    # seed/approval_matrix.json: from 50,000 a budget owner, then a procurement manager.
    order = po(unique("PO"), gloves="4500")  # 53,550 + 950 = 54,500 USD
    roomy = {"USD": Decimal("100000")}
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        s = await eventually(handle, lambda s: s.status == PoStatus.PENDING_APPROVAL)
        assert s.approval_route is not None and s.approval_route.band == "major spend"
        first = open_task(s, TaskKind.APPROVE_PO)
        assert (first.approval_level, first.assignee_role) == (1, "budget_owner")
        await refused(
            decide(handle, first.task_id, "approve", limits={"USD": Decimal("50000")}),
            "alice.approver's approval limit is 50000 USD, below the PO's 54500.00 USD",
        )
        await refused(
            decide(handle, first.task_id, "approve", limits={"EUR": Decimal("1000000")}),
            "alice.approver has no approval limit in USD",
        )
        await decide(
            handle, first.task_id, "approve", limits=roomy, roles=["budget_owner", "procurement_manager"]
        )
        s = await eventually(handle, lambda s: len(s.open_tasks) == 1 and s.open_tasks[0].approval_level == 2)
        second = s.open_tasks[0]
        assert second.assignee_role == "procurement_manager" and s.status == PoStatus.PENDING_APPROVAL
        await refused(
            decide(
                handle, second.task_id, "approve", limits=roomy, roles=["budget_owner", "procurement_manager"]
            ),
            "alice.approver approved an earlier level of this PO",
        )
        await refused(
            decide(handle, second.task_id, "approve", actor="bob.buyer", roles=["buyer"]),
            "does not hold the role procurement_manager",
        )
        await decide(
            handle, second.task_id, "approve", actor="pat.procurement", roles=["procurement_manager"]
        )
        s = await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
    assert [t.decided_by for t in s.tasks if t.kind == TaskKind.APPROVE_PO] == [
        "alice.approver",
        "pat.procurement",
    ]
    assert [e.event for e in s.timeline][:6] == [
        "received",
        "approval_route",
        "task_opened",
        "decided",
        "approved_level",
        "task_opened",
    ]


async def test_a_routine_po_is_approved_by_its_band(env, engine):
    order = po(unique("PO"))  # 1,190 + 950: the 'routine' band, no levels
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        s = await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
    assert s.tasks == [] and s.approval_route is not None and s.approval_route.band == "routine"
    assert "approval band 'routine'" in next(e.detail for e in s.timeline if e.event == "auto_approved")


async def test_rejected_approval_ends_the_po(env, engine):
    order = po(unique("PO"), gloves="1000")
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        s = await eventually(handle, lambda s: s.status == PoStatus.PENDING_APPROVAL)
        await refused(decide(handle, open_task(s, TaskKind.APPROVE_PO).task_id, "reject"), "needs a comment")
        await decide(handle, open_task(s, TaskKind.APPROVE_PO).task_id, "reject", comment="budget frozen")
        final = await finished(handle)
    assert final.status == PoStatus.REJECTED


async def test_approval_task_escalates_to_deputy_then_manager(env, engine):
    order = po(unique("PO"), gloves="1000")
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        s = await eventually(handle, lambda s: s.status == PoStatus.PENDING_APPROVAL)
        assert open_task(s, TaskKind.APPROVE_PO).escalation_level == 0
        await skip_time(env, timedelta(days=2, hours=1))  # standard task SLA is 2 days
        s = await eventually(handle, lambda s: open_task(s, TaskKind.APPROVE_PO).escalation_level == 1)
        assert open_task(s, TaskKind.APPROVE_PO).escalated_to == "deputy"
        await skip_time(env, timedelta(days=2, hours=1))
        s = await eventually(handle, lambda s: open_task(s, TaskKind.APPROVE_PO).escalation_level == 2)
        assert open_task(s, TaskKind.APPROVE_PO).escalated_to == "manager"


# --- acknowledgment ------------------------------------------------------------


async def test_price_change_within_tolerance_becomes_a_revision(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        # 11.90 → 12.10 is +1.68%, inside the 2% acknowledgment tolerance
        await handle.signal(
            PoSignal.ACKNOWLEDGMENT,
            ack(
                order,
                status="accepted_with_changes",
                lines=[{"line_no": 1, "status": "changed", "unit_price": "12.10"}],
            ),
        )
        s = await eventually(handle, lambda s: s.po.revision == 1)
        assert s.acknowledgments[0].outcome == AckOutcome.ACCEPTED_AS_REVISION
        assert s.po.line(1).unit_price == Decimal("12.10") and s.tasks == []
        # The revision says what changed, by which rule, from which document (#17 item 2).
        revision = s.revisions[-1]
        assert revision.changes == [RevisionChange(line_no=1, field="unit_price", old="11.9", new="12.1")]
        assert revision.approved_by == "rule: within the acknowledgment tolerances (standard v1)"
        assert revision.source_document_id == s.acknowledgments[0].ack.document_id
        assert "11.9 → 12.1" in revision.why
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        await handle.signal(
            PoSignal.INVOICE, invoice(order, "INV-R1", {1: ("100", "12.10"), 2: ("200", "4.75")})
        )
        final = await finished(handle)
    assert final.status == PoStatus.CLOSED and final.invoices[0].match.open_holds == []


async def test_change_outside_tolerance_asks_the_buyer_then_matches(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(
            PoSignal.ACKNOWLEDGMENT,
            ack(
                order,
                status="accepted_with_changes",
                lines=[{"line_no": 1, "status": "changed", "unit_price": "12.90"}],
            ),
        )
        s = await eventually(handle, lambda s: bool(s.open_tasks))
        task = open_task(s, TaskKind.APPROVE_SUPPLIER_CHANGE)
        assert "11.9 → 12.9" in task.context["changes"] and s.po.revision == 0
        await decide(handle, task.task_id, "accept_change", actor="bob.buyer")
        s = await state(handle)
        assert s.po.revision == 1 and s.acknowledgments[0].outcome == AckOutcome.ACCEPTED_AS_REVISION
        assert s.revisions[-1].approved_by == "bob.buyer"
        assert s.revisions[-1].changes == [
            RevisionChange(line_no=1, field="unit_price", old="11.9", new="12.9")
        ]
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        await handle.signal(
            PoSignal.INVOICE, invoice(order, "INV-C1", {1: ("100", "12.90"), 2: ("200", "4.75")})
        )
        final = await finished(handle)
    assert final.status == PoStatus.CLOSED


async def test_rejected_change_keeps_the_revision_and_price_holds(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(
            PoSignal.ACKNOWLEDGMENT,
            ack(
                order,
                status="accepted_with_changes",
                lines=[{"line_no": 1, "status": "changed", "unit_price": "12.90"}],
            ),
        )
        s = await eventually(handle, lambda s: bool(s.open_tasks))
        await decide(
            handle, s.open_tasks[0].task_id, "reject_change", actor="bob.buyer", comment="contract price"
        )
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        await handle.signal(
            PoSignal.INVOICE, invoice(order, "INV-P1", {1: ("100", "12.90"), 2: ("200", "4.75")})
        )
        s = await eventually(
            handle,
            lambda s: bool(s.invoices) and s.invoices[0].status == InvoiceStatus.HELD and bool(s.open_tasks),
        )
        assert s.po.revision == 0 and s.acknowledgments[0].outcome == AckOutcome.CHANGE_REJECTED
        assert [h.code for h in s.invoices[0].open_holds] == [HoldCode.PRICE]
        # the hold needs a person at once: a price variance does not fix itself
        hold_task = open_task(s, TaskKind.RESOLVE_INVOICE_HOLD)
        await refused(
            decide(handle, hold_task.task_id, "accept_variance", actor="wally.warehouse", comment="ok"),
            "received the goods",
        )
        await decide(handle, hold_task.task_id, "request_credit_memo", actor="carl.clerk")
        s = await eventually(handle, lambda s: s.invoices[0].status == InvoiceStatus.CREDIT_REQUESTED)
        await handle.signal(
            PoSignal.INVOICE,
            invoice(
                order,
                "CM-P1",
                {1: ("100", "1.00")},
                kind="credit_memo",
                original_invoice_number="INV-P1",
                price_only=True,
            ),
        )
        final = await finished(handle)
    assert [r.status for r in final.invoices] == [InvoiceStatus.APPROVED, InvoiceStatus.APPROVED]
    amounts = sorted(amount for _, amount in handoffs(engine, order.po_number))
    assert amounts == ["-100.000000", "2240.000000"]


async def test_supplier_rejection_opens_a_buyer_task(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order, status="rejected", message="discontinued"))
        s = await eventually(handle, lambda s: bool(s.open_tasks))
        task = open_task(s, TaskKind.SUPPLIER_REJECTED)
        assert task.context["supplier_message"] == "discontinued"
        await decide(handle, task.task_id, "cancel_po", actor="bob.buyer")
        final = await finished(handle)
    assert final.status == PoStatus.CANCELLED


async def test_missing_acknowledgment_reminds_then_escalates(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await skip_time(env, timedelta(days=2, hours=1))  # reminder after 2 days
        s = await eventually(handle, lambda s: s.ack_reminders_sent == 1)
        assert not s.open_tasks
        await skip_time(env, timedelta(days=2))  # due after 4 days: chase task
        s = await eventually(handle, lambda s: bool(s.open_tasks))
        chase = open_task(s, TaskKind.CHASE_SUPPLIER)
        with engine.connect() as conn:
            reminders = conn.execute(
                text("SELECT count(*) FROM notifications WHERE notification_id = :i"),
                {"i": f"issue:{order.po_number}:r0:reminder:a1"},  # the e-mail with the PO again
            ).scalar_one()
            inbox = conn.execute(
                text("SELECT status FROM human_tasks WHERE task_id = :t"), {"t": chase.task_id}
            ).scalar_one()
        assert reminders == 1 and inbox == "open"
        await skip_time(env, timedelta(days=2, hours=1))
        s = await eventually(handle, lambda s: open_task(s, TaskKind.CHASE_SUPPLIER).escalation_level == 1)
        # the acknowledgment finally arrives: the chase task is no longer needed
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        s = await eventually(handle, lambda s: s.status == PoStatus.ACKNOWLEDGED)
        assert s.open_tasks == [] and s.tasks[0].status == TaskStatus.CANCELLED


async def test_an_invoice_past_the_acknowledgment_due_time_waits_for_it(env, engine):
    """ACK_MISSING (#17 item 7): the invoice arrives after the acknowledgment
    was due and none came: held, no person asked to release it; the
    acknowledgment arrives and the re-match releases it."""
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await skip_time(env, timedelta(days=4, hours=1))  # past the standard policy's 4 days
        await eventually(handle, lambda s: s.has_open_task(TaskKind.CHASE_SUPPLIER))
        await handle.signal(PoSignal.INVOICE, full_invoice(order, "INV-EARLY"))
        s = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
        held = {h.code for h in s.invoices[0].open_holds}
        assert HoldCode.ACK_MISSING in held and s.invoices[0].status == InvoiceStatus.HELD
        assert not s.has_open_task(TaskKind.RESOLVE_INVOICE_HOLD)  # it waits for a document, not a person
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        s = await eventually(
            handle, lambda s: all(h.code != HoldCode.ACK_MISSING for h in s.invoices[0].open_holds)
        )
        assert s.invoices[0].match.po_revision == 0
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        final = await finished(handle)
    assert final.status == PoStatus.CLOSED and final.invoices[0].status == InvoiceStatus.APPROVED


async def test_an_invoice_before_the_acknowledgment_is_due_is_not_held_for_it(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        await handle.signal(PoSignal.INVOICE, full_invoice(order, "INV-PROMPT"))
        final = await finished(handle)
    assert final.invoices[0].status == InvoiceStatus.APPROVED


async def test_a_vendor_whose_policy_asks_no_acknowledgment_is_not_chased(env, engine):
    from activities.db.master_data import Vendor, get_policy, upsert_policy, upsert_vendor

    standard = get_policy(engine, "standard")
    assert standard is not None
    with engine.begin() as connection:
        upsert_policy(
            connection, standard.model_copy(update={"name": "no-ack", "acknowledgment_required": False})
        )
        upsert_vendor(
            connection,
            Vendor(
                id="QUIET",
                name="Quiet Supply",
                active=True,
                currency="USD",
                policy_name="no-ack",
                email="orders@quiet.example",
            ),
        )
    order = po(unique("PO"), vendor="QUIET")
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        s = await eventually(handle, lambda s: s.status in (PoStatus.ISSUED, PoStatus.PENDING_APPROVAL))
        if s.status == PoStatus.PENDING_APPROVAL:  # off contract: a budget owner approves first
            await decide(handle, open_task(s, TaskKind.APPROVE_PO).task_id, "approve")
            s = await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
        assert s.ack_reminder_at is None and s.ack_due_at is None
        await skip_time(env, timedelta(days=5))
        await handle.signal(PoSignal.INVOICE, full_invoice(order, "INV-QUIET"))
        s = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
    assert s.ack_reminders_sent == 0 and not s.has_open_task(TaskKind.CHASE_SUPPLIER)
    assert all(h.code != HoldCode.ACK_MISSING for h in s.invoices[0].open_holds)


# --- receiving -------------------------------------------------------------------


async def test_overdue_receipt_opens_expedite_task_and_close_short(env, engine):
    order = po(unique("PO"), need_by=(await env.get_current_time()).date() + timedelta(days=10))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "100", 2: "150"}))
        await eventually(handle, lambda s: s.status == PoStatus.PARTIALLY_RECEIVED)
        # need-by + 3 days grace
        s = await state(handle)
        assert s.receipt_due_at is not None
        await skip_time(env, s.receipt_due_at - await env.get_current_time() + timedelta(hours=1))
        s = await eventually(handle, lambda s: bool(s.open_tasks))
        task = open_task(s, TaskKind.EXPEDITE_RECEIPT)
        await decide(handle, task.task_id, "close_short", actor="bob.buyer", comment="rest not needed")
        s = await state(handle)
        assert s.po.revision == 1 and s.po.line(2).quantity == 150 and s.status == PoStatus.RECEIVED
        await handle.signal(
            PoSignal.INVOICE, invoice(order, "INV-S1", {1: ("100", "11.90"), 2: ("150", "4.75")})
        )
        final = await finished(handle)
    assert final.status == PoStatus.CLOSED


async def test_partial_shipments_two_receipts_two_invoices_close(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "60", 2: "200"}))
        await handle.signal(
            PoSignal.INVOICE, invoice(order, "INV-A", {1: ("60", "11.90"), 2: ("200", "4.75")})
        )
        s = await eventually(
            handle, lambda s: bool(s.invoices) and s.invoices[0].status == InvoiceStatus.APPROVED
        )
        assert s.status == PoStatus.PARTIALLY_RECEIVED
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-2", {1: "40"}))
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-B", {1: ("40", "11.90")}))
        final = await finished(handle)
    assert final.status == PoStatus.CLOSED and len(handoffs(engine, order.po_number)) == 2


# --- invoicing -------------------------------------------------------------------


async def test_invoice_before_receipt_is_held_then_released_by_the_receipt(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.INVOICE, full_invoice(order))
        s = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
        assert s.invoices[0].status == InvoiceStatus.HELD
        assert {h.code for h in s.invoices[0].open_holds} == {HoldCode.NO_RECEIPT}
        assert s.open_tasks == []  # a missing document is not a question for a person
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        final = await finished(handle)
    assert final.status == PoStatus.CLOSED
    assert "released by re-match" in next(
        e.detail for e in final.timeline if e.event == "approved_for_payment"
    )


async def test_held_invoice_escalates_after_the_hold_sla(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "40", 2: "200"}))
        await handle.signal(PoSignal.INVOICE, full_invoice(order))
        # A recorded invoice is HELD until its match lands: wait for the match.
        s = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
        assert s.invoices[0].status == InvoiceStatus.HELD
        assert {h.code for h in s.invoices[0].open_holds} == {HoldCode.QTY_RECEIVED} and not s.open_tasks
        await skip_time(env, timedelta(days=5, hours=1))  # invoice hold SLA
        s = await eventually(handle, lambda s: bool(s.open_tasks))
        task = open_task(s, TaskKind.RESOLVE_INVOICE_HOLD)
        assert "only 40 EA received" in " ".join(task.context.values())
        # Billed beyond what arrived waits for the receipt: no person pays for goods not received.
        await refused(
            decide(
                handle, task.task_id, "accept_variance", actor="carl.clerk", comment="rest confirmed by phone"
            ),
            "QTY_RECEIVED:1 waits for the goods receipt; it clears itself when the receipt arrives",
        )
        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-2", {1: "60"}))
        s = await eventually(handle, lambda s: s.invoices[0].status == InvoiceStatus.APPROVED)
        assert s.invoices[0].released_holds == [] and s.tasks[0].status == TaskStatus.CANCELLED


async def test_rejected_invoice_is_not_paid(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        await handle.signal(
            PoSignal.INVOICE, invoice(order, "INV-X", {1: ("100", "15.00"), 2: ("200", "4.75")})
        )
        s = await eventually(handle, lambda s: bool(s.open_tasks))
        await decide(
            handle, s.open_tasks[0].task_id, "reject_invoice", actor="carl.clerk", comment="wrong price"
        )
        await handle.signal(PoSignal.INVOICE, full_invoice(order, "INV-Y"))
        final = await finished(handle)
    assert [r.status for r in final.invoices] == [InvoiceStatus.REJECTED, InvoiceStatus.APPROVED]
    assert [i for i, _ in handoffs(engine, order.po_number)] == [final.invoices[1].document_id]


# --- cancel, continue-as-new, replay ------------------------------------------


async def test_cancel_before_receipt_and_refused_after(env, engine):
    order, other = po(unique("PO")), po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        s = await handle.execute_update(
            PoUpdate.CANCEL,
            CancelRequest(actor="bob.buyer", reason="project stopped"),
            result_type=PurchaseOrderState,
        )
        assert s.status == PoStatus.CANCELLED
        assert (await finished(handle)).cancel_reason.endswith("project stopped")
        handle2 = await start(env.client, queue, other)
        await eventually(handle2, lambda s: s.status == PoStatus.ISSUED)
        await handle2.signal(PoSignal.RECEIPT, receipt(other, "GR-1", {1: "10"}))
        await eventually(handle2, lambda s: bool(s.receipts))
        await refused(
            handle2.execute_update(PoUpdate.CANCEL, CancelRequest(actor="bob.buyer", reason="x")),
            "has receipts",
        )


async def test_continue_as_new_carries_the_state(dev_server_env, engine):
    # On the real dev server: the time-skipping server reports no history length.
    env = dev_server_env
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order, history_event_limit=100)
        await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        for i in range(1, 21):  # twenty partial receipts, one step each, push the history over the limit
            await handle.signal(PoSignal.RECEIPT, receipt(order, f"GR-{i}", {1: "5", 2: "10"}))
            await eventually(handle, lambda s, i=i: len(s.receipts) == i, seconds=30)
        await handle.signal(PoSignal.INVOICE, full_invoice(order))
        final = await finished(env.client.get_workflow_handle(handle.id))
        latest_run = (await env.client.get_workflow_handle(handle.id).describe()).run_id
    assert final.status == PoStatus.CLOSED and len(final.receipts) == 20
    assert latest_run != handle.first_execution_run_id  # it did continue as new


async def test_completed_history_replays_deterministically(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(
            PoSignal.ACKNOWLEDGMENT,
            ack(
                order,
                status="accepted_with_changes",
                lines=[{"line_no": 1, "status": "changed", "unit_price": "12.00"}],
            ),
        )
        await handle.signal(
            PoSignal.INVOICE, invoice(order, "INV-1", {1: ("100", "12.00"), 2: ("200", "4.75")})
        )
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        await finished(handle)
        history = await handle.fetch_history()
    await Replayer(workflows=[PurchaseOrderWorkflow], data_converter=pydantic_data_converter).replay_workflow(
        history
    )
