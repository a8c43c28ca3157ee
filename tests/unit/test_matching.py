"""The three-way match engine (p2p/matching/) and its activity.

Expected outcomes are written from the matching rules (DESIGN.md "Matching
vocabulary", p2p-semantics.md b.1/b.2/b.5), never copied from the engine:

* cumulative per PO line: billed_cum = earlier invoices − credit memos + this;
* None = not checked, 0 = no variance, a variance *at* the limit passes;
* price holds when it exceeds every over-limit that is set;
* 3/4-way: nothing received → NO_RECEIPT; billed_cum > received × (1+pct) →
  QTY_RECEIVED; 4-way also billed_cum > accepted × (1+pct) → INSPECTION;
* a released hold stays released while its expected/actual are unchanged;
* profiles resolve per PO line item > vendor+category > vendor > category >
  default; header checks use the vendor-level profile;
* 4-way: billed_cum > accepted × (1 + qty_over_accepted_pct) → INSPECTION;
* price under: a drop beyond every set lower limit (pct, abs/unit) → PRICE;
* AMOUNT (header): Σ line amounts invoiced to date > PO total beyond every set
  limit; AMOUNT (line): stated amount ≠ round(qty × price) beyond the small
  difference, or a non-positive quantity;
* FREIGHT: freight billed to date > PO freight (0 unless the PO has freight)
  beyond freight_over_abs, on an invoice that bills freight;
* TAX: only with a tax rate: tax > round(rate × (lines + freight)) beyond
  every set limit;
* unit of measure differing from the PO line → UNKNOWN_LINE (no other line
  checks); another PO number → VENDOR_MISMATCH;
* MANUAL (carried) and RANDOM_AUDIT (audit_selected, invoices only) are never
  released by a re-match.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from itertools import pairwise

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from temporalio.testing import ActivityEnvironment

from activities.match_activity import match_invoice_activity
from models.common import round_money
from models.documents import GoodsReceipt, Invoice, InvoiceKind
from models.holds import awaiting_reason
from models.matching import (
    AcknowledgedLine,
    Hold,
    HoldCode,
    HoldStatus,
    MatchDecision,
    MatchRequest,
    MatchResult,
    ShippedLine,
    ToleranceProfile,
)
from models.purchase_order import MatchLevel, PurchaseOrder
from p2p.matching import match_invoice
from p2p.tolerance import LimitOperator
from p2p.tolerance_profiles import (
    applies_to,
    candidates_for_vendor,
    resolve_profile,
    scope_label,
    specificity,
)
from tests.support.matching import (
    FULL,
    STANDARD_TOTAL,
    T0,
    ZERO,
    C,
    D,
    credit_memo,
    inv,
    make_invoice,
    make_po,
    make_receipt,
    make_request,
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
# The same limits under Ariba's OR: only a variance beyond both holds.
PCT2_ABS050_ALL = PCT2_ABS050.model_copy(update={"limit_operator": LimitOperator.ALL})
ABS050_ONLY = ToleranceProfile(price_over_pct=None, price_over_abs=D("0.50"))
PRICE_UNCHECKED = ToleranceProfile(price_over_pct=None, price_over_abs=None)
PRICE_ZERO = ToleranceProfile(price_over_pct=D(0))
UNDER5 = ToleranceProfile(price_under_pct=D(5))
RECEIVED10 = ToleranceProfile(qty_over_received_pct=D(10))
ORDERED10 = ToleranceProfile(qty_over_ordered_pct=D(10))
QTY_UNCHECKED = ToleranceProfile(qty_over_ordered_pct=None, qty_over_received_pct=None)
TOTAL_UNCHECKED = ToleranceProfile(total_small_difference_abs=None)
TOTAL_ZERO = ToleranceProfile(total_small_difference_abs=D(0))
ACCEPTED10 = ToleranceProfile(qty_over_accepted_pct=D(10))
ACCEPTED_UNCHECKED = ToleranceProfile(qty_over_accepted_pct=None)
UNDER_ABS050 = ToleranceProfile(price_under_abs=D("0.50"))
UNDER5_ABS050 = ToleranceProfile(price_under_pct=D(5), price_under_abs=D("0.50"))
UNDER5_ABS050_ALL = UNDER5_ABS050.model_copy(update={"limit_operator": LimitOperator.ALL})
AMOUNT_PO_ZERO = ToleranceProfile(amount_over_po_pct=D(0))
AMOUNT_PO_2 = ToleranceProfile(amount_over_po_pct=D(2))
AMOUNT_PO_ABS50 = ToleranceProfile(amount_over_po_abs=D(50))
FREIGHT_ZERO = ToleranceProfile(freight_over_abs=D(0))
FREIGHT_25 = ToleranceProfile(freight_over_abs=D(25))
TAX_ZERO = ToleranceProfile(tax_over_pct=D(0))
TAX_1PCT = ToleranceProfile(tax_over_pct=D(1))
TAX_ABS1 = ToleranceProfile(tax_over_abs=D(1))
# Every header money limit at zero: what credit memos must ignore.
MONEY_STRICT = ToleranceProfile(amount_over_po_pct=D(0), freight_over_abs=D(0), tax_over_pct=D(0))

# Scoped candidates for the standard PO (vendor ACME; ITEM-1/2 are MRO, ITEM-4
# lab equipment). Each allows a different price variance, so which one
# applied shows in whether a price holds.
HOUSE = ToleranceProfile(name="house", price_over_pct=D(0))  # default scope
P_MRO = ToleranceProfile(name="mro", category="MRO", price_over_pct=D(3))
P_MRO_LOWER = ToleranceProfile(name="mro", category="mro", price_over_pct=D(3))
P_ACME = ToleranceProfile(name="acme", vendor_id="ACME", price_over_pct=D(5))
P_ACME_MRO = ToleranceProfile(name="acme-mro", vendor_id="ACME", category="MRO", price_over_pct=D(8))
P_ITEM1 = ToleranceProfile(name="item-1", item_id="ITEM-1", price_over_pct=D(10))
P_ITEM1_ACME = ToleranceProfile(name="item-1-acme", item_id="ITEM-1", vendor_id="ACME", price_over_pct=D(15))
P_GLOBEX = ToleranceProfile(name="globex", vendor_id="GLOBEX", price_over_pct=D(50))
P_LAB = ToleranceProfile(name="lab", category="lab equipment", qty_over_accepted_pct=D(50))
ALL_SCOPES = [HOUSE, P_MRO, P_ACME, P_ACME_MRO, P_ITEM1, P_GLOBEX]

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
    profiles: list[ToleranceProfile] | None = None  # candidates; overrides `tolerances`
    po: PurchaseOrder | None = None  # None = the standard PO
    manual: list[Hold] = field(default_factory=list)
    audit: bool = False
    tax_rate: Decimal | None = None
    freight_taxable: bool = False


def prior_inv(number: str, lines: dict[int, tuple], **kwargs) -> Invoice:
    return make_invoice(number, {no: (D(q), D(p)) for no, (q, p) in lines.items()}, **kwargs)


def prior_cm(number: str, lines: dict[int, tuple], **kwargs) -> Invoice:
    return credit_memo(number, {no: (D(q), D(p)) for no, (q, p) in lines.items()}, **kwargs)


def cm(lines: dict[int, tuple], **kwargs) -> Invoice:
    return credit_memo("CM-2", {no: (D(q), D(p)) for no, (q, p) in lines.items()}, **kwargs)


def manual_hold(line_no: int | None = None) -> Hold:
    return Hold(
        code=C.MANUAL,
        line_no=line_no,
        source="placed by ap.manager@example.com",
        message="Held by AP: supplier bank details under review",
    )


# Every line of the standard PO at its price +2% (exactly at the default price
# limit): 1,224 + 408 + 1,530 + 510 = 3,672, i.e. 72.00 (2%) over the PO total.
ALL_PLUS_2PCT = {1: (100, "12.24"), 2: (100, "4.08"), 3: (10, "153.00"), 4: (20, "25.50")}
# … at +1%: 1,212 + 404 + 1,515 + 505 = 3,636, 36.00 (1%) over.
ALL_PLUS_1PCT = {1: (100, "12.12"), 2: (100, "4.04"), 3: (10, "151.50"), 4: (20, "25.25")}
# Lines 1–3 at the PO price: 3,100 of the 3,600.
LINES_1_TO_3 = {1: (100, "12.00"), 2: (100, "4.00"), 3: (10, "150.00")}
# A 2-way line at a price of a tenth of a cent, for rounding rules.
ROUNDING_PO = make_po({1: (D(1000), D("0.125"), MatchLevel.TWO_WAY, "EA")})
JPY_PO = make_po({1: (D(10), D("333.5"), MatchLevel.TWO_WAY, "EA")}, currency="JPY")
FREIGHT_PO = make_po(freight=D("40.00"))


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
    # PRICE, percent and amount: operator any (SAP/Oracle, the default) holds
    # beyond either limit; operator all (Ariba OR) only beyond both
    Case("price_over_pct_and_abs_holds", inv({1: (100, "12.60")}), [(C.PRICE, 1)], tolerances=PCT2_ABS050),
    Case(
        "price_over_pct_and_abs_all_holds",
        inv({1: (100, "12.60")}),
        [(C.PRICE, 1)],
        tolerances=PCT2_ABS050_ALL,
    ),
    Case(
        "price_over_pct_within_abs_any_holds",
        inv({1: (100, "12.40")}),
        [(C.PRICE, 1)],
        tolerances=PCT2_ABS050,
    ),
    Case("price_over_pct_within_abs_all_approves", inv({1: (100, "12.40")}), [], tolerances=PCT2_ABS050_ALL),
    Case(
        "price_over_abs_within_pct_any_holds",
        inv({3: (10, "151.50")}),
        [(C.PRICE, 3)],
        tolerances=PCT2_ABS050,
    ),
    Case("price_over_abs_within_pct_all_approves", inv({3: (10, "151.50")}), [], tolerances=PCT2_ABS050_ALL),
    Case("price_within_both_limits_any_approves", inv({1: (100, "12.24")}), [], tolerances=PCT2_ABS050),
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
    # received means kept: net of what was rejected at the dock (b.5)
    Case(
        "three_way_rejected_at_the_dock_is_not_received_holds",
        inv({1: (20, "12.00")}),
        [(C.QTY_RECEIVED, 1)],
        receipts=[make_receipt("GR-1", {1: (D(20), D(5))})],
    ),
    Case(
        "three_way_billing_what_was_kept_approves",
        inv({1: (15, "12.00")}),
        [],
        receipts=[make_receipt("GR-1", {1: (D(20), D(5))})],
    ),
    Case(
        "three_way_everything_rejected_is_no_receipt",
        inv({1: (20, "12.00")}),
        [(C.NO_RECEIPT, 1)],
        receipts=[make_receipt("GR-1", {1: (D(20), D(20))})],
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
    # INSPECTION: billed_cum vs accepted × (1 + qty_over_accepted_pct); line 4 is 4-way, 20 EA
    Case(
        "inspection_within_accepted_pct_approves",  # accepted 18, +10% = 19.8
        inv({4: (19, "25.00")}),
        [],
        receipts=[make_receipt("GR-1", {4: (D(20), D(2))})],
        tolerances=ACCEPTED10,
    ),
    Case(
        "inspection_beyond_accepted_pct_holds",
        inv({4: (20, "25.00")}),
        [(C.INSPECTION, 4)],
        receipts=[make_receipt("GR-1", {4: (D(20), D(2))})],
        tolerances=ACCEPTED10,
    ),
    Case(
        "inspection_unchecked_when_accepted_limit_none",
        inv({4: (20, "25.00")}),
        [],
        receipts=[make_receipt("GR-1", {4: (D(20), D(5))})],
        tolerances=ACCEPTED_UNCHECKED,
    ),
    Case(
        "inspection_uses_accepted_limit_not_received_limit",  # received +10% allows 22; accepted 0% allows 15
        inv({4: (16, "25.00")}),
        [(C.INSPECTION, 4)],
        receipts=[make_receipt("GR-1", {4: (D(20), D(5))})],
        tolerances=RECEIVED10,
    ),
    Case(
        "accepted_limit_does_not_loosen_received_limit",  # 11 > 10 received (0%); 11 = 10 accepted +10%
        inv({4: (11, "25.00")}),
        [(C.QTY_RECEIVED, 4)],
        receipts=[make_receipt("GR-1", {4: D(10)})],
        tolerances=ACCEPTED10,
    ),
    # PRICE under: the drop must exceed every lower limit that is set
    Case("price_under_abs_only_at_limit_approves", inv({1: (100, "11.50")}), [], tolerances=UNDER_ABS050),
    Case(
        "price_under_abs_only_beyond_limit_holds",
        inv({1: (100, "11.49")}),
        [(C.PRICE, 1)],
        tolerances=UNDER_ABS050,
    ),
    Case(
        "price_under_pct_and_abs_both_exceeded_holds",  # 150 → 142: -5.33% and -8.00/unit
        inv({3: (10, "142.00")}),
        [(C.PRICE, 3)],
        tolerances=UNDER5_ABS050,
    ),
    Case(
        "price_under_pct_exceeded_within_abs_any_holds",  # 4.00 → 3.70: -7.5% but only -0.30/unit
        inv({2: (100, "3.70")}),
        [(C.PRICE, 2)],
        tolerances=UNDER5_ABS050,
    ),
    Case(
        "price_under_pct_exceeded_within_abs_all_approves",
        inv({2: (100, "3.70")}),
        [],
        tolerances=UNDER5_ABS050_ALL,
    ),
    Case(
        "price_under_abs_exceeded_within_pct_any_holds",  # 150 → 143: -7.00/unit but only -4.67%
        inv({3: (10, "143.00")}),
        [(C.PRICE, 3)],
        tolerances=UNDER5_ABS050,
    ),
    Case(
        "price_under_abs_exceeded_within_pct_all_approves",
        inv({3: (10, "143.00")}),
        [],
        tolerances=UNDER5_ABS050_ALL,
    ),
    # AMOUNT over PO: Σ line amounts invoiced to date vs the PO total 3,600
    Case("amount_over_po_unchecked_by_default", inv(ALL_PLUS_2PCT), []),
    Case(
        "amount_over_po_zero_holds_within_price_tolerance",  # 3,636 > 3,600
        inv(ALL_PLUS_1PCT),
        [(C.AMOUNT, None)],
        tolerances=AMOUNT_PO_ZERO,
    ),
    Case("amount_over_po_at_pct_limit_approves", inv(ALL_PLUS_2PCT), [], tolerances=AMOUNT_PO_2),  # +2.00%
    Case(
        "amount_over_po_beyond_pct_holds",  # line 1 at +3% (allowed): 3,684 is 2.33% over
        inv({**ALL_PLUS_2PCT, 1: (100, "12.36")}),
        [(C.AMOUNT, None)],
        tolerances=ToleranceProfile(amount_over_po_pct=D(2), price_over_pct=D(3)),
    ),
    Case("amount_over_po_abs_within_limit_approves", inv(ALL_PLUS_1PCT), [], tolerances=AMOUNT_PO_ABS50),
    Case(
        "amount_over_po_abs_beyond_limit_holds",  # 72.00 > 50.00
        inv(ALL_PLUS_2PCT),
        [(C.AMOUNT, None)],
        tolerances=AMOUNT_PO_ABS50,
    ),
    Case(
        "amount_over_po_cumulative_with_earlier_invoices_holds",  # 3,100 before + 510 now
        inv({4: (20, "25.50")}),
        [(C.AMOUNT, None)],
        prior=[prior_inv("INV-0", LINES_1_TO_3)],
        tolerances=AMOUNT_PO_ZERO,
    ),
    Case(
        "amount_over_po_credit_memo_frees_remaining_approves",  # 3,100 − 12 + 510 = 3,598
        inv({4: (20, "25.50")}),
        [],
        prior=[prior_inv("INV-0", LINES_1_TO_3), prior_cm("CM-0", {1: (1, "12.00")})],
        tolerances=AMOUNT_PO_ZERO,
    ),
    Case(
        "amount_over_po_ignores_lines_not_on_the_po",
        inv({1: (100, "12.00"), 2: (100, "4.00"), 3: (10, "150.00"), 4: (20, "25.00"), 9: (1, "500.00")}),
        [(C.UNKNOWN_LINE, 9)],
        tolerances=AMOUNT_PO_ZERO,
    ),
    Case(
        "amount_over_po_not_compared_across_currencies",
        inv(ALL_PLUS_1PCT, currency="EUR"),
        [(C.CURRENCY, None)],
        tolerances=AMOUNT_PO_ZERO,
    ),
    # FREIGHT: freight billed to date vs the PO's freight (0 unless agreed)
    Case("freight_unchecked_by_default", inv({1: (100, "12.00")}, freight=D(500)), []),
    Case(
        "freight_not_on_po_holds_at_zero_tolerance",
        inv({1: (100, "12.00")}, freight=D(25)),
        [(C.FREIGHT, None)],
        tolerances=FREIGHT_ZERO,
    ),
    Case(
        "freight_at_abs_tolerance_approves",
        inv({1: (100, "12.00")}, freight=D("25.00")),
        [],
        tolerances=FREIGHT_25,
    ),
    Case(
        "freight_beyond_abs_tolerance_holds",
        inv({1: (100, "12.00")}, freight=D("25.01")),
        [(C.FREIGHT, None)],
        tolerances=FREIGHT_25,
    ),
    Case(
        "freight_agreed_on_po_approves",
        inv({1: (100, "12.00")}, freight=D("40.00")),
        [],
        po=FREIGHT_PO,
        tolerances=FREIGHT_ZERO,
    ),
    Case(
        "freight_cumulative_beyond_po_freight_holds",  # 30 before + 20 now > 40 agreed
        inv({1: (100, "12.00")}, freight=D("20.00")),
        [(C.FREIGHT, None)],
        po=FREIGHT_PO,
        prior=[prior_inv("INV-0", {2: (50, "4.00")}, freight=D("30.00"))],
        tolerances=FREIGHT_ZERO,
    ),
    Case(
        "freight_not_checked_on_invoice_without_freight",
        inv({1: (100, "12.00")}),
        [],
        prior=[prior_inv("INV-0", {2: (50, "4.00")}, freight=D("100.00"))],
        tolerances=FREIGHT_ZERO,
    ),
    # TAX: only with a rate; expected = round(rate × (lines + freight))
    Case("tax_unchecked_without_a_rate", inv({1: (100, "12.00")}, tax=D(500)), [], tolerances=TAX_ZERO),
    Case(
        "tax_at_expected_rate_approves",  # 8.25% of 1,200 = 99.00
        inv({1: (100, "12.00")}, tax=D("99.00")),
        [],
        tolerances=TAX_ZERO,
        tax_rate=D("8.25"),
    ),
    Case(
        "tax_zero_tolerance_one_cent_over_holds",
        inv({1: (100, "12.00")}, tax=D("99.01")),
        [(C.TAX, None)],
        tolerances=TAX_ZERO,
        tax_rate=D("8.25"),
    ),
    Case(
        "tax_at_pct_tolerance_approves",  # 0.99 over 99.00 is exactly 1%
        inv({1: (100, "12.00")}, tax=D("99.99")),
        [],
        tolerances=TAX_1PCT,
        tax_rate=D("8.25"),
    ),
    Case(
        "tax_beyond_pct_tolerance_holds",
        inv({1: (100, "12.00")}, tax=D("100.00")),
        [(C.TAX, None)],
        tolerances=TAX_1PCT,
        tax_rate=D("8.25"),
    ),
    Case(
        "tax_abs_only_at_limit_approves",
        inv({1: (100, "12.00")}, tax=D("100.00")),
        [],
        tolerances=TAX_ABS1,
        tax_rate=D("8.25"),
    ),
    Case(
        "tax_abs_only_beyond_limit_holds",
        inv({1: (100, "12.00")}, tax=D("100.01")),
        [(C.TAX, None)],
        tolerances=TAX_ABS1,
        tax_rate=D("8.25"),
    ),
    Case(
        "tax_base_includes_freight_where_taxable_approves",  # 10% of (1,200 + 50)
        inv({1: (100, "12.00")}, freight=D("50.00"), tax=D("125.00")),
        [],
        tolerances=TAX_ZERO,
        tax_rate=D(10),
        freight_taxable=True,
    ),
    Case(
        "tax_on_untaxed_freight_holds",  # 10% of 1,200 only: 5.00 billed on freight
        inv({1: (100, "12.00")}, freight=D("50.00"), tax=D("125.00")),
        [(C.TAX, None)],
        tolerances=TAX_ZERO,
        tax_rate=D(10),
    ),
    Case(
        "tax_under_expected_is_not_held",
        inv({1: (100, "12.00")}, freight=D("50.00"), tax=D("120.00")),
        [],
        tolerances=TAX_ZERO,
        tax_rate=D(10),
    ),
    Case(
        "tax_expected_is_rounded_half_up_approves",  # 7.125% of 150 = 10.6875 → 10.69
        inv({3: (1, "150.00")}, tax=D("10.69")),
        [],
        tolerances=TAX_ZERO,
        tax_rate=D("7.125"),
    ),
    # line amount vs quantity × price rounded to the currency's minor unit
    Case(
        "line_amount_within_small_difference_approves",
        inv({1: (100, "12.00")}, amounts={1: D("1200.05")}),
        [],
    ),
    Case(
        "line_amount_beyond_small_difference_holds",
        inv({1: (100, "12.00")}, amounts={1: D("1200.06")}),
        [(C.AMOUNT, 1)],
    ),
    Case(
        "line_amount_short_beyond_small_difference_holds",
        inv({1: (100, "12.00")}, amounts={1: D("1199.94")}),
        [(C.AMOUNT, 1)],
    ),
    Case(
        "line_amount_unchecked_when_small_difference_none",
        inv({1: (100, "12.00")}, amounts={1: D("1300.00")}),
        [],
        tolerances=TOTAL_UNCHECKED,
    ),
    Case(
        "line_amount_rounded_half_up_approves",  # 3 × 0.125 = 0.375 → 0.38
        inv({1: (3, "0.125")}, amounts={1: D("0.38")}),
        [],
        po=ROUNDING_PO,
        tolerances=TOTAL_ZERO,
    ),
    Case(
        "line_amount_truncated_holds_at_zero_write_off",
        inv({1: (3, "0.125")}, amounts={1: D("0.37")}),
        [(C.AMOUNT, 1)],
        po=ROUNDING_PO,
        tolerances=TOTAL_ZERO,
    ),
    Case(
        "line_amount_rounds_to_whole_yen_approves",  # 3 × 333.5 = 1,000.5 → 1,001 JPY
        inv({1: (3, "333.5")}, currency="JPY", amounts={1: D(1001)}),
        [],
        po=JPY_PO,
        tolerances=TOTAL_ZERO,
    ),
    Case(
        "line_amount_one_yen_off_holds",
        inv({1: (3, "333.5")}, currency="JPY", amounts={1: D(1000)}),
        [(C.AMOUNT, 1)],
        po=JPY_PO,
        tolerances=TOTAL_ZERO,
    ),
    # unit of measure
    Case(
        "uom_mismatch_is_unknown_line_without_price_or_qty_holds",  # 10 BOX @ 144 vs 100 EA @ 12
        inv({1: (10, "144.00")}, uoms={1: "BOX"}),
        [(C.UNKNOWN_LINE, 1)],
    ),
    Case("uom_same_unit_other_case_approves", inv({1: (100, "12.00")}, uoms={1: "ea"}), []),
    Case(
        "uom_mismatch_on_one_line_other_lines_still_checked",
        inv({1: (10, "144.00"), 2: (100, "4.50")}, uoms={1: "BOX"}),
        [(C.UNKNOWN_LINE, 1), (C.PRICE, 2)],
    ),
    Case("credit_memo_uom_mismatch_holds", cm({1: (1, "144.00")}, uoms={1: "BOX"}), [(C.UNKNOWN_LINE, 1)]),
    # PO reference
    Case(
        "po_reference_other_po_is_vendor_mismatch",
        inv({1: (100, "12.00")}, po_number="PO-2002"),
        [(C.VENDOR_MISMATCH, None)],
    ),
    Case("po_reference_case_blind_approves", inv({1: (100, "12.00")}, po_number="po-1001"), []),
    Case(
        "po_reference_and_vendor_both_wrong_hold_twice",
        inv({1: (100, "12.00")}, po_number="PO-2002", vendor_id="GLOBEX"),
        [(C.VENDOR_MISMATCH, None), (C.VENDOR_MISMATCH, None)],
    ),
    Case(
        "credit_memo_po_reference_other_po_holds",
        cm({1: (1, "12.00")}, po_number="PO-2002"),
        [(C.VENDOR_MISMATCH, None)],
    ),
    # MANUAL and RANDOM_AUDIT
    Case(
        "manual_header_hold_carried_on_clean_invoice",
        inv({1: (100, "12.00")}),
        [(C.MANUAL, None)],
        manual=[manual_hold()],
    ),
    Case(
        "manual_line_hold_carried_alongside_checks",
        inv({1: (100, "12.75")}),
        [(C.PRICE, 1), (C.MANUAL, 1)],
        manual=[manual_hold(1)],
    ),
    Case(
        "manual_hold_carried_on_credit_memo",
        cm({1: (1, "12.00")}),
        [(C.MANUAL, None)],
        manual=[manual_hold()],
    ),
    Case(
        "random_audit_selected_holds_clean_invoice",
        inv({1: (100, "12.00")}),
        [(C.RANDOM_AUDIT, None)],
        audit=True,
    ),
    Case(
        "random_audit_raised_alongside_other_holds",
        inv({1: (100, "12.75")}),
        [(C.PRICE, 1), (C.RANDOM_AUDIT, None)],
        audit=True,
    ),
    Case("random_audit_not_applied_to_credit_memo", cm({1: (1, "12.00")}), [], audit=True),
    # credit memos ignore the money limits
    Case(
        "credit_memo_skips_amount_freight_tax_and_line_amount_checks",
        cm({1: (1, "99.00")}, freight=D(30), tax=D(50), amounts={1: D("5.00")}),
        [],
        tolerances=MONEY_STRICT,
        tax_rate=D(10),
    ),
    # profile resolution per line: item > vendor+category > vendor > category > default
    Case(
        "resolution_default_profile_applies_without_scoped_match",
        inv({1: (100, "12.01")}),
        [(C.PRICE, 1)],
        profiles=[HOUSE],
    ),
    Case("resolution_category_beats_default", inv({1: (100, "12.36")}), [], profiles=[HOUSE, P_MRO]),  # +3%
    Case(
        "resolution_category_limit_still_holds_beyond_it",
        inv({1: (100, "12.37")}),
        [(C.PRICE, 1)],
        profiles=[HOUSE, P_MRO],
    ),
    Case(
        "resolution_vendor_beats_category", inv({1: (100, "12.60")}), [], profiles=[HOUSE, P_MRO, P_ACME]
    ),  # +5%
    Case(
        "resolution_vendor_category_beats_vendor",
        inv({1: (100, "12.96")}),  # +8%
        [],
        profiles=[HOUSE, P_MRO, P_ACME, P_ACME_MRO],
    ),
    Case(
        "resolution_item_beats_vendor_category",  # line 1 +10% (item), line 2 +9% (acme-mro allows 8%)
        inv({1: (100, "13.20"), 2: (100, "4.36")}),
        [(C.PRICE, 2)],
        profiles=ALL_SCOPES,
    ),
    Case(
        "resolution_item_for_vendor_beats_item",
        inv({1: (100, "13.80")}),  # +15%
        [],
        profiles=[*ALL_SCOPES, P_ITEM1_ACME],
    ),
    Case(
        "resolution_profile_of_another_vendor_is_ignored",
        inv({1: (100, "12.50")}),
        [(C.PRICE, 1)],
        profiles=[HOUSE, P_GLOBEX],
    ),
    Case(
        "resolution_category_match_is_case_blind", inv({1: (100, "12.36")}), [], profiles=[HOUSE, P_MRO_LOWER]
    ),
    Case(
        "resolution_no_applicable_profile_uses_builtin_default",  # built-in +2%: 12.25 is 2.08%
        inv({1: (100, "12.25")}),
        [(C.PRICE, 1)],
        profiles=[P_GLOBEX],
    ),
    Case(
        "resolution_line_of_other_category_gets_default",  # line 3 is IT services: house 0%
        inv({3: (10, "150.01")}),
        [(C.PRICE, 3)],
        profiles=[HOUSE, P_MRO],
    ),
    Case(
        "resolution_category_profile_sets_inspection_limit",  # 20 billed ≤ 15 accepted +50%
        inv({4: (20, "25.00")}),
        [],
        receipts=[make_receipt("GR-1", {4: (D(20), D(5))})],
        profiles=[HOUSE, P_LAB],
    ),
    Case(
        "resolution_header_checks_use_vendor_profile",
        inv({1: (100, "12.00")}, total_delta=D("0.50")),
        [],
        profiles=[
            ToleranceProfile(name="house", total_small_difference_abs=D(0)),
            ToleranceProfile(name="acme", vendor_id="ACME", total_small_difference_abs=D(1)),
        ],
    ),
    Case(
        "resolution_header_checks_ignore_category_profile",
        inv({1: (100, "12.00")}, total_delta=D("0.50")),
        [],
        profiles=[
            ToleranceProfile(name="house", total_small_difference_abs=D(1)),
            ToleranceProfile(name="mro", category="MRO", total_small_difference_abs=D(0)),
        ],
    ),
    Case(
        "resolution_line_amount_uses_line_profile",
        inv({1: (100, "12.00")}, amounts={1: D("1200.50")}),
        [(C.AMOUNT, 1)],
        profiles=[
            ToleranceProfile(name="house", total_small_difference_abs=D(1)),
            ToleranceProfile(name="mro", category="MRO", total_small_difference_abs=D(0)),
        ],
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_rule(case: Case) -> None:
    request = make_request(
        case.invoice,
        po=case.po,
        receipts=case.receipts,
        prior=case.prior,
        tolerances=case.tolerances,
        profiles=case.profiles,
        po_open=case.po_open,
        manual=case.manual,
        audit=case.audit,
        tax_rate=case.tax_rate,
        freight_taxable=case.freight_taxable,
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
    assert hold.formula == "billed_cum − received_cum (net of rejections)"
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
    assert hold.tolerance == "price over +2% or +0.50/unit, holds beyond any limit"
    assert hold.source == "acme-metals v3"
    assert result.tolerance_source == "acme-metals v3"
    assert hold.message == (
        "Line 1: price 12.60 USD is 5% above the agreed 12.00 USD "
        "(tolerance +2% or +0.50/unit, holds beyond any limit)"
    )
    lenient = only_hold(
        match_invoice(make_request(inv({1: (100, "12.60")}), tolerances=PCT2_ABS050_ALL)), C.PRICE
    )
    assert lenient.tolerance == "price over +2% and +0.50/unit, holds only beyond every limit"


def test_price_under_message() -> None:
    hold = only_hold(match_invoice(make_request(inv({1: (100, "10.00")}), tolerances=UNDER5)), C.PRICE)
    assert hold.message == "Line 1: price 10.00 USD is 16.67% below the agreed 12.00 USD (lower limit -5%)"
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


def test_price_under_names_both_lower_limits() -> None:
    hold = only_hold(match_invoice(make_request(inv({3: (10, "142.00")}), tolerances=UNDER5_ABS050)), C.PRICE)
    assert hold.tolerance == "price under -5% or -0.50/unit, holds beyond any limit"
    assert hold.message == (
        "Line 3: price 142.00 USD is 5.33% below the agreed 150.00 USD "
        "(lower limit -5% or -0.50/unit, holds beyond any limit)"
    )


def test_inspection_names_the_accepted_limit() -> None:
    request = make_request(
        inv({4: (20, "25.00")}), receipts=[make_receipt("GR-1", {4: (D(20), D(2))})], tolerances=ACCEPTED10
    )
    hold = only_hold(match_invoice(request), C.INSPECTION)
    assert hold.tolerance == "qty over accepted +10%"
    assert hold.message.endswith("(2 EA rejected) (tolerance 10%)")


def test_amount_over_po_message_and_evidence() -> None:
    request = make_request(
        inv({4: (20, "25.50")}), prior=[prior_inv("INV-0", LINES_1_TO_3)], tolerances=AMOUNT_PO_ZERO
    )
    hold = only_hold(match_invoice(request), C.AMOUNT)
    assert (hold.line_no, hold.expected, hold.actual, hold.variance) == (
        None,
        STANDARD_TOTAL,
        D("3610.00"),
        D("10.00"),
    )
    assert hold.tolerance == "amount over PO +0%"
    assert hold.formula == "Σ invoiced line amounts to date − PO total"
    assert hold.message == (
        "Invoiced 3,610.00 USD to date (3,100.00 USD before this invoice) exceeds PO-1001's total "
        "3,600.00 USD by 10.00 USD (tolerance +0%)"
    )


def test_amount_over_po_names_both_limits() -> None:
    profile = ToleranceProfile(amount_over_po_pct=D(1), amount_over_po_abs=D(50))
    hold = only_hold(match_invoice(make_request(inv(ALL_PLUS_2PCT), tolerances=profile)), C.AMOUNT)
    assert hold.tolerance == "amount over PO +1% or +50.00, holds beyond any limit"
    assert hold.message.startswith(
        "Invoiced 3,672.00 USD to date exceeds PO-1001's total 3,600.00 USD by 72.00 USD"
    )


def test_freight_messages_say_whether_freight_was_agreed() -> None:
    unplanned = only_hold(
        match_invoice(make_request(inv({1: (100, "12.00")}, freight=D(25)), tolerances=FREIGHT_ZERO)),
        C.FREIGHT,
    )
    assert (unplanned.expected, unplanned.actual, unplanned.variance) == (ZERO, D(25), D(25))
    assert unplanned.tolerance == "freight over expected +0.00"
    assert unplanned.message == (
        "Freight 25.00 USD billed but PO-1001 has no freight agreed (variance 25.00 USD, tolerance +0.00)"
    )
    request = make_request(
        inv({1: (100, "12.00")}, freight=D("20.00")),
        po=FREIGHT_PO,
        prior=[prior_inv("INV-0", {2: (50, "4.00")}, freight=D("30.00"))],
        tolerances=FREIGHT_ZERO,
    )
    cumulative = only_hold(match_invoice(request), C.FREIGHT)
    assert cumulative.message == (
        "Freight 50.00 USD billed to date but 40.00 USD was agreed on PO-1001 "
        "(variance 10.00 USD, tolerance +0.00)"
    )


def test_tax_message_shows_rate_base_and_expected() -> None:
    request = make_request(
        inv({1: (100, "12.00")}, freight=D("50.00"), tax=D("130.00")),
        tolerances=TAX_1PCT,
        tax_rate=D(10),
        freight_taxable=True,
    )
    hold = only_hold(match_invoice(request), C.TAX)
    assert (hold.expected, hold.actual, hold.variance) == (D("125.00"), D("130.00"), D("5.00"))
    assert hold.tolerance == "tax over expected +1%"
    assert hold.message == (
        "Tax 130.00 USD is 5.00 USD more than the expected 125.00 USD (10% of 1,250.00 USD incl. freight) "
        "(tolerance +1%)"
    )


def test_line_amount_message_shows_the_rounded_product() -> None:
    request = make_request(
        inv({1: (3, "0.125")}, amounts={1: D("0.37")}), po=ROUNDING_PO, tolerances=TOTAL_ZERO
    )
    hold = only_hold(match_invoice(request), C.AMOUNT)
    assert (hold.line_no, hold.expected, hold.actual, hold.variance) == (1, D("0.38"), D("0.37"), D("-0.01"))
    assert hold.tolerance == "line amount small difference ±0.00 USD"
    assert hold.message == (
        "Line 1: amount 0.37 USD is not 3 EA × 0.125 USD = 0.38 USD (difference -0.01 USD, "
        "tolerance ±0.00 USD); ask the supplier for a corrected invoice"
    )


def test_uom_mismatch_message_asks_for_the_po_unit() -> None:
    result = match_invoice(make_request(inv({1: (10, "144.00")}, uoms={1: "BOX"})))
    hold = only_hold(result, C.UNKNOWN_LINE)
    assert hold.line_no == 1 and hold.tolerance == "invoice unit must be the PO line's unit (EA)"
    assert hold.message == (
        "Line 1: billed in BOX but the PO line is in EA; quantity and price cannot be compared, "
        "ask the supplier to restate the line in EA"
    )
    assert result.lines[0].decision == MatchDecision.HOLD  # the line is on the PO, so it has a line result


def test_po_reference_message() -> None:
    hold = only_hold(
        match_invoice(make_request(inv({1: (100, "12.00")}, po_number="PO-2002"))), C.VENDOR_MISMATCH
    )
    assert hold.message == (
        "Invoice references PO-2002 but is matched against PO-1001; "
        "check the invoice's PO reference or reject it"
    )
    assert hold.formula == "invoice.po_number = po.po_number"


def test_random_audit_hold_evidence() -> None:
    hold = only_hold(match_invoice(make_request(inv({1: (100, "12.00")}), audit=True)), C.RANDOM_AUDIT)
    assert (hold.line_no, hold.tolerance, hold.source) == (None, "random audit sample", "default v1")
    assert "random audit sample" in hold.message


def test_manual_hold_is_carried_exactly_as_placed() -> None:
    placed = manual_hold(2)
    hold = only_hold(match_invoice(make_request(inv({1: (100, "12.00")}), manual=[placed])), C.MANUAL)
    assert hold == placed


# --- tolerance sources per line ------------------------------------------------------------


def test_each_line_and_hold_names_its_own_profile() -> None:
    request = make_request(
        inv({1: (100, "13.30"), 2: (100, "4.36"), 3: (10, "150.00")}, total_delta=D(1)), profiles=ALL_SCOPES
    )
    result = match_invoice(request)
    assert {line.line_no: line.tolerance_source for line in result.lines} == {
        1: "item-1 v1",  # item
        2: "acme-mro v1",  # vendor + category
        3: "acme v1",  # vendor (IT services has no profile)
    }
    assert result.tolerance_source == "acme v1"  # header: vendor level
    by_key = {(h.code, h.line_no): h for h in result.holds}
    assert by_key[(C.PRICE, 1)].source == "item-1 v1"
    assert by_key[(C.PRICE, 1)].tolerance == "price over +10%"
    assert by_key[(C.PRICE, 2)].source == "acme-mro v1"
    assert by_key[(C.TOTAL_MISMATCH, None)].source == "acme v1"


def test_profile_order_in_the_request_does_not_matter() -> None:
    invoice = inv({1: (100, "13.20"), 2: (100, "4.36")})
    forward = match_invoice(make_request(invoice, profiles=ALL_SCOPES))
    backward = match_invoice(make_request(invoice, profiles=list(reversed(ALL_SCOPES))))
    assert forward == backward


# --- the request ---------------------------------------------------------------------------


def test_request_reads_the_single_profile_of_older_callers() -> None:
    data = make_request(inv({1: (100, "12.00")}), tolerances=PCT2_ABS050).model_dump(mode="json")
    data["tolerances"] = data.pop("tolerance_profiles")[0]
    request = MatchRequest.model_validate(data)
    assert request.tolerance_profiles == [PCT2_ABS050]
    with pytest.raises(ValueError, match="not both"):
        MatchRequest.model_validate({**data, "tolerance_profiles": [data["tolerances"]]})


def test_request_defaults_to_the_builtin_profile() -> None:
    request = MatchRequest(po=make_po(), invoice=inv({1: (100, "12.00")}))
    assert request.tolerance_profiles == [ToleranceProfile()]
    assert match_invoice(request).tolerance_source == "default v1"


@pytest.mark.parametrize(
    ("profiles", "error"),
    [
        ([HOUSE, ToleranceProfile(name="house-2", price_over_pct=D(1))], "scope default"),
        ([P_MRO, P_MRO_LOWER.model_copy(update={"name": "mro-2"})], "scope category=mro"),
        ([P_ACME, P_ACME.model_copy(update={"vendor_id": "GLOBEX"})], "name.*acme"),
    ],
    ids=["two_defaults", "same_category_other_case", "same_name"],
)
def test_request_refuses_ambiguous_candidates(profiles: list[ToleranceProfile], error: str) -> None:
    with pytest.raises(ValueError, match=error):
        make_request(inv({1: (100, "12.00")}), profiles=profiles)


def test_request_manual_holds_must_be_manual() -> None:
    price = Hold(code=C.PRICE, line_no=1, message="x")
    with pytest.raises(ValueError, match="code MANUAL, not PRICE"):
        make_request(inv({1: (100, "12.00")}), manual=[price])


def test_profile_refuses_item_and_category_together_and_negative_limits() -> None:
    with pytest.raises(ValueError, match="not both"):
        ToleranceProfile(item_id="ITEM-1", category="MRO")
    with pytest.raises(ValueError, match="greater than or equal to 0"):
        ToleranceProfile(price_over_pct=D(-1))


# --- MANUAL and RANDOM_AUDIT are released by people only -------------------------------------


def test_random_audit_stays_when_the_other_holds_clear() -> None:
    request = make_request(inv({1: (100, "12.00")}), receipts=[], audit=True)
    assert open_keys(match_invoice(request)) == Counter({(C.NO_RECEIPT, 1): 1, (C.RANDOM_AUDIT, None): 1})
    request.receipts = FULL  # the receipt arrives: NO_RECEIPT clears itself, the audit does not
    assert open_keys(match_invoice(request)) == Counter({(C.RANDOM_AUDIT, None): 1})
    request.released_holds = [released(only_hold(match_invoice(request), C.RANDOM_AUDIT), reason="audited")]
    assert match_invoice(request).decision == MatchDecision.APPROVE


def test_manual_hold_stays_until_a_person_releases_it() -> None:
    request = make_request(inv({1: (100, "12.75")}), manual=[manual_hold(1)])
    request.released_holds = [released(only_hold(match_invoice(request), C.PRICE))]
    assert open_keys(match_invoice(request)) == Counter({(C.MANUAL, 1): 1})  # the price release leaves it
    request.released_holds.append(released(manual_hold(1), reason="bank details confirmed"))
    result = match_invoice(request)
    assert result.decision == MatchDecision.APPROVE
    assert only_hold(result, C.MANUAL).release_reason == "bank details confirmed"


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


def test_an_earlier_document_with_the_same_number_counts_and_is_a_duplicate() -> None:
    # It was billed: it stays in billed-to-date (100 + 100 > 100 ordered), and
    # the copy is a DUPLICATE (same vendor, kind and normalised number).
    earlier = prior_inv("INV-0001", {1: (100, "12.00")})
    result = match_invoice(make_request(inv({1: (100, "12.00")}), prior=[earlier]))
    assert open_keys(result) == Counter(
        {(C.DUPLICATE, None): 1, (C.QTY_ORDERED, 1): 1, (C.QTY_RECEIVED, 1): 1}
    )
    assert only_hold(result, C.DUPLICATE).related_document_id == earlier.document_id


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
CATEGORY = st.sampled_from(["MRO", "lab equipment", None])
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Scopes a candidate may have, against POs of vendor ACME with items ITEM-1…4
# (some of them on no PO line, some for another vendor, one category spelt
# in another case).
SCOPE_POOL: list[dict[str, str]] = [
    {},
    {"vendor_id": "ACME"},
    {"vendor_id": "GLOBEX"},
    {"category": "MRO"},
    {"category": "Lab Equipment"},
    {"vendor_id": "ACME", "category": "mro"},
    {"vendor_id": "GLOBEX", "category": "MRO"},
    {"item_id": "ITEM-1"},
    {"item_id": "ITEM-2"},
    {"item_id": "ITEM-2", "vendor_id": "ACME"},
    {"item_id": "ITEM-3", "vendor_id": "GLOBEX"},
]


@st.composite
def limits(draw) -> dict[str, object]:
    return {
        "limit_operator": draw(st.sampled_from(list(LimitOperator))),
        "price_over_pct": draw(PCT_LIMIT),
        "price_over_abs": draw(ABS_LIMIT),
        "price_under_pct": draw(PCT_LIMIT),
        "price_under_abs": draw(ABS_LIMIT),
        "qty_over_received_pct": draw(PCT_LIMIT),
        "qty_over_received_abs": draw(ABS_LIMIT),
        "qty_over_ordered_pct": draw(PCT_LIMIT),
        "qty_over_ordered_abs": draw(ABS_LIMIT),
        "qty_over_accepted_pct": draw(PCT_LIMIT),
        "qty_over_accepted_abs": draw(ABS_LIMIT),
        "amount_over_po_pct": draw(PCT_LIMIT),
        "amount_over_po_abs": draw(ABS_LIMIT),
        "freight_over_abs": draw(ABS_LIMIT),
        "tax_over_pct": draw(PCT_LIMIT),
        "tax_over_abs": draw(ABS_LIMIT),
        "total_small_difference_abs": draw(ABS_LIMIT),
    }


@st.composite
def candidate_profiles(draw) -> list[ToleranceProfile]:
    """1–5 candidates with distinct scopes, each with random limits."""
    picks = draw(st.lists(st.integers(0, len(SCOPE_POOL) - 1), min_size=1, max_size=5, unique=True))
    return [
        ToleranceProfile(
            name=f"p{index}", version=draw(st.integers(1, 9)), **SCOPE_POOL[index], **draw(limits())
        )
        for index in picks
    ]


# The resolution rule, restated independently of p2p.tolerance_profiles: the
# scope shapes from most to least specific, first applicable one wins.
def _has(profile: ToleranceProfile, *fields: str) -> bool:
    return all(getattr(profile, name) is not None for name in fields) and all(
        getattr(profile, name) is None for name in {"item_id", "vendor_id", "category"} - set(fields)
    )


PRECEDENCE = [
    ("item_id", "vendor_id"),
    ("item_id",),
    ("vendor_id", "category"),
    ("vendor_id",),
    ("category",),
    (),
]


def expected_profile(
    candidates: list[ToleranceProfile], vendor_id: str, item_id: str | None, category: str | None
) -> ToleranceProfile:
    def matches(profile: ToleranceProfile) -> bool:
        return (
            profile.item_id in (None, item_id)
            and profile.vendor_id in (None, vendor_id)
            and (profile.category is None or (category or "").lower() == profile.category.lower())
        )

    for shape in PRECEDENCE:
        found = [p for p in candidates if _has(p, *shape) and matches(p)]
        if found:
            assert len(found) == 1
            return found[0]
    return ToleranceProfile()


def line_profile(request: MatchRequest, line_no: int) -> ToleranceProfile:
    po_line = request.po.line(line_no)
    return expected_profile(
        request.tolerance_profiles, request.po.vendor_id, po_line.item_id, po_line.category
    )


def header_profile(request: MatchRequest) -> ToleranceProfile:
    return expected_profile(request.tolerance_profiles, request.po.vendor_id, None, None)


@st.composite
def purchase_orders(draw) -> PurchaseOrder:
    count = draw(st.integers(1, 4))
    numbers = range(1, count + 1)
    return make_po(
        {no: (draw(QTY), draw(PRICE), draw(LEVELS), "EA") for no in numbers},
        categories={no: category for no in numbers if (category := draw(CATEGORY)) is not None},
        freight=draw(st.sampled_from([ZERO, ZERO, D("40.00")])),
    )


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
        make_invoice("INV-1", this_lines),
        po=po,
        receipts=receipts,
        prior=prior,
        profiles=draw(candidate_profiles()),
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
    invoices and credit memos, wrong currency/vendor/PO/lines/units/totals,
    stated line amounts, freight, tax with and without a rate, manual holds
    and audit draws — under scoped candidate profiles."""
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
    money = st.sampled_from([ZERO, ZERO, D("0.01"), D("12.50"), D(40), D(300)])
    prior = [
        make_invoice(
            f"P-{i}",
            draw(invoice_lines),
            kind=draw(st.sampled_from(list(InvoiceKind))),
            freight=draw(money),
            currency=draw(st.sampled_from(["USD", "USD", "EUR"])),
        )
        for i in range(draw(st.integers(0, 2)))
    ]
    lines = draw(invoice_lines)
    received = {
        no: sum((r.quantity_received for g in receipts for r in g.lines if r.line_no == no), D(0))
        for no in line_nos
    }
    if any(received.values()) and draw(st.booleans()):
        # Bill a line exactly what was received: near the quantity limits, where
        # rejections (INSPECTION) and earlier invoices decide.
        no = draw(st.sampled_from([no for no, qty in received.items() if qty]))
        lines[no] = (received[no], draw(PRICE))
    if draw(st.booleans()):
        no = draw(st.sampled_from(line_nos))
        lines[no] = (draw(st.sampled_from([D(0), D(-3)])), draw(PRICE))
    currency = draw(st.sampled_from(["USD", "USD", "EUR"]))
    amounts = {
        no: round_money(q * p, currency) + draw(st.sampled_from([D("0.01"), D("0.05"), D("-0.06"), D(3)]))
        for no, (q, p) in lines.items()
        if draw(st.integers(0, 3)) == 0
    }
    uoms = {no: draw(st.sampled_from(["EA", "ea", "BOX"])) for no in lines if draw(st.integers(0, 3)) == 0}
    freight = draw(money)
    base = (
        sum((amounts.get(no, round_money(q * p, currency)) for no, (q, p) in lines.items()), D(0)) + freight
    )
    tax_rate = draw(st.sampled_from([None, D(0), D("8.25"), D(25)]))
    expected_tax = round_money(base * (tax_rate or 0) / 100, currency)
    tax = max(ZERO, expected_tax + draw(st.sampled_from([ZERO, D("0.01"), D("0.99"), D(2), D(-1)])))
    invoice = make_invoice(
        "INV-1",
        lines,
        kind=draw(st.sampled_from(list(InvoiceKind))),
        currency=currency,
        vendor_id=draw(st.sampled_from(["ACME", "ACME", "GLOBEX"])),
        po_number=draw(st.sampled_from(["PO-1001", "PO-1001", "po-1001", "PO-2002"])),
        freight=freight,
        tax=tax,
        amounts=amounts,
        uoms=uoms,
        total_delta=draw(st.sampled_from([D(0), D("0.03"), D("-0.20"), D(5)])),
    )
    manual = [
        manual_hold(no) for no in draw(st.lists(st.sampled_from([None, *line_nos]), max_size=2, unique=True))
    ]
    return make_request(
        invoice,
        po=po,
        receipts=receipts,
        prior=prior,
        profiles=draw(candidate_profiles()),
        po_open=draw(st.booleans()),
        manual=manual,
        audit=draw(st.booleans()),
        tax_rate=tax_rate,
    )


