"""`poflow match` — the match engine offline: replay a live match, or try files.

    poflow match --request REQUEST.json
    poflow match --stored INVOICE_ID [--export]
    poflow match --po PO.json --invoice INV.json [--receipt R.json]...
                 [--invoice-history I.json]... [--tolerances T.json]
                 [--candidate I.json]... [--duplicate-window-days N]
                 [--po-closed] [--tax-rate PCT] [--freight-taxable]

`--request` is the complete form: a `MatchRequest` exactly as the PO workflow
passes it to the `match_invoice` activity (and `save_match_result` stores it,
table `match_results`), or a stored record `{"request": …, "result": …}`.
For a record, the stored result's `matched_at` is reused and a line on stderr
says whether the replay equals the stored result. `--stored` reads the latest
stored record of an invoice (`invoice:ACME:INV-1001`; `credit:…` for a credit
memo) from the database (DATABASE_URL, default the local SQLite file) and
replays it, or with `--export` prints it, to keep, edit and pass to
`--request`. The file form builds the request from documents; what it cannot
say (released and manual holds, the audit draw) only `--request` carries.

Prints the `MatchResult` as JSON (indent 2) on stdout. Exit codes: 0 the
invoice would be approved, 3 it would be held, 2 bad input (one line on stderr
naming the file and the field), 4 no stored match for that invoice, 1 the
engine failed or the database could not be read.

The documents are the same models the API accepts (`PurchaseOrder`,
`GoodsReceipt`, `Invoice`). The tolerance file is `{"profiles": [profile, ...]}`
or a single profile object; without it the engine's default profile applies.
Offline forms connect nowhere and read no clock: the same files always give
the same output (`matched_at` is null, or the stored one), so two runs can be
diffed.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import IO, Any, Protocol, TypeVar

from pydantic import BaseModel, Field, ValidationError

from models import (
    GoodsReceipt,
    Invoice,
    MatchDecision,
    MatchRecord,
    MatchRequest,
    MatchResult,
    PurchaseOrder,
    ToleranceProfile,
    normalize_invoice_number,
)
from models.common import Document
from starter.errors import (
    EXIT_OK,
    EXIT_REJECTED,
    EXIT_RUNTIME,
    FieldError,
    Invalid,
    NotFound,
    PoflowError,
    Unavailable,
    field_errors,
    from_validation_error,
)

__all__ = [
    "EXIT_APPROVE",
    "EXIT_HOLD",
    "ToleranceFile",
    "add_match_command",
    "build_match_request",
    "compare_with_stored",
    "load_request",
    "load_tolerances",
    "match_files",
    "run_match",
    "stored_record",
]

M = TypeVar("M", bound=BaseModel)

PREFIX = "poflow match: "
EXIT_APPROVE = EXIT_OK
EXIT_HOLD = EXIT_REJECTED  # "well-formed, but the answer is no (yet)"
INVOICE_ID_PREFIXES = ("invoice", "credit")


class _Io(Protocol):
    stdin: IO[bytes]
    stdout: IO[str]
    stderr: IO[str]


class ToleranceFile(Document):
    """The tolerance file: candidate profiles; the engine picks one per line."""

    profiles: list[ToleranceProfile] = Field(min_length=1)


# --- the command line ---------------------------------------------------------------


def add_match_command(commands: Any, handler: Any) -> None:
    match = commands.add_parser(
        "match",
        help="match an invoice offline: replay a live match (--request, --stored) or try JSON files "
        "(exit 0 approve, 3 hold, 2 bad input)",
    )
    replay = match.add_argument_group("replay a live match (the complete form)")
    replay.add_argument(
        "--request",
        metavar="REQUEST.json",
        help='a MatchRequest as the workflow sent it, or a stored record {"request": ..., "result": ...}',
    )
    replay.add_argument(
        "--stored",
        metavar="INVOICE_ID",
        help="the latest stored match of this invoice (invoice:ACME:INV-1001), from the database",
    )
    replay.add_argument(
        "--export", action="store_true", help="with --stored: print the stored record instead of replaying it"
    )
    files = match.add_argument_group("build the request from documents")
    files.add_argument("--po", metavar="PO.json", help="the PurchaseOrder (agreed revision)")
    files.add_argument("--invoice", metavar="INV.json", help="the invoice to match")
    files.add_argument(
        "--receipt", action="append", default=[], metavar="R.json", help="a GoodsReceipt (repeatable)"
    )
    files.add_argument(
        "--invoice-history",
        action="append",
        default=[],
        metavar="I.json",
        help="an earlier invoice or credit memo on the PO that counts as billed (repeatable)",
    )
    files.add_argument(
        "--tolerances",
        metavar="T.json",
        help='{"profiles": [ToleranceProfile, ...]} or one profile (default: the engine default)',
    )
    files.add_argument(
        "--candidate",
        action="append",
        default=[],
        metavar="I.json",
        help="another invoice of the vendor, on any PO, to look for a suspected duplicate among (repeatable)",
    )
    files.add_argument(
        "--duplicate-window-days",
        metavar="N",
        help="suspected duplicates: invoice dates at most N days apart (default 30)",
    )
    files.add_argument("--po-closed", action="store_true", help="the PO is closed or cancelled (PO_NOT_OPEN)")
    files.add_argument("--tax-rate", metavar="PCT", help="tax rate for PO lines that carry none")
    files.add_argument("--freight-taxable", action="store_true", help="freight is taxed at the lines' rate")
    match.set_defaults(local=handler)


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
    from starter.cli import display_name

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
    from starter.cli import display_name

    if document.po_number != po.po_number:
        raise Invalid(
            f"{display_name(path)}: po_number: {document.po_number!r} does not match "
            f"the PO's {po.po_number!r}"
        )


def _window_days(text: str | None) -> int | None:
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise Invalid(f"--duplicate-window-days: {text!r} is not a whole number of days") from None


def _tax_rate(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        raise Invalid(f"--tax-rate: {text!r} is not a number (percent, e.g. 8.25)") from None


# Request fields that come from an option, not a file: errors name the option.
_OPTION_OF_FIELD = {"duplicate_window_days": "--duplicate-window-days", "tax_rate_pct": "--tax-rate"}


def _request_error(err: ValidationError, tolerances: str | None) -> Invalid:
    """Only options and the set of profiles can still be refused when the
    request is built: the documents, and each profile on its own, were
    validated as they were read."""
    from starter.cli import display_name

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


# --- the stored matches ---------------------------------------------------------------


def _invoice_id(text: str) -> str:
    """`invoice:ACME:INV-0042` → `invoice:ACME:INV42`: the number as people
    write it, normalised as the door does."""
    parts = text.strip().split(":", 2)
    if len(parts) != 3 or parts[0] not in INVOICE_ID_PREFIXES or not parts[1] or not parts[2]:
        raise Invalid(
            f"--stored: {text!r} is not an invoice id: expected invoice:VENDOR:NUMBER "
            "(credit:VENDOR:NUMBER for a credit memo)"
        )
    return f"{parts[0]}:{parts[1]}:{normalize_invoice_number(parts[2])}"


def stored_record(invoice_id: str) -> MatchRecord:
    """The latest stored match of the invoice that has its request."""
    from activities.db import make_engine, migrate
    from activities.db.repository import list_match_records
    from settings import load_settings

    wanted = _invoice_id(invoice_id)
    engine = make_engine(load_settings().database_url)
    try:
        migrate(engine)
        records = list_match_records(engine, invoice_id=wanted)
    except Exception as err:  # noqa: BLE001 — one line, not a traceback
        where = engine.url.render_as_string(hide_password=True)
        raise Unavailable(f"cannot read match results from {where}: {' '.join(str(err).split())}") from None
    finally:
        engine.dispose()
    replayable = [record for record in records if record.request is not None]
    if not replayable:
        why = "only without its request (before migration 0003)" if records else "none"
        raise NotFound(f"no stored match of {wanted} to replay ({why})")
    return replayable[-1]


# --- comparing with what the workflow got ------------------------------------------------


def _holds_text(result: MatchResult) -> str:
    labels = [
        h.code.value + (f" line {h.line_no}" if h.line_no is not None else "") for h in result.open_holds
    ]
    return f"{result.decision.value} ({', '.join(labels)})" if labels else result.decision.value


def _differing_fields(replayed: MatchResult, stored: MatchResult) -> list[str]:
    a, b = replayed.model_dump(mode="json"), stored.model_dump(mode="json")
    return [name for name in a if a[name] != b.get(name)]


def compare_with_stored(replayed: MatchResult, stored: MatchResult) -> str:
    """One line: does the replay give the workflow's answer? Same decision
    and the same open holds (code and line) is the answer; other fields
    (messages, line figures) are named when they differ."""
    same_answer = replayed.decision == stored.decision and [h.key for h in replayed.open_holds] == [
        h.key for h in stored.open_holds
    ]
    if not same_answer:
        return (
            f"replay DIFFERS from the stored result: stored {_holds_text(stored)}, "
            f"replay {_holds_text(replayed)}"
        )
    differing = _differing_fields(replayed, stored)
    if differing:
        return (
            f"replay has the stored decision, {_holds_text(stored)}; other fields differ: "
            f"{', '.join(differing)}"
        )
    return f"replay equals the stored result: {_holds_text(stored)}"


# --- the command ----------------------------------------------------------------------


def _mode(args: argparse.Namespace) -> str:
    """Exactly one way to say what to match."""
    file_flags = [
        flag
        for flag, given in (
            ("--po", args.po),
            ("--invoice", args.invoice),
            ("--receipt", args.receipt),
            ("--invoice-history", args.invoice_history),
            ("--tolerances", args.tolerances),
            ("--candidate", args.candidate),
            ("--duplicate-window-days", args.duplicate_window_days is not None),
            ("--po-closed", args.po_closed),
            ("--tax-rate", args.tax_rate),
            ("--freight-taxable", args.freight_taxable),
        )
        if given
    ]
    chosen = [flag for flag, given in (("--request", args.request), ("--stored", args.stored)) if given]
    if len(chosen) > 1 or (chosen and file_flags):
        raise Invalid(
            f"{' and '.join(chosen + file_flags[:1])} cannot be combined: --request and --stored "
            "replay a whole request"
        )
    if args.export and not args.stored:
        raise Invalid("--export needs --stored INVOICE_ID")
    if chosen:
        return chosen[0]
    missing = [flag for flag, given in (("--po", args.po), ("--invoice", args.invoice)) if not given]
    if missing:
        raise Invalid(f"{' and '.join(missing)} required (or --request REQUEST.json, or --stored INVOICE_ID)")
    return "files"


def _request_and_stored(args: argparse.Namespace, io: _Io) -> tuple[MatchRequest, MatchResult | None] | str:
    """What to run (and the result to compare with), or a record to print."""
    mode = _mode(args)
    if mode == "--request":
        return load_request(args.request, io.stdin)
    if mode == "--stored":
        record = stored_record(args.stored)
        if args.export:
            return record.model_dump_json(indent=2)
        if record.request is None:  # stored_record returns only records that kept their request
            raise AssertionError(f"stored match of {args.stored} has no request to replay")
        return record.request, record.result
    return request_from_files(
        po=args.po,
        invoice=args.invoice,
        receipts=args.receipt,
        history=args.invoice_history,
        tolerances=args.tolerances,
        candidates=args.candidate,
        stdin=io.stdin,
        po_open=not args.po_closed,
        duplicate_window_days=_window_days(args.duplicate_window_days),
        tax_rate_pct=_tax_rate(args.tax_rate),
        freight_taxable=args.freight_taxable,
    ), None


def run_match(args: argparse.Namespace, io: _Io) -> int:
    """`poflow match`: exit 0 approve, 3 hold, 2 bad input, 4 nothing stored, 1 failure."""
    from p2p.matching import match_invoice

    try:
        what = _request_and_stored(args, io)
        if isinstance(what, str):
            print(what, file=io.stdout)
            return EXIT_OK
        request, stored = what
        # A replay reuses the stored stamp, so an unchanged answer is equal as a whole.
        result = match_invoice(request, matched_at=stored.matched_at if stored else None)
    except PoflowError as err:
        print(PREFIX + _one_line(err.message), file=io.stderr)
        return err.exit_code
    except Exception as err:  # noqa: BLE001 — the engine failed: one line, not a traceback
        print(f"{PREFIX}match failed: {type(err).__name__}: {_one_line(str(err))}", file=io.stderr)
        return EXIT_RUNTIME
    print(result.model_dump_json(indent=2), file=io.stdout)
    if stored is not None:
        print(PREFIX + compare_with_stored(result, stored), file=io.stderr)
    return EXIT_APPROVE if result.decision == MatchDecision.APPROVE else EXIT_HOLD


def _one_line(text: str) -> str:
    return " ".join(text.split())
