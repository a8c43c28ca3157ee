"""Open orders at scale (issue #20 item 4): N POs issued and waiting for
their supplier's acknowledgment on one worker — how fast they get there, and
what the worker and the Temporal server hold in memory while they wait.

    python bench/open_orders.py [--quick] [--count N] [--small-cache K] [--concurrency C]
                                [--max-seconds S] [--json [FILE]]

Two runs, each on a stack of its own (bench/throughput_stack.py: `poflow up
--no-demo` in a temporary home, dev server on SQLite, one worker, the API;
every process stopped at the end, on Ctrl-C and when the time is up):

1. "all cached": the worker's sticky cache (POFLOW_MAX_CACHED_WORKFLOWS)
   holds every open PO, so each waits in the worker's memory;
2. "small cache": the cache holds K (default N / 10) — smaller than the open
   set, so the worker evicts the rest; each then waits only in Temporal's
   history and is replayed on its next event. The shipped default is 1000.

A PO is the demo's clean ACME order (tools/demo.Demo over the API, as the
ERP sends it: below the approval threshold, so auto-approved), counted once
its workflow publishes status `issued` (it then waits for an acknowledgment,
with the chase timer of ACME's policy days away). C POs are in flight at a
time; each lane creates the next once its PO is issued.

Memory is each process's resident set, with its child processes, sampled
every second from /proc (psutil is not a dependency): the peak sampled, and
the kernel's own high-water mark (VmHWM) of the main process; "per open PO"
is the growth from the idle stack to the end of the run over the POs opened.
The ratio row sets run 2 against run 1 of the same invocation.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from bench import throughput, throughput_stack  # noqa: E402
from bench.report import cell, table_head, table_row, title  # noqa: E402
from starter.stack_config import PID_FILE_NAME  # noqa: E402
from starter.stack_pidfile import read_pid_file  # noqa: E402
from tools import demo  # noqa: E402
from workflows.contract import po_workflow_id  # noqa: E402

FULL_COUNT = 10_000
QUICK_COUNT = 200
CONCURRENCY = 20
FULL_MAX_SECONDS = 1200.0  # per run
QUICK_MAX_SECONDS = 50.0
STARTUP_TIMEOUT_S = 90.0
PO_TIMEOUT_S = 120.0
SAMPLE_EVERY_S = 1.0
MEMORY_GOAL_MIB = 2048  # issue #20: worker and server together
MIB = 1024 * 1024
HEADERS = (
    "run",
    "cache",
    "open POs",
    "failed",
    "POs/s to issued",
    "p50 s",
    "p95 s",
    "worker peak MiB",
    "server peak MiB",
    "together MiB",
    "worker KiB / open PO",
    "server KiB / open PO",
)


# --------------------------------------------------------------------------- memory


def tree_rss(pid: int) -> int:
    """Resident bytes of `pid` and its descendants (0 once it has gone)."""
    total = 0
    for one in _tree(pid):
        total += _status_kib(one, "VmRSS") * 1024
    return total


def high_water(pid: int) -> int:
    """The kernel's peak resident bytes of `pid` itself (VmHWM)."""
    return _status_kib(pid, "VmHWM") * 1024


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        current = todo.pop()
        out.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                todo.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return out


