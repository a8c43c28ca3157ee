"""Reads the UN/EDIFACT DESADV (despatch advice, D.96A and later) into
`ShipNotice`s, one per purchase order.

A DESADV describes one shipment: header (BGM 351 number, DTM 137/11/17, RFF
order and transport references, TDT carrier), then a CPS packing hierarchy
(shipment → pallets → cartons) whose LIN groups carry the items, QTY+12 the
despatched quantity and RFF+ON the order (and order line) each item belongs to.
Lines of several orders may share one shipment: poflow wants one ship notice
per PO, so the lines are grouped by order, and an order line packed in several
packages is added up.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from activities.intake.edifact.reading import (
    UNB_PREPARED_AT,
    Context,
    Fields,
    Read,
    build_extracted,
    day_field,
    find_bgm,
    line_item_id,
    line_number,
    message_dates,
    order_reference,
    order_references,
    read_vendor,
)
from activities.intake.edifact.syntax import EdiMessage, EdiSegment
from activities.intake.edifact.values import decimal_text, is_identifier, iso_utc, read_qty
from models.extraction import Extracted, ExtractedKind

__all__ = ["read_desadv"]

_EXPECTED_DELIVERY = (("17", 1.0), ("132", 0.9), ("69", 0.9), ("2", 0.8))


@dataclass
class _Layout:
    header: list[EdiSegment] = field(default_factory=list)
    packages: dict[str, str] = field(default_factory=dict)  # CPS id → parent id
    package_orders: dict[str, EdiSegment] = field(default_factory=dict)  # CPS id → its RFF+ON
    items: list[tuple[list[EdiSegment], str | None]] = field(default_factory=list)  # LIN group, CPS id


@dataclass
class _Line:
    po: Read | None
    fields: Fields


def read_desadv(message: EdiMessage, context: Context) -> list[Extracted]:
    warnings: list[str] = list(context.interchange.warnings)
    layout = _layout(message)
    header: Fields = {}
    bgm = find_bgm(message)
    if bgm.value(1) and bgm.value(1) not in ("351", "YA5"):
        warnings.append(f"{message.where(bgm)}: document code {bgm.value(1)!r} is not 351 (despatch advice).")
    if not bgm.value(2, 1):
        raise message.error(bgm, "BGM has no despatch advice number (element 2)")
    header["asn_id"] = Read(bgm.value(2, 1), bgm.at(2, 1), 1.0 if is_identifier(bgm.value(2, 1)) else 0.3)
    vendor, hint = read_vendor(layout.header, context, ("SU", "SE", "CZ"), warnings)
    if vendor:
        header["vendor_id"] = vendor
    _read_dates(layout.header, message, context, header, warnings)
    _read_transport(layout.header, header)
    lines = [
        _read_line(group, cps, position, layout, message, warnings)
        for position, (group, cps) in enumerate(layout.items, start=1)
    ]
    by_order = _group_by_order([line for line in lines if line is not None], layout, message, warnings)
    if not by_order:
        warnings.append(f"{message.name}: no despatched lines (LIN with QTY+12) were found.")
        return [build_extracted(ExtractedKind.ASN, "edifact-DESADV", header, [], warnings, hint)]
    notices = []
    for po, order_lines in by_order:
        fields = dict(header)
        if po is not None:
            fields["po_number"] = po
        notices.append(
            build_extracted(ExtractedKind.ASN, "edifact-DESADV", fields, order_lines, warnings, hint)
        )
    return notices


def _layout(message: EdiMessage) -> _Layout:
    """Split the body into header, packages (CPS) and item groups (LIN)."""
    layout = _Layout()
    package: str | None = None
    group: list[EdiSegment] | None = None
    for segment in message.body:
        if segment.tag == "CPS":
            package, group = segment.value(1) or f"#{segment.number}", None
            layout.packages[package] = segment.value(2)
        elif segment.tag == "LIN":
            group = [segment]
            layout.items.append((group, package))
        elif segment.tag == "UNS" or segment.tag == "CNT":
            group = None
        elif group is not None:
            group.append(segment)
        elif package is not None:
            if segment.tag == "RFF" and segment.qualifier == "ON" and package not in layout.package_orders:
                layout.package_orders[package] = segment
        else:
            layout.header.append(segment)
    return layout


def _read_dates(
    segments: list[EdiSegment], message: EdiMessage, context: Context, fields: Fields, warnings: list[str]
) -> None:
    dates = message_dates(segments, message, warnings)
    if "11" in dates:
        reading, segment = dates["11"]
        fields["shipped_at"] = Read(
            iso_utc(reading.moment), segment.at(1, 2), 1.0 if reading.has_time else 0.9
        )
    elif "137" in dates:
        reading, segment = dates["137"]
        warnings.append(f"{message.name}: no DTM+11 despatch date; the document date was used.")
        fields["shipped_at"] = Read(iso_utc(reading.moment), segment.at(1, 2), 0.7)
    elif context.interchange.prepared_at is not None:
        warnings.append(f"{message.name}: no despatch or document date; the interchange date was used.")
        fields["shipped_at"] = Read(iso_utc(context.interchange.prepared_at), UNB_PREPARED_AT, 0.5)
    expected = day_field(dates, _EXPECTED_DELIVERY)
    if expected is not None:
        fields["expected_delivery"] = expected


def _read_transport(segments: list[EdiSegment], fields: Fields) -> None:
    """Carrier from TDT C040 (3128 name, else 3127 id) or NAD+CA; tracking from
    RFF+CN (carrier's reference) or RFF+BM (bill of lading)."""
    for segment in segments:
        if segment.tag == "TDT" and "carrier" not in fields:
            name, code = segment.value(5, 4), segment.value(5, 1)
            if name or code:
                fields["carrier"] = Read((name or code)[:128], segment.at(5, 4 if name else 1), 1.0)
        elif segment.tag == "NAD" and segment.qualifier == "CA" and "carrier" not in fields:
            name = " ".join(p for p in segment.components(4) if p) or segment.value(2, 1)
            if name:
                fields["carrier"] = Read(name[:128], segment.at(4), 0.9)
    references = {s.qualifier: s for s in segments if s.tag == "RFF" and s.value(1, 2)}
    for qualifier, confidence in (("CN", 1.0), ("BM", 0.9)):
        if qualifier in references:
            segment = references[qualifier]
            fields["tracking_number"] = Read(segment.value(1, 2)[:128], segment.at(1, 2), confidence)
            break


def _read_line(
    group: list[EdiSegment],
    package: str | None,
    position: int,
    layout: _Layout,
    message: EdiMessage,
    warnings: list[str],
) -> _Line | None:
    lin = group[0]
    quantities = [s for s in group if s.tag == "QTY" and s.qualifier == "12"]
    if not quantities:
        warnings.append(f"{message.where(lin)}: no QTY+12 despatched quantity; the line was left out.")
        return None
    quantity, unit = read_qty(quantities[0], message)
    if quantity <= 0:
        warnings.append(f"{message.where(lin)}: despatched quantity {quantity}; the line was left out.")
        return None
    fields: Fields = {
        "line_no": line_number(group, position, message, warnings, lin_confidence=0.8),
        "quantity_shipped": Read(quantity, quantities[0].at(1, 2), 1.0),
    }
    if unit:
        fields["uom"] = Read(unit, quantities[0].at(1, 3), 1.0)
    item = line_item_id(group)
    if item is not None:
        fields["item_id"] = item
    return _Line(_line_order(group, package, layout), fields)


def _line_order(group: list[EdiSegment], package: str | None, layout: _Layout) -> Read | None:
    """The order a line belongs to: its own RFF+ON, else its package's (up the
    CPS hierarchy), else the header's."""
    reference = order_reference(group)
    seen: set[str] = set()
    while reference is None and package is not None and package not in seen:
        seen.add(package)
        reference = layout.package_orders.get(package)
        package = layout.packages.get(package) or None
    if reference is None:
        headers = order_references(layout.header)
        if not headers:
            return None
        unique = dict.fromkeys(s.value(1, 2) for s in headers)
        return Read(headers[0].value(1, 2), headers[0].at(1, 2), 1.0 if len(unique) == 1 else 0.5)
    number = reference.value(1, 2)
    return Read(number, reference.at(1, 2), 1.0 if is_identifier(number) else 0.3)


def _group_by_order(
    lines: list[_Line], layout: _Layout, message: EdiMessage, warnings: list[str]
) -> list[tuple[Read | None, list[Fields]]]:
    """One entry per order in order of appearance; the same order line packed
    in several packages becomes one line with the quantities added."""
    headers = {s.value(1, 2) for s in order_references(layout.header)}
    if len(headers) > 1 and any(line.po is not None and line.po.confidence == 0.5 for line in lines):
        warnings.append(
            f"{message.name} names several orders in its header and some lines do not say "
            "which they belong to; they were put on the first."
        )
    if any(line.po is None for line in lines):
        warnings.append(f"{message.name}: no RFF+ON order number; the PO must be resolved by review.")
    orders: dict[str | None, tuple[Read | None, dict[int, Fields]]] = {}
    for line in lines:
        key = line.po.value if line.po else None
        po, by_line = orders.setdefault(key, (line.po, {}))
        if line.po is not None and po is not None and line.po.confidence < po.confidence:
            orders[key] = (line.po, by_line)
        number = line.fields["line_no"].value
        if number in by_line:
            _add_quantity(by_line[number], line.fields)
            warnings.append(
                f"{message.name}: line {number} of order {key} is packed in several packages; "
                "the quantities were added."
            )
        else:
            by_line[number] = dict(line.fields)
    return [(po, [_plain(fields) for fields in by_line.values()]) for po, by_line in orders.values()]


def _add_quantity(into: Fields, more: Fields) -> None:
    total = into["quantity_shipped"].value + more["quantity_shipped"].value
    first = into["quantity_shipped"]
    into["quantity_shipped"] = Read(
        total, first.where, min(first.confidence, more["quantity_shipped"].confidence)
    )


def _plain(fields: Fields) -> Fields:
    """Quantities stay Decimal while lines are added up; JSON wants text."""
    quantity = fields["quantity_shipped"]
    return {
        **fields,
        "quantity_shipped": Read(decimal_text(quantity.value), quantity.where, quantity.confidence),
    }
