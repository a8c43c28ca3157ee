"""Shared value types: money, quantities, currencies, UTC timestamps.

Money is always `Decimal` (never float) and travels with an ISO 4217 currency
on the document that holds it. Timestamps are timezone-aware and normalised to
UTC at the door, so nothing downstream ever has to guess an offset.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Any, ClassVar, Literal, Protocol, TypeVar

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, field_validator

# ISO 4217 codes poflow accepts, with their minor units (digits after the
# decimal point). Rounding a line amount "to the currency" uses this table.
CURRENCY_MINOR_UNITS: dict[str, int] = {
    "AED": 2,
    "AUD": 2,
    "BGN": 2,
    "BHD": 3,
    "BRL": 2,
    "CAD": 2,
    "CHF": 2,
    "CLP": 0,
    "CNY": 2,
    "CZK": 2,
    "DKK": 2,
    "EUR": 2,
    "GBP": 2,
    "HKD": 2,
    "HUF": 2,
    "IDR": 2,
    "ILS": 2,
    "INR": 2,
    "ISK": 0,
    "JPY": 0,
    "KRW": 0,
    "KWD": 3,
    "MXN": 2,
    "MYR": 2,
    "NOK": 2,
    "NZD": 2,
    "OMR": 3,
    "PHP": 2,
    "PLN": 2,
    "RON": 2,
    "SAR": 2,
    "SEK": 2,
    "SGD": 2,
    "THB": 2,
    "TND": 3,
    "TRY": 2,
    "TWD": 2,
    "USD": 2,
    "ZAR": 2,
}


def _check_currency(code: str) -> str:
    if code not in CURRENCY_MINOR_UNITS:
        raise ValueError(f"unknown currency {code!r}: expected an ISO 4217 code such as USD or EUR")
    return code


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


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


# --- input bounds ---------------------------------------------------------------
# What a door accepts must be something every later step can carry: the money
# columns (NUMERIC(18,6), so |x| < 10^12), Decimal's 28 significant digits,
# date arithmetic and Temporal timers, PostgreSQL text, workflow ids in URLs and
# Temporal's payload limit. Bounds live here, on the shared types, so the API,
# the CLI and document intake refuse the same things with the same words.

QUANTITY_WHOLE_DIGITS = 9  # quantities < 10^9 (a billion units of anything)
QUANTITY_DECIMALS = 6
PRICE_WHOLE_DIGITS = 9  # unit prices < 10^9
PRICE_DECIMALS = 6  # fractional cents are normal in unit prices (0.0425 EUR a nut)
AMOUNT_WHOLE_DIGITS = 11  # money amounts < 10^11: ten times below what the columns hold
AMOUNT_DECIMALS = 6  # the column's scale; the currency's minor units are checked where it is known
MAX_DOCUMENT_AMOUNT = Decimal(10) ** AMOUNT_WHOLE_DIGITS
"""A PO's order value (lines + freight) and an invoice's lines stay below this, so
every derived sum fits the money columns (which hold < 10^12) and Decimal arithmetic."""
MAX_LINES = 1000  # lines per document; the payload limit (starter) bounds the bytes
MAX_LINE_NO = 999_999  # EDIFACT LIN 1082 is an..6; X12 PO101 holds it too
MAX_REVISION = 999_999  # far beyond any real PO, far inside a 32-bit column
EARLIEST_DATE = date(1970, 1, 1)
LATEST_DATE = date(2199, 12, 31)
"""Dates and door timestamps stay in 1970–2199: a deadline computed from them
(need-by + grace, invoice date + net days) cannot overflow Python's dates (year
9999), and the longest timer it makes (about 175 years) is one Temporal takes
(checked on the dev and time-skipping servers); 9999-12-31 used to fail every
workflow task. Before 1970 is a typo, not a date on a purchase order."""


def _date_in_window(value: date) -> date:
    if not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValueError(
            f"{value.isoformat()} is outside {EARLIEST_DATE.isoformat()} … {LATEST_DATE.isoformat()}"
        )
    return value


def _timestamp_in_window(value: datetime) -> datetime:
    _date_in_window(value.date())
    return value


BusinessDate = Annotated[date, AfterValidator(_date_in_window)]
"""A date on a document (order, need-by, promised, invoice): 1970-01-01 … 2199-12-31."""

BusinessTimestamp = Annotated[UtcDatetime, AfterValidator(_timestamp_in_window)]
"""A timestamp a sender states (received, acknowledged, shipped): UTC, in the date window."""


def _decimal(whole: int, decimals: int, *, sign: Literal["any", "non-negative", "positive"] = "any") -> Any:
    # lt/gt rather than max_digits: the error then says the bound ("less than
    # 1000000000"), and the OpenAPI schema shows it.
    bound = 10**whole
    low = {"any": {"gt": -bound}, "non-negative": {"ge": 0}, "positive": {"gt": 0}}[sign]
    return Field(lt=bound, decimal_places=decimals, **low)


_A, _P, _Q = (
    (AMOUNT_WHOLE_DIGITS, AMOUNT_DECIMALS),
    (PRICE_WHOLE_DIGITS, PRICE_DECIMALS),
    (QUANTITY_WHOLE_DIGITS, QUANTITY_DECIMALS),
)

Amount = Annotated[Decimal, _decimal(*_A), AfterValidator(_finite)]
"""A money amount (may be negative, e.g. a discount line): |x| < 10^11, 6 decimals at most."""
NonNegativeAmount = Annotated[Decimal, _decimal(*_A, sign="non-negative"), AfterValidator(_finite)]
UnitPrice = Annotated[Decimal, _decimal(*_P, sign="non-negative"), AfterValidator(_finite)]
"""A price per unit: 0 ≤ x < 10^9, 6 decimals at most (more than any currency's minor unit)."""
Quantity = Annotated[Decimal, _decimal(*_Q), AfterValidator(_finite)]
"""|x| < 10^9, 6 decimals at most (negative only where a credit memo writes it so)."""
PositiveQuantity = Annotated[Decimal, _decimal(*_Q, sign="positive"), AfterValidator(_finite)]
NonNegativeQuantity = Annotated[Decimal, _decimal(*_Q, sign="non-negative"), AfterValidator(_finite)]
LineNo = Annotated[int, Field(ge=1, le=MAX_LINE_NO)]
"""A document line number: 1 … 999999."""

Identifier = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$")]
"""Business identifiers (document ids, items, vendors): readable and id-safe.
Suppliers' own numbers may hold '/' (shipment SHP-77812/PO-2026-1002)."""

# No '/' in a PO number: it becomes the workflow id po-{number} and task ids
# {number}-T1, which must stay one URL path segment (/api/v1/purchase-orders/{number},
# /api/v1/tasks/{task_id}); a '/' there makes the PO unreachable over HTTP.
PO_NUMBER_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._\-]*$"
_PO_NUMBER = re.compile(PO_NUMBER_PATTERN)


