"""Reads the X12 855 (purchase order acknowledgment, 004010 and later) into
poflow's acknowledgment: BAK header status, PO number and acknowledgment id,
then per PO1 loop the ACK schedules (line status, confirmed quantity and
promised date) and a changed price (CTP, or PO104 on a price change).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, time
from decimal import Decimal
from typing import Any

from activities.intake.x12.reading import (
    Envelope,
    Reading,
    all_of,
    check_line_count,
    first_of,
    product_ids,
    read_identifier,
    read_line_number,
    read_unit_price,
    read_vendor,
    split_loops,
    valid_id,
)
from activities.intake.x12.segment import Segment, parse_date, parse_time
from models.documents import AckLineStatus, AckStatus
from models.extraction import Extracted, ExtractedKind

__all__ = ["FORMAT_855", "read_855"]

FORMAT_855 = "x12-855"

# BAK02 acknowledgment type → header status.
_ACK_TYPES = {
    "AD": AckStatus.ACCEPTED,  # with detail, no change
    "AK": AckStatus.ACCEPTED,  # no detail or change
    "AT": AckStatus.ACCEPTED,  # accepted
    "AC": AckStatus.ACCEPTED_WITH_CHANGES,  # with detail and change
    "AE": AckStatus.ACCEPTED_WITH_CHANGES,  # exception detail only
    "RJ": AckStatus.REJECTED,  # rejected, no detail
    "RD": AckStatus.REJECTED,  # rejected with detail
    "RF": AckStatus.REJECTED,  # rejected with exception detail only
}

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
    "IS": AckLineStatus.CHANGED,
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
    "IS": "accepted with a substitution",
    "IF": "on hold (incomplete description)",
    "IH": "on hold",
    "IW": "on hold (waiver required)",
}
_PRICE_CHANGE_CODES = {"IP", "IC"}
_SEVERITY = [AckLineStatus.ACCEPTED, AckLineStatus.CHANGED, AckLineStatus.BACKORDERED, AckLineStatus.REJECTED]

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


def read_855(env: Envelope) -> list[Extracted]:
    r = Reading(ExtractedKind.ACKNOWLEDGMENT, FORMAT_855)
    header, loops, summary = split_loops(env.tx.body, "PO1", {"CTT"})
    bak = env.require(header, "BAK", "beginning segment for the acknowledgment")
    doc = r.document
    code = bak.code(2, "acknowledgment type", _ACK_TYPES)
    doc["status"] = _ACK_TYPES[code]
    r.read("status", bak, 2)
    read_identifier(r, "po_number", bak, 3, "PO number", doc)
    _ack_id(r, env, bak)
    _acknowledged_at(r, env, bak)
    read_vendor(r, env, all_of(header, "N1"), all_of(header, "REF"))
    notes = _notes(header)
    lines = [_ack_line(r, loop, index, notes) for index, loop in enumerate(loops)]
    doc["lines"] = lines
    if notes:
        doc["message"] = _message(r, notes)
        r.derived("message", 1.0, "MSG/NTE")
    check_line_count(r, summary, len(loops), "PO1")
    _check_header_status(r, code, lines)
    return [r.extracted()]


def _envelope_timestamp(env: Envelope) -> tuple[datetime | None, str]:
    """When the sender's translator built the group (GS04/GS05), as UTC."""
    gs = env.group.header
    d, t = parse_date(gs.get(4)), parse_time(gs.get(5))
    if d is None:
        return None, gs.ref(4)
    return datetime.combine(d, t or time(0, 0), tzinfo=UTC), gs.ref(4)


def _notes(segments: Iterable[Segment]) -> list[str]:
    """Free text: MSG01 and NTE02."""
    texts: list[str] = []
    for seg in segments:
        if seg.tag == "MSG" and seg.get(1):
            texts.append(seg.get(1))
        elif seg.tag == "NTE" and seg.get(2):
            texts.append(seg.get(2))
    return texts


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
    stamp, where = _envelope_timestamp(env)
    if stamp is not None:
        r.document["acknowledged_at"] = stamp
        r.derived("acknowledged_at", 0.7, where)
        r.warnings.append("no acknowledgment date in BAK09: the group's creation time (GS04/GS05) is used")
    else:
        r.warnings.append(
            "no acknowledgment date in BAK09 or GS04: acknowledged_at must be completed by review"
        )


