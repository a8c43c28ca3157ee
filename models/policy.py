"""The policy a PO runs under: SLAs, approval threshold and tolerances.

The workflow reads it once through an activity, so the values in force are in
the workflow history and every decision can be explained later."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from pydantic import Field, field_validator, model_validator

from models.common import Document
from models.matching import ToleranceProfile, check_candidates


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

    _unambiguous = field_validator("tolerance_profiles")(lambda cls, v: check_candidates(v))

    @model_validator(mode="after")
    def _at_least_the_vendor_profile(self) -> "Policy":
        # A policy recorded by an older worker has no candidates: matching then
        # uses the one profile it had, exactly as before.
        if not self.tolerance_profiles:
            self.tolerance_profiles = [self.tolerances]
        return self
