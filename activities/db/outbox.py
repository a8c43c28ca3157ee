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
from typing import TYPE_CHECKING

from sqlalchemy import Connection, select, update
from sqlalchemy.engine import Engine

from activities.db import outbound
from activities.db import schema as t
from activities.db.master_data import connect
from activities.db.upsert import insert, wrote_row
from models import HandoffResult, IssuePurpose, IssueRequest, IssueResult, Notification, PaymentHandoff

if TYPE_CHECKING:
    from activities.po_channel import OutgoingFile, Renderer

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
    attachment_id: str | None = None  # an outbound_messages row (the PO as a PDF)


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
        "attachment_id": notification.attachment_id,
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


def issue_notification_id(request: IssueRequest) -> str:
    """The notifications key of the e-mail of one send (an order's first
    attempt keeps the key it always had)."""
    key = f"issue:{request.po_number}:r{request.revision}"
    if request.purpose != IssuePurpose.ORDER:
        key += f":{request.purpose.value}"
    return key + (f":a{request.attempt}" if request.attempt else "")


def record_po_issue(
    engine: Engine,
    request: IssueRequest,
    *,
    channel: str,
    recipient: str,
    notification: Notification | None,
    render: Renderer | None = None,
) -> IssueResult:
    """Record that this PO revision was sent (attempt 0: a po_issues row, as
    always), store the rendered file (`render`: an 850, ORDERS or PDF, given
    the control number allocated for it) in outbound_messages, and queue the
    e-mail, in one transaction: all of it exists or none. A second call for
    the same (po_number, revision, purpose, attempt) writes nothing, allocates
    no control number and returns already_issued=True with the first send's
    identifiers."""
    message_id = outbound.outbound_message_id(
        request.po_number, request.revision, request.attempt, request.purpose.value
    )
    try:
        with engine.begin() as connection:
            first = _first_issue(connection, request)
            if first is not None:
                return first
            stored = _render_with_control_number(connection, render)
            if request.attempt == 0 and request.purpose == IssuePurpose.ORDER:
                _insert_po_issue(
                    connection, request, channel=channel, recipient=recipient, message_id=message_id
                )
            if stored is not None:
                _insert_outbound_file(
                    connection, request, stored, channel=channel, recipient=recipient, message_id=message_id
                )
            if notification is not None:
                _queue_email(
                    connection, notification, attachment_id=message_id if stored is not None else None
                )
            return _result(request, channel, message_id, stored, already_issued=False)
    except _Raced:
        pass  # another worker stored it first: this transaction (and its number) rolled back
    return _issue_stored_by_the_winner(engine, request)


def _render_with_control_number(connection: Connection, render: Renderer | None) -> OutgoingFile | None:
    """Render the file, allocating its EDI control number (if its standard
    has one) in the caller's transaction: reached only when nothing is stored
    for this send yet, and rolled back with it when the send is not stored."""
    if render is None:
        return None
    standard = render.standard
    control = outbound.next_control_number(connection, standard) if standard else None
    return render(control)


def _insert_po_issue(
    connection: Connection, request: IssueRequest, *, channel: str, recipient: str, message_id: str
) -> None:
    """The po_issues row of a first send (attempt 0); _Raced if it is there already."""
    stmt = insert(connection, t.po_issues).values(
        po_number=request.po_number,
        revision=request.revision,
        vendor_id=request.vendor_id,
        channel=channel,
        recipient=recipient,
        message_id=message_id,
        issued_at=request.at,
    )
    if not wrote_row(connection, stmt.on_conflict_do_nothing()):
        raise _Raced


def _insert_outbound_file(
    connection: Connection,
    request: IssueRequest,
    stored: OutgoingFile,
    *,
    channel: str,
    recipient: str,
    message_id: str,
) -> None:
    """The rendered file's outbound_messages row; _Raced if this send's is there already."""
    wrote = outbound.insert_message(
        connection,
        {
            "message_id": message_id,
            "po_number": request.po_number,
            "revision": request.revision,
            "attempt": request.attempt,
            "purpose": request.purpose.value,
            "vendor_id": request.vendor_id,
            "channel": channel,
            "format": stored.format,
            "standard": stored.standard,
            "sender_id": stored.sender_id,
            "receiver_id": recipient,
            "interchange_control": stored.interchange_control,
            "group_control": stored.group_control,
            "transaction_control": stored.transaction_control,
            "filename": stored.filename,
            "content_type": stored.content_type,
            "content": stored.content,
            "created_at": request.at,
        },
    )
    if not wrote:
        raise _Raced


def _queue_email(connection: Connection, notification: Notification, *, attachment_id: str | None) -> None:
    """Queue the e-mail; `attachment_id` (the stored file's message id, if a
    file was stored) replaces the notification's own."""
    if attachment_id is not None:
        notification = notification.model_copy(update={"attachment_id": attachment_id})
    enqueue_notification(connection, notification)


def _issue_stored_by_the_winner(engine: Engine, request: IssueRequest) -> IssueResult:
    """After losing the race (_Raced): the send the other worker committed, in a fresh read."""
    with engine.connect() as connection:
        first = _first_issue(connection, request)
    assert first is not None
    return first


class _Raced(Exception):
    """The same send was stored by someone else while this one was rendering."""


def _first_issue(connection: Connection, request: IssueRequest) -> IssueResult | None:
    if request.attempt > 0 or request.purpose != IssuePurpose.ORDER:
        return _later_send(connection, request)
    # po_issues first: it is committed with the message, so once it is seen
    # the message is too (SQLite's reads outside a write are not one snapshot).
    row = (
        connection.execute(
            select(t.po_issues).where(
                t.po_issues.c.po_number == request.po_number, t.po_issues.c.revision == request.revision
            )
        )
        .mappings()
        .first()
    )
    if row is None:
        return None
    message = outbound.find_message(connection, request.po_number, request.revision, request.attempt)
    return _result(request, row["channel"], row["message_id"], message, True)


def _later_send(connection: Connection, request: IssueRequest) -> IssueResult | None:
    """A resend, cancellation or reminder stored before: its file, or (an
    e-mail that carried none) its queued e-mail."""
    purpose = request.purpose.value
    message = outbound.find_message(connection, request.po_number, request.revision, request.attempt, purpose)
    if message is not None:
        return _result(request, message.channel, message.message_id, message, True)
    n = t.notifications
    queued = connection.execute(
        select(n.c.notification_id).where(n.c.notification_id == issue_notification_id(request))
    ).first()
    if queued is None:
        return None
    message_id = outbound.outbound_message_id(request.po_number, request.revision, request.attempt, purpose)
    return _result(request, "email", message_id, None, True)


def _result(
    request: IssueRequest,
    channel: str,
    message_id: str,
    stored: OutgoingFile | outbound.OutboundMessage | None,
    already_issued: bool,
) -> IssueResult:
    return IssueResult(
        po_number=request.po_number,
        revision=request.revision,
        channel=channel,
        message_id=message_id,
        already_issued=already_issued,
        attempt=request.attempt,
        standard=stored.standard if stored else None,
        interchange_control=stored.interchange_control if stored else None,
        group_control=stored.group_control if stored else None,
        transaction_control=stored.transaction_control if stored else None,
        attachment=stored.filename if stored is not None and stored.standard is None else None,
        format=stored.format if stored else None,
        purpose=request.purpose,
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
