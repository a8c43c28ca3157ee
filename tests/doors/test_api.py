"""HTTP API over the real PoflowService, with Temporal and the repository faked.

The fakes stand in for the two things the doors talk to, so these tests check
what the doors themselves promise: readable 422s, 404/409 mapping, raw bytes
stored before any signal, a re-sent document healing and answering duplicate,
decisions checked at the door and the validator's words passed through.
"""

from __future__ import annotations

import json
import warnings
from datetime import timedelta
from decimal import Decimal
from types import SimpleNamespace
from unittest.mock import AsyncMock

import pytest
from temporalio.client import WorkflowExecutionStatus, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError

from models import HumanTask, PoProjection, TaskKind, TaskStatus
from models.tasks import TaskHold
from starter.operations import PoflowService
from workflows.contract import WorkflowType

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx2; not ours to fix
    from fastapi.testclient import TestClient

from tests.support.api import (
    ACK,
    ASN,
    INVOICE,
    NOW,
    PO,
    RECEIPT,
    FakeHandle,
    FakeRepository,
    FakeTemporal,
    approval_task,
    post_json,
    with_po,
)
from tests.support.identity import bearer, caller

# --- purchase orders ----------------------------------------------------------------------


def test_create_po_stores_raw_bytes_then_starts_the_workflow(
    api: TestClient, temporal: FakeTemporal, repo: FakeRepository
) -> None:
    response, raw = post_json(api, "/api/v1/purchase-orders", PO)

    assert response.status_code == 201
    assert response.json() == {
        "po_number": "1001",
        "workflow_id": "po-1001",
        "status": "accepted",
        "ui_url": "http://ui.test/namespaces/default/workflows/po-1001",
    }
    assert repo.documents["po:1001"]["raw"] == raw
    assert repo.events == [("store", "po:1001"), ("start", "po-1001")]
    start = temporal.starts[0]
    assert start["workflow"] == WorkflowType.PURCHASE_ORDER
    assert start["task_queue"] == "poflow"
    # Static: only what no revision changes (the total is in the current details).
    assert start["static_summary"] == "PO-1001 · Acme Industrial Supply · buyer bob"
    assert start["id_conflict_policy"].name == "FAIL"
    assert start["id_reuse_policy"].name == "REJECT_DUPLICATE"


def test_create_existing_po_answers_duplicate(api: TestClient, temporal: FakeTemporal) -> None:
    with_po(api)
    response, _ = post_json(api, "/api/v1/purchase-orders", PO)

    assert response.status_code == 409
    body = response.json()
    assert body["status"] == "duplicate"
    assert body["workflow_id"] == "po-1001"
    assert "already exists" in body["detail"]
    assert len(temporal.starts) == 1


def test_po_started_after_a_lost_start_heals_on_resend(
    api: TestClient, repo: FakeRepository, temporal: FakeTemporal
) -> None:
    temporal.reachable = False
    response, _ = post_json(api, "/api/v1/purchase-orders", PO)
    assert response.status_code == 503
    assert "cannot reach Temporal at 127.0.0.1:7233" in response.json()["detail"]
    assert "po:1001" in repo.documents  # stored: nothing the sender gave us is lost

    temporal.reachable = True
    response, _ = post_json(api, "/api/v1/purchase-orders", PO)
    assert response.status_code == 201
    assert "po-1001" in temporal.workflows


def test_bad_po_names_the_field_readably(api: TestClient, repo: FakeRepository) -> None:
    bad = json.loads(json.dumps(PO))
    bad["lines"][0]["quantity"] = "0"
    bad["currency"] = "XYZ"

    response, _ = post_json(api, "/api/v1/purchase-orders", bad)

    assert response.status_code == 422
    body = response.json()
    errors = {e["field"]: e["reason"] for e in body["errors"]}
    assert errors["lines[0].quantity"] == "Input should be greater than 0"
    assert errors["currency"].startswith("unknown currency 'XYZ'")  # pydantic's "Value error, " dropped
    assert body["detail"].startswith("invalid request: ")
    assert "more problem" in body["detail"]
    assert repo.events == []


