"""A vendor's bank account as poflow knows it: who changed it, when, and the
account masked — never the number (poflow does not pay; AP's payment run
does, from its own master data). Enough for the segregation-of-duties rule
that whoever changed a vendor's bank details does not approve its payment."""

from __future__ import annotations

from pydantic import Field

from models.common import Document, UtcDatetime

__all__ = ["BankChange"]


class BankChange(Document):
    vendor_id: str = Field(min_length=1, max_length=64)
    account_masked: str = Field(description="Country, check digits and last four: DE89 •••• 3000")
    changed_by: str = Field(min_length=1, max_length=64, description="The principal id")
    changed_at: UtcDatetime
    reason: str = ""
