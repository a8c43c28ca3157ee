"""Reads the delivery schedules of a UN/EDIFACT ORDRSP line (D.96A and later):
a line confirmed in several deliveries is read as its schedules, the QTY + DTM
pairs of its SCC groups (D.96A/D.97A ORDRSP, LIN group: SCC-FTX-RFF and the
QTY-DTM group under it), or several quantities to be delivered (QTY+113) or
back-ordered (QTY+83) at line level, each followed by its delivery date (DTM
2005: 67, 69, 506 back order delivery date as in EANCOM 2002 S4 ORDRSP, 2).
Deliveries that cannot be schedules are added up into one quantity and date.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from activities.intake.edifact.reading import Fields, Read, message_dates
from activities.intake.edifact.syntax import EdiMessage, EdiSegment
from activities.intake.edifact.values import DateReading, decimal_text, read_date, read_qty
from models.extraction import Extracted, FieldLocation
from models.purchase_order import MAX_SCHEDULES

__all__ = [
    "DELIVERY_DATES",
    "Deliveries",
    "Schedule",
    "read_added_up",
    "read_deliveries",
    "read_split",
    "schedule_provenance",
    "split_scc",
]

# DTM 2005: current schedule delivery, promised for, back order delivery
# (EANCOM 2002 S4 ORDRSP line DTM), requested.
DELIVERY_DATES = (("67", 1.0), ("69", 1.0), ("506", 1.0), ("2", 0.9))
# QTY 6063 of a delivery schedule: quantity to be delivered, split quantity,
# backorder quantity; ordered quantity (an SCC group echoing the order) is less sure.
_SCHEDULE_QUANTITIES = {"113": 1.0, "11": 1.0, "83": 1.0, "21": 0.9}
_LINE_SCHEDULE_QUANTITIES = {"113", "83"}  # at line level "21" is the order's echo, "11" is LOC's
_SCC_GROUP = {"FTX", "RFF", "QTY", "DTM"}  # what follows SCC in its group (D.96A ORDRSP)


@dataclass(frozen=True)
class Schedule:
    """One delivery of a line: its quantity and date, each as read."""

    quantity: Read
    date: Read
    qualifier: str  # QTY 6063


@dataclass(frozen=True)
class Deliveries:
    """What a line's delivery quantities come to: its schedules (two or more,
    each dated), or quantities to add up into one (some lack a date), or
    neither (one delivery at most: the line is read as before)."""

    schedules: list[Schedule]
    from_scc: bool = False
    added_up: tuple[_Pair, ...] = ()


@dataclass
class _Pair:
    """A QTY and the delivery dates that follow it."""

    segment: EdiSegment
    quantity: Decimal
    confidence: float
    dates: dict[str, tuple[DateReading, EdiSegment]]


def split_scc(group: list[EdiSegment]) -> tuple[list[EdiSegment], list[list[EdiSegment]]]:
    """The LIN group's segments outside SCC groups, and each SCC group (SCC
    with the FTX, RFF and QTY-DTM segments that follow it)."""
    outside: list[EdiSegment] = []
    scc_groups: list[list[EdiSegment]] = []
    current: list[EdiSegment] | None = None
    for segment in group:
        if segment.tag == "SCC":
            current = [segment]
            scc_groups.append(current)
        elif current is not None and segment.tag in _SCC_GROUP:
            current.append(segment)
        else:
            current = None
            outside.append(segment)
    return outside, scc_groups


def _pairs(segments: list[EdiSegment], qualifiers: dict[str, float], message: EdiMessage) -> list[_Pair]:
    """Each QTY with one of `qualifiers`, with the delivery dates that follow
    it up to the next QTY."""
    pairs: list[_Pair] = []
    current: _Pair | None = None
    for segment in segments:
        if segment.tag == "QTY":
            current = None
            if segment.qualifier in qualifiers:
                value, _unit = read_qty(segment, message)
                current = _Pair(segment, value, qualifiers[segment.qualifier], {})
                pairs.append(current)
        elif segment.tag == "DTM" and current is not None and segment.qualifier not in current.dates:
            if segment.qualifier in dict(DELIVERY_DATES):
                reading = read_date(segment, message)
                if reading is not None:
                    current.dates[segment.qualifier] = (reading, segment)
    return pairs


def read_deliveries(
    line_level: list[EdiSegment],
    scc_groups: list[list[EdiSegment]],
    number: int,
    message: EdiMessage,
    warnings: list[str],
) -> Deliveries:
    """The line's delivery schedules when it has two or more: the QTY/DTM
    pairs of its SCC groups, else line-level quantities to be delivered or
    back-ordered (QTY+113/83) each with its own delivery date, following it or,
    for a back-order, DTM+506 (back order delivery date). A quantity without
    a date cannot be a schedule: then the quantities add up to one (warned),
    unless they are a quantity to be delivered and a back-order, which are read
    as before."""
    pairs = [p for g in scc_groups for p in _pairs(g, _SCHEDULE_QUANTITIES, message)]
    from_scc = bool(pairs)
    if not pairs:
        qualifiers = {q: 1.0 for q in _LINE_SCHEDULE_QUANTITIES}
        pairs = _pairs(line_level, qualifiers, message)
        if len(pairs) == 2 and not all(p.dates for p in pairs):
            pairs = _paired_by_qualifier(pairs, line_level, message, warnings)
    if len(pairs) < 2:
        return Deliveries([])
    unusable = next((p for p in pairs if not p.dates or p.quantity <= 0), None)
    if unusable is not None or len(pairs) > MAX_SCHEDULES:
        why = (
            f"{unusable.segment.label} {decimal_text(unusable.quantity)} has no delivery date or no quantity"
            if unusable is not None
            else f"more than {MAX_SCHEDULES} schedules"
        )
        where = message.where((unusable or pairs[0]).segment)
        warnings.append(
            f"{where}: line {number} is confirmed in {len(pairs)} deliveries but {why}, so they "
            "are not read as schedules; the line was read as one quantity and date."
        )
        alike = from_scc or len({p.segment.qualifier for p in pairs}) == 1
        return Deliveries([], from_scc, tuple(pairs) if alike else ())
    schedules = []
    for pair in pairs:
        qualifier, confidence = next((q, c) for q, c in DELIVERY_DATES if q in pair.dates)
        reading, dtm = pair.dates[qualifier]
        schedules.append(
            Schedule(
                Read(decimal_text(pair.quantity), pair.segment.at(1, 2), pair.confidence),
                Read(reading.day.isoformat(), dtm.at(1, 2), min(confidence, pair.confidence)),
                pair.segment.qualifier,
            )
        )
    return Deliveries(schedules, from_scc)


def _paired_by_qualifier(
    pairs: list[_Pair], line_level: list[EdiSegment], message: EdiMessage, warnings: list[str]
) -> list[_Pair]:
    """QTY+113 and QTY+83 listed before their dates (the segment order of the
    LIN group puts every QTY before every DTM): the back-order's date is
    DTM+506, the other's a current schedule, promised or requested delivery."""
    by_qualifier = {p.segment.qualifier: p for p in pairs}
    dates = message_dates(line_level, message, warnings)
    if set(by_qualifier) != {"113", "83"} or "506" not in dates:
        return pairs
    delivery = next((q for q, _ in DELIVERY_DATES if q != "506" and q in dates), None)
    if delivery is None:
        return pairs
    now, later = by_qualifier["113"], by_qualifier["83"]
    return [
        _Pair(now.segment, now.quantity, 0.9, {delivery: dates[delivery]}),
        _Pair(later.segment, later.quantity, 0.9, {"506": dates["506"]}),
    ]


