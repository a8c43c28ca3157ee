"""Writes the X12 997 (functional acknowledgment, 004010) poflow returns for
every interchange it receives.

The 997 answers syntax only (reference/p2p-semantics.md (c)): accepted, or
rejected with AK3/AK4 naming the segment and element at fault, taken from the
`X12Error` the reader raised and from the envelope faults the syntax reader
records; faults of the interchange envelope itself are answered with a TA1 in
the same interchange. Business refusals (unknown PO, duplicate invoice) are
not a 997's business.
"""

from __future__ import annotations

from datetime import UTC, datetime

from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from activities.intake.x12.envelope import FunctionalGroup, Interchange, TransactionSet
from activities.intake.x12.errors import SET_SEGMENTS_IN_ERROR, X12Error
from activities.intake.x12.syntax import parse_interchanges
from activities.intake.x12.write import Element, InterchangeWriter, SegmentSpec, X12Style

__all__ = ["render_997"]


def render_997(
    raw_interchange: bytes,
    *,
    error: ExtractionError | None = None,
    control_number: int = 1,
    now: datetime | None = None,
    sender_id: str | None = None,
    style: X12Style | None = None,
    limits: IntakeLimits = DEFAULT_LIMITS,
) -> bytes:
    """A 997 for every functional group received (AK1, an AK2/AK5 per set,
    AK9), AK3/AK4 for the segment and element at fault, and a TA1 when the
    interchange envelope itself is at fault.

    `error` is what reading the interchange raised (an `X12Error` locates the
    set; any other ExtractionError rejects every set, since it cannot say
    which). The 997 goes back to the sender: our id is the receiver's in the
    original ISA08 unless `sender_id` says otherwise. Raises ExtractionError
    when the file has no readable ISA: there is no one to address it to."""
    interchanges = parse_interchanges(raw_interchange, limits)
    first = interchanges[0]
    writer = InterchangeWriter(
        style
        or X12Style(
            sender_qualifier=first.receiver_qualifier or "ZZ",
            receiver_qualifier=first.sender_qualifier or "ZZ",
        ),
        sender_id=sender_id or first.receiver_id or "POFLOW",
        receiver_id=first.sender_id or "UNKNOWN",
        control_number=control_number,
        now=now or datetime.now(UTC),
    )
    for interchange in interchanges:
        _ta1(writer, interchange, error)
        for group in interchange.groups:
            writer.add("997", _ack_group(group, interchange, error))
    if not writer.groups and not writer.extra_header:
        writer.extra_header.append(("TA1", first.control_number, first.date, first.time, "A", "000"))
    return writer.render()


def _ta1(writer: InterchangeWriter, interchange: Interchange, error: ExtractionError | None) -> None:
    codes = [err.interchange_error for err in interchange.errors if err.interchange_error]
    if isinstance(error, X12Error) and error.interchange_error and _same_interchange(error, interchange):
        codes.insert(0, error.interchange_error)
    if codes:
        writer.extra_header.append(
            ("TA1", interchange.control_number, interchange.date, interchange.time, "R", codes[0])
        )


def _same_interchange(error: X12Error, interchange: Interchange) -> bool:
    return error.interchange_control in (None, interchange.control_number)


