"""What operators see (issue #18 item 3), in the real Temporal UI of the dev
server, driven by Debian's Chromium: a PO's current details render as a
checklist and a list of lines whose every quantity reads as a word of its own
(the UI's markdown tables run their cells together), and every saved query of
docs/operators.md — read out of the guide, so the guide cannot drift — finds
exactly the POs it says, in the UI and with `temporal workflow list`.

Five POs: one partly received with an invoice held for price, one issued by
EDIFACT and not yet acknowledged, one large one waiting for approval whose
task escalates (SLOWPOKE's demo-fast policy: SLAs in seconds), one closed, and
one whose worker stopped before its first deadline (overdue)."""

from __future__ import annotations

import asyncio
import json
import os
import re
import socket
import subprocess
import urllib.parse
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from models import InvoiceStatus, PoStatus, PurchaseOrder, PurchaseOrderInput, PurchaseOrderState
from starter.service.naming import po_details, po_summary
from tests.support.browser import CHROMIUM, CHROMIUM_ARGS, need_chromium
from tests.support.builders import (
    ack,
    full_invoice,
    full_receipt,
    invoice,
    nordic_order,
    po,
    receipt,
    running_worker,
    seeded_sqlite,
    settings_for,
    state,
    unique,
)
from tests.support.temporal import binary
from worker import create_worker
from workflows import search_attributes
from workflows.contract import PoSignal, WorkflowType, po_workflow_id
from workflows.search_attributes import ALL_KEYS

pytestmark = pytest.mark.devserver

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "operators.md"
QUERY_ROW = re.compile(r"^\| (?P<find>[^|`]+?) \| `(?P<query>[^`]+)` \|$", re.MULTILINE)
WORKFLOW_LINK = re.compile(r"/workflows/(po-[^/?]+)")
A_TIME = re.compile(r"'\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ'")
FILM = "PKG-STRETCH-FILM"  # SLOWPOKE's, at 18.50

# What each saved query must find, by the guide's words for it.
EXPECTED = {
    "POs with an invoice held for price": {"held"},
    "POs with any invoice hold": {"held"},
    "POs held for price or amount": {"held"},
    "POs with a task gone to a deputy or a manager": {"escalated"},
    "overdue: running POs whose next deadline has passed": {"late"},
    # The approval task at the manager: no rung left, so nothing timed.
    "running POs with nothing timed (they wait on a document or a person without a deadline)": {"escalated"},
    "one vendor's POs in one status": {"held"},
    "POs waiting for the supplier's acknowledgment": {"edifact", "late"},
    "large POs waiting for approval": {"escalated"},
    "a buyer's POs still running": {"held", "edifact", "escalated", "late"},
    "closed POs": {"closed"},
}


def saved_queries() -> dict[str, str]:
    """The guide's saved queries (its "Saved queries" table), by what they find."""
    text = GUIDE.read_text(encoding="utf-8")
    section = text.split("## Saved queries", 1)[1].split("\n## ", 1)[0]
    return {m["find"]: m["query"] for m in QUERY_ROW.finditer(section)}


@dataclass
class Fleet:
    env: WorkflowEnvironment
    address: str
    ui: str
    orders: dict[str, PurchaseOrder]

    def named(self, ids: set[str]) -> set[str]:
        by_id = {po_workflow_id(o.po_number): name for name, o in self.orders.items()}
        return {by_id.get(i, i) for i in ids}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _start(client: Client, queue: str, order: PurchaseOrder, vendor_name: str) -> WorkflowHandle:
    """As the API starts a PO: with its static summary and details."""
    return await client.start_workflow(
        WorkflowType.PURCHASE_ORDER,
        PurchaseOrderInput(po=order),
        id=po_workflow_id(order.po_number),
        task_queue=queue,
        result_type=PurchaseOrderState,
        static_summary=po_summary(order, vendor_name),
        static_details=po_details(order),
    )


async def until(check: Callable[[], Any], what: str, seconds: float = 45) -> Any:
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        found = await check()
        if found or asyncio.get_running_loop().time() > deadline:
            assert found, f"timed out waiting for {what}"
            return found
        await asyncio.sleep(0.2)


async def reaches(handle: WorkflowHandle, predicate: Callable[[PurchaseOrderState], bool], what: str) -> Any:
    async def check() -> PurchaseOrderState | None:
        s = await state(handle)
        return s if predicate(s) else None

    return await until(check, what)


async def attribute(handle: WorkflowHandle, key: Any) -> Any:
    return (await handle.describe()).typed_search_attributes.get(key)


