"""The PO an invoice bills, as poflow would hold it, made from the invoice's
ground truth: its number, vendor and currency, and one PO line per line number
billed, with the invoice line's item and description (a supplier that echoes
the PO's text; one that rewords its lines and prints no item goes to review).

Intake resolves every reading against the live PO before it sends it on
(`activities.intake.resolve`): the benchmarks and tests use this PO to score
what intake would send on, not only what the page alone says.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from models.purchase_order import PurchaseOrder, PurchaseOrderLine

__all__ = ["billed_po"]


def billed_po(document: Mapping[str, Any]) -> PurchaseOrder | None:
    """The PO for a ground-truth invoice document, or None when it names no
    PO or bills no numbered line (intake then cannot resolve it either)."""
    lines: dict[int, PurchaseOrderLine] = {}
    for position, line in enumerate(document.get("lines") or [], start=1):
        number = int(line.get("line_no") or position)
        if number in lines:  # two invoice lines billing one PO line
            continue
        lines[number] = PurchaseOrderLine(
            line_no=number,
            item_id=str(line.get("item_id") or f"ITEM-{number}"),
            description=str(line.get("description") or ""),
            quantity=abs(Decimal(str(line.get("quantity") or 1))) or Decimal(1),
            uom=str(line.get("uom") or "EA")[:8],
            unit_price=abs(Decimal(str(line.get("unit_price") or 0))),
        )
    if not document.get("po_number") or not lines:
        return None
    return PurchaseOrder(
        po_number=document["po_number"],
        vendor_id=document.get("vendor_id") or "VENDOR",
        buyer="benchmark",
        currency=document.get("currency") or "USD",
        lines=list(lines.values()),
    )