STRUCTURAL = {C.CURRENCY, C.PO_NOT_OPEN, C.NO_RECEIPT}


def signed(invoice: Invoice, value: Decimal) -> Decimal:
    return -abs(value) if invoice.kind == InvoiceKind.CREDIT_MEMO else value


def independent_billed_cum(request: MatchRequest, line_no: int) -> Decimal:
    def qty(invoice: Invoice) -> Decimal:
        return sum(
            (signed(invoice, line.quantity) for line in invoice.lines if line.line_no == line_no), D(0)
        )

    return sum((qty(invoice) for invoice in request.prior_invoices), D(0)) + qty(request.invoice)


def documents_to_date(request: MatchRequest) -> list[Invoice]:
    same = [doc for doc in [*request.prior_invoices, request.invoice] if doc.currency == request.po.currency]
    return same


def beyond(
    variance: Decimal,
    reference: Decimal,
    pct: Decimal | None,
    amount: Decimal | None,
    operator: LimitOperator = LimitOperator.ANY,
) -> bool:
    """The rule: at least one limit set; operator any — the variance above
    some set limit (SAP/Oracle); all — above every set one (Ariba OR)."""
    outcomes = [variance > reference * pct / 100] if pct is not None else []
    outcomes += [variance > amount] if amount is not None else []
    if not outcomes:
        return False
    return any(outcomes) if operator == LimitOperator.ANY else all(outcomes)


