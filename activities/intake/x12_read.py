"""Reads X12 855 (PO acknowledgment), 856 (ship notice) and 810 (invoice or
credit memo) transaction sets into poflow's documents.

`extract_x12` is the door: one `Extracted` per 855 and per 810 transaction,
and one per purchase order of an 856 (a shipment may carry several orders).
Mapping follows reference/p2p-semantics.md section (c); where partners vary
(PO number in BIG04 or REF*PO, line number in IT101 or from the position,
carrier as SCAC or name), the reader takes the explicit value first and says
so with a lower confidence and a warning when it had to fall back.

Element faults raise `X12Error` (see x12_syntax) with the segment and element
position, so a rejected file can be answered with a precise 997.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from activities.intake.x12_syntax import (
    EL_INVALID_CODE,
    SEG_MANDATORY_MISSING,
    FunctionalGroup,
    Interchange,
    Segment,
    TransactionSet,
    X12Error,
    parse_date,
    parse_time,
    read_interchanges,
)
from models.common import CURRENCY_MINOR_UNITS
from models.documents import AckLineStatus, AckStatus, InvoiceKind
from models.extraction import Extracted, ExtractedKind, FieldLocation

__all__ = ["extract_x12", "X12Error", "FORMAT_855", "FORMAT_856", "FORMAT_810"]

FORMAT_855 = "x12-855"
FORMAT_856 = "x12-856"
FORMAT_810 = "x12-810"

_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-/]*")

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

# Entity codes (element 98) that name the selling party, best first.
_SENDER_PARTIES = ("VN", "SU", "SE", "SF", "RE")
_BUYER_ASSIGNED = "92"

# Unit price basis (element 639) that price more than one unit.
_PRICE_BASIS_DIVISOR = {"HP": Decimal(100), "TP": Decimal(1000), "PD": Decimal(12)}

_CREDIT_TYPES = {"CR", "CN"}  # BIG07 credit memo, credit invoice
_FREIGHT = "D240"
_TAX_CHARGE = "H850"

# DTM04 time codes (element 623) → UTC offset in hours; the *T codes are
# ambiguous about daylight saving and read as standard time (warned).
_TIME_CODES = {
    "UT": 0,
    "GM": 0,
    "ES": -5,
    "ED": -4,
    "ET": -5,
    "CS": -6,
    "CD": -5,
    "CT": -6,
    "MS": -7,
    "MD": -6,
    "MT": -7,
    "PS": -8,
    "PD": -7,
    "PT": -8,
    "AS": -9,
    "AD": -8,
    "AT": -9,
    "HS": -10,
    "HT": -10,
    "TS": -4,
    "TD": -3,
    "TT": -4,
    "NS": -3.5,
    "ND": -2.5,
    "NT": -3.5,
}
_AMBIGUOUS_TIME_CODES = {"ET", "CT", "MT", "PT", "AT", "HT", "TT", "NT"}


def extract_x12(
    raw: bytes, *, vendor_id: str | None = None, limits: IntakeLimits = DEFAULT_LIMITS
) -> list[Extracted]:
    """Every 855, 856 (per order) and 810 in the interchange(s) of `raw`."""
    interchanges = read_interchanges(raw, limits)
    found: list[Extracted] = []
    skipped: list[str] = []
    for interchange in interchanges:
        for group in interchange.groups:
            for tx in group.transactions:
                reader = _READERS.get(tx.set_id)
                if reader is None:
                    skipped.append(
                        f"transaction {tx.control_number} ({tx.set_id}) skipped: "
                        "intake reads 855, 856 and 810"
                    )
                    continue
                documents = _read_safely(reader, _Envelope(interchange, group, tx, vendor_id))
                for document in documents:
                    document.warnings[:0] = interchange.warnings
                found += documents
    if not found:
        detail = f" ({'; '.join(skipped)})" if skipped else ""
        raise X12Error(f"no 855, 856 or 810 transaction set in the file{detail}", set_error="1")
    for document in found:
        document.warnings += skipped
    return found


def _read_safely(reader: Callable[[_Envelope], list[Extracted]], env: _Envelope) -> list[Extracted]:
    """A reader bug must still end as an ExtractionError at the door (the
    contract), named so that it is not mistaken for a fault in the file."""
    try:
        return reader(env)
    except ExtractionError:
        raise
    except (ArithmeticError, ValueError, IndexError, KeyError, TypeError) as exc:
        raise X12Error(
            f"internal error reading the transaction set: {type(exc).__name__}: {exc}",
            set_id=env.tx.set_id,
            set_control=env.tx.control_number,
        ) from exc


# --- shared reading machinery -------------------------------------------------


@dataclass
class _Envelope:
    interchange: Interchange
    group: FunctionalGroup
    tx: TransactionSet
    vendor_id: str | None

    def missing(self, tag: str, what: str, near: Segment | None = None, loop: str | None = None) -> X12Error:
        """A mandatory segment that is not there (AK304 code 3)."""
        seg = near or self.tx.segments[0]
        return X12Error(
            f"{what} ({tag}) is missing",
            interchange_control=self.interchange.control_number,
            group_control=self.group.control_number,
            set_id=self.tx.set_id,
            set_control=self.tx.control_number,
            set_error="5",
            segment_id=tag,
            segment_position=seg.position,
            segment_index=seg.index,
            loop_id=loop,
            segment_error=SEG_MANDATORY_MISSING,
        )


@dataclass
class _Reading:
    """One document being read: its fields, how sure, and where from."""

    kind: ExtractedKind
    format: str
    document: dict[str, Any] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    locations: dict[str, FieldLocation] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    vendor_hint: str | None = None

    def read(self, path: str, seg: Segment, element: int | None = None, confidence: float = 1.0) -> None:
        self.confidence[path] = confidence
        self.locations[path] = FieldLocation(segment=seg.ref(element))

    def derived(self, path: str, confidence: float, where: str | None = None) -> None:
        self.confidence[path] = confidence
        if where:
            self.locations[path] = FieldLocation(segment=where)

    def extracted(self) -> Extracted:
        return Extracted(
            kind=self.kind,
            format=self.format,
            document=_jsonable(self.document),
            confidence=self.confidence,
            locations=self.locations,
            warnings=self.warnings,
            vendor_hint=self.vendor_hint,
        )


def _jsonable(value: Any) -> Any:
    """Model JSON: Decimal as string, dates ISO, timestamps ISO in UTC ('Z')."""
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [_jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    return value


def _split(
    body: list[Segment], trigger: str, summary: set[str]
) -> tuple[list[Segment], list[list[Segment]], list[Segment]]:
    """Header segments, detail loops (each starting with `trigger`) and summary
    segments (from the first `summary` tag after which no loop starts)."""
    header: list[Segment] = []
    loops: list[list[Segment]] = []
    tail: list[Segment] = []
    for seg in body:
        if tail or seg.tag in summary:
            tail.append(seg)
        elif seg.tag == trigger:
            loops.append([seg])
        elif loops:
            loops[-1].append(seg)
        else:
            header.append(seg)
    return header, loops, tail


def _first(segments: Iterable[Segment], tag: str, qualifier: str | set[str] | None = None) -> Segment | None:
    for seg in segments:
        if seg.tag == tag and (
            qualifier is None or seg.get(1) in (qualifier if isinstance(qualifier, set) else {qualifier})
        ):
            return seg
    return None


def _all(segments: Iterable[Segment], tag: str, qualifier: str | None = None) -> list[Segment]:
    return [seg for seg in segments if seg.tag == tag and (qualifier is None or seg.get(1) == qualifier)]


def _identifier(r: _Reading, path: str, seg: Segment, n: int, what: str, target: dict[str, Any]) -> None:
    """An id field: read as sent; one poflow cannot store as an Identifier goes
    to review (low confidence) rather than failing the whole file."""
    value = seg.text(n, what)
    target[path.rsplit(".", 1)[-1]] = value
    if _IDENTIFIER.fullmatch(value) and len(value) <= 64:
        r.read(path, seg, n)
    else:
        r.read(path, seg, n, confidence=0.3)
        r.warnings.append(f"{what} {value!r} ({seg.ref(n)}) is not a valid identifier")


def _line_number(r: _Reading, seg: Segment, n: int, index: int, path: str) -> int:
    """The PO line: the element when it is a number, else the position."""
    value = seg.get(n)
    if value.isdigit() and 0 < int(value) < 10**9:
        r.read(path, seg, n)
        return int(value)
    r.derived(path, 0.6, f"position of {seg.ref()}")
    shown = f"{value!r}" if value else "missing"
    r.warnings.append(f"{seg.tag}{n:02d} is {shown}: line {index + 1} taken from the segment's position")
    return index + 1


def _timestamp(r: _Reading, seg: Segment, d: date, t: time | None, zone: str) -> datetime:
    """A UTC timestamp from an X12 date, time and DTM04 time code. X12 times
    carry no zone unless DTM04 says one; they are read as UTC."""
    offset = 0.0
    if zone:
        if zone in _TIME_CODES:
            offset = _TIME_CODES[zone]
            if zone in _AMBIGUOUS_TIME_CODES:
                r.warnings.append(
                    f"time code {zone} ({seg.ref(4)}) does not say daylight or standard: "
                    "read as standard time"
                )
        else:
            r.warnings.append(f"time code {zone!r} ({seg.ref(4)}) not understood: time read as UTC")
    tz = timezone(timedelta(hours=offset))
    return datetime.combine(d, t or time(0, 0), tzinfo=tz).astimezone(UTC)


def _dtm(r: _Reading, seg: Segment) -> tuple[date, datetime]:
    """DTM02 date, and the timestamp with DTM03 time and DTM04 time code."""
    d = seg.date(2, f"date {seg.get(1)}", required=True)
    assert d is not None
    t = seg.time(3, f"time {seg.get(1)}")
    return d, _timestamp(r, seg, d, t, seg.get(4))


def _envelope_timestamp(env: _Envelope) -> tuple[datetime | None, str]:
    """When the sender's translator built the group (GS04/GS05), as UTC."""
    gs = env.group.header
    d, t = parse_date(gs.get(4)), parse_time(gs.get(5))
    if d is None:
        return None, gs.ref(4)
    return datetime.combine(d, t or time(0, 0), tzinfo=UTC), gs.ref(4)


