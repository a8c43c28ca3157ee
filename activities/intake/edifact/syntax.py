"""UN/EDIFACT syntax (ISO 9735): raw bytes → an interchange of numbered
segments, with its envelope (UNA, UNB/UNZ, UNG/UNE, UNH/UNT) checked.

Tokenizing is pydifact's (service string advice, release character, composite
elements); the envelope rules and every error message are ours, so that a broken
file always ends in an `ExtractionError` that names the message and segment.
Nothing here knows about orders or invoices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from pydifact.control.characters import Characters
from pydifact.exceptions import EDISyntaxError
from pydifact.exceptions import ValidationError as PydifactValidationError
from pydifact.parser import Parser
from pydifact.segments import Segment, SegmentFactory
from pydifact.tokenizer import Tokenizer

from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits

__all__ = ["EdiInterchange", "EdiMessage", "EdiSegment", "parse_interchange"]

Element = str | tuple[str, ...]

# Syntax identifier (UNB S001/0001) → the character encoding it names. UNOA/UNOB
# are subsets of ASCII, which latin-1 decodes byte for byte.
_ENCODINGS = {
    "UNOA": "latin-1",
    "UNOB": "latin-1",
    "UNOC": "latin-1",
    "UNOD": "iso8859-2",
    "UNOE": "iso8859-5",
    "UNOF": "iso8859-7",
    "UNOG": "iso8859-3",
    "UNOH": "iso8859-4",
    "UNOI": "iso8859-6",
    "UNOJ": "iso8859-8",
    "UNOK": "iso8859-9",
    "UNOW": "utf-8",
    "UNOY": "utf-8",
}
_SYNTAX_ID = re.compile(rb"UNB.(UNO[A-Z])")
# A release character of space in UNA means "no release character"; this stands
# in for it so that pydifact's tokenizer never treats a space as an escape.
_NO_RELEASE = "\uffff"


@dataclass(frozen=True)
class EdiSegment:
    """One segment. `number` counts from 1 at UNH inside a message (the count UNT
    states), and from 1 at UNB for envelope segments."""

    tag: str
    elements: tuple[Element, ...]
    number: int

    def value(self, element: int, component: int = 1) -> str:
        """Element and component numbered from 1, as in the EDIFACT directories:
        `value(1, 2)` of `DTM+137:20260105:102` is `20260105`. Absent → ""."""
        if element < 1 or element > len(self.elements):
            return ""
        item = self.elements[element - 1]
        if isinstance(item, str):
            return item if component == 1 else ""
        return item[component - 1] if 0 < component <= len(item) else ""

    def components(self, element: int) -> tuple[str, ...]:
        if element < 1 or element > len(self.elements):
            return ()
        item = self.elements[element - 1]
        return (item,) if isinstance(item, str) else item

    @property
    def qualifier(self) -> str:
        return self.value(1)

    @property
    def label(self) -> str:
        """`DTM+137`, `LIN`: how EDI people name a segment occurrence."""
        return f"{self.tag}+{self.qualifier}" if self.qualifier else self.tag

    def at(self, element: int | None = None, component: int | None = None) -> str:
        """A location string: `DTM+137 element 1.2 (segment 5)`."""
        if element is None:
            return f"{self.label} (segment {self.number})"
        part = f"{element}.{component}" if component else f"{element}"
        return f"{self.label} element {part} (segment {self.number})"


@dataclass(frozen=True)
class EdiMessage:
    reference: str  # UNH 0062, repeated in UNT
    type: str  # UNH S009/0065: ORDRSP, DESADV, INVOIC, ...
    version: str  # S009/0052, "D" for directories
    release: str  # S009/0054: 96A, 01B, ...
    segments: tuple[EdiSegment, ...]  # UNH ... UNT

    @property
    def body(self) -> tuple[EdiSegment, ...]:
        return self.segments[1:-1]

    @property
    def name(self) -> str:
        return f"UNH {self.reference} {self.type}"

    def where(self, segment: EdiSegment | None = None) -> str:
        """`UNH 2 INVOIC, segment 14 (QTY)`: the place an error is reported at."""
        if segment is None:
            return self.name
        return f"{self.name}, segment {segment.number} ({segment.tag})"

    def error(self, segment: EdiSegment | None, message: str) -> ExtractionError:
        return ExtractionError(message, self.where(segment))


@dataclass(frozen=True)
class EdiInterchange:
    syntax_id: str  # UNOC, ...
    sender_id: str
    sender_qualifier: str
    recipient_id: str
    control_reference: str
    prepared_at: datetime | None  # UNB S004, read as UTC (it carries no offset)
    messages: tuple[EdiMessage, ...]
    warnings: tuple[str, ...] = field(default=())


def parse_interchange(raw: bytes, limits: IntakeLimits = DEFAULT_LIMITS) -> EdiInterchange:
    """Read one interchange; raises `ExtractionError` for anything that is not
    a well-formed interchange (envelope counts and references included)."""
    if len(raw) > limits.max_bytes:
        raise ExtractionError(f"file is {len(raw)} bytes, more than the limit of {limits.max_bytes}")
    warnings: list[str] = []
    text = _decode(raw, warnings)
    characters, body = _service_string_advice(text)
    segments = _tokenize(body, characters, limits)
    return _read_envelope(segments, warnings)


# --- bytes → text -------------------------------------------------------------


def _decode(raw: bytes, warnings: list[str]) -> str:
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    match = _SYNTAX_ID.search(raw[:512])
    syntax_id = match.group(1).decode("ascii") if match else None
    encoding = _ENCODINGS.get(syntax_id or "", "latin-1")
    if syntax_id and syntax_id not in _ENCODINGS:
        warnings.append(f"Unknown syntax identifier {syntax_id}; the file was read as ISO 8859-1.")
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as err:
        raise ExtractionError(
            f"byte {err.start} is not valid {encoding} as syntax identifier {syntax_id} requires", "UNB"
        ) from None


def _service_string_advice(text: str) -> tuple[Characters, str]:
    """UNA, when present, names the six service characters; otherwise the
    ISO 9735 defaults apply (`:+.? '`, either decimal mark accepted)."""
    text = text.lstrip()
    if not text.startswith("UNA"):
        return Characters(decimal_point="."), _unwrap(text, "'", "?")
    advice = text[3:9]
    if len(advice) < 6:
        raise ExtractionError("UNA service string advice is cut short: it needs six characters", "UNA")
    component, data, decimal, release, _repetition, terminator = tuple(advice)
    separators = [component, data, terminator] + ([release] if release != " " else [])
    if len(set(separators)) != len(separators) or any(c.isalnum() for c in separators):
        raise ExtractionError(
            f"UNA service characters {advice!r} are not distinct non-alphanumeric separators", "UNA"
        )
    if decimal not in ".,":
        raise ExtractionError(f"UNA decimal mark {decimal!r} must be '.' or ','", "UNA")
    characters = Characters(
        component_separator=component,
        data_separator=data,
        decimal_point=decimal,
        escape_character=release if release != " " else _NO_RELEASE,
        segment_terminator=terminator,
    )
    return characters, _unwrap(text[9:].lstrip(" \t\r\n"), terminator, release)


def _unwrap(text: str, terminator: str, release: str) -> str:
    """Line breaks are not part of EDIFACT data; senders add them after segments
    or wrap lines at 80 columns. Unless a line break *is* the terminator, drop
    them. Blanks and tabs right after a terminator (indented segments, padding)
    are dropped too: a segment starts with its tag, so they are never data; a
    released terminator (`?'`) is data, and the blanks after it are kept."""
    if terminator not in "\r\n":
        text = text.replace("\r", "").replace("\n", "")
    released = f"{re.escape(release)}.|" if release not in (" ", _NO_RELEASE) else ""
    pattern = re.compile(f"{released}{re.escape(terminator)}[ \\t\\r\\n]+", re.DOTALL)
    return pattern.sub(lambda m: m.group() if m.group()[0] != terminator else terminator, text)


# --- text → segments (pydifact) -------------------------------------------------


def _tokenize(body: str, characters: Characters, limits: IntakeLimits) -> list[EdiSegment]:
    """Segments in order, numbered from 1 in the interchange. Uses pydifact's
    tokenizer and raw-segment builder directly rather than `Parser.parse`, which
    also hunts for a `'UNA` anywhere in the text and would drop everything before
    an escaped `?'UNA...` in free text."""
    parser = Parser(characters=characters)
    factory = SegmentFactory()
    segments: list[EdiSegment] = []
    number = 0
    try:
        for raw in parser.convert_tokens_to_raw_segments(Tokenizer().get_tokens(body, characters)):
            number += 1
            if number > limits.max_segments:
                raise ExtractionError(
                    f"more than {limits.max_segments} segments", f"interchange segment {number}"
                )
            segments.append(_segment(factory, raw, number))
    except ExtractionError:
        raise
    except (EDISyntaxError, PydifactValidationError, ValueError, IndexError, TypeError) as err:
        raise ExtractionError(_syntax_message(err), f"interchange segment {number + 1}") from None
    if not segments:
        raise ExtractionError("no EDIFACT segments found")
    return segments


def _segment(factory: SegmentFactory, raw: list, number: int) -> EdiSegment:
    name = raw[0]
    if not isinstance(name, str) or not re.fullmatch(r"[A-Z][A-Z0-9]{2}", name):
        raise ExtractionError(f"{str(name)[:20]!r} is not a segment tag", f"interchange segment {number}")
    # validate=False: pydifact's directory checks only warn (its service
    # directories are not shipped) and would spam the worker's log.
    segment: Segment = factory.create_segment(name, *(raw[1:] or [""]), validate=False)
    elements = tuple(e if isinstance(e, str) else tuple(e) for e in segment.elements)
    return EdiSegment(segment.tag, elements, number)


def _syntax_message(err: Exception) -> str:
    text = str(err).removeprefix("EDIFACT Syntax Error: ").strip() or type(err).__name__
    if "Unexpected end" in text:
        return "the file ends in the middle of a segment (no segment terminator)"
    return f"EDIFACT syntax error: {text[:200]}"


# --- envelope -----------------------------------------------------------------


def _read_envelope(segments: list[EdiSegment], warnings: list[str]) -> EdiInterchange:
    unb = segments[0]
    if unb.tag != "UNB":
        raise ExtractionError(f"an interchange starts with UNB, not {unb.tag}", _env(unb))
    control = unb.value(5)
    if not control:
        raise ExtractionError("UNB has no interchange control reference (element 5)", _env(unb))
    messages, groups, last = _read_messages(segments)
    unz = segments[last]
    if unz.tag != "UNZ":
        raise ExtractionError("the interchange is truncated: no UNZ trailer", _env(unz))
    if last != len(segments) - 1:
        extra = segments[last + 1]
        raise ExtractionError(f"{extra.tag} after the UNZ interchange trailer", _env(extra))
    expected = groups if groups else len(messages)
    if _count(unz, 1) != expected:
        raise ExtractionError(
            f"UNZ counts {unz.value(1)!r} {'groups' if groups else 'messages'} but the interchange has "
            f"{expected}: messages are missing or the count is wrong",
            _env(unz),
        )
    if unz.value(2) != control:
        raise ExtractionError(
            f"UNZ control reference {unz.value(2)!r} differs from UNB's {control!r}", _env(unz)
        )
    return EdiInterchange(
        syntax_id=unb.value(1, 1),
        sender_id=unb.value(2, 1),
        sender_qualifier=unb.value(2, 2),
        recipient_id=unb.value(3, 1),
        control_reference=control,
        prepared_at=_prepared_at(unb, warnings),
        messages=tuple(messages),
        warnings=tuple(warnings),
    )


def _read_messages(segments: list[EdiSegment]) -> tuple[list[EdiMessage], int, int]:
    """Messages between UNB and UNZ; returns them, the number of functional
    groups (UNG) and the index of the segment that ended the walk."""
    messages: list[EdiMessage] = []
    groups = 0
    group: tuple[EdiSegment, int] | None = None  # open UNG, messages before it
    index = 1
    while index < len(segments):
        segment = segments[index]
        if segment.tag == "UNZ":
            if group is not None:
                raise ExtractionError("functional group is not closed: UNZ before its UNE", _env(segment))
            return messages, groups, index
        if segment.tag == "UNH":
            message, index = _read_message(segments, index)
            messages.append(message)
            continue
        if segment.tag == "UNG":
            groups += 1
            group = (segment, len(messages))
        elif segment.tag == "UNE" and group is not None:
            _check_group_trailer(group[0], segment, len(messages) - group[1])
            group = None
        else:
            raise ExtractionError(f"{segment.tag} outside a message (no UNH before it)", _env(segment))
        index += 1
    return messages, groups, len(segments) - 1


def _check_group_trailer(ung: EdiSegment, une: EdiSegment, count: int) -> None:
    if _count(une, 1) != count:
        raise ExtractionError(f"UNE counts {une.value(1)!r} messages but the group has {count}", _env(une))
    if une.value(2) != ung.value(5):
        raise ExtractionError(
            f"UNE group reference {une.value(2)!r} differs from UNG's {ung.value(5)!r}", _env(une)
        )


def _read_message(segments: list[EdiSegment], start: int) -> tuple[EdiMessage, int]:
    unh = segments[start]
    reference = unh.value(1)
    kind = unh.value(2, 1)
    if not reference or not kind:
        raise ExtractionError("UNH needs a message reference and a message type", _env(unh))
    numbered: list[EdiSegment] = []
    for index in range(start, len(segments)):
        segment = segments[index]
        if index > start and segment.tag in ("UNH", "UNZ"):
            raise ExtractionError(
                f"message is not closed: {segment.tag} before its UNT", f"UNH {reference} {kind}"
            )
        numbered.append(EdiSegment(segment.tag, segment.elements, index - start + 1))
        if segment.tag == "UNT":
            break
    else:
        raise ExtractionError(
            "message is not closed: the file ends before its UNT", f"UNH {reference} {kind}"
        )
    message = EdiMessage(reference, kind, unh.value(2, 2), unh.value(2, 3), tuple(numbered))
    _check_trailer(message)
    return message, start + len(numbered)


def _check_trailer(message: EdiMessage) -> None:
    unt = message.segments[-1]
    if _count(unt, 1) != len(message.segments):
        raise message.error(
            unt,
            f"UNT counts {unt.value(1)!r} segments but the message has {len(message.segments)} "
            "(UNH to UNT): segments are missing or the count is wrong",
        )
    if unt.value(2) != message.reference:
        raise message.error(
            unt, f"UNT message reference {unt.value(2)!r} differs from UNH's {message.reference!r}"
        )


def _count(segment: EdiSegment, element: int) -> int | None:
    text = segment.value(element)
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else None


def _prepared_at(unb: EdiSegment, warnings: list[str]) -> datetime | None:
    day, time = unb.value(4, 1), unb.value(4, 2) or "0000"
    formats = {6: "%y%m%d%H%M", 8: "%Y%m%d%H%M"}
    try:
        return datetime.strptime(day + time, formats[len(day)]).replace(tzinfo=UTC)
    except (KeyError, ValueError):
        warnings.append(f"UNB preparation date {day}:{time} is not a date; it was ignored.")
        return None


def _env(segment: EdiSegment) -> str:
    return f"interchange segment {segment.number} ({segment.tag})"