def beyond_check(variance: Decimal, reference: Decimal, profile: ToleranceProfile, check: str) -> bool:
    return beyond(
        variance,
        reference,
        getattr(profile, f"{check}_pct", None),
        getattr(profile, f"{check}_abs", None),
        profile.limit_operator,
    )


def oracle_expected_tax(request: MatchRequest) -> Decimal | None:
    """Each line at its PO line's rate (else the request's), taxable freight
    pro rata to the lines; None when a rate is missing."""
    invoice = request.invoice
    rates = []
    for line in invoice.lines:
        po_line = request.po.line(line.line_no)
        if po_line is None:
            return None
        rates.append(po_line.tax_rate_pct if po_line.tax_rate_pct is not None else request.tax_rate_pct)
    if any(rate is None for rate in rates):
        return None
    amounts = [invoice.line_amount(line) for line in invoice.lines]
    tax = sum((amount * rate / 100 for amount, rate in zip(amounts, rates, strict=False)), D(0))
    if request.freight_taxable and invoice.freight:
        if sum(amounts) == 0:
            return None
        tax += invoice.freight * tax / sum(amounts)
    return round_money(tax, invoice.currency)


def assert_header_exceeded(hold: Hold, request: MatchRequest) -> None:
    profile, invoice, po = header_profile(request), request.invoice, request.po
    assert hold.source == profile.source
    if hold.code == C.TOTAL_MISMATCH:
        assert profile.total_small_difference_abs is not None
        assert abs(invoice.total - invoice.computed_total) > profile.total_small_difference_abs
    elif hold.code == C.AMOUNT:
        on_po = {line.line_no for line in po.lines}
        billed = sum(
            (
                signed(doc, sum((doc.line_amount(line) for line in doc.lines if line.line_no in on_po), D(0)))
                for doc in documents_to_date(request)
            ),
            D(0),
        )
        assert invoice.currency == po.currency
        assert beyond_check(billed - po.total, po.total, profile, "amount_over_po")
    elif hold.code == C.FREIGHT:
        billed = sum((signed(doc, doc.freight) for doc in documents_to_date(request)), D(0))
        assert invoice.freight > 0 and profile.freight_over_abs is not None
        assert billed - po.freight > profile.freight_over_abs
    elif hold.code == C.TAX:
        expected = oracle_expected_tax(request)
        assert expected is not None
        assert beyond_check(invoice.tax - expected, expected, profile, "tax_over")
    elif hold.code == C.VENDOR_MISMATCH:
        assert invoice.vendor_id != po.vendor_id or invoice.po_number.lower() != po.po_number.lower()
    elif hold.code == C.RANDOM_AUDIT:
        assert request.audit_selected and invoice.kind == InvoiceKind.INVOICE
    elif hold.code == C.DUPLICATE:
        assert invoice.document_id in {doc.document_id for doc in request.prior_invoices}
    else:
        pytest.fail(f"unexpected header hold {hold.code}")


