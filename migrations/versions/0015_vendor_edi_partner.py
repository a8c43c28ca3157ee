"""Vendors' EDI trading-partner settings, and every PO message sent out.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07

Issue #17 item 9: a vendor with channel `edi` gets its POs as an X12 850 or
an EDIFACT ORDERS (`edi_standard`), addressed to its interchange id and
qualifier (ISA07/ISA08, UNB S003); the others get an e-mail with the PO as a
PDF. `outbound_messages` keeps every send (per PO, revision and attempt) with
the file, its control numbers and its delivery state: the outbox of EDI files
and of PDF attachments, and the record a supplier's 997 / CONTRL is routed
back to the PO by. `edi_control_numbers` hands out the interchange control
numbers, one counter per standard, inside the transaction that stores the
message (a retried issue finds its row and allocates nothing).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

UTC_DATETIME = sa.DateTime(timezone=True)  # spelled out, not imported (see 0001)


def upgrade() -> None:
    op.add_column("vendors", sa.Column("edi_standard", sa.String(8), nullable=True))
    op.add_column("vendors", sa.Column("edi_partner_id", sa.String(35), nullable=True))
    op.add_column("vendors", sa.Column("edi_partner_qualifier", sa.String(4), nullable=True))
    op.add_column("notifications", sa.Column("attachment_id", sa.String(255), nullable=True))
    op.create_table(
        "edi_control_numbers",
        sa.Column("standard", sa.String(8), nullable=False),
        sa.Column("last_value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("standard", name="pk_edi_control_numbers"),
    )
    op.create_table(
        "outbound_messages",
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("po_number", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("format", sa.String(32), nullable=False),
        sa.Column("standard", sa.String(8), nullable=True),
        sa.Column("sender_id", sa.String(35), nullable=True),
        sa.Column("receiver_id", sa.String(254), nullable=False),
        sa.Column("interchange_control", sa.String(14), nullable=True),
        sa.Column("group_control", sa.String(14), nullable=True),
        sa.Column("transaction_control", sa.String(14), nullable=True),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTC_DATETIME, nullable=False),
        sa.Column("delivered_at", UTC_DATETIME, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.PrimaryKeyConstraint("message_id", name="pk_outbound_messages"),
        sa.UniqueConstraint(
            "po_number", "revision", "attempt", name="uq_outbound_messages_po_number_revision_attempt"
        ),
        sa.UniqueConstraint(
            "standard", "interchange_control", name="uq_outbound_messages_standard_interchange_control"
        ),
    )
    op.create_index("ix_outbound_messages_po_number", "outbound_messages", ["po_number"])
    op.create_index("ix_outbound_messages_group_control", "outbound_messages", ["group_control"])


def downgrade() -> None:
    op.drop_index("ix_outbound_messages_group_control", table_name="outbound_messages")
    op.drop_index("ix_outbound_messages_po_number", table_name="outbound_messages")
    op.drop_table("outbound_messages")
    op.drop_table("edi_control_numbers")
    op.drop_column("notifications", "attachment_id")
    for column in ("edi_partner_qualifier", "edi_partner_id", "edi_standard"):
        op.drop_column("vendors", column)
