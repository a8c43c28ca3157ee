"""Purchase orders: start one (store the PO, then start its workflow), its live
state, the list from the projection, cancel, and a manual hold on an invoice."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import sqlalchemy.exc
from temporalio.client import WorkflowQueryFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from activities.db import master_data, repository
from identity.principal import Caller
from identity.roles import Permission
from models import (
    AuditEvent,
    CancelRequest,
    FinalCloseRequest,
    InvoiceRecord,
    LineCancelRequest,
    PoProjection,
    PurchaseOrder,
    PurchaseOrderInput,
    PurchaseOrderState,
)
from models.amendments import AmendRequest
from models.workflow_state import HoldRequest
from starter.errors import Duplicate, PoflowError, Unavailable
from starter.service.authorization import authorize
from starter.service.checks import build, check_payload_size, first_line
from starter.service.core import ServiceCore
from starter.service.naming import po_details, po_document_id, po_label, po_summary, raw_json, workflow_id_for
from workflows.contract import PoQuery, PoUpdate, WorkflowType

log = logging.getLogger("poflow.starter")


@dataclass(frozen=True)
class PoStarted:
    po_number: str
    workflow_id: str
    ui_url: str


class PurchaseOrders(ServiceCore):
    """The purchase-order operations of PoflowService."""

    async def create_po(
        self,
        po: PurchaseOrder,
        *,
        by: Caller,
        raw: bytes | None = None,
        source: str = "api",
        content_type: str = "application/json",
    ) -> PoStarted:
        """Store the PO, then start its workflow. An existing PO (running or
        finished: PO numbers are never reused) answers Duplicate."""
        async with self.audited(by, po_number=po.po_number, what="create the PO"):
            authorize(by, Permission.MANAGE_POS)
        check_payload_size(
            PurchaseOrderInput(po=po), self.settings.max_workflow_input_bytes, po_label(po.po_number)
        )
        document_id = po_document_id(po.po_number)
        stored = await self.store_document(
            document_id=document_id,
            kind="purchase_order",
            raw=raw or raw_json(po),
            content_type=content_type,
            source=source,
            po_number=po.po_number,
        )
        workflow_id = workflow_id_for(po.po_number)
        vendor_name = await self._vendor_name(po.vendor_id)
        try:
            with self.temporal_errors(po.po_number):
                await self.client.start_workflow(
                    WorkflowType.PURCHASE_ORDER,
                    PurchaseOrderInput(po=po),
                    id=workflow_id,
                    task_queue=self.settings.task_queue,
                    id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                    id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                    static_summary=po_summary(po, vendor_name),
                    static_details=po_details(po),
                )
        except WorkflowAlreadyStartedError:
            raise Duplicate(
                f"{po_label(po.po_number)} already exists (workflow {workflow_id}); nothing was changed",
                document_id=document_id,
                first_document_id=stored.first_document_id,
                workflow_id=workflow_id,
            ) from None
        log.info("started %s (%s)", workflow_id, "re-sent after a lost start" if stored.duplicate else "new")
        return PoStarted(po.po_number, workflow_id, self.workflow_url(po.po_number))

    async def _vendor_name(self, vendor_id: str) -> str | None:
        """For the summary only: an unknown vendor is the workflow's finding to
        report, and a lookup failure must not stop the PO."""
        try:
            vendor = await self._db(master_data.get_vendor, self.engine, vendor_id)
        except (PoflowError, sqlalchemy.exc.SQLAlchemyError) as err:
            log.warning("vendor lookup for %s failed (%s); summary shows the id", vendor_id, first_line(err))
            return None
        return vendor.name if vendor else None

    async def get_state(self, po_number: str) -> PurchaseOrderState:
        """Live state from the workflow's `state` query (the workflow is the truth)."""
        handle = self._handle(po_number)
        with self.temporal_errors(po_number):
            try:
                return await self.bounded(
                    handle.query(PoQuery.STATE, result_type=PurchaseOrderState), po_number
                )
            except WorkflowQueryFailedError as err:
                raise Unavailable(
                    f"the state query for {po_label(po_number)} failed: {err.message}"
                ) from None

    async def list_audit(self, po_number: str) -> list[AuditEvent]:
        """A PO's audit trail in order: decisions, escalations, refusals ('' for
        the events that name no PO, such as refused tolerance changes)."""
        return await self._db(repository.list_audit_events, self.engine, po_number)

    async def list_pos(self, status: str | None = None) -> list[PoProjection]:
        return await self._db(repository.list_purchase_orders, self.engine, status=status)

    async def cancel(self, po_number: str, by: Caller, reason: str) -> PurchaseOrderState:
        async with self.audited(by, po_number=po_number, what="cancel the PO"):
            authorize(by, Permission.MANAGE_POS)
            request = build(CancelRequest, actor=by.principal_id, reason=reason)
            return await self._update(po_number, PoUpdate.CANCEL, request, PurchaseOrderState)

    async def final_close(self, po_number: str, by: Caller, reason: str) -> PurchaseOrderState:
        """End the PO for good, keeping what was delivered (the `final_close` update)."""
        async with self.audited(by, po_number=po_number, what="final-close the PO"):
            authorize(by, Permission.MANAGE_POS)
            request = build(FinalCloseRequest, actor=by.principal_id, reason=reason)
            return await self._update(po_number, PoUpdate.FINAL_CLOSE, request, PurchaseOrderState)

    async def cancel_line(self, po_number: str, line_no: int, by: Caller, reason: str) -> PurchaseOrderState:
        """Cancel one line nothing was received or invoiced on (the `cancel_line` update)."""
        async with self.audited(by, po_number=po_number, what=f"cancel line {line_no}"):
            authorize(by, Permission.MANAGE_POS)
            request = build(LineCancelRequest, actor=by.principal_id, reason=reason, line_no=line_no)
            return await self._update(po_number, PoUpdate.CANCEL_LINE, request, PurchaseOrderState)

    async def amend(self, po_number: str, changes: dict[str, Any], by: Caller) -> PurchaseOrderState:
        """The buyer's amendment (the `amend` update): `changes` is the request
        without its actor — `reason`, `lines`, `add_lines` (models.amendments)."""
        async with self.audited(by, po_number=po_number, what="amend the PO"):
            authorize(by, Permission.MANAGE_POS)
            request = build(AmendRequest, **changes, actor=by.principal_id)
            return await self._update(po_number, PoUpdate.AMEND, request, PurchaseOrderState)

    async def hold_invoice(
        self, po_number: str, invoice_number: str, by: Caller, reason: str, line_no: int | None = None
    ) -> InvoiceRecord:
        """A MANUAL hold on an invoice not yet approved (update `hold_invoice`;
        its validator refuses unknown, approved and rejected invoices)."""
        async with self.audited(by, po_number=po_number, what="hold the invoice", evidence=invoice_number):
            authorize(by, Permission.HOLD_INVOICES)
            request = build(
                HoldRequest,
                invoice_number=invoice_number,
                actor=by.principal_id,
                reason=reason,
                line_no=line_no,
            )
            record = await self._update(po_number, PoUpdate.HOLD_INVOICE, request, InvoiceRecord)
        log.info("invoice %s on %s held by %s", invoice_number, po_number, by.principal_id)
        return record
