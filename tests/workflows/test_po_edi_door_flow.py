"""The PO door end to end (#19): a buyer ERP's 850 through the file door,
on the time-skipping test server with the real worker and a seeded SQLite
database — the PO workflow runs on the order as read, a re-sent 850 starts
nothing, an order to a vendor the master does not know starts nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from temporalio.testing import WorkflowEnvironment

from activities.intake.edifact.write import render_orders
from activities.intake.x12.write_850 import render_850
from models import PoStatus
from starter.errors import Duplicate, Invalid
from starter.operations import PoflowService
from tests.support.builders import po as make_po
from tests.support.builders import running_worker, seeded_sqlite, settings_for, state, unique
from tests.support.identity import caller
from workflows.contract import po_workflow_id

NOW = datetime(2026, 12, 1, 9, 15, tzinfo=UTC)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    engine = seeded_sqlite(tmp_path_factory.mktemp("po-door") / "poflow.db")
    yield engine
    engine.dispose()


def door(env: WorkflowEnvironment, engine, queue: str) -> PoflowService:
    return PoflowService(env.client, engine, settings_for(str(engine.url), queue))


async def validated(handle):
    """The state once the workflow has validated the order (approval or issued next)."""
    for _ in range(300):
        s = await state(handle)
        if s.status != PoStatus.VALIDATING:
            return s
        await asyncio.sleep(0.05)
    raise AssertionError("the PO workflow did not get past validation")


async def test_an_erp_850_through_the_file_door_runs_as_its_po(env, engine):
    order = make_po(unique("PO"), requested_by=None)
    raw = render_850(order, sender_id="ERPBUYER", receiver_id="ACMEIND", control_number=901, now=NOW)
    async with running_worker(env.client, engine) as queue:
        service = door(env, engine, queue)
        received = await service.receive_file(raw, filename="order.x12", by=caller())
        assert received.workflow_id == po_workflow_id(order.po_number)
        assert [(f["po_number"], f["status"]) for f in received.found] == [(order.po_number, "delivered")]
        s = await validated(env.client.get_workflow_handle(received.workflow_id))
        with pytest.raises(Duplicate):
            await service.receive_file(raw, filename="order-again.x12", by=caller())
    assert s.status in (PoStatus.PENDING_APPROVAL, PoStatus.ISSUED), s.timeline
    assert s.po.po_number == order.po_number and s.po.vendor_id == order.vendor_id
    assert [(line.line_no, line.item_id, line.quantity, line.unit_price) for line in s.po.lines] == [
        (line.line_no, line.item_id, line.quantity, line.unit_price) for line in order.lines
    ]


async def test_an_orders_for_a_vendor_the_master_does_not_know_starts_nothing(env, engine):
    order = make_po(unique("PO"), vendor="NOSUCH-VENDOR")
    raw = render_orders(order, sender_id="ERPBUYER", receiver_id="ACMEIND", control_reference="77", now=NOW)
    async with running_worker(env.client, engine) as queue:
        service = door(env, engine, queue)
        with pytest.raises(Invalid) as refused:
            await service.receive_file(raw, filename="order.edi", by=caller())
    assert "unknown vendor 'NOSUCH-VENDOR'" in refused.value.message
    assert "NAD+SU element 2.1" in refused.value.message
    assert "nothing was started" in refused.value.message


async def test_a_supplier_named_by_its_edi_partner_id_is_that_vendor(env, engine):
    """NAD+SU with Nordic's GLN (its EDI partner id in the seeded master; UNH 1, BGM 2, DTM 3,
    NAD+BY 4, CTA+PD 5: NAD+SU is segment 6) orders from NORDIC."""
    order = make_po(unique("PO"), vendor="7350012340005", requested_by=None)
    raw = render_orders(order, sender_id="ERPBUYER", receiver_id="NORDIC", control_reference="78", now=NOW)
    async with running_worker(env.client, engine) as queue:
        service = door(env, engine, queue)
        received = await service.receive_file(raw, filename="order.edi", by=caller())
        s = await validated(env.client.get_workflow_handle(received.workflow_id))
    assert s.po.vendor_id == "NORDIC"
    assert (
        "NAD+SU element 2.1 (segment 6): 7350012340005 is the EDI partner id of vendor NORDIC"
        in (received.found[0]["warnings"])
    )
