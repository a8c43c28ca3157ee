"""A fake OpenID provider for the single sign-on tests (tests/doors/test_oidc.py):
discovery, authorize, token and jwks, built with FastAPI and served for real.

It behaves as the specs say a provider does, so poflow is tested against them:
the token endpoint wants the client secret (HTTP Basic, RFC 6749 §2.3.1) and
the PKCE verifier of the authorize request's S256 challenge (RFC 7636 §4.6),
each code is good once, and the id token carries the nonce it was asked for
(OpenID Connect Core 1.0 §3.1.2.1), signed with the key its JWKS publishes.
"""

from __future__ import annotations

import base64
import hashlib
import html
import secrets
import time
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Form, Header, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from joserfc import jwt
from joserfc.jwk import RSAKey

CLIENT_ID = "poflow-web"
CLIENT_SECRET = "cs-7f3a9c-never-shown-0b1e"
ERIN = "erin@corp.example"  # whom the provider signs in unless told otherwise


def new_key() -> RSAKey:
    return RSAKey.generate_key(2048, parameters={"kid": "idp-1", "use": "sig", "alg": "RS256"}, private=True)


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


class FakeIdP:
    """An OpenID provider that signs in whoever `claims` names."""

    def __init__(self) -> None:
        self.base = ""  # its issuer URL, once served
        self.key = new_key()
        self.claims: dict[str, Any] = {"sub": "u-1", "email": ERIN, "email_verified": True}
        self.forged_with: RSAKey | None = None  # sign with a key the JWKS does not have
        self.interactive = False  # authorize shows a page with a link (a person clicks it)
        self.authorize_requests: list[dict[str, str]] = []
        self.token_requests: list[dict[str, str]] = []
        self.discovery_fetches = 0
        self.codes: dict[str, dict[str, str]] = {}
        self.app = FastAPI()
        self.app.get("/.well-known/openid-configuration")(self.discovery)
        self.app.get("/authorize")(self.authorize)
        self.app.post("/token")(self.token)
        self.app.get("/jwks")(self.jwks)

    async def discovery(self) -> dict[str, Any]:
        self.discovery_fetches += 1
        return {
            "issuer": self.base,
            "authorization_endpoint": f"{self.base}/authorize",
            "token_endpoint": f"{self.base}/token",
            "jwks_uri": f"{self.base}/jwks",
            "response_types_supported": ["code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic"],
            "code_challenge_methods_supported": ["S256"],
        }

    async def authorize(self, request: Request) -> Response:
        asked = dict(request.query_params)
        self.authorize_requests.append(asked)
        code = secrets.token_urlsafe(16)
        self.codes[code] = asked
        back = f"{asked['redirect_uri']}?{urlencode({'code': code, 'state': asked.get('state', '')})}"
        if self.interactive:
            return HTMLResponse(f'<a id="continue" href="{html.escape(back)}">Continue to poflow</a>')
        return RedirectResponse(back, status_code=302)

    async def token(
        self,
        grant_type: str = Form(""),
        code: str = Form(""),
        redirect_uri: str = Form(""),
        code_verifier: str = Form(""),
        authorization: str = Header(""),
    ) -> JSONResponse:
        self.token_requests.append({"code_verifier": code_verifier, "authorization": authorization})
        asked = self.codes.pop(code, None)  # a code is good once
        if authorization != basic(CLIENT_ID, CLIENT_SECRET):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(code_verifier.encode()).digest()).rstrip(b"=")
        if (
            grant_type != "authorization_code"
            or asked is None
            or asked["redirect_uri"] != redirect_uri
            or asked.get("code_challenge_method") != "S256"
            or asked.get("code_challenge") != challenge.decode()
        ):
            return JSONResponse({"error": "invalid_grant"}, status_code=400)
        id_token = self.id_token(asked.get("nonce"))
        return JSONResponse({"access_token": "at-1", "token_type": "Bearer", "id_token": id_token})

    def id_token(self, nonce: str | None) -> str:
        now = int(time.time())
        claims = {"iss": self.base, "aud": CLIENT_ID, "iat": now, "exp": now + 300, "nonce": nonce}
        claims |= self.claims
        header = {"alg": "RS256", "kid": "idp-1", "typ": "JWT"}
        present = {name: value for name, value in claims.items() if value is not None}
        return jwt.encode(header, present, self.forged_with or self.key)

    async def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.as_dict(private=False)]}
