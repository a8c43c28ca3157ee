"""Proving a `workflow.patched` guard: record a run as the code before the
change ran it (a worker that never activates the patch), replay the history
with today's code (it must pass), and with today's code minus the guard (it
must fail with a NondeterminismError — else the guard protects nothing)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from typing import Any
from unittest.mock import patch

import pytest
from sqlalchemy.engine import Engine
from temporalio import workflow
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer, Worker
from temporalio.workflow import NondeterminismError

from models import PurchaseOrderInput, PurchaseOrderState
from models.intake import IntakeInput, IntakeState
from tests.support.builders import settings_for
from worker import build_activities
from workflows.contract import WorkflowType
from workflows.document_intake import DocumentIntakeWorkflow
from workflows.po_steps.patches import PATCH_BASELINE, PATCH_GROUPS
from workflows.purchase_order import PurchaseOrderWorkflow

__all__ = [
    "IntakeWithoutTheGuard",
    "PurchaseOrderWithoutTheGuard",
    "assert_guarded",
    "before_the_baseline",
    "worker_before",
]


def before_the_baseline(patch: Any) -> bool:
    """A worker's patch_activation_callback for a run recorded as code from
    before the baseline ran it: patch by patch, never PATCH_BASELINE."""
    return bool(patch.patch_id != PATCH_BASELINE)


@asynccontextmanager
async def worker_before(
    client: Client,
    engine: Engine,
    queue: str,
    patch_id: str,
    workflows: Sequence[type] = (PurchaseOrderWorkflow,),
    *,
    later: Sequence[str] = (),
) -> AsyncIterator[Worker]:
    """A worker running today's code as if `patch_id` did not exist yet, nor
    the patches in `later` (added since: a run from before had none of them,
    and one of them may do what the guard is there to stop, e.g. publish)."""
    # A group marker (the baseline, ...) would put every patch of its group in force.
    absent = {patch_id, *later, *(marker for marker, _ in PATCH_GROUPS)}
    with ThreadPoolExecutor(max_workers=4) as executor:
        async with Worker(
            client,
            task_queue=queue,
            workflows=list(workflows),
            activities=build_activities(client, engine, settings_for(str(engine.url), queue), None),
            activity_executor=executor,
            patch_activation_callback=lambda p: p.patch_id not in absent,
        ) as worker:
            yield worker


async def replay(history: WorkflowHistory, workflow_class: type) -> None:
    await Replayer(workflows=[workflow_class], data_converter=pydantic_data_converter).replay_workflow(
        history
    )


async def assert_guarded(
    history: WorkflowHistory, patch_id: str, workflow_class: type, unguarded: Any
) -> None:
    """Today's code replays the history recorded before `patch_id`; the same
    code with that guard taken away does not."""
    await replay(history, workflow_class)
    unguarded.forced = patch_id
    try:
        with pytest.raises(NondeterminismError):
            await replay(history, unguarded)
    finally:
        unguarded.forced = ""


def _patched_but(forced: str) -> Any:
    real = workflow.patched
    return patch.object(workflow, "patched", lambda patch_id: patch_id == forced or real(patch_id))


@workflow.defn(name=WorkflowType.PURCHASE_ORDER, sandboxed=False)
class PurchaseOrderWithoutTheGuard(PurchaseOrderWorkflow):
    """Today's PO workflow with the guard of `forced` taken away."""

    forced = ""

    @workflow.init
    def __init__(self, inp: PurchaseOrderInput) -> None:
        super().__init__(inp)

    @workflow.run
    async def run(self, inp: PurchaseOrderInput) -> PurchaseOrderState:
        with _patched_but(self.forced):
            return await super().run(inp)


@workflow.defn(name=WorkflowType.DOCUMENT_INTAKE, sandboxed=False)
class IntakeWithoutTheGuard(DocumentIntakeWorkflow):
    """Today's intake workflow with the guard of `forced` taken away."""

    forced = ""

    @workflow.init
    def __init__(self, inp: IntakeInput) -> None:
        super().__init__(inp)

    @workflow.run
    async def run(self, inp: IntakeInput) -> IntakeState:
        with _patched_but(self.forced):
            return await super().run(inp)
