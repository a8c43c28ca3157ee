"""Organisation data and out-of-office delegation; the people a task is with.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07

Issue #16 item 4: a task's SLA ladder goes to named people — the assignee,
then their deputy, then their manager — resolved from each principal's
`deputy` and `manager`; a person out of office hands their tasks to their
delegate for the dates given. `human_tasks.assignees` is who a task is with now.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Spelled out, not imported from activities.db.types (see 0001).
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_DATETIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column("principals", sa.Column("deputy", sa.String(64), nullable=True))
    op.add_column("principals", sa.Column("manager", sa.String(64), nullable=True))
    op.add_column(
        "human_tasks", sa.Column("assignees", JSON_DOC, nullable=False, server_default=sa.text("'[]'"))
    )
    op.create_table(
        "delegations",
        sa.Column("delegation_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("principal_id", sa.String(64), nullable=False),
        sa.Column("delegate_id", sa.String(64), nullable=False),
        sa.Column("starts_at", UTC_DATETIME, nullable=False),
        sa.Column("ends_at", UTC_DATETIME, nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("created_by", sa.String(64), nullable=True),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["principal_id"], ["principals.principal_id"], name="fk_delegations_principal_id_principals"
        ),
        sa.PrimaryKeyConstraint("delegation_id", name="pk_delegations"),
    )
    op.create_index("ix_delegations_principal_id", "delegations", ["principal_id"])


def downgrade() -> None:
    op.drop_index("ix_delegations_principal_id", table_name="delegations")
    op.drop_table("delegations")
    op.drop_column("human_tasks", "assignees")
    op.drop_column("principals", "manager")
    op.drop_column("principals", "deputy")
