"""The PO on the vendor's channel (#17 item 9) on the time-skipping server:
a vendor on X12 gets its PO as an 850; the supplier's 997 comes in at the
intake door, is routed to the PO by the control numbers we sent and recorded
on it; a rejecting 997 is a buyer task whose "resend" sends the 850 again
with new control numbers, and whose "send_by_email" sends the PDF instead.
Runs from before the rule replay as they ran."""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, datetime

from temporalio.client import WorkflowFailureError

from activities.db import outbound, outbox
from activities.intake.x12.errors import X12Error
from activities.intake.x12.syntax import read_interchanges
from activities.intake.x12.write_997 import render_997
from models import PurchaseOrder, TaskKind
from models.functional_acks import FunctionalAck, FunctionalAckStatus
from starter.operations import PoflowService
from tests.support.builders import decide, po, running_worker, settings_for, start, unique
from tests.support.identity import caller
from tests.support.replay import PurchaseOrderWithoutTheGuard, assert_guarded, worker_before
from tests.support.workflows import eventually, issued, open_task
from workflows.contract import PoSignal
from workflows.po_steps.patches import PATCH_FUNCTIONAL_ACK
from workflows.purchase_order import PurchaseOrderWorkflow

NOW = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)
TIPS = [{"line_no": 1, "item_id": "LAB-TIPS-1000-RACK", "quantity": "10", "unit_price": "8.65"}]


def lab_order() -> PurchaseOrder:
    """A LabWorks PO on contract and below the approval threshold: issued at once."""
    return po(unique("PO"), vendor="LABWORKS", lines=TIPS)


def rejection(sent: bytes) -> X12Error:
    """What the supplier's translator found wrong in our 850: PO103 unit code."""
    [interchange] = read_interchanges(sent)
    group = interchange.groups[0]
    return X12Error(
        "unit of measure not known",
        interchange_control=interchange.control_number,
        group_control=group.control_number,
        set_id="850",
        set_control=group.transactions[0].control_number,
        segment_id="PO1",
        segment_position=8,
        segment_error="8",
        element_position=3,
        element_error="7",
        bad_value="EA",
    )


async def test_an_edi_vendors_po_goes_out_as_an_850_and_its_997s_are_read(env, engine):
    order = lab_order()
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        service = PoflowService(env.client, engine, settings_for(str(engine.url), queue))
        s = await eventually(handle, lambda s: any(e.event == "issued" for e in s.timeline))
        [issued_entry] = [e.detail for e in s.timeline if e.event == "issued"]
        first = outbound.find_message(engine, order.po_number, 0, 0)
        assert first is not None and first.format == "x12-850" and first.receiver_id == "LABWORKSEDI"
        assert f"X12 850, ISA {first.interchange_control}" in issued_entry

        # The supplier's translator read it: a 997 accepting our group.
        accepted = render_997(first.content, control_number=501, now=NOW)
        received = await service.receive_file(accepted, filename="997-accept.x12", by=caller())
        assert received.found[0]["status"] == "delivered", received
        s = await eventually(handle, lambda s: len(s.functional_acks) == 1)
        fa = s.functional_acks[0]
        assert fa.status == FunctionalAckStatus.ACCEPTED and fa.group_control == first.group_control
        assert (fa.answers_message_id, fa.answers_attempt) == (first.message_id, 0)
        assert any(e.event == "functional_ack" for e in s.timeline) and not s.open_tasks

        # A second 997 rejects it (a re-translation on their side): a buyer task.
        rejected = render_997(first.content, error=rejection(first.content), control_number=502, now=NOW)
        await service.receive_file(rejected, filename="997-reject.x12", by=caller())
        s = await eventually(handle, lambda s: s.has_open_task(TaskKind.REVIEW_EDI_REJECTION))
        task = open_task(s, TaskKind.REVIEW_EDI_REJECTION)
        assert task.options == ["resend", "send_by_email"] and task.assignee_role == "buyer"
        assert task.context["rejection"].startswith(
            "rejected (codes 5): 850 0001: PO1 at position 8, element 3"
        )
        assert "invalid code value: 'EA'" in task.context["rejection"]

        await decide(handle, task.task_id, "resend", actor="bob.buyer")
        s = await eventually(handle, lambda s: any(e.event == "reissued" for e in s.timeline))
        again = outbound.find_message(engine, order.po_number, 0, 1)
        assert again is not None and again.format == "x12-850"
        assert int(again.interchange_control or 0) > int(first.interchange_control or 0)
        assert f"attempt 1 sent by edi (X12 850, ISA {again.interchange_control}" in s.timeline[-1].detail

        # The resend is rejected too: this time the buyer sends the PDF by e-mail.
        await service.receive_file(
            render_997(again.content, error=rejection(again.content), control_number=503, now=NOW),
            filename="997-reject-again.x12",
            by=caller(),
        )
        s = await eventually(handle, lambda s: s.has_open_task(TaskKind.REVIEW_EDI_REJECTION))
        assert s.functional_acks[-1].answers_attempt == 1
        await decide(
            handle, open_task(s, TaskKind.REVIEW_EDI_REJECTION).task_id, "send_by_email", actor="bob.buyer"
        )
        s = await eventually(handle, lambda s: sum(e.event == "reissued" for e in s.timeline) == 2)
    by_mail = outbound.find_message(engine, order.po_number, 0, 2)
    assert by_mail is not None and by_mail.channel == "email" and by_mail.content.startswith(b"%PDF-")
    mail = next(
        m for m in outbox.pending_notifications(engine, limit=1000) if m.attachment_id == by_mail.message_id
    )
    assert mail.recipient == "sales@labworks-scientific.example"
    assert [f.status for f in s.functional_acks] == ["accepted", "rejected", "rejected"]


