"""Reads the UN/EDIFACT ORDRSP (purchase order response, D.96A and later)
into an `Acknowledgment`.

BGM 231 + number + message function (1225) gives the header status, LIN action
codes (1229) the line statuses, QTY/PRI/DTM in each LIN group what the supplier
confirmed. Code lists: reference/p2p-semantics.md (c), "EDIFACT equivalents".
"""

from __future__ import annotations

from activities.intake.edifact.reading import (
    UNB_PREPARED_AT,
    Context,
    Fields,
    Read,
    build_extracted,
    day_field,
    find_bgm,
    free_text,
    line_number,
    message_dates,
    order_references,
    read_unit_price,
    read_vendor,
    split_sections,
)
from activities.intake.edifact.syntax import EdiMessage, EdiSegment
from activities.intake.edifact.values import decimal_text, is_identifier, iso_utc, read_qty
from models.documents import AckLineStatus, AckStatus
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
# LIN 1229 action request/notification code → line status.
_LINE_STATUS = {
    "5": AckLineStatus.ACCEPTED,  # accepted without amendment
    "4": AckLineStatus.ACCEPTED,  # no action
    "3": AckLineStatus.CHANGED,  # changed
    "6": AckLineStatus.CHANGED,  # accepted with amendment
    "23": AckLineStatus.CHANGED,  # proposed amendment
    "24": AckLineStatus.CHANGED,  # accepted with amendment, no confirmation required
    "1": AckLineStatus.CHANGED,  # added: a line the PO does not have
    "7": AckLineStatus.REJECTED,  # not accepted
    "2": AckLineStatus.REJECTED,  # deleted
    "10": AckLineStatus.REJECTED,  # not found
}
_DELIVERY_DATES = (("67", 1.0), ("69", 1.0), ("2", 0.9))  # current schedule, promised, requested


def read_ordrsp(message: EdiMessage, context: Context) -> Extracted:
    warnings: list[str] = list(context.interchange.warnings)
    sections = split_sections(message)
    header_segments = sections.header + sections.summary
    bgm = find_bgm(message)
    fields: Fields = {}
    _read_ack_id(bgm, message, fields, warnings)
    _read_po_number(sections.header, sections.lines, message, fields, warnings)
    vendor, hint = read_vendor(sections.header, context, ("SU", "SE"), warnings)
    if vendor:
        fields["vendor_id"] = vendor
    _read_acknowledged_at(sections.header, message, context, fields, warnings)
    lines, notes = _read_lines(sections.lines, message, bgm, warnings)
    _read_status(bgm, lines, message, fields, warnings)
    # Header free text is one note, continued over FTX segments; line notes
    # (reasons for a change or rejection) follow, one per line of text.
    header_text = " ".join(free_text(s) for s in header_segments if s.tag == "FTX" and free_text(s))
    texts = ([header_text] if header_text else []) + notes
    if texts:
        first = next(s for s in message.body if s.tag == "FTX")
        fields["message"] = Read("\n".join(texts)[:2000], first.at(4), 1.0)
    return build_extracted(ExtractedKind.ACKNOWLEDGMENT, "edifact-ORDRSP", fields, lines, warnings, hint)


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


# --- lines ----------------------------------------------------------------------


def _read_lines(
    groups: list[list[EdiSegment]], message: EdiMessage, bgm: EdiSegment, warnings: list[str]
) -> tuple[list[Fields], list[str]]:
    lines: list[Fields] = []
    notes: list[str] = []
    seen: set[int] = set()
    header_rejected = bgm.value(3) == "27"
    for position, group in enumerate(groups, start=1):
        line = _read_line(group, position, message, header_rejected, warnings)
        number = line["line_no"].value
        if number in seen:
            raise message.error(group[0], f"line {number} is acknowledged twice")
        seen.add(number)
        lines.append(line)
        notes += [f"Line {number}: {free_text(s)}" for s in group if s.tag == "FTX" and free_text(s)]
    return lines, notes


def _read_line(
    group: list[EdiSegment], position: int, message: EdiMessage, header_rejected: bool, warnings: list[str]
) -> Fields:
    lin = group[0]
    line: Fields = {"line_no": line_number(group, position, message, warnings)}
    quantities = {s.qualifier: (s, *read_qty(s, message)) for s in group if s.tag == "QTY"}
    backordered = "83" in quantities and quantities["83"][1] > 0
    status = _line_status(lin, backordered, header_rejected, message, warnings)
    line["status"] = status
    _line_quantity(quantities, status.value, line, message, warnings)
    price = read_unit_price(group, message, warnings)
    if price is not None:
        line["unit_price"] = price
    promised = day_field(message_dates(group, message, warnings), _DELIVERY_DATES)
    if promised is not None:
        line["promised_date"] = promised
    return line


def _line_status(
    lin: EdiSegment, backordered: bool, header_rejected: bool, message: EdiMessage, warnings: list[str]
) -> Read:
    code = lin.value(2)
    status = _LINE_STATUS.get(code)
    if status == AckLineStatus.REJECTED:
        return Read(status.value, lin.at(2), 1.0)
    if backordered:  # QTY+83: the line (or part of it) ships later
        return Read(AckLineStatus.BACKORDERED.value, lin.at(2), 0.9)
    if code == "1":
        warnings.append(f"{message.where(lin)}: the supplier added line {lin.value(1)}, which the PO lacks.")
    if status is not None:
        return Read(status.value, lin.at(2), 1.0)
    if code:
        warnings.append(
            f"{message.where(lin)}: action code {code!r} is not known; the line was read as accepted."
        )
    if header_rejected:
        return Read(AckLineStatus.REJECTED.value, lin.at(), 0.8)
    return Read(AckLineStatus.ACCEPTED.value, lin.at(), 0.6)


def _line_quantity(
    quantities: dict, status: str, line: Fields, message: EdiMessage, warnings: list[str]
) -> None:
    """Confirmed quantity: QTY+113 (to be delivered) over QTY+21 (ordered, as
    echoed or corrected); a back-ordered line with neither carries QTY+83."""
    for qualifier, confidence in (("113", 1.0), ("21", 1.0), ("83", 0.8)):
        if qualifier not in quantities:
            continue
        segment, value, _unit = quantities[qualifier]
        if value <= 0:
            if status != AckLineStatus.REJECTED.value:
                warnings.append(
                    f"{message.where(segment)}: quantity {value} is not a confirmed quantity; it was ignored."
                )
            return
        line["quantity"] = Read(decimal_text(value), segment.at(1, 2), confidence)
        return