def assert_line_exceeded(hold: Hold, request: MatchRequest) -> None:
    """Re-derive, from the rule, the line's own profile and the raw inputs,
    that the hold's limit is exceeded."""
    invoice_line = next(line for line in request.invoice.lines if line.line_no == hold.line_no)
    po_line = request.po.line(hold.line_no)
    if po_line is None:  # found by a header check: no line, no line profile
        assert hold.code == C.UNKNOWN_LINE and hold.source == header_profile(request).source
        return
    profile = line_profile(request, hold.line_no)
    assert hold.source == profile.source
    if hold.code == C.UNKNOWN_LINE:
        assert invoice_line.uom is not None and invoice_line.uom.upper() != po_line.uom.upper()
        return
    receipts = [
        line for receipt in request.receipts for line in receipt.lines if line.line_no == hold.line_no
    ]
    billed = independent_billed_cum(request, hold.line_no)
    if hold.code == C.AMOUNT:
        if invoice_line.quantity <= 0:
            return  # structural: not a tolerance
        stated, limit = invoice_line.amount, profile.total_small_difference_abs
        assert stated is not None and limit is not None
        assert (
            abs(
                stated
                - round_money(invoice_line.quantity * invoice_line.unit_price, request.invoice.currency)
            )
            > limit
        )
    elif hold.code == C.PRICE:
        variance = invoice_line.unit_price - po_line.unit_price
        if variance > 0:
            assert beyond_check(variance, po_line.unit_price, profile, "price_over")
        else:
            assert beyond_check(-variance, po_line.unit_price, profile, "price_under")
    elif hold.code == C.QTY_ORDERED:
        assert beyond_check(billed - po_line.quantity, po_line.quantity, profile, "qty_over_ordered")
    elif hold.code == C.QTY_RECEIVED:
        assert po_line.match_level != MatchLevel.TWO_WAY
        # 3-way: received is what was kept (net of rejections); 4-way: what arrived
        kept = po_line.match_level == MatchLevel.THREE_WAY
        received = sum((r.quantity_accepted if kept else r.quantity_received for r in receipts), D(0))
        assert beyond_check(billed - received, received, profile, "qty_over_received")
    elif hold.code == C.INSPECTION:
        assert po_line.match_level == MatchLevel.FOUR_WAY
        accepted = sum((r.quantity_accepted for r in receipts), D(0))
        assert beyond_check(billed - accepted, accepted, profile, "qty_over_accepted")
    else:
        pytest.fail(f"unexpected line hold {hold.code}")


