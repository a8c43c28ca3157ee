"""`poflow tolerances …` — changing live tolerance profiles, by approval.

    poflow tolerances list [--json]                       live profiles, version, since, approved by
    poflow tolerances propose --file NEW.json --by USER [--reason TEXT] [--json]
    poflow tolerances changes [--status pending|approved|rejected] [--json]
    poflow tolerances approve CHANGE_ID --by USER [--comment TEXT] [--json]
    poflow tolerances reject CHANGE_ID --by USER --reason TEXT [--json]
    poflow tolerances history NAME [--version N] [--json]  every version a profile had
    poflow tolerances simulate --change CHANGE_ID          (starter/simulate_cli.py)

The rules live in activities/db/tolerance_changes.py: a proposal is stored
pending with its diff against the live profiles; a second person approves it
(the proposer cannot: segregation of duties) and the changed profiles go live
at version + 1, the earlier versions staying in the history. These work on
the database directly (DATABASE_URL, migrated first), like `simulate`: no
Temporal server is needed.

Exit codes: 0 ok, 2 bad input (file, field, id), 3 refused (own change,
already decided, stale), 4 no such change or profile, 1 database unreachable.
"""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from identity.roles import Permission
from starter.cli_support import Streams, authenticate_cli, open_database, table
from starter.errors import EXIT_OK, NotFound
from starter.tolerance_changes import call, call_as, parse_change

if TYPE_CHECKING:
    from models.tolerance_changes import ProfileVersion, ToleranceChange

__all__ = ["add_commands", "format_change", "format_live", "run_tolerances"]


