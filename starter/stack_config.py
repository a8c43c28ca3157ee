"""Where the local stack lives and listens (`poflow up`): StackConfig from the
settings, and the command lines and environment of the worker and the API.

The Temporal dev server's command line is in stack_temporal.py.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from settings import Settings, load_settings

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
    )


# --------------------------------------------------------------------------- the worker and the API


def worker_command() -> list[str]:
    return [sys.executable, "-c", "import worker; worker.main()"]


def api_command(cfg: StackConfig) -> list[str]:
    return [
        sys.executable, "-m", "uvicorn", "starter.api:app",
        "--host", cfg.api_host, "--port", str(cfg.api_port),
    ]  # fmt: skip


def child_env(cfg: StackConfig, base: Mapping[str, str] | None = None) -> dict[str, str]:
    """The children resolve the same settings as `up`, whatever their working directory."""
    env = dict(os.environ if base is None else base)
    env["POFLOW_HOME"] = str(cfg.home)
    env["TEMPORAL_ADDRESS"] = cfg.temporal_address
    env["TEMPORAL_NAMESPACE"] = cfg.namespace
    env["TEMPORAL_UI_URL"] = cfg.ui_url
    env["PYTHONUNBUFFERED"] = "1"
    return env
