"""Issue #14's money rules, each table written from the reference semantics
(p2p-semantics.md b.1 SAP, b.2 Oracle, b.4 Ariba, b.5 our spec), never from
the engine's output:

* limit operator: `any` (SAP/Oracle, default) — a variance beyond any active
  limit holds, so an absolute 0 beside 5 % allows no variance; `all` (Ariba
  OR) — only beyond every active limit;
* absolute quantity limits (Oracle Max Qty Ord / Max Qty Rec), same operator;
* tax on its base: each line at its PO line's rate (PO, else item master,
  else vendor master), freight only where the policy taxes it;
* credit memos: one sign convention whatever the supplier wrote;
* acknowledgment changes use the same limit rule.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from activities.db.master_data import Item, Vendor
from activities.db.validation import resolve_tax_rates
from models.acknowledgments import Acknowledgment
from models.documents import GoodsReceipt, Invoice, InvoiceKind, ReceiptLine
from models.matching import HoldCode, MatchDecision, MatchRequest, ToleranceProfile
from models.purchase_order import MatchLevel, PurchaseOrder, PurchaseOrderLine
from models.records import LineTaxRate
from p2p.acknowledgment import compare_acknowledgment
from p2p.enrichment import apply_tax_rates
from p2p.matching import match_invoice
from p2p.tax import TaxedLine, expected_tax
from p2p.tolerance import LimitOperator, Limits

D = Decimal
C = HoldCode
ANY, ALL = LimitOperator.ANY, LimitOperator.ALL
T0 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)

# --- builders -------------------------------------------------------------------


def po(
    *lines: tuple[int, str, str, MatchLevel], rate: str | None = None, freight: str = "0"
) -> PurchaseOrder:
    """Lines `(line_no, quantity, unit_price, level)`; `rate` on every line."""
    return PurchaseOrder(
        po_number="PO-7",
        vendor_id="ACME",
        buyer="bob",
        currency="USD",
        freight=D(freight),
        lines=[
            PurchaseOrderLine(
                line_no=no,
                item_id=f"ITEM-{no}",
                quantity=D(q),
                unit_price=D(p),
                match_level=level,
                tax_rate_pct=None if rate is None else D(rate),
            )
            for no, q, p, level in lines
        ],
    )


LINE_100_AT_10 = (1, "100", "10.00", MatchLevel.THREE_WAY)


def invoice(
    lines: dict[int, tuple[str, str]],
    *,
    tax: str = "0",
    freight: str = "0",
    number: str = "INV-1",
    kind: InvoiceKind = InvoiceKind.INVOICE,
    total: str | None = None,
) -> Invoice:
    net = sum((D(q) * D(p) for q, p in lines.values()), D(0))
    return Invoice.model_validate(
        {
            "invoice_number": number,
            "kind": kind,
            "vendor_id": "ACME",
            "po_number": "PO-7",
            "invoice_date": "2026-03-02",
            "currency": "USD",
            "tax": tax,
            "freight": freight,
            "lines": [{"line_no": no, "quantity": q, "unit_price": p} for no, (q, p) in lines.items()],
            "total": total if total is not None else str(net + D(tax) + D(freight)),
        }
    )


def received(line_no: int, quantity: str, rejected: str = "0") -> GoodsReceipt:
    return GoodsReceipt(
        receipt_id=f"GR-{line_no}-{quantity}",
        po_number="PO-7",
        received_at=T0,
        lines=[ReceiptLine(line_no=line_no, quantity_received=D(quantity), quantity_rejected=D(rejected))],
    )


def holds(request: MatchRequest) -> Counter:
    result = match_invoice(request)
    assert result.decision == (MatchDecision.HOLD if result.open_holds else MatchDecision.APPROVE)
    return Counter((hold.code, hold.line_no) for hold in result.open_holds)


# --- the one limit rule -----------------------------------------------------------------

# variance, reference, pct, amount, operator, beyond?
LIMIT_TABLE = [
    # "0 allows no variance" holds beside any percentage under `any` (SAP: an upper limit of 0 always blocks)
    ("0.01", "100", "5", "0", ANY, True),
    ("0.01", "100", "5", "0", ALL, False),  # Ariba OR: inside the 5 % is enough
    ("6", "100", "5", "10", ANY, True),  # beyond the percentage only
    ("6", "100", "5", "10", ALL, False),
    ("11", "100", "5", "10", ANY, True),  # beyond both
    ("11", "100", "5", "10", ALL, True),
    ("5", "100", "5", "5", ANY, False),  # at both limits: inside
    ("5", "100", "5", "5", ALL, False),
    ("1", "100", None, None, ANY, False),  # nothing set: not checked
    ("1", "0", "5", None, ANY, True),  # zero reference: any variance is infinitely over a percentage
    ("0", "100", "0", "0", ANY, False),  # no variance
]


@pytest.mark.parametrize("variance, reference, pct, amount, operator, outside", LIMIT_TABLE)
def test_limit_rule(
    variance: str, reference: str, pct: str | None, amount: str | None, operator: LimitOperator, outside: bool
) -> None:
    limits = Limits(
        pct=None if pct is None else D(pct), amount=None if amount is None else D(amount), operator=operator
    )
    assert limits.exceeded_by(D(variance), D(reference)) is outside


def test_the_operator_is_written_in_the_hold() -> None:
    profile = ToleranceProfile(price_over_pct=D(5), price_over_abs=D(0))
    request = MatchRequest(
        po=po(LINE_100_AT_10),
        invoice=invoice({1: ("100", "10.01")}),
        receipts=[received(1, "100")],
        tolerance_profiles=[profile],
    )
    (hold,) = match_invoice(request).open_holds
    assert hold.code == C.PRICE
    assert hold.tolerance == "price over +5% or +0.00/unit, holds beyond any limit"


def test_a_profile_without_an_operator_is_any() -> None:
    assert ToleranceProfile().limit_operator == ANY
    assert ToleranceProfile.model_validate({"name": "x"}).limits("price_over").operator == ANY
    with pytest.raises(KeyError):
        ToleranceProfile().limits("prise_over")  # a typo is an error, not "not checked"


# --- absolute quantity limits (Oracle Max Qty Ord / Max Qty Rec) -------------------------

# level, received (kept), billed, profile limits, expected holds
QTY_TABLE = [
    # over ordered by 3 EA: beyond an absolute 2 (any) though inside 5 %
    (
        "2-way",
        None,
        "103",
        {"qty_over_ordered_pct": "5", "qty_over_ordered_abs": "2"},
        ANY,
        [(C.QTY_ORDERED, 1)],
    ),
    ("2-way", None, "103", {"qty_over_ordered_pct": "5", "qty_over_ordered_abs": "2"}, ALL, []),
    ("2-way", None, "102", {"qty_over_ordered_pct": None, "qty_over_ordered_abs": "2"}, ANY, []),
    (
        "2-way",
        None,
        "103",
        {"qty_over_ordered_pct": None, "qty_over_ordered_abs": "2"},
        ANY,
        [(C.QTY_ORDERED, 1)],
    ),
    # over received: 50 kept, 53 billed
    (
        "3-way",
        "50",
        "53",
        {"qty_over_received_pct": "10", "qty_over_received_abs": "2"},
        ANY,
        [(C.QTY_RECEIVED, 1)],
    ),
    ("3-way", "50", "53", {"qty_over_received_pct": "10", "qty_over_received_abs": "2"}, ALL, []),
    ("3-way", "50", "52", {"qty_over_received_pct": None, "qty_over_received_abs": "2"}, ANY, []),
    # over accepted (4-way): 50 arrived, 10 failed inspection, 43 billed
    (
        "4-way",
        "50/10",
        "43",
        {"qty_over_accepted_pct": "10", "qty_over_accepted_abs": "2"},
        ANY,
        [(C.INSPECTION, 1)],
    ),
    ("4-way", "50/10", "43", {"qty_over_accepted_pct": "10", "qty_over_accepted_abs": "2"}, ALL, []),
    ("4-way", "50/10", "42", {"qty_over_accepted_pct": None, "qty_over_accepted_abs": "2"}, ANY, []),
]


@pytest.mark.parametrize("level, got, billed, limits, operator, expected", QTY_TABLE)
def test_absolute_quantity_limits(
    level: str,
    got: str | None,
    billed: str,
    limits: dict[str, str | None],
    operator: LimitOperator,
    expected: list,
) -> None:
    profile = ToleranceProfile(
        limit_operator=operator,
        price_over_pct=None,
        **{k: None if v is None else D(v) for k, v in limits.items()},
    )
    receipts = []
    if got is not None:
        arrived, _, rejected = got.partition("/")
        receipts = [received(1, arrived, rejected or "0")]
    request = MatchRequest(
        po=po((1, "100", "10.00", MatchLevel(level))),
        receipts=receipts,
        invoice=invoice({1: (billed, "10.00")}),
        tolerance_profiles=[profile],
    )
    assert holds(request) == Counter(expected)


def test_quantity_hold_names_the_absolute_limit_and_the_unit() -> None:
    profile = ToleranceProfile(qty_over_ordered_pct=None, qty_over_ordered_abs=D(2))
    request = MatchRequest(
        po=po((1, "100", "10.00", MatchLevel.TWO_WAY)),
        invoice=invoice({1: ("103", "10.00")}),
        tolerance_profiles=[profile],
    )
    (hold,) = match_invoice(request).open_holds
    assert hold.tolerance.startswith("qty over ordered +2 EA")
    assert hold.message.endswith("(tolerance 2 EA)")


# --- net receipts (b.5: received is what was kept) -----------------------------------------


def test_units_rejected_at_the_dock_are_not_received() -> None:
    # The case: 100 arrived, 10 rejected, an invoice for 100 is not paid at once.
    request = MatchRequest(
        po=po(LINE_100_AT_10), receipts=[received(1, "100", "10")], invoice=invoice({1: ("100", "10.00")})
    )
    result = match_invoice(request)
    (hold,) = result.open_holds
    assert (hold.code, hold.expected, hold.actual) == (C.QTY_RECEIVED, D(90), D(100))
    assert "(10 EA rejected at the dock)" in hold.message
    billing_what_was_kept = request.model_copy(update={"invoice": invoice({1: ("90", "10.00")})})
    assert match_invoice(billing_what_was_kept).decision == MatchDecision.APPROVE


# --- tax on its base -------------------------------------------------------------------------

# lines (amount, rate), freight, freight taxable, expected tax (None: unknown)
TAX_TABLE = [
    ([("1000.00", "19")], "0", False, "190.00"),
    ([("1000.00", "19")], "50.00", False, "190.00"),  # freight outside the base unless taxable
    ([("1000.00", "19")], "50.00", True, "199.50"),
    ([("800.00", "19"), ("200.00", "7")], "0", False, "166.00"),
    # mixed rates: freight follows the goods pro rata (166 / 1000 = 16.6 % of 100)
    ([("800.00", "19"), ("200.00", "7")], "100.00", True, "182.60"),
    ([("1000.00", "19"), ("10.00", None)], "0", False, None),  # a line without a rate: no expectation
    ([("0.00", "19")], "10.00", True, None),  # freight with no goods to follow
    ([("10.05", "8.25")], "0", False, "0.83"),  # 0.8291… rounded once, half up
]


@pytest.mark.parametrize("lines, freight, taxable, expected", TAX_TABLE)
def test_expected_tax(
    lines: list[tuple[str, str | None]], freight: str, taxable: bool, expected: str | None
) -> None:
    taxed = [TaxedLine(amount=D(a), rate_pct=None if r is None else D(r)) for a, r in lines]
    result = expected_tax(taxed, D(freight), freight_taxable=taxable, currency="USD")
    assert (None if result is None else result.amount) == (None if expected is None else D(expected))


def test_tax_is_checked_from_the_po_lines_rates_in_a_live_request() -> None:
    order = po((1, "10", "80.00", MatchLevel.TWO_WAY), (2, "10", "20.00", MatchLevel.TWO_WAY))
    order.lines[0].tax_rate_pct, order.lines[1].tax_rate_pct = D(19), D(7)
    zero = ToleranceProfile(tax_over_pct=D(0))
    billed = {1: ("10", "80.00"), 2: ("10", "20.00")}
    right = MatchRequest(po=order, invoice=invoice(billed, tax="166.00"), tolerance_profiles=[zero])
    assert holds(right) == Counter()
    at_one_rate = right.model_copy(update={"invoice": invoice(billed, tax="190.00")})  # 19 % on everything
    (hold,) = match_invoice(at_one_rate).open_holds
    assert (hold.code, hold.expected, hold.actual) == (C.TAX, D("166.00"), D("190.00"))
    assert "(7% of 200.00 USD + 19% of 800.00 USD)" in hold.message  # by rate, ascending


def test_tax_on_freight_follows_the_policy() -> None:
    order = po(LINE_100_AT_10, rate="10")
    taxed_freight = invoice({1: ("100", "10.00")}, freight="50.00", tax="105.00")
    zero = ToleranceProfile(tax_over_pct=D(0))
    untaxed = MatchRequest(
        po=order, receipts=[received(1, "100")], invoice=taxed_freight, tolerance_profiles=[zero]
    )
    assert holds(untaxed) == Counter({(C.TAX, None): 1})
    assert holds(untaxed.model_copy(update={"freight_taxable": True})) == Counter()


def test_tax_rates_come_from_the_po_then_the_item_then_the_vendor() -> None:
    order = po(
        (1, "1", "1", MatchLevel.TWO_WAY),
        (2, "1", "1", MatchLevel.TWO_WAY),
        (3, "1", "1", MatchLevel.TWO_WAY),
    )
    order.lines[0].tax_rate_pct = D("5.5")  # the ERP said so: kept
    items = {
        "ITEM-1": Item("ITEM-1", "a", "MRO", "EA", tax_rate_pct=D(7)),
        "ITEM-2": Item("ITEM-2", "b", "MRO", "EA", tax_rate_pct=D(7)),
        "ITEM-3": Item("ITEM-3", "c", "MRO", "EA"),
    }
    vendor = Vendor("ACME", "Acme", True, "USD", tax_rate_pct=D(19))
    rates = resolve_tax_rates(order, items, vendor)
    assert rates == [
        LineTaxRate(line_no=2, tax_rate_pct=D(7), source="item ITEM-2"),
        LineTaxRate(line_no=3, tax_rate_pct=D(19), source="vendor ACME"),
    ]
    enriched = apply_tax_rates(order, rates)
    assert [line.tax_rate_pct for line in enriched.lines] == [D("5.5"), D(7), D(19)]
    assert resolve_tax_rates(order, items, Vendor("X", "X", True, "USD")) == [
        LineTaxRate(line_no=2, tax_rate_pct=D(7), source="item ITEM-2")
    ]  # line 3: no rate anywhere


# --- credit memos: one sign convention -------------------------------------------------------

CREDIT_LINES = {1: ("10", "10.00")}


@pytest.mark.parametrize("spelling", ["positive", "negative", "negative lines, positive tax"])
def test_a_credit_memo_is_a_negative_payable_however_it_is_written(spelling: str) -> None:
    figures = {
        "positive": ("10", "10.00", "19.00", "5.00", "124.00"),
        "negative": ("-10", "10.00", "-19.00", "-5.00", "-124.00"),
        "negative lines, positive tax": ("-10", "10.00", "19.00", "5.00", "-124.00"),
    }[spelling]
    quantity, price, tax, freight, total = figures
    memo = Invoice.model_validate(
        {
            "invoice_number": "CM-1",
            "kind": "credit_memo",
            "vendor_id": "ACME",
            "po_number": "PO-7",
            "invoice_date": "2026-03-02",
            "currency": "USD",
            "tax": tax,
            "freight": freight,
            "total": total,
            "lines": [
                {
                    "line_no": 1,
                    "quantity": quantity,
                    "unit_price": price,
                    "amount": str(D(quantity) * D(price)),
                }
            ],
        }
    )
    assert (memo.total, memo.tax, memo.freight, memo.lines[0].quantity) == (D(124), D(19), D(5), D(10))
    assert memo.payable_amount == D(-124)
    assert memo.billed_quantity(memo.lines[0]) == D(-10)
    request = MatchRequest(
        po=po(LINE_100_AT_10, freight="5.00"),
        receipts=[received(1, "100")],
        invoice=memo,
        prior_invoices=[invoice({1: ("100", "10.00")}, number="INV-1")],
    )
    assert holds(request) == Counter()  # its total holds together: no TOTAL_MISMATCH


def test_an_invoice_with_negative_tax_is_refused_at_the_door() -> None:
    with pytest.raises(ValueError, match="tax -1.00 is negative on an invoice"):
        invoice({1: ("1", "10.00")}, tax="-1.00")


# --- acknowledgments use the same rule --------------------------------------------------------


@pytest.mark.parametrize(
    "new_price, limit, outside",
    [
        ("10.20", "2", False),  # +2 %: at the limit
        ("10.21", "2", True),
        ("9.79", "2", True),  # either direction
        ("10.01", "0", True),  # 0: every change goes to the buyer
        ("50.00", None, False),  # not checked
    ],
)
def test_acknowledged_price_changes_use_the_one_limit_rule(
    new_price: str, limit: str | None, outside: bool
) -> None:
    ack = Acknowledgment.model_validate(
        {
            "ack_id": "A-1",
            "po_number": "PO-7",
            "vendor_id": "ACME",
            "status": "accepted_with_changes",
            "lines": [{"line_no": 1, "status": "changed", "unit_price": new_price}],
            "acknowledged_at": T0.isoformat(),
        }
    )
    profile = ToleranceProfile(ack_price_pct=None if limit is None else D(limit))
    comparison = compare_acknowledgment(po(LINE_100_AT_10), ack, profile)
    assert comparison.has_changes and (not comparison.within_tolerance) is outside


@pytest.mark.parametrize(
    "kind, total, due, payable",
    [
        ("invoice", "1190.00", None, "1190.00"),  # nothing prepaid: the total
        ("invoice", "1190.00", "690.00", "690.00"),  # BT-115 = BT-112 − 500.00 prepaid
        ("credit_memo", "-124.00", "-100.00", "-100.00"),  # written negative: magnitudes, then the sign
    ],
)
def test_the_hand_off_pays_the_amount_due_the_supplier_states(
    kind: str, total: str, due: str | None, payable: str
) -> None:
    """EN 16931: the amount due for payment (BT-115) is the invoice total with
    VAT (BT-112) less the paid amount (BT-113); paying the total after a
    prepayment would pay the prepayment twice."""
    document = Invoice.model_validate(
        {
            "invoice_number": "INV-9",
            "kind": kind,
            "vendor_id": "ACME",
            "po_number": "PO-7",
            "invoice_date": "2026-03-02",
            "currency": "USD",
            "total": total,
            "amount_due": due,
            "lines": [{"line_no": 1, "quantity": "1", "unit_price": "1000.00", "amount": "1000.00"}],
        }
    )
    assert document.payable_amount == D(payable)


def test_an_amount_due_in_more_decimals_than_the_currency_has_is_refused() -> None:
    with pytest.raises(ValueError, match="amount_due"):
        Invoice.model_validate(invoice({1: ("1", "10.00")}).model_dump() | {"amount_due": "5.001"})
