"""The three-way match engine (activities/matching.py) and its activity.

Expected outcomes are written from the matching rules (DESIGN.md "Matching
vocabulary", p2p-semantics.md b.1/b.2/b.5), never copied from the engine:

* cumulative per PO line: billed_cum = earlier invoices − credit memos + this;
* None = not checked, 0 = no variance, a variance *at* the limit passes;
* price holds when it exceeds every over-limit that is set;
* 3/4-way: nothing received → NO_RECEIPT; billed_cum > received × (1+pct) →
  QTY_RECEIVED; 4-way also billed_cum > accepted × (1+pct) → INSPECTION;
* a released hold stays released while its expected/actual are unchanged.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from temporalio.testing import ActivityEnvironment

from activities.match_activity import match_invoice_activity
from activities.matching import match_invoice
from models.common import round_money
from models.documents import GoodsReceipt, Invoice, InvoiceKind, InvoiceLine, ReceiptLine
from models.matching import (
    Hold,
    HoldCode,
    HoldStatus,
    MatchDecision,
    MatchRequest,
    MatchResult,
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


def make_po(
    lines: dict[int, tuple[Decimal, Decimal, MatchLevel, str]] | None = None,
    *,
    currency: str = "USD",
    vendor_id: str = "ACME",
    revision: int = 1,
) -> PurchaseOrder:
    lines = STANDARD_LINES if lines is None else lines
    return PurchaseOrder(
        po_number="PO-1001",
        revision=revision,
        vendor_id=vendor_id,
        buyer="buyer@example.com",
        currency=currency,
        lines=[
            PurchaseOrderLine(
                line_no=no, item_id=f"ITEM-{no}", quantity=qty, unit_price=price, match_level=lvl, uom=uom
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
) -> Invoice:
    """`{line_no: (quantity, unit_price)}`; the total defaults to what a
    supplier would state: Σ qty × price rounded per line, + freight + tax
    (plus `total_delta` to make it wrong)."""
    if total is None:
        total = (
            sum((round_money(q * p, currency) for q, p in lines.values()), D(0)) + freight + tax + total_delta
        )
    return Invoice(
        invoice_number=number,
        kind=kind,
        vendor_id=vendor_id,
        po_number="PO-1001",
        invoice_date=date(2025, 3, 2),
        currency=currency,
        lines=[InvoiceLine(line_no=no, quantity=q, unit_price=p) for no, (q, p) in lines.items()],
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
    po_open: bool = True,
    released: list[Hold] = (),
) -> MatchRequest:
    return MatchRequest(
        po=po or make_po(),
        po_open=po_open,
        receipts=list(FULL if receipts is None else receipts),
        prior_invoices=list(prior),
        invoice=invoice,
        tolerances=tolerances or ToleranceProfile(),
        released_holds=list(released),
    )


def open_keys(result: MatchResult) -> Counter:
    return Counter((hold.code, hold.line_no) for hold in result.open_holds)


def only_hold(result: MatchResult, code: HoldCode) -> Hold:
    matches = [hold for hold in result.holds if hold.code == code]
    assert len(matches) == 1, result.holds
    return matches[0]


# Profiles named by what they allow (the default profile is price +2%, quantity
# 0% over ordered and received, total ±0.05).
DEFAULT = ToleranceProfile()
PCT2_ABS050 = ToleranceProfile(name="acme-metals", version=3, price_over_pct=D(2), price_over_abs=D("0.50"))
ABS050_ONLY = ToleranceProfile(price_over_pct=None, price_over_abs=D("0.50"))
PRICE_UNCHECKED = ToleranceProfile(price_over_pct=None, price_over_abs=None)
PRICE_ZERO = ToleranceProfile(price_over_pct=D(0))
UNDER5 = ToleranceProfile(price_under_pct=D(5))
RECEIVED10 = ToleranceProfile(qty_over_received_pct=D(10))
ORDERED10 = ToleranceProfile(qty_over_ordered_pct=D(10))
QTY_UNCHECKED = ToleranceProfile(qty_over_ordered_pct=None, qty_over_received_pct=None)
TOTAL_UNCHECKED = ToleranceProfile(total_small_difference_abs=None)
TOTAL_ZERO = ToleranceProfile(total_small_difference_abs=D(0))

FULL = [make_receipt("GR-1", {1: D(100), 2: D(100), 4: D(20)})]


# --- the rule table ----------------------------------------------------------------


@dataclass
class Case:
    name: str
    invoice: Invoice
    expected: list[tuple[HoldCode, int | None]]
    receipts: list[GoodsReceipt] = field(default_factory=lambda: FULL)
    prior: list[Invoice] = field(default_factory=list)
    tolerances: ToleranceProfile | None = None  # None = the default profile
    po_open: bool = True


def inv(lines: dict[int, tuple], **kwargs) -> Invoice:
    return make_invoice("INV-1", {no: (D(q), D(p)) for no, (q, p) in lines.items()}, **kwargs)


def prior_inv(number: str, lines: dict[int, tuple]) -> Invoice:
    return make_invoice(number, {no: (D(q), D(p)) for no, (q, p) in lines.items()})


def prior_cm(number: str, lines: dict[int, tuple]) -> Invoice:
    return credit_memo(number, {no: (D(q), D(p)) for no, (q, p) in lines.items()})


CASES = [
    # clean matches
    Case("clean_3way_exact_match_approves", inv({1: (100, "12.00")}), []),
    Case(
        "clean_multi_line_all_levels_approves",
        inv({1: (100, "12.00"), 2: (100, "4.00"), 3: (10, "150.00"), 4: (20, "25.00")}),
        [],
    ),
    Case("partial_invoice_of_full_receipt_approves", inv({1: (40, "12.00")}), []),
    # PRICE, percent only (default +2%: 12.24 is the limit)
    Case("price_within_pct_tolerance_approves", inv({1: (100, "12.20")}), []),
    Case("price_exactly_at_pct_tolerance_approves", inv({1: (100, "12.24")}), []),
    Case("price_just_above_pct_tolerance_holds", inv({1: (100, "12.25")}), [(C.PRICE, 1)]),
    # PRICE, percent and amount: hold only when both are exceeded
    Case("price_over_pct_and_abs_holds", inv({1: (100, "12.60")}), [(C.PRICE, 1)], tolerances=PCT2_ABS050),
    Case("price_over_pct_within_abs_approves", inv({1: (100, "12.40")}), [], tolerances=PCT2_ABS050),
    Case("price_over_abs_within_pct_approves", inv({3: (10, "151.50")}), [], tolerances=PCT2_ABS050),
    Case("price_abs_only_at_limit_approves", inv({1: (100, "12.50")}), [], tolerances=ABS050_ONLY),
    Case(
        "price_abs_only_above_limit_holds", inv({1: (100, "12.51")}), [(C.PRICE, 1)], tolerances=ABS050_ONLY
    ),
    Case("price_unchecked_when_no_limit_set", inv({1: (100, "20.00")}), [], tolerances=PRICE_UNCHECKED),
    # PRICE, zero tolerance
    Case(
        "price_zero_tolerance_any_increase_holds",
        inv({1: (100, "12.01")}),
        [(C.PRICE, 1)],
        tolerances=PRICE_ZERO,
    ),
    Case("price_zero_tolerance_exact_price_approves", inv({1: (100, "12.00")}), [], tolerances=PRICE_ZERO),
    Case(
        "price_zero_tolerance_sub_cent_increase_holds",
        inv({1: (100, "12.001")}),
        [(C.PRICE, 1)],
        tolerances=PRICE_ZERO,
    ),
    # PRICE under the agreed price
    Case("price_under_accepted_when_unchecked", inv({1: (100, "10.00")}), []),
    Case("price_under_within_limit_approves", inv({1: (100, "11.40")}), [], tolerances=UNDER5),
    Case("price_under_beyond_limit_holds", inv({1: (100, "11.39")}), [(C.PRICE, 1)], tolerances=UNDER5),
    # QTY_RECEIVED (cumulative, against Σ receipts)
    Case(
        "over_billing_vs_received_holds",
        inv({2: (60, "4.00")}),
        [(C.QTY_RECEIVED, 2)],
        receipts=[make_receipt("GR-1", {2: D(40)})],
    ),
    Case(
        "over_billing_within_received_pct_approves",
        inv({2: (44, "4.00")}),
        [],
        receipts=[make_receipt("GR-1", {2: D(40)})],
        tolerances=RECEIVED10,
    ),
    Case(
        "over_billing_beyond_received_pct_holds",
        inv({2: (45, "4.00")}),
        [(C.QTY_RECEIVED, 2)],
        receipts=[make_receipt("GR-1", {2: D(40)})],
        tolerances=RECEIVED10,
    ),
    Case(
        "partial_receipts_are_summed",
        inv({2: (60, "4.00")}),
        [],
        receipts=[make_receipt("GR-1", {2: D(25)}), make_receipt("GR-2", {2: D(35)})],
    ),
    Case(
        "qty_received_unchecked_when_none",
        inv({2: (60, "4.00")}),
        [],
        receipts=[make_receipt("GR-1", {2: D(40)})],
        tolerances=QTY_UNCHECKED,
    ),
    # cumulative over earlier invoices and credit memos
    Case(
        "two_invoices_netting_to_the_po_approve",
        inv({1: (40, "12.00")}),
        [],
        prior=[prior_inv("INV-0", {1: (60, "12.00")})],
    ),
    Case(
        "second_invoice_beyond_received_holds",
        inv({1: (40, "12.00")}),
        [(C.QTY_RECEIVED, 1)],
        receipts=[make_receipt("GR-1", {1: D(70)})],
        prior=[prior_inv("INV-0", {1: (60, "12.00")})],
    ),
    Case(
        "second_invoice_beyond_ordered_holds",
        inv({1: (50, "12.00")}),
        [(C.QTY_ORDERED, 1), (C.QTY_RECEIVED, 1)],
        prior=[prior_inv("INV-0", {1: (60, "12.00")})],
    ),
    Case(
        "credit_memo_reduces_previously_invoiced",
        inv({1: (20, "12.00")}),
        [],
        prior=[prior_inv("INV-0", {1: (100, "12.00")}), prior_cm("CM-1", {1: (20, "12.00")})],
    ),
    Case(
        "without_the_credit_memo_rebilling_holds",
        inv({1: (20, "12.00")}),
        [(C.QTY_ORDERED, 1), (C.QTY_RECEIVED, 1)],
        prior=[prior_inv("INV-0", {1: (100, "12.00")})],
    ),
    Case(
        "prior_invoice_on_other_line_does_not_count",
        inv({1: (100, "12.00")}),
        [],
        prior=[prior_inv("INV-0", {2: (100, "4.00")})],
    ),
    # QTY_ORDERED
    Case("over_billing_vs_ordered_holds", inv({3: (12, "150.00")}), [(C.QTY_ORDERED, 3)]),
    Case(
        "over_billing_within_ordered_pct_approves",
        inv({1: (110, "12.00")}),
        [],
        receipts=[make_receipt("GR-1", {1: D(110)})],
        tolerances=ORDERED10,
    ),
    Case(
        "over_billing_beyond_ordered_pct_holds",
        inv({1: (111, "12.00")}),
        [(C.QTY_ORDERED, 1), (C.QTY_RECEIVED, 1)],
        receipts=[make_receipt("GR-1", {1: D(110)})],
        tolerances=ORDERED10,
    ),
    Case("qty_ordered_unchecked_when_none", inv({3: (12, "150.00")}), [], tolerances=QTY_UNCHECKED),
    # NO_RECEIPT and match levels
    Case(
        "no_receipt_3way_holds_without_qty_received",
        inv({1: (10, "12.00")}),
        [(C.NO_RECEIPT, 1)],
        receipts=[],
    ),
    Case(
        "no_receipt_4way_holds_without_inspection", inv({4: (5, "25.00")}), [(C.NO_RECEIPT, 4)], receipts=[]
    ),
    Case(
        "zero_quantity_receipt_is_no_receipt",
        inv({1: (10, "12.00")}),
        [(C.NO_RECEIPT, 1)],
        receipts=[make_receipt("GR-1", {1: D(0)})],
    ),
    Case(
        "receipt_for_other_line_is_no_receipt",
        inv({1: (10, "12.00")}),
        [(C.NO_RECEIPT, 1)],
        receipts=[make_receipt("GR-1", {2: D(100)})],
    ),
    Case("two_way_service_line_without_receipt_approves", inv({3: (10, "150.00")}), [], receipts=[]),
    # INSPECTION (4-way)
    Case(
        "four_way_rejected_quantity_inspection",
        inv({4: (20, "25.00")}),
        [(C.INSPECTION, 4)],
        receipts=[make_receipt("GR-1", {4: (D(20), D(5))})],
    ),
    Case(
        "four_way_invoice_of_accepted_quantity_approves",
        inv({4: (15, "25.00")}),
        [],
        receipts=[make_receipt("GR-1", {4: (D(20), D(5))})],
    ),
    Case(
        "four_way_all_rejected_inspection",
        inv({4: (1, "25.00")}),
        [(C.INSPECTION, 4)],
        receipts=[make_receipt("GR-1", {4: (D(20), D(20))})],
    ),
    Case(
        "three_way_ignores_rejected_quantity",
        inv({1: (20, "12.00")}),
        [],
        receipts=[make_receipt("GR-1", {1: (D(20), D(5))})],
    ),
    # structural
    Case("unknown_line_holds", inv({1: (100, "12.00"), 9: (1, "5.00")}), [(C.UNKNOWN_LINE, 9)]),
    Case("currency_mismatch_holds", inv({1: (100, "12.00")}, currency="EUR"), [(C.CURRENCY, None)]),
    Case("vendor_mismatch_holds", inv({1: (100, "12.00")}, vendor_id="GLOBEX"), [(C.VENDOR_MISMATCH, None)]),
    Case("po_closed_holds", inv({1: (100, "12.00")}), [(C.PO_NOT_OPEN, None)], po_open=False),
    # TOTAL_MISMATCH (default small difference 0.05)
    Case(
        "total_beyond_small_difference_holds",
        inv({1: (100, "12.00")}, total_delta=D("0.06")),
        [(C.TOTAL_MISMATCH, None)],
    ),
    Case(
        "total_short_beyond_small_difference_holds",
        inv({1: (100, "12.00")}, total_delta=D("-0.06")),
        [(C.TOTAL_MISMATCH, None)],
    ),
    Case("total_within_small_difference_approves", inv({1: (100, "12.00")}, total_delta=D("0.05")), []),
    Case(
        "total_zero_tolerance_any_cent_holds",
        inv({1: (100, "12.00")}, total_delta=D("0.01")),
        [(C.TOTAL_MISMATCH, None)],
        tolerances=TOTAL_ZERO,
    ),
    Case(
        "total_unchecked_when_none",
        inv({1: (100, "12.00")}, total_delta=D(100)),
        [],
        tolerances=TOTAL_UNCHECKED,
    ),
    Case("total_includes_freight_and_tax", inv({1: (100, "12.00")}, freight=D("25.00"), tax=D("96.00")), []),
    Case(
        "total_missing_freight_holds",
        inv({1: (100, "12.00")}, freight=D("25.00"), total=D("1200.00")),
        [(C.TOTAL_MISMATCH, None)],
    ),
    # quantity sign
    Case("negative_quantity_amount_hold", inv({1: (-5, "12.00")}), [(C.AMOUNT, 1)]),
    Case("zero_quantity_amount_hold", inv({1: (0, "12.00")}), [(C.AMOUNT, 1)]),
    # credit memos: only structural checks
    Case(
        "credit_memo_skips_price_qty_and_receipt_checks",
        credit_memo("CM-2", {1: (D(500), D("99.00")), 4: (D(3), D("25.00"))}),
        [],
        receipts=[],
        po_open=False,
    ),
    Case(
        "credit_memo_unknown_line_holds", credit_memo("CM-2", {9: (D(1), D("5.00"))}), [(C.UNKNOWN_LINE, 9)]
    ),
    Case(
        "credit_memo_currency_and_vendor_hold",
        credit_memo("CM-2", {1: (D(1), D("12.00"))}, currency="EUR", vendor_id="GLOBEX"),
        [(C.CURRENCY, None), (C.VENDOR_MISMATCH, None)],
    ),
    Case(
        "credit_memo_total_mismatch_holds",
        credit_memo("CM-2", {1: (D(1), D("12.00"))}, total_delta=D(1)),
        [(C.TOTAL_MISMATCH, None)],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_rule(case: Case) -> None:
    request = make_request(
        case.invoice,
        receipts=case.receipts,
        prior=case.prior,
        tolerances=case.tolerances,
        po_open=case.po_open,
    )
    result = match_invoice(request)
    assert open_keys(result) == Counter(case.expected), [h.message for h in result.holds]
    assert result.decision == (MatchDecision.HOLD if case.expected else MatchDecision.APPROVE)
    assert all(hold.status == HoldStatus.OPEN for hold in result.holds)


def test_case_names_are_unique() -> None:
    assert len({case.name for case in CASES}) == len(CASES)


# --- messages and evidence ------------------------------------------------------------


def test_qty_received_message_and_evidence() -> None:
    request = make_request(inv({2: (60, "4.00")}), receipts=[make_receipt("GR-1", {2: D(40)})])
    hold = only_hold(match_invoice(request), C.QTY_RECEIVED)
    assert hold.message == "Line 2: billed 60 EA but only 40 EA received (tolerance 0%)"
    assert (hold.line_no, hold.expected, hold.actual, hold.variance) == (2, D(40), D(60), D(20))
    assert hold.formula == "billed_cum − received_cum"
    assert hold.tolerance == "qty over received +0%"
    assert hold.source == "default v1"


def test_price_message_and_evidence() -> None:
    hold = only_hold(match_invoice(make_request(inv({1: (100, "12.75")}))), C.PRICE)
    assert hold.message == "Line 1: price 12.75 USD is 6.25% above the agreed 12.00 USD (tolerance +2%)"
    assert (hold.line_no, hold.expected, hold.actual, hold.variance) == (1, D("12.00"), D("12.75"), D("0.75"))
    assert hold.tolerance == "price over +2%"
    assert hold.formula == "invoiced unit price − agreed unit price"


def test_price_tolerance_names_both_limits_and_the_profile() -> None:
    result = match_invoice(make_request(inv({1: (100, "12.60")}), tolerances=PCT2_ABS050))
    hold = only_hold(result, C.PRICE)
    assert hold.tolerance == "price over +2% or +0.50/unit"
    assert hold.source == "acme-metals v3"
    assert result.tolerance_source == "acme-metals v3"
    assert (
        hold.message
        == "Line 1: price 12.60 USD is 5% above the agreed 12.00 USD (tolerance +2% or +0.50/unit)"
    )


def test_price_under_message() -> None:
    hold = only_hold(match_invoice(make_request(inv({1: (100, "10.00")}), tolerances=UNDER5)), C.PRICE)
    assert hold.message == "Line 1: price 10.00 USD is 16.67% below the agreed 12.00 USD (tolerance -5%)"
    assert hold.variance == D("-2.00")
    assert hold.tolerance == "price under -5%"


def test_sub_cent_price_is_not_rounded_away_in_the_message() -> None:
    hold = only_hold(match_invoice(make_request(inv({1: (100, "12.004")}), tolerances=PRICE_ZERO)), C.PRICE)
    assert hold.message == "Line 1: price 12.004 USD is 0.03% above the agreed 12.00 USD (tolerance +0%)"


def test_money_uses_the_currency_minor_unit() -> None:
    po = make_po({1: (D(10), D(1200), MatchLevel.TWO_WAY, "EA")}, currency="JPY")
    invoice = make_invoice("INV-J", {1: (D(10), D(1300))}, currency="JPY")
    hold = only_hold(match_invoice(make_request(invoice, po=po)), C.PRICE)
    assert hold.message == "Line 1: price 1,300 JPY is 8.33% above the agreed 1,200 JPY (tolerance +2%)"


def test_cumulative_message_shows_earlier_invoices() -> None:
    request = make_request(
        inv({1: (40, "12.00")}),
        receipts=[make_receipt("GR-1", {1: D("70.5")})],
        prior=[prior_inv("INV-0", {1: (60, "12.00")})],
    )
    hold = only_hold(match_invoice(request), C.QTY_RECEIVED)
    assert hold.message == (
        "Line 1: billed 100 EA to date (60 EA before this invoice) but only 70.5 EA received (tolerance 0%)"
    )


def test_total_mismatch_evidence() -> None:
    hold = only_hold(
        match_invoice(make_request(inv({1: (100, "12.00")}, total=D("1250.00")))), C.TOTAL_MISMATCH
    )
    assert (hold.line_no, hold.expected, hold.actual, hold.variance) == (
        None,
        D("1200.00"),
        D("1250.00"),
        D("50.00"),
    )
    assert hold.tolerance == "total small difference ±0.05 USD"
    assert "1,250.00 USD" in hold.message and "1,200.00 USD" in hold.message and "50.00 USD" in hold.message


def test_inspection_message_names_rejected_quantity() -> None:
    request = make_request(inv({4: (20, "25.00")}), receipts=[make_receipt("GR-1", {4: (D(20), D(5))})])
    hold = only_hold(match_invoice(request), C.INSPECTION)
    assert (
        hold.message
        == "Line 4: billed 20 EA but only 15 EA accepted after inspection (5 EA rejected) (tolerance 0%)"
    )
    assert (hold.expected, hold.actual, hold.formula) == (D(15), D(20), "billed_cum − accepted_cum")


def test_no_receipt_and_amount_messages_are_actionable() -> None:
    no_receipt = only_hold(match_invoice(make_request(inv({1: (10, "12.00")}), receipts=[])), C.NO_RECEIPT)
    assert (
        no_receipt.message
        == "Line 1: billed 10 EA but nothing has been received yet; waiting for the goods receipt"
    )
    amount = only_hold(match_invoice(make_request(inv({1: (-5, "12.00")}))), C.AMOUNT)
    assert "-5 EA" in amount.message and "credit memo" in amount.message


def test_every_hold_carries_source_message_tolerance_and_formula() -> None:
    invoice = make_invoice(
        "INV-X",
        {1: (D(150), D("13.00")), 4: (D(20), D("25.00")), 9: (D(1), D(1))},
        currency="EUR",
        vendor_id="GLOBEX",
        total_delta=D(7),
    )
    request = make_request(
        invoice, receipts=[make_receipt("GR-1", {1: D(40), 4: (D(20), D(2))})], po_open=False
    )
    result = match_invoice(request)
    assert {h.code for h in result.holds} == {
        C.CURRENCY,
        C.VENDOR_MISMATCH,
        C.PO_NOT_OPEN,
        C.TOTAL_MISMATCH,
        C.PRICE,
        C.QTY_ORDERED,
        C.QTY_RECEIVED,
        C.INSPECTION,
        C.UNKNOWN_LINE,
    }
    for hold in result.holds:
        assert hold.source == "default v1"
        assert hold.message and hold.tolerance and hold.formula


def test_holds_are_ordered_header_then_line_then_code() -> None:
    invoice = make_invoice(
        "INV-X",
        {9: (D(1), D(1)), 1: (D(150), D("13.00"))},
        vendor_id="GLOBEX",
        currency="EUR",
        total_delta=D(7),
    )
    result = match_invoice(make_request(invoice, receipts=[]))
    # header holds (no line) first, in vocabulary order; then line 1, then line 9
    assert [(h.code, h.line_no) for h in result.holds] == [
        (C.TOTAL_MISMATCH, None),
        (C.CURRENCY, None),
        (C.VENDOR_MISMATCH, None),
        (C.QTY_ORDERED, 1),
        (C.PRICE, 1),
        (C.NO_RECEIPT, 1),
        (C.UNKNOWN_LINE, 9),
    ]


# --- line results ----------------------------------------------------------------------


def test_line_match_figures() -> None:
    request = make_request(
        inv({1: (30, "12.30"), 2: (10, "4.00")}),
        receipts=[make_receipt("GR-1", {1: (D(50), D(2))}), make_receipt("GR-2", {1: D(20), 2: D(5)})],
        prior=[prior_inv("INV-0", {1: (40, "12.00")}), prior_cm("CM-0", {1: (5, "12.00")})],
    )
    result = match_invoice(request)
    line1, line2 = result.lines
    assert (line1.line_no, line1.match_level, line1.ordered, line1.received, line1.accepted) == (
        1,
        MatchLevel.THREE_WAY,
        D(100),
        D(70),
        D(68),
    )
    assert (line1.previously_invoiced, line1.invoiced) == (D(35), D(30))
    assert (line1.reference_price, line1.invoiced_price, line1.price_variance) == (
        D("12.00"),
        D("12.30"),
        D("0.30"),
    )
    assert line1.decision == MatchDecision.HOLD  # 12.30 is 2.5% over
    assert (line2.received, line2.invoiced, line2.decision) == (
        D(5),
        D(10),
        MatchDecision.HOLD,
    )  # 10 > 5 received
    assert result.decision == MatchDecision.HOLD


def test_unknown_line_has_no_line_match_and_other_lines_approve() -> None:
    result = match_invoice(make_request(inv({1: (100, "12.00"), 9: (1, "5.00")})))
    assert [line.line_no for line in result.lines] == [1]
    assert result.lines[0].decision == MatchDecision.APPROVE
    assert result.decision == MatchDecision.HOLD


def test_credit_memo_lines_are_negative() -> None:
    result = match_invoice(make_request(credit_memo("CM-2", {1: (D(20), D("12.00"))})))
    assert result.lines[0].invoiced == D(-20)
    assert result.decision == MatchDecision.APPROVE


def test_result_header_fields() -> None:
    invoice = inv({1: (100, "12.00")})
    result = match_invoice(make_request(invoice, po=make_po(revision=4)), matched_at=T0)
    assert (result.invoice_id, result.po_number, result.po_revision) == (invoice.document_id, "PO-1001", 4)
    assert (result.matched_at, result.tolerance_source) == (T0, "default v1")
    assert match_invoice(make_request(invoice)).matched_at is None  # the engine has no clock


def test_rematch_does_not_count_the_invoice_itself_as_prior() -> None:
    invoice = inv({1: (100, "12.00")})
    assert match_invoice(make_request(invoice, prior=[invoice])).decision == MatchDecision.APPROVE


def test_reference_price_is_the_agreed_revision() -> None:
    # The supplier's acknowledged 12.50 became revision 2 of the PO: 12.70 is within +2% of it.
    po = make_po({1: (D(100), D("12.50"), MatchLevel.THREE_WAY, "EA")}, revision=2)
    result = match_invoice(make_request(inv({1: (100, "12.70")}), po=po))
    assert result.decision == MatchDecision.APPROVE
    assert result.lines[0].reference_price == D("12.50")


# --- released holds -------------------------------------------------------------------------


def released(
    hold: Hold, by: str = "ap.clerk@example.com", reason: str = "price increase agreed by phone"
) -> Hold:
    return hold.model_copy(
        update={"status": HoldStatus.RELEASED, "released_by": by, "release_reason": reason}
    )


def test_released_hold_is_not_reapplied() -> None:
    request = make_request(inv({1: (100, "12.75")}))
    first = only_hold(match_invoice(request), C.PRICE)
    request.released_holds = [released(first)]
    result = match_invoice(request)
    hold = only_hold(result, C.PRICE)
    assert hold.status == HoldStatus.RELEASED
    assert (hold.released_by, hold.release_reason) == (
        "ap.clerk@example.com",
        "price increase agreed by phone",
    )
    assert result.decision == MatchDecision.APPROVE
    assert result.lines[0].decision == MatchDecision.APPROVE


def test_released_hold_is_reapplied_when_the_reference_changes() -> None:
    request = make_request(inv({1: (100, "12.75")}))
    request.released_holds = [released(only_hold(match_invoice(request), C.PRICE))]
    # A buyer amendment moves the agreed price: a new variance needs a new decision.
    request.po = make_po({1: (D(100), D("12.10"), MatchLevel.THREE_WAY, "EA")}, revision=2)
    hold = only_hold(match_invoice(request), C.PRICE)
    assert (hold.status, hold.released_by, hold.expected) == (HoldStatus.OPEN, None, D("12.10"))


def test_released_qty_hold_is_reapplied_when_a_receipt_changes_it() -> None:
    request = make_request(inv({2: (60, "4.00")}), receipts=[make_receipt("GR-1", {2: D(40)})])
    request.released_holds = [
        released(only_hold(match_invoice(request), C.QTY_RECEIVED), reason="short ship ok")
    ]
    assert match_invoice(request).decision == MatchDecision.APPROVE
    request.receipts.append(make_receipt("GR-2", {2: D(10)}))
    hold = only_hold(match_invoice(request), C.QTY_RECEIVED)
    assert (hold.status, hold.expected, hold.actual) == (HoldStatus.OPEN, D(50), D(60))


def test_release_applies_to_its_own_line_only() -> None:
    request = make_request(inv({1: (100, "12.75"), 2: (100, "4.25")}))
    holds = match_invoice(request).holds
    request.released_holds = [released(next(h for h in holds if h.line_no == 1))]
    result = match_invoice(request)
    assert [(h.line_no, h.status) for h in result.holds] == [(1, HoldStatus.RELEASED), (2, HoldStatus.OPEN)]
    assert result.decision == MatchDecision.HOLD


def test_released_header_hold_stays_released() -> None:
    request = make_request(inv({1: (100, "12.00")}, currency="EUR"))
    request.released_holds = [released(only_hold(match_invoice(request), C.CURRENCY), reason="EUR agreed")]
    assert match_invoice(request).decision == MatchDecision.APPROVE


# --- the activity -------------------------------------------------------------------------------


def test_activity_stamps_utc_time_and_delegates() -> None:
    request = make_request(inv({1: (100, "12.75")}))
    before = datetime.now(UTC)
    result = ActivityEnvironment().run(match_invoice_activity, request)
    assert result.matched_at is not None and before <= result.matched_at <= before + timedelta(minutes=1)
    assert result.matched_at.utcoffset() == timedelta(0)
    assert result.model_copy(update={"matched_at": None}) == match_invoice(request)


# --- properties ---------------------------------------------------------------------------------

LEVELS = st.sampled_from(list(MatchLevel))
PRICE = st.integers(min_value=0, max_value=5_000_00).map(lambda cents: D(cents) / 100)
QTY = st.integers(min_value=1, max_value=10_000).map(lambda milli: D(milli) / 10)
PCT_LIMIT = st.one_of(st.none(), st.sampled_from([D(0), D(1), D("2.5"), D(10)]))
ABS_LIMIT = st.one_of(st.none(), st.sampled_from([D(0), D("0.01"), D("0.50"), D(5)]))
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def profiles(draw) -> ToleranceProfile:
    return ToleranceProfile(
        name="prop",
        version=draw(st.integers(1, 9)),
        price_over_pct=draw(PCT_LIMIT),
        price_over_abs=draw(ABS_LIMIT),
        price_under_pct=draw(PCT_LIMIT),
        qty_over_received_pct=draw(PCT_LIMIT),
        qty_over_ordered_pct=draw(PCT_LIMIT),
        total_small_difference_abs=draw(ABS_LIMIT),
    )


@st.composite
def purchase_orders(draw) -> PurchaseOrder:
    count = draw(st.integers(1, 4))
    return make_po({no: (draw(QTY), draw(PRICE), draw(LEVELS), "EA") for no in range(1, count + 1)})


def split(draw, total: Decimal, parts: int) -> list[Decimal]:
    """`total` cut into `parts` non-negative pieces (tenths) that add up exactly."""
    tenths = int(total * 10)
    cuts = sorted(draw(st.lists(st.integers(0, tenths), min_size=parts - 1, max_size=parts - 1)))
    bounds = [0, *cuts, tenths]
    return [D(b - a) / 10 for a, b in pairwise(bounds)]


@st.composite
def received_and_invoiced_at_po_price(draw) -> MatchRequest:
    """Receipts of at most the ordered quantity, split over 1–3 receipts;
    invoiced exactly as received at the PO price, possibly over two invoices."""
    po = draw(purchase_orders())
    receipts_per_line, prior_lines, this_lines = {}, {}, {}
    for line in po.lines:
        received = D(draw(st.integers(0, int(line.quantity * 10)))) / 10
        receipts_per_line[line.line_no] = split(draw, received, 3)
        if received == 0:
            continue
        earlier, now = split(draw, received, 2)
        if now == 0:
            earlier, now = D(0), received
        if earlier:
            prior_lines[line.line_no] = (earlier, line.unit_price)
        this_lines[line.line_no] = (now, line.unit_price)
    if not this_lines:
        line = po.lines[0]
        receipts_per_line[line.line_no] = [line.quantity, D(0), D(0)]
        this_lines[line.line_no] = (line.quantity, line.unit_price)
    receipts = [
        make_receipt(f"GR-{i}", {no: parts[i] for no, parts in receipts_per_line.items()}) for i in range(3)
    ]
    prior = [make_invoice("INV-0", prior_lines)] if prior_lines else []
    return make_request(
        make_invoice("INV-1", this_lines), po=po, receipts=receipts, prior=prior, tolerances=draw(profiles())
    )


@given(received_and_invoiced_at_po_price())
@FAST
def test_property_invoicing_what_was_received_at_po_price_never_holds(request: MatchRequest) -> None:
    result = match_invoice(request)
    assert result.holds == [], [h.message for h in result.holds]
    assert result.decision == MatchDecision.APPROVE


@st.composite
def any_requests(draw) -> MatchRequest:
    """Anything goes: over/under prices and quantities, rejections, earlier
    invoices and credit memos, wrong currency/vendor/lines/totals."""
    po = draw(purchase_orders())
    line_nos = [line.line_no for line in po.lines]
    receipts = [
        make_receipt(
            f"GR-{i}",
            {
                no: (received, D(draw(st.integers(0, int(received * 10)))) / 10)
                for no in draw(st.lists(st.sampled_from(line_nos), min_size=1, max_size=4, unique=True))
                for received in [draw(QTY)]
            },
        )
        for i in range(draw(st.integers(0, 3)))
    ]
    invoice_lines = st.dictionaries(
        st.sampled_from([*line_nos, 9]), st.tuples(QTY, PRICE), min_size=1, max_size=3
    )
    prior = [
        make_invoice(f"P-{i}", draw(invoice_lines), kind=draw(st.sampled_from(list(InvoiceKind))))
        for i in range(draw(st.integers(0, 2)))
    ]
    lines = draw(invoice_lines)
    if draw(st.booleans()):
        no = draw(st.sampled_from(line_nos))
        lines[no] = (draw(st.sampled_from([D(0), D(-3)])), draw(PRICE))
    invoice = make_invoice(
        "INV-1",
        lines,
        kind=draw(st.sampled_from(list(InvoiceKind))),
        currency=draw(st.sampled_from(["USD", "USD", "EUR"])),
        vendor_id=draw(st.sampled_from(["ACME", "ACME", "GLOBEX"])),
        total_delta=draw(st.sampled_from([D(0), D("0.03"), D("-0.20"), D(5)])),
    )
    return make_request(
        invoice,
        po=po,
        receipts=receipts,
        prior=prior,
        tolerances=draw(profiles()),
        po_open=draw(st.booleans()),
    )


STRUCTURAL = {C.CURRENCY, C.VENDOR_MISMATCH, C.PO_NOT_OPEN, C.UNKNOWN_LINE, C.AMOUNT, C.NO_RECEIPT}


def independent_billed_cum(request: MatchRequest, line_no: int) -> Decimal:
    def qty(invoice: Invoice) -> Decimal:
        sign = -1 if invoice.kind == InvoiceKind.CREDIT_MEMO else 1
        return sign * sum((line.quantity for line in invoice.lines if line.line_no == line_no), D(0))

    return sum((qty(invoice) for invoice in request.prior_invoices), D(0)) + qty(request.invoice)


def assert_exceeded(hold: Hold, request: MatchRequest) -> None:
    """Re-derive, from the rule and the raw inputs, that the hold's limit is exceeded."""
    profile = request.tolerances
    receipts = [
        line for receipt in request.receipts for line in receipt.lines if line.line_no == hold.line_no
    ]
    if hold.code == C.TOTAL_MISMATCH:
        assert profile.total_small_difference_abs is not None
        assert (
            abs(request.invoice.total - request.invoice.computed_total) > profile.total_small_difference_abs
        )
        return
    po_line = request.po.line(hold.line_no)
    billed = independent_billed_cum(request, hold.line_no)
    if hold.code == C.PRICE:
        invoiced = next(line.unit_price for line in request.invoice.lines if line.line_no == hold.line_no)
        variance = invoiced - po_line.unit_price
        if variance > 0:
            limits = [profile.price_over_pct, profile.price_over_abs]
            assert any(limit is not None for limit in limits)
            assert (
                profile.price_over_pct is None or variance * 100 > profile.price_over_pct * po_line.unit_price
            )
            assert profile.price_over_abs is None or variance > profile.price_over_abs
        else:
            assert variance < 0 and profile.price_under_pct is not None
            assert -variance * 100 > profile.price_under_pct * po_line.unit_price
    elif hold.code == C.QTY_ORDERED:
        assert billed > po_line.quantity * (1 + profile.qty_over_ordered_pct / 100)
    elif hold.code == C.QTY_RECEIVED:
        assert po_line.match_level != MatchLevel.TWO_WAY
        assert billed > sum(r.quantity_received for r in receipts) * (1 + profile.qty_over_received_pct / 100)
    elif hold.code == C.INSPECTION:
        assert po_line.match_level == MatchLevel.FOUR_WAY
        assert billed > sum(r.quantity_accepted for r in receipts) * (1 + profile.qty_over_received_pct / 100)
    else:
        pytest.fail(f"unexpected hold code {hold.code}")


