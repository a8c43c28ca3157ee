"""A buyer's amendment (issue #17 item 3), expectations from the rules in
p2p/amendments.py's docstring: what is refused, the revision it makes, and
when the amended total must be approved again (it rises, and beyond the
policy's approval threshold)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from pydantic import ValidationError

from models import GoodsReceipt, Policy, PurchaseOrder, PurchaseOrderState
from models.amendments import AmendRequest
from models.workflow_state import PoStatus
from p2p.amendments import amended_po, amendment_refusal, needs_reapproval

D = Decimal


def state(status: PoStatus = PoStatus.ACKNOWLEDGED) -> PurchaseOrderState:
    po = PurchaseOrder.model_validate(
        {
            "po_number": "PO-5",
            "revision": 1,
            "vendor_id": "ACME",
            "buyer": "bob.buyer",
            "currency": "USD",
            "lines": [
                {
                    "line_no": 1,
                    "item_id": "GLOVE",
                    "quantity": "100",
                    "unit_price": "10",
                    "need_by": "2026-12-10",
                    "schedules": [
                        {"quantity": "60", "date": "2026-12-05"},
                        {"quantity": "40", "date": "2026-12-10"},
                    ],
                },
                {"line_no": 2, "item_id": "BEARING", "quantity": "50", "unit_price": "4"},
            ],
        }
    )
    return PurchaseOrderState(po=po, status=status)


def amend(**changes: object) -> AmendRequest:
    return AmendRequest.model_validate({"actor": "bob.buyer", "reason": "forecast up", **changes})


def received(s: PurchaseOrderState, line_no: int, quantity: str) -> PurchaseOrderState:
    s.receipts.append(
        GoodsReceipt.model_validate(
            {
                "receipt_id": "GR-1",
                "po_number": "PO-5",
                "received_at": "2026-12-04T10:00:00Z",
                "lines": [{"line_no": line_no, "quantity_received": quantity}],
            }
        )
    )
    return s


def test_the_revision_changes_what_was_asked_and_adds_lines_at_the_end():
    request = amend(
        lines=[
            {"line_no": 1, "quantity": "120", "need_by": "2026-12-20"},
            {"line_no": 2, "unit_price": "3.80"},
        ],
        add_lines=[{"line_no": 3, "item_id": "GLASSES", "quantity": "10", "unit_price": "6.40"}],
    )
    revised = amended_po(state().po, request)
    assert revised.revision == 2
    one, two, three = revised.lines
    assert (one.quantity, one.need_by, one.schedules) == (
        D(120),
        date(2026, 12, 20),
        [],
    )  # a new quantity ends the split
    assert (two.quantity, two.unit_price) == (D(50), D("3.80"))
    assert (three.line_no, three.item_id) == (3, "GLASSES")


def test_a_cancelled_line_leaves_the_revision():
    revised = amended_po(state().po, amend(lines=[{"line_no": 2, "cancel": True}]))
    assert [line.line_no for line in revised.lines] == [1]


@pytest.mark.parametrize(
    ("s", "request_", "words"),
    [
        (
            state(PoStatus.PENDING_APPROVAL),
            amend(lines=[{"line_no": 1, "quantity": "90"}]),
            "only an issued PO",
        ),
        (state(PoStatus.CLOSED), amend(lines=[{"line_no": 1, "quantity": "90"}]), "only an issued PO"),
        (state(), amend(lines=[{"line_no": 7, "quantity": "90"}]), "line 7 is not on PO-5"),
        (
            received(state(), 1, "80"),
            amend(lines=[{"line_no": 1, "quantity": "70"}]),
            "below the 80 received",
        ),
        (received(state(), 2, "1"), amend(lines=[{"line_no": 2, "cancel": True}]), "close it short"),
        (
            state(),
            amend(lines=[{"line_no": 1, "cancel": True}, {"line_no": 2, "cancel": True}]),
            "cancel the PO",
        ),
        (
            state(),
            amend(add_lines=[{"line_no": 2, "item_id": "X", "quantity": "1", "unit_price": "1"}]),
            "new numbers",
        ),
        (state(), amend(lines=[{"line_no": 2, "unit_price": "4"}]), "changes nothing"),
    ],
)
def test_what_an_amendment_may_not_do(s, request_, words):
    refusal = amendment_refusal(s, request_)
    assert refusal is not None and words in refusal


def test_one_amendment_at_a_time():
    s = state()
    s.pending_amendment = amend(lines=[{"line_no": 1, "quantity": "500"}])
    assert "waiting for approval" in (
        amendment_refusal(s, amend(lines=[{"line_no": 2, "quantity": "60"}])) or ""
    )


def test_an_amendment_says_what_it_changes():
    with pytest.raises(ValidationError, match="at least one line"):
        amend()
    with pytest.raises(ValidationError, match="say what changes"):
        amend(lines=[{"line_no": 1}])
    with pytest.raises(ValidationError, match="changes nothing else"):
        amend(lines=[{"line_no": 1, "cancel": True, "quantity": "5"}])


@pytest.mark.parametrize(
    ("quantity", "again"),
    [("120", False), ("1100", True), ("50", False)],  # total 1,400 / 11,200 / 400 against a 10,000 threshold
)
def test_only_a_total_rising_beyond_the_threshold_is_approved_again(quantity, again):
    before = state().po
    after = amended_po(before, amend(lines=[{"line_no": 1, "quantity": quantity}]))
    assert needs_reapproval(before, after, Policy(approval_threshold=D(10000))) is again


def test_a_total_already_beyond_the_threshold_that_falls_is_not_approved_again():
    before = amended_po(state().po, amend(lines=[{"line_no": 1, "quantity": "2000"}]))  # 20,200
    after = amended_po(before, amend(lines=[{"line_no": 1, "quantity": "1500"}]))
    assert not needs_reapproval(before, after, Policy(approval_threshold=D(10000)))
