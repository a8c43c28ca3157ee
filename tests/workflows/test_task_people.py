"""Tasks with named people (issue #16 item 4), on the time-skipping server: a
task is with the people who hold its role, or their delegates while they are
out of office; when its SLA lapses it goes to their deputies, then their
managers, named from the organisation data, each rung in the history; any
person it is with may decide it (limits and segregation of duties still apply)."""

from __future__ import annotations

import asyncio
from contextlib import suppress
from datetime import UTC, datetime, timedelta

import pytest
from temporalio.client import WorkflowFailureError

from activities.db import principals
from activities.db.approval_matrix import set_approval_limits
from activities.db.org import add_delegation, set_org
from identity.roles import Kind, Role
from models import PoStatus, TaskKind
from tests.support.builders import decide, po, running_worker, seeded_sqlite, start, unique
from tests.support.replay import PurchaseOrderWithoutTheGuard, assert_guarded, worker_before
from tests.support.workflows import eventually, open_task, refused, skip_time
from workflows import search_attributes
from workflows.po_steps.patches import PATCH_DEADLINE_HOLD_ATTRIBUTES, PATCH_ESCALATION_ATTRIBUTE
from workflows.purchase_order import PurchaseOrderWorkflow

NOW = datetime.now(UTC)


@pytest.fixture
def engine(tmp_path):
    """Its own database per test: who holds a role is what these tests are about."""
    engine = seeded_sqlite(tmp_path / "poflow.db")
    for login, roles in (("alice.approver", [Role.BUDGET_OWNER]), ("dana.deputy", []), ("mike.manager", [])):
        principals.add_principal(engine, login, kind=Kind.PERSON, display_name=login, roles=roles, now=NOW)
    set_org(engine, "alice.approver", deputy="dana.deputy", manager="mike.manager")
    yield engine
    engine.dispose()


async def escalation_attribute(handle, expected: int, seconds: float = 10) -> int | None:
    """The PO's TaskEscalation search attribute once it reads `expected` (the
    workflow publishes it at the end of its step), else as it last read."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        described = await handle.describe()
        found = described.typed_search_attributes.get(search_attributes.TASK_ESCALATION)
        if found == expected or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.05)


async def test_an_overdue_task_goes_to_the_deputy_then_the_manager_by_name(env, engine):
    order = po(unique("PO"), gloves="1000")  # 12,850 USD: one budget owner
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        s = await eventually(handle, lambda s: s.status == PoStatus.PENDING_APPROVAL)
        assert open_task(s, TaskKind.APPROVE_PO).assignees == ["alice.approver"]
        task_id = open_task(s, TaskKind.APPROVE_PO).task_id
        await refused(
            decide(handle, task_id, "approve", actor="dana.deputy", roles=[]), "does not hold the role"
        )

        await skip_time(env, timedelta(days=2, hours=1))  # the standard task SLA is 2 days
        s = await eventually(handle, lambda s: open_task(s, TaskKind.APPROVE_PO).escalation_level == 1)
        assert open_task(s, TaskKind.APPROVE_PO).assignees == ["dana.deputy", "alice.approver"]
        assert await escalation_attribute(handle, 1) == 1  # operators find it in the Temporal UI
        await skip_time(env, timedelta(days=2, hours=1))
        s = await eventually(handle, lambda s: open_task(s, TaskKind.APPROVE_PO).escalation_level == 2)
        assert open_task(s, TaskKind.APPROVE_PO).assignees == [
            "mike.manager",
            "dana.deputy",
            "alice.approver",
        ]

        assert await escalation_attribute(handle, 2) == 2
        await decide(handle, task_id, "approve", actor="mike.manager", roles=[])  # named: no role needed
        s = await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
        assert await escalation_attribute(handle, 0) == 0  # no open task left up the ladder
    rungs = [e.detail for e in s.timeline if e.event == "task_escalated"]
    assert rungs == [
        f"{task_id} approve_po overdue → deputy: dana.deputy (deputy of alice.approver)",
        f"{task_id} approve_po overdue → manager: mike.manager (manager of alice.approver)",
    ]


async def test_a_task_goes_to_the_delegate_of_someone_out_of_office(env, engine):
    # The time-skipping clock runs years ahead of the wall clock once other tests skipped: a wide window.
    add_delegation(
        engine,
        "alice.approver",
        to="dana.deputy",
        starts_at=NOW - timedelta(days=1),
        ends_at=NOW + timedelta(days=36500),
        reason="parental leave",
        now=NOW,
    )
    set_approval_limits(engine, "dana.deputy", {})  # the decision carries the limits (tests.support.builders)
    order = po(unique("PO"), gloves="1000")
    async with running_worker(env.client, engine) as queue:
        handle = await start(env.client, queue, order)
        s = await eventually(handle, lambda s: s.status == PoStatus.PENDING_APPROVAL)
        task = open_task(s, TaskKind.APPROVE_PO)
        assert task.assignees == ["dana.deputy"]
        opened = next(e.detail for e in s.timeline if e.event == "task_opened")
        assert "alice.approver is out of office: dana.deputy stands in" in opened
        await decide(handle, task.task_id, "approve", actor="dana.deputy", roles=[])
        s = await eventually(handle, lambda s: s.status == PoStatus.ISSUED)
    assert [t.decided_by for t in s.tasks] == ["dana.deputy"]


async def test_a_run_from_before_the_escalation_attribute_replays_as_it_ran(env, engine):
    """Recorded without the patch marker: its escalation published nothing
    (the PO's view did not change); today's code replays it, and publishing
    with no guard would not (an upsert and a projection the history lacks)."""
    queue = f"poflow-before-escalation-attribute-{unique('Q')}"
    # Before NextDeadline too, which the escalation moves (a later patch that publishes).
    later = (PATCH_DEADLINE_HOLD_ATTRIBUTES,)
    async with worker_before(env.client, engine, queue, PATCH_ESCALATION_ATTRIBUTE, later=later):
        handle = await start(env.client, queue, po(unique("PO"), gloves="1000"))
        await eventually(handle, lambda s: s.status == PoStatus.PENDING_APPROVAL)
        await skip_time(env, timedelta(days=2, hours=1))
        await eventually(handle, lambda s: open_task(s, TaskKind.APPROVE_PO).escalation_level == 1)
        history = await handle.fetch_history()
        await handle.cancel()  # with the worker running: the test server's clock must not stall
        with suppress(WorkflowFailureError):
            await handle.result()
    await assert_guarded(
        history, PATCH_ESCALATION_ATTRIBUTE, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard
    )
