"""Reads the line loops of an X12 855 (purchase order acknowledgment, 004010
and later): per PO1 loop the ACK schedules (ACK01 line item status, element
668; ACK02 confirmed quantity; ACK04/ACK05 a promised date or, for a line
split over several dated ACKs, its delivery schedules, else a DTM in the
loop), the substitute on an IS line (ACK07+ product id qualifier and id pairs,
element 235), a backordered balance (IB, BP) and a changed price (CTP03, or
PO104 on a price change), and the loop's free text (MSG01, NTE02).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from activities.intake.x12.reading import (
    Reading,
    all_of,
    first_of,
    product_ids,
    read_line_number,
    read_unit_price,
    valid_id,
)
from activities.intake.x12.segment import Segment
from models.acknowledgments import AckLineStatus
from models.purchase_order import MAX_SCHEDULES

__all__ = ["free_text", "read_ack_line"]

# ACK01 line item status (element 668) → line status. Holds are not a status
# poflow models: they become "changed" so a buyer looks at them (warned).
_LINE_STATUS = {
    "IA": AckLineStatus.ACCEPTED,
    "AC": AckLineStatus.ACCEPTED,
    "AR": AckLineStatus.ACCEPTED,
    "IE": AckLineStatus.ACCEPTED,
    "SP": AckLineStatus.ACCEPTED,
    "IC": AckLineStatus.CHANGED,
    "IP": AckLineStatus.CHANGED,
    "IQ": AckLineStatus.CHANGED,
    "DR": AckLineStatus.CHANGED,
    "IS": AckLineStatus.SUBSTITUTED,  # changed instead when ACK07+ name no substitute
    "IF": AckLineStatus.CHANGED,
    "IH": AckLineStatus.CHANGED,
    "IW": AckLineStatus.CHANGED,
    "IB": AckLineStatus.BACKORDERED,
    "BP": AckLineStatus.BACKORDERED,
    "IR": AckLineStatus.REJECTED,
    "ID": AckLineStatus.REJECTED,
    **{f"R{n}": AckLineStatus.REJECTED for n in range(1, 9)},
}
_LINE_STATUS_NOTES = {
    "IE": "accepted, price pending",
    "SP": "accepted, schedule date pending",
    "IF": "on hold (incomplete description)",
    "IH": "on hold",
    "IW": "on hold (waiver required)",
}
_PRICE_CHANGE_CODES = {"IP", "IC"}
# The line's status when its schedules differ: the one that asks most of the
# buyer. A substitution outranks a backorder: the schedules keep the dates, but
# only the status says that another item comes.
_SEVERITY = [
    AckLineStatus.ACCEPTED,
    AckLineStatus.CHANGED,
    AckLineStatus.BACKORDERED,
    AckLineStatus.SUBSTITUTED,
    AckLineStatus.REJECTED,
]

# ACK07+ product id qualifiers (element 235) naming the substitute, best first,
# with the confidence that the id is the buyer's item id: the buyer's part
# number is; a buyer's item number most likely is; the vendor's numbers and
# the rest (UPC, EAN, ...) must be mapped to the buyer's item by a person.
_SUBSTITUTE_IDS = (("BP", 1.0), ("IN", 0.9), ("VP", 0.7), ("VN", 0.7))
_NOT_ITEM_IDS = {"PL", "PO", "LT"}  # line number, PO number, lot: not an item

# Date qualifiers (element 374) that carry the supplier's promised date.
_PROMISE_QUALIFIERS = {
    "068": "current schedule ship",
    "067": "current schedule delivery",
    "079": "promised for shipment",
    "069": "promised for delivery",
    "017": "estimated delivery",
    "074": "requested for delivery (week of)",
    "010": "requested ship",
}
_PROMISE_PREFERENCE = ("068", "079", "067", "069", "017", "010", "074")


def free_text(segments: Iterable[Segment]) -> list[str]:
    """Free text: MSG01 and NTE02."""
    texts: list[str] = []
    for seg in segments:
        if seg.tag == "MSG" and seg.get(1):
            texts.append(seg.get(1))
        elif seg.tag == "NTE" and seg.get(2):
            texts.append(seg.get(2))
    return texts


def read_ack_line(r: Reading, loop: list[Segment], index: int, notes: list[str]) -> dict[str, Any]:
    po1 = loop[0]
    path = f"lines[{index}]"
    line: dict[str, Any] = {}
    line["line_no"] = read_line_number(r, po1, 1, index, f"{path}.line_no")
    acks = all_of(loop, "ACK")
    codes = [ack.code(1, "line item status", _LINE_STATUS) for ack in acks]
    _line_status(r, po1, acks, codes, line, path)
    _substitute(r, acks, codes, line, path)
    schedules = [_schedule(r, ack, code) for ack, code in zip(acks, codes, strict=True)]
    _schedules_or_promise(r, loop, schedules, line, path)
    _ack_price(r, loop, codes, line, path)
    notes += [f"line {line['line_no']}: {text}" for text in free_text(loop)]
    return line


def _line_status(
    r: Reading, po1: Segment, acks: list[Segment], codes: list[str], line: dict[str, Any], path: str
) -> None:
    if not acks:
        line["status"] = AckLineStatus.ACCEPTED
        r.derived(f"{path}.status", 0.6, po1.ref())
        r.warnings.append(f"line {line['line_no']} has no ACK segment: read as accepted")
        return
    statuses = [_LINE_STATUS[code] for code in codes]
    open_statuses = [status for status in statuses if status != AckLineStatus.REJECTED] or statuses
    line["status"] = max(open_statuses, key=_SEVERITY.index)
    confidence = 1.0
    for code in codes:
        if code in _LINE_STATUS_NOTES:
            confidence = min(confidence, 0.8 if code in ("IE", "SP") else 0.6)
            r.warnings.append(
                f"line {line['line_no']} is {_LINE_STATUS_NOTES[code]} ({code}): "
                f"read as {_LINE_STATUS[code].value}"
            )
    rejected = [code for code in codes if _LINE_STATUS[code] == AckLineStatus.REJECTED]
    if rejected and len(rejected) < len(codes):
        r.warnings.append(
            f"line {line['line_no']} is acknowledged in {len(acks)} schedules ({', '.join(codes)}): "
            f"read as {line['status'].value}; the rejected ones ({', '.join(rejected)}) are not "
            "part of the confirmed quantity or dates"
        )
    # The segment that gave the status: the first schedule with it.
    source = next(ack for ack, status in zip(acks, statuses, strict=True) if status == line["status"])
    r.read(f"{path}.status", source, 1, confidence)


def _substitute(r: Reading, acks: list[Segment], codes: list[str], line: dict[str, Any], path: str) -> None:
    """An IS line names the item shipped instead in ACK07+ (product id
    qualifier and id pairs): the buyer's part number (BP) when sent, else the
    buyer's item number, the vendor's part number or another id, less surely.
    IS without any id is read as changed: a person names the substitute."""
    if line["status"] != AckLineStatus.SUBSTITUTED:
        return
    substituting = [ack for ack, code in zip(acks, codes, strict=True) if code == "IS"]
    n = line["line_no"]
    if len(substituting) < len([code for code in codes if _LINE_STATUS[code] != AckLineStatus.REJECTED]):
        r.warnings.append(
            f"line {n}: only some of its schedules are substitutions (IS): the whole line is read as "
            "substituted"
        )
        r.confidence[f"{path}.status"] = min(r.confidence[f"{path}.status"], 0.7)
    found = next(
        ((ack, ids) for ack in substituting if (ids := _item_ids(ack))),
        None,
    )
    if found is None:
        line["status"] = AckLineStatus.CHANGED
        r.read(f"{path}.status", substituting[0], 1, 0.6)
        r.warnings.append(
            f"line {n} is accepted with a substitution (IS) but {substituting[0].ref()} names no "
            "substitute (ACK07+): read as changed; a review names the item shipped instead"
        )
        return
    ack, ids = found
    qualifier, confidence = next(
        ((q, sure) for q, sure in _SUBSTITUTE_IDS if q in ids), (next(iter(ids)), 0.6)
    )
    value, element = ids[qualifier]
    line["substitute_item_id"] = value
    if not valid_id(value):
        confidence = 0.3
        r.warnings.append(f"line {n}: substitute {value!r} ({ack.ref(element)}) is not a valid identifier")
    r.read(f"{path}.substitute_item_id", ack, element, confidence)
    if qualifier != "BP":
        others = ", ".join(f"{q} {v}" for q, (v, _) in ids.items() if q != qualifier)
        also = f" (also sent: {others})" if others else ""
        r.warnings.append(
            f"line {n}: substitute {value} read from product id qualifier {qualifier} "
            f"({ack.ref(element - 1)}), not the buyer's part number (BP){also}: check it is the "
            "buyer's item"
        )


def _item_ids(ack: Segment) -> dict[str, tuple[str, int]]:
    return {q: found for q, found in product_ids(ack, 7).items() if q not in _NOT_ITEM_IDS}


@dataclass(frozen=True)
class _Schedule:
    """One ACK: its status code, quantity (ACK02) and promised date (ACK05
    with a promise qualifier in ACK04)."""

    ack: Segment
    code: str
    quantity: Decimal | None
    date: date | None

    @property
    def rejected(self) -> bool:
        return _LINE_STATUS[self.code] == AckLineStatus.REJECTED


def _schedule(r: Reading, ack: Segment, code: str) -> _Schedule:
    quantity = ack.decimal(2, "acknowledged quantity")
    when = None
    qualifier = ack.get(4)
    if qualifier and ack.get(5):
        if qualifier in _PROMISE_QUALIFIERS:
            when = ack.date(5, f"date {qualifier}", required=True)
        else:
            r.warnings.append(f"date qualifier {qualifier} in {ack.ref(4)} ignored")
    return _Schedule(ack, code, quantity, when)


def _schedules_or_promise(
    r: Reading, loop: list[Segment], schedules: list[_Schedule], line: dict[str, Any], path: str
) -> None:
    """Several schedules not rejected, each with a quantity and a date, are
    the line's delivery schedules; otherwise (one schedule, or one without a
    date: it cannot be a schedule) the quantities add up to one confirmed
    quantity with the latest promised date. Rejected schedules count in
    neither, unless the whole line is rejected."""
    po1 = loop[0]
    open_ = [s for s in schedules if not s.rejected] or schedules
    _check_uom(r, po1, open_, line)
    if len(open_) < 2 or line["status"] == AckLineStatus.REJECTED:
        _ack_quantity(r, po1, open_, line, path)
        _promised_date(r, loop, open_, line, path)
        return
    dated = [(s, s.quantity, s.date) for s in open_ if s.quantity and s.quantity > 0 and s.date]
    if len(dated) < len(open_) or len(open_) > MAX_SCHEDULES:
        undated = next((s for s in open_ if not (s.quantity and s.quantity > 0 and s.date)), None)
        why = (
            f"{undated.ack.ref()} has no quantity or promised date"
            if undated is not None
            else f"more than {MAX_SCHEDULES} schedules"
        )
        r.warnings.append(
            f"line {line['line_no']} is acknowledged in {len(open_)} schedules "
            f"({', '.join(s.code for s in open_)}) but {why}: read as {line['status'].value}, "
            "quantities added up, latest date"
        )
        _ack_quantity(r, po1, open_, line, path)
        _promised_date(r, loop, open_, line, path)
        return
    line["schedules"] = []
    for j, (s, quantity, when) in enumerate(dated):
        line["schedules"].append({"quantity": quantity, "date": when})
        r.read(f"{path}.schedules[{j}].quantity", s.ack, 2)
        r.read(f"{path}.schedules[{j}].date", s.ack, 5)
    total = sum((quantity for _, quantity, _ in dated), Decimal(0))
    ordered = po1.decimal(2, "quantity ordered")
    if ordered is None or total != ordered:
        line["quantity"] = total
        r.derived(f"{path}.quantity", 1.0, " + ".join(s.ack.ref(2) for s in open_))


def _ack_quantity(
    r: Reading, po1: Segment, schedules: list[_Schedule], line: dict[str, Any], path: str
) -> None:
    """Confirmed quantity (the ACK02s of the schedules not rejected), kept
    only when it differs from the quantity ordered (PO102)."""
    confirmed = [s for s in schedules if s.quantity is not None and not s.rejected]
    if not confirmed:
        return
    total = sum((s.quantity or Decimal(0) for s in confirmed), Decimal(0))
    ordered = po1.decimal(2, "quantity ordered")
    if (ordered is not None and total == ordered) or total <= 0:
        return
    line["quantity"] = total
    confidence = 1.0 if len(confirmed) == 1 else 0.9
    if [s.code for s in confirmed] == ["BP"]:
        # BP: ACK02 is what ships now; the balance is still backordered.
        confidence = 0.7
        r.warnings.append(
            f"line {line['line_no']} is partly shipped, the balance backordered (BP), in one "
            f"schedule: {_fmt(total)} read as the confirmed quantity; the balance has no date"
        )
    r.read(f"{path}.quantity", confirmed[0].ack, 2, confidence)


def _check_uom(r: Reading, po1: Segment, schedules: list[_Schedule], line: dict[str, Any]) -> None:
    uoms = {s.ack.get(3) for s in schedules if s.quantity is not None and s.ack.get(3) and not s.rejected}
    ordered_uom = po1.get(3)
    if ordered_uom and uoms and uoms != {ordered_uom}:
        r.warnings.append(
            f"line {line['line_no']} confirmed in {', '.join(sorted(uoms))}, ordered in {ordered_uom}"
        )


def _fmt(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _ack_price(r: Reading, loop: list[Segment], codes: list[str], line: dict[str, Any], path: str) -> None:
    """A changed price: CTP03 when the supplier itemises it, else PO104 on a
    line whose status says the price changed (IP, IC)."""
    ctp = first_of(loop, "CTP")
    if ctp is not None and ctp.get(3):
        line["unit_price"] = ctp.decimal(3, "unit price")
        r.read(f"{path}.unit_price", ctp, 3)
        return
    if _PRICE_CHANGE_CODES & set(codes):
        price = read_unit_price(r, loop[0], 4, 5, "unit price", f"{path}.unit_price")
        if price is not None:
            line["unit_price"] = price


def _promised_date(
    r: Reading, loop: list[Segment], schedules: list[_Schedule], line: dict[str, Any], path: str
) -> None:
    """The latest promised date of the line's schedules (ACK04/ACK05), else a
    DTM in the line loop with a ship or delivery qualifier."""
    dated: list[tuple[date, Segment, int]] = [(s.date, s.ack, 5) for s in schedules if s.date is not None]
    if not dated:
        dtms = {seg.get(1): seg for seg in all_of(loop, "DTM")}
        preferred = next((q for q in _PROMISE_PREFERENCE if q in dtms), None)
        if preferred is not None:
            seg = dtms[preferred]
            dated.append((seg.date(2, f"date {preferred}", required=True), seg, 2))
    if dated:
        promised, seg, n = max(dated, key=lambda item: item[0])
        line["promised_date"] = promised
        r.read(f"{path}.promised_date", seg, n)
