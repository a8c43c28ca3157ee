"""Deadlines: when the PO workflow must wake up (acknowledgment reminder and
SLA, receipt need-by + grace, invoice hold aging, task SLAs). What happens
then is the workflow's `_handle_deadlines`. No clock: the workflow passes
its `now`."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from models.documents import Invoice
from models.purchase_order import PurchaseOrder
from models.tasks import TaskStatus
from models.workflow_state import InvoiceStatus, PurchaseOrderState


def end_of_day(day: date) -> datetime:
    """A date-only deadline lapses when that day is over, in UTC."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def receipt_due_at(po: PurchaseOrder, grace: timedelta) -> datetime | None:
    latest = po.latest_need_by
    return end_of_day(latest) + grace if latest else None


def hold_escalation_at(invoice: Invoice, held_since: datetime, sla: timedelta, lead: timedelta) -> datetime:
    """A held invoice escalates after the hold SLA, or earlier so that a person
    can still act before the early-payment discount lapses."""
    deadline = held_since + sla
    terms = invoice.payment_terms
    if terms is not None and terms.discount_days is not None:
        discount_lapses = end_of_day(invoice.invoice_date + timedelta(days=terms.discount_days))
        if discount_lapses > held_since:  # a discount already lost is no reason to hurry
            deadline = min(deadline, max(held_since, discount_lapses - lead))
    return deadline


def next_deadline(state: PurchaseOrderState) -> datetime | None:
    """The earliest timer the workflow must wake up for."""
    candidates: list[datetime | None] = [state.ack_reminder_at, state.ack_due_at, state.receipt_due_at]
    candidates += [r.escalate_at for r in state.invoices if r.status == InvoiceStatus.HELD]
    candidates += [t.due_at for t in state.tasks if t.status == TaskStatus.OPEN and t.escalation_level < 2]
    present = [c for c in candidates if c is not None]
    return min(present) if present else None
