"""Single sign-on with OpenID Connect, for a company that switches it on (POFLOW_OIDC_ISSUER).

    GET /login/oidc?next=…                 → 302 to the identity provider (IdP)
    GET /login/oidc/callback?code&state    → the session a password gives, then on to `next`

The authorization code flow of OpenID Connect Core 1.0 §3.1, with `state`
(RFC 6749 §10.12: the answer belongs to this browser's sign-in), `nonce`
(Core §3.1.2.1: the id token was minted for it) and PKCE (RFC 7636, S256: a
stolen code is useless). The three and `next` travel in a signed, HttpOnly
cookie that lives ten minutes, SameSite=Lax: the IdP sends the browser back
with a cross-site navigation, which a Strict cookie would not survive.

The endpoints come from the issuer's discovery document (OpenID Connect
Discovery 1.0 §4; its `issuer` must be the configured one) and the keys from
its `jwks_uri`, both cached per app. The id token is checked as Core §3.1.3.7
asks: the signature against those keys (joserfc, the JOSE library Authlib is
built on; asymmetric algorithms only), then iss, aud, azp, exp, iat and nonce
(Authlib's CodeIDToken).

POFLOW_OIDC_CLAIM (default "email") names the person. An address (the email
claim, or any value with an "@") is compared whole, case-insensitively, with
the principals' e-mail — never cut at "@" as identity_key does for segregation
of duties: `alice@elsewhere` must not sign in as `alice`. Any other value is a
login (identity.names). Only an existing,
enabled person signs in: nobody is created. Every failure answers the sign-in
page with the reason, never a 500 and never the client secret.
"""

from __future__ import annotations

import asyncio
import base64
import html
import logging
import re
import secrets
import time
from typing import Any
from urllib.parse import quote_plus, urlencode, urlsplit

import httpx
from authlib.common.errors import AuthlibBaseError
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from authlib.oidc.core import CodeIDToken
from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from itsdangerous import BadData, URLSafeTimedSerializer
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from sqlalchemy.engine import Engine

from activities.db import principals as db
from identity.names import InvalidName, normalize_login
from identity.roles import Kind
from settings import Settings
from starter.api.auth import Authenticator, session_secret
from starter.api.security import new_nonce, page_csp
from starter.api.sessions import local_path, login_page, set_session
from starter.errors import NotFound, Unauthenticated

__all__ = ["FLOW_COOKIE", "SignInFailed", "pages"]

log = logging.getLogger(__name__)

FLOW_COOKIE = "poflow_oidc"
FLOW_PATH = "/login/oidc"  # the cookie goes to these two routes only
FLOW_MAX_AGE = 600  # seconds from "Sign in with" to the callback
CACHE_SECONDS = 3600  # discovery document and keys
LEEWAY = 60  # seconds of clock skew allowed on exp and iat
SCOPE = "openid email profile"
ASYMMETRIC = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
_ERROR_CODE = re.compile(r"[a-z_]{1,64}")  # RFC 6749 §4.1.2.1 error codes; anything else is not echoed
_WELL_KNOWN = "/.well-known/openid-configuration"

pages = APIRouter(include_in_schema=False)


class SignInFailed(Exception):
    """Why single sign-on did not sign the person in, in words they can act on."""

    def __init__(self, message: str, status_code: int) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.service.settings
    if not settings.oidc_issuer:
        raise NotFound("single sign-on is off (POFLOW_OIDC_ISSUER is not set)")
    return settings


def _host(settings: Settings) -> str:
    issuer = settings.oidc_issuer or ""
    return urlsplit(issuer).hostname or issuer


