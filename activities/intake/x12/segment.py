"""One X12 segment (004010 and later) and its elements read by X12 data
type: ID codes, R decimals, Nn implied decimals, DT dates, TM times. A bad
value raises `X12Error` pointing at the segment and element, with the AK403
code a 997 reports.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from typing import TYPE_CHECKING, Literal, overload

from activities.intake.x12.errors import (
    EL_INVALID_CHARACTER,
    EL_INVALID_CODE,
    EL_INVALID_DATE,
    EL_INVALID_TIME,
    EL_MANDATORY_MISSING,
    SEG_HAS_ELEMENT_ERRORS,
    SET_SEGMENTS_IN_ERROR,
    X12Error,
)

if TYPE_CHECKING:
    from activities.intake.x12.envelope import TransactionSet

__all__ = ["MAX_ELEMENTS", "Delimiters", "Segment", "parse_date", "parse_time"]

_DECIMAL = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
_INTEGER = re.compile(r"-?\d+")
_MAX_DIGITS = 18  # what the models' Decimal fields hold
# No X12 segment has this many elements (PO1, IT1, LIN stop near 31); a
# "segment" with more is garbage, kept short so it cannot exhaust memory.
MAX_ELEMENTS = 64


@dataclass(frozen=True)
class Delimiters:
    element: str
    component: str
    segment: str
    repetition: str | None = None


@dataclass
class Segment:
    """One segment. `elements[0]` is the tag, so `elements[n]` is element n as
    the X12 dictionary numbers it (BIG02 = `elements[2]`)."""

    elements: list[str]
    delimiters: Delimiters
    index: int  # position in the interchange, ISA = 1
    position: int | None = None  # position in its transaction set, ST = 1
    owner: TransactionSet | None = None
    interchange_control: str | None = None
    group_control: str | None = None
    overflow: bool = False  # more than MAX_ELEMENTS elements were sent (the rest is dropped)

    @property
    def tag(self) -> str:
        return self.elements[0]

    def ref(self, element: int | None = None) -> str:
        """How a field location names this place: 'BIG02 (segment 4)'."""
        if self.position is not None:
            place = f"segment {self.position}"
        else:
            place = f"interchange segment {self.index}"
        if element is None:
            return f"{self.tag} ({place})"
        return f"{self.tag}{element:02d} ({place})"

    def error(
        self,
        message: str,
        *,
        element: int | None = None,
        code: str | None = None,
        component: int | None = None,
        segment_code: str | None = None,
        bad_value: str | None = None,
    ) -> X12Error:
        """An X12Error pointing at this segment (and element): the reader raises it."""
        owner = self.owner
        return X12Error(
            message,
            interchange_control=self.interchange_control,
            group_control=self.group_control,
            set_id=owner.set_id if owner else None,
            set_control=owner.control_number if owner else None,
            set_error=SET_SEGMENTS_IN_ERROR if owner else None,
            segment_id=self.tag,
            segment_position=self.position,
            segment_index=self.index,
            segment_error=segment_code or (SEG_HAS_ELEMENT_ERRORS if element is not None else None),
            element_position=element,
            component_position=component,
            element_error=code,
            bad_value=bad_value if bad_value is not None else (self.get(element)[:99] if element else None),
        )

    # --- element access, typed by X12 data type -----------------------------

    def get(self, n: int) -> str:
        """Element n as sent ('' when absent); X12 never pads with spaces
        except in the ISA, so surrounding spaces are not data."""
        return self.elements[n].strip() if 0 < n < len(self.elements) else ""

    def text(self, n: int, what: str) -> str:
        value = self.get(n)
        if not value:
            raise self.error(f"{what} ({self.tag}{n:02d}) is missing", element=n, code=EL_MANDATORY_MISSING)
        return value

    def components(self, n: int) -> list[str]:
        return [part.strip() for part in self.get(n).split(self.delimiters.component)]

    def code(self, n: int, what: str, allowed: AbstractSet[str] | Mapping[str, object]) -> str:
        value = self.text(n, what)
        if value not in allowed:
            raise self.error(
                f"{what} {value!r} is not a code this reader knows", element=n, code=EL_INVALID_CODE
            )
        return value

    def decimal(self, n: int, what: str, *, required: bool = False) -> Decimal | None:
        """Type R: an explicit decimal point, optional minus sign, no exponent."""
        value = self.text(n, what) if required else self.get(n)
        if not value:
            return None
        if not _DECIMAL.fullmatch(value) or _digits(value) > _MAX_DIGITS:
            raise self.error(
                f"{what} {value!r} is not a decimal number", element=n, code=EL_INVALID_CHARACTER
            )
        return Decimal(value)

    def implied(self, n: int, what: str, *, decimals: int = 2, required: bool = False) -> Decimal | None:
        """Type Nn: an integer with `decimals` implied decimal places (N2:
        '12340' is 123.40)."""
        value = self.text(n, what) if required else self.get(n)
        if not value:
            return None
        if not _INTEGER.fullmatch(value) or _digits(value) > _MAX_DIGITS:
            raise self.error(
                f"{what} {value!r} is not a whole number (N{decimals}: implied decimals)",
                element=n,
                code=EL_INVALID_CHARACTER,
            )
        return Decimal(int(value)).scaleb(-decimals)

    def integer(self, n: int, what: str, *, required: bool = False) -> int | None:
        value = self.text(n, what) if required else self.get(n)
        if not value:
            return None
        if not _INTEGER.fullmatch(value) or len(value) > 12:
            raise self.error(f"{what} {value!r} is not a whole number", element=n, code=EL_INVALID_CHARACTER)
        return int(value)

    @overload
    def date(self, n: int, what: str, *, required: Literal[True]) -> date: ...

    @overload
    def date(self, n: int, what: str, *, required: bool = False) -> date | None: ...

    def date(self, n: int, what: str, *, required: bool = False) -> date | None:
        """Type DT: CCYYMMDD (YYMMDD, as in ISA09, is read as 20YY)."""
        value = self.text(n, what) if required else self.get(n)
        if not value:
            return None
        parsed = parse_date(value)
        if parsed is None:
            raise self.error(f"{what} {value!r} is not a date (CCYYMMDD)", element=n, code=EL_INVALID_DATE)
        return parsed

    def time(self, n: int, what: str, *, required: bool = False) -> time | None:
        """Type TM: HHMM, HHMMSS or HHMMSSd..d."""
        value = self.text(n, what) if required else self.get(n)
        if not value:
            return None
        parsed = parse_time(value)
        if parsed is None:
            raise self.error(f"{what} {value!r} is not a time (HHMM[SS])", element=n, code=EL_INVALID_TIME)
        return parsed


def _digits(value: str) -> int:
    return sum(ch.isdigit() for ch in value)


def parse_date(value: str) -> date | None:
    if not value.isdigit() or len(value) not in (6, 8):
        return None
    if len(value) == 6:
        value = "20" + value
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        return None


def parse_time(value: str) -> time | None:
    if not value.isdigit() or len(value) not in (4, 6, 7, 8):
        return None
    try:
        return time(int(value[:2]), int(value[2:4]), int(value[4:6] or 0))
    except ValueError:
        return None
