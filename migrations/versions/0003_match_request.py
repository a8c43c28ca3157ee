"""Match results keep the request they were computed from.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25

`match_results.request` holds the models.MatchRequest (JSON form) of each
stored match, so past invoices can be re-matched under a proposed tolerance
profile (`poflow tolerances simulate`). Nullable: rows stored before this
revision have no request and are left out of simulations.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.add_column("match_results", sa.Column("request", JSON_DOC, nullable=True))


def downgrade() -> None:
    # Plain DROP COLUMN (unindexed column; SQLite ≥ 3.35), as in 0002.
    op.drop_column("match_results", "request")