def test_unknown_field_and_broken_json_are_422(api: TestClient) -> None:
    response, _ = post_json(api, "/api/v1/purchase-orders", PO | {"colour": "red"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "colour", "reason": "Extra inputs are not permitted"}]

    response = api.post(
        "/api/v1/purchase-orders", content=b'{"po_number": ', headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert "not valid JSON" in response.json()["detail"]


def test_get_po_returns_the_live_state(api: TestClient, temporal: FakeTemporal) -> None:
    with_po(api)
    response = api.get("/api/v1/purchase-orders/1001")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "pending_approval"
    assert body["workflow_id"] == "po-1001"
    assert body["state"]["po"]["lines"][0]["unit_price"] == "123.45"  # Decimal stays exact


def test_unknown_po_is_404(api: TestClient) -> None:
    response = api.get("/api/v1/purchase-orders/9999")
    assert response.status_code == 404
    assert response.json() == {"detail": "no purchase order 9999 (workflow po-9999 not found)"}


def test_silent_worker_is_503_not_a_hang(api: TestClient, temporal: FakeTemporal) -> None:
    with_po(api)
    temporal.workflows["po-1001"].hang = True
    response = api.get("/api/v1/purchase-orders/1001")
    assert response.status_code == 503
    assert "is the worker running" in response.json()["detail"]


def test_list_pos_adds_ui_links(api: TestClient, repo: FakeRepository) -> None:
    repo.projections.append(
        PoProjection(
            po_number="1001",
            revision=0,
            vendor_id="ACME",
            buyer="bob",
            status="issued",
            currency="USD",
            total="1234.50",
            workflow_id="po-1001",
            updated_at=NOW,
        )
    )
    assert api.get("/api/v1/purchase-orders?status=closed").json() == []
    rows = api.get("/api/v1/purchase-orders?status=issued").json()
    assert rows[0]["ui_url"].endswith("/workflows/po-1001")
    assert rows[0]["total"] == "1234.50"


def test_cancel_and_cancel_of_a_closed_po(api: TestClient, temporal: FakeTemporal) -> None:
    with_po(api)
    response = api.post("/api/v1/purchase-orders/1001/cancel", json={"reason": "project stopped"})
    assert response.status_code == 200
    assert response.json()["status"] == "cancelled"

    temporal.workflows["po-1001"].status = WorkflowExecutionStatus.COMPLETED
    response = api.post("/api/v1/purchase-orders/1001/cancel", json={"reason": "again"})
    assert response.status_code == 409
    assert "no longer open (workflow completed)" in response.json()["detail"]


def test_final_close_is_sent_as_the_caller_with_the_reason(api: TestClient, temporal: FakeTemporal) -> None:
    with_po(api)
    response = api.post("/api/v1/purchase-orders/1001/close", json={"reason": "last delivery was short"})
    assert response.status_code == 200 and response.json()["status"] == "closed"
    name, request = temporal.workflows["po-1001"].updates[-1]
    assert name == "final_close" and (request.actor, request.reason) == ("carol", "last delivery was short")
    assert api.post("/api/v1/purchase-orders/1001/close", json={}).status_code == 422  # a reason is required


# --- documents ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "document", "signal", "document_id"),
    [
        ("invoices", INVOICE, "invoice", "invoice:ACME:INV1001"),
        ("receipts", RECEIPT, "receipt", "receipt:1001:GR-1"),
        ("acknowledgments", ACK, "acknowledgment", "ack:ACME:ACK-1"),
        ("ship-notices", ASN, "asn", "asn:ACME:SHIP-1:1001"),
    ],
)
def test_document_is_stored_then_signalled(
    api: TestClient,
    temporal: FakeTemporal,
    repo: FakeRepository,
    path: str,
    document: dict,
    signal: str,
    document_id: str,
) -> None:
    with_po(api)
    response, raw = post_json(api, f"/api/v1/purchase-orders/1001/{path}", document)

    assert response.status_code == 202
    assert response.json() == {"status": "accepted", "document_id": document_id, "workflow_id": "po-1001"}
    assert repo.documents[document_id]["raw"] == raw
    assert repo.events[-2:] == [("store", document_id), ("signal", signal, document_id)]
    assert temporal.workflows["po-1001"].signals[0][1].po_number == "1001"


