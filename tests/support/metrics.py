"""The rows behind the metrics tests (tests/doors/test_metrics_api.py over
the API, tests/db/test_db_metrics.py on both databases), written by the same
writers the workflows' activities use, and what AP and operations would count
in them by hand: an invoice re-matched clean and paid is approved, not held; a
hold a person released no longer counts; a rejected invoice is neither
approved nor held; a task that went to the manager escalated twice."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import sqlalchemy

from activities.db.outbox import enqueue_notification, hand_off_payment, record_delivery_failure
from activities.db.repository import insert_match_result, store_document, upsert_po_projection, upsert_task
from models import (
    Hold,
    HoldCode,
    HoldStatus,
    HumanTask,
    MatchDecision,
    MatchRecord,
    MatchResult,
    Notification,
    NotificationChannel,
    PaymentHandoff,
    PoProjection,
    TaskKind,
    TaskStatus,
)
from workflows.contract import intake_workflow_id

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
Samples = dict[tuple[str, tuple[tuple[str, str], ...]], float]


def key(name: str, **labels: str) -> tuple[str, tuple[tuple[str, str], ...]]:
    return (name, tuple(sorted(labels.items())))


# --- rows, as the activities write them ------------------------------------------------------


def po(engine: sqlalchemy.Engine, number: str, status: str) -> None:
    upsert_po_projection(
        engine,
        PoProjection(
            po_number=number,
            revision=1,
            vendor_id="ACME",
            buyer="carol",
            status=status,
            currency="USD",
            total=Decimal("1000.00"),
            workflow_id=f"po-{number}",
            updated_at=T0,
        ),
    )


def hold(code: HoldCode, status: HoldStatus = HoldStatus.OPEN) -> Hold:
    return Hold(code=code, line_no=1, message=f"{code.value} on line 1", status=status)


def match(engine: sqlalchemy.Engine, invoice_id: str, minutes: int, *holds: Hold) -> None:
    open_holds = [h for h in holds if h.status == HoldStatus.OPEN]
    result = MatchResult(
        invoice_id=invoice_id,
        po_number="1001",
        po_revision=1,
        decision=MatchDecision.HOLD if open_holds else MatchDecision.APPROVE,
        holds=list(holds),
        matched_at=T0 + timedelta(minutes=minutes),
    )
    insert_match_result(engine, MatchRecord(result=result))


def paid(engine: sqlalchemy.Engine, invoice_id: str) -> None:
    hand_off_payment(
        engine,
        PaymentHandoff(
            invoice_id=invoice_id,
            po_number="1001",
            vendor_id="ACME",
            invoice_number=invoice_id.rsplit(":", 1)[1],
            currency="USD",
            amount=Decimal("100.00"),
            at=T0,
        ),
    )


def task(engine: sqlalchemy.Engine, task_id: str, kind: TaskKind, level: int, **changes: Any) -> None:
    upsert_task(
        engine,
        HumanTask(
            task_id=task_id,
            po_number="1001",
            kind=kind,
            title=task_id,
            options=["x"],
            assignee_role="buyer",
            created_at=T0,
            due_at=T0 + timedelta(days=1),
            escalation_level=level,
            **changes,
        ),
    )


def received_file(engine: sqlalchemy.Engine, raw: bytes) -> str:
    """A file as the document door stores it; its sha256."""
    sha256 = hashlib.sha256(raw).hexdigest()
    store_document(
        engine,
        document_id=f"file:{sha256}",
        kind="file",
        raw=raw,
        content_type="application/octet-stream",
        source="api:test",
        po_number=None,
    )
    return sha256


def write_rows(engine: sqlalchemy.Engine) -> None:
    """Three POs, seven invoices and credit memos, four PO tasks, four received
    files and two notifications: EXPECTED says what they count as."""
    for number, status in (("1001", "issued"), ("1002", "issued"), ("1003", "closed")):
        po(engine, number, status)

    match(engine, "invoice:ACME:INV-1", 1)  # clean: paid
    paid(engine, "invoice:ACME:INV-1")
    match(engine, "invoice:ACME:INV-2", 2, hold(HoldCode.PRICE))
    match(engine, "invoice:ACME:INV-3", 3, hold(HoldCode.PRICE))
    match(engine, "invoice:ACME:INV-3", 30, hold(HoldCode.PRICE), hold(HoldCode.QTY_RECEIVED))
    match(engine, "invoice:ACME:INV-4", 4, hold(HoldCode.PRICE))  # held, then the receipt came: paid
    match(engine, "invoice:ACME:INV-4", 40)
    paid(engine, "invoice:ACME:INV-4")
    match(engine, "invoice:ACME:INV-5", 5, hold(HoldCode.AMOUNT))  # rejected by AP on its hold task
    match(
        engine, "invoice:ACME:INV-6", 6, hold(HoldCode.PRICE, HoldStatus.RELEASED), hold(HoldCode.NO_RECEIPT)
    )
    match(engine, "credit:ACME:CM-1", 7)
    paid(engine, "credit:ACME:CM-1")

    task(engine, "1001-T1", TaskKind.APPROVE_PO, 0)
    task(engine, "1001-T2", TaskKind.RESOLVE_INVOICE_HOLD, 2, subject_id="invoice:ACME:INV-2")
    task(
        engine,
        "1001-T3",
        TaskKind.RESOLVE_INVOICE_HOLD,
        1,
        subject_id="invoice:ACME:INV-5",
        status=TaskStatus.DONE,
        decision="reject_invoice",
    )
    task(engine, "1001-T4", TaskKind.CHASE_SUPPLIER, 1)

    pdf = received_file(engine, b"%PDF-1.7\n% an invoice\n")
    store_document(
        engine,
        document_id="invoice:ACME:INV-9",
        kind="invoice",
        raw=b'{"invoice_number": "INV-9"}',
        content_type="application/json",
        source=f"intake doc-{pdf}",
        po_number="1001",
    )
    x12 = received_file(engine, b"ISA*00*          *00*          *ZZ*ACME ~")
    task(engine, "doc-x12-T1", TaskKind.REVIEW_DOCUMENT, 0, workflow_id=intake_workflow_id(x12))
    json_file = received_file(engine, b'{"kind": "invoice"}')
    task(
        engine,
        "doc-json-T1",
        TaskKind.REVIEW_DOCUMENT,
        0,
        workflow_id=intake_workflow_id(json_file),
        status=TaskStatus.DONE,
        decision="discard",
    )
    received_file(engine, b"hello, this is no document")

    for number in ("N1", "N2"):
        notification = Notification(
            notification_id=number,
            po_number="1001",
            channel=NotificationChannel.AP,
            recipient="ap@example.com",
            subject="s",
            at=T0,
        )
        enqueue_notification(engine, notification)
    record_delivery_failure(engine, "N2", "SMTPServerDisconnected")


EXPECTED: Samples = {
    key("poflow_purchase_orders", status="issued"): 2,
    key("poflow_purchase_orders", status="closed"): 1,
    key("poflow_purchase_orders", status="pending_approval"): 0,
    key("poflow_invoices", kind="invoice", status="approved"): 2,  # INV-1, INV-4
    key("poflow_invoices", kind="invoice", status="held"): 3,  # INV-2, INV-3, INV-6
    key("poflow_invoices", kind="invoice", status="rejected"): 1,  # INV-5
    key("poflow_invoices", kind="credit_memo", status="approved"): 1,
    key("poflow_invoices", kind="credit_memo", status="held"): 0,
    key("poflow_invoice_holds", code="PRICE"): 2,  # INV-2, INV-3; INV-6's PRICE hold was released
    key("poflow_invoice_holds", code="QTY_RECEIVED"): 1,
    key("poflow_invoice_holds", code="NO_RECEIPT"): 1,
    key("poflow_invoice_holds", code="AMOUNT"): 0,  # its invoice was rejected
    key("poflow_open_tasks", kind="approve_po", escalation_level="0"): 1,
    key("poflow_open_tasks", kind="resolve_invoice_hold", escalation_level="2"): 1,
    key("poflow_open_tasks", kind="resolve_invoice_hold", escalation_level="1"): 0,
    key("poflow_open_tasks", kind="chase_supplier", escalation_level="1"): 1,
    # T2 went to the deputy, then the manager; T3 (decided since) and T4 to the deputy.
    key("poflow_task_escalations_total", escalation_level="1"): 3,
    key("poflow_task_escalations_total", escalation_level="2"): 1,
    key("poflow_intake_files", format="pdf", outcome="delivered"): 1,
    key("poflow_intake_files", format="x12", outcome="in_review"): 1,
    key("poflow_intake_files", format="json", outcome="discarded"): 1,
    key("poflow_intake_files", format="unreadable", outcome="undelivered"): 1,
    key("poflow_intake_files", format="pdf", outcome="undelivered"): 0,
    key("poflow_outbox_undelivered", outbox="notifications", failing="false"): 1,
    key("poflow_outbox_undelivered", outbox="notifications", failing="true"): 1,
    key("poflow_outbox_undelivered", outbox="po_messages", failing="false"): 0,
}
