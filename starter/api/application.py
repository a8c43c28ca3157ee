"""The HTTP API app: the factory, its lifespan, the error handlers, the body
limit and the pages (/, /inbox, /healthz); the routes are one router per
resource beside this module.

Handlers are thin: parse → PoflowOperations → shape the answer with a
response model. Every expected error is a starter.errors.PoflowError and
becomes the same JSON body ({"detail": ..., ...}) with the status it carries.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, FastAPI, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from pydantic import BaseModel, Field
from sqlalchemy.exc import OperationalError
from starlette.types import Scope

from ops.logs import configure_logging
from settings import load_settings
from starter.api import audit, codec, documents, oidc, purchase_orders, sessions, tasks, tolerances, vendors
from starter.api import metrics as metrics_route
from starter.api.auth import Authenticator, current_caller, session_secret
from starter.api.body_limit import BodySizeLimit
from starter.api.security import SecurityHeaders, new_nonce, page_csp
from starter.api.shared import Service
from starter.db_errors import database_unavailable
from starter.db_errors import where as db_where
from starter.errors import Invalid, PoflowError, Unauthenticated, Unavailable, field_errors
from starter.operations import PoflowOperations, ServiceFactory, connect_service
from starter.web.pages import STATIC_DIR
from starter.web.pages import pages as web_pages

__all__ = ["INBOX_PAGE", "Health", "create_app", "json_body_limit"]

INBOX_PAGE = Path(__file__).with_name("inbox.html")

log = logging.getLogger(__name__)

# In the order the OpenAPI document lists them.
ROUTERS = (
    purchase_orders.router,
    documents.router,
    tolerances.router,
    tasks.router,
    audit.router,
    vendors.router,
)

# Routes that take a raw file: they keep their own limit (max_document_bytes).
FILE_ROUTES = frozenset({documents.FILE_DOOR})


async def _default_service() -> PoflowOperations:
    # Lazy client: the API comes up even if Temporal is still starting; until it
    # is reachable, requests answer 503 instead of the process refusing to start.
    # Short database waits: a locked or unreachable database is a 503 at once.
    settings = load_settings()
    return await connect_service(settings, lazy=True, db_wait_s=settings.api_db_wait_s)


def create_app(service_factory: ServiceFactory = _default_service) -> FastAPI:
    """The app; `service_factory` runs once at startup (tests pass a fake)."""
    # FastAPIOffline: the /docs and /redoc pages with their assets served from
    # the package, not a CDN (the API docs work with no internet).
    app = FastAPIOffline(
        title="poflow",
        summary="Buyer-side procure-to-pay on Temporal",
        version="0.1.0",
        lifespan=_lifespan(service_factory),
    )
    app.add_exception_handler(PoflowError, _poflow_error)
    app.add_exception_handler(OperationalError, _database_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_middleware(BodySizeLimit, limit_for=json_body_limit)
    app.add_middleware(SecurityHeaders)
    app.include_router(pages)
    app.include_router(sessions.pages)
    app.include_router(oidc.pages)
    app.include_router(sessions.api)
    app.include_router(web_pages)
    app.include_router(metrics_route.router)  # its own callers: a scrape token too (starter.api.metrics)
    app.include_router(codec.router)  # its own callers and CORS (starter.api.codec)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    for router in ROUTERS:
        # Every API route has a caller (401 otherwise); each write checks what it may do.
        app.include_router(router, dependencies=[Depends(current_caller)])
    return app


def _lifespan(service_factory: ServiceFactory) -> Callable[[FastAPI], AbstractAsyncContextManager[None]]:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.service = await service_factory()
        # JSON logs when asked; text stays as uvicorn set it up.
        configure_logging(app.state.service.settings.log_format, text=False)
        app.state.authenticator = Authenticator(
            app.state.service.engine, session_secret(app.state.service.settings)
        )
        try:
            yield
        finally:
            await app.state.service.close()

    return lifespan


def json_body_limit(scope: Scope) -> int | None:
    """The JSON body limit of the service's settings; None for the file door."""
    if scope["path"] in FILE_ROUTES:
        return None
    service = getattr(scope["app"].state, "service", None)
    settings = service.settings if service is not None else load_settings()
    return settings.max_request_bytes


# --- error handlers ---------------------------------------------------------------------------


async def _poflow_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PoflowError)
    headers = None
    if exc.http_status == 401:  # RFC 9110 §11.6.1: a 401 names the scheme that would work.
        headers = {"WWW-Authenticate": 'Bearer realm="poflow"'}
    elif isinstance(exc, Unavailable):  # RFC 9110 §10.2.3: when a retry makes sense
        headers = {"Retry-After": str(exc.retry_after_s)}
    return JSONResponse(exc.body(), status_code=exc.http_status, headers=headers)


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    """A locked or unreachable database met outside the service's own mapping
    (signing in, a route's direct read): the same 503 as through the service."""
    assert isinstance(exc, OperationalError)
    service = getattr(request.app.state, "service", None)
    where = db_where(service.engine.url if service is not None else load_settings().database_url)
    unavailable = database_unavailable(exc, where)
    log.warning("%s %s: %s", request.method, request.url.path, unavailable.message)
    return await _poflow_error(request, unavailable)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    invalid = Invalid.from_fields(field_errors(exc.errors()), prefix="invalid request: ")
    return JSONResponse(invalid.body(), status_code=422)


# --- pages ------------------------------------------------------------------------------------

pages = APIRouter()


class Health(BaseModel):
    """200 when every dependency answers, 503 (same body) when one does not."""

    status: Literal["ok", "degraded"]
    temporal: str = Field(description='"ok", or why Temporal cannot be reached')
    database: str = Field(description='"ok", or why the database cannot be reached')


@pages.get("/", include_in_schema=False)
async def root() -> RedirectResponse:
    return RedirectResponse("/inbox", status_code=307)


@pages.get("/inbox", response_class=HTMLResponse, tags=["inbox"])
async def inbox(request: Request) -> Response:
    """The approver inbox: open tasks, their evidence, one click per decision
    (signed-in people only: anyone else is sent to /login)."""
    try:
        await current_caller(request)
    except Unauthenticated:
        return RedirectResponse("/login?next=/inbox", status_code=303)
    nonce = new_nonce()
    page = INBOX_PAGE.read_text(encoding="utf-8").replace("{{nonce}}", nonce)
    return HTMLResponse(
        page, headers={"Cache-Control": "no-store", "Content-Security-Policy": page_csp(nonce)}
    )


@pages.get(
    "/healthz", tags=["ops"], responses={503: {"model": Health, "description": "A dependency is down"}}
)
async def healthz(service: Service, response: Response) -> Health:
    checks = await service.health()
    healthy = all(value == "ok" for value in checks.values())
    response.status_code = 200 if healthy else 503
    return Health.model_validate({"status": "ok" if healthy else "degraded", **checks})
