"""Reads the UN/EDIFACT ORDERS (purchase order, D.96A and later, D.01B
included) a buyer's ERP sends into poflow's `PurchaseOrder`: the door for
ERPs that emit orders only as EDI.

Header: BGM (C002 1001 document name 220 order / 105 purchase order, C106
1004 order number, 1225 message function: 9 original, 5 replace, 6
confirmation, 7 duplicate), DTM+137 order date, DTM+2 delivery date requested
(every line's need-by unless the line has its own), FTX+PUR/AAI note, NAD+SU
supplier (C082 3039 id; 3055 agency 92 = assigned by the buyer: our vendor
id), NAD+DP / NAD+ST (delivery party: not kept, said in a warning),
CTA+PD purchasing contact (C056 3412 name: the buyer) and CTA+OC order
contact (who asked for it), CUX+2 (C504 6345 the order currency), PAT+1 net
days and PAT+22 + PCD+12 discount days and percent (C112 2152 number of
periods), ALC+C with C214 7161 FC + MOA+23 freight.

Lines, one LIN group each: LIN 1082 line number, LIN C212 and PIA numbers for
the item (the buyer's own, 7143 IN/BP, first), IMD+F description (C273 7008),
QTY+21 ordered quantity (C186 6411 unit, UN/ECE Rec. 20 mapped back: PCE →
EA), PRI+AAA net price (PRI+AAB gross with a warning; 5284 unit price basis
divided out), DTM+2 need-by.

Summary, after UNS+S: CNT+2 number of line items, CNT+1 algebraic total of the
quantities, MOA+79 total line items amount, MOA+86 message total: each one
sent must add up. An order that is incomplete or inconsistent raises
`ExtractionError` naming the message and segment; nothing is read "with low
confidence", because a PO from the buyer's own ERP is started, not reviewed.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from activities.intake.edifact.reading import (
    Context,
    Fields,
    Read,
    build_extracted,
    day_field,
    find_bgm,
    free_text,
    line_item_id,
    message_dates,
    read_unit_price,
    split_sections,
)
from activities.intake.edifact.syntax import EdiMessage, EdiSegment
from activities.intake.edifact.values import decimal_text, is_identifier, parse_number, read_moa, read_qty
from activities.intake.po_reading import check_amount, check_quantity_total, lines_amount, validated_po
from models.extraction import Extracted, ExtractedKind

__all__ = ["FORMAT_ORDERS", "read_orders"]

FORMAT_ORDERS = "edifact-ORDERS"

_FUNCTIONS = {
    "",
    "9",
    "5",
    "6",
    "7",
    "31",
    "43",
}  # original, replace, confirmation, duplicate, copy, additional
_REFUSED_FUNCTIONS = {"1": "cancellation", "3": "deletion", "4": "change (send an ORDCHG)"}
_NEED_BY = (("2", 1.0),)  # DTM 2005 code 2: delivery date/time, requested


def read_orders(message: EdiMessage, context: Context) -> Extracted:
    warnings: list[str] = list(context.interchange.warnings)
    sections = split_sections(message)
    header = sections.header
    bgm = find_bgm(message)
    fields: Fields = {}
    _read_order(bgm, message, fields, warnings)
    dates = message_dates(header, message, warnings)
    order_date = day_field(dates, (("137", 1.0),))
    if order_date is not None:
        fields["order_date"] = order_date
    _read_currency(header, message, fields)
    _read_contacts(header, message, fields)
    hint = _read_vendor(header, message, context, fields, warnings)
    _read_terms(header, message, fields)
    _read_freight(header, message, fields)
    _read_note(header, fields)
    _parties_not_kept(header, message, warnings)
    if not sections.lines:
        raise message.error(None, "no LIN segment: the order has no lines")
    header_need_by = day_field(dates, _NEED_BY)
    lines = [_read_line(group, message, warnings, header_need_by) for group in sections.lines]
    extracted = build_extracted(ExtractedKind.PURCHASE_ORDER, FORMAT_ORDERS, fields, lines, warnings, hint)
    _check_summary(sections.summary, message, extracted.document)
    validated_po(extracted, message.name)
    return extracted


def _read_order(bgm: EdiSegment, message: EdiMessage, fields: Fields, warnings: list[str]) -> None:
    if bgm.value(1) not in ("220", "105"):
        warnings.append(
            f"{message.where(bgm)}: document code {bgm.value(1)!r} is not 220 (order): read as one."
        )
    function = bgm.value(3)
    if function in _REFUSED_FUNCTIONS:
        raise message.error(
            bgm,
            f"BGM message function {function} ({_REFUSED_FUNCTIONS[function]}) does not create an order: "
            "poflow takes new orders here (9 original, 5 replace, 6 confirmation, 7 duplicate)",
        )
    if function not in _FUNCTIONS:
        raise message.error(
            bgm, f"BGM message function {function!r} (element 3) is not a code this reader knows"
        )
    number = bgm.value(2, 1)
    if not number:
        raise message.error(bgm, "BGM has no order number (element 2, 1004)")
    if not is_identifier(number):
        raise message.error(bgm, f"order number {number!r} (BGM element 2) is not a valid identifier")
    fields["po_number"] = Read(number, bgm.at(2, 1))


def _qualified(segments: list[EdiSegment], tag: str, *qualifiers: str) -> EdiSegment | None:
    return next((s for s in segments if s.tag == tag and (not qualifiers or s.qualifier in qualifiers)), None)


def _read_currency(header: list[EdiSegment], message: EdiMessage, fields: Fields) -> None:
    cux = _qualified(header, "CUX", "2") or _qualified(header, "CUX")
    if cux is None or not cux.value(1, 2):
        raise message.error(cux, "no order currency (CUX+2, C504 6345)")
    fields["currency"] = Read(cux.value(1, 2).upper(), cux.at(1, 2))


def _read_contacts(header: list[EdiSegment], message: EdiMessage, fields: Fields) -> None:
    """CTA C056: 3413 department or employee id, 3412 name (the name first)."""
    for qualifier, name in (("PD", "buyer"), ("OC", "requested_by")):
        cta = _qualified(header, "CTA", qualifier)
        if cta is None:
            continue
        who, component = (cta.value(2, 2), 2) if cta.value(2, 2) else (cta.value(2, 1), 1)
        if who:
            fields[name] = Read(who[:128], cta.at(2, component))
    if "buyer" not in fields:
        raise message.error(None, "no purchasing contact (CTA+PD with a name): the order names no buyer")


def _read_vendor(
    header: list[EdiSegment], message: EdiMessage, context: Context, fields: Fields, warnings: list[str]
) -> str:
    """NAD+SU (else +SE) C082 3039: our vendor id when 3055 is 92; another
    party id is taken as sent (the door must find it in the vendor master)."""
    nad = _qualified(header, "NAD", "SU") or _qualified(header, "NAD", "SE")
    name = " ".join(part for part in (nad.components(4) if nad else ()) if part.strip())
    hint = "; ".join(part for part in (name, f"UNB recipient {context.interchange.recipient_id}") if part)
    if nad is not None and nad.value(2, 1):
        vendor = nad.value(2, 1)
        if not is_identifier(vendor):
            raise message.error(nad, f"supplier id {vendor!r} (NAD element 2) is not a valid identifier")
        if nad.value(2, 3) != "92":
            warnings.append(
                f"{message.where(nad)}: supplier id {vendor} is not one the buyer assigned (agency "
                f"{nad.value(2, 3) or 'not given'}): it must be poflow's vendor id."
            )
        fields["vendor_id"] = Read(vendor, nad.at(2, 1))
        return hint
    if context.vendor_id:
        warnings.append(
            f"{message.name}: no supplier (NAD+SU): the caller's vendor {context.vendor_id} is used."
        )
        fields["vendor_id"] = Read(context.vendor_id, None)
        return hint
    raise message.error(nad, "no supplier id (NAD+SU, C082 3039): the order names no vendor")


def _read_terms(header: list[EdiSegment], message: EdiMessage, fields: Fields) -> None:
    """PAT C112 2152 (number of periods, in days with 2151 D): PAT+1 net,
    PAT+22 discount, whose percent is the PCD+12 that follows it."""
    terms: dict[str, Any] = {}
    where: str | None = None
    for index, pat in enumerate(header):
        if pat.tag != "PAT" or pat.qualifier not in ("1", "22"):
            continue
        days = _days(pat, message)
        where = where or pat.at(3, 4)
        if pat.qualifier == "1":
            terms["net_days"] = days
            continue
        pcd = next((s for s in header[index + 1 : index + 4] if s.tag == "PCD" and s.qualifier == "12"), None)
        if pcd is None:
            raise message.error(pat, "PAT+22 (discount) without its percentage (PCD+12)")
        terms["discount_days"] = days
        terms["discount_percent"] = decimal_text(
            parse_number(pcd.value(1, 2), pcd, message, "discount percent")
        )
    if terms:
        fields["payment_terms"] = Read(terms, where)


def _days(pat: EdiSegment, message: EdiMessage) -> int:
    count, period = pat.value(3, 4), pat.value(3, 3)
    if period not in ("D", "") or not (count.isascii() and count.isdigit() and len(count) <= 3):
        raise message.error(
            pat, f"{pat.label} terms {count!r} {period!r} (C112 2152/2151) are not a number of days"
        )
    return int(count)


def _read_freight(header: list[EdiSegment], message: EdiMessage, fields: Fields) -> None:
    for index, alc in enumerate(header):
        if alc.tag == "ALC" and alc.qualifier == "C" and alc.value(5, 1) == "FC":
            moa = next(
                (s for s in header[index + 1 : index + 6] if s.tag == "MOA" and s.qualifier in ("23", "8")),
                None,
            )
            if moa is not None:
                amount, _ = read_moa(moa, message)
                fields["freight"] = Read(decimal_text(amount), moa.at(1, 2))
            return


def _read_note(header: list[EdiSegment], fields: Fields) -> None:
    notes = [s for s in header if s.tag == "FTX" and s.qualifier in ("PUR", "AAI", "ORI") and free_text(s)]
    if notes:
        fields["note"] = Read(" ".join(free_text(s) for s in notes)[:2000], notes[0].at(4))


def _parties_not_kept(header: list[EdiSegment], message: EdiMessage, warnings: list[str]) -> None:
    for qualifier, what in (("DP", "delivery party"), ("ST", "ship-to")):
        nad = _qualified(header, "NAD", qualifier)
        if nad is not None:
            parts = [
                nad.value(2, 1),
                *nad.components(4),
                *nad.components(5),
                nad.value(6),
                nad.value(8),
                nad.value(9),
            ]
            text = ", ".join(part.strip() for part in parts if part.strip())
            warnings.append(f"{message.where(nad)}: {what} {text!r} is not kept: poflow's PO has no {what}.")


def _read_line(
    group: list[EdiSegment], message: EdiMessage, warnings: list[str], header_need_by: Read | None
) -> Fields:
    lin = group[0]
    number = lin.value(1)
    if not (number.isascii() and number.isdigit() and 0 < int(number) < 10**9):
        raise message.error(lin, f"line number {number!r} (LIN 1082) is not a positive whole number")
    line: Fields = {"line_no": Read(int(number), lin.at(1))}
    item = line_item_id(group)
    if item is None:
        raise message.error(lin, "no item number (LIN C212 or PIA)")
    line["item_id"] = item
    descriptions = [s for s in group if s.tag == "IMD" and s.qualifier in ("F", "")]
    text = " ".join(p.strip() for s in descriptions for p in s.components(3)[3:] if p.strip())
    if text:
        line["description"] = Read(text[:500], descriptions[0].at(3, 4))
    qty = _qualified(group, "QTY", "21")
    if qty is None:
        raise message.error(lin, "no ordered quantity (QTY+21) in the line")
    quantity, unit = read_qty(qty, message)
    line["quantity"] = Read(decimal_text(quantity), qty.at(1, 2))
    if unit:
        line["uom"] = Read(unit, qty.at(1, 3))
    price = read_unit_price(group, message, warnings)
    if price is None:
        raise message.error(lin, "no price (PRI+AAA or PRI+AAB) in the line")
    line["unit_price"] = price
    need_by = day_field(message_dates(group, message, warnings), _NEED_BY) or header_need_by
    if need_by is not None:
        line["need_by"] = need_by
    return line


def _check_summary(summary: list[EdiSegment], message: EdiMessage, document: dict[str, Any]) -> None:
    """CNT+2 / CNT+1 and MOA+79 / MOA+86, when sent, must agree with the lines."""
    lines = document["lines"]
    for cnt in (s for s in summary if s.tag == "CNT"):
        stated = parse_number(cnt.value(1, 2), cnt, message, "control total")
        if cnt.qualifier == "2" and stated != len(lines):
            raise message.error(cnt, f"CNT+2 says {stated} line items; the order has {len(lines)} LIN")
        if cnt.qualifier == "1":
            check_quantity_total(stated, lines, "CNT+1 (total of the quantities)", message.where(cnt))
    total = lines_amount(lines, document.get("currency"))
    freight = Decimal(str(document.get("freight") or 0))
    for moa in (s for s in summary if s.tag == "MOA" and s.qualifier in ("79", "86", "128")):
        amount, _ = read_moa(moa, message)
        allowed = [total] if moa.qualifier == "79" else [total, total + freight]
        check_amount(amount, allowed, f"MOA+{moa.qualifier}", message.where(moa))
