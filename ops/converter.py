"""The one place that builds Temporal's data converter: the worker, the API,
the CLI and replay all use it, so they read each other's payloads.

The pydantic data converter keeps histories readable JSON (DESIGN.md,
Temporal conventions); with payload keys configured (ops.codec) that JSON is
encrypted before it leaves the process."""

from __future__ import annotations

import dataclasses

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter

from ops.codec import payload_codec
from settings import Settings

__all__ = ["data_converter"]


def data_converter(settings: Settings | None = None) -> DataConverter:
    """The converter for processes configured by `settings` (None: the
    defaults, for tools without a configuration: no encryption)."""
    codec = payload_codec(settings) if settings is not None else None
    if codec is None:
        return pydantic_data_converter
    return dataclasses.replace(pydantic_data_converter, payload_codec=codec)