# --- parser ------------------------------------------------------------------------------------


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register the subcommands under `poflow tolerances`."""
    listing = commands.add_parser("list", help="the live tolerance profiles with their versions")
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(local=run_tolerances, tolerances_run=_list)

    propose = commands.add_parser(
        "propose", help="propose a change to the live profiles (pending until a second person approves)"
    )
    propose.add_argument(
        "--file",
        required=True,
        metavar="NEW.json",
        help='{"profiles": [...]} or one profile; each replaces the live profile of its name',
    )
    propose.add_argument("--reason", metavar="TEXT", help="why (shown to the approver)")
    propose.add_argument("--json", action="store_true", help="print the change as JSON")
    propose.set_defaults(local=run_tolerances, tolerances_run=_propose)

    changes = commands.add_parser("changes", help="proposed changes, pending and decided, newest first")
    changes.add_argument("--status", choices=["pending", "approved", "rejected"], help="only these")
    changes.add_argument("--json", action="store_true", help="print JSON")
    changes.set_defaults(local=run_tolerances, tolerances_run=_changes)

    approve = commands.add_parser("approve", help="put a pending change live (not by its proposer)")
    approve.add_argument("change", metavar="CHANGE_ID", help="TC-7 or 7")
    approve.add_argument("--comment", metavar="TEXT", help="optional note")
    approve.add_argument("--json", action="store_true", help="print the change as JSON")
    approve.set_defaults(local=run_tolerances, tolerances_run=_approve)

    reject = commands.add_parser("reject", help="close a pending change without applying it")
    reject.add_argument("change", metavar="CHANGE_ID", help="TC-7 or 7")
    reject.add_argument("--reason", required=True, metavar="TEXT", help="why (recorded)")
    reject.add_argument("--json", action="store_true", help="print the change as JSON")
    reject.set_defaults(local=run_tolerances, tolerances_run=_reject)

    history = commands.add_parser(
        "history", help="every version a profile had (explains 'acme v3' on a hold)"
    )
    history.add_argument("name", metavar="NAME", help="profile name")
    history.add_argument("--version", type=int, metavar="N", help="only this version, with all its limits")
    history.add_argument("--json", action="store_true", help="print JSON")
    history.set_defaults(local=run_tolerances, tolerances_run=_history)


# --- running -------------------------------------------------------------------------------------


def run_tolerances(args: argparse.Namespace, io: Streams) -> int:
    """The `local` handler of every subcommand here: input first, then the database."""
    return args.tolerances_run(args, io)


def _say(io: Streams, text: str) -> None:
    print(text, file=io.stdout)


def _dump(io: Streams, value: Any) -> None:
    print(json.dumps(value, indent=2), file=io.stdout)


# --- commands ------------------------------------------------------------------------------------


def _list(args: argparse.Namespace, io: Streams) -> int:
    from activities.db.tolerance_changes import live_profile_versions

    with open_database() as engine:
        live = call(engine, live_profile_versions)
    if args.json:
        _dump(io, [version.model_dump(mode="json") for version in live])
    else:
        _say(io, format_live(live))
    return EXIT_OK


def _propose(args: argparse.Namespace, io: Streams) -> int:
    from activities.db.tolerance_changes import propose_change
    from starter.match_input import load_tolerances

    proposed = load_tolerances(args.file, io.stdin)  # bad file: exit 2 before the database is opened
    with open_database() as engine:
        change = call_as(
            engine,
            authenticate_cli(engine),
            Permission.PROPOSE_TOLERANCES,
            propose_change,
            proposed,
            what="propose a tolerance change",
            reason=args.reason,
        )
    if args.json:
        _dump(io, change.model_dump(mode="json"))
        return EXIT_OK
    _say(io, format_change(change))
    _say(
        io,
        f"next: poflow tolerances simulate --change {change.label}; then a second person: "
        f"poflow tolerances approve {change.label}",
    )
    return EXIT_OK


def _changes(args: argparse.Namespace, io: Streams) -> int:
    from activities.db.tolerance_changes import list_changes
    from models.tolerance_changes import ChangeStatus

    status = ChangeStatus(args.status) if args.status else None
    with open_database() as engine:
        changes = call(engine, list_changes, status)
    if args.json:
        _dump(io, [change.model_dump(mode="json") for change in changes])
    elif not changes:
        _say(io, f"no {args.status or ''} tolerance changes".replace("  ", " "))
    else:
        _say(io, "\n".join(format_change(change) for change in changes))
    return EXIT_OK


def _approve(args: argparse.Namespace, io: Streams) -> int:
    from activities.db.tolerance_changes import approve_change

    change_id = parse_change(args.change)
    with open_database() as engine:
        change = call_as(
            engine,
            authenticate_cli(engine),
            Permission.APPROVE_TOLERANCES,
            approve_change,
            change_id,
            what="approve a tolerance change",
            evidence=args.change,
            comment=args.comment,
        )
    if args.json:
        _dump(io, change.model_dump(mode="json"))
    else:
        _say(
            io,
            f"approved {change.label} by {change.decided_by}: live now "
            + ", ".join(profile.source for profile in change.profiles),
        )
    return EXIT_OK


def _reject(args: argparse.Namespace, io: Streams) -> int:
    from activities.db.tolerance_changes import reject_change

    change_id = parse_change(args.change)
    with open_database() as engine:
        change = call_as(
            engine,
            authenticate_cli(engine),
            Permission.APPROVE_TOLERANCES,
            reject_change,
            change_id,
            what="reject a tolerance change",
            evidence=args.change,
            reason=args.reason,
        )
    if args.json:
        _dump(io, change.model_dump(mode="json"))
    else:
        _say(io, f"rejected {change.label} by {change.decided_by}: {change.decision_comment}")
    return EXIT_OK


def _history(args: argparse.Namespace, io: Streams) -> int:
    from activities.db.tolerance_changes import profile_history

    with open_database() as engine:
        versions = call(engine, profile_history, args.name)
    if args.version is not None:
        versions = [v for v in versions if v.profile.version == args.version]
    if not versions:
        which = f"{args.name} v{args.version}" if args.version is not None else args.name
        raise NotFound(f"no recorded version of tolerance profile {which}")
    if args.json:
        _dump(io, [version.model_dump(mode="json") for version in versions])
    elif args.version is not None:
        _say(io, format_version(versions[0]))
        _say(io, versions[0].profile.model_dump_json(indent=2, exclude_none=False))
    else:
        _say(io, "\n".join(format_version(version) for version in versions))
    return EXIT_OK


# --- formatting ------------------------------------------------------------------------------------


def _when(moment: Any) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment is not None else "—"


def _scope(version: ProfileVersion) -> str:
    from p2p.tolerance_profiles import scope_label

    return scope_label(version.profile)


def _approval(version: ProfileVersion) -> str:
    from models.tolerance_changes import change_label

    who = version.approved_by or "—"
    return f"{who} ({change_label(version.change_id)})" if version.change_id is not None else who


def format_live(live: list[ProfileVersion]) -> str:
    if not live:
        return "no tolerance profiles (run `poflow migrate` to seed them)"
    rows = [
        [v.profile.name, f"v{v.profile.version}", _scope(v), _when(v.valid_from), _approval(v)] for v in live
    ]
    return "\n".join(table(["profile", "version", "scope", "since", "approved by"], rows))


def format_version(version: ProfileVersion) -> str:
    until = f" until {_when(version.valid_to)}" if version.valid_to is not None else " (live)"
    return (
        f"{version.profile.source}  {_scope(version)}  from {_when(version.valid_from)}{until}  "
        f"approved by {_approval(version)}"
    )


def format_change(change: ToleranceChange) -> str:
    lines = [
        f"{change.label}  {change.status.value}  proposed {_when(change.proposed_at)} by {change.proposed_by}"
        + (f": {change.reason}" if change.reason else "")
    ]
    lines += [f"  {entry.label}" for entry in change.diff]
    if change.decided_by is not None:
        lines.append(
            f"  {change.status.value} {_when(change.decided_at)} by {change.decided_by}"
            + (f": {change.decision_comment}" if change.decision_comment else "")
        )
    return "\n".join(lines)
