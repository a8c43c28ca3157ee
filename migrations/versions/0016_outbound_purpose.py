"""What each PO message to a vendor is for: the order, a cancellation, a reminder.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07

Issue #17 items 4 and 9: cancelling a whole PO and chasing its acknowledgment
go through the vendor's channel like the order itself (an X12 860 with BCH01
"01" / an EDIFACT ORDCHG with BGM 1225 "1"; the order again as a duplicate,
850 BEG01 "07" / ORDERS BGM 1225 "7"). They are sent for a revision the
vendor already has, so `outbound_messages` is now unique per PO, revision,
purpose and attempt (a reminder's attempt is its number). Existing rows are
orders.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_OLD_KEY = "uq_outbound_messages_po_number_revision_attempt"
_NEW_KEY = "uq_outbound_messages_po_number_revision_purpose_attempt"


def upgrade() -> None:
    # batch: SQLite cannot drop a constraint in place (the table is copied);
    # PostgreSQL gets plain ALTER TABLE statements.
    with op.batch_alter_table("outbound_messages") as batch:
        batch.add_column(sa.Column("purpose", sa.String(16), nullable=False, server_default="order"))
        batch.drop_constraint(_OLD_KEY, type_="unique")
        batch.create_unique_constraint(_NEW_KEY, ["po_number", "revision", "purpose", "attempt"])


def downgrade() -> None:
    op.execute("DELETE FROM outbound_messages WHERE purpose <> 'order'")
    with op.batch_alter_table("outbound_messages") as batch:
        batch.drop_constraint(_NEW_KEY, type_="unique")
        batch.create_unique_constraint(_OLD_KEY, ["po_number", "revision", "attempt"])
        batch.drop_column("purpose")
