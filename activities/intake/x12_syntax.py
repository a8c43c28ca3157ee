"""ANSI ASC X12 interchange syntax: delimiters, segments and the envelope
(ISA/IEA, GS/GE, ST/SE), for 004010 and later.

The reader is strict about what a translator must check (the fixed-width ISA,
control numbers and counts, segments outside a transaction set) and lenient
only where real files are routinely sloppy (CR/LF after segment terminators, a
missing terminator at the very end, trailing empty elements).

Envelope faults are *recorded* on the interchange, group or transaction set
they belong to instead of stopping the parse, so that a 997 can report every
set it received: `parse_interchanges` returns what was read with its faults,
`read_interchanges` raises the first fault. Faults that leave nothing to
acknowledge (no ISA, unreadable delimiters, limits exceeded) raise at once.

Every fault is an `X12Error` carrying the 997/TA1 coordinates of the place at
fault (segment id and position in its transaction set, element position, the
X12 error codes), so the writer of the 997 never has to parse a message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from typing import Literal, overload

from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits

__all__ = [
    "Delimiters",
    "FunctionalGroup",
    "Interchange",
    "Segment",
    "TransactionSet",
    "X12Error",
    "parse_interchanges",
    "read_interchanges",
]

ISA_LENGTH = 106
# Widths of ISA01..ISA16: the ISA is fixed width, which is how a reader finds
# the delimiters before it knows them.
_ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)
_TAG = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]")
_DECIMAL = re.compile(r"-?(?:\d+(?:\.\d*)?|\.\d+)")
_INTEGER = re.compile(r"-?\d+")
_MAX_DIGITS = 18  # what the models' Decimal fields hold
# No X12 segment has this many elements (PO1, IT1, LIN stop near 31); a
# "segment" with more is garbage, kept short so it cannot exhaust memory.
MAX_ELEMENTS = 64

# Segment syntax error codes (X12 element 720, AK304).
SEG_UNRECOGNIZED = "1"
SEG_UNEXPECTED = "2"
SEG_MANDATORY_MISSING = "3"
SEG_HAS_ELEMENT_ERRORS = "8"
# Data element syntax error codes (element 723, AK403).
EL_MANDATORY_MISSING = "1"
EL_TOO_MANY = "3"
EL_TOO_LONG = "5"
EL_INVALID_CHARACTER = "6"
EL_INVALID_CODE = "7"
EL_INVALID_DATE = "8"
EL_INVALID_TIME = "9"
# Transaction set syntax error codes (element 718, AK502).
SET_TRAILER_MISSING = "2"
SET_CONTROL_MISMATCH = "3"
SET_COUNT_MISMATCH = "4"
SET_SEGMENTS_IN_ERROR = "5"
SET_INVALID_ID = "6"
SET_INVALID_CONTROL = "7"
SET_CONTROL_NOT_UNIQUE = "23"
# Functional group syntax error codes (element 716, AK905).
GROUP_TRAILER_MISSING = "3"
GROUP_CONTROL_MISMATCH = "4"
GROUP_COUNT_MISMATCH = "5"
GROUP_CONTROL_SYNTAX = "6"
# Interchange note codes (element I18, TA105).
ISA_CONTROL_MISMATCH = "001"
ISA_SEGMENT_TERMINATOR = "004"
ISA_INVALID_DATE = "014"
ISA_INVALID_TIME = "015"
ISA_INVALID_VERSION = "017"
ISA_INVALID_CONTROL = "018"
ISA_GROUP_COUNT = "021"
ISA_CONTROL_STRUCTURE = "022"
ISA_PREMATURE_END = "023"
ISA_INVALID_CONTENT = "024"
ISA_ELEMENT_SEPARATOR = "026"
ISA_COMPONENT_SEPARATOR = "027"


class X12Error(ExtractionError):
    """An X12 fault with its coordinates in the terms of a 997 / TA1.

    - interchange level: `interchange_error` (TA105 note code);
    - group level: `group_control`, `group_error` (AK905);
    - transaction set level: `set_id`, `set_control`, `set_error` (AK502);
    - segment: `segment_id`, `segment_position` (in its transaction set, ST = 1,
      as AK302 counts), `loop_id`, `segment_error` (AK304);
    - element: `element_position`, `component_position` (AK401),
      `element_error` (AK403), `bad_value` (AK404).

    `segment_index` is the segment's position in the whole interchange (ISA = 1),
    which orders faults found in one file.
    """

    def __init__(
        self,
        message: str,
        where: str | None = None,
        *,
        interchange_control: str | None = None,
        interchange_error: str | None = None,
        group_control: str | None = None,
        group_error: str | None = None,
        set_id: str | None = None,
        set_control: str | None = None,
        set_error: str | None = None,
        segment_id: str | None = None,
        segment_position: int | None = None,
        segment_index: int | None = None,
        loop_id: str | None = None,
        segment_error: str | None = None,
        element_position: int | None = None,
        component_position: int | None = None,
        element_error: str | None = None,
        bad_value: str | None = None,
    ) -> None:
        self.interchange_control = interchange_control
        self.interchange_error = interchange_error
        self.group_control = group_control
        self.group_error = group_error
        self.set_id = set_id
        self.set_control = set_control
        self.set_error = set_error
        self.segment_id = segment_id
        self.segment_position = segment_position
        self.segment_index = segment_index
        self.loop_id = loop_id
        self.segment_error = segment_error
        self.element_position = element_position
        self.component_position = component_position
        self.element_error = element_error
        self.bad_value = bad_value
        super().__init__(message, where if where is not None else self._where())

    def _where(self) -> str | None:
        parts: list[str] = []
        if self.set_control is not None or self.set_id is not None:
            parts.append(f"transaction {self.set_control or '?'} ({self.set_id or '?'})")
        if self.segment_id is not None:
            if self.segment_position is not None:
                parts.append(f"segment {self.segment_position} ({self.segment_id})")
            elif self.segment_index is not None:
                parts.append(f"interchange segment {self.segment_index} ({self.segment_id})")
            else:
                parts.append(f"segment {self.segment_id}")
            if self.element_position is not None:
                element = f"element {self.segment_id}{self.element_position:02d}"
                if self.component_position is not None:
                    element += f"-{self.component_position}"
                parts.append(element)
        return ", ".join(parts) or None


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


@dataclass
class TransactionSet:
    """ST … SE. `segments` includes ST and SE (when present)."""

    set_id: str
    control_number: str
    segments: list[Segment] = field(default_factory=list)
    group: FunctionalGroup | None = None
    errors: list[X12Error] = field(default_factory=list)
    closed: bool = False

    @property
    def body(self) -> list[Segment]:
        """The segments between ST and SE."""
        end = -1 if self.closed and len(self.segments) > 1 else None
        return self.segments[1:end]

    def error(self, message: str, code: str, segment: Segment | None = None) -> X12Error:
        seg = segment or self.segments[0]
        return X12Error(
            message,
            interchange_control=seg.interchange_control,
            group_control=seg.group_control,
            set_id=self.set_id,
            set_control=self.control_number,
            set_error=code,
            segment_id=seg.tag,
            segment_position=seg.position,
            segment_index=seg.index,
        )


@dataclass
class FunctionalGroup:
    """GS … GE."""

    header: Segment
    transactions: list[TransactionSet] = field(default_factory=list)
    errors: list[X12Error] = field(default_factory=list)
    trailer: Segment | None = None
    set_controls: set[str] = field(default_factory=set)

    @property
    def functional_id(self) -> str:
        return self.header.get(1)

    @property
    def sender(self) -> str:
        return self.header.get(2)

    @property
    def receiver(self) -> str:
        return self.header.get(3)

    @property
    def control_number(self) -> str:
        return self.header.get(6)

    @property
    def version(self) -> str:
        return self.header.get(8)

    def error(self, message: str, code: str, segment: Segment | None = None) -> X12Error:
        seg = segment or self.header
        return X12Error(
            message,
            interchange_control=seg.interchange_control,
            group_control=self.control_number,
            group_error=code,
            segment_id=seg.tag,
            segment_index=seg.index,
        )


@dataclass
class Interchange:
    """ISA … IEA, with the delimiters its ISA declared."""

    header: Segment
    delimiters: Delimiters
    groups: list[FunctionalGroup] = field(default_factory=list)
    errors: list[X12Error] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    closed: bool = False

    @property
    def sender_qualifier(self) -> str:
        return self.header.get(5)

    @property
    def sender_id(self) -> str:
        return self.header.get(6)

    @property
    def receiver_qualifier(self) -> str:
        return self.header.get(7)

    @property
    def receiver_id(self) -> str:
        return self.header.get(8)

    @property
    def date(self) -> str:
        return self.header.get(9)

    @property
    def time(self) -> str:
        return self.header.get(10)

    @property
    def version(self) -> str:
        return self.header.get(12)

    @property
    def control_number(self) -> str:
        return self.header.get(13)

    def error(
        self, message: str, code: str, segment: Segment | None = None, element: int | None = None
    ) -> X12Error:
        seg = segment or self.header
        return X12Error(
            message,
            interchange_control=self.control_number,
            interchange_error=code,
            segment_id=seg.tag,
            segment_index=seg.index,
            element_position=element,
        )

    def all_errors(self) -> list[X12Error]:
        """Every recorded fault, in file order."""
        found = list(self.errors)
        for group in self.groups:
            found += group.errors
            for tx in group.transactions:
                found += tx.errors
        return sorted(found, key=lambda err: err.segment_index or 0)


# --- reading ------------------------------------------------------------------


def read_interchanges(raw: bytes, limits: IntakeLimits = DEFAULT_LIMITS) -> list[Interchange]:
    """The interchanges in `raw`, or the first fault as an X12Error."""
    interchanges = parse_interchanges(raw, limits)
    for interchange in interchanges:
        errors = interchange.all_errors()
        if errors:
            raise errors[0]
    return interchanges


def parse_interchanges(raw: bytes, limits: IntakeLimits = DEFAULT_LIMITS) -> list[Interchange]:
    """The interchanges in `raw` with their envelope faults recorded on them.

    Raises X12Error only when nothing could be acknowledged: not X12, a
    broken ISA, or a file beyond `limits`."""
    if len(raw) > limits.max_bytes:
        raise X12Error(f"file is {len(raw)} bytes, more than the {limits.max_bytes} intake accepts")
    text = _decode(raw)
    scanner = _Scanner(text, limits)
    interchanges: list[Interchange] = []
    pos = scanner.skip_blank(0)
    if pos >= len(text):
        raise X12Error("file is empty: no ISA interchange header")
    while pos < len(text):
        if interchanges and not text.startswith("ISA", pos):
            last = interchanges[-1]
            last.errors.append(
                last.error(
                    f"unexpected data after IEA at character {pos + 1}: {text[pos : pos + 20]!r}",
                    ISA_INVALID_CONTENT,
                    last.header,
                )
            )
            break
        interchange, pos = scanner.read_interchange(pos)
        interchanges.append(interchange)
        pos = scanner.skip_blank(pos)
    return interchanges


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        # X12 is 8-bit by agreement; latin-1 reads any byte and keeps offsets.
        return raw.decode("latin-1")


class _Scanner:
    """Splits the text into segments, interchange by interchange (each ISA
    declares its own delimiters), and hands them to the envelope builder."""

    def __init__(self, text: str, limits: IntakeLimits) -> None:
        self.text = text
        self.limits = limits
        self.count = 0

    def skip_blank(self, pos: int) -> int:
        text = self.text
        while pos < len(text) and text[pos] in " \t\r\n\x00":
            pos += 1
        return pos

    def read_interchange(self, pos: int) -> tuple[Interchange, int]:
        delimiters, isa = read_isa(self.text, pos, self._next_index())
        interchange = Interchange(header=isa, delimiters=delimiters)
        _check_isa_content(interchange)
        builder = _EnvelopeBuilder(interchange)
        pos += ISA_LENGTH
        while True:
            pos = self._skip_line_ends(pos, delimiters)
            if pos >= len(self.text):
                builder.finish_at_eof()
                return interchange, pos
            if (
                self.text.startswith("ISA" + delimiters.element, pos)
                or self.text.startswith("ISA", pos)
                and (len(self.text) - pos >= ISA_LENGTH and not self.text[pos + 3].isalnum())
            ):
                builder.finish_at_new_isa(self.count + 1)
                return interchange, pos
            end = self.text.find(delimiters.segment, pos)
            if end < 0:
                body = self.text[pos:].rstrip(" \r\n")
                interchange.warnings.append("the last segment has no segment terminator")
                pos = len(self.text)
            else:
                body, pos = self.text[pos:end], end + 1
            if delimiters.segment == "\n":
                body = body.rstrip("\r")
            if not body.strip(" \r\n") and delimiters.segment in "\r\n":
                continue  # a blank line where the terminator is itself a line end
            elements = body.split(delimiters.element, MAX_ELEMENTS)
            segment = Segment(
                elements[:MAX_ELEMENTS], delimiters, self._next_index(), overflow=len(elements) > MAX_ELEMENTS
            )
            builder.feed(segment)
            if builder.done:
                return interchange, pos

    def _next_index(self) -> int:
        self.count += 1
        if self.count > self.limits.max_segments:
            raise X12Error(f"more than {self.limits.max_segments} segments: beyond what intake reads")
        return self.count

    def _skip_line_ends(self, pos: int, delimiters: Delimiters) -> int:
        text = self.text
        while pos < len(text) and text[pos] in "\r\n" and text[pos] != delimiters.segment:
            pos += 1
        return pos


def read_isa(text: str, pos: int, index: int = 1) -> tuple[Delimiters, Segment]:
    """Delimiters and the ISA segment, from the fixed-width ISA at `pos`."""
    if not text.startswith("ISA", pos):
        raise X12Error(
            f"expected an ISA interchange header at character {pos + 1}, found {text[pos : pos + 3]!r}",
            interchange_error=ISA_INVALID_CONTENT,
        )
    head = text[pos : pos + ISA_LENGTH]
    if len(head) < ISA_LENGTH:
        raise X12Error(
            f"the ISA header is {len(head)} characters; it is always {ISA_LENGTH}",
            "interchange segment 1 (ISA)",
            interchange_error=ISA_PREMATURE_END,
        )
    element = head[3]
    if element.isalnum() or element in " \r\n":
        raise X12Error(
            f"{element!r} cannot be the element separator (ISA byte 4)",
            "interchange segment 1 (ISA)",
            interchange_error=ISA_ELEMENT_SEPARATOR,
        )
    offset = 4
    for number, width in enumerate(_ISA_WIDTHS, start=1):
        offset += width
        if number < len(_ISA_WIDTHS) and head[offset] != element:
            raise X12Error(
                f"ISA{number:02d} must be exactly {width} characters followed by {element!r}: "
                "the ISA is fixed width",
                f"interchange segment 1 (ISA), element ISA{number:02d}",
                segment_id="ISA",
                element_position=number,
                interchange_error=ISA_CONTROL_STRUCTURE,
            )
        offset += 1
    component, terminator = head[104], head[105]
    if component.isalnum() or component in (element, " "):
        raise X12Error(
            f"{component!r} cannot be the component separator (ISA16)",
            "interchange segment 1 (ISA), element ISA16",
            interchange_error=ISA_COMPONENT_SEPARATOR,
        )
    if terminator.isalnum() or terminator in (element, component, " "):
        raise X12Error(
            f"{terminator!r} cannot be the segment terminator (the character after ISA16)",
            "interchange segment 1 (ISA)",
            interchange_error=ISA_SEGMENT_TERMINATOR,
        )
    version, isa11 = head[84:89], head[82]
    repetition = None
    if version >= "00402" and not isa11.isalnum() and isa11 not in (element, component, terminator, " "):
        repetition = isa11
    delimiters = Delimiters(element=element, component=component, segment=terminator, repetition=repetition)
    return delimiters, Segment(head[:105].split(element), delimiters, index)


def _check_isa_content(interchange: Interchange) -> None:
    """Values inside a well-formed ISA: what a TA1 would reject (recorded),
    what is merely odd (warned)."""
    isa = interchange.header
    if not isa.get(13).isdigit():
        interchange.errors.append(
            interchange.error(
                f"ISA13 control number {isa.get(13)!r} must be 9 digits", ISA_INVALID_CONTROL, element=13
            )
        )
    if not isa.get(12).isdigit():
        interchange.errors.append(
            interchange.error(
                f"ISA12 version {isa.get(12)!r} must be 5 digits", ISA_INVALID_VERSION, element=12
            )
        )
    if parse_date(isa.get(9)) is None:
        interchange.errors.append(
            interchange.error(f"ISA09 date {isa.get(9)!r} is not YYMMDD", ISA_INVALID_DATE, element=9)
        )
    if parse_time(isa.get(10)) is None:
        interchange.errors.append(
            interchange.error(f"ISA10 time {isa.get(10)!r} is not HHMM", ISA_INVALID_TIME, element=10)
        )
    if isa.get(15) == "T":
        interchange.warnings.append("test interchange (ISA15 = T)")
    if isa.get(12) >= "00402" and interchange.delimiters.repetition is None:
        interchange.warnings.append(
            f"ISA11 {isa.get(11)!r} is not a repetition separator although ISA12 is {isa.get(12)}"
        )


class _EnvelopeBuilder:
    """Places segments into groups and transaction sets, recording the envelope
    faults a 997 reports (and carrying on, so later sets are still read)."""

    def __init__(self, interchange: Interchange) -> None:
        self.interchange = interchange
        self.group: FunctionalGroup | None = None
        self.tx: TransactionSet | None = None
        self.done = False
        self.control_number = interchange.control_number
        self.handlers = {"GS": self._gs, "GE": self._ge, "ST": self._st, "SE": self._se, "IEA": self._iea}

    def feed(self, segment: Segment) -> None:
        segment.interchange_control = self.control_number
        handler = self.handlers.get(segment.tag)
        if handler is not None:
            handler(segment)
        else:
            self._body(segment)

    def _record(self, error: X12Error) -> None:
        if self.tx is not None:
            self.tx.errors.append(error)
        elif self.group is not None:
            self.group.errors.append(error)
        else:
            self.interchange.errors.append(error)

    def _gs(self, segment: Segment) -> None:
        if self.group is not None:
            self._close_group(trailer_missing=segment)
        group = FunctionalGroup(header=segment)
        segment.group_control = group.control_number
        if not group.control_number.isdigit() or len(group.control_number) > 9:
            group.errors.append(
                group.error(
                    f"GS06 group control number {group.control_number!r} must be 1-9 digits",
                    GROUP_CONTROL_SYNTAX,
                )
            )
        self.interchange.groups.append(group)
        self.group = group

    def _st(self, segment: Segment) -> None:
        if self.group is None:
            self.interchange.errors.append(
                self.interchange.error(
                    "ST outside a functional group (no GS before it)", ISA_CONTROL_STRUCTURE, segment
                )
            )
            self.group = FunctionalGroup(header=Segment(["GS"], segment.delimiters, segment.index))
            self.interchange.groups.append(self.group)
        if self.tx is not None:
            self.tx.errors.append(
                self.tx.error("transaction set has no SE trailer", SET_TRAILER_MISSING, segment)
            )
            self.tx = None
        segment.group_control = self.group.control_number
        tx = TransactionSet(set_id=segment.get(1), control_number=segment.get(2), group=self.group)
        segment.position, segment.owner = 1, tx
        tx.segments.append(segment)
        self.group.transactions.append(tx)
        self.tx = tx
        if not re.fullmatch(r"\d{3}", tx.set_id):
            tx.errors.append(
                tx.error(f"ST01 {tx.set_id!r} is not a transaction set identifier", SET_INVALID_ID)
            )
        if not tx.control_number or len(tx.control_number) > 9:
            tx.errors.append(
                tx.error(
                    f"ST02 control number {tx.control_number!r} must be 4-9 characters", SET_INVALID_CONTROL
                )
            )
        elif tx.control_number in self.group.set_controls:
            tx.errors.append(
                tx.error(
                    f"ST02 control number {tx.control_number} is used twice in the group",
                    SET_CONTROL_NOT_UNIQUE,
                )
            )
        self.group.set_controls.add(tx.control_number)
        expected = _FUNCTIONAL_IDS.get(tx.set_id)
        if expected and self.group.functional_id and expected != self.group.functional_id:
            self.interchange.warnings.append(
                f"transaction {tx.control_number} ({tx.set_id}) is in a GS group of type "
                f"{self.group.functional_id}; expected {expected}"
            )

    def _se(self, segment: Segment) -> None:
        tx = self.tx
        if tx is None:
            self._record(self.interchange.error("SE without a matching ST", ISA_CONTROL_STRUCTURE, segment))
            return
        self._attach(segment)
        tx.closed = True
        self.tx = None
        if segment.get(2) != tx.control_number:
            tx.errors.append(
                tx.error(
                    f"SE02 {segment.get(2)!r} does not match ST02 {tx.control_number!r}",
                    SET_CONTROL_MISMATCH,
                    segment,
                )
            )
        declared = segment.get(1)
        if not (declared.isdigit() and len(declared) < 10 and int(declared) == len(tx.segments)):
            tx.errors.append(
                tx.error(
                    f"SE01 says {declared or 'nothing'} segments; the transaction set has {len(tx.segments)}",
                    SET_COUNT_MISMATCH,
                    segment,
                )
            )

    def _ge(self, segment: Segment) -> None:
        if self.group is None:
            self.interchange.errors.append(
                self.interchange.error("GE without a matching GS", ISA_CONTROL_STRUCTURE, segment)
            )
            return
        self._close_group(trailer=segment)

    def _close_group(self, trailer: Segment | None = None, trailer_missing: Segment | None = None) -> None:
        group = self.group
        assert group is not None
        if self.tx is not None:
            self.tx.errors.append(
                self.tx.error(
                    "transaction set has no SE trailer", SET_TRAILER_MISSING, trailer or trailer_missing
                )
            )
            self.tx = None
        self.group = None
        if trailer is None:
            group.errors.append(
                group.error("functional group has no GE trailer", GROUP_TRAILER_MISSING, trailer_missing)
            )
            return
        group.trailer = trailer
        trailer.group_control = group.control_number
        if trailer.get(2) != group.control_number:
            group.errors.append(
                group.error(
                    f"GE02 {trailer.get(2)!r} does not match GS06 {group.control_number!r}",
                    GROUP_CONTROL_MISMATCH,
                    trailer,
                )
            )
        declared = trailer.get(1)
        if not declared.isdigit() or int(declared) != len(group.transactions):
            group.errors.append(
                group.error(
                    f"GE01 says {declared or 'nothing'} transaction sets; "
                    f"the group has {len(group.transactions)}",
                    GROUP_COUNT_MISMATCH,
                    trailer,
                )
            )

    def _iea(self, segment: Segment) -> None:
        if self.group is not None:
            self._close_group(trailer_missing=segment)
        interchange = self.interchange
        interchange.closed = True
        self.done = True
        if segment.get(2) != interchange.control_number:
            interchange.errors.append(
                interchange.error(
                    f"IEA02 {segment.get(2)!r} does not match ISA13 {interchange.control_number!r}",
                    ISA_CONTROL_MISMATCH,
                    segment,
                    element=2,
                )
            )
        declared = segment.get(1)
        if not declared.isdigit() or int(declared) != len(interchange.groups):
            interchange.errors.append(
                interchange.error(
                    f"IEA01 says {declared or 'nothing'} functional groups; the interchange has "
                    f"{len(interchange.groups)}",
                    ISA_GROUP_COUNT,
                    segment,
                    element=1,
                )
            )

    def _body(self, segment: Segment) -> None:
        tag = segment.tag
        if self.tx is None:
            what = f"segment {tag!r}" if tag else "an empty segment"
            self.interchange.errors.append(
                self.interchange.error(
                    f"{what} outside a transaction set (between ST and SE)", ISA_CONTROL_STRUCTURE, segment
                )
            )
            return
        self._attach(segment)
        if not _TAG.fullmatch(tag):
            self.tx.errors.append(
                segment.error(f"{tag[:10]!r} is not a segment identifier", segment_code=SEG_UNRECOGNIZED)
            )
            return
        if segment.overflow:
            self.tx.errors.append(
                segment.error(
                    f"more than {MAX_ELEMENTS - 1} elements", element=MAX_ELEMENTS, code=EL_TOO_MANY
                )
            )
            return
        if any(_CONTROL_CHARS.search(value) for value in segment.elements):
            n = next(n for n, value in enumerate(segment.elements) if _CONTROL_CHARS.search(value))
            self.tx.errors.append(
                segment.error("control character in element", element=n, code=EL_INVALID_CHARACTER)
            )

    def _attach(self, segment: Segment) -> None:
        tx = self.tx
        assert tx is not None
        segment.owner = tx
        segment.group_control = tx.segments[0].group_control
        segment.position = len(tx.segments) + 1
        tx.segments.append(segment)

    def finish_at_eof(self) -> None:
        self._unterminated("the file ends before IEA")

    def finish_at_new_isa(self, index: int) -> None:
        self._unterminated(f"a new ISA (segment {index}) starts before IEA")

    def _unterminated(self, message: str) -> None:
        if self.done:
            return
        if self.group is not None:
            self._close_group(trailer_missing=None)
        self.interchange.errors.append(
            self.interchange.error(f"interchange has no IEA trailer: {message}", ISA_PREMATURE_END)
        )
        self.done = True


# GS01 functional identifier code each transaction set belongs in.
_FUNCTIONAL_IDS = {"810": "IN", "850": "PO", "855": "PR", "856": "SH", "860": "PC", "865": "CA", "997": "FA"}


def functional_id_for(set_id: str) -> str | None:
    return _FUNCTIONAL_IDS.get(set_id)
