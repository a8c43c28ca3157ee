"""Reads the X12 810 (invoice, 004010 and later) into poflow's invoice or
credit memo: BIG date, number, PO and transaction type, CUR currency, ITD
payment terms, IT1 lines, SAC/TXI freight and tax, TDS total (N2).
"""

from __future__ import annotations

import re
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from activities.intake.x12.errors import EL_INVALID_CODE
from activities.intake.x12.reading import (
    Envelope,
    Reading,
    all_of,
    check_line_count,
    first_of,
    read_identifier,
    read_item_id,
    read_line_number,
    read_unit_price,
    read_uom,
    read_vendor,
    split_loops,
)
from activities.intake.x12.segment import Segment
from models.common import CURRENCY_MINOR_UNITS
from models.documents import InvoiceKind
from models.extraction import Extracted, ExtractedKind

__all__ = ["FORMAT_810", "read_810"]

FORMAT_810 = "x12-810"

_CREDIT_TYPES = {"CR", "CN"}  # BIG07 credit memo, credit invoice
_FREIGHT = "D240"
_TAX_CHARGE = "H850"


def read_810(env: Envelope) -> list[Extracted]:
    r = Reading(ExtractedKind.INVOICE, FORMAT_810)
    header, loops, summary = split_loops(env.tx.body, "IT1", {"TDS", "CTT"})
    big = env.require(header, "BIG", "beginning segment for the invoice")
    doc = r.document
    invoice_date = big.date(1, "invoice date", required=True)
    assert invoice_date is not None
    doc["invoice_date"] = invoice_date
    r.read("invoice_date", big, 1)
    doc["invoice_number"] = big.text(2, "invoice number")
    r.read("invoice_number", big, 2)
    _invoice_po(r, big, header)
    _currency(r, header)
    read_vendor(r, env, all_of(header, "N1"), all_of(header, "REF"))
    _terms(r, header, invoice_date)
    if not loops:
        raise env.missing("IT1", "invoice line", big, "IT1")
    doc["lines"] = [_invoice_line(r, loop, index) for index, loop in enumerate(loops)]
    _charges(r, loops, summary)
    tds = env.require(summary, "TDS", "total monetary value summary", loops[-1][-1])
    _total(r, tds)
    _kind(r, big, header)
    check_line_count(r, summary, len(loops), "IT1")
    _check_lines(r)
    return [r.extracted()]


def _invoice_po(r: Reading, big: Segment, header: list[Segment]) -> None:
    if big.get(4):
        read_identifier(r, "po_number", big, 4, "PO number", r.document)
        return
    ref = first_of(header, "REF", "PO")
    if ref is not None and ref.get(2):
        read_identifier(r, "po_number", ref, 2, "PO number", r.document)
        return
    r.warnings.append("no PO number (BIG04 or REF*PO): the invoice must be matched by review")


def _currency(r: Reading, header: list[Segment]) -> None:
    cur = first_of(header, "CUR")
    if cur is not None:
        code = cur.text(2, "currency code")
        if code not in CURRENCY_MINOR_UNITS:
            raise cur.error(
                f"currency {code!r} is not an ISO 4217 code poflow accepts", element=2, code=EL_INVALID_CODE
            )
        r.document["currency"] = code
        r.read("currency", cur, 2)
        return
    r.document["currency"] = "USD"
    r.derived("currency", 0.5)
    r.warnings.append("no CUR segment: currency read as USD, the X12 default")


def _terms(r: Reading, header: list[Segment], invoice_date: date) -> None:
    """ITD: discount percent (ITD03), discount days (ITD05, or counted from the
    discount due date ITD04), net days (ITD07, or counted from ITD06); when
    none is coded, the description (ITD12) such as '2% 10 NET 30'."""
    itd = first_of(header, "ITD")
    if itd is None:
        return
    net = _terms_days(itd, 7, 6, invoice_date, "net")
    discount_days = _terms_days(itd, 5, 4, invoice_date, "discount")
    percent = itd.decimal(3, "terms discount percent")
    found: dict[str, tuple[Any, int, float]] = {}
    if net is not None:
        found["net_days"] = net
    if percent is not None and discount_days is not None and percent > 0:
        found["discount_percent"] = (percent, 3, 1.0)
        found["discount_days"] = discount_days
    elif percent:
        r.warnings.append(f"terms discount of {percent}% without discount days ({itd.ref(3)}) ignored")
    if not found and percent is None:
        parsed = _terms_from_text(itd.get(12))
        if parsed is not None:
            text_percent, text_days, text_net = parsed
            found["net_days"] = (text_net, 12, 0.6)
            if text_percent and text_days is not None:
                found["discount_percent"] = (text_percent, 12, 0.6)
                found["discount_days"] = (text_days, 12, 0.6)
    if not found:
        r.warnings.append(f"payment terms in {itd.ref()} not understood")
        return
    terms: dict[str, Any] = {}
    for name, (value, element, confidence) in found.items():
        terms[name] = value
        r.read(f"payment_terms.{name}", itd, element, confidence)
    r.document["payment_terms"] = terms


