"""The Temporal contract: every name a caller uses to reach a workflow.

Workflow types, signal / update / query names, workflow ids and the decision
options of human tasks are spelled here and nowhere else; the workflows, the
API, the CLI, intake, the demo and the tests import them. Renaming any of
them breaks running workflows and recorded histories, so a name here is
changed only together with a `workflow.patched()` plan.

Plain strings (not enums) for the Temporal names: they travel into the SDK's
protobufs as they are. It imports nothing of poflow's, so the models, the
doors and the workflows can all import it (the API and the CLI without the
workflow sandbox)."""

from __future__ import annotations

from enum import StrEnum
from typing import Final

__all__ = [
    "Decision",
    "IntakeQuery",
    "IntakeUpdate",
    "PoQuery",
    "PoSignal",
    "PoUpdate",
    "WorkflowType",
    "intake_workflow_id",
    "is_intake_workflow_id",
    "po_number_of",
    "po_task_id",
    "po_workflow_id",
    "review_task_id",
]


class Decision(StrEnum):
    """Every answer a task can take (`TASK_OPTIONS` says which kind offers
    which); the `decision` of the `decide` / `review` updates."""

    APPROVE = "approve"
    REJECT = "reject"
    ACCEPT_CHANGE = "accept_change"
    REJECT_CHANGE = "reject_change"
    CANCEL_PO = "cancel_po"
    KEEP_OPEN = "keep_open"
    KEEP_WAITING = "keep_waiting"
    PROCEED_WITHOUT_ACK = "proceed_without_ack"
    CLOSE_SHORT = "close_short"
    ACCEPT_VARIANCE = "accept_variance"
    REQUEST_CREDIT_MEMO = "request_credit_memo"
    REJECT_INVOICE = "reject_invoice"
    WAIT = "wait"
    SEND_ON = "send_on"
    DISCARD = "discard"
    ACCEPT_SHIPMENT = "accept_shipment"
    ASK_SUPPLIER = "ask_supplier"
    RE_SOURCE = "re_source"
    CANCEL_LINE = "cancel_line"
    RESEND = "resend"
    SEND_BY_EMAIL = "send_by_email"
    ACCEPT_OVER_RECEIPT = "accept_over_receipt"
    RETURN_EXCESS = "return_excess"


class WorkflowType:
    PURCHASE_ORDER: Final = "PurchaseOrderWorkflow"
    DOCUMENT_INTAKE: Final = "DocumentIntakeWorkflow"


class PoSignal:
    """Documents a PO workflow takes (idempotent by document id)."""

    ACKNOWLEDGMENT: Final = "acknowledgment"
    RECEIPT: Final = "receipt"
    ASN: Final = "asn"
    INVOICE: Final = "invoice"  # credit memos too
    FUNCTIONAL_ACK: Final = "functional_ack"  # the supplier's 997 / CONTRL for the PO we sent
    RETURN: Final = "return"  # goods returned to the vendor after receipt
    INSPECTION: Final = "inspection"  # the inspection result of a receipt (4-way lines)


class PoUpdate:
    """Decisions people send a PO workflow (validated before they are accepted)."""

    DECIDE: Final = "decide"
    CANCEL: Final = "cancel"
    FINAL_CLOSE: Final = "final_close"
    CANCEL_LINE: Final = "cancel_line"
    AMEND: Final = "amend"
    HOLD_INVOICE: Final = "hold_invoice"


class PoQuery:
    STATE: Final = "state"


class IntakeUpdate:
    REVIEW: Final = "review"


class IntakeQuery:
    STATE: Final = "state"


_PO_PREFIX: Final = "po-"
_INTAKE_PREFIX: Final = "doc-"


def po_workflow_id(po_number: str) -> str:
    """`po-{po_number}`: one workflow per PO, findable by its number."""
    return f"{_PO_PREFIX}{po_number}"


def po_number_of(workflow_id: str) -> str | None:
    """The PO number in a PO workflow's id (`po-1001` → `1001`); None for any other id."""
    if workflow_id.startswith(_PO_PREFIX) and len(workflow_id) > len(_PO_PREFIX):
        return workflow_id[len(_PO_PREFIX) :]
    return None


def intake_workflow_id(sha256: str) -> str:
    """`doc-{sha256 of the raw bytes}`: a re-sent identical file is the same workflow."""
    return f"{_INTAKE_PREFIX}{sha256}"


def is_intake_workflow_id(workflow_id: str) -> bool:
    return workflow_id.startswith(_INTAKE_PREFIX)


def po_task_id(po_number: str, number: int) -> str:
    """`PO-1001-T3`: the third task a PO workflow opened."""
    return f"{po_number}-T{number}"


def review_task_id(sha256: str, number: int) -> str:
    """`doc-0a1b2c3d4e5f-T1`: a review task of an intake workflow (a short
    hash keeps the id readable; the task's `workflow_id` is the full one)."""
    return f"{_INTAKE_PREFIX}{sha256[:12]}-T{number}"
