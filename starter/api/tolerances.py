"""Tolerance changes and manual holds: the AP controls, as an APIRouter.

    GET  /api/v1/tolerances                               live profiles, version, since, approved by
    GET  /api/v1/tolerances/{name}/versions               every version a profile had
    GET  /api/v1/tolerances/changes[?status=pending]      proposed changes, newest first
    POST /api/v1/tolerances/changes                       {profiles, reason} → 201, pending, with its diff
    GET  /api/v1/tolerances/changes/{change_id}
    POST /api/v1/tolerances/changes/{change_id}/approve   {comment}  (409 for the proposer: SoD)
    POST /api/v1/tolerances/changes/{change_id}/reject    {reason}
    POST /api/v1/purchase-orders/{po}/invoices/{number}/hold   {reason, line_no} → MANUAL hold

Who proposes, approves, rejects or holds is the caller (starter.api.auth);
proposing and deciding need the procurement_manager role, a hold an AP role.

Same rules and answers as `poflow tolerances` / `poflow hold`: both doors go
through starter/tolerance_changes.py, whose errors the app's PoflowError
handler shapes (422 invalid, 404 unknown, 409 refused, 503 database). The
database calls run in a worker thread on the service's engine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from identity.principal import Caller
from identity.roles import Permission
from models import InvoiceRecord
from models.matching import ToleranceProfile, check_candidates
from models.tolerance_changes import ProfileVersion, ToleranceChange
from starter import tolerance_changes
from starter.api.shared import API_PREFIX, Service, Who, errors
from starter.errors import Invalid, NotFound
from starter.tolerance_changes import parse_change

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

__all__ = ["ApprovalBody", "HoldBody", "ProposalBody", "RejectionBody", "router"]

T = TypeVar("T")

router = APIRouter(prefix=API_PREFIX)


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ProposalBody(_Body):
    profiles: list[ToleranceProfile] = Field(min_length=1)
    reason: str | None = Field(default=None, max_length=2000)


class ApprovalBody(_Body):
    comment: str | None = Field(default=None, max_length=2000)


class RejectionBody(_Body):
    reason: str = Field(min_length=1, max_length=2000)


class HoldBody(_Body):
    reason: str = Field(min_length=1, max_length=2000)
    line_no: int | None = Field(default=None, ge=1)


async def _db(request: Request, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn` of the tolerance rules on the service's engine, off the event loop."""
    engine: Engine = request.app.state.service.engine
    return await asyncio.to_thread(tolerance_changes.call, engine, fn, *args, **kwargs)


async def _as(
    request: Request, who: Caller, permission: Permission, fn: Callable[..., T], *args: Any, **kwargs: Any
) -> T:
    """`fn` as the caller (starter.tolerance_changes.call_as), off the event loop."""
    engine: Engine = request.app.state.service.engine
    return await asyncio.to_thread(tolerance_changes.call_as, engine, who, permission, fn, *args, **kwargs)


_CHANGE = errors(404, 409, 503)


@router.get("/tolerances", tags=["tolerances"], responses=errors(503))
async def list_live_profiles(request: Request) -> list[ProfileVersion]:
    from activities.db.tolerance_changes import live_profile_versions

    return await _db(request, live_profile_versions)


@router.get("/tolerances/changes", tags=["tolerances"], responses=errors(503))
async def list_tolerance_changes(
    request: Request, status: Literal["pending", "approved", "rejected"] | None = None
) -> list[ToleranceChange]:
    from activities.db.tolerance_changes import list_changes
    from models.tolerance_changes import ChangeStatus

    return await _db(request, list_changes, ChangeStatus(status) if status else None)


@router.post("/tolerances/changes", status_code=201, tags=["tolerances"], responses=errors(413, 503))
async def propose_tolerance_change(body: ProposalBody, request: Request, who: Who) -> ToleranceChange:
    from activities.db.tolerance_changes import propose_change

    try:
        check_candidates(body.profiles)
    except ValueError as err:
        raise Invalid(f"profiles: {err}") from None
    return await _as(
        request,
        who,
        Permission.PROPOSE_TOLERANCES,
        propose_change,
        body.profiles,
        what="propose a tolerance change",
        reason=body.reason,
    )


@router.get("/tolerances/changes/{change_id}", tags=["tolerances"], responses=errors(404, 503))
async def get_tolerance_change(change_id: str, request: Request) -> ToleranceChange:
    from activities.db.tolerance_changes import get_change

    return await _db(request, get_change, parse_change(change_id))


@router.post("/tolerances/changes/{change_id}/approve", tags=["tolerances"], responses=_CHANGE)
async def approve_tolerance_change(
    change_id: str, body: ApprovalBody, request: Request, who: Who
) -> ToleranceChange:
    from activities.db.tolerance_changes import approve_change

    return await _as(
        request,
        who,
        Permission.APPROVE_TOLERANCES,
        approve_change,
        parse_change(change_id),
        what="approve a tolerance change",
        evidence=change_id,
        comment=body.comment,
    )


@router.post("/tolerances/changes/{change_id}/reject", tags=["tolerances"], responses=_CHANGE)
async def reject_tolerance_change(
    change_id: str, body: RejectionBody, request: Request, who: Who
) -> ToleranceChange:
    from activities.db.tolerance_changes import reject_change

    return await _as(
        request,
        who,
        Permission.APPROVE_TOLERANCES,
        reject_change,
        parse_change(change_id),
        what="reject a tolerance change",
        evidence=change_id,
        reason=body.reason,
    )


@router.get("/tolerances/{name}/versions", tags=["tolerances"], responses=errors(404, 503))
async def tolerance_profile_versions(name: str, request: Request) -> list[ProfileVersion]:
    from activities.db.tolerance_changes import profile_history

    versions = await _db(request, profile_history, name)
    if not versions:
        raise NotFound(f"no recorded version of tolerance profile {name}")
    return versions


@router.post(
    "/purchase-orders/{po_number}/invoices/{invoice_number}/hold",
    tags=["purchase orders"],
    responses=errors(404, 409, 503),
)
async def hold_invoice(
    po_number: str, invoice_number: str, body: HoldBody, service: Service, who: Who
) -> InvoiceRecord:
    """A MANUAL hold on an invoice not yet approved; only a person's decision on
    its hold task releases it (the workflow's `hold_invoice` update)."""
    return await service.hold_invoice(po_number, invoice_number, who, body.reason, body.line_no)
