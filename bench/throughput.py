"""Throughput benchmark (issue #20 item 1): clean PO lifecycles through
poflow's real doors and worker, against two bare workflows on the same server.

    python bench/throughput.py [--quick] [--levels 1,10,50,100] [--n N] [--json [FILE]] [--timeout S]

It starts its own stack in a temporary folder (bench/throughput_stack.py:
`poflow up --no-demo`, i.e. the Temporal dev server with a SQLite file,
poflow's worker and API as processes of their own, plus a worker for the bare
workflows) and stops every process it started when it ends, on Ctrl-C and
when its time is up (`--timeout`; it then prints what it has measured).

A clean lifecycle is the demo's happy path (tools/demo.py, its client and
documents): an ACME PO created through the API (auto-approved, below the
approval threshold) → issued → an accepted acknowledgment, a full receipt and
an invoice at PO prices posted as JSON to the PO's doors → matched, approved
for payment → closed, which completes the workflow. Latency runs from the
create call to the workflow's result. Each PO orders a different quantity, so
no invoice looks like a duplicate of another (p2p/duplicates.py).

At each concurrency level (that many lifecycles in flight, each starting the
next as it ends, until N have run) three batches run back to back, so load
from elsewhere hits all three alike:

1. poflow — the lifecycle above;
2. bare-current — bench/bare_workflows.py with the shape of poflow's lifecycle
   as measured in this run (signals, activities with their payload sizes,
   search-attribute upserts, counted from a poflow history of the first
   level): what the same amount of Temporal work costs without poflow's code;
3. bare-minimal — 3 signals and 4 activities (validate, issue, match, hand off):
   the least a PO lifecycle needs.

History events and bytes (the serialized size of each event, summed; the
payloads as stored, i.e. encrypted as `poflow up` encrypts them) are averaged
over a sample of each batch's workflows, spread over the batch; "retries"
counts activity attempts beyond the first. The ratios are poflow's
lifecycles/s over each bare kind's at the same level: 1.0 means poflow costs
no more than Temporal itself does for that shape.

poflow's history grows over a run: each invoice is compared with the vendor's
stored invoices within 5 % of its total (find_duplicate_candidates, at most
200), and those candidates travel through match_invoice into the history. All
the bench's invoices are ACME's, so later batches carry more of them, as a
busy vendor's would; the report lists the largest activity payloads of the
first and the last poflow batch. The bare "current" shape is taken from the
first poflow batch.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import math
import os
import platform
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
from temporalio.api.enums.v1 import EventType  # noqa: E402
from temporalio.api.history.v1 import HistoryEvent  # noqa: E402
from temporalio.client import Client, WorkflowHandle  # noqa: E402

from bench import throughput_stack  # noqa: E402
from bench.bare_workflows import SIGNAL_NAME, WORKFLOW_NAME, Shape, Step, minimal_shape  # noqa: E402
from bench.report import cell, table_head, table_row, title  # noqa: E402
from tools import demo  # noqa: E402
from workflows.contract import po_workflow_id  # noqa: E402

KINDS = ("poflow", "bare-current", "bare-minimal")
DEFAULT_LEVELS = (1, 10, 50, 100)
# Lifecycles per level and kind. At issue #20's rates (poflow ~1.7/s, the bare
# kinds 5–9/s) the full run measures for about 6 minutes, --quick (levels 1, 10
# and 50, one lifecycle per lane at 50) for about 2; a slower machine is cut
# by the timeout, and the report says so.
FULL_N = {1: 10, 10: 30, 50: 100, 100: 150}
QUICK_LEVELS = (1, 10, 50)
QUICK_N = {1: 3, 10: 10, 50: 50, 100: 100}
FULL_TIMEOUT_S = 600.0
QUICK_TIMEOUT_S = 300.0
STARTUP_TIMEOUT_S = 90.0
LIFECYCLE_TIMEOUT_S = 120.0
SAMPLE = 3  # histories fetched per batch
HEADERS = (
    "concurrency",
    "kind",
    "lifecycles",
    "failed",
    "lifecycles/s",
    "p50 s",
    "p95 s",
    "history events",
    "history KB",
    "activities",
    "signals",
    "upserts",
    "retries",
)
RATIO_HEADERS = ("concurrency", "poflow ÷ bare-current", "poflow ÷ bare-minimal")
# Issue #20's targets for later work.
TARGET_RATIO_AT_50 = 0.8
TARGET_EVENTS = 60
TARGET_KB = 15.0
ISSUED_OR_LATER = {"issued", "acknowledged", "partially_received", "received", "closed"}


# --------------------------------------------------------------------------- measuring


@dataclass
class History:
    """What a sample of a batch's workflow histories holds, per lifecycle (means)."""

    events: float = 0.0
    bytes: float = 0.0
    activities: float = 0.0
    signals: float = 0.0
    upserts: float = 0.0
    timers: float = 0.0
    # Activity attempts beyond the first, and workflow tasks failed or timed
    # out: work the shape did not ask for (a locked database, an overloaded worker).
    retries: float = 0.0
    task_failures: float = 0.0


