"""Cancelling the whole PO and chasing its acknowledgment go through the
vendor's channel (issue #17 items 4 and 9): X12 vendors get an 860 with BCH01
"01" (cancellation) and the 850 again with BEG01 "07" (duplicate) as the
reminder; EDIFACT vendors an ORDCHG with BGM 1225 "1" and the ORDERS with
BGM 1225 "7"; e-mail vendors the e-mail (the reminder with the PO's PDF).

Code lists: X12 element 353 (00 original, 01 cancellation, 04 change, 05
replace, 07 duplicate); UNTDID 1225 (1 cancellation, 4 change, 5 replace, 7
duplicate, 9 original)."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta

from sqlalchemy import text
from temporalio.client import WorkflowFailureError

from activities.db import outbound
from activities.intake.edifact.syntax import parse_interchange as parse_edifact
from activities.intake.x12.syntax import read_interchanges
from models import CancelRequest, PoStatus, PurchaseOrder, PurchaseOrderState
from models.amendments import AmendRequest
from tests.support.builders import ack, lab_order, nordic_order, po, running_worker, start, unique
from tests.support.replay import PurchaseOrderWithoutTheGuard, assert_guarded, worker_before
from tests.support.workflows import events, eventually, finished, issued, skip_time
from workflows.contract import PoQuery, PoSignal, PoUpdate
from workflows.po_steps.patches import PATCH_CANCEL_AND_REMIND_BY_CHANNEL, PATCH_CHANGE_ACK_CHASE
from workflows.purchase_order import PurchaseOrderWorkflow

REMINDER_AFTER = timedelta(days=2, hours=1)  # the standard policy reminds after 2 days


def x12_segments(content: bytes) -> list[tuple[str, ...]]:
    [interchange] = read_interchanges(content)
    [tx] = interchange.groups[0].transactions
    return [(s.tag, *(s.get(i) or "" for i in range(1, 6))) for s in tx.segments]


def edifact_segments(content: bytes) -> list[tuple[str, str, str, str]]:
    [message] = parse_edifact(content).messages
    return [(s.tag, s.value(1), s.value(2), s.value(3)) for s in message.segments]


async def cancel(handle, reason: str = "project stopped") -> None:  # type: ignore[no-untyped-def]
    await handle.execute_update(
        PoUpdate.CANCEL, CancelRequest(actor="bob.buyer", reason=reason), result_type=PurchaseOrderState
    )


async def test_an_x12_vendor_is_reminded_with_a_duplicate_850_and_told_of_the_cancel_by_an_860(env, engine):
    order = lab_order()
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await skip_time(env, REMINDER_AFTER)
        s = await eventually(handle, lambda s: s.ack_reminders_sent == 1 and bool(events(s, "ack_reminder")))
        reminder = outbound.find_message(engine, order.po_number, 0, 1, "reminder")
        assert reminder is not None and reminder.format == "x12-850" and reminder.receiver_id == "LABWORKSEDI"
        beg = next(seg for seg in x12_segments(reminder.content) if seg[0] == "BEG")
        assert beg[1:4] == ("07", "SA", order.po_number)  # 07 duplicate of the order they have
        assert events(s, "ack_reminder") == [
            f"no acknowledgment yet; reminder 1 sent by edi (X12 850 duplicate, ISA {reminder.interchange_control}"
            f" GS {reminder.group_control} ST 0001)"
        ]
        first = outbound.find_message(engine, order.po_number, 0, 0)
        assert first is not None and int(reminder.interchange_control or 0) > int(
            first.interchange_control or 0
        )

        await cancel(handle)
        final = await finished(handle)
    sent = outbound.find_message(engine, order.po_number, 0, 0, "cancel")
    assert final.status == PoStatus.CANCELLED and sent is not None and sent.format == "x12-860"
    segments = x12_segments(sent.content)
    bch = next(seg for seg in segments if seg[0] == "BCH")
    assert bch[1:4] == ("01", "SA", order.po_number)  # 01 cancellation
    assert [seg[1:3] for seg in segments if seg[0] == "POC"] == [("1", "DI"), ("2", "DI"), ("3", "DI")]
    assert ("MSG", "cancelled by bob.buyer: project stopped", "", "", "", "") in segments
    assert events(final, "cancellation_sent")[0].startswith(
        "r0 cancelled to LABWORKS by edi (X12 860 cancellation"
    )


async def test_an_edifact_vendor_gets_orders_duplicate_as_reminder_and_ordchg_cancelling(env, engine):
    order = nordic_order()
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await skip_time(env, REMINDER_AFTER)
        await eventually(handle, lambda s: bool(events(s, "ack_reminder")))
        await cancel(handle, "wrong grade")
        await finished(handle)
    reminder = outbound.find_message(engine, order.po_number, 0, 1, "reminder")
    assert reminder is not None and reminder.format == "edifact-ORDERS"
    assert ("BGM", "220", order.po_number, "7") in edifact_segments(reminder.content)
    sent = outbound.find_message(engine, order.po_number, 0, 0, "cancel")
    assert sent is not None and sent.format == "edifact-ORDCHG"
    segments = edifact_segments(sent.content)
    assert segments[1][0] == "BGM" and segments[1][3] == "1"  # 1225: 1 cancellation
    assert [seg[2] for seg in segments if seg[0] == "LIN"] == ["2", "2"]  # 1229: 2 delete
    assert any(seg[0] == "FTX" and seg[1] == "PUR" for seg in segments)


async def test_an_email_vendor_gets_the_reminder_with_the_pdf_and_the_cancellation_by_email(env, engine):
    order = po(unique("PO"))  # ACME, on e-mail
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await skip_time(env, REMINDER_AFTER)
        await eventually(handle, lambda s: bool(events(s, "ack_reminder")))
        await cancel(handle, "budget withdrawn")
        await finished(handle)
    with engine.connect() as conn:
        mails = {
            row.notification_id: row
            for row in conn.execute(
                text("SELECT * FROM notifications WHERE po_number = :po"), {"po": order.po_number}
            )
        }
    reminder = mails[f"issue:{order.po_number}:r0:reminder:a1"]
    assert reminder.subject == f"Reminder 1: please acknowledge purchase order {order.po_number}"
    pdf = outbound.get_message(engine, reminder.attachment_id)
    assert pdf is not None and pdf.content.startswith(b"%PDF-") and pdf.purpose == "reminder"
    cancelled = mails[f"issue:{order.po_number}:r0:cancel"]
    assert cancelled.subject == f"Purchase order {order.po_number} is cancelled"
    assert "Reason: cancelled by bob.buyer: budget withdrawn" in cancelled.body
    assert cancelled.attachment_id is None
    assert f"{order.po_number}:ack-reminder:1" not in mails and f"{order.po_number}:cancelled" not in mails


async def test_a_po_cancelled_before_it_was_issued_sends_nothing(env, engine):
    order = po(unique("PO"), gloves="5000")  # beyond the approval threshold: waits for approval
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        await eventually(handle, lambda s: bool(s.open_tasks))
        await cancel(handle)
        final = await finished(handle)
    assert final.issued_at is None and not events(final, "cancellation_sent")
    assert outbound.find_message(engine, order.po_number, 0, 0, "cancel") is None


async def test_a_run_from_before_the_rule_reminds_and_cancels_by_notification(env, engine):
    """Recorded without the patch marker: the reminder and the cancellation were
    notifications; today's code replays it, and the unguarded sends would not."""
    order = po(unique("PO"))
    queue = f"poflow-before-remind-{unique('Q')}"
    async with worker_before(env.client, engine, queue, PATCH_CANCEL_AND_REMIND_BY_CHANNEL):
        handle = await start(env.client, queue, order)
        await eventually(handle, lambda s: s.issued_at is not None)
        await skip_time(env, REMINDER_AFTER)
        await eventually(handle, lambda s: bool(events(s, "ack_reminder")))
        await cancel(handle)
        final = await finished(handle)
        history = await handle.fetch_history()
        with suppress(WorkflowFailureError):
            await handle.result()
    assert events(final, "ack_reminder") == ["no acknowledgment yet; reminder 1 sent to ACME"]
    assert outbound.find_message(engine, order.po_number, 0, 1, "reminder") is None
    await assert_guarded(
        history, PATCH_CANCEL_AND_REMIND_BY_CHANNEL, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard
    )


