"""Reads the line groups of a UN/EDIFACT ORDRSP (D.96A and later): per LIN the
line number, the line status from the LIN action code (1229; a back-order,
QTY+83, or a substitution as below make it back-ordered or substituted), the
confirmed quantity (QTY+113/21/83), unit price (PRI), promised date (DTM) and
the line's free text (FTX); its delivery schedules are read in
`ordrsp_schedules`.

A substitution is PIA with product id function 3, "substituted by" (UNTDID
4347, D.96A; EANCOM 2002 S4 ORDRSP, PIA: LIN names the product ordered, PIA+3
the one replacing it), or 4, "substituted for" (the PIA names the product
ordered, LIN the substitute). 1229 itself has no substitution code in
D.96A/D.97A.
"""

from __future__ import annotations

from activities.intake.edifact.ordrsp_schedules import (
    DELIVERY_DATES,
    Deliveries,
    Schedule,
    read_added_up,
    read_deliveries,
    read_split,
    split_scc,
)
from activities.intake.edifact.reading import (
    Fields,
    Read,
    day_field,
    free_text,
    line_number,
    message_dates,
    read_unit_price,
)
from activities.intake.edifact.syntax import EdiMessage, EdiSegment
from activities.intake.edifact.values import decimal_text, is_identifier, read_qty
from models.acknowledgments import AckLineStatus

__all__ = ["read_lines"]

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
# PIA 4347 product id function: 3 substituted by, 4 substituted for (UNTDID 4347).
_SUBSTITUTED_BY, _SUBSTITUTED_FOR = "3", "4"
# C212 7143 item type (or 3055 agency) of the substitute's number → how sure it is
# the buyer's item id: buyer's item / part number, else the supplier's, else the rest.
_SUBSTITUTE_TYPES = {"IN": 1.0, "BP": 1.0, "SA": 0.7, "VP": 0.7, "VN": 0.7}
_AMENDING = {"3", "6", "23", "24"}  # 1229 codes under which a substitution is expected


def read_lines(
    groups: list[list[EdiSegment]], message: EdiMessage, bgm: EdiSegment, warnings: list[str]
) -> tuple[list[Fields], list[str], dict[int, list[Schedule]]]:
    lines: list[Fields] = []
    notes: list[str] = []
    schedules: dict[int, list[Schedule]] = {}
    seen: set[int] = set()
    header_rejected = bgm.value(3) == "27"
    for position, group in enumerate(groups, start=1):
        line, split = _read_line(group, position, message, header_rejected, warnings)
        number = line["line_no"].value
        if number in seen:
            raise message.error(group[0], f"line {number} is acknowledged twice")
        seen.add(number)
        if split:
            schedules[len(lines)] = split
        lines.append(line)
        notes += [f"Line {number}: {free_text(s)}" for s in group if s.tag == "FTX" and free_text(s)]
    return lines, notes, schedules


def _read_line(
    group: list[EdiSegment], position: int, message: EdiMessage, header_rejected: bool, warnings: list[str]
) -> tuple[Fields, list[Schedule]]:
    lin = group[0]
    line: Fields = {"line_no": line_number(group, position, message, warnings)}
    line_level, scc_groups = split_scc(group)
    quantities = {s.qualifier: (s, *read_qty(s, message)) for s in group if s.tag == "QTY"}
    backordered = any(s.qualifier == "83" and read_qty(s, message)[0] > 0 for s in group if s.tag == "QTY")
    substitute = _substitute(group, message, warnings)
    status = _line_status(lin, backordered, substitute, header_rejected, message, warnings)
    line["status"] = status
    if status.value == AckLineStatus.SUBSTITUTED.value and substitute is not None:
        line["substitute_item_id"] = substitute
    deliveries = Deliveries([])
    if status.value != AckLineStatus.REJECTED.value:
        deliveries = read_deliveries(line_level, scc_groups, line["line_no"].value, message, warnings)
    if deliveries.schedules:
        read_split(deliveries.schedules, deliveries.from_scc, line_level, line, message, warnings)
    elif deliveries.added_up:
        read_added_up(deliveries.added_up, line_level, line, message)
    else:
        _line_quantity(quantities, status.value, line, message, warnings)
    price = read_unit_price(group, message, warnings)
    if price is not None:
        line["unit_price"] = price
    if not deliveries.schedules and "promised_date" not in line:
        promised = day_field(message_dates(group, message, warnings), DELIVERY_DATES)
        if promised is not None:
            line["promised_date"] = promised
    return line, deliveries.schedules


