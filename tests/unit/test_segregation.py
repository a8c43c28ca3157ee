"""Every segregation-of-duties rule of p2p.decisions, table-driven, from issue
#16 item 3: nobody approves their own requisition; the buyer does not approve
their own PO unless the policy lets them; the receiver of the goods does not
release the invoice for them; whoever changed the vendor's bank details does
not release its invoices to payment. Identity is compared after normalising:
case, width, invisible characters and an `@domain` do not make another person."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from models import HumanTask, InvoiceRecord, InvoiceStatus, Policy, PurchaseOrderState, TaskKind
from p2p.decisions import check_segregation_of_duties
from tests.support.builders import full_receipt, invoice, po

NOW = datetime(2026, 12, 7, tzinfo=UTC)
ORDER = po("1001", requested_by="rita.requester").model_copy(update={"buyer": "bob.buyer"})
BILL = invoice(ORDER, "INV-1", {1: ("100", "12.90")})


def state(*, buyer_may_approve: bool = False, bank_changed_by: str | None = None) -> PurchaseOrderState:
    record = InvoiceRecord(
        invoice=BILL, status=InvoiceStatus.HELD, received_at=NOW, bank_changed_by=bank_changed_by
    )
    return PurchaseOrderState(
        po=ORDER,
        policy=Policy(buyer_may_approve_own_po=buyer_may_approve),
        receipts=[full_receipt(ORDER).model_copy(update={"received_by": "wally.warehouse"})],
        invoices=[record],
    )


def task(kind: TaskKind) -> HumanTask:
    return HumanTask(
        task_id="T-1",
        po_number="1001",
        kind=kind,
        title="t",
        options=["x"],
        assignee_role="r",
        subject_id=BILL.document_id if kind == TaskKind.RESOLVE_INVOICE_HOLD else None,
        created_at=NOW,
        due_at=NOW,
    )


APPROVE, HOLD = TaskKind.APPROVE_PO, TaskKind.RESOLVE_INVOICE_HOLD
REFUSED = [
    # (what, the state, the task, the actor, the rule's words)
    ("own requisition", state(), APPROVE, "rita.requester", "requested 1001 and cannot approve it"),
    ("own requisition, case", state(), APPROVE, "Rita.Requester", "requested 1001"),
    ("own requisition, zero-width", state(), APPROVE, "rita.req\u200buester", "requested 1001"),
    ("own requisition, @domain", state(), APPROVE, "rita.requester@corp", "requested 1001"),
    ("own requisition, full width", state(), APPROVE, "ｒｉｔａ.requester", "requested 1001"),
    ("own PO as buyer", state(), APPROVE, "bob.buyer", "is the buyer of 1001 and the policy standard v1"),
    ("receiver releasing", state(), HOLD, "wally.warehouse", "received the goods and cannot release"),
    ("receiver, @domain", state(), HOLD, "WALLY.WAREHOUSE@corp", "received the goods"),
    (
        "bank details changer releasing",
        state(bank_changed_by="vera.vendormaster"),
        HOLD,
        "vera.vendormaster",
        "changed ACME's bank details and cannot release its invoices to payment",
    ),
]
ALLOWED = [
    ("another approver", state(), APPROVE, "alice.approver"),
    ("the buyer, where the policy lets them", state(buyer_may_approve=True), APPROVE, "bob.buyer"),
    ("the receiver approving the PO (not its invoice)", state(), APPROVE, "wally.warehouse"),
    ("another clerk releasing", state(bank_changed_by="vera.vendormaster"), HOLD, "carl.clerk"),
    (
        "the bank changer approving a PO (not a payment)",
        state(bank_changed_by="vera.vendormaster"),
        APPROVE,
        "vera.vendormaster",
    ),
]


@pytest.mark.parametrize(("what", "s", "kind", "actor", "words"), REFUSED, ids=[r[0] for r in REFUSED])
def test_a_decider_in_breach_is_refused_with_the_rule(
    what: str, s: PurchaseOrderState, kind: TaskKind, actor: str, words: str
) -> None:
    with pytest.raises(ValueError, match=words):
        check_segregation_of_duties(s, task(kind), actor)


@pytest.mark.parametrize(("what", "s", "kind", "actor"), ALLOWED, ids=[a[0] for a in ALLOWED])
def test_everyone_else_may_decide(what: str, s: PurchaseOrderState, kind: TaskKind, actor: str) -> None:
    check_segregation_of_duties(s, task(kind), actor)