def _price(r: _Reading, seg: Segment, n: int, basis_n: int, what: str, path: str) -> Decimal | None:
    """A unit price (R), divided out when its basis prices 100 or 1000 units."""
    price = seg.decimal(n, what)
    if price is None:
        return None
    basis = seg.get(basis_n)
    r.read(path, seg, n)
    if basis in _PRICE_BASIS_DIVISOR:
        divisor = _PRICE_BASIS_DIVISOR[basis]
        r.warnings.append(
            f"{seg.ref(n)} is priced per {divisor} ({seg.tag}{basis_n:02d} = {basis}): "
            "converted to a price per unit"
        )
        r.confidence[path] = 0.9
        return price / divisor
    return price


def _product_ids(seg: Segment, first: int) -> dict[str, tuple[str, int]]:
    """Qualifier → (id, element) from the product id pairs starting at `first`
    (PO106/PO107, IT106/IT107, LIN02/LIN03, ACK07/ACK08 …)."""
    ids: dict[str, tuple[str, int]] = {}
    for n in range(first, len(seg.elements) - 1, 2):
        qualifier, value = seg.get(n), seg.get(n + 1)
        if qualifier and value and qualifier not in ids:
            ids[qualifier] = (value, n + 1)
    return ids


def _item_id(r: _Reading, seg: Segment, first: int, path: str, target: dict[str, Any]) -> None:
    """The item as the buyer knows it (BP buyer's part) when sent, else the
    vendor's part (VP) or the first id given."""
    ids = _product_ids(seg, first)
    for qualifier, confidence in (("BP", 1.0), ("IN", 1.0), ("VP", 0.8), ("VN", 0.8)):
        if qualifier in ids:
            value, n = ids[qualifier]
            target["item_id"] = value[:64]
            r.read(path, seg, n, confidence)
            return
    for qualifier, (value, n) in ids.items():
        if qualifier not in ("PL", "PO", "LT"):
            target["item_id"] = value[:64]
            r.read(path, seg, n, 0.6)
            return


