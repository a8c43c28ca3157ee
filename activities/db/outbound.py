"""Every PO message poflow sends a vendor (table outbound_messages): the file
as sent, its EDI control numbers and its delivery state, per PO, revision,
purpose (the order, a cancellation, a reminder) and attempt. It is the outbox of EDI files and of the PDFs e-mails carry, and the
record a supplier's 997 / CONTRL is routed back to its PO by.

Control numbers come from `edi_control_numbers` (one counter per standard),
allocated in the same transaction that stores the message: a retried issue
finds its message and allocates nothing, and a transaction that fails (or
loses a race for the same message) rolls its number back, so numbers are
unique and none is spent on a message that was not stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select, update
from sqlalchemy.engine import Engine

from activities.db import schema as t
from activities.db.master_data import connect
from activities.db.upsert import insert, wrote_row

__all__ = [
    "MAX_CONTROL_NUMBER",
    "OutboundMessage",
    "find_message",
    "find_message_answered",
    "get_message",
    "insert_message",
    "mark_message_delivered",
    "next_control_number",
    "outbound_message_id",
    "pending_messages",
]

MAX_CONTROL_NUMBER = 999_999_999  # ISA13 is 9 digits; UNB 0020 takes 14 characters


@dataclass(frozen=True)
class OutboundMessage:
    message_id: str
    po_number: str
    revision: int
    attempt: int
    purpose: str  # models.IssuePurpose
    vendor_id: str
    channel: str
    format: str
    standard: str | None
    sender_id: str | None
    receiver_id: str
    interchange_control: str | None
    group_control: str | None
    transaction_control: str | None
    filename: str
    content_type: str
    content: bytes
    created_at: datetime
    delivered_at: datetime | None
    attempts: int
    last_error: str | None


def outbound_message_id(po_number: str, revision: int, attempt: int, purpose: str = "order") -> str:
    """RFC 5322-style, stable per PO revision, purpose and attempt; the first
    order's is the one po_issues has always recorded (outbox.po_message_id)."""
    local = f"{po_number}.r{revision}"
    if purpose == "reminder":
        local += f".reminder{attempt}"
    elif purpose != "order":
        local += f".{purpose}" + (f".a{attempt}" if attempt else "")
    elif attempt:
        local += f".a{attempt}"
    return f"<{local}@poflow>"


def next_control_number(connection: Connection, standard: str) -> int:
    """The next interchange control number of `standard`, 1 … 999999999 (then
    1 again). Call it inside the transaction that stores the message."""
    c = t.edi_control_numbers
    connection.execute(insert(connection, c).values(standard=standard, last_value=0).on_conflict_do_nothing())
    # The UPDATE takes the row lock (PostgreSQL) / the write lock (SQLite):
    # concurrent issues get consecutive numbers, never the same one.
    connection.execute(
        update(c).where(c.c.standard == standard).values(last_value=c.c.last_value % MAX_CONTROL_NUMBER + 1)
    )
    return int(connection.execute(select(c.c.last_value).where(c.c.standard == standard)).scalar_one())


def insert_message(connection: Connection, values: dict) -> bool:
    """False: a message for this PO, revision, purpose and attempt is already stored."""
    stmt = insert(connection, t.outbound_messages).values(attempts=0, **values)
    return wrote_row(connection, stmt.on_conflict_do_nothing())


def find_message(
    bind: Engine | Connection, po_number: str, revision: int, attempt: int, purpose: str = "order"
) -> OutboundMessage | None:
    m = t.outbound_messages
    query = select(m).where(
        m.c.po_number == po_number,
        m.c.revision == revision,
        m.c.purpose == purpose,
        m.c.attempt == attempt,
    )
    with connect(bind) as connection:
        row = connection.execute(query).mappings().first()
    return OutboundMessage(**row) if row else None


def get_message(bind: Engine | Connection, message_id: str) -> OutboundMessage | None:
    m = t.outbound_messages
    with connect(bind) as connection:
        row = connection.execute(select(m).where(m.c.message_id == message_id)).mappings().first()
    return OutboundMessage(**row) if row else None


def find_message_answered(
    bind: Engine | Connection,
    *,
    standard: str,
    interchange_control: str | None = None,
    group_control: str | None = None,
    receiver_id: str | None = None,
) -> OutboundMessage | None:
    """The EDI message a 997 / CONTRL answers: by our group control number
    (X12 AK102, which poflow makes equal to ISA13) or our interchange
    reference (EDIFACT UCI 0020, X12 TA1). Numbers compare as numbers (a
    partner may drop leading zeros); `receiver_id`, when known, must be the
    partner the message went to."""
    m = t.outbound_messages
    wanted = [n for n in (group_control, interchange_control) if n and n.strip().isdigit()]
    if not wanted:
        return None
    query = select(m).where(m.c.standard == standard).order_by(m.c.created_at.desc())
    if group_control and group_control.strip().isdigit():
        query = query.where(m.c.group_control.in_(_spellings(group_control)))
    else:
        query = query.where(m.c.interchange_control.in_(_spellings(interchange_control or "")))
    with connect(bind) as connection:
        rows = [OutboundMessage(**row) for row in connection.execute(query).mappings()]
    if receiver_id:
        rows = [row for row in rows if row.receiver_id.strip() == receiver_id.strip()] or rows
    return rows[0] if rows else None


def _spellings(number: str) -> list[str]:
    """How poflow may have written the number: ISA13 with 9 digits, GS06 and
    UNB 0020 without leading zeros."""
    value = int(number.strip())
    return sorted({str(value), f"{value:09d}"})


def pending_messages(engine: Engine, *, limit: int = 100) -> list[OutboundMessage]:
    """Messages not delivered yet, oldest first (for the EDI / mail dispatcher)."""
    m = t.outbound_messages
    query = select(m).where(m.c.delivered_at.is_(None)).order_by(m.c.created_at, m.c.message_id).limit(limit)
    with connect(engine) as connection:
        return [OutboundMessage(**row) for row in connection.execute(query).mappings()]


def mark_message_delivered(engine: Engine, message_id: str, at: datetime) -> bool:
    m = t.outbound_messages
    with engine.begin() as connection:
        result = connection.execute(
            update(m)
            .where(m.c.message_id == message_id, m.c.delivered_at.is_(None))
            .values(delivered_at=at, attempts=m.c.attempts + 1, last_error=None)
        )
    return result.rowcount == 1
