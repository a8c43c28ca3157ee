"""A vendor's bank account, as poflow knows it (masked; poflow does not pay).

    PUT /api/v1/vendors/{vendor_id}/bank-account   {iban, reason} → who changed it, masked
    GET /api/v1/vendors/{vendor_id}/bank-account   the latest change (masked)

Changing it needs the manage_vendor_bank permission (an AP manager); whoever
changed it may then not release the vendor's invoices to payment.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from models.vendors import BankChange
from starter.api.shared import API_PREFIX, Service, Who, errors

__all__ = ["BankAccountBody", "router"]

router = APIRouter(prefix=f"{API_PREFIX}/vendors", tags=["vendors"])


class BankAccountBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    iban: str = Field(min_length=15, max_length=42, description="Checked (mod 97), then kept only masked")
    reason: str = Field(
        min_length=1, max_length=2000, description="Why it changed (the supplier's letter, …)"
    )

    def __repr__(self) -> str:  # never the account in a log or a traceback
        return "BankAccountBody(iban=<hidden>, …)"


@router.put("/{vendor_id}/bank-account", responses=errors(403, 404, 422, 503))
async def change_bank_account(
    vendor_id: str, body: BankAccountBody, service: Service, who: Who
) -> BankChange:
    return await service.change_bank_account(vendor_id, body.iban, body.reason, who)


@router.get("/{vendor_id}/bank-account", responses=errors(404, 503))
async def bank_account(vendor_id: str, service: Service) -> BankChange:
    return await service.bank_account(vendor_id)
