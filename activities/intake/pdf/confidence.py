"""How far to trust what was read off a PDF page, beyond the label and the parse.

An invoice checks itself: quantity × unit price is the line amount, the lines
add up to the subtotal, subtotal + tax + freight is the total. When a check
holds, every number in it was very likely read right (misreading two numbers
so that they still agree is rare); when it fails, one of them is wrong — or
the supplier's arithmetic is — and a person should look. So a holding check
raises the confidence of the fields it covers and a failing one lowers them
and says so in a warning.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from models.common import CURRENCY_MINOR_UNITS, round_money

__all__ = ["Checks", "cross_check", "lower", "raise_"]

RAISE_TOWARD_ONE = 0.6  # a holding check closes 60 % of the gap to certainty
LOWER_FACTOR = 0.55  # a failing check keeps a little over half the confidence


def raise_(value: float) -> float:
    return round(value + (1 - value) * RAISE_TOWARD_ONE, 3)


def lower(value: float) -> float:
    return round(value * LOWER_FACTOR, 3)


@dataclass
class Checks:
    """What the cross-checks found: new confidences (field path → value) and
    warnings to show the reviewer."""

    confidence: dict[str, float]
    warnings: list[str] = field(default_factory=list)

    def adjust(self, paths: list[str], holds: bool) -> None:
        for path in paths:
            if path in self.confidence:
                self.confidence[path] = (
                    raise_(self.confidence[path]) if holds else lower(self.confidence[path])
                )


def _tolerance(currency: str | None) -> Decimal:
    """Half a minor unit either way, plus a cent for prices printed with more
    decimals than the currency (0.1840 × 1,000 rounded per line)."""
    digits = CURRENCY_MINOR_UNITS.get(currency or "", 2)
    return Decimal(1).scaleb(-digits)


def _money(value: Decimal, currency: str | None) -> str:
    return f"{value:,.{CURRENCY_MINOR_UNITS.get(currency or '', 2)}f}"


def _line_amounts(lines: list[dict], checks: Checks, currency: str | None) -> list[Decimal] | None:
    """Check quantity × price per line; return every line's amount (printed,
    else computed), or None when a line has neither."""
    amounts: list[Decimal] = []
    for index, line in enumerate(lines):
        qty, price, amount = (
            Decimal(line[k]) if line.get(k) is not None else None
            for k in ("quantity", "unit_price", "amount")
        )
        paths = [f"lines[{index}].{k}" for k in ("quantity", "unit_price", "amount")]
        if qty is not None and price is not None:
            computed = round_money(qty * price, currency) if currency in CURRENCY_MINOR_UNITS else qty * price
            if amount is not None:
                holds = abs(abs(computed) - abs(amount)) <= _tolerance(currency)
                checks.adjust(paths, holds)
                if not holds:
                    checks.warnings.append(
                        f"line {line.get('line_no', index + 1)}: {qty} × {price} = "
                        f"{_money(computed, currency)}, "
                        f"but the line amount reads {_money(amount, currency)}"
                    )
            amounts.append(amount if amount is not None else computed)
        elif amount is not None:
            amounts.append(amount)
        else:
            return None
    return amounts


def cross_check(document: dict, confidence: dict[str, float], *, credit: bool = False) -> Checks:
    """Run the arithmetic checks of an invoice document (model JSON fields,
    plus `subtotal` when one was printed, passed in `document["_subtotal"]`).
    Without readable lines, a printed subtotal still checks the total."""
    checks = Checks(dict(confidence))
    currency = document.get("currency")
    lines = document.get("lines") or []
    amounts = _line_amounts(lines, checks, currency) if lines else None
    subtotal = Decimal(document["_subtotal"]) if document.get("_subtotal") is not None else None
    if amounts is None:
        checks.warnings.append(
            "the line amounts could not all be read, so the totals were not cross-checked against the lines"
        )
        if subtotal is None:
            checks.adjust(_text_paths(lines), False)
            return checks
    amount_paths = [
        f"lines[{i}].{k}" for k in ("amount", "quantity", "unit_price") for i in range(len(lines))
    ]
    tolerance = _tolerance(currency) * max(1, len(lines)) / 2
    lines_add_up = False
    if amounts is not None and subtotal is not None:
        lines_sum = sum(amounts, Decimal(0))
        lines_add_up = abs(abs(lines_sum) - abs(subtotal)) <= tolerance
        checks.adjust(["subtotal"] + amount_paths, lines_add_up)
        if not lines_add_up:
            checks.warnings.append(
                f"the lines add up to {_money(lines_sum, currency)}, "
                f"but the subtotal reads {_money(subtotal, currency)}"
            )
    net = sum(amounts or [], Decimal(0)) if subtotal is None else subtotal
    sign = Decimal(-1) if credit and net < 0 else Decimal(1)
    total_holds = _check_total(
        document, checks, abs(net), sign, subtotal is not None, amount_paths, tolerance
    )
    if amounts is not None and subtotal is None:
        lines_add_up = total_holds
    if lines and not lines_add_up:
        checks.adjust(_text_paths(lines), False)
    return checks


# A line's text (description, code, unit, number) has no arithmetic of its own;
# what vouches for it is that the table was read whole and in order — its
# amounts add up to the subtotal (or, without one, to the total). A table
# that does not, or cannot be checked, may have lost or shifted a row, and
# then every line's text is for review too.
_TEXT_FIELDS = ("description", "item_id", "uom", "line_no")


def _text_paths(lines: list[dict]) -> list[str]:
    return [f"lines[{i}].{k}" for i in range(len(lines)) for k in _TEXT_FIELDS]


def _check_total(
    document: dict,
    checks: Checks,
    base: Decimal,
    sign: Decimal,
    printed_net: bool,
    amount_paths: list[str],
    tolerance: Decimal,
) -> bool:
    """Net (`base`: the printed subtotal, else the lines) + tax + freight = total:
    whether it holds (False when no total was read)."""
    currency = document.get("currency")
    tax = Decimal(document.get("tax") or 0)
    if tax and abs(tax - base) <= tolerance:
        # "zzgl. 19 % MwSt. auf 458,75 €  87,16 €": the base read for the tax.
        checks.adjust(["tax"], False)
        checks.warnings.append(
            f"the tax reads {_money(tax, currency)}, the same as the net amount: the taxable base, not the tax?"
        )
    freight = Decimal(document.get("freight") or 0)
    if document.get("total") is None:
        checks.warnings.append("no total was found, so the invoice could not be checked against its lines")
        return False
    total = Decimal(document["total"])
    expected = base + tax + freight
    holds = abs(expected - abs(total)) <= tolerance + _tolerance(currency)
    checks.adjust(["total", "tax", "freight"] + ([] if printed_net else amount_paths), holds)
    if not holds:
        what = "subtotal" if printed_net else "lines"
        checks.warnings.append(
            f"{what} {_money(base * sign, currency)} + tax {_money(tax, currency)} + freight "
            f"{_money(freight, currency)} = {_money(expected * sign, currency)}, but the total reads "
            f"{_money(total, currency)}"
        )
    return holds
