"""poflow's vocabulary: pydantic v2 models shared by the API, workflows and activities."""

from models.common import CURRENCY_MINOR_UNITS, format_money, round_money
from models.documents import (
    AckLineStatus,
    Acknowledgment,
    AcknowledgmentLine,
    AckStatus,
    GoodsReceipt,
    Invoice,
    InvoiceKind,
    InvoiceLine,
    ReceiptLine,
    ShipNotice,
    ShipNoticeLine,
    normalize_invoice_number,
)
from models.extraction import Extracted, ExtractedKind, FieldLocation, SourceFormat
from models.matching import (
    Hold,
    HoldCode,
    HoldStatus,
    LineMatch,
    MatchDecision,
    MatchRecord,
    MatchRequest,
    MatchResult,
    ToleranceProfile,
)
from models.policy import Policy
from models.purchase_order import MatchLevel, PaymentTerms, PurchaseOrder, PurchaseOrderLine, Revision, RevisionReason
from models.records import (
    AuditEvent,
    HandoffResult,
    IssueRequest,
    IssueResult,
    Notification,
    NotificationChannel,
    PaymentHandoff,
    PoProjection,
    PoValidation,
)
from models.tasks import HumanTask, TaskDecision, TaskKind, TaskStatus
from models.workflow_state import (
    AckOutcome,
    AckRecord,
    CancelRequest,
    InvoiceRecord,
    InvoiceStatus,
    PoStatus,
    PurchaseOrderInput,
    PurchaseOrderState,
    TimelineEntry,
)

__all__ = [
    "CURRENCY_MINOR_UNITS", "format_money", "round_money",
    "AckLineStatus", "Acknowledgment", "AcknowledgmentLine", "AckStatus", "GoodsReceipt", "Invoice",
    "InvoiceKind", "InvoiceLine", "ReceiptLine", "ShipNotice", "ShipNoticeLine", "normalize_invoice_number",
    "Extracted", "ExtractedKind", "FieldLocation", "SourceFormat",
    "Hold", "HoldCode", "HoldStatus", "LineMatch", "MatchDecision", "MatchRecord", "MatchRequest",
    "MatchResult",
    "ToleranceProfile", "Policy", "MatchLevel", "PaymentTerms", "PurchaseOrder", "PurchaseOrderLine",
    "Revision", "RevisionReason", "AuditEvent", "HandoffResult", "IssueRequest", "IssueResult",
    "Notification", "NotificationChannel", "PaymentHandoff", "PoProjection", "PoValidation",
    "HumanTask", "TaskDecision", "TaskKind", "TaskStatus", "AckOutcome", "AckRecord", "CancelRequest",
    "InvoiceRecord", "InvoiceStatus", "PoStatus", "PurchaseOrderInput", "PurchaseOrderState", "TimelineEntry",
]