# --- a buyer's change order is chased like the order --------------------------------------


def more_tips() -> AmendRequest:
    return AmendRequest.model_validate(
        {"actor": "bob.buyer", "reason": "second lab", "lines": [{"line_no": 3, "quantity": "12"}]}
    )


async def acknowledged_then_amended(handle, order: PurchaseOrder) -> PurchaseOrderState:  # type: ignore[no-untyped-def]
    await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
    await eventually(handle, lambda s: s.status == PoStatus.ACKNOWLEDGED)
    await handle.execute_update(PoUpdate.AMEND, more_tips(), result_type=PurchaseOrderState)
    return await eventually(handle, lambda s: bool(events(s, "change_sent")))


async def test_a_change_order_is_chased_until_the_supplier_acknowledges_it(env, engine):
    order = lab_order()
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        s = await acknowledged_then_amended(handle, order)
        assert s.po.revision == 1 and s.ack_reminder_at is not None and s.ack_due_at is not None
        await skip_time(env, REMINDER_AFTER)
        s = await eventually(handle, lambda s: bool(events(s, "ack_reminder")))
        reminder = outbound.find_message(engine, order.po_number, 1, 1, "reminder")
        assert reminder is not None and reminder.format == "x12-850"
        segments = x12_segments(reminder.content)
        assert next(seg for seg in segments if seg[0] == "BEG")[1] == "07"
        assert ("REF", "PP", "1", "", "", "") in segments  # the revision the vendor is asked to confirm
        change_ack = ack(order, "ACK-2").model_copy(update={"answers_revision": 1})
        await handle.signal(PoSignal.ACKNOWLEDGMENT, change_ack)
        s = await eventually(handle, lambda s: len(s.acknowledgments) == 2)
        assert s.ack_reminder_at is None and s.ack_due_at is None
        await skip_time(env, timedelta(days=5))
        s = await handle.query(PoQuery.STATE, result_type=PurchaseOrderState)
    assert not s.open_tasks and s.ack_reminders_sent == 1


