"""Shared value types: money, quantities, currencies, UTC timestamps.

Money is always `Decimal` (never float) and travels with an ISO 4217 currency
on the document that holds it. Timestamps are timezone-aware and normalised to
UTC at the door, so nothing downstream ever has to guess an offset.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field

# ISO 4217 codes poflow accepts, with their minor units (digits after the
# decimal point). Rounding a line amount "to the currency" uses this table.
CURRENCY_MINOR_UNITS: dict[str, int] = {
    "AED": 2, "AUD": 2, "BGN": 2, "BHD": 3, "BRL": 2, "CAD": 2, "CHF": 2,
    "CLP": 0, "CNY": 2, "CZK": 2, "DKK": 2, "EUR": 2, "GBP": 2, "HKD": 2,
    "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "ISK": 0, "JPY": 0, "KRW": 0,
    "KWD": 3, "MXN": 2, "MYR": 2, "NOK": 2, "NZD": 2, "OMR": 3, "PHP": 2,
    "PLN": 2, "RON": 2, "SAR": 2, "SEK": 2, "SGD": 2, "THB": 2, "TND": 3,
    "TRY": 2, "TWD": 2, "USD": 2, "ZAR": 2,
}


def _check_currency(code: str) -> str:
    if code not in CURRENCY_MINOR_UNITS:
        raise ValueError(
            f"unknown currency {code!r}: expected an ISO 4217 code such as USD or EUR"
        )
    return code


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(timezone.utc)


def _finite(value: Decimal) -> Decimal:
    if not value.is_finite():
        raise ValueError("must be a finite number")
    return value


Currency = Annotated[
    str,
    Field(min_length=3, max_length=3, pattern=r"^[A-Z]{3}$", examples=["USD"]),
    AfterValidator(_check_currency),
]
"""ISO 4217 alphabetic code, upper case."""

UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timestamp that must carry an offset; stored and shown in UTC."""

Amount = Annotated[Decimal, Field(max_digits=18, decimal_places=6), AfterValidator(_finite)]
"""A money amount (may be negative, e.g. a discount line)."""

NonNegativeAmount = Annotated[Amount, Field(ge=0)]
PositiveQuantity = Annotated[Decimal, Field(gt=0, max_digits=18, decimal_places=6)]
Quantity = Annotated[Decimal, Field(max_digits=18, decimal_places=6), AfterValidator(_finite)]
NonNegativeQuantity = Annotated[Quantity, Field(ge=0)]

Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")]
"""Business identifiers (PO numbers, document ids): readable, URL- and id-safe."""


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's minor unit, half up (commercial rounding)."""
    exponent = Decimal(1).scaleb(-CURRENCY_MINOR_UNITS[currency])
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal, currency: str) -> str:
    """`12,340.00 USD` — for summaries and messages read by people."""
    rounded = round_money(amount, currency)
    return f"{rounded:,} {currency}"


class Document(BaseModel):
    """Base for everything that crosses a door: strict about unknown fields so a
    typo in a field name is an error, not silently dropped data."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False)
