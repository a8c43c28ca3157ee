"""The approval matrix (issue #16 item 2): which people approve a PO, level by
level, decided by its amount, category, budget code and flags.

A band matches a PO when every criterion it sets holds (an unset criterion
matches anything): the currency, the total in [min_total, max_total), a line
of the category, the budget code, and any one of its flags. Bands are tried
in the file's order; the first match gives the route. Levels are sequential;
within a level any one of its people may approve (any person with its role
when it names none), within their own approval limit. A band with no levels
approves automatically. Sources: SAP release strategies (release codes by
characteristic values: amount, cost centre, material group), Oracle approval
groups and hierarchies (sequential approvers, amount limits per person).
"""

from __future__ import annotations

from decimal import Decimal

from pydantic import Field

from models.common import Document

__all__ = ["ApprovalBand", "ApprovalLevel", "ApprovalRoute"]


class ApprovalLevel(Document):
    role: str = Field(min_length=1, max_length=64, description="identity.roles.Role the approver holds")
    people: list[str] = Field(
        default_factory=list, description="Any one of these principal ids; empty: anyone with the role"
    )


class ApprovalBand(Document):
    name: str = Field(min_length=1, max_length=64)
    currency: str | None = Field(default=None, min_length=3, max_length=3, description="None: any currency")
    min_total: Decimal = Field(default=Decimal(0), ge=0)
    max_total: Decimal | None = Field(default=None, gt=0, description="Exclusive; None: no upper bound")
    category: str | None = Field(default=None, description="A line of this item category")
    budget_code: str | None = None
    flags: list[str] = Field(default_factory=list, description="Any one of these validation flags")
    levels: list[ApprovalLevel] = Field(default_factory=list, description="Sequential; none: auto-approved")


class ApprovalRoute(Document):
    """The band a PO matched and its levels, recorded in the PO's history."""

    band: str
    levels: list[ApprovalLevel]
    why: str = Field(description="Which criteria matched, in words")
