"""`GET /metrics`: poflow's business metrics in the Prometheus text format
(ops.metrics reads them from the database at each scrape).

Not open to anyone who reaches the API: the counts say how much a company buys
and what its suppliers get wrong. A scraper sends `Authorization: Bearer
<POFLOW_METRICS_TOKEN>` (a token good for this route alone, with no principal
behind it, so it can sit in a Prometheus config without being an API key); any
caller of the API who may read (an operator's own token or session) may look too.
"""

from __future__ import annotations

import asyncio
import secrets

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client.registry import CollectorRegistry

from identity.roles import Permission
from ops.metrics import CONTENT_TYPE_LATEST, metrics_registry, render
from starter.api.auth import current_caller
from starter.api.shared import Service, errors
from starter.service.authorization import authorize

__all__ = ["METRICS_PATH", "router"]

METRICS_PATH = "/metrics"


async def scraper(request: Request, service: Service) -> None:
    """The scrape token, else a caller who may read (401/403 otherwise)."""
    token = service.settings.metrics_token
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if token and scheme.lower() == "bearer" and secrets.compare_digest(credentials.strip(), token):
        return
    authorize(await current_caller(request), Permission.READ)


router = APIRouter(dependencies=[Depends(scraper)])


def _registry(request: Request, service: Service) -> CollectorRegistry:
    # One per app: the collector remembers the formats of the files it has sniffed.
    registry: CollectorRegistry | None = getattr(request.app.state, "metrics_registry", None)
    if registry is None:
        registry = request.app.state.metrics_registry = metrics_registry(service.engine)
    return registry


@router.get(
    METRICS_PATH,
    tags=["ops"],
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST: {}}, "description": "The Prometheus text format"},
        **errors(503),
    },
)
async def metrics(request: Request, service: Service) -> Response:
    """Business metrics for Prometheus: POs by status, invoices approved / held
    / rejected and held ones by hold code, open tasks and escalations, intake
    by format and outcome, undelivered messages (README "Metrics and logs")."""
    body = await asyncio.to_thread(render, _registry(request, service))
    return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})
