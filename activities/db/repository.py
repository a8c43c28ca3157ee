"""Database access used by the doors (API/CLI) and by the activities.

Raw documents, and the projections the workflows write (purchase orders, human
tasks, audit events, match results). Every write is idempotent on its business
key, enforced by the database (INSERT … ON CONFLICT), so a retried activity, a
replay after a reset, or two processes racing write nothing twice.

Master data lives in `master_data`, outboxes (notifications, PO issues,
payment hand-offs) in `outbox`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import ColumnElement, Connection, select
from sqlalchemy.engine import Engine

from activities.db import invoice_keys
from activities.db import schema as t
from activities.db.master_data import connect, policy_for_vendor
from activities.db.upsert import insert, wrote_row
from models import AuditEvent, HumanTask, Invoice, InvoiceKind, MatchRecord, MatchResult, Policy, PoProjection
from models.tasks import TaskKind

# The hold-task decision that rejects an invoice (models.tasks.TASK_OPTIONS).
REJECT_INVOICE = "reject_invoice"


@dataclass(frozen=True)
class StoredDocument:
    document_id: str  # business key, e.g. "invoice:ACME:INV1001" (models' .document_id)
    sha256: str
    kind: str  # purchase_order | acknowledgment | receipt | invoice | credit_memo
    po_number: str | None
    received_at: datetime
    duplicate: bool  # True: this business key (or these exact bytes) was stored before; nothing new written
    first_document_id: str  # the id of the first copy when duplicate


# --- raw documents ------------------------------------------------------------


def sha256_hex(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def store_document(
    engine: Engine,
    *,
    document_id: str,
    kind: str,
    raw: bytes,
    content_type: str,
    source: str,
    po_number: str | None,
) -> StoredDocument:
    """Store raw bytes + sha256 before any workflow sees them. A second call
    with the same document_id returns duplicate=True and writes nothing.

    The same bytes under another id are a duplicate too (a re-sent file that
    was re-keyed): duplicate=True, first_document_id = the id stored first.
    On a duplicate, sha256/kind/po_number/received_at describe the stored
    first copy; compare sha256 with your own to tell "same bytes" from "same
    key, different content".

    Race-safe: the insert itself asks the database (primary key on
    document_id, unique index on sha256) whether the document exists, so two
    concurrent calls store exactly one row and both get a consistent answer.
    Invoice JSON gets its duplicate-check keys in the same transaction (invoice_keys)."""
    if not document_id:
        raise ValueError("document_id is required")
    if not isinstance(raw, bytes | bytearray) or not raw:
        raise ValueError(f"document {document_id}: raw content is empty")
    digest = sha256_hex(bytes(raw))
    received_at = datetime.now(UTC)
    with engine.begin() as connection:
        # Insert first (not check-then-insert): on SQLite this also takes the
        # write lock up front, so a concurrent writer waits instead of failing.
        inserted = wrote_row(
            connection,
            insert(connection, t.documents)
            .values(
                document_id=document_id,
                sha256=digest,
                kind=kind,
                po_number=po_number,
                content_type=content_type,
                source=source,
                size=len(raw),
                raw=bytes(raw),
                received_at=received_at,
            )
            .on_conflict_do_nothing(),
        )
        if inserted:
            invoice_keys.record(connection, document_id=document_id, kind=kind, raw=bytes(raw))
            return StoredDocument(document_id, digest, kind, po_number, received_at, False, document_id)
        first = _document_row(connection, t.documents.c.document_id == document_id) or _document_row(
            connection, t.documents.c.sha256 == digest
        )
    return _duplicate(document_id, first)


def _duplicate(document_id: str, first: dict[str, Any] | None) -> StoredDocument:
    """What storing `document_id` returns when the insert conflicted: the copy stored first."""
    if first is None:  # the conflicting row was deleted in between: nothing in poflow deletes documents
        raise RuntimeError(f"document {document_id}: conflict reported but no stored copy found")
    return replace(_stored(first), document_id=document_id, duplicate=True)


_DOCUMENT_META = [c for c in t.documents.c if c.name != "raw"]


def _document_row(connection: Connection, where: ColumnElement[bool]) -> dict[str, Any] | None:
    row = connection.execute(select(*_DOCUMENT_META).where(where)).mappings().first()
    return dict(row) if row else None


def _stored(row: dict) -> StoredDocument:
    return StoredDocument(
        document_id=row["document_id"],
        sha256=row["sha256"],
        kind=row["kind"],
        po_number=row["po_number"],
        received_at=row["received_at"],
        duplicate=False,
        first_document_id=row["document_id"],
    )


def get_document(engine: Engine, document_id: str) -> StoredDocument | None:
    with engine.connect() as connection:
        row = _document_row(connection, t.documents.c.document_id == document_id)
    return _stored(row) if row else None


def find_document_by_sha256(engine: Engine, sha256: str) -> StoredDocument | None:
    with engine.connect() as connection:
        row = _document_row(connection, t.documents.c.sha256 == sha256.lower())
    return _stored(row) if row else None


def get_document_bytes(engine: Engine, document_id: str) -> bytes | None:
    with engine.connect() as connection:
        raw = connection.execute(
            select(t.documents.c.raw).where(t.documents.c.document_id == document_id)
        ).scalar_one_or_none()
    return bytes(raw) if raw is not None else None


def find_invoice_candidates(
    engine: Engine, *, vendor_id: str, exclude_document_id: str, since: date | None = None
) -> list[Invoice]:
    """The vendor's stored invoices (not credit memos), parsed, by a scan;
    oldest invoice date first. The duplicate check now reads the index of
    migration 0017 instead (invoice_keys.find_suspects); this is the scan it
    replaced, kept for bench/duplicate_candidates_bench.py's comparison. `since` keeps those
    dated on or after it (the invoice's own date: the table has no date column,
    so that part is filtered after parsing).

    The table has no vendor column, so the vendor is found by the business key
    Invoice.document_id is built from, `invoice:{vendor_id}:{number}` (vendor
    ids cannot contain ':', so the prefix is exact); a LIKE prefix can use the
    primary-key index on PostgreSQL with C collation. Rows whose bytes are not
    JSON of an Invoice (a PDF or EDI original) are skipped, and so is anything
    whose parsed vendor or kind disagrees with the key (SQLite's LIKE ignores
    case).

    Invoices a person rejected on their hold task (`reject_invoice`, in the
    inbox projection) are left out: a rejected invoice is no original that a
    corrected re-send could duplicate — SAP's duplicate check skips cancelled
    documents, Odoo's and ERPNext's only look at live ones. The indexes of
    migration 0004 (invoice keys by prefix, tasks by subject) keep this cheap."""
    d, h = t.documents, t.human_tasks
    rejected = (
        select(h.c.task_id)
        .where(h.c.subject_id == d.c.document_id)
        .where(h.c.kind == TaskKind.RESOLVE_INVOICE_HOLD.value)
        .where(h.c.decision == REJECT_INVOICE)
    )
    query = (
        select(d.c.raw)
        .where(d.c.kind == InvoiceKind.INVOICE.value)
        .where(d.c.document_id.startswith(f"invoice:{vendor_id}:", autoescape=True))
        .where(d.c.document_id != exclude_document_id)
        .where(~rejected.exists())
        .order_by(d.c.document_id)
    )
    found = []
    with engine.connect() as connection:
        for raw in connection.execute(query).scalars():
            try:
                invoice = Invoice.model_validate_json(bytes(raw))
            except ValidationError:
                continue
            if invoice.vendor_id != vendor_id or invoice.kind != InvoiceKind.INVOICE:
                continue
            if invoice.document_id == exclude_document_id:
                continue
            if since is None or invoice.invoice_date >= since:
                found.append(invoice)
    return sorted(found, key=lambda invoice: (invoice.invoice_date, invoice.document_id))


# --- human tasks (the inbox projection) ----------------------------------------


def upsert_task(engine: Engine, task: HumanTask) -> None:
    """Create or overwrite by task_id: the workflow owns the task and sends its
    whole current view on create, escalation and decision."""
    values = task.model_dump()
    values.update(kind=task.kind.value, status=task.status.value)
    with engine.begin() as connection:
        stmt = insert(connection, t.human_tasks).values(**values)
        connection.execute(
            stmt.on_conflict_do_update(
                index_elements=["task_id"], set_={k: stmt.excluded[k] for k in values if k != "task_id"}
            )
        )


def list_tasks(
    engine: Engine, *, status: str | None = "open", po_number: str | None = None
) -> list[HumanTask]:
    """Inbox projection, newest first."""
    query = select(t.human_tasks).order_by(t.human_tasks.c.created_at.desc(), t.human_tasks.c.task_id.desc())
    if status is not None:
        query = query.where(t.human_tasks.c.status == status)
    if po_number is not None:
        query = query.where(t.human_tasks.c.po_number == po_number)
    with engine.connect() as connection:
        return [HumanTask.model_validate(dict(row)) for row in connection.execute(query).mappings()]


def get_task(engine: Engine, task_id: str) -> HumanTask | None:
    with engine.connect() as connection:
        query = select(t.human_tasks).where(t.human_tasks.c.task_id == task_id)
        row = connection.execute(query).mappings().first()
    return HumanTask.model_validate(dict(row)) if row else None


# --- purchase order projection --------------------------------------------------


def upsert_po_projection(engine: Engine, projection: PoProjection) -> bool:
    """Upsert by po_number unless the stored row is newer (updated_at): a late
    retry of an older write must not roll the search view back. Returns False
    when the write was stale and skipped."""
    values = projection.model_dump()
    with engine.begin() as connection:
        stmt = insert(connection, t.purchase_orders).values(**values)
        return wrote_row(
            connection,
            stmt.on_conflict_do_update(
                index_elements=["po_number"],
                set_={k: stmt.excluded[k] for k in values if k != "po_number"},
                where=t.purchase_orders.c.updated_at <= stmt.excluded.updated_at,
            ),
        )


def get_purchase_order(engine: Engine, po_number: str) -> PoProjection | None:
    with engine.connect() as connection:
        row = (
            connection.execute(select(t.purchase_orders).where(t.purchase_orders.c.po_number == po_number))
            .mappings()
            .first()
        )
    return PoProjection.model_validate(dict(row)) if row else None


def list_purchase_orders(engine: Engine, *, status: str | None = None) -> list[PoProjection]:
    """Most recently updated first."""
    po = t.purchase_orders
    query = select(po).order_by(po.c.updated_at.desc(), po.c.po_number)
    if status is not None:
        query = query.where(po.c.status == status)
    with engine.connect() as connection:
        return [PoProjection.model_validate(dict(row)) for row in connection.execute(query).mappings()]


# --- audit events -----------------------------------------------------------------


def insert_audit_event(engine: Engine, event: AuditEvent) -> bool:
    """Insert once per event_id; False if it was already recorded."""
    with engine.begin() as connection:
        stmt = insert(connection, t.audit_events).values(**event.model_dump()).on_conflict_do_nothing()
        return wrote_row(connection, stmt)


def insert_audit_events(engine: Engine, events: list[AuditEvent]) -> int:
    """Insert a batch in one transaction, each once per event_id; returns how
    many were new (a replay after a reset writes none twice)."""
    with engine.begin() as connection:
        return sum(
            wrote_row(
                connection,
                insert(connection, t.audit_events).values(**e.model_dump()).on_conflict_do_nothing(),
            )
            for e in events
        )


def list_audit_events(engine: Engine, po_number: str) -> list[AuditEvent]:
    """In the order they happened."""
    a = t.audit_events
    query = select(a).where(a.c.po_number == po_number).order_by(a.c.at, a.c.event_id)
    with engine.connect() as connection:
        return [AuditEvent.model_validate(dict(row)) for row in connection.execute(query).mappings()]


# --- match results ----------------------------------------------------------------


def match_id(result: MatchResult) -> str:
    """One row per match run: invoice + when it was matched. A result without
    a timestamp is keyed by its content, so a retry still writes nothing twice."""
    if result.matched_at is not None:
        return f"{result.invoice_id}@{result.matched_at.astimezone(UTC).isoformat()}"
    return f"{result.invoice_id}#{hashlib.sha256(result.model_dump_json().encode()).hexdigest()[:32]}"


def insert_match_result(engine: Engine, record: MatchRecord) -> bool:
    """Store a match result with the request it was computed from; False if
    this match run (invoice + matched_at) was already stored."""
    result = record.result
    # Left out rather than None when there is no request: JSON columns would
    # store None as JSON 'null', we want SQL NULL.
    request = {"request": record.request.model_dump(mode="json")} if record.request is not None else {}
    with engine.begin() as connection:
        stmt = insert(connection, t.match_results).values(
            match_id=match_id(result),
            invoice_id=result.invoice_id,
            po_number=result.po_number,
            po_revision=result.po_revision,
            decision=result.decision.value,
            open_holds=len(result.open_holds),
            matched_at=result.matched_at,
            result=result.model_dump(mode="json"),
            **request,
        )
        return wrote_row(connection, stmt.on_conflict_do_nothing())


def list_match_results(
    engine: Engine, *, invoice_id: str | None = None, po_number: str | None = None
) -> list[MatchResult]:
    """Oldest first, so the last one is the invoice's current match."""
    m = t.match_results
    query = select(m.c.result).order_by(m.c.matched_at.nulls_first(), m.c.match_id)
    if invoice_id is not None:
        query = query.where(m.c.invoice_id == invoice_id)
    if po_number is not None:
        query = query.where(m.c.po_number == po_number)
    with engine.connect() as connection:
        return [MatchResult.model_validate(doc) for doc in connection.execute(query).scalars()]


def list_match_records(
    engine: Engine,
    *,
    invoice_id: str | None = None,
    since: datetime | None = None,
    with_request: bool = False,
) -> list[MatchRecord]:
    """Results with their requests, oldest first. `since`: matched at or
    after that moment (rows without a timestamp are left out);
    `with_request`: only rows stored with their request (migration 0003 on)."""
    m = t.match_results
    query = select(m.c.request, m.c.result).order_by(m.c.matched_at.nulls_first(), m.c.match_id)
    if invoice_id is not None:
        query = query.where(m.c.invoice_id == invoice_id)
    if since is not None:
        query = query.where(m.c.matched_at >= since)
    if with_request:
        # SQL NULL here; a JSON 'null' (written by hand) is dropped below.
        query = query.where(m.c.request.is_not(None))
    with engine.connect() as connection:
        return [
            MatchRecord(request=request, result=result)
            for request, result in connection.execute(query).all()
            if not with_request or request is not None
        ]


# --- policies ---------------------------------------------------------------------


def get_policy_for_vendor(engine: Engine, vendor_id: str) -> Policy:
    """The vendor's policy (with its tolerance profile), else the default."""
    with connect(engine) as connection:
        return policy_for_vendor(connection, vendor_id)
