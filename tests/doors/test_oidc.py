"""Single sign-on with OpenID Connect (starter.api.oidc), end to end over HTTP.

A fake identity provider (tests.support.fake_idp) and poflow are both served
for real (uvicorn in threads); httpx plays the browser (and Debian's Chromium
once, for the cookies a real browser holds back).
The expectations come from the specs, not from poflow's code:

- OpenID Connect Core 1.0 §3.1: the authorization code flow; the request
  carries `state` and `nonce` (§3.1.2.1); the answer's `state` must be the
  one sent (RFC 6749 §10.12); the id token's signature, `iss`, `aud`, `exp`
  and `nonce` are checked (§3.1.3.7);
- RFC 7636 (PKCE): an S256 challenge on the way out, the verifier with the
  code (the fake refuses a code without the right verifier, as a real IdP does);
- RFC 6749 §2.3.1: the client secret goes to the token endpoint (HTTP Basic)
  and nowhere else: in no answer and no log line;
- poflow's rules (README "People and access"): the claim names an existing,
  enabled person; nobody is created; an address matches only whole.
"""

from __future__ import annotations

import contextlib
import dataclasses
import html
import logging
import re
import socket
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
import sqlalchemy

from activities.db import principals
from identity.roles import Kind, Role
from settings import load_settings
from starter.api import create_app
from starter.operations import PoflowService
from tests.support.api import FakeTemporal
from tests.support.browser import launched_chromium, served
from tests.support.fake_idp import CLIENT_ID, CLIENT_SECRET, ERIN, FakeIdP, basic, new_key
from tests.support.identity import NOW

SESSION = "poflow_session"


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def idp() -> Iterator[FakeIdP]:
    fake = FakeIdP()
    with served(fake.app) as base:
        fake.base = base
        yield fake


@pytest.fixture
def engine(people_engine: sqlalchemy.Engine) -> sqlalchemy.Engine:
    """The test principals (tests.support.identity), and erin.sso with her address."""
    principals.add_principal(
        people_engine,
        "erin.sso",
        kind=Kind.PERSON,
        display_name="Erin",
        roles=[Role.AP_CLERK],
        now=NOW,
        email=ERIN,
    )
    return people_engine


@pytest.fixture
def serve_poflow(
    temporal: FakeTemporal, engine: sqlalchemy.Engine, tmp_path: Path
) -> Iterator[Callable[..., str]]:
    """Serve poflow with these OIDC settings; its base URL."""
    with contextlib.ExitStack() as stack:

        def serve(**oidc: Any) -> str:
            settings = dataclasses.replace(
                load_settings(), home=tmp_path, session_secret="oidc-tests", **oidc
            )
            service = PoflowService(temporal, engine, settings, call_timeout=timedelta(seconds=0.2))  # type: ignore[arg-type]

            async def factory() -> PoflowService:
                return service

            return stack.enter_context(served(create_app(factory)))

        yield serve


@pytest.fixture
def poflow(serve_poflow: Callable[..., str], idp: FakeIdP) -> str:
    return serve_poflow(oidc_issuer=idp.base, oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET)


@pytest.fixture
def browser(caplog: pytest.LogCaptureFixture) -> Iterator[httpx.Client]:
    """httpx as the browser; afterwards: the client secret was in no answer and no log line."""
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []

    def keep(response: httpx.Response) -> None:
        response.read()
        seen.append(f"{response.headers}\n{response.text}")

    with httpx.Client(follow_redirects=False, timeout=10, event_hooks={"response": [keep]}) as client:
        yield client
    assert seen, "no answers seen"
    assert not [answer for answer in seen if CLIENT_SECRET in answer], "the client secret was shown"
    assert CLIENT_SECRET not in caplog.text, "the client secret was logged"


# --- helpers ----------------------------------------------------------------------------------


def sign_in(browser: httpx.Client, poflow: str, next_url: str = "/inbox") -> httpx.Response:
    """Click "Sign in with", let the IdP send the browser back; poflow's last answer."""
    start = browser.get(f"{poflow}/login/oidc", params={"next": next_url})
    assert start.status_code in (302, 303), start.text
    at_idp = browser.get(start.headers["location"])
    assert at_idp.status_code in (302, 303), at_idp.text
    return browser.get(at_idp.headers["location"])


def destination(answer: httpx.Response) -> str | None:
    """Where a signed-in browser goes next: a redirect, or a page that refreshes to it."""
    if answer.is_redirect:
        return answer.headers["location"]
    refresh = re.search(r'http-equiv="refresh" content="0;\s*url=([^"]+)"', answer.text)
    return html.unescape(refresh.group(1)) if refresh else None


def signed_in_as(browser: httpx.Client, poflow: str) -> str | None:
    who = browser.get(f"{poflow}/api/v1/session")
    return who.json()["principal_id"] if who.status_code == 200 else None


