"""bench/throughput.py (issue #20 item 1): the shapes it compares poflow
with, how it reads histories, and one smallest run on a real stack that must
report every row and both ratios and leave no process behind. No speed is
asserted: this only keeps the benchmark from rotting."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path

import pytest
from temporalio.api.common.v1 import ActivityType, Payload, Payloads
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import (
    ActivityTaskCompletedEventAttributes,
    ActivityTaskScheduledEventAttributes,
    ActivityTaskStartedEventAttributes,
    HistoryEvent,
    WorkflowExecutionSignaledEventAttributes,
    WorkflowExecutionStartedEventAttributes,
)

from bench import throughput
from bench.bare_workflows import minimal_shape
from tests.support.bench_stack import record_stops, the_one_stack_stopped

SEED = Path(__file__).resolve().parents[2] / "seed" / "master_data.json"


def payloads(size: int) -> Payloads:
    return Payloads(payloads=[Payload(data=b"x" * size)])


def test_the_minimal_shape_is_three_signals_and_four_activities() -> None:
    """Issue #20: acknowledgment, receipt, invoice; validate, issue, match, hand off."""
    shape = minimal_shape(1000, [100, 200, 300])

    assert (shape.signals, shape.activities, shape.upserts) == (3, 4, 0)
    assert shape.signal_bytes == [100, 200, 300]
    validate, issue = shape.stages[0]
    match, hand_off = shape.stages[3]
    assert validate.arg_bytes == issue.arg_bytes == 1000
    assert match.arg_bytes == 1000 + 100 + 200 + 300  # the PO and the three documents
    assert hand_off.arg_bytes == 300  # the invoice


def history() -> list[HistoryEvent]:
    """Start; activity A (100 B in, 200 B out, third attempt); upsert; a
    signal of 50 B; activity B (10 B in, 20 B out); upsert."""
    return [
        HistoryEvent(
            event_id=1,
            event_type=EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED,
            workflow_execution_started_event_attributes=WorkflowExecutionStartedEventAttributes(
                input=payloads(500)
            ),
        ),
        HistoryEvent(
            event_id=2,
            event_type=EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
            activity_task_scheduled_event_attributes=ActivityTaskScheduledEventAttributes(
                activity_type=ActivityType(name="a"), input=payloads(100)
            ),
        ),
        HistoryEvent(
            event_id=3,
            event_type=EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED,
            activity_task_started_event_attributes=ActivityTaskStartedEventAttributes(
                scheduled_event_id=2, attempt=3
            ),
        ),
        HistoryEvent(
            event_id=4,
            event_type=EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
            activity_task_completed_event_attributes=ActivityTaskCompletedEventAttributes(
                scheduled_event_id=2, result=payloads(200)
            ),
        ),
        HistoryEvent(event_id=5, event_type=EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES),
        HistoryEvent(
            event_id=6,
            event_type=EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED,
            workflow_execution_signaled_event_attributes=WorkflowExecutionSignaledEventAttributes(
                input=payloads(50)
            ),
        ),
        HistoryEvent(
            event_id=7,
            event_type=EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED,
            activity_task_scheduled_event_attributes=ActivityTaskScheduledEventAttributes(
                activity_type=ActivityType(name="b"), input=payloads(10)
            ),
        ),
        HistoryEvent(
            event_id=8,
            event_type=EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED,
            activity_task_completed_event_attributes=ActivityTaskCompletedEventAttributes(
                scheduled_event_id=7, result=payloads(20)
            ),
        ),
        HistoryEvent(event_id=9, event_type=EventType.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES),
    ]


def test_the_current_shape_is_read_from_a_history_in_order() -> None:
    shape = throughput.shape_of(history())

    assert shape.signal_bytes == [50]
    [[a, first_upsert], [b, second_upsert]] = [list(stage) for stage in shape.stages]
    assert (a.arg_bytes, a.result_bytes, a.upsert) == (100, 200, False)
    assert (b.arg_bytes, b.result_bytes, b.upsert) == (10, 20, False)
    assert first_upsert.upsert and second_upsert.upsert


