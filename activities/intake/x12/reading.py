"""What the X12 transaction set readers (855, 856, 810; 004010 and later)
share: the envelope a set arrived in, how a read field is recorded (value,
confidence, location), how a set splits into header / detail loops /
summary, and the element readers every set uses: identifiers, PO line
numbers, unit prices with their price basis, product ids and the vendor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from activities.intake.x12.envelope import FunctionalGroup, Interchange, TransactionSet
from activities.intake.x12.errors import SEG_MANDATORY_MISSING, X12Error
from activities.intake.x12.segment import Segment
from models.extraction import Extracted, ExtractedKind, FieldLocation

__all__ = [
    "Envelope",
    "Reading",
    "all_of",
    "check_line_count",
    "first_of",
    "product_ids",
    "read_identifier",
    "read_item_id",
    "read_line_number",
    "read_unit_price",
    "read_uom",
    "read_vendor",
    "split_loops",
    "valid_id",
]

_IDENTIFIER = re.compile(r"[A-Za-z0-9][A-Za-z0-9._\-/]*")

# Entity codes (element 98) that name the selling party, best first.
_SENDER_PARTIES = ("VN", "SU", "SE", "SF", "RE")
_BUYER_ASSIGNED = "92"

# Unit price basis (element 639) that price more than one unit.
_PRICE_BASIS_DIVISOR = {"HP": Decimal(100), "TP": Decimal(1000), "PD": Decimal(12)}


@dataclass
class Envelope:
    """Where a transaction set came from, and the vendor id the caller gave."""

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

    def require(
        self,
        segments: Iterable[Segment],
        tag: str,
        what: str,
        near: Segment | None = None,
        loop: str | None = None,
    ) -> Segment:
        """The first `tag` segment, or the error for a missing mandatory one."""
        found = first_of(segments, tag)
        if found is None:
            raise self.missing(tag, what, near, loop)
        return found


@dataclass
class Reading:
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


def split_loops(
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


def first_of(
    segments: Iterable[Segment], tag: str, qualifier: str | set[str] | None = None
) -> Segment | None:
    for seg in segments:
        if seg.tag == tag and (
            qualifier is None or seg.get(1) in (qualifier if isinstance(qualifier, set) else {qualifier})
        ):
            return seg
    return None


def all_of(segments: Iterable[Segment], tag: str, qualifier: str | None = None) -> list[Segment]:
    return [seg for seg in segments if seg.tag == tag and (qualifier is None or seg.get(1) == qualifier)]


def read_identifier(r: Reading, path: str, seg: Segment, n: int, what: str, target: dict[str, Any]) -> None:
    """An id field: read as sent; one poflow cannot store as an Identifier goes
    to review (low confidence) rather than failing the whole file."""
    value = seg.text(n, what)
    target[path.rsplit(".", 1)[-1]] = value
    if _IDENTIFIER.fullmatch(value) and len(value) <= 64:
        r.read(path, seg, n)
    else:
        r.read(path, seg, n, confidence=0.3)
        r.warnings.append(f"{what} {value!r} ({seg.ref(n)}) is not a valid identifier")


def read_line_number(r: Reading, seg: Segment, n: int, index: int, path: str) -> int:
    """The PO line: the element when it is a number, else the position."""
    value = seg.get(n)
    if value.isdigit() and 0 < int(value) < 10**9:
        r.read(path, seg, n)
        return int(value)
    r.derived(path, 0.6, f"position of {seg.ref()}")
    shown = f"{value!r}" if value else "missing"
    r.warnings.append(f"{seg.tag}{n:02d} is {shown}: line {index + 1} taken from the segment's position")
    return index + 1


def read_unit_price(r: Reading, seg: Segment, n: int, basis_n: int, what: str, path: str) -> Decimal | None:
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


def read_uom(r: Reading, seg: Segment, n: int, path: str, target: dict[str, Any]) -> None:
    """The unit of measure (element 355) when sent, cut to what poflow stores."""
    if seg.get(n):
        target["uom"] = seg.get(n)[:8]
        r.read(path, seg, n)


def product_ids(seg: Segment, first: int) -> dict[str, tuple[str, int]]:
    """Qualifier → (id, element) from the product id pairs starting at `first`
    (PO106/PO107, IT106/IT107, LIN02/LIN03, ACK07/ACK08 …)."""
    ids: dict[str, tuple[str, int]] = {}
    for n in range(first, len(seg.elements) - 1, 2):
        qualifier, value = seg.get(n), seg.get(n + 1)
        if qualifier and value and qualifier not in ids:
            ids[qualifier] = (value, n + 1)
    return ids


def read_item_id(r: Reading, seg: Segment, first: int, path: str, target: dict[str, Any]) -> None:
    """The item as the buyer knows it (BP buyer's part) when sent, else the
    vendor's part (VP) or the first id given."""
    ids = product_ids(seg, first)
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


def read_vendor(r: Reading, env: Envelope, parties: list[Segment], refs: list[Segment]) -> None:
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
            if seg.get(1) == code and seg.get(3) == _BUYER_ASSIGNED and valid_id(seg.get(4))
        ),
        None,
    )
    if assigned is not None:
        r.document["vendor_id"] = assigned.get(4)
        r.read("vendor_id", assigned, 4, 0.9)
        return
    internal = next((seg for seg in refs if seg.get(1) == "IA" and valid_id(seg.get(2))), None)
    if internal is not None:
        r.document["vendor_id"] = internal.get(2)
        r.read("vendor_id", internal, 2, 0.9)
        return
    for value, where in ((env.group.sender, env.group.header.ref(2)), (ic.sender_id, ic.header.ref(6))):
        if valid_id(value):
            r.document["vendor_id"] = value
            r.derived("vendor_id", 0.5, where)
            return
    r.warnings.append("no vendor id in the document and none given: the vendor must be resolved by review")


def valid_id(value: str) -> bool:
    return bool(value) and len(value) <= 64 and bool(_IDENTIFIER.fullmatch(value))


def check_line_count(r: Reading, summary: list[Segment], counted: int, tag: str) -> None:
    ctt = first_of(summary, "CTT")
    if ctt is None:
        return
    declared = ctt.integer(1, "number of line items")
    if declared is not None and declared != counted:
        r.warnings.append(f"CTT01 says {declared} line items; the transaction set has {counted} {tag}")
