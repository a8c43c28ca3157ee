"""HTTP API (FastAPI): the door for upstream systems and the approver inbox.

Handlers are thin: parse → PoflowService → shape the answer. Every expected
error is a starter.errors.PoflowError and becomes the same JSON body shape
({"detail": ..., ...}) with the status the error carries.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field
from starlette.types import Scope

from models import (
    Acknowledgment,
    CancelRequest,
    GoodsReceipt,
    HumanTask,
    Invoice,
    PoProjection,
    PurchaseOrder,
)
from models.tasks import DECISIONS_NEEDING_COMMENT
from settings import load_settings
from starter import tolerances_api
from starter.body_limit import BodySizeLimit
from starter.errors import FieldError, Invalid, PoflowError, TooLarge, field_errors
from starter.operations import (
    DocumentAccepted,
    PoflowOperations,
    ServiceFactory,
    connect_service,
    workflow_id_for,
)

API_PREFIX = "/api/v1"
INBOX_PAGE = Path(__file__).with_name("inbox.html")


class DecisionRequest(BaseModel):
    """Body of POST /tasks/{task_id}/decision (the task id is in the URL)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    decision: str = Field(min_length=1)
    actor: str = Field(min_length=1, max_length=128)
    comment: str | None = Field(default=None, max_length=2000)
    document: dict[str, Any] | None = Field(
        default=None, description="Review of a document only: the corrected reading to send on"
    )
    holds: list[str] = Field(
        default_factory=list, max_length=100,
        description="accept_variance on an invoice hold only: the holds it releases, by the refs the task "
        "lists (PRICE:1, AMOUNT); none: every hold a person may release (never those waiting for a receipt)",
    )


TaskStatusFilter = Literal["open", "done", "cancelled", "all"]


async def _default_service() -> PoflowOperations:
    # Lazy client: the API comes up even if Temporal is still starting; until it
    # is reachable, requests answer 503 instead of the process refusing to start.
    return await connect_service(load_settings(), lazy=True)


def create_app(service_factory: ServiceFactory = _default_service) -> FastAPI:
    """The app; `service_factory` runs once at startup (tests pass a fake)."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = await service_factory()
        try:
            yield
        finally:
            await app.state.service.close()

    app = FastAPI(
        title="poflow",
        summary="Buyer-side procure-to-pay on Temporal",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.add_exception_handler(PoflowError, _poflow_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_middleware(BodySizeLimit, limit_for=_body_limit)
    _add_pages(app)
    _add_purchase_order_routes(app)
    _add_document_routes(app)
    _add_file_routes(app)
    app.include_router(tolerances_api.router)
    _add_task_routes(app)
    return app


# Routes that take a raw file: they keep their own limit (max_document_bytes).
FILE_ROUTES = frozenset({f"{API_PREFIX}/documents"})


def _body_limit(scope: Scope) -> int | None:
    """The JSON body limit of the service's settings; None for the file door."""
    if scope["path"] in FILE_ROUTES:
        return None
    service = getattr(scope["app"].state, "service", None)
    settings = service.settings if service is not None else load_settings()
    return settings.max_request_bytes


def get_service(request: Request) -> PoflowOperations:
    return request.app.state.service


Service = Annotated[PoflowOperations, Depends(get_service)]


# --- error handlers ---------------------------------------------------------------


async def _poflow_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PoflowError)
    return JSONResponse(exc.body(), status_code=exc.http_status)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    invalid = Invalid.from_fields(field_errors(exc.errors()), prefix="invalid request: ")
    return JSONResponse(invalid.body(), status_code=422)


# --- views: what the JSON answers look like -----------------------------------------


def task_view(task: HumanTask, service: PoflowOperations) -> dict[str, Any]:
    """A task plus what the inbox needs to show it without a second call."""
    workflow_id = task.workflow_id or workflow_id_for(task.po_number)
    return task.model_dump(mode="json") | {
        "workflow_id": workflow_id,
        "ui_url": service.settings.workflow_url(workflow_id),
        "escalated_to": task.escalated_to,
        "comment_required_for": [option for option in task.options if option in DECISIONS_NEEDING_COMMENT],
    }


