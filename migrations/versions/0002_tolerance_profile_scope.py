"""Tolerance profiles get a scope: vendor, category, item.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24

Existing profiles keep all-NULL scope columns, i.e. they stay the default
profiles their policies name. `scope_key` (ToleranceProfile.scope_key) is
unique so that two profiles can never claim the same scope; it is NULL for
default profiles, which SQL treats as distinct.

Data: until now the 4-way INSPECTION check used `qty_over_received_pct`;
it has its own `qty_over_accepted_pct` from this revision on. Stored profiles
that do not have it get a copy of their received limit, so no running policy
changes meaning with the upgrade.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
SCOPE_COLUMNS = ("vendor_id", "category", "item_id", "scope_key")

_profiles = sa.table(
    "tolerance_profiles",
    sa.column("name", sa.String(64)),
    sa.column("limits", JSON_DOC),
)


def upgrade() -> None:
    op.add_column("tolerance_profiles", sa.Column("vendor_id", sa.String(64), nullable=True))
    op.add_column("tolerance_profiles", sa.Column("category", sa.String(64), nullable=True))
    op.add_column("tolerance_profiles", sa.Column("item_id", sa.String(64), nullable=True))
    op.add_column("tolerance_profiles", sa.Column("scope_key", sa.String(255), nullable=True))
    op.create_index(op.f("ix_tolerance_profiles_vendor_id"), "tolerance_profiles", ["vendor_id"])
    op.create_index(op.f("ix_tolerance_profiles_scope_key"), "tolerance_profiles", ["scope_key"], unique=True)
    _copy_received_limit_to_accepted()


def _copy_received_limit_to_accepted() -> None:
    connection = op.get_bind()
    for name, limits in connection.execute(sa.select(_profiles.c.name, _profiles.c.limits)).all():
        if "qty_over_accepted_pct" in limits or "qty_over_received_pct" not in limits:
            continue  # already set, or both take the model's default
        updated = {**limits, "qty_over_accepted_pct": limits.get("qty_over_received_pct")}
        connection.execute(_profiles.update().where(_profiles.c.name == name).values(limits=updated))


def downgrade() -> None:
    op.drop_index(op.f("ix_tolerance_profiles_scope_key"), table_name="tolerance_profiles")
    op.drop_index(op.f("ix_tolerance_profiles_vendor_id"), table_name="tolerance_profiles")
    # Scoped profiles would become default profiles: remove them first.
    op.execute(sa.text("DELETE FROM tolerance_profiles WHERE scope_key IS NOT NULL"))
    # Plain DROP COLUMN (SQLite ≥ 3.35 has it, for unindexed columns), not a
    # batch table rebuild: the rebuild drops the table, which the foreign key
    # from policies forbids.
    for column in reversed(SCOPE_COLUMNS):
        op.drop_column("tolerance_profiles", column)
