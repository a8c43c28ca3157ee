"""Writes the X12 850 (purchase order, 004010) poflow sends a vendor: BEG,
CUR, REF, PER, ITD terms, SAC freight, N9/MSG note, N1 vendor, a PO1 (with
PID description and DTM need-by) per line, CTT.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from activities.intake.x12.write import InterchangeWriter, SegmentSpec, X12Style, x12_date, x12_implied
from models.purchase_order import PurchaseOrder

__all__ = ["render_850"]


def render_850(
    po: PurchaseOrder,
    *,
    sender_id: str,
    receiver_id: str,
    control_number: int,
    now: datetime,
    style: X12Style | None = None,
    duplicate: bool = False,
) -> bytes:
    """The PO as an X12 850 interchange from poflow (`sender_id`) to the
    vendor; with `duplicate`, the order the vendor has, sent again to chase
    its acknowledgment (BEG01 "07" duplicate)."""
    writer = InterchangeWriter(
        style or X12Style(),
        sender_id=sender_id,
        receiver_id=receiver_id,
        control_number=control_number,
        now=now,
    )
    writer.add("850", _po_segments(po, duplicate))
    return writer.render()


def _po_segments(po: PurchaseOrder, duplicate: bool = False) -> list[SegmentSpec]:
    order_date = po.order_date or (po.created_at.date() if po.created_at else None)
    # BEG01 (element 353): 00 original; a later revision sent whole is 05
    # replace; 07 duplicate re-sends what the vendor has (a reminder).
    purpose = "07" if duplicate else "00" if not po.revision else "05"
    segments: list[SegmentSpec] = [
        (
            "BEG",
            purpose,
            "SA",
            po.po_number,
            None,
            x12_date(order_date) if order_date else None,
        ),
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
