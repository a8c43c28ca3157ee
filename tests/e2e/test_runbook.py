"""docs/runbook.md runs as written (issue #18 item 2): every `sh` block of the
runbook is run by bash, in order, against the real dev server with a real
worker and a PO waiting for its acknowledgment, with the environment an
operator has (`PO`, `TEMPORAL_ADDRESS`, `DATABASE_URL`, `temporal` and
`poflow` on the PATH). A block that fails fails the test, with its output."""

from __future__ import annotations

import asyncio
import os
import re
import sys
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment

from models import PoStatus
from tests.support.builders import po, running_worker, seeded_sqlite, start, unique
from tests.support.workflows import eventually

pytestmark = pytest.mark.devserver

RUNBOOK = Path(__file__).resolve().parents[2] / "docs" / "runbook.md"


def sh_blocks(text: str) -> list[str]:
    return re.findall(r"^```sh\n(.*?)^```", text, re.S | re.M)


async def run_block(block: str, env: dict[str, str], cwd: Path) -> tuple[int, str]:
    proc = await asyncio.create_subprocess_exec(
        "bash", "-e", "-o", "pipefail", "-c", block,
        env=env, cwd=cwd, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    out, _ = await asyncio.wait_for(proc.communicate(), 120)
    return proc.returncode or 0, out.decode()


def test_the_runbook_has_a_block_for_each_situation() -> None:
    text = RUNBOOK.read_text()
    for heading in ("A stuck PO", "A failing activity", "A bad deploy", "A replay failure", "A batch reset"):
        section = text.split(heading, 1)[1].split("\n## ", 1)[0]
        assert sh_blocks(section), f"{heading}: no command that runs"


async def test_every_command_of_the_runbook_runs_as_written(
    dev_server_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    client = dev_server_env.client
    engine = seeded_sqlite(tmp_path / "poflow.db")
    order = po(unique("PO"))
    try:
        async with running_worker(client, engine) as queue:
            handle = await start(client, queue, order)
            await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
            env = {
                **os.environ,
                "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
                "PO": order.po_number,
                "TEMPORAL_ADDRESS": client.service_client.config.target_host,
                "TEMPORAL_NAMESPACE": client.namespace,
                "DATABASE_URL": str(engine.url),
                "POFLOW_TASK_QUEUE": queue,
                "POFLOW_HOME": str(tmp_path / "home"),
            }
            for block in sh_blocks(RUNBOOK.read_text()):
                code, out = await run_block(block, env, tmp_path)
                assert code == 0, f"runbook block failed ({code}):\n{block}\n--- output ---\n{out}"
            # The batch reset of section 5 (asynchronous) ends the run and starts a
            # new one from its last workflow task; the PO carries on in it.
            for _ in range(300):
                runs = [w async for w in client.list_workflows(f"WorkflowId = '{handle.id}'")]
                if len(runs) == 2:
                    break
                await asyncio.sleep(0.1)
            assert sorted(r.status.name for r in runs) == ["RUNNING", "TERMINATED"]  # type: ignore[union-attr]
            latest = client.get_workflow_handle(handle.id)
            await eventually(latest, lambda s: s.status == PoStatus.ISSUED)
    finally:
        engine.dispose()
