"""ANSI ASC X12 interchange syntax, for 004010 and later: bytes to
interchanges, with the delimiters each ISA declares, the segments split out
and placed in the envelope (ISA/IEA, GS/GE, ST/SE).

The reader is strict about what a translator must check (the fixed-width ISA,
control numbers and counts, segments outside a transaction set) and lenient
only where real files are routinely sloppy (line ends, blanks and tabs between
segments — each segment on its own, indented line —, a missing terminator at
the very end, trailing empty elements).

Envelope faults are *recorded* on the interchange, group or transaction set
they belong to instead of stopping the parse, so that a 997 can report every
set it received: `parse_interchanges` returns what was read with its faults,
`read_interchanges` raises the first fault. Faults that leave nothing to
acknowledge (no ISA, unreadable delimiters, limits exceeded) raise at once.

Every fault is an `X12Error` carrying the 997/TA1 coordinates of the place at
fault (segment id and position in its transaction set, element position, the
X12 error codes), so the writer of the 997 never has to parse a message.

Here: reading the text and the fixed-width ISA. The segment and its typed
elements are in `segment`, the envelope as read in `envelope`, its rules
(control numbers, counts) in `envelope_check`, the fault and its codes in
`errors`.
"""

from __future__ import annotations

from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from activities.intake.x12.envelope import Interchange
from activities.intake.x12.envelope_check import EnvelopeBuilder, check_isa_content
from activities.intake.x12.errors import (
    ISA_COMPONENT_SEPARATOR,
    ISA_CONTROL_STRUCTURE,
    ISA_ELEMENT_SEPARATOR,
    ISA_INVALID_CONTENT,
    ISA_PREMATURE_END,
    ISA_SEGMENT_TERMINATOR,
    X12Error,
)
from activities.intake.x12.segment import MAX_ELEMENTS, Delimiters, Segment

__all__ = ["ISA_LENGTH", "parse_interchanges", "read_interchanges", "read_isa"]

ISA_LENGTH = 106
# Widths of ISA01..ISA16: the ISA is fixed width, which is how a reader finds
# the delimiters before it knows them.
_ISA_WIDTHS = (2, 10, 2, 10, 2, 15, 2, 15, 6, 4, 1, 5, 9, 1, 1, 1)


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
        check_isa_content(interchange)
        builder = EnvelopeBuilder(interchange)
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
        """Line ends, blanks and tabs between segments: partners put each
        segment on its own (indented) line or leave blanks after the
        terminator. A segment starts with its id, so they are never data."""
        text = self.text
        while pos < len(text) and text[pos] in " \t\r\n" and text[pos] != delimiters.segment:
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
