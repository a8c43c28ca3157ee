"""`poflow tolerances simulate` — what a proposed tolerance file would change.

    poflow tolerances simulate --profile NEW.json [--since DATE] [--json]
    poflow tolerances simulate --change TC-7 [--since DATE] [--json]

Re-matches the invoices stored in the database (DATABASE_URL, default the
local SQLite file; migrated first) under the proposed profiles — the file
format of `poflow match --tolerances`: `{"profiles": [...]}` or one profile —
and reports the invoices whose holds would clear or appear, how many would be
released or newly held, and the money at stake per currency
(activities.simulation). `--change` takes the profiles of a proposed change
(`poflow tolerances propose`) instead of a file, numbered as they would go
live. `--since DATE` only looks at matches made on or after
that day (UTC). Nothing is written.

Exit codes: 0 report printed (also when nothing would change or nothing is
stored), 2 bad input (one line naming the file and field), 4 no such change,
1 the database could not be read.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import IO, TYPE_CHECKING

from models import MatchRecord, ToleranceProfile, money_text
from models.matching import check_candidates
from starter.cli_support import Streams, display_name
from starter.errors import EXIT_BAD_INPUT, EXIT_OK, Invalid, NotFound, Unavailable

if TYPE_CHECKING:
    from activities.simulation import SimulationReport

__all__ = ["format_report", "run_simulate"]

PREFIX = "poflow tolerances simulate: "


def _since(text: str | None) -> datetime | None:
    if text is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(text), datetime.min.time(), tzinfo=UTC)
    except ValueError:
        raise Invalid(f"--since: {text!r} is not a date (YYYY-MM-DD)") from None


def _profiles(path: str, stdin: IO[bytes]) -> list[ToleranceProfile]:
    from starter.match_input import load_tolerances

    profiles = load_tolerances(path, stdin)
    try:
        return check_candidates(profiles)
    except ValueError as err:
        raise Invalid(f"{display_name(path)}: profiles: {err}") from None


def _per_currency(totals: dict[str, Decimal]) -> str:
    return ", ".join(money_text(totals[c], c) for c in sorted(totals)) or "none"


def format_report(report: SimulationReport) -> str:
    lines = [f"proposed: {', '.join(report.proposed)}"]
    for change in report.changes:
        parts = [
            f"{change.invoice_number} ({change.invoice_id}) on {change.po_number}: "
            f"{change.before.value} → {change.after.value}"
        ]
        if change.cleared:
            parts.append("clears " + ", ".join(hold.label for hold in change.cleared))
        if change.appearing:
            parts.append("adds " + ", ".join(hold.label for hold in change.appearing))
        parts.append(money_text(change.total, change.currency))
        lines.append("  " + "; ".join(parts))
    if not report.changes:
        lines.append("  no invoice would change")
    lines.append(
        f"{report.rerun} invoice(s) re-run: {report.released} would be released, "
        f"{report.newly_held} newly held, {report.unchanged} unchanged"
    )
    lines.append(
        f"money at stake: {_per_currency(report.money_at_stake)} "
        f"(released {_per_currency(report.released_amount)}; "
        f"newly held {_per_currency(report.newly_held_amount)})"
    )
    if report.without_request:
        lines.append(f"{report.without_request} invoice(s) stored without their match request were skipped")
    return "\n".join(lines)


def run_simulate(args: argparse.Namespace, io: Streams) -> int:
    """Files and options are checked before the database is opened."""
    from activities.db import make_engine, migrate
    from activities.db.repository import list_match_records
    from activities.db.tolerance_changes import ChangeNotFound, get_change
    from activities.simulation import simulate
    from settings import load_settings
    from starter.tolerance_changes import parse_change

    change_text = getattr(args, "change", None)
    try:
        since = _since(args.since)
        proposed = _profiles(args.profile, io.stdin) if change_text is None else []
        change_id = parse_change(change_text) if change_text is not None else None
    except Invalid as err:
        print(PREFIX + " ".join(err.message.split()), file=io.stderr)
        return EXIT_BAD_INPUT
    engine = make_engine(load_settings().database_url)
    change = None
    try:
        migrate(engine)
        if change_id is not None:
            change = get_change(engine, change_id)
            proposed = change.profiles
        records = list_match_records(engine, since=since)
    except ChangeNotFound as err:
        raise NotFound(str(err)) from None
    except Exception as err:  # noqa: BLE001 — one line, not a traceback
        where = engine.url.render_as_string(hide_password=True)
        raise Unavailable(f"cannot read match results from {where}: {' '.join(str(err).split())}") from None
    finally:
        engine.dispose()
    if not any(record.request is not None for record in records):
        return _nothing_to_simulate(args, records, io)
    report = simulate(records, proposed)
    if change is not None and not args.json:
        print(
            f"change {change.label} ({change.status.value}) proposed by {change.proposed_by}"
            + (f": {change.reason}" if change.reason else ""),
            file=io.stdout,
        )
    print(report.model_dump_json(indent=2) if args.json else format_report(report), file=io.stdout)
    return EXIT_OK


def _nothing_to_simulate(args: argparse.Namespace, records: list[MatchRecord], io: Streams) -> int:
    """No stored match has its request (or nothing is stored): say so, exit 0."""
    scope = f" matched since {args.since}" if args.since else ""
    message = (
        f"no stored match requests{scope}: nothing to simulate "
        "(requests are stored with each match from migration 0003 on)"
    )
    if args.json:
        print(
            json.dumps(
                {
                    "message": message,
                    "rerun": 0,
                    "without_request": len({r.result.invoice_id for r in records}),
                }
            ),
            file=io.stdout,
        )
    else:
        print(message, file=io.stdout)
    return EXIT_OK
