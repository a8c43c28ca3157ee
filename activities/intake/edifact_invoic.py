"""INVOIC → `Invoice` (kind invoice or credit_memo).

Header: BGM (380 invoice, 381 credit note, 383 debit note; 83/84 credit/debit
for financial adjustments = price-only), DTM+137, RFF+ON order, RFF+IV the
invoice a credit corrects, NAD+SU supplier, CUX currency, PAT/DTM/PCD terms,
ALC+C/MOA charges. Lines: LIN, QTY+47 invoiced, PRI+AAA net price, MOA+203
line amount. Summary (after UNS): MOA+77/86 invoice total, MOA+79 line total,
MOA+125 taxable amount, TAX/MOA+124|150 tax, MOA+176 total tax, ALC charges.
The stated total is kept as stated; disagreements are warnings, for the match
to turn into holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from activities.intake.edifact_reading import (
    Context,
    Fields,
    Read,
    build_extracted,
    find_bgm,
    line_item_ids,
    line_number,
    message_dates,
    order_reference,
    read_vendor,
    split_sections,
)
from activities.intake.edifact_syntax import EdiMessage, EdiSegment
from activities.intake.edifact_values import (
    decimal_text,
    is_identifier,
    parse_number,
    read_moa,
    read_price,
    read_qty,
)
from models.common import CURRENCY_MINOR_UNITS, round_money
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
_TOTALS = (("77", 1.0), ("86", 1.0), ("39", 1.0), ("128", 1.0), ("9", 0.8))
_QUANTITIES = (
    ("47", 1.0),
    ("12", 0.8),
    ("46", 0.8),
    ("61", 0.9),
)  # invoiced, despatched, delivered, returned
_LINE_AMOUNTS = (("203", 1.0), ("38", 1.0), ("66", 0.9))
_FREIGHT_CODES = {"FC", "DL", "FI", "ABW", ""}  # freight, delivery, freight inclusive(?), freight surcharge
_GROUP_AMOUNTS = {"124", "150", "125", "23", "8", "25", "204", "131"}  # belong to the TAX/ALC group above


@dataclass
class _Amounts:
    """Money found outside the line groups (header and summary)."""

    charges: list[tuple[Decimal, EdiSegment]] = field(default_factory=list)
    taxes: list[tuple[Decimal, EdiSegment]] = field(default_factory=list)
    totals: dict[str, tuple[Decimal, EdiSegment]] = field(default_factory=dict)


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
    amounts = _read_amounts(outside, message, warnings)
    _read_currency(outside, sections.lines, message, fields, warnings)
    terms = _payment_terms(sections.header, invoice_date, message, warnings)
    if terms:
        fields["payment_terms"] = terms
    lines, line_taxes = _read_lines(sections.lines, message, warnings)
    _read_charges_and_tax(amounts, line_taxes, fields, warnings, message)
    _read_total(amounts, lines, fields, message, warnings)
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
    dates = message_dates(header, message, warnings)
    for qualifier in ("137", "3"):
        if qualifier in dates:
            reading, segment = dates[qualifier]
            fields["invoice_date"] = Read(reading.day.isoformat(), segment.at(1, 2), 1.0)
            return reading.day
    prepared = context.interchange.prepared_at
    if prepared is None:
        warnings.append(f"{message.name}: no DTM+137 invoice date.")
        return None
    warnings.append(f"{message.name}: no DTM+137 invoice date; the interchange date was used.")
    fields["invoice_date"] = Read(prepared.date().isoformat(), "UNB element 4 (interchange segment 1)", 0.5)
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


def _read_amounts(segments: list[EdiSegment], message: EdiMessage, warnings: list[str]) -> _Amounts:
    """Charges (ALC+C with MOA+23/8), tax (TAX with MOA+124/150) and totals
    outside the line groups. A MOA belongs to the ALC or TAX above it only when
    its qualifier is a group amount; totals are recognised anywhere."""
    amounts = _Amounts()
    group: EdiSegment | None = None
    group_done = False
    for segment in segments:
        if segment.tag in ("ALC", "TAX"):
            group, group_done = segment, False
        elif segment.tag in ("PAT", "NAD", "CUX", "UNS", "CNT", "RFF", "LIN"):
            group = None
        elif segment.tag == "MOA":
            qualifier = segment.qualifier
            if group is not None and qualifier in _GROUP_AMOUNTS:
                if not group_done:
                    group_done = _group_amount(group, segment, amounts, message, warnings)
            elif qualifier in ("124", "150"):
                amounts.taxes.append((read_moa(segment, message)[0], segment))
            elif qualifier not in amounts.totals:
                amounts.totals[qualifier] = (read_moa(segment, message)[0], segment)
    return amounts


def _group_amount(
    group: EdiSegment, moa: EdiSegment, amounts: _Amounts, message: EdiMessage, warnings: list[str]
) -> bool:
    """Record the amount of one ALC or TAX group; True once the group has it."""
    qualifier = moa.qualifier
    if group.tag == "TAX" and qualifier in ("124", "150"):
        amounts.taxes.append((read_moa(moa, message)[0], moa))
        return True
    if group.tag == "ALC" and qualifier in ("23", "8", "204"):
        value = read_moa(moa, message)[0]
        code = group.value(5, 1)
        if group.qualifier == "C":
            if code not in _FREIGHT_CODES:
                warnings.append(
                    f"{message.where(group)}: charge {code!r} ({group.value(5, 4) or 'no description'}) "
                    "was added to freight, the only header charge an invoice carries."
                )
            amounts.charges.append((value, moa))
        elif value:
            warnings.append(
                f"{message.where(group)}: a header allowance of {decimal_text(value)} was not "
                "applied; the stated total was kept."
            )
        return True
    return False


# --- lines ------------------------------------------------------------------------


def _read_lines(
    groups: list[list[EdiSegment]], message: EdiMessage, warnings: list[str]
) -> tuple[list[Fields], list[tuple[Decimal, EdiSegment]]]:
    lines: list[Fields] = []
    taxes: list[tuple[Decimal, EdiSegment]] = []
    seen: set[int] = set()
    for position, group in enumerate(groups, start=1):
        lin = group[0]
        if lin.value(4, 1) == "1":  # C829: a sub-line of another line, billed there
            warnings.append(
                f"{message.where(lin)}: sub-line of line {lin.value(4, 2)} was not read separately."
            )
            continue
        line = _read_line(group, position, message, warnings)
        number = line["line_no"].value
        if number in seen:
            raise message.error(lin, f"line {number} is billed twice in one invoice")
        seen.add(number)
        lines.append(line)
        taxes += _line_taxes(group, message)
    return lines, taxes


def _read_line(group: list[EdiSegment], position: int, message: EdiMessage, warnings: list[str]) -> Fields:
    lin = group[0]
    line: Fields = {"line_no": line_number(group, position, message, warnings)}
    quantities = {s.qualifier: s for s in group if s.tag == "QTY"}
    quantity: Decimal | None = None
    for qualifier, confidence in _QUANTITIES:
        if qualifier in quantities:
            segment = quantities[qualifier]
            quantity, unit = read_qty(segment, message)
            line["quantity"] = Read(decimal_text(quantity), segment.at(1, 2), confidence)
            if unit:
                line["uom"] = Read(unit, segment.at(1, 3), 1.0)
            break
    else:
        warnings.append(f"{message.where(lin)}: no QTY+47 invoiced quantity.")
    amount = _line_amount(group, message, line)
    _line_price(group, message, line, quantity, amount, warnings)
    description = " ".join(
        " ".join(p.strip() for p in s.components(3)[3:] if p.strip()) for s in group if s.tag == "IMD"
    ).strip()
    if description:
        first = next(s for s in group if s.tag == "IMD")
        line["description"] = Read(description[:500], first.at(3, 4), 1.0)
    item = line_item_ids(group)
    if item:
        line["item_id"] = Read(item[0][:64], item[1], 1.0)
    return line


def _line_amount(group: list[EdiSegment], message: EdiMessage, line: Fields) -> Decimal | None:
    amounts = {s.qualifier: s for s in group if s.tag == "MOA"}
    for qualifier, confidence in _LINE_AMOUNTS:
        if qualifier in amounts:
            value = read_moa(amounts[qualifier], message)[0]
            line["amount"] = Read(decimal_text(value), amounts[qualifier].at(1, 2), confidence)
            return value
    return None


def _line_price(
    group: list[EdiSegment],
    message: EdiMessage,
    line: Fields,
    quantity: Decimal | None,
    amount: Decimal | None,
    warnings: list[str],
) -> None:
    prices = {s.qualifier: s for s in group if s.tag == "PRI"}
    for qualifier, confidence in (("AAA", 1.0), ("AAB", 0.8)):
        if qualifier in prices:
            segment = prices[qualifier]
            if qualifier == "AAB":
                warnings.append(
                    f"{message.where(segment)}: only a gross price (PRI+AAB) was given; "
                    "it was read as the unit price."
                )
            price = read_price(segment, message).unit_price
            line["unit_price"] = Read(decimal_text(price), segment.at(1, 2), confidence)
            return
    if quantity and amount is not None:
        price = (abs(amount) / abs(quantity)).quantize(Decimal("0.000001")).normalize()
        warnings.append(
            f"{message.where(group[0])}: no PRI+AAA net price; the unit price was derived from "
            "the line amount and quantity."
        )
        line["unit_price"] = Read(decimal_text(price), line["amount"].where, 0.7)
    else:
        warnings.append(f"{message.where(group[0])}: no PRI+AAA net price.")


def _line_taxes(group: list[EdiSegment], message: EdiMessage) -> list[tuple[Decimal, EdiSegment]]:
    taxes: list[tuple[Decimal, EdiSegment]] = []
    in_tax = False
    for segment in group:
        if segment.tag in ("TAX", "ALC", "PRI", "RFF", "NAD"):
            in_tax = segment.tag == "TAX"
        elif in_tax and segment.tag == "MOA" and segment.qualifier in ("124", "150"):
            taxes.append((read_moa(segment, message)[0], segment))
            in_tax = False
    return taxes


# --- totals -----------------------------------------------------------------------


def _read_charges_and_tax(
    amounts: _Amounts,
    line_taxes: list[tuple[Decimal, EdiSegment]],
    fields: Fields,
    warnings: list[str],
    message: EdiMessage,
) -> None:
    if amounts.charges:
        total = sum((value for value, _ in amounts.charges), Decimal(0))
        fields["freight"] = Read(
            decimal_text(total), amounts.charges[0][1].at(1, 2), 1.0 if len(amounts.charges) == 1 else 0.9
        )
    else:
        fields["freight"] = Read("0", None, 0.9)
    if "176" in amounts.totals:
        value, segment = amounts.totals["176"]
        fields["tax"] = Read(decimal_text(value), segment.at(1, 2), 1.0)
    elif amounts.taxes:
        total = sum((value for value, _ in amounts.taxes), Decimal(0))
        fields["tax"] = Read(
            decimal_text(total), amounts.taxes[0][1].at(1, 2), 1.0 if len(amounts.taxes) == 1 else 0.9
        )
    elif line_taxes:
        total = sum((value for value, _ in line_taxes), Decimal(0))
        warnings.append(f"{message.name}: no tax total; the line taxes were added up.")
        fields["tax"] = Read(decimal_text(total), line_taxes[0][1].at(1, 2), 0.8)
    else:
        fields["tax"] = Read("0", None, 0.9)


def _read_total(
    amounts: _Amounts, lines: list[Fields], fields: Fields, message: EdiMessage, warnings: list[str]
) -> None:
    """Total as stated (MOA+77, else 86, ...); recomputed only when none is
    stated. MOA+79 (line total) and the stated total are checked against the
    lines, and a difference is reported, not corrected."""
    line_sum = _lines_total(lines, fields.get("currency"))
    computed = (
        None
        if line_sum is None
        else line_sum + Decimal(fields["freight"].value) + Decimal(fields["tax"].value)
    )
    if "79" in amounts.totals and line_sum is not None and amounts.totals["79"][0] != line_sum:
        warnings.append(
            f"{message.where(amounts.totals['79'][1])}: line total {decimal_text(amounts.totals['79'][0])} "
            f"differs from the sum of the lines {decimal_text(line_sum)}."
        )
    for qualifier, confidence in _TOTALS:
        if qualifier in amounts.totals:
            value, segment = amounts.totals[qualifier]
            fields["total"] = Read(decimal_text(value), segment.at(1, 2), confidence)
            if computed is not None and abs(value) != abs(computed):
                warnings.append(
                    f"{message.where(segment)}: stated total {decimal_text(value)} differs from lines "
                    f"+ freight + tax = {decimal_text(computed)}."
                )
            _check_taxable(amounts, value, fields, message, warnings)
            return
    if computed is None:
        warnings.append(f"{message.name}: no MOA+77/86 invoice total, and the lines do not add up to one.")
        return
    warnings.append(f"{message.name}: no MOA+77/86 invoice total; it was recomputed from the lines.")
    fields["total"] = Read(decimal_text(computed), None, 0.6)


def _check_taxable(
    amounts: _Amounts, total: Decimal, fields: Fields, message: EdiMessage, warnings: list[str]
) -> None:
    if "125" not in amounts.totals:
        return
    taxable, segment = amounts.totals["125"]
    if abs(taxable + Decimal(fields["tax"].value)) != abs(total):
        warnings.append(
            f"{message.where(segment)}: taxable amount {decimal_text(taxable)} + tax "
            f"{fields['tax'].value} differs from the total {decimal_text(total)}."
        )


def _lines_total(lines: list[Fields], currency: Read | None) -> Decimal | None:
    total = Decimal(0)
    for line in lines:
        if "amount" in line:
            total += Decimal(line["amount"].value)
        elif "quantity" in line and "unit_price" in line:
            value = Decimal(line["quantity"].value) * Decimal(line["unit_price"].value)
            code = currency.value if currency else None
            total += round_money(value, code) if code in CURRENCY_MINOR_UNITS else value
        else:
            return None
    return total
