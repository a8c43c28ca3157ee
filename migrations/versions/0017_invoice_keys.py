"""The keys of every stored invoice, indexed for the suspected-duplicate check.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07

Issue #20 item 3: `find_duplicate_candidates` read and parsed every stored
invoice of the vendor before each match (about 2 s at 30,000 invoices). The
rules (p2p.duplicates) only ever compare invoices of the same vendor and
currency whose totals are close, so `invoice_keys` keeps those keys, one row
per stored invoice or credit memo, and its index
(vendor, currency, kind, total, date) hands the check only the invoices in
the amount band.

The total is kept in millionths as an integer (`total_micro`): invoice totals
have at most 6 decimals (models.common.AMOUNT_DECIMALS) and stay below 10^11,
so the integer is exact, and it compares as a number on SQLite too (Money
columns are text there).

Existing rows are filled from the stored bytes, in batches: documents of kind
`invoice` or `credit_memo` whose bytes are JSON of an invoice (vendor,
currency, total, date, number present and readable). A PDF or EDI original,
or JSON of something else, gets no row, as the candidate loader skipped it
before. The reading is spelled out here, not imported from the models: a
migration must mean the same thing whatever the models say later.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEX = "ix_invoice_keys_candidates"
BATCH = 1000
KINDS = ("invoice", "credit_memo")
MICRO = Decimal(1_000_000)


def _keys(document_id: str, kind: str, raw: Any) -> dict[str, Any] | None:
    """The key row of one stored document, or None when its bytes are not
    JSON of an invoice of that kind."""
    try:
        doc = json.loads(bytes(raw).decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("kind", "invoice") != kind:
            return None
        total = Decimal(str(doc["total"]))
        number, vendor, currency = doc["invoice_number"], doc["vendor_id"], doc["currency"]
        if not all(isinstance(v, str) and 0 < len(v) <= 64 for v in (number, vendor, currency)):
            return None
        if len(currency) != 3 or not total.is_finite() or abs(total) >= 10**12:
            return None  # not an invoice poflow accepted (ISO 4217 code, amounts < 10^11)
        return {
            "document_id": document_id,
            "vendor_id": vendor,
            "currency": currency,
            "kind": kind,
            "total_micro": int(total * MICRO),
            "invoice_date": date.fromisoformat(str(doc["invoice_date"])),
            "invoice_number": number,
        }
    except (ValueError, UnicodeDecodeError, KeyError, TypeError, InvalidOperation):
        return None


def _backfill(bind: sa.Connection, keys: sa.Table) -> None:
    documents = sa.table(
        "documents", sa.column("document_id", sa.String), sa.column("kind", sa.String), sa.column("raw")
    )
    after = ""
    while True:  # keyset pagination: each batch starts after the last id seen
        rows = bind.execute(
            sa.select(documents.c.document_id, documents.c.kind, documents.c.raw)
            .where(documents.c.kind.in_(KINDS))
            .where(documents.c.document_id > after)
            .order_by(documents.c.document_id)
            .limit(BATCH)
        ).all()
        if not rows:
            return
        found = [row for document_id, kind, raw in rows if (row := _keys(document_id, kind, raw))]
        if found:
            bind.execute(keys.insert(), found)
        after = rows[-1][0]


def upgrade() -> None:
    keys = op.create_table(
        "invoice_keys",
        sa.Column("document_id", sa.String(255), nullable=False),
        sa.Column("vendor_id", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("total_micro", sa.BigInteger(), nullable=False),
        sa.Column("invoice_date", sa.Date(), nullable=False),
        sa.Column("invoice_number", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.document_id"], name="fk_invoice_keys_document_id_documents"
        ),
        sa.PrimaryKeyConstraint("document_id", name="pk_invoice_keys"),
    )
    op.create_index(INDEX, "invoice_keys", ["vendor_id", "currency", "kind", "total_micro", "invoice_date"])
    _backfill(op.get_bind(), keys)


def downgrade() -> None:
    op.drop_index(INDEX, table_name="invoice_keys")
    op.drop_table("invoice_keys")
