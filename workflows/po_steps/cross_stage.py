"""The steps one lifecycle stage of the PO workflow takes in another:
defined in the stage's module (named on each), declared here so that every
mixin type-checks on its own. PoBase inherits this class and
PurchaseOrderWorkflow lists PoBase last, so the stage's definition is the
one that runs."""

from __future__ import annotations

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models import (
        Acknowledgment,
        GoodsReceipt,
        HoldCode,
        HumanTask,
        Invoice,
        InvoiceRecord,
        PurchaseOrder,
        RevisionReason,
        TaskDecision,
    )
    from models.approvals import ApprovalRoute
    from models.functional_acks import FunctionalAck
    from models.inspections import InspectionResult
    from models.returns import ReturnToVendor
    from models.workflow_state import HoldRequest, LineCancelRequest


class CrossStageSteps:
    """Declarations only; see the module docstring."""

    async def _issue(self) -> None:  # start.StartSteps
        raise NotImplementedError

    async def _send_change(self, before: PurchaseOrder) -> None:  # amendments.AmendmentSteps
        raise NotImplementedError

    async def _route_for_approval(self, route: ApprovalRoute) -> None:  # approval.ApprovalSteps
        raise NotImplementedError

    async def _approve_po(self, task: HumanTask, d: TaskDecision) -> None:  # approval.ApprovalSteps
        raise NotImplementedError

    async def _decide_supplier_change(self, *, accept: bool, actor: str) -> None:  # documents.DocumentSteps
        raise NotImplementedError

    async def _new_revision(  # documents.DocumentSteps
        self, po: PurchaseOrder, reason: RevisionReason, source: str | None, detail: str, approved_by: str
    ) -> None:
        raise NotImplementedError

    async def _on_invoice(self, invoice: Invoice) -> None:  # invoices.InvoiceSteps
        raise NotImplementedError

    async def _rematch_waiting_for(self, code: HoldCode) -> None:  # invoices.InvoiceSteps
        raise NotImplementedError

    async def _rematch_held(self) -> None:  # invoices.InvoiceSteps
        raise NotImplementedError

    async def _open_hold_task(self, record: InvoiceRecord) -> None:  # invoices.InvoiceSteps
        raise NotImplementedError

    async def _decide_invoice_hold(self, task: HumanTask, d: TaskDecision) -> None:  # invoices.InvoiceSteps
        raise NotImplementedError

    async def _place_manual_hold(self, request: HoldRequest) -> None:  # invoices.InvoiceSteps
        raise NotImplementedError

    async def _on_functional_ack(self, fa: FunctionalAck) -> None:  # channel.ChannelSteps
        raise NotImplementedError

    async def _on_return(self, rtv: ReturnToVendor) -> None:  # returns.ReturnSteps
        raise NotImplementedError

    async def _after_receipt(self, receipt: GoodsReceipt) -> None:  # returns.ReturnSteps
        raise NotImplementedError

    async def _after_inspection(self, inspection: InspectionResult) -> None:  # returns.ReturnSteps
        raise NotImplementedError

    async def _on_inspection(self, inspection: InspectionResult) -> None:  # inspections.InspectionSteps
        raise NotImplementedError

    def _settle_expected_credits(self, credit: Invoice) -> None:  # returns.ReturnSteps
        raise NotImplementedError

    async def _decide_edi_rejection(self, task: HumanTask, d: TaskDecision) -> None:  # channel.ChannelSteps
        raise NotImplementedError

    async def _close_short(self, actor: str) -> None:  # closing.ClosingSteps
        raise NotImplementedError

    async def _finish_cancelled(self, reason: str) -> None:  # closing.ClosingSteps
        raise NotImplementedError

    async def _cancel_line(self, request: LineCancelRequest) -> None:  # closing.ClosingSteps
        raise NotImplementedError

    async def _open_rejected_line_tasks(self, ack: Acknowledgment, line_nos: list[int]) -> None:
        raise NotImplementedError  # rejected_lines.RejectedLineSteps

    async def _resolve_rejected_line(self, task: HumanTask, d: TaskDecision) -> None:
        raise NotImplementedError  # rejected_lines.RejectedLineSteps

    async def _decide_amendment(self, task: HumanTask, d: TaskDecision) -> None:
        raise NotImplementedError  # amendments.AmendmentSteps

    async def _check_over_receipt(self, receipt: GoodsReceipt) -> None:  # over_receipt.OverReceiptSteps
        raise NotImplementedError

    async def _decide_over_receipt(
        self, task: HumanTask, d: TaskDecision
    ) -> None:  # over_receipt.OverReceiptSteps
        raise NotImplementedError

    async def _reschedule_receipt(self) -> None:  # expedite.ExpediteSteps
        raise NotImplementedError

    async def _keep_waiting_for_receipt(self) -> None:  # expedite.ExpediteSteps
        raise NotImplementedError

    async def _expedite_lapsed(self) -> None:  # expedite.ExpediteSteps
        raise NotImplementedError