def _status_kib(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


@dataclass
class Memory:
    """Samples of one process tree: at start (idle stack), the peak, the last."""

    pid: int
    idle: int = 0
    peak: int = 0
    last: int = 0

    def sample(self) -> None:
        self.last = tree_rss(self.pid)
        self.peak = max(self.peak, self.last, high_water(self.pid))


# --------------------------------------------------------------------------- one run


@dataclass
class Run:
    name: str
    cache: int
    planned: int
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    wall_s: float = 0.0
    ended: str = "incomplete"
    worker: Memory | None = None
    server: Memory | None = None

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.wall_s if self.wall_s > 0 else 0.0

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


async def open_one(http: httpx.AsyncClient, client: Any, stamp: str, number: int) -> None:
    """One PO through the API until its workflow says `issued` (awaiting the acknowledgment)."""
    client_run = demo.Demo(http, f"{stamp}{number:05d}")
    po = await client_run.create_po("ACME", "USD", throughput.clean_lines(number % 10_000))
    await throughput._until_issued(client.get_workflow_handle(po_workflow_id(po["po_number"])))


async def open_many(
    run: Run, http: httpx.AsyncClient, client: Any, concurrency: int, deadline: float
) -> None:
    numbers = iter(range(run.planned))
    stamp = datetime.now(UTC).strftime("%d%H%M%S")
    started = time.perf_counter()

    async def lane() -> None:
        for number in numbers:
            if time.monotonic() > deadline:
                return
            began = time.perf_counter()
            try:
                await asyncio.wait_for(open_one(http, client, stamp, number), PO_TIMEOUT_S)
            except Exception as error:  # noqa: BLE001 — a timeout too: counted, shown
                run.failures.append(f"{type(error).__name__}: {str(error)[:200]}")
                continue
            run.latencies.append(time.perf_counter() - began)
            run.wall_s = time.perf_counter() - started

    await asyncio.gather(*(lane() for _ in range(min(concurrency, run.planned))))
    run.ended = (
        "complete" if len(run.latencies) + len(run.failures) == run.planned else "cut by --max-seconds"
    )


async def sample_memory(run: Run, stop: asyncio.Event) -> None:
    while not stop.is_set():
        for memory in (run.worker, run.server):
            if memory is not None:
                memory.sample()
        try:
            await asyncio.wait_for(stop.wait(), SAMPLE_EVERY_S)
        except TimeoutError:
            pass


async def measure(stack: throughput_stack.BenchStack, run: Run, concurrency: int, seconds: float) -> None:
    from starter.operations import connect_client

    record = read_pid_file(stack.home / PID_FILE_NAME) or {}
    children = record.get("children", {})
    run.worker, run.server = Memory(children["worker"]["pid"]), Memory(children["temporal"]["pid"])
    await asyncio.sleep(3)  # let the idle stack settle before the baseline
    for memory in (run.worker, run.server):
        memory.sample()
        memory.idle = memory.last
    token = await asyncio.to_thread(throughput._erp_token, stack)
    client = await connect_client(stack.settings)
    limits = httpx.Limits(max_connections=concurrency * 2, max_keepalive_connections=concurrency * 2)
    stop = asyncio.Event()
    sampler = asyncio.create_task(sample_memory(run, stop))
    headers = {"Authorization": f"Bearer {token}"}
    try:
        async with httpx.AsyncClient(
            base_url=stack.api_url, timeout=60, headers=headers, limits=limits
        ) as http:
            await open_many(run, http, client, concurrency, time.monotonic() + seconds)
        await asyncio.sleep(2 * SAMPLE_EVERY_S)  # the last workflow tasks settle
    finally:
        stop.set()
        await sampler
        for memory in (run.worker, run.server):
            memory.sample()


def one_run(run: Run, concurrency: int, seconds: float) -> None:
    """A stack of its own with the run's cache; stopped whatever happens."""
    extra = {"POFLOW_MAX_CACHED_WORKFLOWS": str(run.cache)}
    with throughput_stack.running("poflow-open-", STARTUP_TIMEOUT_S, bare=False, extra_env=extra) as stack:
        try:
            asyncio.run(measure(stack, run, concurrency, seconds))
        except KeyboardInterrupt:
            run.ended = "interrupted"


# --------------------------------------------------------------------------- the report


def row(run: Run) -> dict[str, Any]:
    opened = len(run.latencies)

    def per_po(memory: Memory | None) -> float | None:
        if memory is None or not opened:
            return None
        return round((memory.last - memory.idle) / 1024 / opened, 2)

    def mib(memory: Memory | None, which: str) -> float | None:
        return None if memory is None else round(getattr(memory, which) / MIB, 1)

    worker, server = mib(run.worker, "peak"), mib(run.server, "peak")
    return {
        "run": run.name,
        "cache": run.cache,
        "planned": run.planned,
        "open": opened,
        "failed": len(run.failures),
        "ended": run.ended,
        "pos_per_s": round(run.rate, 3),
        "p50_s": round(run.percentile(50), 3),
        "p95_s": round(run.percentile(95), 3),
        "wall_s": round(run.wall_s, 1),
        "worker_idle_mib": mib(run.worker, "idle"),
        "worker_end_mib": mib(run.worker, "last"),
        "worker_peak_mib": worker,
        "server_idle_mib": mib(run.server, "idle"),
        "server_end_mib": mib(run.server, "last"),
        "server_peak_mib": server,
        "together_peak_mib": None if worker is None or server is None else round(worker + server, 1),
        "worker_kib_per_po": per_po(run.worker),
        "server_kib_per_po": per_po(run.server),
        "failures": run.failures[:5],
    }


def _cell(value: Any) -> str:
    """Counts here run to 10,000 POs and thousands of MiB: thousands separated."""
    return cell(value, grouped=True)


def markdown(document: dict[str, Any]) -> str:
    env = document["environment"]
    lines = [f"{title('Open orders', env)}, {document['concurrency']} in flight.", "", *table_head(HEADERS)]
    for r in document["rows"]:
        opened = f"{r['open']:,}" + (
            "" if r["ended"] == "complete" else f" of {r['planned']:,} ({r['ended']})"
        )
        cells = [r["run"], _cell(r["cache"]), opened, _cell(r["failed"]), _cell(r["pos_per_s"])]
        cells += [
            _cell(r["p50_s"]),
            _cell(r["p95_s"]),
            _cell(r["worker_peak_mib"]),
            _cell(r["server_peak_mib"]),
        ]
        cells += [_cell(r["together_peak_mib"]), _cell(r["worker_kib_per_po"]), _cell(r["server_kib_per_po"])]
        lines.append(table_row(cells))
    lines += ["", *_summary(document)]
    for r in document["rows"]:
        lines += [f"- {r['run']}: {failure}" for failure in r["failures"]]
    return "\n".join(lines)


def _summary(document: dict[str, Any]) -> list[str]:
    out = []
    for r in document["rows"]:
        if r["together_peak_mib"] is not None:
            verdict = "within" if r["together_peak_mib"] < MEMORY_GOAL_MIB else "OVER"
            out.append(
                f"{r['run']}: worker + server peak {r['together_peak_mib']:,.0f} MiB with {r['open']:,} open, "
                f"{verdict} the {MEMORY_GOAL_MIB:,} MiB goal (idle stack: worker {r['worker_idle_mib']:,.0f}, "
                f"server {r['server_idle_mib']:,.0f} MiB)."
            )
    ratio = document.get("ratio")
    if ratio:
        out.append(
            f"Small cache ÷ all cached: start rate ×{ratio['rate']:.2f}, worker peak ×{ratio['worker_peak']:.2f}, "
            f"server peak ×{ratio['server_peak']:.2f}."
        )
    return out


def ratio(rows: Sequence[dict[str, Any]]) -> dict[str, float] | None:
    """Run 2 over run 1 (rate and peaks), when both opened POs."""
    if len(rows) < 2 or not rows[0]["open"] or not rows[1]["open"]:
        return None
    first, second = rows[0], rows[1]
    return {
        "rate": round(second["pos_per_s"] / first["pos_per_s"], 3),
        "worker_peak": round(second["worker_peak_mib"] / first["worker_peak_mib"], 3),
        "server_peak": round(second["server_peak_mib"] / first["server_peak_mib"], 3),
    }


# --------------------------------------------------------------------------- main


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="open_orders", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_COUNT} POs per run (under 2 minutes)")
    parser.add_argument("--count", type=int, help=f"POs to open per run (default {FULL_COUNT:,})")
    parser.add_argument("--small-cache", type=int, help="the second run's sticky cache (default: count / 10)")
    parser.add_argument("--concurrency", type=int, default=CONCURRENCY, help="POs in flight")
    parser.add_argument("--max-seconds", type=float, help="stop opening POs after this long, per run")
    parser.add_argument("--only", choices=("all-cached", "small-cache"), help="one of the two runs")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE", help="JSON results (stdout or FILE)")
    return parser


