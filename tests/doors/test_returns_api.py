"""The returns door (issue #17 item 6): `POST /api/v1/purchase-orders/{po}/returns`
stores the return as sent and signals it to the PO's workflow (signal
`return`), needs the right to post receipts (tests/doors/test_auth.py), and
refuses at the door what belongs on a receipt (a rejection at the dock) or on
an inspection result (a rejection at inspection)."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.api import RETURN, FakeRepository, FakeTemporal, post_json, stored_then_signalled, with_po

URL = "/api/v1/purchase-orders/1001/returns"


def test_a_return_is_stored_then_signalled(
    api: TestClient, temporal: FakeTemporal, repo: FakeRepository
) -> None:
    sent = stored_then_signalled(api, repo, temporal, "returns", RETURN, "return")
    assert sent.document_id == "return:1001:RMA-1" and sent.lines[0].quantity == 2


def test_a_resent_return_is_a_duplicate(api: TestClient) -> None:
    with_po(api)
    post_json(api, URL, RETURN)
    response, _ = post_json(api, URL, RETURN)
    assert response.status_code == 409 and response.json()["document_id"] == "return:1001:RMA-1"


def test_a_rejection_at_the_dock_belongs_on_the_receipt(api: TestClient, repo: FakeRepository) -> None:
    with_po(api)
    dock = RETURN | {"lines": [{"line_no": 1, "quantity": "2", "reason_code": "rejected_at_dock"}]}
    response, _ = post_json(api, URL, dock)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "lines[0].reason_code",
            "reason": "rejected at the dock goes on the goods receipt (quantity_rejected)",
        }
    ]
    assert "return:1001:RMA-1" not in repo.documents  # nothing stored


def test_a_rejection_at_inspection_belongs_on_the_inspection_result(
    api: TestClient, repo: FakeRepository
) -> None:
    with_po(api)
    failed = RETURN | {"lines": [{"line_no": 1, "quantity": "2", "reason_code": "rejected_at_inspection"}]}
    response, _ = post_json(api, URL, failed)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {
            "field": "lines[0].reason_code",
            "reason": "rejected at inspection goes on the inspection result (quantity_rejected)",
        }
    ]
    assert "return:1001:RMA-1" not in repo.documents  # nothing stored


def test_a_return_names_what_is_wrong(api: TestClient) -> None:
    with_po(api)
    response, _ = post_json(api, URL, RETURN | {"lines": [{"line_no": 1, "quantity": "0"}]})
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["lines[0].quantity"]
    response, _ = post_json(api, "/api/v1/purchase-orders/2002/returns", RETURN)
    assert response.status_code == 422  # the PO in the body must be the one in the URL
