"""Inspection after receipt (issue #17 item 6), the pure rules. Expected
values are written from the rules, not from the code:

* an inspection result is a document of its own, keyed by PO and inspection
  number; its quantities are non-negative, each line once, and a line that
  neither accepts nor rejects anything is no inspection;
* under the inspection rule a 4-way line's receipt is pending inspection: what
  counts as accepted is what inspections accepted (a receipt not inspected yet
  is received, not accepted; what the receipt itself rejected stays rejected);
  3-way lines are as before (received − rejected at the receipt);
* runs before the rule keep accepted = received − rejected at the receipt;
* the PO is received (and can close) only once its 4-way lines passed;
* an inspection of a receipt not on the PO, of a line the receipt did not
  bring, or of more than the receipt kept (less what was inspected before)
  is refused;
* the match (Oracle 4-way, QUALITY/INSPECTION hold) compares billed with what
  passed: billing what arrived but was not inspected yet holds INSPECTION;
* units that fail inspection go back to the supplier: a return record of
  their own (the receipt, the line, the quantity, "rejected at inspection
  <id>"), counted once — accepted leaves them out already, so neither
  received nor accepted drops again; a credit memo is expected only where
  they were billed to AP (as for any return); replacements settle it once
  they passed inspection; a return of goods still pending inspection, or one
  sent with the inspection's reason code, is refused and says why.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from pydantic import ValidationError

from models import HoldCode, InvoiceRecord, InvoiceStatus, PurchaseOrderState
from models.inspections import InspectionResult
from models.policy import Policy
from models.purchase_order import MatchLevel
from models.returns import ReturnReason, ReturnToVendor
from p2p import returns
from p2p.closing import can_close
from p2p.invoicing import match_request
from p2p.matching import match_invoice
from p2p.receiving import (
    fully_received,
    inspection_refusal,
    over_receipts,
    pending_inspection,
    received_for_match,
    returnable_excess,
    returned_by_line,
)
from tests.support.matching import T0, make_invoice, make_po, make_receipt

D = Decimal
# Line 1: 10 EA @ 5.00, 4-way (inspected); line 2: 10 EA @ 1.00, 3-way.
LINES = {1: (D(10), D("5.00"), MatchLevel.FOUR_WAY, "EA"), 2: (D(10), D("1.00"), MatchLevel.THREE_WAY, "EA")}


def inspection(inspection_id: str, receipt_id: str, lines: dict[int, tuple[str, str]]) -> InspectionResult:
    """`{line_no: (accepted, rejected)}`."""
    return InspectionResult.model_validate(
        {
            "inspection_id": inspection_id,
            "po_number": "PO-1001",
            "receipt_id": receipt_id,
            "inspected_at": "2026-12-05T10:00:00Z",
            "inspected_by": "quinn.qa",
            "lines": [
                {"line_no": n, "quantity_accepted": a, "quantity_rejected": r, "reject_reason": "scratched"}
                for n, (a, r) in lines.items()
            ],
        }
    )


def state_of(*receipts, inspections=(), rule: bool = True) -> PurchaseOrderState:
    return PurchaseOrderState(
        po=make_po(LINES),
        receipts=list(receipts),
        inspections=list(inspections),
        inspection_rule=rule,
        issued_at=T0,
        policy=Policy(),
    )


# --- the document ------------------------------------------------------------------------------


def test_an_inspection_is_keyed_by_po_and_inspection_number():
    assert inspection("QI-7", "GR-1", {1: ("10", "0")}).document_id == "inspection:PO-1001:QI-7"


@pytest.mark.parametrize(
    "lines",
    [
        [{"line_no": 1, "quantity_accepted": "-1"}],
        [{"line_no": 1, "quantity_accepted": "1", "quantity_rejected": "-1"}],
        [{"line_no": 1, "quantity_accepted": "0", "quantity_rejected": "0"}],  # nothing inspected
        [{"line_no": 1, "quantity_accepted": "1"}, {"line_no": 1, "quantity_accepted": "2"}],  # a line twice
        [],
    ],
)
def test_an_inspection_with_bad_lines_is_refused_at_the_door(lines):
    with pytest.raises(ValidationError):
        InspectionResult.model_validate(
            {
                "inspection_id": "QI-1",
                "po_number": "PO-1001",
                "receipt_id": "GR-1",
                "inspected_at": "2026-12-05T10:00:00Z",
                "lines": lines,
            }
        )


# --- accepted is what passed -------------------------------------------------------------------


def test_a_four_way_receipt_not_inspected_is_received_not_accepted():
    s = state_of(make_receipt("GR-1", {1: D(10), 2: D(10)}))
    assert s.received_quantity(1) == 10
    assert s.accepted_quantity(1) == 0
    assert pending_inspection(s, 1) == 10
    assert s.accepted_quantity(2) == 10  # 3-way: accepted at the receipt, as before
    assert not fully_received(s)


def test_accepted_is_what_inspections_accepted_and_the_dock_rejection_stays_rejected():
    s = state_of(
        make_receipt("GR-1", {1: (D(10), D(1))}),  # 1 rejected at the dock: 9 to inspect
        inspections=[inspection("QI-1", "GR-1", {1: ("5", "2")})],
    )
    assert s.accepted_quantity(1) == 5
    assert pending_inspection(s, 1) == 2  # 9 kept − 7 inspected
    assert received_for_match(s, 1) == 5


def test_before_the_rule_accepted_is_received_less_rejected_at_the_receipt():
    s = state_of(make_receipt("GR-1", {1: (D(10), D(2)), 2: D(10)}), rule=False)
    assert s.accepted_quantity(1) == 8
    assert received_for_match(s, 1) == 8


def test_the_po_is_received_and_closes_only_once_its_four_way_lines_passed():
    receipt = make_receipt("GR-1", {1: D(10), 2: D(10)})
    s = state_of(receipt)
    assert not fully_received(s) and not can_close(s)
    s.inspections.append(inspection("QI-1", "GR-1", {1: ("8", "2")}))
    assert not fully_received(s)  # 2 failed: to be replaced
    s.receipts.append(make_receipt("GR-2", {1: D(2)}))  # the replacement
    assert not fully_received(s)  # arrived, not inspected yet
    s.inspections.append(inspection("QI-2", "GR-2", {1: ("2", "0")}))
    assert fully_received(s)


def test_a_replacement_for_units_that_failed_inspection_is_no_over_receipt():
    s = state_of(make_receipt("GR-1", {1: D(10)}), inspections=[inspection("QI-1", "GR-1", {1: ("8", "2")})])
    s.policy = Policy.model_validate({"tolerance_profiles": [{"receipt_over_pct": "0"}]})
    replacement = make_receipt("GR-2", {1: D(2)})
    assert over_receipts(s, replacement) == []  # 8 kept + 2 = 10 ordered
    assert [o.excess for o in over_receipts(s, make_receipt("GR-2", {1: D(3)}))] == [1]
    s.receipts.append(make_receipt("GR-2", {1: D(3)}))
    assert returnable_excess(s, "GR-2") == {1: 1}
    assert returnable_excess(s, "GR-1") == {1: 1}  # 8 still held of GR-1, 11 kept, 10 ordered


# --- refusals ----------------------------------------------------------------------------------


def test_an_inspection_of_what_the_receipt_kept_stands():
    s = state_of(make_receipt("GR-1", {1: (D(10), D(1))}))
    assert inspection_refusal(s, inspection("QI-1", "GR-1", {1: ("7", "2")})) is None


def test_an_inspection_of_a_receipt_not_on_the_po_is_refused():
    s = state_of(make_receipt("GR-1", {1: D(10)}))
    assert (
        inspection_refusal(s, inspection("QI-1", "GR-9", {1: ("1", "0")})) == "receipt GR-9 is not on PO-1001"
    )


def test_an_inspection_of_more_than_the_receipt_kept_is_refused():
    s = state_of(
        make_receipt("GR-1", {1: (D(10), D(1))}), inspections=[inspection("QI-1", "GR-1", {1: ("6", "0")})]
    )
    refusal = inspection_refusal(s, inspection("QI-2", "GR-1", {1: ("3", "1")}))
    assert refusal is not None and "line 1: 4 inspected" in refusal and "3 left to inspect" in refusal
    assert inspection_refusal(s, inspection("QI-2", "GR-1", {1: ("3", "0")})) is None


def test_an_inspection_of_a_line_the_receipt_did_not_bring_is_refused():
    s = state_of(make_receipt("GR-1", {1: D(10)}))
    refusal = inspection_refusal(s, inspection("QI-1", "GR-1", {2: ("1", "0")}))
    assert refusal == "line 2 is not on receipt GR-1"


# --- the match ---------------------------------------------------------------------------------


def held_for(s: PurchaseOrderState, quantity: str) -> list:
    record = InvoiceRecord(
        invoice=make_invoice("INV-1", {1: (D(quantity), D("5.00"))}),
        status=InvoiceStatus.HELD,
        received_at=T0,
    )
    s.invoices.append(record)
    return match_invoice(match_request(s, record, [])).open_holds


def test_an_invoice_for_goods_not_inspected_yet_waits_for_the_inspection():
    s = state_of(make_receipt("GR-1", {1: D(10)}))
    [hold] = held_for(s, "10")
    assert hold.code == HoldCode.INSPECTION and hold.expected == 0 and hold.actual == 10
    assert "10 EA pending inspection" in hold.message


def test_an_invoice_for_what_passed_inspection_matches():
    s = state_of(make_receipt("GR-1", {1: D(10)}), inspections=[inspection("QI-1", "GR-1", {1: ("10", "0")})])
    assert held_for(s, "10") == []


def test_an_invoice_for_ten_when_inspection_rejected_two_is_held_for_the_two():
    s = state_of(make_receipt("GR-1", {1: D(10)}), inspections=[inspection("QI-1", "GR-1", {1: ("8", "2")})])
    [hold] = held_for(s, "10")
    assert hold.code == HoldCode.INSPECTION and hold.expected == 8 and hold.actual == 10
    assert "2 EA rejected" in hold.message


def test_before_the_rule_the_match_takes_the_receipts_rejection():
    s = state_of(make_receipt("GR-1", {1: (D(10), D(2))}), rule=False)
    [hold] = held_for(s, "10")
    assert hold.code == HoldCode.INSPECTION and hold.expected == 8
    assert match_request(s, s.invoices[0], []).inspections is None


# --- what failed goes back -----------------------------------------------------------------------


def rejected_at_inspection() -> PurchaseOrderState:
    """10 received on the 4-way line, 8 passed, 2 failed and recorded as going back."""
    failed = inspection("QI-1", "GR-1", {1: ("8", "2")})
    s = state_of(make_receipt("GR-1", {1: D(10)}), inspections=[failed])
    record = returns.inspection_return(failed)
    assert record is not None
    s.returns.append(record)
    return s


def sent_back(return_id: str, quantity: str, receipt_id: str | None = None, code: str = "defective"):
    return ReturnToVendor.model_validate(
        {
            "return_id": return_id,
            "po_number": "PO-1001",
            "returned_at": "2026-12-06T10:00:00Z",
            "reason": "cracked",
            "lines": [{"line_no": 1, "quantity": quantity, "receipt_id": receipt_id, "reason_code": code}],
        }
    )


def test_what_failed_inspection_is_a_return_of_the_receipts_line():
    record = returns.inspection_return(inspection("QI-1", "GR-1", {1: ("8", "2"), 2: ("5", "0")}))
    assert record is not None and record.return_id == "QI-1-INSP"
    assert record.reason == "rejected at inspection QI-1 (line 1: scratched)"
    assert [(x.line_no, x.quantity, x.receipt_id, x.reason_code) for x in record.lines] == [
        (1, 2, "GR-1", ReturnReason.REJECTED_AT_INSPECTION)
    ]
    assert record.returned_by == "quinn.qa" and record.returned_at.isoformat() == "2026-12-05T10:00:00+00:00"
    assert returns.inspection_return(inspection("QI-2", "GR-1", {1: ("10", "0")})) is None


def test_the_return_of_what_failed_is_counted_once():
    s = rejected_at_inspection()
    assert (s.received_quantity(1), s.accepted_quantity(1)) == (10, 8)
    assert received_for_match(s, 1) == 8  # not 6
    assert s.returned_quantity(1) == 0 and returned_by_line(s) == {}
    assert held_for(s, "8") == []  # billing what passed matches, no quantity hold
    s.invoices.clear()
    [hold] = held_for(s, "10")
    assert (hold.code, hold.expected, hold.actual) == (HoldCode.INSPECTION, 8, 10)


def test_what_failed_after_it_was_billed_to_ap_expects_a_credit_memo():
    s = state_of(make_receipt("GR-1", {1: D(10)}))
    s.invoices.append(
        InvoiceRecord(
            invoice=make_invoice("INV-1", {1: (D(10), D("5.00"))}),
            status=InvoiceStatus.APPROVED,
            received_at=T0,
        )
    )
    failed = inspection("QI-1", "GR-1", {1: ("8", "2")})
    s.inspections.append(failed)
    record = returns.inspection_return(failed)
    assert record is not None
    s.returns.append(record)
    [credit] = returns.expected_credits(s, record, T0)
    assert (credit.return_id, credit.line_no, credit.quantity, credit.amount) == (
        "QI-1-INSP",
        1,
        2,
        D("10.00"),
    )
    assert credit.invoice_number == "INV-1"
    s.expected_credits.append(credit)
    s.receipts.append(make_receipt("GR-2", {1: D(2)}))  # the replacement: kept once it passed
    assert returns.settle_by_receipt(s, "GR-2", T0) == []
    s.inspections.append(inspection("QI-2", "GR-2", {1: ("2", "0")}))
    [settled] = returns.settle_by_receipt(s, "GR-2", T0, inspection_id="QI-2")
    assert settled.settled_by == ["replacement receipt GR-2 (passed inspection QI-2)"] and not settled.open


def test_what_failed_before_it_was_billed_expects_no_credit():
    s = rejected_at_inspection()
    assert returns.expected_credits(s, s.returns[0], T0) == []


def test_a_return_sent_with_the_inspections_reason_code_is_refused():
    s = rejected_at_inspection()
    refusal = returns.return_refusal(s, sent_back("RMA-1", "2", code="rejected_at_inspection"))
    assert refusal == "line 1: a rejection at inspection is the inspection result's quantity_rejected"


def test_a_return_of_goods_still_pending_inspection_is_refused_and_says_so():
    s = state_of(make_receipt("GR-1", {1: D(10)}))
    assert returns.return_refusal(s, sent_back("RMA-1", "3")) == (
        "line 1: 3 returned, only 0 received and kept (passed inspection): 10 EA still pending inspection "
        "cannot be returned before the inspection result, which returns what it rejects to ACME itself"
    )
    s.inspections.append(inspection("QI-1", "GR-1", {1: ("5", "0")}))
    assert returns.return_refusal(s, sent_back("RMA-1", "5")) is None  # what passed can go back
    assert "5 EA still pending inspection" in (returns.return_refusal(s, sent_back("RMA-1", "6")) or "")


def test_units_that_failed_inspection_are_not_returned_again_from_their_receipt():
    s = rejected_at_inspection()
    s.receipts.append(make_receipt("GR-2", {1: D(5)}))
    s.inspections.append(inspection("QI-2", "GR-2", {1: ("5", "0")}))
    assert returns.return_refusal(s, sent_back("RMA-1", "9", receipt_id="GR-1")) == (
        "line 1: 9 returned, only 8 kept from receipt GR-1"
    )
    assert returns.return_refusal(s, sent_back("RMA-1", "8", receipt_id="GR-1")) is None
    assert returnable_excess(s, "GR-1") == {1: 3}  # 13 kept of 10 ordered, 8 of them still held of GR-1
