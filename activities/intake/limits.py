"""Bounds on what intake will read, so that a hostile or broken file ends in a
clear error rather than a hang or an exhausted worker."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["IntakeLimits", "DEFAULT_LIMITS"]


@dataclass(frozen=True)
class IntakeLimits:
    max_bytes: int = 20 * 1024 * 1024  # a raw file, as received
    max_pages: int = 50  # PDF pages read; invoices and acks are short
    max_unpacked_bytes: int = 50 * 1024 * 1024  # decompressed attachments and embedded files, in all
    max_attachments: int = 20  # per e-mail
    max_segments: int = 200_000  # EDI segments per interchange
    max_seconds: float = 60.0  # wall time for one PDF extraction


DEFAULT_LIMITS = IntakeLimits()