@given(any_requests())
@FAST
def test_property_every_open_hold_exceeds_a_named_tolerance_or_is_structural(request: MatchRequest) -> None:
    result = match_invoice(request)
    assert result.decision == (MatchDecision.HOLD if result.open_holds else MatchDecision.APPROVE)
    assert result.tolerance_source == header_profile(request).source
    for line in result.lines:
        assert line.tolerance_source == line_profile(request, line.line_no).source
    for hold in result.open_holds:
        assert hold.message
        if hold.code == C.MANUAL:
            assert hold in request.manual_holds  # only ever carried, never made up
            continue
        assert hold.tolerance, hold
        if hold.code in STRUCTURAL:
            on_line = hold.line_no is not None
            assert (
                hold.source
                == (line_profile(request, hold.line_no) if on_line else header_profile(request)).source
            )
            continue
        if hold.line_no is None:
            assert_header_exceeded(hold, request)
        else:
            assert_line_exceeded(hold, request)
    if request.invoice.kind == InvoiceKind.CREDIT_MEMO:
        assert {h.code for h in result.holds} <= {
            C.UNKNOWN_LINE,
            C.CURRENCY,
            C.VENDOR_MISMATCH,
            C.TOTAL_MISMATCH,
            C.MANUAL,
        }


@given(any_requests(), st.randoms(use_true_random=False))
@FAST
def test_property_result_does_not_depend_on_document_order(request: MatchRequest, rnd) -> None:
    expected = match_invoice(request, matched_at=T0)
    shuffled = request.model_copy(deep=True)
    rnd.shuffle(shuffled.receipts)
    rnd.shuffle(shuffled.prior_invoices)
    rnd.shuffle(shuffled.tolerance_profiles)
    assert match_invoice(shuffled, matched_at=T0) == expected