def projection_view(row: PoProjection, service: PoflowOperations) -> dict[str, Any]:
    return row.model_dump(mode="json") | {"ui_url": service.workflow_url(row.po_number)}


def accepted_view(accepted: DocumentAccepted) -> dict[str, Any]:
    return {"status": "accepted", "document_id": accepted.document_id, "workflow_id": accepted.workflow_id}


# --- routes -------------------------------------------------------------------------


def _add_pages(app: FastAPI) -> None:
    @app.get("/", include_in_schema=False)
    async def root() -> RedirectResponse:
        return RedirectResponse("/inbox", status_code=307)

    @app.get("/inbox", response_class=HTMLResponse, tags=["inbox"])
    async def inbox() -> HTMLResponse:
        """The approver inbox: open tasks, their evidence, one click per decision."""
        return HTMLResponse(INBOX_PAGE.read_text(encoding="utf-8"), headers={"Cache-Control": "no-cache"})

    @app.get("/healthz", tags=["ops"])
    async def healthz(service: Service) -> JSONResponse:
        checks = await service.health()
        healthy = all(value == "ok" for value in checks.values())
        return JSONResponse(
            {"status": "ok" if healthy else "degraded", **checks}, status_code=200 if healthy else 503
        )


def _add_purchase_order_routes(app: FastAPI) -> None:
    @app.post(f"{API_PREFIX}/purchase-orders", status_code=201, tags=["purchase orders"])
    async def create_purchase_order(po: PurchaseOrder, request: Request, service: Service) -> dict[str, Any]:
        started = await service.create_po(
            po, raw=await request.body(), source="api", content_type=_content_type(request)
        )
        return {
            "po_number": started.po_number,
            "workflow_id": started.workflow_id,
            "status": "accepted",
            "ui_url": started.ui_url,
        }

    @app.get(f"{API_PREFIX}/purchase-orders", tags=["purchase orders"])
    async def list_purchase_orders(service: Service, status: str | None = None) -> list[dict[str, Any]]:
        return [projection_view(row, service) for row in await service.list_pos(status)]

    @app.get(f"{API_PREFIX}/purchase-orders/{{po_number}}", tags=["purchase orders"])
    async def get_purchase_order(po_number: str, service: Service) -> dict[str, Any]:
        """Live state, straight from the workflow's `state` query."""
        state = await service.get_state(po_number)
        return {
            "po_number": po_number,
            "workflow_id": workflow_id_for(po_number),
            "ui_url": service.workflow_url(po_number),
            "status": state.status.value,
            "open_tasks": len(state.open_tasks),
            "open_holds": state.open_hold_count,
            "state": state.model_dump(mode="json"),
        }

    @app.post(f"{API_PREFIX}/purchase-orders/{{po_number}}/cancel", tags=["purchase orders"])
    async def cancel_purchase_order(po_number: str, body: CancelRequest, service: Service) -> dict[str, Any]:
        state = await service.cancel(po_number, body.actor, body.reason)
        return {"po_number": po_number, "status": state.status.value, "state": state.model_dump(mode="json")}


def _add_document_routes(app: FastAPI) -> None:
    @app.post(
        f"{API_PREFIX}/purchase-orders/{{po_number}}/acknowledgments", status_code=202, tags=["documents"]
    )
    async def post_acknowledgment(
        po_number: str, ack: Acknowledgment, request: Request, service: Service
    ) -> dict[str, Any]:
        accepted = await service.submit_document(ack, **await _intake(request, po_number))
        return accepted_view(accepted)

    @app.post(f"{API_PREFIX}/purchase-orders/{{po_number}}/receipts", status_code=202, tags=["documents"])
    async def post_receipt(
        po_number: str, receipt: GoodsReceipt, request: Request, service: Service
    ) -> dict[str, Any]:
        accepted = await service.submit_document(receipt, **await _intake(request, po_number))
        return accepted_view(accepted)

    @app.post(f"{API_PREFIX}/purchase-orders/{{po_number}}/invoices", status_code=202, tags=["documents"])
    async def post_invoice(
        po_number: str, invoice: Invoice, request: Request, service: Service
    ) -> dict[str, Any]:
        """Invoices and credit memos (`"kind": "credit_memo"`)."""
        accepted = await service.submit_document(invoice, **await _intake(request, po_number))
        return accepted_view(accepted)


