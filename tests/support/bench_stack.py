"""A bench script's own stack (bench/throughput_stack.py) in a smoke test:
each stack the script stops is recorded with the pid file it had while
running, so that the test can check afterwards that nothing the bench
started is left running — the processes `poflow up` wrote down included."""

from __future__ import annotations

import pytest

from bench import throughput_stack
from starter.stack_config import PID_FILE_NAME
from starter.stack_pidfile import live_processes, read_pid_file

Stopped = tuple[throughput_stack.BenchStack, dict | None]


def record_stops(monkeypatch: pytest.MonkeyPatch) -> list[Stopped]:
    """The stacks stopped from now on, each with its pid file read just before it stopped."""
    stopped: list[Stopped] = []
    real_stop = throughput_stack.stop

    def stop(stack: throughput_stack.BenchStack) -> None:
        stopped.append((stack, read_pid_file(stack.home / PID_FILE_NAME)))
        real_stop(stack)

    monkeypatch.setattr(throughput_stack, "stop", stop)
    return stopped


def the_one_stack_stopped(stopped: list[Stopped]) -> tuple[throughput_stack.BenchStack, dict]:
    """The run started one stack, and its `poflow up` and every process of its pid file have ended."""
    [(stack, record)] = stopped
    assert stack.up is not None and stack.up.poll() is not None
    assert record is not None and live_processes(record) == {}
    return stack, record
