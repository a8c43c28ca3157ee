"""The audit trail (issue #16 item 6): a refused request is an audit event with
its principal, what was asked, why it was refused and what it was about;
a PO's trail is listed by the API and exported as CSV by the API and the CLI."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient
from temporalio.client import WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from starter.service.audit import CSV_COLUMNS
from tests.support.api import PO, FakeRepository, FakeTemporal, approval_task
from tests.support.identity import bearer


def with_po_and_task(api: TestClient, repo: FakeRepository) -> None:
    assert api.post("/api/v1/purchase-orders", json=PO).status_code == 201
    repo.tasks["T-1"] = approval_task()


def test_a_decision_refused_at_the_door_is_in_the_pos_trail(
    api: TestClient, repo: FakeRepository, tokens: dict[str, str]
) -> None:
    with_po_and_task(api, repo)
    refused = api.post(
        "/api/v1/tasks/T-1/decision", json={"decision": "approve"}, headers=bearer(tokens["carl.clerk"])
    )
    assert refused.status_code == 403

    [event] = api.get("/api/v1/purchase-orders/1001/audit").json()
    assert (event["event"], event["actor"], event["evidence"], event["po_number"]) == (
        "refused",
        "carl.clerk",
        "T-1",
        "1001",
    )
    assert event["detail"] == (
        "decide 'approve' on approve_po: carl.clerk (ap_clerk) does not hold the role budget_owner "
        "that task T-1 needs"
    )


def test_a_refusal_by_the_workflows_validator_is_recorded_too(
    api: TestClient, repo: FakeRepository, temporal: FakeTemporal
) -> None:
    with_po_and_task(api, repo)
    temporal.workflows["po-1001"].update_error = WorkflowUpdateFailedError(
        ApplicationError("carol requested 1001 and cannot approve it")
    )
    assert api.post("/api/v1/tasks/T-1/decision", json={"decision": "approve"}).status_code == 409
    [event] = api.get("/api/v1/purchase-orders/1001/audit").json()
    assert (event["actor"], event["detail"]) == (
        "carol",
        "decide 'approve' on approve_po: carol requested 1001 and cannot approve it",
    )


def test_the_trail_exports_as_csv(api: TestClient, repo: FakeRepository, tokens: dict[str, str]) -> None:
    with_po_and_task(api, repo)
    for login in ("carl.clerk", "wally.warehouse"):
        api.post("/api/v1/tasks/T-1/decision", json={"decision": "approve"}, headers=bearer(tokens[login]))

    answer = api.get("/api/v1/purchase-orders/1001/audit", params={"format": "csv"})
    assert answer.headers["content-type"] == "text/csv; charset=utf-8"
    assert answer.headers["content-disposition"] == 'attachment; filename="audit-1001.csv"'
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0] == list(CSV_COLUMNS)
    assert [(row[2], row[3], row[5]) for row in rows[1:]] == [
        ("refused", "carl.clerk", "T-1"),
        ("refused", "wally.warehouse", "T-1"),
    ]
    assert all(row[0].endswith("Z") for row in rows[1:])  # UTC


def test_a_refused_tolerance_change_names_no_po(api: TestClient, tokens: dict[str, str]) -> None:
    body = {"profiles": [{"name": "acme", "vendor_id": "ACME", "price_over_pct": "9"}]}
    refused = api.post("/api/v1/tolerances/changes", json=body, headers=bearer(tokens["bob.buyer"]))
    assert refused.status_code == 403
    [event] = api.get("/api/v1/audit").json()
    assert (event["actor"], event["po_number"]) == ("bob.buyer", "")
    assert event["detail"].startswith("propose a tolerance change: bob.buyer (buyer; person scope) may not")
