"""Writes X12: the 850 purchase order poflow sends, and the 997 functional
acknowledgment it returns for every interchange it receives.

The 997 answers syntax only (reference/p2p-semantics.md (c)): accepted, or
rejected with AK3/AK4 naming the segment and element at fault, taken from the
`X12Error` the reader raised and from the envelope faults the syntax reader
records; faults of the interchange envelope itself are answered with a TA1 in
the same interchange. Business refusals (unknown PO, duplicate invoice) are
not a 997's business.

`InterchangeWriter` is also what tools/supplier_sim uses to write 855/856/810 the
way a supplier's EDI system does, with its own delimiters and version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal

from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from activities.intake.x12_syntax import (
    SET_SEGMENTS_IN_ERROR,
    FunctionalGroup,
    Interchange,
    TransactionSet,
    X12Error,
    functional_id_for,
    parse_interchanges,
)
from models.purchase_order import PurchaseOrder

__all__ = [
    "InterchangeWriter",
    "X12Style",
    "render_850",
    "render_997",
    "x12_date",
    "x12_decimal",
    "x12_implied",
]

Element = str | int | Decimal | tuple[str | int, ...] | None  # a tuple is a composite
SegmentSpec = Sequence[Element]


@dataclass(frozen=True)
class X12Style:
    """How an EDI system writes an interchange: delimiters and version."""

    element: str = "*"
    component: str = ">"
    segment: str = "~"
    repetition: str = "^"  # ISA11 from 00402 on; 00401 writes "U" there
    isa_version: str = "00401"
    group_version: str = "004010"
    line_end: str = "\n"  # after each terminator, for people reading the file
    sender_qualifier: str = "ZZ"
    receiver_qualifier: str = "ZZ"
    usage: str = "P"


class InterchangeWriter:
    """Builds one interchange: groups of transaction sets, each written as
    lists of elements; control numbers and counts are filled in."""

    def __init__(
        self, style: X12Style, *, sender_id: str, receiver_id: str, control_number: int, now: datetime
    ) -> None:
        if not 0 < control_number < 10**9:
            raise ValueError("control_number must be 1..999999999")
        self.style = style
        self.sender_id = sender_id
        self.receiver_id = receiver_id
        self.control_number = control_number
        self.now = now.astimezone(UTC) if now.tzinfo else now
        self.groups: list[tuple[str, list[list[SegmentSpec]]]] = []
        self.extra_header: list[SegmentSpec] = []  # TA1 goes between ISA and the first GS

    def add(self, set_id: str, segments: list[SegmentSpec]) -> None:
        """One transaction set (without ST/SE) into the group of its type."""
        functional_id = functional_id_for(set_id) or "ZZ"
        group = next((g for g in self.groups if g[0] == functional_id), None)
        if group is None:
            group = (functional_id, [])
            self.groups.append(group)
        group[1].append([("ST", set_id), *segments])

    def render(self) -> bytes:
        style, now, control = self.style, self.now, self.control_number
        isa11 = style.repetition if style.isa_version >= "00402" else "U"
        out = [self._isa(isa11, now, control), *(self._segment(spec) for spec in self.extra_header)]
        for number, (functional_id, sets) in enumerate(self.groups, start=1):
            # Callers allocate control numbers with room for every group.
            group_control = (control + number - 1) % 10**9 or 1
            out.append(
                self._segment(
                    (
                        "GS",
                        functional_id,
                        self.sender_id,
                        self.receiver_id,
                        now.strftime("%Y%m%d"),
                        now.strftime("%H%M"),
                        group_control,
                        "X",
                        style.group_version,
                    )
                )
            )
            for index, segments in enumerate(sets, start=1):
                st_control = f"{index:04d}"
                first = (segments[0][0], segments[0][1], st_control)
                body = [first, *segments[1:]]
                out += [self._segment(spec) for spec in body]
                out.append(self._segment(("SE", len(body) + 1, st_control)))
            out.append(self._segment(("GE", len(sets), group_control)))
        out.append(self._segment(("IEA", len(self.groups), f"{control:09d}")))
        return "".join(out).encode("utf-8")

    def _isa(self, isa11: str, now: datetime, control: int) -> str:
        s = self.style
        fields = [
            "ISA",
            "00",
            " " * 10,
            "00",
            " " * 10,
            s.sender_qualifier,
            f"{self.sender_id:<15}"[:15],
            s.receiver_qualifier,
            f"{self.receiver_id:<15}"[:15],
            now.strftime("%y%m%d"),
            now.strftime("%H%M"),
            isa11,
            s.isa_version,
            f"{control:09d}",
            "0",
            s.usage,
            s.component,
        ]
        return s.element.join(fields) + s.segment + s.line_end

    def _segment(self, spec: SegmentSpec) -> str:
        values = [self._element(value) for value in spec]
        while len(values) > 1 and values[-1] == "":
            values.pop()  # trailing empty elements are not sent
        return self.style.element.join(values) + self.style.segment + self.style.line_end

    def _element(self, value: Element) -> str:
        if value is None:
            return ""
        if isinstance(value, tuple):
            return self.style.component.join(self._element(part) for part in value)
        if isinstance(value, Decimal):
            return x12_decimal(value)
        text = str(value)
        # X12 has no escape character: a delimiter inside a value would split
        # it, so it is replaced (only free text can hold one).
        for ch in {self.style.element, self.style.segment, self.style.component, self.style.repetition}:
            text = text.replace(ch, " ")
        return " ".join(text.split())


def x12_decimal(value: Decimal) -> str:
    """Type R: plain decimal notation, no exponent, precision as held."""
    text = format(value, "f")
    return "0" if text in ("-0", "0") else text


def x12_implied(value: Decimal, decimals: int = 2) -> int:
    """Type Nn: the amount in units of 10^-decimals (N2: 123.40 → 12340)."""
    return int((value.scaleb(decimals)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def x12_date(value: date) -> str:
    """Type DT, CCYYMMDD."""
    return value.strftime("%Y%m%d")


# --- 850 ------------------------------------------------------------------------


def render_850(
    po: PurchaseOrder,
    *,
    sender_id: str,
    receiver_id: str,
    control_number: int,
    now: datetime,
    style: X12Style | None = None,
) -> bytes:
    """The PO as an X12 850 interchange from poflow (`sender_id`) to the vendor."""
    writer = InterchangeWriter(
        style or X12Style(),
        sender_id=sender_id,
        receiver_id=receiver_id,
        control_number=control_number,
        now=now,
    )
    writer.add("850", _po_segments(po))
    return writer.render()


def _po_segments(po: PurchaseOrder) -> list[SegmentSpec]:
    order_date = po.order_date or (po.created_at.date() if po.created_at else None)
    segments: list[SegmentSpec] = [
        ("BEG", "00", "SA", po.po_number, None, x12_date(order_date) if order_date else None),
        ("CUR", "BY", po.currency),
        ("REF", "VR", po.vendor_id),
    ]
    if po.revision:
        segments.append(("REF", "PP", po.revision))  # purchase order revision number
    segments.append(("PER", "BD", po.buyer))
    terms = po.payment_terms
    if terms.discount_percent is not None:
        segments.append(
            ("ITD", "08", "3", terms.discount_percent, None, terms.discount_days, None, terms.net_days)
        )
    else:
        segments.append(("ITD", "01", "3", None, None, None, None, terms.net_days))
    if po.freight:
        segments.append(("SAC", "C", "D240", None, None, x12_implied(po.freight)))
    if po.note:
        segments.append(("N9", "L1", "NOTES"))
        segments += [("MSG", po.note[i : i + 264]) for i in range(0, len(po.note), 264)]
    segments.append(("N1", "VN", None, "92", po.vendor_id))
    for line in po.lines:
        segments.append(
            ("PO1", line.line_no, line.quantity, line.uom, line.unit_price, "PE", "BP", line.item_id)
        )
        if line.description:
            segments.append(("PID", "F", None, None, None, line.description[:80]))
        if line.need_by:
            segments.append(("DTM", "002", x12_date(line.need_by)))
    segments.append(("CTT", len(po.lines), sum((line.quantity for line in po.lines), Decimal(0))))
    return segments


# --- 997 ------------------------------------------------------------------------


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
