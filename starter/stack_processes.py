"""The stack's child processes: start one in its own process group with its
output appended to a log, tell whether a recorded pid is still that process,
and stop them (SIGTERM, a grace period, then SIGKILL; worker and API first).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

from starter.stack_config import StackError

# Seconds, per shutdown stage (worker+API, then server): SIGTERM, wait this long, then SIGKILL.
STOP_TIMEOUT_S = 20.0

# Started before the server is stopped; stopped in this order, each stage together.
STOP_ORDER: tuple[tuple[str, ...], ...] = (("worker", "api"), ("temporal",))

LOG_HEADER = "=== "  # starts the line start_process writes before each run
LOG_ROTATE_BYTES = 20_000_000  # a bigger log moves to NAME.log.1 at the next start


def _proc_stat(pid: int) -> tuple[str, str] | None:
    """(state, start time in clock ticks) from /proc, or None when unavailable."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = raw[raw.rfind(")") + 2 :].split()
    return fields[0], fields[19]


def proc_start_time(pid: int) -> str | None:
    stat = _proc_stat(pid)
    return stat[1] if stat else None


def is_alive(pid: int, start_time: str | None = None) -> bool:
    """True when `pid` runs and (where /proc can tell) is the same process that
    was recorded, not a zombie or a later process that reused the number."""
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, owned by someone else
    stat = _proc_stat(pid)
    if stat is None:
        return not Path("/proc/self/stat").exists()  # no /proc (macOS): trust kill(0)
    state, started = stat
    if state in ("Z", "X"):
        return False
    return start_time is None or started == start_time


def start_process(name: str, argv: Sequence[str], log_path: Path, env: Mapping[str, str]) -> subprocess.Popen:
    """Start `argv` in its own process group (so Ctrl-C reaches only `up`),
    output appended to `log_path`."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    if log_path.exists() and log_path.stat().st_size > LOG_ROTATE_BYTES:
        os.replace(log_path, log_path.with_name(log_path.name + ".1"))
    with open(log_path, "ab") as log:
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        log.write(f"\n{LOG_HEADER}{stamp} poflow up: starting {name}\n$ {' '.join(argv)}\n".encode())
        log.flush()
        try:
            return subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=dict(env),
                start_new_session=True,
                close_fds=True,
            )
        except OSError as err:
            raise StackError(f"cannot start {name} ({argv[0]}): {err}") from None


def send_signal(pid: int, sig: int, *, group: bool) -> None:
    """`sig` to `pid` (to its process group when it leads one and `group`); a
    process that is gone, or not ours, is left alone."""
    try:
        if group and os.getpgid(pid) == pid:
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


Proc = subprocess.Popen | tuple[int, str | None]  # a child of ours, or (pid, start time) from the pid file


def _running(proc: Proc) -> bool:
    if isinstance(proc, subprocess.Popen):
        return proc.poll() is None
    return is_alive(*proc)


def _pid(proc: Proc) -> int:
    return proc.pid if isinstance(proc, subprocess.Popen) else proc[0]


def stop_processes(
    procs: Mapping[str, Proc],
    timeout: float = STOP_TIMEOUT_S,
    *,
    hurry: Callable[[], bool] = lambda: False,
    say: Callable[[str], None] = print,
) -> None:
    """SIGTERM each process group, wait up to `timeout` (or until `hurry()`),
    then SIGKILL whatever is left."""
    running = {name: p for name, p in procs.items() if _running(p)}
    for proc in running.values():
        send_signal(_pid(proc), signal.SIGTERM, group=True)
    deadline = time.monotonic() + timeout
    while running and time.monotonic() < deadline and not hurry():
        time.sleep(0.1)
        running = {name: p for name, p in running.items() if _running(p)}
    for name, proc in running.items():
        say(f"  {name} (pid {_pid(proc)}) did not stop in time; killing it")
        send_signal(_pid(proc), signal.SIGKILL, group=True)
    for proc in running.values():
        if isinstance(proc, subprocess.Popen):
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                pass


def stop_in_order(procs: Mapping[str, Proc], timeout: float = STOP_TIMEOUT_S, **kwargs) -> None:
    """Worker and API first (they drain against a live server), then the server."""
    for stage in STOP_ORDER:
        stop_processes({n: procs[n] for n in stage if n in procs}, timeout, **kwargs)
    rest = {n: p for n, p in procs.items() if not any(n in stage for stage in STOP_ORDER)}
    stop_processes(rest, timeout, **kwargs)


def log_tail(path: Path, lines: int = 15) -> str:
    """The last lines the current run wrote (logs are appended across runs)."""
    try:
        text = path.read_text(errors="replace")
    except OSError:
        return ""
    current = text[text.rfind(LOG_HEADER) :] if LOG_HEADER in text else text
    return "\n".join("    " + line for line in current.splitlines()[-lines:])
