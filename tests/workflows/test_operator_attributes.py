"""What operators filter on and read (issue #18 item 3), on the time-skipping
server: NextDeadline says when the PO wakes up next (moving on once a
deadline has passed, even when nothing else changed), HoldCodes the open hold
codes of its held invoices, and the current details head with a checklist of
its life. Runs from before the attributes replay as they ran."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import suppress
from datetime import timedelta
from typing import Any

from temporalio.api.sdk.v1 import WorkflowMetadata
from temporalio.client import WorkflowFailureError, WorkflowHandle

from models import HoldCode, InvoiceStatus, PoStatus
from tests.support.builders import full_receipt, invoice, po, running_worker, start, unique
from tests.support.replay import PurchaseOrderWithoutTheGuard, assert_guarded, worker_before
from tests.support.workflows import events, eventually, issued, skip_time
from workflows import search_attributes
from workflows.contract import PoSignal
from workflows.po_steps.patches import PATCH_DEADLINE_HOLD_ATTRIBUTES
from workflows.purchase_order import PurchaseOrderWorkflow

REMINDER_AFTER = timedelta(days=2, hours=1)  # the standard policy reminds after 2 days


async def attributes_once(handle: WorkflowHandle, check: Callable[[Any], bool], seconds: float = 10) -> Any:
    """The PO's search attributes once `check` holds for them (the workflow
    publishes at the end of its step), else as they last read."""
    deadline = asyncio.get_running_loop().time() + seconds
    while True:
        found = (await handle.describe()).typed_search_attributes
        if check(found) or asyncio.get_running_loop().time() > deadline:
            return found
        await asyncio.sleep(0.05)


async def current_details(handle: WorkflowHandle) -> str:
    """What the UI's "Current Details" shows: the metadata query's answer."""
    metadata = await handle.query("__temporal_workflow_metadata", result_type=WorkflowMetadata)
    return str(metadata.current_details)


async def test_next_deadline_follows_the_timers_and_hold_codes_the_held_invoices(env, engine):
    order = po(unique("PO"))  # ACME: acknowledgment asked for, reminded after 2 days
    next_deadline, hold_codes = search_attributes.NEXT_DEADLINE, search_attributes.HOLD_CODES
    async with running_worker(env.client, engine) as queue:
        handle = await issued(env.client, queue, order)
        s = await eventually(handle, lambda s: s.ack_reminder_at is not None)
        found = await attributes_once(handle, lambda a: a.get(next_deadline) == s.ack_reminder_at)
        assert found.get(next_deadline) == s.ack_reminder_at  # the reminder comes first
        assert found.get(hold_codes) is None  # no invoice, no hold
        details = (await current_details(handle)).splitlines()
        assert details[0].startswith(f"**{order.po_number}** r0 · **issued** · 2,140.00 USD")
        assert "- ✓ issued (email)" in details and "- ○ no invoice yet" in details
        assert (
            f"**Next** {s.ack_reminder_at:%Y-%m-%d %H:%M} UTC: reminder 1 to ACME to acknowledge" in details
        )

        # The reminder goes out: status, total, holds and tasks stay as they were,
        # and still the PO's next wake-up moves on to the acknowledgment SLA.
        await skip_time(env, REMINDER_AFTER)
        s = await eventually(handle, lambda s: bool(events(s, "ack_reminder")) and s.ack_reminder_at is None)
        assert s.status == PoStatus.ISSUED and s.ack_due_at is not None
        found = await attributes_once(handle, lambda a: a.get(next_deadline) == s.ack_due_at)
        assert found.get(next_deadline) == s.ack_due_at

        await handle.signal(PoSignal.RECEIPT, full_receipt(order))
        await handle.signal(
            PoSignal.INVOICE, invoice(order, "INV-P1", {1: ("100", "12.90"), 2: ("200", "4.75")})
        )
        s = await eventually(handle, lambda s: bool(s.invoices) and s.invoices[0].match is not None)
        assert s.invoices[0].status == InvoiceStatus.HELD
        assert [h.code for h in s.invoices[0].open_holds] == [HoldCode.PRICE]
        found = await attributes_once(handle, lambda a: a.get(hold_codes) == ["PRICE"])
        assert found.get(hold_codes) == ["PRICE"]
        details = (await current_details(handle)).splitlines()
        assert "- ✓ received 300 of 300" in details
        assert "- ◐ invoices: 1 held PRICE" in details


async def test_a_run_from_before_the_attributes_replays_as_it_ran(env, engine):
    order = po(unique("PO"))
    queue = f"poflow-before-deadline-attrs-{unique('Q')}"
    async with worker_before(env.client, engine, queue, PATCH_DEADLINE_HOLD_ATTRIBUTES):
        handle = await start(env.client, queue, order)
        await eventually(handle, lambda s: s.issued_at is not None)
        # The reminder step changes no published value of the code before, so
        # it published nothing; the code without the guard would have.
        await skip_time(env, REMINDER_AFTER)
        await eventually(handle, lambda s: bool(events(s, "ack_reminder")))
        found = (await handle.describe()).typed_search_attributes
        history = await handle.fetch_history()
        await handle.cancel()  # with the worker running: the test server's clock must not stall
        with suppress(WorkflowFailureError):
            await handle.result()
    assert found.get(search_attributes.NEXT_DEADLINE) is None  # the code before did not publish it
    assert found.get(search_attributes.PO_STATUS) == "issued"
    await assert_guarded(
        history, PATCH_DEADLINE_HOLD_ATTRIBUTES, PurchaseOrderWorkflow, PurchaseOrderWithoutTheGuard
    )
