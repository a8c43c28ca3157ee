"""A worker killed while it issues a PO holds the PO only for the issue's
heartbeat timeout, not for its 2-minute start-to-close timeout (issue #20
item 6: the demo's PO stayed `validating` for 2 minutes after a kill -9 11 s
in). The workflow asks for a heartbeat timeout on issue_po, and the activity
heartbeats before its slow parts, so an attempt whose worker died is retried
on another worker once that much time has passed without a heartbeat."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from temporalio import workflow
from temporalio.testing import ActivityEnvironment

from activities.persistence import PersistenceActivities
from models import IssueRequest
from models.purchase_order import PurchaseOrder
from tests.support.builders import po
from workflows import activity_calls

T0 = datetime(2026, 12, 7, 9, 30, tzinfo=UTC)


def issue_request(order: PurchaseOrder) -> IssueRequest:
    return IssueRequest(
        po_number=order.po_number, revision=order.revision, vendor_id=order.vendor_id, at=T0, po=order
    )


@pytest.mark.parametrize("vendor_id", ["ACME", "LABWORKS"])  # e-mail with a PDF; X12 850
def test_issue_po_heartbeats_while_it_works(seeded_engine: Engine, vendor_id: str) -> None:
    env = ActivityEnvironment()
    beats: list[tuple[Any, ...]] = []
    env.on_heartbeat = lambda *details: beats.append(details)
    order = po("PO-HB-1", vendor=vendor_id)

    result = env.run(PersistenceActivities(seeded_engine).issue_po, issue_request(order))

    assert result.already_issued is False
    assert len(beats) >= 2  # on arrival, and before rendering and storing the message


async def test_the_workflow_asks_for_a_heartbeat_far_shorter_than_the_issue_timeout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    asked: dict[str, Any] = {}

    async def execute_activity(name: str, arg: Any, **options: Any) -> Any:
        asked.update(options, name=name)
        return None

    monkeypatch.setattr(workflow, "execute_activity", execute_activity)
    await activity_calls.issue_po(issue_request(po("PO-HB-2")))

    assert asked["name"] == "issue_po"
    assert asked["start_to_close_timeout"] == timedelta(minutes=2)
    assert asked["heartbeat_timeout"] is not None
    assert asked["heartbeat_timeout"] <= timedelta(seconds=10)
