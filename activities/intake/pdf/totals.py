"""The invoice total and the amount due, chosen among every amount printed
beside a totals label.

EN 16931 keeps two figures apart: the invoice total with VAT (BT-112) and the
amount due for payment (BT-115 = BT-112 − paid amount BT-113 + rounding
BT-114). Printed invoices label both — "Total TTC" / "Net à payer",
"Gesamtbetrag" / "Zahlbetrag", "Invoice total" / "Amount due" — and after a
prepayment, a deposit or a discount they differ. So:

- the total is the grand total including tax: of the amounts printed under a
  total label, the one that equals net + tax + freight (net: the printed
  subtotal, else the lines); when none does, the last one that could be a
  grand total (not the tax, not less than the net);
- an amount due is the total only when no total is printed (most invoices
  print one figure when nothing was prepaid); the cross-check
  (`confidence.cross_check`) then says whether it adds up;
- an amount due that differs from the total is kept as `amount_due`, with a
  warning, never as the total.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from activities.intake.pdf.field_hit import FieldHit
from models.common import CURRENCY_MINOR_UNITS

__all__ = ["choose_total", "expected_total"]


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _lines_sum(lines: list[dict[str, Any]]) -> Decimal | None:
    """The lines' amounts (printed, else quantity × price), or None when a line has neither."""
    total = Decimal(0)
    for line in lines:
        amount = _decimal(line.get("amount"))
        if amount is None:
            quantity, price = _decimal(line.get("quantity")), _decimal(line.get("unit_price"))
            if quantity is None or price is None:
                return None
            amount = quantity * price
        total += abs(amount)
    return total


def expected_total(document: dict[str, Any], subtotal: FieldHit | None) -> Decimal | None:
    """Net (the printed subtotal, else the lines) + tax + freight, as magnitudes."""
    net = abs(Decimal(str(subtotal.value))) if subtotal is not None else None
    if net is None:
        net = _lines_sum(document.get("lines") or []) if document.get("lines") else None
    if net is None:
        return None
    return (
        net
        + abs(_decimal(document.get("tax")) or Decimal(0))
        + abs(_decimal(document.get("freight")) or Decimal(0))
    )


def _tolerance(currency: str | None, lines: int) -> Decimal:
    """A minor unit per line rounded, as the cross-check allows."""
    return Decimal(1).scaleb(-CURRENCY_MINOR_UNITS.get(currency or "", 2)) * max(1, lines)


def choose_total(
    totals: list[FieldHit], dues: list[FieldHit], document: dict[str, Any], subtotal: FieldHit | None
) -> tuple[FieldHit | None, FieldHit | None]:
    """(the invoice total, an amount due that differs from it) among the
    hits of the total and amount-due labels, in reading order."""
    expected = expected_total(document, subtotal)
    tolerance = _tolerance(document.get("currency"), len(document.get("lines") or []))

    def agrees(hit: FieldHit) -> bool:
        return expected is not None and abs(abs(Decimal(str(hit.value))) - expected) <= tolerance

    tax = abs(_decimal(document.get("tax")) or Decimal(0))
    net = (
        expected - tax - abs(_decimal(document.get("freight")) or Decimal(0))
        if expected is not None
        else None
    )

    def could_be_grand_total(hit: FieldHit) -> bool:
        value = abs(Decimal(str(hit.value)))
        return not (tax and value == tax) and (net is None or value >= net - tolerance)

    total = (
        next((hit for hit in reversed(totals) if agrees(hit)), None)
        or next((hit for hit in reversed(dues) if agrees(hit)), None)
        or next((hit for hit in reversed(totals) if could_be_grand_total(hit)), None)
        or (totals[-1] if totals else None)
        or (dues[-1] if dues else None)
    )
    due = dues[-1] if dues else None
    if due is None or total is None or Decimal(str(due.value)) == Decimal(str(total.value)):
        return total, None
    return total, due
