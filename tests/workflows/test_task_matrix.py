"""The approval matrix routes more than a PO's approval (issue #16 item 2), on
the time-skipping server with the seeded matrix (seed/approval_matrix.json):
a hold on an invoice of 25,000 or more, or one suspected to be a duplicate,
goes to an AP manager; a supplier's change on a PO of 50,000 or more goes to a
procurement manager. The task names the role and its band; whoever does not
hold the role is refused by the workflow's validator. Runs started before
this change keep their role-only tasks and replay as they ran."""

from __future__ import annotations

from contextlib import suppress
from decimal import Decimal

import pytest
from temporalio.client import WorkflowFailureError

from models import InvoiceStatus, PoStatus, TaskKind
from tests.support.builders import (
    ack,
    decide,
    full_receipt,
    invoice,
    po,
    running_worker,
    start,
    unique,
)
from tests.support.replay import PurchaseOrderWithoutTheGuard, assert_guarded, worker_before
from tests.support.workflows import eventually, open_task, refused
from workflows.contract import PoSignal
from workflows.po_steps.patches import PATCH_BANK_DETAILS_DUTY, PATCH_TASK_MATRIX
from workflows.purchase_order import PurchaseOrderWorkflow

# ACME's seeded prices: gloves 11.90, bearings 4.75 (200 of them: 950.00).
LARGE = "2500"  # gloves: 29,750 + 950 = 30,700 USD: one budget owner approves; its invoice ≥ 25,000
MAJOR = "5000"  # 59,500 + 950 = 60,450 USD: budget owner, then procurement manager


async def approve_all_levels(handle, approvers: list[str]) -> None:
    for approver in approvers:
        s = await eventually(handle, lambda s: s.has_open_task(TaskKind.APPROVE_PO))
        await decide(handle, open_task(s, TaskKind.APPROVE_PO).task_id, "approve", actor=approver)
    await eventually(handle, lambda s: s.status == PoStatus.ISSUED)


async def test_a_hold_on_a_large_invoice_goes_to_an_ap_manager(env, engine):
    order = po(unique("PO"), gloves=LARGE)
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        await approve_all_levels(handle, ["alice.approver"])
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        await handle.signal(
            PoSignal.INVOICE, invoice(order, "INV-BIG", {1: (LARGE, "12.90"), 2: ("200", "4.75")})
        )
        s = await eventually(handle, lambda s: s.has_open_task(TaskKind.RESOLVE_INVOICE_HOLD))
        task = open_task(s, TaskKind.RESOLVE_INVOICE_HOLD)
        assert task.assignee_role == "ap_manager"
        assert task.context["band"].startswith("hold on a large invoice (total 33200.00 USD from 25000")
        await refused(
            decide(
                handle, task.task_id, "accept_variance", actor="carl.clerk", roles=["ap_clerk"], comment="ok"
            ),
            "does not hold the role ap_manager",
        )
        await decide(
            handle,
            task.task_id,
            "accept_variance",
            actor="anna.apmanager",
            roles=["ap_manager"],
            comment="ok",
        )
        s = await eventually(handle, lambda s: s.invoices[0].status == InvoiceStatus.APPROVED)
    assert s.invoices[0].released_holds[0].released_by == "anna.apmanager"


async def test_a_small_hold_stays_with_the_ap_clerks(env, engine):
    order = po(unique("PO"))  # 100 gloves and 200 bearings: 2,140 USD
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-SMALL", {1: ("100", "12.90")}))
        s = await eventually(handle, lambda s: s.has_open_task(TaskKind.RESOLVE_INVOICE_HOLD))
    task = open_task(s, TaskKind.RESOLVE_INVOICE_HOLD)
    assert task.assignee_role == "ap_clerk" and "band" not in task.context  # no band: its default role


