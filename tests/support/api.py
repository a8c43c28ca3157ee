"""The HTTP API's test doubles: documents as a client sends them, a fake
Temporal (client, handles, workflows) and a fake repository; the fixtures
that wire them into the real PoflowService live in tests/doors/conftest.py."""

from __future__ import annotations

import asyncio
import hashlib
import json
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from temporalio.client import WorkflowExecutionStatus
from temporalio.exceptions import WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from activities.db import repository
from activities.db.master_data import Vendor
from models import (
    Hold,
    HoldCode,
    HumanTask,
    Invoice,
    InvoiceRecord,
    InvoiceStatus,
    PoProjection,
    PurchaseOrderInput,
    PurchaseOrderState,
    TaskKind,
    TaskStatus,
)
from models.workflow_state import PoStatus
from p2p.amendments import amended_po

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx2; not ours to fix
    from fastapi.testclient import TestClient


NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)

PO = {
    "po_number": "1001",
    "vendor_id": "ACME",
    "buyer": "bob",
    "currency": "USD",
    "lines": [{"line_no": 1, "item_id": "WIDGET-1", "quantity": "10", "unit_price": "123.45"}],
}
INVOICE = {
    "invoice_number": "INV-1001",
    "vendor_id": "ACME",
    "po_number": "1001",
    "invoice_date": "2025-03-01",
    "currency": "USD",
    "lines": [{"line_no": 1, "quantity": "10", "unit_price": "123.45"}],
    "total": "1234.50",
}
RECEIPT = {
    "receipt_id": "GR-1",
    "po_number": "1001",
    "received_at": "2025-03-02T10:00:00+01:00",
    "lines": [{"line_no": 1, "quantity_received": "10"}],
}
RETURN = {
    "return_id": "RMA-1",
    "po_number": "1001",
    "returned_at": "2025-03-04T10:00:00Z",
    "reason": "damaged in storage",
    "lines": [{"line_no": 1, "quantity": "2", "receipt_id": "GR-1", "reason_code": "damaged"}],
}
INSPECTION = {
    "inspection_id": "QI-1",
    "po_number": "1001",
    "receipt_id": "GR-1",
    "inspected_at": "2025-03-04T09:00:00Z",
    "inspected_by": "quinn.qa",
    "lines": [{"line_no": 1, "quantity_accepted": "8", "quantity_rejected": "2", "reject_reason": "cracked"}],
}
ASN = {
    "asn_id": "SHIP-1",
    "po_number": "1001",
    "vendor_id": "ACME",
    "shipped_at": "2025-03-01T15:00:00Z",
    "expected_delivery": "2025-03-03",
    "carrier": "UPS",
    "lines": [{"line_no": 1, "quantity_shipped": "10"}],
}
ACK = {
    "ack_id": "ACK-1",
    "po_number": "1001",
    "vendor_id": "ACME",
    "status": "accepted",
    "acknowledged_at": "2025-03-01T08:00:00Z",
}


def approval_task(task_id: str = "T-1", po_number: str = "1001", **changes: Any) -> HumanTask:
    return HumanTask(
        task_id=task_id,
        po_number=po_number,
        kind=TaskKind.APPROVE_PO,
        title=f"Approve PO-{po_number}",
        options=["approve", "reject"],
        assignee_role="budget_owner",
        context={"total": "1,234.50 USD", "flags": "off-contract price"},
        created_at=NOW,
        due_at=NOW + timedelta(days=2),
        **changes,
    )


# --- fakes -----------------------------------------------------------------------------


@dataclass
class FakeWorkflow:
    state: PurchaseOrderState
    status: WorkflowExecutionStatus = WorkflowExecutionStatus.RUNNING
    signals: list[tuple[str, Any]] = field(default_factory=list)
    updates: list[tuple[str, Any]] = field(default_factory=list)
    update_error: Exception | None = None
    hang: bool = False


def not_found(what: str) -> RPCError:
    return RPCError(what, RPCStatusCode.NOT_FOUND, b"")


