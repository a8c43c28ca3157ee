"""A PO, a held and a clean invoice and match requests for the tolerance
simulation tests (the simulation itself, `poflow simulate`, the tolerance CLI
and the repository's match records)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from models.documents import Invoice, InvoiceLine
from models.matching import MatchRecord, MatchRequest, ToleranceProfile
from models.purchase_order import MatchLevel, PurchaseOrder, PurchaseOrderLine
from p2p.matching import match_invoice

D = Decimal
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
DEFAULT = ToleranceProfile(name="default", price_over_pct=D("2"))


def a_po(po_number: str = "PO-1", vendor: str = "ACME", currency: str = "USD") -> PurchaseOrder:
    """Two 2-way lines (no receipts needed): 100 EA @ 10.00, 10 EA @ 50.00."""
    return PurchaseOrder(
        po_number=po_number,
        vendor_id=vendor,
        buyer="buyer@example.com",
        currency=currency,
        lines=[
            PurchaseOrderLine(
                line_no=1,
                item_id="ITEM-1",
                quantity=D(100),
                unit_price=D("10.00"),
                match_level=MatchLevel.TWO_WAY,
                uom="EA",
            ),
            PurchaseOrderLine(
                line_no=2,
                item_id="ITEM-2",
                quantity=D(10),
                unit_price=D("50.00"),
                match_level=MatchLevel.TWO_WAY,
                uom="EA",
            ),
        ],
    )


def an_invoice(number: str, po: PurchaseOrder, prices: dict[int, str]) -> Invoice:
    quantities = {1: D(100), 2: D(10)}
    lines = [
        InvoiceLine(line_no=no, quantity=quantities[no], unit_price=D(price)) for no, price in prices.items()
    ]
    return Invoice(
        invoice_number=number,
        vendor_id=po.vendor_id,
        po_number=po.po_number,
        invoice_date=date(2026, 3, 1),
        currency=po.currency,
        lines=lines,
        total=sum((line.quantity * line.unit_price for line in lines), D(0)),
    )


def record(request: MatchRequest, at: datetime = T0) -> MatchRecord:
    return MatchRecord(request=request, result=match_invoice(request, matched_at=at))


def request_for(invoice: Invoice, po: PurchaseOrder, *profiles: ToleranceProfile, **extra) -> MatchRequest:
    return MatchRequest(po=po, invoice=invoice, tolerance_profiles=list(profiles) or [DEFAULT], **extra)


# line 1 at 10.50: +5 % over the agreed 10.00 → PRICE under the 2 % default.
PO = a_po()
HELD = an_invoice("INV-1", PO, {1: "10.50", 2: "50.00"})  # 1,050 + 500 = 1,550.00
CLEAN = an_invoice("INV-2", PO, {1: "10.10", 2: "50.00"})  # +1 %: passes 2 %
