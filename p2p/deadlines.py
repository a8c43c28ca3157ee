"""Deadlines: when the PO workflow must wake up (acknowledgment reminder and
SLA, receipt need-by + grace (per promised delivery under the schedule
rule), invoice hold aging, task SLAs). What happens then is the workflow's
`_handle_deadlines`. No clock: the workflow passes its `now`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from models.documents import Invoice
from models.purchase_order import MatchLevel, PurchaseOrder, PurchaseOrderLine
from models.tasks import ESCALATION_CHAIN, TaskStatus
from models.workflow_state import InvoiceStatus, PurchaseOrderState
from p2p.receiving import needs_receipt, pending_inspection, received_for_match
from p2p.ship_notices import shipped_by_line


def end_of_day(day: date) -> datetime:
    """A date-only deadline lapses when that day is over, in UTC."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)


def receipt_due_at(po: PurchaseOrder, grace: timedelta) -> datetime | None:
    """The rule before PATCH_SCHEDULE_EXPEDITE: one deadline, the PO's latest
    need-by + grace (runs started before keep it)."""
    latest = po.latest_need_by
    return end_of_day(latest) + grace if latest else None


# --- chasing per promised delivery (issue #17 item 9) --------------------------------
# "A promised date that passes with no ASN or receipt → expedite task", per
# delivery schedule. A line's promised deliveries are its schedules (the
# supplier's acknowledgment split, p2p.acknowledgment), else the whole line by
# its need-by. A delivery is covered when what covers the line — received and
# kept, awaiting inspection, shipped on notices and not yet received — reaches
# the line's deliveries up to and including it. The receipt deadline is the
# earliest uncovered delivery not expedited before, + grace.


@dataclass(frozen=True)
class PromisedDelivery:
    """One delivery promised on a line, with what covers the line so far."""

    line_no: int
    promised: date  # the schedule's date, or the line's need-by
    quantity: Decimal  # this delivery's own
    due_to_date: Decimal  # the line's deliveries up to and including this one
    covered: Decimal  # covered_quantity of the line
    uom: str

    @property
    def missing(self) -> Decimal:
        """Of this delivery, what is neither received nor on its way."""
        return max(Decimal(0), min(self.quantity, self.due_to_date - self.covered))

    @property
    def key(self) -> tuple[int, date]:
        return self.line_no, self.promised

    @property
    def sentence(self) -> str:
        return (
            f"line {self.line_no}: {_num(self.missing)} of {_num(self.quantity)} {self.uom} "
            f"due {self.promised.isoformat()} neither received nor shipped"
        )


def covered_quantity(state: PurchaseOrderState, line_no: int) -> Decimal:
    """What covers a line's promised deliveries: received and kept
    (receiving.received_for_match: net of rejections and returns), goods
    awaiting inspection (4-way under the inspection rule: they arrived), and
    what ship notices shipped beyond what arrived (in transit; the dock's
    rejected units arrived too, so they are not in transit)."""
    line = state.po.line(line_no)
    assert line is not None
    kept = received_for_match(state, line_no)
    if state.inspection_rule and line.level == MatchLevel.FOUR_WAY:
        kept += pending_inspection(state, line_no)
    in_transit = shipped_by_line(state).get(line_no, Decimal(0)) - state.received_quantity(line_no)
    return kept + max(in_transit, Decimal(0))


def promised_deliveries(state: PurchaseOrderState) -> list[PromisedDelivery]:
    """Every promised delivery of the lines that are received (not 2-way,
    not cancelled), earliest first. Schedules on the same date are one
    delivery; a line closed short below its schedules promises no more than
    its quantity."""
    found = []
    for line in state.po.lines:
        if not needs_receipt(line.level) or line.line_no in state.cancelled_lines:
            continue
        covered = covered_quantity(state, line.line_no)
        cumulative = Decimal(0)
        for promised, quantity in _by_date(line):
            before, cumulative = cumulative, min(cumulative + quantity, line.quantity)
            if cumulative > before:
                found.append(
                    PromisedDelivery(
                        line.line_no, promised, cumulative - before, cumulative, covered, line.uom
                    )
                )
    return sorted(found, key=lambda d: (d.promised, d.line_no))


