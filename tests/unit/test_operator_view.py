"""What operators see of a PO in the Temporal UI (issue #18 item 3), without a
server: the current details (a checklist of the PO's life, when it wakes up
next and what it does then, its lines as a flat list), the search attributes
NextDeadline and HoldCodes, and the static summary, which names nothing a
revision changes."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from models import (
    AckOutcome,
    AckRecord,
    HumanTask,
    InvoiceRecord,
    InvoiceStatus,
    PoStatus,
    PurchaseOrderState,
    TaskKind,
    TimelineEntry,
)
from models.holds import Hold, HoldCode
from models.matching import MatchDecision, MatchResult
from models.purchase_order import Revision, RevisionReason
from models.records import IssuePurpose, IssueResult
from p2p.deadlines import deadlines_ahead, next_deadline
from starter.service.naming import po_details, po_summary
from tests.support.builders import ack, invoice, po, receipt
from workflows import search_attributes
from workflows.summary import checklist, current_details

D = Decimal
T0 = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
ORDER = po("PO-1001")  # 100 gloves at 11.90, 200 bearings at 4.75: 2,140.00 USD


def held(number: str, *codes: HoldCode, status: InvoiceStatus | None = None) -> InvoiceRecord:
    """An invoice for 10 gloves, held on `codes` (none: approved)."""
    status = status or (InvoiceStatus.HELD if codes else InvoiceStatus.APPROVED)
    holds = [Hold(code=c, message=f"{c.value.lower()} is off") for c in codes]
    return InvoiceRecord(
        invoice=invoice(ORDER, number, {1: ("10", "11.90")}),
        status=status,
        received_at=T0,
        match=MatchResult(
            invoice_id=number,
            po_number=ORDER.po_number,
            po_revision=1,
            decision=MatchDecision.HOLD if codes else MatchDecision.APPROVE,
            holds=holds,
        ),
    )


def issued_by(result: IssueResult) -> TimelineEntry:
    """The timeline entry po_steps.start writes when the PO goes out."""
    return TimelineEntry(at=T0, event="issued", detail=f"r0 sent by {result.describe()}")


X12 = IssueResult(
    po_number="PO-1001",
    revision=1,
    channel="edi",
    message_id="m-1",
    standard="x12",
    interchange_control="000000101",
    group_control="101",
    transaction_control="0001",
    format="x12-850",
)
EMAIL = IssueResult(
    po_number="PO-1001", revision=1, channel="email", message_id="<m-1@poflow>", attachment="PO-1001.pdf"
)


def under_way() -> PurchaseOrderState:
    """Issued by X12 850, acknowledged, 60 of 300 received, one invoice
    approved, one held for price, the acknowledgment reminder next."""
    return PurchaseOrderState(
        po=ORDER,
        status=PoStatus.PARTIALLY_RECEIVED,
        issued_at=T0,
        revisions=[Revision(revision=0, reason=RevisionReason.ORIGINAL, at=T0, total=ORDER.total)],
        acknowledgments=[AckRecord(ack=ack(ORDER), outcome=AckOutcome.ACCEPTED, received_at=T0)],
        receipts=[receipt(ORDER, "GR-1", {1: "60"})],
        invoices=[held("INV-1"), held("INV-2", HoldCode.PRICE)],
        timeline=[issued_by(X12)],
        receipt_due_at=datetime(2026, 12, 9, 14, 0, tzinfo=UTC),
    )


def test_the_checklist_tells_the_life_of_the_po_stage_by_stage():
    assert checklist(under_way()) == [
        "✓ approved",
        "✓ issued (X12 850)",
        "✓ acknowledged r0",
        "◐ received 60 of 300",
        "◐ invoices: 1 approved for payment, 1 held PRICE",
    ]


def test_before_approval_nothing_is_done_yet():
    s = PurchaseOrderState(po=ORDER, status=PoStatus.PENDING_APPROVAL)
    assert checklist(s) == [
        "◐ awaiting approval",
        "○ issued",
        "○ acknowledged",
        "○ received 0 of 300",
        "○ no invoice yet",
    ]


def test_an_e_mailed_po_says_so_and_a_closed_one_says_when():
    s = under_way()
    s.timeline = [issued_by(EMAIL)]
    s.status, s.closed_at = PoStatus.CLOSED, datetime(2026, 12, 20, 8, 0, tzinfo=UTC)
    s.receipts = [receipt(ORDER, "GR-1", {1: "100", 2: "200"})]
    s.invoices = [held("INV-1")]
    assert checklist(s)[1] == "✓ issued (email)"
    assert checklist(s)[3:] == [
        "✓ received 300 of 300",
        "✓ invoices: 1 approved for payment",
        "✓ closed 2026-12-20",
    ]


def test_a_change_order_not_yet_acknowledged_shows_both_revisions():
    s = under_way()
    s.po = s.po.model_copy(update={"revision": 1})
    s.revisions.append(
        Revision(
            revision=1, reason=RevisionReason.BUYER_AMENDMENT, at=T0 + timedelta(days=1), total=ORDER.total
        )
    )
    s.ack_due_at = T0 + timedelta(days=3)
    assert checklist(s)[2] == "✓ acknowledged r0 · ◐ r1 awaits acknowledgment"


def test_the_acknowledgment_a_supplier_never_sent():
    s = under_way()
    s.acknowledgments = []
    s.ack_due_at = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    assert checklist(s)[2] == "◐ acknowledgment due 2026-12-03 09:00 UTC"
    s.ack_due_at = None  # lapsed: the buyer is chasing
    assert checklist(s)[2] == "◐ acknowledgment overdue"
    s.acknowledgments = [
        AckRecord(ack=ack(ORDER, status="rejected"), outcome=AckOutcome.SUPPLIER_REJECTED, received_at=T0)
    ]
    assert checklist(s)[2] == "✗ rejected by the supplier"


def test_details_open_with_the_current_revision_and_total_then_the_next_deadline():
    s = under_way()
    s.ack_reminder_at = datetime(2026, 12, 9, 14, 0, tzinfo=UTC)  # the same minute as the receipt date
    text = current_details(s)
    first, blank, *rest = text.splitlines()
    assert first == ("**PO-1001** r0 · **partially_received** · 2,140.00 USD · vendor ACME · buyer bob.buyer")
    assert blank == "" and rest[:5] == [f"- {item}" for item in checklist(s)]
    # Ties go in the order the workflow handles them: the reminder first.
    assert "**Next** 2026-12-09 14:00 UTC: reminder 1 to ACME to acknowledge" in rest


def test_lines_are_a_flat_list_with_every_quantity_named():
    """Not a table: the UI's renderer runs table cells together."""
    text = current_details(under_way())
    assert "|" not in text and "/" not in text.replace("://", "")  # "60/100" renders as a fraction
    assert (
        "- **line 1** MRO-GLOVE-NITRILE-L · ordered 100 EA · received 60 · accepted 60 · invoiced 20"
        " · price 11.90 USD" in text
    )
    assert "- invoice INV-2: **held**; PRICE: price is off" in text
    assert not any(line.startswith((" ", "\t")) for line in text.splitlines())  # nothing nested


