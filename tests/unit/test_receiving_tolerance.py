"""Over-receipt tolerance at the goods receipt (issue #17 item 6), the pure
rule (p2p.receiving). Expected values are written from the reference
semantics (p2p-semantics "Over/under-delivery tolerance at GR"), not from
the code:

* SAP's over-delivery tolerance / Oracle's over-receipt tolerance / ERPNext's
  over_delivery_receipt_allowance: what was received on a line to date — all
  receipts, cumulative — may exceed the ordered quantity by the tolerance; a
  receipt that takes it beyond is an exception (Oracle's action: warning =
  flag, reject = refuse);
* the tolerance rule everywhere in poflow: at the limit passes, beyond it is
  over; no limit (None) is not checked; 0 allows nothing over;
* received means kept: units rejected at the dock (and goods returned to the
  vendor since) do not count as received;
* the limit is the line's own tolerance profile (item > vendor+category >
  vendor > category > default), named with its version in the sentence.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from models import GoodsReceipt, PurchaseOrder, PurchaseOrderState
from models.policy import Policy
from models.returns import ReturnToVendor
from models.tolerances import ToleranceProfile
from p2p.receiving import over_receipt_refusal, over_receipts, returnable_excess

D = Decimal

NORDIC = ToleranceProfile(name="nordic-fasteners", vendor_id="NORDIC", receipt_over_pct=D("2"))
STANDARD = ToleranceProfile(name="standard", receipt_over_pct=D("0"))


def make_po(vendor: str = "NORDIC", **line1: Any) -> PurchaseOrder:
    return PurchaseOrder.model_validate(
        {
            "po_number": "PO-7",
            "vendor_id": vendor,
            "buyer": "bob.buyer",
            "currency": "EUR",
            "lines": [
                {"line_no": 1, "item_id": "BOLT-M8", "quantity": "1000", "unit_price": "0.10", **line1},
                {"line_no": 2, "item_id": "NUT-M8", "quantity": "50", "uom": "BOX", "unit_price": "3.00"},
            ],
        }
    )


def state_of(
    *profiles: ToleranceProfile, vendor: str = "NORDIC", action: str = "flag", **line1: Any
) -> PurchaseOrderState:
    policy = Policy(
        over_receipt_action=action,  # type: ignore[arg-type]
        tolerance_profiles=list(profiles or (STANDARD, NORDIC)),
    )
    return PurchaseOrderState(po=make_po(vendor, **line1), policy=policy)


def gr(receipt_id: str, quantities: dict[int, str], rejected: dict[int, str] | None = None) -> GoodsReceipt:
    rejected = rejected or {}
    return GoodsReceipt.model_validate(
        {
            "receipt_id": receipt_id,
            "po_number": "PO-7",
            "received_at": "2026-12-07T10:00:00Z",
            "lines": [
                {"line_no": n, "quantity_received": q, "quantity_rejected": rejected.get(n, "0")}
                for n, q in quantities.items()
            ],
        }
    )


def over_lines(state: PurchaseOrderState, receipt: GoodsReceipt) -> dict[int, Decimal]:
    """Line → units of this receipt beyond the ordered quantity, for the lines flagged."""
    return {o.line_no: o.excess for o in over_receipts(state, receipt)}


# --- the limit --------------------------------------------------------------------------


def test_exactly_at_the_limit_passes_and_one_unit_beyond_is_flagged():
    s = state_of()  # NORDIC: +2 % of 1000 = 20 pieces
    assert over_receipts(s, gr("GR-1", {1: "1020"})) == []
    assert over_lines(s, gr("GR-1", {1: "1021"})) == {1: D(21)}


def test_the_sentence_names_ordered_received_to_date_the_limit_and_the_profile():
    [found] = over_receipts(state_of(), gr("GR-1", {1: "1021"}))
    assert found.ordered == 1000 and found.received_to_date == 1021 and found.profile == "nordic-fasteners v1"
    assert found.sentence == (
        "line 1: 1021 EA received to date, 1000 EA ordered: 21 EA over, "
        "beyond the over-receipt tolerance +2% (nordic-fasteners v1)"
    )


def test_zero_allows_nothing_over_and_none_checks_nothing():
    zero = state_of(vendor="ACME")  # standard: 0 %
    assert over_receipts(zero, gr("GR-1", {1: "1000"})) == []
    assert over_lines(zero, gr("GR-1", {1: "1001"})) == {1: D(1)}
    unchecked = state_of(ToleranceProfile(name="loose"), vendor="ACME")  # the model's default: None
    assert over_receipts(unchecked, gr("GR-1", {1: "5000"})) == []


def test_no_policy_yet_is_the_built_in_default_which_does_not_check():
    s = PurchaseOrderState(po=make_po())
    assert over_receipts(s, gr("GR-1", {1: "5000"})) == []


def test_an_absolute_limit_is_in_the_line_unit():
    boxes = ToleranceProfile(name="boxes", receipt_over_abs=D("3"))
    s = state_of(boxes, vendor="ACME")
    assert over_receipts(s, gr("GR-1", {2: "53"})) == []
    [found] = over_receipts(s, gr("GR-1", {2: "54"}))
    assert found.sentence.endswith("4 BOX over, beyond the over-receipt tolerance +3 BOX (boxes v1)")


@pytest.mark.parametrize(
    ("operator", "received", "flagged"),
    [
        ("any", "1031", True),  # beyond +2 % (20), within +50: any limit is enough to flag
        ("all", "1031", False),  # within one of them: not flagged
        ("all", "1051", True),  # beyond both
    ],
)
def test_percentage_and_absolute_combine_by_the_profile_operator(operator, received, flagged):
    both = ToleranceProfile(
        name="both", receipt_over_pct=D("2"), receipt_over_abs=D("50"), limit_operator=operator
    )
    s = state_of(both, vendor="ACME")
    assert bool(over_receipts(s, gr("GR-1", {1: received}))) is flagged


# --- cumulative, and what counts as received -------------------------------------------


def test_receipts_count_cumulatively():
    s = state_of()
    s.receipts.append(gr("GR-1", {1: "600"}))
    assert over_receipts(s, gr("GR-2", {1: "420"})) == []  # 1020: at the limit
    [found] = over_receipts(s, gr("GR-2", {1: "421"}))
    assert found.received_to_date == 1021 and found.excess == 21
    assert "1021 EA received to date (600 before GR-2), 1000 EA ordered" in found.sentence


def test_a_receipt_already_in_the_state_is_counted_once():
    s = state_of()
    first = gr("GR-1", {1: "1020"})
    s.receipts.append(first)
    assert over_receipts(s, first) == []  # the workflow checks after recording it


def test_units_rejected_at_the_dock_do_not_count():
    s = state_of()
    assert over_receipts(s, gr("GR-1", {1: "1100"}, rejected={1: "80"})) == []  # 1020 kept
    s.receipts.append(gr("GR-1", {1: "1100"}, rejected={1: "90"}))  # 1010 kept
    assert over_receipts(s, gr("GR-2", {1: "10"})) == []  # 1020
    assert over_lines(s, gr("GR-2", {1: "11"})) == {1: D(11)}  # 1021: this receipt's 11 are beyond 1000


def test_a_receipt_whose_units_were_all_rejected_takes_nothing_beyond():
    s = state_of()
    s.receipts.append(gr("GR-1", {1: "1100"}))
    assert over_receipts(s, gr("GR-2", {1: "5"}, rejected={1: "5"})) == []


def test_goods_returned_to_the_vendor_no_longer_count():
    s = state_of()
    s.receipts.append(gr("GR-1", {1: "1000"}))
    s.returns.append(
        ReturnToVendor.model_validate(
            {
                "return_id": "RMA-1",
                "po_number": "PO-7",
                "returned_at": "2026-12-07T11:00:00Z",
                "reason": "rusty",
                "lines": [{"line_no": 1, "quantity": "100", "reason_code": "damaged"}],
            }
        )
    )
    assert over_receipts(s, gr("GR-2", {1: "120"})) == []  # the replacements: 1020 kept


def test_a_later_receipt_on_a_line_already_beyond_is_flagged_for_its_own_units():
    s = state_of()
    s.receipts.append(gr("GR-1", {1: "1050"}))
    assert over_lines(s, gr("GR-2", {1: "5"})) == {1: D(5)}


def test_a_cancelled_line_counts_as_ordered_zero():
    s = state_of()
    s.cancelled_lines.append(2)
    [found] = over_receipts(s, gr("GR-1", {2: "1"}))
    assert "0 BOX ordered (the line is cancelled)" in found.sentence


def test_a_line_not_on_the_po_is_not_judged_here():
    assert over_receipts(state_of(), gr("GR-1", {9: "5"})) == []


# --- per line profile -------------------------------------------------------------------


def test_each_line_has_its_own_profile():
    bolts = ToleranceProfile(name="bolts", item_id="BOLT-M8", receipt_over_pct=D("10"))
    s = state_of(STANDARD, NORDIC, bolts)
    found = over_receipts(s, gr("GR-1", {1: "1100", 2: "52"}))  # bolts +10 % ok; nuts +4 % > +2 %
    assert [(o.line_no, o.profile) for o in found] == [(2, "nordic-fasteners v1")]
    found = over_receipts(s, gr("GR-1", {1: "1101"}))
    assert [(o.line_no, o.profile) for o in found] == [(1, "bolts v1")]


def test_a_category_profile_applies_to_its_lines():
    fasteners = ToleranceProfile(name="fasteners", category="Fasteners", receipt_over_pct=D("5"))
    s = state_of(STANDARD, fasteners, vendor="ACME", category="fasteners")
    assert over_receipts(s, gr("GR-1", {1: "1050"})) == []
    assert [o.profile for o in over_receipts(s, gr("GR-1", {1: "1051", 2: "51"}))] == [
        "fasteners v1",
        "standard v1",
    ]


# --- the door's refusal and the excess that goes back -------------------------------------


def test_only_a_refusing_policy_refuses_and_it_says_why():
    over = gr("GR-1", {1: "1021"})
    assert over_receipt_refusal(state_of(action="flag"), over) is None
    assert over_receipt_refusal(state_of(action="refuse"), gr("GR-1", {1: "1020"})) is None
    refusal = over_receipt_refusal(state_of(action="refuse"), over)
    assert refusal is not None
    assert refusal.startswith(
        "receipt GR-1 refused: line 1: 1021 EA received to date, 1000 EA ordered: 21 EA over, "
        "beyond the over-receipt tolerance +2% (nordic-fasteners v1). Policy standard v1 refuses"
    )


def test_the_excess_is_what_is_still_kept_beyond_the_order_from_that_receipt():
    s = state_of()
    s.receipts += [gr("GR-1", {1: "600"}), gr("GR-2", {1: "430", 2: "50"})]
    assert returnable_excess(s, "GR-2") == {1: D(30)}  # beyond the order, not beyond the tolerance
    assert returnable_excess(s, "GR-1") == {1: D(30)}  # GR-1 holds them too (600 of them)
    s.po = make_po(quantity="1030")  # the buyer amended the PO up to them
    assert returnable_excess(s, "GR-2") == {}
    assert returnable_excess(s, "GR-9") == {}


def test_the_excess_of_a_receipt_is_capped_by_what_it_still_holds():
    s = state_of()
    s.receipts += [gr("GR-1", {1: "1040"}), gr("GR-2", {1: "10"})]
    assert returnable_excess(s, "GR-2") == {1: D(10)}  # 50 beyond, GR-2 brought only 10


def test_the_seed_profiles_state_the_over_receipt_limits():
    import json
    from pathlib import Path

    seed = json.loads((Path(__file__).parents[2] / "seed" / "tolerances.json").read_text())
    limits = {p["name"]: (p.get("receipt_over_pct"), p.get("receipt_over_abs")) for p in seed["profiles"]}
    assert limits["standard"] == ("0", None)  # every over-receipt flagged
    assert limits["nordic-fasteners"] == ("2", None)  # they count by weight