def functional_ack(order: PurchaseOrder, number: str, status: str) -> FunctionalAck:
    """As intake delivers it: routed to the PO's first send."""
    return FunctionalAck.model_validate(
        {
            "ack_id": f"{number}-0001",
            "po_number": order.po_number,
            "vendor_id": "LABWORKS",
            "standard": "x12",
            "group_control": "777",
            "status": status,
            "messages": [
                {
                    "set_id": "850",
                    "control_number": "0001",
                    "status": status,
                    "codes": ["5"] if status == "rejected" else [],
                }
            ],
            "acknowledged_at": NOW.isoformat(),
            "answers_revision": 0,
            "answers_attempt": 0,
        }
    )


async def test_a_later_acceptance_of_the_same_send_settles_the_rejection(env, engine):
    order = lab_order()
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.FUNCTIONAL_ACK, functional_ack(order, "000000801", "rejected"))
        s = await eventually(handle, lambda s: s.has_open_task(TaskKind.REVIEW_EDI_REJECTION))
        await handle.signal(PoSignal.FUNCTIONAL_ACK, functional_ack(order, "000000802", "accepted"))
        s = await eventually(handle, lambda s: not s.open_tasks)
    [task] = s.tasks
    assert task.kind == TaskKind.REVIEW_EDI_REJECTION and task.status == "cancelled"
    assert [f.ack_id for f in s.functional_acks] == ["000000801-0001", "000000802-0001"]


async def test_a_run_from_before_the_rule_replays_as_it_ran(env, engine):
    order = lab_order()
    queue = f"poflow-before-functional-ack-{unique('Q')}"
    fa = functional_ack(order, "000000777", "rejected")
    async with worker_before(env.client, engine, queue, PATCH_FUNCTIONAL_ACK):
        handle = await start(env.client, queue, order)
        await eventually(handle, lambda s: s.issued_at is not None)
        await handle.signal(PoSignal.FUNCTIONAL_ACK, fa)
        s = await eventually(handle, lambda s: fa.document_id in s.processed_document_ids)
        history = await handle.fetch_history()
        await handle.cancel()  # with the worker running: the test server's clock must not stall
        with suppress(WorkflowFailureError):
            await handle.result()
    assert not s.tasks and not s.functional_acks  # ignored: the code before the rule
    await assert_guarded(history, PATCH_FUNCTIONAL_ACK, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard)