def _vendor(r: _Reading, env: _Envelope, parties: list[Segment], refs: list[Segment]) -> None:
    """vendor_id: the caller's, else the id the buyer assigned (N1 with N103
    = 92, REF*IA), else the interchange sender's id; vendor_hint: what the
    document says about its sender."""
    party = next((seg for code in _SENDER_PARTIES for seg in parties if seg.get(1) == code), None)
    hint: list[str] = []
    if party is not None:
        name, qualifier, code = party.get(2), party.get(3), party.get(4)
        ident = f"{qualifier}:{code}" if code else ""
        hint.append(" ".join(part for part in (name, f"({party.get(1)} {ident})" if ident else "") if part))
    ic = env.interchange
    hint.append(f"interchange sender {ic.sender_qualifier}:{ic.sender_id}")
    r.vendor_hint = "; ".join(part for part in hint if part)

    if env.vendor_id:
        r.document["vendor_id"] = env.vendor_id
        r.derived("vendor_id", 1.0)
        return
    assigned = next(
        (
            seg
            for code in _SENDER_PARTIES
            for seg in parties
            if seg.get(1) == code and seg.get(3) == _BUYER_ASSIGNED and _valid_id(seg.get(4))
        ),
        None,
    )
    if assigned is not None:
        r.document["vendor_id"] = assigned.get(4)
        r.read("vendor_id", assigned, 4, 0.9)
        return
    internal = next((seg for seg in refs if seg.get(1) == "IA" and _valid_id(seg.get(2))), None)
    if internal is not None:
        r.document["vendor_id"] = internal.get(2)
        r.read("vendor_id", internal, 2, 0.9)
        return
    for value, where in ((env.group.sender, env.group.header.ref(2)), (ic.sender_id, ic.header.ref(6))):
        if _valid_id(value):
            r.document["vendor_id"] = value
            r.derived("vendor_id", 0.5, where)
            return
    r.warnings.append("no vendor id in the document and none given: the vendor must be resolved by review")


def _valid_id(value: str) -> bool:
    return bool(value) and len(value) <= 64 and bool(_IDENTIFIER.fullmatch(value))


def _notes(segments: Iterable[Segment]) -> list[str]:
    """Free text: MSG01 and NTE02."""
    texts: list[str] = []
    for seg in segments:
        if seg.tag == "MSG" and seg.get(1):
            texts.append(seg.get(1))
        elif seg.tag == "NTE" and seg.get(2):
            texts.append(seg.get(2))
    return texts


# --- 855 purchase order acknowledgment -----------------------------------------


def _read_855(env: _Envelope) -> list[Extracted]:
    r = _Reading(ExtractedKind.ACKNOWLEDGMENT, FORMAT_855)
    header, loops, summary = _split(env.tx.body, "PO1", {"CTT"})
    bak = _first(header, "BAK")
    if bak is None:
        raise env.missing("BAK", "beginning segment for the acknowledgment")
    doc = r.document
    code = bak.code(2, "acknowledgment type", _ACK_TYPES)
    doc["status"] = _ACK_TYPES[code]
    r.read("status", bak, 2)
    _identifier(r, "po_number", bak, 3, "PO number", doc)
    _ack_id(r, env, bak)
    _acknowledged_at(r, env, bak)
    _vendor(r, env, _all(header, "N1"), _all(header, "REF"))
    notes = _notes(header)
    lines = [_ack_line(r, loop, index, notes) for index, loop in enumerate(loops)]
    doc["lines"] = lines
    if notes:
        doc["message"] = _message(r, notes)
        r.derived("message", 1.0, "MSG/NTE")
    _check_count(r, summary, len(loops), "PO1")
    _check_header_status(r, code, lines)
    return [r.extracted()]


