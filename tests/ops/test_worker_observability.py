"""The worker as an SRE sees it (issue #18), on a real worker and the
time-skipping server: the Temporal SDK's Prometheus metrics on
POFLOW_WORKER_METRICS, set up the way `worker.connect` does it; an activity
failure counted there (poflow's database keeps none, so that is where SREs
alert on them); and the PO workflow's own log lines as JSON carrying its
workflow id and PO number."""

from __future__ import annotations

import asyncio
import dataclasses
import io
import json
import logging
import time
import urllib.request
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families
from temporalio import activity, workflow
from temporalio.common import RetryPolicy
from temporalio.worker import Worker

import worker as poflow_worker
from ops.logs import PoflowJsonFormatter
from starter.stack_config import free_local_port
from tests.support.builders import po, running_worker, seeded_sqlite, settings_for, start
from tests.support.temporal import start_time_skipping_server


@activity.defn
async def post_to_erp(failures: int) -> str:
    """Fails its first `failures` attempts, as an ERP that times out would."""
    if activity.info().attempt <= failures:
        raise RuntimeError("the ERP timed out")
    return "posted"


@workflow.defn(sandboxed=False)  # a test's own workflow; poflow's run sandboxed below
class PostOnce:
    @workflow.run
    async def run(self) -> str:
        return await workflow.execute_activity(
            post_to_erp,
            1,
            start_to_close_timeout=timedelta(seconds=10),
            retry_policy=RetryPolicy(initial_interval=timedelta(milliseconds=50)),
        )


@pytest.fixture
def workflow_lines(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """The workflows' log lines as JSON (configure_logging's formatter and message setting)."""
    monkeypatch.setattr(workflow.logger, "workflow_info_on_message", False)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(PoflowJsonFormatter())
    logger = logging.getLogger("temporalio.workflow")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def scrape(address: str) -> dict[str, list[dict[str, str]]]:
    """Metric name → the label sets of its samples, from the worker's endpoint."""
    with urllib.request.urlopen(f"http://{address}/metrics", timeout=5) as response:
        text = response.read().decode()
    found: dict[str, list[dict[str, str]]] = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found.setdefault(family.name, []).append(sample.labels)  # as exposed: no _total added
    return found


async def eventually(check: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        result = await asyncio.to_thread(check)
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.2)


async def test_the_worker_serves_sdk_metrics_and_logs_json(
    tmp_path: Path, workflow_lines: io.StringIO
) -> None:
    env = await start_time_skipping_server()
    engine = seeded_sqlite(tmp_path / "poflow.db")
    address = f"127.0.0.1:{free_local_port()}"
    settings = dataclasses.replace(
        settings_for(str(engine.url), "poflow"),
        temporal_address=env.client.service_client.config.target_host,
        worker_metrics=address,
    )
    try:
        client = await poflow_worker.connect(settings)
        async with running_worker(client, engine) as queue:
            await start(client, queue, po("7001"))

            def po_lines() -> list[dict[str, Any]]:
                lines = [json.loads(line) for line in workflow_lines.getvalue().splitlines()]
                return [line for line in lines if line.get("po_number") == "7001"]

            lines = await eventually(po_lines)
        assert lines, workflow_lines.getvalue()
        assert {(line["workflow_id"], line["workflow_type"]) for line in lines} == {
            ("po-7001", "PurchaseOrderWorkflow")
        }
        assert all(line["run_id"] for line in lines)

        erp_queue = f"erp-{uuid.uuid4().hex[:8]}"
        async with Worker(client, task_queue=erp_queue, workflows=[PostOnce], activities=[post_to_erp]):
            assert await client.execute_workflow(PostOnce.run, id=erp_queue, task_queue=erp_queue) == "posted"

        def failed() -> list[dict[str, str]]:
            return scrape(address).get("temporal_activity_execution_failed", [])

        failures = await eventually(failed)
        assert [labels["activity_type"] for labels in failures] == ["post_to_erp"]
        metrics = await asyncio.to_thread(scrape, address)
        assert any(
            labels.get("workflow_type") == "PurchaseOrderWorkflow"
            for name, samples in metrics.items()
            if name.startswith("temporal_")
            for labels in samples
        )
    finally:
        engine.dispose()
        await env.shutdown()
