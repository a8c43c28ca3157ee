"""Inspection after receipt, part of receiving (lifecycle step 5; issue #17
item 6): on a 4-way line a receipt's goods are pending inspection until an
inspection result says how many passed (Oracle's 4-way on accepted quantity,
SAP QM's inspection lot). What passed counts as accepted
(PurchaseOrderState.accepted_quantity), so invoices held INSPECTION re-match,
and the PO is received once its 4-way lines passed. What failed goes back to
the supplier as a return of its own (po_steps.returns, PATCH_INSPECTION_RETURNS).
A result for a receipt not on the PO, or of more than its receipt brought, is
refused on the timeline.
Runs started before PATCH_INSPECTIONS (state.inspection_rule False) keep
accepted = received − rejected at the receipt and ignore inspections."""

from __future__ import annotations

from temporalio import workflow

from workflows.po_steps.base import PoBase

with workflow.unsafe.imports_passed_through():
    from models import HoldCode, PoStatus, TaskKind
    from models.inspections import InspectionResult
    from p2p import receiving


class InspectionSteps(PoBase):
    """Step 5, after the dock: the inspection's outcome."""

    async def _on_inspection(self, inspection: InspectionResult) -> None:
        s = self._s
        actor = inspection.inspected_by or "system"
        if not s.inspection_rule:
            self._log(
                "inspection_ignored",
                f"{inspection.inspection_id}: this run started before inspections "
                "(accepted is received − rejected at the receipt)",
                actor=actor,
            )
            return
        refusal = receiving.inspection_refusal(s, inspection)
        if refusal:
            self._log(
                "inspection_refused", f"{inspection.inspection_id} not recorded: {refusal}", actor=actor
            )
            return
        s.inspections.append(inspection)
        self._log(
            "inspected", f"{inspection.inspection_id} of {inspection.receipt_id}: {self._text(inspection)}"
        )
        if receiving.fully_received(s, net_of_rejections=self._net_receipts()):
            s.status = PoStatus.RECEIVED
            s.receipt_due_at = None
            await self._cancel_open_tasks(TaskKind.EXPEDITE_RECEIPT)
        await self._reschedule_receipt()  # failed units are missing again (po_steps.expedite)
        # Before the re-match: a credit is owed for rejected units billed to AP
        # already, not for what an invoice held until now is approved for.
        await self._after_inspection(inspection)
        await self._rematch_waiting_for(HoldCode.INSPECTION)

    def _text(self, inspection: InspectionResult) -> str:
        parts = []
        for line in inspection.lines:
            po_line = self._s.po.line(line.line_no)
            uom = f" {po_line.uom}" if po_line else ""
            text = f"line {line.line_no}: {line.quantity_accepted.normalize():f}{uom} accepted"
            if line.quantity_rejected:
                text += f", {line.quantity_rejected.normalize():f}{uom} rejected"
                text += f" ({line.reject_reason})" if line.reject_reason else ""
            parts.append(text)
        return ", ".join(parts)
