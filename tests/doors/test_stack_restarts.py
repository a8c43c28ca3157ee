"""`poflow up` keeps going: a dying worker or API is restarted within a budget
per window of time (starter/stack_restarts.py), not a budget for life.

The rule is tested with plain numbers for the time; the supervisor loop
(stack.watch) with real child processes that exit at once and a clock the
test moves."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from starter import stack
from starter import stack_config as config
from starter.stack_restarts import RestartBudget, describe_window
from tests.support.stack import clean_stack_home

MINUTE = 60.0


# --- the rule -------------------------------------------------------------------------------


def test_six_crashes_far_apart_are_all_restarted() -> None:
    budget = RestartBudget(limit=5, window_s=10 * MINUTE)
    assert all(budget.allow(hour * 60 * MINUTE) for hour in range(6))


def test_six_crashes_in_a_burst_use_up_the_budget() -> None:
    budget = RestartBudget(limit=5, window_s=10 * MINUTE)
    assert [budget.allow(second) for second in range(6)] == [True] * 5 + [False]


def test_the_window_slides_a_restart_leaves_it_after_window_s() -> None:
    budget = RestartBudget(limit=5, window_s=10 * MINUTE)
    for second in range(5):
        assert budget.allow(second)
    assert not budget.allow(10 * MINUTE - 1)  # all five still within the last 10 minutes
    assert budget.recent(10 * MINUTE - 1) == 5
    assert budget.allow(10 * MINUTE)  # the one at 0 s has left: room for one
    assert not budget.allow(10 * MINUTE + 0.5)  # 1..4 s and 600 s: five again
    assert budget.allow(10 * MINUTE + 1)


def test_a_refused_restart_is_not_counted() -> None:
    budget = RestartBudget(limit=2, window_s=100)
    assert budget.allow(0) and budget.allow(1)
    assert not budget.allow(50)
    assert not budget.allow(99)
    assert budget.recent(99) == 2
    assert budget.allow(100)  # the refusals at 50 and 99 did not push the window


def test_limit_zero_never_restarts() -> None:
    assert not RestartBudget(limit=0, window_s=600).allow(0)


@pytest.mark.parametrize(("limit", "window_s"), [(-1, 600), (5, 0), (5, -1)])
def test_a_nonsense_budget_is_refused(limit: int, window_s: float) -> None:
    with pytest.raises(ValueError, match="restart"):
        RestartBudget(limit=limit, window_s=window_s)


def test_the_budget_reads_as_a_person_says_it() -> None:
    assert RestartBudget(5, 600).describe() == "5 restarts per 10 min"
    assert RestartBudget(1, 90).describe() == "1 restart per 90 s"
    assert describe_window(0.5) == "0.5 s"


# --- its configuration ----------------------------------------------------------------------


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return clean_stack_home(tmp_path, monkeypatch)


def test_the_default_budget_is_five_restarts_per_ten_minutes(home: Path) -> None:
    cfg = config.stack_config()
    assert (cfg.restart_limit, cfg.restart_window_s) == (5, 600.0)
    assert cfg.restart_budget().describe() == "5 restarts per 10 min"


def test_the_budget_comes_from_the_environment(home: Path) -> None:
    cfg = config.stack_config(environ={"POFLOW_RESTART_LIMIT": "3", "POFLOW_RESTART_WINDOW": "120"})
    assert (cfg.restart_limit, cfg.restart_window_s) == (3, 120.0)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("POFLOW_RESTART_LIMIT", "-1"),
        ("POFLOW_RESTART_LIMIT", "five"),
        ("POFLOW_RESTART_WINDOW", "0"),
        ("POFLOW_RESTART_WINDOW", "10m"),
        ("POFLOW_RESTART_WINDOW", "nan"),
    ],
)
def test_a_bad_budget_setting_is_a_clear_error(home: Path, name: str, value: str) -> None:
    with pytest.raises(config.StackError, match=name):
        config.stack_config(environ={name: value})


# --- the supervisor loop uses it --------------------------------------------------------------


def dying_child(code: int = 3) -> list[str]:
    return [sys.executable, "-c", f"raise SystemExit({code})"]


@pytest.fixture
def supervised(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, subprocess.Popen]]:
    """A worker that dies at once, every time it is (re)started."""
    monkeypatch.setattr(stack, "worker_command", dying_child)
    monkeypatch.setattr(stack, "POLL_INTERVAL_S", 0.01)
    cfg = config.stack_config()
    children = {"worker": stack.start_process("worker", dying_child(), cfg.log_file("worker"), {})}
    yield children
    for proc in children.values():
        proc.wait(10)


def ticking(step_s: float, stop_after: int | None = None) -> Callable[[], float]:
    """A clock that moves `step_s` on every reading; past `stop_after` readings
    it stops the loop the way Ctrl-C does."""
    readings: list[float] = []

    def clock() -> float:
        if stop_after is not None and len(readings) >= stop_after:
            raise KeyboardInterrupt
        readings.append(len(readings) * step_s)
        return readings[-1]

    return clock


def test_a_worker_crashing_in_a_burst_stops_the_stack_saying_why(
    supervised: dict[str, subprocess.Popen], capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = config.stack_config(environ={"POFLOW_RESTART_LIMIT": "2", "POFLOW_RESTART_WINDOW": "600"})
    assert stack.watch(supervised, cfg, clock=ticking(1.0)) == 1
    err = capsys.readouterr().err
    assert err.count("worker exited (code 3); restarting it") == 2
    assert "(1 of at most 2 restarts per 10 min)" in err and "(2 of at most 2 restarts per 10 min)" in err
    assert "worker exited 3 times within 10 min, over its restart budget of 2 restarts per 10 min" in err
    assert "POFLOW_RESTART_LIMIT" in err and "stopping the rest" in err


def test_a_worker_crashing_now_and_then_is_restarted_for_as_long_as_the_stack_runs(
    supervised: dict[str, subprocess.Popen], capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = config.stack_config(environ={"POFLOW_RESTART_LIMIT": "2", "POFLOW_RESTART_WINDOW": "600"})
    # A crash every 11 minutes, eight times: never two inside any 10 minutes.
    with pytest.raises(KeyboardInterrupt):
        stack.watch(supervised, cfg, clock=ticking(11 * MINUTE, stop_after=8))
    err = capsys.readouterr().err
    assert err.count("worker exited (code 3); restarting it (1 of at most 2 restarts per 10 min)") == 8
    assert "over its restart budget" not in err


def test_the_server_dying_stops_the_stack_at_once(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cfg = config.stack_config()
    server = stack.start_process("temporal", dying_child(1), cfg.log_file("temporal"), {})
    server.wait(10)
    assert stack.watch({"temporal": server}, cfg, clock=ticking(1.0)) == 1
    assert "temporal exited unexpectedly (code 1)" in capsys.readouterr().err
