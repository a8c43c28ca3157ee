"""The environment of a `poflow up` test: none of the developer's own stack
settings leak in, and POFLOW_HOME is a fresh folder."""

from __future__ import annotations

from pathlib import Path

import pytest

# Everything stack_config reads that a developer's shell may have set.
STACK_VARIABLES = (
    "TEMPORAL_ADDRESS",
    "TEMPORAL_UI_URL",
    "POFLOW_UI_PORT",
    "POFLOW_API_PORT",
    "POFLOW_API_HOST",
    "POFLOW_WORKER_METRICS",
    "POFLOW_RESTART_LIMIT",
    "POFLOW_RESTART_WINDOW",
)


def clean_stack_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    for name in STACK_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("POFLOW_HOME", str(tmp_path / "home"))
    return tmp_path / "home"
