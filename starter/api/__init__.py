"""The HTTP API (FastAPI): the door for upstream systems and the approver inbox.

    application.py      create_app: lifespan, error handlers, body limit, pages (/, /inbox, /healthz)
    purchase_orders.py  /api/v1/purchase-orders: start, list, live state, cancel
    documents.py        acknowledgments, receipts, returns and invoices for a PO; any file (/api/v1/documents)
    tasks.py            /api/v1/tasks: the inbox's tasks and their decisions
    tolerances.py       /api/v1/tolerances: profile changes by approval; manual invoice holds
    shared.py           the Service dependency, the prefix, the error bodies
    body_limit.py       the JSON body size limit (ASGI middleware)

Every route declares its response model, so /docs shows each answer's shape.
`uvicorn starter.api:app` serves the app built here; tests build their own
with `create_app(service_factory)`.
"""

from starter.api.application import create_app

__all__ = ["app", "create_app"]

app = create_app()
