"""The approval matrix: bands in the database, approval limits per person,
and the approval level and eligible people on a task.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07

Issue #16 item 2. Bands (models.approvals.ApprovalBand) are seeded from
seed/approval_matrix.json and tried in `position` order; each person's
approval limit is per currency. An empty matrix keeps the policy's approval
threshold (one budget owner above it), as before.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out, not imported from activities.db.types (see 0001).
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    op.create_table(
        "approval_bands",
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("band", JSON_DOC, nullable=False),
        sa.PrimaryKeyConstraint("position", name="pk_approval_bands"),
        sa.UniqueConstraint("name", name="uq_approval_bands_name"),
    )
    op.add_column(
        "principals", sa.Column("approval_limits", JSON_DOC, nullable=False, server_default=sa.text("'{}'"))
    )
    op.add_column("human_tasks", sa.Column("approval_level", sa.Integer(), nullable=True))
    op.add_column(
        "human_tasks", sa.Column("eligible", JSON_DOC, nullable=False, server_default=sa.text("'[]'"))
    )


def downgrade() -> None:
    op.drop_column("human_tasks", "eligible")
    op.drop_column("human_tasks", "approval_level")
    op.drop_column("principals", "approval_limits")
    op.drop_table("approval_bands")
