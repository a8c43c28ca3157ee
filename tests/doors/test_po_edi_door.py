"""The PO door through the file door (#19): a buyer ERP's X12 850 or EDIFACT
ORDERS posted to POST /api/v1/documents creates its POs exactly as POST
/api/v1/purchase-orders does — same permission, same workflow start, same
duplicate answer — over the real PoflowService with Temporal and the
repository faked (tests/doors/conftest.py), as tests/doors/test_api.py does.
"""

from __future__ import annotations

import warnings
from pathlib import Path

from httpx import Response

from activities.db import repository
from activities.intake.limits import IntakeLimits
from models import PurchaseOrderInput
from models.extraction import ExtractedKind
from starter.po_file_door import carries_orders
from tests.support.api import PO, FakeRepository, FakeTemporal, post_json
from tests.support.identity import bearer
from workflows.contract import WorkflowType

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx2; not ours to fix
    from fastapi.testclient import TestClient

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
ERP_850 = (SAMPLES / "po-edi" / "x12-850-004010-erp.edi").read_bytes()
TWO_ORDERS = (SAMPLES / "po-edi" / "edifact-orders-d01b-two-interchanges.edi").read_bytes()
EDI = {"content-type": "application/edi-x12"}


def post_file(api: TestClient, raw: bytes, **headers: str) -> Response:
    return api.post("/api/v1/documents", content=raw, headers={**EDI, **headers})


def test_an_850_posted_as_a_file_starts_its_po_as_the_po_endpoint_does(
    api: TestClient, temporal: FakeTemporal, repo: FakeRepository
) -> None:
    response = api.post("/api/v1/documents", content=ERP_850, headers=EDI)

    assert response.status_code == 202, response.text
    body = response.json()
    assert (body["workflow_id"], body["status"]) == ("po-4500012345", "done")
    assert body["ui_url"] == "http://ui.test/namespaces/default/workflows/po-4500012345"
    [found] = body["found"]
    assert (found["kind"], found["format"], found["po_number"], found["status"]) == (
        ExtractedKind.PURCHASE_ORDER.value,
        "x12-850",
        "4500012345",
        "delivered",
    )
    assert found["document_id"] == "po:4500012345"
    [start] = temporal.starts
    assert (start["workflow"], start["id"]) == (WorkflowType.PURCHASE_ORDER, "po-4500012345")
    assert start["id_reuse_policy"].name == "REJECT_DUPLICATE"  # as create_po starts every PO
    started = start["arg"]
    assert isinstance(started, PurchaseOrderInput)
    assert (started.po.vendor_id, started.po.buyer, len(started.po.lines)) == ("ACME", "Dana Buyer", 2)
    sha = repository.sha256_hex(ERP_850)
    # The file as received first (nothing is lost), then the PO as create_po stores it, then the start.
    assert repo.events[:3] == [("store", f"file:{sha}"), ("store", f"997:{sha}"), ("store", "po:4500012345")]
    assert repo.events[-1] == ("start", "po-4500012345")
    assert repo.documents[f"file:{sha}"]["raw"] == ERP_850
    assert b"AK9*A*1*1*1" in repo.documents[f"997:{sha}"]["raw"]  # the ERP hears its 850 was accepted


def test_the_same_850_sent_again_answers_duplicate_and_starts_nothing(
    api: TestClient, temporal: FakeTemporal
) -> None:
    assert post_file(api, ERP_850).status_code == 202

    again = post_file(api, ERP_850)
    assert again.status_code == 409
    body = again.json()
    assert (body["status"], body["workflow_id"]) == ("duplicate", "po-4500012345")
    assert "already exists" in body["detail"]
    assert len(temporal.starts) == 1


def test_an_850_for_a_po_created_as_json_is_a_duplicate(api: TestClient, temporal: FakeTemporal) -> None:
    json_po = PO | {"po_number": "4500012345"}
    created, _ = post_json(api, "/api/v1/purchase-orders", json_po)
    assert created.status_code == 201

    response = post_file(api, ERP_850)
    assert response.status_code == 409
    assert [start["id"] for start in temporal.starts] == ["po-4500012345"]


def test_an_unknown_vendor_is_refused_naming_the_segment_and_nothing_starts(
    api: TestClient, temporal: FakeTemporal, repo: FakeRepository
) -> None:
    raw = ERP_850.replace(
        b"N1*VN*Acme Industrial Supply*92*ACME~", b"N1*VN*Acme Industrial Supply*92*NOSUCH~"
    )
    response = post_file(api, raw)

    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == (
        "PO 4500012345, N104 (segment 14): unknown vendor 'NOSUCH': not in poflow's vendor master; "
        "nothing was started"
    )
    assert body["errors"] == [
        {"field": "N104 (segment 14)", "reason": "unknown vendor 'NOSUCH': not in poflow's vendor master"}
    ]
    assert temporal.starts == []
    assert f"file:{repository.sha256_hex(raw)}" in repo.documents  # stored: nothing sent is lost


