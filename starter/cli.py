"""`poflow` — the command line door.

Exit codes: 0 ok, 1 runtime/connection error, 2 bad input, 3 rejected by the
workflow (closed task, segregation of duties…), 4 not found, 5 duplicate.
Expected errors print one line on stderr ("poflow: …"), never a traceback.
Input files are read and validated before anything connects, so a typo is
answered even when Temporal is down.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import IO, TypeVar

from pydantic import BaseModel, ValidationError

from models import (
    Acknowledgment,
    GoodsReceipt,
    HumanTask,
    Invoice,
    PurchaseOrder,
    PurchaseOrderState,
    format_money,
    round_money,
)
from settings import load_settings
from starter.errors import EXIT_OK, EXIT_RUNTIME, Invalid, PoflowError, Unavailable, from_validation_error
from starter.extract_cli import add_extract_command
from starter.operations import (
    PoflowOperations,
    ServiceFactory,
    SupplierDocument,
    connect_service,
    po_label,
    workflow_id_for,
)

M = TypeVar("M", bound=BaseModel)

DOCUMENT_KINDS: dict[str, type[SupplierDocument]] = {
    "acknowledgment": Acknowledgment,
    "receipt": GoodsReceipt,
    "invoice": Invoice,
}


@dataclass
class Io:
    """Where the CLI reads and writes; tests pass StringIO/BytesIO."""

    stdin: IO[bytes]
    stdout: IO[str]
    stderr: IO[str]

    def say(self, text: str = "") -> None:
        print(text, file=self.stdout)


@dataclass
class Session:
    """Connects to the service on first use only, and once."""

    factory: ServiceFactory
    _service: PoflowOperations | None = field(default=None, init=False)

    async def service(self) -> PoflowOperations:
        if self._service is None:
            self._service = await self.factory()
        return self._service

    async def close(self) -> None:
        if self._service is not None:
            await self._service.close()


Handler = Callable[[argparse.Namespace, Session, Io], Awaitable[int]]


# --- entry points ------------------------------------------------------------------


def main() -> None:
    """Console script `poflow`."""
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
        factory = service_factory or (lambda: connect_service(load_settings()))
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

    create = commands.add_parser("create-po", help="start a purchase order from a JSON file")
    create.add_argument("file", metavar="FILE", help="PurchaseOrder JSON ('-' for stdin)")
    create.set_defaults(handler=_create_po)

    send = commands.add_parser("send", help="send a supplier/warehouse document to its PO")
    send.add_argument(
        "kind", choices=sorted(DOCUMENT_KINDS), help="document kind (credit memos are invoices)"
    )
    send.add_argument("file", metavar="FILE", help="document JSON ('-' for stdin)")
    send.set_defaults(handler=_send)

    status = commands.add_parser("status", help="show a purchase order's live state")
    status.add_argument("po_number", metavar="PO")
    status.add_argument("--json", action="store_true", help="print the full state as JSON")
    status.set_defaults(handler=_status)

    tasks = commands.add_parser("tasks", help="list human tasks (open by default)")
    tasks.add_argument("--all", action="store_true", help="include done and cancelled tasks")
    tasks.add_argument("--json", action="store_true", help="print JSON")
    tasks.set_defaults(handler=_tasks)

    decide = commands.add_parser("decide", help="decide a human task")
    decide.add_argument("task_id", metavar="TASK_ID")
    decide.add_argument("decision", metavar="DECISION", help="one of the task's options, e.g. approve")
    decide.add_argument("--actor", required=True, metavar="NAME", help="who decides (recorded)")
    decide.add_argument("--comment", metavar="TEXT", help="why (required for rejections and variances)")
    decide.add_argument(
        "--hold",
        dest="holds",
        action="append",
        default=[],
        metavar="REF",
        help="accept_variance on an invoice hold: release only this hold, as the task lists it (PRICE:1 for "
        "line 1, AMOUNT for the header); repeat for more. None: every hold a person may release",
    )
    decide.set_defaults(handler=_decide)

    cancel = commands.add_parser("cancel", help="cancel a purchase order (before receipt)")
    cancel.add_argument("po_number", metavar="PO")
    cancel.add_argument("--actor", required=True, metavar="NAME")
    cancel.add_argument("--reason", required=True, metavar="TEXT")
    cancel.set_defaults(handler=_cancel)

    from starter.match_cli import add_match_command  # light: the engine is imported when it runs

    add_match_command(commands, _match)

    add_extract_command(commands, _extract)

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

    hold = commands.add_parser("hold", help="put a MANUAL hold on an invoice that is not approved yet")
    hold.add_argument("po_number", metavar="PO")
    hold.add_argument("invoice_number", metavar="INVOICE_NUMBER")
    hold.add_argument("--by", required=True, metavar="NAME", help="who holds it (recorded)")
    hold.add_argument("--reason", required=True, metavar="TEXT", help="why (shown on the hold task)")
    hold.add_argument("--line", type=int, metavar="N", help="hold one PO line only")
    hold.set_defaults(handler=_hold)
    return parser


# --- reading input files -----------------------------------------------------------------


def display_name(path: str) -> str:
    return "<stdin>" if path == "-" else path


def read_input(path: str, stdin: IO[bytes]) -> bytes:
    if path == "-":
        return stdin.read()
    try:
        return Path(path).read_bytes()
    except FileNotFoundError:
        raise Invalid(f"{path}: no such file") from None
    except IsADirectoryError:
        raise Invalid(f"{path}: is a directory, expected a JSON file") from None
    except OSError as err:
        raise Invalid(f"{path}: cannot read ({err.strerror})") from None


def load_document(path: str, model: type[M], stdin: IO[bytes]) -> tuple[M, bytes]:
    """The validated model and the exact bytes (stored as received)."""
    raw = read_input(path, stdin)
    if not raw.strip():
        raise Invalid(f"{display_name(path)}: empty, expected a {model.__name__} JSON document")
    try:
        return model.model_validate_json(raw), raw
    except ValidationError as err:
        raise from_validation_error(err, prefix=f"{display_name(path)}: ") from None


def _source(path: str) -> str:
    return "cli:stdin" if path == "-" else f"cli:{Path(path).name}"


# --- service commands --------------------------------------------------------------------


async def _create_po(args: argparse.Namespace, session: Session, io: Io) -> int:
    po, raw = load_document(args.file, PurchaseOrder, io.stdin)
    service = await session.service()
    started = await service.create_po(po, raw=raw, source=_source(args.file))
    io.say(f"accepted: {po_label(started.po_number)} started as workflow {started.workflow_id}")
    io.say(f"  {started.ui_url}")
    return EXIT_OK


async def _send(args: argparse.Namespace, session: Session, io: Io) -> int:
    document, raw = load_document(args.file, DOCUMENT_KINDS[args.kind], io.stdin)
    service = await session.service()
    accepted = await service.submit_document(document, raw=raw, source=_source(args.file))
    label = po_label(accepted.po_number)
    io.say(f"accepted: {accepted.document_id} for {label} (workflow {accepted.workflow_id})")
    return EXIT_OK


async def _status(args: argparse.Namespace, session: Session, io: Io) -> int:
    service = await session.service()
    state = await service.get_state(args.po_number)
    if args.json:
        io.say(state.model_dump_json(indent=2))
    else:
        io.say(format_status(state, service.workflow_url(args.po_number)))
    return EXIT_OK


async def _tasks(args: argparse.Namespace, session: Session, io: Io) -> int:
    service = await session.service()
    tasks = await service.list_tasks("all" if args.all else "open")
    if args.json:
        io.say(json.dumps([task.model_dump(mode="json") for task in tasks], indent=2))
    else:
        io.say(format_tasks(tasks, show_status=args.all))
    return EXIT_OK


async def _decide(args: argparse.Namespace, session: Session, io: Io) -> int:
    service = await session.service()
    task = await service.decide(args.task_id, args.decision, args.actor, args.comment, holds=args.holds)
    io.say(
        f"{task.status.value}: task {task.task_id} ({task.kind.value}, {po_label(task.po_number)}) "
        f"→ {task.decision or args.decision} by {task.decided_by or args.actor}"
    )
    return EXIT_OK


async def _hold(args: argparse.Namespace, session: Session, io: Io) -> int:
    service = await session.service()
    record = await service.hold_invoice(args.po_number, args.invoice_number, args.by, args.reason, args.line)
    io.say(f"{record.invoice.invoice_number} on {po_label(args.po_number)}: {record.status.value}")
    io.say("\n".join(f"  - {hold.code.value}: {hold.message}" for hold in record.open_holds))
    return EXIT_OK


async def _cancel(args: argparse.Namespace, session: Session, io: Io) -> int:
    service = await session.service()
    state = await service.cancel(args.po_number, args.actor, args.reason)
    io.say(f"{po_label(args.po_number)}: {state.status.value}")
    return EXIT_OK


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


# --- formatting ----------------------------------------------------------------------------


def qty(value: Decimal) -> str:
    """100.000000 → 100, 2.50 → 2.5."""
    text = f"{value.normalize():f}"
    return "0" if text in ("-0", "") else text


def unit_price(price: Decimal, currency: str) -> str:
    """Unit prices may carry more decimals than the currency (0.1234 USD/EA): show them exactly."""
    if round_money(price, currency) == price:
        return format_money(price, currency)
    return f"{price.normalize():,f} {currency}"


def when(moment: datetime | None) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if moment else "—"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]
    return [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in (headers, *rows)
    ]


def format_status(state: PurchaseOrderState, ui_url: str) -> str:
    po = state.po
    lines = [
        f"{po_label(po.po_number)} · {po.vendor_id} · {format_money(po.total, po.currency)}",
        f"status: {state.status.value}   revision: {po.revision}   buyer: {po.buyer}",
    ]
    if state.flags:
        lines.append(f"flags: {', '.join(state.flags)}")
    if state.cancel_reason:
        lines.append(f"cancel reason: {state.cancel_reason}")
    if state.pending_change:
        lines.append(f"supplier change awaiting the buyer: {state.pending_change.document_id}")
    lines += ["", "lines:"]
    rows = [
        [
            str(line.line_no),
            line.item_id,
            qty(line.quantity),
            qty(state.received_quantity(line.line_no)),
            qty(state.accepted_quantity(line.line_no)),
            qty(state.invoiced_quantity(line.line_no)),
            unit_price(line.unit_price, po.currency),
        ]
        for line in po.lines
    ]
    lines += [
        "  " + row
        for row in table(["line", "item", "ordered", "received", "accepted", "invoiced", "unit price"], rows)
    ]
    lines += ["", "invoices:" if state.invoices else "invoices: none"]
    for record in state.invoices:
        invoice = record.invoice
        lines.append(
            f"  {invoice.invoice_number} ({invoice.kind.value})  "
            f"{format_money(invoice.total, invoice.currency)}  {record.status.value}"
        )
        lines += [f"    - {hold.code.value}: {hold.message}" for hold in record.open_holds]
    open_tasks = state.open_tasks
    lines += ["", "open tasks:" if open_tasks else "open tasks: none"]
    for task in open_tasks:
        lines.append(
            f"  {task.task_id}  {task.kind.value}  {task.title}  (for {task.escalated_to} "
            f"of {task.assignee_role}, due {when(task.due_at)})"
        )
        if task.holds:
            lines.append("    holds (decide --hold REF): " + task_holds_text(task))
    lines += ["", f"workflow: {workflow_id_for(po.po_number)}", f"ui: {ui_url}"]
    return "\n".join(lines)


def task_holds_text(task: HumanTask) -> str:
    """`PRICE:1, NO_RECEIPT:2 (waits for its document)`: what `--hold` can
    name, and what it cannot because the hold clears itself when it arrives."""
    waiting = " (waits for its document)"
    return ", ".join(hold.ref + (waiting if hold.waits_for else "") for hold in task.holds)


def format_tasks(tasks: Sequence[HumanTask], *, show_status: bool = False) -> str:
    if not tasks:
        return "no tasks" if show_status else "no open tasks"
    headers = ["task", "kind", "po", "for", "esc", "due", "title"]
    if show_status:
        headers.insert(1, "status")
    rows = []
    for task in tasks:
        row = [
            task.task_id,
            task.kind.value,
            task.po_number,
            task.assignee or task.assignee_role,
            str(task.escalation_level),
            when(task.due_at),
            task.title,
        ]
        if show_status:
            row.insert(1, task.status.value)
        rows.append(row)
    return "\n".join(table(headers, rows))


if __name__ == "__main__":
    main()
