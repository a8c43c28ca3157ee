"""`poflow replay` — would today's code still run these workflows? Replays
their histories with the worker's workflows and data converter, and says, per
run, whether it replays or at which event it breaks.

    poflow replay --workflow-id po-PO-1001 [--run-id RUN]
    poflow replay --file history.json [--file tests/histories] ...
    poflow replay --query "ExecutionStatus = 'Running' AND WorkflowType = 'PurchaseOrderWorkflow'"

Exactly one source: a run on the Temporal server of the settings
(TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE; its latest run without --run-id);
history files as `temporal workflow show --output json` writes them (a folder
stands for its *.json files); or every run a visibility query finds, as
`temporal workflow list --query` takes it. One line per run:

    po-PO-1001  01a250f2-…  PurchaseOrderWorkflow  ok
    po-PO-1002  01a250f3-…  PurchaseOrderWorkflow  BREAKS at event 17 (ActivityTaskScheduled): …

then a count. Exit 0 when every run replays, 1 when one breaks (or Temporal
cannot be reached), 2 bad input (a file that is not a history, a query the
server refuses), 4 no such workflow. Files are read before anything replays.
The replaying itself is ops/replay.py; docs/replay.md is the guide. The
arguments are declared in cli_parsers.py, so that building the parser does
not import the SDK.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from temporalio.client import Client, WorkflowHistory
from temporalio.service import RPCError, RPCStatusCode

from ops.converter import data_converter
from settings import Settings, load_settings
from starter.cli_support import Streams
from starter.errors import EXIT_OK, EXIT_RUNTIME, Invalid, NotFound, PoflowError, Unavailable

if TYPE_CHECKING:
    from ops.replay import Replayed

__all__ = ["EXIT_BREAKS", "replay_command", "run_replay"]

PREFIX = "poflow replay: "
EXIT_BREAKS = EXIT_RUNTIME  # a run would not replay: the code is not safe for it
Connect = Callable[[], Awaitable[Client]]


def run_replay(args: argparse.Namespace, io: Streams, *, connect: Connect | None = None) -> int:
    """The command, from a process without an event loop (the CLI)."""
    return asyncio.run(replay_command(args, io, connect=connect))


async def replay_command(args: argparse.Namespace, io: Streams, *, connect: Connect | None = None) -> int:
    """The command; `connect` gives the Temporal client (default: the settings')."""
    # The SDK logs each failed replay with its traceback; the line we print says it.
    sdk_log = logging.getLogger("temporalio")
    if not any(isinstance(handler, logging.NullHandler) for handler in sdk_log.handlers):
        sdk_log.addHandler(logging.NullHandler())
    from ops import replay  # here: `poflow --help` need not load the SDK's worker

    try:
        if args.run_id and not args.workflow_id:
            raise Invalid("--run-id goes with --workflow-id")
        histories = _read_files(args.file) if args.file else None
        settings = load_settings()
        try:
            converter = data_converter(settings)
        except ValueError as err:  # e.g. POFLOW_PAYLOAD_KEYS malformed
            raise Invalid(f"cannot read payloads: {err}") from None
        if histories is not None:
            return await _report(replay.replay_histories(histories, converter, replay.poflow_workflows()), io)
        client = await (connect or (lambda: _connect_client(settings)))()
        source = _from_server(client, args)
        return await _report(replay.replay_histories(source, converter, replay.poflow_workflows()), io)
    except PoflowError as err:
        print(PREFIX + err.message, file=io.stderr)
        return err.exit_code


def _read_files(paths: list[str]) -> list[WorkflowHistory]:
    from ops import replay

    try:
        return [replay.read_history(path) for path in replay.history_files(Path(p) for p in paths)]
    except replay.HistoryFileError as err:
        raise Invalid(str(err)) from None


async def _from_server(client: Client, args: argparse.Namespace) -> AsyncIterator[WorkflowHistory]:
    from ops.replay import RunHistory

    what = f"workflow {args.workflow_id}" if args.workflow_id else f"query {args.query!r}"

    async def runs() -> AsyncIterator[tuple[str, str | None]]:
        if args.workflow_id:
            handle = client.get_workflow_handle(args.workflow_id, run_id=args.run_id)
            yield args.workflow_id, args.run_id or (await handle.describe()).run_id
            return
        async for execution in client.list_workflows(args.query):
            yield execution.id, execution.run_id

    try:
        async for workflow_id, run_id in runs():
            history = await client.get_workflow_handle(workflow_id, run_id=run_id).fetch_history()
            # The run id the server gave it: a reset run's start event carries the first run's.
            yield RunHistory(history.workflow_id, history.events, run_id or "")
    except RPCError as err:
        raise _translate(err, what, args.run_id) from None


def _translate(err: RPCError, what: str, run_id: str | None) -> PoflowError:
    if err.status == RPCStatusCode.NOT_FOUND:
        return NotFound(f"no {what}" + (f" run {run_id}" if run_id else "") + " on the Temporal server")
    if err.status == RPCStatusCode.INVALID_ARGUMENT:
        return Invalid(f"Temporal refused the {what}: {err.message}")
    if err.status in (RPCStatusCode.UNAVAILABLE, RPCStatusCode.DEADLINE_EXCEEDED):
        return Unavailable(f"Temporal did not answer for the {what}: {err.message}")
    return PoflowError(f"Temporal refused the request for the {what}: {err.message}")


async def _connect_client(settings: Settings) -> Client:
    from starter.operations import connect_client  # the one way the CLI connects (data converter, errors)

    return await connect_client(settings)


async def _report(results: AsyncIterator[Replayed], io: Streams) -> int:
    """One line per run as it is known (a query may find many), then the count."""
    from ops.replay import summary

    seen: list[Replayed] = []
    async for result in results:
        seen.append(result)
        print(result.line(), file=io.stdout, flush=True)
    print(summary(seen), file=io.stdout)
    return EXIT_OK if all(r.ok for r in seen) else EXIT_BREAKS
