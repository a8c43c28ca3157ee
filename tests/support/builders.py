"""Builders for realistic test documents against the seeded master data
(seed/master_data.json: ACME sells gloves at 11.90, bearings at 4.75 USD)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import Engine
from temporalio.client import Client, WorkflowExecutionStatus, WorkflowFailureError, WorkflowHandle
from temporalio.worker import Worker

from activities.db import make_engine, migrate
from activities.db.seed import seed_master_data
from models import (
    Acknowledgment,
    GoodsReceipt,
    Invoice,
    PurchaseOrder,
    PurchaseOrderInput,
    PurchaseOrderState,
    TaskDecision,
)
from settings import Settings
from worker import create_worker
from workflows.contract import PoQuery, PoUpdate, WorkflowType, po_workflow_id

D = Decimal
ORDER_DATE = date(2026, 11, 2)


def po(
    number: str,
    *,
    vendor: str = "ACME",
    gloves: str = "100",
    bearings: str = "200",
    glove_price: str = "11.90",
    requested_by: str | None = "rita.requester",
    need_by: date | None = None,
    **extra: object,
) -> PurchaseOrder:
    # No need-by by default: the time-skipping server's clock runs ahead after
    # timer tests, and a need-by in its past would open an expedite task.
    need = need_by.isoformat() if need_by else None
    lines = [
        {
            "line_no": 1,
            "item_id": "MRO-GLOVE-NITRILE-L",
            "quantity": gloves,
            "unit_price": glove_price,
            "need_by": need,
        },
        {
            "line_no": 2,
            "item_id": "MRO-BEARING-6204",
            "quantity": bearings,
            "unit_price": "4.75",
            "need_by": need,
        },
    ]
    return PurchaseOrder.model_validate(
        {
            "po_number": number,
            "vendor_id": vendor,
            "buyer": "bob.buyer",
            "requested_by": requested_by,
            "currency": "USD",
            "order_date": ORDER_DATE.isoformat(),
            "lines": lines,
            **extra,
        }
    )


# LabWorks (on X12 EDI): 2 pipettes at 289.00, 1 centrifuge at 1,450.00, 10 racks of
# tips at 8.65 — 2,114.50 USD, lab equipment (4-way, lab-tips profile for the tips).
LAB_LINES = [
    {"line_no": 1, "item_id": "LAB-PIPETTE-1000", "quantity": "2", "unit_price": "289.00"},
    {"line_no": 2, "item_id": "LAB-CENTRIFUGE-MINI", "quantity": "1", "unit_price": "1450.00"},
    {"line_no": 3, "item_id": "LAB-TIPS-1000-RACK", "quantity": "10", "unit_price": "8.65"},
]


# Nordic Fasteners (on EDIFACT, EUR): 500 bolts and 500 nuts on contract.
NORDIC_LINES = [
    {"line_no": 1, "item_id": "FST-BOLT-M8X30-A2", "quantity": "500", "unit_price": "0.1840"},
    {"line_no": 2, "item_id": "FST-NUT-M8-A2", "quantity": "500", "unit_price": "0.0425"},
]


def nordic_order(number: str | None = None) -> PurchaseOrder:
    """A NORDIC PO under the approval threshold, issued as an EDIFACT ORDERS."""
    return po(number or unique("PO"), vendor="NORDIC", currency="EUR", lines=NORDIC_LINES)


def lab_order() -> PurchaseOrder:
    """A LabWorks PO under the approval threshold, issued as an X12 850."""
    return po(unique("PO"), vendor="LABWORKS", lines=LAB_LINES)


def ack(
    order: PurchaseOrder,
    ack_id: str = "ACK-1",
    status: str = "accepted",
    lines: list | None = None,
    message: str | None = None,
) -> Acknowledgment:
    return Acknowledgment.model_validate(
        {
            "ack_id": ack_id,
            "po_number": order.po_number,
            "vendor_id": order.vendor_id,
            "status": status,
            "lines": lines or [],
            "message": message,
            "acknowledged_at": datetime.now(UTC).isoformat(),
        }
    )


def receipt(
    order: PurchaseOrder,
    receipt_id: str,
    quantities: dict[int, str],
    rejected: dict[int, str] | None = None,
    received_by: str = "wally.warehouse",
) -> GoodsReceipt:
    rejected = rejected or {}
    return GoodsReceipt.model_validate(
        {
            "receipt_id": receipt_id,
            "po_number": order.po_number,
            "received_by": received_by,
            "received_at": datetime.now(UTC).isoformat(),
            "lines": [
                {"line_no": n, "quantity_received": q, "quantity_rejected": rejected.get(n, "0")}
                for n, q in quantities.items()
            ],
        }
    )


def invoice(
    order: PurchaseOrder,
    number: str,
    lines: dict[int, tuple[str, str]],
    *,
    kind: str = "invoice",
    total: Decimal | None = None,
    **extra: object,
) -> Invoice:
    """lines: {line_no: (quantity, unit_price)}; total defaults to the exact sum."""
    computed = sum((D(q) * D(p) for q, p in lines.values()), D(0)).quantize(D("0.01"))
    return Invoice.model_validate(
        {
            "invoice_number": number,
            "kind": kind,
            "vendor_id": order.vendor_id,
            "po_number": order.po_number,
            "invoice_date": "2026-11-20",
            "currency": order.currency,
            "lines": [{"line_no": n, "quantity": q, "unit_price": p} for n, (q, p) in lines.items()],
            "total": str(total if total is not None else computed),
            **extra,
        }
    )


def full_invoice(order: PurchaseOrder, number: str = "INV-1") -> Invoice:
    return invoice(
        order, number, {line.line_no: (str(line.quantity), str(line.unit_price)) for line in order.lines}
    )


def full_receipt(order: PurchaseOrder, receipt_id: str = "GR-1") -> GoodsReceipt:
    return receipt(order, receipt_id, {line.line_no: str(line.quantity) for line in order.lines})


def settings_for(db_url: str, task_queue: str) -> Settings:
    return Settings(
        home=Path("."),
        database_url=db_url,
        temporal_address="",
        temporal_namespace="default",
        task_queue=task_queue,
        api_host="127.0.0.1",
        api_port=0,
        ui_url="http://ui",
        webhook_url=None,
    )


def seeded_sqlite(path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    seed_master_data(engine)
    return engine


# Workflows started by start(), with the client (so the server) they run on.
_started: list[tuple[Client, WorkflowHandle]] = []


@asynccontextmanager
async def running_worker(client: Client, engine: Engine) -> AsyncIterator[str]:
    """A worker on a fresh task queue; yields the queue name.

    Workflows the test left running are cancelled (and their cancellation
    awaited) while the worker still runs: on the time-skipping test server a
    workflow with pending timers and no worker -- or a terminated one -- stops
    the clock from skipping for every later test."""
    queue = f"poflow-test-{uuid.uuid4().hex[:8]}"
    async with create_worker(client, engine, settings_for(str(engine.url), queue)):
        try:
            yield queue
        finally:
            # Only this server's: a module with a time-skipping server of its own
            # may have left handles on a server that is gone by now.
            mine = [handle for on, handle in _started if on is client]
            _started[:] = [(on, handle) for on, handle in _started if on is not client]
            for handle in reversed(mine):
                if (await handle.describe()).status == WorkflowExecutionStatus.RUNNING:
                    await handle.cancel()
                    with suppress(WorkflowFailureError):
                        await handle.result()


async def start(client: Client, queue: str, order: PurchaseOrder, **kwargs: object) -> WorkflowHandle:
    handle = await client.start_workflow(
        WorkflowType.PURCHASE_ORDER,
        PurchaseOrderInput(po=order, **kwargs),
        id=po_workflow_id(order.po_number),
        task_queue=queue,
        # No result_type: a run's result is a small PoOutcome (a run started
        # before PATCH_SMALL_RESULT: the whole state); `state()` reads the state.
    )
    _started.append((client, handle))
    return handle


async def state(handle: WorkflowHandle) -> PurchaseOrderState:
    return await handle.query(PoQuery.STATE, result_type=PurchaseOrderState)


async def decide(
    handle: WorkflowHandle,
    task_id: str,
    decision: str,
    actor: str = "alice.approver",
    comment: str | None = None,
    holds: list[str] | None = None,
    roles: list[str] | None = None,
    limits: dict[str, Decimal] | None = None,
):
    """Decide as `actor` holding `roles` (by default every role that decides
    tasks: these tests are about the workflow, not about who may decide)."""
    from models import HumanTask

    return await handle.execute_update(
        PoUpdate.DECIDE,
        TaskDecision(
            task_id=task_id,
            decision=decision,
            actor=actor,
            actor_roles=DECIDING_ROLES if roles is None else roles,
            actor_limits=APPROVAL_LIMITS if limits is None else limits,
            comment=comment,
            holds=holds or [],
        ),
        result_type=HumanTask,
    )


DECIDING_ROLES = ["ap_clerk", "ap_manager", "budget_owner", "buyer", "procurement_manager"]
APPROVAL_LIMITS = {"USD": Decimal("1000000"), "EUR": Decimal("1000000")}


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:6].upper()}"


__all__ = ["D", "Worker", "timedelta"]
