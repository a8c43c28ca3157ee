"""The approver inbox in a real browser (Debian's Chromium through playwright):
a person signs in, sees the task, decides it as themselves; a person without
the task's role is refused with the rule; the page sends the CSRF token the
API asks for, and its own CSP lets its script run."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from starter.api import create_app
from starter.operations import PoflowService
from tests.support.api import PO, FakeRepository, FakeTemporal, approval_task
from tests.support.browser import launched_chromium, screenshot, served
from tests.support.identity import PASSWORD, bearer


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with launched_chromium() as browser:
        yield browser


@pytest.fixture
def inbox_url(service: PoflowService, repo: FakeRepository, tokens: dict[str, str]) -> Iterator[str]:
    """The API for real, with PO 1001 started by the buyer and its approval task in the inbox."""

    async def factory() -> PoflowService:
        return service

    with served(create_app(factory)) as base:
        started = httpx.post(f"{base}/api/v1/purchase-orders", json=PO, headers=bearer(tokens["bob.buyer"]))
        assert started.status_code == 201, started.text
        now = datetime.now(UTC)  # a task that came in an hour ago, as a person would see it
        when = {"created_at": now - timedelta(hours=1), "due_at": now + timedelta(days=2)}
        repo.tasks["T-1"] = approval_task().model_copy(update=when)
        yield base


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1200, "height": 800})
    errors: list[str] = []
    page = context.new_page()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.console_errors = errors
    try:
        yield page
    finally:
        context.close()


def sign_in(page: Any, base: str, login: str) -> None:
    page.goto(f"{base}/inbox")
    assert page.url == f"{base}/login?next=/inbox"  # not signed in: sent to sign in first
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{base}/inbox")


def approval_card(page: Any) -> Any:
    card = page.locator("article.task", has_text="Approve PO-1001")
    card.wait_for(timeout=10_000)
    return card


def test_an_approver_signs_in_and_approves_as_herself(
    page: Any, inbox_url: str, temporal: FakeTemporal
) -> None:
    sign_in(page, inbox_url, "alice.approver")
    page.locator("#me", has_text="alice.approver (budget_owner)").wait_for(timeout=10_000)
    card = approval_card(page)
    screenshot(page, "inbox")

    card.get_by_role("button", name="approve").click()
    card.locator(".answer.ok").wait_for(timeout=10_000)
    assert "Done: approve by alice.approver" in card.locator(".answer").inner_text()
    name, sent = temporal.workflows["po-1001"].updates[0]
    assert (name, sent.actor, sent.actor_roles) == ("decide", "alice.approver", ["budget_owner"])
    assert [e for e in page.console_errors if "Content Security Policy" in e] == []


def test_a_task_names_the_people_who_may_decide_it(page: Any, inbox_url: str, repo: FakeRepository) -> None:
    repo.tasks["T-1"] = repo.tasks["T-1"].model_copy(
        update={"approval_level": 2, "eligible": ["alice.approver", "dan"]}
    )
    sign_in(page, inbox_url, "alice.approver")
    card = approval_card(page)
    assert card.locator(".role").inner_text() == "level 2: budget owner, any of alice.approver, dan"
    escalated = {"assignees": ["dana.deputy", "alice.approver"], "escalation_level": 1}
    repo.tasks["T-1"] = repo.tasks["T-1"].model_copy(update=escalated)
    page.reload()
    card = approval_card(page)
    assert card.locator(".role").inner_text() == "level 2: budget owner, with dana.deputy, alice.approver"


def test_a_clerk_sees_only_his_tasks_and_is_refused_a_task_without_his_role(
    page: Any, inbox_url: str, temporal: FakeTemporal
) -> None:
    sign_in(page, inbox_url, "carl.clerk")
    page.locator("#empty").wait_for(timeout=10_000)  # his tasks: none (not his role)
    page.check("#everyone")  # everyone's: he sees it, and trying is refused with the rule
    card = approval_card(page)
    card.get_by_role("button", name="approve").click()
    card.locator(".answer.error").wait_for(timeout=10_000)
    assert "carl.clerk (ap_clerk) does not hold the role budget_owner" in card.locator(".answer").inner_text()
    assert temporal.workflows["po-1001"].updates == []


def test_signing_out_ends_the_session(page: Any, inbox_url: str) -> None:
    sign_in(page, inbox_url, "alice.approver")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(f"{inbox_url}/login")
    page.goto(f"{inbox_url}/inbox")
    assert page.url == f"{inbox_url}/login?next=/inbox"


def test_a_wrong_password_stays_on_the_sign_in_page(page: Any, inbox_url: str) -> None:
    page.goto(f"{inbox_url}/login")
    page.fill("#login", "alice.approver")
    page.fill("#password", "not her password")
    page.click("button[type=submit]")
    assert page.locator(".error").inner_text() == "wrong login or password"
    assert page.url == f"{inbox_url}/login"


def test_the_api_docs_render_from_local_assets(page: Any, inbox_url: str) -> None:
    outside: list[str] = []
    page.on(
        "request", lambda request: None if request.url.startswith(inbox_url) else outside.append(request.url)
    )
    page.goto(f"{inbox_url}/docs")
    page.locator(".swagger-ui .info .title", has_text="poflow").wait_for(timeout=15_000)
    page.locator(".opblock-summary-path", has_text="/api/v1/tasks/{task_id}/decision").first.wait_for()
    assert outside == []  # nothing fetched from anywhere else