def runs(args: argparse.Namespace) -> list[Run]:
    count = args.count or (QUICK_COUNT if args.quick else FULL_COUNT)
    small = args.small_cache or max(2, count // 10)
    planned = [Run("all cached", count + 100, count), Run("small cache", small, count)]
    names = {"all-cached": "all cached", "small-cache": "small cache"}
    return [run for run in planned if args.only is None or run.name == names[args.only]]


def main(argv: Sequence[str] | None = None, *, out: Any = None) -> int:
    args = build_parser().parse_args(argv)
    out = out or sys.stdout
    seconds = args.max_seconds or (QUICK_MAX_SECONDS if args.quick else FULL_MAX_SECONDS)
    done: list[Run] = []
    with throughput_stack.sigterm_interrupts():  # between runs too: the report is still written
        for run in runs(args):
            done.append(run)
            one_run(run, args.concurrency, seconds)
            if run.ended == "interrupted":
                break
    rows = [row(run) for run in done]
    document = {
        "environment": throughput.environment("quick" if args.quick else "full"),
        "concurrency": args.concurrency,
        "max_seconds": seconds,
        "rows": rows,
        "ratio": ratio(rows),
    }
    if args.json != "-":
        print(markdown(document), file=out)
    if args.json is not None:
        text = json.dumps(document, indent=2, default=asdict)
        print(text, file=out) if args.json == "-" else Path(args.json).write_text(text + "\n")
    return 0 if all(r["failed"] == 0 and r["open"] for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
