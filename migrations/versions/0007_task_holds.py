"""Invoice-hold tasks list their open holds one by one.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

A decision on a RESOLVE_INVOICE_HOLD task answers the holds it names
(`accept_variance` with `holds: ["PRICE:1"]`), so the inbox shows each open
hold with its ref, and whether a person may release it (holds waiting for a
receipt or inspection clear themselves). Rows written before have none.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out, not imported from activities.db.types (see 0001): JSONB on PostgreSQL.
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("human_tasks", sa.Column("holds", JSON_DOC, nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    op.drop_column("human_tasks", "holds")
