"""A supplier's X12 865 (purchase order change acknowledgment, seller
initiated, 004010): its answer to poflow's 860 change order, rendered from
poflow's own models the way tools.supplier_sim.x12 renders an 855.

- BCA: BCA01 "00" original; BCA02 acknowledgment type (AD accepted, AC
  accepted with changes, RJ rejected); BCA03 the PO number; BCA05 the change
  order sequence number answered (the revision poflow sent in BCH05); BCA06
  the PO date.
- N9*L1 / MSG the supplier's message, N1*VN the supplier.
- Per acknowledged line a POC loop: POC01 line, POC02 change type (element
  670: the buyer's change the line answers, as the 860 named it; else the
  supplier's own change), POC03 quantity ordered, POC05 unit, POC06 unit
  price (the supplier's when it changes it) with POC07 "PE", POC08/09 "BP"
  and the buyer's item id; then one ACK (element 668 as in an 855) with the
  confirmed quantity and a promised date (ACK04 "068").
- CTT: the number of POC loops and the hash total of POC03.

The acknowledgment date is the group's (GS04/GS05): the reader takes it
from there, so `now` is what `acknowledged_at` reads back as.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from activities.intake.x12.write import InterchangeWriter, SegmentSpec, x12_date
from activities.intake.x12.write_860 import change_type, changed_lines
from models.acknowledgments import AckLineStatus, Acknowledgment, AcknowledgmentLine, AckStatus
from models.purchase_order import PurchaseOrder, PurchaseOrderLine
from tools.supplier_sim.x12 import SupplierEdi

__all__ = ["render_865"]

_BCA02 = {AckStatus.ACCEPTED: "AD", AckStatus.ACCEPTED_WITH_CHANGES: "AC", AckStatus.REJECTED: "RJ"}


def render_865(
    ack: Acknowledgment,
    *,
    po: PurchaseOrder,
    previous: PurchaseOrder | None,
    supplier: SupplierEdi,
    control_number: int,
    now: datetime,
) -> bytes:
    """One interchange with one 865 answering the change from `previous` to
    `po` (the revision the 860 carried: BCA05)."""
    if ack.po_number != po.po_number:
        raise ValueError(f"the acknowledgment is for {ack.po_number}, not {po.po_number}")
    buyer_changes = (
        {c.line_no: change_type(c) for c in changed_lines(previous, po)} if previous is not None else {}
    )
    order_date = po.order_date or now.date()
    segments: list[SegmentSpec] = [
        ("BCA", "00", _BCA02[ack.status], po.po_number, None, po.revision, x12_date(order_date)),
    ]
    if ack.message:
        segments += [("N9", "L1", "NOTES"), *(("MSG", text[:264]) for text in ack.message.splitlines())]
    if supplier.sends_vendor_number:
        segments.append(("N1", "VN", supplier.name, "92", supplier.vendor_id))
    else:
        segments.append(("N1", "VN", supplier.name, "1", supplier.duns))
    hash_total = Decimal(0)
    lines = sorted(ack.lines, key=lambda item: item.line_no)
    for line in lines:
        ordered = po.line(line.line_no)
        if ordered is None:
            raise ValueError(f"line {line.line_no} is not on {po.po_number} r{po.revision}")
        hash_total += ordered.quantity
        segments += _poc_loop(line, ordered, buyer_changes.get(line.line_no))
    segments.append(("CTT", len(lines), hash_total))
    writer = InterchangeWriter(
        supplier.style,
        sender_id=supplier.interchange_id,
        receiver_id=supplier.receiver_id,
        control_number=control_number,
        now=now,
    )
    writer.add("865", segments)
    return writer.render()


def _poc_loop(
    line: AcknowledgmentLine, ordered: PurchaseOrderLine, buyer_change: str | None
) -> list[SegmentSpec]:
    price = line.unit_price if line.unit_price is not None else ordered.unit_price
    poc: SegmentSpec = (
        "POC",
        line.line_no,
        buyer_change or _supplier_change(line, ordered),
        ordered.quantity,
        None,
        ordered.uom,
        price,
        "PE",
        "BP",
        ordered.item_id,
    )
    quantity = line.quantity if line.quantity is not None else ordered.quantity
    date = ("068", x12_date(line.promised_date)) if line.promised_date else (None, None)
    ack: SegmentSpec = ("ACK", _ack_code(line, ordered), quantity, ordered.uom, *date)
    return [poc, ack]


def _supplier_change(line: AcknowledgmentLine, ordered: PurchaseOrderLine) -> str:
    """POC02 for a line the buyer did not change: what the supplier changes."""
    price = line.unit_price is not None and line.unit_price != ordered.unit_price
    quantity = line.quantity is not None and line.quantity != ordered.quantity
    date = line.promised_date is not None and line.promised_date != ordered.need_by
    if price and not (quantity or date):
        return "PC"
    if date and not (price or quantity):
        return "RS"
    if quantity and not (price or date):
        return "QI" if line.quantity is not None and line.quantity > ordered.quantity else "QD"
    return "CA"


def _ack_code(line: AcknowledgmentLine, ordered: PurchaseOrderLine) -> str:
    """ACK01 (element 668), as an 855's."""
    if line.status == AckLineStatus.ACCEPTED:
        return "IA"
    if line.status == AckLineStatus.BACKORDERED:
        return "IB"
    if line.status == AckLineStatus.REJECTED:
        return "IR"
    changes = [
        code
        for code, changed in (
            ("IP", line.unit_price is not None and line.unit_price != ordered.unit_price),
            ("IQ", line.quantity is not None and line.quantity != ordered.quantity),
            ("DR", line.promised_date is not None),
        )
        if changed
    ]
    return changes[0] if len(changes) == 1 else "IC"
