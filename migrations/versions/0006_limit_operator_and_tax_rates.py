"""Tolerance profiles name their limit operator; vendors and items carry tax rates.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-07

Until now a check with both a percentage and an absolute limit held only when
a variance exceeded both (Ariba's "OR"); the rule is now explicit per profile
(`limit_operator`) with SAP's and Oracle's `any` as the default. So that a
hold quoting an older version stays explainable, a profile whose meaning
changes — some check with both a percentage and an amount set — keeps its
stored versions with the operator they were computed with (`all`) and goes
live as a new version with `any`, recorded as approved by this migration.
Every other profile means the same under either operator: it gets `any`
written down, in place, without a new version.

Tax: `vendors.tax_rate_pct` and `items.tax_rate_pct` (percent; NULL: none),
which validate/enrich copies onto PO lines that carry no rate.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MONEY = sa.Numeric(18, 6).with_variant(sa.String(40), "sqlite")
JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_TS = sa.DateTime(timezone=True)
OPERATOR = "limit_operator"
# The checks that had a percentage and an amount before this revision.
BOTH_LIMIT_CHECKS = ("price_over", "price_under", "amount_over_po", "tax_over")
BY = "migration 0006 (limit operator: any, as SAP/Oracle)"


def _tables() -> tuple[sa.Table, sa.Table]:
    meta = sa.MetaData()

    def profile_columns() -> list[sa.Column[Any]]:
        return [
            sa.Column("name", sa.String(64)),
            sa.Column("version", sa.Integer),
            sa.Column("limits", JSON_DOC),
            sa.Column("vendor_id", sa.String(64)),
            sa.Column("category", sa.String(64)),
            sa.Column("item_id", sa.String(64)),
            sa.Column("scope_key", sa.String(255)),
        ]

    live = sa.Table("tolerance_profiles", meta, *profile_columns())
    versions = sa.Table(
        "tolerance_profile_versions",
        meta,
        *profile_columns(),
        sa.Column("valid_from", UTC_TS),
        sa.Column("valid_to", UTC_TS),
        sa.Column("approved_by", sa.String(128)),
    )
    return live, versions


def _limits(value: Any) -> dict[str, Any]:
    # JSON comes back as a dict on both backends; text only from hand-made rows.
    return dict(json.loads(value) if isinstance(value, str) else value)


def _operator_matters(limits: dict[str, Any]) -> bool:
    return any(
        limits.get(f"{c}_pct") is not None and limits.get(f"{c}_abs") is not None for c in BOTH_LIMIT_CHECKS
    )


def upgrade() -> None:
    op.add_column("vendors", sa.Column("tax_rate_pct", MONEY, nullable=True))
    op.add_column("items", sa.Column("tax_rate_pct", MONEY, nullable=True))
    live, versions = _tables()
    bind = op.get_bind()
    now = datetime.now(UTC)
    for row in (
        bind.execute(sa.select(versions.c.name, versions.c.version, versions.c.limits)).mappings().all()
    ):
        limits = _limits(row["limits"])
        if OPERATOR not in limits:  # what the version meant while it was in force
            meant = "all" if _operator_matters(limits) else "any"
            bind.execute(
                versions.update()
                .where(versions.c.name == row["name"], versions.c.version == row["version"])
                .values(limits={**limits, OPERATOR: meant})
            )
    for row in bind.execute(sa.select(live)).mappings().all():
        limits = _limits(row["limits"])
        if OPERATOR in limits:
            continue
        if not _operator_matters(limits):
            bind.execute(
                live.update().where(live.c.name == row["name"]).values(limits={**limits, OPERATOR: "any"})
            )
            continue
        version = row["version"] + 1
        limits[OPERATOR] = "any"
        bind.execute(live.update().where(live.c.name == row["name"]).values(version=version, limits=limits))
        bind.execute(
            versions.update()
            .where(versions.c.name == row["name"], versions.c.valid_to.is_(None))
            .values(valid_to=now)
        )
        bind.execute(
            versions.insert().values(
                name=row["name"],
                version=version,
                limits=limits,
                vendor_id=row["vendor_id"],
                category=row["category"],
                item_id=row["item_id"],
                scope_key=row["scope_key"],
                valid_from=now,
                approved_by=BY,
            )
        )


def downgrade() -> None:
    # The operator stays in the stored limits (a model without it ignores
    # nothing: older code would refuse the unknown field, so drop it).
    live, versions = _tables()
    bind = op.get_bind()
    for table, key in ((live, ("name",)), (versions, ("name", "version"))):
        for row in bind.execute(sa.select(table)).mappings().all():
            limits = _limits(row["limits"])
            if limits.pop(OPERATOR, None) is not None:
                bind.execute(table.update().where(*[table.c[k] == row[k] for k in key]).values(limits=limits))
    op.drop_column("items", "tax_rate_pct")
    op.drop_column("vendors", "tax_rate_pct")