@given(any_requests())
@FAST
def test_property_releasing_every_hold_approves_the_same_inputs(request: MatchRequest) -> None:
    first = match_invoice(request)
    request.released_holds = [released(hold) for hold in first.holds]
    second = match_invoice(request)
    assert second.decision == MatchDecision.APPROVE
    assert [(h.code, h.line_no) for h in second.holds] == [(h.code, h.line_no) for h in first.holds]


@given(any_requests())
@FAST
def test_property_manual_and_audit_holds_survive_every_rematch(request: MatchRequest) -> None:
    """Whatever else changes (receipts arrive, every other hold is released),
    MANUAL and RANDOM_AUDIT stay open until a person releases them."""
    first = match_invoice(request)
    request.receipts = [
        *request.receipts,
        make_receipt("GR-ALL", {line.line_no: line.quantity for line in request.po.lines}),
    ]
    request.released_holds = [released(h) for h in first.holds if h.code not in {C.MANUAL, C.RANDOM_AUDIT}]
    again = match_invoice(request)
    people_only = Counter(
        (h.code, h.line_no) for h in again.open_holds if h.code in {C.MANUAL, C.RANDOM_AUDIT}
    )
    expected = Counter((h.code, h.line_no) for h in request.manual_holds)
    if request.audit_selected and request.invoice.kind == InvoiceKind.INVOICE:
        expected[(C.RANDOM_AUDIT, None)] += 1
    assert people_only == expected


