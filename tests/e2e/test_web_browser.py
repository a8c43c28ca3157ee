"""The web app in a real browser (Debian's Chromium through playwright) over the
whole stack on the real Temporal dev server: an AP clerk signs in, opens a
held PDF invoice from the inbox, sees its holds and the supplier's PDF, accepts
the price variance and sees the PO move on; a receiver is refused; a reviewer
corrects a PDF reading in the form and the invoice reaches its PO."""

from __future__ import annotations

import dataclasses
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from temporalio.testing import WorkflowEnvironment

from tests.support.browser import launched_chromium, screenshot
from tests.support.builders import full_receipt, po, seeded_sqlite, settings_for
from tests.support.identity import PASSWORD, bearer, seed_principals
from tests.support.live_stack import live_stack
from tools import demo
from tools.demo_supplier import invoice_as_pdf

pytestmark = pytest.mark.devserver


@dataclasses.dataclass
class Stack:
    base: str
    tokens: dict[str, str]

    def api(self, who: str = "erp") -> httpx.Client:
        return httpx.Client(base_url=self.base, headers=bearer(self.tokens[who]), timeout=30)


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    with launched_chromium() as browser:
        yield browser


@pytest.fixture
def stack(dev_server_env: WorkflowEnvironment, tmp_path: Path) -> Iterator[Stack]:
    engine = seeded_sqlite(tmp_path / "poflow.db")
    tokens = seed_principals(engine)
    settings = dataclasses.replace(
        settings_for(str(engine.url), f"poflow-web-{uuid.uuid4().hex[:8]}"),
        home=tmp_path,
        session_secret="web-test",
    )
    target = dev_server_env.client.service_client.config.target_host
    with live_stack(target, engine, settings) as base:
        yield Stack(base, tokens)
    engine.dispose()


@pytest.fixture
def browser_page(chromium: Any) -> Iterator[Any]:
    context = chromium.new_context(viewport={"width": 1400, "height": 900})
    try:
        yield context.new_page()
    finally:
        context.close()


def eventually(check: Callable[[], Any], what: str, seconds: float = 30) -> Any:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def sign_in(page: Any, base: str, login: str, target: str = "/inbox") -> None:
    page.goto(f"{base}{target}")
    page.wait_for_url(lambda url: url.startswith(f"{base}/login?next="))  # a page asks who you are first
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: unquote(url) == f"{base}{target}")


def received_po(stack: Stack, glove_price: str = "11.90") -> Any:
    """A PO issued (below every approval band) and received in full."""
    order = po(f"PO-WEB-{uuid.uuid4().hex[:6]}", glove_price=glove_price)
    with stack.api() as api:
        created = api.post("/api/v1/purchase-orders", json=order.model_dump(mode="json"))
        assert created.status_code == 201, created.text
        path = f"/api/v1/purchase-orders/{order.po_number}"
        eventually(lambda: api.get(path).json()["status"] == "issued", "the PO issued")
        receipt = full_receipt(order).model_dump(mode="json")
        assert api.post(f"{path}/receipts", json=receipt).status_code == 202
        eventually(lambda: api.get(path).json()["status"] == "received", "the goods received")
    return order


def send_pdf(stack: Stack, file: tuple[bytes, str, str]) -> dict[str, Any]:
    raw, name, content_type = file
    with stack.api("edi-gateway") as api:
        sent = api.post(
            "/api/v1/documents",
            content=raw,
            params={"filename": name},
            headers={"content-type": content_type},
        )
    assert sent.status_code == 202, sent.text
    return sent.json()


def billed(order: Any, glove_price: str = "11.90", **changes: str) -> dict[str, Any]:
    """The supplier's invoice for everything received, ACME's 8.25 % tax on top."""
    lines = {1: ("100", glove_price), 2: ("200", "4.75")}
    number = f"INV-{uuid.uuid4().hex[:5]}"
    return demo.invoice(order.model_dump(mode="json"), number, lines, tax_rate="8.25") | changes


def open_task(stack: Stack, po_number: str, kind: str) -> dict[str, Any]:
    def find() -> dict[str, Any] | None:
        with stack.api("carol") as api:
            tasks = api.get("/api/v1/tasks").json()
        return next((t for t in tasks if t["po_number"] == po_number and t["kind"] == kind), None)

    # The PDF is read by intake first (one PDF at a time per worker process): at
    # the end of a full run on two loaded cores that took more than 30 s once.
    return eventually(find, f"a {kind} task on {po_number}", seconds=90)


