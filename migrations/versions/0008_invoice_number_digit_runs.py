"""Stored invoice ids follow the every-digit-run invoice-number rule.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-07

`models.normalize_invoice_number` now strips the leading zeros of every run of
digits as the supplier wrote it (`INV-0042-A` → `INV42A`, `2024-0007` →
`20247`), not only of the trailing run of the separator-free number
(`INV0042A`, `20240007`). Invoice ids (`invoice:{vendor}:{number}`,
`credit:{vendor}:{number}`) are built from it, and four tables keep them as
keys that new ids must meet:

- `documents.document_id` — the door's duplicate check (a re-send of an
  invoice stored before would otherwise be accepted as new) and the
  suspected-duplicate candidates' self-exclusion. The number is read from the
  stored JSON; a row that is not JSON with an `invoice_number` keeps its key.
- `human_tasks.subject_id` — the candidate query leaves out invoices a
  person rejected by joining on it.
- `payment_handoffs.invoice_id` — the "never paid twice" key, recomputed
  from the row's own vendor and invoice number.
- `match_results.invoice_id` and its result's `invoice_id` — lookups by
  invoice (`poflow match --stored`, simulations). `match_id` stays: opaque.

Where the new rule makes two stored rows one document (both `INV-0042-A` and
`INV-42-A` were accepted as different invoices), nothing is renamed onto a
key that is taken: the row already under it, or the first received, takes
it; the others keep their old keys and a warning names them. Downgrade
re-keys with the earlier rule the same way.

Both rules are spelled out here, not imported: a migration must mean the same
thing whatever the models say later.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
INVOICE_PREFIXES = ("invoice", "credit")
TEMP = "rekey-0008:"
log = logging.getLogger("alembic.runtime.migration")

Rule = Callable[[str], str]
_NON_ALNUM = re.compile(r"[^0-9A-Z]")
_DIGIT_RUN = re.compile(r"[0-9]+")


def every_run(number: str) -> str:
    """The rule from this revision on (models.normalize_invoice_number)."""
    stripped = _DIGIT_RUN.sub(lambda run: run.group().lstrip("0") or "0", number.upper())
    return _NON_ALNUM.sub("", stripped)


def trailing_run(number: str) -> str:
    """The rule before it."""
    cleaned = _NON_ALNUM.sub("", number.upper())
    head = cleaned.rstrip("0123456789")
    digits = cleaned[len(head) :]
    return head + (digits.lstrip("0") or ("0" if digits else ""))


def _tables() -> dict[str, sa.Table]:
    meta = sa.MetaData()
    return {
        "documents": sa.Table(
            "documents",
            meta,
            sa.Column("document_id", sa.String(255)),
            sa.Column("kind", sa.String(32)),
            sa.Column("raw", sa.LargeBinary),
            sa.Column("received_at", sa.DateTime(timezone=True)),
        ),
        "human_tasks": sa.Table(
            "human_tasks", meta, sa.Column("task_id", sa.String(255)), sa.Column("subject_id", sa.String(255))
        ),
        "payment_handoffs": sa.Table(
            "payment_handoffs",
            meta,
            sa.Column("invoice_id", sa.String(255)),
            sa.Column("vendor_id", sa.String(64)),
            sa.Column("invoice_number", sa.String(64)),
        ),
        "match_results": sa.Table(
            "match_results",
            meta,
            sa.Column("match_id", sa.String(320)),
            sa.Column("invoice_id", sa.String(255)),
            sa.Column("result", JSON_DOC),
            sa.Column("request", JSON_DOC),
        ),
    }


def _rekeyed(key: str, number: Any, rule: Rule) -> str | None:
    """`invoice:ACME:INV0042A` + `INV-0042-A` → `invoice:ACME:INV42A`; None
    when the key is no invoice key or the number is unusable."""
    parts = key.split(":", 2)
    if len(parts) != 3 or parts[0] not in INVOICE_PREFIXES or not isinstance(number, str):
        return None
    normalized = rule(number)
    return f"{parts[0]}:{parts[1]}:{normalized}" if normalized else None


def _json(value: Any) -> Any:
    if isinstance(value, (bytes, bytearray, memoryview)):
        value = bytes(value).decode("utf-8")
    return json.loads(value) if isinstance(value, str) else value


def _number_in(raw: Any) -> Any:
    try:
        document = _json(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return document.get("invoice_number") if isinstance(document, dict) else None


def _plan(existing: Iterable[str], wanted: dict[str, str], table: str) -> dict[str, str]:
    """The renames that land on a free key. A rename onto a key that stays
    (or that an earlier rename claimed) is dropped, and its row then stays
    too, which may block another: repeat until nothing changes."""
    renames = {old: new for old, new in wanted.items() if old != new}
    while True:
        staying = set(existing) - renames.keys()
        claimed: set[str] = set()
        blocked = []
        for old, new in renames.items():
            if new in staying or new in claimed:
                blocked.append(old)
            claimed.add(new)
        if not blocked:
            return renames
        for old in blocked:
            log.warning(
                "%s: %s stays: %s is taken (one document under the new rule)", table, old, renames[old]
            )
            del renames[old]


def _rename(bind: sa.Connection, table: sa.Table, key: str, renames: dict[str, str]) -> None:
    """Primary-key renames in two steps, so A→B and B→C never meet."""
    column = table.c[key]
    for old in renames:
        bind.execute(table.update().where(column == old).values({key: TEMP + old}))
    for old, new in renames.items():
        bind.execute(table.update().where(column == TEMP + old).values({key: new}))


def _documents(bind: sa.Connection, documents: sa.Table, rule: Rule) -> dict[str, str]:
    rows = bind.execute(
        sa.select(documents.c.document_id, documents.c.raw)
        .where(documents.c.kind.in_(("invoice", "credit_memo")))
        .order_by(documents.c.received_at, documents.c.document_id)
    ).all()
    wanted = {key: new for key, raw in rows if (new := _rekeyed(key, _number_in(raw), rule))}
    existing = bind.execute(sa.select(documents.c.document_id)).scalars().all()
    renames = _plan(existing, wanted, "documents")
    _rename(bind, documents, "document_id", renames)
    return renames


def _subjects(bind: sa.Connection, tasks: sa.Table, renames: dict[str, str]) -> None:
    rows = (
        bind.execute(
            sa.select(tasks.c.task_id, tasks.c.subject_id).where(tasks.c.subject_id.in_(list(renames)))
        ).all()
        if renames
        else []
    )
    for task_id, subject in rows:
        bind.execute(tasks.update().where(tasks.c.task_id == task_id).values(subject_id=renames[subject]))


def _handoffs(bind: sa.Connection, handoffs: sa.Table, rule: Rule) -> None:
    rows = bind.execute(
        sa.select(handoffs.c.invoice_id, handoffs.c.invoice_number).order_by(handoffs.c.invoice_id)
    ).all()
    wanted = {key: new for key, number in rows if (new := _rekeyed(key, number, rule))}
    _rename(bind, handoffs, "invoice_id", _plan([key for key, _ in rows], wanted, "payment_handoffs"))


def _request_number(request: Any) -> Any:
    invoice = _json(request).get("invoice") if request is not None else None
    return invoice.get("invoice_number") if isinstance(invoice, dict) else None


def _match_results(bind: sa.Connection, results: sa.Table, rule: Rule, renames: dict[str, str]) -> None:
    """By the documents' renames; a row whose invoice is not stored (tests,
    hand-made rows) by the number in its own request."""
    rows = bind.execute(
        sa.select(results.c.match_id, results.c.invoice_id, results.c.result, results.c.request)
    ).all()
    for match_id, invoice_id, result, request in rows:
        new = renames.get(invoice_id) or _rekeyed(invoice_id, _request_number(request), rule)
        if new is None or new == invoice_id:
            continue
        stored = dict(_json(result))
        stored["invoice_id"] = new
        bind.execute(
            results.update().where(results.c.match_id == match_id).values(invoice_id=new, result=stored)
        )


def _rekey(rule: Rule) -> None:
    bind = op.get_bind()
    tables = _tables()
    renames = _documents(bind, tables["documents"], rule)
    _subjects(bind, tables["human_tasks"], renames)
    _handoffs(bind, tables["payment_handoffs"], rule)
    _match_results(bind, tables["match_results"], rule, renames)


def upgrade() -> None:
    _rekey(every_run)


def downgrade() -> None:
    _rekey(trailing_run)