def _check_po_number(value: str) -> str:
    if not _PO_NUMBER.match(value):
        raise ValueError(
            "must start with a letter or digit and hold only letters, digits, '.', '_' and '-' "
            "(no '/' or spaces: the PO number is part of its workflow id and of URLs)"
        )
    return value


PoNumber = Annotated[
    str,
    Field(min_length=1, max_length=64, json_schema_extra={"pattern": PO_NUMBER_PATTERN}),
    AfterValidator(_check_po_number),
]
"""A purchase order number: an Identifier without '/'."""


def check_minor_units(amount: Decimal, currency: str | None) -> Decimal:
    """An amount of money has no more decimals than its currency (JPY 100.50 is
    no amount); unit prices are exempt. Unknown currency: its own error."""
    if currency in CURRENCY_MINOR_UNITS and round_money(amount, currency) != amount:
        units = CURRENCY_MINOR_UNITS[currency]
        raise ValueError(f"{amount} has more decimals than {currency} has ({units})")
    return amount


# --- text -------------------------------------------------------------------------
# Control characters are never business data: PostgreSQL refuses NUL in every
# text and JSONB column, and the others break EDI writers and terminals. Tab,
# line feed and carriage return are text. Lone surrogates cannot be encoded.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
REPLACEMENT = "\ufffd"


def _control_message(text: str) -> str:
    found = _CONTROL.search(text)
    assert found is not None
    return (
        f"contains the control character U+{ord(found.group()):04X} at position {found.start()}; "
        "text may hold tabs and line breaks, no other control characters"
    )


def screen_text(value: Any, *, replace: bool = False) -> Any:
    """`value` with every string in it (also inside lists and dicts) checked for
    control characters: ValueError, or with `replace` each one becomes U+FFFD.
    What needs no change is returned as it is (enum members stay members);
    models inside are left alone: they screen themselves."""
    if isinstance(value, str):
        if not _CONTROL.search(value):
            return value
        if replace:
            return _CONTROL.sub(REPLACEMENT, value)
        raise ValueError(_control_message(value))
    if isinstance(value, list | tuple):
        screened = [screen_text(item, replace=replace) for item in value]
        changed = any(new is not old for new, old in zip(screened, value, strict=False))
        return type(value)(screened) if changed else value
    if isinstance(value, dict):
        pairs = [(screen_text(k, replace=replace), screen_text(v, replace=replace)) for k, v in value.items()]
        changed = any(
            k is not ok or v is not ov for (k, v), (ok, ov) in zip(pairs, value.items(), strict=False)
        )
        return dict(pairs) if changed else value
    return value


def round_money(amount: Decimal, currency: str) -> Decimal:
    """Round to the currency's minor unit, half up (commercial rounding)."""
    exponent = Decimal(1).scaleb(-CURRENCY_MINOR_UNITS[currency])
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)


def format_money(amount: Decimal, currency: str) -> str:
    """`12,340.00 USD` — for summaries and messages read by people."""
    rounded = round_money(amount, currency)
    return f"{rounded:,} {currency}"


def money_text(amount: Decimal, currency: str) -> str:
    """format_money, or the plain amount for a currency outside poflow's table:
    for text (a log line, an e-mail) that must never be why something fails."""
    try:
        return format_money(amount, currency)
    except KeyError:
        return f"{amount} {currency}"


class Document(BaseModel):
    """Base for everything that crosses a door: strict about unknown fields so a
    typo in a field name is an error, not silently dropped data, and no control
    characters in any string (checked here once, for every model)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=False, defer_build=True)

    # "refuse": a control character is an error naming the field (every door).
    # "replace": U+FFFD instead, for models that record what a file said
    # (extraction): a broken PDF must reach a person, not fail an activity.
    control_characters: ClassVar[Literal["refuse", "replace"]] = "refuse"

    @field_validator("*", mode="after")
    @classmethod
    def _no_control_characters(cls, value: Any) -> Any:
        return screen_text(value, replace=cls.control_characters == "replace")


class _Numbered(Protocol):
    line_no: int


L = TypeVar("L", bound=_Numbered)


def unique_lines(lines: list[L], what: str) -> list[L]:
    """Refuses a document that numbers two of its lines alike (ValueError)."""
    seen: set[int] = set()
    for line in lines:
        if line.line_no in seen:
            raise ValueError(f"{what} line_no {line.line_no} appears twice")
        seen.add(line.line_no)
    return lines
