"""The arguments and help of the commands whose modules are heavy: the
service commands (create-po, send, status, tasks, decide, cancel, amend,
close, hold, audit — run by po_cli.py / po_change_cli.py), `match`
(match_cli.py) and `replay` (replay_cli.py).

Kept apart from those modules on purpose: they import the models, the
service and through it Temporal and the database, or the SDK's replayer, and
every `poflow` command builds the whole parser — `poflow extract` or `--help`
must not pay for them (issue #19: start-up). A handler is imported when its
command runs (`_later` here, the `local` handlers in cli.py);
tests/doors/test_cli_imports.py guards it.
"""

from __future__ import annotations

import argparse
import importlib
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from starter.cli_support import Handler, Io, Session

__all__ = [
    "DOCUMENT_KIND_NAMES",
    "add_hold_command",
    "add_match_command",
    "add_po_commands",
    "add_replay_command",
]

# `poflow send KIND`: the keys of po_cli.DOCUMENT_KINDS (a test keeps them equal),
# spelled out here so that listing them does not import the models.
DOCUMENT_KIND_NAMES = ("acknowledgment", "inspection", "invoice", "receipt", "return", "ship-notice")


def _later(module: str, name: str) -> Handler:
    """The handler `module.name`, imported only when its command runs."""

    async def handler(args: argparse.Namespace, session: Session, io: Io) -> int:
        target: Handler = getattr(importlib.import_module(module), name)
        return await target(args, session, io)

    handler.__qualname__ = f"{module}.{name}"
    return handler


def add_po_commands(commands: Any) -> None:
    """create-po, send, status, tasks, decide and cancel (in the order `--help` lists them)."""
    create = commands.add_parser("create-po", help="start a purchase order from a JSON file")
    create.add_argument("file", metavar="FILE", help="PurchaseOrder JSON ('-' for stdin)")
    create.set_defaults(handler=_later("starter.po_cli", "_create_po"))

    send = commands.add_parser("send", help="send a supplier/warehouse document to its PO")
    send.add_argument("kind", choices=DOCUMENT_KIND_NAMES, help="document kind (credit memos are invoices)")
    send.add_argument("file", metavar="FILE", help="document JSON ('-' for stdin)")
    send.set_defaults(handler=_later("starter.po_cli", "_send"))

    status = commands.add_parser("status", help="show a purchase order's live state")
    status.add_argument("po_number", metavar="PO")
    status.add_argument("--json", action="store_true", help="print the full state as JSON")
    status.add_argument(
        "--history", action="store_true", help="also every revision: line, field, old → new, why, approved by"
    )
    status.set_defaults(handler=_later("starter.po_cli", "_status"))

    tasks = commands.add_parser("tasks", help="list human tasks (open by default)")
    tasks.add_argument("--all", action="store_true", help="include done and cancelled tasks")
    tasks.add_argument("--json", action="store_true", help="print JSON")
    tasks.set_defaults(handler=_later("starter.po_cli", "_tasks"))

    _add_decide_command(commands)

    cancel = commands.add_parser("cancel", help="cancel a purchase order (before receipt), or one line of it")
    cancel.add_argument("po_number", metavar="PO")
    cancel.add_argument("--reason", required=True, metavar="TEXT")
    cancel.add_argument(
        "--line", type=int, metavar="N", help="only this line (nothing received or invoiced on it)"
    )
    cancel.set_defaults(handler=_later("starter.po_cli", "_cancel"))

    _add_amend_command(commands)

    close = commands.add_parser(
        "close", help="final-close a purchase order: keep what was delivered, release the rest"
    )
    close.add_argument("po_number", metavar="PO")
    close.add_argument("--reason", required=True, metavar="TEXT")
    close.set_defaults(handler=_later("starter.po_cli", "_final_close"))


def _add_decide_command(commands: Any) -> None:
    decide = commands.add_parser("decide", help="decide a human task")
    decide.add_argument("task_id", metavar="TASK_ID")
    decide.add_argument("decision", metavar="DECISION", help="one of the task's options, e.g. approve")
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
    decide.add_argument(
        "--vendor", metavar="VENDOR", help="re_source on a rejected line: the vendor to buy it from"
    )
    decide.add_argument(
        "--price",
        metavar="AMOUNT",
        type=Decimal,
        help="re_source: that vendor's price (default: the agreed one)",
    )
    decide.set_defaults(handler=_later("starter.po_cli", "_decide"))


def add_hold_command(commands: Any) -> None:
    hold = commands.add_parser("hold", help="put a MANUAL hold on an invoice that is not approved yet")
    hold.add_argument("po_number", metavar="PO")
    hold.add_argument("invoice_number", metavar="INVOICE_NUMBER")
    hold.add_argument("--reason", required=True, metavar="TEXT", help="why (shown on the hold task)")
    hold.add_argument("--line", type=int, metavar="N", help="hold one PO line only")
    hold.set_defaults(handler=_later("starter.po_cli", "_hold"))

    audit = commands.add_parser("audit", help="a PO's audit trail: decisions, escalations, refusals")
    audit.add_argument(
        "po_number", nargs="?", default="", metavar="PO", help="omit: the events that name no PO"
    )
    audit.add_argument("--csv", action="store_true", help="RFC 4180 CSV with a header row")
    audit.set_defaults(handler=_later("starter.po_cli", "_audit"))


def _add_amend_command(commands: Any) -> None:
    amend = commands.add_parser(
        "amend",
        help="amend an issued purchase order (changed, cancelled or added lines) and tell the supplier",
    )
    amend.add_argument("po_number", metavar="PO")
    amend.add_argument(
        "file",
        metavar="FILE",
        help='the changes as JSON (\'-\' for stdin): {"lines": [{"line_no": 1, "quantity": "150"}], "add_lines": []}',
    )
    amend.add_argument("--reason", required=True, metavar="TEXT")
    amend.set_defaults(handler=_later("starter.po_change_cli", "_amend"))


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


def add_replay_command(commands: Any, handler: Any) -> None:
    parser = commands.add_parser(
        "replay",
        help="replay workflow histories with today's code: which runs would break, at which event "
        "(exit 0 all replay, 1 one breaks, 2 bad input)",
    )
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--workflow-id", metavar="ID", help="a workflow on the Temporal server (po-PO-1001)")
    source.add_argument(
        "--file",
        metavar="PATH",
        action="append",
        help="a history file (temporal workflow show --output json) or a folder of them; repeatable",
    )
    source.add_argument("--query", metavar="QUERY", help="every run this visibility query finds")
    parser.add_argument("--run-id", metavar="RUN", help="with --workflow-id: this run, not the latest")
    parser.set_defaults(local=handler)