def test_a_history_is_counted_event_by_event() -> None:
    events = history()

    counted = throughput.count_history(events)

    assert counted.events == 9
    assert counted.bytes == sum(event.ByteSize() for event in events) > 880  # the payloads alone
    assert (counted.activities, counted.signals, counted.upserts) == (2, 1, 2)
    assert counted.retries == 2  # the third attempt of A
    assert counted.task_failures == 0


def test_payload_bytes_are_told_by_activity_type() -> None:
    assert throughput.bytes_by_activity(history()) == {"a": 100 + 200, "b": 10 + 20}


def test_every_lifecycle_bills_a_different_total_below_the_approval_threshold() -> None:
    """No invoice may be held as a suspected duplicate (same vendor, same total:
    p2p/duplicates.py) and no PO may wait for approval (policy threshold)."""
    seed = json.loads(SEED.read_text())
    standard = next(p for p in seed["policies"] if p["name"] == "standard")
    assert next(v for v in seed["vendors"] if v["id"] == "ACME")["policy_name"] == "standard"
    totals = set()
    for number in range(10_000):
        lines = throughput.clean_lines(number)
        totals.add(sum(Decimal(line["quantity"]) * Decimal(line["unit_price"]) for line in lines))
    assert len(totals) == 10_000
    assert max(totals) < Decimal(standard["approval_threshold"])


def test_percentiles_are_nearest_rank_and_the_rate_counts_finished_lifecycles() -> None:
    batch = throughput.Batch("poflow", 10, 20, latencies=[float(n) for n in range(1, 21)], wall_s=4.0)

    assert batch.percentile(50) == 10.0
    assert batch.percentile(95) == 19.0
    assert batch.rate == 5.0
    assert throughput.Batch("poflow", 1, 1).rate == 0.0


def test_ratios_need_all_three_kinds_of_a_level() -> None:
    batches = [
        throughput.Batch("poflow", 1, 2, latencies=[1.0, 1.0], wall_s=2.0),
        throughput.Batch("bare-current", 1, 2, latencies=[1.0, 1.0], wall_s=1.0),
        throughput.Batch("bare-minimal", 1, 2, latencies=[1.0, 1.0], wall_s=0.5),
        throughput.Batch("poflow", 10, 2, latencies=[1.0], wall_s=1.0),
    ]

    assert throughput.ratios(batches) == [
        {"concurrency": 1, "poflow_over_bare_current": 0.5, "poflow_over_bare_minimal": 0.25}
    ]


def test_levels_are_whole_numbers_from_one() -> None:
    assert throughput.parse_levels("1,10, 50") == (1, 10, 50)
    for wrong in ("0", "a", ""):
        with pytest.raises(Exception, match="concurrency levels"):
            throughput.parse_levels(wrong)


def table_rows(text: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|")
    ]


@pytest.mark.devserver
def test_smallest_run_reports_every_kind_and_both_ratios_and_stops_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stopped = record_stops(monkeypatch)
    json_file = tmp_path / "throughput.json"
    out = io.StringIO()

    code = throughput.main(["--levels", "1", "--n", "1", "--json", str(json_file)], out=out)

    text = out.getvalue()
    assert code == 0, text
    header, _, *rows = table_rows(text)[: 2 + len(throughput.KINDS)]
    assert header == list(throughput.HEADERS)
    assert [(row[0], row[1], row[2], row[3]) for row in rows] == [
        ("1", kind, "1", "0") for kind in throughput.KINDS
    ]
    document = json.loads(json_file.read_text())
    [ratio] = document["ratios"]
    assert ratio["concurrency"] == 1
    assert ratio["poflow_over_bare_current"] > 0 and ratio["poflow_over_bare_minimal"] > 0
    assert (
        f"| 1 | {ratio['poflow_over_bare_current']:.2f} | {ratio['poflow_over_bare_minimal']:.2f} |" in text
    )
    poflow, current, minimal = document["rows"]
    assert poflow["signals"] == 3  # acknowledgment, receipt, invoice
    assert current["activities"] == poflow["activities"] and current["upserts"] == poflow["upserts"]
    assert (minimal["signals"], minimal["activities"]) == (3, 4)
    assert document["environment"]["cores"] and document["environment"]["date"]
    # Everything the bench started has stopped: `up`, its children, the bare worker.
    stack, record = the_one_stack_stopped(stopped)
    assert stack.bare is not None and stack.bare.poll() is not None
    assert set(record["children"]) == {"temporal", "worker", "api"}