# --- properties of profile resolution ------------------------------------------------------

ITEMS = st.sampled_from(["ITEM-1", "ITEM-2", "ITEM-3", None])
VENDORS = st.sampled_from(["ACME", "GLOBEX"])


@given(candidate_profiles(), VENDORS, ITEMS, CATEGORY)
@FAST
def test_property_resolution_follows_the_precedence(
    candidates: list[ToleranceProfile], vendor_id: str, item_id: str | None, category: str | None
) -> None:
    resolved = resolve_profile(candidates, vendor_id=vendor_id, item_id=item_id, category=category)
    assert resolved == expected_profile(candidates, vendor_id, item_id, category)


@given(candidate_profiles(), VENDORS, ITEMS, CATEGORY, st.sampled_from(range(len(SCOPE_POOL))))
@FAST
def test_property_a_more_specific_applicable_profile_always_wins(
    candidates: list[ToleranceProfile], vendor_id: str, item_id: str | None, category: str | None, pick: int
) -> None:
    """Adding a profile that applies to the line and is more specific than the
    one in force replaces it; a less specific one changes nothing."""
    newcomer = ToleranceProfile(name="newcomer", price_over_pct=D(42), **SCOPE_POOL[pick])
    if any(c.scope_key == newcomer.scope_key for c in candidates):
        return  # same scope twice is refused, not resolved
    before = resolve_profile(candidates, vendor_id=vendor_id, item_id=item_id, category=category)
    after = resolve_profile([*candidates, newcomer], vendor_id=vendor_id, item_id=item_id, category=category)
    applies = applies_to(newcomer, vendor_id=vendor_id, item_id=item_id, category=category)
    in_force_is_candidate = before in candidates
    if applies and (not in_force_is_candidate or specificity(newcomer) > specificity(before)):
        assert after == newcomer
    else:
        assert after == before


def test_resolution_rank_matches_the_documented_order() -> None:
    shapes = [
        ToleranceProfile(item_id="I", vendor_id="V"),
        ToleranceProfile(item_id="I"),
        ToleranceProfile(vendor_id="V", category="C"),
        ToleranceProfile(vendor_id="V"),
        ToleranceProfile(category="C"),
        ToleranceProfile(),
    ]
    assert [specificity(profile) for profile in shapes] == sorted(
        (specificity(profile) for profile in shapes), reverse=True
    )
    assert len({specificity(profile) for profile in shapes}) == len(shapes)


def test_resolution_refuses_a_tie_it_is_given_anyway() -> None:
    twins = [P_MRO, P_MRO_LOWER.model_copy(update={"name": "mro-2"})]  # bypasses the request's validator
    with pytest.raises(ValueError, match="same scope"):
        resolve_profile(twins, vendor_id="ACME", item_id="ITEM-1", category="MRO")


