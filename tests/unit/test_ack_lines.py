"""Acknowledgment lines (issue #17 item 1), expectations from the rules in
p2p/acknowledgment.py's docstring: X12 element 668 / EDIFACT 1229 line
statuses; limits per direction (SAP confirmation control PRTLH over / PRTLL
under) and days late, from the line's own tolerance profile; inside every
limit a revision, beyond one the buyer; a rejected line is a task of its own.

The PO: line 1, 100 gloves at 10.00 by 2026-12-10; line 2, 50 bearings at
4.00 by 2026-12-10. Limits (unless a test says): price +2% / -5%, quantity
+0% / -0%, 7 days late."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from pydantic import ValidationError

from models import Acknowledgment, AckOutcome, AckRecord, PurchaseOrder, PurchaseOrderState, ToleranceProfile
from models.purchase_order import DeliverySchedule
from p2p.acknowledgment import acknowledged_lines, compare_acknowledgment, confirmed_price
from p2p.revisions import line_changes

D = Decimal
NEED_BY = "2026-12-10"


def order() -> PurchaseOrder:
    return PurchaseOrder.model_validate(
        {
            "po_number": "PO-7",
            "vendor_id": "ACME",
            "buyer": "bob.buyer",
            "currency": "USD",
            "lines": [
                {
                    "line_no": 1,
                    "item_id": "GLOVE",
                    "quantity": "100",
                    "unit_price": "10.00",
                    "need_by": NEED_BY,
                },
                {
                    "line_no": 2,
                    "item_id": "BEARING",
                    "quantity": "50",
                    "unit_price": "4.00",
                    "need_by": NEED_BY,
                },
            ],
        }
    )


def ack(*lines: dict) -> Acknowledgment:
    return Acknowledgment.model_validate(
        {
            "ack_id": "OA-7",
            "po_number": "PO-7",
            "vendor_id": "ACME",
            "status": "accepted_with_changes",
            "acknowledged_at": "2026-12-01T09:00:00Z",
            "lines": list(lines),
        }
    )


def limits(**changes: object) -> ToleranceProfile:
    values: dict[str, object] = {
        "ack_price_over_pct": D(2),
        "ack_price_under_pct": D(5),
        "ack_qty_over_pct": D(0),
        "ack_qty_under_pct": D(0),
        "ack_days_late": 7,
    }
    return ToleranceProfile(**{**values, **changes})


def compare(*lines: dict, profile: ToleranceProfile | None = None, substitutes=frozenset()):
    return compare_acknowledgment(order(), ack(*lines), profile or limits(), substitutes=substitutes)


# --- price and quantity, each direction its own limit -------------------------------------


@pytest.mark.parametrize(
    ("price", "needs_the_buyer"),
    [
        ("10.20", False),  # +2.0 %: at the over limit
        ("10.21", True),  # +2.1 %
        ("9.50", False),  # -5.0 %: at the under limit
        ("9.49", True),  # -5.1 %
    ],
)
def test_a_price_change_is_judged_by_the_limit_of_its_direction(price, needs_the_buyer):
    result = compare({"line_no": 1, "status": "changed", "unit_price": price})
    assert len(result.changes) == 1
    assert (not result.within_tolerance) is needs_the_buyer
    assert result.revised_po is not None and result.revised_po.line(1).unit_price == D(price)
    if needs_the_buyer:
        sign = "+2%" if D(price) > 10 else "-5%"
        assert f"tolerance {sign} (default v1)" in result.outside_tolerance[0]


@pytest.mark.parametrize(
    ("quantity", "needs_the_buyer"),
    [("102", False), ("103", True), ("90", False), ("89", True)],  # +2 % / -10 %
)
def test_quantity_over_and_under_have_their_own_limits(quantity, needs_the_buyer):
    profile = limits(ack_qty_over_pct=D(2), ack_qty_under_pct=D(10))
    result = compare({"line_no": 1, "status": "changed", "quantity": quantity}, profile=profile)
    assert (not result.within_tolerance) is needs_the_buyer
    assert result.revised_po is not None and result.revised_po.line(1).quantity == D(quantity)


def test_an_unchecked_direction_accepts_any_change_that_way():
    profile = limits(ack_price_under_pct=None)
    assert compare({"line_no": 1, "unit_price": "1.00"}, profile=profile).within_tolerance
    assert not compare({"line_no": 1, "unit_price": "20.00"}, profile=profile).within_tolerance


def test_the_symmetric_limits_stored_before_directions_set_both():
    legacy = ToleranceProfile.model_validate({"ack_price_pct": "3", "ack_qty_pct": "1"})
    assert (legacy.ack_price_over_pct, legacy.ack_price_under_pct) == (D(3), D(3))
    assert (legacy.ack_qty_over_pct, legacy.ack_qty_under_pct) == (D(1), D(1))


def test_each_line_is_judged_by_its_own_profile():
    default = limits()
    bearings = limits(name="bearings", item_id="BEARING", ack_price_over_pct=D(10))
    result = compare_acknowledgment(
        order(),
        ack({"line_no": 1, "unit_price": "10.50"}, {"line_no": 2, "unit_price": "4.20"}),  # +5 % each
        [default, bearings],
    )
    assert len(result.outside_tolerance) == 1 and result.outside_tolerance[0].startswith("line 1:")
    assert result.profiles == ["default v1", "bearings v1"]


# --- dates: days late ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("promised", "needs_the_buyer"),
    [("2026-12-17", False), ("2026-12-18", True), ("2026-12-01", False)],  # 7 late, 8 late, early
)
def test_a_promised_date_is_checked_for_days_late(promised, needs_the_buyer):
    result = compare({"line_no": 1, "status": "changed", "promised_date": promised})
    assert (not result.within_tolerance) is needs_the_buyer
    assert result.revised_po is not None and result.revised_po.line(1).need_by == date.fromisoformat(promised)
    if needs_the_buyer:
        assert "7 days late, promised 8" in result.outside_tolerance[0]


def test_no_days_late_limit_leaves_dates_unchecked():
    result = compare({"line_no": 1, "promised_date": "2027-06-01"}, profile=limits(ack_days_late=None))
    assert result.within_tolerance and result.revised_po is not None


# --- split into schedules ------------------------------------------------------------------


def test_a_split_that_sums_to_the_line_becomes_schedules_due_by_the_last_date():
    schedules = [{"quantity": "60", "date": "2026-12-08"}, {"quantity": "40", "date": "2026-12-15"}]
    result = compare({"line_no": 1, "status": "changed", "schedules": schedules})
    assert result.within_tolerance
    line = result.revised_po.line(1)
    assert line.quantity == D(100)
    assert line.schedules == [
        DeliverySchedule(quantity=D(60), date=date(2026, 12, 8)),
        DeliverySchedule(quantity=D(40), date=date(2026, 12, 15)),
    ]
    assert line.need_by == date(2026, 12, 15)
    changed = {c.field: c.new for c in line_changes(order(), result.revised_po)}
    assert changed["schedules"] == "60 by 2026-12-08; 40 by 2026-12-15"


def test_a_split_with_a_late_schedule_needs_the_buyer():
    schedules = [{"quantity": "60", "date": "2026-12-08"}, {"quantity": "40", "date": "2027-01-20"}]
    result = compare({"line_no": 1, "status": "changed", "schedules": schedules})
    assert not result.within_tolerance and "days late" in result.outside_tolerance[0]


def test_schedules_summing_to_less_than_ordered_are_a_quantity_change_too():
    schedules = [{"quantity": "60", "date": "2026-12-08"}, {"quantity": "30", "date": "2026-12-09"}]
    result = compare({"line_no": 1, "status": "changed", "schedules": schedules})
    assert any("quantity 100 → 90" in text for text in result.outside_tolerance)  # -10 % beyond -0 %


def test_a_split_with_a_price_change_is_one_revision():
    schedules = [{"quantity": "50", "date": "2026-12-08"}, {"quantity": "50", "date": "2026-12-12"}]
    result = compare({"line_no": 1, "status": "changed", "unit_price": "10.15", "schedules": schedules})
    assert result.within_tolerance and len(result.changes) == 2
    line = result.revised_po.line(1)
    assert (line.unit_price, len(line.schedules)) == (D("10.15"), 2)


def test_schedules_must_add_up_to_the_quantity_they_split():
    with pytest.raises(ValidationError, match="schedules add up to 90, the line is 100"):
        ack({"line_no": 1, "quantity": "100", "schedules": [{"quantity": "90", "date": NEED_BY}]})


# --- backorder, substitution, rejection ----------------------------------------------------


def test_a_backorder_with_a_date_is_a_date_change():
    within = compare({"line_no": 1, "status": "backordered", "promised_date": "2026-12-14"})
    assert within.within_tolerance and within.revised_po.line(1).need_by == date(2026, 12, 14)
    assert "backordered, promised 2026-12-14" in within.changes[0]
    late = compare({"line_no": 1, "status": "backordered", "promised_date": "2027-02-01"})
    assert not late.within_tolerance


def test_a_backorder_with_no_date_needs_the_buyer():
    result = compare({"line_no": 1, "status": "backordered"})
    assert result.outside_tolerance == ["line 1: backordered with no date"]
    assert result.revised_po is None


def test_a_substitute_the_item_master_lists_is_accepted():
    line = {"line_no": 1, "status": "substituted", "substitute_item_id": "GLOVE-PF"}
    result = compare(line, substitutes={("GLOVE", "GLOVE-PF")})
    assert result.within_tolerance
    revised = result.revised_po.line(1)
    assert (revised.item_id, revised.substituted_for) == ("GLOVE-PF", "GLOVE")


def test_a_substitute_the_item_master_does_not_list_needs_the_buyer():
    line = {"line_no": 1, "status": "substituted", "substitute_item_id": "GLOVE-CHEAP"}
    result = compare(line, substitutes={("GLOVE", "GLOVE-PF")})
    assert result.outside_tolerance == [
        "line 1: item GLOVE → GLOVE-CHEAP (substitute), not listed in the item master"
    ]


def test_a_substitution_names_its_item():
    with pytest.raises(ValidationError, match="names the substitute_item_id"):
        ack({"line_no": 1, "status": "substituted"})


def test_a_rejected_line_is_a_task_of_its_own_and_the_rest_is_revised():
    result = compare({"line_no": 1, "status": "rejected"}, {"line_no": 2, "unit_price": "4.04"})
    assert result.rejected_lines == [1]
    assert result.within_tolerance  # the rejection is not a change to approve
    assert [line.line_no for line in result.revised_po.lines] == [1, 2]  # line 1 stays until decided
    assert result.revised_po.line(2).unit_price == D("4.04")


def test_an_acknowledgment_that_only_rejects_makes_no_revision():
    result = compare({"line_no": 2, "status": "rejected"})
    assert result.rejected_lines == [2] and result.revised_po is None and result.within_tolerance


# --- the prices the supplier confirmed (ACK_MISMATCH's reference) -----------------------------


def _state_with(*records: tuple[str, list[dict]]) -> PurchaseOrderState:
    """The PO with acknowledgments recorded, each (outcome, its lines)."""
    state = PurchaseOrderState(po=order())
    for n, (outcome, lines) in enumerate(records, start=1):
        acknowledged = ack(*lines).model_copy(update={"ack_id": f"OA-{n}"})
        state.acknowledgments.append(
            AckRecord(
                ack=acknowledged, outcome=AckOutcome(outcome), received_at=datetime(2026, 12, n, tzinfo=UTC)
            )
        )
    return state


def test_the_latest_price_a_standing_acknowledgment_stated_is_the_confirmed_one():
    state = _state_with(
        ("accepted_as_revision", [{"line_no": 1, "unit_price": "10.10"}]),
        (
            "accepted_as_revision",
            [{"line_no": 1, "unit_price": "10.15"}, {"line_no": 2, "status": "accepted"}],
        ),
    )
    said = acknowledged_lines(state)
    assert [(a.line_no, a.ack_id, a.status, a.unit_price) for a in said] == [
        (1, "OA-1", "accepted", D("10.10")),
        (1, "OA-2", "accepted", D("10.15")),
        (2, "OA-2", "accepted", None),
    ]
    latest = confirmed_price(said, 1)
    assert latest is not None and (latest.unit_price, latest.ack_id) == (D("10.15"), "OA-2")
    assert confirmed_price(said, 2) is None  # accepted, no price stated


@pytest.mark.parametrize("outcome", ["change_rejected", "change_review", "supplier_rejected"])
def test_a_price_the_buyer_turned_down_or_has_not_decided_is_not_confirmed(outcome):
    state = _state_with((outcome, [{"line_no": 1, "unit_price": "10.50"}]))
    assert acknowledged_lines(state) == []


def test_a_price_stated_on_a_rejected_line_is_not_confirmed():
    state = _state_with(("accepted", [{"line_no": 2, "status": "rejected", "unit_price": "4.10"}]))
    assert confirmed_price(acknowledged_lines(state), 2) is None