async def _held(client: Client, queue: str, order: PurchaseOrder) -> None:
    """Acknowledged, 60 of 100 gloves and all bearings received, the bearings'
    invoice approved, the gloves' one held: billed at 12.90, not 11.90."""
    handle = await _start(client, queue, order, "Acme Industrial Supply")
    await reaches(handle, lambda s: s.status == PoStatus.ISSUED, "the PO issued")
    await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
    await handle.signal(PoSignal.RECEIPT, receipt(order, "GR-1", {1: "60", 2: "200"}))
    await reaches(handle, lambda s: len(s.receipts) == 1, "the receipt")
    await handle.signal(PoSignal.INVOICE, invoice(order, "INV-1", {2: ("200", "4.75")}))
    await reaches(handle, lambda s: len(s.invoices) == 1, "the first invoice")
    await handle.signal(PoSignal.INVOICE, invoice(order, "INV-2", {1: ("60", "12.90")}))
    s = await reaches(handle, lambda s: len(s.invoices) == 2 and s.open_tasks != [], "the second invoice")
    assert [r.status for r in s.invoices] == [InvoiceStatus.APPROVED, InvoiceStatus.HELD]


async def _closed(client: Client, queue: str, order: PurchaseOrder) -> None:
    handle = await _start(client, queue, order, "Acme Industrial Supply")
    await reaches(handle, lambda s: s.status == PoStatus.ISSUED, "the PO issued")
    await handle.signal(PoSignal.ACKNOWLEDGMENT, ack(order))
    await handle.signal(PoSignal.RECEIPT, full_receipt(order))
    await handle.signal(PoSignal.INVOICE, full_invoice(order))
    await reaches(handle, lambda s: s.status == PoStatus.CLOSED, "the PO closed")


async def _late(env: WorkflowEnvironment, engine: Any, order: PurchaseOrder) -> WorkflowHandle:
    """Issued on a queue whose worker then stops: nobody acts on its reminder."""
    queue = f"poflow-stopped-{unique('Q')}"
    async with create_worker(env.client, engine, settings_for(str(engine.url), queue)):
        handle = await _start(env.client, queue, order, "Slowpoke Logistics")
        await reaches(handle, lambda s: s.status == PoStatus.ISSUED, "the PO issued")
    return handle


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def fleet(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Fleet]:
    engine = seeded_sqlite(tmp_path_factory.mktemp("operators") / "poflow.db")
    ui_port = _free_port()
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        data_converter=pydantic_data_converter,
        search_attributes=ALL_KEYS,
        ui=True,
        ui_port=ui_port,
        dev_server_log_level="error",
    )
    film = [{"line_no": 1, "item_id": FILM, "quantity": "600", "unit_price": "18.50"}]  # 11,100.00 USD
    orders = {
        "held": po(unique("PO-OPS")),
        "edifact": nordic_order(unique("PO-OPS")),
        "escalated": po(unique("PO-OPS"), vendor="SLOWPOKE", lines=film),
        "closed": po(unique("PO-OPS")),
        "late": po(unique("PO-OPS"), vendor="SLOWPOKE", lines=[{**film[0], "quantity": "40"}]),
    }
    try:
        late = await _late(env, engine, orders["late"])
        async with running_worker(env.client, engine) as queue:
            escalated = await _start(env.client, queue, orders["escalated"], "Slowpoke Logistics")
            edifact = await _start(env.client, queue, orders["edifact"], "Nordic Fasteners AB")
            await asyncio.gather(
                _held(env.client, queue, orders["held"]), _closed(env.client, queue, orders["closed"])
            )
            await reaches(edifact, lambda s: s.status == PoStatus.ISSUED, "the EDIFACT PO issued")
            # demo-fast: the approval task goes to the deputy after 10 s, the manager after 20 s.
            escalation = search_attributes.TASK_ESCALATION

            async def at_the_manager() -> bool:
                return await attribute(escalated, escalation) == 2

            await until(at_the_manager, "the approval task at the manager", seconds=60)
            overdue_since = await attribute(late, search_attributes.NEXT_DEADLINE)
            assert overdue_since is not None and overdue_since < datetime.now(UTC)  # 5 s after issue
            yield Fleet(
                env, env.client.service_client.config.target_host, f"http://127.0.0.1:{ui_port}", orders
            )
    finally:
        await env.shutdown()
        engine.dispose()


def the_query(query: str) -> str:
    """A saved query as run now: its time (overdue) is now."""
    return A_TIME.sub(f"'{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ}'", query)


def cli_finds(fleet: Fleet, query: str) -> set[str]:
    out = subprocess.run(
        [binary("temporal"), "workflow", "list", "--address", fleet.address, "--query", query, "-o", "json"],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    ).stdout
    rows = json.loads(out) if out.strip().startswith("[") else [json.loads(x) for x in out.splitlines() if x]
    return fleet.named({row["execution"]["workflowId"] for row in rows})


def test_the_guide_has_a_saved_query_for_each_question():
    assert set(saved_queries()) == set(EXPECTED)


