"""Returns to the vendor (issue #17 item 6): goods sent back after receipt — a
document of their own that lowers what counts as received on the PO and, where
the goods were billed already, makes a credit memo expected; and the records of
units rejected at the dock or at inspection, which the PO's story shows as
returns too (the receipt's `quantity_rejected`, or the inspection's, already
keeps them out of what was accepted: such a record is no second subtraction)."""

from __future__ import annotations

from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import Field, field_validator

from models.common import (
    MAX_LINES,
    BusinessTimestamp,
    Currency,
    Document,
    Identifier,
    LineNo,
    PoNumber,
    PositiveQuantity,
    UtcDatetime,
    unique_lines,
)

__all__ = [
    "DOCK_SUFFIX",
    "INSPECTION_SUFFIX",
    "RECORDED_REJECTIONS",
    "ExpectedCredit",
    "ReturnLine",
    "ReturnReason",
    "ReturnToVendor",
    "dock_return_id",
    "inspection_return_id",
]

DOCK_SUFFIX = "-DOCK"
INSPECTION_SUFFIX = "-INSP"
# A sender's return number is an Identifier (64); a dock record's id is its
# receipt id with DOCK_SUFFIX, an inspection record's its inspection id with
# INSPECTION_SUFFIX, so the id allows that much more.
ReturnId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64 + max(len(DOCK_SUFFIX), len(INSPECTION_SUFFIX)),
        pattern=r"^[A-Za-z0-9][A-Za-z0-9._\-/]*$",
    ),
]


class ReturnReason(StrEnum):
    """Why a line goes back (the reason code; `reason` on the return says it in words)."""

    DAMAGED = "damaged"
    DEFECTIVE = "defective"
    WRONG_ITEM = "wrong_item"
    OVER_DELIVERY = "over_delivery"
    QUALITY = "quality"  # failed a later inspection or use
    NOT_NEEDED = "not_needed"
    OTHER = "other"
    # Only the records poflow makes from a receipt's quantity_rejected: a sent
    # return with this code is refused (the receipt is where a dock rejection goes).
    REJECTED_AT_DOCK = "rejected_at_dock"
    # Only the records poflow makes from an inspection result's quantity_rejected:
    # a sent return with this code is refused (the inspection result says it).
    REJECTED_AT_INSPECTION = "rejected_at_inspection"


# Records of units rejected before they were ever kept: what counts as accepted
# leaves them out already, so they never come off received or accepted again.
RECORDED_REJECTIONS = frozenset({ReturnReason.REJECTED_AT_DOCK, ReturnReason.REJECTED_AT_INSPECTION})


class ReturnLine(Document):
    line_no: LineNo = Field(description="The PO line the goods were received on")
    quantity: PositiveQuantity = Field(description="Units sent back, in the PO line's unit of measure")
    receipt_id: Identifier | None = Field(
        default=None, description="The goods receipt they were received with (None: any receipt of the line)"
    )
    reason_code: ReturnReason = ReturnReason.OTHER

    @property
    def recorded_rejection(self) -> bool:
        """poflow's record of a rejection at the dock or at inspection, not goods kept and sent back."""
        return self.reason_code in RECORDED_REJECTIONS


class ReturnToVendor(Document):
    """Goods sent back to the supplier after they were received and kept."""

    return_id: ReturnId = Field(description="Return (RMA) number; idempotency key")
    po_number: PoNumber
    returned_at: BusinessTimestamp
    returned_by: str | None = Field(default=None, max_length=128)
    reason: str = Field(min_length=1, max_length=2000, description="Why the goods go back, in words")
    lines: list[ReturnLine] = Field(min_length=1, max_length=MAX_LINES)

    _unique = field_validator("lines")(lambda cls, v: unique_lines(v, "return"))

    @property
    def document_id(self) -> str:
        return f"return:{self.po_number}:{self.return_id}"


def dock_return_id(receipt_id: str) -> str:
    """The id of the dock-rejection record of receipt `receipt_id` (one per receipt: idempotent)."""
    return f"{receipt_id}{DOCK_SUFFIX}"


def inspection_return_id(inspection_id: str) -> str:
    """The id of the record of what inspection `inspection_id` rejected (one per inspection: idempotent)."""
    return f"{inspection_id}{INSPECTION_SUFFIX}"


class ExpectedCredit(Document):
    """A credit memo the supplier owes: goods returned on a line after it was
    billed beyond what is now kept, priced at the invoiced price. Settled by
    the supplier's credit memo for the line, or by replacement goods."""

    return_id: str
    line_no: LineNo
    quantity: PositiveQuantity
    unit_price: Decimal = Field(description="The price the line was invoiced at")
    invoice_number: str = Field(description="The invoice whose price it is")
    amount: Decimal = Field(description="quantity × unit_price, rounded to the currency")
    currency: Currency
    expected_at: UtcDatetime
    credited: Decimal = Field(default=Decimal(0), description="Credited so far by credit memos")
    settled_by: list[str] = Field(
        default_factory=list, description="The credit memos (or the replacement receipt) that answered it"
    )
    settled_at: UtcDatetime | None = None

    @property
    def open(self) -> bool:
        return self.settled_at is None

    @property
    def outstanding(self) -> Decimal:
        return self.quantity - self.credited if self.open else Decimal(0)
