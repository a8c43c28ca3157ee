"""Supplier documents for a PO: acknowledgments, receipts, inspection results,
returns to the vendor, invoices and credit memos. Stored first, then signalled to the PO's workflow; a re-send finds the
stored copy, signals again (the workflow ignores an id it has seen) and answers
Duplicate, so a lost delivery heals and there is never a second effect."""

from __future__ import annotations

import logging
from dataclasses import dataclass

from pydantic import BaseModel, ValidationError
from temporalio.client import WorkflowQueryFailedError

from activities.db import repository
from identity.principal import Caller
from identity.roles import Permission
from models import GoodsReceipt, PurchaseOrderState
from models.inspections import InspectionResult
from models.returns import ReturnReason, ReturnToVendor
from p2p import receiving
from starter.errors import (
    Duplicate,
    FieldError,
    Invalid,
    NotFound,
    OverReceiptRefused,
    Rejected,
    Unavailable,
)
from starter.service.authorization import authorize
from starter.service.checks import check_payload_size, check_po_number, duplicate_message, sha256_of
from starter.service.core import ServiceCore
from starter.service.naming import SupplierDocument, document_kind_and_signal, raw_json, workflow_id_for
from workflows.contract import PoQuery

log = logging.getLogger("poflow.starter")


@dataclass(frozen=True)
class DocumentAccepted:
    document_id: str
    po_number: str
    workflow_id: str


