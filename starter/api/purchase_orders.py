"""Purchase orders: start one, list them, read one's live state, cancel it.

    POST /api/v1/purchase-orders                  a PO as JSON → 201, its workflow started
    GET  /api/v1/purchase-orders[?status=]        the projection (search and the inbox)
    GET  /api/v1/purchase-orders/{po}             live state, from the workflow's `state` query
    POST /api/v1/purchase-orders/{po}/cancel      {reason}: before anything was received
    POST /api/v1/purchase-orders/{po}/close       {reason}: final close, keeping what was delivered
    POST /api/v1/purchase-orders/{po}/lines/{n}/cancel  {reason}: one line nothing was received or invoiced on

The documents a PO receives (acknowledgments, receipts, invoices) are in
documents.py; a manual invoice hold is with the tolerances (tolerances.py).
"""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from models import PoProjection, PurchaseOrder, PurchaseOrderLine, PurchaseOrderState
from models.amendments import LineAmendment
from models.workflow_state import PoStatus
from starter.api.shared import API_PREFIX, Service, Who, content_type, errors
from starter.operations import PoflowOperations
from workflows.contract import po_workflow_id

__all__ = ["PoCancelled", "PoCreated", "PoDetail", "PoSummary", "projection_view", "router"]

router = APIRouter(prefix=f"{API_PREFIX}/purchase-orders", tags=["purchase orders"])


class PoCreated(BaseModel):
    """201: the PO's raw bytes are stored and its workflow is started."""

    po_number: str
    workflow_id: str = Field(description="po-{po_number}")
    status: Literal["accepted"] = "accepted"
    ui_url: str = Field(description="The workflow in the Temporal Web UI")


class PoSummary(PoProjection):
    """A row of the projection, with a link to its workflow in the Temporal Web UI."""

    ui_url: str


class PoDetail(BaseModel):
    """The live state, with the few numbers a list or a dashboard shows."""

    po_number: str
    workflow_id: str
    ui_url: str
    status: PoStatus
    open_tasks: int = Field(description="Human tasks still open")
    open_holds: int = Field(description="Holds on invoices not yet approved")
    state: PurchaseOrderState = Field(description="The workflow's state, as its `state` query returns it")


class CancelBody(BaseModel):
    """Body of POST /purchase-orders/{po}/cancel; who cancels is the caller."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=2000)


class AmendBody(BaseModel):
    """Body of POST /purchase-orders/{po}/amend; who amends is the caller."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    reason: str = Field(min_length=1, max_length=2000)
    lines: list[LineAmendment] = Field(
        default_factory=list, description="Per line: quantity, unit_price, need_by, or cancel"
    )
    add_lines: list[PurchaseOrderLine] = Field(default_factory=list, description="Lines added to the order")


class PoCancelled(BaseModel):
    po_number: str
    status: PoStatus
    state: PurchaseOrderState


def projection_view(row: PoProjection, service: PoflowOperations) -> PoSummary:
    return PoSummary.model_validate({**dict(row), "ui_url": service.workflow_url(row.po_number)})


@router.post("", status_code=201, responses=errors(413, 503, duplicate=True))
async def create_purchase_order(po: PurchaseOrder, request: Request, service: Service, who: Who) -> PoCreated:
    started = await service.create_po(
        po, by=who, raw=await request.body(), source="api", content_type=content_type(request)
    )
    return PoCreated(po_number=started.po_number, workflow_id=started.workflow_id, ui_url=started.ui_url)


@router.get("", responses=errors(503))
async def list_purchase_orders(service: Service, status: str | None = None) -> list[PoSummary]:
    return [projection_view(row, service) for row in await service.list_pos(status)]


@router.get("/{po_number}", responses=errors(404, 503))
async def get_purchase_order(po_number: str, service: Service) -> PoDetail:
    """Live state, straight from the workflow's `state` query."""
    state = await service.get_state(po_number)
    return PoDetail(
        po_number=po_number,
        workflow_id=po_workflow_id(po_number),
        ui_url=service.workflow_url(po_number),
        status=state.status,
        open_tasks=len(state.open_tasks),
        open_holds=state.open_hold_count,
        state=state,
    )


@router.post("/{po_number}/cancel", responses=errors(404, 409, 503))
async def cancel_purchase_order(po_number: str, body: CancelBody, service: Service, who: Who) -> PoCancelled:
    """Cancel the PO, as the caller (buyer role, or a documents+pos token)."""
    state = await service.cancel(po_number, who, body.reason)
    return PoCancelled(po_number=po_number, status=state.status, state=state)


@router.post("/{po_number}/close", responses=errors(404, 409, 503))
async def final_close_purchase_order(
    po_number: str, body: CancelBody, service: Service, who: Who
) -> PoCancelled:
    """Final close, as the caller: each line keeps what it delivered, the open
    rest is released, no further delivery or invoice is taken. Refused (409)
    while an invoice is on hold or waits for a credit memo, and for a PO that
    delivered nothing (cancel it)."""
    state = await service.final_close(po_number, who, body.reason)
    return PoCancelled(po_number=po_number, status=state.status, state=state)


@router.post("/{po_number}/amend", responses=errors(404, 409, 422, 503))
async def amend_purchase_order(po_number: str, body: AmendBody, service: Service, who: Who) -> PoCancelled:
    """Amend the issued PO, as the caller: the next revision, sent to the supplier
    as a change (860 / ORDCHG, or e-mail); one that raises the total beyond the
    approval threshold waits for an approver first (its task is in the state).
    Refused (409) for a quantity below what was received or invoiced, a cancel of
    a line with receipts or invoices, and on a PO that is not issued."""
    state = await service.amend(po_number, body.model_dump(), who)
    return PoCancelled(po_number=po_number, status=state.status, state=state)


@router.post("/{po_number}/lines/{line_no}/cancel", responses=errors(404, 409, 503))
async def cancel_purchase_order_line(
    po_number: str, line_no: int, body: CancelBody, service: Service, who: Who
) -> PoCancelled:
    """Cancel one line, as the caller: a revision without it, the supplier told;
    an invoice billing it later is held PO_NOT_OPEN. Refused (409) for a line
    with receipts or invoices, and for the last line (cancel the PO)."""
    state = await service.cancel_line(po_number, line_no, who, body.reason)
    return PoCancelled(po_number=po_number, status=state.status, state=state)
