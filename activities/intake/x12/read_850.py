"""Reads the X12 850 (purchase order, 004010 and later) a buyer's ERP sends
into poflow's `PurchaseOrder`: the door for ERPs that emit orders only as EDI.

Header: BEG (BEG01 purpose 353, BEG02 order type 92, BEG03 PO number 324,
BEG05 date 373), CUR (CUR01 BY, CUR02 currency 100), REF (REF01 128: VR vendor
id number, PP purchase order revision number), PER (PER01 366 BD buyer name or
department, PER02 name), ITD terms (ITD03 discount %, ITD05 discount days,
ITD07 net days), SAC*C*D240 freight (SAC05, N2), N9*L1 + MSG note, N1 loops
(N101 98: VN/SE/SU vendor with N103 92 = our vendor id in N104, BY, ST with
N3/N4), DTM*002 (delivery requested) as every line's need-by.

Detail, one PO1 loop per line: PO101 line number, PO102 quantity, PO103 unit
(355), PO104 unit price, PO105 price basis (639: PE per each; HP/TP per 100 /
1000 are divided out), PO106/PO107… product ids (235: BP buyer's part, IN
buyer's item, VP vendor's part; the buyer's id is the item), PID*F description
(PID05), DTM*002 need-by, SCH delivery schedules (SCH01 quantity, SCH05
qualifier 002/010, SCH06 date).

Summary: CTT01 number of PO1 segments, CTT02 hash total of PO102, AMT*TT total
amount: each one that is sent must add up, or the order is refused.

poflow's PO has no ship-to or bill-to: N1*ST (with N3/N4) is read into a warning so
that nobody is surprised they are not kept. Unlike the supplier documents
(855, 810 …), nothing here is read "with low confidence": an order that is
incomplete or inconsistent raises `X12Error`, naming the segment and element.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from activities.intake.po_reading import check_amount, check_quantity_total, lines_amount, validated_po
from activities.intake.x12.errors import EL_INVALID_CHARACTER, EL_INVALID_CODE, EL_MANDATORY_MISSING
from activities.intake.x12.reading import (
    Envelope,
    Reading,
    all_of,
    first_of,
    read_identifier,
    read_item_id,
    read_unit_price,
    read_uom,
    split_loops,
    valid_id,
)
from activities.intake.x12.segment import Segment
from models.extraction import Extracted, ExtractedKind

__all__ = ["FORMAT_850", "read_850"]

FORMAT_850 = "x12-850"

# BEG01 (353) transaction set purpose: what creates an order in poflow.
_PURPOSES = {
    "00": "original",
    "05": "replace",  # the whole order sent again as a later revision
    "06": "confirmation",  # an order placed by phone, confirmed in EDI
    "07": "duplicate",  # the same order sent again: the door answers duplicate
}
_REFUSED_PURPOSES = {"01": "cancellation", "03": "delete", "04": "change (send an 860)"}
_VENDOR_PARTIES = ("VN", "SE", "SU")
_NEED_BY = {"002", "010"}  # delivery requested, requested ship
_FREIGHT = "D240"


def read_850(env: Envelope) -> list[Extracted]:
    r = Reading(ExtractedKind.PURCHASE_ORDER, FORMAT_850)
    header, loops, summary = split_loops(env.tx.body, "PO1", {"CTT"})
    beg = env.require(header, "BEG", "beginning segment for the purchase order")
    _beginning(r, beg)
    _currency(r, env, header, beg)
    _revision(r, header)
    _buyer(r, env, header, beg)
    _vendor(r, env, header, beg)
    _terms(r, header)
    _freight(r, header)
    _note(r, header)
    _parties_not_kept(r, header)
    if not loops:
        raise env.missing("PO1", "purchase order line", beg, "PO1")
    need_by = _need_by(all_of(header, "DTM"))
    r.document["lines"] = [_line(r, loop, index, need_by) for index, loop in enumerate(loops)]
    _check_summary(summary, loops, r.document)
    extracted = r.extracted()
    validated_po(extracted, f"transaction {env.tx.control_number} (850)")
    return [extracted]


def _beginning(r: Reading, beg: Segment) -> None:
    purpose = beg.text(1, "transaction set purpose")
    if purpose in _REFUSED_PURPOSES:
        raise beg.error(
            f"BEG01 {purpose} ({_REFUSED_PURPOSES[purpose]}) does not create an order: "
            "poflow takes new orders here (00 original, 05 replace, 06 confirmation, 07 duplicate)",
            element=1,
            code=EL_INVALID_CODE,
        )
    beg.code(1, "transaction set purpose", _PURPOSES)
    if beg.get(2) not in ("SA", "NE", "KN", ""):
        r.warnings.append(f"BEG02 {beg.get(2)!r} is not a stand-alone order (SA): read as one")
    read_identifier(r, "po_number", beg, 3, "PO number", r.document)
    order_date = beg.date(5, "purchase order date")
    if order_date is not None:
        r.document["order_date"] = order_date
        r.read("order_date", beg, 5)


def _currency(r: Reading, env: Envelope, header: list[Segment], beg: Segment) -> None:
    cur = first_of(header, "CUR", {"BY", "BT", "ST"}) or first_of(header, "CUR")
    if cur is None:
        raise env.missing("CUR", "currency of the order", beg)
    r.document["currency"] = cur.text(2, "currency code").upper()
    r.read("currency", cur, 2)


def _revision(r: Reading, header: list[Segment]) -> None:
    ref = first_of(header, "REF", "PP")
    if ref is None:
        return
    revision = ref.integer(2, "purchase order revision number")
    r.document["revision"] = revision
    r.read("revision", ref, 2)


def _buyer(r: Reading, env: Envelope, header: list[Segment], beg: Segment) -> None:
    """PER*BD names the buyer; the order contact (PER*OC) is who asked for it."""
    per = first_of(header, "PER", "BD")
    if per is None:
        raise env.missing("PER", "buyer contact (PER01 BD)", beg)
    r.document["buyer"] = per.text(2, "buyer name")[:128]
    r.read("buyer", per, 2)
    contact = first_of(header, "PER", "OC")
    if contact is not None and contact.get(2):
        r.document["requested_by"] = contact.get(2)[:128]
        r.read("requested_by", contact, 2)


def _vendor(r: Reading, env: Envelope, header: list[Segment], beg: Segment) -> None:
    """The vendor as poflow knows it: N1*VN with N103 92 (assigned by the
    buyer) in N104, else REF*VR (vendor id number), else another N104 (a DUNS
    or the vendor's own code, which the door must find in the vendor master),
    else the vendor id the caller gave."""
    parties = [seg for code in _VENDOR_PARTIES for seg in all_of(header, "N1", code)]
    assigned = next((seg for seg in parties if seg.get(3) == "92" and valid_id(seg.get(4))), None)
    ref = next((seg for seg in all_of(header, "REF", "VR") if valid_id(seg.get(2))), None)
    other = next((seg for seg in parties if valid_id(seg.get(4))), None)
    named = parties[0].get(2) if parties else ""
    r.vendor_hint = "; ".join(
        part for part in (named, f"interchange receiver {env.interchange.receiver_id}") if part
    )
    for seg, n in ((assigned, 4), (ref, 2), (other, 4)):
        if seg is not None:
            r.document["vendor_id"] = seg.get(n)
            r.read("vendor_id", seg, n)
            return
    if env.vendor_id:
        r.document["vendor_id"] = env.vendor_id
        r.derived("vendor_id", 1.0)
        r.warnings.append(
            f"the 850 names no vendor (N1*VN, REF*VR): the caller's vendor {env.vendor_id} is used"
        )
        return
    raise env.missing("N1", "vendor (N1*VN with N104, or REF*VR)", beg, "N1")


def _terms(r: Reading, header: list[Segment]) -> None:
    itd = first_of(header, "ITD")
    if itd is None:
        return
    terms: dict[str, Any] = {}
    percent, days = itd.decimal(3, "terms discount percent"), itd.integer(5, "terms discount days due")
    if (percent is None) != (days is None):
        missing = 5 if days is None else 3
        raise itd.error(
            f"ITD{missing:02d} is missing: a discount needs both its percent (ITD03) and its days (ITD05)",
            element=missing,
        )
    if percent is not None and percent > 0:
        terms["discount_percent"], terms["discount_days"] = percent, days
        r.read("payment_terms.discount_percent", itd, 3)
        r.read("payment_terms.discount_days", itd, 5)
    net = itd.integer(7, "terms net days")
    if net is not None:
        terms["net_days"] = net
        r.read("payment_terms.net_days", itd, 7)
    r.document["payment_terms"] = terms


def _freight(r: Reading, header: list[Segment]) -> None:
    for sac in all_of(header, "SAC", "C"):
        if sac.get(2) == _FREIGHT:
            amount = sac.implied(5, "freight amount")
            if amount is not None:
                r.document["freight"] = amount
                r.read("freight", sac, 5)
            return


def _note(r: Reading, header: list[Segment]) -> None:
    texts = [seg.get(1) for seg in all_of(header, "MSG") if seg.get(1)]
    if texts:
        r.document["note"] = "".join(texts)[:2000]
        r.read("note", first_of(header, "MSG") or header[0], 1)


def _parties_not_kept(r: Reading, header: list[Segment]) -> None:
    for code, what in (("ST", "ship-to"),):
        index = next((i for i, seg in enumerate(header) if seg.tag == "N1" and seg.get(1) == code), None)
        if index is None:
            continue
        party = [header[index].get(2)]
        for seg in header[index + 1 :]:
            if seg.tag not in ("N2", "N3", "N4"):
                break
            party += [seg.get(n) for n in range(1, 5) if seg.get(n)]
        text = ", ".join(part for part in party if part)
        r.warnings.append(f"{what} {text!r} ({header[index].ref()}) is not kept: poflow's PO has no {what}")


def _need_by(dates: list[Segment]) -> tuple[date, Segment] | None:
    for seg in dates:
        if seg.get(1) in _NEED_BY:
            day = seg.date(2, "delivery date", required=True)
            return day, seg
    return None


def _line(
    r: Reading, loop: list[Segment], index: int, header_need_by: tuple[date, Segment] | None
) -> dict[str, Any]:
    po1 = loop[0]
    at = f"lines[{index}]"
    line: dict[str, Any] = {"line_no": _line_number(po1)}
    r.read(f"{at}.line_no", po1, 1)
    line["quantity"] = po1.decimal(2, "quantity ordered", required=True)
    r.read(f"{at}.quantity", po1, 2)
    read_uom(r, po1, 3, f"{at}.uom", line)
    price = read_unit_price(r, po1, 4, 5, "unit price", f"{at}.unit_price")
    if price is None:
        raise po1.error("unit price (PO104) is missing", element=4, code=EL_MANDATORY_MISSING)
    line["unit_price"] = price
    read_item_id(r, po1, 6, f"{at}.item_id", line)
    if "item_id" not in line:
        raise po1.error("no product id (PO106/PO107: BP, IN or VP)", element=7, code=EL_MANDATORY_MISSING)
    descriptions = [seg.get(5) for seg in all_of(loop, "PID") if seg.get(1) in ("F", "") and seg.get(5)]
    if descriptions:
        line["description"] = " ".join(descriptions)[:500]
        r.read(f"{at}.description", first_of(loop, "PID") or po1, 5)
    need_by = _need_by(all_of(loop, "DTM")) or header_need_by
    if need_by is not None:
        line["need_by"] = need_by[0]
        r.read(f"{at}.need_by", need_by[1], 2)
    _schedules(r, all_of(loop, "SCH"), at, line)
    return line


def _line_number(po1: Segment) -> int:
    value = po1.text(1, "line number (assigned identification)")
    if not (value.isascii() and value.isdigit() and 0 < int(value) < 10**9):
        raise po1.error(
            f"line number {value!r} (PO101) is not a positive whole number",
            element=1,
            code=EL_INVALID_CHARACTER,
        )
    return int(value)


def _schedules(r: Reading, segments: list[Segment], at: str, line: dict[str, Any]) -> None:
    """SCH01 quantities split the line over dates: together they are PO102."""
    schedules = [_schedule(r, seg, f"{at}.schedules[{n}]") for n, seg in enumerate(segments)]
    if not schedules:
        return
    total = sum((schedule["quantity"] for schedule in schedules), Decimal(0))
    if total != line["quantity"]:
        raise segments[0].error(
            f"the SCH01 quantities of line {line['line_no']} add up to {total}; PO102 orders {line['quantity']}",
            element=1,
            code=EL_INVALID_CHARACTER,
        )
    line["schedules"] = schedules


def _schedule(r: Reading, sch: Segment, at: str) -> dict[str, Any]:
    quantity = sch.decimal(1, "scheduled quantity", required=True)
    if sch.get(5) not in _NEED_BY:
        raise sch.error(
            f"SCH05 {sch.get(5)!r} is not a delivery date qualifier (002 delivery requested, 010 requested ship)",
            element=5,
            code=EL_INVALID_CODE,
        )
    day = sch.date(6, "scheduled date", required=True)
    r.read(f"{at}.quantity", sch, 1)
    r.read(f"{at}.date", sch, 6)
    return {"quantity": quantity, "date": day}


def _check_summary(summary: list[Segment], loops: list[list[Segment]], doc: dict[str, Any]) -> None:
    """CTT01/CTT02 and AMT*TT, when sent, must agree with the lines."""
    ctt = first_of(summary, "CTT")
    lines = doc["lines"]
    if ctt is not None:
        count = ctt.integer(1, "number of line items", required=True)
        if count != len(loops):
            raise ctt.error(
                f"CTT01 says {count} line items; the order has {len(loops)} PO1",
                element=1,
                code=EL_INVALID_CHARACTER,
            )
        hash_total = ctt.decimal(2, "hash total")
        if hash_total is not None:
            check_quantity_total(hash_total, lines, "CTT02 (hash total of PO102)", ctt.ref(2))
    # AMT*TT belongs to the CTT loop; without a CTT it follows the last PO1 loop.
    amt = first_of(summary, "AMT", "TT") or first_of(loops[-1], "AMT", "TT")
    if amt is not None:
        stated = amt.decimal(2, "total amount", required=True)
        assert stated is not None
        total = lines_amount(lines, doc.get("currency"))
        freight = Decimal(str(doc.get("freight") or 0))
        check_amount(stated, [total, total + freight], "AMT*TT (total transaction amount)", amt.ref(2))
