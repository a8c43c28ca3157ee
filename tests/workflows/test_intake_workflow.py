"""DocumentIntakeWorkflow on the time-skipping test server, with the real
worker and a seeded SQLite database: a file goes in at the door, its
documents reach their PO workflows, and what can't be sent on by itself waits
for a person's review."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from activities.db import repository
from models import HumanTask, PoStatus, TaskKind, TaskStatus
from models.intake import IntakeItemStatus, IntakeState, IntakeStatus, ReviewDecision
from starter.errors import Duplicate
from starter.operations import PoflowService
from tests.support.builders import (
    full_invoice,
    full_receipt,
    running_worker,
    seeded_sqlite,
    settings_for,
    start,
    state,
    unique,
)
from tests.support.builders import po as make_po
from tests.support.identity import caller
from tests.support.replay import IntakeWithoutTheGuard, assert_guarded, worker_before
from workflows.contract import IntakeUpdate, PoSignal
from workflows.document_intake import PATCH_REVIEW_MATRIX, PATCH_REVIEW_PEOPLE, DocumentIntakeWorkflow
from workflows.purchase_order import PurchaseOrderWorkflow


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    engine = seeded_sqlite(tmp_path_factory.mktemp("intake") / "poflow.db")
    yield engine
    engine.dispose()


async def issued(client, queue: str, order):
    handle = await start(client, queue, order)
    for _ in range(300):
        if (await state(handle)).status == PoStatus.ISSUED:
            return handle
        await asyncio.sleep(0.05)
    raise AssertionError(f"{order.po_number} was not issued")


def door(env: WorkflowEnvironment, engine, queue: str) -> PoflowService:
    return PoflowService(env.client, engine, settings_for(str(engine.url), queue))


async def intake_when(
    service: PoflowService, workflow_id: str, predicate: Callable[[IntakeState], bool], seconds: float = 15
) -> IntakeState:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        current = await service.get_intake(workflow_id)
        if predicate(current):
            return current
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(
                f"intake stuck in {current.status}: {[(e.event, e.detail) for e in current.timeline]}"
            )
        await asyncio.sleep(0.05)


def as_json(model) -> bytes:
    return json.dumps(model.model_dump(mode="json")).encode()


async def test_a_file_with_a_clean_invoice_reaches_its_po(env, engine):
    order = make_po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        service = door(env, engine, queue)
        received = await service.receive_file(
            as_json(full_invoice(order, "INV-77")), filename="inv.json", by=caller()
        )
        assert received.status == "done", received
        assert (
            received.found[0]["status"] == "delivered" and received.found[0]["po_number"] == order.po_number
        )
        s = await state(handle)
        for _ in range(100):
            if s.status == PoStatus.CLOSED:
                break
            await asyncio.sleep(0.05)
            s = await state(handle)
    assert s.status == PoStatus.CLOSED and s.invoices[0].invoice.invoice_number == "INV-77"


async def test_an_identical_resend_is_a_duplicate_with_the_first_id(env, engine):
    order = make_po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        await issued(env.client, queue, order)
        service = door(env, engine, queue)
        raw = as_json(full_invoice(order, "INV-5"))
        first = await service.receive_file(raw, by=caller())
        with pytest.raises(Duplicate) as dup:
            await service.receive_file(raw, by=caller())
    assert dup.value.first_document_id == first.workflow_id == dup.value.workflow_id


async def test_the_same_invoice_by_another_channel_is_not_delivered_twice(env, engine):
    order = make_po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        await issued(env.client, queue, order)
        service = door(env, engine, queue)
        invoice = full_invoice(order, "INV-9")
        await service.submit_document(invoice, by=caller())  # the portal JSON door first
        again = invoice.model_dump(mode="json") | {"invoice_number": "inv 9"}  # same number, normalised
        received = await service.receive_file(
            json.dumps(again, indent=1).encode(), filename="copy.json", by=caller()
        )
    assert received.found[0]["status"] == "duplicate"
    assert received.found[0]["document_id"] == invoice.document_id


async def test_an_unreadable_file_fails_with_its_reason_and_stays_stored(env, engine):
    async with running_worker(env.client, engine) as queue:
        service = door(env, engine, queue)
        received = await service.receive_file(
            b'{"invoice_number": "X1", "lines": [', filename="broken.json", by=caller()
        )
    assert received.status == IntakeStatus.FAILED.value
    assert "malformed JSON" in received.error and "line 1" in received.error
    assert (
        repository.get_document_bytes(engine, f"file:{received.sha256}")
        == b'{"invoice_number": "X1", "lines": ['
    )


async def test_an_unknown_po_waits_for_review_and_the_correction_goes_on(env, engine):
    order = make_po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        service = door(env, engine, queue)
        wrong = full_invoice(order, "INV-31").model_dump(mode="json") | {"po_number": "PO-NOSUCH"}
        received = await service.receive_file(json.dumps(wrong).encode(), filename="inv.json", by=caller())
        assert received.status == "needs_review"
        item = received.found[0]
        assert item["status"] == "needs_review" and "PO PO-NOSUCH is unknown to poflow" in item["problems"]
        task = repository.get_task(engine, item["task_id"])
        assert task is not None and task.kind == TaskKind.REVIEW_DOCUMENT
        assert task.workflow_id == received.workflow_id and task.options == ["send_on", "discard"]

        # The inbox decision routes to the intake workflow; a bad correction is refused there.
        with pytest.raises(Exception, match="not valid: currency"):
            await service.decide(
                task.task_id,
                "send_on",
                caller("carl.clerk"),
                document=wrong | {"po_number": order.po_number, "currency": "usd?"},
            )
        corrected = wrong | {"po_number": order.po_number}
        done = await service.decide(task.task_id, "send_on", caller("carl.clerk"), document=corrected)
        assert done.status == TaskStatus.DONE and done.decided_by == "carl.clerk"
        final = await intake_when(service, received.workflow_id, lambda s: s.status == IntakeStatus.DONE)
        assert (
            final.items[0].status == IntakeItemStatus.DELIVERED and final.items[0].reviewed_by == "carl.clerk"
        )
        for _ in range(100):
            if (await state(handle)).invoices:
                break
            await asyncio.sleep(0.05)
        assert (await state(handle)).invoices[0].invoice.invoice_number == "INV-31"


async def test_a_discarded_document_needs_a_reason_and_ends_the_intake(env, engine):
    async with running_worker(env.client, engine) as queue:
        service = door(env, engine, queue)
        stray = full_invoice(make_po("PO-GHOST"), "SPAM-1")
        received = await service.receive_file(as_json(stray), by=caller())
        task_id = received.found[0]["task_id"]
        handle = env.client.get_workflow_handle(received.workflow_id)
        with pytest.raises(WorkflowUpdateFailedError):
            await handle.execute_update(
                IntakeUpdate.REVIEW,
                ReviewDecision(
                    task_id=task_id, decision="discard", actor="carl.clerk", actor_roles=["ap_clerk"]
                ),
                result_type=HumanTask,
            )
        await service.decide(
            task_id, "discard", caller("carl.clerk"), comment="not ours: sent to the wrong buyer"
        )
        final = await intake_when(service, received.workflow_id, lambda s: s.status == IntakeStatus.DONE)
    assert final.items[0].status == IntakeItemStatus.DISCARDED


@pytest.fixture
async def own_env() -> WorkflowEnvironment:
    """A time-skipping server of its own: a 24 h skip on the shared one also
    fires the timers every earlier test file left behind, and can outlast the
    sleep call's deadline when their workers are gone."""
    from tests.support.temporal import start_time_skipping_server

    env = await start_time_skipping_server()
    try:
        yield env
    finally:
        await env.shutdown()


