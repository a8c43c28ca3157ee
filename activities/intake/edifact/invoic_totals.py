"""Reads the money of a UN/EDIFACT INVOIC (D.96A and later) outside its line
groups: header and summary charges (ALC+C with MOA+23/8), taxes (TAX with
MOA+124/150, MOA+176) and totals (MOA+77/86, MOA+79, MOA+125), then freight,
tax and the total of the invoice, with the checks of the stated total
against the lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from activities.intake.edifact.reading import Fields, Read
from activities.intake.edifact.syntax import EdiMessage, EdiSegment
from activities.intake.edifact.values import decimal_text, read_moa
from models.common import CURRENCY_MINOR_UNITS, round_money

__all__ = ["Amounts", "read_amounts", "read_charges_and_tax", "read_total"]

_TOTALS = (("77", 1.0), ("86", 1.0), ("39", 1.0), ("128", 1.0), ("9", 0.8))
_FREIGHT_CODES = {"FC", "DL", "FI", "ABW", ""}  # freight, delivery, freight inclusive(?), freight surcharge
_GROUP_AMOUNTS = {"124", "150", "125", "23", "8", "25", "204", "131"}  # belong to the TAX/ALC group above


@dataclass
class Amounts:
    """Money found outside the line groups (header and summary)."""

    charges: list[tuple[Decimal, EdiSegment]] = field(default_factory=list)
    taxes: list[tuple[Decimal, EdiSegment]] = field(default_factory=list)
    totals: dict[str, tuple[Decimal, EdiSegment]] = field(default_factory=dict)


def read_amounts(segments: list[EdiSegment], message: EdiMessage, warnings: list[str]) -> Amounts:
    """Charges (ALC+C with MOA+23/8), tax (TAX with MOA+124/150) and totals
    outside the line groups. A MOA belongs to the ALC or TAX above it only when
    its qualifier is a group amount; totals are recognised anywhere."""
    amounts = Amounts()
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
    group: EdiSegment, moa: EdiSegment, amounts: Amounts, message: EdiMessage, warnings: list[str]
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


def read_charges_and_tax(
    amounts: Amounts,
    line_taxes: list[tuple[Decimal, EdiSegment]],
    fields: Fields,
    warnings: list[str],
    message: EdiMessage,
) -> None:
    if amounts.charges:
        fields["freight"] = _added_up(amounts.charges)
    else:
        fields["freight"] = Read("0", None, 0.9)
    if "176" in amounts.totals:
        value, segment = amounts.totals["176"]
        fields["tax"] = Read(decimal_text(value), segment.at(1, 2), 1.0)
    elif amounts.taxes:
        fields["tax"] = _added_up(amounts.taxes)
    elif line_taxes:
        total = sum((value for value, _ in line_taxes), Decimal(0))
        warnings.append(f"{message.name}: no tax total; the line taxes were added up.")
        fields["tax"] = Read(decimal_text(total), line_taxes[0][1].at(1, 2), 0.8)
    else:
        fields["tax"] = Read("0", None, 0.9)


def _added_up(found: list[tuple[Decimal, EdiSegment]]) -> Read:
    """Amounts added up, located at the first; less sure when there are several."""
    total = sum((value for value, _ in found), Decimal(0))
    return Read(decimal_text(total), found[0][1].at(1, 2), 1.0 if len(found) == 1 else 0.9)


def read_total(
    amounts: Amounts, lines: list[Fields], fields: Fields, message: EdiMessage, warnings: list[str]
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
    amounts: Amounts, total: Decimal, fields: Fields, message: EdiMessage, warnings: list[str]
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
