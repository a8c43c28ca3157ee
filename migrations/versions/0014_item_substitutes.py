"""Items the item master allows in place of another.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07

Issue #17 item 1: a supplier's acknowledgment may substitute an item (X12 855
ACK01 "IS"). A substitute the item master lists for the item ordered is
accepted as the next revision; any other needs the buyer's approval.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "item_substitutes",
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("substitute_id", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name="fk_item_substitutes_item_id_items"),
        sa.ForeignKeyConstraint(
            ["substitute_id"], ["items.id"], name="fk_item_substitutes_substitute_id_items"
        ),
        sa.PrimaryKeyConstraint("item_id", "substitute_id", name="pk_item_substitutes"),
    )


def downgrade() -> None:
    op.drop_table("item_substitutes")
