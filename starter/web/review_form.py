"""A document reading as a form: one field per value intake read, with its
confidence and where in the file it was read, the doubtful ones marked.

Paths are those of `Extracted.confidence` (`invoice_number`,
`lines[0].unit_price`, `payment_terms.net_days`); the page's script writes
each edited value back at its path into the reading and sends the whole
reading as the decision's `document` (the intake workflow's validator checks
it against the document's model, so a wrong value is refused with its field).
Fields the model requires that the reading lacks are offered empty, so a
reviewer can fill what intake could not find.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.extraction import Extracted, FieldLocation, model_class

__all__ = ["ReviewField", "review_fields"]


@dataclass(frozen=True)
class ReviewField:
    path: str
    label: str
    value: str  # as the input shows it; "" for none
    confidence: float | None  # None: intake gave none (a value it did not read, or one the form adds)
    low: bool  # below the review threshold, or missing though required
    location: str = ""
    editable: bool = True  # a list of plain values is shown, not edited (it is sent back as read)
    page: int | None = None  # where on a PDF it was read: page (1-based) and box in points
    box: tuple[float, float, float, float] | None = None


def review_fields(extracted: Extracted, min_confidence: float) -> list[ReviewField]:
    """The form's fields in the reading's order, then the required ones it lacks."""
    found = list(_flatten(extracted.document, ""))
    fields = [_field(path, value, extracted, min_confidence) for path, value in found]
    present = {path for path, _ in found} | {path.split("[")[0].split(".")[0] for path, _ in found}
    for name, info in model_class(extracted.kind).model_fields.items():
        if info.is_required() and name not in present:
            fields.append(ReviewField(name, _label(name), "", None, True, "not found in the file"))
    return fields


def _flatten(value: Any, prefix: str) -> list[tuple[str, Any]]:
    """(path, scalar) pairs; lists of scalars stay one field (shown as text)."""
    if isinstance(value, dict):
        pairs: list[tuple[str, Any]] = []
        for key, item in value.items():
            pairs += _flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return pairs
    if isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        return [pair for index, item in enumerate(value) for pair in _flatten(item, f"{prefix}[{index}]")]
    return [(prefix, value)]


def _field(path: str, value: Any, extracted: Extracted, min_confidence: float) -> ReviewField:
    confidence = extracted.confidence.get(path)
    location = extracted.locations.get(path)
    doubtful = confidence is not None and confidence < min_confidence
    return ReviewField(
        path=path,
        label=_label(path),
        value=_text(value),
        confidence=confidence,
        low=doubtful,
        location=_where(location),
        editable=not isinstance(value, list),
        page=location.page if location else None,
        box=location.box if location else None,
    )


def _text(value: Any) -> str:
    """As the input shows it, and as the model reads it back (JSON's true/false)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _label(path: str) -> str:
    """`lines[0].unit_price` → `line 1 · unit price`."""
    words = []
    for part in path.split("."):
        name, _, index = part.partition("[")
        label = name.replace("_", " ")
        if index:
            label = f"{label.removesuffix('s')} {int(index.rstrip(']')) + 1}"
        words.append(label)
    return " · ".join(words)


def _where(location: FieldLocation | None) -> str:
    if location is None:
        return ""
    if location.segment:
        return location.segment
    return f"page {location.page}" if location.page else ""
