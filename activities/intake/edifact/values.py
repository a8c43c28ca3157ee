"""Values inside EDIFACT data elements: numbers, dates (DTM), quantities (QTY),
prices (PRI), amounts (MOA), units, item numbers and identifiers.

Each reader takes the segment and its message so that a malformed value ends in
an `ExtractionError` that names the message, the segment and the element.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation, localcontext

from activities.intake.edifact.syntax import EdiMessage, EdiSegment

__all__ = [
    "DateReading",
    "Price",
    "decimal_text",
    "is_identifier",
    "iso_utc",
    "item_number",
    "parse_number",
    "read_date",
    "read_moa",
    "read_price",
    "read_qty",
    "unit_of_measure",
]

# EDIFACT numbers: optional minus, digits, one decimal mark (ISO 9735 allows
# comma or point whatever UNA says), no thousands separator, no exponent.
_NUMBER = re.compile(r"-?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-/]*")

# UN/ECE Recommendation 20 codes → the units poflow's item master uses. Others
# pass through unchanged (and then may not match the PO's unit).
_UNITS = {"PCE": "EA", "C62": "EA", "H87": "EA", "EA": "EA", "HUR": "HR", "MON": "MO"}

# Item number types (7143) in order of preference for `item_id`: the buyer's own
# part number is what the PO line carries; a supplier or GTIN number comes next.
_ITEM_TYPES = ("IN", "BP", "SA", "VP", "MF", "EN", "SRV", "UP", "")


def parse_number(text: str, segment: EdiSegment, message: EdiMessage, what: str) -> Decimal:
    if len(text) > 35 or not _NUMBER.fullmatch(text):
        raise message.error(segment, f"{what} {text[:35]!r} in {segment.label} is not a number")
    return Decimal(text.replace(",", "."))


def decimal_text(value: Decimal) -> str:
    """Plain notation for JSON (`0.0000001`, never `1E-7`), keeping the digits as written."""
    return format(value, "f")


def iso_utc(moment: datetime) -> str:
    """A UTC timestamp as pydantic writes it in JSON: `2026-01-05T00:00:00Z`."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def is_identifier(text: str) -> bool:
    return len(text) <= 64 and _IDENTIFIER.fullmatch(text) is not None


def unit_of_measure(code: str) -> str | None:
    code = code.strip().upper()
    return _UNITS.get(code, code[:8]) if code else None


# --- DTM ----------------------------------------------------------------------


@dataclass(frozen=True)
class DateReading:
    day: date
    moment: datetime  # UTC; midnight when the value has no time
    has_time: bool


_DATE_FORMATS = {
    "102": ("%Y%m%d", False),
    "203": ("%Y%m%d%H%M", True),
    "204": ("%Y%m%d%H%M%S", True),
    "101": ("%y%m%d", False),
    "201": ("%y%m%d%H%M", True),
}
_FORMAT_BY_LENGTH = {8: "102", 12: "203", 14: "204", 6: "101", 10: "201"}


def read_date(segment: EdiSegment, message: EdiMessage) -> DateReading | None:
    """DTM C507: 2005 qualifier, 2380 value, 2379 format. Returns None for a
    format code we do not read (e.g. 718, a range); raises for a value that does
    not fit its format. Times carry no offset in these formats: read as UTC."""
    value, code = segment.value(1, 2), segment.value(1, 3)
    if not value:
        return None
    code = code or _FORMAT_BY_LENGTH.get(len(value), "")
    if code not in _DATE_FORMATS:
        return None
    pattern, has_time = _DATE_FORMATS[code]
    try:
        if not (value.isascii() and value.isdigit()):
            raise ValueError(value)
        parsed = datetime.strptime(value, pattern)
    except ValueError:
        raise message.error(
            segment, f"{segment.label} value {value[:20]!r} is not a date in format {code}"
        ) from None
    moment = parsed.replace(tzinfo=UTC)
    return DateReading(parsed.date(), moment, has_time)


# --- QTY / PRI / MOA --------------------------------------------------------------


def read_qty(segment: EdiSegment, message: EdiMessage) -> tuple[Decimal, str | None]:
    """QTY C186: 6063 qualifier, 6060 quantity, 6411 unit."""
    text = segment.value(1, 2)
    if not text:
        raise message.error(segment, f"{segment.label} has no quantity")
    return parse_number(text, segment, message, "quantity"), unit_of_measure(segment.value(1, 3))


@dataclass(frozen=True)
class Price:
    unit_price: Decimal  # per unit, after the unit price basis
    basis: Decimal | None  # 5284, when the price was stated per N units


def read_price(segment: EdiSegment, message: EdiMessage) -> Price:
    """PRI C509: 5125 qualifier, 5118 price, 5375 type, 5387 type qualifier,
    5284 unit price basis, 6411 unit. `PRI+AAA:184:::1000:PCE` is 0.184 a piece."""
    text = segment.value(1, 2)
    if not text:
        raise message.error(segment, f"{segment.label} has no price")
    price = parse_number(text, segment, message, "price")
    basis_text = segment.value(1, 5)
    if not basis_text:
        return Price(price, None)
    basis = parse_number(basis_text, segment, message, "unit price basis")
    if basis <= 0:
        raise message.error(segment, f"{segment.label} unit price basis {basis_text!r} must be positive")
    with localcontext() as ctx:
        ctx.prec = 28
        try:
            per_unit = price / basis
        except InvalidOperation:
            raise message.error(segment, f"{segment.label} price cannot be divided by its basis") from None
    exponent = per_unit.as_tuple().exponent  # an int: both figures were parsed as finite numbers
    if isinstance(exponent, int) and exponent < -6:
        per_unit = per_unit.quantize(Decimal("0.000001"), rounding=ROUND_HALF_UP)
    return Price(per_unit, basis if basis != 1 else None)


def read_moa(segment: EdiSegment, message: EdiMessage) -> tuple[Decimal, str]:
    """MOA C516: 5025 qualifier, 5004 amount, 6345 currency."""
    text = segment.value(1, 2)
    if not text:
        raise message.error(segment, f"{segment.label} has no amount")
    return parse_number(text, segment, message, "amount"), segment.value(1, 3).upper()


# --- item numbers ----------------------------------------------------------------


def item_number(candidates: list[tuple[str, str]]) -> tuple[str, str] | None:
    """The best (number, type) among LIN C212 and PIA numbers for `item_id`."""
    ranked = [(n, t) for n, t in candidates if n]
    if not ranked:
        return None

    def rank(pair: tuple[str, str]) -> int:
        return _ITEM_TYPES.index(pair[1]) if pair[1] in _ITEM_TYPES else len(_ITEM_TYPES)

    return min(ranked, key=rank)
