"""Invoices, lifecycle step 6: an invoice (or credit memo) is matched — with
the random-audit draw before its first match — and either handed to AP for
payment or held; held invoices are re-matched when something changes, a
"resolve invoice hold" task asks a person about what no document will
answer, and the person's decision releases holds, requests a credit memo
(which the supplier's memo then settles) or rejects the invoice. Manual holds
placed by a person land here too."""

from __future__ import annotations

from temporalio import workflow
from temporalio.exceptions import ActivityError, ApplicationError

from workflows.po_steps.base import PoBase
from workflows.po_steps.patches import (
    PATCH_BANK_DETAILS_DUTY,
    PATCH_MATCH_AND_RECORD,
    PATCH_MATCH_FINDS_DUPLICATES,
    PATCH_MATCH_PROFILES_BY_REFERENCE,
    PATCH_PER_HOLD_DECISIONS,
    PATCH_RANDOM_AUDIT,
)

with workflow.unsafe.imports_passed_through():
    from models import (
        Hold,
        HoldCode,
        HoldStatus,
        HumanTask,
        Invoice,
        InvoiceKind,
        InvoiceRecord,
        InvoiceStatus,
        MatchDecision,
        MatchRecord,
        MatchRequest,
        MatchResult,
        NotificationChannel,
        TaskDecision,
        TaskKind,
        format_money,
    )
    from models.matching import AWAITING_DOCUMENT_HOLDS
    from models.workflow_state import HoldRequest
    from p2p import audit_sample, deadlines, invoice_holds, invoicing
    from workflows import activity_calls as act
    from workflows import profile_refs
    from workflows.contract import Decision


