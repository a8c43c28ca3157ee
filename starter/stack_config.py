"""Where the local stack lives and listens (`poflow up`): StackConfig from the
settings, and the command lines and environment of the worker and the API.

The Temporal dev server's command line is in stack_temporal.py.
"""

from __future__ import annotations

import os
import socket
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from settings import Settings, load_settings
from starter.stack_restarts import DEFAULT_RESTART_LIMIT, DEFAULT_RESTART_WINDOW_S, RestartBudget

PID_FILE_NAME = "stack.json"
TEMPORAL_DB_NAME = "temporal.db"


class StackError(Exception):
    """A user-facing reason why the stack cannot start (printed without a traceback)."""


@dataclass(frozen=True)
class StackConfig:
    home: Path
    temporal_host: str
    temporal_port: int
    ui_port: int
    ui_url: str
    namespace: str
    task_queue: str
    api_host: str
    api_port: int
    # Where the worker serves the Temporal SDK's Prometheus metrics (host:port; None: nowhere).
    worker_metrics: str | None = None
    # The supervisor's budget for a dying worker or API (starter.stack_restarts).
    restart_limit: int = DEFAULT_RESTART_LIMIT
    restart_window_s: float = DEFAULT_RESTART_WINDOW_S

    def restart_budget(self) -> RestartBudget:
        """A fresh budget, one per child."""
        return RestartBudget(self.restart_limit, self.restart_window_s)

    @property
    def log_dir(self) -> Path:
        return self.home / "logs"

    @property
    def pid_file(self) -> Path:
        return self.home / PID_FILE_NAME

    @property
    def temporal_db(self) -> Path:
        return self.home / TEMPORAL_DB_NAME

    @property
    def temporal_address(self) -> str:
        return f"{connect_host(self.temporal_host)}:{self.temporal_port}"

    @property
    def api_url(self) -> str:
        return f"http://{connect_host(self.api_host)}:{self.api_port}"

    @property
    def worker_metrics_url(self) -> str | None:
        if not self.worker_metrics:
            return None
        host, _, port = self.worker_metrics.rpartition(":")
        return f"http://{connect_host(host.strip('[]'))}:{port}/metrics"

    def log_file(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"


def split_address(address: str) -> tuple[str, int]:
    """`host:port` (or `[v6]:port`) → (host, port)."""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or not host:
        raise StackError(f"TEMPORAL_ADDRESS must be host:port, got {address!r}")
    return host.strip("[]"), int(port)


def connect_host(host: str) -> str:
    """Where a client on this machine reaches a server bound to `host`."""
    return "127.0.0.1" if host in ("0.0.0.0", "", "::") else host


def stack_config(settings: Settings | None = None, environ: Mapping[str, str] | None = None) -> StackConfig:
    settings = settings or load_settings()
    environ = os.environ if environ is None else environ
    host, port = split_address(settings.temporal_address)
    ui_port = int(environ.get("POFLOW_UI_PORT") or urlsplit(settings.ui_url).port or port + 1000)
    # An explicit TEMPORAL_UI_URL wins (e.g. behind a proxy); otherwise it follows the UI port.
    ui_url = settings.ui_url if environ.get("TEMPORAL_UI_URL") else f"http://{connect_host(host)}:{ui_port}"
    return StackConfig(
        home=settings.home,
        temporal_host=host,
        temporal_port=port,
        ui_port=ui_port,
        ui_url=ui_url,
        namespace=settings.temporal_namespace,
        task_queue=settings.task_queue,
        api_host=settings.api_host,
        api_port=settings.api_port,
        worker_metrics=settings.worker_metrics or f"127.0.0.1:{free_local_port()}",
        restart_limit=_restart_limit(environ),
        restart_window_s=_restart_window(environ),
    )


def _restart_limit(environ: Mapping[str, str]) -> int:
    raw = environ.get("POFLOW_RESTART_LIMIT") or str(DEFAULT_RESTART_LIMIT)
    if not raw.strip().isdigit():
        raise StackError(f"POFLOW_RESTART_LIMIT must be a whole number, 0 or more, got {raw!r}")
    return int(raw)


def _restart_window(environ: Mapping[str, str]) -> float:
    raw = environ.get("POFLOW_RESTART_WINDOW") or str(DEFAULT_RESTART_WINDOW_S)
    try:
        seconds = float(raw)
    except ValueError:
        seconds = 0.0
    if not seconds > 0:  # also NaN
        raise StackError(f"POFLOW_RESTART_WINDOW must be a number of seconds above 0, got {raw!r}")
    return seconds


def free_local_port() -> int:
    """A port nothing on 127.0.0.1 listens on now (the OS picks it), for an
    endpoint nobody needs at a fixed address: the worker's metrics."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# --------------------------------------------------------------------------- the worker and the API


def worker_command() -> list[str]:
    return [sys.executable, "-c", "import worker; worker.main()"]


def api_command(cfg: StackConfig) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "starter.api:app",
        "--host", cfg.api_host, "--port", str(cfg.api_port),
    ]  # fmt: skip


# What only poflow's own processes may know: the Temporal dev server gets an
# environment without them (it never needs them, and its crash dumps and
# diagnostics must not carry them).
SECRET_ENV = (
    "POFLOW_PAYLOAD_KEYS",
    "POFLOW_SESSION_SECRET",
    "POFLOW_OIDC_CLIENT_SECRET",
    "DATABASE_URL",
)


def without_secrets(env: Mapping[str, str]) -> dict[str, str]:
    return {name: value for name, value in env.items() if name not in SECRET_ENV}


def child_env(cfg: StackConfig, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The children resolve the same settings as `up`, whatever their working directory."""
    env = dict(os.environ if base is None else base)
    env["POFLOW_HOME"] = str(cfg.home)
    env["TEMPORAL_ADDRESS"] = cfg.temporal_address
    env["TEMPORAL_NAMESPACE"] = cfg.namespace
    env["TEMPORAL_UI_URL"] = cfg.ui_url
    env["PYTHONUNBUFFERED"] = "1"
    if cfg.worker_metrics:
        env["POFLOW_WORKER_METRICS"] = cfg.worker_metrics
    if not env.get("POFLOW_PAYLOAD_KEYS"):
        # The embedded default encrypts too (README "Payload encryption"): a key
        # made once in POFLOW_HOME, handed to the worker and the API.
        from ops.codec import ensure_key_file

        env["POFLOW_PAYLOAD_KEYS"] = ensure_key_file(cfg.home)
    return env
