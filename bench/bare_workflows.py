"""The bare workflows of bench/throughput.py: a lifecycle of a given *shape*
and nothing else — no database, no rules, no-op activities.

A `Shape` is what a lifecycle does, in order: stage 0 runs when the workflow
starts, stage i once the i-th signal has arrived; each stage is a list of
steps, an activity (with an argument and a result of given sizes, so the
history carries payloads like the real ones) or a search-attribute upsert.
bench/throughput.py builds two shapes and runs both on this one definition:

* "current": poflow's clean lifecycle as measured in the same run (its
  signals, activities with their payload sizes, and upserts, counted from a
  real history), so the baseline follows poflow as poflow changes;
* "minimal": the least a PO lifecycle needs — 3 signals (acknowledgment,
  receipt, invoice) and 4 activities (validate, issue, match, hand off).

Run as the bench's second worker (its own process, like poflow's worker):

    python -m bench.bare_workflows --task-queue bench-bare

It reads the Temporal address and payload keys from the environment as
poflow's worker does (settings.load_settings), so both workers use the same
data converter and codec; it prints "ready" once polling and stops on SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from temporalio import activity, workflow
from temporalio.common import SearchAttributeKey

WORKFLOW_NAME = "BenchBareLifecycle"
SIGNAL_NAME = "document"
ACTIVITY_NAME = "bench_noop"
# Registered on poflow's dev server already (workflows/search_attributes.py):
# the bare workflows upsert the same kind of attribute a PO does.
STAGE_ATTRIBUTE = SearchAttributeKey.for_keyword("PoStatus")


@dataclass(frozen=True)
class Step:
    """One activity (`upsert` False) with payloads of these sizes, or one upsert."""

    upsert: bool = False
    arg_bytes: int = 0
    result_bytes: int = 0


@dataclass(frozen=True)
class Shape:
    name: str
    stages: list[list[Step]]
    # The body size of each signal; len(signal_bytes) == len(stages) - 1.
    signal_bytes: list[int] = field(default_factory=list)

    @property
    def activities(self) -> int:
        return sum(1 for stage in self.stages for step in stage if not step.upsert)

    @property
    def upserts(self) -> int:
        return sum(1 for stage in self.stages for step in stage if step.upsert)

    @property
    def signals(self) -> int:
        return len(self.stages) - 1


def minimal_shape(po_bytes: int, signal_bytes: Sequence[int]) -> Shape:
    """Validate and issue at the start; match and hand off once the third
    document (the invoice) is in. The match reads the PO and the three
    documents; the others carry the PO or the invoice, and answer briefly."""
    ack, receipt, invoice = (list(signal_bytes) + [po_bytes] * 3)[:3]
    return Shape(
        name="minimal",
        stages=[
            [Step(arg_bytes=po_bytes, result_bytes=64), Step(arg_bytes=po_bytes, result_bytes=64)],
            [],
            [],
            [
                Step(arg_bytes=po_bytes + ack + receipt + invoice, result_bytes=512),
                Step(arg_bytes=invoice, result_bytes=64),
            ],
        ],
        signal_bytes=[ack, receipt, invoice],
    )


@activity.defn(name=ACTIVITY_NAME)
async def noop(argument: str, result_bytes: int) -> str:
    """Does nothing; answers `result_bytes` characters."""
    return "r" * result_bytes


@workflow.defn(name=WORKFLOW_NAME)
class BareLifecycle:
    def __init__(self) -> None:
        self._signals = 0

    @workflow.signal(name=SIGNAL_NAME)
    def document(self, body: str) -> None:
        self._signals += 1

    @workflow.run
    async def run(self, shape: Shape) -> int:
        """Each stage once its signal is in; returns the steps run."""
        done = 0
        for number, stage in enumerate(shape.stages):
            await workflow.wait_condition(lambda number=number: self._signals >= number)  # type: ignore[misc]
            for step in stage:
                if step.upsert:
                    workflow.upsert_search_attributes([STAGE_ATTRIBUTE.value_set(f"stage-{number}")])
                else:
                    await workflow.execute_activity(
                        noop,
                        args=["a" * step.arg_bytes, step.result_bytes],
                        start_to_close_timeout=timedelta(seconds=30),
                    )
                done += 1
        return done


async def serve(task_queue: str) -> None:
    from temporalio.worker import Worker

    from ops.connection import connect_temporal
    from settings import load_settings

    client = await connect_temporal(load_settings())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    worker = Worker(
        client,
        task_queue=task_queue,
        workflows=[BareLifecycle],
        activities=[noop],
        graceful_shutdown_timeout=timedelta(seconds=5),
    )
    async with worker:
        print("ready", flush=True)
        await stop.wait()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.bare_workflows", description=__doc__.split("\n\n")[0])
    parser.add_argument("--task-queue", required=True)
    args = parser.parse_args(argv)
    asyncio.run(serve(args.task_queue))
    return 0


if __name__ == "__main__":
    if __package__ in (None, ""):
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.exit(main())
