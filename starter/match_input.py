"""What `poflow match` matches: a `MatchRequest`, read from a file (`--request`)
or built from the documents' JSON files; and the tolerance file, which
`poflow tolerances propose` and `poflow tolerances simulate` read too.

The documents are the same models the API accepts (`PurchaseOrder`,
`GoodsReceipt`, `Invoice`). The tolerance file is `{"profiles": [profile, ...]}`
or a single profile object; without it the engine's default profile applies.
A bad file is `Invalid`, naming the file and the field.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import Decimal
from typing import IO, Any, TypeVar

from pydantic import BaseModel, Field, ValidationError

from models import (
    GoodsReceipt,
    Invoice,
    MatchRecord,
    MatchRequest,
    MatchResult,
    PurchaseOrder,
    ToleranceProfile,
)
from models.common import Document
from starter.cli_support import display_name, load_document, read_input
from starter.errors import FieldError, Invalid, field_errors, from_validation_error

__all__ = [
    "ToleranceFile",
    "build_match_request",
    "load_request",
    "load_tolerances",
    "match_files",
    "request_from_files",
]

M = TypeVar("M", bound=BaseModel)


class ToleranceFile(Document):
    """The tolerance file: candidate profiles; the engine picks one per line."""

    profiles: list[ToleranceProfile] = Field(min_length=1)


# --- the one place that knows MatchRequest's fields ----------------------------------


def build_match_request(
    *,
    po: PurchaseOrder,
    invoice: Invoice,
    receipts: Sequence[GoodsReceipt] = (),
    prior_invoices: Sequence[Invoice] = (),
    profiles: Sequence[ToleranceProfile] | None = None,
    po_open: bool = True,
    candidates: Sequence[Invoice] = (),
    duplicate_window_days: int | None = None,
    tax_rate_pct: Decimal | None = None,
    freight_taxable: bool = False,
) -> MatchRequest:
    """A `MatchRequest` with the tolerance candidates (scoped by item, vendor,
    category; resolved per line by the engine). `profiles=None` leaves the
    field out, so the model's default — the engine's default profile — applies;
    so does `duplicate_window_days=None` (the model's 30 days)."""
    fields: dict[str, Any] = {
        "po": po,
        "invoice": invoice,
        "receipts": list(receipts),
        "prior_invoices": list(prior_invoices),
        "po_open": po_open,
        "duplicate_candidates": list(candidates),
        "tax_rate_pct": tax_rate_pct,
        "freight_taxable": freight_taxable,
    }
    if profiles is not None:
        fields["tolerance_profiles"] = list(profiles)
    if duplicate_window_days is not None:
        fields["duplicate_window_days"] = duplicate_window_days
    return MatchRequest(**fields)


# --- reading the files --------------------------------------------------------------


def _read(path: str, stdin: IO[bytes], what: str) -> bytes:
    raw = read_input(path, stdin)
    if not raw.strip():
        raise Invalid(f"{display_name(path)}: empty, expected a {what} JSON document")
    return raw


def _load(path: str, model: type[M], stdin: IO[bytes]) -> M:
    return load_document(path, model, stdin)[0]


def load_tolerances(path: str, stdin: IO[bytes]) -> list[ToleranceProfile]:
    """`{"profiles": [...]}` or one profile object → the candidate profiles."""
    name = display_name(path)
    raw = _read(path, stdin, "tolerance")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as err:
        raise Invalid(f"{name}: not valid JSON: {err}") from None
    if not isinstance(data, dict):
        raise Invalid(f'{name}: expected a JSON object, {{"profiles": [...]}} or a single tolerance profile')
    try:
        if "profiles" in data:
            return ToleranceFile.model_validate_json(raw).profiles
        return [ToleranceProfile.model_validate_json(raw)]
    except ValidationError as err:
        raise from_validation_error(err, prefix=f"{name}: ") from None


def load_request(path: str, stdin: IO[bytes]) -> tuple[MatchRequest, MatchResult | None]:
    """A bare `MatchRequest`, or a stored record `{"request", "result"}`
    (told apart by those keys, which a request never has) → the request and
    the stored result, if any."""
    name = display_name(path)
    raw = _read(path, stdin, "MatchRequest")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        data = None  # pydantic words the JSON error below, as for every other file
    is_record = isinstance(data, dict) and ("request" in data or "result" in data)
    try:
        if not is_record:
            return MatchRequest.model_validate_json(raw), None
        record = MatchRecord.model_validate_json(raw)
    except ValidationError as err:
        raise from_validation_error(err, prefix=f"{name}: ") from None
    if record.request is None:
        raise Invalid(
            f"{name}: request: the record was stored without its request "
            "(before migration 0003): nothing to replay"
        )
    return record.request, record.result


def _same_po(path: str, document: GoodsReceipt | Invoice, po: PurchaseOrder) -> None:
    """Offline, nothing routes documents to their PO: refuse a mix-up rather
    than match an invoice against the wrong order."""
    if document.po_number != po.po_number:
        raise Invalid(
            f"{display_name(path)}: po_number: {document.po_number!r} does not match "
            f"the PO's {po.po_number!r}"
        )


# Request fields that come from an option, not a file: errors name the option.
_OPTION_OF_FIELD = {"duplicate_window_days": "--duplicate-window-days", "tax_rate_pct": "--tax-rate"}


def _request_error(err: ValidationError, tolerances: str | None) -> Invalid:
    """Only options and the set of profiles can still be refused when the
    request is built: the documents, and each profile on its own, were
    validated as they were read."""
    errors = field_errors(err.errors(include_url=False))
    for error in errors:
        option = _OPTION_OF_FIELD.get(error.field)
        if option is not None:
            return Invalid(f"{option}: {error.reason}", [error])
    errors = [_as_file_field(error) for error in errors]
    return Invalid.from_fields(errors, prefix=f"{display_name(tolerances or 'request')}: ")


def _as_file_field(error: FieldError) -> FieldError:
    """`tolerance_profiles[1]` (the request's field) → `profiles[1]` (the file's)."""
    name = "tolerance_profiles"
    if error.field == name or error.field.startswith((f"{name}[", f"{name}.")):
        return FieldError("profiles" + error.field[len(name) :], error.reason)
    return error


def request_from_files(
    *,
    po: str,
    invoice: str,
    receipts: Sequence[str] = (),
    history: Sequence[str] = (),
    tolerances: str | None = None,
    candidates: Sequence[str] = (),
    stdin: IO[bytes],
    **options: Any,
) -> MatchRequest:
    """Load and validate every file (raising `Invalid` naming the first bad
    one) into a `MatchRequest`; `options` are build_match_request's."""
    order = _load(po, PurchaseOrder, stdin)
    new_invoice = _load(invoice, Invoice, stdin)
    _same_po(invoice, new_invoice, order)
    loaded_receipts = []
    for path in receipts:
        receipt = _load(path, GoodsReceipt, stdin)
        _same_po(path, receipt, order)
        loaded_receipts.append(receipt)
    earlier = []
    for path in history:
        document = _load(path, Invoice, stdin)
        _same_po(path, document, order)
        earlier.append(document)
    # Candidates are the vendor's invoices on any PO: no PO check.
    others = [_load(path, Invoice, stdin) for path in candidates]
    profiles = load_tolerances(tolerances, stdin) if tolerances is not None else None
    try:
        return build_match_request(
            po=order,
            invoice=new_invoice,
            receipts=loaded_receipts,
            prior_invoices=earlier,
            profiles=profiles,
            candidates=others,
            **options,
        )
    except ValidationError as err:
        raise _request_error(err, tolerances) from None
    except ValueError as err:
        raise Invalid(f"{display_name(tolerances or 'request')}: {err}") from None


def match_files(*, stdin: IO[bytes], **files: Any) -> MatchResult:
    """`request_from_files`, then the engine."""
    from p2p.matching import match_invoice

    return match_invoice(request_from_files(stdin=stdin, **files))