async def test_an_unreviewed_document_escalates_after_the_review_sla(own_env, engine):
    env = own_env
    async with running_worker(env.client, engine) as queue:
        service = door(env, engine, queue)
        received = await service.receive_file(
            as_json(full_invoice(make_po("PO-LOST"), "INV-LATE")), by=caller()
        )
        assert received.status == "needs_review"
        await env.sleep(timedelta(hours=24, minutes=5))
        escalated = await intake_when(
            service, received.workflow_id, lambda s: s.tasks[0].escalation_level == 1
        )
        assert escalated.tasks[0].escalated_to == "deputy"
        assert repository.get_task(engine, received.found[0]["task_id"]).escalation_level == 1
        # Leave no workflow waiting on a timer for later tests.
        await service.decide(
            received.found[0]["task_id"], "discard", caller("carl.clerk"), comment="test cleanup"
        )
        await intake_when(service, received.workflow_id, lambda s: s.status == IntakeStatus.DONE)


async def test_a_review_is_with_named_people_and_escalates_to_the_deputy_by_name(own_env, engine):
    from sqlalchemy import text

    from activities.db import principals
    from activities.db.org import set_org
    from identity.roles import Kind, Role

    now = datetime.now(UTC)
    principals.add_principal(
        engine, "rosa.reviewer", kind=Kind.PERSON, display_name="Rosa", roles=[Role.AP_CLERK], now=now
    )
    principals.add_principal(engine, "dan.deputy", kind=Kind.PERSON, display_name="Dan", roles=[], now=now)
    set_org(engine, "rosa.reviewer", deputy="dan.deputy", manager=None)
    env = own_env
    async with running_worker(env.client, engine) as queue:
        service = door(env, engine, queue)
        received = await service.receive_file(
            as_json(full_invoice(make_po("PO-ASTRAY"), "INV-ROSA")), by=caller()
        )
        task_id = received.found[0]["task_id"]
        opened = await service.get_intake(received.workflow_id)
        assert opened.tasks[0].assignees == ["rosa.reviewer"]
        await env.sleep(timedelta(hours=24, minutes=5))
        escalated = await intake_when(
            service, received.workflow_id, lambda s: s.tasks[0].escalation_level == 1
        )
        assert escalated.tasks[0].assignees == ["dan.deputy", "rosa.reviewer"]
        assert any(
            e.detail == f"{task_id} overdue → deputy: dan.deputy (deputy of rosa.reviewer)"
            for e in escalated.timeline
        )
        # Dan is a buyer, not an AP clerk: the review is with him by name, so he may decide it.
        await service.decide(
            task_id, "discard", caller("dan.deputy", Role.BUYER), comment="not ours: misrouted"
        )
        await intake_when(service, received.workflow_id, lambda s: s.status == IntakeStatus.DONE)
    with engine.connect() as connection:
        told = connection.execute(
            text(
                "SELECT recipient, notification_id FROM notifications WHERE notification_id LIKE :t ORDER BY 1"
            ),
            {"t": f"task:{task_id}:%"},
        ).all()
    assert [(r, n.split(":")[-2]) for r, n in told] == [("dan.deputy", "1"), ("rosa.reviewer", "opened")]


