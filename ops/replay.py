"""Replaying workflow histories with today's code (issue #18 item 1): would a
running PO or intake still run on this code, and if not, at which event of
its history does it break?

What `poflow replay` (starter/replay_cli.py) needs, without its sources: read
history files (the `temporal workflow show --output json` format), replay any
stream of histories with one Replayer, and word one line per run.

Where a run breaks: the core SDK names the event in most of its
nondeterminism errors ("… does not handle this event: HistoryEvent(id: 17,
ActivityTaskScheduled)", "No command scheduled for event HistoryEvent(id: 29,
…)"), but not in all ("Activity type of scheduled event 'a' does not match
activity type of activity command 'b'"), and a workflow that raises names
none. Then the break is found by replaying ever shorter beginnings of the
history: the shortest that fails ends with the event the code disagrees with
(a good history replays from its first workflow task on, cut anywhere:
checked event by event on a recorded PO). A history cut before its first
workflow task started made the replayer hang, so the bisection starts there."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from google.protobuf.json_format import ParseError
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import WorkflowHistory
from temporalio.converter import DataConverter
from temporalio.runtime import Runtime, TelemetryConfig
from temporalio.worker import Replayer

__all__ = [
    "Break",
    "HistoryFileError",
    "Replayed",
    "RunHistory",
    "history_files",
    "poflow_workflows",
    "read_history",
    "replay_histories",
    "summary",
]

# The core's wording (sdk-core workflow machines): the event it was given.
_EVENT = re.compile(r"HistoryEvent\(id: (\d+)")
# The failure's own message inside the core's debug text of the activation completion.
_MESSAGE = re.compile(r'Failure \{ failure: Some\(Failure \{ message: "(.*?)", source:', re.S)
_NONDETERMINISM = "[TMPRL1100] Nondeterminism error: "
_MACHINE = re.compile(
    r"^(\w[\w ]*?)(?: ?[Mm]achine)? (?:does not|cannot) handle (?:this event: )?HistoryEvent"
)
_ACTIVITY_TYPE = re.compile(
    r"^Activity type of scheduled event '(.+)' does not match activity type of activity command '(.+)'$"
)
_PATCH_GONE = re.compile(
    r"^Non-deprecated patch marker encountered for change (.+), but there is no corresponding change command!$"
)
_REASON_CHARS = 200
# The shortest beginning worth replaying: the first workflow task, started.
_FIRST_TASK = 3


@dataclass(frozen=True)
class RunHistory(WorkflowHistory):
    """A history with the run id the server gave its run. The start event's
    run id is the one it was written under: a reset run's is the run it was
    reset from (checked on the dev server)."""

    actual_run_id: str = ""

    @property
    def run_id(self) -> str:
        return self.actual_run_id or super().run_id


class HistoryFileError(ValueError):
    """A history file that cannot be read; says which and why."""


@dataclass(frozen=True)
class Break:
    """Where and why a run does not replay."""

    event_id: int | None
    event_type: str | None
    reason: str

    def __str__(self) -> str:
        where = f" at event {self.event_id} ({self.event_type})" if self.event_id is not None else ""
        return f"BREAKS{where}: {self.reason}"


@dataclass(frozen=True)
class Replayed:
    """One run, replayed with today's code."""

    workflow_id: str
    run_id: str
    workflow_type: str
    broken: Break | None = None

    @property
    def ok(self) -> bool:
        return self.broken is None

    def line(self) -> str:
        return f"{self.workflow_id}  {self.run_id}  {self.workflow_type}  {self.broken or 'ok'}"


def summary(results: Sequence[Replayed]) -> str:
    broken = sum(1 for r in results if not r.ok)
    runs = f"{len(results)} run{'' if len(results) == 1 else 's'}"
    return f"replayed {runs}: {len(results) - broken} ok, {broken} break" + ("" if broken == 1 else "s")


def poflow_workflows() -> list[type]:
    """The workflows the worker runs (imported when asked: the worker module
    brings the activities)."""
    from worker import WORKFLOWS

    return list(WORKFLOWS)


