"""The inspections door (issue #17 item 6): `POST /api/v1/purchase-orders/{po}/inspections`
stores the inspection result as sent and signals it to the PO's workflow (signal
`inspection`), needs the right to post receipts (tests/doors/test_auth.py), and
names what is wrong in a result that is not one."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.api import (
    INSPECTION,
    FakeRepository,
    FakeTemporal,
    post_json,
    stored_then_signalled,
    with_po,
)

URL = "/api/v1/purchase-orders/1001/inspections"


def test_an_inspection_is_stored_then_signalled(
    api: TestClient, temporal: FakeTemporal, repo: FakeRepository
) -> None:
    sent = stored_then_signalled(api, repo, temporal, "inspections", INSPECTION, "inspection")
    assert sent.document_id == "inspection:1001:QI-1" and sent.receipt_id == "GR-1"
    assert (sent.lines[0].quantity_accepted, sent.lines[0].quantity_rejected) == (8, 2)


def test_a_resent_inspection_is_a_duplicate(api: TestClient) -> None:
    with_po(api)
    post_json(api, URL, INSPECTION)
    response, _ = post_json(api, URL, INSPECTION)
    assert response.status_code == 409 and response.json()["document_id"] == "inspection:1001:QI-1"


def test_an_inspection_names_what_is_wrong(api: TestClient, repo: FakeRepository) -> None:
    with_po(api)
    negative = INSPECTION | {"lines": [{"line_no": 1, "quantity_accepted": "-1"}]}
    response, _ = post_json(api, URL, negative)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["lines[0].quantity_accepted"]
    twice = INSPECTION | {"lines": [{"line_no": 1, "quantity_accepted": "1"}] * 2}
    response, _ = post_json(api, URL, twice)
    assert response.status_code == 422
    response, _ = post_json(api, "/api/v1/purchase-orders/2002/inspections", INSPECTION)
    assert response.status_code == 422  # the PO in the body must be the one in the URL
    assert not [k for k in repo.documents if k.startswith("inspection:")]  # nothing stored
