"""Reads the UN/EDIFACT INVOIC (invoice, D.96A and later) into an `Invoice`
(kind invoice or credit_memo).

Header: BGM (380 invoice, 381 credit note, 383 debit note; 83/84 credit/debit
for financial adjustments = price-only), DTM+137, RFF+ON order, RFF+IV the
invoice a credit corrects, NAD+SU supplier, CUX currency, PAT/DTM/PCD terms,
ALC+C/MOA charges. Lines: LIN, QTY+47 invoiced, PRI+AAA net price, MOA+203
line amount. Summary (after UNS): MOA+77/86 invoice total, MOA+79 line total,
MOA+125 taxable amount, TAX/MOA+124|150 tax, MOA+176 total tax, ALC charges.
The stated total is kept as stated; disagreements are warnings, for the match
to turn into holds.

Here: the message and its header (document kind, order, date, references,
currency, payment terms); the lines are read in `invoic_lines`, the amounts
outside them and the total in `invoic_totals`.
"""

from __future__ import annotations

from datetime import date

from activities.intake.edifact.invoic_lines import read_lines
from activities.intake.edifact.invoic_totals import read_amounts, read_charges_and_tax, read_total
from activities.intake.edifact.reading import (
    UNB_PREPARED_AT,
    Context,
    Fields,
    Read,
    build_extracted,
    day_field,
    find_bgm,
    message_dates,
    order_reference,
    read_vendor,
    split_sections,
)
from activities.intake.edifact.syntax import EdiMessage, EdiSegment
from activities.intake.edifact.values import decimal_text, is_identifier, parse_number
from models.common import CURRENCY_MINOR_UNITS
from models.documents import InvoiceKind
from models.extraction import Extracted, kind_of_invoice

__all__ = ["read_invoic"]

# BGM 1001 → (kind, price_only, confidence). 83/84 are the credit/debit notes
# "related to financial adjustments": they change amounts, not quantities.
_DOCUMENT_KINDS = {
    "380": (InvoiceKind.INVOICE, False, 1.0),
    "388": (InvoiceKind.INVOICE, False, 1.0),
    "383": (InvoiceKind.INVOICE, False, 0.9),
    "384": (InvoiceKind.INVOICE, False, 0.9),
    "381": (InvoiceKind.CREDIT_MEMO, False, 1.0),
    "83": (InvoiceKind.CREDIT_MEMO, True, 1.0),
    "84": (InvoiceKind.INVOICE, True, 0.9),
}


def read_invoic(message: EdiMessage, context: Context) -> Extracted:
    warnings: list[str] = list(context.interchange.warnings)
    sections = split_sections(message)
    outside = sections.header + sections.summary
    fields: Fields = {}
    kind = _read_kind(find_bgm(message), message, fields, warnings)
    vendor, hint = read_vendor(sections.header, context, ("SU", "II", "SE"), warnings)
    if vendor:
        fields["vendor_id"] = vendor
    _read_po_number(sections.header, sections.lines, message, fields, warnings)
    invoice_date = _read_invoice_date(sections.header, message, context, fields, warnings)
    _read_references(sections.header, fields)
    amounts = read_amounts(outside, message, warnings)
    _read_currency(outside, sections.lines, message, fields, warnings)
    terms = _payment_terms(sections.header, invoice_date, message, warnings)
    if terms:
        fields["payment_terms"] = terms
    lines, line_taxes = read_lines(sections.lines, message, warnings)
    read_charges_and_tax(amounts, line_taxes, fields, warnings, message)
    read_total(amounts, lines, fields, message, warnings)
    return build_extracted(kind_of_invoice(kind), "edifact-INVOIC", fields, lines, warnings, hint)


# --- header --------------------------------------------------------------------


def _read_kind(bgm: EdiSegment, message: EdiMessage, fields: Fields, warnings: list[str]) -> InvoiceKind:
    number = bgm.value(2, 1)
    if not number or not any(c.isalnum() for c in number):
        raise message.error(bgm, "BGM has no invoice number (element 2)")
    fields["invoice_number"] = Read(number, bgm.at(2, 1), 1.0)
    code = bgm.value(1)
    kind, price_only, confidence = _DOCUMENT_KINDS.get(code, (InvoiceKind.INVOICE, False, 0.6))
    if code not in _DOCUMENT_KINDS:
        warnings.append(
            f"{message.where(bgm)}: document code {code!r} is not an invoice code; read as an invoice."
        )
    elif code in ("383", "384", "84"):
        warnings.append(
            f"{message.where(bgm)}: document code {code} (debit note / corrected invoice) "
            "was read as an invoice."
        )
    fields["kind"] = Read(kind.value, bgm.at(1), confidence)
    fields["price_only"] = Read(price_only, bgm.at(1), confidence)
    return kind


def _read_po_number(
    header: list[EdiSegment],
    lines: list[list[EdiSegment]],
    message: EdiMessage,
    fields: Fields,
    warnings: list[str],
) -> None:
    reference = order_reference(header)
    confidence = 1.0
    line_orders = [r for r in (order_reference(group) for group in lines) if r is not None]
    if reference is None and line_orders:
        reference, confidence = line_orders[0], 0.8
    if reference is None:
        warnings.append(f"{message.name}: no RFF+ON order number; the PO must be resolved by review.")
        return
    number = reference.value(1, 2)
    others = sorted({r.value(1, 2) for r in line_orders} - {number})
    if others:
        warnings.append(f"{message.name} bills order {number} but lines refer to {', '.join(others)}.")
        confidence = min(confidence, 0.6)
    if not is_identifier(number):
        warnings.append(f"{message.where(reference)}: order number {number!r} is not a valid identifier.")
        confidence = 0.3
    fields["po_number"] = Read(number, reference.at(1, 2), confidence)


