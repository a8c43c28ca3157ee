"""Writes the X12 860 (purchase order change request, buyer initiated,
004010) poflow sends a vendor on X12 for a revision after the first: what
changed between the revision the vendor has and the new one, line by line.

- BCH: BCH01 transaction set purpose (element 353) "04" change, or "01"
  cancellation when the whole order is cancelled; BCH02 "SA" stand-alone;
  BCH03 PO number; BCH05 change order sequence number = the revision; BCH06
  PO date; BCH11 the date of the change.
- CUR, REF*VR vendor, PER*BD buyer, N1*VN as in the 850.
- One POC loop per changed line: POC01 line number, POC02 change or response
  type (element 670), POC03 quantity ordered (the current order quantity,
  after the change), POC05 unit, POC06 unit price with POC07 basis "PE",
  POC08/09 "BP" and the buyer's item id; a PID description for an added line;
  a DTM*002 (delivery requested) for a changed or new need-by date.
- CTT: the number of POC loops and the hash total of POC03.

Element 670 codes used (X12 dictionary, Stedi's reference
https://stedi.com/edi/x12-003020/element/670 and POC at
https://stedi.com/edi/x12/segment/POC; reference/p2p-semantics.md [S:X12-670]):
AI add additional item(s), DI delete item(s), PC price change, QI quantity
increase, QD quantity decrease, PQ unit price/quantity change, RS
reschedule, RQ reschedule/quantity change, PR unit price/reschedule change,
CA changes to line items (anything else, or more than these at once).
BCH: https://zenbridge.io/edi-dictionary/X12/4010/860-purchase-order-change-request---buyer-initiated/segment/BCH-20
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from activities.intake.x12.write import InterchangeWriter, SegmentSpec, X12Style, x12_date
from models.purchase_order import PurchaseOrder, PurchaseOrderLine

__all__ = ["LineChange", "change_type", "changed_lines", "render_860"]

# (price changed, quantity changed, need-by changed) → element 670 code, when
# nothing else on the line changed.
_CHANGE_TYPES = {
    (True, False, False): "PC",
    (True, True, False): "PQ",
    (False, False, True): "RS",
    (False, True, True): "RQ",
    (True, False, True): "PR",
}
# Line fields with a POC element or DTM of their own; any other change is CA.
_OTHER_FIELDS = ("item_id", "description", "uom", "schedules", "substituted_for")
# What the vendor sees of a line; poflow's own (match level, tax rate,
# category and where they came from) never makes a change order.
_SENT_FIELDS = ("quantity", "unit_price", "need_by", *_OTHER_FIELDS)


@dataclass(frozen=True)
class LineChange:
    """One line of the change order: as the vendor has it and as it is now
    (None: the line is added, or deleted)."""

    line_no: int
    before: PurchaseOrderLine | None
    after: PurchaseOrderLine | None

    @property
    def need_by_changed(self) -> bool:
        return (
            self.before is not None and self.after is not None and self.before.need_by != self.after.need_by
        )


def changed_lines(previous: PurchaseOrder, po: PurchaseOrder, *, cancel: bool = False) -> list[LineChange]:
    """The lines whose terms (`_SENT_FIELDS`) differ between the two
    revisions, added or gone, in line order; with `cancel`, every line of
    `previous` as deleted."""
    if cancel:
        return [LineChange(line.line_no, line, None) for line in previous.lines]
    numbers = sorted({line.line_no for line in previous.lines} | {line.line_no for line in po.lines})
    found = []
    for n in numbers:
        before, after = previous.line(n), po.line(n)
        if (
            before is None
            or after is None
            or any(getattr(before, name) != getattr(after, name) for name in _SENT_FIELDS)
        ):
            found.append(LineChange(n, before, after))
    return found


def change_type(change: LineChange) -> str:
    """POC02 (element 670) for one changed line."""
    before, after = change.before, change.after
    if before is None:
        return "AI"
    if after is None:
        return "DI"
    if any(getattr(before, name) != getattr(after, name) for name in _OTHER_FIELDS):
        return "CA"
    price = before.unit_price != after.unit_price
    quantity = before.quantity != after.quantity
    if quantity and not price and not change.need_by_changed:
        return "QI" if after.quantity > before.quantity else "QD"
    return _CHANGE_TYPES.get((price, quantity, change.need_by_changed), "CA")


def render_860(
    previous: PurchaseOrder,
    po: PurchaseOrder,
    *,
    sender_id: str,
    receiver_id: str,
    control_number: int,
    now: datetime,
    style: X12Style | None = None,
    cancel: bool = False,
    reason: str | None = None,
) -> bytes:
    """The change from `previous` (the revision the vendor has) to `po` as an
    X12 860 interchange from poflow (`sender_id`) to the vendor; with
    `cancel`, the cancellation of the whole order (BCH01 "01", every line DI).
    The buyer's `reason` goes in N9 "L1" / MSG, as the 850 carries its note."""
    if (previous.po_number, previous.vendor_id) != (po.po_number, po.vendor_id):
        raise ValueError(f"{previous.po_number} and {po.po_number} are not two revisions of one order")
    writer = InterchangeWriter(
        style or X12Style(),
        sender_id=sender_id,
        receiver_id=receiver_id,
        control_number=control_number,
        now=now,
    )
    changes = changed_lines(previous, po, cancel=cancel)
    writer.add("860", _header(po, now.date(), cancel, reason) + _poc_loops(changes) + [_ctt(changes)])
    return writer.render()


def _header(po: PurchaseOrder, change_date: date, cancel: bool, reason: str | None) -> list[SegmentSpec]:
    order_date = po.order_date or (po.created_at.date() if po.created_at else change_date)
    segments: list[SegmentSpec] = [
        (
            "BCH",
            "01" if cancel else "04",
            "SA",
            po.po_number,
            None,
            po.revision,  # BCH05 change order sequence number
            x12_date(order_date),
            None,
            None,
            None,
            None,
            x12_date(change_date),  # BCH11 the change's date
        ),
        ("CUR", "BY", po.currency),
        ("REF", "VR", po.vendor_id),
        ("PER", "BD", po.buyer),
        *_reason(reason),  # the N9 loop comes before N1 in the 860's header
        ("N1", "VN", None, "92", po.vendor_id),
    ]
    return segments


def _reason(reason: str | None) -> list[SegmentSpec]:
    if not reason:
        return []
    return [("N9", "L1", "REASON"), *(("MSG", reason[i : i + 264]) for i in range(0, len(reason), 264))]


def _poc_loops(changes: list[LineChange]) -> list[SegmentSpec]:
    segments: list[SegmentSpec] = []
    for change in changes:
        code = change_type(change)
        if change.after is None:
            assert change.before is not None
            old = change.before
            segments.append(("POC", change.line_no, code, None, None, None, None, None, "BP", old.item_id))
            continue
        line = change.after
        segments.append(
            (
                "POC",
                line.line_no,
                code,
                line.quantity,
                None,
                line.uom,
                line.unit_price,
                "PE",
                "BP",
                line.item_id,
            )
        )
        if change.before is None and line.description:
            segments.append(("PID", "F", None, None, None, line.description[:80]))
        if line.need_by and (change.before is None or change.need_by_changed):
            segments.append(("DTM", "002", x12_date(line.need_by)))
    return segments


def _ctt(changes: list[LineChange]) -> SegmentSpec:
    total = sum((c.after.quantity for c in changes if c.after is not None), Decimal(0))
    return ("CTT", len(changes), total)