@given(any_requests())
@FAST
def test_property_every_open_hold_exceeds_a_named_tolerance_or_is_structural(request: MatchRequest) -> None:
    result = match_invoice(request)
    assert result.decision == (MatchDecision.HOLD if result.open_holds else MatchDecision.APPROVE)
    for hold in result.open_holds:
        assert hold.message and hold.source == f"prop v{request.tolerances.version}"
        if hold.code in STRUCTURAL:
            continue
        assert hold.tolerance, hold
        assert_exceeded(hold, request)
    if request.invoice.kind == InvoiceKind.CREDIT_MEMO:
        assert {h.code for h in result.holds} <= {
            C.UNKNOWN_LINE,
            C.CURRENCY,
            C.VENDOR_MISMATCH,
            C.TOTAL_MISMATCH,
        }


@given(any_requests(), st.randoms(use_true_random=False))
@FAST
def test_property_result_does_not_depend_on_document_order(request: MatchRequest, rnd) -> None:
    expected = match_invoice(request, matched_at=T0)
    shuffled = request.model_copy(deep=True)
    rnd.shuffle(shuffled.receipts)
    rnd.shuffle(shuffled.prior_invoices)
    assert match_invoice(shuffled, matched_at=T0) == expected


@given(any_requests())
@FAST
def test_property_releasing_every_hold_approves_the_same_inputs(request: MatchRequest) -> None:
    first = match_invoice(request)
    request.released_holds = [released(hold) for hold in first.holds]
    second = match_invoice(request)
    assert second.decision == MatchDecision.APPROVE
    assert [(h.code, h.line_no) for h in second.holds] == [(h.code, h.line_no) for h in first.holds]
