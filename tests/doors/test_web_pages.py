"""The web app's pages over the real service (fake Temporal, real database):
a held invoice's task shows each hold's sentence, tolerance and source, the
invoice beside the PO price, the item's price history and the supplier's
original PDF; the PO list filters; the PO page shows lines ordered, received
and invoiced; a page without a signed-in person sends them to sign in."""

from __future__ import annotations

import hashlib
import json
import re
from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy

from activities.db import repository
from activities.db import schema as t
from activities.db.seed import seed_master_data
from models import (
    HumanTask,
    InvoiceRecord,
    InvoiceStatus,
    MatchRequest,
    PoProjection,
    PurchaseOrderState,
    Revision,
    RevisionChange,
    RevisionReason,
)
from models.holds import HoldCode
from models.tasks import TaskKind
from models.workflow_state import PoStatus
from p2p import invoice_holds
from p2p.matching.engine import match_invoice
from tests.support.api import NOW, FakeRepository, FakeTemporal, FakeWorkflow
from tests.support.builders import invoice, po, receipt
from tools import demo
from tools.demo_supplier import invoice_as_pdf
from workflows.contract import po_workflow_id

PDF = invoice_as_pdf(  # a real one: the page shows its pages
    demo.invoice(
        {"vendor_id": "ACME", "po_number": "1001", "currency": "USD", "payment_terms": None},
        "INV-77",
        {1: ("100", "13.90")},
    )
)[0]
SHA = hashlib.sha256(PDF).hexdigest()


@pytest.fixture
def held(temporal: FakeTemporal, repo: FakeRepository, people_engine: sqlalchemy.Engine) -> HumanTask:
    """PO 1001 received in full; its invoice bills the gloves at 13.90 against
    11.90 agreed (outside the default tolerance), read from a PDF; the hold task open."""
    order = po("1001", glove_price="11.90")
    goods = receipt(order, "GR-1", {1: "100", 2: "200"})
    bill = invoice(order, "INV-77", {1: ("100", "13.90"), 2: ("200", "4.75")})
    result = match_invoice(MatchRequest(po=order, receipts=[goods], invoice=bill), matched_at=NOW)
    assert [h.code for h in result.open_holds] == [HoldCode.PRICE]  # the premise: one price hold
    record = InvoiceRecord(
        invoice=bill, status=InvoiceStatus.HELD, match=result, received_at=NOW, held_since=NOW
    )
    task = HumanTask(
        task_id="T-HOLD",
        po_number="1001",
        kind=TaskKind.RESOLVE_INVOICE_HOLD,
        title="Invoice INV-77 on hold",
        options=["accept_variance", "request_credit_memo", "reject_invoice", "wait"],
        assignee_role="ap_clerk",
        subject_id=bill.document_id,
        context=invoice_holds.hold_task_context(record),
        holds=invoice_holds.task_holds(record),
        created_at=NOW,
        due_at=NOW + timedelta(days=2),
    )
    state = PurchaseOrderState(
        po=order, status=PoStatus.RECEIVED, receipts=[goods], invoices=[record], tasks=[task]
    )
    temporal.workflows[po_workflow_id("1001")] = FakeWorkflow(state)
    repo.tasks[task.task_id] = task
    repo.projections.append(_row("1001", "received", open_holds=1))
    repo.projections.append(_row("1002", "closed", vendor="NORDIC"))
    _store(people_engine, f"file:{SHA}", PDF, "application/pdf", "api")
    normalized = json.dumps(bill.model_dump(mode="json")).encode()
    _store(people_engine, bill.document_id, normalized, "application/json", f"intake doc-{SHA}")
    seed_master_data(people_engine)  # contracts: the gloves at 11.20 in 2025, 11.90 from 2026
    return task


def _row(number: str, status: str, *, vendor: str = "ACME", open_holds: int = 0) -> PoProjection:
    return PoProjection(
        po_number=number,
        revision=0,
        vendor_id=vendor,
        buyer="bob.buyer",
        status=status,
        currency="USD",
        total=Decimal("2040.00"),
        open_holds=open_holds,
        workflow_id=po_workflow_id(number),
        updated_at=NOW,
    )


def _store(engine: sqlalchemy.Engine, document_id: str, raw: bytes, content_type: str, source: str) -> None:
    """Straight into the documents table: the doors' repository is the fake one here."""
    row = {
        "document_id": document_id,
        "sha256": repository.sha256_hex(raw),
        "kind": "invoice",
        "po_number": "1001",
        "content_type": content_type,
        "source": source,
        "size": len(raw),
        "raw": raw,
        "received_at": NOW,
    }
    with engine.begin() as connection:
        connection.execute(t.documents.insert().values(**row))


