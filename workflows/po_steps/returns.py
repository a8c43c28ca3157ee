"""Returns to the vendor, part of receiving (lifecycle step 5; issue #17 item
6): a return lowers what counts as received (p2p.receiving is net of
returns), may take a received PO back to partially received, and — where the
line was already billed to AP beyond what is now kept — makes a credit memo
expected, which the supplier is told about and which their credit memo (or
replacement goods) settles. A return of more than was received and kept is
refused on the timeline. A receipt's dock rejections are recorded as a return
of their own (they never counted as received, so nothing is subtracted twice),
and so are the units an inspection rejects (they never counted as accepted;
the supplier is told, and a credit memo is expected where they were billed
to AP). Runs started before PATCH_RETURNS take no returns, runs started
before PATCH_INSPECTION_RETURNS only record the inspection."""

from __future__ import annotations

from decimal import Decimal

from temporalio import workflow

from workflows.po_steps.base import PoBase
from workflows.po_steps.patches import PATCH_INSPECTION_RETURNS, PATCH_RETURNS

with workflow.unsafe.imports_passed_through():
    from models import GoodsReceipt, Invoice, NotificationChannel, PoStatus, format_money, round_money
    from models.inspections import InspectionResult
    from models.returns import ExpectedCredit, ReturnToVendor
    from p2p import receiving, returns


