"""Audit of what the doors refused, and the audit trail as CSV (issue #16 item 6).

Decisions and escalations are audit events already: the PO workflow writes
its timeline to `audit_events` (each once, by workflow id and sequence). What
no workflow sees is a request the doors refused — a caller without the
permission or the task's role — or one the workflow's validator refused: the
doors write those here, with the principal, what was asked, why it was
refused and what it was about. A request with no principal (no or a bad
credential) is not an audit event: there is nobody to name; it is logged.
"""

from __future__ import annotations

import csv
import io
import logging
import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy.exc
from sqlalchemy.engine import Engine

from activities.db import repository
from identity.principal import Caller
from models import AuditEvent
from starter.errors import Forbidden, Rejected

__all__ = ["CSV_COLUMNS", "audit_csv", "record_refusal", "refusal", "refusals_recorded"]

log = logging.getLogger("poflow.audit")

CSV_COLUMNS = ("at", "po_number", "event", "actor", "detail", "evidence", "event_id")


def refusal(caller: Caller, *, po_number: str, what: str, why: str, evidence: str | None) -> AuditEvent:
    return AuditEvent(
        event_id=f"refused:{uuid.uuid4().hex}",
        po_number=po_number,
        event="refused",
        detail=f"{what}: {why}",
        actor=caller.principal_id,
        at=datetime.now(UTC),
        evidence=evidence,
    )


def record_refusal(
    engine: Engine, caller: Caller, *, po_number: str, what: str, why: str, evidence: str | None = None
) -> None:
    """Write the refusal; a database failure is logged and never hides the
    refusal the caller is about to get."""
    event = refusal(caller, po_number=po_number, what=what, why=why, evidence=evidence)
    try:
        repository.insert_audit_event(engine, event)
    except sqlalchemy.exc.SQLAlchemyError as err:
        log.warning("could not record refusal of %s (%s) for %s: %s", what, why, caller.principal_id, err)


@contextmanager
def refusals_recorded(
    engine: Engine, caller: Caller, *, po_number: str, what: str, evidence: str | None = None
) -> Iterator[None]:
    """Run the block; if it refuses the caller (Forbidden: permission or role;
    Rejected: a workflow's validator, segregation of duties, a closed PO),
    record that as an audit event before the refusal goes on to the caller."""
    try:
        yield
    except (Forbidden, Rejected) as refused:
        record_refusal(engine, caller, po_number=po_number, what=what, why=refused.message, evidence=evidence)
        raise


def audit_csv(events: Iterable[AuditEvent]) -> str:
    """RFC 4180 CSV, a header row, then one row per event; times in ISO 8601 UTC."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for event in events:
        row = event.model_dump(mode="json")
        writer.writerow([row[column] if row[column] is not None else "" for column in CSV_COLUMNS])
    return out.getvalue()
