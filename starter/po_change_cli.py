"""`poflow amend PO FILE --reason TEXT`: the buyer's amendment of an issued
PO (the `amend` update, p2p.amendments) — changed, cancelled or added lines,
sent to the supplier as a change; one that raises the total beyond the
approval threshold waits for an approver."""

from __future__ import annotations

import argparse
from typing import Any

from models.amendments import AmendChanges
from starter.cli_support import Io, Session, load_document
from starter.errors import EXIT_OK
from starter.service.naming import po_label

__all__ = ["add_amend_command"]


def add_amend_command(commands: Any) -> None:
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
    amend.set_defaults(handler=_amend)


async def _amend(args: argparse.Namespace, session: Session, io: Io) -> int:
    changes, _ = load_document(args.file, AmendChanges, io.stdin)
    service = await session.service()
    state = await service.amend(
        args.po_number, {**changes.model_dump(), "reason": args.reason}, await session.caller()
    )
    if state.pending_amendment is not None:
        io.say(f"{po_label(args.po_number)}: the amendment waits for approval (task in `poflow tasks`)")
    else:
        io.say(
            f"{po_label(args.po_number)}: amended, revision {state.po.revision} sent to {state.po.vendor_id}"
        )
    return EXIT_OK
