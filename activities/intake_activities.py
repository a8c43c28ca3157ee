"""The activities of DocumentIntakeWorkflow: read the stored raw file into
documents, resolve each against the live PO and the vendor master, and deliver
it to its PO workflow.

The logic lives in `activities/intake/` (pure, separately tested); these are
the thin, idempotent doors to the database and to Temporal:

* `extract_document` is sync (pdfplumber is CPU-bound) and runs in the worker's
  thread pool; it heartbeats per page so a stuck extraction is noticed.
* `deliver_document` checks the document's business id across every channel
  (the `documents` table, which the JSON API writes too), signals the PO
  workflow — idempotent there by document id — and only then records the
  document, so a crash in between re-signals instead of losing it.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from sqlalchemy.engine import Engine
from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from activities.db import repository
from activities.db.master_data import list_vendors
from activities.intake.errors import ExtractionError
from activities.intake.extract import extract_file
from activities.intake.functional_acks import answered_message, only_functional_acks
from activities.intake.limits import IntakeLimits
from activities.intake.resolve import PoFacts, VendorRef, resolve_reading
from activities.intake.x12.write_997 import render_997
from models import PurchaseOrderState
from models.extraction import ExtractedKind, model_class
from models.intake import (
    DeliveryRequest,
    DeliveryResult,
    ExtractionOutcome,
    ExtractRequest,
    IntakePolicy,
    Resolution,
    ResolveRequest,
)
from settings import Settings
from workflows.contract import PoQuery, po_workflow_id

__all__ = ["IntakeActivities", "fit_in_history", "raw_document_id"]


def raw_document_id(sha256: str) -> str:
    """The key a received file is stored under in `documents`, before it is read."""
    return f"file:{sha256}"


class IntakeActivities:
    def __init__(self, engine: Engine, client: Client, settings: Settings) -> None:
        self._engine = engine
        self._client = client
        self._settings = settings
        self._limits = IntakeLimits(max_bytes=settings.max_document_bytes)

    def all(self) -> list[Callable[..., Any]]:
        return [self.intake_policy, self.extract_document, self.resolve_document, self.deliver_document]

    @activity.defn
    def intake_policy(self) -> IntakePolicy:
        return IntakePolicy(
            min_confidence=self._settings.review_confidence,
            review_sla=timedelta(hours=self._settings.review_sla_hours),
        )

    @activity.defn
    def extract_document(self, request: ExtractRequest) -> ExtractionOutcome:
        raw = repository.get_document_bytes(self._engine, raw_document_id(request.sha256))
        if raw is None:
            raise ApplicationError(
                f"no stored file {request.sha256}: store the raw bytes before starting intake",
                non_retryable=True,
            )
        try:
            found = extract_file(
                raw,
                filename=request.filename,
                content_type=request.content_type,
                vendor_id=request.vendor_id,
                limits=self._limits,
                progress=_heartbeat,
            )
        except ExtractionError as err:
            return ExtractionOutcome(
                error=str(err), functional_ack_id=self._acknowledge_x12(raw, request.sha256, err)
            )
        outcome = ExtractionOutcome(
            documents=found, functional_ack_id=self._acknowledge_x12(raw, request.sha256, None)
        )
        return fit_in_history(outcome)

    def _acknowledge_x12(self, raw: bytes, sha256: str, error: ExtractionError | None) -> str | None:
        """An X12 sender expects a 997 for every interchange: accepted, or
        rejected at the segment at fault. Stored as an outbound document (once:
        its id is the received file's hash); None for other formats, or when
        the file has no readable ISA to address a reply to."""
        if not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"ISA"):
            return None
        if only_functional_acks(raw, self._limits):
            return None  # a 997 is never acknowledged (X12 997 note 1)
        try:
            reply = render_997(raw, error=error, limits=self._limits)
        except ExtractionError:
            return None
        document_id = f"997:{sha256}"
        repository.store_document(
            self._engine,
            document_id=document_id,
            kind="x12-997",
            raw=reply,
            content_type="application/edi-x12",
            source="outbound",
            po_number=None,
        )
        return document_id

    @activity.defn
    async def resolve_document(self, request: ResolveRequest) -> Resolution:
        extracted = request.extracted
        unanswered = None
        if extracted.kind == ExtractedKind.FUNCTIONAL_ACK and not extracted.document.get("po_number"):
            extracted, unanswered = await asyncio.to_thread(answered_message, self._engine, extracted)
        po_number = extracted.document.get("po_number")
        po = await self._po_facts(po_number) if isinstance(po_number, str) and po_number else None
        vendors = await asyncio.to_thread(list_vendors, self._engine)
        resolution = resolve_reading(
            extracted,
            po=po,
            vendors=[VendorRef(v.id, v.name, v.email) for v in vendors],
            min_confidence=request.min_confidence,
            reviewed=request.reviewed_by is not None,
        )
        if unanswered:
            resolution.problems.insert(0, unanswered)
        return resolution

    async def _po_facts(self, po_number: str) -> PoFacts | None:
        """From the PO workflow itself (the truth), not the projection."""
        handle = self._client.get_workflow_handle(po_workflow_id(po_number))
        try:
            state = await handle.query(PoQuery.STATE, result_type=PurchaseOrderState)
        except RPCError as err:
            if err.status in (RPCStatusCode.NOT_FOUND, RPCStatusCode.INVALID_ARGUMENT):
                return None
            raise
        return PoFacts(po=state.po, status=state.status.value, is_final=state.is_final)

    @activity.defn
    async def deliver_document(self, request: DeliveryRequest) -> DeliveryResult:
        model = model_class(request.kind).model_validate(request.document)
        canonical = json.dumps(model.model_dump(mode="json"), sort_keys=True).encode()
        first = await asyncio.to_thread(repository.get_document, self._engine, request.document_id)
        if first is not None and first.sha256 != repository.sha256_hex(canonical):
            return DeliveryResult(
                delivered=False,
                duplicate_of=first.document_id,
                reason=f"{request.document_id} was received before ({first.received_at:%Y-%m-%d})",
            )
        try:
            await self._client.get_workflow_handle(po_workflow_id(request.po_number)).signal(
                request.signal, model
            )
        except RPCError as err:
            if err.status == RPCStatusCode.NOT_FOUND:
                return DeliveryResult(
                    delivered=False, reason=f"PO {request.po_number} takes no documents (no running workflow)"
                )
            raise
        stored = await asyncio.to_thread(
            repository.store_document,
            self._engine,
            document_id=request.document_id,
            kind=request.kind.value,
            raw=canonical,
            content_type="application/json",
            source=f"intake doc-{request.sha256}",
            po_number=request.po_number,
        )
        if stored.duplicate and stored.first_document_id != request.document_id:
            # Same normalized content under another key: delivered (the PO
            # de-duplicates by id), noted so that nobody wonders about the row.
            activity.logger.info("%s has the content of %s", request.document_id, stored.first_document_id)
        return DeliveryResult(delivered=True)


# Temporal refuses payloads over 2 MB; stay well below, since the outcome is
# recorded in the workflow's history and carried in its state.
MAX_OUTCOME_BYTES = 1_000_000


def fit_in_history(outcome: ExtractionOutcome, limit: int = MAX_OUTCOME_BYTES) -> ExtractionOutcome:
    """Drop where-read locations (the bulk of a long document's reading) when
    the outcome would be too large for the history; refuse a document that is
    too large even then, with a clear error instead of a failing workflow."""
    if len(outcome.model_dump_json()) <= limit:
        return outcome
    for document in outcome.documents:
        document.locations = {}
        document.warnings.append("field locations left out: the reading is too large to keep them")
    size = len(outcome.model_dump_json())
    if size <= limit:
        return outcome
    lines = sum(len(d.document.get("lines") or []) for d in outcome.documents)
    return ExtractionOutcome(
        error=f"the file holds {len(outcome.documents)} document(s) with {lines} lines in all, "
        f"a {size:,}-byte reading over the {limit:,}-byte limit of one intake: split it",
        functional_ack_id=outcome.functional_ack_id,
    )


def _heartbeat(done: int, of: int) -> None:
    if activity.in_activity():
        activity.heartbeat(done, of)
