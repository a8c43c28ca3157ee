"""PurchaseOrderWorkflow — one durable workflow per PO, id `po-{po_number}`,
from approval to close (DESIGN.md "Workflows", steps 1–7).

Shape: signals and updates only *record* what arrived (after de-duplicating
by document id); one main loop does the work in arrival order, so activities
for one PO never run concurrently and every step is easy to read in the
history. Timers are deadlines kept in the state: the loop sleeps until the
earliest one or until something arrives, which survives continue-as-new.

This module is the story: the handlers, their validators and the loop. The
steps of each lifecycle stage are mixins in workflows/po_steps/."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

from workflows.po_steps.amendments import AmendmentSteps
from workflows.po_steps.approval import ApprovalSteps
from workflows.po_steps.base import OPEN_FOR_DOCUMENTS, Document, PoBase, _Pending
from workflows.po_steps.channel import ChannelSteps
from workflows.po_steps.closing import ClosingSteps
from workflows.po_steps.deadlines import DeadlineSteps
from workflows.po_steps.decisions import DecisionSteps
from workflows.po_steps.documents import DocumentSteps
from workflows.po_steps.expedite import ExpediteSteps
from workflows.po_steps.inspections import InspectionSteps
from workflows.po_steps.invoices import InvoiceSteps
from workflows.po_steps.over_receipt import OverReceiptSteps
from workflows.po_steps.patches import PATCH_INSPECTIONS, PATCH_SCHEDULE_EXPEDITE, PATCH_SMALL_RESULT
from workflows.po_steps.rejected_lines import RejectedLineSteps
from workflows.po_steps.returns import ReturnSteps
from workflows.po_steps.start import StartSteps

with workflow.unsafe.imports_passed_through():
    from models import (
        Acknowledgment,
        CancelRequest,
        FinalCloseRequest,
        GoodsReceipt,
        HumanTask,
        Invoice,
        InvoiceRecord,
        InvoiceStatus,
        LineCancelRequest,
        PurchaseOrderInput,
        PurchaseOrderState,
        ShipNotice,
        TaskDecision,
        TaskKind,
    )
    from models.amendments import AmendRequest
    from models.functional_acks import FunctionalAck
    from models.inspections import InspectionResult
    from models.returns import ReturnToVendor
    from models.tasks import check_decision, check_named_holds
    from models.workflow_state import HoldRequest
    from p2p import amendments, closing, deadlines, decisions, invoice_holds, receiving, rejected_lines
    from workflows import legacy
    from workflows.contract import Decision, PoQuery, PoSignal, PoUpdate, WorkflowType
    from workflows.outcome import PoOutcome, po_outcome


@workflow.defn(name=WorkflowType.PURCHASE_ORDER)
class PurchaseOrderWorkflow(
    StartSteps,
    ApprovalSteps,
    AmendmentSteps,
    DecisionSteps,
    DocumentSteps,
    ReturnSteps,
    InspectionSteps,
    ExpediteSteps,
    OverReceiptSteps,
    RejectedLineSteps,
    ChannelSteps,
    InvoiceSteps,
    DeadlineSteps,
    ClosingSteps,
    PoBase,
):
    @workflow.init
    def __init__(self, inp: PurchaseOrderInput) -> None:
        self._s = inp.carried_state or PurchaseOrderState(po=inp.po)
        self._history_limit = inp.history_event_limit
        self._documents: list[Document] = list(inp.pending_documents)
        self._decisions: list[_Pending[TaskDecision]] = []
        self._hold_requests: list[_Pending[HoldRequest]] = []
        self._line_cancels: list[_Pending[LineCancelRequest]] = []
        self._amendments: list[_Pending[AmendRequest]] = []
        self._cancel: CancelRequest | None = None
        self._cancel_done = False
        self._audited = len(self._s.timeline)  # timeline entries already written
        self._published: tuple[object, ...] | None = None
        self._attribute_values: dict[str, object] = {}
        self._every_digit_run: bool | None = None  # see _invoice_number_rule

    # ------------------------------------------------------------------ run

    @workflow.run
    async def run(self, inp: PurchaseOrderInput) -> PurchaseOrderState | PoOutcome:
        if self._invoice_number_rule() and inp.carried_state is not None:
            legacy.adopt_invoice_number_rule(self._s)  # carried from a run under the earlier rule
        small_result = self._patched(PATCH_SMALL_RESULT)  # at the start: a run from before keeps its result
        if inp.carried_state is None:
            self._s.inspection_rule = self._patched(PATCH_INSPECTIONS)  # kept to the run's end
            self._s.expedite_per_schedule = self._patched(PATCH_SCHEDULE_EXPEDITE)  # likewise
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
        await self._handle_line_cancels()
        await self._handle_amendments()
        self._cancel_done = True
        await self._flush()
        await workflow.wait_condition(workflow.all_handlers_finished)
        if small_result:
            return po_outcome(self._s)  # the state: by query and in the database
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

    def _decision_pending(self) -> bool:
        return (
            any(not p.done for p in self._decisions)
            or any(not h.done for h in self._hold_requests)
            or any(not c.done for c in self._line_cancels)
            or any(not a.done for a in self._amendments)
            or (self._cancel is not None and not self._cancel_done)
        )

    async def _step(self) -> None:
        """One pass over everything that is due, in a fixed order."""
        await self._handle_cancel()
        await self._handle_decisions()
        await self._handle_hold_requests()
        await self._handle_line_cancels()
        await self._handle_amendments()
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

    @workflow.signal(name=PoSignal.RETURN)
    def return_to_vendor(self, rtv: ReturnToVendor) -> None:
        self._accept_document(rtv)

    @workflow.signal(name=PoSignal.INSPECTION)
    def inspection(self, inspection: InspectionResult) -> None:
        self._accept_document(inspection)

    @workflow.signal(name=PoSignal.FUNCTIONAL_ACK)
    def functional_ack(self, fa: FunctionalAck) -> None:
        self._accept_document(fa)

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
        if task.kind == TaskKind.RESOLVE_REJECTED_LINE:
            rejected_lines.check_decision(self._s, task, decision)
        decisions.check_role(task, decision.actor, decision.actor_roles)
        decisions.check_segregation_of_duties(self._s, task, decision.actor)
        self._check_approver(task, decision)
        self._check_amendment_approver(task, decision)

    @workflow.update(name=PoUpdate.CANCEL)
    async def cancel(self, request: CancelRequest) -> PurchaseOrderState:
        self._cancel = request
        await workflow.wait_condition(lambda: self._cancel_done)
        return self._s

    @cancel.validator
    def _validate_cancel(self, request: CancelRequest) -> None:
        self._check_can_end()
        if receiving.anything_received(self._s):
            raise ValueError(
                f"{self._s.po.po_number} has receipts: final-close it instead (it keeps what was received)"
            )

    @workflow.update(name=PoUpdate.FINAL_CLOSE)
    async def final_close(self, request: FinalCloseRequest) -> PurchaseOrderState:
        self._cancel = request  # ended like a cancellation, by the loop (closing.ClosingSteps)
        await workflow.wait_condition(lambda: self._cancel_done)
        return self._s

    @final_close.validator
    def _validate_final_close(self, request: FinalCloseRequest) -> None:
        self._check_can_end()
        # A validator may not call workflow.patched: receipts count net of
        # rejections here (today's rule); the loop applies the run's own rule.
        refusal = closing.final_close_refusal(self._s, net_of_rejections=True)
        if refusal:
            raise ValueError(refusal)

    def _check_can_end(self) -> None:
        if self._s.is_final:
            raise ValueError(f"{self._s.po.po_number} is already {self._s.status.value}")
        if self._cancel is not None:
            raise ValueError(f"a {self._ending()} of {self._s.po.po_number} is already in progress")

    def _ending(self) -> str:
        return "final close" if isinstance(self._cancel, FinalCloseRequest) else "cancellation"

    @workflow.update(name=PoUpdate.CANCEL_LINE)
    async def cancel_line(self, request: LineCancelRequest) -> PurchaseOrderState:
        pending = _Pending(request)
        self._line_cancels.append(pending)
        await workflow.wait_condition(lambda: pending.done)
        return self._s

    @cancel_line.validator
    def _validate_cancel_line(self, request: LineCancelRequest) -> None:
        self._check_can_end()
        refusal = closing.line_cancel_refusal(self._s, request.line_no)
        if refusal is None and any(c.request.line_no == request.line_no for c in self._line_cancels):
            refusal = f"line {request.line_no} is already being cancelled"
        if refusal:
            raise ValueError(refusal)

    @workflow.update(name=PoUpdate.AMEND)
    async def amend(self, request: AmendRequest) -> PurchaseOrderState:
        """The buyer changes the issued PO (p2p.amendments): the next revision
        sent to the supplier, or an approval task when the total rises beyond
        the threshold."""
        pending = _Pending(request)
        self._amendments.append(pending)
        await workflow.wait_condition(lambda: pending.done)
        return self._s

    @amend.validator
    def _validate_amend(self, request: AmendRequest) -> None:
        self._check_can_end()
        refusal = amendments.amendment_refusal(self._s, request)
        if refusal is None and any(not a.done for a in self._amendments):
            refusal = f"another amendment of {self._s.po.po_number} is being applied; try again in a moment"
        if refusal:
            raise ValueError(refusal)

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

    @workflow.query(name=PoQuery.STATE)
    def state(self) -> PurchaseOrderState:
        return self._s
