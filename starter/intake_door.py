"""The door for files: store the raw bytes, start DocumentIntakeWorkflow
`doc-{sha256}`, and answer with what was found.

The bytes are stored before anything reads them, so nothing a sender sent is
ever lost (an unreadable file stays stored next to its error). The workflow id
is the file's sha256: an identical re-send is recognised at the door and
answered "duplicate" with the first id; a re-send after a crash between
storing and starting starts the workflow that was missing.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError
from temporalio.client import WorkflowHandle, WorkflowUpdateFailedError
from temporalio.common import WorkflowIDConflictPolicy, WorkflowIDReusePolicy
from temporalio.exceptions import WorkflowAlreadyStartedError

from activities.db import repository
from activities.intake_activities import raw_document_id
from models import HumanTask
from models.intake import IntakeInput, IntakeState, IntakeStatus, ReviewDecision
from starter.errors import Duplicate, Invalid, NotFound, Rejected, TooLarge, from_validation_error
from starter.service.checks import update_failure_message
from workflows.contract import IntakeQuery, IntakeUpdate, WorkflowType, intake_workflow_id

if TYPE_CHECKING:
    from starter.service.core import ServiceCore

__all__ = ["FileReceived", "get_intake", "receive_file", "review"]


@dataclass(frozen=True)
class FileReceived:
    workflow_id: str
    sha256: str
    status: str  # IntakeStatus value; "extracting" when the answer was not ready in time
    found: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None


async def receive_file(
    service: ServiceCore,
    raw: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    source: str = "api",
    vendor_id: str | None = None,
    wait_seconds: float = 15.0,
) -> FileReceived:
    if not raw:
        raise Invalid("the file is empty")
    limit = service.settings.max_document_bytes
    if len(raw) > limit:
        raise TooLarge(f"the file is {len(raw):,} bytes, over the {limit:,}-byte limit")
    sha = repository.sha256_hex(raw)
    workflow_id = intake_workflow_id(sha)
    # Checked before anything is stored: a file name or vendor id the intake
    # workflow could not carry is the sender's mistake, answered 422.
    try:
        inp = IntakeInput(
            sha256=sha,
            filename=filename,
            content_type=content_type,
            source=source,
            vendor_id=vendor_id,
            received_at=datetime.now(UTC),
        )
    except ValidationError as err:
        raise from_validation_error(err, prefix="invalid request: ") from None
    stored = await service.store_document(
        document_id=raw_document_id(sha),
        kind="file",
        raw=raw,
        content_type=content_type or "application/octet-stream",
        source=source,
        po_number=None,
    )
    if stored.duplicate and stored.first_document_id != raw_document_id(sha):
        raise Duplicate(
            f"these bytes were received before as {stored.first_document_id}",
            document_id=raw_document_id(sha),
            first_document_id=stored.first_document_id,
        )
    started = await _start(service, inp)
    if not started:
        raise Duplicate(
            f"this file was received before ({stored.received_at:%Y-%m-%d %H:%M} UTC); "
            f"its intake is {workflow_id}",
            document_id=raw_document_id(sha),
            first_document_id=workflow_id,
            workflow_id=workflow_id,
        )
    state = await _wait_for_extraction(service.client.get_workflow_handle(workflow_id), wait_seconds)
    return received_view(workflow_id, sha, state)


async def _start(service: ServiceCore, inp: IntakeInput) -> bool:
    """False when the workflow exists (a re-send of the same bytes)."""
    workflow_id = intake_workflow_id(inp.sha256)
    try:
        with service.temporal_errors(workflow_id):
            await service.client.start_workflow(
                WorkflowType.DOCUMENT_INTAKE,
                inp,
                id=workflow_id,
                task_queue=service.settings.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
                id_conflict_policy=WorkflowIDConflictPolicy.FAIL,
                static_summary=f"{inp.filename or 'file'} · {inp.source} · {inp.sha256[:12]}",
            )
    except WorkflowAlreadyStartedError:
        return False
    return True


async def _wait_for_extraction(handle: WorkflowHandle[Any, Any], seconds: float) -> IntakeState | None:
    """Poll the state until the file has been read (or the wait is over)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    state: IntakeState | None = None
    while loop.time() < deadline:
        try:
            state = await handle.query(IntakeQuery.STATE, result_type=IntakeState)
        except Exception:  # noqa: BLE001 — not yet picked up by a worker: keep waiting until the deadline
            state = None
        if state is not None and state.status not in (IntakeStatus.EXTRACTING, IntakeStatus.RESOLVING):
            return state
        await asyncio.sleep(0.1)
    return state


def received_view(workflow_id: str, sha: str, state: IntakeState | None) -> FileReceived:
    if state is None:
        return FileReceived(workflow_id, sha, IntakeStatus.EXTRACTING.value)
    found = [
        {
            "kind": item.extracted.kind.value,
            "format": item.extracted.format,
            "po_number": item.po_number,
            "document_id": item.document_id,
            "status": item.status.value,
            "problems": item.problems,
            "warnings": item.extracted.warnings,
            "task_id": item.task_id,
            "min_confidence": round(item.extracted.min_confidence(), 3),
        }
        for item in state.items
    ]
    return FileReceived(workflow_id, sha, state.status.value, found, state.error)


async def get_intake(service: ServiceCore, workflow_id: str) -> IntakeState:
    handle = service.client.get_workflow_handle(workflow_id)
    with service.temporal_errors(workflow_id):
        return await service.bounded(handle.query(IntakeQuery.STATE, result_type=IntakeState), workflow_id)


async def review(service: ServiceCore, task: HumanTask, decision: ReviewDecision) -> HumanTask:
    if not task.workflow_id:
        raise NotFound(f"task {task.task_id} names no intake workflow")
    handle = service.client.get_workflow_handle(task.workflow_id)
    try:
        with service.temporal_errors(task.workflow_id):
            return await service.bounded(
                handle.execute_update(IntakeUpdate.REVIEW, decision, result_type=HumanTask), task.workflow_id
            )
    except WorkflowUpdateFailedError as err:
        raise Rejected(update_failure_message(err)) from None
