"""The audit trail (issue #16 item 6): decisions, escalations and refusals,
each with its principal, what, when, why and what it was about.

    GET /api/v1/purchase-orders/{po}/audit[?format=csv]   one PO's trail, in order
    GET /api/v1/audit[?format=csv]                          events that name no PO (e.g. refused tolerance changes)

`format=csv` answers RFC 4180 CSV with a header row (starter.service.audit),
as a download named after the PO.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Response

from models import AuditEvent
from starter.api.shared import API_PREFIX, Service, errors
from starter.service.audit import audit_csv

__all__ = ["router"]

router = APIRouter(prefix=API_PREFIX, tags=["audit"])

Format = Literal["json", "csv"]
_CSV: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}}, "description": "The events, or with format=csv a CSV file"}
}


@router.get(
    "/purchase-orders/{po_number}/audit", response_model=list[AuditEvent], responses={**errors(503), **_CSV}
)
async def po_audit(
    po_number: str,
    service: Service,
    format: Format = "json",  # noqa: A002  (the query parameter's name)
) -> list[AuditEvent] | Response:
    return _answer(await service.list_audit(po_number), f"audit-{po_number}", format)


@router.get("/audit", response_model=list[AuditEvent], responses={**errors(503), **_CSV})
async def audit_without_po(
    service: Service,
    format: Format = "json",  # noqa: A002
) -> list[AuditEvent] | Response:
    return _answer(await service.list_audit(""), "audit-no-po", format)


def _answer(events: list[AuditEvent], name: str, format: Format) -> list[AuditEvent] | Response:  # noqa: A002
    if format == "json":
        return events
    safe = "".join(char if char.isalnum() or char in "-_." else "_" for char in name)
    return Response(
        audit_csv(events),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{safe}.csv"'},
    )
