"""RANDOM_AUDIT and MANUAL holds, match levels from the item master and the
policy's duplicate settings in PurchaseOrderWorkflow, on the time-skipping
test server with the real activities against a seeded SQLite database.

The database's `standard` policy (ACME's) samples 100 % of the invoices from
5,000.00 USD for the random audit, so which invoice is drawn is known, and
has a 7-day duplicate window."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from sqlalchemy import text
from temporalio.client import WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from activities.db import repository
from activities.db.master_data import get_policy, upsert_policy
from models import HoldCode, InvoiceRecord, InvoiceStatus, PoStatus, TaskKind
from models.purchase_order import MatchLevel
from models.workflow_state import HoldRequest
from tests.support.builders import (
    ack,
    decide,
    full_invoice,
    full_receipt,
    invoice,
    po,
    receipt,
    running_worker,
    seeded_sqlite,
    unique,
)
from tests.support.workflows import eventually, finished, issued, open_task, refused
from workflows.contract import PoSignal, PoUpdate
from workflows.purchase_order import PurchaseOrderWorkflow

D = Decimal


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    engine = seeded_sqlite(tmp_path_factory.mktemp("wf-holds") / "poflow.db")
    policy = get_policy(engine, "standard")
    assert policy is not None
    with engine.begin() as connection:
        upsert_policy(
            connection,
            policy.model_copy(
                update={"audit_sample_pct": D(100), "audit_min_amount": D(5000), "duplicate_window_days": 7}
            ),
        )
    yield engine
    engine.dispose()


async def hold(
    handle: WorkflowHandle,
    number: str,
    *,
    actor: str = "carl.clerk",
    reason: str = "bank details changed by e-mail; verify with the supplier",
    line_no: int | None = None,
) -> InvoiceRecord:
    return await handle.execute_update(
        PoUpdate.HOLD_INVOICE,
        HoldRequest(invoice_number=number, actor=actor, reason=reason, line_no=line_no),
        result_type=InvoiceRecord,
    )


def open_codes(record: InvoiceRecord) -> set[HoldCode]:
    return {h.code for h in record.open_holds}


def stored_requests(engine, invoice_id: str) -> list[dict]:
    with engine.connect() as conn:
        rows = (
            conn.execute(text("SELECT request FROM match_results WHERE invoice_id = :i"), {"i": invoice_id})
            .scalars()
            .all()
        )
    return [row if isinstance(row, dict) else json.loads(row) for row in rows]


# --- RANDOM_AUDIT -------------------------------------------------------------------------------


async def test_random_audit_hold_is_not_released_by_a_rematch_only_by_a_person(env, engine):
    order = po(unique("PO"), gloves="400")  # 4,760.00 + 950.00 = 5,710.00 USD: in the sample
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.INVOICE, full_invoice(order, "INV-AUD1"))
        s = await eventually(
            handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None and bool(s.open_tasks)
        )
        record = s.invoices[0]
        assert record.audit is not None and record.audit.selected and record.audit.chance_pct == D(100)
        assert record.audit.draw_pct == D(
            record.audit.draw_pct
        )  # recorded, reproducible (p2p.audit_sample tests)
        assert open_codes(record) == {HoldCode.NO_RECEIPT, HoldCode.RANDOM_AUDIT}
        audit = next(h for h in record.open_holds if h.code == HoldCode.RANDOM_AUDIT)
        assert audit.source == "policy standard v1"
        assert audit.tolerance is not None and "100% of invoices from 5,000.00 USD" in audit.tolerance
        assert any(e.event == "audit_selected" for e in s.timeline)
        task = open_task(s, TaskKind.RESOLVE_INVOICE_HOLD)  # an audit is a question for a person at once

        await handle.signal(
            PoSignal.RECEIPT, full_receipt(order)
        )  # the re-match clears what the receipt answers…
        s = await eventually(
            handle,
            lambda s: (
                len(s.receipts) == 1
                and s.invoices[0].match is not None
                and HoldCode.NO_RECEIPT not in open_codes(s.invoices[0])
            ),
        )
        assert s.invoices[0].status == InvoiceStatus.HELD  # …but not the audit
        assert open_codes(s.invoices[0]) == {HoldCode.RANDOM_AUDIT}
        assert open_task(s, TaskKind.RESOLVE_INVOICE_HOLD).task_id == task.task_id

        await decide(
            handle,
            task.task_id,
            "accept_variance",
            actor="anna.auditor",
            comment="documents checked against the delivery",
        )
        final = await finished(handle)
    assert final.status == PoStatus.CLOSED
    assert [(h.code, h.released_by) for h in final.invoices[0].released_holds] == [
        (HoldCode.RANDOM_AUDIT, "anna.auditor")
    ]
    [request, *_] = stored_requests(engine, final.invoices[0].document_id)
    assert request["audit_selected"] is True and request["duplicate_window_days"] == 7


async def test_invoice_below_the_audit_minimum_is_recorded_as_not_drawn(env, engine):
    order = po(unique("PO"))  # 2,140.00 USD: below the 5,000.00 minimum
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        await handle.signal(PoSignal.INVOICE, full_invoice(order, "INV-AUD2"))
        final = await finished(handle)
    record = final.invoices[0]
    assert record.status == InvoiceStatus.APPROVED
    assert record.audit is not None and (record.audit.selected, record.audit.chance_pct) == (False, D(0))
    # The duplicate window comes from the policy, recorded in every match request.
    assert {r["duplicate_window_days"] for r in stored_requests(engine, record.document_id)} == {7}


# --- MANUAL ------------------------------------------------------------------------------------------


async def test_manual_hold_is_placed_by_a_person_and_not_released_by_a_rematch(env, engine):
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.INVOICE, full_invoice(order, "INV-M1"))
        s = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
        assert open_codes(s.invoices[0]) == {HoldCode.NO_RECEIPT} and not s.open_tasks

        await refused(hold(handle, "INV-NOPE"), "no invoice INV-NOPE")
        await refused(hold(handle, "INV-M1", line_no=9), "line 9 is not on")
        record = await hold(handle, "inv m1")  # the number as people type it
        assert record.status == InvoiceStatus.HELD
        assert open_codes(record) == {HoldCode.NO_RECEIPT, HoldCode.MANUAL}
        manual = next(h for h in record.open_holds if h.code == HoldCode.MANUAL)
        assert (
            manual.message == "Held by carl.clerk: bank details changed by e-mail; verify with the supplier"
        )
        assert manual.source == "manual hold by carl.clerk"
        s = await eventually(handle, lambda s: bool(s.open_tasks))
        task = open_task(s, TaskKind.RESOLVE_INVOICE_HOLD)
        assert task.subject_id == record.document_id
        assert manual.message in task.context.values()
        assert [(e.event, e.actor) for e in s.timeline if e.event == "manual_hold"] == [
            ("manual_hold", "carl.clerk")
        ]

        await handle.signal(PoSignal.RECEIPT, full_receipt(order))  # clears NO_RECEIPT, not the person's hold
        s = await eventually(
            handle, lambda s: len(s.receipts) == 1 and HoldCode.NO_RECEIPT not in open_codes(s.invoices[0])
        )
        assert s.invoices[0].status == InvoiceStatus.HELD and open_codes(s.invoices[0]) == {HoldCode.MANUAL}

        await refused(
            decide(handle, task.task_id, "accept_variance", actor="wally.warehouse", comment="ok"),
            "received the goods",
        )
        await decide(
            handle,
            task.task_id,
            "accept_variance",
            actor="anna.apmanager",
            comment="bank details confirmed by phone",
        )
        final = await finished(handle)
        history = await handle.fetch_history()
    assert final.status == PoStatus.CLOSED
    [released] = final.invoices[0].released_holds
    assert (released.code, released.released_by, released.release_reason) == (
        HoldCode.MANUAL,
        "anna.apmanager",
        "bank details confirmed by phone",
    )
    # Placing and releasing a hold replays deterministically.
    await Replayer(workflows=[PurchaseOrderWorkflow], data_converter=pydantic_data_converter).replay_workflow(
        history
    )


# --- match level from the item master ------------------------------------------------------------------


async def test_match_levels_come_from_the_item_master_and_a_looser_po_level_is_overruled(env, engine):
    base = po(unique("PO"))
    lines = [
        base.lines[0].model_copy(update={"match_level": MatchLevel.TWO_WAY}),  # item says 3-way
        base.lines[1].model_copy(update={"match_level": MatchLevel.FOUR_WAY}),
    ]  # stricter: kept
    order = base.model_copy(update={"lines": lines})
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        s = await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
        assert [(line.match_level, line.match_level_source) for line in s.po.lines] == [
            (MatchLevel.THREE_WAY, "item MRO-GLOVE-NITRILE-L"),
            (MatchLevel.FOUR_WAY, "PO line (stricter than 3-way from item MRO-BEARING-6204)"),
        ]
        assert s.po.revision == 0
        overruled = [e.detail for e in s.timeline if e.event == "match_level_overruled"]
        assert overruled == [
            "line 1: the PO asks for 2-way, looser than 3-way from item MRO-GLOVE-NITRILE-L; "
            "3-way applies (a PO may make a line stricter, not looser)"
        ]

        await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "100"}))
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-L1", {1: ("100", "11.90")}))
        s = await eventually(
            handle, lambda s: bool(s.invoices) and s.invoices[0].status == InvoiceStatus.APPROVED
        )
        await refused(hold(handle, "INV-L1"), "already approved")  # a manual hold comes too late for it

        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-L2", {2: ("200", "4.75")}))
        s = await eventually(handle, lambda s: len(s.invoices) == 2 and s.invoices[1].match is not None)
        [no_receipt] = s.invoices[1].open_holds
        assert (no_receipt.code, no_receipt.tolerance) == (
            HoldCode.NO_RECEIPT,
            "goods receipt required (4-way match) · PO line (stricter than 3-way from item MRO-BEARING-6204)",
        )


# --- duplicates: a rejected invoice is no original ----------------------------------------------------------


def store(engine, document) -> None:
    """What the door does before it signals (the candidates are read from the stored documents)."""
    repository.store_document(
        engine,
        document_id=document.document_id,
        kind="invoice",
        raw=document.model_dump_json().encode(),
        content_type="application/json",
        source="test",
        po_number=document.po_number,
    )


async def test_corrected_resend_of_a_rejected_invoice_is_not_a_suspected_duplicate(env, engine):
    order = po(unique("PO"))
    number = unique("INV")
    wrong = invoice(order, number, {1: ("100", "11.90"), 3: ("200", "4.75")})  # line 3 is not on the PO
    corrected = invoice(
        order, number + "A", {1: ("100", "11.90"), 2: ("200", "4.75")}
    )  # same total, near number
    assert wrong.total == corrected.total
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        store(engine, wrong)
        await handle.signal(PoSignal.INVOICE, wrong)
        s = await eventually(handle, lambda s: bool(s.open_tasks))
        assert HoldCode.UNKNOWN_LINE in open_codes(s.invoices[0])
        await decide(
            handle,
            s.open_tasks[0].task_id,
            "reject_invoice",
            actor="carl.clerk",
            comment="line 3 is not on the PO; please re-send",
        )
        store(engine, corrected)
        await handle.signal(PoSignal.INVOICE, corrected)
        final = await finished(handle)
    assert [r.status for r in final.invoices] == [InvoiceStatus.REJECTED, InvoiceStatus.APPROVED]
    assert all(h.code != HoldCode.SUSPECTED_DUPLICATE for h in final.invoices[1].match.holds)  # type: ignore[union-attr]
    # The door's own check would flag it against a live invoice: only the rejection excludes it.
    candidates = repository.find_invoice_candidates(engine, vendor_id="ACME", exclude_document_id="x")
    assert wrong.document_id not in {c.document_id for c in candidates}
    assert corrected.document_id in {c.document_id for c in candidates}
