"""Over-receipt, part of receiving (lifecycle step 5; issue #17 item 6): a
receipt that takes a line beyond its ordered quantity and the line profile's
over-receipt tolerance (p2p.receiving.over_receipts) is recorded as any
receipt, logged `over_receipt` with the sentence, and opens a buyer task:
`accept_over_receipt` keeps the goods (the buyer may then amend the PO to pay
for them), `return_excess` sends the units beyond the order back — a return
to vendor of its own (po_steps.returns: received drops, the supplier is told,
a credit memo is expected where they were billed). Where the vendor's policy
says `refuse`, the receipt door refuses such a receipt before it gets here;
one that arrives another way (a file through intake) is flagged, never
dropped. Runs started before PATCH_OVER_RECEIPT only record the receipt."""

from __future__ import annotations

from temporalio import workflow

from workflows.po_steps.base import PoBase
from workflows.po_steps.patches import PATCH_OVER_RECEIPT, PATCH_RETURNS

with workflow.unsafe.imports_passed_through():
    from models import GoodsReceipt, HumanTask, NotificationChannel, TaskDecision, TaskKind
    from models.returns import ReturnLine, ReturnReason, ReturnToVendor
    from p2p import receiving
    from workflows.contract import Decision

OVER_SUFFIX = "-OVER"  # the return of a receipt's excess: `{receipt_id}-OVER`


class OverReceiptSteps(PoBase):
    """Step 5: goods beyond the order and its tolerance, and the buyer's answer."""

    async def _check_over_receipt(self, receipt: GoodsReceipt) -> None:
        """After `receipt` is recorded: flag what it takes beyond the tolerance."""
        if not self._patched(PATCH_OVER_RECEIPT):
            return
        s = self._s
        found = receiving.over_receipts(s, receipt)
        if not found:
            return
        sentences = "; ".join(o.sentence for o in found)
        self._log("over_receipt", f"{receipt.receipt_id}: {sentences}", actor=receipt.received_by or "system")
        assert s.policy is not None
        await self._open_task(
            TaskKind.REVIEW_OVER_RECEIPT,
            f"Receipt {receipt.receipt_id} beyond {s.po.po_number}",
            subject_id=receipt.document_id,
            context={
                "over_receipt": sentences,
                "receipt": receipt.receipt_id,
                "received_by": receipt.received_by or "—",
                "policy": f"{s.policy.name} v{s.policy.version}: over-receipts are "
                + ("flagged" if s.policy.over_receipt_action == "flag" else "refused at the receipt door"),
            },
        )

    async def _decide_over_receipt(self, task: HumanTask, d: TaskDecision) -> None:
        receipt_id = task.context.get("receipt", "")
        if d.decision == Decision.ACCEPT_OVER_RECEIPT:
            self._log(
                "over_receipt_accepted",
                f"{receipt_id}: the goods beyond the order are kept ({task.context.get('over_receipt', '')}); "
                "amend the PO to pay for them",
                actor=d.actor,
            )
            return
        await self._return_excess(receipt_id, d)

    async def _return_excess(self, receipt_id: str, d: TaskDecision) -> None:
        """The units of `receipt_id` still kept beyond the order go back to
        the supplier, as a return to vendor (po_steps.returns does the rest)."""
        s = self._s
        excess = receiving.returnable_excess(s, receipt_id)
        if not excess:
            self._log(
                "over_receipt_settled",
                f"{receipt_id}: nothing beyond the order any more (amended or returned since); nothing sent back",
                actor=d.actor,
            )
            return
        rtv = ReturnToVendor(
            return_id=f"{receipt_id}{OVER_SUFFIX}",
            po_number=s.po.po_number,
            returned_at=workflow.now(),
            returned_by=d.actor,
            reason=(f"over-delivery beyond {s.po.po_number}" + (f": {d.comment}" if d.comment else ""))[
                :2000
            ],
            lines=[
                ReturnLine(
                    line_no=n, quantity=q, receipt_id=receipt_id, reason_code=ReturnReason.OVER_DELIVERY
                )
                for n, q in sorted(excess.items())
            ],
        )
        if rtv.document_id in s.processed_document_ids:
            return  # sent back once already
        s.processed_document_ids.append(rtv.document_id)  # a re-sent return of that id is a duplicate
        if self._patched(PATCH_RETURNS):
            await self._on_return(rtv)  # recorded, received drops, the supplier told, credits expected
            return
        # A run from before returns to the vendor: the timeline and the supplier still hear of it.
        lines = ", ".join(f"line {n}: {q.normalize():f}" for n, q in sorted(excess.items()))
        self._log("excess_returned", f"{rtv.return_id}: {lines} returned to {s.po.vendor_id}", actor=d.actor)
        await self._notify(
            NotificationChannel.SUPPLIER,
            s.po.vendor_id,
            f"return:{rtv.return_id}",
            f"Goods returned on {s.po.po_number}: return {rtv.return_id}",
            f"{lines}. Reason: {rtv.reason}.",
        )