# --- history files ---------------------------------------------------------------------------


def history_files(paths: Iterable[Path]) -> list[Path]:
    """The files named, a folder standing for its *.json files (sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            inside = sorted(p for p in path.glob("*.json") if p.is_file())
            if not inside:
                raise HistoryFileError(f"{path}: no *.json history files in this folder")
            found.extend(inside)
        elif path.exists():
            found.append(path)
        else:
            raise HistoryFileError(f"{path}: no such file")
    return found


def read_history(path: Path) -> WorkflowHistory:
    """A history as `temporal workflow show --output json` writes it
    ({"events": [...]}; a bare list of events is taken too). The workflow id
    is the one its start event carries (the file's name where it has none)."""
    try:
        parsed: Any = json.loads(path.read_bytes())
    except OSError as err:
        raise HistoryFileError(f"{path}: cannot read ({err.strerror})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise HistoryFileError(f"{path}: not valid JSON: {err}") from None
    if isinstance(parsed, list):
        parsed = {"events": parsed}
    if not isinstance(parsed, dict) or not isinstance(parsed.get("events"), list) or not parsed["events"]:
        raise HistoryFileError(
            f'{path}: not a workflow history: expected {{"events": [...]}}, '
            "as `temporal workflow show --output json` writes it"
        )
    try:
        history = WorkflowHistory.from_json(path.stem, parsed)
    except (ParseError, ValueError, TypeError, KeyError) as err:
        raise HistoryFileError(f"{path}: not a workflow history: {err}") from None
    started = history.events[0]
    if not started.HasField("workflow_execution_started_event_attributes"):
        raise HistoryFileError(f"{path}: the first event is not WorkflowExecutionStarted")
    workflow_id = started.workflow_execution_started_event_attributes.workflow_id
    return WorkflowHistory(workflow_id or path.stem, history.events)


# --- replay ----------------------------------------------------------------------------------


@cache
def _quiet_runtime() -> Runtime:
    # The core logs every failed workflow task as a warning; the lines we print say it once.
    return Runtime(telemetry=TelemetryConfig(logging=None))


def _replayer(workflows: Sequence[type], converter: DataConverter) -> Replayer:
    return Replayer(workflows=list(workflows), data_converter=converter, runtime=_quiet_runtime())


async def replay_histories(
    histories: AsyncIterator[WorkflowHistory] | Iterable[WorkflowHistory],
    converter: DataConverter,
    workflows: Sequence[type] | None = None,
) -> AsyncIterator[Replayed]:
    """Replay each history with `workflows` (default: the worker's), one
    result per run as it is known, failures included (never raised)."""
    chosen = list(workflows) if workflows is not None else poflow_workflows()
    replayer = _replayer(chosen, converter)
    async with replayer.workflow_replay_iterator(_aiter(histories)) as results:
        async for result in results:
            history = result.history
            broken = None
            if result.replay_failure is not None:
                broken = await locate(history, result.replay_failure, _replayer(chosen, converter))
            yield Replayed(history.workflow_id, history.run_id, _workflow_type(history), broken)


async def locate(history: WorkflowHistory, failure: Exception, replayer: Replayer) -> Break:
    """The event where `history` stops replaying, and why."""
    message = _failure_message(failure)
    named = _EVENT.search(message)
    event = _event(history, int(named.group(1))) if named else None
    if event is None:
        event = await _first_failing_event(history, replayer)
    return Break(
        event.event_id if event else None,
        _event_type_name(event) if event else None,
        _reason(message, event),
    )


async def _first_failing_event(history: WorkflowHistory, replayer: Replayer) -> HistoryEvent | None:
    """The last event of the shortest beginning of `history` that fails (bisection)."""
    events = history.events
    low, high = min(_FIRST_TASK, len(events)), len(events)  # the whole history fails
    while low < high:
        middle = (low + high) // 2
        beginning = WorkflowHistory(history.workflow_id, events[:middle])
        result = await replayer.replay_workflow(beginning, raise_on_replay_failure=False)
        if result.replay_failure is not None:
            high = middle
        else:
            low = middle + 1
    return events[high - 1] if events else None


def _failure_message(failure: Exception) -> str:
    text = str(failure)
    found = _MESSAGE.search(text)
    message = found.group(1) if found else text.splitlines()[0] if text else type(failure).__name__
    return message.replace('\\"', '"')


def _reason(message: str, event: HistoryEvent | None) -> str:
    """The core's sentence, said as what the history has and what the code did."""
    nondeterministic = message.startswith(_NONDETERMINISM)
    text = message.removeprefix(_NONDETERMINISM)
    has = _what_history_has(event) if event else "an event"
    if text.startswith("No command scheduled for event"):
        text = f"the history has {has}, the code issued no command there"
    elif machine := _MACHINE.match(text):
        text = f"the history has {has}, the code issued {_command_name(machine.group(1))}"
    elif activity := _ACTIVITY_TYPE.match(text):
        text = f"the history has activity {activity.group(1)}, the code called {activity.group(2)}"
    elif patch_gone := _PATCH_GONE.match(text):
        text = f"the history has patch marker {patch_gone.group(1)}, the code no longer asks workflow.patched"
    elif not nondeterministic:
        text = f"the workflow failed: {text}"
    return text if len(text) <= _REASON_CHARS else text[: _REASON_CHARS - 1] + "…"


def _command_name(machine: str) -> str:
    """The core's name of a command's state machine, in words: `Timer` → `a timer`."""
    return _COMMANDS.get(machine, f"a {machine} command")


_COMMANDS = {
    "Activity": "an activity",
    "Local activity": "a local activity",
    "Timer": "a timer",
    "Child workflow": "a child workflow",
    "Change": "a patch marker (workflow.patched)",
    "UpsertWorkflowSearchAttributes": "a search attribute upsert",
    "Signal external WF": "a signal to another workflow",
    "Cancel external WF": "a cancellation of another workflow",
    "Complete workflow": "the workflow's completion",
    "Fail workflow": "the workflow's failure",
    "Cancel workflow": "the workflow's cancellation",
    "Continue as new workflow": "a continue-as-new",
    "Update": "an update's answer",
    "Nexus operation": "a Nexus operation",
}


def _what_history_has(event: HistoryEvent) -> str:
    if event.HasField("activity_task_scheduled_event_attributes"):
        return f"activity {event.activity_task_scheduled_event_attributes.activity_type.name}"
    if event.HasField("marker_recorded_event_attributes"):
        patch_id = _patch_id(event)
        return (
            f"patch marker {patch_id}"
            if patch_id
            else f"marker {event.marker_recorded_event_attributes.marker_name}"
        )
    if event.HasField("timer_started_event_attributes"):
        return "a timer"
    return _event_type_name(event)


def _patch_id(event: HistoryEvent) -> str | None:
    """The id a `workflow.patched` marker records (the core's `patch-data`)."""
    data = event.marker_recorded_event_attributes.details.get("patch-data")
    try:
        return str(json.loads(data.payloads[0].data)["id"]) if data and data.payloads else None
    except (ValueError, KeyError, TypeError):
        return None


def _event(history: WorkflowHistory, event_id: int) -> HistoryEvent | None:
    return next((e for e in history.events if e.event_id == event_id), None)


def _event_type_name(event: HistoryEvent) -> str:
    """EVENT_TYPE_ACTIVITY_TASK_SCHEDULED → ActivityTaskScheduled."""
    words = EventType.Name(event.event_type).removeprefix("EVENT_TYPE_").split("_")
    return "".join(word.capitalize() for word in words)


def _workflow_type(history: WorkflowHistory) -> str:
    return history.events[0].workflow_execution_started_event_attributes.workflow_type.name


async def _aiter(
    histories: AsyncIterator[WorkflowHistory] | Iterable[WorkflowHistory],
) -> AsyncIterator[WorkflowHistory]:
    if isinstance(histories, AsyncIterator):
        async for history in histories:
            yield history
    else:
        for history in histories:
            yield history