def assert_refused(answer: httpx.Response, browser: httpx.Client, poflow: str, *words: str) -> None:
    """The sign-in page with the reason; no session; never a 500."""
    assert 400 <= answer.status_code < 500 or answer.status_code in (502, 503), answer.status_code
    assert "<form" in answer.text and 'action="/login"' in answer.text  # the sign-in page
    shown = html.unescape(answer.text)
    for word in words:
        assert word in shown
    assert SESSION not in answer.headers.get("set-cookie", "")
    assert signed_in_as(browser, poflow) is None


# --- signing in -------------------------------------------------------------------------------


def test_a_person_signs_in_at_the_identity_provider_and_lands_on_next(
    poflow: str, idp: FakeIdP, browser: httpx.Client
) -> None:
    answer = sign_in(browser, poflow, "/po/1001?tab=history")

    assert destination(answer) == "/po/1001?tab=history"
    assert signed_in_as(browser, poflow) == "erin.sso"
    cookie = [
        value for name, value in answer.headers.multi_items() if name == "set-cookie" and SESSION in value
    ]
    assert cookie and "httponly" in cookie[0].lower() and "samesite=strict" in cookie[0].lower()
    # What went to the IdP: Core §3.1.2.1 and RFC 7636 §4.3.
    asked = idp.authorize_requests[0]
    assert asked["response_type"] == "code" and asked["client_id"] == CLIENT_ID
    assert "openid" in asked["scope"].split()
    assert asked["state"] and asked["nonce"] and asked["code_challenge_method"] == "S256"
    assert asked["redirect_uri"] == f"{poflow}/login/oidc/callback"
    assert idp.token_requests[0]["authorization"] == basic(CLIENT_ID, CLIENT_SECRET)


def test_two_sign_ins_get_fresh_state_and_nonce_and_read_discovery_once(
    poflow: str, idp: FakeIdP, browser: httpx.Client
) -> None:
    sign_in(browser, poflow)
    sign_in(browser, poflow)
    first, second = idp.authorize_requests
    assert first["state"] != second["state"] and first["nonce"] != second["nonce"]
    assert first["code_challenge"] != second["code_challenge"]
    assert idp.discovery_fetches == 1


def test_next_pointing_elsewhere_lands_on_the_inbox(poflow: str, browser: httpx.Client) -> None:
    assert destination(sign_in(browser, poflow, "https://evil.example/")) == "/inbox"


def test_the_address_matches_in_any_case(poflow: str, idp: FakeIdP, browser: httpx.Client) -> None:
    idp.claims["email"] = "Erin@CORP.example"
    sign_in(browser, poflow)
    assert signed_in_as(browser, poflow) == "erin.sso"


def test_another_claim_can_name_the_login(
    serve_poflow: Callable[..., str], idp: FakeIdP, browser: httpx.Client
) -> None:
    poflow = serve_poflow(
        oidc_issuer=idp.base,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        oidc_claim="preferred_username",
    )
    idp.claims["preferred_username"] = "Carl.Clerk"
    sign_in(browser, poflow)
    assert signed_in_as(browser, poflow) == "carl.clerk"


# --- who may not ------------------------------------------------------------------------------


