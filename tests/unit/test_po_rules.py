"""The pure rules of the PO workflow (p2p: acknowledgment, receiving, closing, deadlines).

Expected values are written by hand from the docstrings, DESIGN.md and the
domain, not copied from the code:

* acknowledgment: a price/quantity change within the acknowledgment tolerance
  (± percent of the agreed value; a change *at* the limit is within it) becomes
  a new revision; larger changes, rejected or back-ordered lines and lines not
  on the PO need the buyer; `None` = not checked, `0` = any change needs the
  buyer; promised dates become need-by dates;
* billable: ordered for 2-way lines, received for 3-way, accepted for 4-way,
  never more than ordered; credit memos of goods count negative, rejected
  invoices not at all;
* close: issued, not final, fully received, fully invoiced, at least one
  approved invoice, every invoice approved or rejected, no open task;
* a date-only deadline lapses at the end of that day in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models import (
    Acknowledgment,
    AckOutcome,
    AckRecord,
    GoodsReceipt,
    HumanTask,
    Invoice,
    InvoiceRecord,
    InvoiceStatus,
    MatchLevel,
    Policy,
    PoStatus,
    PurchaseOrder,
    PurchaseOrderState,
    ShipNotice,
    TaskKind,
    TaskStatus,
    ToleranceProfile,
)
from p2p.acknowledgment import ack_overdue_since, compare_acknowledgment
from p2p.closing import billable_quantity, can_close, final_close_lines, final_close_refusal, fully_invoiced
from p2p.deadlines import hold_escalation_at, next_deadline, receipt_due_at
from p2p.receiving import fully_received
from p2p.ship_notices import asn_exceptions

D = Decimal
UTC = UTC
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
FAST = settings(max_examples=100, deadline=None)


# --- builders -----------------------------------------------------------------------------------


def make_po(*lines: dict[str, Any], revision: int = 0) -> PurchaseOrder:
    """Each line: quantity, unit_price, optional need_by / match_level; numbered from 1."""
    if not lines:
        lines = (
            {"quantity": "100", "unit_price": "10.00", "need_by": "2026-12-07"},
            {"quantity": "50", "unit_price": "4.75", "need_by": "2026-12-07"},
        )
    return PurchaseOrder.model_validate(
        {
            "po_number": "PO-1001",
            "revision": revision,
            "vendor_id": "ACME",
            "buyer": "bob.buyer",
            "currency": "USD",
            "lines": [
                {"line_no": n, "item_id": f"ITEM-{n}", **line} for n, line in enumerate(lines, start=1)
            ],
        }
    )


def make_ack(*lines: dict[str, Any], status: str = "accepted_with_changes") -> Acknowledgment:
    return Acknowledgment.model_validate(
        {
            "ack_id": "OA-1",
            "po_number": "PO-1001",
            "vendor_id": "ACME",
            "status": status,
            "acknowledged_at": "2026-11-24T09:12:00Z",
            "lines": list(lines),
        }
    )


def tol(price: str | None = "2", qty: str | None = "0") -> ToleranceProfile:
    return ToleranceProfile(
        ack_price_pct=None if price is None else D(price), ack_qty_pct=None if qty is None else D(qty)
    )


def receipt(
    receipt_id: str, quantities: dict[int, str], rejected: dict[int, str] | None = None
) -> GoodsReceipt:
    rejected = rejected or {}
    return GoodsReceipt.model_validate(
        {
            "receipt_id": receipt_id,
            "po_number": "PO-1001",
            "received_at": "2026-12-04T14:30:00Z",
            "lines": [
                {"line_no": n, "quantity_received": q, "quantity_rejected": rejected.get(n, "0")}
                for n, q in quantities.items()
            ],
        }
    )


def invoice(
    number: str,
    quantities: dict[int, str],
    *,
    kind: str = "invoice",
    price_only: bool = False,
    invoice_date: str = "2026-12-05",
    terms: dict[str, Any] | None = None,
) -> Invoice:
    return Invoice.model_validate(
        {
            "invoice_number": number,
            "kind": kind,
            "vendor_id": "ACME",
            "po_number": "PO-1001",
            "invoice_date": invoice_date,
            "currency": "USD",
            "price_only": price_only,
            "lines": [{"line_no": n, "quantity": q, "unit_price": "10.00"} for n, q in quantities.items()],
            "total": "0",
            "payment_terms": terms,
        }
    )


def rec(inv: Invoice, status: InvoiceStatus, escalate_at: datetime | None = None) -> InvoiceRecord:
    return InvoiceRecord(invoice=inv, status=status, received_at=T0, escalate_at=escalate_at)


def task(
    task_id: str, due_at: datetime, *, status: TaskStatus = TaskStatus.OPEN, level: int = 0
) -> HumanTask:
    return HumanTask(
        task_id=task_id,
        po_number="PO-1001",
        kind=TaskKind.EXPEDITE_RECEIPT,
        title="Expedite",
        options=["keep_waiting", "close_short"],
        assignee_role="buyer",
        created_at=T0,
        due_at=due_at,
        escalation_level=level,
        status=status,
    )


def state_of(
    po: PurchaseOrder,
    *,
    receipts: list[GoodsReceipt] = (),
    invoices: list[InvoiceRecord] = (),
    tasks: list[HumanTask] = (),
    status: PoStatus = PoStatus.RECEIVED,
    issued: bool = True,
    **extra: Any,
) -> PurchaseOrderState:
    return PurchaseOrderState(
        po=po,
        status=status,
        receipts=list(receipts),
        invoices=list(invoices),
        tasks=list(tasks),
        issued_at=T0 if issued else None,
        **extra,
    )


# --- compare_acknowledgment --------------------------------------------------------------------


def test_an_ack_without_line_detail_changes_nothing():
    po = make_po()
    result = compare_acknowledgment(po, make_ack(status="accepted"), tol())
    assert result.changes == [] and result.outside_tolerance == []
    assert not result.has_changes and result.within_tolerance
    assert result.revised_po is None


def test_an_ack_restating_the_po_in_other_spellings_changes_nothing():
    po = make_po()
    ack = make_ack(
        {
            "line_no": 1,
            "status": "accepted",
            "quantity": "100.000",
            "unit_price": "10",
            "promised_date": "2026-12-07",
        },
        {"line_no": 2, "status": "changed", "unit_price": "4.750"},
    )
    result = compare_acknowledgment(po, ack, tol("0", "0"))
    assert not result.has_changes
    assert result.revised_po is None


def test_a_price_change_inside_the_tolerance_becomes_a_revision():
    po = make_po()
    result = compare_acknowledgment(po, make_ack({"line_no": 1, "unit_price": "10.15"}), tol("2"))  # +1.5 %
    assert len(result.changes) == 1
    assert "line 1" in result.changes[0] and "10.15" in result.changes[0]
    assert result.within_tolerance
    assert result.revised_po is not None
    assert result.revised_po.lines[0].unit_price == D("10.15")
    assert result.revised_po.lines[1] == po.lines[1]
    assert result.revised_po.revision == 1


def test_a_price_change_exactly_at_the_tolerance_is_within_it():
    ack = make_ack({"line_no": 1, "unit_price": "10.20"})  # +2 %
    result = compare_acknowledgment(make_po(), ack, tol("2"))
    assert result.has_changes
    assert result.within_tolerance
    assert result.revised_po is not None and result.revised_po.lines[0].unit_price == D("10.20")


def test_a_price_change_over_the_tolerance_needs_the_buyer():
    ack = make_ack({"line_no": 1, "unit_price": "10.21"})  # +2.1 %
    result = compare_acknowledgment(make_po(), ack, tol("2"))
    assert len(result.outside_tolerance) == 1
    assert "line 1" in result.outside_tolerance[0] and "10.21" in result.outside_tolerance[0]
    assert not result.within_tolerance
    # the change is still applied in the proposed revision, for the buyer to accept
    assert result.revised_po is not None and result.revised_po.lines[0].unit_price == D("10.21")


def test_the_price_tolerance_is_plus_or_minus():
    minus_3 = make_ack({"line_no": 1, "unit_price": "9.70"})
    result = compare_acknowledgment(make_po(), minus_3, tol("2"))
    assert not result.within_tolerance
    minus_2 = make_ack({"line_no": 1, "unit_price": "9.80"})
    result = compare_acknowledgment(make_po(), minus_2, tol("2"))
    assert result.has_changes and result.within_tolerance


def test_a_price_tolerance_of_none_is_not_checked():
    ack = make_ack({"line_no": 1, "unit_price": "25.00"})  # +150 %
    result = compare_acknowledgment(make_po(), ack, tol(None))
    assert result.has_changes
    assert result.within_tolerance
    assert result.revised_po is not None and result.revised_po.lines[0].unit_price == D("25.00")


def test_a_price_tolerance_of_zero_sends_any_price_change_to_the_buyer():
    result = compare_acknowledgment(make_po(), make_ack({"line_no": 1, "unit_price": "10.01"}), tol("0"))
    assert not result.within_tolerance


def test_any_quantity_change_needs_the_buyer_when_ack_qty_pct_is_zero():
    po = make_po()
    result = compare_acknowledgment(po, make_ack({"line_no": 2, "quantity": "49"}), tol(qty="0"))
    assert len(result.changes) == 1 and len(result.outside_tolerance) == 1
    assert "line 2" in result.outside_tolerance[0]
    assert "50" in result.changes[0] and "49" in result.changes[0]
    assert result.revised_po is not None and result.revised_po.lines[1].quantity == D("49")


@pytest.mark.parametrize("quantity, within", [("110", True), ("90", True), ("111", False), ("89", False)])
def test_quantity_change_against_a_ten_percent_tolerance(quantity, within):
    result = compare_acknowledgment(make_po(), make_ack({"line_no": 1, "quantity": quantity}), tol(qty="10"))
    assert result.has_changes
    assert result.within_tolerance is within


def test_a_quantity_tolerance_of_none_is_not_checked():
    result = compare_acknowledgment(make_po(), make_ack({"line_no": 1, "quantity": "1000"}), tol(qty=None))
    assert result.has_changes and result.within_tolerance


@pytest.mark.parametrize("status", ["rejected", "backordered"])
def test_before_line_tasks_rejected_and_backordered_lines_always_needed_the_buyer(status):
    # even with nothing checked and nothing else changed (runs before PATCH_ACK_LINES;
    # today's rules: tests/unit/test_ack_lines.py)
    ack = make_ack({"line_no": 2, "status": status})
    result = compare_acknowledgment(make_po(), ack, tol(None, None), line_tasks=False)
    assert len(result.outside_tolerance) == 1
    assert "line 2" in result.outside_tolerance[0] and status in result.outside_tolerance[0]
    assert not result.within_tolerance


def test_a_promised_date_is_accepted_and_becomes_the_need_by():
    po = make_po()
    ack = make_ack({"line_no": 1, "promised_date": "2026-12-05"})
    result = compare_acknowledgment(po, ack, tol("0", "0"))  # strictest tolerances: dates are not checked
    assert len(result.changes) == 1 and "2026-12-05" in result.changes[0]
    assert result.within_tolerance
    assert result.revised_po is not None
    assert result.revised_po.lines[0].need_by == date(2026, 12, 5)
    assert result.revised_po.lines[1].need_by == date(2026, 12, 7)
    assert po.lines[0].need_by == date(2026, 12, 7)


def test_a_promised_date_on_a_line_without_need_by_sets_it():
    po = make_po({"quantity": "1", "unit_price": "1"})
    result = compare_acknowledgment(po, make_ack({"line_no": 1, "promised_date": "2027-01-15"}), tol())
    assert result.revised_po is not None and result.revised_po.lines[0].need_by == date(2027, 1, 15)
    assert result.revised_po.latest_need_by == date(2027, 1, 15)


def test_a_line_not_on_the_po_needs_the_buyer_and_is_not_added():
    po = make_po()
    result = compare_acknowledgment(po, make_ack({"line_no": 9, "quantity": "5"}), tol(None, None))
    assert len(result.outside_tolerance) == 1 and "line 9" in result.outside_tolerance[0]
    assert result.revised_po is None  # no line of the PO changes: nothing to revise
    legacy = compare_acknowledgment(
        po, make_ack({"line_no": 9, "quantity": "5"}), tol(None, None), line_tasks=False
    )
    assert legacy.revised_po is not None  # runs before PATCH_ACK_LINES made an unchanged revision
    assert [line.line_no for line in legacy.revised_po.lines] == [1, 2]


def test_one_change_in_and_one_out_of_tolerance_needs_the_buyer():
    ack = make_ack({"line_no": 1, "unit_price": "10.10"}, {"line_no": 2, "quantity": "60"})
    result = compare_acknowledgment(make_po(), ack, tol("2", "0"))
    assert len(result.changes) == 2
    assert len(result.outside_tolerance) == 1 and "line 2" in result.outside_tolerance[0]
    assert not result.within_tolerance


def test_revised_po_is_the_next_revision_and_the_original_is_not_mutated():
    po = make_po(revision=3)
    before = po.model_dump()
    ack = make_ack(
        {"line_no": 1, "unit_price": "10.10", "quantity": "100", "promised_date": "2026-12-10"},
        {"line_no": 2, "quantity": "40"},
    )
    result = compare_acknowledgment(po, ack, tol(None, None))
    assert result.revised_po is not None
    assert result.revised_po.revision == 4
    assert po.revision == 3
    assert po.model_dump() == before
    assert po.lines[0].unit_price == D("10.00") and po.lines[1].quantity == D("50")
    revised = result.revised_po
    assert (revised.lines[0].unit_price, revised.lines[0].need_by) == (D("10.10"), date(2026, 12, 10))
    assert revised.lines[1].quantity == D("40")
    assert (revised.po_number, revised.vendor_id) == (po.po_number, po.vendor_id)
    assert revised.currency == po.currency
    assert revised.total == D("1010.00") + D("190.00")


def test_a_header_rejection_never_proposes_a_revision():
    ack = make_ack({"line_no": 1, "status": "rejected", "unit_price": "99"}, status="rejected")
    assert compare_acknowledgment(make_po(), ack, tol()).revised_po is None


# properties

PRICE = st.integers(min_value=1, max_value=1_000_000).map(lambda cents: D(cents) / 100)
QTY = st.integers(min_value=1, max_value=100_000).map(lambda tenths: D(tenths) / 10)
DATES = st.one_of(st.none(), st.dates(min_value=date(2026, 1, 1), max_value=date(2028, 12, 31)))
LIMIT = st.one_of(st.none(), st.sampled_from([D(0), D(1), D("2.5"), D(10)]))


@st.composite
def po_lines(draw) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 5))
    return [
        {
            "quantity": draw(QTY),
            "unit_price": draw(PRICE),
            "need_by": draw(DATES),
            "match_level": draw(st.sampled_from(list(MatchLevel))),
        }
        for _ in range(count)
    ]


def respell(value: Decimal, extra_zeros: int) -> str:
    """The same number with trailing zeros added: 10.5 -> '10.500'."""
    text = f"{value:f}"
    if extra_zeros == 0:
        return text
    return text + ("" if "." in text else ".") + "0" * extra_zeros


@FAST
@given(po_lines(), st.data(), LIMIT, LIMIT)
def test_an_ack_that_restates_the_po_never_reports_changes(lines, data, price_pct, qty_pct):
    po = make_po(*lines)
    ack_lines = []
    for line in po.lines:
        if not data.draw(st.booleans()):
            continue  # a line the ack does not mention is accepted as ordered
        ack_line: dict[str, Any] = {
            "line_no": line.line_no,
            "status": data.draw(st.sampled_from(["accepted", "changed"])),
        }
        if data.draw(st.booleans()):
            ack_line["quantity"] = respell(line.quantity, data.draw(st.integers(0, 3)))
        if data.draw(st.booleans()):
            ack_line["unit_price"] = respell(line.unit_price, data.draw(st.integers(0, 3)))
        if line.need_by is not None and data.draw(st.booleans()):
            ack_line["promised_date"] = line.need_by.isoformat()
        ack_lines.append(ack_line)
    result = compare_acknowledgment(
        po, make_ack(*ack_lines), ToleranceProfile(ack_price_pct=price_pct, ack_qty_pct=qty_pct)
    )
    assert result.changes == []
    assert result.outside_tolerance == []
    assert result.revised_po is None


@FAST
@given(PRICE, PRICE, LIMIT)
def test_a_price_change_is_outside_exactly_when_it_exceeds_the_limit(old, new, limit):
    po = make_po({"quantity": "10", "unit_price": old})
    result = compare_acknowledgment(
        po, make_ack({"line_no": 1, "unit_price": new}), tol(None if limit is None else str(limit), None)
    )
    assert result.has_changes == (new != old)
    # |new - old| / old > limit %, without dividing
    outside = limit is not None and abs(new - old) * 100 > limit * old
    assert result.within_tolerance is not outside
    if new != old:
        assert result.revised_po is not None and result.revised_po.lines[0].unit_price == new


# Acknowledgment lines of every status, for the PO lines po_lines() makes (and some not on it).
ACK_LINES = st.lists(
    st.fixed_dictionaries(
        {
            "line_no": st.integers(1, 7),
            "status": st.sampled_from(["accepted", "changed", "backordered", "rejected"]),
            "quantity": st.one_of(st.none(), QTY),
            "unit_price": st.one_of(st.none(), PRICE),
            "promised_date": DATES,
        }
    ),
    max_size=6,
    unique_by=lambda line: line["line_no"],
)


@FAST
@given(
    po_lines(),
    ACK_LINES,
    LIMIT,
    LIMIT,
)
def test_whatever_the_ack_says_the_po_is_untouched_and_a_revision_keeps_every_line(lines, ack_lines, p, q):
    po = make_po(*lines, revision=2)
    before = po.model_dump()
    tolerances = ToleranceProfile(ack_price_pct=p, ack_qty_pct=q)
    result = compare_acknowledgment(po, make_ack(*ack_lines), tolerances)
    assert po.model_dump() == before
    # every change needing the buyer is one of the changes, about the same line
    changed_lines = {text.split(":")[0] for text in result.changes}
    assert {text.split(":")[0] for text in result.outside_tolerance} <= changed_lines
    assert len(result.outside_tolerance) <= len(result.changes)
    rejected = sorted(
        a["line_no"] for a in ack_lines if a["status"] == "rejected" and a["line_no"] <= len(lines)
    )
    assert result.rejected_lines == rejected  # each a buyer task of its own, never a change to approve
    assert not any(f"line {n}:" in text for n in rejected for text in result.outside_tolerance)
    if result.revised_po is not None:  # a rejected line stays ordered until the buyer decides
        assert result.revised_po.revision == 3
        assert [line.line_no for line in result.revised_po.lines] == [line.line_no for line in po.lines]
        assert result.revised_po.lines != po.lines
    not_on_po = [a for a in ack_lines if a["line_no"] > len(lines)]
    if not_on_po:
        assert not result.within_tolerance


@FAST
@given(
    po_lines(),
    ACK_LINES,
    LIMIT,
    LIMIT,
)
def test_before_line_tasks_a_revision_dropped_rejected_lines(lines, ack_lines, p, q):
    """The rule runs before PATCH_ACK_LINES replay with (line_tasks=False)."""
    po = make_po(*lines, revision=2)
    tolerances = ToleranceProfile(ack_price_pct=p, ack_qty_pct=q)
    result = compare_acknowledgment(po, make_ack(*ack_lines), tolerances, line_tasks=False)
    rejected = {a["line_no"] for a in ack_lines if a["status"] == "rejected"}
    kept = [line.line_no for line in po.lines if line.line_no not in rejected]
    assert not result.rejected_lines
    assert (result.revised_po is not None) == (result.has_changes and bool(kept))
    if result.revised_po is not None:
        assert [line.line_no for line in result.revised_po.lines] == kept
    not_on_po = [a for a in ack_lines if a["line_no"] > len(lines)]
    if not_on_po or any(a["status"] in ("backordered", "rejected") for a in ack_lines):
        assert not result.within_tolerance


# --- received / billable / invoiced ------------------------------------------------------------


def mixed_po() -> PurchaseOrder:
    return make_po(
        {"quantity": "100", "unit_price": "10", "match_level": "3-way"},
        {"quantity": "10", "unit_price": "10", "match_level": "2-way"},
        {"quantity": "20", "unit_price": "10", "match_level": "4-way"},
    )


def test_a_four_way_line_is_fully_received_only_when_accepted():
    po = mixed_po()
    # line 3 (4-way): 20 arrived, 5 failed inspection and go back to the supplier
    assert not fully_received(
        state_of(po, receipts=[receipt("GR-1", {1: "100", 3: "20"}, rejected={3: "5"})])
    )
    replaced = [receipt("GR-1", {1: "100", 3: "20"}, rejected={3: "5"}), receipt("GR-2", {3: "5"})]
    assert fully_received(state_of(po, receipts=replaced))


def test_a_three_way_line_is_fully_received_only_when_kept():
    # b.5: received is net of what was rejected; 10 of line 1's 100 go back at the dock
    po = mixed_po()
    dock_rejection = [receipt("GR-1", {1: "100", 3: "20"}, rejected={1: "10"})]
    assert not fully_received(state_of(po, receipts=dock_rejection))
    assert fully_received(state_of(po, receipts=[*dock_rejection, receipt("GR-2", {1: "10"})]))
    # histories recorded before the rule (PATCH_NET_RECEIPTS) replay with gross receipts
    assert fully_received(state_of(po, receipts=dock_rejection), net_of_rejections=False)


def test_fully_received_ignores_two_way_lines():
    po = mixed_po()
    assert fully_received(state_of(po, receipts=[receipt("GR-1", {1: "100", 3: "20"})]))


def test_fully_received_sums_receipts_and_needs_every_received_line():
    po = mixed_po()
    assert not fully_received(state_of(po))
    assert not fully_received(state_of(po, receipts=[receipt("GR-1", {1: "60", 3: "20"})]))
    assert not fully_received(state_of(po, receipts=[receipt("GR-1", {1: "100"})]))
    two_receipts = [receipt("GR-1", {1: "60", 3: "20"}), receipt("GR-2", {1: "40"})]
    assert fully_received(state_of(po, receipts=two_receipts))
    assert fully_received(state_of(po, receipts=[receipt("GR-1", {1: "105", 3: "21"})]))  # over-receipt


def test_a_po_of_two_way_lines_needs_no_receipt():
    po = make_po({"quantity": "1", "unit_price": "500", "match_level": "2-way"})
    assert fully_received(state_of(po))


def test_billable_quantity_of_a_two_way_line_is_the_ordered_quantity():
    assert billable_quantity(state_of(mixed_po()), 2) == D("10")


@pytest.mark.parametrize(
    "received, rejected, billable",
    [
        ("0", "0", "0"),
        ("60", "0", "60"),
        ("60", "10", "50"),  # received means kept: net of rejections at the dock (b.5)
        ("120", "0", "100"),  # never more than ordered
    ],
)
def test_billable_quantity_of_a_three_way_line_is_received(received, rejected, billable):
    state = state_of(mixed_po(), receipts=[receipt("GR-1", {1: received}, {1: rejected})])
    assert billable_quantity(state, 1) == D(billable)


@pytest.mark.parametrize(
    "received, rejected, billable",
    [
        ("0", "0", "0"),
        ("15", "0", "15"),
        ("15", "5", "10"),
        ("25", "2", "20"),  # 23 accepted, capped at 20 ordered
        ("20", "20", "0"),
    ],
)
def test_billable_quantity_of_a_four_way_line_is_accepted(received, rejected, billable):
    state = state_of(mixed_po(), receipts=[receipt("GR-1", {3: received}, {3: rejected})])
    assert billable_quantity(state, 3) == D(billable)


def billed_state(*invoices: InvoiceRecord) -> PurchaseOrderState:
    """mixed_po with line 1 received 60, line 3 received 20 (5 rejected)."""
    return state_of(
        mixed_po(), receipts=[receipt("GR-1", {1: "60", 3: "20"}, {3: "5"})], invoices=list(invoices)
    )


FULL = {1: "60", 2: "10", 3: "15"}


def test_fully_invoiced_when_each_line_is_billed_up_to_its_billable_quantity():
    assert fully_invoiced(billed_state(rec(invoice("INV-1", FULL), InvoiceStatus.APPROVED)))
    split = [
        rec(invoice("INV-1", {1: "30", 2: "10"}), InvoiceStatus.APPROVED),
        rec(invoice("INV-2", {1: "30", 3: "15"}), InvoiceStatus.APPROVED),
    ]
    assert fully_invoiced(billed_state(*split))


@pytest.mark.parametrize(
    "short", [{1: "59", 2: "10", 3: "15"}, {1: "60", 3: "15"}, {1: "60", 2: "10", 3: "14"}]
)
def test_not_fully_invoiced_when_any_line_is_short(short):
    assert not fully_invoiced(billed_state(rec(invoice("INV-1", short), InvoiceStatus.APPROVED)))


def test_a_credit_memo_of_goods_reopens_the_billing_but_a_price_credit_does_not():
    full = rec(invoice("INV-1", FULL), InvoiceStatus.APPROVED)
    goods_credit = rec(invoice("CM-1", {1: "5"}, kind="credit_memo"), InvoiceStatus.APPROVED)
    price_credit = rec(
        invoice("CM-2", {1: "60"}, kind="credit_memo", price_only=True), InvoiceStatus.APPROVED
    )
    assert not fully_invoiced(billed_state(full, goods_credit))
    assert fully_invoiced(billed_state(full, price_credit))


def test_a_rejected_invoice_bills_nothing():
    assert not fully_invoiced(billed_state(rec(invoice("INV-1", FULL), InvoiceStatus.REJECTED)))


def test_nothing_invoiced_is_fully_invoiced_only_when_nothing_is_billable():
    assert not fully_invoiced(billed_state())  # the 2-way line is billable from the start
    nothing_billable = state_of(make_po({"quantity": "5", "unit_price": "1", "match_level": "3-way"}))
    assert fully_invoiced(nothing_billable)


# --- can_close ----------------------------------------------------------------------------------


def closable(**changes: Any) -> PurchaseOrderState:
    po = make_po(
        {"quantity": "100", "unit_price": "10", "match_level": "3-way"},
        {"quantity": "10", "unit_price": "10", "match_level": "2-way"},
    )
    kwargs: dict[str, Any] = {
        "receipts": [receipt("GR-1", {1: "100"})],
        "invoices": [rec(invoice("INV-1", {1: "100", 2: "10"}), InvoiceStatus.APPROVED)],
        "tasks": [task("t-done", T0, status=TaskStatus.DONE)],
    }
    kwargs.update(changes)
    return state_of(po, **kwargs)


def test_a_fully_received_fully_invoiced_settled_po_can_close():
    assert can_close(closable())


def test_a_rejected_invoice_or_a_cancelled_task_does_not_block_closing():
    state = closable(
        invoices=[
            rec(invoice("INV-1", {1: "100", 2: "10"}), InvoiceStatus.APPROVED),
            rec(invoice("INV-0", {1: "100"}), InvoiceStatus.REJECTED),
        ],
        tasks=[task("t-cancelled", T0, status=TaskStatus.CANCELLED)],
    )
    assert can_close(state)


@pytest.mark.parametrize(
    "why, changes",
    [
        ("never issued", {"issued": False}),
        ("already closed", {"status": PoStatus.CLOSED}),
        ("cancelled", {"status": PoStatus.CANCELLED}),
        ("rejected", {"status": PoStatus.REJECTED}),
        ("not fully received", {"receipts": [receipt("GR-1", {1: "99"})]}),
        (
            "not fully invoiced",
            {"invoices": [rec(invoice("INV-1", {1: "100", 2: "9"}), InvoiceStatus.APPROVED)]},
        ),
        (
            "an invoice on hold",
            {
                "invoices": [
                    rec(invoice("INV-1", {1: "100", 2: "10"}), InvoiceStatus.APPROVED),
                    rec(invoice("INV-2", {2: "1"}), InvoiceStatus.HELD),
                ]
            },
        ),
        (
            "a credit memo requested",
            {
                "invoices": [
                    rec(invoice("INV-1", {1: "100", 2: "10"}), InvoiceStatus.APPROVED),
                    rec(invoice("INV-2", {1: "1"}), InvoiceStatus.CREDIT_REQUESTED),
                ]
            },
        ),
        ("an open task", {"tasks": [task("t-open", T0)]}),
        ("an open task escalated to the manager", {"tasks": [task("t-open", T0, level=2)]}),
    ],
)
def test_can_close_is_blocked(why, changes):
    assert not can_close(closable(**changes)), why


def test_a_po_with_no_approved_invoice_cannot_close_even_with_nothing_billable():
    # every unit was rejected at inspection on a 4-way line: nothing is billable and
    # nothing was invoiced, but a PO is closed by its final invoice, never by none
    po = make_po({"quantity": "20", "unit_price": "10", "match_level": "4-way"})
    state = state_of(po, receipts=[receipt("GR-1", {1: "20"}, {1: "20"})])
    assert billable_quantity(state, 1) == 0
    assert not can_close(state)


# --- deadlines ----------------------------------------------------------------------------------


def test_receipt_is_due_at_the_end_of_the_latest_need_by_day_plus_grace():
    po = make_po(
        {"quantity": "1", "unit_price": "1", "need_by": "2026-12-01"},
        {"quantity": "1", "unit_price": "1", "need_by": "2026-12-07"},
        {"quantity": "1", "unit_price": "1"},
    )
    due = receipt_due_at(po, timedelta(days=3))
    assert due == datetime(2026, 12, 11, 0, 0, tzinfo=UTC)  # Dec 7 ends at Dec 8 00:00 UTC, + 3 days
    assert due.utcoffset() == timedelta(0)
    assert receipt_due_at(po, timedelta(0)) == datetime(2026, 12, 8, 0, 0, tzinfo=UTC)


def test_receipt_due_at_across_a_year_end():
    po = make_po({"quantity": "1", "unit_price": "1", "need_by": "2026-12-31"})
    assert receipt_due_at(po, timedelta(hours=36)) == datetime(2027, 1, 2, 12, 0, tzinfo=UTC)


def test_no_receipt_deadline_without_a_need_by():
    po = make_po({"quantity": "1", "unit_price": "1"}, {"quantity": "2", "unit_price": "1"})
    assert receipt_due_at(po, timedelta(days=3)) is None


SLA = timedelta(days=5)
LEAD = timedelta(days=2)
TWO_TEN = {"net_days": 30, "discount_days": 10, "discount_percent": "2"}


def test_a_hold_without_discount_escalates_after_the_sla():
    held = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    no_terms = invoice("INV-1", {1: "1"}, invoice_date="2026-12-01")
    net_only = invoice("INV-2", {1: "1"}, invoice_date="2026-12-01", terms={"net_days": 30})
    assert hold_escalation_at(no_terms, held, SLA, LEAD) == datetime(2026, 12, 13, 10, 0, tzinfo=UTC)
    assert hold_escalation_at(net_only, held, SLA, LEAD) == datetime(2026, 12, 13, 10, 0, tzinfo=UTC)


def test_a_distant_discount_date_leaves_the_sla_in_charge():
    # 2/30: the discount lapses at the end of Dec 31; minus 2 days = Dec 30 00:00, after the SLA
    inv = invoice(
        "INV-1",
        {1: "1"},
        invoice_date="2026-12-01",
        terms={"net_days": 60, "discount_days": 30, "discount_percent": "2"},
    )
    held = datetime(2026, 12, 2, 10, 0, tzinfo=UTC)
    assert hold_escalation_at(inv, held, SLA, LEAD) == datetime(2026, 12, 7, 10, 0, tzinfo=UTC)


def test_a_near_discount_date_escalates_lead_time_before_it_lapses():
    # 2/10 from Dec 1: the discount lapses at the end of Dec 11 (Dec 12 00:00 UTC);
    # minus 2 days = Dec 10 00:00, before the SLA (Dec 13 10:00)
    inv = invoice("INV-1", {1: "1"}, invoice_date="2026-12-01", terms=TWO_TEN)
    held = datetime(2026, 12, 8, 10, 0, tzinfo=UTC)
    assert hold_escalation_at(inv, held, SLA, LEAD) == datetime(2026, 12, 10, 0, 0, tzinfo=UTC)


def test_a_hold_inside_the_lead_window_escalates_at_once_but_never_before_it_was_held():
    inv = invoice("INV-1", {1: "1"}, invoice_date="2026-12-01", terms=TWO_TEN)
    held = datetime(2026, 12, 11, 9, 0, tzinfo=UTC)  # the discount is still there until Dec 12 00:00
    assert hold_escalation_at(inv, held, SLA, LEAD) == held


def test_a_discount_that_already_lapsed_does_not_hurry_the_escalation():
    inv = invoice("INV-1", {1: "1"}, invoice_date="2026-12-01", terms=TWO_TEN)  # lapsed Dec 12 00:00
    held = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
    assert hold_escalation_at(inv, held, SLA, LEAD) == datetime(2026, 12, 25, 9, 0, tzinfo=UTC)


@FAST
@given(
    st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)),
    st.one_of(st.none(), st.integers(0, 60)),
    st.integers(0, 90 * 24),
    st.integers(1, 30 * 24),
    st.integers(0, 10 * 24),
)
def test_hold_escalation_is_between_the_hold_and_the_sla(
    invoice_day, discount_days, held_hours, sla_hours, lead_hours
):
    terms = (
        None
        if discount_days is None
        else {"net_days": 90, "discount_days": discount_days, "discount_percent": "1.5"}
    )
    inv = invoice("INV-1", {1: "1"}, invoice_date=invoice_day.isoformat(), terms=terms)
    held = datetime.combine(invoice_day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=held_hours)
    sla, lead = timedelta(hours=sla_hours), timedelta(hours=lead_hours)
    at = hold_escalation_at(inv, held, sla, lead)
    assert held <= at <= held + sla
    if discount_days is None:
        assert at == held + sla
    else:
        day_after = invoice_day + timedelta(days=discount_days + 1)
        discount_lapses = datetime.combine(day_after, datetime.min.time(), tzinfo=UTC)
        if discount_lapses - lead >= held + sla:
            assert at == held + sla  # the SLA comes first anyway
        elif held <= discount_lapses - lead and held < discount_lapses:
            # in time to take the discount (one lapsing the very moment of the hold is lost already)
            assert at == discount_lapses - lead


def test_no_deadline_when_nothing_is_waiting():
    assert next_deadline(state_of(make_po())) is None


DEADLINE_FIELDS = ["ack_reminder_at", "ack_due_at", "receipt_due_at", "invoice", "task"]


def deadline_state(earliest: str) -> PurchaseOrderState:
    """Every kind of deadline at Dec 10 + n days, with `earliest` moved to Dec 2."""

    def at(name: str, day: int) -> datetime:
        return datetime(2026, 12, 2 if name == earliest else day, 12, 0, tzinfo=UTC)

    return state_of(
        make_po(),
        ack_reminder_at=at("ack_reminder_at", 10),
        ack_due_at=at("ack_due_at", 11),
        receipt_due_at=at("receipt_due_at", 12),
        invoices=[rec(invoice("INV-1", {1: "1"}), InvoiceStatus.HELD, escalate_at=at("invoice", 13))],
        tasks=[task("t1", at("task", 14))],
    )


@pytest.mark.parametrize("earliest", DEADLINE_FIELDS)
def test_next_deadline_is_the_earliest_of_all_deadlines(earliest):
    assert next_deadline(deadline_state(earliest)) == datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


def test_next_deadline_with_only_some_deadlines_set():
    state = state_of(
        make_po(),
        ack_due_at=datetime(2026, 12, 5, tzinfo=UTC),
        tasks=[task("t1", datetime(2026, 12, 4, tzinfo=UTC))],
    )
    assert next_deadline(state) == datetime(2026, 12, 4, tzinfo=UTC)


def test_next_deadline_ignores_invoices_not_on_hold():
    soon = datetime(2026, 12, 2, tzinfo=UTC)
    later = datetime(2026, 12, 20, tzinfo=UTC)
    state = state_of(
        make_po(),
        receipt_due_at=later,
        invoices=[
            rec(invoice("INV-1", {1: "1"}), InvoiceStatus.APPROVED, escalate_at=soon),
            rec(invoice("INV-2", {1: "1"}), InvoiceStatus.REJECTED, escalate_at=soon),
        ],
    )
    assert next_deadline(state) == later


def test_next_deadline_ignores_done_tasks_and_tasks_already_at_the_manager():
    soon = datetime(2026, 12, 2, tzinfo=UTC)
    later = datetime(2026, 12, 20, tzinfo=UTC)
    state = state_of(
        make_po(),
        receipt_due_at=later,
        tasks=[
            task("done", soon, status=TaskStatus.DONE),
            task("cancelled", soon, status=TaskStatus.CANCELLED),
            task("manager", soon, level=2),
        ],
    )
    assert next_deadline(state) == later
    state.tasks.append(task("deputy", datetime(2026, 12, 3, tzinfo=UTC), level=1))
    assert next_deadline(state) == datetime(2026, 12, 3, tzinfo=UTC)
    state.tasks = [t for t in state.tasks if t.task_id == "manager"]
    state.receipt_due_at = None
    assert next_deadline(state) is None


# --- when a missing acknowledgment holds an invoice (ACK_MISSING) -----------------------------


def _received_in_full(order: PurchaseOrder) -> GoodsReceipt:
    return GoodsReceipt.model_validate(
        {
            "receipt_id": "GR-1",
            "po_number": order.po_number,
            "received_at": T0,
            "lines": [
                {"line_no": line.line_no, "quantity_received": str(line.quantity)} for line in order.lines
            ],
        }
    )


def _accepted(order: PurchaseOrder) -> AckRecord:
    confirmed = Acknowledgment(
        ack_id="OA-1",
        po_number=order.po_number,
        vendor_id=order.vendor_id,
        status="accepted",
        acknowledged_at=T0,
    )
    return AckRecord(ack=confirmed, outcome=AckOutcome.ACCEPTED, received_at=T0)


ORDER = make_po()
ACK_CASES = [
    # (what, the state's differences from "issued at T0 under the standard policy", invoice after, overdue)
    ("no acknowledgment, invoice after the due time", {}, 5, True),
    ("no acknowledgment, invoice before the due time", {}, 3, False),  # standard: due 4 days after issue
    ("the policy asks for none", {"policy": Policy(acknowledgment_required=False)}, 5, False),
    ("the buyer proceeds without it", {"ack_waived": True}, 5, False),
    ("goods arrived: the strongest acknowledgment", {"receipts": [_received_in_full(ORDER)]}, 5, False),
    ("acknowledged", {"acknowledgments": [_accepted(ORDER)]}, 5, False),
    ("not issued yet", {"issued_at": None}, 5, False),
]


@pytest.mark.parametrize(
    ("what", "changes", "after_days", "overdue"), ACK_CASES, ids=[c[0] for c in ACK_CASES]
)
def test_an_acknowledgment_is_overdue_only_when_asked_for_and_missing(
    what: str, changes: dict[str, Any], after_days: int, overdue: bool
) -> None:
    state = PurchaseOrderState(po=ORDER, policy=Policy(), issued_at=T0).model_copy(update=changes)
    due = ack_overdue_since(state, T0 + timedelta(days=after_days))
    assert due == (T0 + timedelta(days=4) if overdue else None)


# --- the buyer's final close (#17 item 4) ---------------------------------------------------


def test_a_final_close_keeps_what_each_line_delivered() -> None:
    po = make_po(
        {"quantity": "100", "unit_price": "10.00"},  # 3-way: keeps what was received (kept)
        {"quantity": "50", "unit_price": "4.75", "match_level": "2-way"},  # keeps what was invoiced
        {"quantity": "8", "unit_price": "2.00"},  # nothing delivered: drops off
    )
    s = state_of(
        po,
        receipts=[receipt("GR-1", {1: "70"}, rejected={1: "10"})],
        invoices=[rec(invoice("INV-1", {1: "60", 2: "20"}), InvoiceStatus.APPROVED)],
        status=PoStatus.PARTIALLY_RECEIVED,
    )
    kept = {line.line_no: line.quantity for line in final_close_lines(s)}
    assert kept == {1: D(60), 2: D(20)}  # 70 received - 10 rejected; 20 invoiced
    assert final_close_refusal(s) is None


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (InvoiceStatus.HELD, "INV-1 on PO-1001 is on hold: answer it before the final close"),
        (InvoiceStatus.CREDIT_REQUESTED, "INV-1 waits for the supplier's credit memo"),
    ],
)
def test_a_final_close_is_refused_while_an_invoice_waits(status: InvoiceStatus, words: str) -> None:
    s = state_of(
        make_po(), receipts=[receipt("GR-1", {1: "10"})], invoices=[rec(invoice("INV-1", {1: "10"}), status)]
    )
    refusal = final_close_refusal(s)
    assert refusal is not None and words in refusal


def test_a_po_that_delivered_nothing_is_cancelled_not_closed() -> None:
    refusal = final_close_refusal(state_of(make_po(), status=PoStatus.ISSUED))
    assert refusal == "nothing was received or invoiced on PO-1001: cancel it instead"


# --- ship notices beyond the order (#17 item 5) ---------------------------------------------


def _notice(asn_id: str, lines: dict[int, str]) -> ShipNotice:
    return ShipNotice.model_validate(
        {
            "asn_id": asn_id,
            "po_number": "PO-1001",
            "vendor_id": "ACME",
            "shipped_at": T0,
            "lines": [{"line_no": n, "quantity_shipped": q} for n, q in lines.items()],
        }
    )


@pytest.mark.parametrize(
    ("earlier", "lines", "expected"),
    [
        ({}, {1: "100", 2: "50"}, []),  # exactly the order: nothing to say
        ({1: "40"}, {1: "60"}, []),  # split over two notices, still the order
        ({1: "40"}, {1: "61"}, ["line 1: 101 EA shipped (40 on earlier notices), 100 ordered"]),
        ({}, {3: "1"}, ["line 3 is not on PO-1001"]),
    ],
)
def test_a_notice_is_an_exception_only_beyond_the_order(
    earlier: dict[int, str], lines: dict[int, str], expected: list[str]
) -> None:
    state = state_of(make_po(), ship_notices=[_notice("SHIP-0", earlier)] if earlier else [])
    assert asn_exceptions(state, _notice("SHIP-1", lines)) == expected
