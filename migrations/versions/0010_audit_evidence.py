"""Audit events name their evidence, and refusals are audit events too.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07

Issue #16 item 6: every decision, escalation and refusal is an audit event
(principal, what, when, why, evidence reference). A refusal by the doors (a
caller without the permission or the task's role, a decision the workflow's
validator refused) is written with the task, document or change it was about.
Rows written before have no reference.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("evidence", sa.String(255), nullable=True))


def downgrade() -> None:
    op.drop_column("audit_events", "evidence")
