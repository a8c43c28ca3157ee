"""The policy a PO runs under: SLAs, approval threshold and tolerances.

The workflow reads it once through an activity, so the values in force are in
the workflow history and every decision can be explained later."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from models.common import Document
from models.matching import ToleranceProfile, check_candidates
from models.purchase_order import DEFAULT_MATCH_LEVEL, MatchLevel

Percent = Annotated[Decimal, Field(ge=0, le=100, max_digits=9, decimal_places=6)]


class Policy(Document):
    name: str = "standard"
    version: int = 1
    approval_threshold: Decimal = Field(
        default=Decimal("10000"), ge=0, description="POs above this total need an approval task"
    )
    ack_reminder_after: timedelta = timedelta(days=2)
    ack_due_after: timedelta = timedelta(days=4)
    receipt_grace: timedelta = timedelta(days=3)
    invoice_hold_sla: timedelta = timedelta(days=5)
    task_sla: timedelta = timedelta(days=2)
    discount_escalation_lead: timedelta = Field(
        default=timedelta(days=2), description="Escalate a held invoice this long before its discount date"
    )
    tolerances: ToleranceProfile = Field(
        default_factory=ToleranceProfile,
        description="The vendor-level profile: header checks and supplier acknowledgments",
    )
    tolerance_profiles: list[ToleranceProfile] = Field(
        default_factory=list,
        description="Every profile that may apply to this vendor's PO lines (the match engine resolves "
        "one per line); recorded in history with the policy. Empty: just `tolerances`",
    )

    # --- matching (fields added later keep their defaults in older histories) ---
    duplicate_window_days: int = Field(
        default=30,
        ge=0,
        le=366,
        description="Suspected duplicate: same vendor and amount with invoice dates at most this many days apart",
    )
    audit_sample_pct: Percent = Field(
        default=Decimal(0),
        description="Share of invoices drawn for the random audit (RANDOM_AUDIT hold); 0 = no audit",
    )
    audit_min_amount: Decimal = Field(
        default=Decimal(0),
        ge=0,
        description="Invoices with a total below this (invoice currency) are not drawn",
    )
    audit_proportional_below_min: bool = Field(
        default=False,
        description="SAP's stochastic block: below the minimum the chance falls in proportion to the total "
        "instead of to zero",
    )
    acknowledgment_required: bool = Field(
        default=True,
        description="The vendor confirms every PO: chased when it does not (reminder, then a buyer task), "
        "and an invoice that arrives past the acknowledgment's due time is held ACK_MISSING; "
        "False: neither",
    )
    buyer_may_approve_own_po: bool = Field(
        default=False,
        description="Segregation of duties: False (the default) refuses the PO's buyer as its approver "
        "(p2p.decisions); True where a small team cannot keep the two apart",
    )
    audit_salt: str = Field(
        default="",
        max_length=64,
        description="Mixed into the draw so that suppliers cannot pick invoice numbers that avoid the audit",
    )
    default_match_level: MatchLevel = Field(
        default=DEFAULT_MATCH_LEVEL,
        description="Match level of items that have none and whose category has none",
    )
    category_match_levels: dict[str, MatchLevel] = Field(
        default_factory=dict, description="Match level per item category (case-blind), for items without one"
    )
    over_receipt_action: Literal["flag", "refuse"] = Field(
        default="flag",
        description="A receipt beyond the line profile's receipt_over limits: 'flag' records it and opens a "
        "buyer task; 'refuse' also has the receipt door answer 422 (Oracle's over-receipt action "
        "warning / reject). What reaches the workflow another way is flagged, never dropped",
    )
    freight_taxable: bool = Field(
        default=False,
        description="Freight is part of the taxable base (EU VAT: yes; many US states: no); taxed at the "
        "invoice lines' rate, pro rata (p2p.tax)",
    )

    _unambiguous = field_validator("tolerance_profiles")(lambda cls, v: check_candidates(v))

    @field_validator("category_match_levels")
    @classmethod
    def _one_level_per_category(cls, levels: dict[str, MatchLevel]) -> dict[str, MatchLevel]:
        folded = [category.casefold() for category in levels]
        twice = sorted({c for c in folded if folded.count(c) > 1})
        if twice:
            raise ValueError(f"category {', '.join(twice)} is listed twice (categories compare case-blind)")
        return levels

    def category_match_level(self, category: str | None) -> MatchLevel | None:
        if category is None:
            return None
        wanted = category.casefold()
        return next(
            (level for name, level in self.category_match_levels.items() if name.casefold() == wanted), None
        )

    @model_validator(mode="after")
    def _at_least_the_vendor_profile(self) -> Policy:
        # A policy recorded by an older worker has no candidates: matching then
        # uses the one profile it had, exactly as before.
        if not self.tolerance_profiles:
            self.tolerance_profiles = [self.tolerances]
        return self