@dataclass
class Batch:
    kind: str
    level: int
    n: int
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    workflow_ids: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    complete: bool = False
    history: History | None = None
    # Mean payload bytes (input + result) per lifecycle, by activity type: where the history's bytes are.
    activity_bytes: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall_s if self.wall_s > 0 and self.latencies else 0.0

    def percentile(self, p: float) -> float:
        """Nearest rank; 0 without any finished lifecycle."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]

    async def run(self, one: Callable[[int], Awaitable[str]]) -> None:
        """`self.level` lifecycles in flight until `self.n` have run; `one(i)`
        runs lifecycle i and returns its workflow id."""
        numbers = iter(range(self.n))
        started = time.perf_counter()

        async def lane() -> None:
            for number in numbers:
                began = time.perf_counter()
                try:
                    workflow_id = await asyncio.wait_for(one(number), LIFECYCLE_TIMEOUT_S)
                except Exception as error:  # noqa: BLE001 — a timeout too: counted, shown
                    self.failures.append(f"{type(error).__name__}: {str(error)[:200]}")
                    continue
                self.latencies.append(time.perf_counter() - began)
                self.workflow_ids.append(workflow_id)
                self.wall_s = time.perf_counter() - started

        try:
            await asyncio.gather(*(lane() for _ in range(min(self.level, self.n))))
        finally:
            self.wall_s = time.perf_counter() - started
        self.complete = True


def count_history(events: Sequence[HistoryEvent]) -> History:
    kinds = [event.event_type for event in events]
    return History(
        events=len(events),
        bytes=sum(event.ByteSize() for event in events),
        activities=kinds.count(EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED),
        signals=kinds.count(EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED),
        upserts=kinds.count(EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES),
        timers=kinds.count(EventType.EVENT_TYPE_TIMER_STARTED),
        retries=sum(
            max(0, event.activity_task_started_event_attributes.attempt - 1)
            for event in events
            if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
        ),
        task_failures=kinds.count(EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED)
        + kinds.count(EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT),
    )


def mean_history(histories: Sequence[History]) -> History:
    return History(
        **{
            name: sum(getattr(h, name) for h in histories) / len(histories)
            for name in History.__dataclass_fields__
        }
    )


def _payload_bytes(payloads: Any) -> int:
    return sum(len(payload.data) for payload in payloads.payloads)


def shape_of(events: Sequence[HistoryEvent]) -> Shape:
    """The bare "current" shape of one poflow history: stage i holds what the
    workflow scheduled after its i-th signal arrived (activities with the
    sizes of their encoded input and result, upserts), in order."""
    stages: list[list[Step]] = [[]]
    signals: list[int] = []
    scheduled: dict[int, tuple[int, int]] = {}  # event id → (stage, index in it)
    results: dict[int, int] = {}
    for event in events:
        kind = event.event_type
        if kind == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
            signals.append(_payload_bytes(event.workflow_execution_signaled_event_attributes.input))
            stages.append([])
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            size = _payload_bytes(event.activity_task_scheduled_event_attributes.input)
            scheduled[event.event_id] = (len(stages) - 1, len(stages[-1]))
            stages[-1].append(Step(arg_bytes=size))
        elif kind == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            attributes = event.activity_task_completed_event_attributes
            results[attributes.scheduled_event_id] = _payload_bytes(attributes.result)
        elif kind == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
            stages[-1].append(Step(upsert=True))
    for event_id, (stage, index) in scheduled.items():
        step = stages[stage][index]
        stages[stage][index] = Step(arg_bytes=step.arg_bytes, result_bytes=results.get(event_id, 0))
    return Shape(name="current", stages=stages, signal_bytes=signals)


async def sample_history(client: Client, batch: Batch, sample: int) -> list[list[HistoryEvent]]:
    """The histories of up to `sample` of the batch's workflows, spread over
    the batch in the order they finished (read after the batch: not timed)."""
    ids = batch.workflow_ids
    picked = ids[:sample]
    if sample > 1 and len(ids) > sample:
        picked = [ids[i * (len(ids) - 1) // (sample - 1)] for i in range(sample)]
    histories = []
    for workflow_id in picked:
        history = await client.get_workflow_handle(workflow_id).fetch_history()
        histories.append(list(history.events))
    if histories:
        batch.history = mean_history([count_history(events) for events in histories])
        totals: dict[str, int] = {}
        for events in histories:
            for name, size in bytes_by_activity(events).items():
                totals[name] = totals.get(name, 0) + size
        ordered = sorted(totals.items(), key=lambda item: -item[1])
        batch.activity_bytes = {name: size // len(histories) for name, size in ordered}
    return histories


def bytes_by_activity(events: Sequence[HistoryEvent]) -> dict[str, int]:
    """Encoded input and result bytes of each activity type in one history."""
    names: dict[int, str] = {}
    sizes: dict[str, int] = {}
    for event in events:
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            attributes = event.activity_task_scheduled_event_attributes
            names[event.event_id] = name = attributes.activity_type.name
            sizes[name] = sizes.get(name, 0) + _payload_bytes(attributes.input)
        elif event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED:
            done = event.activity_task_completed_event_attributes
            name = names.get(done.scheduled_event_id, "?")
            sizes[name] = sizes.get(name, 0) + _payload_bytes(done.result)
    return sizes


# --------------------------------------------------------------------------- the lifecycles


def clean_lines(number: int) -> list[dict[str, Any]]:
    """The demo's ACME lines, quantities unique to `number` (< 10,000): no two
    totals are equal (119·Δa = 64·Δb needs |Δa| ≥ 64 with |Δa| < 100 and Δb = ±119,
    which Δb < 100 rules out), so no invoice is a suspected duplicate; every
    total stays under the 10,000 USD approval threshold."""
    gloves, glasses = demo.ACME_LINES
    return [
        dict(gloves, quantity=str(120 + number % 100)),
        dict(glasses, quantity=str(80 + number // 100)),
    ]


async def _until_issued(handle: WorkflowHandle) -> None:
    """Until the PO publishes an issued (or later) status: the history, long-polled."""
    async for event in handle.fetch_history_events(wait_new_event=True):
        if event.event_type == EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
            fields = event.upsert_workflow_search_attributes_event_attributes.search_attributes
            status = fields.indexed_fields.get("PoStatus")
            if status is not None and json.loads(status.data) in ISSUED_OR_LATER:
                return
    raise demo.DemoError(f"{handle.id} ended before it was issued")


async def poflow_lifecycle(http: httpx.AsyncClient, client: Client, run_id: str) -> str:
    """One clean lifecycle through the API, as the ERP (tools/demo.Demo) sends it."""
    client_run = demo.Demo(http, run_id)
    po = await client_run.create_po("ACME", "USD", clean_lines(int(run_id[-4:])))
    handle = client.get_workflow_handle(po_workflow_id(po["po_number"]))
    await _until_issued(handle)
    ack = demo.acknowledgment(po, client_run.number("ACK"))
    await client_run.post(po, "acknowledgments", ack)
    await client_run.post(po, "receipts", demo.receipt(po, client_run.number("GR"), demo.everything(po)))
    billed = demo.invoice(po, client_run.number("INV"), demo.billed_at_po_price(po), tax_rate="8.25")
    await client_run.post(po, "invoices", billed)
    state = await handle.result()
    if state.get("status") != "closed":
        raise demo.DemoError(f"{po['po_number']} ended {state.get('status')}, not closed")
    return handle.id


async def bare_lifecycle(client: Client, shape: Shape, workflow_id: str) -> str:
    handle = await client.start_workflow(
        WORKFLOW_NAME, shape, id=workflow_id, task_queue=throughput_stack.BARE_TASK_QUEUE
    )
    for size in shape.signal_bytes:
        await handle.signal(SIGNAL_NAME, "s" * size)
    await handle.result()
    return workflow_id


# --------------------------------------------------------------------------- the run


@dataclass
class Run:
    """Everything measured so far; printed whether the run ends, times out or is interrupted."""

    levels: Sequence[int]
    n: dict[int, int]
    batches: list[Batch] = field(default_factory=list)
    current: Shape | None = None
    minimal: Shape | None = None
    ended: str = "incomplete"


@dataclass
class Doors:
    http: httpx.AsyncClient
    client: Client
    stamp: str
    numbers: itertools.count = field(default_factory=itertools.count)


async def measure(run: Run, doors: Doors, sample: int) -> None:
    """For each level: poflow, bare-current, bare-minimal, each a batch of N."""
    for level in run.levels:
        for kind in KINDS:
            batch = Batch(kind, level, run.n[level])
            run.batches.append(batch)
            await batch.run(_lifecycle(kind, run, doors))
            histories = await sample_history(doors.client, batch, sample)
            if kind == "poflow" and histories and run.current is None:
                run.current = shape_of(histories[0])
                run.minimal = minimal_shape(_input_bytes(histories[0]), run.current.signal_bytes[:3])
    run.ended = "complete"


def _lifecycle(kind: str, run: Run, doors: Doors) -> Callable[[int], Awaitable[str]]:
    def one(_: int) -> Awaitable[str]:
        number = next(doors.numbers)
        if kind == "poflow":
            return poflow_lifecycle(doors.http, doors.client, f"{doors.stamp}{number:04d}")
        shape = run.current if kind == "bare-current" else run.minimal
        if shape is None:
            raise RuntimeError("no poflow lifecycle finished: the bare shapes are unknown")
        return bare_lifecycle(doors.client, shape, f"bench-{kind}-{doors.stamp}-{number:04d}")

    return one


def _input_bytes(events: Sequence[HistoryEvent]) -> int:
    """The encoded size of the workflow's input (for a PO: the PO): the minimal
    shape's activities carry it, and its documents are this run's signals."""
    for event in events:
        if event.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
            return _payload_bytes(event.workflow_execution_started_event_attributes.input)
    return 1024


async def run_against(stack: throughput_stack.BenchStack, run: Run, sample: int, timeout: float) -> None:
    from starter.operations import connect_client

    token = await asyncio.to_thread(_erp_token, stack)
    client = await connect_client(stack.settings)
    limits = httpx.Limits(max_connections=400, max_keepalive_connections=400)
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=stack.api_url, timeout=60, headers=headers, limits=limits) as http:
        doors = Doors(http, client, datetime.now(UTC).strftime("%m%d%H%M%S"))
        try:
            await asyncio.wait_for(measure(run, doors, sample), timeout)
        except TimeoutError:
            run.ended = f"stopped by the {timeout:.0f} s timeout"


def _erp_token(stack: throughput_stack.BenchStack) -> str:
    """The demo's principals in the stack's database; the ERP's token (POs, JSON documents)."""
    from activities.db import make_engine
    from tools import demo_users

    engine = make_engine(stack.settings.database_url)
    try:
        return demo_users.ensure(engine, "bench")["erp"]
    finally:
        engine.dispose()


