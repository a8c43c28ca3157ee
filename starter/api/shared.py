"""What every router of the HTTP API shares: the prefix, the service as a
FastAPI dependency, how a request arrived, and the error bodies.

The error bodies are the ones `starter.errors.PoflowError.body()` gives (the
app's exception handler answers with them); they are declared here only so
that the OpenAPI document shows what a 404, 409, 422 or 503 really looks like.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import Depends, Request
from pydantic import BaseModel, Field

from identity.principal import Caller
from starter.api.auth import current_caller
from starter.operations import PoflowOperations

__all__ = [
    "API_PREFIX",
    "DuplicateBody",
    "ErrorBody",
    "InvalidBody",
    "Service",
    "Who",
    "content_type",
    "errors",
    "get_service",
]

API_PREFIX = "/api/v1"


def get_service(request: Request) -> PoflowOperations:
    """The service the app's lifespan connected (tests set `app.state.service`)."""
    service: PoflowOperations = request.app.state.service
    return service


Service = Annotated[PoflowOperations, Depends(get_service)]
# The authenticated caller (starter.api.auth); every router requires one.
Who = Annotated[Caller, Depends(current_caller)]


def content_type(request: Request) -> str:
    """The media type the sender declared, without parameters; JSON when it declared none."""
    return request.headers.get("content-type", "application/json").split(";")[0].strip() or "application/json"


# --- error bodies (starter.errors) ----------------------------------------------------------


class ErrorBody(BaseModel):
    """Every answer that is not a success: what is wrong, in words a person can act on."""

    detail: str


class FieldProblem(BaseModel):
    field: str = Field(description="Where, e.g. `lines[0].quantity`; empty for the request as a whole")
    reason: str


class InvalidBody(ErrorBody):
    """422: bad input, one entry per field (starter.errors.Invalid)."""

    errors: list[FieldProblem]


class DuplicateBody(ErrorBody):
    """409 for something received before: nothing new happened (starter.errors.Duplicate)."""

    status: Literal["duplicate"]
    document_id: str
    first_document_id: str
    workflow_id: str | None


_ERRORS: dict[int, dict[str, Any]] = {
    401: {"model": ErrorBody, "description": "Not signed in: no token or session, or an expired/revoked one"},
    403: {
        "model": ErrorBody,
        "description": "Signed in, but the roles or the token's scope do not allow it (names the rule)",
    },
    404: {"model": ErrorBody, "description": "No such purchase order, task, document or profile"},
    409: {
        "model": ErrorBody,
        "description": "Refused by the current state (a closed PO or task, "
        "the workflow's validator, segregation of duties)",
    },
    413: {"model": ErrorBody, "description": "The body is over the configured size limit"},
    422: {"model": InvalidBody, "description": "Bad input: the field and the reason"},
    503: {
        "model": ErrorBody,
        "description": "Temporal, the worker or the database cannot be reached; retry later",
    },
}
_DUPLICATE: dict[str, Any] = {
    "model": DuplicateBody,
    "description": "Received before (the first copy's id); or refused by the PO's state",
}


def errors(*codes: int, duplicate: bool = False) -> dict[int | str, dict[str, Any]]:
    """The `responses=` of a route: the error answers it can give besides 422,
    which is always listed (else FastAPI lists its own validation body, which
    this app never sends), 401 and 403 (every route needs a caller). `duplicate`: its 409 may be a DuplicateBody (a
    document or PO sent before)."""
    answers: dict[int | str, dict[str, Any]] = {code: _ERRORS[code] for code in (*codes, 401, 403, 422)}
    if duplicate:
        answers[409] = _DUPLICATE
    return answers
