"""Reads the UN/EDIFACT ORDRSP (purchase order response, D.96A and later)
into an `Acknowledgment`.

BGM 231 + number + message function (1225) gives the header status, LIN action
codes (1229) the line statuses, QTY/PRI/DTM in each LIN group what the supplier
confirmed. Code lists: reference/p2p-semantics.md (c), "EDIFACT equivalents".

A line confirmed in several deliveries is read as its schedules: the QTY + DTM
pairs of its SCC groups (D.96A/D.97A ORDRSP, LIN group: SCC-FTX-RFF and the
QTY-DTM group under it), or several quantities to be delivered (or back-ordered)
at line level, each followed by its delivery date. A substitution is PIA with
product id function 3, "substituted by" (UNTDID 4347, D.96A; EANCOM 2002 S4
ORDRSP, PIA: LIN names the product ordered, PIA+3 the one replacing it), or 4,
"substituted for" (the PIA names the product ordered, LIN the substitute).
1229 itself has no substitution code in D.96A/D.97A.

Here: the message and its header (BGM acknowledgment id and status, RFF+ON
order, RFF+PP the revision answered, NAD vendor, DTM+137 date, FTX message);
the LIN groups are read in `ordrsp_lines`, their delivery schedules in
`ordrsp_schedules`.

RFF+PP (1153 code PP, purchase order change number) in an ORDRSP to an
ORDCHG quotes back the change number poflow sent (BGM 1004 and RFF+PP of the
ORDCHG, `{po_number}-{revision}`, `write_ordchg.change_number`): the revision
it answers (`answers_revision`). A bare number is read as the revision; a
change number of another order, or one poflow never sends, leaves it
unstated with a warning. An ORDRSP to an ORDERS has no RFF+PP: not stated.
"""

from __future__ import annotations

from activities.intake.edifact.ordrsp_lines import read_lines
from activities.intake.edifact.ordrsp_schedules import schedule_provenance
from activities.intake.edifact.reading import (
    UNB_PREPARED_AT,
    Context,
    Fields,
    Read,
    build_extracted,
    find_bgm,
    free_text,
    message_dates,
    order_references,
    read_vendor,
    split_sections,
)
from activities.intake.edifact.syntax import EdiMessage, EdiSegment
from activities.intake.edifact.values import is_identifier, iso_utc
from models.acknowledgments import AckLineStatus, AckStatus
from models.common import MAX_REVISION
from models.extraction import Extracted, ExtractedKind

__all__ = ["read_ordrsp"]

# BGM 1225 message function → header status.
_HEADER_STATUS = {
    "29": AckStatus.ACCEPTED,  # accepted without amendment
    "27": AckStatus.REJECTED,  # not accepted
    "4": AckStatus.ACCEPTED_WITH_CHANGES,  # change
    "28": AckStatus.ACCEPTED_WITH_CHANGES,  # accepted with amendment in heading section
    "30": AckStatus.ACCEPTED_WITH_CHANGES,  # accepted with amendment in detail section
    "34": AckStatus.ACCEPTED_WITH_CHANGES,  # accepted with amendment
}
# BGM 4343 response type, for senders that leave 1225 at 9 (original).
_RESPONSE_TYPE = {
    "AP": AckStatus.ACCEPTED,
    "CO": AckStatus.ACCEPTED,
    "AC": AckStatus.ACCEPTED_WITH_CHANGES,
    "CA": AckStatus.ACCEPTED_WITH_CHANGES,
    "RE": AckStatus.REJECTED,
}


def read_ordrsp(message: EdiMessage, context: Context) -> Extracted:
    warnings: list[str] = list(context.interchange.warnings)
    sections = split_sections(message)
    header_segments = sections.header + sections.summary
    bgm = find_bgm(message)
    fields: Fields = {}
    _read_ack_id(bgm, message, fields, warnings)
    _read_po_number(sections.header, sections.lines, message, fields, warnings)
    _read_answers_revision(sections.header, message, fields, warnings)
    vendor, hint = read_vendor(sections.header, context, ("SU", "SE"), warnings)
    if vendor:
        fields["vendor_id"] = vendor
    _read_acknowledged_at(sections.header, message, context, fields, warnings)
    lines, notes, schedules = read_lines(sections.lines, message, bgm, warnings)
    _read_status(bgm, lines, message, fields, warnings)
    # Header free text is one note, continued over FTX segments; line notes
    # (reasons for a change or rejection) follow, one per line of text.
    header_text = " ".join(free_text(s) for s in header_segments if s.tag == "FTX" and free_text(s))
    texts = ([header_text] if header_text else []) + notes
    if texts:
        first = next(s for s in message.body if s.tag == "FTX")
        fields["message"] = Read("\n".join(texts)[:2000], first.at(4), 1.0)
    extracted = build_extracted(ExtractedKind.ACKNOWLEDGMENT, "edifact-ORDRSP", fields, lines, warnings, hint)
    schedule_provenance(extracted, schedules)
    return extracted


