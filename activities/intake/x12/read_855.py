"""Reads the X12 855 (purchase order acknowledgment, 004010 and later) into
poflow's acknowledgment: BAK header status, PO number and acknowledgment id,
then per PO1 loop the ACK schedules (line status, confirmed quantity, a
promised date or, for a line split over several dated ACKs, its delivery
schedules), the substitute on an IS line (ACK07+ product ids) and a changed
price (CTP, or PO104 on a price change).

Here: the transaction set and its header (BAK02 status, BAK03 PO number, BAK08
acknowledgment id, BAK09 date or GS04/GS05, N1/REF vendor, REF*PP the PO
revision answered, MSG/NTE message, CTT line count); the PO1 loops are read in
`read_855_lines`.

BAK has no element for the order's revision: the 850 poflow sends for a
revision after the first carries it in REF*PP (purchase order revision
number, element 128 code PP), and a supplier that echoes that REF in its 855
says which revision it answers (`answers_revision`). Without it the revision
is not stated (None), as for every answer to an original 850, which has none.

004010 BAK: BAK01 (353), BAK02 (587), BAK03 (324) and BAK04 (373, the order's
date) are mandatory, BAK05-BAK09 optional. Partners often leave out BAK08 and
BAK09: the id is then made from ISA13/ST02 and the date taken from GS04/GS05,
both below the review threshold with a warning; a missing BAK04 is only warned.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

from activities.intake.x12.read_855_lines import free_text, read_ack_line
from activities.intake.x12.reading import (
    Envelope,
    Reading,
    all_of,
    check_line_count,
    read_identifier,
    read_vendor,
    split_loops,
    valid_id,
)
from activities.intake.x12.segment import Segment, parse_date, parse_time
from models.acknowledgments import AckLineStatus, AckStatus
from models.common import MAX_REVISION
from models.extraction import Extracted, ExtractedKind

__all__ = ["ACK_TYPES", "FORMAT_855", "capped_message", "envelope_timestamp", "read_855", "read_revision"]

FORMAT_855 = "x12-855"

# BAK02 acknowledgment type → header status.
ACK_TYPES = {
    "AD": AckStatus.ACCEPTED,  # with detail, no change
    "AK": AckStatus.ACCEPTED,  # no detail or change
    "AT": AckStatus.ACCEPTED,  # accepted
    "AC": AckStatus.ACCEPTED_WITH_CHANGES,  # with detail and change
    "AE": AckStatus.ACCEPTED_WITH_CHANGES,  # exception detail only
    "RJ": AckStatus.REJECTED,  # rejected, no detail
    "RD": AckStatus.REJECTED,  # rejected with detail
    "RF": AckStatus.REJECTED,  # rejected with exception detail only
}


def read_855(env: Envelope) -> list[Extracted]:
    r = Reading(ExtractedKind.ACKNOWLEDGMENT, FORMAT_855)
    header, loops, summary = split_loops(env.tx.body, "PO1", {"CTT"})
    bak = env.require(header, "BAK", "beginning segment for the acknowledgment")
    doc = r.document
    code = bak.code(2, "acknowledgment type", ACK_TYPES)
    doc["status"] = ACK_TYPES[code]
    r.read("status", bak, 2)
    read_identifier(r, "po_number", bak, 3, "PO number", doc)
    if not bak.get(4):
        # Mandatory in 004010, but poflow takes nothing from it: read on, say so.
        r.warnings.append("BAK04 (the order's date, mandatory in 004010) is missing: read without it")
    _ack_id(r, env, bak)
    _acknowledged_at(r, env, bak)
    read_vendor(r, env, all_of(header, "N1"), all_of(header, "REF"))
    revision = next(iter(all_of(header, "REF", "PP")), None)
    if revision is not None:
        read_revision(r, revision, 2, "PO revision number")
    notes = free_text(header)
    lines = [read_ack_line(r, loop, index, notes) for index, loop in enumerate(loops)]
    doc["lines"] = lines
    if notes:
        doc["message"] = capped_message(r, notes)
        r.derived("message", 1.0, "MSG/NTE")
    check_line_count(r, summary, len(loops), "PO1")
    _check_header_status(r, code, lines)
    return [r.extracted()]


def envelope_timestamp(env: Envelope) -> tuple[datetime | None, str]:
    """When the sender's translator built the group (GS04/GS05), as UTC."""
    gs = env.group.header
    d, t = parse_date(gs.get(4)), parse_time(gs.get(5))
    if d is None:
        return None, gs.ref(4)
    return datetime.combine(d, t or time(0, 0), tzinfo=UTC), gs.ref(4)


def _ack_id(r: Reading, env: Envelope, bak: Segment) -> None:
    """BAK08 (the seller's order / acknowledgment number) when sent; else one
    made from the interchange and set control numbers, which the sender does
    not reuse, so that a re-sent file is still recognised."""
    if valid_id(bak.get(8)):
        r.document["ack_id"] = bak.get(8)
        r.read("ack_id", bak, 8)
        return
    made = f"{env.interchange.control_number}-{env.tx.control_number}"
    r.document["ack_id"] = made
    r.derived("ack_id", 0.6, env.tx.segments[0].ref(2))
    r.warnings.append(f"no seller's order number in BAK08: acknowledgment id {made} made from ISA13 and ST02")


def _acknowledged_at(r: Reading, env: Envelope, bak: Segment) -> None:
    ack_date = bak.date(9, "acknowledgment date")
    if ack_date is not None:
        r.document["acknowledged_at"] = datetime.combine(ack_date, time(0, 0), tzinfo=UTC)
        r.read("acknowledged_at", bak, 9)
        return
    stamp, where = envelope_timestamp(env)
    if stamp is not None:
        r.document["acknowledged_at"] = stamp
        r.derived("acknowledged_at", 0.7, where)
        r.warnings.append("no acknowledgment date in BAK09: the group's creation time (GS04/GS05) is used")
    else:
        r.warnings.append(
            "no acknowledgment date in BAK09 or GS04: acknowledged_at must be completed by review"
        )


def read_revision(r: Reading, seg: Segment, n: int, what: str) -> None:
    """`answers_revision` from the number poflow sent (REF*PP in the 850,
    BCH05 in the 860) as the supplier quotes it back; a value poflow never
    sends leaves the revision unstated, with a warning, rather than refusing
    the whole acknowledgment for it."""
    value = seg.get(n)
    if value.isascii() and value.isdigit() and int(value) <= MAX_REVISION:
        r.document["answers_revision"] = int(value)
        r.read("answers_revision", seg, n)
        return
    r.warnings.append(
        f"{what} {value[:40]!r} ({seg.ref(n)}) is not a revision poflow sent: which revision it answers is not said"
    )


def capped_message(r: Reading, notes: list[str]) -> str:
    """The supplier's free text as the message, cut (with a warning) at 2,000 characters."""
    message = "\n".join(notes)
    if len(message) > 2000:
        r.warnings.append(f"supplier message of {len(message)} characters cut to 2000")
        message = message[:2000]
    return message


def _check_header_status(r: Reading, code: str, lines: list[dict[str, Any]]) -> None:
    changed = [line["line_no"] for line in lines if line["status"] != AckLineStatus.ACCEPTED]
    if ACK_TYPES[code] == AckStatus.ACCEPTED and changed:
        r.warnings.append(f"BAK02 {code} says no change, but lines {changed} are not simply accepted")
        r.confidence["status"] = 0.7
