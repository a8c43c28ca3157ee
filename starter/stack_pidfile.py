"""The stack's state file, POFLOW_HOME/stack.json: the pids (and start times)
of `up` and its children, so that `down` can stop them and a second `up`
refuses while they run.
"""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path

from starter.stack_config import StackConfig, StackError
from starter.stack_processes import is_alive, proc_start_time


def read_pid_file(path: Path) -> dict | None:
    try:
        record = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def write_pid_file(path: Path, children: Mapping[str, subprocess.Popen], cfg: StackConfig) -> None:
    record = {
        "up": {"pid": os.getpid(), "start": proc_start_time(os.getpid())},
        "children": {name: {"pid": p.pid, "start": proc_start_time(p.pid)} for name, p in children.items()},
        "temporal_address": cfg.temporal_address,
        "ui_url": cfg.ui_url,
        "api_url": cfg.api_url,
        "started_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(record, indent=2) + "\n")
    os.replace(tmp, path)


def _entry(value: object) -> tuple[int, str | None] | None:
    if isinstance(value, dict) and isinstance(value.get("pid"), int):
        return value["pid"], value.get("start")
    return None


def recorded_processes(record: Mapping) -> dict[str, tuple[int, str | None]]:
    """name → (pid, start time) for `up` and every child in a pid-file record."""
    procs = {}
    if entry := _entry(record.get("up")):
        procs["up"] = entry
    for name, value in (record.get("children") or {}).items():
        if entry := _entry(value):
            procs[name] = entry
    return procs


def live_processes(record: Mapping) -> dict[str, tuple[int, str | None]]:
    return {name: p for name, p in recorded_processes(record).items() if is_alive(*p)}


def check_not_running(cfg: StackConfig) -> None:
    """Refuse when the pid file names live processes; remove a stale one."""
    record = read_pid_file(cfg.pid_file)
    if record is None:
        cfg.pid_file.unlink(missing_ok=True)  # absent or unreadable
        return
    live = live_processes(record)
    if live:
        pids = ", ".join(f"{name} {pid}" for name, (pid, _) in live.items())
        raise StackError(
            f"a poflow stack is already running from {cfg.home} ({pids}); stop it with `poflow down` first"
        )
    cfg.pid_file.unlink(missing_ok=True)
