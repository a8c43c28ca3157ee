"""Deliberately non-deterministic versions of PurchaseOrderWorkflow: changes
made without the `workflow.patched` guard they need, to prove that replaying
recorded histories (tests/histories, `poflow replay`) catches them.

Registered under the PO workflow's name, unsandboxed (like the variants of
tests/support/replay.py), so a Replayer runs them in its place."""

from __future__ import annotations

from datetime import timedelta
from unittest.mock import patch

from temporalio import workflow

from models import PurchaseOrderInput, PurchaseOrderState
from workflows.contract import WorkflowType
from workflows.po_steps.patches import PATCH_CANCEL_AND_REMIND_BY_CHANNEL
from workflows.purchase_order import PurchaseOrderWorkflow

__all__ = ["RemindsByNotification", "WaitsBeforeValidating"]


@workflow.defn(name=WorkflowType.PURCHASE_ORDER, sandboxed=False)
class WaitsBeforeValidating(PurchaseOrderWorkflow):
    """A new first step, unguarded: a timer before the vendor's policy is
    loaded. Every PO that ran before has its first activity where this code
    starts a timer."""

    @workflow.init
    def __init__(self, inp: PurchaseOrderInput) -> None:
        super().__init__(inp)

    @workflow.run
    async def run(self, inp: PurchaseOrderInput) -> PurchaseOrderState:
        return await super().run(inp)

    async def _validate_and_approve(self) -> None:
        await workflow.sleep(timedelta(seconds=1))
        await super()._validate_and_approve()


@workflow.defn(name=WorkflowType.PURCHASE_ORDER, sandboxed=False)
class RemindsByNotification(PurchaseOrderWorkflow):
    """The acknowledgment reminder back to a notification with the
    `cancel-and-remind-by-channel` guard taken away: a PO reminded through its
    channel (activity issue_po) meets a notify activity where it sent it."""

    @workflow.init
    def __init__(self, inp: PurchaseOrderInput) -> None:
        super().__init__(inp)

    @workflow.run
    async def run(self, inp: PurchaseOrderInput) -> PurchaseOrderState:
        return await super().run(inp)

    async def _remind_supplier(self) -> None:
        real = workflow.patched
        with patch.object(
            workflow,
            "patched",
            lambda patch_id: patch_id != PATCH_CANCEL_AND_REMIND_BY_CHANNEL and real(patch_id),
        ):
            await super()._remind_supplier()