def read_split(
    split: list[Schedule],
    from_scc: bool,
    line_level: list[EdiSegment],
    line: Fields,
    message: EdiMessage,
    warnings: list[str],
) -> None:
    """The schedules, and the confirmed quantity they add up to unless it is
    the order's quantity (QTY+21, echoed). A line-level QTY+113 beside SCC
    groups is their total; one that differs, or line-level deliveries that do
    not add up to the order, are read as the deliveries say, less surely."""
    line["schedules"] = Read(
        [{"quantity": s.quantity.value, "date": s.date.value} for s in split],
        split[0].quantity.where,
        min(min(s.quantity.confidence, s.date.confidence) for s in split),
    )
    total = sum((Decimal(s.quantity.value) for s in split), Decimal(0))
    stated = {s.qualifier: s for s in line_level if s.tag == "QTY"}
    ordered = read_qty(stated["21"], message)[0] if "21" in stated else None
    confidence = 1.0
    if from_scc and "113" in stated and read_qty(stated["113"], message)[0] != total:
        confidence = 0.7
        warnings.append(
            f"{message.where(stated['113'])}: the line's quantity to be delivered is not what its "
            f"deliveries (SCC) add up to, {decimal_text(total)}; the deliveries were read."
        )
    elif (
        not from_scc and ordered is not None and total != ordered and any(s.qualifier == "83" for s in split)
    ):
        # Is QTY+113 the part delivered now, or the whole with QTY+83 part of it? The
        # code list does not say; deliveries that do not add up to the order need a look.
        confidence = 0.7
        warnings.append(
            f"{message.where(stated['21'])}: the line's deliveries add up to {decimal_text(total)}, "
            f"not the {decimal_text(ordered)} ordered; read as the confirmed quantity."
        )
    if ordered is not None and total == ordered:
        return
    line["quantity"] = Read(
        decimal_text(total), " + ".join(s.quantity.where or "" for s in split), confidence
    )


def read_added_up(
    pairs: tuple[_Pair, ...],
    line_level: list[EdiSegment],
    line: Fields,
    message: EdiMessage,
) -> None:
    """Deliveries that cannot be schedules: their quantities added up (kept
    unless they are the order's, QTY+21), the latest of their dates."""
    total = sum((p.quantity for p in pairs if p.quantity > 0), Decimal(0))
    echoed = [s for s in line_level if s.tag == "QTY" and s.qualifier == "21"]
    ordered = read_qty(echoed[0], message)[0] if echoed else None
    if total > 0 and total != ordered:
        where = " + ".join(p.segment.at(1, 2) for p in pairs)
        line["quantity"] = Read(decimal_text(total), where, 0.9)
    dated = [
        (reading, dtm, confidence)
        for p in pairs
        for q, confidence in DELIVERY_DATES
        if q in p.dates
        for reading, dtm in [p.dates[q]]
    ]
    if dated:
        reading, dtm, confidence = max(dated, key=lambda found: found[0].day)
        line["promised_date"] = Read(reading.day.isoformat(), dtm.at(1, 2), min(confidence, 0.9))


def schedule_provenance(extracted: Extracted, schedules: dict[int, list[Schedule]]) -> None:
    """Each schedule's quantity and date under its own path, as the review form
    shows them (`lines[0].schedules[1].date`), not the list as one field."""
    for index, split in schedules.items():
        path = f"lines[{index}].schedules"
        extracted.confidence.pop(path, None)
        extracted.locations.pop(path, None)
        for j, schedule in enumerate(split):
            for name, read in (("quantity", schedule.quantity), ("date", schedule.date)):
                extracted.confidence[f"{path}[{j}].{name}"] = read.confidence
                if read.where:
                    extracted.locations[f"{path}[{j}].{name}"] = FieldLocation(segment=read.where)
