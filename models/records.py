"""Inputs and outputs of the activities that write projections, audit events,
notifications and payment hand-offs. Each carries its business key, which is
what makes the activity idempotent."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field

from models.approvals import ApprovalRoute
from models.common import Document, UtcDatetime
from models.purchase_order import MatchLevel, PurchaseOrder, TaxRate


class LineMatchLevel(Document):
    """The match level validate/enrich settled for one PO line, and why."""

    line_no: int
    match_level: MatchLevel
    source: str = Field(
        description="e.g. 'item MRO-GLOVE-NITRILE-L', 'category lab equipment (policy standard v1)'"
    )
    note: str | None = Field(default=None, description="Set when the PO asked for a level that was not kept")


class LineTaxRate(Document):
    """The expected tax rate validate/enrich found for a PO line without one."""

    line_no: int
    tax_rate_pct: TaxRate
    source: str = Field(description="e.g. 'item FST-BOLT-M8X30-A2', 'vendor NORDIC'")


class PoValidation(Document):
    """Outcome of "validate and enrich" (DESIGN.md step 1)."""

    vendor_name: str | None = None
    errors: list[str] = Field(default_factory=list, description="Blocking: the PO is rejected")
    flags: list[str] = Field(default_factory=list, description="Non-blocking findings (off-contract price…)")
    flag_codes: list[str] = Field(
        default_factory=list, description="The flags as codes an approval band names (p2p.approvals)"
    )
    approval_route: ApprovalRoute | None = Field(
        default=None, description="The approval matrix's route; None: no band matched (or an older worker)"
    )
    match_levels: list[LineMatchLevel] = Field(
        default_factory=list,
        description="Enrichment: the level each line is matched at (empty from older workers)",
    )
    tax_rates: list[LineTaxRate] = Field(
        default_factory=list,
        description="Enrichment: the master data's tax rate for lines the PO gave none (empty from older workers)",
    )


class PoProjection(Document):
    """The row behind search and the inbox; the workflow is the truth."""

    po_number: str
    revision: int
    vendor_id: str
    buyer: str
    status: str
    currency: str
    total: Decimal
    open_holds: int = 0
    open_tasks: int = 0
    workflow_id: str
    updated_at: UtcDatetime


class AuditEvent(Document):
    event_id: str = Field(
        description="Deterministic id (workflow id + sequence): replays write nothing twice"
    )
    po_number: str
    event: str
    detail: str = ""
    actor: str = "system"
    at: UtcDatetime
    evidence: str | None = Field(
        default=None, description="What it was about: a task, document or tolerance change id"
    )


class StepRecord(Document):
    """What one workflow step leaves in the database: its new audit events
    and, when what the PO publishes changed, its projection — one activity
    (one round trip through the server) instead of two."""

    audit_events: list[AuditEvent] = Field(default_factory=list)
    projection: PoProjection | None = None


class NotificationChannel(StrEnum):
    SUPPLIER = "supplier"
    BUYER = "buyer"
    APPROVER = "approver"
    AP = "ap"


class Notification(Document):
    notification_id: str = Field(description="Idempotency key")
    po_number: str
    channel: NotificationChannel
    recipient: str
    subject: str
    body: str = ""
    at: UtcDatetime
    attachment_id: str | None = Field(
        default=None, description="An outbound_messages row sent with it (the PO as a PDF)"
    )


class IssuePurpose(StrEnum):
    """Why a PO message goes to the vendor (each is sent once per PO, revision,
    purpose and attempt)."""

    ORDER = "order"  # the revision itself: the order, its replacement or a change order
    CANCEL = "cancel"  # the whole order is cancelled: 860 BCH01 "01" / ORDCHG BGM 1225 "1"
    # Chasing an acknowledgment: the revision the vendor has, again, marked as a
    # duplicate (850 BEG01 "07" / ORDERS BGM 1225 "7"); attempt = the reminder's number.
    REMINDER = "reminder"


class IssueRequest(Document):
    """Send a PO revision to its vendor, once per (po_number, revision, purpose, attempt)."""

    po_number: str
    revision: int
    vendor_id: str
    at: UtcDatetime
    po: PurchaseOrder | None = Field(
        default=None,
        description="The revision to send (an 850 / ORDERS / PDF is rendered from it); None from "
        "workflows before EDI issuing: the e-mail summary only",
    )
    attempt: int = Field(
        default=0, ge=0, description="0: the first send; a resend after a rejection counts up"
    )
    channel: str | None = Field(
        default=None, description="Override of the vendor's channel ('email' after an EDI rejection)"
    )
    previous: PurchaseOrder | None = Field(
        default=None,
        description="A buyer's amendment: the revision before, so the change is sent as a change order "
        "(860 / ORDCHG, or the changes in the e-mail); None: the PO is sent whole",
    )
    purpose: IssuePurpose = Field(
        default=IssuePurpose.ORDER, description="order (default), cancel (the whole PO) or reminder"
    )
    reason: str | None = Field(
        default=None, max_length=500, description="The buyer's reason, told with a cancellation"
    )


class IssueResult(Document):
    po_number: str
    revision: int
    channel: str
    message_id: str
    already_issued: bool = False
    attempt: int = 0
    standard: str | None = Field(default=None, description="x12 or edifact for an EDI send")
    interchange_control: str | None = Field(default=None, description="ISA13 / UNB 0020 of the message")
    group_control: str | None = Field(default=None, description="GS06 (X12)")
    transaction_control: str | None = Field(default=None, description="ST02 / UNH 0062")
    attachment: str | None = Field(default=None, description="File name of the PDF sent with the e-mail")
    format: str | None = Field(
        default=None, description="What was sent: x12-850, x12-860, edifact-ORDERS, edifact-ORDCHG, pdf"
    )
    purpose: IssuePurpose = IssuePurpose.ORDER

    def describe(self) -> str:
        """How it went out, for the timeline."""
        marked = {IssuePurpose.CANCEL: " cancellation", IssuePurpose.REMINDER: " duplicate"}
        if self.standard == "x12":
            kind = (self.format or "x12-850").removeprefix("x12-") + marked.get(self.purpose, "")
            ids = f"ISA {self.interchange_control} GS {self.group_control} ST {self.transaction_control}"
            return f"{self.channel} (X12 {kind}, {ids})"
        if self.standard == "edifact":
            kind = (self.format or "edifact-ORDERS").removeprefix("edifact-") + marked.get(self.purpose, "")
            return f"{self.channel} (EDIFACT {kind}, UNB {self.interchange_control} UNH {self.transaction_control})"
        with_pdf = f" with {self.attachment}" if self.attachment else ""
        return f"{self.channel}{with_pdf} ({self.message_id})"


class PaymentHandoff(Document):
    """An invoice approved for payment, handed to AP/ERP exactly once."""

    invoice_id: str = Field(description="Invoice document id; unique, so a retry never pays twice")
    po_number: str
    vendor_id: str
    invoice_number: str
    currency: str
    amount: Decimal
    due_date: str | None = None
    discount_date: str | None = None
    at: UtcDatetime


class HandoffResult(Document):
    invoice_id: str
    payment_reference: str
    already_handed_off: bool = False
