"""Fixtures of the workflow tests: a seeded SQLite database per module (a
module may override `engine`, e.g. to change a policy) and a time-skipping
server per module as `env`: a workflow another module left with a due timer
and no worker holds a shared server's clock, and a later module's time skip
then never completes (seen in full CI runs, never in a module alone)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from tests.support.builders import seeded_sqlite
from tests.support.db import fixture_blank_engine  # noqa: F401  (fixture, registered by import)
from tests.support.temporal import start_time_skipping_server


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    engine = seeded_sqlite(tmp_path_factory.mktemp("wf") / "poflow.db")
    yield engine
    engine.dispose()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    own = await start_time_skipping_server()
    try:
        yield own
    finally:
        await own.shutdown()
