"""The supplier's acknowledgment of a PO (X12 855, EDIFACT ORDRSP, JSON):
its header status and, per line, what the supplier confirms — a changed
price, quantity or date, a split into schedules, a backorder, a substitute,
a rejection (p2p.acknowledgment decides what each means) — and which PO
revision it answers, when the supplier says."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum

from pydantic import Field, field_validator, model_validator

from models.common import (
    MAX_LINES,
    MAX_REVISION,
    BusinessDate,
    BusinessTimestamp,
    Document,
    Identifier,
    LineNo,
    PoNumber,
    PositiveQuantity,
    UnitPrice,
    unique_lines,
)
from models.purchase_order import MAX_SCHEDULES, DeliverySchedule, check_schedules

__all__ = ["AckLineStatus", "AckStatus", "Acknowledgment", "AcknowledgmentLine"]


class AckStatus(StrEnum):
    """Header status, after X12 855 BAK02 (AD / AC / RJ)."""

    ACCEPTED = "accepted"
    ACCEPTED_WITH_CHANGES = "accepted_with_changes"
    REJECTED = "rejected"


class AckLineStatus(StrEnum):
    """Line status, a readable subset of X12 element 668 (ACK01)."""

    ACCEPTED = "accepted"  # IA
    CHANGED = "changed"  # IC / IP / IQ / DR
    BACKORDERED = "backordered"  # IB / BP
    REJECTED = "rejected"  # IR / ID / R1–R8
    SUBSTITUTED = "substituted"  # IS: another item shipped in place of the one ordered


class AcknowledgmentLine(Document):
    """What the supplier confirms for one PO line. A split is `schedules`
    (quantities and dates summing to the confirmed quantity); a backorder
    says when the balance comes in `promised_date` or `schedules`; a
    substitution names the item shipped instead."""

    line_no: LineNo
    status: AckLineStatus = AckLineStatus.ACCEPTED
    quantity: PositiveQuantity | None = Field(default=None, description="Confirmed quantity if it differs")
    unit_price: UnitPrice | None = Field(default=None, description="Confirmed price if it differs")
    promised_date: BusinessDate | None = None
    schedules: list[DeliverySchedule] = Field(
        default_factory=list,
        max_length=MAX_SCHEDULES,
        description="The line split into deliveries; they sum to `quantity` when it is given, else to "
        "the ordered quantity",
    )
    substitute_item_id: Identifier | None = Field(
        default=None, description="The item shipped instead of the one ordered (status substituted)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> AcknowledgmentLine:
        if self.status == AckLineStatus.SUBSTITUTED and self.substitute_item_id is None:
            raise ValueError(f"line {self.line_no}: a substitution names the substitute_item_id")
        if self.substitute_item_id is not None and self.status != AckLineStatus.SUBSTITUTED:
            raise ValueError(f"line {self.line_no}: substitute_item_id is for status substituted")
        if self.quantity is not None:
            check_schedules(self.schedules, self.quantity, f"line {self.line_no}")
        return self

    @property
    def confirmed_quantity(self) -> Decimal | None:
        """The quantity the supplier confirms, if it says: `quantity`, else
        what its schedules add up to."""
        if self.quantity is not None:
            return self.quantity
        if self.schedules:
            return sum((s.quantity for s in self.schedules), Decimal(0))
        return None


class Acknowledgment(Document):
    ack_id: Identifier = Field(description="Supplier's acknowledgment number; idempotency key")
    po_number: PoNumber
    vendor_id: Identifier
    status: AckStatus
    lines: list[AcknowledgmentLine] = Field(default_factory=list, max_length=MAX_LINES)
    message: str | None = Field(default=None, max_length=2000, description="Supplier's note")
    answers_revision: int | None = Field(
        default=None,
        ge=0,
        le=MAX_REVISION,
        description="The PO revision the supplier answers, as it quotes it back (X12 855 REF*PP, 865 BCA05, "
        "ORDRSP RFF+PP); None: not stated, taken as the revision in force",
    )
    acknowledged_at: BusinessTimestamp

    _unique = field_validator("lines")(lambda cls, v: unique_lines(v, "acknowledgment"))

    @property
    def document_id(self) -> str:
        return f"ack:{self.vendor_id}:{self.ack_id}"
