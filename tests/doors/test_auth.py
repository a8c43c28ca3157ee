"""Who may call what (issue #16): every principal of tests.support.identity
against every write route, sign-in and sessions with their CSRF token, and
the security headers. Expectations come from identity.roles (roles grant
permissions, a token's scope bounds them) and the task's role, never from
what the route happens to do."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from identity.roles import Permission
from tests.support.api import (
    ACK,
    ASN,
    INSPECTION,
    INVOICE,
    PO,
    RECEIPT,
    RETURN,
    FakeRepository,
    approval_task,
)
from tests.support.identity import PASSWORD, PEOPLE, SERVICES, bearer, caller

# (method, path, JSON body or raw bytes, what it needs). The decision needs the
# approval task's role (budget_owner) on top of DECIDE_TASKS.
ROUTES: list[tuple[str, str, Any, Permission]] = [
    ("post", "/api/v1/purchase-orders", dict(PO, po_number="2002"), Permission.MANAGE_POS),
    ("post", "/api/v1/purchase-orders/1001/cancel", {"reason": "project stopped"}, Permission.MANAGE_POS),
    ("post", "/api/v1/purchase-orders/1001/close", {"reason": "short delivery"}, Permission.MANAGE_POS),
    ("post", "/api/v1/purchase-orders/1001/lines/1/cancel", {"reason": "not needed"}, Permission.MANAGE_POS),
    (
        "post",
        "/api/v1/purchase-orders/1001/amend",
        {"reason": "forecast up", "lines": [{"line_no": 1, "quantity": "150"}]},
        Permission.MANAGE_POS,
    ),
    ("post", "/api/v1/purchase-orders/1001/receipts", RECEIPT, Permission.POST_RECEIPTS),
    ("post", "/api/v1/purchase-orders/1001/returns", RETURN, Permission.POST_RECEIPTS),
    ("post", "/api/v1/purchase-orders/1001/inspections", INSPECTION, Permission.POST_RECEIPTS),
    ("post", "/api/v1/purchase-orders/1001/invoices", INVOICE, Permission.SUBMIT_DOCUMENTS),
    ("post", "/api/v1/purchase-orders/1001/acknowledgments", ACK, Permission.SUBMIT_DOCUMENTS),
    ("post", "/api/v1/purchase-orders/1001/ship-notices", ASN, Permission.SUBMIT_DOCUMENTS),
    ("post", "/api/v1/documents", b'{"not": "a document"}', Permission.SUBMIT_DOCUMENTS),
    (
        "post",
        "/api/v1/purchase-orders/1001/invoices/INV-1001/hold",
        {"reason": "check"},
        Permission.HOLD_INVOICES,
    ),
    ("post", "/api/v1/tasks/T-1/decision", {"decision": "approve"}, Permission.DECIDE_TASKS),
    ("post", "/api/v1/tolerances/changes", {"profiles": [{"name": "x"}]}, Permission.PROPOSE_TOLERANCES),
    ("post", "/api/v1/tolerances/changes/1/approve", {}, Permission.APPROVE_TOLERANCES),
    ("post", "/api/v1/tolerances/changes/1/reject", {"reason": "too loose"}, Permission.APPROVE_TOLERANCES),
    (
        "put",
        "/api/v1/vendors/ACME/bank-account",
        {"iban": "DE89 3704 0044 0532 0130 00", "reason": "supplier's letter"},
        Permission.MANAGE_VENDOR_BANK,
    ),
    ("get", "/api/v1/purchase-orders", None, Permission.READ),
    ("get", "/metrics", None, Permission.READ),  # or the scrape token (test_metrics_api.py)
]
PRINCIPALS = [*PEOPLE, *SERVICES]


def allowed(login: str, route: str, permission: Permission) -> bool:
    from identity.roles import Scope

    who = caller(login, scope=SERVICES.get(login, Scope.PERSON))
    if not who.may(permission):
        return False
    if route.startswith("/api/v1/tasks/"):
        return "budget_owner" in who.principal.roles  # the approval task's role
    return True


def call(api: TestClient, method: str, path: str, body: Any, headers: dict[str, str]) -> Any:
    if isinstance(body, bytes):
        return api.request(
            method, path, content=body, headers={**headers, "content-type": "application/json"}
        )
    return api.request(method, path, json=body, headers=headers)


@pytest.fixture(autouse=True)
def intake_started(monkeypatch: pytest.MonkeyPatch) -> None:
    """The file door past its permission check: the fake Temporal runs no intake workflow."""
    from starter import intake_door

    async def started(service: Any, raw: bytes, **how: Any) -> intake_door.FileReceived:
        return intake_door.FileReceived(workflow_id="doc-0", sha256="0" * 64, status="extracting")

    monkeypatch.setattr(intake_door, "receive_file", started)


@pytest.fixture
def with_a_po_and_a_task(api: TestClient, repo: FakeRepository) -> TestClient:
    assert api.post("/api/v1/purchase-orders", json=PO).status_code == 201  # as carol
    repo.tasks["T-1"] = approval_task()
    return api


@pytest.mark.parametrize("login", PRINCIPALS)
@pytest.mark.parametrize(
    ("method", "path", "body", "permission"), ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES]
)
def test_every_principal_against_every_route(
    with_a_po_and_a_task: TestClient,
    tokens: dict[str, str],
    login: str,
    method: str,
    path: str,
    body: Any,
    permission: Permission,
) -> None:
    response = call(with_a_po_and_a_task, method, path, body, bearer(tokens[login]))
    if allowed(login, path, permission):
        assert response.status_code not in (401, 403), response.text
    else:
        assert response.status_code == 403, response.text
        assert response.json()["detail"].startswith(f"{login} ("), response.json()  # names who, and the rule


@pytest.mark.parametrize(
    ("method", "path", "body", "permission"), ROUTES, ids=[f"{r[0]} {r[1]}" for r in ROUTES]
)
@pytest.mark.parametrize(
    ("authorization", "why"),
    [
        ("", "send 'Authorization: Bearer <token>'"),
        ("Bearer pft_0000_nope", "unknown token"),
        ("Basic Y2Fyb2w6eA==", "must be 'Bearer <token>'"),
        ("Bearer", "must be 'Bearer <token>'"),
    ],
)
def test_no_route_answers_without_a_credential(
    api: TestClient, method: str, path: str, body: Any, permission: Permission, authorization: str, why: str
) -> None:
    headers = {"Authorization": authorization}
    response = call(api, method, path, body, headers)
    assert response.status_code == 401 and why in response.json()["detail"], response.text
    assert response.headers["www-authenticate"] == 'Bearer realm="poflow"'


def test_a_person_signs_in_and_writes_only_with_the_csrf_token(
    api: TestClient, repo: FakeRepository, service: Any
) -> None:
    assert api.post("/api/v1/purchase-orders", json=PO).status_code == 201
    repo.tasks["T-1"] = approval_task()
    browser = TestClient(api.app)  # no token: a browser with cookies only
    assert (
        browser.post("/api/v1/session", json={"login": "ALICE.approver", "password": "nope"}).status_code
        == 401
    )
    signed = browser.post("/api/v1/session", json={"login": "ALICE.approver", "password": PASSWORD})
    assert signed.status_code == 200 and signed.json()["principal_id"] == "alice.approver"
    assert (
        "httponly" in signed.headers["set-cookie"].lower()
        and "samesite=strict" in signed.headers["set-cookie"].lower()
    )
    csrf = signed.json()["csrf_token"]

    assert browser.get("/api/v1/session").json()["roles"] == ["budget_owner"]
    forged = browser.post("/api/v1/tasks/T-1/decision", json={"decision": "approve"})
    assert forged.status_code == 403 and "X-CSRF-Token" in forged.json()["detail"]
    wrong = browser.post(
        "/api/v1/tasks/T-1/decision", json={"decision": "approve"}, headers={"X-CSRF-Token": "x"}
    )
    assert wrong.status_code == 403
    decided = browser.post(
        "/api/v1/tasks/T-1/decision", json={"decision": "approve"}, headers={"X-CSRF-Token": csrf}
    )
    assert decided.status_code == 200 and decided.json()["decided_by"] == "alice.approver"

    browser.post("/logout")
    assert browser.get("/api/v1/session").status_code == 401


def test_a_tampered_session_cookie_is_not_a_session(api: TestClient) -> None:
    browser = TestClient(api.app)
    browser.post("/api/v1/session", json={"login": "carl.clerk", "password": PASSWORD})
    cookie = browser.cookies["poflow_session"]
    browser.cookies.set("poflow_session", cookie[:-2] + ("aa" if not cookie.endswith("aa") else "bb"))
    answer = browser.get("/api/v1/session")
    assert answer.status_code == 401 and "not valid" in answer.json()["detail"]


def test_the_sign_in_page_and_the_inbox_behind_it(api: TestClient) -> None:
    browser = TestClient(api.app)
    inbox = browser.get("/inbox", follow_redirects=False)
    assert inbox.status_code == 303 and inbox.headers["location"] == "/login?next=/inbox"
    page = browser.get("/login?next=https://evil.example/")
    assert 'name="next" value="/inbox"' in page.text  # no open redirect
    assert (
        "'nonce-" in page.headers["content-security-policy"]
        and "frame-ancestors 'none'" in page.headers["content-security-policy"]
    )
    refused = browser.post("/login", data={"login": "carl.clerk", "password": "wrong", "next": "/inbox"})
    assert refused.status_code == 401 and "wrong login or password" in refused.text
    unknown = browser.post("/login", data={"login": "nobody", "password": "wrong", "next": "/inbox"})
    assert unknown.text.count("wrong login or password") == refused.text.count("wrong login or password")
    signed = browser.post(
        "/login", data={"login": "carl.clerk", "password": PASSWORD, "next": "/inbox"}, follow_redirects=False
    )
    assert signed.status_code == 303 and signed.headers["location"] == "/inbox"
    assert browser.get("/inbox").status_code == 200


def test_every_answer_carries_the_security_headers(api: TestClient) -> None:
    for response in (api.get("/api/v1/purchase-orders"), api.get("/healthz"), api.get("/api/v1/tasks/none")):
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_the_api_docs_need_no_internet(api: TestClient) -> None:
    for page, asset in (("/docs", "swagger-ui-bundle.js"), ("/redoc", "redoc.standalone.js")):
        html = api.get(page).text
        assert "cdn.jsdelivr.net" not in html and "fonts.googleapis" not in html
        assert f"/static-offline-docs/{asset}" in html
        assert api.get(f"/static-offline-docs/{asset}").status_code == 200


def test_the_table_names_every_write_route() -> None:
    """A new write route cannot be left out of the table above (only signing in is open)."""
    import re

    from starter.api import create_app

    writes = [
        (method, path)
        for path, operations in create_app().openapi()["paths"].items()
        if path.startswith("/api/v1/") and path != "/api/v1/session"
        for method in operations
        if method in {"post", "put", "patch", "delete"}
    ]
    assert len(writes) == 18
    for method, path in writes:
        template = re.compile(re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$")
        assert any(m == method and template.match(p) for m, p, _, _ in ROUTES), (method, path)
