"""Writes X12 interchanges (004010 and later): `InterchangeWriter` builds one
interchange from transaction sets given as lists of elements, filling in the
ISA/GS/ST envelope, control numbers and counts, in the delimiters and version
of an `X12Style`; `x12_decimal`, `x12_implied` and `x12_date` format values
by X12 data type.

poflow writes its 850 (`write_850`) and 997 (`write_997`) with it, and
tools/supplier_sim writes 855/856/810 the way a supplier's EDI system does,
with its own delimiters and version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from activities.intake.x12.envelope import functional_id_for

__all__ = [
    "Element",
    "InterchangeWriter",
    "SegmentSpec",
    "X12Style",
    "x12_date",
    "x12_decimal",
    "x12_implied",
]

Element = str | int | Decimal | tuple[str | int, ...] | None  # a tuple is a composite
SegmentSpec = Sequence[Element]


@dataclass(frozen=True)
class X12Style:
    """How an EDI system writes an interchange: delimiters and version."""

    element: str = "*"
    component: str = ">"
    segment: str = "~"
    repetition: str = "^"  # ISA11 from 00402 on; 00401 writes "U" there
    isa_version: str = "00401"
    group_version: str = "004010"
    line_end: str = "\n"  # after each terminator, for people reading the file
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    usage: str = "P"


class InterchangeWriter:
    """Builds one interchange: groups of transaction sets, each written as
    lists of elements; control numbers and counts are filled in."""

    def __init__(
        self, style: X12Style, *, sender_id: str, receiver_id: str, control_number: int, now: datetime
    ) -> None:
        if not 0 < control_number < 10**9:
            raise ValueError("control_number must be 1..999999999")
        self.style = style
        self.sender_id = sender_id
        self.receiver_id = receiver_id
        self.control_number = control_number
        self.now = now.astimezone(UTC) if now.tzinfo else now
        self.groups: list[tuple[str, list[list[SegmentSpec]]]] = []
        self.extra_header: list[SegmentSpec] = []  # TA1 goes between ISA and the first GS

    def add(self, set_id: str, segments: list[SegmentSpec]) -> None:
        """One transaction set (without ST/SE) into the group of its type."""
        functional_id = functional_id_for(set_id) or "ZZ"
        group = next((g for g in self.groups if g[0] == functional_id), None)
        if group is None:
            group = (functional_id, [])
            self.groups.append(group)
        group[1].append([("ST", set_id), *segments])

    def render(self) -> bytes:
        style, now, control = self.style, self.now, self.control_number
        isa11 = style.repetition if style.isa_version >= "00402" else "U"
        out = [self._isa(isa11, now, control), *(self._segment(spec) for spec in self.extra_header)]
        for number, (functional_id, sets) in enumerate(self.groups, start=1):
            # Callers allocate control numbers with room for every group.
            group_control = (control + number - 1) % 10**9 or 1
            out.append(
                self._segment(
                    (
                        "GS",
                        functional_id,
                        self.sender_id,
                        self.receiver_id,
                        now.strftime("%Y%m%d"),
                        now.strftime("%H%M"),
                        group_control,
                        "X",
                        style.group_version,
                    )
                )
            )
            for index, segments in enumerate(sets, start=1):
                st_control = f"{index:04d}"
                first = (segments[0][0], segments[0][1], st_control)
                body = [first, *segments[1:]]
                out += [self._segment(spec) for spec in body]
                out.append(self._segment(("SE", len(body) + 1, st_control)))
            out.append(self._segment(("GE", len(sets), group_control)))
        out.append(self._segment(("IEA", len(self.groups), f"{control:09d}")))
        return "".join(out).encode("utf-8")

    def _isa(self, isa11: str, now: datetime, control: int) -> str:
        s = self.style
        fields = [
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            s.sender_qualifier,
            f"{self.sender_id:<15}"[:15],
            s.receiver_qualifier,
            f"{self.receiver_id:<15}"[:15],
            now.strftime("%y%m%d"),
            now.strftime("%H%M"),
            isa11,
            s.isa_version,
            f"{control:09d}",
            "0",
            s.usage,
            s.component,
        ]
        return s.element.join(fields) + s.segment + s.line_end

    def _segment(self, spec: SegmentSpec) -> str:
        values = [self._element(value) for value in spec]
        while len(values) > 1 and values[-1] == "":
            values.pop()  # trailing empty elements are not sent
        return self.style.element.join(values) + self.style.segment + self.style.line_end

    def _element(self, value: Element) -> str:
        if value is None:
            return ""
        if isinstance(value, tuple):
            return self.style.component.join(self._element(part) for part in value)
        if isinstance(value, Decimal):
            return x12_decimal(value)
        text = str(value)
        # X12 has no escape character: a delimiter inside a value would split
        # it, so it is replaced (only free text can hold one).
        for ch in {self.style.element, self.style.segment, self.style.component, self.style.repetition}:
            text = text.replace(ch, " ")
        return " ".join(text.split())


def x12_decimal(value: Decimal) -> str:
    """Type R: plain decimal notation, no exponent, precision as held."""
    text = format(value, "f")
    return "0" if text in ("-0", "0") else text


def x12_implied(value: Decimal, decimals: int = 2) -> int:
    """Type Nn: the amount in units of 10^-decimals (N2: 123.40 → 12340)."""
    return int((value.scaleb(decimals)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def x12_date(value: date) -> str:
    """Type DT, CCYYMMDD."""
    return value.strftime("%Y%m%d")
