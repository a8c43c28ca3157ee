"""The demo's calls through a stack that may be restarting under it.

`poflow up` restarts a worker or an API that dies, and the Temporal server or
the database may be away for a moment; the demo (tools/demo.py) should then
wait, not stop. Two rules:

- No answer (the connection refused or dropped, a timeout) or 502/503/504:
  send the same request again, after a pause that doubles (from
  `Patience.first_wait_s` up to `max_wait_s`, or the answer's Retry-After),
  until `Patience.deadline_s` has passed. Every door the demo uses is safe to
  repeat: a PO or a document is stored under its business key before anything
  happens, and a re-send is answered 409 "duplicate" with the first copy's id
  (and delivered again when its first delivery was lost). So a 409 duplicate
  of *this* request's own document, on a repeat, means the earlier attempt got
  through: it counts as the answer that was expected.
- A file answered 202 while intake is still reading it (`extracting`,
  `resolving`: a worker that was away) is accepted, not yet found: its intake
  is polled until it has found what is in the file (`wait_for_intake`).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import httpx

__all__ = [
    "RETRY_STATUSES",
    "StillWaiting",
    "Patience",
    "found_in",
    "request",
    "wait_for_intake",
]

# The API's answers that mean "not now" (503: Temporal, the worker or the
# database away; 502/504: a proxy in front of an API that is restarting).
RETRY_STATUSES = frozenset({502, 503, 504})
# An intake still at work on a file.
READING = frozenset({"extracting", "resolving"})


class StillWaiting(Exception):
    """The deadline passed with the stack still not answering (the last failure is the message)."""


@dataclass(frozen=True)
class Patience:
    """How long to keep trying, and how fast. Seconds."""

    deadline_s: float = 90.0
    first_wait_s: float = 0.25
    max_wait_s: float = 4.0
    poll_s: float = 0.5


Sleep = Callable[[float], Awaitable[Any]]


async def request(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    expect: int,
    patience: Patience = Patience(),
    sleep: Sleep = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
    **kwargs: Any,
) -> httpx.Response:
    """`method url`, sent again after a failure that a moment's wait may fix
    (see the module's rules) until `patience.deadline_s`; then StillWaiting.
    Any other answer is returned as it is, for the caller to judge."""
    deadline = clock() + patience.deadline_s
    wait = patience.first_wait_s
    repeat = False
    while True:
        try:
            answer = await client.request(method, url, **kwargs)
        except httpx.TransportError as err:  # refused, dropped, timed out: no answer
            failure = f"{method} {url}: no answer ({type(err).__name__}: {err})"
        else:
            if repeat and answer.status_code == 409 and expect != 409 and _own_duplicate(answer):
                return _as_expected(answer, expect)
            if answer.status_code not in RETRY_STATUSES:
                return answer
            failure = f"{method} {url} answered {answer.status_code}: {answer.text[:200]}"
            wait = max(wait, _retry_after(answer))
        if clock() + wait > deadline:
            raise StillWaiting(f"gave up after {patience.deadline_s:g} s: {failure}")
        await sleep(wait)
        wait = min(wait * 2, patience.max_wait_s)
        repeat = True


def _own_duplicate(answer: httpx.Response) -> bool:
    """A 409 "duplicate" of the very document that was sent (not another one's bytes)."""
    try:
        body = answer.json()
    except ValueError:
        return False
    if not isinstance(body, dict) or body.get("status") != "duplicate":
        return False
    first = body.get("first_document_id")
    return first in (body.get("document_id"), body.get("workflow_id"))


def _as_expected(duplicate: httpx.Response, expect: int) -> httpx.Response:
    """The 409 of a repeat, as the answer the first attempt got: the same
    body (document and workflow ids), the expected status."""
    return httpx.Response(
        expect, json=duplicate.json(), request=duplicate.request, headers={"x-demo-repeat": "409"}
    )


def _retry_after(answer: httpx.Response) -> float:
    raw = answer.headers.get("retry-after", "")
    return float(raw) if raw.isdigit() else 0.0


def found_in(view: dict[str, Any]) -> list[dict[str, Any]]:
    """An intake's items (GET /documents/{id}) in the shape the file door answers `found` with."""
    return [
        {
            "kind": item["extracted"]["kind"],
            "format": item["extracted"]["format"],
            "po_number": item.get("po_number"),
            "document_id": item.get("document_id"),
            "status": item["status"],
            "problems": item.get("problems", []),
            "task_id": item.get("task_id"),
        }
        for item in view.get("items", [])
    ]


async def wait_for_intake(
    client: httpx.AsyncClient,
    url: str,
    *,
    patience: Patience = Patience(),
    sleep: Sleep = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> dict[str, Any]:
    """GET `url` (an intake's state) until the intake has read the file and
    placed what it found (its status no longer extracting or resolving);
    StillWaiting at the deadline."""
    deadline = clock() + patience.deadline_s
    while True:
        remaining = Patience(max(deadline - clock(), 0.0), patience.first_wait_s, patience.max_wait_s)
        answer = await request(client, "GET", url, expect=200, patience=remaining, sleep=sleep, clock=clock)
        if answer.status_code != 200:
            raise StillWaiting(f"GET {url} answered {answer.status_code}: {answer.text[:200]}")
        view: dict[str, Any] = answer.json()
        if view.get("status") not in READING:
            return view
        if clock() + patience.poll_s > deadline:
            raise StillWaiting(
                f"{url}: the intake was still {view.get('status')} after {patience.deadline_s:g} s"
            )
        await sleep(patience.poll_s)
