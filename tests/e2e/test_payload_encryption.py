"""Payload encryption against the real Temporal dev server (issue #18 item 5):
with keys configured, Temporal's own SQLite file holds no PO in clear while
poflow's client still reads it; a PO started before encryption was switched
on (plain JSON) still runs and replays; and the Temporal UI's path — a
history payload sent to the API's /codec/decode — gives the plaintext back.

The control run (plain JSON, the same database file) shows the search looks
in the right place: its marker is there."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest
from google.protobuf import json_format
from temporalio.api.common.v1 import Payload
from temporalio.api.enums.v1 import EventType
from temporalio.client import Client, WorkflowHandle
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from models import PurchaseOrderInput, PurchaseOrderState
from ops.codec import KEY_ID_METADATA, new_key_entry
from ops.converter import data_converter
from settings import Settings
from starter.api import create_app
from starter.operations import PoflowService
from tests.support.builders import po, seeded_sqlite, settings_for, state
from tests.support.identity import authenticate_app, bearer
from tests.support.temporal import binary
from worker import create_worker
from workflows.contract import WorkflowType, po_workflow_id
from workflows.purchase_order import PurchaseOrderWorkflow
from workflows.search_attributes import ALL_KEYS

pytestmark = pytest.mark.devserver


def marker(kind: str) -> str:
    return f"{kind}-MARKER-{uuid.uuid4().hex.upper()}"


async def start_po(client: Client, settings: Settings, note: str) -> WorkflowHandle[Any, Any]:
    order = po(f"PO-ENC-{uuid.uuid4().hex[:6].upper()}", note=note)
    return await client.start_workflow(
        WorkflowType.PURCHASE_ORDER,
        PurchaseOrderInput(po=order),
        id=po_workflow_id(order.po_number),
        task_queue=settings.task_queue,
        result_type=PurchaseOrderState,
    )


async def past_first_activity(handle: WorkflowHandle[Any, Any], seconds: float = 20) -> None:
    """Until an activity has run: its arguments and result are in the history too."""
    deadline = asyncio.get_running_loop().time() + seconds
    while asyncio.get_running_loop().time() < deadline:
        history = await handle.fetch_history()
        if any(e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED for e in history.events):
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"{handle.id}: no activity completed in {seconds} s")


def database_bytes(db_file: Path) -> bytes:
    """The dev server's SQLite file and its journal or write-ahead log, as far as
    they exist at this moment (the server drops a rollback journal at each commit)."""
    found = []
    for path in sorted(db_file.parent.glob(db_file.name + "*")):
        try:
            found.append(path.read_bytes())
        except FileNotFoundError:
            continue  # a journal committed away between the listing and the read
    return b"".join(found)


async def started_input(client: Client, handle: WorkflowHandle[Any, Any]) -> Payload:
    """The start event's input as Temporal stores it (fetch_history does not decode)."""
    history = await handle.fetch_history()
    started = history.events[0].workflow_execution_started_event_attributes
    return started.input.payloads[0]


async def decode_through_the_api(
    client: Client, engine: Any, settings: Settings, payload: Payload
) -> PurchaseOrderInput:
    """What the Temporal UI does with a payload: POST it to the codec endpoint."""
    app = create_app()
    app.state.service = PoflowService(client, engine, settings)  # ASGITransport runs no lifespan
    tokens = authenticate_app(app, engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://poflow") as http:
        answer = await http.post(
            "/codec/decode",
            json={"payloads": [json_format.MessageToDict(payload)]},
            headers=bearer(tokens["carol"]) | {"X-Namespace": settings.temporal_namespace},
        )
    assert answer.status_code == 200, answer.text
    [decoded] = [json_format.ParseDict(p, Payload()) for p in answer.json()["payloads"]]
    [value] = pydantic_data_converter.payload_converter.from_payloads([decoded], [PurchaseOrderInput])
    return value


async def test_temporal_stores_ciphertext_the_client_reads_it_and_the_ui_path_decodes_it(
    tmp_path: Path,
) -> None:
    engine = seeded_sqlite(tmp_path / "poflow.db")
    settings = dataclasses.replace(
        settings_for(str(engine.url), f"poflow-enc-{uuid.uuid4().hex[:8]}"),
        payload_keys=new_key_entry("e2e-1"),
    )
    db_file = tmp_path / "temporal" / "t.db"
    db_file.parent.mkdir()
    env = await WorkflowEnvironment.start_local(
        dev_server_existing_path=binary("temporal"),
        data_converter=data_converter(settings),
        search_attributes=ALL_KEYS,
        dev_server_database_filename=str(db_file),
        dev_server_log_level="error",
    )
    try:
        secret, legacy = marker("SECRET"), marker("PLAIN")
        # A client from before encryption (plain JSON) on the same server.
        plain_client = Client(env.client.service_client, data_converter=pydantic_data_converter)
        async with create_worker(env.client, engine, settings):
            encrypted_po = await start_po(env.client, settings, secret)
            started_in_clear = await start_po(plain_client, settings, legacy)
            legacy_po = env.client.get_workflow_handle(started_in_clear.id, result_type=PurchaseOrderState)
            await past_first_activity(encrypted_po)
            await past_first_activity(legacy_po)

            # The client with the keys reads both: its own and the one written in clear.
            assert (await state(encrypted_po)).po.note == secret
            assert (await state(legacy_po)).po.note == legacy

            stored = await started_input(env.client, encrypted_po)
            assert stored.metadata["encoding"] == b"binary/encrypted"
            assert stored.metadata[KEY_ID_METADATA] == b"e2e-1"
            decoded = await decode_through_the_api(env.client, engine, settings, stored)
            assert decoded.po.note == secret

            at_rest = database_bytes(db_file)
            assert legacy.encode() in at_rest  # the control: plain JSON is readable in the file
            assert secret.encode() not in at_rest

            # Both histories replay with poflow's converter (the keys decrypt, plain passes).
            replayer = Replayer(workflows=[PurchaseOrderWorkflow], data_converter=data_converter(settings))
            for handle in (encrypted_po, legacy_po):
                await replayer.replay_workflow(await handle.fetch_history())
                await handle.terminate("test over")
    finally:
        await env.shutdown()
        engine.dispose()
