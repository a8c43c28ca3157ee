"""Column types that make SQLite and PostgreSQL return the same Python values.

- `Money`: `Decimal` in, `Decimal` out, 6 decimal places. PostgreSQL stores
  NUMERIC(18,6). SQLite has no decimal type (NUMERIC affinity becomes a binary
  float, which cannot hold 18 significant digits), so there the value is stored
  as its exact decimal text.
- `UtcDateTime`: aware UTC `datetime` in and out. SQLite drops the offset, so we
  write UTC and re-attach UTC on read; naive values are refused on write because
  "which zone was that?" is exactly the bug this type exists to prevent.
- `JsonDoc`: JSON on SQLite, JSONB on PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import JSON, DateTime, Dialect, Numeric, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeDecorator, TypeEngine

MONEY_PRECISION = 18
MONEY_SCALE = 6
_QUANTUM = Decimal(1).scaleb(-MONEY_SCALE)
_MAX_ABS = Decimal(10) ** (MONEY_PRECISION - MONEY_SCALE)


def to_money(value: Any) -> Decimal:
    """Quantize to 6 places (half up, as PostgreSQL rounds NUMERIC), refusing
    floats' binary noise and values NUMERIC(18,6) could not hold."""
    if isinstance(value, float):
        value = str(value)
    amount = Decimal(value)
    if not amount.is_finite():
        raise ValueError(f"money must be finite, got {value!r}")
    amount = amount.quantize(_QUANTUM, rounding=ROUND_HALF_UP)
    if abs(amount) >= _MAX_ABS:
        raise ValueError(f"money {amount} does not fit NUMERIC({MONEY_PRECISION},{MONEY_SCALE})")
    return amount


class Money(TypeDecorator[Decimal]):
    impl = Numeric(MONEY_PRECISION, MONEY_SCALE, asdecimal=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(40))
        return dialect.type_descriptor(Numeric(MONEY_PRECISION, MONEY_SCALE, asdecimal=True))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None:
            return None
        amount = to_money(value)
        return str(amount) if dialect.name == "sqlite" else amount

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return to_money(value)


class UtcDateTime(TypeDecorator[datetime]):
    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}: poflow stores timezone-aware UTC only")
        value = value.astimezone(UTC)
        # SQLite's DATETIME text has no offset: store the UTC wall time.
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


JsonDoc = JSON().with_variant(JSONB(), "postgresql")
"""A JSON document column (JSONB on PostgreSQL for indexing later)."""
