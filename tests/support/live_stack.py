"""The whole stack for a browser test, on the real Temporal dev server: the
worker in a thread of its own and the API served by uvicorn in another, each
with its own event loop and its own Temporal client (a client belongs to the
loop it was made on), so that a synchronous playwright test can drive them."""

from __future__ import annotations

import asyncio
import dataclasses
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy.engine import Engine

from settings import Settings
from starter.api import create_app
from starter.operations import PoflowService, connect_client
from tests.support.browser import served
from worker import create_worker


@contextmanager
def worker_in_thread(settings: Settings, engine: Engine) -> Iterator[None]:
    """The real worker on `settings.task_queue` until the block ends."""
    ready = threading.Event()
    failed: list[BaseException] = []
    control: dict[str, Any] = {}

    async def run() -> None:
        control["loop"], control["stop"] = asyncio.get_running_loop(), asyncio.Event()
        client = await connect_client(settings)
        async with create_worker(client, engine, settings):
            ready.set()
            await control["stop"].wait()

    def main() -> None:
        try:
            asyncio.run(run())
        except BaseException as exc:  # noqa: BLE001  (reported to the test below)
            failed.append(exc)
            ready.set()

    thread = threading.Thread(target=main, name="worker-under-test", daemon=True)
    thread.start()
    if not ready.wait(30) or failed:
        raise RuntimeError(f"the worker under test did not start: {failed}")
    try:
        yield
    finally:
        control["loop"].call_soon_threadsafe(control["stop"].set)
        thread.join(timeout=30)


@contextmanager
def live_stack(target_host: str, engine: Engine, settings: Settings) -> Iterator[str]:
    """Worker + API against the dev server at `target_host`; yields the API's base URL."""
    settings = dataclasses.replace(settings, temporal_address=target_host)

    async def factory() -> PoflowService:
        return PoflowService(await connect_client(settings), engine, settings)

    with worker_in_thread(settings, engine), served(create_app(factory)) as base:
        yield base
