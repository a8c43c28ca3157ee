"""Builders for match-engine tests: the standard PO (one line per match
level), receipts, invoices and credit memos, and match requests whose
receipts default to FULL (everything on the standard PO received)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from models.common import round_money
from models.documents import GoodsReceipt, Invoice, InvoiceKind, InvoiceLine, ReceiptLine
from models.matching import (
    Hold,
    HoldCode,
    MatchRequest,
    ToleranceProfile,
)
from models.purchase_order import MatchLevel, PurchaseOrder, PurchaseOrderLine

D = Decimal
C = HoldCode
ZERO = Decimal(0)
T0 = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

# --- builders -------------------------------------------------------------------

# The standard PO of the table: one line per match level that matters.
#   1: 100 EA @ 12.00  3-way      2: 100 EA @ 4.00  3-way
#   3:  10 HR @ 150.00 2-way      4:  20 EA @ 25.00 4-way
STANDARD_LINES = {
    1: (D(100), D("12.00"), MatchLevel.THREE_WAY, "EA"),
    2: (D(100), D("4.00"), MatchLevel.THREE_WAY, "EA"),
    3: (D(10), D("150.00"), MatchLevel.TWO_WAY, "HR"),
    4: (D(20), D("25.00"), MatchLevel.FOUR_WAY, "EA"),
}
# Items ITEM-<line_no>; categories of the standard lines (for scoped profiles).
STANDARD_CATEGORIES = {1: "MRO", 2: "MRO", 3: "IT services", 4: "lab equipment"}
STANDARD_TOTAL = D("3600.00")  # 1,200 + 400 + 1,500 + 500


def make_po(
    lines: dict[int, tuple[Decimal, Decimal, MatchLevel, str]] | None = None,
    *,
    currency: str = "USD",
    vendor_id: str = "ACME",
    revision: int = 1,
    categories: dict[int, str] | None = None,
    freight: Decimal = ZERO,
) -> PurchaseOrder:
    if lines is None:
        lines, categories = STANDARD_LINES, STANDARD_CATEGORIES if categories is None else categories
    categories = categories or {}
    return PurchaseOrder(
        po_number="PO-1001",
        revision=revision,
        vendor_id=vendor_id,
        buyer="buyer@example.com",
        currency=currency,
        freight=freight,
        lines=[
            PurchaseOrderLine(
                line_no=no,
                item_id=f"ITEM-{no}",
                quantity=qty,
                unit_price=price,
                match_level=lvl,
                uom=uom,
                category=categories.get(no),
            )
            for no, (qty, price, lvl, uom) in lines.items()
        ],
    )


def make_receipt(receipt_id: str, lines: dict[int, Decimal | tuple[Decimal, Decimal]]) -> GoodsReceipt:
    """`{line_no: received}` or `{line_no: (received, rejected)}`."""
    receipt_lines = []
    for no, qty in lines.items():
        received, rejected = qty if isinstance(qty, tuple) else (qty, D(0))
        receipt_lines.append(ReceiptLine(line_no=no, quantity_received=received, quantity_rejected=rejected))
    return GoodsReceipt(receipt_id=receipt_id, po_number="PO-1001", received_at=T0, lines=receipt_lines)


def make_invoice(
    number: str,
    lines: dict[int, tuple[Decimal, Decimal]],
    *,
    kind: InvoiceKind = InvoiceKind.INVOICE,
    currency: str = "USD",
    vendor_id: str = "ACME",
    freight: Decimal = ZERO,
    tax: Decimal = ZERO,
    total: Decimal | None = None,
    total_delta: Decimal = ZERO,
    po_number: str = "PO-1001",
    amounts: dict[int, Decimal] | None = None,
    uoms: dict[int, str] | None = None,
) -> Invoice:
    """`{line_no: (quantity, unit_price)}`; optional stated line `amounts` and
    units `uoms` per line. The total defaults to what a supplier would state:
    Σ line amounts (stated, else qty × price rounded), + freight + tax (plus
    `total_delta` to make it wrong)."""
    amounts, uoms = amounts or {}, uoms or {}

    def amount(no: int, q: Decimal, p: Decimal) -> Decimal:
        return amounts[no] if no in amounts else round_money(q * p, currency)

    if total is None:
        total = sum((amount(no, q, p) for no, (q, p) in lines.items()), D(0)) + freight + tax + total_delta
    return Invoice(
        invoice_number=number,
        kind=kind,
        vendor_id=vendor_id,
        po_number=po_number,
        invoice_date=date(2025, 3, 2),
        currency=currency,
        lines=[
            InvoiceLine(line_no=no, quantity=q, unit_price=p, amount=amounts.get(no), uom=uoms.get(no))
            for no, (q, p) in lines.items()
        ],
        freight=freight,
        tax=tax,
        total=total,
    )


def credit_memo(number: str, lines: dict[int, tuple[Decimal, Decimal]], **kwargs) -> Invoice:
    return make_invoice(number, lines, kind=InvoiceKind.CREDIT_MEMO, **kwargs)


def make_request(  # receipts default to FULL: everything on the standard PO received
    invoice: Invoice,
    *,
    po: PurchaseOrder | None = None,
    receipts: list[GoodsReceipt] | None = None,
    prior: list[Invoice] = (),
    tolerances: ToleranceProfile | None = None,
    profiles: list[ToleranceProfile] | None = None,
    po_open: bool = True,
    released: list[Hold] = (),
    manual: list[Hold] = (),
    audit: bool = False,
    tax_rate: Decimal | None = None,
    freight_taxable: bool = False,
) -> MatchRequest:
    """`tolerances`: one profile (the only candidate); `profiles`: candidates."""
    candidates = profiles if profiles is not None else [tolerances or ToleranceProfile()]
    return MatchRequest(
        po=po or make_po(),
        po_open=po_open,
        receipts=list(FULL if receipts is None else receipts),
        prior_invoices=list(prior),
        invoice=invoice,
        tolerance_profiles=candidates,
        released_holds=list(released),
        manual_holds=list(manual),
        audit_selected=audit,
        tax_rate_pct=tax_rate,
        freight_taxable=freight_taxable,
    )


FULL = [make_receipt("GR-1", {1: D(100), 2: D(100), 4: D(20)})]


def inv(lines: dict[int, tuple], **kwargs) -> Invoice:
    return make_invoice("INV-1", {no: (D(q), D(p)) for no, (q, p) in lines.items()}, **kwargs)
