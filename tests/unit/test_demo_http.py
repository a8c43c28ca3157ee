"""The demo's client waits out a stack that restarts under it (tools/demo_http.py):
an API with no answer or a 503 is asked again with a growing pause until a
deadline; a repeat answered "duplicate of this very document" means the first
attempt got through; a file accepted but not yet read (202 `extracting`, what a
killed worker leaves) is polled until intake has found what is in it.

The API is an httpx.MockTransport playing a script; time is a fake clock that
the fake sleep moves."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from tools import demo
from tools.demo_http import Patience, StillWaiting, found_in, request, wait_for_intake

Step = httpx.Response | Exception


class Script:
    """The API's answers in order (an exception: no answer); the requests it saw; a fake clock."""

    def __init__(self, *steps: Step) -> None:
        self.steps: Iterator[Step] = iter(steps)
        self.requests: list[httpx.Request] = []
        self.now = 1000.0
        self.waits: list[float] = []

    def handler(self, req: httpx.Request) -> httpx.Response:
        self.requests.append(req)
        step = next(self.steps)
        if isinstance(step, Exception):
            raise step
        return step

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self.handler), base_url="http://poflow")

    async def sleep(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now

    def timing(self) -> dict[str, Callable[..., Any]]:
        return {"sleep": self.sleep, "clock": self.clock}


def unavailable(retry_after: int | None = None) -> httpx.Response:
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
    return httpx.Response(503, json={"detail": "the worker is away"}, headers=headers)


def duplicate(document_id: str, first: str | None = None, workflow_id: str = "po-PO-1") -> httpx.Response:
    return httpx.Response(
        409,
        json={
            "status": "duplicate",
            "document_id": document_id,
            "first_document_id": first or document_id,
            "workflow_id": workflow_id,
            "detail": "received before",
        },
    )


def refused() -> httpx.ConnectError:
    return httpx.ConnectError("[Errno 111] Connection refused")


PATIENCE = Patience(deadline_s=30, first_wait_s=0.25, max_wait_s=4, poll_s=0.5)


# --- request ----------------------------------------------------------------------------------


async def test_a_503_is_asked_again_with_a_pause_that_doubles() -> None:
    script = Script(unavailable(), unavailable(), unavailable(), httpx.Response(202, json={"ok": 1}))
    async with script.client() as http:
        answer = await request(http, "POST", "/x", expect=202, patience=PATIENCE, json={}, **script.timing())
    assert answer.status_code == 202
    assert len(script.requests) == 4
    assert script.waits == [0.25, 0.5, 1.0]


async def test_retry_after_sets_the_least_pause_and_the_pause_stops_growing_at_its_ceiling() -> None:
    script = Script(unavailable(retry_after=3), unavailable(), unavailable(), httpx.Response(200, json={}))
    async with script.client() as http:
        await request(http, "GET", "/x", expect=200, patience=PATIENCE, **script.timing())
    assert script.waits == [3, 4, 4]


async def test_no_answer_at_all_is_asked_again() -> None:
    script = Script(refused(), httpx.ReadTimeout("timed out"), httpx.Response(201, json={}))
    async with script.client() as http:
        answer = await request(http, "POST", "/x", expect=201, patience=PATIENCE, json={}, **script.timing())
    assert answer.status_code == 201
    assert len(script.requests) == 3


async def test_a_repeat_answered_duplicate_of_its_own_document_counts_as_accepted() -> None:
    # The first attempt was stored and signalled, but its answer was lost with the connection.
    script = Script(httpx.RemoteProtocolError("dropped"), duplicate("GR-1"))
    async with script.client() as http:
        answer = await request(http, "POST", "/x", expect=202, patience=PATIENCE, json={}, **script.timing())
    assert answer.status_code == 202
    assert answer.json()["document_id"] == "GR-1"
    assert answer.json()["workflow_id"] == "po-PO-1"


async def test_a_first_attempt_answered_duplicate_stays_a_duplicate() -> None:
    script = Script(duplicate("GR-1"))
    async with script.client() as http:
        answer = await request(http, "POST", "/x", expect=202, patience=PATIENCE, json={}, **script.timing())
    assert answer.status_code == 409


async def test_a_repeat_answered_duplicate_of_another_document_stays_a_duplicate() -> None:
    script = Script(unavailable(), duplicate("GR-2", first="GR-1"))
    async with script.client() as http:
        answer = await request(http, "POST", "/x", expect=202, patience=PATIENCE, json={}, **script.timing())
    assert answer.status_code == 409


async def test_a_caller_expecting_409_gets_it_as_it_is() -> None:
    script = Script(unavailable(), duplicate("INV-1"))
    async with script.client() as http:
        answer = await request(http, "POST", "/x", expect=409, patience=PATIENCE, json={}, **script.timing())
    assert answer.status_code == 409
    assert "x-demo-repeat" not in answer.headers


@pytest.mark.parametrize("status", [400, 401, 404, 422, 500])
async def test_other_answers_come_back_at_once(status: int) -> None:
    script = Script(httpx.Response(status, json={"detail": "no"}))
    async with script.client() as http:
        answer = await request(http, "POST", "/x", expect=202, patience=PATIENCE, json={}, **script.timing())
    assert answer.status_code == status
    assert script.waits == []


async def test_past_the_deadline_it_gives_up_naming_the_last_failure() -> None:
    script = Script(*[unavailable() for _ in range(100)])
    async with script.client() as http:
        with pytest.raises(StillWaiting, match="503"):
            await request(http, "GET", "/x", expect=200, patience=PATIENCE, **script.timing())
    assert sum(script.waits) <= PATIENCE.deadline_s
    assert sum(script.waits) > PATIENCE.deadline_s - PATIENCE.max_wait_s
    assert len(script.requests) < 20


# --- a file accepted, not yet read --------------------------------------------------------------


def intake(status: str, *items: dict[str, Any]) -> httpx.Response:
    return httpx.Response(200, json={"workflow_id": "doc-abc", "status": status, "items": list(items)})


DELIVERED = {
    "index": 0,
    "extracted": {"kind": "invoice", "format": "pdf", "document": {}},
    "status": "delivered",
    "po_number": "PO-1",
    "document_id": "invoice:ACME:INV1",
    "problems": [],
    "task_id": None,
}


async def test_an_intake_still_reading_is_polled_until_it_has_found_the_documents() -> None:
    script = Script(intake("extracting"), unavailable(), intake("resolving"), intake("done", DELIVERED))
    async with script.client() as http:
        view = await wait_for_intake(http, "/api/v1/documents/doc-abc", patience=PATIENCE, **script.timing())
    assert view["status"] == "done"
    assert found_in(view) == [
        {
            "kind": "invoice",
            "format": "pdf",
            "po_number": "PO-1",
            "document_id": "invoice:ACME:INV1",
            "status": "delivered",
            "problems": [],
            "task_id": None,
        }
    ]


async def test_an_intake_that_never_reads_the_file_gives_up_at_the_deadline() -> None:
    script = Script(*[intake("extracting") for _ in range(200)])
    async with script.client() as http:
        with pytest.raises(StillWaiting, match="still extracting"):
            await wait_for_intake(http, "/d", patience=PATIENCE, **script.timing())
    assert sum(script.waits) <= PATIENCE.deadline_s


# --- the demo's client ---------------------------------------------------------------------------


FAST = Patience(deadline_s=5, first_wait_s=0.01, max_wait_s=0.02, poll_s=0.01)


async def test_the_demo_waits_for_a_file_answered_202_with_nothing_found_yet() -> None:
    # What a worker killed during intake made the demo stop on: 202, `extracting`, found [].
    accepted = httpx.Response(
        202,
        json={"status": "extracting", "workflow_id": "doc-abc", "sha256": "abc", "ui_url": "", "found": []},
    )
    script = Script(accepted, intake("extracting"), intake("done", DELIVERED))
    async with script.client() as http:
        run = demo.Demo(http, "260101000000", patience=FAST)
        fmt = await run.send_file((b"%PDF-1.4", "inv.pdf", "application/pdf"))
    assert fmt == "pdf"
    assert [r.url.path for r in script.requests] == ["/api/v1/documents"] + ["/api/v1/documents/doc-abc"] * 2


async def test_the_demo_takes_a_resent_file_already_received_as_received() -> None:
    file_duplicate = duplicate("file:abc", first="doc-abc", workflow_id="doc-abc")
    script = Script(refused(), file_duplicate, intake("done", DELIVERED))
    async with script.client() as http:
        run = demo.Demo(http, "260101000000", patience=FAST)
        assert await run.send_file((b"%PDF-1.4", "inv.pdf", "application/pdf")) == "pdf"


async def test_the_demo_posts_a_document_through_a_restarting_api() -> None:
    script = Script(refused(), unavailable(), duplicate("GR-1"))
    po = {"po_number": "PO-1"}
    async with script.client() as http:
        run = demo.Demo(http, "260101000000", patience=FAST)
        answer = await run.post(po, "receipts", {"receipt_id": "GR-1"})
    assert answer["document_id"] == "GR-1"
    assert len(script.requests) == 3


async def test_the_demo_reports_a_stack_that_stays_away_as_a_failed_scenario() -> None:
    script = Script(*[unavailable() for _ in range(1000)])
    async with script.client() as http:
        run = demo.Demo(http, "260101000000", patience=FAST)
        with pytest.raises(demo.DemoError, match="gave up after 5 s"):
            await run.state("PO-1")