def test_credit_memo_is_stored_as_such_and_travels_the_invoice_signal(
    api: TestClient, repo: FakeRepository, temporal: FakeTemporal
) -> None:
    with_po(api)
    memo = INVOICE | {"kind": "credit_memo", "total": "-10.00", "original_invoice_number": "INV-1001"}
    response, _ = post_json(api, "/api/v1/purchase-orders/1001/invoices", memo)

    assert response.status_code == 202
    assert response.json()["document_id"] == "credit:ACME:INV1001"
    assert repo.documents["credit:ACME:INV1001"]["kind"] == "credit_memo"
    assert temporal.workflows["po-1001"].signals[0][0] == "invoice"


def test_resent_invoice_is_409_duplicate_but_signalled_again(
    api: TestClient, temporal: FakeTemporal, repo: FakeRepository
) -> None:
    with_po(api)
    _, raw = post_json(api, "/api/v1/purchase-orders/1001/invoices", INVOICE)
    response = api.post(
        "/api/v1/purchase-orders/1001/invoices", content=raw, headers={"content-type": "application/json"}
    )

    assert response.status_code == 409
    body = response.json()
    assert body == {
        "status": "duplicate",
        "document_id": "invoice:ACME:INV1001",
        "first_document_id": "invoice:ACME:INV1001",
        "workflow_id": "po-1001",
        "detail": "invoice invoice:ACME:INV1001 was already received for PO-1001; nothing new was done",
    }
    # Re-signalled: heals a delivery lost after storing; the workflow dedups by document id.
    assert [name for name, _ in temporal.workflows["po-1001"].signals] == ["invoice", "invoice"]
    assert len([d for d in repo.documents if d.startswith("invoice:")]) == 1


