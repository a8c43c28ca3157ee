"""UN/EDIFACT out: the ORDERS (D.96A) purchase order, and the interchange
envelope every EDIFACT file poflow (or its supplier simulator) writes.

Segments are pydifact `Segment`s and pydifact's `Serializer` writes them, so
the release character escapes `?+ ?: ?' ??` exactly as a reader expects. The
interchange counts (UNT segments, UNZ messages) are computed, never typed.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import UTC, date, datetime
from decimal import Decimal

from pydifact.control.characters import Characters
from pydifact.segments import Segment
from pydifact.serializer import Serializer

from models.purchase_order import PurchaseOrder, PurchaseOrderLine

__all__ = [
    "EdiBody",
    "date_element",
    "number",
    "render_interchange",
    "render_orders",
    "segment",
    "text_components",
    "unit_code",
]

EdiBody = list[Segment]

# poflow units → UN/ECE Recommendation 20 codes (the reader maps them back).
_UNIT_CODES = {"EA": "PCE", "HR": "HUR", "MO": "MON"}


def segment(tag: str, *elements: str | Sequence[str] | None) -> Segment:
    """A segment without trailing empty elements (`LIN+1` rather than `LIN+1++`);
    None and "" are empty, a sequence is a composite element."""
    values: list[str | list[str]] = [
        "" if e is None else (e if isinstance(e, str) else [c or "" for c in e]) for e in elements
    ]
    while values and not any(values[-1]):  # "" or a composite of empty components
        values.pop()
    return Segment(tag, *values) if values else Segment(tag, "")


def number(value: Decimal | int, decimal_mark: str = ".") -> str:
    """Plain notation (`0.0000001`, never `1E-7`) with the interchange's decimal mark."""
    text = format(value, "f") if isinstance(value, Decimal) else str(value)
    return text.replace(".", decimal_mark)


def date_element(qualifier: str, value: date | datetime) -> list[str]:
    """DTM C507: a date as 102 (CCYYMMDD), a timestamp as 203 (CCYYMMDDHHMM, UTC)."""
    if isinstance(value, datetime):
        return [qualifier, value.astimezone(UTC).strftime("%Y%m%d%H%M"), "203"]
    return [qualifier, value.strftime("%Y%m%d"), "102"]


def text_components(text: str, width: int = 70, count: int = 5) -> list[list[str]]:
    """Free text cut into groups of `count` components of at most `width`
    characters, at word boundaries: one group per FTX or IMD segment."""
    lines = textwrap.wrap(" ".join(text.split()), width) or [""]
    return [lines[i : i + count] for i in range(0, len(lines), count)]


def unit_code(uom: str) -> str:
    return _UNIT_CODES.get(uom.upper(), uom.upper())


def render_interchange(
    messages: Sequence[tuple[str, EdiBody]],
    *,
    sender_id: str,
    receiver_id: str,
    control_reference: str,
    now: datetime,
    sender_qualifier: str = "ZZZ",
    receiver_qualifier: str = "ZZZ",
    decimal_mark: str = ".",
    break_lines: bool = False,
    first_reference: int = 1,
) -> bytes:
    """UNA, UNB, then each (message type, body) wrapped in UNH/UNT with message
    references counted from `first_reference`, then UNZ. Written as UNOC
    (ISO 8859-1) when every character fits, else as UNOW (UTF-8, syntax 4)."""
    wrapped: list[Segment] = []
    for offset, (message_type, body) in enumerate(messages):
        reference = str(first_reference + offset)
        wrapped.append(segment("UNH", reference, [message_type, "D", "96A", "UN"]))
        wrapped += body
        wrapped.append(segment("UNT", str(len(body) + 2), reference))
    characters = Characters(decimal_point=decimal_mark)
    stamp = now.astimezone(UTC)
    body_text = Serializer(characters).serialize(wrapped, with_una_header=False, break_lines=break_lines)
    syntax, encoding = (
        ("UNOC", "latin-1") if _fits_latin1(body_text + sender_id + receiver_id) else ("UNOW", "utf-8")
    )
    envelope_open = segment(
        "UNB",
        [syntax, "3" if syntax == "UNOC" else "4"],
        [sender_id, sender_qualifier],
        [receiver_id, receiver_qualifier],
        [stamp.strftime("%y%m%d" if syntax == "UNOC" else "%Y%m%d"), stamp.strftime("%H%M")],
        control_reference,
    )
    envelope_close = segment("UNZ", str(len(messages)), control_reference)
    serializer = Serializer(characters)
    text = (
        serializer.serialize([envelope_open], with_una_header=True, break_lines=break_lines)
        + body_text
        + serializer.serialize([envelope_close], with_una_header=False, break_lines=break_lines)
    )
    return text.encode(encoding)