async def test_an_x12_interchange_fans_out_one_signal_per_po(env, engine):
    from models import Acknowledgment, AckStatus
    from tools.supplier_sim.x12 import SUPPLIERS, render_855

    first, second = make_po(unique("PO")), make_po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handles = [await issued(env.client, queue, order) for order in (first, second)]
        acks = [
            Acknowledgment(
                ack_id=f"OA-{order.po_number}",
                po_number=order.po_number,
                vendor_id="ACME",
                status=AckStatus.ACCEPTED,
                acknowledged_at="2026-11-30T00:00:00Z",
            )
            for order in (first, second)
        ]
        raw = render_855(acks, supplier=SUPPLIERS["ACME"], orders={o.po_number: o for o in (first, second)})
        received = await door(env, engine, queue).receive_file(raw, filename="acme-855.edi", by=caller())
        assert received.status == "done", received
        assert sorted((f["format"], f["po_number"], f["status"]) for f in received.found) == sorted(
            ("x12-855", order.po_number, "delivered") for order in (first, second)
        )
        for handle in handles:
            for _ in range(100):
                if (await state(handle)).status == PoStatus.ACKNOWLEDGED:
                    break
                await asyncio.sleep(0.05)
            assert (await state(handle)).status == PoStatus.ACKNOWLEDGED


async def test_an_edifact_despatch_advice_is_recorded_on_its_po(env, engine):
    from models import ShipNotice
    from tools.supplier_sim.edifact import render_desadv

    order = make_po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        notice = ShipNotice(
            asn_id="DN-5531",
            po_number=order.po_number,
            vendor_id="ACME",
            shipped_at="2026-11-30T08:00:00Z",
            expected_delivery="2026-12-03",
            lines=[{"line_no": 1, "quantity_shipped": "100"}, {"line_no": 2, "quantity_shipped": "150"}],
        )
        raw = render_desadv([notice], control_reference="77", now=datetime(2026, 11, 30, tzinfo=UTC))
        received = await door(env, engine, queue).receive_file(raw, filename="desadv.edi", by=caller())
        assert [(f["format"], f["status"]) for f in received.found] == [("edifact-DESADV", "delivered")]
        for _ in range(100):
            if (await state(handle)).ship_notices:
                break
            await asyncio.sleep(0.05)
        s = await state(handle)
    assert [(line.line_no, line.quantity_shipped) for line in s.ship_notices[0].lines] == [
        (1, Decimal("100")),
        (2, Decimal("150")),
    ]
    assert any(e.event == "shipped" and "expected 2026-12-03" in e.detail for e in s.timeline)


async def test_x12_senders_get_a_997_accepting_or_rejecting_at_the_segment(env, engine):
    from tools.supplier_sim import x12

    sample = next(s for s in x12.sample_set() if s.expected and s.expected[0]["kind"] == "acknowledgment")
    broken = sample.raw.replace(b"BAK", b"BAQ", 1)
    async with running_worker(env.client, engine) as queue:
        service = door(env, engine, queue)
        good = await service.receive_file(sample.raw, filename="ok.edi", by=caller())
        bad = await service.receive_file(broken, filename="bad.edi", by=caller())
        # The sample names a PO this server does not know: its review must not be
        # left waiting on a timer (it would stall time skipping for later tests).
        for item in good.found:
            if item["task_id"]:
                await service.decide(
                    item["task_id"], "discard", caller("carl.clerk"), comment="test: PO not here"
                )
        await intake_when(service, good.workflow_id, lambda s: s.status == IntakeStatus.DONE)
    accepted = repository.get_document_bytes(engine, f"997:{good.sha256}")
    rejected = repository.get_document_bytes(engine, f"997:{bad.sha256}")
    assert b"ST*997" in accepted.replace(b"|", b"*") and b"AK5*A" in accepted.replace(b"|", b"*")
    assert bad.status == "failed" and b"AK5*R" in rejected.replace(b"|", b"*")