def _ack_group(
    group: FunctionalGroup, interchange: Interchange, error: ExtractionError | None
) -> list[SegmentSpec]:
    segments: list[SegmentSpec] = [("AK1", group.functional_id, group.control_number)]
    accepted = 0
    for tx in group.transactions:
        faults = list(tx.errors)
        if error is not None and _applies_to(error, interchange, group, tx) and error not in faults:
            faults.insert(
                0,
                error
                if isinstance(error, X12Error)
                else X12Error(error.message, set_error=SET_SEGMENTS_IN_ERROR),
            )
        segments.append(("AK2", tx.set_id, tx.control_number))
        segments += _segment_errors(faults, tx)
        if faults:
            set_codes = list(dict.fromkeys(fault.set_error or SET_SEGMENTS_IN_ERROR for fault in faults))[:5]
            segments.append(("AK5", "R", *set_codes))
        else:
            accepted += 1
            segments.append(("AK5", "A"))
    group_codes = [fault.group_error for fault in group.errors if fault.group_error]
    if isinstance(error, X12Error) and error.group_error and error.group_control == group.control_number:
        group_codes.insert(0, error.group_error)
    received = len(group.transactions)
    if group_codes or accepted == 0:
        status = "R"
    elif accepted < received:
        status = "P"
    else:
        status = "A"
    declared = _declared_count(group)
    segments.append(("AK9", status, declared, received, accepted, *list(dict.fromkeys(group_codes))[:5]))
    return segments


def _applies_to(
    error: ExtractionError, interchange: Interchange, group: FunctionalGroup, tx: TransactionSet
) -> bool:
    """Whether the reader's error is about this set: located there, or
    located nowhere (then it can only be answered by rejecting every set)."""
    if not isinstance(error, X12Error):
        return True
    if error.set_control is None:
        return error.interchange_error is None and error.group_error is None
    return (
        error.set_control is not None
        and error.set_control == tx.control_number
        and error.set_id in (None, tx.set_id)
        and error.group_control in (None, group.control_number)
        and _same_interchange(error, interchange)
    )


MAX_SEGMENT_ERRORS = 20  # per set: enough to fix a file, not a 997 larger than the file


def _segment_errors(faults: list[X12Error], tx: TransactionSet) -> list[SegmentSpec]:
    """AK3 (segment id, position in the set, loop, code) and AK4 (element
    position, reference number, code, bad data) for faults in a segment."""
    segments: list[SegmentSpec] = []
    for fault in faults[:MAX_SEGMENT_ERRORS]:
        if fault.segment_error is None and fault.element_position is None:
            continue  # a set-level fault (count, control number): AK5 says it
        if fault.segment_id is None or fault.segment_position is None:
            continue
        loop = fault.loop_id or _loop_of(tx, fault.segment_position)
        segments.append(
            ("AK3", fault.segment_id[:3], fault.segment_position, loop, fault.segment_error or "8")
        )
        if fault.element_position is not None:
            position: Element = fault.element_position
            if fault.component_position is not None:
                position = (fault.element_position, fault.component_position)
            segments.append(
                ("AK4", position, None, fault.element_error or "7", (fault.bad_value or "")[:99] or None)
            )
    return segments


# Loops that run to the summary area (detail loops), loops made of a known
# set of segments (header party and note loops), and the tags that start
# the summary area. Enough to name AK303 for the sets poflow reads and writes.
_DETAIL_LOOPS = {"PO1", "IT1", "HL"}
_BOUNDED_LOOPS = {
    "N1": {"N1", "N2", "N3", "N4", "REF", "PER", "DMG", "FOB", "SI"},
    "N9": {"N9", "DTM", "MSG"},
}
_SUMMARY = {"CTT", "TDS", "SE"}


def _loop_of(tx: TransactionSet, position: int) -> str | None:
    """The innermost loop the segment at `position` (ST = 1) belongs to."""
    seen: set[str] = set()
    for index in range(min(position, len(tx.segments)) - 1, 0, -1):
        tag = tx.segments[index].tag
        if tag in _SUMMARY:
            return None
        if tag in _DETAIL_LOOPS:
            return tag
        seen.add(tag)
        members = _BOUNDED_LOOPS.get(tag)
        if members is not None and seen <= members:
            return tag
    return None


def _declared_count(group: FunctionalGroup) -> int:
    """GE01 as sent when it is a number, else the sets counted."""
    declared = group.trailer.get(1) if group.trailer is not None else ""
    return int(declared) if declared.isdigit() and len(declared) < 7 else len(group.transactions)
