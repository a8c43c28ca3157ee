"""`poflow create-po | send | status | tasks | decide | cancel | close | hold`
(and `amend`, in po_change_cli) — the commands that go through the service (Temporal and the database): one
connection per command (cli_support.Session), the answer in a line or two, or
the full state as JSON.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from models import (
    Acknowledgment,
    GoodsReceipt,
    HumanTask,
    Invoice,
    PurchaseOrder,
    PurchaseOrderState,
    ShipNotice,
    format_money,
    round_money,
)
from models.inspections import InspectionResult
from models.returns import ReturnToVendor
from starter.cli_support import Io, Session, load_document, table
from starter.errors import EXIT_OK
from starter.operations import SupplierDocument
from starter.service.audit import audit_csv
from starter.service.naming import po_label, workflow_id_for

__all__ = ["DOCUMENT_KINDS", "format_status", "format_tasks"]

DOCUMENT_KINDS: dict[str, type[SupplierDocument]] = {
    "acknowledgment": Acknowledgment,
    "receipt": GoodsReceipt,
    "ship-notice": ShipNotice,
    "invoice": Invoice,
    "return": ReturnToVendor,
    "inspection": InspectionResult,
}


# --- service commands --------------------------------------------------------------------


def _source(path: str) -> str:
    return "cli:stdin" if path == "-" else f"cli:{Path(path).name}"


async def _create_po(args: argparse.Namespace, session: Session, io: Io) -> int:
    po, raw = load_document(args.file, PurchaseOrder, io.stdin)
    service = await session.service()
    started = await service.create_po(po, by=await session.caller(), raw=raw, source=_source(args.file))
    io.say(f"accepted: {po_label(started.po_number)} started as workflow {started.workflow_id}")
    io.say(f"  {started.ui_url}")
    return EXIT_OK


async def _send(args: argparse.Namespace, session: Session, io: Io) -> int:
    document, raw = load_document(args.file, DOCUMENT_KINDS[args.kind], io.stdin)
    service = await session.service()
    accepted = await service.submit_document(
        document, by=await session.caller(), raw=raw, source=_source(args.file)
    )
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
        if args.history:
            io.say("\n" + format_history(state))
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
    by = await session.caller()
    task = await service.decide(
        args.task_id,
        args.decision,
        by,
        args.comment,
        holds=args.holds,
        vendor_id=args.vendor,
        unit_price=args.price,
    )
    io.say(
        f"{task.status.value}: task {task.task_id} ({task.kind.value}, {po_label(task.po_number)}) "
        f"→ {task.decision or args.decision} by {task.decided_by or by.principal_id}"
    )
    return EXIT_OK


async def _hold(args: argparse.Namespace, session: Session, io: Io) -> int:
    service = await session.service()
    by = await session.caller()
    record = await service.hold_invoice(args.po_number, args.invoice_number, by, args.reason, args.line)
    io.say(f"{record.invoice.invoice_number} on {po_label(args.po_number)}: {record.status.value}")
    io.say("\n".join(f"  - {hold.code.value}: {hold.message}" for hold in record.open_holds))
    return EXIT_OK


async def _audit(args: argparse.Namespace, session: Session, io: Io) -> int:
    service = await session.service()
    await session.caller()  # reading the trail needs a principal too
    events = await service.list_audit(args.po_number)
    if args.csv:
        io.stdout.write(audit_csv(events))
        return EXIT_OK
    rows = [[f"{e.at:%Y-%m-%d %H:%M:%S} UTC", e.event, e.actor, e.detail, e.evidence or "-"] for e in events]
    io.say("\n".join(table(["WHEN", "EVENT", "WHO", "WHAT", "ABOUT"], rows)) if rows else "no audit events")
    return EXIT_OK


async def _final_close(args: argparse.Namespace, session: Session, io: Io) -> int:
    service = await session.service()
    state = await service.final_close(args.po_number, await session.caller(), args.reason)
    io.say(f"{po_label(args.po_number)}: {state.status.value} at revision {state.po.revision}")
    return EXIT_OK


async def _cancel(args: argparse.Namespace, session: Session, io: Io) -> int:
    service = await session.service()
    if args.line is not None:
        state = await service.cancel_line(args.po_number, args.line, await session.caller(), args.reason)
        io.say(f"{po_label(args.po_number)}: line {args.line} cancelled, revision {state.po.revision}")
        return EXIT_OK
    state = await service.cancel(args.po_number, await session.caller(), args.reason)
    io.say(f"{po_label(args.po_number)}: {state.status.value}")
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
    lines += _returns_text(state)
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


def _returns_text(state: PurchaseOrderState) -> list[str]:
    """Returns to the vendor (dock rejections too) and the credits they make owed; nothing without any."""
    if not state.returns:
        return []
    lines = ["", "returns to the vendor:"]
    for r in state.returns:
        returned = ", ".join(f"line {x.line_no}: {qty(x.quantity)}" for x in r.lines)
        lines.append(f"  {r.return_id}  {returned}  ({r.reason})")
    for c in state.expected_credits:
        answer = f"settled by {', '.join(c.settled_by)}" if not c.open else "owed"
        lines.append(
            f"  credit for {c.return_id} line {c.line_no}: {qty(c.quantity)} = "
            f"{format_money(c.amount, c.currency)}  {answer}"
        )
    return lines


def format_history(state: PurchaseOrderState) -> str:
    """Each revision and, under it, what it changed on each line (p2p.revisions)."""
    currency = state.po.currency
    lines = ["revisions:"]
    for r in state.revisions:
        source = f"; from {r.source_document_id}" if r.source_document_id else ""
        agreed = f" — {r.approved_by}" if r.approved_by else ""
        lines.append(
            f"  r{r.revision}  {when(r.at)}  {r.reason.value.replace('_', ' ')}  "
            f"{format_money(r.total, currency)}{agreed}{source}"
        )
        lines += [
            f"      line {c.line_no}  {c.field.replace('_', ' ')}  {c.old or '—'} → {c.new or '—'}"
            for c in r.changes
        ]
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
