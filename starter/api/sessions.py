"""Signing in and out of the web app, and "who am I".

    GET  /login                 the sign-in page (with "Sign in with <IdP>" when OIDC is on: starter.api.oidc)
    POST /login                 form: login, password, next → 303 to next, session cookies set
    POST /logout                → 303 to /login, cookies cleared
    POST /api/v1/session        JSON {login, password} → the caller and the CSRF token (scripts, the demo)
    GET  /api/v1/session        the caller of this request

One answer for every failed sign-in ("wrong login or password"): the page
must not tell which logins exist. Cookies are HttpOnly (the session) and
SameSite=Strict; `Secure` when the request came over HTTPS.
"""

from __future__ import annotations

import asyncio
import html
from pathlib import Path
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import BaseModel, ConfigDict, Field

from identity.principal import Caller
from starter.api.auth import CSRF_COOKIE, SESSION_COOKIE, SESSION_MAX_AGE, Authenticator, Session
from starter.api.security import new_nonce, page_csp
from starter.api.shared import API_PREFIX, Who, errors
from starter.errors import Unauthenticated

__all__ = [
    "LOGIN_PAGE",
    "SignIn",
    "WhoAmI",
    "api",
    "local_path",
    "login_page",
    "pages",
    "set_session",
    "single_sign_on",
]

LOGIN_PAGE = Path(__file__).with_name("login.html")

pages = APIRouter(include_in_schema=False)
api = APIRouter(prefix=API_PREFIX, tags=["session"])


class SignIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    login: str = Field(min_length=1, max_length=256)
    password: str = Field(min_length=1, max_length=1024)


class WhoAmI(BaseModel):
    principal_id: str
    display_name: str
    kind: str
    roles: list[str]
    via: str = Field(description='"session" or "token <id>"')
    csrf_token: str | None = Field(
        default=None, description="Send it as X-CSRF-Token on writes (sessions only)"
    )


def _authenticator(request: Request) -> Authenticator:
    authenticator: Authenticator = request.app.state.authenticator
    return authenticator


def single_sign_on(request: Request) -> str | None:
    """The identity provider's host when OpenID Connect sign-in is on, else None."""
    service = getattr(request.app.state, "service", None)  # absent where a test set no service
    issuer = service.settings.oidc_issuer if service is not None else None
    return (urlsplit(issuer).hostname or issuer) if issuer else None


def login_page(
    next_url: str = "/inbox", error: str = "", status_code: int = 200, sso: str | None = None
) -> HTMLResponse:
    """The sign-in page; `sso` (the identity provider's host) adds its "Sign in with" link."""
    nonce = new_nonce()
    link = (
        f'<a class="sso" href="/login/oidc?next={html.escape(quote(next_url, safe="/"), quote=True)}">'
        f"Sign in with {html.escape(sso)}</a>"
        if sso
        else ""
    )
    body = (
        LOGIN_PAGE.read_text(encoding="utf-8")
        .replace("{{nonce}}", nonce)
        .replace("{{next}}", html.escape(next_url, quote=True))
        .replace("{{error}}", html.escape(error))
        .replace("{{sso}}", link)
    )
    headers = {"Content-Security-Policy": page_csp(nonce), "Cache-Control": "no-store"}
    return HTMLResponse(body, status_code=status_code, headers=headers)


def local_path(next_url: str) -> str:
    """Only a path on this site: a `next` pointing elsewhere would make the
    sign-in page an open redirect. Browsers read `\\` as `/` and drop tabs and
    newlines (WHATWG URL), so `/\\evil.example` would be `//evil.example`."""
    parts = urlsplit(next_url)
    if parts.scheme or parts.netloc or not next_url.startswith("/") or next_url.startswith("//"):
        return "/inbox"
    if "\\" in next_url or any(ord(char) < 0x20 or ord(char) == 0x7F for char in next_url):
        return "/inbox"
    return next_url


def set_session(response: Response, request: Request, session: Session) -> None:
    secure = request.url.scheme == "https"
    max_age = int(SESSION_MAX_AGE.total_seconds())
    response.set_cookie(
        SESSION_COOKIE, session.cookie, max_age=max_age, httponly=True, samesite="strict", secure=secure
    )
    # Readable by the page's script (it echoes it as X-CSRF-Token); useless to another site.
    response.set_cookie(CSRF_COOKIE, session.csrf, max_age=max_age, samesite="strict", secure=secure)


@pages.get("/login")
async def show_login(request: Request, next: str = "/inbox") -> HTMLResponse:  # noqa: A002  (the query parameter's name)
    return login_page(local_path(next), sso=single_sign_on(request))


@pages.post("/login")
async def sign_in_form(
    request: Request,
    login: str = Form(""),
    password: str = Form(""),
    next: str = Form("/inbox"),  # noqa: A002
) -> Response:
    target = local_path(next)
    try:
        session = await asyncio.to_thread(_authenticator(request).sign_in, login, password)
    except Unauthenticated as exc:
        return login_page(target, exc.message, status_code=401, sso=single_sign_on(request))
    response = RedirectResponse(target, status_code=303)
    set_session(response, request, session)
    return response


@pages.post("/logout")
async def sign_out() -> RedirectResponse:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    response.delete_cookie(CSRF_COOKIE)
    return response


@api.post("/session", responses=errors(401))
async def sign_in(body: SignIn, request: Request, response: Response) -> WhoAmI:
    """Sign in with a login and password: session cookies, and the CSRF token to echo."""
    authenticator = _authenticator(request)
    session = await asyncio.to_thread(authenticator.sign_in, body.login, body.password)
    caller, _ = await asyncio.to_thread(authenticator.from_session, session.cookie)
    set_session(response, request, session)
    return _who(caller, session.csrf)


@api.get("/session", responses=errors(401))
async def who_am_i(who: Who, request: Request) -> WhoAmI:
    return _who(who, request.cookies.get(CSRF_COOKIE) if who.via == "session" else None)


def _who(caller: Caller, csrf: str | None) -> WhoAmI:
    principal = caller.principal
    return WhoAmI(
        principal_id=principal.principal_id,
        display_name=principal.display_name,
        kind=principal.kind.value,
        roles=sorted(principal.roles),
        via=caller.via,
        csrf_token=csrf,
    )
