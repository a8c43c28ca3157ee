"""HTTP routes for tolerance changes and manual holds, as an APIRouter.

    GET  /api/v1/tolerances                               live profiles, version, since, approved by
    GET  /api/v1/tolerances/{name}/versions               every version a profile had
    GET  /api/v1/tolerances/changes[?status=pending]      proposed changes, newest first
    POST /api/v1/tolerances/changes                       {profiles, by, reason} → 201, pending, with its diff
    GET  /api/v1/tolerances/changes/{change_id}
    POST /api/v1/tolerances/changes/{change_id}/approve   {by, comment}  (409 for the proposer: SoD)
    POST /api/v1/tolerances/changes/{change_id}/reject    {by, reason}
    POST /api/v1/purchase-orders/{po}/invoices/{number}/hold   {by, reason, line_no} → MANUAL hold

Same rules and answers as `poflow tolerances` / `poflow hold` (the errors are
starter.errors', so the app's PoflowError handler shapes them: 422 invalid,
404 unknown, 409 refused, 503 database). Mounted with
`app.include_router(tolerances_api.router)` in `starter.api.create_app`; the
database calls run in a worker thread on the service's engine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any, Literal, TypeVar

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from models.matching import ToleranceProfile, check_candidates
from starter.errors import Invalid
from starter.tolerances_cli import parse_change

T = TypeVar("T")
API_PREFIX = "/api/v1"

router = APIRouter(prefix=API_PREFIX)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ProposalBody(_Body):
    profiles: list[ToleranceProfile] = Field(min_length=1)
    by: str = Field(min_length=1, max_length=128)
    reason: str | None = Field(default=None, max_length=2000)


class ApprovalBody(_Body):
    by: str = Field(min_length=1, max_length=128)
    comment: str | None = Field(default=None, max_length=2000)


class RejectionBody(_Body):
    by: str = Field(min_length=1, max_length=128)
    reason: str = Field(min_length=1, max_length=2000)


class HoldBody(_Body):
    by: str = Field(min_length=1, max_length=128)
    reason: str = Field(min_length=1, max_length=2000)
    line_no: int | None = Field(default=None, ge=1)


async def _db(request: Request, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    from starter.tolerances_cli import _call

    engine = request.app.state.service.engine
    return await asyncio.to_thread(_call, engine, fn, *args, **kwargs)


@router.get("/tolerances", tags=["tolerances"])
async def list_live_profiles(request: Request) -> list[dict[str, Any]]:
    from activities.db.tolerance_changes import live_profile_versions

    return [version.model_dump(mode="json") for version in await _db(request, live_profile_versions)]


@router.get("/tolerances/changes", tags=["tolerances"])
async def list_tolerance_changes(
    request: Request, status: Literal["pending", "approved", "rejected"] | None = None
) -> list[dict[str, Any]]:
    from activities.db.tolerance_changes import list_changes
    from models.tolerance_changes import ChangeStatus

    changes = await _db(request, list_changes, ChangeStatus(status) if status else None)
    return [change.model_dump(mode="json") for change in changes]


@router.post("/tolerances/changes", status_code=201, tags=["tolerances"])
async def propose_tolerance_change(body: ProposalBody, request: Request) -> dict[str, Any]:
    from activities.db.tolerance_changes import propose_change

    try:
        check_candidates(body.profiles)
    except ValueError as err:
        raise Invalid(f"profiles: {err}") from None
    change = await _db(request, propose_change, body.profiles, by=body.by, reason=body.reason)
    return change.model_dump(mode="json")


@router.get("/tolerances/changes/{change_id}", tags=["tolerances"])
async def get_tolerance_change(change_id: str, request: Request) -> dict[str, Any]:
    from activities.db.tolerance_changes import get_change

    return (await _db(request, get_change, parse_change(change_id))).model_dump(mode="json")


@router.post("/tolerances/changes/{change_id}/approve", tags=["tolerances"])
async def approve_tolerance_change(change_id: str, body: ApprovalBody, request: Request) -> dict[str, Any]:
    from activities.db.tolerance_changes import approve_change

    change = await _db(request, approve_change, parse_change(change_id), by=body.by, comment=body.comment)
    return change.model_dump(mode="json")


@router.post("/tolerances/changes/{change_id}/reject", tags=["tolerances"])
async def reject_tolerance_change(change_id: str, body: RejectionBody, request: Request) -> dict[str, Any]:
    from activities.db.tolerance_changes import reject_change

    change = await _db(request, reject_change, parse_change(change_id), by=body.by, reason=body.reason)
    return change.model_dump(mode="json")


@router.get("/tolerances/{name}/versions", tags=["tolerances"])
async def tolerance_profile_versions(name: str, request: Request) -> list[dict[str, Any]]:
    from activities.db.tolerance_changes import profile_history
    from starter.errors import NotFound

    versions = await _db(request, profile_history, name)
    if not versions:
        raise NotFound(f"no recorded version of tolerance profile {name}")
    return [version.model_dump(mode="json") for version in versions]


@router.post("/purchase-orders/{po_number}/invoices/{invoice_number}/hold", tags=["purchase orders"])
async def hold_invoice(po_number: str, invoice_number: str, body: HoldBody, request: Request) -> dict[str, Any]:
    """A MANUAL hold on an invoice not yet approved; only a person's decision on
    its hold task releases it (the workflow's `hold_invoice` update)."""
    record = await request.app.state.service.hold_invoice(po_number, invoice_number, body.by, body.reason,
                                                          body.line_no)
    return record.model_dump(mode="json")