def _by_date(line: PurchaseOrderLine) -> list[tuple[date, Decimal]]:
    if not line.schedules:
        return [(line.need_by, line.quantity)] if line.need_by else []
    by_date: dict[date, Decimal] = {}
    for schedule in line.schedules:
        by_date[schedule.date] = by_date.get(schedule.date, Decimal(0)) + schedule.quantity
    return sorted(by_date.items())


def lapsed_deliveries(state: PurchaseOrderState, grace: timedelta, now: datetime) -> list[PromisedDelivery]:
    """Deliveries to expedite now: date + grace passed, not covered, and not
    expedited before (state.expedited)."""
    done = {(e.line_no, e.promised) for e in state.expedited}
    return [
        d
        for d in promised_deliveries(state)
        if d.missing and d.key not in done and end_of_day(d.promised) + grace <= now
    ]


def overdue_deliveries(state: PurchaseOrderState) -> list[PromisedDelivery]:
    """Deliveries expedited before and still not covered: what an expedite
    task chases (none left: the chase is over)."""
    done = {(e.line_no, e.promised) for e in state.expedited}
    return [d for d in promised_deliveries(state) if d.missing and d.key in done]


def schedule_receipt_due_at(state: PurchaseOrderState, grace: timedelta) -> datetime | None:
    """The receipt deadline under PATCH_SCHEDULE_EXPEDITE (#17 item 9: "a
    promised date that passes with no ASN or receipt → expedite task", per
    delivery schedule): the earliest promised delivery — a schedule's date,
    or the line's need-by when it has none — not yet covered and not
    expedited before, end of that day + grace. Covered: the line's received
    (net) + awaiting inspection + shipped and not yet received reaches the
    line's deliveries up to and including it (covered_quantity). A follow-up
    the buyer asked for (keep waiting) counts while expedited deliveries are
    still missing. None: nothing left to chase."""
    done = {(e.line_no, e.promised) for e in state.expedited}
    due = [
        end_of_day(d.promised) + grace for d in promised_deliveries(state) if d.missing and d.key not in done
    ]
    if state.receipt_follow_up_at is not None and overdue_deliveries(state):
        due.append(state.receipt_follow_up_at)
    return min(due, default=None)


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


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


@dataclass(frozen=True)
class Deadline:
    """A time the workflow wakes up at, and what it does then (its
    `_handle_deadlines`), in words for operators."""

    at: datetime
    then: str


def deadlines_ahead(state: PurchaseOrderState) -> list[Deadline]:
    """Every timer the workflow must wake up for, earliest first (ties in the
    order the workflow handles them)."""
    po = state.po
    found: list[tuple[datetime | None, str]] = [
        (state.ack_reminder_at, f"reminder {state.ack_reminders_sent + 1} to {po.vendor_id} to acknowledge"),
        (state.ack_due_at, f"acknowledgment overdue: the buyer is asked to chase {po.vendor_id}"),
        (state.receipt_due_at, "goods not received by their date + grace: the buyer is asked to expedite"),
    ]
    found += [
        (r.escalate_at, f"invoice {r.invoice.invoice_number} still on hold: a person is asked to resolve it")
        for r in state.invoices
        if r.status == InvoiceStatus.HELD
    ]
    found += [
        (t.due_at, f"task {t.task_id} still open: it goes to the {ESCALATION_CHAIN[t.escalation_level + 1]}")
        for t in state.tasks
        if t.status == TaskStatus.OPEN and t.escalation_level < 2
    ]
    return sorted((Deadline(at, then) for at, then in found if at is not None), key=lambda d: d.at)


def next_deadline(state: PurchaseOrderState) -> datetime | None:
    """The earliest timer the workflow must wake up for."""
    ahead = deadlines_ahead(state)
    return ahead[0].at if ahead else None
