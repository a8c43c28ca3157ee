"""The answers the doors give when something is not "accepted".

One hierarchy, used by the service, the HTTP API and the CLI: each error knows
its HTTP status and its CLI exit code, so the two doors can never disagree
about what a situation means.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pydantic import ValidationError

# CLI exit codes (README "CLI"). 3 is "the workflow said no" — a well-formed
# request that the PO's current state rejects (closed task, segregation of duties).
EXIT_OK = 0
EXIT_RUNTIME = 1
EXIT_BAD_INPUT = 2
EXIT_REJECTED = 3
EXIT_NOT_FOUND = 4
EXIT_DUPLICATE = 5
EXIT_NOT_ALLOWED = 6  # no credential, a bad one, or one that does not permit this


@dataclass(frozen=True)
class FieldError:
    """One problem with one field, e.g. `lines[0].quantity`: `Input should be greater than 0`."""

    field: str
    reason: str

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "reason": self.reason}

    def __str__(self) -> str:
        return f"{self.field}: {self.reason}" if self.field else self.reason


class PoflowError(Exception):
    """Base of every expected error: carries a message a person can act on."""

    http_status = 500
    exit_code = EXIT_RUNTIME

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def body(self) -> dict[str, Any]:
        return {"detail": self.message}


class NotFound(PoflowError):
    http_status = 404
    exit_code = EXIT_NOT_FOUND


class Unauthenticated(PoflowError):
    """No credential, or one that does not authenticate (expired, revoked, unknown)."""

    http_status = 401
    exit_code = EXIT_NOT_ALLOWED


class Forbidden(PoflowError):
    """Authenticated, but the principal's roles or the token's scope do not allow it."""

    http_status = 403
    exit_code = EXIT_NOT_ALLOWED


class Duplicate(PoflowError):
    """The thing was received before; nothing new happened (no second effect)."""

    http_status = 409
    exit_code = EXIT_DUPLICATE

    def __init__(
        self,
        message: str,
        *,
        document_id: str,
        first_document_id: str | None = None,
        workflow_id: str | None = None,
    ) -> None:
        super().__init__(message)
        self.document_id = document_id
        self.first_document_id = first_document_id or document_id
        self.workflow_id = workflow_id

    def body(self) -> dict[str, Any]:
        return {
            "status": "duplicate",
            "document_id": self.document_id,
            "first_document_id": self.first_document_id,
            "workflow_id": self.workflow_id,
            "detail": self.message,
        }


class Rejected(PoflowError):
    """Well-formed, but the PO's current state says no (the workflow's validator
    message, a closed PO, a closed task)."""

    http_status = 409
    exit_code = EXIT_REJECTED


class OverReceiptRefused(Rejected):
    """A goods receipt that takes a PO line beyond its ordered quantity and the
    over-receipt tolerance, where the vendor's policy refuses such receipts
    (`over_receipt_action: refuse`, Oracle's over-receipt action "reject"):
    well-formed, but what was received to date says no. 422 at the door, not
    stored, not signalled; audited as a refusal."""

    http_status = 422


class Invalid(PoflowError):
    """Bad input: names the field (and, in the CLI, the file)."""

    http_status = 422
    exit_code = EXIT_BAD_INPUT

    def __init__(self, message: str, errors: Sequence[FieldError] = ()) -> None:
        super().__init__(message)
        self.errors = list(errors)

    def body(self) -> dict[str, Any]:
        return {"detail": self.message, "errors": [error.as_dict() for error in self.errors]}

    @classmethod
    def from_fields(cls, errors: Sequence[FieldError], *, prefix: str = "") -> Invalid:
        return cls(prefix + summarize(errors), errors)


class TooLarge(PoflowError):
    """Over a configured size limit: a file (POFLOW_MAX_DOCUMENT_BYTES), a JSON
    request body (POFLOW_MAX_REQUEST_BYTES) or a workflow input
    (POFLOW_MAX_WORKFLOW_INPUT_BYTES)."""

    http_status = 413
    exit_code = EXIT_BAD_INPUT


class Unavailable(PoflowError):
    """Temporal, the worker or the database cannot be reached; retrying later is right.
    `retry_after_s` is when (the API's Retry-After): sooner for a lock held a moment."""

    http_status = 503
    exit_code = EXIT_RUNTIME

    def __init__(self, message: str, *, retry_after_s: int = 5) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


# --- readable validation errors ------------------------------------------------

# FastAPI prefixes locations with where the value came from; people don't care.
_LOCATION_ROOTS = frozenset({"body", "query", "path", "header", "cookie"})
_PYDANTIC_PREFIXES = ("Value error, ", "Assertion failed, ")


def format_location(loc: Iterable[str | int]) -> str:
    """`("body", "lines", 0, "quantity")` → `lines[0].quantity`."""
    parts = list(loc)
    if parts and parts[0] in _LOCATION_ROOTS:
        parts = parts[1:]
    text = ""
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _reason(error: Mapping[str, Any]) -> str:
    if error.get("type") == "json_invalid":
        cause = (error.get("ctx") or {}).get("error")
        return f"not valid JSON: {cause}" if cause else "not valid JSON"
    message = str(error.get("msg", "invalid value"))
    for prefix in _PYDANTIC_PREFIXES:
        if message.startswith(prefix):
            return message[len(prefix) :]
    return message


def field_errors(errors: Iterable[Mapping[str, Any]]) -> list[FieldError]:
    """pydantic/FastAPI error dicts → FieldErrors with readable paths."""
    return [FieldError(format_location(error.get("loc", ())), _reason(error)) for error in errors]


def from_validation_error(exc: ValidationError, *, prefix: str = "") -> Invalid:
    return Invalid.from_fields(field_errors(exc.errors(include_url=False)), prefix=prefix)


def summarize(errors: Sequence[FieldError]) -> str:
    """One line: the first problem, and how many more there are."""
    if not errors:
        return "invalid input"
    first = str(errors[0])
    rest = len(errors) - 1
    return first if rest == 0 else f"{first} (and {rest} more problem{'s' if rest > 1 else ''})"
