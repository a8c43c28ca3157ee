"""The evidence the web app shows beside a decision: the supplier's original
document, the PO as it was first ordered (the revision diff starts there) and
an item's price history. Reading the original needs the READ permission (a
supplier's file may carry bank details: only principals see it)."""

from __future__ import annotations

import json

from pydantic import ValidationError

from activities.db import evidence, master_data
from identity.principal import Caller
from identity.roles import Permission
from models import PurchaseOrder
from starter.errors import NotFound
from starter.service.authorization import authorize
from starter.service.core import ServiceCore
from starter.service.naming import po_document_id

__all__ = ["Evidence"]


class Evidence(ServiceCore):
    async def original_document(self, document_id: str, by: Caller) -> evidence.Original:
        """The bytes as the supplier sent them behind `document_id` (404: none stored)."""
        authorize(by, Permission.READ)
        found = await self._db(evidence.original_document, self.engine, document_id)
        if found is None:
            raise NotFound(f"no document {document_id} is stored")
        return found

    async def active_vendors(self) -> list[master_data.Vendor]:
        """Who a rejected line can be re-sourced from (the task page offers them)."""
        return [v for v in await self._db(master_data.list_vendors, self.engine) if v.active]

    async def price_histories(
        self, vendor_id: str, item_ids: list[str]
    ) -> dict[str, list[evidence.PricePoint]]:
        return await self._db(evidence.price_histories, self.engine, vendor_id, item_ids)

    async def ordered_po(self, po_number: str) -> PurchaseOrder | None:
        """The PO as the buyer first sent it (revision 0); None when it was not
        stored as poflow reads it (then the page shows no revision diff)."""
        stored = await self._db(evidence.original_document, self.engine, po_document_id(po_number))
        if stored is None:
            return None
        try:
            return PurchaseOrder.model_validate(json.loads(stored.raw))
        except (ValueError, ValidationError):
            return None