# --------------------------------------------------------------------------- the report


def row(batch: Batch) -> dict[str, Any]:
    h = batch.history
    return {
        "concurrency": batch.level,
        "kind": batch.kind,
        "lifecycles": len(batch.latencies),
        "planned": batch.n,
        "failed": len(batch.failures),
        "complete": batch.complete,
        "lifecycles_per_s": round(batch.rate, 3),
        "p50_s": round(batch.percentile(50), 3),
        "p95_s": round(batch.percentile(95), 3),
        "wall_s": round(batch.wall_s, 2),
        "history_events": None if h is None else round(h.events, 1),
        "history_bytes": None if h is None else round(h.bytes),
        "activities": None if h is None else round(h.activities, 1),
        "signals": None if h is None else round(h.signals, 1),
        "upserts": None if h is None else round(h.upserts, 1),
        "timers": None if h is None else round(h.timers, 1),
        "retries": None if h is None else round(h.retries, 1),
        "task_failures": None if h is None else round(h.task_failures, 1),
        "activity_bytes": batch.activity_bytes,
        "failures": batch.failures[:5],
    }


def ratios(batches: Sequence[Batch]) -> list[dict[str, Any]]:
    """poflow's lifecycles/s over each bare kind's, per level with all three measured."""
    by = {(b.level, b.kind): b for b in batches if b.latencies}
    out = []
    for level in dict.fromkeys(b.level for b in batches):
        poflow = by.get((level, "poflow"))
        current, minimal = by.get((level, "bare-current")), by.get((level, "bare-minimal"))
        if poflow and current and minimal:
            out.append(
                {
                    "concurrency": level,
                    "poflow_over_bare_current": round(poflow.rate / current.rate, 3),
                    "poflow_over_bare_minimal": round(poflow.rate / minimal.rate, 3),
                }
            )
    return out


