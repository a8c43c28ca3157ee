"""A line the supplier rejects (issue #17 item 1): the buyer re-sources it
from another vendor or cancels it; refused once the line was received or
invoiced, and a re-source must name a vendor other than the one that
rejected it (p2p.rejected_lines)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from models import GoodsReceipt, HumanTask, PurchaseOrder, PurchaseOrderState, TaskDecision, TaskKind
from models.workflow_state import ReSourcedLine
from p2p import rejected_lines
from workflows.contract import Decision

D = Decimal


def state() -> PurchaseOrderState:
    po = PurchaseOrder.model_validate(
        {
            "po_number": "PO-9",
            "vendor_id": "ACME",
            "buyer": "bob.buyer",
            "requested_by": "rita.requester",
            "currency": "USD",
            "order_date": "2026-11-02",
            "lines": [
                {"line_no": 1, "item_id": "GLOVE", "quantity": "100", "unit_price": "10"},
                {
                    "line_no": 2,
                    "item_id": "BEARING",
                    "quantity": "50",
                    "unit_price": "4",
                    "need_by": "2026-12-10",
                },
            ],
        }
    )
    return PurchaseOrderState(po=po)


def task(line_no: int = 2) -> HumanTask:
    return HumanTask(
        task_id="PO-9-T1",
        po_number="PO-9",
        kind=TaskKind.RESOLVE_REJECTED_LINE,
        title="ACME rejected line 2 of PO-9",
        options=[Decision.RE_SOURCE, Decision.CANCEL_LINE],
        assignee_role="buyer",
        context={rejected_lines.LINE_KEY: str(line_no)},
        created_at=datetime(2026, 12, 1, tzinfo=UTC),
        due_at=datetime(2026, 12, 3, tzinfo=UTC),
    )


def decision(choice: str, **extra: object) -> TaskDecision:
    return TaskDecision(task_id="PO-9-T1", decision=choice, actor="bob.buyer", **extra)


def test_a_re_source_names_another_vendor():
    with pytest.raises(ValueError, match="names the vendor"):
        rejected_lines.check_decision(state(), task(), decision(Decision.RE_SOURCE))
    with pytest.raises(ValueError, match="re-source it from another vendor"):
        rejected_lines.check_decision(state(), task(), decision(Decision.RE_SOURCE, vendor_id="ACME"))
    rejected_lines.check_decision(state(), task(), decision(Decision.RE_SOURCE, vendor_id="SLOWPOKE"))


def test_a_cancel_takes_no_vendor():
    with pytest.raises(ValueError, match="for re_source only"):
        rejected_lines.check_decision(state(), task(), decision(Decision.CANCEL_LINE, vendor_id="SLOWPOKE"))


def test_a_line_received_after_all_is_closed_short_instead():
    s = state()
    s.receipts.append(
        GoodsReceipt.model_validate(
            {
                "receipt_id": "GR-1",
                "po_number": "PO-9",
                "received_at": "2026-12-02T10:00:00Z",
                "lines": [{"line_no": 2, "quantity_received": "5"}],
            }
        )
    )
    with pytest.raises(ValueError, match="close it short"):
        rejected_lines.check_decision(s, task(), decision(Decision.CANCEL_LINE, comment="x"))


def test_a_line_no_longer_on_the_po_cannot_be_decided():
    with pytest.raises(ValueError, match="no longer on PO-9"):
        rejected_lines.check_decision(state(), task(line_no=7), decision(Decision.CANCEL_LINE, comment="x"))


def test_the_new_po_orders_the_line_from_the_named_vendor_today():
    new = rejected_lines.replacement_po(
        state(), 2, decision(Decision.RE_SOURCE, vendor_id="SLOWPOKE"), date(2026, 12, 7)
    )
    assert (new.po_number, new.vendor_id, new.buyer, new.currency) == (
        "PO-9-L2",
        "SLOWPOKE",
        "bob.buyer",
        "USD",
    )
    assert new.order_date == date(2026, 12, 7) and new.requested_by == "rita.requester"
    [line] = new.lines
    assert (line.item_id, line.quantity, line.unit_price, line.need_by) == (
        "BEARING",
        D(50),
        D(4),
        date(2026, 12, 10),
    )
    priced = rejected_lines.replacement_po(
        state(), 2, decision(Decision.RE_SOURCE, vendor_id="SLOWPOKE", unit_price=D("4.4")), date(2026, 12, 7)
    )
    assert priced.lines[0].unit_price == D("4.4")


def test_a_line_re_sourced_twice_gets_a_second_number():
    s = state()
    s.re_sourced.append(
        ReSourcedLine(
            line_no=2, po_number="PO-9-L2", vendor_id="SLOWPOKE", quantity=D(50), decided_by="bob.buyer"
        )
    )
    assert rejected_lines.replacement_number(s, 2) == "PO-9-L2-2"