def _terms_days(
    itd: Segment, days_n: int, date_n: int, invoice_date: date, what: str
) -> tuple[int, int, float] | None:
    """Days as sent, or counted from the due date to the invoice date."""
    days = itd.integer(days_n, f"terms {what} days")
    if days is not None:
        return days, days_n, 1.0
    due = itd.date(date_n, f"terms {what} due date")
    if due is not None:
        return (due - invoice_date).days, date_n, 0.8
    return None


_TERMS_TEXT = re.compile(r"(?:(\d+(?:\.\d+)?)\s*%?\s*/?\s*(\d+)\s*(?:DAYS?)?\s*,?\s*)?NET\s*(\d+)", re.I)


def _terms_from_text(text: str) -> tuple[Decimal | None, int | None, int] | None:
    """'2% 10 NET 30', '2/10 NET 30', 'NET 45' from ITD12."""
    match = _TERMS_TEXT.search(text or "")
    if match is None:
        return None
    percent = Decimal(match.group(1)) if match.group(1) else None
    days = int(match.group(2)) if match.group(2) else None
    return percent, days, int(match.group(3))


def _invoice_line(r: Reading, loop: list[Segment], index: int) -> dict[str, Any]:
    it1 = loop[0]
    path = f"lines[{index}]"
    line: dict[str, Any] = {"line_no": read_line_number(r, it1, 1, index, f"{path}.line_no")}
    line["quantity"] = it1.decimal(2, "quantity invoiced", required=True)
    r.read(f"{path}.quantity", it1, 2)
    read_uom(r, it1, 3, f"{path}.uom", line)
    price = read_unit_price(r, it1, 4, 5, "unit price", f"{path}.unit_price")
    if price is None:
        raise it1.error("unit price (IT104) is missing", element=4, code="1")
    if price < 0:
        # Some systems write a credit as a negative price; poflow keeps the
        # price positive and lets the sign live in the quantity / kind.
        price, line["quantity"] = -price, -line["quantity"]
        r.warnings.append(f"{it1.ref(4)} is negative: read as a positive price and a negative quantity")
        r.confidence[f"{path}.unit_price"] = 0.8
    line["unit_price"] = price
    read_item_id(r, it1, 6, f"{path}.item_id", line)
    pid = next((seg for seg in loop if seg.tag == "PID" and seg.get(5)), None)
    if pid is not None:
        line["description"] = pid.get(5)[:500]
        r.read(f"{path}.description", pid, 5)
    return line


def _charges(r: Reading, loops: list[list[Segment]], summary: list[Segment]) -> None:
    """Freight (SAC C D240) and tax (TXI02, SAC C H850), line level and summary
    level added up; other charges and allowances are warned about (poflow's
    invoice has no field for them; the stated total includes them)."""
    segments = [seg for loop in loops for seg in loop[1:]] + summary
    freight = tax = Decimal(0)
    freight_at: list[Segment] = []
    tax_at: list[Segment] = []
    for seg in segments:
        if seg.tag == "SAC":
            indicator = seg.code(1, "allowance or charge indicator", {"A", "C", "N"})
            code, amount = seg.get(2), seg.implied(5, "allowance or charge amount")
            if indicator == "N" or amount is None:
                continue
            if indicator == "C" and code == _FREIGHT:
                freight += amount
                freight_at.append(seg)
            elif indicator == "C" and code == _TAX_CHARGE:
                tax += amount
                tax_at.append(seg)
            else:
                kind = "allowance" if indicator == "A" else "charge"
                r.warnings.append(
                    f"{kind} {code or '(no code)'} of {amount} ({seg.ref(5)}) has no field "
                    "in the invoice; the stated total includes it"
                )
        elif seg.tag == "TXI":
            amount = seg.decimal(2, "tax amount")
            if amount is None:
                if seg.get(3):
                    r.warnings.append(
                        f"tax {seg.get(1)} at {seg.get(3)}% without an amount ({seg.ref(3)}) not added"
                    )
                continue
            tax += amount
            tax_at.append(seg)
    if freight_at:
        r.document["freight"] = freight
        r.read("freight", freight_at[0], 5, 1.0 if len(freight_at) == 1 else 0.9)
    if tax_at:
        r.document["tax"] = tax
        first = tax_at[0]
        r.read("tax", first, 2 if first.tag == "TXI" else 5, 1.0 if len(tax_at) == 1 else 0.9)
    if freight < 0 or tax < 0:
        r.warnings.append("freight or tax adds up to less than zero")


