"""Approved, versioned tolerance changes; item match levels may defer to the
policy; cheap suspected-duplicate candidates.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26

- `tolerance_changes`: a proposed change to the live tolerance profiles (the
  proposed profiles, the live versions it was based on, the diff), pending
  until a second person approves or rejects it (`poflow tolerances`).
- `tolerance_profile_versions`: every version a profile ever had, with when it
  was in force and who approved it, so a hold quoting `acme v3` stays
  explainable after v4 is live. Existing profiles are copied in as their
  first known version (`approved_by` = 'migration 0004').
- `items.match_level` becomes nullable: an item without a level of its own
  takes its category's level from the vendor's policy, else the policy's
  default (activities/db/validation.py). Existing items keep theirs.
- Indexes for the suspected-duplicate candidate query: on PostgreSQL a
  partial `varchar_pattern_ops` index over invoice document ids, so the
  `document_id LIKE 'invoice:VENDOR:%'` prefix search is an index range scan
  whatever the database collation (the primary key index only serves LIKE
  under the C collation); on SQLite the same partial index, plainly. And
  `human_tasks.subject_id`, which the query uses to leave out rejected
  invoices.

SQLite cannot drop a NOT NULL: the items table is rebuilt. Its child table
`contracts` is set aside and put back around the rebuild, inside the
migration's transaction, so the foreign key from contracts never sees a
missing item (SQLite checks it even on DROP TABLE).
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(18, 6).with_variant(sa.String(40), "sqlite")
UTC_TS = sa.DateTime(timezone=True)
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
PROFILE_COLUMNS = "name, version, limits, vendor_id, category, item_id, scope_key"


def upgrade() -> None:
    op.create_table(
        "tolerance_changes",
        sa.Column("change_id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("proposed_by", sa.String(128), nullable=False),
        sa.Column("proposed_at", UTC_TS, nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("profiles", JSON_DOC, nullable=False),
        sa.Column("base_versions", JSON_DOC, nullable=False),
        sa.Column("diff", JSON_DOC, nullable=False),
        sa.Column("decided_by", sa.String(128), nullable=True),
        sa.Column("decided_at", UTC_TS, nullable=True),
        sa.Column("decision_comment", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "status IN ('pending', 'approved', 'rejected')", name=op.f("ck_tolerance_changes_status")
        ),
        sa.PrimaryKeyConstraint("change_id", name=op.f("pk_tolerance_changes")),
    )
    op.create_index(op.f("ix_tolerance_changes_status"), "tolerance_changes", ["status"])
    op.create_table(
        "tolerance_profile_versions",
        sa.Column("name", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("limits", JSON_DOC, nullable=False),
        sa.Column("vendor_id", sa.String(64), nullable=True),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("item_id", sa.String(64), nullable=True),
        sa.Column("scope_key", sa.String(255), nullable=True),
        sa.Column("valid_from", UTC_TS, nullable=False),
        sa.Column("valid_to", UTC_TS, nullable=True),
        sa.Column("change_id", sa.Integer(), nullable=True),
        sa.Column("approved_by", sa.String(128), nullable=True),
        sa.ForeignKeyConstraint(
            ["change_id"],
            ["tolerance_changes.change_id"],
            name=op.f("fk_tolerance_profile_versions_change_id_tolerance_changes"),
        ),
        sa.PrimaryKeyConstraint("name", "version", name=op.f("pk_tolerance_profile_versions")),
    )
    op.execute(
        f"INSERT INTO tolerance_profile_versions ({PROFILE_COLUMNS}, valid_from, approved_by) "
        f"SELECT {PROFILE_COLUMNS}, CURRENT_TIMESTAMP, 'migration 0004' FROM tolerance_profiles"
    )

    _set_item_match_level_nullable(True)

    op.create_index(op.f("ix_human_tasks_subject_id"), "human_tasks", ["subject_id"])
    op.create_index(
        "ix_documents_invoice_key",
        "documents",
        ["document_id"],
        postgresql_ops={"document_id": "varchar_pattern_ops"},
        postgresql_where=sa.text("kind = 'invoice'"),
        sqlite_where=sa.text("kind = 'invoice'"),
    )


def downgrade() -> None:
    op.drop_index("ix_documents_invoice_key", table_name="documents")
    op.drop_index(op.f("ix_human_tasks_subject_id"), table_name="human_tasks")
    # Items without a level of their own had the policy's; 3-way is the model default.
    op.execute("UPDATE items SET match_level = '3-way' WHERE match_level IS NULL")
    _set_item_match_level_nullable(False)
    op.drop_table("tolerance_profile_versions")
    op.drop_index(op.f("ix_tolerance_changes_status"), table_name="tolerance_changes")
    op.drop_table("tolerance_changes")


# --- items.match_level NULL / NOT NULL ------------------------------------------------


def _items(nullable: bool) -> sa.Table:
    """The items table as 0001 created it, with match_level (not) nullable."""
    return sa.Table(
        "items",
        sa.MetaData(),
        sa.Column("id", sa.String(64), nullable=False),
        sa.Column("description", sa.String(500), nullable=False),
        sa.Column("category", sa.String(64), nullable=False),
        sa.Column("uom", sa.String(8), nullable=False),
        sa.Column("match_level", sa.String(8), nullable=nullable),
        sa.CheckConstraint("match_level IN ('2-way', '3-way', '4-way')", name="ck_items_match_level"),
        sa.PrimaryKeyConstraint("id", name="pk_items"),
        sa.Index("ix_items_category", "category"),
    )


def _contracts(metadata: sa.MetaData) -> sa.Table:
    """The contracts table exactly as 0001 created it."""
    sa.Table("vendors", metadata, sa.Column("id", sa.String(64), primary_key=True))
    sa.Table("items", metadata, sa.Column("id", sa.String(64), primary_key=True))
    return sa.Table(
        "contracts",
        metadata,
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("vendor_id", sa.String(64), nullable=False),
        sa.Column("item_id", sa.String(64), nullable=False),
        sa.Column("unit_price", MONEY, nullable=False),
        sa.Column("currency", sa.String(3), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(["item_id"], ["items.id"], name="fk_contracts_item_id_items"),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendors.id"], name="fk_contracts_vendor_id_vendors"),
        sa.PrimaryKeyConstraint("id", name="pk_contracts"),
        sa.UniqueConstraint(
            "vendor_id", "item_id", "valid_from", name="uq_contracts_vendor_id_item_id_valid_from"
        ),
    )


def _set_item_match_level_nullable(nullable: bool) -> None:
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        op.alter_column("items", "match_level", existing_type=sa.String(8), nullable=nullable)
        return
    # The sqlite3 driver opens its transaction at the first data statement:
    # make it now, so the table swaps below commit or roll back together.
    op.execute("UPDATE items SET match_level = match_level WHERE 0 = 1")
    contracts = _contracts(sa.MetaData())
    rows = [dict(row) for row in connection.execute(sa.select(contracts)).mappings()]
    op.drop_table("contracts")
    with op.batch_alter_table("items", recreate="always", copy_from=_items(not nullable)) as batch:
        batch.alter_column("match_level", existing_type=sa.String(8), nullable=nullable)
    contracts.create(connection)
    if rows:
        connection.execute(contracts.insert(), rows)
