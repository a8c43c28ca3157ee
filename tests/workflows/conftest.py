"""Fixtures of the workflow tests: a seeded SQLite database per module (a
module may override `engine`, e.g. to change a policy) and a time-skipping
server per test as `env`.

Why per test: the test server keeps its clock locked while a workflow task is
scheduled and not yet completed (sdk-java TestWorkflowMutableStateImpl,
`ctx.lockTimer("scheduleWorkflowTask")`). A workflow an earlier test left
behind, whose worker is gone, gets such a task when its timer fires inside a
later test's skip; nobody completes it, the clock stops, and that skip ends in
"Timeout expired" (seen in full CI runs, never in a module alone). A server
costs about 0.1 s to start."""

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


@pytest_asyncio.fixture(loop_scope="session")
async def env() -> AsyncIterator[WorkflowEnvironment]:
    own = await start_time_skipping_server()
    try:
        yield own
    finally:
        await own.shutdown()
