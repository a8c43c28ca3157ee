"""Returns to the vendor (issue #17 item 6), the pure rules. Expected values
are written from the rules, not from the code:

* received is net of returns (p2p-semantics b.5): goods sent back after
  receipt no longer count as received, on top of the dock's rejections —
  which are recorded as returns too, but never subtracted twice;
* a return of more than was received and kept on a line (or on the receipt
  it names) is refused, as is a line not on the PO or a dock rejection sent
  as a return;
* where the line was billed to AP (approved invoices, net of approved credit
  memos) beyond what is now kept, the excess is an expected credit at the
  invoiced price; the supplier's credit memo or replacement goods settle it;
* while a credit is owed the PO neither closes nor final-closes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from models import (
    GoodsReceipt,
    HoldCode,
    Invoice,
    InvoiceRecord,
    InvoiceStatus,
    PurchaseOrder,
    PurchaseOrderState,
)
from models.matching import MatchRequest
from models.policy import Policy
from models.returns import ExpectedCredit, ReturnReason, ReturnToVendor
from p2p import returns
from p2p.closing import can_close, final_close_refusal
from p2p.invoicing import match_request
from p2p.matching import match_invoice
from p2p.receiving import fully_received, received_for_match, returned_by_line

D = Decimal
T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def make_po() -> PurchaseOrder:
    return PurchaseOrder.model_validate(
        {
            "po_number": "PO-1001",
            "vendor_id": "ACME",
            "buyer": "bob.buyer",
            "currency": "USD",
            "lines": [
                {"line_no": 1, "item_id": "GLOVE", "quantity": "100", "unit_price": "10.00"},
                {"line_no": 2, "item_id": "BEARING", "quantity": "50", "unit_price": "4.75"},
            ],
        }
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
            "received_by": "wally",
            "lines": [
                {
                    "line_no": n,
                    "quantity_received": q,
                    "quantity_rejected": rejected.get(n, "0"),
                    "reject_reason": "torn" if n in rejected else None,
                }
                for n, q in quantities.items()
            ],
        }
    )


def rtv(
    return_id: str, quantities: dict[int, str], receipt_id: str | None = None, **line: Any
) -> ReturnToVendor:
    return ReturnToVendor.model_validate(
        {
            "return_id": return_id,
            "po_number": "PO-1001",
            "returned_at": "2026-12-06T10:00:00Z",
            "reason": "defective batch",
            "lines": [
                {"line_no": n, "quantity": q, "receipt_id": receipt_id, "reason_code": "defective", **line}
                for n, q in quantities.items()
            ],
        }
    )


def invoice(
    number: str, quantities: dict[int, str], *, kind: str = "invoice", price: str = "10.00"
) -> Invoice:
    total = sum((D(q) * D(price) for q in quantities.values()), D(0))
    return Invoice.model_validate(
        {
            "invoice_number": number,
            "kind": kind,
            "vendor_id": "ACME",
            "po_number": "PO-1001",
            "invoice_date": "2026-12-05",
            "currency": "USD",
            "lines": [{"line_no": n, "quantity": q, "unit_price": price} for n, q in quantities.items()],
            "total": str(total),
        }
    )


def rec(inv: Invoice, status: InvoiceStatus = InvoiceStatus.APPROVED) -> InvoiceRecord:
    return InvoiceRecord(invoice=inv, status=status, received_at=T0)


def state_of(
    *receipts: GoodsReceipt, invoices: list[InvoiceRecord] = (), returned: list[ReturnToVendor] = ()
) -> PurchaseOrderState:
    return PurchaseOrderState(
        po=make_po(), receipts=list(receipts), invoices=list(invoices), returns=list(returned), issued_at=T0
    )


# --- the document ------------------------------------------------------------------------------


def test_a_return_is_keyed_by_po_and_return_number():
    assert rtv("RMA-7", {1: "5"}).document_id == "return:PO-1001:RMA-7"


@pytest.mark.parametrize(
    "lines",
    [
        [{"line_no": 1, "quantity": "0"}],  # nothing sent back is no return
        [{"line_no": 1, "quantity": "-3"}],
        [{"line_no": 1, "quantity": "1"}, {"line_no": 1, "quantity": "2"}],  # a line twice
        [],
    ],
)
def test_a_return_without_a_positive_quantity_per_line_is_refused_at_the_door(lines):
    with pytest.raises(ValidationError):
        ReturnToVendor.model_validate(
            {
                "return_id": "R",
                "po_number": "PO-1001",
                "returned_at": "2026-12-06T10:00:00Z",
                "reason": "x",
                "lines": lines,
            }
        )


def test_a_return_says_why():
    with pytest.raises(ValidationError):
        ReturnToVendor.model_validate(
            {
                "return_id": "R",
                "po_number": "PO-1001",
                "returned_at": "2026-12-06T10:00:00Z",
                "lines": [{"line_no": 1, "quantity": "1"}],
            }
        )


# --- received is net of returns ----------------------------------------------------------------


def test_received_is_net_of_returns_and_of_the_dock_once():
    s = state_of(receipt("GR-1", {1: "100"}, rejected={1: "10"}))
    assert received_for_match(s, 1) == 90
    s.returns.append(returns.dock_return(s.receipts[0]))  # the dock's record: not subtracted again
    assert received_for_match(s, 1) == 90
    s.returns.append(rtv("RMA-1", {1: "20"}))
    assert received_for_match(s, 1) == 70
    assert received_for_match(s, 2) == 0
    assert returned_by_line(s) == {1: D(20)}  # what the match is told: returns after receipt only


def test_a_return_takes_a_fully_received_po_back_to_partly_received():
    s = state_of(receipt("GR-1", {1: "100", 2: "50"}))
    assert fully_received(s)
    s.returns.append(rtv("RMA-1", {2: "1"}))
    assert not fully_received(s)


# --- refusals ----------------------------------------------------------------------------------


def test_a_return_of_what_was_kept_stands():
    s = state_of(receipt("GR-1", {1: "100"}, rejected={1: "10"}))
    assert returns.return_refusal(s, rtv("RMA-1", {1: "90"})) is None
    assert returns.return_refusal(s, rtv("RMA-1", {1: "90"}, receipt_id="GR-1")) is None


def test_more_than_was_received_and_kept_is_refused():
    s = state_of(receipt("GR-1", {1: "100"}, rejected={1: "10"}))
    assert (
        returns.return_refusal(s, rtv("RMA-1", {1: "95"})) == "line 1: 95 returned, only 90 received and kept"
    )
    assert returns.return_refusal(s, rtv("RMA-1", {2: "1"})) == "line 2: 1 returned, only 0 received and kept"


def test_earlier_returns_count_against_what_is_kept():
    s = state_of(receipt("GR-1", {1: "100"}), returned=[rtv("RMA-1", {1: "60"})])
    assert returns.return_refusal(s, rtv("RMA-2", {1: "40"})) is None
    assert (
        returns.return_refusal(s, rtv("RMA-2", {1: "41"})) == "line 1: 41 returned, only 40 received and kept"
    )


def test_a_return_from_a_named_receipt_is_bounded_by_that_receipt():
    s = state_of(receipt("GR-1", {1: "30"}), receipt("GR-2", {1: "70"}, rejected={1: "5"}))
    assert returns.return_refusal(s, rtv("RMA-1", {1: "65"}, receipt_id="GR-2")) is None
    assert (
        returns.return_refusal(s, rtv("RMA-1", {1: "66"}, receipt_id="GR-2"))
        == "line 1: 66 returned, only 65 kept from receipt GR-2"
    )
    assert returns.return_refusal(s, rtv("RMA-1", {1: "1"}, receipt_id="GR-9")) == (
        "line 1: receipt GR-9 is not on PO-1001"
    )
    assert returns.return_refusal(s, rtv("RMA-1", {2: "1"}, receipt_id="GR-1")) == (
        "line 2: 1 returned, only 0 received and kept"
    )


def test_a_line_not_on_the_po_and_a_dock_rejection_are_refused():
    s = state_of(receipt("GR-1", {1: "100"}))
    assert returns.return_refusal(s, rtv("RMA-1", {7: "1"})) == "line 7 is not on PO-1001"
    dock = rtv("RMA-1", {1: "1"}, reason_code=ReturnReason.REJECTED_AT_DOCK)
    assert "quantity_rejected" in (returns.return_refusal(s, dock) or "")


# --- the dock's rejections as a return -----------------------------------------------------------


def test_a_receipt_with_rejections_is_a_return_record_of_its_own():
    gr = receipt("GR-1", {1: "100", 2: "50"}, rejected={2: "3"})
    dock = returns.dock_return(gr)
    assert dock is not None and dock.return_id == "GR-1-DOCK"
    assert dock.document_id == returns.dock_return(gr).document_id  # the same every time: idempotent
    assert [(x.line_no, x.quantity, x.receipt_id, x.reason_code) for x in dock.lines] == [
        (2, D(3), "GR-1", ReturnReason.REJECTED_AT_DOCK)
    ]
    assert dock.reason.startswith("rejected at the dock") and "torn" in dock.reason
    assert returns.dock_return(receipt("GR-2", {1: "5"})) is None


# --- the credit a return makes owed --------------------------------------------------------------


def test_goods_billed_and_returned_make_a_credit_memo_expected_at_the_invoiced_price():
    s = state_of(receipt("GR-1", {1: "100"}), invoices=[rec(invoice("INV-1", {1: "100"}, price="9.80"))])
    back = rtv("RMA-1", {1: "20"})
    s.returns.append(back)
    [credit] = returns.expected_credits(s, back, T0)
    assert (credit.line_no, credit.quantity, credit.unit_price, credit.amount) == (
        1,
        D(20),
        D("9.80"),
        D("196.00"),
    )
    assert credit.invoice_number == "INV-1" and credit.open


@pytest.mark.parametrize(
    ("invoices", "expected"),
    [
        ([], []),  # returned before it was billed: the invoice will hold instead
        ([rec(invoice("INV-1", {1: "100"}), InvoiceStatus.HELD)], []),  # not with AP: its re-match holds it
        ([rec(invoice("INV-1", {1: "85"}))], [D(5)]),  # only what was billed beyond what is kept
        ([rec(invoice("INV-1", {1: "80"}))], []),
        ([rec(invoice("INV-1", {1: "100"})), rec(invoice("CM-1", {1: "10"}, kind="credit_memo"))], [D(10)]),
    ],
)
def test_only_what_ap_was_billed_beyond_what_is_kept_is_owed(invoices, expected):
    s = state_of(receipt("GR-1", {1: "100"}), invoices=invoices)
    back = rtv("RMA-1", {1: "20"})
    s.returns.append(back)
    assert [c.quantity for c in returns.expected_credits(s, back, T0)] == expected


def test_a_second_return_is_owed_only_beyond_what_the_first_already_expects():
    s = state_of(receipt("GR-1", {1: "100"}), invoices=[rec(invoice("INV-1", {1: "100"}))])
    first = rtv("RMA-1", {1: "20"})
    s.returns.append(first)
    s.expected_credits += returns.expected_credits(s, first, T0)
    second = rtv("RMA-2", {1: "5"})
    s.returns.append(second)
    assert [c.quantity for c in returns.expected_credits(s, second, T0)] == [D(5)]


def owed(s: PurchaseOrderState, quantity: str = "20") -> ExpectedCredit:
    credit = ExpectedCredit(
        return_id="RMA-1",
        line_no=1,
        quantity=D(quantity),
        unit_price=D("10.00"),
        invoice_number="INV-1",
        amount=D(quantity) * 10,
        currency="USD",
        expected_at=T0,
    )
    s.expected_credits.append(credit)
    return credit


def test_the_credit_memo_settles_what_was_owed_once():
    s = state_of(receipt("GR-1", {1: "100"}))
    credit = owed(s)
    assert returns.settle_by_credit_memo(s, "CM-1", {1: D(5)}, T0) == [credit]
    assert credit.open and credit.outstanding == 15  # in part
    assert returns.settle_by_credit_memo(s, "CM-1", {1: D(5)}, T0) == []  # the same memo again: nothing
    assert returns.settle_by_credit_memo(s, "CM-2", {2: D(15)}, T0) == []  # another line
    returns.settle_by_credit_memo(s, "CM-3", {1: D(15)}, T0)
    assert not credit.open and credit.settled_by == ["CM-1", "CM-3"] and not s.open_expected_credits


def test_replacement_goods_settle_what_was_owed():
    s = state_of(
        receipt("GR-1", {1: "100"}),
        invoices=[rec(invoice("INV-1", {1: "100"}))],
        returned=[rtv("RMA-1", {1: "20"})],
    )
    credit = owed(s)
    s.receipts.append(receipt("GR-2", {1: "10"}))
    assert returns.settle_by_receipt(s, "GR-2", T0) == []  # 90 kept, 100 billed: still owed
    s.receipts.append(receipt("GR-3", {1: "10"}))
    assert returns.settle_by_receipt(s, "GR-3", T0) == [credit]
    assert credit.settled_by == ["replacement receipt GR-3"]


def test_a_po_owed_a_credit_neither_closes_nor_final_closes():
    s = state_of(
        receipt("GR-1", {1: "100", 2: "50"}),
        invoices=[rec(invoice("INV-1", {1: "100", 2: "50"}))],
    )
    assert can_close(s) and final_close_refusal(s) is None
    credit = owed(s)
    assert not can_close(s)
    assert final_close_refusal(s) == (
        "return RMA-1 on PO-1001 waits for the supplier's credit memo, which a closed PO cannot take"
    )
    credit.settled_at = T0
    assert can_close(s)


# --- the match sees returns --------------------------------------------------------------------


def test_an_invoice_for_returned_goods_holds_qty_received():
    s = state_of(receipt("GR-1", {1: "100"}), returned=[rtv("RMA-1", {1: "20"})])
    request = MatchRequest(
        po=s.po,
        receipts=s.receipts,
        invoice=invoice("INV-1", {1: "100"}),
        returned_by_line=returned_by_line(s),
    )
    result = match_invoice(request)
    [hold] = result.open_holds
    assert (hold.code, hold.line_no, hold.expected, hold.actual) == (HoldCode.QTY_RECEIVED, 1, D(80), D(100))
    assert "(20 EA returned to the vendor)" in hold.message
    billed_what_was_kept = request.model_copy(update={"invoice": invoice("INV-1", {1: "80"})})
    assert match_invoice(billed_what_was_kept).open_holds == []


def test_the_match_request_carries_the_returns_but_not_the_dock_records():
    gr = receipt("GR-1", {1: "100"}, rejected={1: "4"})
    s = state_of(gr, returned=[returns.dock_return(gr), rtv("RMA-1", {1: "6"})])
    s.policy = Policy()
    record = rec(invoice("INV-1", {1: "90"}), InvoiceStatus.HELD)
    s.invoices.append(record)
    request = match_request(s, record, [])
    assert request.returned_by_line == {1: D(6)}
    assert match_invoice(request).open_holds == []  # 100 − 4 rejected − 6 returned = 90 billed
