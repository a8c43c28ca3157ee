"""Several UN/EDIFACT interchanges in one file: partners' translators batch the
day's interchanges into one transmission, each with its own UNB ... UNZ and,
often, its own UNA (ISO 9735-1 §7: the service string advice, when used,
immediately precedes the UNB of the interchange it applies to).

The file is cut into interchanges at the end of each UNZ segment, found with
that interchange's own terminator and release character (UNA positions 6 and
9, else the defaults `?` and `'`), and each piece is read by
`syntax.parse_interchange` with its own service characters and syntax
identifier. Text after a UNZ that starts neither UNA nor UNB stays with the
interchange before it, so the envelope check names it as data after UNZ.
"""

from __future__ import annotations

from activities.intake.edifact.syntax import EdiInterchange, parse_interchange
from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits

__all__ = ["parse_interchanges", "split_interchanges"]

_BLANKS = " \t\r\n\x00"


def parse_interchanges(raw: bytes, limits: IntakeLimits = DEFAULT_LIMITS) -> list[EdiInterchange]:
    """Every interchange of the file, each checked as `parse_interchange` does;
    a fault in one names its interchange (1-based) when there are several."""
    if len(raw) > limits.max_bytes:
        raise ExtractionError(f"file is {len(raw)} bytes, more than the limit of {limits.max_bytes}")
    pieces = split_interchanges(raw)
    interchanges: list[EdiInterchange] = []
    for number, piece in enumerate(pieces, start=1):
        try:
            interchanges.append(parse_interchange(piece, limits))
        except ExtractionError as err:
            if len(pieces) == 1:
                raise
            where = f"interchange {number} of {len(pieces)}" + (f", {err.where}" if err.where else "")
            raise ExtractionError(err.message, where) from None
    return interchanges


def split_interchanges(raw: bytes) -> list[bytes]:
    """The file's bytes cut after each UNZ segment. Service characters are
    ASCII in every syntax identifier intake reads, so the cut can be found on
    the bytes before decoding."""
    view = raw.decode("latin-1")  # one character per byte: offsets stay byte offsets
    pieces: list[bytes] = []
    start = _skip_blanks(view, 0)
    while start < len(view):
        end = _interchange_end(view, start)
        following = _skip_blanks(view, end)
        if following < len(view) and not view.startswith(("UNA", "UNB"), following):
            end = len(view)  # not a new interchange: let the envelope check report it
        pieces.append(raw[start:end])
        start = _skip_blanks(view, end)
    return pieces or [raw]


def _interchange_end(view: str, start: int) -> int:
    """Offset just after the UNZ segment's terminator, or the end of the file."""
    terminator, release, data = "'", "?", "+"
    body = start
    if view.startswith("UNA", start) and len(view) >= start + 9:
        data, release, terminator = view[start + 4], view[start + 6], view[start + 8]
        body = start + 9
    position = body
    while position < len(view):
        tag = _tag_at(view, _skip_blanks(view, position))
        end = _segment_end(view, position, terminator, release)
        if tag == "UNZ" + data:
            return end
        position = end
    return len(view)


def _segment_end(view: str, position: int, terminator: str, release: str) -> int:
    """Offset after the next terminator that is not released (`?'`)."""
    while True:
        found = view.find(terminator, position)
        if found < 0:
            return len(view)
        releases = 0
        while release != " " and found - releases - 1 >= 0 and view[found - releases - 1] == release:
            releases += 1
        if releases % 2 == 0:
            return found + 1
        position = found + 1


def _tag_at(view: str, position: int) -> str:
    """The segment's first four characters, skipping line breaks a sender
    wrapped into it (80-column files)."""
    tag = ""
    while position < len(view) and len(tag) < 4:
        if view[position] not in "\r\n":
            tag += view[position]
        position += 1
    return tag


def _skip_blanks(view: str, position: int) -> int:
    while position < len(view) and view[position] in _BLANKS:
        position += 1
    return position
