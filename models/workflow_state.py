"""The PurchaseOrderWorkflow's state: one model, returned by the `state`
query and carried across continue-as-new."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field, field_validator

from models.acknowledgments import Acknowledgment
from models.amendments import AmendRequest
from models.approvals import ApprovalRoute
from models.common import MAX_LINE_NO, Document, Identifier, LineNo, PoNumber, PositiveQuantity, UtcDatetime
from models.documents import GoodsReceipt, Invoice, ShipNotice
from models.expediting import ExpeditedDelivery
from models.functional_acks import FunctionalAck
from models.inspections import InspectionResult
from models.matching import Hold, MatchResult
from models.policy import Policy
from models.purchase_order import MatchLevel, PurchaseOrder, Revision
from models.returns import ExpectedCredit, ReturnToVendor
from models.tasks import HumanTask, TaskKind, TaskStatus


class PoStatus(StrEnum):
    VALIDATING = "validating"
    PENDING_APPROVAL = "pending_approval"
    REJECTED = "rejected"
    ISSUED = "issued"  # sent, waiting for the supplier's acknowledgment
    ACKNOWLEDGED = "acknowledged"
    PARTIALLY_RECEIVED = "partially_received"
    RECEIVED = "received"
    CLOSED = "closed"
    CANCELLED = "cancelled"


FINAL_PO_STATUSES = frozenset({PoStatus.REJECTED, PoStatus.CLOSED, PoStatus.CANCELLED})


class InvoiceStatus(StrEnum):
    HELD = "held"
    APPROVED = "approved"  # matched (or released) and handed to AP for payment
    REJECTED = "rejected"
    CREDIT_REQUESTED = "credit_requested"  # held until the supplier's credit memo arrives


class AckOutcome(StrEnum):
    ACCEPTED = "accepted"
    ACCEPTED_AS_REVISION = "accepted_as_revision"
    CHANGE_REVIEW = "change_review"  # outside tolerance: buyer task
    CHANGE_REJECTED = "change_rejected"
    SUPPLIER_REJECTED = "supplier_rejected"
    # Accepted as it stood, but an older revision than the one the supplier
    # was last sent: recorded, and the revision in force is still owed one.
    ANSWERS_OLD_REVISION = "answers_old_revision"


class AckRecord(Document):
    ack: Acknowledgment
    outcome: AckOutcome
    received_at: UtcDatetime


class AuditDraw(Document):
    """The random-audit draw of one invoice (p2p.audit_sample.audit_draw):
    reproducible from the invoice's document id and the policy, recorded in
    the state so the sample can be explained and re-checked."""

    selected: bool
    draw_pct: Decimal = Field(description="The invoice's number in [0, 100) from its document id")
    chance_pct: Decimal = Field(description="The chance that applied to this invoice, in percent")
    basis: str = Field(description="How the draw was made, in words (shown on the hold)")
    source: str = Field(description="The policy and version the sample rate came from")


class InvoiceRecord(Document):
    invoice: Invoice
    status: InvoiceStatus
    match: MatchResult | None = None
    received_at: UtcDatetime
    held_since: UtcDatetime | None = None
    escalate_at: UtcDatetime | None = Field(
        default=None, description="When a hold still open turns into a task"
    )
    handed_off_at: UtcDatetime | None = None
    released_holds: list[Hold] = Field(default_factory=list)
    audit: AuditDraw | None = Field(
        default=None, description="The random-audit draw (None: no audit in force)"
    )
    manual_holds: list[Hold] = Field(
        default_factory=list,
        description="MANUAL holds people placed (update hold_invoice); only a person releases them",
    )
    bank_changed_by: str | None = Field(
        default=None,
        description="Who last changed the vendor's bank details when its hold task opened: "
        "they may not release it (p2p.decisions)",
    )
    legacy_document_id: str | None = Field(
        default=None,
        description="Only in a run that started under the earlier invoice-number rule: the id that run knows "
        "the invoice by (tasks, re-sends), so its history replays as it ran",
    )

    @property
    def document_id(self) -> str:
        return self.legacy_document_id or self.invoice.document_id

    @property
    def open_holds(self) -> list[Hold]:
        return self.match.open_holds if self.match else []


class TimelineEntry(Document):
    at: UtcDatetime
    event: str
    detail: str = ""
    actor: str = "system"


class ReSourcedLine(Document):
    """A line the supplier rejected, re-sourced by the buyer: its open quantity
    is ordered on `po_number` from `vendor_id` (a PO workflow of its own)."""

    line_no: LineNo
    po_number: PoNumber
    vendor_id: Identifier
    quantity: PositiveQuantity
    decided_by: str


class PurchaseOrderState(Document):
    po: PurchaseOrder = Field(description="The current agreed revision")
    status: PoStatus = PoStatus.VALIDATING
    policy: Policy | None = None
    flags: list[str] = Field(default_factory=list)
    approval_route: ApprovalRoute | None = Field(
        default=None, description="The approval matrix's route for this PO; None: the policy's threshold"
    )
    revisions: list[Revision] = Field(default_factory=list)
    pending_amendment: AmendRequest | None = Field(
        default=None, description="The buyer's amendment waiting for an approver (p2p.amendments)"
    )
    pending_change: Acknowledgment | None = Field(
        default=None, description="Supplier change awaiting the buyer"
    )
    acknowledgments: list[AckRecord] = Field(default_factory=list)
    receipts: list[GoodsReceipt] = Field(default_factory=list)
    ship_notices: list[ShipNotice] = Field(
        default_factory=list, description="The supplier's ASNs, as received"
    )
    invoices: list[InvoiceRecord] = Field(default_factory=list)
    functional_acks: list[FunctionalAck] = Field(
        default_factory=list, description="The supplier's 997 / CONTRL for the messages we sent, as received"
    )
    returns: list[ReturnToVendor] = Field(
        default_factory=list,
        description="Goods returned to the vendor after receipt, and the records of units rejected at the dock",
    )
    inspections: list[InspectionResult] = Field(
        default_factory=list, description="Inspection results of the PO's receipts, as recorded"
    )
    inspection_rule: bool = Field(
        default=False,
        description="4-way receipts are pending inspection: accepted is what inspections accepted "
        "(PATCH_INSPECTIONS, decided at the run's start; runs before: received − rejected at the receipt)",
    )
    expected_credits: list[ExpectedCredit] = Field(
        default_factory=list, description="Credit memos the supplier owes for returned goods already billed"
    )
    tasks: list[HumanTask] = Field(default_factory=list)
    processed_document_ids: list[str] = Field(default_factory=list)
    issued_at: UtcDatetime | None = None
    ack_waived: bool = False
    ack_reminder_at: UtcDatetime | None = None
    ack_due_at: UtcDatetime | None = None
    ack_reminders_sent: int = 0
    receipt_due_at: UtcDatetime | None = None
    expedite_per_schedule: bool = Field(
        default=False,
        description="The receipt deadline is the earliest promised delivery not yet covered, + grace "
        "(p2p.deadlines.schedule_receipt_due_at; PATCH_SCHEDULE_EXPEDITE, decided at the run's start; "
        "runs before: the latest need-by + grace)",
    )
    expedited: list[ExpeditedDelivery] = Field(
        default_factory=list, description="Promised deliveries already expedited: never again"
    )
    receipt_follow_up_at: UtcDatetime | None = Field(
        default=None,
        description="The buyer kept waiting on an expedite task: asked again then, if still missing",
    )
    cancel_reason: str | None = None
    cancelled_lines: list[int] = Field(
        default_factory=list,
        description="Lines the buyer cancelled (update cancel_line): invoices on them hold",
    )
    re_sourced: list[ReSourcedLine] = Field(
        default_factory=list, description="Lines the supplier rejected that the buyer bought elsewhere"
    )
    closed_at: UtcDatetime | None = None
    timeline: list[TimelineEntry] = Field(default_factory=list)

    # -- derived views (never stored twice) ---------------------------------

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_PO_STATUSES

    @property
    def acknowledged(self) -> bool:
        unanswered = (AckOutcome.SUPPLIER_REJECTED, AckOutcome.ANSWERS_OLD_REVISION)
        return any(r.outcome not in unanswered for r in self.acknowledgments)

    @property
    def open_tasks(self) -> list[HumanTask]:
        return [task for task in self.tasks if task.status == TaskStatus.OPEN]

    def has_open_task(self, kind: TaskKind, subject_id: str | None = None) -> bool:
        """An open task of this kind (about this document, if named) exists."""
        return any(
            t.kind == kind and (subject_id is None or t.subject_id == subject_id) for t in self.open_tasks
        )

    def task(self, task_id: str) -> HumanTask | None:
        return next((task for task in self.tasks if task.task_id == task_id), None)

    def invoice_record(self, document_id: str) -> InvoiceRecord | None:
        return next((r for r in self.invoices if r.document_id == document_id), None)

    @property
    def open_hold_count(self) -> int:
        return sum(len(r.open_holds) for r in self.invoices if r.status == InvoiceStatus.HELD)

    def received_quantity(self, line_no: int) -> Decimal:
        return sum(
            (line.quantity_received for r in self.receipts for line in r.lines if line.line_no == line_no),
            Decimal(0),
        )

    def accepted_quantity(self, line_no: int) -> Decimal:
        """Accepted on a line: received − rejected at the receipt; on a 4-way
        line under the inspection rule, what inspections accepted (a receipt
        not yet inspected is received, not accepted)."""
        if self.inspection_rule and (line := self.po.line(line_no)) and line.level == MatchLevel.FOUR_WAY:
            return self.inspected_quantity(line_no)
        return sum(
            (line.quantity_accepted for r in self.receipts for line in r.lines if line.line_no == line_no),
            Decimal(0),
        )

    def inspected_quantity(
        self, line_no: int, receipt_id: str | None = None, *, passed: bool = True
    ) -> Decimal:
        """What inspections accepted on a line (`passed=False`: everything
        they inspected, accepted or rejected), of one receipt if named."""
        return sum(
            (
                line.quantity_accepted if passed else line.quantity_inspected
                for i in self.inspections
                if receipt_id is None or i.receipt_id == receipt_id
                for line in i.lines
                if line.line_no == line_no
            ),
            Decimal(0),
        )

    def returned_quantity(self, line_no: int) -> Decimal:
        """Sent back after receipt (returns to vendor). Not the records of
        rejections at the dock or at inspection: those never counted as
        accepted (`accepted_quantity`), so they come off nothing again."""
        return sum(
            (
                line.quantity
                for r in self.returns
                for line in r.lines
                if line.line_no == line_no and not line.recorded_rejection
            ),
            Decimal(0),
        )

    @property
    def open_expected_credits(self) -> list[ExpectedCredit]:
        return [c for c in self.expected_credits if c.open]

    def invoiced_quantity(self, line_no: int) -> Decimal:
        """Net of credit memos; rejected invoices do not count."""
        total = Decimal(0)
        for record in self.invoices:
            if record.status == InvoiceStatus.REJECTED:
                continue
            total += sum(
                (
                    record.invoice.billed_quantity(line)
                    for line in record.invoice.lines
                    if line.line_no == line_no
                ),
                Decimal(0),
            )
        return total

    @property
    def invoiced_amount(self) -> Decimal:
        return sum(
            (r.invoice.payable_amount for r in self.invoices if r.status != InvoiceStatus.REJECTED),
            Decimal(0),
        )


class PurchaseOrderInput(Document):
    po: PurchaseOrder
    carried_state: PurchaseOrderState | None = Field(
        default=None, description="Set on continue-as-new: the state to resume from"
    )
    pending_documents: list[
        Acknowledgment
        | GoodsReceipt
        | Invoice
        | ShipNotice
        | FunctionalAck
        | ReturnToVendor
        | InspectionResult
    ] = Field(
        default_factory=list, description="Set on continue-as-new: documents received but not yet processed"
    )
    history_event_limit: int | None = Field(
        default=None,
        ge=100,
        description="Continue-as-new past this many history events (default: when the server suggests it)",
    )


class CancelRequest(Document):
    actor: str = Field(min_length=1, max_length=128)
    reason: str = Field(min_length=1, max_length=2000)


class FinalCloseRequest(CancelRequest):
    """The payload of the `final_close` update: the buyer ends the PO for good.
    What was not received (or, on a 2-way line, not invoiced) is released; no
    delivery or invoice is taken after it (p2p.closing.final_close_lines)."""


class LineCancelRequest(CancelRequest):
    """The payload of the `cancel_line` update: the buyer cancels one line that
    nothing was received or invoiced on; the supplier is told, and an invoice
    that bills it later is held PO_NOT_OPEN."""

    line_no: int = Field(ge=1, le=MAX_LINE_NO)


class HoldRequest(Document):
    """The payload of the `hold_invoice` update: a person stops an invoice
    that is not yet approved (a MANUAL hold, released only by a person)."""

    invoice_number: str = Field(min_length=1, max_length=64, description="Compared after normalising")
    actor: str = Field(min_length=1, max_length=128)
    reason: str = Field(min_length=1, max_length=2000)
    line_no: int | None = Field(
        default=None, ge=1, le=MAX_LINE_NO, description="Hold one PO line; None: the whole invoice"
    )

    @field_validator("actor", "reason", "invoice_number")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("must not be blank")
        return value.strip()
