"""Typed wrappers around the activities DocumentIntakeWorkflow calls, by name,
with their timeouts in one place (the same retry policy as the PO workflow's)."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from models.intake import (
        DeliveryRequest,
        DeliveryResult,
        ExtractionOutcome,
        ExtractRequest,
        IntakePolicy,
        Resolution,
        ResolveRequest,
    )
    from workflows.activity_calls import RETRY, TIMEOUT
    from workflows.contract import po_workflow_id

# A PDF of many pages takes a while; the heartbeat notices a stuck one sooner.
EXTRACT_TIMEOUT = timedelta(minutes=5)
EXTRACT_HEARTBEAT = timedelta(seconds=30)


async def intake_policy() -> IntakePolicy:
    result: IntakePolicy = await workflow.execute_activity(
        "intake_policy",
        result_type=IntakePolicy,
        start_to_close_timeout=TIMEOUT,
        retry_policy=RETRY,
        summary="load the intake policy (review threshold, SLA)",
    )
    return result


async def extract_document(request: ExtractRequest) -> ExtractionOutcome:
    result: ExtractionOutcome = await workflow.execute_activity(
        "extract_document",
        request,
        result_type=ExtractionOutcome,
        start_to_close_timeout=EXTRACT_TIMEOUT,
        heartbeat_timeout=EXTRACT_HEARTBEAT,
        retry_policy=RETRY,
        summary=f"extract {request.filename or request.sha256[:12]}",
    )
    return result


async def resolve_document(request: ResolveRequest) -> Resolution:
    doc = request.extracted.document
    result: Resolution = await workflow.execute_activity(
        "resolve_document",
        request,
        result_type=Resolution,
        start_to_close_timeout=TIMEOUT,
        retry_policy=RETRY,
        summary=f"resolve {request.extracted.kind.value} for PO {doc.get('po_number') or '?'}",
    )
    return result


async def deliver_document(request: DeliveryRequest) -> DeliveryResult:
    result: DeliveryResult = await workflow.execute_activity(
        "deliver_document",
        request,
        result_type=DeliveryResult,
        start_to_close_timeout=TIMEOUT,
        retry_policy=RETRY,
        summary=f"signal {request.signal} {request.document_id} to {po_workflow_id(request.po_number)}",
    )
    return result