def _message(r: Reading, notes: list[str]) -> str:
    message = "\n".join(notes)
    if len(message) > 2000:
        r.warnings.append(f"supplier message of {len(message)} characters cut to 2000")
        message = message[:2000]
    return message


def _ack_line(r: Reading, loop: list[Segment], index: int, notes: list[str]) -> dict[str, Any]:
    po1 = loop[0]
    path = f"lines[{index}]"
    line: dict[str, Any] = {}
    line["line_no"] = read_line_number(r, po1, 1, index, f"{path}.line_no")
    acks = all_of(loop, "ACK")
    codes = [ack.code(1, "line item status", _LINE_STATUS) for ack in acks]
    _line_status(r, po1, acks, codes, line, path)
    _ack_quantity(r, po1, acks, codes, line, path)
    _ack_price(r, loop, codes, line, path)
    _promised_date(r, loop, acks, line, path)
    notes += [f"line {line['line_no']}: {text}" for text in _notes(loop)]
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
    for ack, code in zip(acks, codes, strict=False):
        if code in _LINE_STATUS_NOTES:
            confidence = 0.8 if code in ("IE", "SP", "IS") else 0.6
            substitute = ", ".join(f"{q} {v}" for q, (v, _) in product_ids(ack, 7).items())
            extra = f" (substitute: {substitute})" if code == "IS" and substitute else ""
            r.warnings.append(
                f"line {line['line_no']} is {_LINE_STATUS_NOTES[code]} ({code}){extra}: "
                f"read as {_LINE_STATUS[code].value}"
            )
    if len(acks) > 1:
        r.warnings.append(
            f"line {line['line_no']} is acknowledged in {len(acks)} schedules "
            f"({', '.join(codes)}): read as {line['status'].value}, quantities added up"
        )
    r.read(f"{path}.status", acks[0], 1, confidence)


def _ack_quantity(
    r: Reading, po1: Segment, acks: list[Segment], codes: list[str], line: dict[str, Any], path: str
) -> None:
    """Confirmed quantity (the ACK02s of the schedules not rejected), kept
    only when it differs from the quantity ordered (PO102)."""
    confirmed: list[tuple[Segment, Decimal]] = []
    for ack, code in zip(acks, codes, strict=False):
        qty = ack.decimal(2, "acknowledged quantity")
        if qty is not None and _LINE_STATUS[code] != AckLineStatus.REJECTED:
            confirmed.append((ack, qty))
    if not confirmed:
        return
    total = sum((qty for _, qty in confirmed), Decimal(0))
    ordered = po1.decimal(2, "quantity ordered")
    if (ordered is not None and total == ordered) or total <= 0:
        return
    line["quantity"] = total
    r.read(f"{path}.quantity", confirmed[0][0], 2, 1.0 if len(confirmed) == 1 else 0.9)
    uoms = {ack.get(3) for ack, _ in confirmed if ack.get(3)}
    ordered_uom = po1.get(3)
    if ordered_uom and uoms and uoms != {ordered_uom}:
        r.warnings.append(
            f"line {line['line_no']} confirmed in {', '.join(sorted(uoms))}, ordered in {ordered_uom}"
        )


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
    r: Reading, loop: list[Segment], acks: list[Segment], line: dict[str, Any], path: str
) -> None:
    """The latest promised date of the line's schedules (ACK04/ACK05), else a
    DTM in the line loop with a ship or delivery qualifier."""
    dated = []
    for ack in acks:
        qualifier = ack.get(4)
        if qualifier and ack.get(5):
            if qualifier in _PROMISE_QUALIFIERS:
                dated.append((ack.date(5, f"date {qualifier}", required=True), ack, 5))
            else:
                r.warnings.append(f"date qualifier {qualifier} in {ack.ref(4)} ignored")
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


def _check_header_status(r: Reading, code: str, lines: list[dict[str, Any]]) -> None:
    changed = [line["line_no"] for line in lines if line["status"] != AckLineStatus.ACCEPTED]
    if _ACK_TYPES[code] == AckStatus.ACCEPTED and changed:
        r.warnings.append(f"BAK02 {code} says no change, but lines {changed} are not simply accepted")
        r.confidence["status"] = 0.7
