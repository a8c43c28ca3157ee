"""Supplier documents before the invoice, lifecycle steps 4–5: the loop
takes the documents that arrived in order (invoices go on to invoices.py);
an acknowledgment becomes the next revision within tolerance, else a buyer
decides the supplier's change (as for one that answers a revision older
than the one the supplier was last sent, whose acceptance alone does not
acknowledge the revision in force); ship notices are recorded (one beyond the
order is a buyer task); receipts (net of
rejections) move the PO to partially received or received and re-match the
held invoices; returns to the vendor go on to returns.py."""

from __future__ import annotations

from temporalio import workflow

from workflows.po_steps.base import OPEN_FOR_DOCUMENTS, PoBase
from workflows.po_steps.patches import PATCH_ACK_ANSWERS_REVISION, PATCH_ACK_LINES, PATCH_ASN_EXCEPTIONS

with workflow.unsafe.imports_passed_through():
    from models import (
        Acknowledgment,
        AckOutcome,
        AckRecord,
        AckStatus,
        GoodsReceipt,
        HoldCode,
        NotificationChannel,
        PoStatus,
        PurchaseOrder,
        Revision,
        RevisionReason,
        ShipNotice,
        TaskKind,
    )
    from models.functional_acks import FunctionalAck
    from models.inspections import InspectionResult
    from models.purchase_order import SubstitutePair
    from models.returns import ReturnToVendor
    from p2p import acknowledgment, deadlines, receiving, revisions, ship_notices
    from workflows import activity_calls as act


