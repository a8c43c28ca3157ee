"""Resetting a finished PO repeats no side effect (issue #18 item 2). A clean
lifecycle (issued by e-mail, acknowledged, received, invoiced, paid, closed)
runs on the real dev server; then it is reset, as an SRE would
(`temporal workflow reset`), to early, middle and late points of its
history, with the signals re-applied, and each new run goes to the end
again. Every side effect is keyed (activities/db/outbox.py): the PO's
transmission (po_issues, outbound_messages), the supplier's and people's
messages (notifications) and the payment hand-off (payment_handoffs) are
each still there exactly once, with the same identifiers."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.enums.v1 import EventType, ResetReapplyType
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from models import PoStatus, PurchaseOrderState
from tests.support.builders import ack, invoice, po, receipt, running_worker, seeded_sqlite, start, unique
from tests.support.workflows import eventually
from workflows.contract import PoSignal

pytestmark = pytest.mark.devserver

SIDE_EFFECTS = {
    "po_issues": "SELECT po_number || ':' || revision || ':' || message_id FROM po_issues WHERE po_number = :po",
    "outbound_messages": "SELECT message_id || ':' || coalesce(interchange_control, '') FROM outbound_messages "
    "WHERE po_number = :po",
    "notifications": "SELECT notification_id FROM notifications WHERE po_number = :po",
    "payment_handoffs": "SELECT invoice_id || ':' || payment_reference || ':' || amount FROM payment_handoffs "
    "WHERE po_number = :po",
}


def side_effects(engine: Engine, po_number: str) -> dict[str, list[str]]:
    with engine.connect() as connection:
        return {
            table: sorted(str(row[0]) for row in connection.execute(text(query), {"po": po_number}))
            for table, query in SIDE_EFFECTS.items()
        }


async def reset_to(client: Client, workflow_id: str, run_id: str, workflow_task_completed: int) -> str:
    """`temporal workflow reset --event-id N` of run `run_id`: a new run from
    that point, the signals after it re-applied; returns the new run's id."""
    response = await client.workflow_service.reset_workflow_execution(
        ResetWorkflowExecutionRequest(
            namespace=client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=workflow_id, run_id=run_id),
            reason="test: a reset repeats no side effect",
            workflow_task_finish_event_id=workflow_task_completed,
            request_id=str(uuid.uuid4()),
            reset_reapply_type=ResetReapplyType.RESET_REAPPLY_TYPE_SIGNAL,
        )
    )
    return response.run_id


async def closed(handle: WorkflowHandle) -> PurchaseOrderState:
    final = await eventually(handle, lambda s: s.status == PoStatus.CLOSED, seconds=60)
    await handle.result()
    return final


async def test_resetting_a_paid_po_pays_sends_and_tells_nothing_twice(
    dev_server_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    client = dev_server_env.client
    engine = seeded_sqlite(tmp_path / "poflow.db")
    order = po(unique("PO"))  # ACME on e-mail: 100 gloves, 200 bearings, auto-approved
    try:
        async with running_worker(client, engine) as queue:
            handle = await start(client, queue, order)
            await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
            await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
            await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "100", 2: "200"}))
            bill = invoice(order, "INV-RESET-1", {1: ("100", "11.90"), 2: ("200", "4.75")})
            await handle.signal(PoSignal.INVOICE, bill)
            first = await closed(handle)
            assert first.invoices[0].status == "approved"
            before = side_effects(engine, order.po_number)
            # One transmission (its row and its PDF), one payment; the e-mail with the PO among the messages.
            assert [len(before[t]) for t in ("po_issues", "outbound_messages", "payment_handoffs")] == [
                1,
                1,
                1,
            ]
            assert f"issue:{order.po_number}:r0" in before["notifications"]

            history = await handle.fetch_history()
            completed = [
                e.event_id
                for e in history.events
                if e.event_type == EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED
            ]
            # The first workflow task (before the PO went out), the middle, the last,
            # each a reset of the first run (as a batch reset of runs would be).
            first_run = (await handle.describe()).run_id
            for point in (completed[0], completed[len(completed) // 2], completed[-1]):
                run_id = await reset_to(client, handle.id, first_run, point)
                again = client.get_workflow_handle(handle.id, run_id=run_id)
                final = await closed(again)
                assert [r.status for r in final.invoices] == ["approved"]
                assert side_effects(engine, order.po_number) == before, f"reset to event {point}"
    finally:
        engine.dispose()
