"""Chasing per promised delivery (issue #17 item 9), the pure rule
(p2p.deadlines.schedule_receipt_due_at). Expected values are written from
the rule, not from the code:

* a line's promised deliveries are its schedules, each on its own date; a
  line with none promises its whole quantity by its need-by; a line with
  neither promises nothing; 2-way (no receipt) and cancelled lines are not
  chased;
* a delivery is covered when the line's received quantity (kept: net of dock
  rejections and returns) plus what ship notices shipped and has not arrived
  yet reaches the line's deliveries up to and including it; goods awaiting
  inspection (4-way) arrived, units that failed it did not;
* the receipt deadline is the end of the earliest uncovered delivery's day +
  grace, skipping deliveries expedited before; a buyer's follow-up counts
  while something expedited is still missing; nothing left: no deadline.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from models import PurchaseOrder, PurchaseOrderState, ShipNotice
from models.expediting import ExpeditedDelivery
from models.inspections import InspectionResult
from models.policy import Policy
from p2p.deadlines import (
    covered_quantity,
    lapsed_deliveries,
    overdue_deliveries,
    promised_deliveries,
    schedule_receipt_due_at,
)
from tests.support.matching import T0, make_receipt

D = Decimal
GRACE = timedelta(days=3)
D1, D2 = date(2027, 3, 1), date(2027, 3, 15)  # line 1: 70 by D1, 50 by D2
D_LINE2 = date(2027, 3, 10)  # line 2: 10 by its need-by, no schedules


def due(day: date, grace: timedelta = GRACE) -> datetime:
    """The end of `day` (UTC) + grace."""
    return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1) + grace


def order(**line1: object) -> PurchaseOrder:
    return PurchaseOrder.model_validate(
        {
            "po_number": "PO-1001",
            "vendor_id": "ACME",
            "buyer": "bob.buyer",
            "currency": "USD",
            "lines": [
                {
                    "line_no": 1,
                    "item_id": "GLOVE",
                    "quantity": "120",
                    "unit_price": "1",
                    "need_by": D2.isoformat(),
                    "match_level": "3-way",
                    "schedules": [
                        {"quantity": "70", "date": D1.isoformat()},
                        {"quantity": "50", "date": D2.isoformat()},
                    ],
                    **line1,
                },
                {
                    "line_no": 2,
                    "item_id": "BEARING",
                    "quantity": "10",
                    "unit_price": "1",
                    "need_by": D_LINE2.isoformat(),
                    "match_level": "3-way",
                },
                # A service, billed without a receipt: never chased for one.
                {
                    "line_no": 3,
                    "item_id": "SVC",
                    "quantity": "1",
                    "unit_price": "9",
                    "need_by": "2027-02-01",
                    "match_level": "2-way",
                },
            ],
        }
    )


def notice(asn_id: str, lines: dict[int, str]) -> ShipNotice:
    return ShipNotice.model_validate(
        {
            "asn_id": asn_id,
            "po_number": "PO-1001",
            "vendor_id": "ACME",
            "shipped_at": T0,
            "lines": [{"line_no": n, "quantity_shipped": q} for n, q in lines.items()],
        }
    )


def state_of(po: PurchaseOrder | None = None, **fields: Any) -> PurchaseOrderState:
    return PurchaseOrderState(
        po=po or order(), issued_at=T0, policy=Policy(), expedite_per_schedule=True, **fields
    )


def expedited(*keys: tuple[int, date]) -> list[ExpeditedDelivery]:
    return [ExpeditedDelivery(line_no=n, promised=d, expedited_at=T0) for n, d in keys]


def missing(state: PurchaseOrderState) -> list[tuple[int, date, Decimal]]:
    return [(d.line_no, d.promised, d.missing) for d in promised_deliveries(state) if d.missing]


# --- what is promised ----------------------------------------------------------------------


def test_schedules_are_the_promised_deliveries_and_a_line_without_them_promises_by_its_need_by():
    deliveries = promised_deliveries(state_of())
    assert [(d.line_no, d.promised, d.quantity, d.due_to_date) for d in deliveries] == [
        (1, D1, D(70), D(70)),
        (2, D_LINE2, D(10), D(10)),
        (1, D2, D(50), D(120)),  # cumulative: the line's deliveries up to and including it
    ]  # line 3 is 2-way: nothing to receive, nothing to chase


def test_a_line_with_neither_schedules_nor_need_by_promises_nothing():
    state = state_of(order(schedules=[], need_by=None))
    assert [d.line_no for d in promised_deliveries(state)] == [2]


def test_schedules_on_the_same_date_are_one_delivery():
    split = [{"quantity": "30", "date": D1.isoformat()}, {"quantity": "40", "date": D1.isoformat()},
             {"quantity": "50", "date": D2.isoformat()}]  # fmt: skip
    deliveries = [d for d in promised_deliveries(state_of(order(schedules=split))) if d.line_no == 1]
    assert [(d.promised, d.quantity) for d in deliveries] == [(D1, D(70)), (D2, D(50))]


def test_a_line_closed_short_below_its_schedules_promises_no_more_than_its_quantity():
    po = order()
    short = po.model_copy(
        update={"lines": [po.lines[0].model_copy(update={"quantity": D(60)}), *po.lines[1:]]}
    )
    deliveries = [d for d in promised_deliveries(state_of(short)) if d.line_no == 1]
    assert [(d.promised, d.quantity, d.due_to_date) for d in deliveries] == [(D1, D(60), D(60))]


def test_a_cancelled_line_is_not_chased():
    state = state_of(cancelled_lines=[2])
    assert {d.line_no for d in promised_deliveries(state)} == {1}


# --- what covers it ------------------------------------------------------------------------


def test_nothing_arrived_everything_is_missing():
    assert missing(state_of()) == [(1, D1, D(70)), (2, D_LINE2, D(10)), (1, D2, D(50))]


def test_a_receipt_covers_the_first_schedule_then_the_next():
    assert missing(state_of(receipts=[make_receipt("GR-1", {1: D(70)})])) == [
        (2, D_LINE2, D(10)),
        (1, D2, D(50)),
    ]
    # 90 received: the first delivery is covered, 20 of the second came early
    assert missing(state_of(receipts=[make_receipt("GR-1", {1: D(90)})]))[-1] == (1, D2, D(30))


def test_a_short_receipt_leaves_the_rest_of_the_schedule_missing():
    assert missing(state_of(receipts=[make_receipt("GR-1", {1: D(60)})]))[0] == (1, D1, D(10))


def test_units_rejected_at_the_dock_do_not_cover_a_delivery():
    state = state_of(receipts=[make_receipt("GR-1", {1: (D(70), D(10))})])
    assert covered_quantity(state, 1) == D(60)
    assert missing(state)[0] == (1, D1, D(10))


def test_shipped_on_a_notice_and_not_yet_received_covers_a_delivery():
    assert missing(state_of(ship_notices=[notice("ASN-1", {1: "70"})]))[0] == (2, D_LINE2, D(10))


def test_goods_on_a_notice_count_once_when_they_arrive():
    state = state_of(ship_notices=[notice("ASN-1", {1: "70"})], receipts=[make_receipt("GR-1", {1: D(30)})])
    assert covered_quantity(state, 1) == D(70)  # 30 here, 40 still on their way
    state = state_of(ship_notices=[notice("ASN-1", {1: "70"})], receipts=[make_receipt("GR-1", {1: D(70)})])
    assert covered_quantity(state, 1) == D(70)  # the same 70, not 140
    assert missing(state)[-1] == (1, D2, D(50))


def test_a_notice_does_not_cover_what_the_dock_rejected():
    # 70 shipped, 70 arrived, 10 rejected: nothing is on its way any more, 60 kept
    state = state_of(
        ship_notices=[notice("ASN-1", {1: "70"})], receipts=[make_receipt("GR-1", {1: (D(70), D(10))})]
    )
    assert covered_quantity(state, 1) == D(60)


def test_goods_awaiting_inspection_arrived_and_failed_units_did_not():
    po = order(match_level="4-way")
    arrived = state_of(po, receipts=[make_receipt("GR-1", {1: D(70)})], inspection_rule=True)
    assert covered_quantity(arrived, 1) == D(70)  # at inspection: not to be expedited
    result = InspectionResult.model_validate(
        {
            "inspection_id": "QI-1",
            "po_number": "PO-1001",
            "receipt_id": "GR-1",
            "inspected_at": T0,
            "lines": [{"line_no": 1, "quantity_accepted": "65", "quantity_rejected": "5"}],
        }
    )
    inspected = arrived.model_copy(update={"inspections": [result]})
    assert covered_quantity(inspected, 1) == D(65)


# --- the deadline --------------------------------------------------------------------------


def test_the_deadline_is_the_earliest_uncovered_promised_date_plus_grace():
    assert schedule_receipt_due_at(state_of(), GRACE) == due(D1)
    assert schedule_receipt_due_at(state_of(receipts=[make_receipt("GR-1", {1: D(70)})]), GRACE) == due(
        D_LINE2
    )
    assert schedule_receipt_due_at(
        state_of(ship_notices=[notice("ASN-1", {1: "70", 2: "10"})]), GRACE
    ) == due(D2)


def test_everything_covered_or_nothing_promised_means_no_deadline():
    full = state_of(receipts=[make_receipt("GR-1", {1: D(120), 2: D(10)})])
    assert schedule_receipt_due_at(full, GRACE) is None
    assert (
        schedule_receipt_due_at(state_of(order(schedules=[], need_by=None), cancelled_lines=[2]), GRACE)
        is None
    )


def test_a_delivery_expedited_before_is_not_due_again():
    state = state_of(expedited=expedited((1, D1)))
    assert schedule_receipt_due_at(state, GRACE) == due(D_LINE2)
    state = state_of(expedited=expedited((1, D1), (2, D_LINE2), (1, D2)))
    assert schedule_receipt_due_at(state, GRACE) is None


def test_what_lapsed_is_every_uncovered_delivery_past_its_date_plus_grace_not_expedited_before():
    state = state_of()
    assert lapsed_deliveries(state, GRACE, due(D1) - timedelta(seconds=1)) == []
    assert [d.key for d in lapsed_deliveries(state, GRACE, due(D1))] == [(1, D1)]
    assert [d.key for d in lapsed_deliveries(state, GRACE, due(D2))] == [(1, D1), (2, D_LINE2), (1, D2)]
    state = state_of(expedited=expedited((1, D1)))
    assert [d.key for d in lapsed_deliveries(state, GRACE, due(D_LINE2))] == [(2, D_LINE2)]


def test_overdue_is_what_was_expedited_and_is_still_missing():
    state = state_of(expedited=expedited((1, D1)), receipts=[make_receipt("GR-1", {1: D(50)})])
    assert [(d.key, d.missing) for d in overdue_deliveries(state)] == [((1, D1), D(20))]
    state = state_of(expedited=expedited((1, D1)), ship_notices=[notice("ASN-1", {1: "70"})])
    assert overdue_deliveries(state) == []


def test_a_follow_up_counts_while_something_expedited_is_still_missing():
    follow_up = due(D1) + GRACE
    state = state_of(expedited=expedited((1, D1)), receipt_follow_up_at=follow_up)
    assert schedule_receipt_due_at(state, GRACE) == follow_up  # before line 2's date
    covered = state.model_copy(update={"receipts": [make_receipt("GR-1", {1: D(70)})]})
    assert schedule_receipt_due_at(covered, GRACE) == due(D_LINE2)


def test_the_delivery_says_what_is_missing_of_it():
    first = promised_deliveries(state_of(receipts=[make_receipt("GR-1", {1: D(30)})]))[0]
    assert first.sentence == "line 1: 40 of 70 EA due 2027-03-01 neither received nor shipped"
