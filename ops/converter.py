"""The one place that builds Temporal's data converter: the worker, the API,
the CLI and replay all use it, so they read each other's payloads.

The pydantic data converter keeps histories readable JSON (DESIGN.md,
Temporal conventions)."""

from __future__ import annotations

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter

from settings import Settings

__all__ = ["data_converter"]


def data_converter(settings: Settings | None = None) -> DataConverter:
    """The converter for processes configured by `settings` (None: the
    defaults, for tools without a configuration)."""
    del settings  # nothing is configurable yet
    return pydantic_data_converter
