"""The one way the web app writes money, quantities and times.

Money: `models.common.format_money` (the currency's minor units, thousands
separators, the ISO code after the amount: `1,234.50 USD`), the format every
summary and hold message already uses. Unit prices keep their own decimals
(a price may be 0.0125 a piece). Times: UTC, always written with "UTC"
(`2026-12-07 08:21 UTC`), the zone the workflows and their histories use, so a
time on a page matches the one in the Temporal UI and in an audit export.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from models.common import CURRENCY_MINOR_UNITS, format_money

__all__ = ["money", "quantity", "unit_price", "when", "day"]


def money(amount: Decimal | None, currency: str) -> str:
    """An amount, rounded to the currency: `1,234.50 USD`; '—' for none."""
    if amount is None:
        return "—"
    return format_money(amount, currency)


def unit_price(amount: Decimal | None, currency: str) -> str:
    """A unit price: at least the currency's decimals, more when it has them."""
    if amount is None:
        return "—"
    places = max(CURRENCY_MINOR_UNITS.get(currency, 2), _decimals(amount))
    return f"{amount:,.{places}f} {currency}"


def quantity(amount: Decimal | None) -> str:
    """A quantity without trailing zeros: `12`, `2.5`."""
    if amount is None:
        return "—"
    normal = amount.normalize()
    return f"{normal:,f}" if normal == normal.to_integral() else f"{normal:,}"


def when(moment: datetime | None) -> str:
    """A moment in UTC to the minute: `2026-12-07 08:21 UTC`; '—' for none."""
    if moment is None:
        return "—"
    if moment.tzinfo is None:  # stored as UTC without its zone (SQLite)
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def day(value: date | None) -> str:
    """A business date (no time, no zone): `2026-12-07`."""
    return value.isoformat() if value is not None else "—"


def _decimals(amount: Decimal) -> int:
    exponent = amount.normalize().as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0
