"""bench/open_orders.py and bench/intake_load.py (issue #20 items 4 and 5):
what they compute from their measurements. No speed is asserted, and no
stack is started except by the last test: `intake_load --quick` runs in
about 20 s; `open_orders --quick` (two stacks, 200 POs each) takes about two
minutes, so it is run by hand, not here."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench import intake_load, open_orders
from tests.support.bench_stack import record_stops, the_one_stack_stopped


def test_a_process_tree_counts_its_children() -> None:
    own = open_orders.tree_rss(os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        # the child's interpreter is resident too: a few MiB at least
        for _ in range(50):
            if open_orders.tree_rss(child.pid) > 1024 * 1024:
                break
            time.sleep(0.05)
        with_child = open_orders.tree_rss(os.getpid())
        assert with_child >= own + open_orders.tree_rss(child.pid) // 2
    finally:
        child.kill()
        child.wait()
    assert open_orders.high_water(os.getpid()) >= open_orders._status_kib(os.getpid(), "VmRSS") * 1024 // 2
    assert open_orders.tree_rss(child.pid) == 0  # gone: nothing to count


def test_the_second_run_caches_fewer_than_the_open_set_and_the_first_all() -> None:
    args = open_orders.build_parser().parse_args(["--count", "500"])

    first, second = open_orders.runs(args)

    assert first.cache > 500 and second.cache < 500
    assert open_orders.runs(open_orders.build_parser().parse_args(["--quick"]))[0].planned == 200
    only = open_orders.runs(open_orders.build_parser().parse_args(["--only", "small-cache"]))
    assert [run.name for run in only] == ["small cache"]


def test_memory_per_open_po_is_growth_over_the_idle_stack() -> None:
    run = open_orders.Run("all cached", 1100, 1000, latencies=[1.0] * 1000, wall_s=200.0)
    run.worker = open_orders.Memory(
        1, idle=100 * 1024 * 1024, peak=1100 * 1024 * 1024, last=1000 * 1024 * 1024
    )
    run.server = open_orders.Memory(2, idle=100 * 1024 * 1024, peak=300 * 1024 * 1024, last=200 * 1024 * 1024)

    row = open_orders.row(run)

    assert row["pos_per_s"] == 5.0
    assert row["worker_kib_per_po"] == 921.6  # 900 MiB over 1000 POs
    assert row["server_kib_per_po"] == 102.4
    assert row["together_peak_mib"] == 1400.0
    small = dict(row, pos_per_s=2.5, worker_peak_mib=550.0, server_peak_mib=300.0)
    assert open_orders.ratio([row, small]) == {"rate": 0.5, "worker_peak": 0.5, "server_peak": 1.0}
    assert open_orders.ratio([row]) is None


def test_the_backlog_is_the_most_accepted_and_not_yet_closed() -> None:
    run = intake_load.Lifecycles(3, accepted=[1.0, 2.0, 3.0], closed=[2.5, 3.5, 4.0])

    assert run.max_backlog() == 2  # at 2.0 and again at 3.0
    assert run.accept_rate == 1.0  # 3 POs by 3.0 s
    assert run.close_rate == 0.75  # 3 POs by 4.0 s
    assert intake_load.Lifecycles(0).accept_rate == 0.0


def test_each_kind_of_document_is_set_against_the_json_door() -> None:
    batches = [
        intake_load.DocBatch("json door", 4, latencies=[0.1] * 4, wall_s=1.0),
        intake_load.DocBatch("pdf", 4, latencies=[1.0, 2.0, 3.0], failures=["DemoError: x"], wall_s=3.0),
    ]
    args = argparse.Namespace(docs=4, doc_concurrency=2, lifecycles=0, concurrency=1)

    document = intake_load.report(intake_load.Result(documents=batches), args, "quick")

    door, pdf = document["documents"]
    assert door["over_json_door"] == 1.0
    assert (pdf["docs_per_s"], pdf["over_json_door"], pdf["failed"]) == (1.0, 0.25, 1)
    assert (pdf["p50_s"], pdf["p95_s"]) == (2.0, 3.0)
    text = intake_load.markdown(document)
    assert "| pdf | 3 | 1 | 0 | 1.00 | 0.25 | 2.00 | 3.00 |" in text


@pytest.mark.devserver
def test_the_quick_intake_run_measures_every_kind_and_stops_everything(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`intake_load --quick` (about 20 s): every kind of document delivered,
    every lifecycle closed, and no process of the stack left running."""
    stopped = record_stops(monkeypatch)
    json_file = tmp_path / "intake.json"

    code = intake_load.main(["--quick", "--json", str(json_file)], out=io.StringIO())

    document = json.loads(json_file.read_text())
    assert code == 0, document
    assert [(r["kind"], r["documents"], r["failed"]) for r in document["documents"]] == [
        (kind, 3, 0) for kind in intake_load.KINDS
    ]
    life = document["lifecycles"]
    assert (life["accepted"], life["closed"], life["failed"]) == (6, 6, 0)
    assert life["close_over_accept"] > 0
    the_one_stack_stopped(stopped)
