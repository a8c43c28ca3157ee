"""Reads the line groups of a UN/EDIFACT INVOIC (D.96A and later): per LIN the
invoiced quantity (QTY+47), net price (PRI+AAA, or derived from the line
amount), line amount (MOA+203), description (IMD), item number and the
line's tax amounts.
"""

from __future__ import annotations

from decimal import Decimal

from activities.intake.edifact.reading import Fields, Read, line_item_id, line_number, read_unit_price
from activities.intake.edifact.syntax import EdiMessage, EdiSegment
from activities.intake.edifact.values import decimal_text, read_moa, read_qty

__all__ = ["read_lines"]

_QUANTITIES = (
    ("47", 1.0),
    ("12", 0.8),
    ("46", 0.8),
    ("61", 0.9),
)  # invoiced, despatched, delivered, returned
_LINE_AMOUNTS = (("203", 1.0), ("38", 1.0), ("66", 0.9))


def read_lines(
    groups: list[list[EdiSegment]], message: EdiMessage, warnings: list[str]
) -> tuple[list[Fields], list[tuple[Decimal, EdiSegment]]]:
    """The invoice lines (one per LIN group, sub-lines left out) and the tax
    amounts their TAX groups state."""
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
    item = line_item_id(group)
    if item is not None:
        line["item_id"] = item
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
    stated = read_unit_price(group, message, warnings)
    if stated is not None:
        line["unit_price"] = stated
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