class FakeHandle:
    def __init__(self, temporal: FakeTemporal, workflow_id: str) -> None:
        self.temporal = temporal
        self.workflow_id = workflow_id

    def _workflow(self) -> FakeWorkflow:
        self.temporal.check_reachable()
        if self.workflow_id not in self.temporal.workflows:
            raise not_found(f"workflow not found for ID: {self.workflow_id}")
        return self.temporal.workflows[self.workflow_id]

    async def describe(self) -> SimpleNamespace:
        return SimpleNamespace(status=self._workflow().status)

    async def signal(self, name: str, arg: Any) -> None:
        workflow = self._workflow()
        if workflow.status != WorkflowExecutionStatus.RUNNING:
            raise not_found("workflow execution already completed")
        workflow.signals.append((name, arg))
        self.temporal.events.append(("signal", name, arg.document_id))

    async def query(self, name: str, *, result_type: type) -> Any:
        workflow = self._workflow()
        if workflow.hang:
            await asyncio.sleep(60)
        assert name == "state" and result_type is PurchaseOrderState
        return workflow.state

    async def execute_update(self, name: str, arg: Any, *, result_type: type) -> Any:
        workflow = self._workflow()
        if workflow.status != WorkflowExecutionStatus.RUNNING:
            raise not_found("workflow execution already completed")
        if workflow.update_error:
            raise workflow.update_error
        if workflow.hang:
            await asyncio.sleep(60)
        workflow.updates.append((name, arg))
        if name == "decide":
            task = self.temporal.repository.tasks[arg.task_id]
            return task.model_copy(
                update={
                    "status": TaskStatus.DONE,
                    "decision": arg.decision,
                    "decided_by": arg.actor,
                    "decided_at": NOW,
                    "comment": arg.comment,
                }
            )
        if name == "cancel":
            workflow.state = workflow.state.model_copy(
                update={"status": PoStatus.CANCELLED, "cancel_reason": arg.reason}
            )
            return workflow.state
        if name == "cancel_line":
            lines = [line for line in workflow.state.po.lines if line.line_no != arg.line_no]
            po = workflow.state.po.model_copy(
                update={"lines": lines, "revision": workflow.state.po.revision + 1}
            )
            workflow.state = workflow.state.model_copy(update={"po": po, "cancelled_lines": [arg.line_no]})
            return workflow.state
        if name == "amend":  # as the workflow answers under the threshold: the next revision
            workflow.state = workflow.state.model_copy(update={"po": amended_po(workflow.state.po, arg)})
            return workflow.state
        if name == "final_close":
            workflow.state = workflow.state.model_copy(update={"status": PoStatus.CLOSED})
            return workflow.state
        if name == "hold_invoice":  # as the workflow answers: the invoice with its MANUAL hold
            invoice = Invoice.model_validate(INVOICE)
            hold = Hold(code=HoldCode.MANUAL, message=f"Held by {arg.actor}: {arg.reason}")
            return InvoiceRecord(
                invoice=invoice, status=InvoiceStatus.HELD, received_at=NOW, manual_holds=[hold]
            )
        raise AssertionError(f"unexpected update {name}")


class FakeTemporal:
    """Just the client surface PoflowService uses."""

    def __init__(self, repository: FakeRepository) -> None:
        self.repository = repository
        self.workflows: dict[str, FakeWorkflow] = {}
        self.starts: list[dict[str, Any]] = []
        self.events: list[tuple[str, ...]] = repository.events
        self.reachable = True
        self.service_client = SimpleNamespace(check_health=self._check_health)

    def check_reachable(self) -> None:
        if not self.reachable:
            raise RuntimeError("Failed client connect: Server connection error: connection refused")

    async def _check_health(self, **_: Any) -> bool:
        self.check_reachable()
        return True

    async def start_workflow(
        self, workflow: str, arg: PurchaseOrderInput, *, id: str, task_queue: str, **options: Any
    ) -> None:
        self.check_reachable()
        if id in self.workflows:
            raise WorkflowAlreadyStartedError(id, workflow)
        self.starts.append({"workflow": workflow, "arg": arg, "id": id, "task_queue": task_queue, **options})
        self.workflows[id] = FakeWorkflow(PurchaseOrderState(po=arg.po, status=PoStatus.PENDING_APPROVAL))
        self.events.append(("start", id))

    def get_workflow_handle(self, workflow_id: str) -> FakeHandle:
        return FakeHandle(self, workflow_id)