class ReturnSteps(PoBase):
    """Step 5, backwards: goods sent back, and the credit they make owed."""

    def _returns_rule(self) -> bool:
        return self._patched(PATCH_RETURNS)

    async def _on_return(self, rtv: ReturnToVendor) -> None:
        if not self._returns_rule():
            workflow.logger.warning("ignoring %s: this run started before returns", rtv.document_id)
            return
        s = self._s
        net = self._net_receipts()
        actor = rtv.returned_by or "system"
        refusal = returns.return_refusal(s, rtv, net_of_rejections=net)
        if refusal:
            self._log("return_refused", f"{rtv.return_id} not recorded: {refusal}", actor=actor)
            return
        await self._record_return(rtv, actor)
        await self._rematch_held()  # received is lower now

    async def _record_return(self, rtv: ReturnToVendor, actor: str) -> None:
        """A return that stands: recorded, the PO perhaps no longer received,
        a credit memo expected where the goods were billed, the supplier told."""
        s = self._s
        net = self._net_receipts()
        s.returns.append(rtv)
        reopened = s.status == PoStatus.RECEIVED and not receiving.fully_received(s, net_of_rejections=net)
        if reopened:
            s.status = PoStatus.PARTIALLY_RECEIVED
        self._log(
            "returned",
            f"{rtv.return_id}: {self._lines_text(rtv)} returned to {s.po.vendor_id}: {rtv.reason}"
            + ("; no longer fully received" if reopened else ""),
            actor=actor,
        )
        credits = returns.expected_credits(s, rtv, workflow.now(), net_of_rejections=net)
        s.expected_credits += credits
        if credits:
            self._log("credit_expected", f"{rtv.return_id}: " + "; ".join(map(self._credit_text, credits)))
        await self._tell_the_supplier(rtv, credits)

    def _lines_text(self, rtv: ReturnToVendor) -> str:
        parts = []
        for line in rtv.lines:
            po_line = self._s.po.line(line.line_no)
            uom = f" {po_line.uom}" if po_line else ""
            source = f" of {line.receipt_id}" if line.receipt_id else ""
            parts.append(
                f"line {line.line_no}: {line.quantity.normalize():f}{uom}{source} ({line.reason_code.value})"
            )
        return ", ".join(parts)

    def _credit_text(self, credit: ExpectedCredit) -> str:
        price = format_money(credit.unit_price, credit.currency)
        if round_money(credit.unit_price, credit.currency) != credit.unit_price:  # fractions of a cent
            price = f"{credit.unit_price.normalize():f} {credit.currency}"
        return (
            f"line {credit.line_no}: {credit.quantity.normalize():f} at {price} "
            f"(invoice {credit.invoice_number}) = {format_money(credit.amount, credit.currency)}"
        )

    async def _tell_the_supplier(self, rtv: ReturnToVendor, credits: list[ExpectedCredit]) -> None:
        po = self._s.po
        body = f"{self._lines_text(rtv)}. Reason: {rtv.reason}."
        if credits:
            total = sum((c.amount for c in credits), Decimal(0))
            body += (
                f" These goods were invoiced: please send a credit memo for {format_money(total, po.currency)} "
                "(" + "; ".join(map(self._credit_text, credits)) + ")."
            )
            subject = f"Credit memo expected for return {rtv.return_id} on {po.po_number}"
        else:
            subject = f"Goods returned on {po.po_number}: return {rtv.return_id}"
        await self._notify(
            NotificationChannel.SUPPLIER, po.vendor_id, f"return:{rtv.return_id}", subject, body
        )

    async def _after_receipt(self, receipt: GoodsReceipt) -> None:
        """A receipt (already counted) records its dock rejections as a
        return to vendor, and replacement goods settle what was owed."""
        s = self._s
        dock = returns.dock_return(receipt)
        if dock is None and not s.open_expected_credits:
            return
        if not self._returns_rule():
            return
        if dock is not None and all(r.document_id != dock.document_id for r in s.returns):
            s.returns.append(dock)
            self._log("returned", f"{dock.return_id}: {self._lines_text(dock)}: {dock.reason}")
        settled = returns.settle_by_receipt(
            s, receipt.receipt_id, workflow.now(), net_of_rejections=self._net_receipts()
        )
        for credit in settled:
            self._log(
                "credit_settled",
                f"{credit.return_id} line {credit.line_no}: replaced by receipt {receipt.receipt_id}, "
                "no credit owed any more",
            )

    async def _after_inspection(self, inspection: InspectionResult) -> None:
        """An inspection (already recorded) sends what it rejected back to the
        supplier as a return of its own — accepted leaves those units out
        already, so received and accepted drop no further — and replacement
        goods that passed it settle what was owed."""
        s = self._s
        rtv = returns.inspection_return(inspection)
        if rtv is None and not s.open_expected_credits:
            return
        if not self._patched(PATCH_INSPECTION_RETURNS):
            return
        if rtv is not None and rtv.document_id not in s.processed_document_ids:
            s.processed_document_ids.append(rtv.document_id)  # a re-sent return of that id is a duplicate
            await self._record_return(rtv, "system")
        settled = returns.settle_by_receipt(
            s,
            inspection.receipt_id,
            workflow.now(),
            net_of_rejections=self._net_receipts(),
            inspection_id=inspection.inspection_id,
        )
        for credit in settled:
            self._log(
                "credit_settled",
                f"{credit.return_id} line {credit.line_no}: replaced by receipt {inspection.receipt_id}, "
                f"passed inspection {inspection.inspection_id}: no credit owed any more",
            )

    def _settle_expected_credits(self, credit: Invoice) -> None:
        """The supplier's credit memo, handed to AP, answers the credits owed on its lines."""
        s = self._s
        if not s.open_expected_credits:
            return
        credited: dict[int, Decimal] = {}
        if not credit.price_only:
            for line in credit.lines:
                credited[line.line_no] = credited.get(line.line_no, Decimal(0)) + abs(line.quantity)
        for expected in returns.settle_by_credit_memo(s, credit.invoice_number, credited, workflow.now()):
            done = "settled" if not expected.open else "part credited"
            self._log(
                "credit_settled" if not expected.open else "credit_partial",
                f"{expected.return_id} line {expected.line_no}: {expected.credited.normalize():f} of "
                f"{expected.quantity.normalize():f} credited by {credit.invoice_number} ({done})",
            )
