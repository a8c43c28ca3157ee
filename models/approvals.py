"""The approval matrix (issue #16 item 2): which people approve a PO, level by
level, decided by its amount, category, budget code and flags — and, with
bands for their task, who decides a supplier's change, an invoice hold and a
document review.

A band matches a PO when every criterion it sets holds (an unset criterion
matches anything): the currency, the total in [min_total, max_total), a line
of the category, the budget code, and any one of its flags. Bands are tried
in the file's order; the first match gives the route. Levels are sequential;
within a level any one of its people may approve (any person with its role
when it names none), within their own approval limit. A band with no levels
approves automatically. A band names the task it routes (`task`, default
the PO's approval); the other tasks take one decision, so their bands have
one level, and their amount is what is at stake: the PO's total for a
supplier's change, the invoice's total for a hold, the document's total for
a review. A hold band's `flags` are hold codes (PRICE, DUPLICATE, …).
Sources: SAP release strategies (release codes by
characteristic values: amount, cost centre, material group), Oracle approval
groups and hierarchies (sequential approvers, amount limits per person).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Literal

from pydantic import Field, model_validator

from models.common import Document

__all__ = ["ApprovalBand", "ApprovalLevel", "ApprovalRoute", "RoutedTask", "TaskRouteRequest"]

# The tasks a band may route (models.tasks.TaskKind values; named here so that
# the matrix file is checked without importing the task vocabulary).
RoutedTask = Literal["approve_po", "approve_supplier_change", "resolve_invoice_hold", "review_document"]


class ApprovalLevel(Document):
    role: str = Field(min_length=1, max_length=64, description="identity.roles.Role the approver holds")
    people: list[str] = Field(
        default_factory=list, description="Any one of these principal ids; empty: anyone with the role"
    )


class ApprovalBand(Document):
    name: str = Field(min_length=1, max_length=64)
    task: RoutedTask = Field(default="approve_po", description="The task this band routes")
    currency: str | None = Field(default=None, min_length=3, max_length=3, description="None: any currency")
    min_total: Decimal = Field(default=Decimal(0), ge=0)
    max_total: Decimal | None = Field(default=None, gt=0, description="Exclusive; None: no upper bound")
    category: str | None = Field(default=None, description="A line of this item category")
    budget_code: str | None = None
    flags: list[str] = Field(default_factory=list, description="Any one of these validation flags")
    levels: list[ApprovalLevel] = Field(default_factory=list, description="Sequential; none: auto-approved")

    @model_validator(mode="after")
    def _one_decision_outside_po_approval(self) -> ApprovalBand:
        if self.task != "approve_po" and len(self.levels) != 1:
            raise ValueError(f"band {self.name!r}: a {self.task} band has exactly one level (one decision)")
        return self


class ApprovalRoute(Document):
    """The band a PO matched and its levels, recorded in the PO's history."""

    band: str
    levels: list[ApprovalLevel]
    why: str = Field(description="Which criteria matched, in words")


class TaskRouteRequest(Document):
    """What the matrix routes a task by (activity `route_task`)."""

    task: RoutedTask
    total: Decimal = Field(description="What is at stake, in `currency`")
    currency: str = Field(min_length=3, max_length=3)
    categories: list[str] = Field(default_factory=list)
    budget_code: str | None = None
    flags: list[str] = Field(default_factory=list, description="PO flags, or hold codes for a hold")