def _add_file_routes(app: FastAPI) -> None:
    @app.post(f"{API_PREFIX}/documents", status_code=202, tags=["documents"])
    async def post_document(request: Request, service: Service, vendor_id: str | None = None,
                            filename: str | None = None) -> JSONResponse:
        """Any file a supplier sends (X12, EDIFACT, UBL, Factur-X, PDF, e-mail,
        zip, JSON) as the raw body with its content type, or as multipart
        `file`. Answers with the intake workflow id and what was found; an
        identical re-send answers 409 "duplicate" with the first id."""
        limit = service.settings.max_document_bytes
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:
            raise TooLarge(f"the request is {int(declared):,} bytes, over the {limit:,}-byte limit")
        raw, name, ctype = await _uploaded_file(request)
        received = await service.receive_file(
            raw, filename=filename or name, content_type=ctype, source="api", vendor_id=vendor_id)
        body = {"status": received.status, "workflow_id": received.workflow_id, "sha256": received.sha256,
                "ui_url": service.settings.workflow_url(received.workflow_id), "found": received.found}
        if received.error:
            return JSONResponse(body | {"detail": received.error}, status_code=422)
        return JSONResponse(body, status_code=202)

    @app.get(f"{API_PREFIX}/documents/{{workflow_id}}", tags=["documents"])
    async def get_document_intake(workflow_id: str, service: Service) -> dict[str, Any]:
        """An intake's live state: every document found, where it went, open reviews."""
        state = await service.get_intake(workflow_id)
        return state.model_dump(mode="json") | {"ui_url": service.settings.workflow_url(workflow_id)}


async def _uploaded_file(request: Request) -> tuple[bytes, str | None, str | None]:
    """(bytes, file name, content type) from a multipart `file` field or the raw body."""
    ctype = _content_type(request)
    if ctype == "multipart/form-data":
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise Invalid("multipart upload without a `file` field", [FieldError("file", "missing")])
        return await upload.read(), upload.filename, upload.content_type
    disposition = request.headers.get("content-disposition", "")
    name = disposition.split("filename=", 1)[1].strip('" ') if "filename=" in disposition else None
    return await request.body(), name, ctype


def _add_task_routes(app: FastAPI) -> None:
    @app.get(f"{API_PREFIX}/tasks", tags=["tasks"])
    async def list_tasks(service: Service, status: TaskStatusFilter = "open") -> list[dict[str, Any]]:
        return [task_view(task, service) for task in await service.list_tasks(status)]

    @app.get(f"{API_PREFIX}/tasks/{{task_id}}", tags=["tasks"])
    async def get_task(task_id: str, service: Service) -> dict[str, Any]:
        return task_view(await service.get_task(task_id), service)

    @app.post(f"{API_PREFIX}/tasks/{{task_id}}/decision", tags=["tasks"])
    async def decide(task_id: str, body: DecisionRequest, service: Service) -> dict[str, Any]:
        """Decide a task; the owning workflow's validator may still say no (409)."""
        task = await service.decide(
            task_id, body.decision, body.actor, body.comment, body.document, body.holds
        )
        return task_view(task, service)


async def _intake(request: Request, po_number: str) -> dict[str, Any]:
    """How a document arrived: its exact bytes (stored as received) and the PO in the URL."""
    return {
        "raw": await request.body(),
        "source": "api",
        "content_type": _content_type(request),
        "expected_po_number": po_number,
    }


def _content_type(request: Request) -> str:
    return request.headers.get("content-type", "application/json").split(";")[0].strip() or "application/json"


app = create_app()
