"""Running POs must keep running: every recorded history (tests/histories,
made by tools/record_histories.py from the demo's scenarios) replays with
today's code, so a workflow change that would break a PO or an intake already
running fails here, not in production. Offline: a Replayer, no server.

And the guard is proven to guard: changes made without the `workflow.patched`
they need (tests/support/breaking.py) are caught by these histories, at the
event the code first disagrees with, by the suite and by `poflow replay`."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import pytest
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory
from temporalio.worker import Replayer

from ops import replay
from ops.converter import data_converter
from starter import cli
from tests.support.breaking import RemindsByNotification, WaitsBeforeValidating
from workflows.contract import WorkflowType
from workflows.document_intake import DocumentIntakeWorkflow
from workflows.po_steps.patches import PATCH_CANCEL_AND_REMIND_BY_CHANNEL

HISTORIES = Path(__file__).resolve().parents[1] / "histories"
FILES = sorted(HISTORIES.glob("*.json"))


def workflow_type(history: WorkflowHistory) -> str:
    return history.events[0].workflow_execution_started_event_attributes.workflow_type.name


def scheduled_activity(event: HistoryEvent) -> str | None:
    if not event.HasField("activity_task_scheduled_event_attributes"):
        return None
    return event.activity_task_scheduled_event_attributes.activity_type.name


def patch_id(event: HistoryEvent) -> str | None:
    if not event.HasField("marker_recorded_event_attributes"):
        return None
    data = event.marker_recorded_event_attributes.details.get("patch-data")
    return json.loads(data.payloads[0].data)["id"] if data else None


def replay_all(workflows: list[type]) -> list[replay.Replayed]:
    """Every recorded history replayed with `workflows`, as `poflow replay` does."""

    async def run() -> list[replay.Replayed]:
        histories = [replay.read_history(path) for path in FILES]
        return [result async for result in replay.replay_histories(histories, data_converter(), workflows)]

    return asyncio.run(run())


def poflow(argv: list[str]) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(argv, io=cli.Io(io.BytesIO(), out, err))
    return code, out.getvalue(), err.getvalue()


def test_the_demo_scenarios_are_recorded_for_both_workflows() -> None:
    types = {workflow_type(replay.read_history(path)) for path in FILES}
    assert types == {WorkflowType.PURCHASE_ORDER, WorkflowType.DOCUMENT_INTAKE}
    assert (HISTORIES / "README.md").is_file()


@pytest.mark.parametrize("path", FILES, ids=[path.stem for path in FILES])
async def test_a_recorded_history_replays_with_todays_code(path: Path) -> None:
    replayer = Replayer(workflows=replay.poflow_workflows(), data_converter=data_converter())
    await replayer.replay_workflow(replay.read_history(path))  # raises NondeterminismError if not


def test_an_unguarded_new_first_step_breaks_every_recorded_po_at_its_first_activity() -> None:
    results = replay_all([WaitsBeforeValidating, DocumentIntakeWorkflow])

    for path, result in zip(FILES, results, strict=True):
        history = replay.read_history(path)
        if result.workflow_type == WorkflowType.DOCUMENT_INTAKE:
            assert result.ok, path.name  # the change is the PO workflow's: intakes still replay
            continue
        first = next(event for event in history.events if scheduled_activity(event))
        assert result.broken == replay.Break(
            first.event_id,
            "ActivityTaskScheduled",
            f"the history has activity {scheduled_activity(first)}, the code issued a timer",
        ), path.name


def reminded_through_the_channel(history: WorkflowHistory) -> tuple[HistoryEvent, HistoryEvent] | None:
    """The cancel-and-remind-by-channel marker and the activity after it, if
    this run reminded its supplier under that patch."""
    marker = next((e for e in history.events if patch_id(e) == PATCH_CANCEL_AND_REMIND_BY_CHANNEL), None)
    if marker is None:
        return None
    return marker, next(e for e in history.events if e.event_id > marker.event_id and scheduled_activity(e))


GUARD_GONE = f"the history has patch marker {PATCH_CANCEL_AND_REMIND_BY_CHANNEL}, the code no longer asks workflow.patched"


def test_the_reminder_back_to_a_notification_without_its_guard_breaks_the_reminded_po(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    results = replay_all([RemindsByNotification, DocumentIntakeWorkflow])

    reminded = []
    for path, result in zip(FILES, results, strict=True):
        found = reminded_through_the_channel(replay.read_history(path))
        if found is None:
            assert result.ok, path.name  # no reminder under the patch: nothing to disagree with
            continue
        marker, sent = found
        assert scheduled_activity(sent) == "issue_po"  # the reminder went through the vendor's channel
        # The first disagreement is the marker: the code no longer asks for the patch.
        assert result.broken == replay.Break(marker.event_id, "MarkerRecorded", GUARD_GONE), path.name
        reminded.append((path, marker.event_id))
    assert [path.name for path, _ in reminded] == ["acknowledgment-never-sent-po.json"]
    [(path, event_id)] = reminded

    # The same through the command an SRE runs before a deploy.
    code, out, err = poflow(["replay", "--file", str(path)])
    assert (code, err) == (0, "") and out.splitlines()[-1] == "replayed 1 run: 1 ok, 0 breaks"
    monkeypatch.setattr(replay, "poflow_workflows", lambda: [RemindsByNotification, DocumentIntakeWorkflow])
    code, out, err = poflow(["replay", "--file", str(path)])
    run, summary = out.splitlines()
    assert code == 1 and err == ""
    assert run.startswith("po-PO-") and run.split()[2] == WorkflowType.PURCHASE_ORDER
    assert run.endswith(f"BREAKS at event {event_id} (MarkerRecorded): {GUARD_GONE}")
    assert summary == "replayed 1 run: 0 ok, 1 break"
