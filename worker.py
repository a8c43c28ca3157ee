"""The poflow worker: registers the workflows and activities on task queue
`poflow` with the pydantic data converter, and shuts down gracefully on
SIGINT/SIGTERM (in-flight activities finish; workflows resume elsewhere).

    python -m worker        # or: poflow worker
"""

from __future__ import annotations

import asyncio
import logging
import signal
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import httpx
from sqlalchemy.engine import Engine
from temporalio.client import Client
from temporalio.worker import Worker

from activities.db import make_engine, migrate
from activities.intake_activities import IntakeActivities
from activities.item_master import ItemMasterActivities
from activities.match_activity import match_invoice_activity
from activities.notifications import NotificationActivities
from activities.people import PeopleActivities
from activities.persistence import PersistenceActivities
from activities.po_channel import EdiSender
from ops.connection import connect_temporal
from ops.logs import configure_logging
from ops.metrics import worker_runtime
from settings import Settings, load_settings
from workflows.document_intake import DocumentIntakeWorkflow
from workflows.purchase_order import PurchaseOrderWorkflow

log = logging.getLogger("poflow.worker")

WORKFLOWS = [PurchaseOrderWorkflow, DocumentIntakeWorkflow]


def build_activities(
    client: Client, engine: Engine, settings: Settings, http: httpx.AsyncClient | None
) -> list:
    """Every activity the workflows call, bound to their resources."""
    return [
        *PersistenceActivities(engine, EdiSender.from_settings(settings)).all(),
        *PeopleActivities(engine).all(),
        *ItemMasterActivities(engine).all(),
        NotificationActivities(engine, settings.webhook_url, http).notify,
        match_invoice_activity,
        *IntakeActivities(engine, client, settings).all(),
    ]


def create_worker(
    client: Client,
    engine: Engine,
    settings: Settings,
    http: httpx.AsyncClient | None = None,
    executor: ThreadPoolExecutor | None = None,
) -> Worker:
    # Database activities are sync `def`s: they run in this thread pool so the
    # event loop (workflow tasks, heartbeats) never waits on the database.
    return Worker(
        client,
        task_queue=settings.task_queue,
        workflows=WORKFLOWS,
        activities=build_activities(client, engine, settings, http),
        activity_executor=executor
        or ThreadPoolExecutor(max_workers=16, thread_name_prefix="poflow-activity"),
        graceful_shutdown_timeout=timedelta(seconds=10),
        max_cached_workflows=settings.max_cached_workflows,
    )


async def connect(settings: Settings) -> Client:
    # The worker's client carries the runtime that serves the SDK's metrics
    # (POFLOW_WORKER_METRICS); the Worker reports through its client's runtime.
    return await connect_temporal(settings, runtime=worker_runtime(settings))


async def run_worker(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    migrate(engine)
    client = await connect(settings)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with httpx.AsyncClient() as http:
        worker = create_worker(client, engine, settings, http)
        async with worker:
            log.info("worker polling task queue %r on %s", settings.task_queue, settings.temporal_address)
            if settings.worker_metrics:
                log.info("Temporal SDK metrics on http://%s/metrics", settings.worker_metrics)
            await stop.wait()
            log.info("shutting down: finishing in-flight activities")
    engine.dispose()


def main() -> None:
    settings = load_settings()
    configure_logging(settings.log_format)
    asyncio.run(run_worker(settings))


if __name__ == "__main__":
    main()
