"""Human tasks name the workflow that owns them.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

Until now every task belonged to a PO workflow (`po-{po_number}`). Document
review tasks belong to a DocumentIntakeWorkflow (`doc-{sha256}`), and a review
of a document that names no known PO has no PO number at all, so the inbox
routes a decision by `workflow_id` (NULL = the PO's workflow, as before).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("human_tasks", sa.Column("workflow_id", sa.String(255), nullable=True))


def downgrade() -> None:
    op.drop_column("human_tasks", "workflow_id")
