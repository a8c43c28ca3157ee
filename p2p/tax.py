"""Expected tax of an invoice: what the TAX check compares the billed tax with.

The rule (p2p-semantics.md b.2 Oracle "Tax Difference", b.4 ServiceNow
"over tax"; SAP leaves tax out of its price tolerances, so it is a check of
its own):

* Each line is taxed at its PO line's rate (`PurchaseOrderLine.tax_rate_pct`,
  from the PO or the item master), on its line amount.
* Freight is in the taxable base only where the policy says so
  (`Policy.freight_taxable`): jurisdictions differ (EU VAT taxes delivery
  charges as part of the supply; many US states do not). Taxable freight
  follows the goods it delivers — EU VAT's ancillary-cost rule — so with
  lines at several rates it is taxed pro rata to the lines' amounts.
* The expected tax is rounded once, to the currency's minor unit, per
  invoice; the tolerance absorbs a supplier's per-line rounding.
* A line without a rate means the expected tax is unknown: no expectation
  (the check is skipped rather than guessing a rate).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from models.common import format_money, round_money

_HUNDRED = Decimal(100)


@dataclass(frozen=True)
class TaxedLine:
    """One invoice line's taxable amount and the rate its PO line carries."""

    amount: Decimal
    rate_pct: Decimal | None


@dataclass(frozen=True)
class ExpectedTax:
    amount: Decimal  # rounded to the currency's minor unit
    base: Decimal  # lines + taxable freight
    explanation: (
        str  # `19% of 1,000.00 USD` / `19% of 800.00 USD + 7% of 200.00 USD, freight 50.00 USD pro rata`
    )


def expected_tax(
    lines: Sequence[TaxedLine], freight: Decimal, *, freight_taxable: bool, currency: str
) -> ExpectedTax | None:
    """The tax an invoice should bill (see the module docstring); None when
    a line has no rate, or when taxable freight has no lines to follow."""
    if not lines or any(line.rate_pct is None for line in lines):
        return None
    line_tax = sum((line.amount * _rate(line) / _HUNDRED for line in lines), Decimal(0))
    lines_base = sum((line.amount for line in lines), Decimal(0))
    taxed_freight = freight if freight_taxable else Decimal(0)
    freight_tax = Decimal(0)
    if taxed_freight:
        if lines_base == 0:
            return None  # pro rata to nothing: no rate to follow
        freight_tax = taxed_freight * line_tax / lines_base
    return ExpectedTax(
        amount=round_money(line_tax + freight_tax, currency),
        base=lines_base + taxed_freight,
        explanation=_explain(lines, taxed_freight, currency),
    )


def _rate(line: TaxedLine) -> Decimal:
    assert line.rate_pct is not None  # expected_tax checked every line
    return line.rate_pct


def _explain(lines: Sequence[TaxedLine], taxed_freight: Decimal, currency: str) -> str:
    by_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        by_rate[_rate(line)] = by_rate.get(_rate(line), Decimal(0)) + line.amount
    if len(by_rate) == 1:
        ((rate, amount),) = by_rate.items()
        return f"{_pct(rate)}% of {format_money(amount + taxed_freight, currency)}" + (
            " incl. freight" if taxed_freight else ""
        )
    parts = " + ".join(
        f"{_pct(rate)}% of {format_money(amount, currency)}" for rate, amount in sorted(by_rate.items())
    )
    if taxed_freight:
        parts += f", freight {format_money(taxed_freight, currency)} pro rata"
    return parts


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}"
