"""The demo's scenarios (tools/demo.py, unchanged) run in-process, as
`poflow up` runs them: through the HTTP API (httpx.ASGITransport, no
lifespan) against a Temporal server, the real worker and a seeded database.

Used by tests/e2e/test_match_replay.py (replays every live match offline)
and tools/record_histories.py (records every scenario's workflow histories
into tests/histories/)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
from sqlalchemy.engine import Engine
from temporalio.client import Client

from settings import Settings
from starter.api import create_app
from starter.operations import PoflowService
from tests.support.identity import authenticate_app, bearer
from tools import demo
from worker import create_worker

__all__ = ["DECIDERS", "ScenarioRun", "run_demo_scenarios"]

# The people the demo's scenarios decide as (the matrix sends suspected duplicates to an AP manager).
DECIDERS = ("bob.buyer", "carl.clerk", "anna.apmanager")


@dataclass(frozen=True)
class ScenarioRun:
    """One scenario as it ended. Each scenario numbers its POs with a run id
    of its own (PO-<run_id>-NN), so its workflows can be told apart."""

    name: str
    outcome: demo.Outcome
    run_id: str

    def owns(self, po_number: str) -> bool:
        return po_number.startswith(f"PO-{self.run_id}-")


async def run_demo_scenarios(
    client: Client, engine: Engine, settings: Settings, scenarios: Sequence[tuple[str, str, demo.Scenario]]
) -> list[ScenarioRun]:
    """Run `scenarios` concurrently, as the demo does, until each has ended.
    `engine` is a seeded database the worker and the API share; `settings`
    name it and a task queue of the run's own. (No tests.support.builders
    here: tools/record_histories.py imports this module, and mypy checks
    what tools import.)"""
    app = create_app()
    app.state.service = PoflowService(client, engine, settings)  # ASGITransport runs no lifespan
    tokens = authenticate_app(app, engine)
    transport = httpx.ASGITransport(app=app)

    def as_login(login: str) -> httpx.AsyncClient:
        """The API as `login` (the demo's systems and people: tests.support.identity)."""
        return httpx.AsyncClient(
            transport=transport, base_url="http://poflow", timeout=30, headers=bearer(tokens[login])
        )

    # 10 digits of time and 2 of the scenario: the demo's 12-digit run id.
    stamp = datetime.now(UTC).strftime("%y%m%d%H%M")
    async with create_worker(client, engine, settings), AsyncExitStack() as clients:
        http, files, *deciders = [
            await clients.enter_async_context(as_login(login)) for login in ("erp", "edi-gateway", *DECIDERS)
        ]
        people = dict(zip(DECIDERS, deciders, strict=True))
        runs = [demo.Demo(http, f"{stamp}{n:02d}", files=files, people=people) for n in range(len(scenarios))]
        outcomes = await asyncio.gather(
            *(
                demo._run_one(run, name, expected, scenario, "ui")
                for run, (name, expected, scenario) in zip(runs, scenarios, strict=True)
            )
        )
    return [
        ScenarioRun(name, outcome, run.run_id)
        for run, (name, _, _), outcome in zip(runs, scenarios, outcomes, strict=True)
    ]
