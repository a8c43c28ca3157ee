"""Security headers on every answer (OWASP Secure Headers): no framing
(clickjacking), no MIME sniffing, no referrer leaking PO numbers to other
sites, and a Content-Security-Policy for poflow's own pages that allows only
their own scripts and styles (inline ones carry the per-answer nonce).

The OpenAPI pages (/docs, /redoc: fastapi-offline, assets served locally)
keep FastAPI's inline start-up script, so they get the framing-only CSP.
"""

from __future__ import annotations

import secrets

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["SecurityHeaders", "page_csp", "new_nonce"]

_ALWAYS = {
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",
    b"cross-origin-opener-policy": b"same-origin",
}
_FRAMING_ONLY_CSP = b"frame-ancestors 'none'"


def new_nonce() -> str:
    return secrets.token_urlsafe(16)


def page_csp(nonce: str) -> str:
    """The CSP of a poflow page whose inline <script>/<style> carry `nonce`."""
    return (
        "default-src 'self'; "
        f"script-src 'self' 'nonce-{nonce}'; style-src 'self' 'nonce-{nonce}'; "
        "img-src 'self' data:; frame-src 'self'; object-src 'self'; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    )


class SecurityHeaders:
    """ASGI middleware: adds the headers a response does not set itself (a
    page sets its own CSP with its nonce; everything else gets framing-only)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in _ALWAYS.items() if name not in present]
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", _FRAMING_ONLY_CSP))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