def test_an_850_that_does_not_add_up_is_refused_naming_the_segment(
    api: TestClient, temporal: FakeTemporal, repo: FakeRepository
) -> None:
    raw = ERP_850.replace(b"CTT*2*300~", b"CTT*3*300~")
    response = post_file(api, raw)

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail.startswith(
        "transaction 0001 (850), segment 22 (CTT), element CTT01: CTT01 says 3 line items"
    )
    assert temporal.starts == []
    sha = repository.sha256_hex(raw)
    assert b"AK5*R" in repo.documents[f"997:{sha}"]["raw"]  # the ERP hears the set was rejected


def test_a_caller_who_may_send_files_but_not_create_pos_is_refused(
    api: TestClient, temporal: FakeTemporal, repo: FakeRepository, tokens: dict[str, str]
) -> None:
    response = post_file(api, ERP_850, **bearer(tokens["edi-gateway"]))

    assert response.status_code == 403
    assert "edi-gateway" in response.json()["detail"]
    assert "may not manage pos" in response.json()["detail"]
    assert temporal.starts == [] and repo.documents == {}
    [event] = api.get("/api/v1/audit").json()
    assert (event["actor"], event["event"], event["po_number"]) == ("edi-gateway", "refused", "")
    assert event["detail"].startswith("create POs from a file: edi-gateway")


def test_a_system_allowed_to_create_pos_creates_every_order_of_the_file(
    api: TestClient, temporal: FakeTemporal, tokens: dict[str, str]
) -> None:
    response = post_file(api, TWO_ORDERS, **bearer(tokens["erp"]), **{"content-type": "application/edifact"})

    assert response.status_code == 202, response.text
    found = response.json()["found"]
    assert [(f["po_number"], f["format"], f["status"]) for f in found] == [
        ("PO-DYN-0101", "edifact-ORDERS", "delivered"),
        ("PO-DYN-0102", "edifact-ORDERS", "delivered"),
    ]
    assert [start["id"] for start in temporal.starts] == ["po-PO-DYN-0101", "po-PO-DYN-0102"]


def test_a_file_where_only_some_orders_exist_starts_the_others(
    api: TestClient, temporal: FakeTemporal
) -> None:
    created, _ = post_json(api, "/api/v1/purchase-orders", PO | {"po_number": "PO-DYN-0102"})
    assert created.status_code == 201

    response = post_file(api, TWO_ORDERS)
    assert response.status_code == 202
    found = response.json()["found"]
    assert [(f["po_number"], f["status"]) for f in found] == [
        ("PO-DYN-0101", "delivered"),
        ("PO-DYN-0102", "duplicate"),
    ]
    assert "already exists" in found[1]["problems"][0]
    assert [start["id"] for start in temporal.starts] == ["po-PO-DYN-0102", "po-PO-DYN-0101"]


def test_a_file_mixing_orders_and_supplier_documents_is_refused(
    api: TestClient, temporal: FakeTemporal
) -> None:
    raw = ERP_850.replace(
        b"SE*24*0001~\n", b"SE*24*0001~\nST*855*0002~\nBAK*00*AC*PO-1*20261201~\nCTT*0~\nSE*4*0002~\n"
    ).replace(b"GE*1*4711~", b"GE*2*4711~")
    response = post_file(api, raw)

    assert response.status_code == 422
    assert "a file with purchase orders must hold nothing else" in response.json()["detail"]
    assert temporal.starts == []


def test_only_edi_with_an_order_in_it_takes_the_po_door() -> None:
    limits = IntakeLimits()
    assert carries_orders(ERP_850, limits) and carries_orders(TWO_ORDERS, limits)
    x12_855 = (SAMPLES / "x12" / "acme-855-5010-schedules.edi").read_bytes()
    ordrsp = (SAMPLES / "edifact" / "ordrsp-acme-d01b-no-una.edi").read_bytes()
    for other in (x12_855, ordrsp, b"ISA*00*broken", b'{"po_number": "1"}', b"%PDF-1.7", b""):
        assert not carries_orders(other, limits), other[:20]
    assert not carries_orders(ERP_850, IntakeLimits(max_bytes=100))  # too large: the intake door says so
