"""The buyer's amendment of an issued PO (the `amend` update, issue #17
item 3): per line a new quantity, price or need-by date, or the line
cancelled; and lines added. p2p.amendments has the rules."""

from __future__ import annotations

from pydantic import Field, model_validator

from models.common import MAX_LINES, BusinessDate, Document, LineNo, PositiveQuantity, UnitPrice, unique_lines
from models.purchase_order import PurchaseOrderLine

__all__ = ["AmendChanges", "AmendRequest", "LineAmendment"]


class LineAmendment(Document):
    """What the buyer changes on one line (fields left out stay as they are)."""

    line_no: LineNo
    quantity: PositiveQuantity | None = None
    unit_price: UnitPrice | None = None
    need_by: BusinessDate | None = None
    cancel: bool = Field(default=False, description="Take the line off the order (nothing else may change)")

    @model_validator(mode="after")
    def _cancel_alone(self) -> LineAmendment:
        changed = (self.quantity, self.unit_price, self.need_by) != (None, None, None)
        if self.cancel and changed:
            raise ValueError(f"line {self.line_no}: a cancelled line changes nothing else")
        if not self.cancel and not changed:
            raise ValueError(
                f"line {self.line_no}: say what changes (quantity, unit_price, need_by or cancel)"
            )
        return self


class AmendChanges(Document):
    """The changes of an amendment, as a file for `poflow amend` holds them."""

    lines: list[LineAmendment] = Field(default_factory=list, max_length=MAX_LINES)
    add_lines: list[PurchaseOrderLine] = Field(default_factory=list, max_length=MAX_LINES)

    @model_validator(mode="after")
    def _one_change_per_line(self) -> AmendChanges:
        unique_lines(self.lines, "amendment")
        unique_lines(self.add_lines, "added")
        if not self.lines and not self.add_lines:
            raise ValueError("an amendment changes, cancels or adds at least one line")
        return self


class AmendRequest(AmendChanges):
    """The payload of the `amend` update: who, why, and the changes. A total
    that rises beyond the approval threshold waits for an approver;
    otherwise it is the next revision at once. Either way the supplier is
    sent the change."""

    actor: str = Field(min_length=1, max_length=128)
    reason: str = Field(min_length=1, max_length=2000)