async def test_a_supplier_change_on_major_spend_goes_to_a_procurement_manager(env, engine):
    order = po(unique("PO"), gloves=MAJOR)
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        await approve_all_levels(handle, ["alice.approver", "pat.procurement"])
        change = [{"line_no": 1, "status": "changed", "unit_price": "12.60"}]  # +5.9 %: outside tolerance
        await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order, status="accepted_with_changes", lines=change))
        s = await eventually(handle, lambda s: s.has_open_task(TaskKind.APPROVE_SUPPLIER_CHANGE))
        task = open_task(s, TaskKind.APPROVE_SUPPLIER_CHANGE)
        assert task.assignee_role == "procurement_manager"
        assert task.context["band"].startswith("supplier change on major spend")
        await refused(
            decide(handle, task.task_id, "accept_change", actor="bob.buyer", roles=["buyer"]),
            "does not hold the role procurement_manager",
        )
        await decide(
            handle, task.task_id, "accept_change", actor="paula.procurement", roles=["procurement_manager"]
        )
        s = await eventually(handle, lambda s: s.po.revision == 1)
    assert s.po.lines[0].unit_price == Decimal("12.60")


@pytest.mark.parametrize("patch_id", [PATCH_TASK_MATRIX, PATCH_BANK_DETAILS_DUTY])
async def test_a_run_from_before_the_patch_replays_as_it_ran(env, engine, patch_id: str):
    """Recorded without the patch (as the code before this change ran it): the
    large invoice's hold task opened with no route (task-matrix) or without
    asking who changed the bank details (bank-details-duty); today's code
    replays it, and the same code without the guard would not."""
    order = po(unique("PO"), gloves=LARGE)
    queue = f"poflow-before-{patch_id}-{unique('Q')}"
    async with worker_before(env.client, engine, queue, patch_id):
        handle = await start(env.client, queue, order)
        await approve_all_levels(handle, ["alice.approver"])
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        await handle.signal(
            PoSignal.INVOICE, invoice(order, "INV-OLD", {1: (LARGE, "12.90"), 2: ("200", "4.75")})
        )
        s = await eventually(handle, lambda s: s.has_open_task(TaskKind.RESOLVE_INVOICE_HOLD))
        history = await handle.fetch_history()
        await handle.cancel()  # with the worker running: the test server's clock must not stall
        with suppress(WorkflowFailureError):
            await handle.result()
    if patch_id == PATCH_TASK_MATRIX:
        assert open_task(s, TaskKind.RESOLVE_INVOICE_HOLD).assignee_role == "ap_clerk"
    await assert_guarded(history, patch_id, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard)


async def test_whoever_changed_the_vendors_bank_details_cannot_release_its_invoice(env, engine):
    """Segregation of duties (issue #16 item 3): the hold task records who last
    changed ACME's bank account; the validator refuses them, not another clerk."""
    from datetime import UTC, datetime

    from activities.db.vendor_bank import record_bank_change

    record_bank_change(
        engine,
        "ACME",
        iban="DE89 3704 0044 0532 0130 00",
        changed_by="vera.vendormaster",
        reason="supplier's letter of 2026-12-01",
        now=datetime.now(UTC),
    )
    order = po(unique("PO"))
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        await handle.signal(PoSignal.INVOICE, invoice(order, "INV-BANK", {1: ("100", "12.90")}))
        s = await eventually(handle, lambda s: s.has_open_task(TaskKind.RESOLVE_INVOICE_HOLD))
        assert s.invoices[0].bank_changed_by == "vera.vendormaster"
        task_id = open_task(s, TaskKind.RESOLVE_INVOICE_HOLD).task_id
        await refused(
            decide(
                handle, task_id, "accept_variance", actor="Vera.VendorMaster", comment="ok"
            ),  # any spelling
            "Vera.VendorMaster changed ACME's bank details and cannot release its invoices to payment",
        )
        await decide(handle, task_id, "accept_variance", actor="carl.clerk", comment="ok")
        s = await eventually(handle, lambda s: s.invoices[0].status == InvoiceStatus.APPROVED)
        history = await handle.fetch_history()
    assert "DE89" not in history.to_json()  # who changed it is in the history; nothing of the account