async def test_an_intake_with_a_review_replays_deterministically(env, engine):
    from temporalio.contrib.pydantic import pydantic_data_converter
    from temporalio.worker import Replayer

    from workflows.document_intake import DocumentIntakeWorkflow

    order = make_po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        await issued(env.client, queue, order)
        service = door(env, engine, queue)
        wrong = full_invoice(order, "INV-R1").model_dump(mode="json") | {"po_number": "PO-TYPO"}
        received = await service.receive_file(json.dumps(wrong).encode(), filename="typo.json", by=caller())
        await service.decide(
            received.found[0]["task_id"],
            "send_on",
            caller("carl.clerk"),
            document=wrong | {"po_number": order.po_number},
        )
        await intake_when(service, received.workflow_id, lambda s: s.status == IntakeStatus.DONE)
        history = await env.client.get_workflow_handle(received.workflow_id).fetch_history()
    await Replayer(
        workflows=[DocumentIntakeWorkflow], data_converter=pydantic_data_converter
    ).replay_workflow(history)


async def test_a_review_the_matrix_routes_goes_to_its_role(env, engine):
    """A band for reviews (issue #16 item 2): invoices of 1,000 or more read
    from a file go to an AP manager; a clerk is refused, the manager decides."""
    from activities.db.approval_matrix import list_bands, replace_bands
    from identity.roles import Role
    from models.approvals import ApprovalBand, ApprovalLevel

    seeded = list_bands(engine)
    band = ApprovalBand(
        name="review of a large invoice",
        task="review_document",
        min_total=Decimal("1000"),
        flags=["invoice"],
        levels=[ApprovalLevel(role="ap_manager")],
    )
    with engine.begin() as connection:
        replace_bands(connection, [band, *seeded])
    try:
        order = make_po(unique("PO"))
        async with running_worker(env.client, engine) as queue:
            await issued(env.client, queue, order)
            service = door(env, engine, queue)
            wrong = full_invoice(order, "INV-77").model_dump(mode="json") | {"po_number": "PO-NOSUCH"}
            received = await service.receive_file(
                json.dumps(wrong).encode(), filename="inv.json", by=caller()
            )
            task = repository.get_task(engine, received.found[0]["task_id"])
            assert task is not None and task.assignee_role == "ap_manager"
            assert task.context["band"].startswith("review of a large invoice (total 2140.00 USD from 1000")
            corrected = wrong | {"po_number": order.po_number}
            with pytest.raises(Exception, match="does not hold the role ap_manager"):
                await service.decide(
                    task.task_id, "send_on", caller("carl.clerk", Role.AP_CLERK), document=corrected
                )
            anna = caller("anna.apmanager", Role.AP_MANAGER)
            done = await service.decide(task.task_id, "send_on", anna, document=corrected)
            assert done.decided_by == "anna.apmanager"
    finally:
        with engine.begin() as connection:
            replace_bands(connection, seeded)


@pytest.mark.parametrize("patch_id", [PATCH_REVIEW_MATRIX, PATCH_REVIEW_PEOPLE])
async def test_a_review_from_before_the_patch_replays_as_it_ran(env, engine, patch_id: str):
    """Recorded without the patch marker, as the code before reviews were
    routed by the matrix (review-matrix) or named people (review-people) ran
    it: today's code replays it; the same code without the guard would not."""
    queue = f"poflow-before-{patch_id}-{unique('Q')}"
    async with worker_before(
        env.client, engine, queue, patch_id, workflows=[DocumentIntakeWorkflow, PurchaseOrderWorkflow]
    ):
        service = door(env, engine, queue)
        order = make_po(unique("PO"))
        wrong = full_invoice(order, f"INV-{patch_id}").model_dump(mode="json") | {"po_number": "PO-NOWHERE"}
        received = await service.receive_file(json.dumps(wrong).encode(), filename="before.json", by=caller())
        assert received.status == "needs_review"
        handle = env.client.get_workflow_handle(received.workflow_id)
        history = await handle.fetch_history()
        await handle.terminate("test done")  # with the worker running: the clock must not stall
    await assert_guarded(history, patch_id, DocumentIntakeWorkflow, IntakeWithoutTheGuard)
