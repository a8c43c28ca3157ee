"""`poflow replay --file`: history files as `temporal workflow show --output
json` writes them (tests/histories holds real ones), a folder standing for
its files; one line per run, a count, exit 0 when all replay, 1 when one
breaks, 2 for input that is not a history (nothing replayed then).

The server paths (--workflow-id, --query) are in tests/e2e/test_replay_server.py."""

from __future__ import annotations

import asyncio
import io
import json
import shutil
from pathlib import Path

import pytest
from temporalio.worker import Replayer
from temporalio.workflow import NondeterminismError

from ops import replay
from ops.converter import data_converter
from starter import cli
from tests.support.breaking import WaitsBeforeValidating
from workflows.document_intake import DocumentIntakeWorkflow

HISTORIES = Path(__file__).resolve().parents[1] / "histories"
PO = HISTORIES / "clean-po-po.json"
INTAKE = HISTORIES / "clean-po-intake-invoice.json"


def poflow(*argv: str) -> tuple[int, list[str], str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(["replay", *argv], io=cli.Io(io.BytesIO(), out, err))
    return code, out.getvalue().splitlines(), err.getvalue()


def started(path: Path) -> tuple[str, str]:
    """The workflow id and run id the file's start event carries."""
    attributes = json.loads(path.read_text())["events"][0]["workflowExecutionStartedEventAttributes"]
    return attributes["workflowId"], attributes["originalExecutionRunId"]


def test_a_folder_and_a_file_replay_one_line_per_run(tmp_path: Path) -> None:
    folder = tmp_path / "histories"
    folder.mkdir()
    for path in (PO, INTAKE):
        shutil.copy(path, folder / path.name)
    (folder / "notes.txt").write_text("not a history: a folder stands for its *.json files")

    code, lines, err = poflow("--file", str(folder), "--file", str(PO))

    assert (code, err) == (0, "")
    intake_id, intake_run = started(INTAKE)
    po_id, po_run = started(PO)
    assert lines == [
        f"{intake_id}  {intake_run}  DocumentIntakeWorkflow  ok",  # the folder's files, sorted
        f"{po_id}  {po_run}  PurchaseOrderWorkflow  ok",
        f"{po_id}  {po_run}  PurchaseOrderWorkflow  ok",  # and the file named
        "replayed 3 runs: 3 ok, 0 breaks",
    ]


def test_a_run_that_breaks_says_where_and_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(replay, "poflow_workflows", lambda: [WaitsBeforeValidating, DocumentIntakeWorkflow])

    code, lines, err = poflow("--file", str(PO), "--file", str(INTAKE))

    assert (code, err) == (1, "")
    po_id, po_run = started(PO)
    first_activity = next(
        e for e in json.loads(PO.read_text())["events"] if "activityTaskScheduledEventAttributes" in e
    )
    assert lines[0] == (
        f"{po_id}  {po_run}  PurchaseOrderWorkflow  BREAKS at event {first_activity['eventId']} "
        "(ActivityTaskScheduled): the history has activity load_policy, the code issued a timer"
    )
    assert lines[1].endswith("DocumentIntakeWorkflow  ok")
    assert lines[2] == "replayed 2 runs: 1 ok, 1 break"


def test_the_history_forms_the_cli_and_the_ui_write_are_read(tmp_path: Path) -> None:
    events = json.loads(PO.read_text())["events"]
    bare = tmp_path / "bare-list.json"
    bare.write_text(json.dumps(events))  # a bare list of events
    del events[0]["workflowExecutionStartedEventAttributes"]["workflowId"]
    without_id = tmp_path / "po-PO-FROM-AN-OLDER-SERVER.json"
    without_id.write_text(json.dumps({"events": events}))  # a server that does not record it

    code, lines, err = poflow("--file", str(bare), "--file", str(without_id))

    assert (code, err) == (0, "")
    assert lines[0].startswith(started(PO)[0] + "  ")
    assert lines[1].startswith("po-PO-FROM-AN-OLDER-SERVER  ")  # named after its file
    assert lines[2] == "replayed 2 runs: 2 ok, 0 breaks"


def not_a_history(tmp_path: Path, case: str) -> tuple[Path, str]:
    """A file (or folder) that is not a readable history, and what is said of it."""
    path = tmp_path / f"{case}.json"
    if case == "missing":
        return path, "no such file"
    if case == "empty-folder":
        path = tmp_path / "empty"
        path.mkdir()
        return path, "no *.json history files in this folder"
    if case == "not-json":
        path.write_text("events: [")
        return path, "not valid JSON"
    if case == "no-events":
        path.write_text('{"workflowId": "po-PO-1"}')
        return path, 'not a workflow history: expected {"events": [...]}'
    if case == "bad-event":
        path.write_text(
            '{"events": [{"eventId": "one", "eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_STARTED"}]}'
        )
        return path, "not a workflow history:"
    events = json.loads(PO.read_text())["events"][1:]  # "no-start": cut off at the front
    path.write_text(json.dumps({"events": events}))
    return path, "the first event is not WorkflowExecutionStarted"


@pytest.mark.parametrize(
    "case", ["missing", "empty-folder", "not-json", "no-events", "bad-event", "no-start"]
)
def test_input_that_is_not_a_history_exits_2_and_nothing_replays(tmp_path: Path, case: str) -> None:
    path, said = not_a_history(tmp_path, case)

    code, lines, err = poflow("--file", str(PO), "--file", str(path))

    assert (code, lines) == (2, [])  # read before anything replays: the good file is not replayed either
    assert err.startswith(f"poflow replay: {path}: {said}") and err.count("\n") == 1, err


def test_a_run_id_goes_with_a_workflow_id_and_one_source_is_given() -> None:
    assert poflow("--file", str(PO), "--run-id", "r1") == (
        2,
        [],
        "poflow replay: --run-id goes with --workflow-id\n",
    )
    with pytest.raises(SystemExit) as exited:
        poflow("--file", str(PO), "--workflow-id", "po-PO-1")
    assert exited.value.code == 2
    with pytest.raises(SystemExit) as exited:
        poflow()
    assert exited.value.code == 2


def core_failure(message: str) -> NondeterminismError:
    """A nondeterminism error as the Replayer reports it: the core's message in its debug text."""
    return NondeterminismError(
        f'Workflow activation completion failed: Failure {{ failure: Some(Failure {{ message: "{message}", '
        'source: "", stack_trace: "", encoded_attributes: None, cause: None }), '
        "force_cause: NonDeterministicError }"
    )


@pytest.mark.parametrize(
    ("message", "reason"),
    [
        (
            "[TMPRL1100] Nondeterminism error: No command scheduled for event HistoryEvent(id: {id}, "
            "ActivityTaskScheduled)",
            "the history has activity load_policy, the code issued no command there",
        ),
        (
            "[TMPRL1100] Nondeterminism error: Child workflow machine does not handle this event: "
            "HistoryEvent(id: {id}, ActivityTaskScheduled)",
            "the history has activity load_policy, the code issued a child workflow",
        ),
    ],
)
def test_the_core_names_the_event_and_the_reason_says_what_differs(message: str, reason: str) -> None:
    history = replay.read_history(PO)
    first = next(e for e in history.events if e.HasField("activity_task_scheduled_event_attributes"))
    replayer = Replayer(
        workflows=[WaitsBeforeValidating], data_converter=data_converter()
    )  # not needed: named

    found = asyncio.run(replay.locate(history, core_failure(message.format(id=first.event_id)), replayer))

    assert found == replay.Break(first.event_id, "ActivityTaskScheduled", reason)