def _ack_id(r: _Reading, env: _Envelope, bak: Segment) -> None:
    """BAK08 (the seller's order / acknowledgment number) when sent; else one
    made from the interchange and set control numbers, which the sender does
    not reuse, so that a re-sent file is still recognised."""
    if _valid_id(bak.get(8)):
        r.document["ack_id"] = bak.get(8)
        r.read("ack_id", bak, 8)
        return
    made = f"{env.interchange.control_number}-{env.tx.control_number}"
    r.document["ack_id"] = made
    r.derived("ack_id", 0.6, env.tx.segments[0].ref(2))
    r.warnings.append(f"no seller's order number in BAK08: acknowledgment id {made} made from ISA13 and ST02")


def _acknowledged_at(r: _Reading, env: _Envelope, bak: Segment) -> None:
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


def _message(r: _Reading, notes: list[str]) -> str:
    message = "\n".join(notes)
    if len(message) > 2000:
        r.warnings.append(f"supplier message of {len(message)} characters cut to 2000")
        message = message[:2000]
    return message


def _ack_line(r: _Reading, loop: list[Segment], index: int, notes: list[str]) -> dict[str, Any]:
    po1 = loop[0]
    path = f"lines[{index}]"
    line: dict[str, Any] = {}
    line["line_no"] = _line_number(r, po1, 1, index, f"{path}.line_no")
    acks = _all(loop, "ACK")
    codes = [ack.code(1, "line item status", _LINE_STATUS) for ack in acks]
    _line_status(r, po1, acks, codes, line, path)
    _ack_quantity(r, po1, acks, codes, line, path)
    _ack_price(r, loop, codes, line, path)
    _promised_date(r, loop, acks, line, path)
    notes += [f"line {line['line_no']}: {text}" for text in _notes(loop)]
    return line