class InvoiceSteps(PoBase):
    """Step 6: match, approve for payment or hold; hold decisions; credits."""

    async def _on_invoice(self, invoice: Invoice) -> None:
        s = self._s
        record = InvoiceRecord(
            invoice=invoice,
            status=InvoiceStatus.HELD,
            received_at=workflow.now(),
            legacy_document_id=None if self._invoice_number_rule() else invoice.legacy_document_id,
        )
        s.invoices.append(record)
        self._log(
            "invoice_received",
            f"{invoice.kind.value} {invoice.invoice_number}: {format_money(invoice.total, invoice.currency)}",
        )
        await self._match(record)
        if invoice.kind == InvoiceKind.CREDIT_MEMO and record.status == InvoiceStatus.APPROVED:
            await self._settle_credit_requested(invoice)
        await self._rematch_held()  # a credit memo changes what was invoiced before

    # ------------------------------------------------------------- matching

    async def _match(self, record: InvoiceRecord) -> None:
        """Match (or re-match) one invoice and act on the result."""
        credit = record.invoice.kind == InvoiceKind.CREDIT_MEMO
        looks_itself = not credit and self._patched(PATCH_MATCH_FINDS_DUPLICATES)
        candidates = [] if credit or looks_itself else await act.find_duplicate_candidates(record.invoice)
        # A rejected invoice is no original to be a duplicate of (SAP, Odoo, ERPNext
        # skip cancelled ones): the activity leaves those out, and this PO's own
        # rejections are known here before any projection.
        rejected = {r.document_id for r in self._s.invoices if r.status == InvoiceStatus.REJECTED}
        candidates = [c for c in candidates if c.document_id not in rejected]
        self._draw_for_audit(record)
        request = invoicing.match_request(self._s, record, candidates)
        if looks_itself:
            result = await self._match_finding_duplicates(request, sorted(rejected))
        elif self._patched(PATCH_MATCH_AND_RECORD):
            result = await act.match_and_record(request)  # the request travels once, not twice
        else:
            result = await act.match_invoice(request)
            await act.save_match_result(MatchRecord(request=request, result=result))
        record.match = result
        if result.decision == MatchDecision.APPROVE:
            await self._approve(record, "matched" if record.held_since is None else "released by re-match")
            return
        now = workflow.now()
        first_hold = record.held_since is None
        if first_hold:
            record.held_since = now
            assert self._s.policy is not None
            p = self._s.policy
            record.escalate_at = deadlines.hold_escalation_at(
                record.invoice, now, p.invoice_hold_sla, p.discount_escalation_lead
            )
            self._log(
                "held", f"{record.invoice.invoice_number}: " + "; ".join(h.message for h in result.open_holds)
            )
        # Missing documents resolve themselves; anything else needs a person now.
        needs_person = any(h.code not in AWAITING_DOCUMENT_HOLDS for h in result.open_holds)
        if needs_person and not self._s.has_open_task(TaskKind.RESOLVE_INVOICE_HOLD, record.document_id):
            await self._open_hold_task(record)

    async def _match_finding_duplicates(self, request: MatchRequest, not_originals: list[str]) -> MatchResult:
        """The profiles by reference: they are in history with the policy
        already. The activity refuses a reference the database no longer
        answers as the workflow has it; then they go whole."""
        if not self._patched(PATCH_MATCH_PROFILES_BY_REFERENCE):
            return await act.match_finding_duplicates(request, not_originals, [])
        refs = [profile_refs.ref(p) for p in request.tolerance_profiles]
        named = request.model_copy(update={"tolerance_profiles": []})
        try:
            return await act.match_finding_duplicates(named, not_originals, refs)
        except ActivityError as error:
            cause = error.cause
            if not (isinstance(cause, ApplicationError) and cause.type == profile_refs.PROFILES_CHANGED):
                raise
            self._log("profiles_sent_whole", str(cause.message))
            return await act.match_finding_duplicates(request, not_originals, [])

    def _draw_for_audit(self, record: InvoiceRecord) -> None:
        """Once per invoice, before its first match: the random-audit draw
        (deterministic from its document id, audit_sample.audit_draw)."""
        s = self._s
        if record.audit is not None or record.invoice.kind == InvoiceKind.CREDIT_MEMO or s.policy is None:
            return
        if s.policy.audit_sample_pct <= 0 or not self._patched(PATCH_RANDOM_AUDIT):
            return
        record.audit = audit_sample.audit_draw(
            record.invoice, s.policy, draw_key=self._document_key(record.invoice)
        )
        if record.audit is not None and record.audit.selected:
            self._log("audit_selected", f"{record.invoice.invoice_number}: {record.audit.basis}")

    async def _rematch_held(self) -> None:
        for record in [r for r in self._s.invoices if r.status == InvoiceStatus.HELD]:
            await self._match(record)

    async def _rematch_waiting_for(self, code: HoldCode) -> None:
        """What a hold of `code` waited for came (an acknowledgment, a waiver,
        a ship notice): invoices held for it re-match, and only they."""
        for record in [r for r in self._s.invoices if r.status == InvoiceStatus.HELD]:
            if any(h.code == code for h in record.open_holds):
                await self._match(record)

    async def _approve(self, record: InvoiceRecord, how: str) -> None:
        s = self._s
        invoice = record.invoice
        record.status = InvoiceStatus.APPROVED
        record.escalate_at = None
        await self._cancel_open_tasks(TaskKind.RESOLVE_INVOICE_HOLD, record.document_id)
        result = await act.hand_off_for_payment(invoicing.payment_handoff(s, invoice, workflow.now()))
        record.handed_off_at = workflow.now()
        self._log(
            "approved_for_payment",
            f"{invoice.invoice_number} {how}; handed to AP as {result.payment_reference}",
        )
        if invoice.kind == InvoiceKind.CREDIT_MEMO:
            self._settle_expected_credits(invoice)  # a credit owed for returned goods

    async def _open_hold_task(self, record: InvoiceRecord) -> None:
        if self._patched(PATCH_BANK_DETAILS_DUTY):
            record.bank_changed_by = await act.vendor_bank_changed_by(self._s.po.vendor_id)
        await self._open_task(
            TaskKind.RESOLVE_INVOICE_HOLD,
            f"Invoice {record.invoice.invoice_number} on hold",
            subject_id=record.document_id,
            context=invoice_holds.hold_task_context(record),
            holds=invoice_holds.task_holds(record),
            at_stake=(record.invoice.total, sorted({h.code.value for h in record.open_holds})),
        )

    async def _decide_invoice_hold(self, task: HumanTask, d: TaskDecision) -> None:
        """accept_variance answers the holds it names (none named: every hold a
        person may release); holds waiting for a receipt or inspection stay
        until it arrives. request_credit_memo, reject_invoice and wait answer
        the whole invoice."""
        record = self._s.invoice_record(task.subject_id or "")
        if record is None or record.status != InvoiceStatus.HELD:
            return  # already resolved by a re-match while the person was deciding
        choice = d.decision
        if choice == Decision.ACCEPT_VARIANCE:
            if self._patched(PATCH_PER_HOLD_DECISIONS):
                await self._accept_named_holds(record, d)
            else:
                await self._accept_every_hold(record, d)
        elif choice == Decision.REQUEST_CREDIT_MEMO:
            record.status = InvoiceStatus.CREDIT_REQUESTED
            record.escalate_at = None
            await self._notify(
                NotificationChannel.SUPPLIER,
                record.invoice.vendor_id,
                f"credit-request:{record.document_id}",
                f"Credit memo requested for invoice {record.invoice.invoice_number}",
                "; ".join(h.message for h in record.open_holds),
            )
        elif choice == Decision.REJECT_INVOICE:
            record.status = InvoiceStatus.REJECTED
            record.escalate_at = None
            self._log("invoice_rejected", f"{record.invoice.invoice_number} by {d.actor}: {d.comment}")
            await self._notify(
                NotificationChannel.SUPPLIER,
                record.invoice.vendor_id,
                f"invoice-rejected:{record.document_id}",
                f"Invoice {record.invoice.invoice_number} rejected",
                d.comment or "",
            )
            await self._rematch_held()  # it no longer counts as invoiced
        else:  # wait
            assert self._s.policy is not None
            record.escalate_at = workflow.now() + self._s.policy.invoice_hold_sla

    async def _accept_every_hold(self, record: InvoiceRecord, d: TaskDecision) -> None:
        """accept_variance as recorded before per-hold decisions: every open
        hold released, the invoice paid. Kept so those histories replay."""
        released = [
            h.model_copy(
                update={"status": HoldStatus.RELEASED, "released_by": d.actor, "release_reason": d.comment}
            )
            for h in record.open_holds
        ]
        record.released_holds += released
        assert record.match is not None
        record.match = record.match.model_copy(
            update={
                "holds": [h for h in record.match.holds if h.status != HoldStatus.OPEN] + released,
                "decision": MatchDecision.APPROVE,
            }
        )
        await self._approve(record, f"released by {d.actor} ({d.comment})")

    async def _accept_named_holds(self, record: InvoiceRecord, d: TaskDecision) -> None:
        """Release what the decision answers; what stays open keeps the invoice
        held (SAP MRBR: released only when no blocking reason remains)."""
        number = record.invoice.invoice_number
        released = invoice_holds.release(
            record, invoice_holds.holds_to_release(record.open_holds, d.holds), d.actor, d.comment
        )
        if released:
            self._log(
                "holds_released",
                f"{number}: {', '.join(dict.fromkeys(h.ref for h in released))} released by {d.actor}",
                actor=d.actor,
            )
        remaining = record.open_holds
        if not remaining:
            await self._approve(record, f"released by {d.actor} ({d.comment})")
        elif invoice_holds.releasable(remaining):
            # A person still has to answer these: a new task lists only what is open.
            if not self._s.has_open_task(TaskKind.RESOLVE_INVOICE_HOLD, record.document_id):
                await self._open_hold_task(record)
        else:
            # Only the receipt (or inspection) can answer the rest: its re-match
            # pays the invoice, keeping these releases (record.released_holds).
            self._log(
                "awaiting_documents",
                f"{number} waits for " + ", ".join(dict.fromkeys(h.ref for h in remaining)),
            )
            if record.escalate_at is None:  # escalated already: re-arm so it is not forgotten
                assert self._s.policy is not None
                record.escalate_at = workflow.now() + self._s.policy.invoice_hold_sla

    async def _settle_credit_requested(self, credit: Invoice) -> None:
        """The supplier's credit memo answers a credit request: the invoice and
        its credit net to what was agreed, so the invoice goes to payment."""
        wanted = self._number_key(credit.original_invoice_number or "")
        for record in self._s.invoices:
            if record.status != InvoiceStatus.CREDIT_REQUESTED:
                continue
            if not wanted or wanted == self._number_key(record.invoice.invoice_number):
                await self._approve(record, f"settled by credit memo {credit.invoice_number}")
                return

    # ---------------------------------------------------------- manual holds

    async def _place_manual_hold(self, request: HoldRequest) -> None:
        record = self._invoice_by_number(request.invoice_number)
        number = request.invoice_number if record is None else record.invoice.invoice_number
        if record is None or record.status not in (InvoiceStatus.HELD, InvoiceStatus.CREDIT_REQUESTED):
            # Approved or rejected by the loop while the request was on its way.
            state = record.status.value if record is not None else "unknown"
            self._log(
                "manual_hold_ignored",
                f"{number} is {state}; hold by {request.actor} not placed",
                actor=request.actor,
            )
            return
        where = f"Line {request.line_no}: held" if request.line_no is not None else "Held"
        record.manual_holds.append(
            Hold(
                code=HoldCode.MANUAL,
                line_no=request.line_no,
                source=f"manual hold by {request.actor}",
                tolerance="placed by a person; only a person releases it",
                message=f"{where} by {request.actor}: {request.reason}",
            )
        )
        self._log(
            "manual_hold",
            f"{number}"
            + (f" line {request.line_no}" if request.line_no else "")
            + f" held by {request.actor}: {request.reason}",
            actor=request.actor,
        )
        if record.status == InvoiceStatus.CREDIT_REQUESTED:
            # A person's hold outranks the credit memo that would have settled it.
            record.status = InvoiceStatus.HELD
        await self._match(record)
        task = next(
            (
                t
                for t in self._s.open_tasks
                if t.kind == TaskKind.RESOLVE_INVOICE_HOLD and t.subject_id == record.document_id
            ),
            None,
        )
        if task is not None and task.context != invoice_holds.hold_task_context(record):
            task.context = invoice_holds.hold_task_context(record)  # the approver sees the new hold
            task.holds = invoice_holds.task_holds(record)
            await act.save_task(task)