def test_a_resend_racing_the_po_closing_is_still_409_duplicate(
    api: TestClient, temporal: FakeTemporal, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The PO closes (its invoice paid) between the door's open check and the
    healing re-signal: still a duplicate, not 404 "no purchase order"; a new
    invoice in the same race is refused as sent to a closed PO."""
    with_po(api)
    _, raw = post_json(api, "/api/v1/purchase-orders/1001/invoices", INVOICE)
    temporal.workflows["po-1001"].status = WorkflowExecutionStatus.COMPLETED
    running = SimpleNamespace(status=WorkflowExecutionStatus.RUNNING)
    closed = SimpleNamespace(status=WorkflowExecutionStatus.COMPLETED)
    # Open at each door check, closed by the time of the signal (and of the check after it).
    monkeypatch.setattr(FakeHandle, "describe", AsyncMock(side_effect=[running, running, closed]))

    again = api.post(
        "/api/v1/purchase-orders/1001/invoices", content=raw, headers={"content-type": "application/json"}
    )
    other, _ = post_json(
        api, "/api/v1/purchase-orders/1001/invoices", INVOICE | {"invoice_number": "INV-1002"}
    )

    assert again.status_code == 409 and again.json()["status"] == "duplicate"
    assert other.status_code != 404
    assert "closed" in other.json()["detail"] or "completed" in other.json()["detail"]


def test_an_invoice_resent_after_its_po_closed_is_still_409_duplicate(
    api: TestClient, temporal: FakeTemporal
) -> None:
    """A closed PO takes no new invoice, but one it took is a duplicate whenever
    it comes back (the same number written differently): the sender learns it
    was received, not that it came too late."""
    with_po(api)
    first, _ = post_json(api, "/api/v1/purchase-orders/1001/invoices", INVOICE)
    assert first.status_code == 202, first.text
    temporal.workflows["po-1001"].status = WorkflowExecutionStatus.COMPLETED

    again, _ = post_json(
        api, "/api/v1/purchase-orders/1001/invoices", INVOICE | {"invoice_number": "inv 1001"}
    )
    other, _ = post_json(
        api, "/api/v1/purchase-orders/1001/invoices", INVOICE | {"invoice_number": "INV-1002"}
    )

    assert again.status_code == 409 and again.json().get("status") == "duplicate", again.json()
    assert again.json()["first_document_id"] == again.json()["document_id"]
    assert other.status_code == 409 and "status" not in other.json()
    assert "closed" in other.json()["detail"] or "completed" in other.json()["detail"]
    assert len(temporal.workflows["po-1001"].signals) == 1  # nothing signalled to the closed PO


def test_resent_invoice_with_other_content_resends_the_first_copy(
    api: TestClient, temporal: FakeTemporal
) -> None:
    with_po(api)
    post_json(api, "/api/v1/purchase-orders/1001/invoices", INVOICE)
    # Same invoice number written differently (same business key), other amounts.
    changed = INVOICE | {"invoice_number": "inv 1001", "total": "999.00"}
    response, _ = post_json(api, "/api/v1/purchase-orders/1001/invoices", changed)

    assert response.status_code == 409
    assert response.json()["detail"].endswith("(this copy differs from the first one, which stands)")
    resent = temporal.workflows["po-1001"].signals[-1][1]
    assert (resent.invoice_number, resent.total) == ("INV-1001", Decimal("1234.50"))


async def test_identical_bytes_under_another_key_are_not_signalled_twice(
    service: PoflowService, temporal: FakeTemporal
) -> None:
    from models import GoodsReceipt, Invoice, PurchaseOrder
    from starter.errors import Duplicate

    await service.create_po(PurchaseOrder.model_validate(PO), by=caller())
    raw = json.dumps(INVOICE).encode()
    await service.submit_document(Invoice.model_validate(INVOICE), by=caller(), raw=raw)
    # Other business key, but the very bytes already stored: the first copy wins.
    with pytest.raises(Duplicate) as caught:
        await service.submit_document(GoodsReceipt.model_validate(RECEIPT), by=caller(), raw=raw)

    assert caught.value.first_document_id == "invoice:ACME:INV1001"
    assert caught.value.document_id == "receipt:1001:GR-1"
    assert [name for name, _ in temporal.workflows["po-1001"].signals] == ["invoice"]


def test_document_for_unknown_po_is_404_and_not_stored(api: TestClient, repo: FakeRepository) -> None:
    response, _ = post_json(api, "/api/v1/purchase-orders/2002/invoices", INVOICE | {"po_number": "2002"})
    assert response.status_code == 404
    assert repo.documents == {}


def test_document_for_closed_po_is_409_and_not_stored(
    api: TestClient, temporal: FakeTemporal, repo: FakeRepository
) -> None:
    with_po(api)
    temporal.workflows["po-1001"].status = WorkflowExecutionStatus.TERMINATED
    response, _ = post_json(api, "/api/v1/purchase-orders/1001/receipts", RECEIPT)
    assert response.status_code == 409
    assert response.json()["detail"].startswith("PO-1001 is no longer open (workflow terminated)")
    assert list(repo.documents) == ["po:1001"]


def test_po_number_in_body_must_match_url(api: TestClient, repo: FakeRepository) -> None:
    with_po(api)
    response, _ = post_json(api, "/api/v1/purchase-orders/1001/invoices", INVOICE | {"po_number": "1002"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "po_number"
    assert "does not match" in response.json()["detail"]
    assert list(repo.documents) == ["po:1001"]


def test_bad_receipt_line_names_the_nested_field(api: TestClient) -> None:
    bad = RECEIPT | {"lines": [{"line_no": 1, "quantity_received": "1", "quantity_rejected": "2"}]}
    response, _ = post_json(api, "/api/v1/purchase-orders/1001/receipts", bad)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "lines[0]", "reason": "quantity_rejected cannot exceed quantity_received"}
    ]


# --- tasks -------------------------------------------------------------------------------


def test_tasks_list_open_by_default_with_links(api: TestClient, repo: FakeRepository) -> None:
    repo.tasks["T-1"] = approval_task()
    repo.tasks["T-0"] = approval_task("T-0", status=TaskStatus.DONE)

    open_tasks = api.get("/api/v1/tasks").json()
    assert [t["task_id"] for t in open_tasks] == ["T-1"]
    assert open_tasks[0]["ui_url"] == "http://ui.test/namespaces/default/workflows/po-1001"
    assert open_tasks[0]["comment_required_for"] == ["reject"]
    assert open_tasks[0]["context"]["flags"] == "off-contract price"
    assert len(api.get("/api/v1/tasks?status=all").json()) == 2
    assert repo.task_queries == ["open", None]

    response = api.get("/api/v1/tasks?status=later")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "status"


def test_my_tasks_are_the_ones_i_may_decide(
    api: TestClient, repo: FakeRepository, tokens: dict[str, str]
) -> None:
    repo.tasks["T-1"] = approval_task()  # budget owner's
    repo.tasks["T-2"] = approval_task("T-2").model_copy(update={"assignee_role": "ap_clerk"})

    def mine(login: str) -> list[str]:
        answer = api.get("/api/v1/tasks", params={"mine": "true"}, headers=bearer(tokens[login]))
        return sorted(t["task_id"] for t in answer.json())

    assert mine("alice.approver") == ["T-1"]
    assert mine("carl.clerk") == ["T-2"]
    assert mine("anna.apmanager") == ["T-2"]  # an AP manager covers AP clerks
    assert mine("wally.warehouse") == []  # decides no task
    assert mine("carol") == ["T-1", "T-2"]


def test_get_task_and_unknown_task(api: TestClient, repo: FakeRepository) -> None:
    repo.tasks["T-1"] = approval_task()
    assert api.get("/api/v1/tasks/T-1").json()["title"] == "Approve PO-1001"
    response = api.get("/api/v1/tasks/T-404")
    assert response.status_code == 404
    assert response.json() == {"detail": "no task T-404"}


def test_decision_goes_to_the_owning_workflow(
    api: TestClient, repo: FakeRepository, temporal: FakeTemporal
) -> None:
    with_po(api)
    repo.tasks["T-1"] = approval_task()

    response = api.post("/api/v1/tasks/T-1/decision", json={"decision": "approve"})

    assert response.status_code == 200
    assert response.json()["status"] == "done"
    assert response.json()["decided_by"] == "carol"
    name, sent = temporal.workflows["po-1001"].updates[0]
    assert name == "decide"
    assert (sent.task_id, sent.decision, sent.actor, sent.comment) == ("T-1", "approve", "carol", None)


def hold_task(task_id: str = "T-2", po_number: str = "1001") -> HumanTask:
    return HumanTask(
        task_id=task_id,
        po_number=po_number,
        kind=TaskKind.RESOLVE_INVOICE_HOLD,
        title="Invoice INV-1001 on hold",
        options=["accept_variance", "request_credit_memo", "reject_invoice", "wait"],
        assignee_role="ap_clerk",
        subject_id="invoice:ACME:INV1001",
        context={"invoice": "INV-1001", "hold 1 (PRICE)": "Line 1: price over +2%"},
        holds=[
            TaskHold(ref="PRICE:1", message="Line 1: price over +2%"),
            TaskHold(
                ref="NO_RECEIPT:1",
                message="Line 1: nothing received yet",
                waits_for="waits for the goods receipt; it clears itself when the receipt arrives",
            ),
        ],
        created_at=NOW,
        due_at=NOW + timedelta(days=2),
    )


def test_decision_names_the_holds_it_releases(
    api: TestClient, repo: FakeRepository, temporal: FakeTemporal
) -> None:
    with_po(api)
    repo.tasks["T-2"] = hold_task()
    assert [h["ref"] for h in api.get("/api/v1/tasks/T-2").json()["holds"]] == ["PRICE:1", "NO_RECEIPT:1"]

    response = api.post(
        "/api/v1/tasks/T-2/decision",
        json={"decision": "accept_variance", "comment": "agreed", "holds": [" price:1 "]},
    )

    assert response.status_code == 200, response.text
    name, sent = temporal.workflows["po-1001"].updates[0]
    assert (name, sent.decision, sent.holds) == ("decide", "accept_variance", ["PRICE:1"])


def test_an_amendment_goes_to_the_po_as_the_caller(api: TestClient, temporal: FakeTemporal) -> None:
    with_po(api)
    body = {"reason": "forecast up", "lines": [{"line_no": 1, "quantity": "150"}]}
    response = api.post("/api/v1/purchase-orders/1001/amend", json=body)
    assert response.status_code == 200, response.text
    assert response.json()["state"]["po"]["revision"] == 1
    name, sent = temporal.workflows["po-1001"].updates[0]
    assert (name, sent.actor, sent.reason, sent.lines[0].quantity) == (
        "amend",
        "carol",
        "forecast up",
        Decimal(150),
    )
    refused = api.post("/api/v1/purchase-orders/1001/amend", json={"reason": "nothing"})
    assert refused.status_code == 422 and "at least one line" in refused.text


def test_a_re_source_names_the_vendor_and_price_it_sends_on(
    api: TestClient, repo: FakeRepository, temporal: FakeTemporal
) -> None:
    with_po(api)
    repo.tasks["T-3"] = HumanTask(
        task_id="T-3",
        po_number="1001",
        kind=TaskKind.RESOLVE_REJECTED_LINE,
        title="ACME rejected line 2 of 1001",
        options=["re_source", "cancel_line"],
        assignee_role="buyer",
        context={"line_no": "2"},
        created_at=NOW,
        due_at=NOW + timedelta(days=2),
    )

    response = api.post(
        "/api/v1/tasks/T-3/decision",
        json={"decision": "re_source", "vendor_id": "SLOWPOKE", "unit_price": "4.80"},
    )

    assert response.status_code == 200, response.text
    name, sent = temporal.workflows["po-1001"].updates[0]
    assert (name, sent.decision, sent.vendor_id, sent.unit_price) == (
        "decide",
        "re_source",
        "SLOWPOKE",
        Decimal("4.80"),
    )


@pytest.mark.parametrize(
    ("task", "body", "words"),
    [
        ("T-1", {"decision": "approve", "holds": ["PRICE:1"]}, "names no holds"),
        ("T-2", {"decision": "wait", "holds": ["PRICE:1"]}, "answers the whole invoice"),
        (
            "T-2",
            {"decision": "accept_variance", "comment": "ok", "holds": ["PRCE:1"]},
            "names no hold",
        ),
    ],
)
def test_holds_named_where_they_cannot_be_are_422_and_never_reach_the_workflow(
    api: TestClient, repo: FakeRepository, temporal: FakeTemporal, task: str, body: dict, words: str
) -> None:
    with_po(api)
    repo.tasks["T-1"], repo.tasks["T-2"] = approval_task(), hold_task()
    response = api.post(f"/api/v1/tasks/{task}/decision", json=body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"].startswith("holds")
    assert words in response.json()["errors"][0]["reason"]
    assert temporal.workflows["po-1001"].updates == []


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"decision": "maybe"}, "decision", "is not one of approve, reject"),
        ({"decision": "reject", "comment": "  "}, "comment", "needs a comment"),
        # The decider is the caller: a body naming someone else is refused, not believed.
        ({"decision": "approve", "actor": "mallory"}, "actor", "Extra inputs are not permitted"),
    ],
)
def test_bad_decisions_are_422_and_never_reach_the_workflow(
    api: TestClient, repo: FakeRepository, temporal: FakeTemporal, body: dict, field: str, words: str
) -> None:
    with_po(api)
    repo.tasks["T-1"] = approval_task()
    response = api.post("/api/v1/tasks/T-1/decision", json=body)
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == field
    assert words in response.json()["errors"][0]["reason"]
    assert temporal.workflows["po-1001"].updates == []


def test_validator_rejection_is_409_with_its_message(
    api: TestClient, repo: FakeRepository, temporal: FakeTemporal
) -> None:
    with_po(api)
    repo.tasks["T-1"] = approval_task()
    temporal.workflows["po-1001"].update_error = WorkflowUpdateFailedError(
        ApplicationError("carol requested this PO and cannot approve it (segregation of duties)")
    )
    response = api.post("/api/v1/tasks/T-1/decision", json={"decision": "approve"})
    assert response.status_code == 409
    assert response.json() == {
        "detail": "carol requested this PO and cannot approve it (segregation of duties)"
    }


def test_decision_without_a_worker_is_503_and_says_it_may_still_apply(
    api: TestClient, repo: FakeRepository, temporal: FakeTemporal
) -> None:
    with_po(api)
    repo.tasks["T-1"] = approval_task()
    temporal.workflows["po-1001"].hang = True
    response = api.post("/api/v1/tasks/T-1/decision", json={"decision": "approve"})
    assert response.status_code == 503
    assert response.json()["detail"] == (
        "no answer from workflow po-1001 within 0.2 s — is the worker running (`poflow worker`)?"
        "; the request is queued and may still be applied — check before re-sending"
    )


def test_decision_on_unknown_task_is_404(api: TestClient) -> None:
    response = api.post("/api/v1/tasks/T-9/decision", json={"decision": "approve"})
    assert response.status_code == 404


# --- pages and health ----------------------------------------------------------------------


def test_inbox_is_served_and_root_redirects(api: TestClient) -> None:
    response = api.get("/inbox")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert 'const API = "/api/v1"' in response.text and "/tasks?status=open" in response.text
    # Who decides is the signed-in person: no name to type, the CSRF token echoed on writes.
    assert 'id="actor"' not in response.text and '"X-CSRF-Token": csrfToken()' in response.text
    nonce = response.headers["content-security-policy"].split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'<script nonce="{nonce}">' in response.text and response.headers["x-frame-options"] == "DENY"

    redirect = api.get("/", follow_redirects=False)
    assert redirect.status_code in (302, 307)
    assert redirect.headers["location"] == "/inbox"


def test_healthz_reports_each_dependency(api: TestClient, temporal: FakeTemporal) -> None:
    assert api.get("/healthz").json() == {"status": "ok", "temporal": "ok", "database": "ok"}
    temporal.reachable = False
    response = api.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "degraded"
    assert response.json()["temporal"].startswith("unreachable at 127.0.0.1:7233")


def test_inbox_offers_a_checkbox_per_hold_and_sends_the_ticked_ones(api: TestClient) -> None:
    page = api.get("/inbox").text
    assert "addHoldChoices(card, task.holds)" in page
    assert 'tick.type = "checkbox"' in page and "tick.value = hold.ref" in page
    assert "tick.disabled = Boolean(hold.waits_for)" in page  # a receipt hold is shown, not chosen…
    assert "why.textContent = ` — ${hold.waits_for}`" in page  # …with why
    assert "document: corrected, holds }" in page


def test_inbox_lets_a_reviewer_edit_and_send_the_reading(api: TestClient) -> None:
    page = api.get("/inbox").text
    assert (
        'task.kind === "review_document"' in page
        and "documents/${encodeURIComponent(task.workflow_id)}" in page
    )
    assert "document: corrected" in page  # the edited reading travels with the decision