def test_free_text_cannot_turn_into_markdown():
    s = under_way()
    s.status, s.cancel_reason = PoStatus.CANCELLED, "supplier *closed* <b>down</b> | gone"
    assert checklist(s)[-1] == r"✗ cancelled: supplier \*closed\* \<b\>down\</b\> \| gone"


def test_each_deadline_says_what_happens_then():
    s = PurchaseOrderState(po=ORDER, status=PoStatus.ISSUED, issued_at=T0, ack_reminders_sent=1)
    s.ack_reminder_at, s.ack_due_at, s.receipt_due_at = T0 + timedelta(days=3), T0 + timedelta(days=5), T0
    hold = held("INV-9", HoldCode.QTY_RECEIVED)
    hold.escalate_at = T0 + timedelta(days=1)
    s.invoices = [hold, held("INV-8", status=InvoiceStatus.APPROVED)]
    s.tasks = [
        HumanTask(
            task_id="PO-1001-T1",
            po_number="PO-1001",
            kind=TaskKind.EXPEDITE_RECEIPT,
            title="Expedite PO-1001",
            options=["keep_waiting", "close_short"],
            assignee_role="buyer",
            created_at=T0,
            due_at=T0 + timedelta(days=2),
            escalation_level=1,
        )
    ]
    assert [(d.at - T0, d.then) for d in deadlines_ahead(s)] == [
        (timedelta(0), "goods not received by their date + grace: the buyer is asked to expedite"),
        (timedelta(days=1), "invoice INV-9 still on hold: a person is asked to resolve it"),
        (timedelta(days=2), "task PO-1001-T1 still open: it goes to the manager"),
        (timedelta(days=3), "reminder 2 to ACME to acknowledge"),
        (timedelta(days=5), "acknowledgment overdue: the buyer is asked to chase ACME"),
    ]
    assert next_deadline(s) == T0


def test_next_deadline_and_hold_codes_as_search_attributes():
    s = under_way()
    s.invoices.append(held("INV-3", HoldCode.QTY_RECEIVED, HoldCode.PRICE))
    s.invoices.append(held("INV-4", HoldCode.AMOUNT, status=InvoiceStatus.REJECTED))  # not held: not listed
    shown, updates = search_attributes.deadline_and_holds(s)
    assert shown == (datetime(2026, 12, 9, 14, 0, tzinfo=UTC), ("PRICE", "QTY_RECEIVED"))
    assert [(u.key.name, u.value) for u in updates] == [
        ("NextDeadline", datetime(2026, 12, 9, 14, 0, tzinfo=UTC)),
        ("HoldCodes", ["PRICE", "QTY_RECEIVED"]),
    ]
    s.status, s.invoices = PoStatus.CLOSED, []  # a final PO wakes up no more
    shown, updates = search_attributes.deadline_and_holds(s)
    assert shown == (None, ()) and [u.value for u in updates] == [None, None]  # unset


def test_the_static_summary_names_nothing_a_revision_changes():
    summary = po_summary(ORDER, "Acme Industrial Supply")
    assert summary == "PO-1001 · Acme Industrial Supply · buyer bob.buyer"
    assert "USD" not in summary and "r0" not in summary
    assert po_details(ORDER).startswith("**As ordered** r0, 2,140.00 USD")


def test_the_issue_line_reads_every_way_a_po_goes_out():
    edifact = IssueResult(
        po_number="PO-1001",
        revision=1,
        channel="edi",
        message_id="m",
        standard="edifact",
        interchange_control="1",
        transaction_control="1",
        format="edifact-ORDERS",
        purpose=IssuePurpose.ORDER,
    )
    for result, said in ((X12, "X12 850"), (edifact, "EDIFACT ORDERS"), (EMAIL, "email")):
        s = under_way()
        s.timeline = [issued_by(result)]
        assert checklist(s)[1] == f"✓ issued ({said})"
