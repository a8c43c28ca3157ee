"""Inspection after receipt (issue #17 item 6): on a 4-way line the goods a
receipt brings are pending inspection until an inspection result says how
many passed and how many failed (Oracle's 4-way on accepted quantity, SAP
QM's inspection lot). The result is a document of its own; an invoice billing
beyond what passed waits for it (hold INSPECTION)."""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field, field_validator, model_validator

from models.common import (
    MAX_LINES,
    BusinessTimestamp,
    Document,
    Identifier,
    LineNo,
    NonNegativeQuantity,
    PoNumber,
    unique_lines,
)

__all__ = ["InspectionLine", "InspectionResult"]


class InspectionLine(Document):
    line_no: LineNo = Field(description="The PO line inspected (as on the receipt)")
    quantity_accepted: NonNegativeQuantity = Field(description="Units that passed inspection")
    quantity_rejected: NonNegativeQuantity = Field(
        default=Decimal(0), description="Units that failed inspection (they go back to the vendor)"
    )
    reject_reason: str | None = Field(default=None, max_length=500)

    @model_validator(mode="after")
    def _something_inspected(self) -> InspectionLine:
        if self.quantity_accepted + self.quantity_rejected <= 0:
            raise ValueError("an inspection line must accept or reject at least one unit")
        return self

    @property
    def quantity_inspected(self) -> Decimal:
        return self.quantity_accepted + self.quantity_rejected


class InspectionResult(Document):
    """The outcome of inspecting (part of) one goods receipt."""

    inspection_id: Identifier = Field(description="Inspection (lot) number; idempotency key")
    po_number: PoNumber
    receipt_id: Identifier = Field(description="The goods receipt whose goods were inspected")
    inspected_at: BusinessTimestamp
    inspected_by: str | None = Field(default=None, max_length=128)
    lines: list[InspectionLine] = Field(min_length=1, max_length=MAX_LINES)

    _unique = field_validator("lines")(lambda cls, v: unique_lines(v, "inspection"))

    @property
    def document_id(self) -> str:
        return f"inspection:{self.po_number}:{self.inspection_id}"