async def test_a_run_from_before_the_rule_does_not_chase_a_change_order(env, engine):
    """Recorded without the patch marker: an amendment a day after issue left
    the order's reminder where it was (day 2); today's code replays that, and
    the unguarded code would have moved it to day 3 and sent nothing on day 2."""
    order = lab_order()
    queue = f"poflow-before-change-chase-{unique('Q')}"
    async with worker_before(env.client, engine, queue, PATCH_CHANGE_ACK_CHASE):
        handle = await start(env.client, queue, order)
        issued_at = (await eventually(handle, lambda s: s.issued_at is not None)).issued_at
        await skip_time(env, timedelta(days=1))
        await handle.execute_update(PoUpdate.AMEND, more_tips(), result_type=PurchaseOrderState)
        s = await eventually(handle, lambda s: bool(events(s, "change_sent")))
        assert s.ack_reminder_at == issued_at + timedelta(days=2)  # the code before the rule
        await skip_time(env, REMINDER_AFTER)
        await eventually(handle, lambda s: bool(events(s, "ack_reminder")))
        await handle.cancel()  # with the worker running: the test server's clock must not stall
        with suppress(WorkflowFailureError):
            await handle.result()
        history = await handle.fetch_history()
    await assert_guarded(history, PATCH_CHANGE_ACK_CHASE, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard)
