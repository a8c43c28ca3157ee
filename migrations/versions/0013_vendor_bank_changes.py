"""Who changed a vendor's bank account, and when.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07

Issue #16 item 3: whoever changed a vendor's bank details may not approve its
payment (segregation of duties). poflow does not pay: it keeps no account
number, only the account masked (country, check digits, last four) and a
SHA-256 of the normalised IBAN, so a change back to an earlier account can be
recognised. Append-only: the vendor's current account is its latest row.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)  # spelled out, not imported (see 0001)


def upgrade() -> None:
    op.create_table(
        "vendor_bank_changes",
        sa.Column("change_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("vendor_id", sa.String(64), nullable=False),
        sa.Column("account_masked", sa.String(40), nullable=False),
        sa.Column("account_sha256", sa.String(64), nullable=False),
        sa.Column("changed_by", sa.String(64), nullable=False),
        sa.Column("changed_at", UTC_DATETIME, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendors.id"], name="fk_vendor_bank_changes_vendor_id_vendors"
        ),
        sa.PrimaryKeyConstraint("change_id", name="pk_vendor_bank_changes"),
    )
    op.create_index("ix_vendor_bank_changes_vendor_id", "vendor_bank_changes", ["vendor_id"])


def downgrade() -> None:
    op.drop_index("ix_vendor_bank_changes_vendor_id", table_name="vendor_bank_changes")
    op.drop_table("vendor_bank_changes")