def _line_status(
    lin: EdiSegment,
    backordered: bool,
    substitute: Read | None,
    header_rejected: bool,
    message: EdiMessage,
    warnings: list[str],
) -> Read:
    code = lin.value(2)
    status = _LINE_STATUS.get(code)
    if status == AckLineStatus.REJECTED:
        return Read(status.value, lin.at(2), 1.0)
    if substitute is not None:  # PIA+3/PIA+4: another item comes in place of the one ordered
        if substitute.value is None:  # no item named: a person completes it
            return Read(AckLineStatus.CHANGED.value, substitute.where, 0.6)
        if code in _AMENDING:
            return Read(AckLineStatus.SUBSTITUTED.value, substitute.where, 1.0)
        warnings.append(
            f"{message.where(lin)}: action code {code or 'none'!r} with a substitution; "
            "the line was read as substituted."
        )
        return Read(AckLineStatus.SUBSTITUTED.value, substitute.where, 0.8)
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


# --- substitution ------------------------------------------------------------------


def _substitute(group: list[EdiSegment], message: EdiMessage, warnings: list[str]) -> Read | None:
    """The item shipped instead of the one ordered, when the line says so: the
    number in PIA+3 ("substituted by"), or with PIA+4 ("substituted for": the
    PIA names the item ordered) the LIN's own number. The buyer's number (type
    IN or BP, or agency 92) is sure; the supplier's (SA, VP, VN, agency 91) and
    others (EN, UP, ...) must be mapped to the buyer's item by a person. None
    when the line has no substitution; Read(None, ...) when it names no item."""
    pias = [s for s in group if s.tag == "PIA" and s.value(1) in (_SUBSTITUTED_BY, _SUBSTITUTED_FOR)]
    if not pias:
        return None
    by = [s for s in pias if s.value(1) == _SUBSTITUTED_BY]
    if by:
        candidates = [(s, e) for s in by for e in range(2, 7)]
        how = "PIA+3 (substituted by)"
    else:
        # PIA+4 names the item ordered; the substitute is the line's product:
        # LIN C212, or a PIA+1/PIA+5 number of the same product.
        lin = group[0]
        candidates = [(lin, 3)] + [
            (s, e) for s in group if s.tag == "PIA" and s.value(1) in ("1", "5") for e in range(2, 7)
        ]
        how = "LIN, the line's product, with PIA+4 (substituted for) naming the item ordered"
    numbered = [(s, e) for s, e in candidates if s.value(e, 1)]
    if not numbered:
        warnings.append(
            f"{message.where(pias[0])}: the line is a substitution ({pias[0].label}) but names no "
            "substitute; it was read as changed, for a review to name the item shipped instead."
        )
        return Read(None, pias[0].at(), 0.6)
    segment, element = max(numbered, key=lambda found: _substitute_confidence(*found))
    number, kind = segment.value(element, 1), segment.value(element, 2)
    sure = _substitute_confidence(segment, element)
    confidence = sure if by else min(sure, 0.9)
    if confidence < 1.0:
        kind_note = f", item number type {kind or 'none'!r}, not the buyer's (IN/BP)" if sure < 1.0 else ""
        warnings.append(
            f"{message.where(segment)}: the substitute {number} was read from {how}{kind_note}; "
            "check it is the buyer's item."
        )
    if not is_identifier(number):
        warnings.append(f"{message.where(segment)}: substitute {number!r} is not a valid identifier.")
        confidence = 0.3
    return Read(number[:64], segment.at(element, 1), confidence)


def _substitute_confidence(segment: EdiSegment, element: int) -> float:
    kind, agency = segment.value(element, 2), segment.value(element, 4)
    if kind in _SUBSTITUTE_TYPES:
        return _SUBSTITUTE_TYPES[kind]
    return {"92": 1.0, "91": 0.7}.get(agency, 0.6)