def markdown(document: dict[str, Any]) -> str:
    env = document["environment"]
    lines = [f"{title('Throughput', env)}: {document['ended']}.", "", *table_head(HEADERS, left=(1,))]
    for r in document["rows"]:
        kb = None if r["history_bytes"] is None else r["history_bytes"] / 1024
        done = f"{r['lifecycles']}" + ("" if r["complete"] else f" of {r['planned']} (cut)")
        cells = [r["concurrency"], r["kind"], done, r["failed"], cell(r["lifecycles_per_s"])]
        cells += [cell(r["p50_s"]), cell(r["p95_s"]), cell(r["history_events"], 0), cell(kb, 1)]
        cells += [cell(r["activities"], 0), cell(r["signals"], 0), cell(r["upserts"], 0)]
        cells += [cell(r["retries"], 1)]
        lines.append(table_row(cells))
    lines += ["", *table_head(RATIO_HEADERS, left=())]
    if not document["ratios"]:
        lines.append(table_row(["–", "(no level with all three kinds measured)", "–"]))
    for r in document["ratios"]:
        ratio_cells = [cell(r["poflow_over_bare_current"]), cell(r["poflow_over_bare_minimal"])]
        lines.append(table_row([r["concurrency"], *ratio_cells]))
    lines += ["", *_targets(document), *_payload_notes(document), *_failures(document)]
    return "\n".join(lines)


