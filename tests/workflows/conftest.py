"""Fixtures of the workflow tests: a seeded SQLite database per module (a
module may override `engine`, e.g. to change a policy) and the shared
time-skipping server as `env`."""

from __future__ import annotations

import pytest
from temporalio.testing import WorkflowEnvironment

from tests.support.builders import seeded_sqlite
from tests.support.db import fixture_blank_engine  # noqa: F401  (fixture, registered by import)


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory):
    engine = seeded_sqlite(tmp_path_factory.mktemp("wf") / "poflow.db")
    yield engine
    engine.dispose()


@pytest.fixture
async def env(time_skipping_env: WorkflowEnvironment) -> WorkflowEnvironment:
    return time_skipping_env
