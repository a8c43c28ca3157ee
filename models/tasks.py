"""Human tasks: the only places where poflow asks a person."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator

from models.common import Document, Identifier, UnitPrice, UtcDatetime
from models.matching import canonical_hold_ref
from workflows.contract import Decision


class TaskKind(StrEnum):
    APPROVE_PO = "approve_po"
    APPROVE_SUPPLIER_CHANGE = "approve_supplier_change"
    SUPPLIER_REJECTED = "supplier_rejected"
    CHASE_SUPPLIER = "chase_supplier"
    EXPEDITE_RECEIPT = "expedite_receipt"
    RESOLVE_INVOICE_HOLD = "resolve_invoice_hold"
    REVIEW_DOCUMENT = "review_document"  # owned by a DocumentIntakeWorkflow, not a PO
    REVIEW_SHIP_NOTICE = "review_ship_notice"  # a ship notice beyond the order, before the goods arrive
    REVIEW_EDI_REJECTION = "review_edi_rejection"  # the supplier's 997 / CONTRL rejected the PO we sent
    RESOLVE_REJECTED_LINE = "resolve_rejected_line"  # the supplier will not deliver one line
    APPROVE_AMENDMENT = "approve_amendment"  # a buyer's amendment that raises the total beyond the threshold
    REVIEW_OVER_RECEIPT = "review_over_receipt"  # goods received beyond the order and its tolerance


# The decisions each kind of task offers, first one = the "happy" answer.
TASK_OPTIONS: dict[TaskKind, tuple[Decision, ...]] = {
    TaskKind.APPROVE_PO: (Decision.APPROVE, Decision.REJECT),
    TaskKind.APPROVE_SUPPLIER_CHANGE: (Decision.ACCEPT_CHANGE, Decision.REJECT_CHANGE),
    TaskKind.SUPPLIER_REJECTED: (Decision.CANCEL_PO, Decision.KEEP_OPEN),
    TaskKind.CHASE_SUPPLIER: (Decision.KEEP_WAITING, Decision.PROCEED_WITHOUT_ACK, Decision.CANCEL_PO),
    TaskKind.EXPEDITE_RECEIPT: (Decision.KEEP_WAITING, Decision.CLOSE_SHORT),
    TaskKind.RESOLVE_INVOICE_HOLD: (
        Decision.ACCEPT_VARIANCE,
        Decision.REQUEST_CREDIT_MEMO,
        Decision.REJECT_INVOICE,
        Decision.WAIT,
    ),
    TaskKind.REVIEW_DOCUMENT: (Decision.SEND_ON, Decision.DISCARD),
    # accept: the receipt settles it (over-receipt is checked there); ask: the supplier is told now.
    TaskKind.REVIEW_SHIP_NOTICE: (Decision.ACCEPT_SHIPMENT, Decision.ASK_SUPPLIER),
    # resend: the same revision again through the vendor's channel (new control numbers);
    # send_by_email: the PO as a PDF by e-mail instead.
    TaskKind.REVIEW_EDI_REJECTION: (Decision.RESEND, Decision.SEND_BY_EMAIL),
    # re-source: the line's open quantity on a new PO to another vendor; cancel: off this PO.
    TaskKind.RESOLVE_REJECTED_LINE: (Decision.RE_SOURCE, Decision.CANCEL_LINE),
    TaskKind.APPROVE_AMENDMENT: (Decision.APPROVE, Decision.REJECT),
    # accept: the goods are kept (the buyer may amend the PO to pay for them); return: the
    # excess goes back to the supplier (a return to vendor of the units beyond the order).
    TaskKind.REVIEW_OVER_RECEIPT: (Decision.ACCEPT_OVER_RECEIPT, Decision.RETURN_EXCESS),
}

# Who a task goes to, and where it escalates when its SLA lapses.
TASK_ROLES: dict[TaskKind, str] = {
    TaskKind.APPROVE_PO: "budget_owner",
    TaskKind.APPROVE_SUPPLIER_CHANGE: "buyer",
    TaskKind.SUPPLIER_REJECTED: "buyer",
    TaskKind.CHASE_SUPPLIER: "buyer",
    TaskKind.EXPEDITE_RECEIPT: "buyer",
    TaskKind.RESOLVE_INVOICE_HOLD: "ap_clerk",
    TaskKind.REVIEW_DOCUMENT: "ap_clerk",
    TaskKind.REVIEW_SHIP_NOTICE: "buyer",
    TaskKind.REVIEW_EDI_REJECTION: "buyer",
    TaskKind.RESOLVE_REJECTED_LINE: "buyer",
    TaskKind.APPROVE_AMENDMENT: "budget_owner",
    TaskKind.REVIEW_OVER_RECEIPT: "buyer",
}
ESCALATION_CHAIN: tuple[str, ...] = ("assignee", "deputy", "manager")

# Decisions that answer only the holds they name (a RESOLVE_INVOICE_HOLD
# task); the others answer the whole invoice.
DECISIONS_NAMING_HOLDS = frozenset({Decision.ACCEPT_VARIANCE})

# Decisions that must say why (an auditor will ask).
DECISIONS_NEEDING_COMMENT = frozenset(
    {
        Decision.ACCEPT_VARIANCE,
        Decision.REJECT_INVOICE,
        Decision.REJECT,
        Decision.REJECT_CHANGE,
        Decision.CLOSE_SHORT,
        Decision.DISCARD,
        Decision.CANCEL_LINE,
        Decision.ACCEPT_OVER_RECEIPT,
    }
)


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskHold(Document):
    """One hold as a RESOLVE_INVOICE_HOLD task lists it, so that a person can
    answer it on its own (holds with the same ref are listed once)."""

    ref: str = Field(description="How a decision names it (models.matching.hold_ref): PRICE:1, AMOUNT")
    message: str = Field(description="What is wrong, in one or more sentences")
    waits_for: str | None = Field(
        default=None,
        description="Set when it clears itself when a document arrives: why no person releases it",
    )


class HumanTask(Document):
    task_id: str
    po_number: str = Field(description="The PO it is about; '' when a document names no PO poflow knows")
    workflow_id: str | None = Field(default=None, description="Workflow that owns it; None = po-{po_number}")
    kind: TaskKind
    title: str
    options: list[str]
    assignee_role: str
    assignee: str | None = None
    subject_id: str | None = Field(default=None, description="Document the task is about (invoice, ack)")
    context: dict[str, str] = Field(default_factory=dict, description="Evidence shown to the approver")
    holds: list[TaskHold] = Field(
        default_factory=list,
        description="RESOLVE_INVOICE_HOLD: the invoice's open holds, which a decision may name",
    )
    approval_level: int | None = Field(
        default=None, ge=1, description="APPROVE_PO on the approval matrix's route: the level (1 = first)"
    )
    eligible: list[str] = Field(
        default_factory=list, description="Who may decide it (any one of them); empty: anyone with the role"
    )
    assignees: list[str] = Field(
        default_factory=list,
        description="The named people it is with now (role holders or their delegates, then the deputies, "
        "then the managers); any of them may decide it; empty: anyone with the role",
    )
    created_at: UtcDatetime
    due_at: UtcDatetime
    escalation_level: int = Field(default=0, ge=0, description="0 assignee, 1 deputy, 2 manager")
    status: TaskStatus = TaskStatus.OPEN
    decision: str | None = None
    decided_by: str | None = None
    decided_at: UtcDatetime | None = None
    comment: str | None = None

    @property
    def escalated_to(self) -> str:
        return ESCALATION_CHAIN[min(self.escalation_level, len(ESCALATION_CHAIN) - 1)]


class TaskPeopleRequest(Document):
    """Who a task is with at one rung of its SLA ladder (activity `people_for_task`)."""

    role: str
    named: list[str] = Field(default_factory=list, description="Its own people, when it names any")
    level: int = Field(default=0, ge=0, description="0 its own people, 1 their deputies, 2 their managers")
    at: UtcDatetime


class TaskPeople(Document):
    people: list[str] = Field(default_factory=list, description="Empty: nobody named; the role decides")
    why: str = ""


class Decider(Document):
    """Who decides a task, as the door authenticated them: the principal id and
    its roles (the owning workflow's validator checks the task's role)."""

    actor: str = Field(
        min_length=1, max_length=128, description="The decider's principal id, as authenticated"
    )
    actor_roles: list[Annotated[str, Field(max_length=64)]] = Field(
        default_factory=list,
        max_length=20,
        description="The decider's roles; the task's role must be among them",
    )
    actor_limits: dict[str, Decimal] = Field(
        default_factory=dict, description="The decider's approval limit per currency (approving a PO)"
    )


class TaskDecision(Decider):
    """The payload of the `decide` update."""

    task_id: str = Field(min_length=1, max_length=255)
    decision: str = Field(min_length=1, max_length=64)
    comment: str | None = Field(default=None, max_length=2000)
    holds: list[Annotated[str, Field(min_length=1, max_length=64)]] = Field(
        default_factory=list,
        max_length=100,
        description="accept_variance on a RESOLVE_INVOICE_HOLD task: the holds it releases, by ref (PRICE:1, "
        "AMOUNT); none named: every open hold a person may release",
    )
    vendor_id: Identifier | None = Field(
        default=None, description="re_source on a RESOLVE_REJECTED_LINE task: the vendor to buy the line from"
    )
    unit_price: UnitPrice | None = Field(
        default=None,
        description="re_source: the new vendor's price, in the PO's currency (none: the agreed price, "
        "checked against the vendor's contract by the new PO's validation)",
    )

    @field_validator("holds")
    @classmethod
    def _canonical_refs(cls, names: list[str]) -> list[str]:
        # As Hold.ref spells them, each once, so the workflow compares like with like.
        return list(dict.fromkeys(canonical_hold_ref(name) for name in names))


def check_named_holds(task: HumanTask, decision: str, holds: Sequence[str]) -> None:
    """Naming holds is for accept_variance on an invoice-hold task only: every
    other decision answers its whole task. Raises ValueError."""
    if not holds:
        return
    if task.kind != TaskKind.RESOLVE_INVOICE_HOLD:
        raise ValueError(
            f"task {task.task_id} is {task.kind.value}, not an invoice hold: a decision on it names no holds"
        )
    if decision not in DECISIONS_NAMING_HOLDS:
        raise ValueError(
            f"{decision!r} answers the whole invoice; only "
            f"{' or '.join(sorted(DECISIONS_NAMING_HOLDS))} names holds"
        )


def check_decision(
    task: HumanTask, decision: str, comment: str | None, *, being_decided: str | None = None
) -> None:
    """The checks every owner of a task makes before accepting a decision
    (update validators): still open, not already on its way, an offered
    option, a reason where one is required. Raises ValueError with the words
    the person will read."""
    if task.status != TaskStatus.OPEN:
        raise ValueError(
            f"task {task.task_id} is already {task.status.value}"
            + (f" ({task.decision} by {task.decided_by})" if task.decision else "")
        )
    if being_decided is not None:
        raise ValueError(f"task {task.task_id} is already being decided ({being_decided})")
    if decision not in task.options:
        raise ValueError(
            f"{decision!r} is not an option of task {task.task_id}; choose one of {', '.join(task.options)}"
        )
    if decision in DECISIONS_NEEDING_COMMENT and not (comment or "").strip():
        raise ValueError(f"{decision!r} needs a comment saying why")
