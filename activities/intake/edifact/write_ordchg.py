"""UN/EDIFACT out: the ORDCHG (purchase order change request, D.96A) poflow
sends a vendor on EDIFACT for a revision after the first, written after the
ORDERS of `write.render_orders`, with the same envelope and helpers.

- BGM: 1001 = 230 purchase order change request; 1004 the change number
  (`{po_number}-{revision}`); 1225 message function 4 change, or 1
  cancellation of the whole order.
- RFF+ON the PO number (with DTM+171 its order date), and RFF+PP (1153
  purchase order change number) the change number, so the supplier's ORDRSP
  can quote it back.
- DTM+137 the date of the change; NAD+BY / NAD+SU; CUX.
- One LIN group per changed line: LIN 1082 line number, 1229 action request
  (1 added, 2 deleted, 3 changed), C212 the buyer's item id (IN); IMD for an
  added line; QTY+21 the quantity ordered after the change; DTM+2 the
  need-by date; PRI+AAA the net price. A deleted line is its LIN only.
- UNS+S, CNT+2 the number of LIN groups.

Sources: BGM 1225 and the ORDCHG structure, UNTDID D.97B
https://service.unece.org/trade/untdid/d97b/trmd/ordchg_a.htm
(reference/p2p-semantics.md [S:EDIFACT-ORDCHG]); 1001 = 230 and LIN 1229
1/2/3, EANCOM 1997 ORDCHG https://ref.gs1.org/standards/eancom/1997/
(segments BGM and LIN), 1153 PP, EANCOM 2002 ORDCHG
http://eancom.com/ean02s4/part2/ordchg/057.htm, and UNCL 1229 for order change
https://peppol-docs.agid.gov.it/xml/ITA/peppol-bis-3/codelist/UNCL1229_CHANGE.html
The lines that changed are those of the X12 860 (`x12.write_860.changed_lines`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from activities.intake.edifact.write import (
    EdiBody,
    date_element,
    order_line_group,
    render_interchange,
    segment,
    text_components,
)
from activities.intake.x12.write_860 import LineChange, changed_lines
from models.purchase_order import PurchaseOrder

__all__ = ["change_number", "render_ordchg"]


def change_number(po: PurchaseOrder) -> str:
    """BGM 1004: the order change number, one per revision."""
    return f"{po.po_number}-{po.revision}"


def render_ordchg(
    previous: PurchaseOrder,
    po: PurchaseOrder,
    *,
    sender_id: str,
    receiver_id: str,
    control_reference: str,
    now: datetime,
    sender_qualifier: str = "ZZZ",
    receiver_qualifier: str = "ZZZ",
    cancel: bool = False,
    reason: str | None = None,
) -> bytes:
    """The change from `previous` (the revision the vendor has) to `po` as an
    ORDCHG D.96A interchange; with `cancel`, the cancellation of the order
    (BGM 1225 "1", every line deleted). The buyer's `reason` goes in FTX
    "PUR", as the ORDERS carries its note."""
    if (previous.po_number, previous.vendor_id) != (po.po_number, po.vendor_id):
        raise ValueError(f"{previous.po_number} and {po.po_number} are not two revisions of one order")
    changes = changed_lines(previous, po, cancel=cancel)
    body = _header(po, sender_id, now, cancel, reason) + [s for change in changes for s in _line(change)]
    body += [segment("UNS", "S"), segment("CNT", ["2", str(len(changes))])]
    return render_interchange(
        [("ORDCHG", body)],
        sender_id=sender_id,
        receiver_id=receiver_id,
        control_reference=control_reference,
        now=now,
        sender_qualifier=sender_qualifier,
        receiver_qualifier=receiver_qualifier,
    )


def _header(po: PurchaseOrder, sender_id: str, now: datetime, cancel: bool, reason: str | None) -> EdiBody:
    body = [
        segment("BGM", "230", change_number(po), "1" if cancel else "4"),
        segment("DTM", date_element("137", now.astimezone(UTC).date())),
    ]
    if reason:
        body += [segment("FTX", "PUR", None, None, chunk) for chunk in text_components(reason)]
    body.append(segment("RFF", ["ON", po.po_number]))
    if po.order_date:
        body.append(segment("DTM", date_element("171", po.order_date)))
    body.append(segment("RFF", ["PP", change_number(po)]))  # purchase order change number
    body.append(segment("NAD", "BY", [sender_id, "", "92"]))
    body.append(segment("CTA", "PD", ["", po.buyer]))
    body.append(segment("NAD", "SU", [po.vendor_id, "", "92"]))
    body.append(segment("CUX", ["2", po.currency, "9"]))
    return body


def _line(change: LineChange) -> EdiBody:
    if change.after is None:
        assert change.before is not None
        return [segment("LIN", str(change.line_no), "2", [change.before.item_id, "IN"])]
    added = change.before is None
    return order_line_group(change.after, "1" if added else "3", described=added)
