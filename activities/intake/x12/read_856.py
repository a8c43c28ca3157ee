"""Reads the X12 856 (ship notice / manifest, 004010 and later) into poflow's
ship notices, one per purchase order: the HL hierarchy (shipment, order,
item), BSN shipment id and date, PRF order number, TD5 carrier and REF
tracking number, and per item level the SN1 shipped quantity.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from typing import Any

from activities.intake.x12.errors import EL_INVALID_CODE, SEG_MANDATORY_MISSING
from activities.intake.x12.reading import (
    Envelope,
    Reading,
    all_of,
    first_of,
    product_ids,
    read_identifier,
    read_item_id,
    read_line_number,
    read_uom,
    read_vendor,
    split_loops,
    valid_id,
)
from activities.intake.x12.segment import Segment
from models.extraction import Extracted, ExtractedKind

__all__ = ["FORMAT_856", "read_856"]

FORMAT_856 = "x12-856"

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


def read_856(env: Envelope) -> list[Extracted]:
    header, loops, _ = split_loops(env.tx.body, "HL", {"CTT"})
    bsn = env.require(header, "BSN", "beginning segment for the ship notice")
    if not loops:
        raise env.missing("HL", "hierarchical level", bsn, "HL")
    levels = _hierarchy(loops)
    shipment = header + [seg for level in levels if level.code == "S" for seg in level.segments]
    orders = [level for level in levels if level.code == "O"]
    items = [level for level in levels if level.code == "I"]
    if not orders and not items and first_of(shipment, "PRF") is None:
        return [_shipment_only(env, bsn, shipment)]
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
    env: Envelope, bsn: Segment, shipment: list[Segment], order: _Level, items: list[_Level], several: bool
) -> Extracted:
    r = Reading(ExtractedKind.ASN, FORMAT_856)
    doc = r.document
    own = order.segments if order.code == "O" else []
    context = own + shipment  # the order's own values win over the shipment's
    prf = env.require(order.segments + shipment, "PRF", "purchase order reference", order.hl, "HL")
    read_identifier(r, "po_number", prf, 1, "PO number", doc)
    _shipment(r, env, bsn, context, several)
    doc["lines"] = _shipped_lines(r, items)
    if not doc["lines"]:
        r.warnings.append(f"order {doc['po_number']} has no shipped quantity")
    return r.extracted()


def _shipment_only(env: Envelope, bsn: Segment, shipment: list[Segment]) -> Extracted:
    """An 856 with a shipment level alone, which the standard allows (its
    order and item levels are optional; a buyer's guide requires them). It
    names no PO and nothing shipped, so nothing can be received against it:
    what it does say is read, for a person to tell which PO it ships."""
    r = Reading(ExtractedKind.ASN, FORMAT_856)
    _shipment(r, env, bsn, shipment, several=False)
    r.document["lines"] = []
    r.warnings.append(
        "a shipment level only (HL03 = S): no order level (O) names the PO and no item level (I) "
        "what was shipped; a person must say which PO and lines it ships"
    )
    return r.extracted()


def _shipment(r: Reading, env: Envelope, bsn: Segment, context: list[Segment], several: bool) -> None:
    """What the shipment says: its id and date, delivery, carrier, tracking and shipper."""
    _asn_id(r, bsn, r.document, several)
    _shipped_at(r, bsn, context)
    _delivery_and_transport(r, context)
    read_vendor(r, env, all_of(context, "N1"), all_of(context, "REF"))


def _asn_id(r: Reading, bsn: Segment, doc: dict[str, Any], several: bool) -> None:
    """BSN02. A shipment of several orders is one ship notice per order here,
    so each gets `<BSN02>/<PO number>`: the id stays an idempotency key."""
    shipment_id = bsn.text(2, "shipment identification")
    if not several:
        doc["asn_id"] = shipment_id
        r.read("asn_id", bsn, 2, 1.0 if valid_id(shipment_id) else 0.3)
        return
    doc["asn_id"] = f"{shipment_id}/{doc['po_number']}"
    r.read("asn_id", bsn, 2, 0.9)
    r.warnings.append(
        f"shipment {shipment_id} carries several orders: this order's notice is {doc['asn_id']}"
    )


def _shipped_at(r: Reading, bsn: Segment, context: list[Segment]) -> None:
    shipped = first_of(context, "DTM", "011")
    if shipped is not None:
        r.document["shipped_at"] = _dtm(r, shipped)[1]
        r.read("shipped_at", shipped, 2)
        return
    d = bsn.date(3, "shipment notice date", required=True)
    assert d is not None
    r.document["shipped_at"] = _timestamp(r, bsn, d, bsn.time(4, "shipment notice time"), "")
    r.read("shipped_at", bsn, 3, 0.7)
    r.warnings.append("no ship date (DTM*011): the notice's date (BSN03/BSN04) is used")


def _delivery_and_transport(r: Reading, context: list[Segment]) -> None:
    doc = r.document
    delivery = first_of(context, "DTM", {"017", "067"})
    if delivery is not None:
        doc["expected_delivery"] = delivery.date(2, "expected delivery", required=True)
        r.read("expected_delivery", delivery, 2, 1.0 if delivery.get(1) == "017" else 0.9)
    td5 = next((seg for seg in context if seg.tag == "TD5" and (seg.get(3) or seg.get(5))), None)
    if td5 is not None:
        n = 3 if td5.get(3) else 5
        doc["carrier"] = td5.get(n)[:128]
        r.read("carrier", td5, n)
    for qualifier, confidence in (("CN", 1.0), ("2I", 1.0), ("BM", 0.7)):
        ref = first_of(context, "REF", qualifier)
        if ref is not None and ref.get(2):
            doc["tracking_number"] = ref.get(2)[:128]
            r.read("tracking_number", ref, 2, confidence)
            break


def _timestamp(r: Reading, seg: Segment, d: date, t: time | None, zone: str) -> datetime:
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


def _dtm(r: Reading, seg: Segment) -> tuple[date, datetime]:
    """DTM02 date, and the timestamp with DTM03 time and DTM04 time code."""
    d = seg.date(2, f"date {seg.get(1)}", required=True)
    assert d is not None
    t = seg.time(3, f"time {seg.get(1)}")
    return d, _timestamp(r, seg, d, t, seg.get(4))


def _shipped_lines(r: Reading, items: list[_Level]) -> list[dict[str, Any]]:
    """One line per PO line: an item shipped in several cartons (several item
    levels) is added up."""
    lines: dict[int, dict[str, Any]] = {}
    for index, item in enumerate(items):
        sn1 = first_of(item.segments, "SN1")
        if sn1 is None:
            raise item.hl.error(
                "item level has no SN1 (shipped quantity)", segment_code=SEG_MANDATORY_MISSING
            )
        lin = first_of(item.segments, "LIN")
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
        read_uom(r, sn1, 3, f"{path}.uom", line)
        if lin is not None:
            read_item_id(r, lin, 2, f"{path}.item_id", line)
        lines[line_no] = line
    return list(lines.values())


def _shipped_line_no(r: Reading, lin: Segment | None, sn1: Segment, index: int, path: str) -> int:
    """The PO line: LIN's PL (purchaser's order line) id, else LIN01, else SN101."""
    if lin is not None:
        ids = product_ids(lin, 2)
        if "PL" in ids and ids["PL"][0].isdigit() and int(ids["PL"][0]) > 0:
            r.read(f"{path}.line_no", lin, ids["PL"][1])
            return int(ids["PL"][0])
        if lin.get(1).isdigit() and int(lin.get(1)) > 0:
            return read_line_number(r, lin, 1, index, f"{path}.line_no")
    return read_line_number(r, sn1, 1, index, f"{path}.line_no")


def _forget(r: Reading, path: str) -> None:
    """Drop what was recorded for a line that turned out not to be one."""
    for key in [key for key in r.confidence if key.startswith(path + ".")]:
        r.confidence.pop(key)
        r.locations.pop(key, None)


def _add_to_line(r: Reading, line: dict[str, Any], sn1: Segment, quantity: Decimal) -> None:
    line["quantity_shipped"] += quantity
    uom = sn1.get(3)
    if uom and line.get("uom") and uom != line["uom"]:
        r.warnings.append(f"line {line['line_no']} is shipped in {line['uom']} and {uom}; quantities added")
