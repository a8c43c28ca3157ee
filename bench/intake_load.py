"""Intake and API under load (issue #20 item 5): documents per second through
`POST /api/v1/documents` as JSON, X12 and PDF, and POs per second through the
API with every document of a lifecycle — and whether the worker closes them
as fast as the API accepts them.

    python bench/intake_load.py [--quick] [--docs N] [--doc-concurrency C]
                                [--lifecycles N] [--concurrency C] [--max-seconds S] [--json [FILE]]

It starts its own stack (bench/throughput_stack.py: `poflow up --no-demo` in
a temporary home, dev server on SQLite, one worker, the API on loopback) and
stops every process at the end, on Ctrl-C and when its time is up.

1. Documents. N POs per kind are created and issued first (not timed); then,
   kind after kind, one document per PO, C at a time, as the demo's
   suppliers send them (tools/demo.py, tools/demo_supplier.py):
   - `json door` (the baseline): the acknowledgment as JSON to the PO's own
     door, POST /purchase-orders/{po}/acknowledgments — no intake;
   - `json`: the same acknowledgment as a JSON file to /documents;
   - `x12`: as Acme's X12 855 (tools/supplier_sim) to /documents;
   - `pdf`: the invoice at PO prices as a printed PDF to /documents.
   A document counts once the API has answered and intake has delivered it
   to its PO (the file door answers when intake has read the file; else the
   bench polls the intake, as the demo does). Latency is that whole call;
   "÷ json door" sets each kind's rate against the baseline's of this run.
2. Lifecycles. N clean POs, C at a time: created (auto-approved), issued,
   then the acknowledgment, a full receipt and the invoice at PO prices
   posted to their doors — "accepted" once the invoice is answered; the lane
   then starts the next PO while a watcher waits for the workflow to close.
   Accept rate: POs accepted over the time from the first create to the last
   acceptance; close rate: POs closed over the time from the first create to
   the last close; the worker keeps up when close ÷ accept stays near 1 and
   the backlog (accepted, not yet closed) stays small.

Every API call goes through the demo's retry rules (tools/demo_http.py):
a 503 is waited out and counted in "503s", and its wait is in the latency.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from bench import throughput, throughput_stack  # noqa: E402
from bench.report import cell, table_head, table_row, title  # noqa: E402
from tools import demo  # noqa: E402
from tools.demo_supplier import ack_as_x12, invoice_as_pdf  # noqa: E402
from workflows.contract import po_workflow_id  # noqa: E402

KINDS = ("json door", "json", "x12", "pdf")
FULL = {"docs": 40, "doc_concurrency": 4, "lifecycles": 100, "concurrency": 20, "max_seconds": 900.0}
QUICK = {"docs": 3, "doc_concurrency": 3, "lifecycles": 6, "concurrency": 6, "max_seconds": 150.0}
STARTUP_TIMEOUT_S = 90.0
CALL_TIMEOUT_S = 120.0
CLOSE_TIMEOUT_S = 180.0
DOC_HEADERS = ("kind", "documents", "failed", "503s", "docs/s", "÷ json door", "p50 s", "p95 s")
LIFE_HEADERS = (
    "POs",
    "failed",
    "503s",
    "accepted POs/s",
    "closed POs/s",
    "close ÷ accept",
    "max backlog",
    "p95 create s",
    "p95 document s",
    "p50 / p95 accept→close s",
)


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest rank; 0 without values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


@dataclass
class Counter:
    """503s the API answered (the demo's client waits them out)."""

    unavailable: int = 0

    async def hook(self, response: httpx.Response) -> None:
        if response.status_code == 503:
            self.unavailable += 1


@dataclass
class Doors:
    erp: httpx.AsyncClient
    files: httpx.AsyncClient
    client: Any
    stamp: str
    counter: Counter


# --------------------------------------------------------------------------- documents


@dataclass
class DocBatch:
    kind: str
    n: int
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    unavailable: int = 0

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall_s if self.wall_s > 0 else 0.0


async def issued_po(doors: Doors, run_id: str, number: int) -> tuple[demo.Demo, dict[str, Any]]:
    """A clean ACME PO through the API, once its workflow says issued."""
    client_run = demo.Demo(doors.erp, run_id, files=doors.files)
    po = await client_run.create_po("ACME", "USD", throughput.clean_lines(number % 10_000))
    await throughput._until_issued(doors.client.get_workflow_handle(po_workflow_id(po["po_number"])))
    return client_run, po


async def send(kind: str, client_run: demo.Demo, po: dict[str, Any]) -> None:
    """One document of `kind` for `po`, delivered (else DemoError)."""
    ack = demo.acknowledgment(po, client_run.number("ACK"))
    if kind == "json door":
        await client_run.post(po, "acknowledgments", ack)
    elif kind == "json":
        await client_run.send_file(
            (json.dumps(ack).encode(), f"ack-{ack['ack_id']}.json", "application/json")
        )
    elif kind == "x12":
        await client_run.send_file(ack_as_x12(po, ack))
    else:
        billed = demo.invoice(po, client_run.number("INV"), demo.billed_at_po_price(po), tax_rate="8.25")
        await client_run.send_file(invoice_as_pdf(billed))


async def lanes(n: int, concurrency: int, deadline: float, one: Callable[[int], Awaitable[None]]) -> None:
    """`one(i)` for i < n, `concurrency` at a time, none started after `deadline`."""
    numbers = iter(range(n))

    async def lane() -> None:
        for number in numbers:
            if time.monotonic() > deadline:
                return
            await one(number)

    await asyncio.gather(*(lane() for _ in range(min(concurrency, n))))


async def measure_documents(doors: Doors, n: int, concurrency: int, deadline: float) -> list[DocBatch]:
    pos: dict[str, list[tuple[demo.Demo, dict[str, Any]]]] = {kind: [] for kind in KINDS}
    setup_failures: list[str] = []

    async def setup(number: int) -> None:
        kind = KINDS[number % len(KINDS)]
        try:
            pos[kind].append(
                await asyncio.wait_for(issued_po(doors, f"{doors.stamp}D{number:04d}", number), 120)
            )
        except Exception as error:  # noqa: BLE001
            setup_failures.append(f"{type(error).__name__}: {str(error)[:200]}")

    await lanes(n * len(KINDS), 10, deadline, setup)
    if setup_failures:
        print(f"setup: {len(setup_failures)} POs failed, first: {setup_failures[0]}", file=sys.stderr)
    batches = []
    for kind in KINDS:
        batch = DocBatch(kind, len(pos[kind]))
        batches.append(batch)
        before = doors.counter.unavailable
        started = time.perf_counter()

        async def one(index: int, batch: DocBatch = batch, kind: str = kind) -> None:
            client_run, po = pos[kind][index]
            began = time.perf_counter()
            try:
                await asyncio.wait_for(send(kind, client_run, po), CALL_TIMEOUT_S)
            except Exception as error:  # noqa: BLE001 — a timeout too: counted, shown
                batch.failures.append(f"{type(error).__name__}: {str(error)[:200]}")
                return
            batch.latencies.append(time.perf_counter() - began)

        await lanes(batch.n, concurrency, deadline, one)
        batch.wall_s = time.perf_counter() - started
        batch.unavailable = doors.counter.unavailable - before
    return batches


# --------------------------------------------------------------------------- lifecycles


@dataclass
class Lifecycles:
    n: int
    t0: float = 0.0
    accepted: list[float] = field(default_factory=list)  # moments, since t0
    closed: list[float] = field(default_factory=list)
    lags: list[float] = field(default_factory=list)  # accept → close
    creates: list[float] = field(default_factory=list)
    documents: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    unavailable: int = 0

    @property
    def accept_rate(self) -> float:
        return len(self.accepted) / max(self.accepted) if self.accepted else 0.0

    @property
    def close_rate(self) -> float:
        return len(self.closed) / max(self.closed) if self.closed else 0.0

    def max_backlog(self) -> int:
        """Most POs accepted and not yet closed at any moment."""
        moments = sorted([(t, 1) for t in self.accepted] + [(t, -1) for t in self.closed])
        backlog = peak = 0
        for _, step in moments:
            backlog += step
            peak = max(peak, backlog)
        return peak


async def one_lifecycle(doors: Doors, run: Lifecycles, number: int, watchers: list[asyncio.Task]) -> None:
    client_run = demo.Demo(doors.erp, f"{doors.stamp}L{number:04d}", files=doors.files)
    began = time.perf_counter()
    po = await client_run.create_po("ACME", "USD", throughput.clean_lines(5000 + number % 5000))
    run.creates.append(time.perf_counter() - began)
    handle = doors.client.get_workflow_handle(po_workflow_id(po["po_number"]))
    await throughput._until_issued(handle)
    billed = demo.invoice(po, client_run.number("INV"), demo.billed_at_po_price(po), tax_rate="8.25")
    for kind, document in (
        ("acknowledgments", demo.acknowledgment(po, client_run.number("ACK"))),
        ("receipts", demo.receipt(po, client_run.number("GR"), demo.everything(po))),
        ("invoices", billed),
    ):
        sent = time.perf_counter()
        await client_run.post(po, kind, document)
        run.documents.append(time.perf_counter() - sent)
    accepted = time.perf_counter()
    run.accepted.append(accepted - run.t0)
    watchers.append(asyncio.create_task(watch_close(handle, run, accepted)))


async def watch_close(handle: Any, run: Lifecycles, accepted: float) -> None:
    try:
        state = await asyncio.wait_for(handle.result(), CLOSE_TIMEOUT_S)
    except Exception as error:  # noqa: BLE001
        run.failures.append(f"{handle.id} not closed: {type(error).__name__}: {str(error)[:200]}")
        return
    if state.get("status") != "closed":
        run.failures.append(f"{handle.id} ended {state.get('status')}, not closed")
        return
    now = time.perf_counter()
    run.closed.append(now - run.t0)
    run.lags.append(now - accepted)


async def measure_lifecycles(doors: Doors, n: int, concurrency: int, deadline: float) -> Lifecycles:
    run = Lifecycles(n, t0=time.perf_counter())
    before = doors.counter.unavailable
    watchers: list[asyncio.Task] = []

    async def one(number: int) -> None:
        try:
            await asyncio.wait_for(one_lifecycle(doors, run, number, watchers), CALL_TIMEOUT_S)
        except Exception as error:  # noqa: BLE001
            run.failures.append(f"{type(error).__name__}: {str(error)[:200]}")

    await lanes(n, concurrency, deadline, one)
    await asyncio.gather(*watchers)
    run.unavailable = doors.counter.unavailable - before
    return run


# --------------------------------------------------------------------------- the run


@dataclass
class Result:
    documents: list[DocBatch] = field(default_factory=list)
    lifecycles: Lifecycles | None = None
    ended: str = "incomplete"


async def measure(stack: throughput_stack.BenchStack, args: argparse.Namespace, result: Result) -> None:
    from starter.operations import connect_client

    tokens = await asyncio.to_thread(_tokens, stack)
    client = await connect_client(stack.settings)
    counter = Counter()
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    deadline = time.monotonic() + args.max_seconds

    def http(token: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=stack.api_url,
            timeout=60,
            limits=limits,
            headers={"Authorization": f"Bearer {token}"},
            event_hooks={"response": [counter.hook]},
        )

    async with http(tokens["erp"]) as erp, http(tokens["edi-gateway"]) as files:
        doors = Doors(erp, files, client, datetime.now(UTC).strftime("%d%H%M%S"), counter)
        result.documents = await measure_documents(doors, args.docs, args.doc_concurrency, deadline)
        result.lifecycles = await measure_lifecycles(doors, args.lifecycles, args.concurrency, deadline)
    result.ended = (
        "complete" if time.monotonic() <= deadline else f"cut by the {args.max_seconds:.0f} s limit"
    )


def _tokens(stack: throughput_stack.BenchStack) -> dict[str, str]:
    """The demo's principals in the stack's database: the ERP's and the EDI gateway's tokens."""
    from activities.db import make_engine
    from tools import demo_users

    engine = make_engine(stack.settings.database_url)
    try:
        return demo_users.ensure(engine, "bench")
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- the report


def report(result: Result, args: argparse.Namespace, mode: str) -> dict[str, Any]:
    base = next((b for b in result.documents if b.kind == "json door" and b.rate), None)
    docs = [
        {
            "kind": b.kind,
            "planned": b.n,
            "documents": len(b.latencies),
            "failed": len(b.failures),
            "unavailable_503": b.unavailable,
            "docs_per_s": round(b.rate, 3),
            "over_json_door": round(b.rate / base.rate, 3) if base else None,
            "p50_s": round(percentile(b.latencies, 50), 3),
            "p95_s": round(percentile(b.latencies, 95), 3),
            "wall_s": round(b.wall_s, 2),
            "failures": b.failures[:5],
        }
        for b in result.documents
    ]
    life = result.lifecycles
    lifecycles = None
    if life is not None:
        lifecycles = {
            "planned": life.n,
            "accepted": len(life.accepted),
            "closed": len(life.closed),
            "failed": len(life.failures),
            "unavailable_503": life.unavailable,
            "accepted_per_s": round(life.accept_rate, 3),
            "closed_per_s": round(life.close_rate, 3),
            "close_over_accept": round(life.close_rate / life.accept_rate, 3) if life.accept_rate else None,
            "max_backlog": life.max_backlog(),
            "p50_create_s": round(percentile(life.creates, 50), 3),
            "p95_create_s": round(percentile(life.creates, 95), 3),
            "p50_document_s": round(percentile(life.documents, 50), 3),
            "p95_document_s": round(percentile(life.documents, 95), 3),
            "p50_accept_to_close_s": round(percentile(life.lags, 50), 3),
            "p95_accept_to_close_s": round(percentile(life.lags, 95), 3),
            "failures": life.failures[:5],
        }
    return {
        "environment": throughput.environment(mode),
        "settings": {k: getattr(args, k) for k in ("docs", "doc_concurrency", "lifecycles", "concurrency")},
        "ended": result.ended,
        "documents": docs,
        "lifecycles": lifecycles,
    }


def markdown(document: dict[str, Any]) -> str:
    env, s = document["environment"], document["settings"]
    lines = [
        f"{title('Intake and API under load', env)}: {document['ended']}.",
        "",
        f"Documents, {s['doc_concurrency']} in flight:",
        "",
        *table_head(DOC_HEADERS),
    ]
    for r in document["documents"]:
        done = f"{r['documents']}" + (
            "" if r["documents"] + r["failed"] == r["planned"] else f" of {r['planned']}"
        )
        cells = [r["kind"], done, r["failed"], r["unavailable_503"], cell(r["docs_per_s"])]
        cells += [cell(r["over_json_door"]), cell(r["p50_s"]), cell(r["p95_s"])]
        lines.append(table_row(cells))
    life = document["lifecycles"]
    if life is not None:
        lines += [
            "",
            f"Lifecycles (create, issued, acknowledgment, receipt, invoice), {s['concurrency']} in flight:",
            "",
            *table_head(LIFE_HEADERS, left=()),
        ]
        done = f"{life['closed']} closed of {life['accepted']} accepted ({life['planned']} planned)"
        cells = [done, life["failed"], life["unavailable_503"], cell(life["accepted_per_s"])]
        cells += [cell(life["closed_per_s"]), cell(life["close_over_accept"]), life["max_backlog"]]
        cells += [cell(life["p95_create_s"]), cell(life["p95_document_s"])]
        cells += [f"{life['p50_accept_to_close_s']:.2f} / {life['p95_accept_to_close_s']:.2f}"]
        lines.append(table_row(cells))
    failures = [f"- {r['kind']}: {f}" for r in document["documents"] for f in r["failures"]]
    failures += [f"- lifecycle: {f}" for f in (life or {}).get("failures", [])]
    return "\n".join(lines + (["", "Failures (first few):", *failures] if failures else []))


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="intake_load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="a few of each (about 1 minute)")
    parser.add_argument("--docs", type=int, help=f"documents per kind (default {FULL['docs']})")
    parser.add_argument(
        "--doc-concurrency", type=int, help=f"documents in flight ({FULL['doc_concurrency']})"
    )
    parser.add_argument("--lifecycles", type=int, help=f"POs through their lifecycle ({FULL['lifecycles']})")
    parser.add_argument("--concurrency", type=int, help=f"lifecycles in flight ({FULL['concurrency']})")
    parser.add_argument("--max-seconds", type=float, help="no new work after this long (default 900)")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE", help="JSON results (stdout or FILE)")
    return parser


def main(argv: Sequence[str] | None = None, *, out: Any = None) -> int:
    args = build_parser().parse_args(argv)
    for name, value in (QUICK if args.quick else FULL).items():
        if getattr(args, name) is None:
            setattr(args, name, value)
    out = out or sys.stdout
    result = Result()
    with throughput_stack.running("poflow-intake-", STARTUP_TIMEOUT_S, bare=False) as stack:
        try:
            asyncio.run(measure(stack, args, result))
        except KeyboardInterrupt:
            result.ended = "interrupted"
    document = report(result, args, "quick" if args.quick else "full")
    if args.json != "-":
        print(markdown(document), file=out)
    if args.json is not None:
        text = json.dumps(document, indent=2)
        print(text, file=out) if args.json == "-" else Path(args.json).write_text(text + "\n")
    life = document["lifecycles"]
    failed = any(r["failed"] or not r["documents"] for r in document["documents"])
    return 0 if result.ended == "complete" and not failed and life and not life["failed"] else 1


if __name__ == "__main__":
    sys.exit(main())
