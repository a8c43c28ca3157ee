"""Temporal activities that read master data and write projections, audit
events, match results, PO issues and payment hand-offs.

These are synchronous `def` activities on purpose: SQLAlchemy with psycopg /
sqlite3 is blocking I/O, and the worker runs sync activities in its
`activity_executor` thread pool (register them with e.g.
`Worker(..., activities=PersistenceActivities(engine).all(),
activity_executor=ThreadPoolExecutor(max_workers=16))`), which keeps the event
loop free without run_in_executor plumbing in every method.

Each takes one model (or a str) and is idempotent on its business key, so a
retry or a replay after a reset writes nothing twice. Bad input raises a
non-retryable ApplicationError; database trouble raises normally and Temporal
retries.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from sqlalchemy.engine import Engine
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.db import invoice_keys, outbox, repository
from activities.db.master_data import Vendor, get_vendor
from activities.db.validation import validate_purchase_order
from activities.match_references import load_profiles
from activities.po_channel import EdiSend, EdiSender, edi_renderer, pdf_renderer
from activities.po_email import po_email
from models import (
    AuditEvent,
    HandoffResult,
    HumanTask,
    Invoice,
    InvoiceKind,
    IssuePurpose,
    IssueRequest,
    IssueResult,
    MatchRecord,
    Notification,
    NotificationChannel,
    PaymentHandoff,
    Policy,
    PoProjection,
    PoValidation,
    PurchaseOrder,
    StepRecord,
    money_text,
)
from models.matching import MatchRequest, MatchResult
from p2p.duplicates import MAX_CANDIDATES_LOADED
from p2p.matching import match_invoice
from workflows.profile_refs import ProfileRef


def _bad_input(message: str) -> ApplicationError:
    """Input no retry can fix: Temporal must not retry the activity."""
    return ApplicationError(message, non_retryable=True, type="BadInput")


def _alive() -> None:
    """A heartbeat, so that Temporal retries an attempt whose worker died
    (workflows.activity_calls.ISSUE_HEARTBEAT) long before its timeout."""
    if activity.in_activity():
        activity.heartbeat()


def _check_po_is_the_one_named(req: IssueRequest) -> None:
    if req.po is not None and (req.po.po_number, req.po.revision) != (req.po_number, req.revision):
        raise _bad_input(
            f"issue_po {req.po_number} r{req.revision}: the PO given is {req.po.po_number} r{req.po.revision}"
        )
    before = req.previous
    if before is not None and (
        req.po is None
        or (before.po_number, before.vendor_id) != (req.po.po_number, req.po.vendor_id)
        or before.revision >= req.revision
    ):
        raise _bad_input(
            f"issue_po {req.po_number} r{req.revision}: the previous revision given "
            f"({before.po_number} r{before.revision}) is not an earlier revision of the PO sent"
        )


def _issue_channel(req: IssueRequest, vendor: Vendor) -> str:
    """The request's override, else the vendor's channel; "email" for EDI
    when there is no PO to render the message from."""
    channel = req.channel or vendor.channel
    if channel == "edi" and req.po is None:
        # A workflow from before EDI issuing sends no PO to render: the e-mail, as it did then.
        activity.logger.warning(
            "%s r%d: no PO to render an EDI message from; sent by e-mail", req.po_number, req.revision
        )
        channel = "email"
    return channel


def _check_can_send(req: IssueRequest, vendor: Vendor, channel: str) -> None:
    """A resend needs the PO, and the vendor needs the settings of `channel`."""
    if req.attempt > 0 and req.po is None:
        raise _bad_input(f"issue_po {req.po_number}: a resend (attempt {req.attempt}) needs the PO")
    problem = replace(vendor, channel=channel).channel_problem()
    if problem is not None:
        raise _bad_input(f"issue_po {req.po_number}: vendor {vendor.id}: {problem}")


class PersistenceActivities:
    def __init__(self, engine: Engine, edi_sender: EdiSender | None = None) -> None:
        self._engine = engine
        self._edi_sender = edi_sender or EdiSender()

    def all(self) -> list[Callable[..., Any]]:
        """The activities to register on a worker."""
        return [
            self.load_policy,
            self.validate_po,
            self.validate_with_policy,
            self.save_po_projection,
            self.save_task,
            self.record_audit_events,
            self.record_step,
            self.match_and_record,
            self.match_finding_duplicates,
            self.save_match_result,
            self.issue_po,
            self.hand_off_for_payment,
            self.find_duplicate_candidates,
        ]

    @activity.defn
    def load_policy(self, vendor_id: str) -> Policy:
        """The policy the PO runs under; the workflow records it in history so
        later decisions are explained by what was in force."""
        if not vendor_id:
            raise ApplicationError("load_policy: vendor_id is empty", non_retryable=True, type="BadInput")
        policy = repository.get_policy_for_vendor(self._engine, vendor_id)
        activity.logger.info("policy for vendor %s: %s v%d", vendor_id, policy.name, policy.version)
        return policy

    @activity.defn
    def validate_po(self, po: PurchaseOrder) -> PoValidation:
        """Blocking errors (unknown/inactive vendor, wrong currency, unknown
        item) and non-blocking flags (off-contract price, no contract, unit of
        measure). Read-only, so trivially idempotent."""
        result = validate_purchase_order(self._engine, po)
        activity.logger.info(
            "validated %s r%d: %d errors, %d flags",
            po.po_number,
            po.revision,
            len(result.errors),
            len(result.flags),
        )
        return result

    @activity.defn
    def validate_with_policy(self, po: PurchaseOrder) -> tuple[Policy, PoValidation]:
        """load_policy and validate_po in one round trip (the PO workflow's
        first step, PATCH_VALIDATE_WITH_POLICY). Read-only, so idempotent."""
        return self.load_policy(po.vendor_id), self.validate_po(po)

    @activity.defn
    def save_po_projection(self, p: PoProjection) -> None:
        """Upsert by po_number; an older snapshot never overwrites a newer one."""
        if not repository.upsert_po_projection(self._engine, p):
            activity.logger.info(
                "projection %s: stored row is newer than %s, kept", p.po_number, p.updated_at
            )

    @activity.defn
    def save_task(self, task: HumanTask) -> None:
        """Upsert by task_id (called on create, escalation and decision)."""
        repository.upsert_task(self._engine, task)

    @activity.defn
    def record_step(self, step: StepRecord) -> int:
        """A workflow step's audit events and projection in one activity (one
        round trip through the server). Each write is idempotent on its own
        (events by id, the projection kept when the stored row is newer), so a
        retry after either succeeded writes nothing twice."""
        written = self.record_audit_events(step.audit_events) if step.audit_events else 0
        if step.projection is not None:
            self.save_po_projection(step.projection)
        return written

    @activity.defn
    def record_audit_events(self, events: list[AuditEvent]) -> int:
        """One activity per workflow step, not per event: keeps histories short."""
        written = repository.insert_audit_events(self._engine, events)
        if written < len(events):
            activity.logger.info(
                "%d of %d audit events were already recorded", len(events) - written, len(events)
            )
        return written

    @activity.defn
    def match_and_record(self, request: MatchRequest) -> MatchResult:
        """Match one invoice (`p2p.matching`) and store the result with its
        request, in one activity: the request travels into history once. The
        verdict is stamped with the activity's first scheduled time, not the
        clock, so a retry computes the same result and stores nothing twice."""
        result = match_invoice(request, matched_at=activity.info().scheduled_time)
        self.save_match_result(MatchRecord(request=request, result=result))
        return result

    @activity.defn
    def match_finding_duplicates(
        self, request: MatchRequest, not_originals: list[str], profiles: list[ProfileRef]
    ) -> MatchResult:
        """match_and_record that looks for the invoice's duplicate candidates
        itself (find_duplicate_candidates, less `not_originals`: this PO's
        invoices a person rejected), so they never travel through history
        (PATCH_MATCH_FINDS_DUPLICATES); `profiles` named: the request's
        tolerance profiles, loaded here (match_references). The candidates
        found can change between attempts, so a retry after the result was
        stored returns that result."""
        scheduled = activity.info().scheduled_time
        stored = repository.list_match_results(self._engine, invoice_id=request.invoice.document_id)
        earlier = next((r for r in stored if r.matched_at == scheduled), None)
        if earlier is not None:
            return earlier
        candidates = [
            c for c in self.find_duplicate_candidates(request.invoice) if c.document_id not in not_originals
        ]
        update: dict[str, Any] = {"duplicate_candidates": candidates}
        if profiles:
            update["tolerance_profiles"] = load_profiles(self._engine, profiles)
        return self.match_and_record(request.model_copy(update=update))

    @activity.defn
    def save_match_result(self, record: MatchRecord) -> None:
        """Store the result with the request it was computed from (so it can
        be re-run, `poflow tolerances simulate`), once per invoice + matched_at.
        A bare MatchResult from an older workflow is stored without request."""
        if not repository.insert_match_result(self._engine, record):
            activity.logger.info("match result for %s already stored", record.result.invoice_id)

    @activity.defn
    def issue_po(self, req: IssueRequest) -> IssueResult:
        """Send the PO revision to the supplier through its channel, once per
        (po_number, revision, purpose, attempt) — the purpose is the order
        itself, the whole order's cancellation (860 / ORDCHG cancelling it,
        or the e-mail saying so) or a reminder (the order again as a
        duplicate, or the e-mail with its PDF): a vendor on EDI gets the 850 (X12) or
        ORDERS (EDIFACT) of `req.po` (for an amendment, `req.previous` given:
        the 860 / ORDCHG from that revision to this one), stored with its
        control numbers in outbound_messages (the EDI outbox); a vendor on
        e-mail (or any vendor when `req.channel` says "email") gets the e-mail
        as before, with the PO as a PDF attachment stored there (and, for an
        amendment, the changes line by line in the text). A repeat returns
        already_issued=True with the first send's identifiers."""
        _alive()
        vendor = self._vendor_to_issue_to(req)
        _check_po_is_the_one_named(req)
        channel = _issue_channel(req, vendor)
        _check_can_send(req, vendor, channel)
        _alive()
        if channel == "edi":
            result = self._issue_by_edi(req, vendor)
        else:
            result = self._issue_by_email(req, vendor, channel)
        activity.logger.info(
            "%s r%d %s to %s by %s",
            req.po_number,
            req.revision,
            "already issued" if result.already_issued else "issued",
            vendor.id,
            result.describe(),
        )
        return result

    def _vendor_to_issue_to(self, req: IssueRequest) -> Vendor:
        vendor = get_vendor(self._engine, req.vendor_id)
        if vendor is None:
            raise _bad_input(f"issue_po {req.po_number}: unknown vendor {req.vendor_id!r}")
        return vendor

    def _issue_by_edi(self, req: IssueRequest, vendor: Vendor) -> IssueResult:
        """The 850 / ORDERS to the vendor's trading partner, or the 860 /
        ORDCHG when the request gives the revision the vendor has; no e-mail."""
        assert req.po is not None and vendor.edi_partner_id is not None
        return outbox.record_po_issue(
            self._engine,
            req,
            channel="edi",
            recipient=vendor.edi_partner_id,
            notification=None,
            render=edi_renderer(
                vendor,
                self._edi_sender,
                req.at,
                EdiSend(req.po, previous=req.previous, purpose=req.purpose, reason=req.reason),
            ),
        )

    def _issue_by_email(self, req: IssueRequest, vendor: Vendor, channel: str) -> IssueResult:
        """The e-mail, with the PO as a PDF when the request carries the PO."""
        assert vendor.email is not None
        projection = repository.get_purchase_order(self._engine, req.po_number)
        subject, body = po_email(req, vendor.name, projection)
        notification = Notification(
            notification_id=outbox.issue_notification_id(req),
            po_number=req.po_number,
            channel=NotificationChannel.SUPPLIER,
            recipient=vendor.email,
            subject=subject,
            body=body,
            at=req.at,
        )
        return outbox.record_po_issue(
            self._engine,
            req,
            channel=channel,
            recipient=vendor.email,
            notification=notification,
            # A cancellation's e-mail is the text alone; the others carry the PO as a PDF.
            render=pdf_renderer(req.po, vendor, req.at)
            if req.po is not None and req.purpose != IssuePurpose.CANCEL
            else None,
        )

    @activity.defn
    def hand_off_for_payment(self, h: PaymentHandoff) -> HandoffResult:
        """Hand an approved invoice to AP/ERP exactly once (invoice_id is the
        primary key): a repeat returns already_handed_off=True and the same
        payment reference, and never writes a second row."""
        result, first = outbox.hand_off_payment(self._engine, h)
        if result.already_handed_off:
            if (first.amount, first.currency) != (h.amount, h.currency):
                # Same invoice id, different terms: not paid twice, but somebody should know.
                activity.logger.warning(
                    "invoice %s was handed off before as %s %s; repeat with %s %s ignored",
                    h.invoice_id,
                    first.amount,
                    first.currency,
                    h.amount,
                    h.currency,
                )
            else:
                activity.logger.info(
                    "invoice %s already handed off (%s)", h.invoice_id, result.payment_reference
                )
        else:
            activity.logger.info(
                "invoice %s handed off for payment: %s (%s)",
                h.invoice_id,
                money_text(h.amount, h.currency),
                result.payment_reference,
            )
        return result

    @activity.defn
    def find_duplicate_candidates(self, invoice: Invoice) -> list[Invoice]:
        """Earlier invoices to compare `invoice` with in
        `p2p.duplicates.find_suspected_duplicates`: the vendor's stored
        invoices (not credit memos, not this one, not rejected) in the same
        currency whose total is within CANDIDATE_AMOUNT_SLACK_PCT of this
        total and that could meet a rule under the loosest policy — dated
        within the widest duplicate window a Policy allows (366 days: this
        activity does not know the PO's policy; the match applies the real
        one) or with a near-identical number (no date limit). Found by index
        (invoice_keys), at most MAX_CANDIDATES_LOADED, closest in date first.
        A credit memo has no candidates (it is never a suspected duplicate).
        Read-only, so idempotent."""
        if invoice.kind == InvoiceKind.CREDIT_MEMO:
            return []
        suspects = invoice_keys.find_suspects(self._engine, invoice, limit=MAX_CANDIDATES_LOADED)
        if suspects.found > MAX_CANDIDATES_LOADED:
            activity.logger.warning(
                "invoice %s: %d possible duplicates of the same amount, comparing the %d closest in date",
                invoice.document_id,
                suspects.found,
                MAX_CANDIDATES_LOADED,
            )
        activity.logger.info(
            "invoice %s: %d duplicate candidates among %d stored invoices of %s in the amount band",
            invoice.document_id,
            len(suspects.invoices),
            suspects.in_band,
            invoice.vendor_id,
        )
        return suspects.invoices