def test_a_held_invoice_task_shows_its_evidence_on_one_page(api, held: HumanTask) -> None:
    page = api.get(f"/tasks/{held.task_id}")
    assert page.status_code == 200, page.text
    html = page.text
    hold = held.holds[0]
    assert hold.ref == "PRICE:1"
    assert hold.message in html  # the hold's sentence
    record = held.context
    assert record  # the task's own evidence table
    for value in record.values():
        assert value.replace("&", "&amp;") in html or value in html
    # the invoice price beside the PO price, in the one money format
    assert "13.90 USD" in html and "11.90 USD" in html
    # the tolerance and where it came from
    assert 'class="tolerance"' in html and 'class="source"' in html
    # the item's price history: its contract price
    assert "Price history of <code>MRO-GLOVE-NITRILE-L</code>" in html
    assert "contract from 2025-01-01 to 2025-12-31" in html and "contract from 2026-01-01" in html
    # the supplier's PDF as its pages, from the file as received (not the normalized JSON)
    assert f'<image href="/originals/file%3A{SHA}?page=1" width="612.0" height="792.0"/>' in html
    assert 'data-decision="accept_variance"' in html and 'value="PRICE:1"' in html
    # one time rule
    assert NOW.strftime("%Y-%m-%d %H:%M UTC") in html


def test_the_original_is_served_as_received_and_as_page_images(api, held: HumanTask) -> None:
    bill_id = held.subject_id
    assert bill_id is not None
    answer = api.get(f"/originals/{bill_id}")  # the normalized invoice's id leads to the file
    assert answer.status_code == 200
    assert answer.content == PDF
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("inline")
    assert answer.headers["content-security-policy"] == "default-src 'none'"
    assert api.get("/originals/invoice:ACME:NOPE").status_code == 404
    image = api.get(f"/originals/{bill_id}", params={"page": 1})
    assert image.status_code == 200 and image.headers["content-type"] == "image/png"
    assert image.content.startswith(b"\x89PNG")
    assert api.get(f"/originals/{bill_id}", params={"page": 2}).status_code == 404  # a one-page PDF


def test_the_po_list_filters_by_status_vendor_and_hold(api, held: HumanTask) -> None:
    def listed(**params: str) -> list[str]:
        page = api.get("/pos", params=params)
        assert page.status_code == 200
        return [n for n in ("1001", "1002") if f'href="/pos/{n}"' in page.text]

    assert listed() == ["1001", "1002"]
    assert listed(status="closed") == ["1002"]
    assert listed(vendor="nordic") == ["1002"]
    assert listed(hold="held") == ["1001"]
    assert listed(hold="none") == ["1002"]
    assert api.get("/pos", params={"hold": "maybe"}).status_code == 422


def test_the_po_page_shows_lines_ordered_received_invoiced_and_holds(api, held: HumanTask) -> None:
    page = api.get("/pos/1001")
    assert page.status_code == 200
    html = page.text
    assert 'id="po-status">received<' in html
    assert held.holds[0].message in html
    assert f'href="/tasks/{held.task_id}"' in html
    assert "http://ui.test/namespaces/" in html  # the Temporal UI link
    assert "/api/v1/purchase-orders/1001/audit?format=csv" in html
    assert api.get("/pos/NOPE").status_code == 404


@pytest.mark.parametrize("path", ["/pos", "/pos/1001", "/tasks/T-HOLD", f"/originals/file:{SHA}"])
def test_a_page_without_a_signed_in_person_sends_them_to_sign_in(api, held: HumanTask, path: str) -> None:
    answer = api.get(path, headers={"Authorization": ""}, follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"].startswith("/login?next=/")


def test_the_po_page_shows_each_revision_as_a_diff(api, held: HumanTask, temporal: FakeTemporal) -> None:
    workflow = temporal.workflows[po_workflow_id("1001")]
    revised = Revision(
        revision=1,
        reason=RevisionReason.SUPPLIER_CHANGE_AUTO,
        source_document_id="ack:ACME:OA-7",
        at=NOW,
        total=Decimal("2340.00"),
        changes=[RevisionChange(line_no=1, field="unit_price", old="11.9", new="12.1")],
        approved_by="rule: within the acknowledgment tolerance (standard v1)",
    )
    workflow.state = workflow.state.model_copy(update={"revisions": [revised]})
    html = api.get("/pos/1001").text
    assert "What revision 1 changed" in html
    assert '<td class="before">11.90 USD</td>' in html and '<td class="after">12.10 USD</td>' in html
    assert "rule: within the acknowledgment tolerance (standard v1)" in html


def test_a_rejected_line_task_offers_the_other_vendors_and_every_contract_price(
    api, held: HumanTask, temporal: FakeTemporal, repo: FakeRepository
) -> None:
    """Re-sourcing needs a vendor to buy from and what others charge for the item."""
    state = temporal.workflows[po_workflow_id("1001")].state
    task = HumanTask(
        task_id="T-LINE",
        po_number="1001",
        kind=TaskKind.RESOLVE_REJECTED_LINE,
        title="ACME rejected line 1 of 1001",
        options=["re_source", "cancel_line"],
        assignee_role="buyer",
        context={"line_no": "1", "item": "MRO-GLOVE-NITRILE-L", "quantity": "100 EA"},
        created_at=NOW,
        due_at=NOW + timedelta(days=2),
    )
    state.tasks.append(task)
    repo.tasks[task.task_id] = task
    html = api.get("/tasks/T-LINE").text
    assert 'id="vendor_id"' in html and 'id="unit_price"' in html
    offered = set(re.findall(r'<option value="([A-Z]+)">', html))
    assert offered == {
        "NORDIC",
        "LABWORKS",
        "SLOWPOKE",
        "CLOUDOPS",
    }  # active, and not the one that rejected it
    assert "Price history of <code>MRO-GLOVE-NITRILE-L</code>" in html
    assert 'data-decision="re_source"' in html and 'data-decision="cancel_line"' in html