class Documents(ServiceCore):
    """The document operations of PoflowService."""

    async def submit_document(
        self,
        document: SupplierDocument,
        *,
        by: Caller,
        raw: bytes | None = None,
        source: str = "api",
        content_type: str = "application/json",
        expected_po_number: str | None = None,
    ) -> DocumentAccepted:
        """Store an acknowledgment, receipt or invoice (credit memos too), then
        signal it to its PO; a re-send answers Duplicate with the first id."""
        kind, signal = document_kind_and_signal(document)
        # A return takes goods off a receipt, an inspection judges a receipt's
        # goods: whoever may post receipts may post them.
        warehouse = isinstance(document, GoodsReceipt | ReturnToVendor | InspectionResult)
        needs = Permission.POST_RECEIPTS if warehouse else Permission.SUBMIT_DOCUMENTS
        async with self.audited(
            by, po_number=document.po_number, what=f"send a {kind}", evidence=document.document_id
        ):
            authorize(by, needs)
        po_number = document.po_number
        check_po_number(po_number, expected_po_number)
        _check_return(document)
        check_payload_size(document, self.settings.max_workflow_input_bytes, f"{kind} {document.document_id}")
        raw_bytes = raw or raw_json(document)
        await self._open_or_duplicate(document, kind, raw_bytes)
        if isinstance(document, GoodsReceipt):
            async with self.audited(
                by, po_number=po_number, what=f"send a {kind}", evidence=document.document_id
            ):
                await self._check_over_receipt(document)
        document_id = document.document_id
        stored = await self.store_document(
            document_id=document_id,
            kind=kind,
            raw=raw_bytes,
            content_type=content_type,
            source=source,
            po_number=po_number,
        )
        workflow_id = workflow_id_for(po_number)
        same_bytes = stored.sha256 == sha256_of(raw_bytes)
        to_signal = await self._what_to_signal(document, stored, same_bytes=same_bytes)
        if to_signal is not None:
            await self._deliver(po_number, signal, to_signal, resent=stored.duplicate)
        if stored.duplicate:
            raise Duplicate(
                duplicate_message(kind, document_id, po_number, same_bytes=same_bytes),
                document_id=document_id,
                first_document_id=stored.first_document_id,
                workflow_id=workflow_id,
            )
        log.info("accepted %s %s for %s", kind, document_id, workflow_id)
        return DocumentAccepted(document_id, po_number, workflow_id)

    async def _open_or_duplicate(self, document: SupplierDocument, kind: str, raw: bytes) -> None:
        """A closed PO takes no new document (Rejected); one it took before —
        the same business key, re-sent — is still answered as the duplicate
        it is, whenever it comes back."""
        try:
            await self._ensure_open(document.po_number)
        except Rejected:
            first = await self._db(repository.get_document, self.engine, document.document_id)
            if first is None or first.po_number != document.po_number:
                raise
            raise Duplicate(
                duplicate_message(
                    kind, document.document_id, document.po_number, same_bytes=first.sha256 == sha256_of(raw)
                ),
                document_id=document.document_id,
                first_document_id=first.document_id,
                workflow_id=workflow_id_for(document.po_number),
            ) from None

    async def _what_to_signal(
        self, document: SupplierDocument, stored: repository.StoredDocument, *, same_bytes: bool
    ) -> SupplierDocument | None:
        """A new document is signalled. A re-send is signalled again so that a
        delivery lost after storing heals — as its first copy, since the first
        one stands. Nothing is signalled when the bytes were first stored under
        another key (delivered under that key), or when the first copy is not
        JSON of this kind (it came through another channel, which delivers it)."""
        if not stored.duplicate:
            return document
        if stored.first_document_id != document.document_id:
            return None
        if same_bytes:
            return document
        first = await self._db(repository.get_document_bytes, self.engine, stored.first_document_id)
        try:
            return type(document).model_validate_json(first) if first else None
        except ValidationError:
            return None

    async def _check_over_receipt(self, receipt: GoodsReceipt) -> None:
        """Under a vendor policy that refuses over-receipts, a receipt that
        takes a line beyond ordered + tolerance (p2p.receiving, on the PO's
        live state) is refused: OverReceiptRefused, nothing stored or
        signalled. A re-send of a receipt the PO has goes on (a duplicate).
        Without an answer from the worker the receipt goes on as well: the
        workflow flags what is beyond the tolerance, and nothing is lost."""
        po_number = receipt.po_number
        try:
            with self.temporal_errors(po_number):
                state = await self.bounded(
                    self._handle(po_number).query(PoQuery.STATE, result_type=PurchaseOrderState), po_number
                )
        except (Unavailable, WorkflowQueryFailedError) as err:
            log.warning(
                "over-receipt check of %s skipped, the workflow will flag it: %s", receipt.document_id, err
            )
            return
        if receipt.document_id in state.processed_document_ids:
            return
        refusal = receiving.over_receipt_refusal(state, receipt)
        if refusal:
            raise OverReceiptRefused(refusal)

    async def _signal(self, po_number: str, signal: str, document: BaseModel) -> None:
        with self.temporal_errors(po_number):
            await self._handle(po_number).signal(signal, document)

    async def _deliver(self, po_number: str, signal: str, document: BaseModel, *, resent: bool) -> None:
        """Signal the document. The PO may finish between `_ensure_open` and the
        signal (its last invoice paid): a re-send then needs no healing — it is
        still a duplicate — and a new document is refused as sent to a closed PO,
        never answered 404 as if the PO did not exist."""
        try:
            await self._signal(po_number, signal, document)
        except NotFound:
            if resent:
                return
            await self._ensure_open(po_number)
            raise


# Where each rejection poflow records as a return of its own is sent instead.
_RECORDED_ELSEWHERE = {
    ReturnReason.REJECTED_AT_DOCK: "rejected at the dock goes on the goods receipt (quantity_rejected)",
    ReturnReason.REJECTED_AT_INSPECTION: (
        "rejected at inspection goes on the inspection result (quantity_rejected)"
    ),
}


def _check_return(document: SupplierDocument) -> None:
    """A rejection at the dock is the receipt's `quantity_rejected`, one at
    inspection the inspection result's (poflow records the return of it): a
    return sent with either reason code is refused here."""
    if not isinstance(document, ReturnToVendor):
        return
    errors = [
        FieldError(f"lines[{i}].reason_code", _RECORDED_ELSEWHERE[line.reason_code])
        for i, line in enumerate(document.lines)
        if line.reason_code in _RECORDED_ELSEWHERE
    ]
    if errors:
        raise Invalid(
            f"return {document.return_id}: a rejection at the dock or at inspection is not a return after receipt",
            errors,
        )
