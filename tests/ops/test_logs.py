"""Structured logs (issue #18): what an activity logs is one JSON line that a
log search finds by workflow id and by PO number, and no line carries a secret.
The workflow's own lines are checked on a real worker in test_worker_observability.py."""

from __future__ import annotations

import dataclasses
import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine
from temporalio import activity
from temporalio.testing import ActivityEnvironment

from activities.persistence import PersistenceActivities
from ops.logs import PoflowJsonFormatter, configure_logging, redact
from tests.support.builders import seeded_sqlite

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def json_lines(monkeypatch: pytest.MonkeyPatch) -> Iterator[io.StringIO]:
    """What the SDK's activity logger and the intake's module loggers write, as
    JSON; the message without the SDK's copy of the context, as configure_logging sets it."""
    monkeypatch.setattr(activity.logger, "activity_info_on_message", False)
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(PoflowJsonFormatter())
    loggers = [logging.getLogger(name) for name in ("temporalio.activity", "activities")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)


def records(stream: io.StringIO) -> list[dict[str, Any]]:
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def in_po_workflow(activity_type: str) -> ActivityEnvironment:
    env = ActivityEnvironment()
    env.info = dataclasses.replace(
        env.info,
        activity_type=activity_type,
        workflow_id="po-1001",
        workflow_run_id="run-7",
        workflow_type="PurchaseOrderWorkflow",
    )
    return env


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = seeded_sqlite(tmp_path / "poflow.db")
    yield engine
    engine.dispose()


def test_an_activity_line_names_its_workflow_and_po(engine: Engine, json_lines: io.StringIO) -> None:
    policy = in_po_workflow("load_policy").run(PersistenceActivities(engine).load_policy, "ACME")
    [line] = records(json_lines)
    assert line["message"] == f"policy for vendor ACME: {policy.name} v{policy.version}"
    assert {k: line[k] for k in ("workflow_id", "po_number", "run_id", "workflow_type", "activity_type")} == {
        "workflow_id": "po-1001",
        "po_number": "1001",
        "run_id": "run-7",
        "workflow_type": "PurchaseOrderWorkflow",
        "activity_type": "load_policy",
    }
    assert line["level"] == "INFO" and line["logger"] == "temporalio.activity"
    assert line["timestamp"].endswith("+00:00")  # UTC
    assert "temporal_activity" not in line  # flattened, not nested


def test_a_module_logger_inside_an_activity_gets_the_same_fields(json_lines: io.StringIO) -> None:
    """The intake readers log through their module loggers, not activity.logger."""

    @activity.defn
    def read_file() -> None:
        logging.getLogger("activities.intake.extract").warning("page 3 has no text layer")

    in_po_workflow("extract_document").run(read_file)
    [line] = records(json_lines)
    assert (line["workflow_id"], line["po_number"], line["activity_type"]) == (
        "po-1001",
        "1001",
        "extract_document",
    )


def test_a_line_outside_any_workflow_has_no_workflow_fields() -> None:
    record = logging.LogRecord("poflow.api", logging.INFO, __file__, 1, "started", None, None)
    line = json.loads(PoflowJsonFormatter().format(record))
    assert line["message"] == "started"
    assert not {"workflow_id", "po_number", "run_id"} & set(line)


def test_an_intake_workflow_line_has_no_po_number() -> None:
    record = logging.LogRecord("temporalio.workflow", logging.INFO, __file__, 1, "reading", None, None)
    record.temporal_workflow = {
        "workflow_id": "doc-0a1b",
        "run_id": "r",
        "workflow_type": "DocumentIntakeWorkflow",
    }
    line = json.loads(PoflowJsonFormatter().format(record))
    assert line["workflow_id"] == "doc-0a1b" and "po_number" not in line


def test_secrets_are_masked() -> None:
    assert redact("token pft_ab12_s3cr3t-value used") == "token pft_ab12_[redacted] used"
    assert redact("Authorization: Bearer abc.def") == "Authorization: Bearer [redacted]"
    assert redact('"GET /auth/callback?code=xyz&state=abc&next=/inbox HTTP/1.1" 303') == (
        '"GET /auth/callback?code=[redacted]&state=[redacted]&next=/inbox HTTP/1.1" 303'
    )


def test_json_logging_of_a_process(tmp_path: Path) -> None:
    """POFLOW_LOG_FORMAT=json as the worker and the API set it up: every line
    on stderr is JSON, uvicorn's access log included, secrets masked."""
    script = (
        "import logging; from ops.logs import configure_logging; configure_logging('json'); "
        "logging.getLogger('poflow.worker').info('started with pft_ab12_s3cr3t'); "
        "logging.getLogger('uvicorn.access').info('%s %s', 'GET', '/metrics')"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True
    )
    lines = [json.loads(line) for line in done.stderr.splitlines()]
    assert [(line["logger"], line["message"]) for line in lines] == [
        ("poflow.worker", "started with pft_ab12_[redacted]"),
        ("uvicorn.access", "GET /metrics"),
    ]


def test_an_unknown_log_format_is_refused() -> None:
    with pytest.raises(ValueError, match="POFLOW_LOG_FORMAT must be one of text, json"):
        configure_logging("yaml")