async def test_each_saved_query_finds_its_pos_with_the_cli(fleet: Fleet) -> None:
    for find, query in saved_queries().items():

        async def found(query: str = query, find: str = find) -> set[str] | None:
            got = await asyncio.to_thread(cli_finds, fleet, the_query(query))
            return got if got == EXPECTED[find] else None  # visibility lags a moment behind

        try:
            await until(found, find, seconds=20)
        except AssertionError:
            assert cli_finds(fleet, the_query(query)) == EXPECTED[find], f"{find}: {query}"


@pytest_asyncio.fixture(loop_scope="session")
async def page() -> AsyncIterator[Any]:
    need_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = await browser.new_context(viewport={"width": 1400, "height": 1000})
            yield await context.new_page()
        finally:
            await browser.close()


async def ui_finds(fleet: Fleet, page: Any, query: str) -> set[str]:
    """The workflows the UI's list shows for `query` (opened as a link)."""
    await page.goto(f"{fleet.ui}/namespaces/default/workflows?query={urllib.parse.quote(query)}")
    rows = page.locator("a[href*='/workflows/po-']")
    await rows.first.wait_for()  # every saved query finds some PO here
    await page.wait_for_load_state("networkidle")
    links = await rows.evaluate_all("links => links.map(a => decodeURIComponent(a.getAttribute('href')))")
    return fleet.named({m[1] for href in links if (m := WORKFLOW_LINK.search(href))})


async def test_each_saved_query_finds_its_pos_in_the_ui(fleet: Fleet, page: Any) -> None:
    for find, query in saved_queries().items():

        async def found(query: str = query, find: str = find) -> set[str] | None:
            got = await ui_finds(fleet, page, the_query(query))
            return got if got == EXPECTED[find] else None  # visibility lags a moment behind

        try:
            await until(found, find, seconds=20)
        except AssertionError:
            assert await ui_finds(fleet, page, the_query(query)) == EXPECTED[find], f"{find}: {query}"


SEPARATE_WORDS = r"""(li, words) => words.map(word => {
    // Where each word is drawn: the gap to the next one is what a reader sees.
    const walker = document.createTreeWalker(li, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
        const at = walker.currentNode.textContent.search(new RegExp(`\\b${word}\\b`));
        if (at >= 0) {
            const range = document.createRange();
            range.setStart(walker.currentNode, at);
            range.setEnd(walker.currentNode, at + word.length);
            const box = range.getBoundingClientRect();
            return {left: box.left, right: box.right, top: box.top};
        }
    }
    return null;
})"""


async def test_the_current_details_read_as_a_checklist_and_lines_in_the_ui(fleet: Fleet, page: Any) -> None:
    order = fleet.orders["held"]
    await page.goto(f"{fleet.ui}/namespaces/default/workflows/{po_workflow_id(order.po_number)}")
    await page.get_by_test_id("user-metadata-tab").click()
    # Summary, details and current details: each markdown rendered in a frame of its own.
    summary = page.frame_locator("#user-metadata-summary")
    await summary.get_by_text(f"{order.po_number} · Acme Industrial Supply · buyer bob.buyer").wait_for()
    details = page.frame_locator("#user-metadata-current-details")
    headline = f"{order.po_number} r0 · partially_received · 2,140.00 USD · vendor ACME · buyer bob.buyer"
    await details.get_by_text(headline, exact=True).wait_for()

    items = details.locator("li")
    expected = [
        "✓ approved",
        "✓ issued (email)",
        "✓ acknowledged r0",
        "◐ received 260 of 300",
        "◐ invoices: 1 approved for payment, 1 held PRICE",
    ]
    assert (await items.all_inner_texts())[:5] == expected  # one list item a stage, in order
    for item in expected:
        assert await details.get_by_text(item, exact=True).is_visible()
    assert await details.get_by_text(re.compile(r"^Next \d{4}-\d\d-\d\d \d\d:\d\d UTC: ")).is_visible()

    line = items.filter(has_text="line 1 MRO-GLOVE-NITRILE-L")
    assert await line.inner_text() == (
        "line 1 MRO-GLOVE-NITRILE-L · ordered 100 EA · received 60 · accepted 60 · invoiced 60 · price 11.90 USD"
    )
    labels = ["ordered", "received", "accepted", "invoiced", "price"]
    boxes = await line.evaluate(SEPARATE_WORDS, labels)
    assert all(boxes), f"not drawn: {dict(zip(labels, boxes, strict=True))}"
    for word, box, after in zip(labels, boxes, boxes[1:], strict=False):
        same_row = abs(box["top"] - after["top"]) < 2
        assert not same_row or after["left"] - box["right"] > 20, f"{word} runs into the next label"
    folder = os.environ.get("POFLOW_SCREENSHOTS")  # as tests.support.browser.screenshot, awaited
    if folder:
        await page.set_viewport_size({"width": 1400, "height": 1500})  # the page scrolls inside: all of it
        await page.screenshot(path=str(Path(folder) / "operator-details.png"), full_page=True)