def _fits_latin1(text: str) -> bool:
    try:
        text.encode("latin-1")
    except UnicodeEncodeError:
        return False
    return True


# --- ORDERS ---------------------------------------------------------------------


def render_orders(
    po: PurchaseOrder,
    *,
    sender_id: str,
    receiver_id: str,
    control_reference: str,
    now: datetime,
    sender_qualifier: str = "ZZZ",
    receiver_qualifier: str = "ZZZ",
    duplicate: bool = False,
) -> bytes:
    """The purchase order as an ORDERS D.96A interchange: BGM 220 (function 9
    original, 5 replace for a later revision, 7 duplicate for the order the
    vendor has sent again as a reminder), order date, buyer and supplier
    parties, currency, payment terms, agreed freight, then one LIN group per PO
    line (buyer's item number, description, QTY+21, DTM+2 need-by, PRI+AAA)."""
    body = _orders_header(po, sender_id, now, duplicate)
    body += [s for line in po.lines for s in order_line_group(line)]
    body += [segment("UNS", "S"), segment("CNT", ["2", str(len(po.lines))])]
    return render_interchange(
        [("ORDERS", body)],
        sender_id=sender_id,
        receiver_id=receiver_id,
        control_reference=control_reference,
        now=now,
        sender_qualifier=sender_qualifier,
        receiver_qualifier=receiver_qualifier,
    )


def _orders_header(po: PurchaseOrder, sender_id: str, now: datetime, duplicate: bool) -> EdiBody:
    function = "7" if duplicate else "9" if po.revision == 0 else "5"  # BGM 1225
    body = [
        segment("BGM", "220", po.po_number, function),
        segment("DTM", date_element("137", po.order_date or now.astimezone(UTC).date())),
    ]
    if po.note:
        body += [segment("FTX", "PUR", None, None, chunk) for chunk in text_components(po.note)]
    body.append(segment("NAD", "BY", [sender_id, "", "92"]))
    body.append(segment("CTA", "PD", ["", po.buyer]))
    if po.requested_by:
        body.append(segment("CTA", "OC", ["", po.requested_by]))
    body.append(segment("NAD", "SU", [po.vendor_id, "", "92"]))
    body.append(segment("CUX", ["2", po.currency, "9"]))
    terms = po.payment_terms
    body.append(segment("PAT", "1", None, ["5", "3", "D", str(terms.net_days)]))
    if terms.discount_days is not None and terms.discount_percent is not None:
        body.append(segment("PAT", "22", None, ["5", "3", "D", str(terms.discount_days)]))
        body.append(segment("PCD", ["12", number(terms.discount_percent)]))
    if po.freight:
        body += [segment("ALC", "C", None, None, None, ["FC"]), segment("MOA", ["23", number(po.freight)])]
    return body


def order_line_group(
    line: PurchaseOrderLine, action: str | None = None, *, described: bool = True
) -> EdiBody:
    """One LIN group of an ORDERS (no action) or ORDCHG (1229 `action`, the
    description only where `described`): item, quantity, need-by, price."""
    body = [segment("LIN", str(line.line_no), action, [line.item_id, "IN"])]
    if described and line.description:
        body += [
            segment("IMD", "F", None, ["", "", "", *chunk])
            for chunk in text_components(line.description, 35, 2)
        ]
    body.append(segment("QTY", ["21", number(line.quantity), unit_code(line.uom)]))
    if line.need_by:
        body.append(segment("DTM", date_element("2", line.need_by)))
    body.append(segment("PRI", ["AAA", number(line.unit_price)]))
    return body
