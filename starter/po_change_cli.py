"""`poflow amend PO FILE --reason TEXT`: the buyer's amendment of an issued
PO (the `amend` update, p2p.amendments) — changed, cancelled or added lines,
sent to the supplier as a change; one that raises the total beyond the
approval threshold waits for an approver. Its arguments are declared in
po_commands.py, which imports this module only when `amend` runs."""

from __future__ import annotations

import argparse

from models.amendments import AmendChanges
from starter.cli_support import Io, Session, load_document
from starter.errors import EXIT_OK
from starter.service.naming import po_label

__all__: list[str] = []  # the parser is in po_commands.py; `_amend` runs the command


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
