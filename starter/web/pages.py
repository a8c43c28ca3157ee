"""The web app's pages (signed-in people; anyone else is sent to /login):

    GET /pos                      the PO list, filtered by status, vendor and holds
    GET /pos/{po_number}          one PO: lines ordered/received/invoiced, revisions, documents,
                                  holds, tasks, timeline, audit, link to the Temporal UI
    GET /tasks/{task_id}          one task with its evidence, and its decision buttons
    GET /originals/{document_id}  the supplier's document as received; ?page=N: a PDF page as PNG

Rendered on the server (Jinja, autoescaped) from the same service as the API;
a decision is the page's script calling POST /api/v1/tasks/{id}/decision.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from identity.principal import Caller
from starter.api.auth import current_caller
from starter.api.security import new_nonce, page_csp
from starter.api.shared import Service
from starter.errors import NotFound, Unauthenticated
from starter.web import formatting, pdf_pages
from starter.web.po_page import po_page
from starter.web.task_page import task_page

__all__ = ["STATIC_DIR", "pages"]

STATIC_DIR = Path(__file__).with_name("static")
templates = Jinja2Templates(directory=Path(__file__).with_name("templates"))
templates.env.filters.update(
    money=formatting.money,
    unit_price=formatting.unit_price,
    quantity=formatting.quantity,
    when=formatting.when,
    day=formatting.day,
    words=lambda text: str(text).replace("_", " "),
    decimal=Decimal,  # a value recorded as text (a revision's old / new) back to a number
)

pages = APIRouter(include_in_schema=False)

HoldFilter = Literal["", "held", "none"]


async def _signed_in(request: Request) -> Caller:
    """The person signed in; nobody: off to sign in, and back here after."""
    try:
        return await current_caller(request)
    except Unauthenticated:
        target = quote(request.url.path + (f"?{request.url.query}" if request.url.query else ""), safe="/?=&")
        raise HTTPException(status_code=303, headers={"Location": f"/login?next={target}"}) from None


SignedIn = Annotated[Caller, Depends(_signed_in)]


def _render(request: Request, template: str, who: Caller, **context: Any) -> HTMLResponse:
    nonce = new_nonce()
    response = templates.TemplateResponse(
        request,
        template,
        {"who": who.principal, "nonce": nonce, **context},
        headers={"Cache-Control": "no-store"},
    )
    response.headers["Content-Security-Policy"] = page_csp(nonce)
    return response


@pages.get("/pos", response_class=HTMLResponse)
async def po_list(
    request: Request,
    service: Service,
    who: SignedIn,
    status: str = "",
    vendor: str = "",
    hold: HoldFilter = "",
) -> Response:
    rows = await service.list_pos(status or None)
    if vendor:
        rows = [row for row in rows if row.vendor_id.casefold() == vendor.strip().casefold()]
    if hold:
        rows = [row for row in rows if (row.open_holds > 0) == (hold == "held")]
    rows.sort(key=lambda row: row.updated_at, reverse=True)
    filters = {"status": status, "vendor": vendor, "hold": hold}
    return _render(request, "pos.html", who, rows=rows, filters=filters)


@pages.get("/pos/{po_number}", response_class=HTMLResponse)
async def po_view(request: Request, po_number: str, service: Service, who: SignedIn) -> Response:
    return _render(request, "po.html", who, page=await po_page(service, po_number))


@pages.get("/tasks/{task_id}", response_class=HTMLResponse)
async def task_view(request: Request, task_id: str, service: Service, who: SignedIn) -> Response:
    return _render(request, "task.html", who, page=await task_page(service, task_id, who))


@pages.get("/originals/{document_id:path}")
async def original(document_id: str, service: Service, who: SignedIn, page: int | None = None) -> Response:
    """The file as received; with `page`, that page of a PDF as a PNG."""
    found = await service.original_document(document_id, who)
    if page is not None:
        return await _page_image(found.raw, page)
    is_pdf = found.raw.lstrip()[:4] == b"%PDF"
    name = quote(document_id.replace(":", "-"))
    headers = {
        **_PRIVATE,
        # A PDF opens in the browser's viewer; anything else is a download,
        # never rendered by the browser as HTML.
        "Content-Disposition": f"{'inline' if is_pdf else 'attachment'}; filename*=UTF-8''{name}",
    }
    media_type = "application/pdf" if is_pdf else "application/octet-stream"
    return Response(found.raw, media_type=media_type, headers=headers)


# What a supplier's file may carry (bank details): kept out of shared caches.
_PRIVATE = {"Cache-Control": "private, no-store", "Content-Security-Policy": "default-src 'none'"}


async def _page_image(raw: bytes, page: int) -> Response:
    try:
        png = await asyncio.to_thread(pdf_pages.render_png, raw, page)
    except pdf_pages.NotAPdf as exc:
        raise NotFound(str(exc)) from None
    return Response(png, media_type="image/png", headers=_PRIVATE)
