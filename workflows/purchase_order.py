"""PurchaseOrderWorkflow — one durable workflow per PO, id `po-{po_number}`,
from approval to close (DESIGN.md "Workflows", steps 1–7).

Shape: signals and updates only *record* what arrived (after de-duplicating
by document id); one main loop does the work in arrival order, so activities
for one PO never run concurrently and every step is easy to read in the
history. Timers are deadlines kept in the state: the loop sleeps until the
earliest one or until something arrives, which survives continue-as-new."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Generic, TypeVar

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models import (
        Acknowledgment,
        AckOutcome,
        AckRecord,
        AckStatus,
        AuditEvent,
        CancelRequest,
        GoodsReceipt,
        Hold,
        HoldCode,
        HoldStatus,
        HumanTask,
        Invoice,
        InvoiceKind,
        InvoiceRecord,
        InvoiceStatus,
        IssueRequest,
        MatchDecision,
        MatchRecord,
        Notification,
        NotificationChannel,
        PoProjection,
        PoStatus,
        PurchaseOrder,
        PurchaseOrderInput,
        PurchaseOrderState,
        Revision,
        RevisionReason,
        ShipNotice,
        TaskDecision,
        TaskKind,
        TaskStatus,
        TimelineEntry,
        format_money,
        normalize_invoice_number,
    )
    from models.documents import legacy_normalize_invoice_number
    from models.matching import AWAITING_DOCUMENT_HOLDS
    from models.tasks import TASK_OPTIONS, TASK_ROLES, TaskHold, check_decision, check_named_holds
    from models.workflow_state import HoldRequest
    from p2p import (
        acknowledgment,
        audit_sample,
        closing,
        deadlines,
        decisions,
        enrichment,
        invoice_holds,
        invoicing,
        receiving,
    )
    from workflows import activity_calls as act
    from workflows import legacy, search_attributes
    from workflows.contract import Decision, PoQuery, PoSignal, PoUpdate, WorkflowType, po_task_id
    from workflows.summary import current_details

Document = Acknowledgment | GoodsReceipt | Invoice | ShipNotice
R = TypeVar("R")
# Statuses in which supplier documents are processed (before issue they wait).
OPEN_FOR_DOCUMENTS = frozenset(
    {PoStatus.ISSUED, PoStatus.ACKNOWLEDGED, PoStatus.PARTIALLY_RECEIVED, PoStatus.RECEIVED}
)


@dataclass
class _Pending(Generic[R]):
    """An update the loop has yet to apply; its handler waits for `done`."""

    request: R
    done: bool = False


# Patch ids (workflow.patched): runs recorded before these changes replay as they ran.
PATCH_RANDOM_AUDIT = "random-audit-draw"
# Invoice numbers lose the leading zeros of every digit run, not only the last
# (models.normalize_invoice_number): runs started before keep the earlier rule.
PATCH_INVOICE_NUMBER_RUNS = "invoice-number-every-digit-run"
PATCH_NET_RECEIPTS = "net-receipts"  # received = kept, net of rejections (receiving.received_for_match)
PATCH_PER_HOLD_DECISIONS = "per-hold-decisions"


@workflow.defn(name=WorkflowType.PURCHASE_ORDER)
class PurchaseOrderWorkflow:
    @workflow.init
    def __init__(self, inp: PurchaseOrderInput) -> None:
        self._s = inp.carried_state or PurchaseOrderState(po=inp.po)
        self._history_limit = inp.history_event_limit
        self._documents: list[Document] = list(inp.pending_documents)
        self._decisions: list[_Pending[TaskDecision]] = []
        self._hold_requests: list[_Pending[HoldRequest]] = []
        self._cancel: CancelRequest | None = None
        self._cancel_done = False
        self._audited = len(self._s.timeline)  # timeline entries already written
        self._published: tuple[object, ...] | None = None
        self._every_digit_run: bool | None = None  # see _invoice_number_rule

    # ------------------------------------------------------------------ run

    @workflow.run
    async def run(self, inp: PurchaseOrderInput) -> PurchaseOrderState:
        if self._invoice_number_rule() and inp.carried_state is not None:
            legacy.adopt_invoice_number_rule(self._s)  # carried from a run under the earlier rule
        if inp.carried_state is None:
            await self._validate_and_approve()
        while not self._s.is_final:
            await self._wait_for_work()
            await self._step()
            if self._should_continue_as_new():
                await self._continue_as_new()
        # Decisions accepted just before the PO became final are recorded (not
        # applied), so their update handlers return and the run can complete.
        await self._handle_decisions()
        await self._handle_hold_requests()
        self._cancel_done = True
        await self._flush()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._s

    async def _continue_as_new(self) -> None:
        """Start a fresh run with the state. Updates must finish in this run
        (their handlers wait for the loop), so keep stepping until none is in
        flight; documents that arrived meanwhile travel in the input."""
        while True:
            await workflow.wait_condition(
                lambda: workflow.all_handlers_finished() or self._decision_pending()
            )
            if not self._decision_pending():
                break
            await self._step()
            if self._s.is_final:
                return
        # No await between the check above and here: nothing can slip in.
        workflow.continue_as_new(
            PurchaseOrderInput(
                po=self._s.po,
                carried_state=self._s,
                pending_documents=self._documents,
                history_event_limit=self._history_limit,
            )
        )

    @staticmethod
    def _net_receipts() -> bool:
        """Received means kept, net of rejections (receiving.received_for_match);
        runs recorded before that rule replay with gross receipts."""
        return workflow.patched(PATCH_NET_RECEIPTS)

    def _decision_pending(self) -> bool:
        return (
            any(not p.done for p in self._decisions)
            or any(not h.done for h in self._hold_requests)
            or (self._cancel is not None and not self._cancel_done)
        )

    async def _step(self) -> None:
        """One pass over everything that is due, in a fixed order."""
        await self._handle_cancel()
        await self._handle_decisions()
        await self._handle_hold_requests()
        await self._handle_documents()
        await self._handle_deadlines()
        await self._close_if_done()
        await self._flush()

    def _has_work(self) -> bool:
        documents_ready = bool(self._documents) and self._s.status in OPEN_FOR_DOCUMENTS
        return documents_ready or self._decision_pending()

    async def _wait_for_work(self) -> None:
        deadline = deadlines.next_deadline(self._s)
        timeout = None
        if deadline is not None:
            timeout = max(deadline - workflow.now(), timedelta(seconds=0))
            if timeout == timedelta(0):
                return
        try:
            await workflow.wait_condition(
                self._has_work, timeout=timeout, timeout_summary="next SLA deadline"
            )
        except TimeoutError:
            pass  # a deadline is due; _handle_deadlines acts on it

    def _should_continue_as_new(self) -> bool:
        info = workflow.info()
        if self._s.is_final:
            return False
        if self._history_limit is not None and info.get_current_history_length() > self._history_limit:
            return True
        return info.is_continue_as_new_suggested()

    # ------------------------------------------------------ start: steps 1–3

    async def _validate_and_approve(self) -> None:
        s = self._s
        po = s.po
        self._log(
            "received",
            f"{po.po_number} r{po.revision}: {len(po.lines)} line(s), {format_money(po.total, po.currency)}",
        )
        s.policy = await act.load_policy(po.vendor_id)
        validation = await act.validate_po(po)
        s.flags = validation.flags
        if validation.match_levels:  # enrichment (empty from workers before it existed)
            s.po = po = enrichment.apply_match_levels(po, validation.match_levels)
            overruled = [level.note for level in validation.match_levels if level.note]
            if overruled:
                self._log("match_level_overruled", "; ".join(overruled))
        if validation.tax_rates:  # enrichment (empty from workers before it existed)
            s.po = po = enrichment.apply_tax_rates(po, validation.tax_rates)
        s.revisions.append(
            Revision(revision=po.revision, reason=RevisionReason.ORIGINAL, at=workflow.now(), total=po.total)
        )
        if validation.errors:
            s.status = PoStatus.REJECTED
            self._log("rejected", "validation failed: " + "; ".join(validation.errors))
            await self._flush()
            return
        if validation.flags:
            self._log("flagged", "; ".join(validation.flags))
        if po.total > s.policy.approval_threshold or validation.flags:
            s.status = PoStatus.PENDING_APPROVAL
            reason = (
                f"total {format_money(po.total, po.currency)} above "
                f"{format_money(s.policy.approval_threshold, po.currency)}"
            )
            if validation.flags:
                reason += "; " + "; ".join(validation.flags)
            await self._open_task(TaskKind.APPROVE_PO, f"Approve {po.po_number}", context={"why": reason})
        else:
            self._log(
                "auto_approved",
                f"within the approval threshold {format_money(s.policy.approval_threshold, po.currency)}",
            )
            await self._issue()
        await self._flush()

    async def _issue(self) -> None:
        s = self._s
        result = await act.issue_po(
            IssueRequest(
                po_number=s.po.po_number, revision=s.po.revision, vendor_id=s.po.vendor_id, at=workflow.now()
            )
        )
        now = workflow.now()
        s.status = PoStatus.ISSUED
        s.issued_at = now
        assert s.policy is not None
        s.ack_reminder_at = now + s.policy.ack_reminder_after
        s.ack_due_at = now + s.policy.ack_due_after
        s.receipt_due_at = deadlines.receipt_due_at(s.po, s.policy.receipt_grace)
        self._log("issued", f"r{s.po.revision} sent by {result.channel} ({result.message_id})")

    # -------------------------------------------------------------- signals

    @workflow.signal(name=PoSignal.ACKNOWLEDGMENT)
    def acknowledgment(self, ack: Acknowledgment) -> None:
        self._accept_document(ack)

    @workflow.signal(name=PoSignal.RECEIPT)
    def receipt(self, receipt: GoodsReceipt) -> None:
        self._accept_document(receipt)

    @workflow.signal(name=PoSignal.ASN)
    def asn(self, notice: ShipNotice) -> None:
        self._accept_document(notice)

    @workflow.signal(name=PoSignal.INVOICE)
    def invoice(self, invoice: Invoice) -> None:
        self._accept_document(invoice)

    def _accept_document(self, doc: Document) -> None:
        """Idempotent by document id: a re-sent document has no second effect."""
        key = self._document_key(doc)
        pending_ids = {self._document_key(d) for d in self._documents}
        if key in self._s.processed_document_ids or key in pending_ids:
            workflow.logger.info("ignoring duplicate document %s", doc.document_id)
            return
        if doc.po_number != self._s.po.po_number:
            workflow.logger.warning("ignoring %s: it is for %s", doc.document_id, doc.po_number)
            return
        self._documents.append(doc)

    # -------------------------------------------------------------- updates

    @workflow.update(name=PoUpdate.DECIDE)
    async def decide(self, decision: TaskDecision) -> HumanTask:
        # The loop applies the decision and closes the task, in order with the
        # documents: closing it here, mid-step, would let a re-match that is
        # already running open a second task for the same hold.
        pending = _Pending(decision)
        self._decisions.append(pending)
        await workflow.wait_condition(lambda: pending.done)
        task = self._s.task(decision.task_id)
        assert task is not None  # the validator checked it
        return task

    @decide.validator
    def _validate_decision(self, decision: TaskDecision) -> None:
        task = self._s.task(decision.task_id)
        if task is None:
            raise ValueError(f"task {decision.task_id} does not belong to {self._s.po.po_number}")
        if self._s.is_final:
            raise ValueError(f"{self._s.po.po_number} is already {self._s.status.value}")
        earlier = next((p.request for p in self._decisions if p.request.task_id == task.task_id), None)
        check_decision(
            task,
            decision.decision,
            decision.comment,
            being_decided=f"{earlier.decision} by {earlier.actor}" if earlier else None,
        )
        check_named_holds(task, decision.decision, decision.holds)
        if task.kind == TaskKind.RESOLVE_INVOICE_HOLD and decision.decision == Decision.ACCEPT_VARIANCE:
            invoice_holds.check_release(self._s.invoice_record(task.subject_id or ""), decision.holds)
        decisions.check_segregation_of_duties(self._s, task, decision.actor)

    @workflow.update(name=PoUpdate.CANCEL)
    async def cancel(self, request: CancelRequest) -> PurchaseOrderState:
        self._cancel = request
        await workflow.wait_condition(lambda: self._cancel_done)
        return self._s

    @cancel.validator
    def _validate_cancel(self, request: CancelRequest) -> None:
        if self._s.is_final:
            raise ValueError(f"{self._s.po.po_number} is already {self._s.status.value}")
        if receiving.anything_received(self._s):
            raise ValueError(f"{self._s.po.po_number} has receipts; it can be final-closed, not cancelled")
        if self._cancel is not None:
            raise ValueError("a cancellation is already in progress")

    @workflow.update(name=PoUpdate.HOLD_INVOICE)
    async def hold_invoice(self, request: HoldRequest) -> InvoiceRecord:
        """A person places a MANUAL hold on an invoice that is not approved
        yet. Only a person's decision on the hold task releases it."""
        pending = _Pending(request)
        self._hold_requests.append(pending)
        await workflow.wait_condition(lambda: pending.done)
        record = self._invoice_by_number(request.invoice_number)
        assert record is not None  # the validator checked it
        return record

    @hold_invoice.validator
    def _validate_hold(self, request: HoldRequest) -> None:
        s = self._s
        if s.is_final:
            raise ValueError(f"{s.po.po_number} is already {s.status.value}")
        record = self._invoice_by_number(request.invoice_number)
        if record is None:
            wanted = self._number_key(request.invoice_number)
            if any(
                isinstance(d, Invoice) and self._number_key(d.invoice_number) == wanted
                for d in self._documents
            ):
                raise ValueError(
                    f"invoice {request.invoice_number} has arrived but is not matched yet; "
                    "try again in a moment"
                )
            known = ", ".join(r.invoice.invoice_number for r in s.invoices) or "none"
            raise ValueError(f"no invoice {request.invoice_number} on {s.po.po_number} (invoices: {known})")
        number = record.invoice.invoice_number
        if record.status == InvoiceStatus.APPROVED:
            raise ValueError(f"invoice {number} is already approved and handed to AP for payment")
        if record.status == InvoiceStatus.REJECTED:
            raise ValueError(f"invoice {number} is already rejected")
        if request.line_no is not None and s.po.line(request.line_no) is None:
            lines = ", ".join(str(line.line_no) for line in s.po.lines)
            raise ValueError(f"line {request.line_no} is not on {s.po.po_number} (lines {lines})")

    def _invoice_by_number(self, number: str) -> InvoiceRecord | None:
        wanted = self._number_key(number)
        return next(
            (r for r in self._s.invoices if self._number_key(r.invoice.invoice_number) == wanted), None
        )

    def _invoice_number_rule(self) -> bool:
        """True: models.normalize_invoice_number (every digit run). A run that
        started under the earlier rule keeps it to its end, so its history
        replays as it ran: numbers decide which documents are re-sends, which
        invoice a credit memo settles and what the random audit draws.
        Decided first thing in run: validators may not call patched()."""
        if self._every_digit_run is None:
            if workflow.unsafe.is_read_only():
                return True  # a validator before run started: only a new run can be there
            self._every_digit_run = workflow.patched(PATCH_INVOICE_NUMBER_RUNS)
        return self._every_digit_run

    def _number_key(self, number: str) -> str:
        if self._invoice_number_rule():
            return normalize_invoice_number(number)
        return legacy_normalize_invoice_number(number)

    def _document_key(self, doc: Document) -> str:
        if isinstance(doc, Invoice) and not self._invoice_number_rule():
            return doc.legacy_document_id
        return doc.document_id

    @workflow.query(name=PoQuery.STATE)
    def state(self) -> PurchaseOrderState:
        return self._s

    # ------------------------------------------------------------- handlers

    async def _handle_cancel(self) -> None:
        if self._cancel is None or self._cancel_done:
            return
        await self._finish_cancelled(f"cancelled by {self._cancel.actor}: {self._cancel.reason}")
        self._cancel_done = True

    async def _finish_cancelled(self, reason: str) -> None:
        s = self._s
        s.status = PoStatus.CANCELLED
        s.cancel_reason = reason
        s.ack_reminder_at = s.ack_due_at = s.receipt_due_at = None
        for task in s.open_tasks:
            await self._close_task(task, TaskStatus.CANCELLED)
        self._log("cancelled", reason)
        if s.issued_at is not None:
            await self._notify(
                NotificationChannel.SUPPLIER,
                s.po.vendor_id,
                "cancelled",
                f"{s.po.po_number} is cancelled",
                reason,
            )

    async def _handle_decisions(self) -> None:
        for pending in [p for p in self._decisions if not p.done]:
            decision = pending.request
            task = self._s.task(decision.task_id)
            assert task is not None
            if task.status != TaskStatus.OPEN:  # closed by an event while the decision was on its way
                self._log(
                    "decision_ignored",
                    f"{task.task_id} was already {task.status.value}; "
                    f"{decision.decision} by {decision.actor} not applied",
                )
                pending.done = True
                continue
            task.status = TaskStatus.DONE
            task.decision = decision.decision
            task.decided_by = decision.actor
            task.decided_at = workflow.now()
            task.comment = decision.comment
            self._log(
                "decided",
                f"{task.task_id} {task.kind.value}: {decision.decision}"
                + (f" ({', '.join(decision.holds)})" if decision.holds else "")
                + f" by {decision.actor}"
                + (f" — {decision.comment}" if decision.comment else ""),
                actor=decision.actor,
            )
            await act.save_task(task)
            if not self._s.is_final:
                await self._apply_decision(task, decision)
            pending.done = True
        self._decisions = [p for p in self._decisions if not p.done]

    async def _handle_hold_requests(self) -> None:
        for pending in [h for h in self._hold_requests if not h.done]:
            if not self._s.is_final:
                await self._place_manual_hold(pending.request)
            pending.done = True
        self._hold_requests = [h for h in self._hold_requests if not h.done]

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

    async def _apply_decision(self, task: HumanTask, d: TaskDecision) -> None:
        s = self._s
        choice = d.decision
        if task.kind == TaskKind.APPROVE_PO:
            if choice == Decision.APPROVE:
                await self._issue()
            else:
                s.status = PoStatus.REJECTED
                self._log("rejected", f"approval refused by {d.actor}: {d.comment}")
        elif task.kind == TaskKind.APPROVE_SUPPLIER_CHANGE:
            await self._decide_supplier_change(accept=(choice == Decision.ACCEPT_CHANGE), actor=d.actor)
        elif (
            task.kind in (TaskKind.SUPPLIER_REJECTED, TaskKind.CHASE_SUPPLIER)
            and choice == Decision.CANCEL_PO
        ):
            await self._finish_cancelled(f"cancelled by {d.actor} after {task.kind.value}: {d.comment or ''}")
        elif task.kind == TaskKind.CHASE_SUPPLIER:
            if choice == Decision.PROCEED_WITHOUT_ACK:
                s.ack_waived = True
                s.ack_reminder_at = s.ack_due_at = None
            else:  # keep_waiting
                assert s.policy is not None
                s.ack_due_at = workflow.now() + s.policy.ack_due_after
        elif task.kind == TaskKind.EXPEDITE_RECEIPT:
            if choice == Decision.CLOSE_SHORT:
                await self._close_short(d.actor)
            else:
                assert s.policy is not None
                s.receipt_due_at = workflow.now() + s.policy.receipt_grace
        elif task.kind == TaskKind.RESOLVE_INVOICE_HOLD:
            await self._decide_invoice_hold(task, d)

    # ----------------------------------------------------- documents: 4–6

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
                self._on_ship_notice(doc)
            else:
                await self._on_invoice(doc)

    async def _on_acknowledgment(self, ack: Acknowledgment) -> None:
        s = self._s
        assert s.policy is not None
        s.ack_reminder_at = s.ack_due_at = None
        await self._cancel_open_tasks(TaskKind.CHASE_SUPPLIER)
        if ack.status == AckStatus.REJECTED:
            s.acknowledgments.append(
                AckRecord(ack=ack, outcome=AckOutcome.SUPPLIER_REJECTED, received_at=workflow.now())
            )
            self._log("supplier_rejected", ack.message or f"{ack.ack_id}: rejected by the supplier")
            await self._open_task(
                TaskKind.SUPPLIER_REJECTED,
                f"{s.po.vendor_id} rejected {s.po.po_number}",
                subject_id=ack.document_id,
                context={"supplier_message": ack.message or "(none)"},
            )
            return
        comparison = acknowledgment.compare_acknowledgment(s.po, ack, s.policy.tolerances)
        if s.status == PoStatus.ISSUED:
            s.status = PoStatus.ACKNOWLEDGED
        if not comparison.has_changes:
            outcome = AckOutcome.ACCEPTED
            self._log("acknowledged", f"{ack.ack_id}: accepted as ordered")
        elif comparison.within_tolerance:
            outcome = AckOutcome.ACCEPTED_AS_REVISION
            assert comparison.revised_po is not None
            await self._new_revision(
                comparison.revised_po,
                RevisionReason.SUPPLIER_CHANGE_AUTO,
                ack.document_id,
                "; ".join(comparison.changes),
            )
        else:
            outcome = AckOutcome.CHANGE_REVIEW
            s.pending_change = ack
            await self._cancel_open_tasks(TaskKind.APPROVE_SUPPLIER_CHANGE)  # a newer ack supersedes
            self._log("supplier_change", "outside tolerance: " + "; ".join(comparison.outside_tolerance))
            await self._open_task(
                TaskKind.APPROVE_SUPPLIER_CHANGE,
                f"Supplier change on {s.po.po_number}",
                subject_id=ack.document_id,
                context={
                    "changes": "; ".join(comparison.changes),
                    "outside_tolerance": "; ".join(comparison.outside_tolerance),
                    "supplier_message": ack.message or "(none)",
                },
            )
        s.acknowledgments.append(AckRecord(ack=ack, outcome=outcome, received_at=workflow.now()))

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
        assert s.policy is not None
        comparison = acknowledgment.compare_acknowledgment(s.po, ack, s.policy.tolerances)
        if comparison.revised_po is not None:
            await self._new_revision(
                comparison.revised_po,
                RevisionReason.SUPPLIER_CHANGE_APPROVED,
                ack.document_id,
                f"approved by {actor}: " + "; ".join(comparison.changes),
            )
        record.outcome = AckOutcome.ACCEPTED_AS_REVISION

    async def _new_revision(
        self, po: PurchaseOrder, reason: RevisionReason, source: str | None, detail: str
    ) -> None:
        s = self._s
        s.po = po
        s.revisions.append(
            Revision(
                revision=po.revision,
                reason=reason,
                source_document_id=source,
                at=workflow.now(),
                total=po.total,
            )
        )
        assert s.policy is not None
        if s.receipt_due_at is not None:
            s.receipt_due_at = deadlines.receipt_due_at(po, s.policy.receipt_grace)
        self._log("revised", f"r{po.revision} ({reason.value}): {detail}")
        # A price hold re-checks itself against the new agreed terms.
        await self._rematch_held()

    def _on_ship_notice(self, notice: ShipNotice) -> None:
        """Recorded and told: what is coming, and when. (ASN_MISMATCH — the
        receipt or invoice against the ASN — is a later match leg.)"""
        self._s.ship_notices.append(notice)
        lines = ", ".join(
            f"line {line.line_no}: {line.quantity_shipped.normalize():f}" for line in notice.lines
        )
        due = f", expected {notice.expected_delivery.isoformat()}" if notice.expected_delivery else ""
        self._log(
            "shipped", f"{notice.asn_id}: {lines}{due}" + (f" via {notice.carrier}" if notice.carrier else "")
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
        # Goods arriving is the strongest acknowledgment there is.
        s.ack_reminder_at = s.ack_due_at = None
        await self._cancel_open_tasks(TaskKind.CHASE_SUPPLIER)
        if receiving.fully_received(s, net_of_rejections=self._net_receipts()):
            s.status = PoStatus.RECEIVED
            s.receipt_due_at = None
            await self._cancel_open_tasks(TaskKind.EXPEDITE_RECEIPT)
        elif receiving.anything_received(s):
            s.status = PoStatus.PARTIALLY_RECEIVED
        await self._rematch_held()

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
        candidates = (
            []
            if record.invoice.kind == InvoiceKind.CREDIT_MEMO
            else (await act.find_duplicate_candidates(record.invoice))
        )
        # A rejected invoice is no original to be a duplicate of (SAP, Odoo, ERPNext
        # skip cancelled ones): the activity leaves those out, and this PO's own
        # rejections are known here before any projection.
        rejected = {r.document_id for r in self._s.invoices if r.status == InvoiceStatus.REJECTED}
        candidates = [c for c in candidates if c.document_id not in rejected]
        self._draw_for_audit(record)
        request = invoicing.match_request(self._s, record, candidates)
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

    def _draw_for_audit(self, record: InvoiceRecord) -> None:
        """Once per invoice, before its first match: the random-audit draw
        (deterministic from its document id, audit_sample.audit_draw)."""
        s = self._s
        if record.audit is not None or record.invoice.kind == InvoiceKind.CREDIT_MEMO or s.policy is None:
            return
        if s.policy.audit_sample_pct <= 0 or not workflow.patched(PATCH_RANDOM_AUDIT):
            return
        record.audit = audit_sample.audit_draw(
            record.invoice, s.policy, draw_key=self._document_key(record.invoice)
        )
        if record.audit is not None and record.audit.selected:
            self._log("audit_selected", f"{record.invoice.invoice_number}: {record.audit.basis}")

    async def _rematch_held(self) -> None:
        for record in [r for r in self._s.invoices if r.status == InvoiceStatus.HELD]:
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

    async def _open_hold_task(self, record: InvoiceRecord) -> None:
        await self._open_task(
            TaskKind.RESOLVE_INVOICE_HOLD,
            f"Invoice {record.invoice.invoice_number} on hold",
            subject_id=record.document_id,
            context=invoice_holds.hold_task_context(record),
            holds=invoice_holds.task_holds(record),
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
            if workflow.patched(PATCH_PER_HOLD_DECISIONS):
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

    # ------------------------------------------------------------- deadlines

    async def _handle_deadlines(self) -> None:
        s = self._s
        if s.is_final:
            return
        now = workflow.now()
        if s.ack_reminder_at is not None and now >= s.ack_reminder_at:
            s.ack_reminder_at = None
            s.ack_reminders_sent += 1
            self._log(
                "ack_reminder",
                f"no acknowledgment yet; reminder {s.ack_reminders_sent} sent to {s.po.vendor_id}",
            )
            await self._notify(
                NotificationChannel.SUPPLIER,
                s.po.vendor_id,
                f"ack-reminder:{s.ack_reminders_sent}",
                f"Please acknowledge {s.po.po_number}",
                f"{s.po.po_number} r{s.po.revision} was issued on {s.issued_at:%Y-%m-%d %H:%M} UTC.",
            )
        if s.ack_due_at is not None and now >= s.ack_due_at:
            s.ack_due_at = None
            self._log("ack_overdue", "acknowledgment SLA lapsed; buyer asked to chase the supplier")
            if not s.has_open_task(TaskKind.CHASE_SUPPLIER):
                await self._open_task(
                    TaskKind.CHASE_SUPPLIER,
                    f"Chase {s.po.vendor_id} for {s.po.po_number}",
                    context={
                        "issued_at": f"{s.issued_at:%Y-%m-%d %H:%M} UTC",
                        "reminders_sent": str(s.ack_reminders_sent),
                    },
                )
        if s.receipt_due_at is not None and now >= s.receipt_due_at:
            s.receipt_due_at = None
            self._log("receipt_overdue", "goods not received by need-by + grace")
            if not s.has_open_task(TaskKind.EXPEDITE_RECEIPT):
                await self._open_task(
                    TaskKind.EXPEDITE_RECEIPT,
                    f"Expedite {s.po.po_number}",
                    context={"need_by": str(s.po.latest_need_by)},
                )
        for record in s.invoices:
            if record.status == InvoiceStatus.HELD and record.escalate_at and now >= record.escalate_at:
                record.escalate_at = None
                self._log("hold_escalated", f"{record.invoice.invoice_number} still on hold")
                if not s.has_open_task(TaskKind.RESOLVE_INVOICE_HOLD, record.document_id):
                    await self._open_hold_task(record)
        for task in s.open_tasks:
            if task.escalation_level < 2 and now >= task.due_at:
                await self._escalate(task)

    async def _escalate(self, task: HumanTask) -> None:
        assert self._s.policy is not None
        task.escalation_level += 1
        task.due_at = workflow.now() + self._s.policy.task_sla
        self._log("task_escalated", f"{task.task_id} {task.kind.value} overdue → {task.escalated_to}")
        await act.save_task(task)
        await self._notify(
            NotificationChannel.APPROVER,
            f"{task.assignee_role}:{task.escalated_to}",
            f"task:{task.task_id}:escalated:{task.escalation_level}",
            f"Overdue: {task.title}",
            f"Escalated to the {task.escalated_to}.",
        )

    # ------------------------------------------------------------ closing

    async def _close_if_done(self) -> None:
        if closing.can_close(self._s, net_of_rejections=self._net_receipts()):
            self._s.status = PoStatus.CLOSED
            self._s.closed_at = workflow.now()
            self._log("closed", "fully received, invoiced and approved")

    async def _close_short(self, actor: str) -> None:
        """Buyer accepts what was received: ordered quantities drop to what was
        kept (net of rejections: rejected goods are not coming back)."""
        s = self._s
        net = self._net_receipts()
        lines = closing.close_short_lines(s, net_of_rejections=net)
        if not lines:
            await self._finish_cancelled(f"closed short by {actor} with nothing received")
            return
        revised = s.po.model_copy(update={"lines": lines, "revision": s.po.revision + 1})
        s.receipt_due_at = None
        await self._new_revision(revised, RevisionReason.BUYER_AMENDMENT, None, f"closed short by {actor}")
        if receiving.fully_received(s, net_of_rejections=net):
            s.status = PoStatus.RECEIVED

    # ------------------------------------------------------------- tasks

    async def _open_task(
        self,
        kind: TaskKind,
        title: str,
        *,
        subject_id: str | None = None,
        context: dict[str, str] | None = None,
        holds: list[TaskHold] | None = None,
    ) -> HumanTask:
        s = self._s
        assert s.policy is not None
        now = workflow.now()
        task = HumanTask(
            task_id=po_task_id(s.po.po_number, len(s.tasks) + 1),
            po_number=s.po.po_number,
            kind=kind,
            title=title,
            options=list(TASK_OPTIONS[kind]),
            assignee_role=TASK_ROLES[kind],
            assignee=s.po.buyer if TASK_ROLES[kind] == "buyer" else None,
            subject_id=subject_id,
            context=context or {},
            holds=holds or [],
            created_at=now,
            due_at=now + s.policy.task_sla,
        )
        s.tasks.append(task)
        self._log("task_opened", f"{task.task_id} {kind.value}: {title} → {task.assignee_role}")
        await act.save_task(task)
        await self._notify(
            NotificationChannel.APPROVER,
            task.assignee or task.assignee_role,
            f"task:{task.task_id}:opened",
            title,
            "; ".join(f"{k}: {v}" for k, v in task.context.items()),
        )
        return task

    async def _close_task(self, task: HumanTask, status: TaskStatus) -> None:
        task.status = status
        task.decided_at = workflow.now()
        await act.save_task(task)

    async def _cancel_open_tasks(self, kind: TaskKind, subject_id: str | None = None) -> None:
        """Tasks made obsolete by events (the ack arrived, the receipt cleared the hold)."""
        for task in self._s.open_tasks:
            if task.kind == kind and (subject_id is None or task.subject_id == subject_id):
                await self._close_task(task, TaskStatus.CANCELLED)
                self._log("task_closed", f"{task.task_id} no longer needed")

    # ---------------------------------------------------- story and views

    def _log(self, event: str, detail: str, actor: str = "system") -> None:
        self._s.timeline.append(TimelineEntry(at=workflow.now(), event=event, detail=detail, actor=actor))
        workflow.logger.info("%s %s: %s", self._s.po.po_number, event, detail)

    async def _notify(
        self, channel: NotificationChannel, recipient: str, key: str, subject: str, body: str
    ) -> None:
        await act.notify(
            Notification(
                notification_id=f"{self._s.po.po_number}:{key}",
                po_number=self._s.po.po_number,
                channel=channel,
                recipient=recipient,
                subject=subject,
                body=body,
                at=workflow.now(),
            )
        )

    async def _flush(self) -> None:
        """Write new timeline entries as audit events and publish the state to
        search attributes, current details and the PO projection."""
        s = self._s
        po = s.po
        new_entries = s.timeline[self._audited :]
        if new_entries:
            await act.record_audit_events(
                [
                    AuditEvent(
                        event_id=f"{po.po_number}:{self._audited + i}",
                        po_number=po.po_number,
                        event=e.event,
                        detail=e.detail,
                        actor=e.actor,
                        at=e.at,
                    )
                    for i, e in enumerate(new_entries)
                ]
            )
            self._audited += len(new_entries)
        view = (s.status, po.revision, str(po.total), s.open_hold_count, len(s.open_tasks))
        if view == self._published:
            return
        self._published = view
        workflow.upsert_search_attributes(
            [
                search_attributes.PO_NUMBER.value_set(po.po_number),
                search_attributes.VENDOR_ID.value_set(po.vendor_id),
                search_attributes.BUYER.value_set(po.buyer),
                search_attributes.PO_STATUS.value_set(s.status.value),
                search_attributes.PO_TOTAL.value_set(float(po.total)),  # search only; money stays Decimal
                search_attributes.OPEN_HOLDS.value_set(s.open_hold_count),
            ]
        )
        workflow.set_current_details(current_details(s))
        await act.save_po_projection(
            PoProjection(
                po_number=po.po_number,
                revision=po.revision,
                vendor_id=po.vendor_id,
                buyer=po.buyer,
                status=s.status.value,
                currency=po.currency,
                total=po.total,
                open_holds=s.open_hold_count,
                open_tasks=len(s.open_tasks),
                workflow_id=workflow.info().workflow_id,
                updated_at=workflow.now(),
            )
        )
