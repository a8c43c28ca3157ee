"""Portal JSON: the documents of `models/` as JSON, validated by pydantic.

A portal posts one document object, a list of them, or `{"kind": ..., "document": {...}}`
envelopes (the shape `poflow extract` prints, so its output can be sent back in).
Without an envelope the kind is told by the document's own key field."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from models.extraction import Extracted, ExtractedKind, model_class

__all__ = ["extract_json"]

# The field that only this kind of document has.
_KEY_FIELDS: tuple[tuple[str, ExtractedKind], ...] = (
    ("invoice_number", ExtractedKind.INVOICE),
    ("ack_id", ExtractedKind.ACKNOWLEDGMENT),
    ("asn_id", ExtractedKind.ASN),
    ("buyer", ExtractedKind.PURCHASE_ORDER),
)


def extract_json(
    raw: bytes, *, vendor_id: str | None = None, limits: IntakeLimits = DEFAULT_LIMITS
) -> list[Extracted]:
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as err:
        raise ExtractionError(f"not UTF-8 text ({err.reason})", f"byte {err.start}") from None
    except json.JSONDecodeError as err:
        raise ExtractionError(
            f"malformed JSON: {err.msg}", f"line {err.lineno}, column {err.colno}"
        ) from None
    items = data if isinstance(data, list) else [data]
    if not items:
        raise ExtractionError("an empty JSON list holds no document", "$")
    return [
        _one(item, f"$[{i}]" if isinstance(data, list) else "$", vendor_id) for i, item in enumerate(items)
    ]


def _one(item: Any, where: str, vendor_id: str | None) -> Extracted:
    if not isinstance(item, dict):
        raise ExtractionError(f"expected a JSON object, found {type(item).__name__}", where)
    if isinstance(item.get("document"), dict) and "kind" in item:
        kind = _kind(item["kind"], f"{where}.kind")
        body = dict(item["document"])
        where = f"{where}.document"
    else:
        body = dict(item)
        kind = _guess_kind(body, where)
    if kind in (ExtractedKind.INVOICE, ExtractedKind.CREDIT_MEMO) and body.get("kind") == "credit_memo":
        kind = ExtractedKind.CREDIT_MEMO
    if vendor_id and "vendor_id" not in body:
        body["vendor_id"] = vendor_id
    try:
        document = model_class(kind).model_validate(body)
    except ValidationError as err:
        first = err.errors()[0]
        path = ".".join(str(part) for part in first["loc"])
        more = f" (and {err.error_count() - 1} more)" if err.error_count() > 1 else ""
        raise ExtractionError(f"{first['msg']}{more}", f"{where}.{path}" if path else where) from None
    dumped = document.model_dump(mode="json", exclude_none=True)
    return Extracted(
        kind=kind,
        format="json",
        document=dumped,
        confidence={field: 1.0 for field in dumped},
        vendor_hint=dumped.get("vendor_id"),
    )


def _kind(value: Any, where: str) -> ExtractedKind:
    try:
        return ExtractedKind(value)
    except ValueError:
        raise ExtractionError(
            f"kind {value!r} is not one of {', '.join(k.value for k in ExtractedKind)}", where
        ) from None


def _guess_kind(body: dict[str, Any], where: str) -> ExtractedKind:
    for key, kind in _KEY_FIELDS:
        if key in body:
            return kind
    if "receipt_id" in body:
        raise ExtractionError(
            "a goods receipt comes from the warehouse: post it to /api/v1/purchase-orders/{po}/receipts",
            where,
        )
    raise ExtractionError(
        "cannot tell the document kind: expected invoice_number, ack_id, asn_id "
        'or a {"kind": ..., "document": {...}} envelope',
        where,
    )
