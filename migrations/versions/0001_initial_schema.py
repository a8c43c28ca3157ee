"""Initial schema: master data, raw documents, projections and outboxes.

Revision ID: 0001
Revises:
Create Date: 2026-11-23

Column types are spelled out here at the DDL level (not imported from
activities.db.types) so this migration keeps meaning the same thing when the
application's types evolve:
- money: NUMERIC(18,6) on PostgreSQL; exact decimal text on SQLite, which has no
  decimal type;
- timestamps: TIMESTAMP WITH TIME ZONE (SQLite stores UTC wall time);
- JSON documents: JSONB on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(18, 6).with_variant(sa.String(40), "sqlite")
UTC_TS = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    # --- master data ----------------------------------------------------------
    op.create_table(
        "tolerance_profiles",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("limits", JSON_DOC, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_tolerance_profiles")),
    )
    op.create_table(
        "policies",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("tolerance_profile", sa.String(64), nullable=False),
        sa.Column("settings", JSON_DOC, nullable=False),
        sa.ForeignKeyConstraint(
            ["tolerance_profile"],
            ["tolerance_profiles.name"],
            name=op.f("fk_policies_tolerance_profile_tolerance_profiles"),
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_policies")),
    )
    op.create_table(
        "vendors",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("policy_name", sa.String(64), nullable=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.ForeignKeyConstraint(
            ["policy_name"], ["policies.name"], name=op.f("fk_vendors_policy_name_policies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendors")),
    )
    op.create_table(
        "items",
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("uom", sa.String(8), nullable=False),
        sa.Column("match_level", sa.String(8), nullable=False),
        sa.CheckConstraint("match_level IN ('2-way', '3-way', '4-way')", name=op.f("ck_items_match_level")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
    )
    op.create_index(op.f("ix_items_category"), "items", ["category"])
    op.create_table(
        "contracts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("vendor_id", sa.String(64), nullable=False),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name=op.f("fk_contracts_item_id_items")),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendors.id"], name=op.f("fk_contracts_vendor_id_vendors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contracts")),
        sa.UniqueConstraint(
            "vendor_id", "item_id", "valid_from", name=op.f("uq_contracts_vendor_id_item_id_valid_from")
        ),
    )

    # --- raw documents ---------------------------------------------------------
    op.create_table(
        "documents",
        sa.Column("document_id", sa.String(255), nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("po_number", sa.String(64), nullable=True),
        sa.Column("content_type", sa.String(255), nullable=False),
        sa.Column("source", sa.String(255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=False),
        sa.Column("received_at", UTC_TS, nullable=False),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_documents")),
    )
    op.create_index(op.f("ix_documents_po_number"), "documents", ["po_number"])
    op.create_index(op.f("ix_documents_sha256"), "documents", ["sha256"], unique=True)

    # --- projections -----------------------------------------------------------
    op.create_table(
        "purchase_orders",
        sa.Column("po_number", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.String(64), nullable=False),
        sa.Column("buyer", sa.String(128), nullable=False),
        sa.Column("status", sa.String(32), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("total", MONEY, nullable=False),
        sa.Column("open_holds", sa.Integer(), nullable=False),
        sa.Column("open_tasks", sa.Integer(), nullable=False),
        sa.Column("workflow_id", sa.String(255), nullable=False),
        sa.Column("updated_at", UTC_TS, nullable=False),
        sa.PrimaryKeyConstraint("po_number", name=op.f("pk_purchase_orders")),
    )
    op.create_index(op.f("ix_purchase_orders_status"), "purchase_orders", ["status"])
    op.create_index(op.f("ix_purchase_orders_vendor_id"), "purchase_orders", ["vendor_id"])

    op.create_table(
        "human_tasks",
        sa.Column("task_id", sa.String(255), nullable=False),
        sa.Column("po_number", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("title", sa.String(500), nullable=False),
        sa.Column("options", JSON_DOC, nullable=False),
        sa.Column("assignee_role", sa.String(64), nullable=False),
        sa.Column("assignee", sa.String(128), nullable=True),
        sa.Column("subject_id", sa.String(255), nullable=True),
        sa.Column("context", JSON_DOC, nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
        sa.Column("due_at", UTC_TS, nullable=False),
        sa.Column("escalation_level", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decision", sa.String(64), nullable=True),
        sa.Column("decided_by", sa.String(128), nullable=True),
        sa.Column("decided_at", UTC_TS, nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("task_id", name=op.f("pk_human_tasks")),
    )
    op.create_index(op.f("ix_human_tasks_po_number"), "human_tasks", ["po_number"])
    op.create_index(op.f("ix_human_tasks_status"), "human_tasks", ["status"])

    op.create_table(
        "audit_events",
        sa.Column("event_id", sa.String(255), nullable=False),
        sa.Column("po_number", sa.String(64), nullable=False),
        sa.Column("event", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("at", UTC_TS, nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_audit_events")),
    )
    op.create_index(op.f("ix_audit_events_po_number"), "audit_events", ["po_number"])

    op.create_table(
        "match_results",
        sa.Column("match_id", sa.String(320), nullable=False),
        sa.Column("invoice_id", sa.String(255), nullable=False),
        sa.Column("po_number", sa.String(64), nullable=False),
        sa.Column("po_revision", sa.Integer(), nullable=False),
        sa.Column("decision", sa.String(16), nullable=False),
        sa.Column("open_holds", sa.Integer(), nullable=False),
        sa.Column("matched_at", UTC_TS, nullable=True),
        sa.Column("result", JSON_DOC, nullable=False),
        sa.PrimaryKeyConstraint("match_id", name=op.f("pk_match_results")),
    )
    op.create_index(op.f("ix_match_results_invoice_id"), "match_results", ["invoice_id"])
    op.create_index(op.f("ix_match_results_po_number"), "match_results", ["po_number"])

    # --- outboxes ----------------------------------------------------------------
    op.create_table(
        "notifications",
        sa.Column("notification_id", sa.String(255), nullable=False),
        sa.Column("po_number", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", UTC_TS, nullable=False),
        sa.Column("delivered_at", UTC_TS, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.PrimaryKeyConstraint("notification_id", name=op.f("pk_notifications")),
    )
    op.create_index(op.f("ix_notifications_po_number"), "notifications", ["po_number"])

    op.create_table(
        "po_issues",
        sa.Column("po_number", sa.String(64), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.String(64), nullable=False),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("recipient", sa.String(254), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("issued_at", UTC_TS, nullable=False),
        sa.PrimaryKeyConstraint("po_number", "revision", name=op.f("pk_po_issues")),
        sa.UniqueConstraint("message_id", name=op.f("uq_po_issues_message_id")),
    )

    op.create_table(
        "payment_handoffs",
        sa.Column("invoice_id", sa.String(255), nullable=False),
        sa.Column("payment_reference", sa.String(64), nullable=False),
        sa.Column("po_number", sa.String(64), nullable=False),
        sa.Column("vendor_id", sa.String(64), nullable=False),
        sa.Column("invoice_number", sa.String(64), nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("amount", MONEY, nullable=False),
        sa.Column("due_date", sa.String(32), nullable=True),
        sa.Column("discount_date", sa.String(32), nullable=True),
        sa.Column("handed_off_at", UTC_TS, nullable=False),
        sa.PrimaryKeyConstraint("invoice_id", name=op.f("pk_payment_handoffs")),
        sa.UniqueConstraint("payment_reference", name=op.f("uq_payment_handoffs_payment_reference")),
    )
    op.create_index(op.f("ix_payment_handoffs_po_number"), "payment_handoffs", ["po_number"])


def downgrade() -> None:
    for table in (
        "payment_handoffs",
        "po_issues",
        "notifications",
        "match_results",
        "audit_events",
        "human_tasks",
        "purchase_orders",
        "documents",
        "contracts",
        "items",
        "vendors",
        "policies",
        "tolerance_profiles",
    ):
        op.drop_table(table)  # their indexes go with them
