"""`poflow match` — the match engine offline, on JSON files.

    poflow match --po PO.json [--receipt R.json]... [--invoice-history I.json]...
                 --invoice INV.json [--tolerances T.json]

Prints the `MatchResult` as JSON (indent 2) on stdout. Exit codes: 0 the
invoice would be approved, 3 it would be held, 2 bad input (one line on stderr
naming the file and the field), 1 the engine failed.

The documents are the same models the API accepts (`PurchaseOrder`,
`GoodsReceipt`, `Invoice`). The tolerance file is `{"profiles": [profile, ...]}`
or a single profile object; without it the engine's default profile applies.
Nothing connects anywhere and no clock is read: the same files always give the
same output (`matched_at` is null), so two runs can be diffed.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from typing import IO, Any, Protocol, TypeVar

from pydantic import BaseModel, Field, ValidationError

from models import (
    GoodsReceipt,
    Invoice,
    MatchDecision,
    MatchRequest,
    MatchResult,
    PurchaseOrder,
    ToleranceProfile,
)
from models.common import Document
from starter.errors import (
    EXIT_BAD_INPUT,
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_RUNTIME,
    FieldError,
    Invalid,
    field_errors,
    from_validation_error,
)

__all__ = [
    "EXIT_APPROVE",
    "EXIT_HOLD",
    "ToleranceFile",
    "build_match_request",
    "load_tolerances",
    "match_files",
    "run_match",
]

M = TypeVar("M", bound=BaseModel)

PREFIX = "poflow match: "
EXIT_APPROVE = EXIT_OK
EXIT_HOLD = EXIT_REJECTED  # "well-formed, but the answer is no (yet)"


class _Io(Protocol):
    stdin: IO[bytes]
    stdout: IO[str]
    stderr: IO[str]


class ToleranceFile(Document):
    """The tolerance file: candidate profiles; the engine picks one per line."""

    profiles: list[ToleranceProfile] = Field(min_length=1)


# --- the one place that knows MatchRequest's tolerance field ------------------------


def build_match_request(
    *,
    po: PurchaseOrder,
    invoice: Invoice,
    receipts: Sequence[GoodsReceipt] = (),
    prior_invoices: Sequence[Invoice] = (),
    profiles: Sequence[ToleranceProfile] | None = None,
) -> MatchRequest:
    """A `MatchRequest` with the tolerance candidates (scoped by item, vendor,
    category; resolved per line by the engine). `profiles=None` leaves the
    field out, so the model's default — the engine's default profile — applies."""
    fields: dict[str, Any] = {
        "po": po,
        "invoice": invoice,
        "receipts": list(receipts),
        "prior_invoices": list(prior_invoices),
    }
    if profiles is not None:
        fields["tolerance_profiles"] = list(profiles)
    return MatchRequest(**fields)


# --- reading the files --------------------------------------------------------------


def _read(path: str, stdin: IO[bytes], what: str) -> bytes:
    from starter.cli import display_name, read_input  # one reader for every CLI file

    raw = read_input(path, stdin)
    if not raw.strip():
        raise Invalid(f"{display_name(path)}: empty, expected a {what} JSON document")
    return raw


def _load(path: str, model: type[M], stdin: IO[bytes]) -> M:
    from starter.cli import load_document

    return load_document(path, model, stdin)[0]


def load_tolerances(path: str, stdin: IO[bytes]) -> list[ToleranceProfile]:
    """`{"profiles": [...]}` or one profile object → the candidate profiles."""
    from starter.cli import display_name

    name = display_name(path)
    raw = _read(path, stdin, "tolerance")
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as err:
        raise Invalid(f"{name}: not valid JSON: {err}") from None
    if not isinstance(data, dict):
        raise Invalid(
            f'{name}: expected a JSON object, {{"profiles": [...]}} or a single tolerance profile'
        )
    try:
        if "profiles" in data:
            return ToleranceFile.model_validate_json(raw).profiles
        return [ToleranceProfile.model_validate_json(raw)]
    except ValidationError as err:
        raise from_validation_error(err, prefix=f"{name}: ") from None


def _same_po(path: str, document: GoodsReceipt | Invoice, po: PurchaseOrder) -> None:
    """Offline, nothing routes documents to their PO: refuse a mix-up rather
    than match an invoice against the wrong order."""
    from starter.cli import display_name

    if document.po_number != po.po_number:
        raise Invalid(
            f"{display_name(path)}: po_number: {document.po_number!r} does not match "
            f"the PO's {po.po_number!r}"
        )


def _as_file_field(error: FieldError) -> FieldError:
    """`tolerance_profiles[1]` (the request's field) → `profiles[1]` (the file's)."""
    name = "tolerance_profiles"
    if error.field == name or error.field.startswith((f"{name}[", f"{name}.")):
        return FieldError("profiles" + error.field[len(name):], error.reason)
    return error


def match_files(
    *,
    po: str,
    invoice: str,
    receipts: Sequence[str] = (),
    history: Sequence[str] = (),
    tolerances: str | None = None,
    stdin: IO[bytes],
) -> MatchResult:
    """Load and validate every file (raising `Invalid` naming the first bad
    one), then run the engine."""
    from activities.matching import match_invoice
    from starter.cli import display_name

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
    profiles = load_tolerances(tolerances, stdin) if tolerances is not None else None
    try:
        request = build_match_request(
            po=order, invoice=new_invoice, receipts=loaded_receipts, prior_invoices=earlier, profiles=profiles
        )
    except ValidationError as err:
        # Only the set of profiles can still be refused here (two candidates
        # for the same scope or with the same name): the documents, and each
        # profile on its own, were validated above. Name the file's field.
        errors = [_as_file_field(error) for error in field_errors(err.errors(include_url=False))]
        raise Invalid.from_fields(errors, prefix=f"{display_name(tolerances or 'request')}: ") from None
    except ValueError as err:
        raise Invalid(f"{display_name(tolerances or 'request')}: {err}") from None
    return match_invoice(request)


# --- the command ----------------------------------------------------------------------


def run_match(args: argparse.Namespace, io: _Io) -> int:
    """`poflow match`: exit 0 approve, 3 hold, 2 bad input, 1 engine failure."""
    try:
        result = match_files(
            po=args.po,
            invoice=args.invoice,
            receipts=args.receipt,
            history=args.invoice_history,
            tolerances=args.tolerances,
            stdin=io.stdin,
        )
    except Invalid as err:
        print(PREFIX + _one_line(err.message), file=io.stderr)
        return EXIT_BAD_INPUT
    except Exception as err:  # noqa: BLE001 — the engine failed: one line, not a traceback
        print(f"{PREFIX}match failed: {type(err).__name__}: {_one_line(str(err))}", file=io.stderr)
        return EXIT_RUNTIME
    print(result.model_dump_json(indent=2), file=io.stdout)
    return EXIT_APPROVE if result.decision == MatchDecision.APPROVE else EXIT_HOLD


def _one_line(text: str) -> str:
    return " ".join(text.split())