def _line_status(
    r: _Reading, po1: Segment, acks: list[Segment], codes: list[str], line: dict[str, Any], path: str
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
            substitute = ", ".join(f"{q} {v}" for q, (v, _) in _product_ids(ack, 7).items())
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
    r: _Reading, po1: Segment, acks: list[Segment], codes: list[str], line: dict[str, Any], path: str
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


def _ack_price(r: _Reading, loop: list[Segment], codes: list[str], line: dict[str, Any], path: str) -> None:
    """A changed price: CTP03 when the supplier itemises it, else PO104 on a
    line whose status says the price changed (IP, IC)."""
    ctp = _first(loop, "CTP")
    if ctp is not None and ctp.get(3):
        line["unit_price"] = ctp.decimal(3, "unit price")
        r.read(f"{path}.unit_price", ctp, 3)
        return
    if _PRICE_CHANGE_CODES & set(codes):
        price = _price(r, loop[0], 4, 5, "unit price", f"{path}.unit_price")
        if price is not None:
            line["unit_price"] = price


def _promised_date(
    r: _Reading, loop: list[Segment], acks: list[Segment], line: dict[str, Any], path: str
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
        dtms = {seg.get(1): seg for seg in _all(loop, "DTM")}
        preferred = next((q for q in _PROMISE_PREFERENCE if q in dtms), None)
        if preferred is not None:
            seg = dtms[preferred]
            dated.append((seg.date(2, f"date {preferred}", required=True), seg, 2))
    if dated:
        promised, seg, n = max(dated, key=lambda item: item[0])
        line["promised_date"] = promised
        r.read(f"{path}.promised_date", seg, n)


def _check_count(r: _Reading, summary: list[Segment], counted: int, tag: str) -> None:
    ctt = _first(summary, "CTT")
    if ctt is None:
        return
    declared = ctt.integer(1, "number of line items")
    if declared is not None and declared != counted:
        r.warnings.append(f"CTT01 says {declared} line items; the transaction set has {counted} {tag}")


def _check_header_status(r: _Reading, code: str, lines: list[dict[str, Any]]) -> None:
    changed = [line["line_no"] for line in lines if line["status"] != AckLineStatus.ACCEPTED]
    if _ACK_TYPES[code] == AckStatus.ACCEPTED and changed:
        r.warnings.append(f"BAK02 {code} says no change, but lines {changed} are not simply accepted")
        r.confidence["status"] = 0.7


# --- 856 ship notice ----------------------------------------------------------------


_MAX_HL_DEPTH = 12  # shipment/order/tare/pack/item is 5; deeper is not a real 856


@dataclass
class _Level:
    hl: Segment
    segments: list[Segment]
    parent: _Level | None
    depth: int = 0

    @property
    def code(self) -> str:
        return self.hl.get(3)

    def ancestors(self) -> Iterable[_Level]:
        level = self.parent
        while level is not None:
            yield level
            level = level.parent


def _read_856(env: _Envelope) -> list[Extracted]:
    header, loops, _ = _split(env.tx.body, "HL", {"CTT"})
    bsn = _first(header, "BSN")
    if bsn is None:
        raise env.missing("BSN", "beginning segment for the ship notice")
    if not loops:
        raise env.missing("HL", "hierarchical level", bsn, "HL")
    levels = _hierarchy(loops)
    shipment = header + [seg for level in levels if level.code == "S" for seg in level.segments]
    orders = [level for level in levels if level.code == "O"]
    items = [level for level in levels if level.code == "I"]
    if not orders:
        container = next((level for level in levels if level.code == "S"), levels[0])
        orders = [container]
    if not items:
        raise env.missing("HL", "item level (HL03 = I)", loops[-1][0], "HL")
    by_order: dict[int, list[_Level]] = {id(order): [] for order in orders}
    for item in items:
        owner = next((level for level in item.ancestors() if id(level) in by_order), None)
        if owner is None and len(orders) == 1 and orders[0].code != "O":
            owner = orders[0]
        if owner is None:
            raise item.hl.error(
                "item level has no order level (HL03 = O) above it", element=2, code=EL_INVALID_CODE
            )
        by_order[id(owner)].append(item)
    return [
        _ship_notice(env, bsn, shipment, order, by_order[id(order)], several=len(orders) > 1)
        for order in orders
    ]


def _hierarchy(loops: list[list[Segment]]) -> list[_Level]:
    """HL levels linked to their parents; HL01 unique, HL02 an earlier HL01."""
    by_id: dict[str, _Level] = {}
    levels: list[_Level] = []
    for loop in loops:
        hl = loop[0]
        ident = hl.text(1, "hierarchical id")
        if ident in by_id:
            raise hl.error(f"HL01 {ident} is used twice", element=1, code=EL_INVALID_CODE)
        parent_id = hl.get(2)
        parent = by_id.get(parent_id) if parent_id else None
        if parent_id and parent is None:
            raise hl.error(f"HL02 parent {parent_id} is not an earlier HL01", element=2, code=EL_INVALID_CODE)
        hl.code(3, "hierarchical level code", {"S", "O", "T", "P", "I", "F", "D", "Q"})
        level = _Level(hl, loop, parent, parent.depth + 1 if parent else 0)
        if level.depth > _MAX_HL_DEPTH:
            raise hl.error(
                f"HL levels nested more than {_MAX_HL_DEPTH} deep", element=2, code=EL_INVALID_CODE
            )
        by_id[ident] = level
        levels.append(level)
    return levels


def _ship_notice(
    env: _Envelope, bsn: Segment, shipment: list[Segment], order: _Level, items: list[_Level], several: bool
) -> Extracted:
    r = _Reading(ExtractedKind.ASN, FORMAT_856)
    doc = r.document
    own = order.segments if order.code == "O" else []
    context = own + shipment  # the order's own values win over the shipment's
    prf = _first(order.segments, "PRF") or _first(shipment, "PRF")
    if prf is None:
        raise env.missing("PRF", "purchase order reference", order.hl, "HL")
    _identifier(r, "po_number", prf, 1, "PO number", doc)
    _asn_id(r, bsn, doc, several)
    _shipped_at(r, bsn, context)
    _delivery_and_transport(r, context)
    _vendor(r, env, _all(context, "N1"), _all(context, "REF"))
    doc["lines"] = _shipped_lines(r, items)
    if not doc["lines"]:
        r.warnings.append(f"order {doc['po_number']} has no shipped quantity")
    return r.extracted()


def _asn_id(r: _Reading, bsn: Segment, doc: dict[str, Any], several: bool) -> None:
    """BSN02. A shipment of several orders is one ship notice per order here,
    so each gets `<BSN02>/<PO number>`: the id stays an idempotency key."""
    shipment_id = bsn.text(2, "shipment identification")
    if not several:
        doc["asn_id"] = shipment_id
        r.read("asn_id", bsn, 2, 1.0 if _valid_id(shipment_id) else 0.3)
        return
    doc["asn_id"] = f"{shipment_id}/{doc['po_number']}"
    r.read("asn_id", bsn, 2, 0.9)
    r.warnings.append(
        f"shipment {shipment_id} carries several orders: this order's notice is {doc['asn_id']}"
    )


def _shipped_at(r: _Reading, bsn: Segment, context: list[Segment]) -> None:
    shipped = _first(context, "DTM", "011")
    if shipped is not None:
        r.document["shipped_at"] = _dtm(r, shipped)[1]
        r.read("shipped_at", shipped, 2)
        return
    d = bsn.date(3, "shipment notice date", required=True)
    assert d is not None
    r.document["shipped_at"] = _timestamp(r, bsn, d, bsn.time(4, "shipment notice time"), "")
    r.read("shipped_at", bsn, 3, 0.7)
    r.warnings.append("no ship date (DTM*011): the notice's date (BSN03/BSN04) is used")


def _delivery_and_transport(r: _Reading, context: list[Segment]) -> None:
    doc = r.document
    delivery = _first(context, "DTM", {"017", "067"})
    if delivery is not None:
        doc["expected_delivery"] = delivery.date(2, "expected delivery", required=True)
        r.read("expected_delivery", delivery, 2, 1.0 if delivery.get(1) == "017" else 0.9)
    td5 = next((seg for seg in context if seg.tag == "TD5" and (seg.get(3) or seg.get(5))), None)
    if td5 is not None:
        n = 3 if td5.get(3) else 5
        doc["carrier"] = td5.get(n)[:128]
        r.read("carrier", td5, n)
    for qualifier, confidence in (("CN", 1.0), ("2I", 1.0), ("BM", 0.7)):
        ref = _first(context, "REF", qualifier)
        if ref is not None and ref.get(2):
            doc["tracking_number"] = ref.get(2)[:128]
            r.read("tracking_number", ref, 2, confidence)
            break


def _shipped_lines(r: _Reading, items: list[_Level]) -> list[dict[str, Any]]:
    """One line per PO line: an item shipped in several cartons (several item
    levels) is added up."""
    lines: dict[int, dict[str, Any]] = {}
    for index, item in enumerate(items):
        sn1 = _first(item.segments, "SN1")
        if sn1 is None:
            raise item.hl.error(
                "item level has no SN1 (shipped quantity)", segment_code=SEG_MANDATORY_MISSING
            )
        lin = _first(item.segments, "LIN")
        path = f"lines[{len(lines)}]"
        line_no = _shipped_line_no(r, lin, sn1, index, path)
        quantity = sn1.decimal(2, "units shipped", required=True)
        assert quantity is not None
        if quantity <= 0:
            r.warnings.append(f"{sn1.ref(2)} ships {quantity} of line {line_no}: left out")
            _forget(r, path)
            continue
        if line_no in lines:
            _forget(r, path)
            _add_to_line(r, lines[line_no], sn1, quantity)
            continue
        line: dict[str, Any] = {"line_no": line_no, "quantity_shipped": quantity}
        r.read(f"{path}.quantity_shipped", sn1, 2)
        if sn1.get(3):
            line["uom"] = sn1.get(3)[:8]
            r.read(f"{path}.uom", sn1, 3)
        if lin is not None:
            _item_id(r, lin, 2, f"{path}.item_id", line)
        lines[line_no] = line
    return list(lines.values())


def _shipped_line_no(r: _Reading, lin: Segment | None, sn1: Segment, index: int, path: str) -> int:
    """The PO line: LIN's PL (purchaser's order line) id, else LIN01, else SN101."""
    if lin is not None:
        ids = _product_ids(lin, 2)
        if "PL" in ids and ids["PL"][0].isdigit() and int(ids["PL"][0]) > 0:
            r.read(f"{path}.line_no", lin, ids["PL"][1])
            return int(ids["PL"][0])
        if lin.get(1).isdigit() and int(lin.get(1)) > 0:
            return _line_number(r, lin, 1, index, f"{path}.line_no")
    return _line_number(r, sn1, 1, index, f"{path}.line_no")


def _forget(r: _Reading, path: str) -> None:
    """Drop what was recorded for a line that turned out not to be one."""
    for key in [key for key in r.confidence if key.startswith(path + ".")]:
        r.confidence.pop(key)
        r.locations.pop(key, None)


def _add_to_line(r: _Reading, line: dict[str, Any], sn1: Segment, quantity: Decimal) -> None:
    line["quantity_shipped"] += quantity
    uom = sn1.get(3)
    if uom and line.get("uom") and uom != line["uom"]:
        r.warnings.append(f"line {line['line_no']} is shipped in {line['uom']} and {uom}; quantities added")


# --- 810 invoice / credit memo -------------------------------------------------------


def _read_810(env: _Envelope) -> list[Extracted]:
    r = _Reading(ExtractedKind.INVOICE, FORMAT_810)
    header, loops, summary = _split(env.tx.body, "IT1", {"TDS", "CTT"})
    big = _first(header, "BIG")
    if big is None:
        raise env.missing("BIG", "beginning segment for the invoice")
    doc = r.document
    invoice_date = big.date(1, "invoice date", required=True)
    assert invoice_date is not None
    doc["invoice_date"] = invoice_date
    r.read("invoice_date", big, 1)
    doc["invoice_number"] = big.text(2, "invoice number")
    r.read("invoice_number", big, 2)
    _invoice_po(r, big, header)
    _currency(r, header)
    _vendor(r, env, _all(header, "N1"), _all(header, "REF"))
    _terms(r, header, invoice_date)
    if not loops:
        raise env.missing("IT1", "invoice line", big, "IT1")
    doc["lines"] = [_invoice_line(r, loop, index) for index, loop in enumerate(loops)]
    _charges(r, loops, summary)
    tds = _first(summary, "TDS")
    if tds is None:
        raise env.missing("TDS", "total monetary value summary", loops[-1][-1])
    _total(r, tds)
    _kind(r, big, header)
    _check_count(r, summary, len(loops), "IT1")
    _check_lines(r)
    return [r.extracted()]


def _invoice_po(r: _Reading, big: Segment, header: list[Segment]) -> None:
    if big.get(4):
        _identifier(r, "po_number", big, 4, "PO number", r.document)
        return
    ref = _first(header, "REF", "PO")
    if ref is not None and ref.get(2):
        _identifier(r, "po_number", ref, 2, "PO number", r.document)
        return
    r.warnings.append("no PO number (BIG04 or REF*PO): the invoice must be matched by review")


def _currency(r: _Reading, header: list[Segment]) -> None:
    cur = _first(header, "CUR")
    if cur is not None:
        code = cur.text(2, "currency code")
        if code not in CURRENCY_MINOR_UNITS:
            raise cur.error(
                f"currency {code!r} is not an ISO 4217 code poflow accepts", element=2, code=EL_INVALID_CODE
            )
        r.document["currency"] = code
        r.read("currency", cur, 2)
        return
    r.document["currency"] = "USD"
    r.derived("currency", 0.5)
    r.warnings.append("no CUR segment: currency read as USD, the X12 default")


def _terms(r: _Reading, header: list[Segment], invoice_date: date) -> None:
    """ITD: discount percent (ITD03), discount days (ITD05, or counted from the
    discount due date ITD04), net days (ITD07, or counted from ITD06); when
    none is coded, the description (ITD12) such as '2% 10 NET 30'."""
    itd = _first(header, "ITD")
    if itd is None:
        return
    net = _terms_days(itd, 7, 6, invoice_date, "net")
    discount_days = _terms_days(itd, 5, 4, invoice_date, "discount")
    percent = itd.decimal(3, "terms discount percent")
    found: dict[str, tuple[Any, int, float]] = {}
    if net is not None:
        found["net_days"] = net
    if percent is not None and discount_days is not None and percent > 0:
        found["discount_percent"] = (percent, 3, 1.0)
        found["discount_days"] = discount_days
    elif percent:
        r.warnings.append(f"terms discount of {percent}% without discount days ({itd.ref(3)}) ignored")
    if not found and percent is None:
        parsed = _terms_from_text(itd.get(12))
        if parsed is not None:
            text_percent, text_days, text_net = parsed
            found["net_days"] = (text_net, 12, 0.6)
            if text_percent and text_days is not None:
                found["discount_percent"] = (text_percent, 12, 0.6)
                found["discount_days"] = (text_days, 12, 0.6)
    if not found:
        r.warnings.append(f"payment terms in {itd.ref()} not understood")
        return
    terms: dict[str, Any] = {}
    for name, (value, element, confidence) in found.items():
        terms[name] = value
        r.read(f"payment_terms.{name}", itd, element, confidence)
    r.document["payment_terms"] = terms


def _terms_days(
    itd: Segment, days_n: int, date_n: int, invoice_date: date, what: str
) -> tuple[int, int, float] | None:
    """Days as sent, or counted from the due date to the invoice date."""
    days = itd.integer(days_n, f"terms {what} days")
    if days is not None:
        return days, days_n, 1.0
    due = itd.date(date_n, f"terms {what} due date")
    if due is not None:
        return (due - invoice_date).days, date_n, 0.8
    return None


_TERMS_TEXT = re.compile(r"(?:(\d+(?:\.\d+)?)\s*%?\s*/?\s*(\d+)\s*(?:DAYS?)?\s*,?\s*)?NET\s*(\d+)", re.I)


def _terms_from_text(text: str) -> tuple[Decimal | None, int | None, int] | None:
    """'2% 10 NET 30', '2/10 NET 30', 'NET 45' from ITD12."""
    match = _TERMS_TEXT.search(text or "")
    if match is None:
        return None
    percent = Decimal(match.group(1)) if match.group(1) else None
    days = int(match.group(2)) if match.group(2) else None
    return percent, days, int(match.group(3))


def _invoice_line(r: _Reading, loop: list[Segment], index: int) -> dict[str, Any]:
    it1 = loop[0]
    path = f"lines[{index}]"
    line: dict[str, Any] = {"line_no": _line_number(r, it1, 1, index, f"{path}.line_no")}
    line["quantity"] = it1.decimal(2, "quantity invoiced", required=True)
    r.read(f"{path}.quantity", it1, 2)
    if it1.get(3):
        line["uom"] = it1.get(3)[:8]
        r.read(f"{path}.uom", it1, 3)
    price = _price(r, it1, 4, 5, "unit price", f"{path}.unit_price")
    if price is None:
        raise it1.error("unit price (IT104) is missing", element=4, code="1")
    if price < 0:
        # Some systems write a credit as a negative price; poflow keeps the
        # price positive and lets the sign live in the quantity / kind.
        price, line["quantity"] = -price, -line["quantity"]
        r.warnings.append(f"{it1.ref(4)} is negative: read as a positive price and a negative quantity")
        r.confidence[f"{path}.unit_price"] = 0.8
    line["unit_price"] = price
    _item_id(r, it1, 6, f"{path}.item_id", line)
    pid = next((seg for seg in loop if seg.tag == "PID" and seg.get(5)), None)
    if pid is not None:
        line["description"] = pid.get(5)[:500]
        r.read(f"{path}.description", pid, 5)
    return line


def _charges(r: _Reading, loops: list[list[Segment]], summary: list[Segment]) -> None:
    """Freight (SAC C D240) and tax (TXI02, SAC C H850), line level and summary
    level added up; other charges and allowances are warned about (poflow's
    invoice has no field for them; the stated total includes them)."""
    segments = [seg for loop in loops for seg in loop[1:]] + summary
    freight = tax = Decimal(0)
    freight_at: list[Segment] = []
    tax_at: list[Segment] = []
    for seg in segments:
        if seg.tag == "SAC":
            indicator = seg.code(1, "allowance or charge indicator", {"A", "C", "N"})
            code, amount = seg.get(2), seg.implied(5, "allowance or charge amount")
            if indicator == "N" or amount is None:
                continue
            if indicator == "C" and code == _FREIGHT:
                freight += amount
                freight_at.append(seg)
            elif indicator == "C" and code == _TAX_CHARGE:
                tax += amount
                tax_at.append(seg)
            else:
                kind = "allowance" if indicator == "A" else "charge"
                r.warnings.append(
                    f"{kind} {code or '(no code)'} of {amount} ({seg.ref(5)}) has no field "
                    "in the invoice; the stated total includes it"
                )
        elif seg.tag == "TXI":
            amount = seg.decimal(2, "tax amount")
            if amount is None:
                if seg.get(3):
                    r.warnings.append(
                        f"tax {seg.get(1)} at {seg.get(3)}% without an amount ({seg.ref(3)}) not added"
                    )
                continue
            tax += amount
            tax_at.append(seg)
    if freight_at:
        r.document["freight"] = freight
        r.read("freight", freight_at[0], 5, 1.0 if len(freight_at) == 1 else 0.9)
    if tax_at:
        r.document["tax"] = tax
        first = tax_at[0]
        r.read("tax", first, 2 if first.tag == "TXI" else 5, 1.0 if len(tax_at) == 1 else 0.9)
    if freight < 0 or tax < 0:
        r.warnings.append("freight or tax adds up to less than zero")


def _total(r: _Reading, tds: Segment) -> None:
    """TDS01 is N2 (implied 2 decimals) whatever the currency. When it only
    agrees with the lines read without the implied decimals, the sender wrote
    it in whole units (common for zero-decimal currencies): taken as such."""
    total = tds.implied(1, "total invoice amount", required=True)
    assert total is not None
    doc = r.document
    currency = doc.get("currency", "USD")
    computed = _computed_total(doc)
    r.read("total", tds, 1)
    if computed is not None and total != computed and total * 100 == computed:
        r.warnings.append(
            f"TDS01 {tds.get(1)} read in whole {currency}: with the implied 2 decimals it "
            f"would be {total}, which does not agree with the lines ({computed})"
        )
        total = computed
        r.confidence["total"] = 0.7
    minor = CURRENCY_MINOR_UNITS.get(currency, 2)
    if total != total.quantize(Decimal(1).scaleb(-minor)):
        r.warnings.append(f"total {total} has more decimals than {currency} allows")
    elif minor > 2:
        r.warnings.append(f"TDS01 carries 2 decimals: a {currency} total may have been rounded")
    doc["total"] = total


def _computed_total(doc: dict[str, Any]) -> Decimal | None:
    """Lines (each rounded to the currency, as Invoice.line_amount) + freight + tax."""
    unit = Decimal(1).scaleb(-CURRENCY_MINOR_UNITS.get(doc.get("currency", "USD"), 2))
    try:
        lines = sum(
            (
                (line["quantity"] * line["unit_price"]).quantize(unit, rounding=ROUND_HALF_UP)
                for line in doc["lines"]
            ),
            Decimal(0),
        )
    except (KeyError, TypeError, InvalidOperation):
        return None
    return lines + doc.get("freight", Decimal(0)) + doc.get("tax", Decimal(0))


def _kind(r: _Reading, big: Segment, header: list[Segment]) -> None:
    """BIG07 CR / CN is a credit memo; a negative total without BIG07 is read
    as one too, less surely."""
    doc = r.document
    transaction_type = big.get(7)
    if transaction_type in _CREDIT_TYPES:
        doc["kind"] = InvoiceKind.CREDIT_MEMO
        r.read("kind", big, 7)
    elif not transaction_type and doc["total"] < 0:
        doc["kind"] = InvoiceKind.CREDIT_MEMO
        r.derived("kind", 0.7, big.ref(7))
        r.warnings.append("negative total without BIG07: read as a credit memo")
    else:
        doc["kind"] = InvoiceKind.INVOICE
        r.derived("kind", 1.0 if transaction_type else 0.9, big.ref(7))
    if doc["kind"] == InvoiceKind.CREDIT_MEMO:
        r.kind = ExtractedKind.CREDIT_MEMO
        original = _first(header, "REF", "OI")
        if original is not None and original.get(2):
            doc["original_invoice_number"] = original.get(2)
            r.read("original_invoice_number", original, 2)


def _check_lines(r: _Reading) -> None:
    seen: set[int] = set()
    for line in r.document["lines"]:
        if line["line_no"] in seen:
            r.warnings.append(f"PO line {line['line_no']} is billed on two invoice lines")
        seen.add(line["line_no"])
    computed = _computed_total(r.document)
    total = r.document["total"]
    if computed is not None and computed != total and r.confidence.get("total", 0) >= 1.0:
        r.warnings.append(f"stated total {total} differs from lines + freight + tax = {computed}")


_READERS: dict[str, Callable[[_Envelope], list[Extracted]]] = {
    "855": _read_855,
    "856": _read_856,
    "810": _read_810,
}