def _targets(document: dict[str, Any]) -> list[str]:
    """Issue #20's targets against what this run measured (poflow's rows)."""
    at_50 = [r for r in document["ratios"] if r["concurrency"] == 50]
    poflow = [r for r in document["rows"] if r["kind"] == "poflow" and r["history_events"] is not None]
    if not poflow:
        return ["Targets: no poflow history measured."]
    events, kb = poflow[0]["history_events"], poflow[0]["history_bytes"] / 1024
    ratio = f"{at_50[0]['poflow_over_bare_minimal']:.2f}" if at_50 else "not measured"
    return [
        f"Targets (issue #20): poflow ÷ bare-minimal at concurrency 50 ≥ {TARGET_RATIO_AT_50} "
        f"(now {ratio}); history ≤ {TARGET_EVENTS} events (now {events:.0f}) and ≤ {TARGET_KB:.0f} KB "
        f"(now {kb:.1f} KB)."
    ]


def _payload_notes(document: dict[str, Any]) -> list[str]:
    """Where poflow's history bytes are, at its first and last level measured."""
    poflow = [r for r in document["rows"] if r["kind"] == "poflow" and r["activity_bytes"]]
    out = []
    for r in dict.fromkeys([r["concurrency"] for r in poflow[:1] + poflow[-1:]]):
        sizes = next(p["activity_bytes"] for p in poflow if p["concurrency"] == r)
        top = ", ".join(f"{name} {size / 1024:.1f}" for name, size in list(sizes.items())[:5])
        out.append(f"Largest activity payloads of a poflow lifecycle at concurrency {r} (KB): {top}.")
    return out


