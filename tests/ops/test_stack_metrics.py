"""`poflow up` and the worker's metrics: the worker gets POFLOW_WORKER_METRICS
(a free local port unless it is set), the same one across its restarts, and
the banner says where both metrics endpoints are."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from starter import stack
from starter import stack_config as config
from tests.support.stack import clean_stack_home


@pytest.fixture(autouse=True)
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    return clean_stack_home(tmp_path, monkeypatch)


def test_the_worker_gets_a_free_local_port_for_its_metrics() -> None:
    cfg = config.stack_config()
    assert cfg.worker_metrics is not None
    host, _, port = cfg.worker_metrics.rpartition(":")
    assert host == "127.0.0.1"
    with socket.socket() as probe:  # nothing listens there yet: the worker will
        assert probe.connect_ex((host, int(port))) != 0
    # The environment of every (re)start of the worker carries the same address.
    assert config.child_env(cfg, base={})["POFLOW_WORKER_METRICS"] == cfg.worker_metrics
    assert config.child_env(cfg, base={})["POFLOW_WORKER_METRICS"] == cfg.worker_metrics
    text = stack.banner(cfg, "sqlite:///poflow.db")
    assert f"http://127.0.0.1:8000/metrics (API), http://{cfg.worker_metrics}/metrics (worker)" in text


def test_a_chosen_address_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POFLOW_WORKER_METRICS", "0.0.0.0:9464")
    cfg = config.stack_config()
    assert config.child_env(cfg, base={})["POFLOW_WORKER_METRICS"] == "0.0.0.0:9464"
    assert "http://127.0.0.1:9464/metrics (worker)" in stack.banner(cfg, "sqlite:///poflow.db")
