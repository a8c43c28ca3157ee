"""Logs for people and for log pipelines (README "Metrics and logs").

POFLOW_LOG_FORMAT=text (the default, for a terminal) or json: one JSON object
per line (python-json-logger), in which every record logged from a workflow or
an activity carries `workflow_id`, `run_id`, `workflow_type`, `activity_type`
and, for a PO workflow, `po_number`, so a log search for one PO finds what its
workflow and its activities said. Temporal's `workflow.logger` and
`activity.logger` put those in a `temporal_workflow` / `temporal_activity` dict
on the record: it is flattened here. A plain module logger called inside an
activity (the intake readers) gets the same fields from the activity's context.

Secrets: API tokens, bearer credentials and the OAuth code/state of a sign-in
callback (in uvicorn's access log) are masked in every JSON line.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Mapping
from typing import Any

from pythonjsonlogger.json import JsonFormatter
from temporalio import activity, workflow

from workflows.contract import po_number_of

__all__ = ["LOG_FORMATS", "TEXT_FORMAT", "PoflowJsonFormatter", "configure_logging", "redact"]

LOG_FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

# The SDK's names → ours: a workflow's run is `run_id`, an activity's workflow run too.
_TEMPORAL_FIELDS = {
    "workflow_id": "workflow_id",
    "run_id": "run_id",
    "workflow_run_id": "run_id",
    "workflow_type": "workflow_type",
    "activity_type": "activity_type",
    "activity_id": "activity_id",
    "attempt": "attempt",
    "namespace": "namespace",
    "task_queue": "task_queue",
    "update_id": "update_id",
    "update_name": "update_name",
}
_TEMPORAL_EXTRAS = ("temporal_workflow", "temporal_activity")
# Objects the SDK can add (full_*_info_on_extra): not JSON, and the dicts above say it.
_DROPPED = ("workflow_info", "activity_info", *_TEMPORAL_EXTRAS)

# pft_<id>_<secret> (identity.credentials): the id stays, so a line still says which token.
_API_TOKEN = re.compile(r"\b(pft_[A-Za-z0-9]+_)[A-Za-z0-9_\-]+")
_BEARER = re.compile(r"(?i)\b(bearer\s+)[^\s\"',]+")
_SECRET_PARAMS = re.compile(
    r"(?i)\b(code|state|token|access_token|id_token|refresh_token|password|secret|client_secret)=[^&\s\"']+"
)


def redact(text: str) -> str:
    """`text` with API tokens, bearer credentials and secret query parameters masked."""
    text = _API_TOKEN.sub(r"\1[redacted]", text)
    text = _BEARER.sub(r"\1[redacted]", text)
    return _SECRET_PARAMS.sub(r"\1=[redacted]", text)


class PoflowJsonFormatter(JsonFormatter):
    """JSON lines: timestamp (UTC), level, logger, message, the Temporal
    context flattened, and whatever `extra` the call passed."""

    def __init__(self) -> None:
        super().__init__(
            "%(levelname)s %(name)s %(message)s",
            rename_fields={"levelname": "level", "name": "logger"},
            timestamp=True,
        )

    def add_fields(
        self, log_data: dict[str, Any], record: logging.LogRecord, message_dict: dict[str, Any]
    ) -> None:
        super().add_fields(log_data, record, message_dict)
        context: dict[str, Any] = {}
        for key in _TEMPORAL_EXTRAS:
            details = getattr(record, key, None)
            if isinstance(details, Mapping):
                context.update(details)
        if not context and activity.in_activity():
            context.update(_activity_context(activity.info()))
        for key in _DROPPED:
            log_data.pop(key, None)
        for sdk_name, ours in _TEMPORAL_FIELDS.items():
            if context.get(sdk_name) is not None:
                log_data[ours] = context[sdk_name]
        po_number = po_number_of(str(log_data.get("workflow_id") or ""))
        if po_number is not None:
            log_data["po_number"] = po_number
        for key in ("message", "exc_info", "stack_info"):
            if isinstance(log_data.get(key), str):
                log_data[key] = redact(log_data[key])


def _activity_context(info: activity.Info) -> dict[str, Any]:
    """What `activity.logger` puts in `temporal_activity`, for records of other loggers."""
    return {
        "activity_id": info.activity_id,
        "activity_type": info.activity_type,
        "attempt": info.attempt,
        "namespace": info.namespace,
        "task_queue": info.task_queue,
        "workflow_id": info.workflow_id,
        "workflow_run_id": info.workflow_run_id,
        "workflow_type": info.workflow_type,
    }


def configure_logging(log_format: str, *, text: bool = True, level: int = logging.INFO) -> None:
    """Logging of this process in `log_format` (LOG_FORMATS). JSON takes over the
    root logger and uvicorn's (which then propagate to it); `text=False` leaves
    text logging as the host process set it up (uvicorn, for the API)."""
    if log_format not in LOG_FORMATS:
        raise ValueError(f"POFLOW_LOG_FORMAT must be one of {', '.join(LOG_FORMATS)}, got {log_format!r}")
    if log_format == "text":
        if text:
            logging.basicConfig(level=level, format=TEXT_FORMAT)
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(PoflowJsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access"):
        logger = logging.getLogger(name)
        logger.handlers.clear()
        logger.propagate = True
    # The context is in the fields now: the SDK need not repeat it in every message.
    workflow.logger.workflow_info_on_message = False
    activity.logger.activity_info_on_message = False
