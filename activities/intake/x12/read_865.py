"""Reads the X12 865 (purchase order change acknowledgment / request, seller
initiated, 004010 and later): the supplier's answer to poflow's 860 change
order, read into the same acknowledgment as an 855 so that the PO workflow
takes it like any acknowledgment.

- BCA (element positions of the 004010 dictionary): BCA01 transaction set
  purpose (element 353); BCA02 acknowledgment type (element 587, as BAK02:
  AT / AK / AD accepted, AC / AE accepted with changes, RJ / RD / RF
  rejected); BCA03 PO number; BCA04 release number; BCA05 change order
  sequence number (the revision poflow sent in BCH05); BCA06 PO date.
  Source: https://stedi.com/edi/x12-004010/segment/BCA and
  reference/p2p-semantics.md [S:X12-865].
- Per POC loop (POC01 line, POC02 change type (element 670), POC03 quantity
  ordered, POC05 unit, POC06 unit price, POC07 basis, POC08+ product ids)
  the ACK segments say what the supplier does with the changed line (ACK01
  element 668, ACK02 quantity, ACK04/05 a date, ACK07+ a substitute): read by
  `read_855_lines.read_ack_line`, exactly as an 855's PO1 loop, through a
  view of the POC with the PO1 element layout that still names the POC
  elements in every location and error.
- BCA05 is the revision the change answers (`answers_revision`), so the PO
  workflow does not apply an answer to a revision the supplier never saw; a
  warning says so when BCA05 is not sent, or is not a number poflow sends.
- `ack_id` is made from ISA13 and ST02 (the 865 has no seller's
  acknowledgment number of its own; the seller's order number, REF*VN, is
  the one its 855 used, so it would make the 865 look like a repeat of it).
"""

from __future__ import annotations

from typing import Any

from activities.intake.x12.errors import EL_MANDATORY_MISSING, X12Error
from activities.intake.x12.read_855 import ACK_TYPES, capped_message, envelope_timestamp, read_revision
from activities.intake.x12.read_855_lines import free_text, read_ack_line
from activities.intake.x12.reading import (
    Envelope,
    Reading,
    all_of,
    check_line_count,
    read_identifier,
    read_vendor,
    split_loops,
)
from activities.intake.x12.segment import Segment
from models.acknowledgments import AckLineStatus, AckStatus
from models.extraction import Extracted, ExtractedKind

__all__ = ["FORMAT_865", "read_865"]

FORMAT_865 = "x12-865"

# BCA02 (element 587) takes the codes of BAK02 in an 855: read_855.ACK_TYPES.


def read_865(env: Envelope) -> list[Extracted]:
    r = Reading(ExtractedKind.ACKNOWLEDGMENT, FORMAT_865)
    header, loops, summary = split_loops(env.tx.body, "POC", {"CTT"})
    bca = env.require(header, "BCA", "beginning segment for the change acknowledgment")
    doc = r.document
    read_identifier(r, "po_number", bca, 3, "PO number", doc)
    made = f"{env.interchange.control_number}-{env.tx.control_number}"
    doc["ack_id"] = made
    r.derived("ack_id", 0.9, env.tx.segments[0].ref(2))
    _acknowledged_at(r, env)
    read_vendor(r, env, all_of(header, "N1"), all_of(header, "REF"))
    notes = free_text(header)
    lines = [read_ack_line(r, [PocAsPo1.of(loop[0]), *loop[1:]], i, notes) for i, loop in enumerate(loops)]
    doc["lines"] = lines
    _status(r, bca, lines)
    _answers_revision(r, bca)
    if notes:
        doc["message"] = capped_message(r, notes)
        r.derived("message", 1.0, "MSG/NTE")
    check_line_count(r, summary, len(loops), "POC")
    return [r.extracted()]


def _status(r: Reading, bca: Segment, lines: list[dict[str, Any]]) -> None:
    """BCA02 when sent; else what the lines say (all accepted: accepted; all
    rejected: rejected; else accepted with changes), less surely."""
    if bca.get(2):
        code = bca.code(2, "acknowledgment type", ACK_TYPES)
        r.document["status"] = ACK_TYPES[code]
        r.read("status", bca, 2)
        changed = [line["line_no"] for line in lines if line["status"] != AckLineStatus.ACCEPTED]
        if ACK_TYPES[code] == AckStatus.ACCEPTED and changed:
            r.warnings.append(f"BCA02 {code} says no change, but lines {changed} are not simply accepted")
            r.confidence["status"] = 0.7
        return
    statuses = {line["status"] for line in lines}
    if not statuses or statuses == {AckLineStatus.ACCEPTED}:
        status = AckStatus.ACCEPTED
    elif statuses == {AckLineStatus.REJECTED}:
        status = AckStatus.REJECTED
    else:
        status = AckStatus.ACCEPTED_WITH_CHANGES
    r.document["status"] = status
    r.derived("status", 0.7, bca.ref(2))
    r.warnings.append(f"no acknowledgment type in BCA02: read as {status.value} from the line statuses")


def _acknowledged_at(r: Reading, env: Envelope) -> None:
    """BCA has no acknowledgment date: when the sender's translator built the
    group (GS04/GS05), as UTC."""
    stamp, where = envelope_timestamp(env)
    if stamp is None:
        r.warnings.append("no group date in GS04: acknowledged_at must be completed by review")
        return
    r.document["acknowledged_at"] = stamp
    r.derived("acknowledged_at", 0.9, where)


def _answers_revision(r: Reading, bca: Segment) -> None:
    """BCA05 change order sequence number: the revision our 860 sent in BCH05."""
    if bca.get(5):
        read_revision(r, bca, 5, "change order sequence number")
    else:
        r.warnings.append("no change order sequence number in BCA05: which revision it answers is not said")


# POC element → the PO1 element of the same meaning (POC02 change type and
# POC04 quantity left to receive have none; POC08+ product ids are PO106+).
_PO1_FROM_POC = {1: 1, 3: 2, 5: 3, 6: 4, 7: 5}
_POC_FROM_PO1 = {po1: poc for poc, po1 in _PO1_FROM_POC.items()}


def _poc_element(po1_element: int) -> int:
    return _POC_FROM_PO1.get(po1_element, po1_element + 2)


class PocAsPo1(Segment):
    """A POC segment seen with the PO1 layout (`get(2)` is POC03, the
    quantity ordered), so the 855's line reader reads it; `ref`, `text` and
    `error` name the POC element itself."""

    @classmethod
    def of(cls, poc: Segment) -> PocAsPo1:
        get = poc.elements
        elements = [poc.tag] + [get[n] if n < len(get) else "" for n in (1, 3, 5, 6, 7)] + get[8:]
        return cls(
            elements,
            poc.delimiters,
            poc.index,
            poc.position,
            poc.owner,
            poc.interchange_control,
            poc.group_control,
            poc.overflow,
        )

    def ref(self, element: int | None = None) -> str:
        return super().ref(_poc_element(element) if element is not None else None)

    def text(self, n: int, what: str) -> str:
        value = self.get(n)
        if not value:
            raise self.error(
                f"{what} ({self.tag}{_poc_element(n):02d}) is missing", element=n, code=EL_MANDATORY_MISSING
            )
        return value

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
        if bad_value is None and element:
            bad_value = self.get(element)[:99]
        return super().error(
            message,
            element=_poc_element(element) if element is not None else None,
            code=code,
            component=component,
            segment_code=segment_code,
            bad_value=bad_value,
        )