def _failures(document: dict[str, Any]) -> list[str]:
    out = []
    for r in document["rows"]:
        for failure in r["failures"]:
            out.append(f"- {r['kind']} at {r['concurrency']}: {failure}")
    return ["", "Failures (first few per batch):", *out] if out else []


def environment(mode: str) -> dict[str, Any]:
    return {
        "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": _cpu_model() or platform.machine(),
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "platform": platform.platform(terse=True),
        "commit": _commit(),
        "mode": mode,
    }


def _cpu_model() -> str | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def _commit() -> str:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=throughput_stack.ROOT,
            capture_output=True,
            text=True,
            timeout=5,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return done.stdout.strip() or "unknown"


def report(run: Run, mode: str) -> dict[str, Any]:
    return {
        "environment": environment(mode),
        "ended": run.ended,
        "rows": [row(batch) for batch in run.batches],
        "ratios": ratios(run.batches),
        "shapes": {
            name: None
            if shape is None
            else {
                "signals": shape.signals,
                "activities": shape.activities,
                "upserts": shape.upserts,
                "activity_bytes": sum(s.arg_bytes + s.result_bytes for st in shape.stages for s in st),
                "signal_bytes": shape.signal_bytes,
            }
            for name, shape in (("current", run.current), ("minimal", run.minimal))
        },
    }


# --------------------------------------------------------------------------- main


def parse_levels(text: str) -> tuple[int, ...]:
    try:
        levels = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"concurrency levels are whole numbers, got {text!r}") from None
    if not levels or any(level < 1 for level in levels):
        raise argparse.ArgumentTypeError(f"concurrency levels are 1 or more, got {text!r}")
    return levels


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="throughput", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer lifecycles per level: about 2 minutes")
    parser.add_argument(
        "--levels",
        type=parse_levels,
        metavar="C,C,…",
        help="concurrency levels (default: 1,10,50,100; with --quick 1,10,50)",
    )
    parser.add_argument("--n", type=int, help="lifecycles per level and kind (default: by level and mode)")
    parser.add_argument("--sample", type=int, default=SAMPLE, help="histories read per batch")
    parser.add_argument("--timeout", type=float, help="stop measuring after this many seconds")
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="FILE",
        help="JSON results: on stdout instead of the table, or into FILE as well as the table",
    )
    return parser


def _lifecycles(args: argparse.Namespace) -> dict[int, int]:
    table = QUICK_N if args.quick else FULL_N
    return {level: args.n or table.get(level, level * 2) for level in _levels(args)}


def _levels(args: argparse.Namespace) -> tuple[int, ...]:
    levels: tuple[int, ...] = args.levels or (QUICK_LEVELS if args.quick else DEFAULT_LEVELS)
    return levels


def main(argv: Sequence[str] | None = None, *, out: Any = None) -> int:
    args = build_parser().parse_args(argv)
    out = out or sys.stdout
    mode = "quick" if args.quick else "full"
    timeout = args.timeout or (QUICK_TIMEOUT_S if args.quick else FULL_TIMEOUT_S)
    run = Run(levels=_levels(args), n=_lifecycles(args))
    with throughput_stack.running("poflow-bench-", STARTUP_TIMEOUT_S) as stack:
        try:
            asyncio.run(run_against(stack, run, args.sample, timeout))
        except KeyboardInterrupt:
            run.ended = "interrupted"
    _print(report(run, mode), args.json, out)
    return 0 if run.ended == "complete" and not any(b.failures for b in run.batches) else 1


def _print(document: dict[str, Any], json_target: str | None, out: Any) -> None:
    if json_target != "-":
        print(markdown(document), file=out)
    if json_target is not None:
        text = json.dumps(document, indent=2, default=_plain)
        if json_target == "-":
            print(text, file=out)
        else:
            Path(json_target).write_text(text + "\n", encoding="utf-8")


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    return asdict(value)


if __name__ == "__main__":
    sys.exit(main())
