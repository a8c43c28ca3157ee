"""Tolerance profiles: the limits per scope that matching and
acknowledgments check against, and the rule that candidates resolve
unambiguously."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field, model_validator

from models.common import Document
from p2p.tolerance import LimitOperator, Limits

__all__ = ["DaysLimit", "Limit", "ScopeId", "ToleranceProfile", "check_candidates"]


# A tolerance limit: None = not checked, 0 = no variance allowed. Never
# negative: a negative allowance would hold invoices that match exactly.
Limit = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=6)] | None
ScopeId = Annotated[str, Field(min_length=1, max_length=64)] | None
# Whole days of slack (None = not checked, 0 = none); ten years is no limit.
DaysLimit = Annotated[int, Field(ge=0, le=3650)] | None


class ToleranceProfile(Document):
    """Limits for one scope. `None` = not checked; `0` = no variance allowed.

    Scope: `item_id`, `vendor_id`, `category`, all optional; none set is a
    default profile. Per PO line the most specific applicable profile wins,
    item > vendor+category > vendor > category > default
    (`p2p.tolerance_profiles.resolve_profile`); header checks use the
    vendor-level profile. A profile is used whole: limits it leaves at `None`
    are not checked, they are *not* inherited from a less specific profile,
    so a hold is explained by exactly one profile.

    Percentages are of the reference value (agreed price, ordered, received or
    accepted quantity, PO total, expected tax); absolute amounts are in the
    document currency, absolute quantities in the PO line's unit. Where a
    check has both a percentage and an absolute limit, `limit_operator` says
    how they combine (`p2p.tolerance`): `any` — a variance beyond any active
    limit holds (SAP, Oracle; the default) — or `all` — only a variance
    beyond every active limit holds (Ariba's "OR", opt-in)."""

    name: str = Field(default="default", min_length=1, max_length=64)
    version: int = Field(default=1, ge=1)
    description: str | None = Field(default=None, max_length=500, description="Why this profile exists")
    # --- scope (none set = default profile) ---
    item_id: ScopeId = None
    vendor_id: ScopeId = None
    category: ScopeId = None
    # --- per PO line ---
    price_over_pct: Limit = Decimal("2")
    price_over_abs: Limit = Field(default=None, description="Per unit, document currency")
    price_under_pct: Limit = None
    price_under_abs: Limit = Field(default=None, description="Per unit, document currency")
    qty_over_ordered_pct: Limit = Decimal("0")
    qty_over_ordered_abs: Limit = Field(
        default=None, description="PO line unit (Oracle Max Quantity Ordered)"
    )
    qty_over_received_pct: Limit = Decimal("0")
    qty_over_received_abs: Limit = Field(
        default=None, description="PO line unit (Oracle Max Quantity Received)"
    )
    qty_over_accepted_pct: Limit = Decimal("0")
    qty_over_accepted_abs: Limit = Field(default=None, description="PO line unit")
    # Goods received (kept, to date) beyond the ordered quantity: SAP's
    # over-delivery tolerance, Oracle's over-receipt tolerance, ERPNext's
    # over_delivery_receipt_allowance. Unchecked by default; the policy's
    # `over_receipt_action` says whether the receipt door refuses or flags it.
    receipt_over_pct: Limit = Field(default=None, description="% of the ordered quantity (p2p.receiving)")
    receipt_over_abs: Limit = Field(default=None, description="PO line unit, beyond the ordered quantity")
    # --- per invoice (header; vendor-level profile) ---
    amount_over_po_pct: Limit = Field(default=None, description="Σ invoiced line amounts to date vs PO total")
    amount_over_po_abs: Limit = None
    freight_over_abs: Limit = Field(default=None, description="Freight billed to date vs the PO's freight")
    tax_over_pct: Limit = Field(default=None, description="% of the expected tax (needs a tax rate)")
    tax_over_abs: Limit = None
    total_small_difference_abs: Limit = Field(
        default=Decimal("0.05"),
        description="Write-off for header total vs lines + freight + tax, and for line amount vs qty × price",
    )
    # Supplier acknowledgment changes accepted without asking the buyer, per
    # direction (SAP's confirmation control keys: PRTLH over %, PRTLL under %).
    ack_price_over_pct: Limit = Field(default=Decimal("2"), description="Acknowledged price above the PO's")
    ack_price_under_pct: Limit = Field(default=Decimal("2"), description="Acknowledged price below the PO's")
    ack_qty_over_pct: Limit = Field(default=Decimal("0"), description="Confirmed quantity above the ordered")
    ack_qty_under_pct: Limit = Field(default=Decimal("0"), description="Confirmed quantity below the ordered")
    ack_days_late: DaysLimit = Field(
        default=None, description="Days a promised date may fall after the line's need-by date"
    )
    limit_operator: LimitOperator = Field(
        default=LimitOperator.ANY,
        description="How a check's percentage and absolute limits combine: 'any' — a variance beyond any "
        "active limit holds (SAP, Oracle) — or 'all' — only beyond every active limit (Ariba's OR)",
    )

    @model_validator(mode="before")
    @classmethod
    def _symmetric_ack_limits(cls, data: object) -> object:
        """`ack_price_pct` / `ack_qty_pct` (one limit either way) as stored
        and recorded before the limits had a direction: they set both."""
        if not isinstance(data, dict) or not ({"ack_price_pct", "ack_qty_pct"} & data.keys()):
            return data
        data = dict(data)
        for legacy, field in (("ack_price_pct", "ack_price"), ("ack_qty_pct", "ack_qty")):
            if legacy in data:
                value = data.pop(legacy)
                data.setdefault(f"{field}_over_pct", value)
                data.setdefault(f"{field}_under_pct", value)
        return data

    @model_validator(mode="after")
    def _item_or_category(self) -> ToleranceProfile:
        # An item has exactly one category: scoping by both would be a profile
        # that silently never applies when the two disagree.
        if self.item_id is not None and self.category is not None:
            raise ValueError("scope by item_id or by category, not both (an item has one category)")
        return self

    @property
    def scope_key(self) -> str | None:
        """The scope as one comparable string (`vendor=NORDIC|category=lab
        equipment`); None for a default profile. Two profiles with the same
        key would make resolution ambiguous. Category compares case-blind."""
        parts = [
            f"item={self.item_id}" if self.item_id is not None else None,
            f"vendor={self.vendor_id}" if self.vendor_id is not None else None,
            f"category={self.category.casefold()}" if self.category is not None else None,
        ]
        key = "|".join(part for part in parts if part is not None)
        return key or None

    @property
    def source(self) -> str:
        """Where a limit came from, as shown on holds: `default v1`."""
        return f"{self.name} v{self.version}"

    def limits(self, check: str) -> Limits:
        """The limits of one check (`price_over`, `qty_over_received`, …):
        its `_pct` and `_abs` fields, combined by this profile's operator."""
        pct, amount = f"{check}_pct", f"{check}_abs"
        fields = type(self).model_fields
        if pct not in fields and amount not in fields:
            raise KeyError(f"no tolerance check {check!r}")  # a typo must not read as "not checked"
        return Limits(
            pct=getattr(self, pct, None), amount=getattr(self, amount, None), operator=self.limit_operator
        )


def check_candidates(profiles: list[ToleranceProfile]) -> list[ToleranceProfile]:
    """Candidate profiles must resolve unambiguously: names (what a hold
    quotes) and scopes (what resolution compares) are unique. Several default
    profiles would tie, so at most one."""
    names = [profile.name for profile in profiles]
    if len(set(names)) != len(names):
        twice = sorted({name for name in names if names.count(name) > 1})
        raise ValueError(f"tolerance profile name(s) {', '.join(twice)} appear more than once")
    scopes = [profile.scope_key or "default" for profile in profiles]
    if len(set(scopes)) != len(scopes):
        twice = sorted({scope for scope in scopes if scopes.count(scope) > 1})
        raise ValueError(f"more than one tolerance profile for scope {', '.join(twice)}")
    return profiles
