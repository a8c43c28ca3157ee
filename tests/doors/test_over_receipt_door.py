"""The receipt door and the over-receipt tolerance (issue #17 item 6): where
the vendor's policy refuses over-receipts (Oracle's over-receipt action
"reject"), `POST /api/v1/purchase-orders/{po}/receipts` and `poflow send
receipt` read the PO's live state and refuse a receipt that takes a line
beyond ordered + tolerance — 422 with the sentence, nothing stored, nothing
signalled, the refusal audited; under `flag` (Oracle's "warning", the
default) the receipt is accepted and the workflow flags it. A receipt at the
limit passes either way; the check counts the receipts the PO already has."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from models import GoodsReceipt
from models.policy import Policy
from models.tolerances import ToleranceProfile
from starter import cli
from starter.operations import PoflowService
from tests.support.api import PO, RECEIPT, FakeRepository, FakeTemporal, post_json

URL = "/api/v1/purchase-orders/1001/receipts"
ELEVEN = RECEIPT | {"lines": [{"line_no": 1, "quantity_received": "11"}]}  # PO line 1: 10 ordered


def with_po(api: TestClient, temporal: FakeTemporal, action: str, pct: str = "0") -> None:
    """PO 1001 (line 1: 10 EA) whose recorded policy has `action` and a
    default profile allowing `pct` % over the ordered quantity."""
    response, _ = post_json(api, "/api/v1/purchase-orders", PO)
    assert response.status_code == 201, response.text
    profile = ToleranceProfile(name="standard", version=3, receipt_over_pct=Decimal(pct))
    policy = Policy(over_receipt_action=action, tolerance_profiles=[profile])  # type: ignore[arg-type]
    workflow = temporal.workflows["po-1001"]
    workflow.state = workflow.state.model_copy(update={"policy": policy})


def test_refused_with_422_and_the_sentence_under_refuse(
    api: TestClient, temporal: FakeTemporal, repo: FakeRepository
) -> None:
    with_po(api, temporal, "refuse")
    response, _ = post_json(api, URL, ELEVEN)

    assert response.status_code == 422, response.text
    assert response.json()["detail"] == (
        "receipt GR-1 refused: line 1: 11 EA received to date, 10 EA ordered: 1 EA over, "
        "beyond the over-receipt tolerance +0% (standard v3). Policy standard v1 refuses receipts "
        "beyond the over-receipt tolerance: receive what was ordered and send the rest back, "
        "or ask the buyer to amend the PO"
    )
    assert "receipt:1001:GR-1" not in repo.documents  # nothing stored
    assert temporal.workflows["po-1001"].signals == []  # nothing signalled
    [event] = api.get("/api/v1/purchase-orders/1001/audit").json()  # the refusal is in the PO's trail
    assert (event["event"], event["actor"], event["evidence"]) == ("refused", "carol", "receipt:1001:GR-1")
    assert event["detail"].startswith("send a receipt: receipt GR-1 refused: line 1: 11 EA received to date")


def test_at_the_limit_is_accepted_under_refuse(api: TestClient, temporal: FakeTemporal) -> None:
    with_po(api, temporal, "refuse", pct="10")  # 10 % of 10 = 1: eleven is at the limit
    response, _ = post_json(api, URL, ELEVEN)
    assert response.status_code == 202, response.text
    [(signal, sent)] = temporal.workflows["po-1001"].signals
    assert signal == "receipt" and sent.lines[0].quantity_received == 11


def test_accepted_under_flag_for_the_workflow_to_flag(
    api: TestClient, temporal: FakeTemporal, repo: FakeRepository
) -> None:
    with_po(api, temporal, "flag")
    response, raw = post_json(api, URL, ELEVEN)
    assert response.status_code == 202, response.text
    assert repo.documents["receipt:1001:GR-1"]["raw"] == raw
    assert [s for s, _ in temporal.workflows["po-1001"].signals] == ["receipt"]


def test_the_receipts_the_po_has_count(api: TestClient, temporal: FakeTemporal) -> None:
    with_po(api, temporal, "refuse")
    workflow = temporal.workflows["po-1001"]
    earlier = GoodsReceipt.model_validate(RECEIPT | {"receipt_id": "GR-0"})  # all 10 received
    workflow.state = workflow.state.model_copy(update={"receipts": [earlier]})
    one_more = RECEIPT | {"lines": [{"line_no": 1, "quantity_received": "1"}]}
    response, _ = post_json(api, URL, one_more)
    assert response.status_code == 422
    assert "line 1: 11 EA received to date (10 before GR-1), 10 EA ordered" in response.json()["detail"]


def test_a_resend_of_a_receipt_the_po_has_is_a_duplicate_not_a_refusal(
    api: TestClient, temporal: FakeTemporal
) -> None:
    with_po(api, temporal, "flag")
    post_json(api, URL, ELEVEN)  # accepted under flag; the workflow recorded it
    workflow = temporal.workflows["po-1001"]
    recorded = GoodsReceipt.model_validate(ELEVEN)
    assert workflow.state.policy is not None
    policy = workflow.state.policy.model_copy(update={"over_receipt_action": "refuse"})
    workflow.state = workflow.state.model_copy(
        update={"policy": policy, "receipts": [recorded], "processed_document_ids": [recorded.document_id]}
    )
    response, _ = post_json(api, URL, ELEVEN)
    assert response.status_code == 409 and response.json()["status"] == "duplicate"


def test_a_silent_worker_does_not_stop_the_receipt(api: TestClient, temporal: FakeTemporal) -> None:
    """No answer to the state query: the receipt goes on (the workflow flags it), nothing is lost."""
    with_po(api, temporal, "refuse")
    temporal.workflows["po-1001"].hang = True
    response, _ = post_json(api, URL, ELEVEN)
    assert response.status_code == 202, response.text


def test_poflow_send_receipt_is_refused_with_exit_3(
    service: PoflowService,
    temporal: FakeTemporal,
    api: TestClient,
    tokens: dict[str, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with_po(api, temporal, "refuse")
    monkeypatch.setenv("POFLOW_TOKEN", tokens["carol"])
    path = tmp_path / "gr.json"
    path.write_text(GoodsReceipt.model_validate(ELEVEN).model_dump_json())
    err = io.StringIO()
    streams = cli.Io(io.BytesIO(b""), io.StringIO(), err)

    async def factory() -> PoflowService:
        return service

    code = cli.run(["send", "receipt", str(path)], service_factory=factory, io=streams)
    assert code == 3, err.getvalue()
    assert err.getvalue().startswith(
        "poflow: receipt GR-1 refused: line 1: 11 EA received to date, 10 EA ordered"
    )
    assert temporal.workflows["po-1001"].signals == []
