"""Ports and readiness: refuse to start on a taken port (naming the setting
that moves it), and poll until a port or URL answers, failing clearly (with
the log's tail) when the process dies or the time is up.
"""

from __future__ import annotations

import errno
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from starter.stack_config import StackConfig, StackError, connect_host
from starter.stack_processes import log_tail


def port_in_use(host: str, port: int) -> bool:
    """True when something listens on host:port (or we could not bind it)."""
    reach = connect_host(host)
    with socket.socket(socket.AF_INET6 if ":" in reach else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        if probe.connect_ex((reach, port)) == 0:
            return True
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as err:
        raise StackError(f"cannot resolve {host!r}: {err}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as servers do: TIME_WAIT is no conflict
        try:
            sock.bind(address)
        except OSError as err:
            if err.errno == errno.EADDRNOTAVAIL:
                raise StackError(
                    f"{host} is not an address of this machine: `poflow up` runs the servers locally "
                    "(point TEMPORAL_ADDRESS / POFLOW_API_HOST at 127.0.0.1, or run the worker and API "
                    "against a remote Temporal with `poflow worker` / `poflow api`)"
                ) from None
            return True
    return False


def check_ports_free(cfg: StackConfig) -> None:
    wanted = (
        ("Temporal frontend", cfg.temporal_host, cfg.temporal_port, "TEMPORAL_ADDRESS"),
        ("Temporal UI", cfg.temporal_host, cfg.ui_port, "POFLOW_UI_PORT"),
        ("poflow API", cfg.api_host, cfg.api_port, "POFLOW_API_PORT"),
    )
    for what, host, port, variable in wanted:
        if port_in_use(host, port):
            raise StackError(
                f"port {port} on {host} ({what}) is already in use — another Temporal dev server or "
                f"poflow stack? Stop it, or choose another port with {variable}"
            )


def wait_until(
    ready: Callable[[], bool],
    *,
    what: str,
    proc: subprocess.Popen | None,
    log_path: Path,
    timeout: float,
    interval: float = 0.25,
) -> None:
    """Poll `ready()` until it is true; fail clearly (pointing at the log) when
    the process exits or the timeout passes."""
    deadline = time.monotonic() + timeout
    while True:
        if proc is not None and proc.poll() is not None:
            raise StackError(
                f"{what} exited with code {proc.returncode} while starting; see {log_path}\n{log_tail(log_path)}"
            )
        if ready():
            return
        if time.monotonic() >= deadline:
            raise StackError(
                f"{what} was not ready after {timeout:.0f} s; see {log_path}\n{log_tail(log_path)}"
            )
        time.sleep(interval)


def port_answers(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(1.0)
        return probe.connect_ex((host, port)) == 0


def wait_for_port(host: str, port: int, **kwargs) -> None:
    wait_until(lambda: port_answers(connect_host(host), port), **kwargs)


def http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError, ValueError):
        return False


def wait_for_http(url: str, **kwargs) -> None:
    wait_until(lambda: http_ok(url), **kwargs)