def test_an_unknown_person_is_refused_and_not_created(
    poflow: str,
    idp: FakeIdP,
    browser: httpx.Client,
    engine: sqlalchemy.Engine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    before = principals.list_principals(engine)
    idp.claims["email"] = "nobody@corp.example"
    answer = sign_in(browser, poflow)
    assert answer.status_code == 403
    assert_refused(answer, browser, poflow, "no poflow user for nobody@corp.example")
    assert principals.list_principals(engine) == before
    assert "no poflow user for nobody@corp.example" in caplog.text  # logged (and the secret is not)


@pytest.mark.parametrize(
    "email",
    ["erin@elsewhere.example", "carl.clerk@corp.example", "carl.clerk"],
    ids=["same-name-other-domain", "login-at-a-domain", "bare-login-as-email"],
)
def test_an_address_matches_only_whole(poflow: str, idp: FakeIdP, browser: httpx.Client, email: str) -> None:
    # carl.clerk has no address on file: his login with any domain is not him.
    idp.claims["email"] = email
    answer = sign_in(browser, poflow)
    assert_refused(answer, browser, poflow)
    assert answer.status_code == 403


def test_a_disabled_person_is_refused(
    poflow: str, idp: FakeIdP, browser: httpx.Client, engine: sqlalchemy.Engine
) -> None:
    principals.disable_principal(engine, "erin.sso", now=NOW)
    answer = sign_in(browser, poflow)
    assert_refused(answer, browser, poflow, "disabled")
    assert answer.status_code == 403


def test_a_service_account_cannot_sign_in(
    serve_poflow: Callable[..., str], idp: FakeIdP, browser: httpx.Client
) -> None:
    poflow = serve_poflow(
        oidc_issuer=idp.base,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        oidc_claim="preferred_username",
    )
    idp.claims["preferred_username"] = "edi-gateway"
    answer = sign_in(browser, poflow)
    assert_refused(answer, browser, poflow, "no poflow user for edi-gateway")


def test_an_address_the_idp_has_not_verified_is_refused(
    poflow: str, idp: FakeIdP, browser: httpx.Client
) -> None:
    idp.claims["email_verified"] = False
    assert_refused(sign_in(browser, poflow), browser, poflow)


# --- answers that are not for us --------------------------------------------------------------


def test_an_answer_with_another_state_is_refused(poflow: str, browser: httpx.Client) -> None:
    start = browser.get(f"{poflow}/login/oidc")
    back = browser.get(start.headers["location"]).headers["location"]
    tampered = re.sub(r"state=[^&]+", "state=forged", back)
    answer = browser.get(tampered)
    assert_refused(answer, browser, poflow, "state")


def test_an_answer_to_a_sign_in_started_in_another_browser_is_refused(
    poflow: str, browser: httpx.Client
) -> None:
    # Login CSRF: an attacker's own code and state, planted in a victim's browser.
    start = browser.get(f"{poflow}/login/oidc")
    back = browser.get(start.headers["location"]).headers["location"]
    with httpx.Client(follow_redirects=False, timeout=10) as victim:
        answer = victim.get(back)
        assert_refused(answer, victim, poflow)


@pytest.mark.parametrize(
    "claims",
    [
        {"aud": "another-client"},
        {"aud": ["another-client"], "azp": CLIENT_ID},
        {"nonce": "not-the-one-sent"},
        {"iss": "https://evil.example"},
        {"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200},
        {"forged": True},
    ],
    ids=["wrong-audience", "audience-without-us", "wrong-nonce", "wrong-issuer", "expired", "bad-signature"],
)
def test_an_id_token_that_does_not_check_out_is_refused(
    poflow: str, idp: FakeIdP, browser: httpx.Client, claims: dict[str, Any]
) -> None:
    if claims.pop("forged", False):
        idp.forged_with = new_key()  # same kid, another key
    idp.claims |= claims
    answer = sign_in(browser, poflow)
    assert_refused(answer, browser, poflow, "id token")


def test_a_code_the_idp_refuses_is_a_clear_refusal(
    serve_poflow: Callable[..., str], idp: FakeIdP, browser: httpx.Client
) -> None:
    wrong = "not-the-client-secret-42"
    poflow = serve_poflow(oidc_issuer=idp.base, oidc_client_id=CLIENT_ID, oidc_client_secret=wrong)
    answer = sign_in(browser, poflow)
    assert_refused(answer, browser, poflow, "invalid_client")
    assert wrong not in answer.text


def test_an_unreachable_idp_is_a_clear_refusal(
    serve_poflow: Callable[..., str], browser: httpx.Client
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    poflow = serve_poflow(oidc_issuer=closed, oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET)
    answer = browser.get(f"{poflow}/login/oidc")
    assert_refused(answer, browser, poflow, "cannot be reached")


# --- on and off -------------------------------------------------------------------------------


def test_off_by_default_no_route_and_no_button(
    serve_poflow: Callable[..., str], browser: httpx.Client
) -> None:
    poflow = serve_poflow()
    assert browser.get(f"{poflow}/login/oidc").status_code == 404
    assert browser.get(f"{poflow}/login/oidc/callback", params={"code": "c", "state": "s"}).status_code == 404
    page = browser.get(f"{poflow}/login")
    assert page.status_code == 200 and "Sign in with" not in page.text and "/login/oidc" not in page.text


def test_on_the_sign_in_page_offers_the_identity_provider(poflow: str, browser: httpx.Client) -> None:
    page = browser.get(f"{poflow}/login", params={"next": "/po/1001"})
    link = re.search(
        r'<a[^>]*href="(/login/oidc\?next=[^"]+)"[^>]*>\s*Sign in with 127\.0\.0\.1\s*</a>', page.text
    )
    assert link, page.text
    assert browser.get(f"{poflow}{html.unescape(link.group(1))}").status_code in (302, 303)


# --- a real browser ---------------------------------------------------------------------------


def test_chromium_arrives_signed_in_from_an_identity_provider_on_another_site(
    serve_poflow: Callable[..., str], idp: FakeIdP
) -> None:
    """The IdP on `localhost`, poflow on `127.0.0.1`: two sites. The person
    clicks through the IdP's page, so the way back starts on another site;
    the SameSite=Strict session must still be there on the first page."""
    idp.base = idp.base.replace("127.0.0.1", "localhost")
    idp.interactive = True
    poflow = serve_poflow(oidc_issuer=idp.base, oidc_client_id=CLIENT_ID, oidc_client_secret=CLIENT_SECRET)
    with launched_chromium() as chromium:
        context = chromium.new_context()
        page = context.new_page()
        page.goto(f"{poflow}/login?next=/inbox")
        page.get_by_role("link", name="Sign in with localhost").click()
        page.wait_for_url(f"{idp.base}/authorize*")
        page.click("#continue")
        page.wait_for_url(f"{poflow}/inbox", timeout=10_000)
        page.wait_for_load_state("load")
        assert urlsplit(page.url).path == "/inbox"  # not sent back to /login
        who = page.evaluate("fetch('/api/v1/session').then(r => r.json())")
        assert who["principal_id"] == "erin.sso"
        context.close()
