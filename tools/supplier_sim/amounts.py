"""Line amounts of the invoices the generators build.

`InvoiceLine.amount` is optional in the model (a supplier may leave it to
quantity × price), but every line a generator builds states it, and the
documents print and total what is stated. These helpers read it as such and
fail loudly on a line built without one, rather than totalling a `None`."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from models.documents import InvoiceLine

__all__ = ["stated_amount", "stated_total"]


def stated_amount(line: InvoiceLine) -> Decimal:
    if line.amount is None:
        raise ValueError(f"generated invoice line {line.line_no} states no amount")
    return line.amount


def stated_total(lines: Iterable[InvoiceLine]) -> Decimal:
    """The lines' stated amounts added up, in order, from Decimal(0)."""
    return sum((stated_amount(line) for line in lines), Decimal(0))
