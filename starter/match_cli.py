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

Reading the files and building the request: starter/match_input.py.
"""

from __future__ import annotations

import argparse
from decimal import Decimal, InvalidOperation

from models import MatchDecision, MatchRecord, MatchRequest, MatchResult, normalize_invoice_number
from starter.cli_support import Streams
from starter.errors import EXIT_OK, EXIT_REJECTED, EXIT_RUNTIME, Invalid, NotFound, PoflowError, Unavailable
from starter.match_input import load_request, request_from_files

__all__ = [
    "EXIT_APPROVE",
    "EXIT_HOLD",
    "compare_with_stored",
    "run_match",
    "stored_record",
]

PREFIX = "poflow match: "
EXIT_APPROVE = EXIT_OK
EXIT_HOLD = EXIT_REJECTED  # "well-formed, but the answer is no (yet)"
INVOICE_ID_PREFIXES = ("invoice", "credit")


# (Its arguments are declared in cli_parsers.py, so `--help` does not import the engine.)


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


def _request_and_stored(
    args: argparse.Namespace, io: Streams
) -> tuple[MatchRequest, MatchResult | None] | str:
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


def run_match(args: argparse.Namespace, io: Streams) -> int:
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