def _signer(settings: Settings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(session_secret(settings), salt="poflow-oidc")


@pages.get("/login/oidc")
async def start(request: Request, next: str = "/inbox") -> Response:  # noqa: A002  (the query parameter's name)
    """Off to the identity provider, with state, nonce and the PKCE challenge."""
    settings = _settings(request)
    target = local_path(next)
    try:
        if not settings.oidc_client_id:
            raise SignInFailed("single sign-on is not set up: POFLOW_OIDC_CLIENT_ID is missing", 503)
        metadata = await _json(request, _discovery_url(settings.oidc_issuer or ""), _host(settings))
    except SignInFailed as failed:
        return _failed(settings, target, failed)
    flow = {
        "state": secrets.token_urlsafe(32),
        "nonce": secrets.token_urlsafe(32),
        "verifier": secrets.token_urlsafe(48),  # 64 characters (RFC 7636 §4.1: 43 to 128)
        "next": target,
    }
    query = urlencode(
        {
            "response_type": "code",
            "client_id": settings.oidc_client_id,
            "redirect_uri": _redirect_uri(request),
            "scope": SCOPE,
            "state": flow["state"],
            "nonce": flow["nonce"],
            "code_challenge": create_s256_code_challenge(flow["verifier"]),
            "code_challenge_method": "S256",
        }
    )
    endpoint = str(metadata["authorization_endpoint"])
    response = RedirectResponse(f"{endpoint}{'&' if '?' in endpoint else '?'}{query}", status_code=302)
    response.set_cookie(
        FLOW_COOKIE,
        _signer(settings).dumps(flow),
        max_age=FLOW_MAX_AGE,
        path=FLOW_PATH,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response


@pages.get("/login/oidc/callback", name="oidc_callback")
async def callback(request: Request, code: str = "", state: str = "", error: str = "") -> Response:
    """The identity provider's answer: check it, find the person, sign them in."""
    settings = _settings(request)
    flow = _flow(request, settings)
    target = local_path(str(flow.get("next", "/inbox"))) if flow else "/inbox"
    try:
        principal_id = await _authenticate(request, settings, flow, code, state, error)
        authenticator: Authenticator = request.app.state.authenticator
        session = await asyncio.to_thread(authenticator.session_for, principal_id)
    except (SignInFailed, Unauthenticated) as exc:
        failed = exc if isinstance(exc, SignInFailed) else SignInFailed(exc.message, 403)
        response: Response = _failed(settings, target, failed)
    else:
        response = _onwards(target)
        set_session(response, request, session)
    response.delete_cookie(FLOW_COOKIE, path=FLOW_PATH)
    return response


async def _authenticate(
    request: Request, settings: Settings, flow: dict[str, Any] | None, code: str, state: str, error: str
) -> str:
    """The principal id the identity provider's answer names, or SignInFailed."""
    host = _host(settings)
    if error:
        shown = error if _ERROR_CODE.fullmatch(error) else "an error"
        raise SignInFailed(f"{host} did not sign you in ({shown})", 401)
    if flow is None:
        raise SignInFailed(f"this sign-in with {host} expired or was not started here: start again", 400)
    if not state or not secrets.compare_digest(state, str(flow.get("state", ""))):
        raise SignInFailed(
            f"the answer from {host} is not for this sign-in (state mismatch): start again", 400
        )
    if not code:
        raise SignInFailed(f"{host} sent no authorization code: start again", 400)
    metadata = await _json(request, _discovery_url(settings.oidc_issuer or ""), host)
    tokens = await _exchange(metadata, settings, code, _redirect_uri(request), str(flow["verifier"]))
    claims = await _verified_claims(request, metadata, settings, tokens, str(flow["nonce"]))
    engine = request.app.state.service.engine
    return await asyncio.to_thread(_principal_for, engine, settings.oidc_claim, claims)


def _flow(request: Request, settings: Settings) -> dict[str, Any] | None:
    cookie = request.cookies.get(FLOW_COOKIE)
    if not cookie:
        return None
    try:
        flow = _signer(settings).loads(cookie, max_age=FLOW_MAX_AGE)
    except BadData:  # a bad signature, an expired one, a bad payload
        return None
    return flow if isinstance(flow, dict) else None


def _redirect_uri(request: Request) -> str:
    return str(request.url_for("oidc_callback"))


def _discovery_url(issuer: str) -> str:
    # Discovery §4: a trailing "/" of the issuer is dropped before the well-known path.
    return issuer.rstrip("/") + _WELL_KNOWN


async def _json(request: Request, url: str, host: str, *, fresh: bool = False) -> dict[str, Any]:
    """A JSON object from the identity provider, cached per app for CACHE_SECONDS."""
    cache: dict[str, tuple[float, dict[str, Any]]] | None = getattr(request.app.state, "oidc_cache", None)
    if cache is None:
        cache = request.app.state.oidc_cache = {}
    hit = cache.get(url)
    if hit and not fresh and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            answer = await client.get(url, headers={"Accept": "application/json"})
        answer.raise_for_status()
        body = answer.json()
    except (httpx.HTTPError, ValueError):
        raise SignInFailed(f"{host} cannot be reached or answered badly: try again later", 502) from None
    if not isinstance(body, dict):
        raise SignInFailed(f"{host} answered badly ({url} is not a JSON object)", 502)
    if url.endswith(_WELL_KNOWN):
        _check_discovery(body, url.removesuffix(_WELL_KNOWN), host)
    cache[url] = (time.monotonic(), body)
    return body


def _check_discovery(metadata: dict[str, Any], issuer: str, host: str) -> None:
    if str(metadata.get("issuer", "")).rstrip("/") != issuer:  # Discovery §4.3
        raise SignInFailed(f"{host}'s discovery document names another issuer: check POFLOW_OIDC_ISSUER", 502)
    missing = [
        key for key in ("authorization_endpoint", "token_endpoint", "jwks_uri") if not metadata.get(key)
    ]
    if missing:
        raise SignInFailed(f"{host}'s discovery document has no {', '.join(missing)}", 502)


async def _exchange(
    metadata: dict[str, Any], settings: Settings, code: str, redirect_uri: str, verifier: str
) -> dict[str, Any]:
    """The token endpoint's answer for the code (Core §3.1.3.1), the client authenticated."""
    host, client_id, secret = _host(settings), settings.oidc_client_id or "", settings.oidc_client_secret
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri}
    form["code_verifier"] = verifier
    headers = {"Accept": "application/json"}
    methods = metadata.get("token_endpoint_auth_methods_supported") or ["client_secret_basic"]
    if secret and "client_secret_basic" not in methods and "client_secret_post" in methods:
        form |= {"client_id": client_id, "client_secret": secret}
    elif secret:  # RFC 6749 §2.3.1: both form-encoded, then HTTP Basic
        pair = f"{quote_plus(client_id, safe='')}:{quote_plus(secret, safe='')}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode("ascii")
    else:  # a public client: PKCE alone
        form["client_id"] = client_id
    try:
        async with httpx.AsyncClient(timeout=10) as client:
            answer = await client.post(str(metadata["token_endpoint"]), data=form, headers=headers)
        body = answer.json()
    except (httpx.HTTPError, ValueError):
        raise SignInFailed(f"{host}'s token endpoint cannot be reached or answered badly", 502) from None
    if not isinstance(body, dict) or answer.status_code != 200 or "error" in body:
        code_name = body.get("error") if isinstance(body, dict) else None
        shown = code_name if isinstance(code_name, str) and _ERROR_CODE.fullmatch(code_name) else "refused"
        raise SignInFailed(f"{host} did not accept the sign-in code ({shown}): start again", 401)
    if not isinstance(body.get("id_token"), str):
        raise SignInFailed(f"{host} sent no id token", 401)
    return body


async def _verified_claims(
    request: Request, metadata: dict[str, Any], settings: Settings, tokens: dict[str, Any], nonce: str
) -> dict[str, Any]:
    """The id token's claims, once its signature and claims check out (Core §3.1.3.7)."""
    host = _host(settings)
    offered = metadata.get("id_token_signing_alg_values_supported") or ["RS256"]
    # Never "none", never HS*: only what the IdP's published keys can verify.
    algorithms = [alg for alg in offered if alg in ASYMMETRIC] or ["RS256"]
    registry = JWSRegistry(algorithms=algorithms, strict_check_header=False)
    jwks_uri = str(metadata["jwks_uri"])
    try:
        try:
            keys = KeySet.import_key_set(await _json(request, jwks_uri, host))  # type: ignore[arg-type]
            token = jwt.decode(tokens["id_token"], keys, registry=registry)
        except InvalidKeyIdError:  # keys rotated since they were cached
            keys = KeySet.import_key_set(await _json(request, jwks_uri, host, fresh=True))  # type: ignore[arg-type]
            token = jwt.decode(tokens["id_token"], keys, registry=registry)
        options = {
            "iss": {"essential": True, "value": str(metadata["issuer"])},
            "aud": {"essential": True, "value": settings.oidc_client_id},
        }
        params = {
            "nonce": nonce,
            "client_id": settings.oidc_client_id,
            "access_token": tokens.get("access_token"),
        }
        claims = CodeIDToken(token.claims, token.header, options, params)
        claims.validate(leeway=LEEWAY)
    except (JoseError, AuthlibBaseError, ValueError, TypeError, KeyError) as exc:
        why = getattr(exc, "description", "") or type(exc).__name__
        raise SignInFailed(f"the id token from {host} is not valid ({why}): sign-in refused", 401) from None
    return dict(claims)


def _principal_for(engine: Engine, claim: str, claims: dict[str, Any]) -> str:
    """The enabled person the claim names (no one is created), or SignInFailed."""
    value = claims.get(claim)
    if not isinstance(value, str) or not value.strip():
        raise SignInFailed(f"the id token has no {claim!r} claim to find the poflow user by", 403)
    value = value.strip()
    if claim == "email" and claims.get("email_verified") is False:
        raise SignInFailed(f"the identity provider has not verified {value}", 403)
    by_email = claim == "email" or "@" in value
    people = [
        principal
        for principal in db.list_principals(engine)
        if principal.kind == Kind.PERSON and _names(principal.principal_id, principal.email, value, by_email)
    ]
    if len(people) > 1:
        raise SignInFailed(f"several poflow users have {value}: an admin must tell them apart", 403)
    if not people:
        raise SignInFailed(f"no poflow user for {value}", 403)
    if people[0].disabled:
        raise SignInFailed(f"the poflow user for {value} is disabled", 403)
    return people[0].principal_id


def _names(principal_id: str, email: str | None, value: str, by_email: bool) -> bool:
    if by_email:  # the whole address, domain included
        return email is not None and email.strip().casefold() == value.casefold()
    try:
        return normalize_login(value) == principal_id
    except InvalidName:
        return False


def _failed(settings: Settings, target: str, failed: SignInFailed) -> HTMLResponse:
    log.warning("single sign-on refused: %s", failed.message)
    return login_page(target, failed.message, status_code=failed.status_code, sso=_host(settings))


def _onwards(target: str) -> HTMLResponse:
    """Signed in: a page that moves on to `target` itself. A redirect would keep the
    identity provider as the navigation's initiator, and the browser would then hold
    back the SameSite=Strict session cookie on the first page; this navigation
    starts on poflow's own page, so the cookie goes with it."""
    url = html.escape(target, quote=True)
    page = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0;url={url}"><title>poflow · signed in</title></head>'
        f'<body><p>Signed in. <a href="{url}">Continue</a></p></body></html>'
    )
    headers = {"Content-Security-Policy": page_csp(new_nonce()), "Cache-Control": "no-store"}
    return HTMLResponse(page, headers=headers)
