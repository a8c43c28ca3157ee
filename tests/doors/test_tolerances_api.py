"""starter/api/tolerances.py: the tolerance-change and manual-hold routes on
a small app (the router plus the PoflowError handler starter.api uses),
against a seeded SQLite database and a stub for the workflow call."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from activities.db import make_engine, migrate
from activities.db.seed import seed_master_data
from identity.principal import Caller
from identity.roles import Role
from models import Hold, HoldCode, Invoice, InvoiceRecord, InvoiceStatus
from starter.api import tolerances as tolerances_api
from starter.api.auth import Authenticator
from starter.errors import PoflowError, Rejected
from tests.support.cli import INVOICE, NOW
from tests.support.identity import add_person

ACME = {"name": "acme", "vendor_id": "ACME", "price_over_pct": "3", "price_over_abs": "0.10"}


@dataclass
class Stub:
    engine: Engine
    holds: list[tuple] = field(default_factory=list)

    async def hold_invoice(
        self, po_number: str, invoice_number: str, by: Caller, reason: str, line_no: int | None = None
    ) -> InvoiceRecord:
        actor = by.principal_id
        self.holds.append((po_number, invoice_number, actor, reason, line_no))
        if invoice_number == "PAID":
            raise Rejected("invoice PAID is already approved and handed to AP for payment")
        invoice = Invoice.model_validate(INVOICE)
        return InvoiceRecord(
            invoice=invoice,
            status=InvoiceStatus.HELD,
            received_at=NOW,
            manual_holds=[Hold(code=HoldCode.MANUAL, message=f"Held by {actor}: {reason}")],
        )


# `"by": NAME` in these bodies stands for NAME's token: the API takes who from
# the caller, so post() moves it into the Authorization header.
TOKENS: dict[str, str] = {}
NOW_UTC = datetime.now(UTC)


def post(api: TestClient, url: str, json: dict[str, Any]) -> Any:
    body = dict(json)
    who = body.pop("by", "carl.clerk")
    return api.post(url, json=body, headers={"Authorization": f"Bearer {TOKENS[who]}"})


@pytest.fixture(name="client")
def fixture_client(tmp_path: Path) -> Iterator[tuple[TestClient, Stub]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'api.db'}")
    migrate(engine)
    seed_master_data(engine)
    app = FastAPI()

    async def poflow_error(_: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, PoflowError)
        return JSONResponse(exc.body(), status_code=exc.http_status)

    app.add_exception_handler(PoflowError, poflow_error)
    app.include_router(tolerances_api.router)
    app.state.service = stub = Stub(engine)
    app.state.authenticator = Authenticator(engine, "test-session-secret")
    TOKENS.clear()
    for login in ("carl.clerk", "anna.apmanager", "anna", "carl"):
        TOKENS[login] = add_person(engine, login, (Role.PROCUREMENT_MANAGER, Role.AP_CLERK))
    with TestClient(app) as client:
        yield client, stub
    engine.dispose()


def test_propose_then_a_second_person_approves(client: tuple[TestClient, Stub]) -> None:
    api, _ = client
    created = post(
        api, "/api/v1/tolerances/changes", json={"profiles": [ACME], "by": "carl.clerk", "reason": "contract"}
    )
    assert created.status_code == 201
    change = created.json()
    assert (change["change_id"], change["status"], change["diff"][0]["action"]) == (1, "pending", "added")
    own = post(api, "/api/v1/tolerances/changes/TC-1/approve", json={"by": "carl.clerk"})
    assert own.status_code == 409 and "segregation of duties" in own.json()["detail"]
    approved = post(api, "/api/v1/tolerances/changes/1/approve", json={"by": "anna.apmanager"})
    assert approved.status_code == 200 and approved.json()["status"] == "approved"
    live = {p["profile"]["name"]: p for p in api.get("/api/v1/tolerances").json()}
    assert (live["acme"]["profile"]["version"], live["acme"]["approved_by"], live["acme"]["change_id"]) == (
        1,
        "anna.apmanager",
        1,
    )
    versions = api.get("/api/v1/tolerances/acme/versions").json()
    assert [(v["profile"]["version"], v["valid_to"]) for v in versions] == [(1, None)]


def test_reject_list_and_errors(client: tuple[TestClient, Stub]) -> None:
    api, _ = client
    post(api, "/api/v1/tolerances/changes", json={"profiles": [ACME], "by": "carl.clerk"})
    assert (
        post(api, "/api/v1/tolerances/changes/1/reject", json={"by": "anna"}).status_code == 422
    )  # no reason
    rejected = post(api, "/api/v1/tolerances/changes/1/reject", json={"by": "anna", "reason": "too loose"})
    assert (rejected.status_code, rejected.json()["decision_comment"]) == (200, "too loose")
    assert api.get("/api/v1/tolerances/changes?status=pending").json() == []
    assert [c["status"] for c in api.get("/api/v1/tolerances/changes").json()] == ["rejected"]
    assert api.get("/api/v1/tolerances/changes/TC-9").status_code == 404
    assert api.get("/api/v1/tolerances/changes/nine").status_code == 422
    assert api.get("/api/v1/tolerances/nobody/versions").status_code == 404
    unknown = post(
        api, "/api/v1/tolerances/changes", json={"profiles": [{**ACME, "vendor_id": "NOBODY"}], "by": "carl"}
    )
    assert unknown.status_code == 422 and "unknown vendor_id 'NOBODY'" in unknown.json()["detail"]


def test_hold_route_places_a_manual_hold_through_the_service(client: tuple[TestClient, Stub]) -> None:
    api, stub = client
    held = post(
        api,
        "/api/v1/purchase-orders/1001/invoices/INV-1001/hold",
        json={"by": "carl.clerk", "reason": "bank details changed", "line_no": 1},
    )
    assert held.status_code == 200 and held.json()["manual_holds"][0]["code"] == "MANUAL"
    assert stub.holds == [("1001", "INV-1001", "carl.clerk", "bank details changed", 1)]
    late = post(api, "/api/v1/purchase-orders/1001/invoices/PAID/hold", json={"by": "carl", "reason": "x"})
    assert late.status_code == 409 and "already approved" in late.json()["detail"]
    assert post(api, "/api/v1/purchase-orders/1001/invoices/X/hold", json={"by": "carl"}).status_code == 422


def test_every_route_is_under_the_api_prefix() -> None:
    paths = {route.path for route in tolerances_api.router.routes}  # type: ignore[attr-defined]
    assert all(path.startswith("/api/v1/") for path in paths) and len(paths) == 7