def _read_invoice_date(
    header: list[EdiSegment], message: EdiMessage, context: Context, fields: Fields, warnings: list[str]
) -> date | None:
    invoice_date = day_field(message_dates(header, message, warnings), (("137", 1.0), ("3", 1.0)))
    if invoice_date is not None:
        fields["invoice_date"] = invoice_date
        return date.fromisoformat(invoice_date.value)
    prepared = context.interchange.prepared_at
    if prepared is None:
        warnings.append(f"{message.name}: no DTM+137 invoice date.")
        return None
    warnings.append(f"{message.name}: no DTM+137 invoice date; the interchange date was used.")
    fields["invoice_date"] = Read(prepared.date().isoformat(), UNB_PREPARED_AT, 0.5)
    return prepared.date()


def _read_references(header: list[EdiSegment], fields: Fields) -> None:
    """RFF+IV (or OI, previous invoice): the invoice a credit or debit note corrects."""
    for segment in header:
        if segment.tag == "RFF" and segment.qualifier in ("IV", "OI") and segment.value(1, 2):
            fields["original_invoice_number"] = Read(segment.value(1, 2)[:64], segment.at(1, 2), 1.0)
            return


def _read_currency(
    outside: list[EdiSegment],
    lines: list[list[EdiSegment]],
    message: EdiMessage,
    fields: Fields,
    warnings: list[str],
) -> None:
    cux = next((s for s in outside if s.tag == "CUX" and s.value(1, 2)), None)
    if cux is not None:
        code = cux.value(1, 2).upper()
        fields["currency"] = Read(code, cux.at(1, 2), 1.0 if code in CURRENCY_MINOR_UNITS else 0.3)
        if code not in CURRENCY_MINOR_UNITS:
            warnings.append(f"{message.where(cux)}: currency {code!r} is not one poflow accepts.")
        return
    moa = next((s for group in [outside, *lines] for s in group if s.tag == "MOA" and s.value(1, 3)), None)
    if moa is not None:
        fields["currency"] = Read(moa.value(1, 3).upper(), moa.at(1, 3), 0.8)
        return
    warnings.append(f"{message.name}: no CUX currency; it must come from the vendor or the PO.")


def _payment_terms(
    header: list[EdiSegment], invoice_date: date | None, message: EdiMessage, warnings: list[str]
) -> Read | None:
    """PAT+1 (basic) or PAT+3 (fixed date) for net days, PAT+22 for the
    discount (days + PCD+12 percent), each with its DTM/PCD. Anything more
    involved is left to the vendor master's terms, with a warning."""
    net_days: int | None = None
    discount: dict[str, object] = {}
    first: EdiSegment | None = None
    confidence = 1.0
    for pat, group in _pat_groups(header):
        first = first or pat
        days, exact = _pat_days(pat, group, invoice_date, message)
        confidence = min(confidence, 1.0 if exact else 0.8)
        if pat.qualifier in ("1", "3", "") and days is not None:
            net_days = days
        elif pat.qualifier == "22":
            percent = next((s for s in group if s.tag == "PCD" and s.qualifier == "12"), None)
            if days is not None and percent is not None:
                value = parse_number(percent.value(1, 2), percent, message, "discount percentage")
                discount = {"discount_days": days, "discount_percent": decimal_text(value)}
            else:
                warnings.append(
                    f"{message.where(pat)}: discount terms without days and PCD+12 percentage were ignored."
                )
        else:
            warnings.append(f"{message.where(pat)}: payment terms type {pat.qualifier!r} was not read.")
    if first is None:
        return None
    if net_days is None or not 0 <= net_days <= 365:
        warnings.append(f"{message.where(first)}: payment terms without usable net days were not read.")
        return None
    return Read({"net_days": net_days, **discount}, first.at(), confidence)


def _pat_groups(header: list[EdiSegment]) -> list[tuple[EdiSegment, list[EdiSegment]]]:
    """Each PAT with the DTM/PCD/MOA that follow it (its segment group)."""
    groups: list[tuple[EdiSegment, list[EdiSegment]]] = []
    open_group = False
    for segment in header:
        if segment.tag == "PAT":
            groups.append((segment, []))
            open_group = True
        elif open_group and segment.tag in ("DTM", "PCD", "MOA", "PAI", "FII"):
            groups[-1][1].append(segment)
        else:
            open_group = False
    return groups


def _pat_days(
    pat: EdiSegment, group: list[EdiSegment], invoice_date: date | None, message: EdiMessage
) -> tuple[int | None, bool]:
    """Days from PAT C112 (2475 reference, 2009 relation, 2151 period type, 2152
    count) or, failing that, the group's due date (DTM+13 net, +12 discount)."""
    count, period = pat.value(3, 4), pat.value(3, 3)
    if count:
        number = parse_number(count, pat, message, "number of periods")
        factor = {"D": 1, "": 1, "W": 7, "M": 30}.get(period)
        if factor is not None and number == number.to_integral_value():
            return int(number) * factor, period in ("D", "")
    due_qualifier = "12" if pat.qualifier == "22" else "13"
    dates = message_dates(group, message, [])
    if due_qualifier in dates and invoice_date is not None:
        return (dates[due_qualifier][0].day - invoice_date).days, False
    return None, True
