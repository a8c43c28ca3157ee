"""What the three EDIFACT message readers (ORDRSP, DESADV, INVOIC; D.96A and
later) share: how a read field is recorded (value, confidence, where), how a
message splits into header / line groups / summary, the segments every one of
them reads the same way (order references, line numbers, dates, item numbers,
unit prices) and how the sender (vendor) is identified.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from activities.intake.edifact.syntax import EdiInterchange, EdiMessage, EdiSegment
from activities.intake.edifact.values import (
    DateReading,
    decimal_text,
    is_identifier,
    item_number,
    read_date,
    read_price,
)
from models.extraction import Extracted, ExtractedKind, FieldLocation

__all__ = [
    "UNB_PREPARED_AT",
    "Context",
    "Fields",
    "Read",
    "Sections",
    "build_extracted",
    "day_field",
    "find_bgm",
    "free_text",
    "line_item_id",
    "line_number",
    "message_dates",
    "order_reference",
    "order_references",
    "read_unit_price",
    "read_vendor",
    "split_sections",
]

# Where a date taken from the interchange (UNB S004) is said to come from.
UNB_PREPARED_AT = "UNB element 4 (interchange segment 1)"


@dataclass(frozen=True)
class Read:
    """One field as read: its JSON value, how sure we are, and where it was."""

    value: Any
    where: str | None
    confidence: float = 1.0


Fields = dict[str, Read]


@dataclass(frozen=True)
class Context:
    """What a message reader needs from outside the message."""

    interchange: EdiInterchange
    vendor_id: str | None  # as given by the caller


def build_extracted(
    kind: ExtractedKind,
    fmt: str,
    header: Fields,
    lines: list[Fields] | None,
    warnings: list[str],
    vendor_hint: str | None,
) -> Extracted:
    """Assemble the `Extracted`: every field set gets a confidence and, where it
    was read from the file, a location, under its path (`lines[0].quantity`)."""
    document: dict[str, Any] = {}
    confidence: dict[str, float] = {}
    locations: dict[str, FieldLocation] = {}

    def record(path: str, read: Read) -> None:
        confidence[path] = read.confidence
        if read.where:
            locations[path] = FieldLocation(segment=read.where)

    for name, read in header.items():
        document[name] = read.value
        record(name, read)
    if lines is not None:
        document["lines"] = []
        for index, line in enumerate(lines):
            document["lines"].append({name: read.value for name, read in line.items()})
            for name, read in line.items():
                record(f"lines[{index}].{name}", read)
    return Extracted(
        kind=kind,
        format=fmt,
        document=document,
        confidence=confidence,
        locations=locations,
        warnings=list(dict.fromkeys(warnings)),
        vendor_hint=vendor_hint,
    )


# --- message layout ---------------------------------------------------------------


@dataclass
class Sections:
    header: list[EdiSegment] = field(default_factory=list)
    lines: list[list[EdiSegment]] = field(default_factory=list)  # each starts with its LIN
    summary: list[EdiSegment] = field(default_factory=list)  # after UNS


def split_sections(message: EdiMessage) -> Sections:
    """Header (before the first LIN), one group per LIN, summary (after UNS).
    Segment groups are implied by position in EDIFACT; this is the split every
    order/invoice message shares."""
    sections = Sections()
    for segment in message.body:
        if segment.tag == "UNS":
            if sections.summary or segment.qualifier == "S" or sections.lines:
                sections.summary.append(segment)
            continue
        if sections.summary:
            sections.summary.append(segment)
        elif segment.tag == "LIN":
            sections.lines.append([segment])
        elif sections.lines:
            sections.lines[-1].append(segment)
        else:
            sections.header.append(segment)
    return sections


def find_bgm(message: EdiMessage) -> EdiSegment:
    bgm = next((s for s in message.body if s.tag == "BGM"), None)
    if bgm is None:
        raise message.error(None, "no BGM segment: the message names no document")
    return bgm


def order_references(segments: Iterable[EdiSegment]) -> list[EdiSegment]:
    """The RFF+ON (order number) segments with a value, in order."""
    return [s for s in segments if s.tag == "RFF" and s.qualifier == "ON" and s.value(1, 2)]


def order_reference(group: list[EdiSegment]) -> EdiSegment | None:
    """The first RFF+ON (order number) with a value in a group of segments."""
    return next(iter(order_references(group)), None)


def line_number(
    group: list[EdiSegment],
    position: int,
    message: EdiMessage,
    warnings: list[str],
    lin_confidence: float = 1.0,
) -> Read:
    """The PO line a LIN group is about: an order line reference (RFF+ON 1156,
    or RFF+LI) when given; else LIN 1082 (`lin_confidence`: in ORDRSP and INVOIC
    it is the order line, in DESADV often the despatch advice's own count); else
    the group's position (0.6).

    RFF+LI (code 1153 LI, line item reference number) points at the order's
    line: its line number is 1156 (component 3) when sent, else the reference
    in 1154 — unless 1154 repeats the order number (RFF+ON), as some senders
    write it, which is no line number."""
    orders = {s.value(1, 2) for s in group if s.tag == "RFF" and s.qualifier == "ON"}
    for segment in group:
        if segment.tag == "RFF" and segment.qualifier == "ON" and _positive(segment.value(1, 3)):
            return Read(int(segment.value(1, 3)), segment.at(1, 3), 1.0)
        if segment.tag == "RFF" and segment.qualifier == "LI":
            if _positive(segment.value(1, 3)):
                return Read(int(segment.value(1, 3)), segment.at(1, 3), 1.0)
            if _positive(segment.value(1, 2)) and segment.value(1, 2) not in orders:
                return Read(int(segment.value(1, 2)), segment.at(1, 2), 1.0)
    lin = group[0]
    if _positive(lin.value(1)) and any(s.tag == "RFF" and s.qualifier == "LI" for s in group):
        # The sender meant to name the order line but gave no line number.
        warnings.append(
            f"{message.where(lin)}: RFF+LI names no order line; line taken from LIN, to be checked."
        )
        return Read(int(lin.value(1)), lin.at(1), min(lin_confidence, 0.6))
    if _positive(lin.value(1)):
        return Read(int(lin.value(1)), lin.at(1), lin_confidence)
    warnings.append(f"{message.where(lin)}: no usable line number; line {position} taken from the position.")
    return Read(position, lin.at(), 0.6)


def _positive(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 9 and int(text) >= 1


def message_dates(
    segments: list[EdiSegment], message: EdiMessage, warnings: list[str]
) -> dict[str, tuple[DateReading, EdiSegment]]:
    """DTM values by qualifier (first occurrence wins); unreadable formats warn."""
    dates: dict[str, tuple[DateReading, EdiSegment]] = {}
    for segment in segments:
        if segment.tag != "DTM" or segment.qualifier in dates:
            continue
        reading = read_date(segment, message)
        if reading is None:
            if segment.value(1, 2):
                warnings.append(
                    f"{message.where(segment)}: date format {segment.value(1, 3)!r} "
                    f"is not read; {segment.label} was ignored."
                )
            continue
        dates[segment.qualifier] = (reading, segment)
    return dates


def day_field(
    dates: Mapping[str, tuple[DateReading, EdiSegment]], preference: Iterable[tuple[str, float]]
) -> Read | None:
    """The day of the first date in `preference` ((qualifier, confidence), best
    first) that the dates of `message_dates` hold."""
    for qualifier, confidence in preference:
        if qualifier in dates:
            reading, segment = dates[qualifier]
            return Read(reading.day.isoformat(), segment.at(1, 2), confidence)
    return None


def free_text(segment: EdiSegment) -> str:
    """FTX C108 (4440 × 5) as one string; components are lines of one text."""
    return " ".join(part.strip() for part in segment.components(4) if part.strip())


def line_item_id(group: list[EdiSegment]) -> Read | None:
    """The `item_id` of a line: among LIN C212 (7140 number, 7143 type) and the
    PIA numbers, the buyer's own first."""
    candidates: list[tuple[str, str, str]] = []
    for segment in group:
        if segment.tag == "LIN":
            candidates.append((segment.value(3, 1), segment.value(3, 2), segment.at(3, 1)))
        elif segment.tag == "PIA":
            for element in range(2, 7):
                candidates.append(
                    (segment.value(element, 1), segment.value(element, 2), segment.at(element, 1))
                )
    best = item_number([(number, kind) for number, kind, _ in candidates])
    if best is None:
        return None
    where = next(where for n, k, where in candidates if (n, k) == best)
    return Read(best[0][:64], where, 1.0)


def read_unit_price(group: list[EdiSegment], message: EdiMessage, warnings: list[str]) -> Read | None:
    """The unit price of a line: PRI+AAA (net), else PRI+AAB (gross, 0.8, with
    a warning), per unit after its unit price basis; None when neither is there."""
    prices = {s.qualifier: s for s in group if s.tag == "PRI"}
    for qualifier, confidence in (("AAA", 1.0), ("AAB", 0.8)):
        if qualifier in prices:
            segment = prices[qualifier]
            price = read_price(segment, message)
            if qualifier == "AAB":
                warnings.append(
                    f"{message.where(segment)}: only a gross price (PRI+AAB) was given; "
                    "it was read as the unit price."
                )
            return Read(decimal_text(price.unit_price), segment.at(1, 2), confidence)
    return None


# --- vendor -----------------------------------------------------------------------


@dataclass(frozen=True)
class Party:
    segment: EdiSegment
    tax_id: str | None

    @property
    def id(self) -> str:
        return self.segment.value(2, 1)

    @property
    def agency(self) -> str:
        return self.segment.value(2, 3)

    @property
    def name(self) -> str:
        """C080 party name (3036 × 5), else the unstructured C058 name and address."""
        parts = [p for p in self.segment.components(4) if p.strip()] or [
            p for p in self.segment.components(3) if p.strip()
        ]
        return " ".join(p.strip() for p in parts)


def _parties(header: list[EdiSegment]) -> dict[str, Party]:
    """NAD by party qualifier, each with the VAT number (RFF+VA) of its group."""
    found: dict[str, tuple[EdiSegment, list[str]]] = {}
    current: list[str] | None = None
    for segment in header:
        if segment.tag == "NAD":
            current = []
            found.setdefault(segment.qualifier, (segment, current))
        elif segment.tag == "RFF" and current is not None and segment.qualifier in ("VA", "FC"):
            current.append(segment.value(1, 2))
        elif segment.tag not in ("LOC", "FII", "RFF", "DTM", "DOC", "CTA", "COM"):
            current = None
    return {q: Party(seg, tax[0] if tax else None) for q, (seg, tax) in found.items()}


def read_vendor(
    header: list[EdiSegment], context: Context, qualifiers: tuple[str, ...], warnings: list[str]
) -> tuple[Read | None, str | None]:
    """The vendor: the caller's id if given; else the supplier's NAD id when it is
    the one the buyer assigned (agency 92: our vendor number), trusted fully; else
    another NAD id (a GLN or the supplier's own code, 0.6); else the UNB sender (0.5).
    Also returns `vendor_hint`: how the document names its sender."""
    parties = _parties(header)
    party = next((parties[q] for q in qualifiers if q in parties), None)
    interchange = context.interchange
    hint_parts: list[str] = []
    if party is not None:
        agency = f" (agency {party.agency})" if party.agency else ""
        hint_parts.append(f"NAD+{party.segment.qualifier} {party.id}{agency}".strip())
        if party.name:
            hint_parts.append(party.name)
        if party.tax_id:
            hint_parts.append(f"VAT {party.tax_id}")
    sender = interchange.sender_id + (
        f":{interchange.sender_qualifier}" if interchange.sender_qualifier else ""
    )
    hint_parts.append(f"UNB sender {sender}")
    hint = "; ".join(hint_parts)

    if context.vendor_id:
        return Read(context.vendor_id, None, 1.0), hint
    if party is not None and is_identifier(party.id):
        trusted = party.agency == "92"
        return Read(party.id, party.segment.at(2, 1), 1.0 if trusted else 0.6), hint
    if is_identifier(interchange.sender_id):
        warnings.append("No supplier party id in the message; the vendor id is the UNB sender's id.")
        return Read(interchange.sender_id, "UNB element 2.1 (interchange segment 1)", 0.5), hint
    warnings.append("The vendor could not be identified from the message; it needs review.")
    return None, hint