class FakeRepository:
    """In-memory stand-in for activities.db.repository (same keyword signatures)."""

    def __init__(self) -> None:
        self.documents: dict[str, dict[str, Any]] = {}
        self.tasks: dict[str, HumanTask] = {}
        self.projections: list[PoProjection] = []
        self.events: list[tuple[str, ...]] = []
        self.task_queries: list[str | None] = []

    def store_document(
        self,
        engine: Any,
        *,
        document_id: str,
        kind: str,
        raw: bytes,
        content_type: str,
        source: str,
        po_number: str | None,
    ) -> repository.StoredDocument:
        sha = hashlib.sha256(raw).hexdigest()
        first = next(
            (d for d in self.documents.values() if d["document_id"] == document_id or d["sha256"] == sha),
            None,
        )
        duplicate = first is not None
        if first is None:
            first = {
                "document_id": document_id,
                "sha256": sha,
                "kind": kind,
                "raw": raw,
                "content_type": content_type,
                "source": source,
                "po_number": po_number,
            }
            self.documents[document_id] = first
            self.events.append(("store", document_id))
        return repository.StoredDocument(
            document_id=document_id,
            sha256=first["sha256"],  # like the real one: the first copy's digest
            kind=kind,
            po_number=po_number,
            received_at=NOW,
            duplicate=duplicate,
            first_document_id=first["document_id"],
        )

    def list_tasks(
        self, engine: Any, *, status: str | None = "open", po_number: str | None = None
    ) -> list[HumanTask]:
        self.task_queries.append(status)
        return [t for t in self.tasks.values() if status is None or t.status.value == status]

    def get_task(self, engine: Any, task_id: str) -> HumanTask | None:
        return self.tasks.get(task_id)

    def list_purchase_orders(self, engine: Any, *, status: str | None = None) -> list[PoProjection]:
        return [p for p in self.projections if status is None or p.status == status]

    def get_document(self, engine: Any, document_id: str) -> repository.StoredDocument | None:
        first = self.documents.get(document_id)
        if first is None:
            return None
        return repository.StoredDocument(
            document_id=document_id,
            sha256=first["sha256"],
            kind=first["kind"],
            po_number=first["po_number"],
            received_at=NOW,
            duplicate=False,
            first_document_id=document_id,
        )

    def get_document_bytes(self, engine: Any, document_id: str) -> bytes | None:
        document = self.documents.get(document_id)
        return document["raw"] if document else None

    def get_vendor(self, engine: Any, vendor_id: str) -> Vendor | None:
        if vendor_id != "ACME":
            return None
        return Vendor(id="ACME", name="Acme Industrial Supply", active=True, currency="USD")


def post_json(api: TestClient, url: str, body: dict[str, Any]) -> tuple[Any, bytes]:
    raw = json.dumps(body, indent=1).encode()
    return api.post(url, content=raw, headers={"content-type": "application/json"}), raw


def with_po(api: TestClient) -> None:
    """PO 1001 created through the API (the doors' tests post documents to it)."""
    response, _ = post_json(api, "/api/v1/purchase-orders", PO)
    assert response.status_code == 201, response.text


def stored_then_signalled(
    api: TestClient, repo: FakeRepository, temporal: FakeTemporal, path: str, body: dict[str, Any], kind: str
) -> Any:
    """Post a document to PO 1001's door `path`: 202, the raw bytes stored under
    its document id before the `kind` signal goes to the workflow. Returns what
    the workflow was sent."""
    with_po(api)
    response, raw = post_json(api, f"/api/v1/purchase-orders/1001/{path}", body)
    assert response.status_code == 202, response.text
    document_id = response.json()["document_id"]
    assert response.json() == {"status": "accepted", "document_id": document_id, "workflow_id": "po-1001"}
    assert repo.documents[document_id]["raw"] == raw and repo.documents[document_id]["kind"] == kind
    assert repo.events[-2:] == [("store", document_id), ("signal", kind, document_id)]
    [(signal, sent)] = temporal.workflows["po-1001"].signals
    assert signal == kind
    return sent
