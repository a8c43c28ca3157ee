"""The codec server of the Temporal UI and CLI (Temporal's remote codec protocol,
README "Payload encryption"):

    POST /codec/decode   {"payloads": [Payload, …]} → the same payloads, decrypted
    POST /codec/encode   {"payloads": [Payload, …]} → the same payloads, encrypted
                         with the current key (a UI user starting or signalling
                         a workflow)
    OPTIONS /codec/…     the CORS preflight

Payloads are proto3 JSON (metadata values and data in base64); `X-Namespace`
must be poflow's namespace when sent. The UI at TEMPORAL_UI_URL is the one
browser origin allowed to read the answers (CORS, with credentials).

Who may call it: a poflow person with the read permission — through the
session cookie of the browser they signed in to poflow with (the UI sends it
when its codec setting "include credentials" is on) or their own API token
(`temporal … --codec-auth "Bearer pft_…"`). A system's token (supplier
gateway, ERP) is refused: it has no business reading whole histories. No CSRF
header is asked for: neither endpoint changes anything, and no other site may
read the answer.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Sequence
from urllib.parse import urlsplit

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload, Payloads

from identity.principal import Caller
from identity.roles import Kind, Permission
from ops.codec import EncryptionCodec, PayloadKeyError, parse_keys, payload_keys
from settings import Settings
from starter.api.auth import SESSION_COOKIE, Authenticator
from starter.api.shared import get_service
from starter.errors import Forbidden, Invalid, PoflowError, Unauthenticated
from starter.service.authorization import authorize

__all__ = ["CODEC_PREFIX", "router"]

CODEC_PREFIX = "/codec"
_ACTIONS = ("decode", "encode")

router = APIRouter(prefix=CODEC_PREFIX, tags=["ops"])

Transform = Callable[[EncryptionCodec, Sequence[Payload]], Awaitable[list[Payload]]]


@router.post("/decode", include_in_schema=False)
async def decode(request: Request) -> Response:
    return await _answer(request, lambda codec, payloads: codec.decode(payloads))


@router.post("/encode", include_in_schema=False)
async def encode(request: Request) -> Response:
    return await _answer(request, lambda codec, payloads: codec.encode(payloads))


@router.options("/{action}", include_in_schema=False)
async def preflight(action: str, request: Request) -> Response:
    if action not in _ACTIONS:
        return Response(status_code=404)
    headers = _cors(request)
    if "Access-Control-Allow-Origin" in headers:
        headers |= {
            "Access-Control-Allow-Methods": "POST",
            "Access-Control-Allow-Headers": "content-type, x-namespace, authorization",
            "Access-Control-Max-Age": "600",
        }
    return Response(status_code=204, headers=headers)


async def _answer(request: Request, transform: Transform) -> Response:
    """Authenticate, check the namespace, run the codec; every answer, errors
    included, carries the CORS headers (else the UI sees only "network error")."""
    cors = _cors(request)
    try:
        settings = get_service(request).settings
        caller = await asyncio.to_thread(_caller, request)
        _check_may_decode(caller)
        _check_namespace(request, settings)
        payloads = _parse(await request.body())
        codec = _codec(payload_keys(settings))
        try:
            result = list(payloads) if codec is None else await transform(codec, payloads)
        except PayloadKeyError as exc:
            raise Invalid(f"cannot decode: {exc}") from None
    except PoflowError as exc:
        if exc.http_status == 401:  # RFC 9110 §11.6.1, as every other route answers
            cors |= {"WWW-Authenticate": 'Bearer realm="poflow"'}
        return JSONResponse(exc.body(), status_code=exc.http_status, headers=cors)
    body = {"payloads": [json_format.MessageToDict(payload) for payload in result]}
    return JSONResponse(body, headers=cors | {"Cache-Control": "no-store"})


def _cors(request: Request) -> dict[str, str]:
    """Allow the UI's origin (exactly, with credentials); any other origin gets
    an answer its page may not read."""
    origin = request.headers.get("origin")
    headers = {"Vary": "Origin"}
    if origin and origin == _origin(get_service(request).settings.ui_url):
        headers |= {"Access-Control-Allow-Origin": origin, "Access-Control-Allow-Credentials": "true"}
    return headers


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _caller(request: Request) -> Caller:
    authenticator: Authenticator = request.app.state.authenticator
    header = request.headers.get("authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated(
                "not signed in: the Authorization header must be 'Bearer <poflow token>' "
                "(the UI's own access token is not one: turn 'pass access token' off)"
            )
        return authenticator.from_token(token.strip())
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise Unauthenticated(
            "not signed in: sign in to poflow in this browser and turn the UI's codec setting "
            "'include credentials' on, or send 'Authorization: Bearer <token>'"
        )
    caller, _csrf = authenticator.from_session(cookie)
    return caller


def _check_may_decode(caller: Caller) -> None:
    if caller.principal.kind != Kind.PERSON:
        raise Forbidden(f"{caller.principal_id} is a system: only people may decode Temporal payloads")
    authorize(caller, Permission.READ)


def _check_namespace(request: Request, settings: Settings) -> None:
    namespace = request.headers.get("x-namespace")
    if namespace and namespace != settings.temporal_namespace:
        raise Invalid(f"poflow's codec serves namespace {settings.temporal_namespace!r}, not {namespace!r}")


def _parse(raw: bytes) -> list[Payload]:
    try:
        message = json_format.Parse(raw or b"{}", Payloads(), ignore_unknown_fields=True)
    except (json_format.ParseError, UnicodeDecodeError) as exc:
        raise Invalid(f'invalid request: expected {{"payloads": [...]}} in proto3 JSON ({exc})') from None
    return list(message.payloads)


@functools.lru_cache(maxsize=4)
def _codec(keys: str | None) -> EncryptionCodec | None:
    """One codec per key set (a rotation changes the text, so a new codec)."""
    return EncryptionCodec(parse_keys(keys)) if keys else None