def test_candidates_for_vendor_drop_other_vendors() -> None:
    assert candidates_for_vendor(ALL_SCOPES, "ACME") == [HOUSE, P_MRO, P_ACME, P_ACME_MRO, P_ITEM1]


def test_scope_labels_read_like_the_rule() -> None:
    assert [scope_label(p) for p in (HOUSE, P_MRO, P_ACME_MRO, P_ITEM1_ACME)] == [
        "default",
        "category MRO",
        "vendor ACME, category MRO",
        "item ITEM-1, vendor ACME",
    ]


# --- suspected duplicates inside the match ------------------------------------------


def test_suspected_duplicate_holds_with_a_link_to_the_other_invoice() -> None:
    po = make_po()
    receipt = make_receipt("GR-1", {1: D(100)})
    this = make_invoice("INV-2001", {1: (D(100), D("12.00"))})
    earlier = make_invoice("INV-1999", {1: (D(100), D("12.00"))}, po_number="PO-0999")
    result = match_invoice(
        MatchRequest(po=po, receipts=[receipt], invoice=this, duplicate_candidates=[earlier])
    )
    assert result.decision == MatchDecision.HOLD
    [hold] = result.open_holds
    assert hold.code == HoldCode.SUSPECTED_DUPLICATE
    assert hold.related_document_id == earlier.document_id
    assert "INV-1999" in hold.message and "PO-0999" in hold.message


def test_a_different_amount_is_not_a_suspected_duplicate_and_a_released_one_stays_released() -> None:
    po = make_po()
    receipt = make_receipt("GR-1", {1: D(100)})
    this = make_invoice("INV-2001", {1: (D(100), D("12.00"))})
    other_amount = make_invoice("INV-1999", {1: (D(50), D("12.00"))})
    clean = MatchRequest(po=po, receipts=[receipt], invoice=this, duplicate_candidates=[other_amount])
    assert match_invoice(clean).decision == MatchDecision.APPROVE
    same = make_invoice("INV-1998", {1: (D(100), D("12.00"))})
    held = match_invoice(MatchRequest(po=po, receipts=[receipt], invoice=this, duplicate_candidates=[same]))
    released = held.open_holds[0].model_copy(
        update={"status": HoldStatus.RELEASED, "released_by": "carl.clerk"}
    )
    again = MatchRequest(
        po=po, receipts=[receipt], invoice=this, duplicate_candidates=[same], released_holds=[released]
    )
    assert match_invoice(again).decision == MatchDecision.APPROVE


# --- ACK_MISSING (p2p-semantics b: "PO past its ack SLA at invoice time") ---------------------


def test_an_invoice_finding_the_acknowledgment_overdue_waits_for_it() -> None:
    due = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)
    request = make_request(inv({1: (100, "12.00")})).model_copy(
        update={"ack_overdue_since": due, "ack_policy": "policy standard v1"}
    )
    result = match_invoice(request)
    hold = only_hold(result, C.ACK_MISSING)
    assert hold.line_no is None and result.decision == MatchDecision.HOLD
    assert hold.tolerance == "acknowledgment due by 2025-03-01 09:00 UTC (policy standard v1)"
    assert "has not acknowledged" in hold.message and "2025-03-01 09:00 UTC" in hold.message
    assert awaiting_reason(C.ACK_MISSING) is not None  # no person releases it as a variance
    # The same invoice once nothing is missing any more: matched.
    assert match_invoice(make_request(inv({1: (100, "12.00")}))).decision == MatchDecision.APPROVE


def test_a_credit_memo_is_not_held_for_a_missing_acknowledgment() -> None:
    memo = credit_memo("CM-1", {1: (D(10), D("12.00"))})
    request = make_request(memo).model_copy(update={"ack_overdue_since": datetime(2025, 3, 1, tzinfo=UTC)})
    assert all(h.code != C.ACK_MISSING for h in match_invoice(request).holds)


# --- ACK_MISMATCH (p2p-semantics b: "invoice vs accepted 855 terms") --------------------------


def confirmed(price: str, line_no: int = 1) -> list[AcknowledgedLine]:
    return [AcknowledgedLine(line_no=line_no, unit_price=D(price), ack_id="OA-7", status="changed")]


def with_confirmed(invoice: Invoice, prices: list[AcknowledgedLine]) -> MatchRequest:
    return make_request(invoice).model_copy(update={"acknowledged_lines": prices})


def test_a_price_above_the_one_the_supplier_confirmed_is_held_even_inside_the_tolerance() -> None:
    # the PO's 12.00 was confirmed; 12.10 is +0.8 %, inside the default +2 %
    result = match_invoice(with_confirmed(inv({1: (100, "12.10")}), confirmed("12.00")))
    hold = only_hold(result, C.ACK_MISMATCH)
    assert (hold.line_no, hold.expected, hold.actual, hold.variance) == (1, D("12.00"), D("12.10"), D("0.10"))
    assert hold.tolerance == "the price acknowledged in OA-7, exactly"
    assert "confirmed 12.00 USD in acknowledgment OA-7" in hold.message
    assert awaiting_reason(C.ACK_MISMATCH) is None  # a person may accept it as a variance


@pytest.mark.parametrize(
    ("billed", "prices", "codes"),
    [
        ("12.00", confirmed("12.00"), set()),  # billed as confirmed
        ("11.90", confirmed("12.00"), set()),  # below: nothing to hold
        ("12.50", confirmed("12.00"), {C.PRICE}),  # beyond the tolerance: one hold, PRICE, says it
        ("12.10", confirmed("11.50"), set()),  # the agreed price is no longer the confirmed one
        ("12.10", confirmed("12.00", line_no=2), set()),  # confirmed for another line
        ("12.10", [], set()),  # nothing confirmed: the tolerance applies
    ],
)
def test_only_a_bill_above_the_price_in_force_the_supplier_confirmed_is_an_ack_mismatch(
    billed: str, prices: list[AcknowledgedLine], codes: set[HoldCode]
) -> None:
    result = match_invoice(with_confirmed(inv({1: (100, billed)}), prices))
    assert {h.code for h in result.holds} == codes


# --- lineage (p2p-semantics a.1: PO rev → 855 line → 856 → GR → 810 line) ----------------------


def test_each_line_and_its_holds_carry_the_chain_of_documents_behind_it() -> None:
    later = make_receipt("GR-2", {1: D(40)}).model_copy(
        update={"received_at": datetime(2025, 3, 3, tzinfo=UTC)}
    )
    receipts = [later, make_receipt("GR-1", {1: D(50)})]  # listed out of order: the chain is in time order
    request = make_request(inv({1: (100, "12.00"), 2: (100, "3.00")}), receipts=receipts).model_copy(
        update={
            "acknowledged_lines": [
                AcknowledgedLine(line_no=1, ack_id="OA-7", status="changed", unit_price=D("12.00"))
            ],
            "shipped_lines": [ShippedLine(line_no=1, asn_id="SHIP-1", quantity=D(90))],
        }
    )
    result = match_invoice(request)
    by_line = {m.line_no: m.lineage for m in result.lines}
    assert by_line[1] == (
        "PO-1001 r1 line 1 → ack OA-7 changed at 12.00 → ASN SHIP-1 90 → receipt GR-1 50, GR-2 40 → invoice INV-1 line 1"
    )
    assert by_line[2] == (
        "PO-1001 r1 line 2 → no acknowledgment of the line → no ship notice → not received → invoice INV-1 line 2"
    )
    held = only_hold(result, C.QTY_RECEIVED)  # 100 billed, 90 received
    assert held.lineage == by_line[1]
    assert all(h.lineage is None for h in result.holds if h.line_no is None)  # a header hold has no line


# --- ASN_MISMATCH on a 2-way line (p2p-semantics b: "GR or invoice vs 856") ------------------


@pytest.mark.parametrize(
    ("level", "shipped", "billed", "held"),
    [
        (MatchLevel.TWO_WAY, {1: D(50)}, 60, True),  # billed beyond what the notices shipped
        (MatchLevel.TWO_WAY, {1: D(60)}, 60, False),
        (MatchLevel.TWO_WAY, {}, 60, False),  # no notice: nothing to compare with
        (MatchLevel.THREE_WAY, {1: D(50)}, 60, False),  # the receipt judges a 3-way line
    ],
)
def test_a_two_way_line_billed_beyond_its_ship_notices_waits_for_the_rest(
    level: MatchLevel, shipped: dict[int, Decimal], billed: int, held: bool
) -> None:
    po = make_po()
    lines = [
        line.model_copy(update={"match_level": level}) if line.line_no == 1 else line for line in po.lines
    ]
    request = make_request(inv({1: (billed, "12.00")}), po=po.model_copy(update={"lines": lines}))
    result = match_invoice(request.model_copy(update={"shipped_by_line": shipped}))
    found = [h for h in result.holds if h.code == C.ASN_MISMATCH]
    assert bool(found) == held
    if held:
        assert found[0].line_no == 1 and found[0].expected == D(50) and found[0].actual == D(60)
        assert "ship notices say 50" in found[0].message
        assert awaiting_reason(C.ASN_MISMATCH) is not None
