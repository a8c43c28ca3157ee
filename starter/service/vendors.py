"""A vendor's bank account: changed by a person with the right role, on the
audit trail (who changed it may then not release the vendor's invoices to
payment: Tasks.decide and the PO workflow's validator, p2p.decisions)."""

from __future__ import annotations

from datetime import UTC, datetime

from activities.db.vendor_bank import InvalidAccount, latest_bank_change, record_bank_change
from identity.principal import Caller
from identity.roles import Permission
from models.vendors import BankChange
from starter.errors import FieldError, Invalid, NotFound
from starter.service.authorization import authorize
from starter.service.core import ServiceCore

__all__ = ["Vendors"]


class Vendors(ServiceCore):
    async def change_bank_account(self, vendor_id: str, iban: str, reason: str, by: Caller) -> BankChange:
        async with self.audited(
            by, po_number="", what=f"change {vendor_id}'s bank account", evidence=vendor_id
        ):
            authorize(by, Permission.MANAGE_VENDOR_BANK)
            try:
                return await self._db(
                    record_bank_change,
                    self.engine,
                    vendor_id,
                    iban=iban,
                    changed_by=by.principal_id,
                    reason=reason,
                    now=datetime.now(UTC),
                )
            except LookupError as exc:
                raise NotFound(str(exc)) from None
            except InvalidAccount as exc:
                raise Invalid(str(exc), [FieldError("iban", str(exc))]) from None

    async def bank_account(self, vendor_id: str) -> BankChange:
        change = await self._db(latest_bank_change, self.engine, vendor_id)
        if change is None:
            raise NotFound(f"no bank account of {vendor_id} was set in poflow")
        return change
