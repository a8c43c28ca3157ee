"""A sample: a file as a supplier would send it, with the documents it holds.

`expected` is the ground truth, a list with one entry per document in the file,
each `{"kind": <ExtractedKind value>, "format": <format>, "document": {…model fields as JSON…}}`
(the same shape as `models.extraction.Extracted`, without confidences). The
extraction benchmark scores every field an extractor returns against it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Sample"]


@dataclass(frozen=True)
class Sample:
    name: str  # unique within its format, e.g. "810-two-invoices"
    format: str  # models.extraction.SourceFormat value: "x12", "edifact", "ubl", "factur-x", "pdf", "eml"
    filename: str  # as it would arrive, e.g. "acme-810.edi"
    raw: bytes
    expected: list[dict[str, Any]] = field(default_factory=list)
    vendor_id: str | None = None  # the `--as-of-vendor` the sender is known as, when the file can't say
