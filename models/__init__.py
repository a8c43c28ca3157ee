"""poflow's vocabulary: pydantic v2 models shared by the API, workflows and activities.

`from models import Invoice` works as ever, but each name loads its own module on first use:
a command that needs one model (`poflow extract` on a JSON file) then doesn't import all of
them, which cost about 170 ms of its start-up (`python bench/extract_speed.py`).
Type checkers read the imports under TYPE_CHECKING; `tests/unit/test_models_exports.py`
keeps them and `_EXPORTS` the same list.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # `X as X`: an explicit re-export for type checkers
    from models.acknowledgments import AckLineStatus as AckLineStatus
    from models.acknowledgments import Acknowledgment as Acknowledgment
    from models.acknowledgments import AcknowledgmentLine as AcknowledgmentLine
    from models.acknowledgments import AckStatus as AckStatus
    from models.common import CURRENCY_MINOR_UNITS as CURRENCY_MINOR_UNITS
    from models.common import format_money as format_money
    from models.common import money_text as money_text
    from models.common import round_money as round_money
    from models.documents import GoodsReceipt as GoodsReceipt
    from models.documents import Invoice as Invoice
    from models.documents import InvoiceKind as InvoiceKind
    from models.documents import InvoiceLine as InvoiceLine
    from models.documents import ReceiptLine as ReceiptLine
    from models.documents import ShipNotice as ShipNotice
    from models.documents import ShipNoticeLine as ShipNoticeLine
    from models.documents import normalize_invoice_number as normalize_invoice_number
    from models.extraction import Extracted as Extracted
    from models.extraction import ExtractedKind as ExtractedKind
    from models.extraction import FieldLocation as FieldLocation
    from models.extraction import SourceFormat as SourceFormat
    from models.matching import Hold as Hold
    from models.matching import HoldCode as HoldCode
    from models.matching import HoldStatus as HoldStatus
    from models.matching import LineMatch as LineMatch
    from models.matching import MatchDecision as MatchDecision
    from models.matching import MatchRecord as MatchRecord
    from models.matching import MatchRequest as MatchRequest
    from models.matching import MatchResult as MatchResult
    from models.matching import ToleranceProfile as ToleranceProfile
    from models.policy import Policy as Policy
    from models.purchase_order import DeliverySchedule as DeliverySchedule
    from models.purchase_order import MatchLevel as MatchLevel
    from models.purchase_order import PaymentTerms as PaymentTerms
    from models.purchase_order import PurchaseOrder as PurchaseOrder
    from models.purchase_order import PurchaseOrderLine as PurchaseOrderLine
    from models.purchase_order import Revision as Revision
    from models.purchase_order import RevisionChange as RevisionChange
    from models.purchase_order import RevisionReason as RevisionReason
    from models.records import AuditEvent as AuditEvent
    from models.records import HandoffResult as HandoffResult
    from models.records import IssuePurpose as IssuePurpose
    from models.records import IssueRequest as IssueRequest
    from models.records import IssueResult as IssueResult
    from models.records import Notification as Notification
    from models.records import NotificationChannel as NotificationChannel
    from models.records import PaymentHandoff as PaymentHandoff
    from models.records import PoProjection as PoProjection
    from models.records import PoValidation as PoValidation
    from models.records import StepRecord as StepRecord
    from models.tasks import HumanTask as HumanTask
    from models.tasks import TaskDecision as TaskDecision
    from models.tasks import TaskKind as TaskKind
    from models.tasks import TaskStatus as TaskStatus
    from models.workflow_state import AckOutcome as AckOutcome
    from models.workflow_state import AckRecord as AckRecord
    from models.workflow_state import CancelRequest as CancelRequest
    from models.workflow_state import FinalCloseRequest as FinalCloseRequest
    from models.workflow_state import InvoiceRecord as InvoiceRecord
    from models.workflow_state import InvoiceStatus as InvoiceStatus
    from models.workflow_state import LineCancelRequest as LineCancelRequest
    from models.workflow_state import PoStatus as PoStatus
    from models.workflow_state import PurchaseOrderInput as PurchaseOrderInput
    from models.workflow_state import PurchaseOrderState as PurchaseOrderState
    from models.workflow_state import TimelineEntry as TimelineEntry

# The module (under models/) that defines each public name.
_EXPORTS: dict[str, tuple[str, ...]] = {
    "acknowledgments": ("AckLineStatus", "Acknowledgment", "AcknowledgmentLine", "AckStatus"),
    "common": ("CURRENCY_MINOR_UNITS", "format_money", "money_text", "round_money"),
    "documents": (
        "GoodsReceipt",
        "Invoice",
        "InvoiceKind",
        "InvoiceLine",
        "ReceiptLine",
        "ShipNotice",
        "ShipNoticeLine",
        "normalize_invoice_number",
    ),
    "extraction": ("Extracted", "ExtractedKind", "FieldLocation", "SourceFormat"),
    "matching": (
        "Hold",
        "HoldCode",
        "HoldStatus",
        "LineMatch",
        "MatchDecision",
        "MatchRecord",
        "MatchRequest",
        "MatchResult",
        "ToleranceProfile",
    ),
    "policy": ("Policy",),
    "purchase_order": (
        "DeliverySchedule",
        "MatchLevel",
        "PaymentTerms",
        "PurchaseOrder",
        "PurchaseOrderLine",
        "Revision",
        "RevisionChange",
        "RevisionReason",
    ),
    "records": (
        "AuditEvent",
        "HandoffResult",
        "IssuePurpose",
        "IssueRequest",
        "IssueResult",
        "Notification",
        "NotificationChannel",
        "PaymentHandoff",
        "PoProjection",
        "PoValidation",
        "StepRecord",
    ),
    "tasks": ("HumanTask", "TaskDecision", "TaskKind", "TaskStatus"),
    "workflow_state": (
        "AckOutcome",
        "AckRecord",
        "CancelRequest",
        "FinalCloseRequest",
        "InvoiceRecord",
        "InvoiceStatus",
        "LineCancelRequest",
        "PoStatus",
        "PurchaseOrderInput",
        "PurchaseOrderState",
        "TimelineEntry",
    ),
}
_MODULE_OF = {name: module for module, names in _EXPORTS.items() for name in names}
__all__ = sorted(_MODULE_OF)

if not TYPE_CHECKING:  # hidden from type checkers, so a misspelt import is still their error

    def __getattr__(name: str) -> Any:
        module = _MODULE_OF.get(name)
        if module is None:
            raise AttributeError(f"module 'models' has no attribute {name!r}")
        value = getattr(importlib.import_module(f"models.{module}"), name)
        globals()[name] = value  # later lookups skip this function
        return value

    def __dir__() -> list[str]:
        return sorted(set(globals()) | set(__all__))
