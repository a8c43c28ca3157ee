"""What the purchase-order readers (X12 850, EDIFACT ORDERS) share: the
checks that turn a reading into a `PurchaseOrder` or an error that names the
segment at fault.

A purchase order that arrives as EDI starts a workflow at once (there is no
review step for the buyer's own orders), so a reading that is incomplete, or
whose control totals do not add up, is refused with the place to fix rather
than sent on with low confidence.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from activities.intake.errors import ExtractionError
from models.common import CURRENCY_MINOR_UNITS, round_money
from models.extraction import Extracted
from models.purchase_order import PurchaseOrder

__all__ = ["check_amount", "check_quantity_total", "lines_amount", "validated_po"]


def validated_po(extracted: Extracted, where: str) -> PurchaseOrder:
    """The reading as a `PurchaseOrder`; `ExtractionError` naming the field and
    the segment it was read from (`where` when it was not read from one:
    a field that is missing altogether)."""
    try:
        return PurchaseOrder.model_validate(extracted.document)
    except ValidationError as err:
        first = err.errors()[0]
        path = _path(first["loc"])
        more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ExtractionError(
            f"{path or 'purchase order'}: {message}{more}", _location(extracted, path) or where
        ) from None


def _path(loc: tuple[Any, ...]) -> str:
    """('lines', 0, 'quantity') → 'lines[0].quantity', as `Extracted` keys its fields."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _location(extracted: Extracted, path: str) -> str | None:
    """Where the field (or the nearest field it belongs to) was read."""
    while path:
        if path in extracted.locations:
            return extracted.locations[path].segment
        # The first field read under it (a line: its line number, the segment that opens it).
        inner = next((key for key in extracted.locations if key.startswith((f"{path}.", f"{path}["))), None)
        if inner is not None:
            return extracted.locations[inner].segment
        path = path.rsplit(".", 1)[0] if "." in path else path.rsplit("[", 1)[0] if "[" in path else ""
    return None


def lines_amount(lines: list[dict[str, Any]], currency: str | None) -> Decimal:
    """Σ quantity × unit price of the lines read, rounded per line as the PO
    model rounds them (unrounded for a currency poflow does not know)."""
    total = Decimal(0)
    for line in lines:
        amount = Decimal(str(line["quantity"])) * Decimal(str(line["unit_price"]))
        total += round_money(amount, currency) if currency in CURRENCY_MINOR_UNITS else amount
    return total


def check_quantity_total(stated: Decimal, lines: list[dict[str, Any]], what: str, where: str) -> None:
    """A hash total of the line quantities (X12 CTT02, EDIFACT CNT+1)."""
    counted = sum((Decimal(str(line["quantity"])) for line in lines), Decimal(0))
    if stated != counted:
        raise ExtractionError(
            f"{what} says the quantities add up to {_plain(stated)}; the lines add up to {_plain(counted)}",
            where,
        )


def check_amount(stated: Decimal, allowed: list[Decimal], what: str, where: str) -> None:
    """A stated order amount must be one of the amounts the order adds up to
    (lines alone, or lines and agreed freight: partners differ)."""
    if stated not in allowed:
        computed = " or ".join(_plain(value) for value in dict.fromkeys(allowed))
        raise ExtractionError(f"{what} says {_plain(stated)}; the order adds up to {computed}", where)


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
