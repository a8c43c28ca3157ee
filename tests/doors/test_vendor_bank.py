"""A vendor's bank account through the API (issue #16 item 3): an AP manager
changes it, checked (ISO 13616 mod 97) and kept only masked, on the audit
trail; nobody else may; whoever changed it is refused at the door when they
decide a hold on that vendor's invoice, and the refusal is audited. The
account never comes back in an answer, an error or the audit export."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy
from fastapi.testclient import TestClient

from activities.db import repository
from activities.db.seed import seed_master_data
from models import HumanTask, PoProjection, TaskKind
from tests.support.api import NOW, FakeRepository
from tests.support.identity import bearer
from workflows.contract import po_workflow_id

IBAN = "DE89 3704 0044 0532 0130 00"
BANK = "/api/v1/vendors/ACME/bank-account"


@pytest.fixture
def vendors(people_engine: sqlalchemy.Engine) -> sqlalchemy.Engine:
    seed_master_data(people_engine)  # ACME and the others
    return people_engine


def change(api: TestClient, tokens: dict[str, str], login: str, iban: str = IBAN, path: str = BANK):
    body = {"iban": iban, "reason": "supplier's letter of 2026-12-01"}
    return api.put(path, json=body, headers=bearer(tokens[login]))


def test_an_ap_manager_changes_it_and_only_the_mask_is_kept(api, tokens, vendors) -> None:
    answer = change(api, tokens, "anna.apmanager")
    assert answer.status_code == 200, answer.text
    assert answer.json()["account_masked"] == "DE89 •••• 3000"
    assert answer.json()["changed_by"] == "anna.apmanager"
    assert api.get(BANK).json()["changed_by"] == "anna.apmanager"
    with vendors.connect() as connection:
        stored = connection.execute(sqlalchemy.text("SELECT * FROM vendor_bank_changes")).mappings().one()
    assert "370400440532013000" not in str(dict(stored))  # the number is not kept
    trail = api.get("/api/v1/audit", params={"format": "csv"}).text
    assert "bank_details_changed" in trail and "DE89 •••• 3000" in trail and "0532" not in trail


@pytest.mark.parametrize("login", ["carl.clerk", "bob.buyer", "root.admin", "erp"])
def test_nobody_else_may_change_it(api, tokens, vendors, login: str) -> None:
    answer = change(api, tokens, login)
    assert answer.status_code == 403
    assert (
        answer.json()["detail"].startswith(f"{login} (") and "manage vendor bank" in answer.json()["detail"]
    )


def test_a_wrong_account_or_vendor_is_refused_without_echoing_the_account(api, tokens, vendors) -> None:
    wrong = change(api, tokens, "anna.apmanager", iban="DE89 3704 0044 0532 0130 01")
    assert wrong.status_code == 422
    assert wrong.json()["errors"][0]["field"] == "iban" and "0130" not in wrong.text
    unknown = change(api, tokens, "anna.apmanager", path="/api/v1/vendors/NOPE/bank-account")
    assert unknown.status_code == 404
    assert api.get("/api/v1/vendors/NORDIC/bank-account").status_code == 404  # never set in poflow


def test_whoever_changed_it_is_refused_a_hold_on_that_vendors_invoice(
    api, tokens, vendors, repo: FakeRepository
) -> None:
    assert change(api, tokens, "anna.apmanager").status_code == 200
    projection = repo_projection("1001")
    repository.upsert_po_projection(vendors, projection)
    repo.tasks["T-H"] = HumanTask(
        task_id="T-H",
        po_number="1001",
        kind=TaskKind.RESOLVE_INVOICE_HOLD,
        title="Invoice INV-1 on hold",
        options=["accept_variance", "reject_invoice"],
        assignee_role="ap_clerk",
        subject_id="invoice:ACME:INV1",
        created_at=NOW,
        due_at=NOW + timedelta(days=2),
    )
    decision = {"decision": "accept_variance", "comment": "agreed"}
    refused = api.post("/api/v1/tasks/T-H/decision", json=decision, headers=bearer(tokens["anna.apmanager"]))
    assert refused.status_code == 409
    assert refused.json()["detail"] == (
        "anna.apmanager changed ACME's bank details and cannot release its invoices to payment"
    )
    events = api.get("/api/v1/purchase-orders/1001/audit").json()
    assert [e["event"] for e in events] == ["refused"] and events[0]["actor"] == "anna.apmanager"


def repo_projection(po_number: str) -> PoProjection:
    return PoProjection(
        po_number=po_number,
        revision=0,
        vendor_id="ACME",
        buyer="bob.buyer",
        status="received",
        currency="USD",
        total=Decimal("1234.50"),
        workflow_id=po_workflow_id(po_number),
        updated_at=NOW,
    )
