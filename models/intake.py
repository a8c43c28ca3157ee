"""DocumentIntakeWorkflow's vocabulary: what arrived, what was read from it,
where each document went, and the review a person does when the reading is not
good enough to send on by itself."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum
from typing import Any

from pydantic import Field

from models.common import Document, UtcDatetime
from models.extraction import Extracted, ExtractedKind
from models.tasks import TASK_OPTIONS, Decider, HumanTask, TaskKind
from models.workflow_state import TimelineEntry
from workflows.contract import intake_workflow_id

__all__ = [
    "DeliveryRequest",
    "DeliveryResult",
    "ExtractRequest",
    "ExtractionOutcome",
    "IntakeInput",
    "IntakeItem",
    "IntakeItemStatus",
    "IntakePolicy",
    "IntakeState",
    "IntakeStatus",
    "Resolution",
    "ResolveRequest",
    "ReviewDecision",
    "REVIEW_OPTIONS",
]

REVIEW_OPTIONS = TASK_OPTIONS[TaskKind.REVIEW_DOCUMENT]


class IntakeInput(Document):
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    filename: str | None = Field(default=None, max_length=255)
    content_type: str | None = Field(default=None, max_length=255)
    source: str = Field(default="api", max_length=255)
    vendor_id: str | None = Field(default=None, max_length=64, description="Sender as known to the channel")
    received_at: UtcDatetime


class IntakePolicy(Document):
    """Read once per intake through an activity, so the history shows what was in force."""

    min_confidence: float = Field(default=0.8, ge=0, le=1)
    review_sla: timedelta = timedelta(hours=24)


class ExtractRequest(Document):
    sha256: str
    filename: str | None = None
    content_type: str | None = None
    vendor_id: str | None = None


class ExtractionOutcome(Document):
    """What the extract activity found; `error` instead when the file can't be read
    (a result, not an exception: bad input is not worth a retry)."""

    # The error may quote the file; what a file says is recorded, never refused.
    control_characters = "replace"

    documents: list[Extracted] = Field(default_factory=list)
    error: str | None = None
    functional_ack_id: str | None = Field(
        default=None, description="The X12 997 stored to go back to the sender"
    )


class ResolveRequest(Document):
    extracted: Extracted
    min_confidence: float = Field(ge=0, le=1)
    reviewed_by: str | None = Field(default=None, description="Set when a person corrected the reading")


class Resolution(Document):
    """The document made ready for its PO workflow, or what stops it."""

    document: dict[str, Any]
    po_number: str | None = None
    vendor_id: str | None = None
    document_id: str | None = None
    signal: str | None = Field(default=None, description="PO workflow signal that takes this kind")
    problems: list[str] = Field(default_factory=list, description="Each one is a reason for a person to look")
    notes: list[str] = Field(
        default_factory=list, description="What resolution changed, e.g. vendor from the PO"
    )

    @property
    def ready(self) -> bool:
        return not self.problems and self.signal is not None


class DeliveryRequest(Document):
    sha256: str
    po_number: str
    signal: str
    kind: ExtractedKind
    document_id: str
    document: dict[str, Any]


class DeliveryResult(Document):
    delivered: bool
    reason: str | None = None
    duplicate_of: str | None = Field(
        default=None, description="Id of the copy that came first, by any channel"
    )


class IntakeItemStatus(StrEnum):
    RESOLVING = "resolving"
    NEEDS_REVIEW = "needs_review"
    DELIVERED = "delivered"
    DUPLICATE = "duplicate"
    DISCARDED = "discarded"


class IntakeItem(Document):
    index: int = Field(ge=0)
    extracted: Extracted
    status: IntakeItemStatus = IntakeItemStatus.RESOLVING
    po_number: str | None = None
    document_id: str | None = None
    problems: list[str] = Field(default_factory=list)
    duplicate_of: str | None = None
    task_id: str | None = None
    reviewed_by: str | None = None

    @property
    def settled(self) -> bool:
        return self.status in (
            IntakeItemStatus.DELIVERED,
            IntakeItemStatus.DUPLICATE,
            IntakeItemStatus.DISCARDED,
        )


class IntakeStatus(StrEnum):
    EXTRACTING = "extracting"
    RESOLVING = "resolving"
    NEEDS_REVIEW = "needs_review"
    DONE = "done"
    FAILED = "failed"


class IntakeState(Document):
    input: IntakeInput
    status: IntakeStatus = IntakeStatus.EXTRACTING
    error: str | None = None
    items: list[IntakeItem] = Field(default_factory=list)
    tasks: list[HumanTask] = Field(default_factory=list)
    timeline: list[TimelineEntry] = Field(default_factory=list)

    @property
    def workflow_id(self) -> str:
        return intake_workflow_id(self.input.sha256)

    def task(self, task_id: str) -> HumanTask | None:
        return next((t for t in self.tasks if t.task_id == task_id), None)


class ReviewDecision(Decider):
    """Payload of the intake workflow's `review` update: send the (corrected)
    reading on, or discard the document (with a reason)."""

    task_id: str = Field(min_length=1, max_length=255)
    decision: str = Field(min_length=1, max_length=64)
    comment: str | None = Field(default=None, max_length=2000)
    document: dict[str, Any] | None = Field(default=None, description="The corrected reading; None keeps it")