def _read_ack_id(bgm: EdiSegment, message: EdiMessage, fields: Fields, warnings: list[str]) -> None:
    if bgm.value(1) and bgm.value(1) != "231":
        warnings.append(f"{message.where(bgm)}: document code {bgm.value(1)!r} is not 231 (order response).")
    number = bgm.value(2, 1)
    if not number:
        raise message.error(bgm, "BGM has no document number (element 2)")
    fields["ack_id"] = Read(number, bgm.at(2, 1), 1.0 if is_identifier(number) else 0.3)
    if not is_identifier(number):
        warnings.append(f"{message.where(bgm)}: acknowledgment number {number!r} is not a valid identifier.")


def _read_po_number(
    header: list[EdiSegment],
    lines: list[list[EdiSegment]],
    message: EdiMessage,
    fields: Fields,
    warnings: list[str],
) -> None:
    orders = order_references(header)
    confidence = 1.0
    if not orders:
        orders = [s for group in lines for s in order_references(group)]
        confidence = 0.8
    if not orders:
        warnings.append(f"{message.name}: no RFF+ON order number; the PO must be resolved by review.")
        return
    numbers = list(dict.fromkeys(s.value(1, 2) for s in orders))
    if len(numbers) > 1:
        warnings.append(
            f"{message.name} refers to several orders ({', '.join(numbers[:5])}); "
            f"it was read as the response to {numbers[0]}."
        )
        confidence = min(confidence, 0.6)
    if not is_identifier(numbers[0]):
        confidence = 0.3
        warnings.append(f"{message.where(orders[0])}: order number {numbers[0]!r} is not a valid identifier.")
    fields["po_number"] = Read(numbers[0], orders[0].at(1, 2), confidence)


def _read_answers_revision(
    header: list[EdiSegment], message: EdiMessage, fields: Fields, warnings: list[str]
) -> None:
    """The revision from RFF+PP: `{po_number}-{revision}` as our ORDCHG wrote it, or a bare number."""
    ref = next((s for s in header if s.tag == "RFF" and s.qualifier == "PP" and s.value(1, 2)), None)
    if ref is None:
        return
    value = ref.value(1, 2)
    order = fields.get("po_number")
    prefix, _, number = value.rpartition("-")
    if number.isascii() and number.isdigit() and int(number) <= MAX_REVISION:
        if not prefix or (order is not None and prefix == order.value):
            fields["answers_revision"] = Read(int(number), ref.at(1, 2), 1.0)
            return
    warnings.append(
        f"{message.where(ref)}: order change number {value[:40]!r} is not one poflow sent for this order; "
        "which revision it answers is not said."
    )


def _read_acknowledged_at(
    header: list[EdiSegment], message: EdiMessage, context: Context, fields: Fields, warnings: list[str]
) -> None:
    dates = message_dates(header, message, warnings)
    if "137" in dates:
        reading, segment = dates["137"]
        fields["acknowledged_at"] = Read(iso_utc(reading.moment), segment.at(1, 2), 1.0)
        return
    prepared = context.interchange.prepared_at
    if prepared is not None:
        warnings.append(f"{message.name}: no DTM+137 document date; the interchange date was used.")
        fields["acknowledged_at"] = Read(iso_utc(prepared), UNB_PREPARED_AT, 0.5)
    else:
        warnings.append(f"{message.name}: no document date.")


def _read_status(
    bgm: EdiSegment, lines: list[Fields], message: EdiMessage, fields: Fields, warnings: list[str]
) -> None:
    """Header status from 1225 (or 4343); checked against the lines, because a
    header that says "accepted" over changed lines would hide the changes."""
    line_statuses = {line["status"].value for line in lines if "status" in line}
    stated = _HEADER_STATUS.get(bgm.value(3)) or _RESPONSE_TYPE.get(bgm.value(4))
    where = bgm.at(3) if bgm.value(3) in _HEADER_STATUS else bgm.at(4)
    if stated is None:
        derived = _status_from_lines(line_statuses)
        if derived is None:
            warnings.append(
                f"{message.where(bgm)}: message function {bgm.value(3)!r} does not say whether "
                "the order was accepted, and there are no line statuses."
            )
            return
        warnings.append(
            f"{message.where(bgm)}: message function {bgm.value(3)!r} does not say whether "
            f"the order was accepted; {derived.value} was derived from the lines."
        )
        fields["status"] = Read(derived.value, bgm.at(3), 0.7)
        return
    if stated == AckStatus.ACCEPTED and line_statuses - {AckLineStatus.ACCEPTED.value}:
        warnings.append(
            f"{message.where(bgm)}: the header says accepted but some lines are changed, "
            "back-ordered or rejected; read as accepted with changes."
        )
        fields["status"] = Read(AckStatus.ACCEPTED_WITH_CHANGES.value, where, 0.8)
        return
    fields["status"] = Read(stated.value, where, 1.0)


def _status_from_lines(statuses: set[str]) -> AckStatus | None:
    if not statuses:
        return None
    if statuses == {AckLineStatus.REJECTED.value}:
        return AckStatus.REJECTED
    if statuses == {AckLineStatus.ACCEPTED.value}:
        return AckStatus.ACCEPTED
    return AckStatus.ACCEPTED_WITH_CHANGES
