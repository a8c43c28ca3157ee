"""A size limit on request bodies, as one ASGI middleware for every route.

A JSON body is read whole before FastAPI parses it, so without a limit one
request can hold as much memory as the sender likes. Here the body is read up
to the limit and refused with 413 as soon as it is over (declared by
Content-Length or not), before any handler, parser or workflow sees it; a body
within the limit is handed on unchanged. The file door has its own, larger
limit (POFLOW_MAX_DOCUMENT_BYTES): `limit_for` answers None for it.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from starter.errors import TooLarge

LimitFor = Callable[[Scope], "int | None"]


class BodySizeLimit:
    def __init__(self, app: ASGIApp, *, limit_for: LimitFor) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        limit = self.limit_for(scope) if scope["type"] == "http" else None
        if limit is None:
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _refuse(scope, receive, send, f"the request body is {declared:,} bytes", limit)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return  # the sender gave up; nobody to answer
            body += message.get("body", b"")
            if len(body) > limit:
                await _refuse(scope, receive, send, f"the request body is over {limit:,} bytes", limit)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, _replay(bytes(body), receive), send)


def _replay(body: bytes, receive: Receive) -> Receive:
    """The body already read, as one message; then whatever comes (a disconnect)."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.decode("latin-1").strip()
            return int(text) if text.isdigit() else None
    return None


async def _refuse(scope: Scope, receive: Receive, send: Send, what: str, limit: int) -> None:
    error = TooLarge(f"{what}, over the {limit:,}-byte limit for a JSON request (POFLOW_MAX_REQUEST_BYTES)")
    await JSONResponse(error.body(), status_code=error.http_status)(scope, receive, send)
