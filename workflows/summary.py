"""What operators read in the Temporal UI: the markdown "current details" the
workflow keeps up to date (the static summary is set at start by the API:
starter/service/naming.py po_summary)."""

from __future__ import annotations

from models.common import format_money
from models.workflow_state import InvoiceStatus, PurchaseOrderState


def current_details(state: PurchaseOrderState) -> str:
    po = state.po
    rows = [
        "| line | item | ordered | received | accepted | invoiced | price |",
        "|---:|---|---:|---:|---:|---:|---:|",
    ]
    for line in po.lines:
        n = line.line_no
        rows.append(
            f"| {n} | {line.item_id} | {line.quantity.normalize():f} {line.uom} | "
            f"{state.received_quantity(n).normalize():f} | {state.accepted_quantity(n).normalize():f} | "
            f"{state.invoiced_quantity(n).normalize():f} | {line.unit_price.normalize():f} |"
        )
    parts = [
        f"**{po.po_number}** r{po.revision} · **{state.status.value}** · {format_money(po.total, po.currency)}"
        f" · vendor {po.vendor_id} · buyer {po.buyer}",
        "",
        *rows,
    ]
    invoices = [
        f"- {r.invoice.kind.value} {r.invoice.invoice_number}: **{r.status.value}**"
        + "".join(f"\n  - {hold.code.value}: {hold.message}" for hold in r.open_holds)
        for r in state.invoices
    ]
    if invoices:
        parts += ["", "**Invoices**", *invoices]
    if state.returns:
        parts += ["", "**Returned to the vendor**"]
        parts += [
            f"- {r.return_id}: "
            + ", ".join(f"line {x.line_no} × {x.quantity.normalize():f}" for x in r.lines)
            + f" ({r.reason})"
            for r in state.returns
        ]
        parts += [
            f"- credit owed for {c.return_id} line {c.line_no}: {format_money(c.amount, c.currency)}"
            for c in state.open_expected_credits
        ]
    if state.open_tasks:
        parts += ["", "**Waiting on people**"]
        parts += [
            f"- {t.task_id} {t.title} → {t.assignee_role} ({t.escalated_to}"
            + (f": {', '.join(t.assignees)}" if t.assignees else "")
            + f"), due {t.due_at:%Y-%m-%d %H:%M} UTC"
            for t in state.open_tasks
        ]
    held = sum(1 for r in state.invoices if r.status == InvoiceStatus.HELD)
    if held:
        parts += ["", f"{held} invoice(s) on hold, {state.open_hold_count} open hold(s)"]
    return "\n".join(parts)
