"""What poflow sends out, each exactly once: notifications, PO issues to
suppliers, and invoices handed to payment.

Every row is keyed by a business key (notification id, PO number + revision,
invoice id) with a database constraint behind it. Identifiers we hand out
(message ids, payment references) are derived from that key, so a retry that
lost its first answer gets the same identifier back."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import Connection, select, update
from sqlalchemy.engine import Engine

from activities.db import schema as t
from activities.db.master_data import connect
from activities.db.upsert import insert, wrote_row
from models import HandoffResult, IssueRequest, IssueResult, Notification, PaymentHandoff

# --- notifications outbox -------------------------------------------------------


@dataclass(frozen=True)
class OutboxMessage:
    notification_id: str
    po_number: str
    channel: str
    recipient: str
    subject: str
    body: str
    created_at: datetime
    delivered_at: datetime | None
    attempts: int
    last_error: str | None


def enqueue_notification(bind: Engine | Connection, notification: Notification) -> bool:
    """Add to the outbox; False if this notification_id is already there."""
    values = {
        "notification_id": notification.notification_id,
        "po_number": notification.po_number,
        "channel": notification.channel.value,
        "recipient": notification.recipient,
        "subject": notification.subject,
        "body": notification.body,
        "created_at": notification.at,
        "attempts": 0,
    }
    if isinstance(bind, Connection):
        return _insert_ignore(bind, values)
    with bind.begin() as connection:
        return _insert_ignore(connection, values)


def _insert_ignore(connection: Connection, values: dict) -> bool:
    stmt = insert(connection, t.notifications).values(**values).on_conflict_do_nothing()
    return wrote_row(connection, stmt)


def get_notification(engine: Engine, notification_id: str) -> OutboxMessage | None:
    n = t.notifications
    with connect(engine) as connection:
        row = connection.execute(select(n).where(n.c.notification_id == notification_id)).mappings().first()
    return OutboxMessage(**row) if row else None


def pending_notifications(engine: Engine, *, limit: int = 100) -> list[OutboxMessage]:
    """Undelivered messages, oldest first (for a dispatcher or an operator)."""
    n = t.notifications
    query = (
        select(n).where(n.c.delivered_at.is_(None)).order_by(n.c.created_at, n.c.notification_id).limit(limit)
    )
    with connect(engine) as connection:
        return [OutboxMessage(**row) for row in connection.execute(query).mappings()]


def mark_delivered(engine: Engine, notification_id: str, at: datetime) -> bool:
    """Record a successful delivery once; False if it was already delivered."""
    n = t.notifications
    with engine.begin() as connection:
        result = connection.execute(
            update(n)
            .where(n.c.notification_id == notification_id, n.c.delivered_at.is_(None))
            .values(delivered_at=at, attempts=n.c.attempts + 1, last_error=None)
        )
    return result.rowcount == 1


def record_delivery_failure(engine: Engine, notification_id: str, error: str) -> None:
    """`error` must already be free of secrets (no URLs, no response bodies)."""
    n = t.notifications
    with engine.begin() as connection:
        connection.execute(
            update(n)
            .where(n.c.notification_id == notification_id)
            .values(attempts=n.c.attempts + 1, last_error=error[:500])
        )


# --- PO issue ----------------------------------------------------------------------


def po_message_id(po_number: str, revision: int) -> str:
    """RFC 5322-style Message-ID, stable per PO revision."""
    return f"<{po_number}.r{revision}@poflow>"


def record_po_issue(
    engine: Engine, request: IssueRequest, *, channel: str, recipient: str, notification: Notification
) -> IssueResult:
    """Record that this PO revision was sent, and queue the message, in one
    transaction: either both exist or neither. A second call for the same
    (po_number, revision) writes nothing and returns already_issued=True with
    the message id of the first send."""
    message_id = po_message_id(request.po_number, request.revision)
    with engine.begin() as connection:
        stmt = insert(connection, t.po_issues).values(
            po_number=request.po_number,
            revision=request.revision,
            vendor_id=request.vendor_id,
            channel=channel,
            recipient=recipient,
            message_id=message_id,
            issued_at=request.at,
        )
        if wrote_row(connection, stmt.on_conflict_do_nothing()):
            enqueue_notification(connection, notification)
            return IssueResult(
                po_number=request.po_number, revision=request.revision, channel=channel, message_id=message_id
            )
        first = (
            connection.execute(
                select(t.po_issues).where(
                    t.po_issues.c.po_number == request.po_number, t.po_issues.c.revision == request.revision
                )
            )
            .mappings()
            .one()
        )
    return IssueResult(
        po_number=first["po_number"],
        revision=first["revision"],
        channel=first["channel"],
        message_id=first["message_id"],
        already_issued=True,
    )


# --- payment hand-off -----------------------------------------------------------------


def payment_reference(invoice_id: str) -> str:
    """Derived from the invoice id: short (ERP payment-reference fields are often
    16–35 characters) and the same on every retry."""
    return "PAY-" + hashlib.sha256(invoice_id.encode()).hexdigest()[:16].upper()


@dataclass(frozen=True)
class HandoffRecord:
    invoice_id: str
    payment_reference: str
    po_number: str
    vendor_id: str
    invoice_number: str
    currency: str
    amount: Decimal
    due_date: str | None
    discount_date: str | None
    handed_off_at: datetime


def hand_off_payment(engine: Engine, handoff: PaymentHandoff) -> tuple[HandoffResult, HandoffRecord]:
    """Insert the hand-off unless this invoice was handed off before. The
    primary key on invoice_id is what guarantees one payment per invoice, even
    when two workers race. Returns the result and the stored row (the first
    one on a repeat, so the caller can spot a repeat with different terms)."""
    reference = payment_reference(handoff.invoice_id)
    with engine.begin() as connection:
        stmt = insert(connection, t.payment_handoffs).values(
            invoice_id=handoff.invoice_id,
            payment_reference=reference,
            po_number=handoff.po_number,
            vendor_id=handoff.vendor_id,
            invoice_number=handoff.invoice_number,
            currency=handoff.currency,
            amount=handoff.amount,
            due_date=handoff.due_date,
            discount_date=handoff.discount_date,
            handed_off_at=handoff.at,
        )
        first_time = wrote_row(connection, stmt.on_conflict_do_nothing())
        record = _handoff_row(connection, handoff.invoice_id)
    assert record is not None  # just inserted, or the conflicting row
    result = HandoffResult(
        invoice_id=record.invoice_id,
        payment_reference=record.payment_reference,
        already_handed_off=not first_time,
    )
    return result, record


def _handoff_row(connection: Connection, invoice_id: str) -> HandoffRecord | None:
    p = t.payment_handoffs
    row = connection.execute(select(p).where(p.c.invoice_id == invoice_id)).mappings().first()
    return HandoffRecord(**row) if row else None


def get_payment_handoff(engine: Engine, invoice_id: str) -> HandoffRecord | None:
    with connect(engine) as connection:
        return _handoff_row(connection, invoice_id)


def list_payment_handoffs(engine: Engine, *, po_number: str | None = None) -> list[HandoffRecord]:
    p = t.payment_handoffs
    query = select(p).order_by(p.c.handed_off_at, p.c.invoice_id)
    if po_number is not None:
        query = query.where(p.c.po_number == po_number)
    with connect(engine) as connection:
        return [HandoffRecord(**row) for row in connection.execute(query).mappings()]
