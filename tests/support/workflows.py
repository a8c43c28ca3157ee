"""Helpers for tests that run PurchaseOrderWorkflow on the time-skipping
server: wait for a state, start an issued PO, expect a refused update, read
the payment hand-offs."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import text
from temporalio.api.testservice.v1 import SleepRequest
from temporalio.client import WorkflowUpdateFailedError
from temporalio.testing import WorkflowEnvironment

from models import PoStatus, PurchaseOrderState, TaskKind
from tests.support.builders import start, state

# One time-skipping sleep RPC waits until every timer inside it has fired and
# its activities have run; on a loaded machine a multi-day jump can outlast the
# RPC's own timeout ("Timeout expired"). Steps keep each call short.
SKIP_STEP = timedelta(hours=6)
SKIP_RPC_TIMEOUT = timedelta(minutes=2)


async def skip_time(env: WorkflowEnvironment, duration: timedelta) -> None:
    """Move the test server's clock forward by `duration`, in steps."""
    left = duration
    while left > timedelta(0):
        step = min(left, SKIP_STEP)
        request = SleepRequest()
        request.duration.FromTimedelta(step)
        # env.sleep() with an explicit RPC timeout: the default one expired
        # while activities inside the step were still running.
        await env.client.test_service.unlock_time_skipping_with_sleep(request, timeout=SKIP_RPC_TIMEOUT)
        left -= step


async def eventually(
    handle, predicate: Callable[[PurchaseOrderState], bool], seconds: float = 15
) -> PurchaseOrderState:
    """Poll the state query until the predicate holds (activities run in real time)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        current = await state(handle)
        if predicate(current):
            return current
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(
                f"condition not reached; status={current.status}, "
                f"timeline={[(e.event, e.detail[:80]) for e in current.timeline]}"
            )
        await asyncio.sleep(0.05)


async def issued(client, queue: str, order):
    """Start a PO below the approval threshold and wait until it is issued."""
    handle = await start(client, queue, order)
    await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
    return handle


async def finished(handle) -> PurchaseOrderState:
    """Wait for the workflow to end by polling, not with handle.result():
    waiting on a result lets the test server skip time to the next timer
    (e.g. a receipt due in a year) while activities are between steps. The
    final state by query: the result is a small PoOutcome (workflows.outcome)."""
    await eventually(handle, lambda s: s.is_final, seconds=30)
    await handle.result()
    return await state(handle)


async def refused(call, reason: str) -> None:
    """The update validator refuses the call, with a message saying why."""
    with pytest.raises(WorkflowUpdateFailedError) as failure:
        await call
    assert reason in str(failure.value.cause), failure.value.cause


def open_task(s: PurchaseOrderState, kind: TaskKind):
    tasks = [t for t in s.open_tasks if t.kind == kind]
    assert tasks, f"no open {kind.value} task; tasks={[(t.kind.value, t.status.value) for t in s.tasks]}"
    return tasks[0]


def handoffs(engine, po_number: str) -> list[tuple[str, str]]:
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT invoice_id, amount FROM payment_handoffs WHERE po_number = :p"), {"p": po_number}
        ).all()
    return [(r[0], str(r[1])) for r in rows]


def events(s: PurchaseOrderState, event: str) -> list[str]:
    """The details of the PO's timeline entries of one kind, in order."""
    return [e.detail for e in s.timeline if e.event == event]


async def told(engine, po_number: str, key: str, seconds: float = 15) -> list[tuple[str, str, str]]:  # type: ignore[no-untyped-def]
    """The notification `key` of the PO, once its activity has written it (the
    state query may show what made it before the activity ran)."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT recipient, subject, body FROM notifications WHERE notification_id = :id"),
                {"id": f"{po_number}:{key}"},
            ).all()
        if rows or asyncio.get_running_loop().time() > deadline:
            return [(r[0], r[1], r[2]) for r in rows]
        await asyncio.sleep(0.05)
