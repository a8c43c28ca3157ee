"""Suspected duplicates (p2p/duplicates.py), pure rules.

Each table row is named after the rule it checks; the expected outcome is
written from the rules in the module docstring (issue 3 item 6, SAP's
duplicate check in p2p-semantics.md b.1), not from the function's output.

The base invoice is ACME-INV-30211 on PO-1001, dated 2026-03-02, 2,137.19 USD;
each case builds the new invoice and one earlier candidate from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import HoldCode, Invoice, InvoiceKind
from p2p.duplicates import (
    DuplicateRule,
    amount_close_enough_to_load,
    find_suspected_duplicates,
    match_suspected_duplicates,
    near_identical_numbers,
)

D0 = date(2026, 3, 2)
TOTAL = Decimal("2137.19")
SAME = DuplicateRule.SAME_AMOUNT_CLOSE_DATE
NEAR = DuplicateRule.NEAR_IDENTICAL_NUMBER


def invoice(
    number: str = "ACME-INV-30211",
    *,
    total: Decimal | str = TOTAL,
    dated: date = D0,
    vendor: str = "ACME",
    currency: str = "USD",
    kind: InvoiceKind = InvoiceKind.INVOICE,
    po: str = "PO-1001",
) -> Invoice:
    total = Decimal(total)
    return Invoice(
        invoice_number=number,
        kind=kind,
        vendor_id=vendor,
        po_number=po,
        invoice_date=dated,
        currency=currency,
        total=total,
        lines=[{"line_no": 1, "quantity": "1", "unit_price": str(abs(total)), "amount": str(total)}],
    )


def days(n: int) -> date:
    return D0 + timedelta(days=n)


@dataclass(frozen=True)
class Case:
    name: str
    new: Invoice
    earlier: Invoice
    rules: tuple[DuplicateRule, ...]  # expected; () = no hold
    window_days: int = 30
    amount_tolerance: Decimal = Decimal("0")


FAR = days(200)  # far outside the 30-day window: only the number rule can fire

CASES = [
    # --- same vendor and amount, invoice dates within the window ---------------
    Case(
        "same_amount_close_date: two days apart", invoice("ACME-INV-40000", dated=days(2)), invoice(), (SAME,)
    ),
    Case("same_amount_close_date: same day", invoice("ACME-INV-40000"), invoice(), (SAME,)),
    Case(
        "same_amount_close_date: exactly at the window (30 days) counts",
        invoice("ACME-INV-40000", dated=days(30)),
        invoice(),
        (SAME,),
    ),
    Case(
        "same_amount_close_date: one day beyond the window is not a duplicate",
        invoice("ACME-INV-40000", dated=days(31)),
        invoice(),
        (),
    ),
    Case(
        "same_amount_close_date: the window looks both ways (earlier-dated new invoice)",
        invoice("ACME-INV-40000", dated=days(-12)),
        invoice(),
        (SAME,),
    ),
    Case(
        "same_amount_close_date: window is configurable (7 days, 8 apart)",
        invoice("ACME-INV-40000", dated=days(8)),
        invoice(),
        (),
        window_days=7,
    ),
    Case(
        "same_amount_close_date: window 0 means same day only",
        invoice("ACME-INV-40000", dated=days(1)),
        invoice(),
        (),
        window_days=0,
    ),
    Case(
        "same_amount_close_date: one cent apart with zero tolerance is another amount",
        invoice("ACME-INV-40000", total="2137.20"),
        invoice(),
        (),
    ),
    Case(
        "same_amount_close_date: difference exactly at the amount tolerance counts",
        invoice("ACME-INV-40000", total="2137.24"),
        invoice(),
        (SAME,),
        amount_tolerance=Decimal("0.05"),
    ),
    Case(
        "same_amount_close_date: difference beyond the amount tolerance does not",
        invoice("ACME-INV-40000", total="2137.25"),
        invoice(),
        (),
        amount_tolerance=Decimal("0.05"),
    ),
    Case(
        "same_amount_close_date: the amount is the gross total, not the lines",
        invoice("ACME-INV-40000", total="2137.19"),
        invoice(total="2137.19").model_copy(update={"tax": Decimal("100")}),
        (SAME,),
    ),
    # --- near-identical number and same amount (no date window) ----------------
    Case(
        "near_identical_number: one character changed",
        invoice("ACME-INV-30212", dated=FAR),
        invoice(),
        (NEAR,),
    ),
    Case(
        "near_identical_number: one character added",
        invoice("ACME-INV-302011", dated=FAR),
        invoice(),
        (NEAR,),
    ),
    Case(
        "near_identical_number: one character removed",
        invoice("ACME-INV-3211", dated=FAR),
        invoice(),
        (NEAR,),
    ),
    Case(
        "near_identical_number: two neighbours swapped",
        invoice("ACME-INV-32011", dated=FAR),
        invoice(),
        (NEAR,),
    ),
    Case(
        "near_identical_number: a swap of non-neighbours is two edits",
        invoice("ACME-INV-31201", dated=FAR),
        invoice(),
        (),
    ),
    Case(
        "near_identical_number: two characters changed is not near",
        invoice("ACME-INV-30233", dated=FAR),
        invoice(),
        (),
    ),
    Case(
        "near_identical_number: short prefix INV", invoice("INV-30211", dated=FAR), invoice("30211"), (NEAR,)
    ),
    Case("near_identical_number: short suffix A", invoice("ACME-INV-30211A", dated=FAR), invoice(), (NEAR,)),
    Case(
        "near_identical_number: suffix COPY (4 characters)",
        invoice("ACME-INV-30211-COPY", dated=FAR),
        invoice(),
        (NEAR,),
    ),
    Case(
        "near_identical_number: a 5-character suffix is a different number",
        invoice("ACME-INV-30211-DUPLI", dated=FAR),
        invoice(),
        (),
    ),
    Case(
        "near_identical_number: compared after normalizing case, spaces and punctuation",
        invoice("acme inv 30212", dated=FAR),
        invoice(),
        (NEAR,),
    ),
    Case(
        "near_identical_number: compared after stripping leading zeros",
        invoice("ACME-INV-0030212", dated=FAR),
        invoice(),
        (NEAR,),
    ),
    Case(
        "near_identical_number: needs the same amount",
        invoice("ACME-INV-30212", total="2137.20", dated=FAR),
        invoice(),
        (),
    ),
    Case(
        "near_identical_number: same amount within the tolerance",
        invoice("ACME-INV-30212", total="2137.20", dated=FAR),
        invoice(),
        (NEAR,),
        amount_tolerance=Decimal("0.01"),
    ),
    Case(
        "near_identical_number: numbers under 3 characters are never near",
        invoice("7", dated=FAR),
        invoice("8"),
        (),
    ),
    Case(
        "near_identical_number: has no date window (400 days apart)",
        invoice("ACME-INV-30212", dated=days(400)),
        invoice(),
        (NEAR,),
    ),
    Case(
        "both rules: near-identical number, same amount, two days apart",
        invoice("ACME-INV-30212", dated=days(2)),
        invoice(),
        (SAME, NEAR),
    ),
    # --- what is never a suspected duplicate ------------------------------------
    Case(
        "same_vendor: another vendor's invoice is not a duplicate",
        invoice("ACME-INV-30212", dated=days(2)),
        invoice(vendor="GLOBEX"),
        (),
    ),
    Case(
        "same_currency: the same figure in another currency is not a duplicate",
        invoice("ACME-INV-30212", dated=days(2)),
        invoice(currency="EUR"),
        (),
    ),
    Case(
        "credit_memos: a credit memo is not a duplicate of an invoice",
        invoice("ACME-CM-30211", dated=days(2), kind=InvoiceKind.CREDIT_MEMO),
        invoice(),
        (),
    ),
    Case(
        "credit_memos: an invoice is not a duplicate of a credit memo",
        invoice("ACME-INV-30212", dated=days(2)),
        invoice("ACME-INV-30211", kind=InvoiceKind.CREDIT_MEMO),
        (),
    ),
    Case(
        "credit_memos: two credit memos are never checked (SAP skips them)",
        invoice("ACME-CM-30212", kind=InvoiceKind.CREDIT_MEMO),
        invoice("ACME-CM-30211", kind=InvoiceKind.CREDIT_MEMO),
        (),
    ),
    Case("same_document: the invoice itself is not its own duplicate", invoice(), invoice(), ()),
    Case(
        "same_document: a copy whose number normalizes the same is the same document",
        invoice("acme inv 030211", dated=days(2)),
        invoice(),
        (),
    ),
    Case(
        "other PO: a duplicate on another PO of the same vendor is still a duplicate",
        invoice("ACME-INV-40000", dated=days(2)),
        invoice(po="PO-1002"),
        (SAME,),
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_duplicate_rule(case: Case) -> None:
    found = match_suspected_duplicates(
        case.new, [case.earlier], window_days=case.window_days, amount_tolerance=case.amount_tolerance
    )
    assert [m.rules for m in found] == ([case.rules] if case.rules else [])
    holds = find_suspected_duplicates(
        case.new, [case.earlier], window_days=case.window_days, amount_tolerance=case.amount_tolerance
    )
    assert len(holds) == (1 if case.rules else 0)
    for hold in holds:
        assert hold.code == HoldCode.SUSPECTED_DUPLICATE and hold.line_no is None
        assert hold.source == "duplicate check"
        assert case.earlier.invoice_number in hold.message and case.earlier.po_number in hold.message


# --- the hold a clerk reads --------------------------------------------------------------


def test_hold_for_same_amount_close_date_names_the_other_invoice_its_po_amount_and_days() -> None:
    [hold] = find_suspected_duplicates(invoice("ACME-INV-40000", dated=days(2)), [invoice()])
    assert hold.message == (
        "Looks like a duplicate of ACME-INV-30211 on PO-1001: same vendor and amount 2,137.19 USD, "
        "dated 2 days apart; compare the two, then reject this invoice if it is a copy or release the hold"
    )
    assert (hold.expected, hold.actual, hold.variance) == (TOTAL, TOTAL, Decimal("0"))
    assert hold.tolerance == "same vendor and amount (±0.00 USD) dated within 30 days"
    assert hold.formula == (
        "|total − other.total| ≤ 0.00 USD and |invoice_date − other.invoice_date| ≤ 30 days"
    )


def test_hold_for_near_identical_number_with_a_tolerance_shows_both_amounts() -> None:
    new = invoice("ACME-INV-30212", total="2137.20", dated=days(95))
    [hold] = find_suspected_duplicates(new, [invoice()], window_days=14, amount_tolerance=Decimal("0.01"))
    assert hold.message == (
        "Looks like a duplicate of ACME-INV-30211 on PO-1001: same vendor and amount 2,137.19 USD "
        "(this one 2,137.20 USD), dated 95 days apart, near-identical number (this one ACME-INV-30212); "
        "compare the two, then reject this invoice if it is a copy or release the hold"
    )
    assert (hold.expected, hold.actual, hold.variance) == (TOTAL, Decimal("2137.20"), Decimal("0.01"))
    assert hold.tolerance == (
        "near-identical invoice number (one edit or a short prefix/suffix) and same amount (±0.01 USD)"
    )


def test_hold_for_both_rules_names_both_in_the_tolerance() -> None:
    [hold] = find_suspected_duplicates(invoice("ACME-INV-30212", dated=days(1)), [invoice()], window_days=10)
    assert hold.tolerance == (
        "same vendor and amount (±0.00 USD) dated within 10 days; "
        "near-identical invoice number (one edit or a short prefix/suffix) and same amount (±0.00 USD)"
    )
    assert "dated 1 day apart, near-identical number (this one ACME-INV-30212)" in hold.message


def test_a_tolerance_finer_than_the_currency_is_shown_as_given() -> None:
    [hold] = find_suspected_duplicates(invoice("X-40000"), [invoice()], amount_tolerance=Decimal("0.005"))
    assert "(±0.005 USD)" in (hold.tolerance or "")


def test_one_hold_per_earlier_invoice_closest_in_date_first() -> None:
    new = invoice("ACME-INV-30212", dated=days(10))
    earlier = [
        invoice("ACME-INV-30211"),  # both rules, 10 days
        invoice("ACME-INV-77777", dated=days(9)),  # amount and date, 1 day
        invoice("ACME-INV-30213", dated=days(-300)),  # number only, 310 days
        invoice("ACME-INV-55555", total="1.00", dated=days(10)),  # another amount: no
    ]
    holds = find_suspected_duplicates(new, earlier)
    assert [h.message.split(" on ")[0] for h in holds] == [
        "Looks like a duplicate of ACME-INV-77777",
        "Looks like a duplicate of ACME-INV-30211",
        "Looks like a duplicate of ACME-INV-30213",
    ]


def test_an_invoice_listed_twice_is_one_candidate() -> None:
    earlier = invoice()
    assert len(find_suspected_duplicates(invoice("ACME-INV-40000"), [earlier, earlier.model_copy()])) == 1


def test_no_candidates_no_holds() -> None:
    assert find_suspected_duplicates(invoice(), []) == []


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"window_days": -1}, "window_days must be >= 0"),
        ({"amount_tolerance": Decimal("-0.01")}, "amount_tolerance must be >= 0"),
    ],
)
def test_settings_must_make_sense(kwargs: dict, error: str) -> None:
    with pytest.raises(ValueError, match=error):
        find_suspected_duplicates(invoice(), [], **kwargs)


# --- the number rule on its own ------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "near"),
    [
        ("INV-30211", "INV-30212", True),  # substitution
        ("INV-30211", "INV-3O211", True),  # letter O for zero
        ("INV-30211", "INV-302110", True),  # appended digit (also a 1-char suffix)
        ("INV-30211", "INV-03211", True),  # leading zeros go first: 30211 vs 3211 is one removal
        ("INV-30211", "INV-32011", True),  # transposition
        ("INV-30211", "INV-30211", False),  # identical: an exact duplicate, refused at the door
        ("30211", "INV30211", True),  # prefix
        ("30211", "30211-REV", True),  # suffix
        ("30211", "XXXXX30211", False),  # 5-character prefix
        ("AB", "ABC", False),  # too short to judge
        ("ABC", "ABD", True),  # the shortest that counts
    ],
)
def test_near_identical_numbers(a: str, b: str, near: bool) -> None:
    assert near_identical_numbers(a, b) is near
    assert near_identical_numbers(b, a) is near


def test_loader_prefilter_keeps_every_invoice_a_rule_could_flag() -> None:
    new = invoice(total="1000.00")
    assert amount_close_enough_to_load(new, invoice(total="1000.00"))
    assert not amount_close_enough_to_load(new, invoice(total="1000.01"))
    assert not amount_close_enough_to_load(new, invoice(total="999.99"))
    assert not amount_close_enough_to_load(new, invoice(total="1000.00", currency="EUR"))


# --- properties ----------------------------------------------------------------------------

VENDORS = st.sampled_from(["ACME", "GLOBEX"])
NUMBERS = st.text(alphabet="0123A", min_size=1, max_size=5).map(lambda s: f"INV-{s}")
TOTALS = st.sampled_from(["10.00", "10.01", "2137.19", "0.00"]).map(Decimal)
DATES = st.integers(min_value=-60, max_value=60).map(days)


@st.composite
def invoices(draw: st.DrawFn) -> Invoice:
    return invoice(
        draw(NUMBERS),
        total=draw(TOTALS),
        dated=draw(DATES),
        vendor=draw(VENDORS),
        currency=draw(st.sampled_from(["USD", "EUR"])),
        kind=draw(st.sampled_from([InvoiceKind.INVOICE, InvoiceKind.INVOICE, InvoiceKind.CREDIT_MEMO])),
        po=draw(st.sampled_from(["PO-1001", "PO-1002"])),
    )


SETTINGS = st.fixed_dictionaries(
    {
        "window_days": st.integers(min_value=0, max_value=90),
        "amount_tolerance": st.sampled_from(["0", "0.01", "5"]).map(Decimal),
    }
)


@settings(max_examples=200, deadline=None)
@given(new=invoices(), others=st.lists(invoices(), max_size=6), config=SETTINGS)
def test_property_an_invoice_is_never_its_own_duplicate(
    new: Invoice, others: list[Invoice], config: dict
) -> None:
    renumbered = new.model_copy(update={"invoice_number": new.invoice_number.lower()})  # same document_id
    itself = [new, new.model_copy(deep=True), renumbered]
    holds = find_suspected_duplicates(new, itself + others, **config)
    assert all(
        m.other.document_id != new.document_id
        for m in match_suspected_duplicates(new, itself + others, **config)
    )
    assert len(holds) == len(find_suspected_duplicates(new, others, **config))


@settings(max_examples=200, deadline=None)
@given(new=invoices(), others=st.lists(invoices(), max_size=8), config=SETTINGS, data=st.data())
def test_property_order_of_candidates_does_not_change_the_holds(
    new: Invoice, others: list[Invoice], config: dict, data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(others))
    expected = find_suspected_duplicates(new, others, **config)
    assert find_suspected_duplicates(new, shuffled, **config) == expected


@settings(max_examples=200, deadline=None)
@given(a=invoices(), b=invoices(), config=SETTINGS)
def test_property_suspicion_is_mutual_and_every_hold_met_a_rule(a: Invoice, b: Invoice, config: dict) -> None:
    a_vs_b = match_suspected_duplicates(a, [b], **config)
    b_vs_a = match_suspected_duplicates(b, [a], **config)
    assert [m.rules for m in a_vs_b] == [m.rules for m in b_vs_a]
    for hold in find_suspected_duplicates(a, [b], **config):
        assert (a.kind, b.kind) == (InvoiceKind.INVOICE, InvoiceKind.INVOICE)
        assert (a.vendor_id, a.currency) == (b.vendor_id, b.currency)
        assert abs(hold.actual - hold.expected) <= config["amount_tolerance"]  # type: ignore[operator]
        assert hold.tolerance and hold.source == "duplicate check"
