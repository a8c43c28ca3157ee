"""`poflow` — the command line door: builds the parser and dispatches.

Exit codes: 0 ok, 1 runtime/connection error, 2 bad input, 3 rejected by the
workflow (closed task, segregation of duties…), 4 not found, 5 duplicate.
Expected errors print one line on stderr ("poflow: …"), never a traceback.
Input files are read and validated before anything connects, so a typo is
answered even when Temporal is down.

The commands live beside it (their arguments in cli_parsers.py when their
module is heavy): po_cli.py (through the service), match_cli.py,
extract_cli.py, simulate_cli.py and tolerances_cli.py (offline or on the
database), replay_cli.py (workflow histories, from files or Temporal); what
they share is in cli_support.py. The local commands below
(up, down, demo, worker, api, migrate) hand over to the part that runs them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, cast

from settings import load_settings
from starter import cli_parsers
from starter.cli_support import Handler, Io, Session
from starter.errors import EXIT_OK, EXIT_RUNTIME, PoflowError, Unavailable
from starter.extract_cli import add_extract_command

if TYPE_CHECKING:
    from sqlalchemy.exc import DBAPIError

    from starter.operations import PoflowOperations, ServiceFactory

# Start-up (issue #19): building the parser imports only light modules — the
# commands' own modules, the models, Temporal, SQLAlchemy and the service are
# imported by the handler of the command that runs (cli_parsers.py says how;
# tests/doors/test_cli_imports.py guards it), so `poflow extract` and
# `poflow --help` do not pay for what they do not use.

# --- entry points ------------------------------------------------------------------


def main() -> None:
    """Console script `poflow`."""
    # poflow uses no pydantic plugins; looking for them scans every installed
    # package's metadata, about 30 ms of each command's start-up (#19).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        code = run()
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader went away (`poflow extract big.pdf | head`): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        code = 0
    sys.exit(code)


def run(
    argv: Sequence[str] | None = None,
    *,
    service_factory: ServiceFactory | None = None,
    io: Io | None = None,
) -> int:
    io = io or Io(sys.stdin.buffer, sys.stdout, sys.stderr)
    args = build_parser().parse_args(argv)
    try:
        if hasattr(args, "local"):
            return args.local(args, io)
        import asyncio  # only a command that talks to the service runs an event loop

        factory = service_factory or _connect
        return asyncio.run(_run_service_command(args.handler, args, Session(factory), io))
    except PoflowError as err:
        print(f"poflow: {err.message}", file=io.stderr)
        return err.exit_code
    except ImportError as err:
        # A part of poflow this command needs is not installed (or not written yet).
        print(f"poflow: {args.command} is unavailable: cannot import {err.name or err}", file=io.stderr)
        return EXIT_RUNTIME
    except KeyboardInterrupt:
        return 130
    except Exception as err:
        if not _is_operational_error(err):
            raise
        # Locked or unreachable, met outside the service's own mapping (signing
        # in, a command on the database): one line, exit 1, like the API's 503.
        from starter.db_errors import database_unavailable, where

        unavailable = database_unavailable(cast("DBAPIError", err), where(load_settings().database_url))
        print(f"poflow: {unavailable.message}", file=io.stderr)
        return unavailable.exit_code


def _is_operational_error(err: Exception) -> bool:
    """SQLAlchemy's OperationalError, without importing SQLAlchemy: a command
    that never loaded it cannot have raised it."""
    exc_module = sys.modules.get("sqlalchemy.exc")
    return exc_module is not None and isinstance(err, exc_module.OperationalError)


async def _connect() -> PoflowOperations:
    from starter.operations import connect_service  # the service: Temporal and the database

    return await connect_service(load_settings())


async def _run_service_command(handler: Handler, args: argparse.Namespace, session: Session, io: Io) -> int:
    try:
        return await handler(args, session, io)
    finally:
        await session.close()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="poflow",
        description="Buyer-side procure-to-pay on Temporal: every purchase order is a durable workflow.",
        epilog="Exit codes: 0 ok, 1 runtime error, 2 bad input, 3 rejected, 4 not found, 5 duplicate.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_local_commands(commands)
    cli_parsers.add_po_commands(commands)
    cli_parsers.add_match_command(commands, _match)
    add_extract_command(commands, _extract)
    cli_parsers.add_replay_command(commands, _replay)

    _add_tolerances_command(commands)
    _add_users_command(commands)
    cli_parsers.add_hold_command(commands)
    return parser


def _add_local_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    up = commands.add_parser("up", help="start Temporal, the worker and the API locally (then the demo)")
    up.add_argument("--no-demo", action="store_true", help="do not push the demo scenarios")
    up.set_defaults(local=_up)
    commands.add_parser("down", help="stop what `poflow up` started").set_defaults(local=_down)
    demo = commands.add_parser("demo", help="push realistic scenarios through a running stack")
    demo.add_argument("--api", metavar="URL", help="API base URL (default: from settings)")
    demo.set_defaults(local=_demo)
    commands.add_parser("worker", help="run the Temporal worker").set_defaults(local=_worker)
    api = commands.add_parser("api", help="run the HTTP API and approver inbox")
    api.add_argument("--host", help="bind address (default: POFLOW_API_HOST)")
    api.add_argument("--port", type=int, help="port (default: POFLOW_API_PORT)")
    api.set_defaults(local=_api)
    commands.add_parser("migrate", help="create/upgrade the database and seed master data").set_defaults(
        local=_migrate
    )


def _add_tolerances_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    tolerances = commands.add_parser("tolerances", help="tolerance profiles: what a change would do")
    tolerance_commands = tolerances.add_subparsers(
        dest="tolerances_command", required=True, metavar="COMMAND"
    )
    simulate = tolerance_commands.add_parser(
        "simulate", help="re-match stored invoices under a proposed tolerance file and report the effect"
    )
    proposal = simulate.add_mutually_exclusive_group(required=True)
    proposal.add_argument(
        "--profile", metavar="NEW.json", help='proposed profiles: {"profiles": [...]} or one profile'
    )
    proposal.add_argument("--change", metavar="CHANGE_ID", help="a proposed change (TC-7), see `propose`")
    simulate.add_argument(
        "--since", metavar="DATE", help="only matches made on or after DATE (YYYY-MM-DD, UTC)"
    )
    simulate.add_argument("--json", action="store_true", help="print the report as JSON")
    simulate.set_defaults(local=_simulate)
    from starter import tolerances_cli  # light: its commands import what they need when run

    tolerances_cli.add_commands(tolerance_commands)


def _add_users_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from starter import users_cli  # light: its commands import what they need when run

    users_cli.add_commands(commands)


# --- local commands (no service) ---------------------------------------------------------
# Imported lazily: each pulls in a part owned elsewhere, and `poflow tasks`
# should not pay for (or break on) the stack, the demo or the worker.


def _up(args: argparse.Namespace, io: Io) -> int:
    from starter import stack

    return stack.up(demo=not args.no_demo)


def _down(args: argparse.Namespace, io: Io) -> int:
    from starter import stack

    return stack.down()


def _demo(args: argparse.Namespace, io: Io) -> int:
    from starter.demo import run_demo

    return run_demo(args.api or load_settings().api_url)


def _match(args: argparse.Namespace, io: Io) -> int:
    from starter.match_cli import run_match

    return run_match(args, io)


def _extract(args: argparse.Namespace, io: Io) -> int:
    from starter.extract_cli import run_extract

    return run_extract(args, io)


def _replay(args: argparse.Namespace, io: Io) -> int:
    from starter.replay_cli import run_replay

    return run_replay(args, io)


def _simulate(args: argparse.Namespace, io: Io) -> int:
    from starter.simulate_cli import run_simulate

    return run_simulate(args, io)


def _worker(args: argparse.Namespace, io: Io) -> int:
    import worker

    worker.main()
    return EXIT_OK


def _api(args: argparse.Namespace, io: Io) -> int:
    import uvicorn

    settings = load_settings()
    uvicorn.run("starter.api:app", host=args.host or settings.api_host, port=args.port or settings.api_port)
    return EXIT_OK


def _migrate(args: argparse.Namespace, io: Io) -> int:
    from activities.db.engine import make_engine, migrate
    from activities.db.seed import seed_master_data

    settings = load_settings()
    engine = make_engine(settings.database_url)
    try:
        migrate(engine)
        seed_master_data(engine)
    except Exception as err:  # noqa: BLE001 — one line, not a traceback
        raise Unavailable(
            f"migration failed on {engine.url.render_as_string(hide_password=True)}: {err}"
        ) from None
    finally:
        engine.dispose()
    io.say(f"database ready: {engine.url.render_as_string(hide_password=True)}")
    return EXIT_OK


if __name__ == "__main__":
    main()