def _total(r: Reading, tds: Segment) -> None:
    """TDS01 is N2 (implied 2 decimals) whatever the currency. When it only
    agrees with the lines read without the implied decimals, the sender wrote
    it in whole units (common for zero-decimal currencies): taken as such."""
    total = tds.implied(1, "total invoice amount", required=True)
    assert total is not None
    doc = r.document
    currency = doc.get("currency", "USD")
    computed = _computed_total(doc)
    r.read("total", tds, 1)
    if computed is not None and total != computed and total * 100 == computed:
        r.warnings.append(
            f"TDS01 {tds.get(1)} read in whole {currency}: with the implied 2 decimals it "
            f"would be {total}, which does not agree with the lines ({computed})"
        )
        total = computed
        r.confidence["total"] = 0.7
    minor = CURRENCY_MINOR_UNITS.get(currency, 2)
    if total != total.quantize(Decimal(1).scaleb(-minor)):
        r.warnings.append(f"total {total} has more decimals than {currency} allows")
    elif minor > 2:
        r.warnings.append(f"TDS01 carries 2 decimals: a {currency} total may have been rounded")
    doc["total"] = total


def _computed_total(doc: dict[str, Any]) -> Decimal | None:
    """Lines (each rounded to the currency, as Invoice.line_amount) + freight + tax."""
    unit = Decimal(1).scaleb(-CURRENCY_MINOR_UNITS.get(doc.get("currency", "USD"), 2))
    try:
        lines = sum(
            (
                (line["quantity"] * line["unit_price"]).quantize(unit, rounding=ROUND_HALF_UP)
                for line in doc["lines"]
            ),
            Decimal(0),
        )
    except (KeyError, TypeError, InvalidOperation):
        return None
    return lines + doc.get("freight", Decimal(0)) + doc.get("tax", Decimal(0))


def _kind(r: Reading, big: Segment, header: list[Segment]) -> None:
    """BIG07 CR / CN is a credit memo; a negative total without BIG07 is read
    as one too, less surely."""
    doc = r.document
    transaction_type = big.get(7)
    if transaction_type in _CREDIT_TYPES:
        doc["kind"] = InvoiceKind.CREDIT_MEMO
        r.read("kind", big, 7)
    elif not transaction_type and doc["total"] < 0:
        doc["kind"] = InvoiceKind.CREDIT_MEMO
        r.derived("kind", 0.7, big.ref(7))
        r.warnings.append("negative total without BIG07: read as a credit memo")
    else:
        doc["kind"] = InvoiceKind.INVOICE
        r.derived("kind", 1.0 if transaction_type else 0.9, big.ref(7))
    if doc["kind"] == InvoiceKind.CREDIT_MEMO:
        r.kind = ExtractedKind.CREDIT_MEMO
        original = first_of(header, "REF", "OI")
        if original is not None and original.get(2):
            doc["original_invoice_number"] = original.get(2)
            r.read("original_invoice_number", original, 2)


def _check_lines(r: Reading) -> None:
    seen: set[int] = set()
    for line in r.document["lines"]:
        if line["line_no"] in seen:
            r.warnings.append(f"PO line {line['line_no']} is billed on two invoice lines")
        seen.add(line["line_no"])
    computed = _computed_total(r.document)
    total = r.document["total"]
    if computed is not None and computed != total and r.confidence.get("total", 0) >= 1.0:
        r.warnings.append(f"stated total {total} differs from lines + freight + tax = {computed}")
