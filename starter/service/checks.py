"""Pure helpers of the service (tested without Temporal): the checks answered at
the door before anything is stored or started, and the words of its errors."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sqlalchemy.engine import Engine
from temporalio.client import WorkflowExecutionStatus, WorkflowUpdateFailedError
from temporalio.exceptions import FailureError
from temporalio.service import RPCError, RPCStatusCode

from models import HumanTask
from models.tasks import DECISIONS_NEEDING_COMMENT, check_named_holds
from starter.errors import (
    FieldError,
    Invalid,
    NotFound,
    PoflowError,
    TooLarge,
    Unavailable,
    from_validation_error,
)
from starter.service.naming import po_label, workflow_id_for
from workflows.contract import is_intake_workflow_id

M = TypeVar("M", bound=BaseModel)


def build(model: type[M], **fields: Any) -> M:
    """A request model from loose arguments (CLI flags), bad values as Invalid."""
    try:
        return model(**fields)
    except ValidationError as err:
        raise from_validation_error(err) from None


def payload_bytes(value: BaseModel) -> int:
    """The size Temporal sees: the value as the pydantic data converter encodes it."""
    from temporalio.contrib.pydantic import pydantic_data_converter

    return pydantic_data_converter.payload_converter.to_payloads([value])[0].ByteSize()


def check_payload_size(value: BaseModel, limit: int, what: str) -> None:
    """Refuse, before anything is stored or started, what Temporal could not
    carry: over its 2 MB payload limit the start or signal fails, and a PO whose
    input is near it cannot continue-as-new with its state once documents arrive."""
    size = payload_bytes(value)
    if size > limit:
        raise TooLarge(
            f"{what} is {size:,} bytes as workflow input, over the {limit:,}-byte limit "
            "(POFLOW_MAX_WORKFLOW_INPUT_BYTES): split it into smaller documents"
        )


def check_po_number(actual: str, expected: str | None) -> None:
    """The URL names the PO; a body naming another one is a mistake, not a redirect."""
    if expected is not None and actual != expected:
        message = (
            f"po_number in the document ({actual}) does not match the purchase order in the URL ({expected})"
        )
        raise Invalid(message, [FieldError("po_number", message)])


def check_decision(task: HumanTask, decision: str, comment: str | None, holds: Sequence[str] = ()) -> None:
    """Answer obvious input mistakes at the door; the workflow re-checks everything
    (whether a named hold is open is for the workflow: this projection may lag)."""
    if decision not in task.options:
        message = f"decision {decision!r} is not one of {', '.join(task.options)} for task {task.task_id}"
        raise Invalid(message, [FieldError("decision", message)])
    if decision in DECISIONS_NEEDING_COMMENT and not (comment or "").strip():
        message = f"decision {decision!r} needs a comment saying why"
        raise Invalid(message, [FieldError("comment", message)])
    try:
        check_named_holds(task, decision, holds)
    except ValueError as err:
        raise Invalid(str(err), [FieldError("holds", str(err))]) from None


def update_failure_message(err: WorkflowUpdateFailedError) -> str:
    """The validator's own words, without SDK wrapping."""
    cause = err.cause
    if isinstance(cause, FailureError) and cause.message:
        return cause.message
    return first_line(cause)


def translate_rpc_error(err: RPCError, po_number: str, address: str) -> PoflowError:
    if err.status == RPCStatusCode.NOT_FOUND and is_intake_workflow_id(po_number):
        return NotFound(f"no document intake {po_number}")
    if err.status == RPCStatusCode.NOT_FOUND:
        return NotFound(f"no purchase order {po_number} (workflow {workflow_id_for(po_number)} not found)")
    if err.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
        return unreachable(address)
    return PoflowError(f"Temporal refused the request for {workflow_id_for(po_number)}: {first_line(err)}")


def duplicate_message(kind: str, document_id: str, po_number: str, *, same_bytes: bool) -> str:
    message = f"{kind} {document_id} was already received for {po_label(po_number)}; nothing new was done"
    if not same_bytes:
        # Same business key, other content: a corrected document must come as a new one (or a credit memo).
        message += " (this copy differs from the first one, which stands)"
    return message


def sha256_of(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def unreachable(address: str) -> Unavailable:
    return Unavailable(f"cannot reach Temporal at {address} — is `poflow up` running?")


def is_connect_failure(err: RuntimeError) -> bool:
    return str(err).startswith("Failed client connect")


def closed_message(po_number: str, status: WorkflowExecutionStatus | None) -> str:
    state = status.name.lower().replace("_", " ") if status else "closed"
    return (
        f"{po_label(po_number)} is no longer open (workflow {state}); "
        "it accepts no more documents or decisions"
    )


def first_line(err: BaseException | object) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def redacted_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)
