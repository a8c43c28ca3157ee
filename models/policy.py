"""The policy a PO runs under: SLAs, approval threshold and tolerances.

The workflow reads it once through an activity, so the values in force are in
the workflow history and every decision can be explained later."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from pydantic import Field

from models.common import Document
from models.matching import ToleranceProfile


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
    tolerances: ToleranceProfile = Field(default_factory=ToleranceProfile)