def test_a_clerk_releases_a_price_variance_on_a_pdf_invoice(stack: Stack, chromium: Any) -> None:
    order = received_po(stack)
    send_pdf(stack, invoice_as_pdf(billed(order, glove_price="13.90")))
    task = open_task(stack, order.po_number, "resolve_invoice_hold")

    refused = chromium.new_context(viewport={"width": 1400, "height": 900}).new_page()
    sign_in(refused, stack.base, "wally.warehouse", f"/tasks/{task['task_id']}")
    refused.get_by_role("button", name="accept variance").click()
    refused.locator("#answer.error").wait_for(timeout=15_000)
    assert "Not recorded" in refused.inner_text("#answer")
    refused.context.close()

    page = chromium.new_context(viewport={"width": 1400, "height": 900}).new_page()
    sign_in(page, stack.base, "carl.clerk")
    page.get_by_role("link", name=task["title"]).click()
    page.wait_for_url(f"{stack.base}/tasks/{task['task_id']}")
    hold = page.locator("li.hold", has_text="PRICE:1")
    assert "13.9" in hold.inner_text() and "11.9" in hold.inner_text()
    assert hold.locator("dd.tolerance").inner_text().strip()  # the tolerance applied, in words
    assert hold.locator("dd.source").inner_text().strip()  # and where it came from
    # the supplier's PDF, its pages drawn in the page (loaded: the image has its pixels)
    pdf_page = page.locator("svg.pdf-page image").first
    href = pdf_page.get_attribute("href")
    assert href and href.startswith("/originals/file%3A") and href.endswith("?page=1")
    drawn = page.request.get(f"{stack.base}{href}")
    assert drawn.headers["content-type"] == "image/png" and drawn.body().startswith(b"\x89PNG")
    file_link = page.get_by_role("link", name="open the file as received")
    served_pdf = page.request.get(f"{stack.base}{file_link.get_attribute('href')}")
    assert served_pdf.headers["content-type"] == "application/pdf" and served_pdf.body().startswith(b"%PDF")
    screenshot(page, "task")

    page.fill("#comment", "ACME's latex surcharge, agreed by phone with their sales desk")
    page.get_by_role("button", name="accept variance").click()
    page.locator("#answer.ok").wait_for(timeout=15_000)
    page.locator("#task-status", has_text="accept variance by carl.clerk").wait_for(timeout=15_000)

    page.get_by_role("link", name=order.po_number).first.click()
    page.wait_for_url(f"{stack.base}/pos/{order.po_number}")
    eventually(lambda: page.reload() or "closed" in page.inner_text("#po-status"), "the PO closed")
    assert page.locator("section.invoice .badge.approved").count() == 1
    assert "released by carl.clerk" in page.inner_text("section.invoice")
    screenshot(page, "po")
    page.context.close()


def test_a_reviewer_corrects_a_pdf_reading_in_the_form(stack: Stack, browser_page: Any) -> None:
    order = received_po(stack)
    day = date(2026, 11, 5)  # printed 11/05/2026: which is the month?
    found = send_pdf(stack, invoice_as_pdf(billed(order, invoice_date=day.isoformat()), long_dates=False))
    [item] = found["found"]
    assert item["status"] == "needs_review", item

    page = browser_page
    sign_in(page, stack.base, "carl.clerk", f"/tasks/{item['task_id']}")
    date_field = page.locator(".field.low", has=page.locator('input[data-path="invoice_date"]'))
    assert date_field.count() == 1  # the doubtful field is marked
    assert page.locator("svg.pdf-page").count() >= 1  # beside the file it was read from
    assert page.locator('rect.mark.low[data-path="invoice_date"]').count() == 1  # where on the page
    page.fill('input[data-path="invoice_date"]', day.isoformat())
    screenshot(page, "review")
    page.get_by_role("button", name="send on").click()
    page.locator("#answer.ok").wait_for(timeout=15_000)

    with stack.api() as api:
        path = f"/api/v1/purchase-orders/{order.po_number}"
        state = eventually(lambda: api.get(path).json()["state"]["invoices"] or None, "the invoice at its PO")
    assert state[0]["invoice"]["invoice_date"] == day.isoformat()