class DocumentSteps(PoBase):
    """Steps 4–5: acknowledgments and revisions, ship notices, receipts."""

    async def _handle_documents(self) -> None:
        if self._s.status not in OPEN_FOR_DOCUMENTS:
            return  # not issued yet: documents wait; final: the loop is ending
        while self._documents and not self._s.is_final:
            doc = self._documents.pop(0)
            self._s.processed_document_ids.append(self._document_key(doc))
            if isinstance(doc, Acknowledgment):
                await self._on_acknowledgment(doc)
            elif isinstance(doc, GoodsReceipt):
                await self._on_receipt(doc)
            elif isinstance(doc, ShipNotice):
                await self._on_ship_notice(doc)
            elif isinstance(doc, FunctionalAck):
                await self._on_functional_ack(doc)
            elif isinstance(doc, ReturnToVendor):
                await self._on_return(doc)
            elif isinstance(doc, InspectionResult):
                await self._on_inspection(doc)
            else:
                await self._on_invoice(doc)

    async def _on_acknowledgment(self, ack: Acknowledgment) -> None:
        s = self._s
        old = acknowledgment.answers_an_old_revision(s, ack)
        if old and ack.status != AckStatus.REJECTED and self._patched(PATCH_ACK_ANSWERS_REVISION):
            await self._on_old_revision_answer(ack, old)
            return
        s.ack_reminder_at = s.ack_due_at = None
        await self._cancel_open_tasks(TaskKind.CHASE_SUPPLIER)
        if ack.status == AckStatus.REJECTED:
            await self._on_supplier_rejected(ack)
            return
        comparison = await self._compare_acknowledgment(ack)
        if s.status == PoStatus.ISSUED:
            s.status = PoStatus.ACKNOWLEDGED
        await self._open_rejected_line_tasks(ack, comparison.rejected_lines)
        if comparison.revised_po is None and comparison.within_tolerance:
            outcome = AckOutcome.ACCEPTED
            self._log("acknowledged", f"{ack.ack_id}: {_as_ordered(comparison)}{_answers(ack)}")
        elif comparison.within_tolerance:
            outcome = AckOutcome.ACCEPTED_AS_REVISION
            await self._revise_by_rule(ack, comparison)
        else:
            outcome = AckOutcome.CHANGE_REVIEW
            await self._ask_the_buyer(ack, comparison)
        s.acknowledgments.append(AckRecord(ack=ack, outcome=outcome, received_at=workflow.now()))
        await self._rematch_waiting_for(HoldCode.ACK_MISSING)

    async def _on_supplier_rejected(self, ack: Acknowledgment) -> None:
        """The whole PO refused: the buyer cancels it or keeps it open."""
        s = self._s
        s.acknowledgments.append(
            AckRecord(ack=ack, outcome=AckOutcome.SUPPLIER_REJECTED, received_at=workflow.now())
        )
        self._log(
            "supplier_rejected", (ack.message or f"{ack.ack_id}: rejected by the supplier") + _answers(ack)
        )
        await self._open_task(
            TaskKind.SUPPLIER_REJECTED,
            f"{s.po.vendor_id} rejected {s.po.po_number}",
            subject_id=ack.document_id,
            context={"supplier_message": ack.message or "(none)"},
        )

    async def _revise_by_rule(self, ack: Acknowledgment, comparison: acknowledgment.AckComparison) -> None:
        """Every change inside its limits: the next revision, the rule named."""
        assert comparison.revised_po is not None and self._s.policy is not None
        rule = self._s.policy.tolerances
        await self._new_revision(
            comparison.revised_po,
            RevisionReason.SUPPLIER_CHANGE_AUTO,
            ack.document_id,
            "; ".join(comparison.changes) + _answers(ack),
            approved_by=(
                f"rule: within the acknowledgment tolerances ({', '.join(comparison.profiles)})"
                if self._ack_line_rule()
                else f"rule: within the acknowledgment tolerance ({rule.name} v{rule.version})"
            ),
        )

    async def _on_old_revision_answer(self, ack: Acknowledgment, old: str) -> None:
        """An acknowledgment of a revision older than the one the supplier was
        last sent (`old` says which): its changes are the buyer's to judge,
        whatever the tolerance (it would compare them with lines the supplier
        did not see); an acceptance as it stood is recorded, and the revision
        in force still awaits its acknowledgment (timers and chase stand)."""
        s = self._s
        comparison = await self._compare_acknowledgment(ack)
        await self._open_rejected_line_tasks(ack, comparison.rejected_lines)
        if comparison.revised_po is None and comparison.within_tolerance:
            s.acknowledgments.append(
                AckRecord(ack=ack, outcome=AckOutcome.ANSWERS_OLD_REVISION, received_at=workflow.now())
            )
            self._log(
                "acknowledged_old_revision",
                f"{ack.ack_id}: {_as_ordered(comparison)}{_answers(ack)}; r{s.po.revision} is in force "
                "and still awaits the supplier's acknowledgment",
            )
            return
        s.ack_reminder_at = s.ack_due_at = None
        await self._cancel_open_tasks(TaskKind.CHASE_SUPPLIER)
        if s.status == PoStatus.ISSUED:
            s.status = PoStatus.ACKNOWLEDGED
        await self._ask_the_buyer(ack, comparison, old=old)
        s.acknowledgments.append(
            AckRecord(ack=ack, outcome=AckOutcome.CHANGE_REVIEW, received_at=workflow.now())
        )
        await self._rematch_waiting_for(HoldCode.ACK_MISSING)

    async def _ask_the_buyer(
        self, ack: Acknowledgment, comparison: acknowledgment.AckComparison, old: str | None = None
    ) -> None:
        """A change beyond a limit, or (`old`) one to a revision no longer in
        force: the buyer approves the supplier's change or not."""
        s = self._s
        s.pending_change = ack
        await self._cancel_open_tasks(TaskKind.APPROVE_SUPPLIER_CHANGE)  # a newer ack supersedes
        beyond = "; ".join(comparison.outside_tolerance)
        if old:  # every change, not only those beyond a limit: none was judged
            self._log("supplier_change", f"{old}: " + "; ".join(comparison.changes))
        else:
            self._log("supplier_change", f"outside tolerance: {beyond}{_answers(ack)}")
        await self._open_task(
            TaskKind.APPROVE_SUPPLIER_CHANGE,
            f"Supplier change on {s.po.po_number}" + (f" ({old})" if old else ""),
            subject_id=ack.document_id,
            context={
                **({"revision": old} if old else {}),
                "changes": "; ".join(comparison.changes),
                "outside_tolerance": beyond or (f"(not judged: {old})" if old else ""),
                "supplier_message": ack.message or "(none)",
            },
            at_stake=(s.po.total, []),  # the state keeps its flags as sentences, not codes
        )

    def _ack_line_rule(self) -> bool:
        """True: acknowledgment lines read fully (PATCH_ACK_LINES). The SDK
        keeps a run's answer, so a change decided later compares as it did."""
        return self._patched(PATCH_ACK_LINES)

    async def _compare_acknowledgment(self, ack: Acknowledgment) -> acknowledgment.AckComparison:
        """The acknowledgment against the agreed revision, under the rule the
        run follows: each line's own tolerance profile and the item master's
        substitutes, or (runs before PATCH_ACK_LINES) the PO-wide profile."""
        s = self._s
        assert s.policy is not None
        if not self._ack_line_rule():
            return acknowledgment.compare_acknowledgment(s.po, ack, s.policy.tolerances, line_tasks=False)
        return acknowledgment.compare_acknowledgment(
            s.po, ack, s.policy.tolerance_profiles, substitutes=await self._listed_substitutes(ack)
        )

    async def _listed_substitutes(self, ack: Acknowledgment) -> set[tuple[str, str]]:
        asked = [
            SubstitutePair(item_id=line.item_id, substitute_id=a.substitute_item_id)
            for a in ack.lines
            if a.substitute_item_id is not None and (line := self._s.po.line(a.line_no)) is not None
        ]
        if not asked:
            return set()
        return {(p.item_id, p.substitute_id) for p in await act.listed_substitutes(asked)}

    async def _decide_supplier_change(self, *, accept: bool, actor: str) -> None:
        s = self._s
        ack = s.pending_change
        s.pending_change = None
        if ack is None:
            return
        record = next(r for r in reversed(s.acknowledgments) if r.ack.document_id == ack.document_id)
        if not accept:
            record.outcome = AckOutcome.CHANGE_REJECTED
            await self._notify(
                NotificationChannel.SUPPLIER,
                s.po.vendor_id,
                f"change-rejected:{ack.ack_id}",
                f"Change to {s.po.po_number} not accepted",
                f"{actor} kept revision {s.po.revision}; please confirm the order as issued.",
            )
            return
        comparison = await self._compare_acknowledgment(ack)
        if comparison.revised_po is not None:
            await self._new_revision(
                comparison.revised_po,
                RevisionReason.SUPPLIER_CHANGE_APPROVED,
                ack.document_id,
                f"approved by {actor}: " + "; ".join(comparison.changes),
                approved_by=actor,
            )
        record.outcome = AckOutcome.ACCEPTED_AS_REVISION

    async def _new_revision(
        self, po: PurchaseOrder, reason: RevisionReason, source: str | None, detail: str, approved_by: str
    ) -> None:
        """The next agreed version: what changed on each line (p2p.revisions),
        why, and who or which rule agreed, kept on the revision itself."""
        s = self._s
        changes = revisions.line_changes(s.po, po)
        s.po = po
        s.revisions.append(
            Revision(
                revision=po.revision,
                reason=reason,
                source_document_id=source,
                at=workflow.now(),
                total=po.total,
                changes=changes,
                approved_by=approved_by,
                why=detail,
            )
        )
        assert s.policy is not None
        if s.expedite_per_schedule:
            await self._reschedule_receipt()  # per promised delivery (po_steps.expedite)
        elif s.receipt_due_at is not None:
            s.receipt_due_at = deadlines.receipt_due_at(po, s.policy.receipt_grace)
        self._log("revised", f"r{po.revision} ({reason.value}): {detail}")
        # A price hold re-checks itself against the new agreed terms.
        await self._rematch_held()

    async def _on_ship_notice(self, notice: ShipNotice) -> None:
        """Recorded and told: what is coming, and when; a notice beyond the
        order is a buyer task now, before the goods arrive. (ASN_MISMATCH — the
        receipt or invoice against the ASN — is a later match leg.)"""
        exceptions = ship_notices.asn_exceptions(self._s, notice)
        self._s.ship_notices.append(notice)
        lines = ", ".join(
            f"line {line.line_no}: {line.quantity_shipped.normalize():f}" for line in notice.lines
        )
        due = f", expected {notice.expected_delivery.isoformat()}" if notice.expected_delivery else ""
        self._log(
            "shipped", f"{notice.asn_id}: {lines}{due}" + (f" via {notice.carrier}" if notice.carrier else "")
        )
        await self._reschedule_receipt()  # shipped is on its way: not expedited (po_steps.expedite)
        await self._rematch_waiting_for(HoldCode.ASN_MISMATCH)  # billed beyond the notices before it
        if exceptions and self._patched(PATCH_ASN_EXCEPTIONS):
            await self._open_task(
                TaskKind.REVIEW_SHIP_NOTICE,
                f"Ship notice {notice.asn_id} beyond {self._s.po.po_number}",
                subject_id=notice.document_id,
                context={
                    "exceptions": "; ".join(exceptions),
                    "expected": due.removeprefix(", expected ") or "—",
                },
            )

    async def _on_receipt(self, receipt: GoodsReceipt) -> None:
        s = self._s
        unknown = [line.line_no for line in receipt.lines if s.po.line(line.line_no) is None]
        s.receipts.append(receipt)
        detail = ", ".join(
            f"line {line.line_no}: {line.quantity_received.normalize():f} received"
            + (f", {line.quantity_rejected.normalize():f} rejected" if line.quantity_rejected else "")
            for line in receipt.lines
        )
        self._log(
            "received",
            f"{receipt.receipt_id}: {detail}" + (f" (lines {unknown} are not on the PO)" if unknown else ""),
        )
        differences = ship_notices.receipt_differences(s)
        if differences:  # recorded (ASN_MISMATCH at the dock); the receipt stands
            self._log("asn_mismatch", f"{receipt.receipt_id}: " + "; ".join(differences))
        # Goods arriving is the strongest acknowledgment there is.
        s.ack_reminder_at = s.ack_due_at = None
        await self._cancel_open_tasks(TaskKind.CHASE_SUPPLIER)
        await self._after_receipt(receipt)  # its dock rejections as a return; replacements settle credits
        await self._check_over_receipt(receipt)  # beyond the order and its tolerance: a buyer task
        if receiving.fully_received(s, net_of_rejections=self._net_receipts()):
            s.status = PoStatus.RECEIVED
            s.receipt_due_at = None
            await self._cancel_open_tasks(TaskKind.EXPEDITE_RECEIPT)
        elif receiving.anything_received(s):
            s.status = PoStatus.PARTIALLY_RECEIVED
        await self._reschedule_receipt()  # the next promised delivery not covered (po_steps.expedite)
        await self._rematch_held()


def _answers(ack: Acknowledgment) -> str:
    """` (answers r1)` on the timeline when the supplier says which revision it answers."""
    return f" (answers r{ack.answers_revision})" if ack.answers_revision is not None else ""


def _as_ordered(comparison: acknowledgment.AckComparison) -> str:
    rejected = f" but line(s) {', '.join(map(str, comparison.rejected_lines))}"
    return "accepted as ordered" + (rejected if comparison.rejected_lines else "")
