"""Who is calling the API: a Caller for every route, or 401/403 with the reason.

Two credentials (DESIGN.md "Identity"):
- `Authorization: Bearer pft_…` — an API token (systems; people on the CLI);
- the `poflow_session` cookie a person gets by signing in (the web app). The
  cookie is signed (itsdangerous) and HttpOnly; a write through it must also
  carry the session's CSRF token in the `X-CSRF-Token` header (the page reads
  it from the `poflow_csrf` cookie: a cross-site page can send the cookies but
  cannot read them), so no other site can post in a signed-in person's name.

The principal is read from the database on every request, so disabling a
person or revoking a token takes effect at once. What the caller may do is
checked by the service for both doors (starter.service.authorization).
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from fastapi import Request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy.engine import Engine

from activities.db import principals as db
from identity.principal import Caller
from identity.roles import Kind, Scope
from settings import Settings
from starter.errors import Forbidden, Unauthenticated

__all__ = [
    "CSRF_COOKIE",
    "CSRF_HEADER",
    "SESSION_COOKIE",
    "SESSION_MAX_AGE",
    "Authenticator",
    "session_secret",
]

SESSION_COOKIE = "poflow_session"
CSRF_COOKIE = "poflow_csrf"
CSRF_HEADER = "X-CSRF-Token"
SESSION_MAX_AGE = timedelta(hours=8)  # a working day; then sign in again
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def session_secret(settings: Settings) -> str:
    """POFLOW_SESSION_SECRET, else a key made once for this poflow home (0600)."""
    if settings.session_secret:
        return settings.session_secret
    key_file = Path(settings.home) / "session.key"
    if not key_file.exists():
        key_file.parent.mkdir(parents=True, exist_ok=True)
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(48), encoding="utf-8")
    return key_file.read_text(encoding="utf-8").strip()


@dataclass(frozen=True)
class Session:
    """What a signed-in browser holds: the signed cookie and its CSRF token."""

    cookie: str
    csrf: str


class Authenticator:
    """Credentials → Caller, against the principals in the database."""

    def __init__(self, engine: Engine, secret: str, clock: Callable[[], datetime] | None = None) -> None:
        self.engine = engine
        self._signer = URLSafeTimedSerializer(secret, salt="poflow-session")
        self._clock = clock or (lambda: datetime.now(UTC))

    def from_token(self, token: str) -> Caller:
        try:
            return db.authenticate_token(self.engine, token, now=self._clock())
        except db.AuthenticationFailed as exc:
            raise Unauthenticated(f"not signed in: {exc}") from exc

    def sign_in(self, login: str, password: str) -> Session:
        try:
            principal = db.authenticate_password(self.engine, login, password)
        except db.AuthenticationFailed as exc:
            raise Unauthenticated(str(exc)) from exc
        return self._session(principal.principal_id)

    def session_for(self, principal_id: str) -> Session:
        """A session for a person someone else has authenticated (single sign-on,
        starter.api.oidc): the same cookie a password gives, for an enabled person only."""
        principal = db.get_principal(self.engine, principal_id)
        if principal is None or principal.disabled or principal.kind != Kind.PERSON:
            raise Unauthenticated(f"no enabled poflow user {principal_id!r}")
        return self._session(principal.principal_id)

    def _session(self, principal_id: str) -> Session:
        csrf = secrets.token_urlsafe(24)
        return Session(self._signer.dumps({"p": principal_id, "c": csrf}), csrf)

    def from_session(self, cookie: str) -> tuple[Caller, str]:
        """The caller of a session cookie and the session's CSRF token."""
        try:
            data: dict[str, Any] = self._signer.loads(cookie, max_age=int(SESSION_MAX_AGE.total_seconds()))
        except SignatureExpired as exc:
            raise Unauthenticated("the session expired: sign in again") from exc
        except BadSignature as exc:
            raise Unauthenticated("not signed in: the session cookie is not valid") from exc
        principal = db.get_principal(self.engine, str(data.get("p", "")))
        if principal is None or principal.disabled or principal.kind != Kind.PERSON:
            raise Unauthenticated("not signed in: the session's user is disabled or unknown")
        return Caller(principal, Scope.PERSON, via="session"), str(data.get("c", ""))


def _authenticator(request: Request) -> Authenticator:
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if not header:
        return None
    if scheme.lower() != "bearer" or not credentials.strip():
        raise Unauthenticated("not signed in: the Authorization header must be 'Bearer <token>'")
    return credentials.strip()


def _resolve(request: Request) -> Caller:
    authenticator = _authenticator(request)
    token = _bearer(request)
    if token is not None:
        return authenticator.from_token(token)
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise Unauthenticated("not signed in: send 'Authorization: Bearer <token>' or sign in at /login")
    caller, csrf = authenticator.from_session(cookie)
    if request.method not in _SAFE_METHODS and not secrets.compare_digest(
        request.headers.get(CSRF_HEADER, ""), csrf
    ):
        raise Forbidden(
            f"a write through a session needs the {CSRF_HEADER} header (cross-site request refused)"
        )
    return caller


async def current_caller(request: Request) -> Caller:
    """The caller of this request (cached on it: one database read per request)."""
    cached: Caller | None = getattr(request.state, "caller", None)
    if cached is None:
        cached = await asyncio.to_thread(_resolve, request)
        request.state.caller = cached
    return cached
