"""Pure rules the PurchaseOrderWorkflow applies to its state: comparing an
acknowledgment with the agreed revision, deciding when a PO is fully received,
fully invoiced and closable, and computing deadlines.

No I/O, no clock (the workflow passes `now`), so these are safe inside the
workflow sandbox and tested as plain functions."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import ROUND_DOWN, Decimal

from models.common import format_money
from models.documents import Acknowledgment, AckLineStatus, AckStatus, Invoice, InvoiceKind
from models.matching import ToleranceProfile
from models.policy import Policy
from models.purchase_order import MatchLevel, PurchaseOrder, check_order_value
from models.records import LineMatchLevel, LineTaxRate
from models.tasks import TaskKind, TaskStatus
from models.workflow_state import AuditDraw, InvoiceStatus, PurchaseOrderState
from p2p.tolerance import Limits


@dataclass(frozen=True)
class AckComparison:
    """What the supplier's acknowledgment changes against the agreed revision."""

    changes: list[str] = field(default_factory=list)  # one readable line per change
    outside_tolerance: list[str] = field(default_factory=list)  # the changes that need the buyer
    revised_po: PurchaseOrder | None = None  # the PO with the changes applied, if any

    @property
    def has_changes(self) -> bool:
        return bool(self.changes)

    @property
    def within_tolerance(self) -> bool:
        return not self.outside_tolerance


def _pct_change(old: Decimal, new: Decimal) -> Decimal:
    if old == 0:
        return Decimal(0) if new == 0 else Decimal(100)
    return (new - old) / old * 100


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _outside(old: Decimal, new: Decimal, limit_pct: Decimal | None) -> bool:
    """A change either way beyond the acknowledgment limit: the one
    tolerance rule (p2p.tolerance) the invoice match uses too. None is not
    checked; 0 sends every change to the buyer."""
    return Limits(pct=limit_pct).exceeded_by(abs(new - old), old)


def compare_acknowledgment(
    po: PurchaseOrder, ack: Acknowledgment, tolerances: ToleranceProfile
) -> AckComparison:
    """Line-by-line comparison of an acknowledgment with the current revision.

    Price and quantity changes within the acknowledgment tolerance are
    accepted as a new revision; rejected or back-ordered lines and larger
    changes go to the buyer. Promised dates become the lines' need-by dates."""
    if ack.status == AckStatus.REJECTED:
        return AckComparison()
    changes: list[str] = []
    outside: list[str] = []
    new_lines = []
    for po_line in po.lines:
        ack_line = next((line for line in ack.lines if line.line_no == po_line.line_no), None)
        if ack_line is None:
            new_lines.append(po_line)
            continue
        updates: dict[str, object] = {}
        n = po_line.line_no
        if ack_line.status in (AckLineStatus.REJECTED, AckLineStatus.BACKORDERED):
            text = f"line {n}: {ack_line.status.value} by the supplier"
            changes.append(text)
            outside.append(text)
        if ack_line.unit_price is not None and ack_line.unit_price != po_line.unit_price:
            pct = _pct_change(po_line.unit_price, ack_line.unit_price)
            text = (
                f"line {n}: price {_fmt(po_line.unit_price)} → {_fmt(ack_line.unit_price)} "
                f"{po.currency} ({pct:+.2f}%)"
            )
            changes.append(text)
            if _outside(po_line.unit_price, ack_line.unit_price, tolerances.ack_price_pct):
                outside.append(f"{text}, tolerance ±{_fmt(tolerances.ack_price_pct)}%")
            updates["unit_price"] = ack_line.unit_price
        if ack_line.quantity is not None and ack_line.quantity != po_line.quantity:
            pct = _pct_change(po_line.quantity, ack_line.quantity)
            text = f"line {n}: quantity {_fmt(po_line.quantity)} → {_fmt(ack_line.quantity)} {po_line.uom}"
            changes.append(text)
            if _outside(po_line.quantity, ack_line.quantity, tolerances.ack_qty_pct):
                outside.append(f"{text} ({pct:+.2f}%), tolerance ±{_fmt(tolerances.ack_qty_pct)}%")
            updates["quantity"] = ack_line.quantity
        if ack_line.promised_date is not None and ack_line.promised_date != po_line.need_by:
            changes.append(f"line {n}: promised {ack_line.promised_date.isoformat()} (need-by {po_line.need_by})")
            updates["need_by"] = ack_line.promised_date
        if ack_line.status == AckLineStatus.REJECTED:
            continue  # if the buyer accepts, the supplier will not deliver this line
        new_lines.append(po_line.model_copy(update=updates) if updates else po_line)
    for ack_line in ack.lines:
        if po.line(ack_line.line_no) is None:
            text = f"line {ack_line.line_no}: not on the PO"
            changes.append(text)
            outside.append(text)
    revised = None
    if changes and new_lines:  # every line rejected is a rejection, not a revision
        revised = po.model_copy(update={"lines": new_lines, "revision": po.revision + 1})
        refusal = _beyond_bounds(revised)
        if refusal:  # each change is within bounds, all of them together are not
            changes.append(refusal)
            outside.append(refusal)
            revised = None
    return AckComparison(changes=changes, outside_tolerance=outside, revised_po=revised)


def _beyond_bounds(po: PurchaseOrder) -> str | None:
    """Why a revision cannot be taken even if the buyer agreed: an order value
    the door would refuse (its projection and history could not carry it)."""
    try:
        check_order_value(po.total, po.freight)
    except ValueError as err:
        return f"not taken as a revision: {err}"
    return None


def needs_receipt(level: MatchLevel) -> bool:
    return level != MatchLevel.TWO_WAY


def received_for_match(state: PurchaseOrderState, line_no: int, *, net_of_rejections: bool = True) -> Decimal:
    """What counts as received on a line: accepted at receipt, net of what
    was rejected (p2p-semantics b.5: "received is net of returns; accepted =
    received − rejected"). Rejected goods go back; they are neither kept nor
    payable. `net_of_rejections=False` is the rule before PATCH_NET_RECEIPTS
    (gross on 3-way lines), kept so older histories replay as they ran."""
    line = state.po.line(line_no)
    assert line is not None
    if net_of_rejections or line.level == MatchLevel.FOUR_WAY:
        return state.accepted_quantity(line_no)
    return state.received_quantity(line_no)


def fully_received(state: PurchaseOrderState, *, net_of_rejections: bool = True) -> bool:
    """Every line that needs a receipt has it, counting what was kept (on a
    4-way line: what passed inspection); rejected goods are to be replaced."""
    return all(
        received_for_match(state, line.line_no, net_of_rejections=net_of_rejections) >= line.quantity
        for line in state.po.lines
        if needs_receipt(line.level)
    )


def anything_received(state: PurchaseOrderState) -> bool:
    return any(line.quantity_received > 0 for receipt in state.receipts for line in receipt.lines)


def billable_quantity(state: PurchaseOrderState, line_no: int, *, net_of_rejections: bool = True) -> Decimal:
    """What the supplier may bill in the end: ordered for 2-way lines, what
    counts as received for 3-/4-way (never more than ordered)."""
    line = state.po.line(line_no)
    assert line is not None
    if line.level == MatchLevel.TWO_WAY:
        return line.quantity
    return min(line.quantity, received_for_match(state, line_no, net_of_rejections=net_of_rejections))


def fully_invoiced(state: PurchaseOrderState, *, net_of_rejections: bool = True) -> bool:
    return all(
        state.invoiced_quantity(line.line_no)
        >= billable_quantity(state, line.line_no, net_of_rejections=net_of_rejections)
        for line in state.po.lines
    )


def invoices_settled(state: PurchaseOrderState) -> bool:
    return all(r.status in (InvoiceStatus.APPROVED, InvoiceStatus.REJECTED) for r in state.invoices)


def can_close(state: PurchaseOrderState, *, net_of_rejections: bool = True) -> bool:
    """DESIGN.md step 7: fully received and fully invoiced within tolerance,
    every invoice approved (or rejected), nothing waiting on a person."""
    return (
        state.issued_at is not None
        and not state.is_final
        and fully_received(state, net_of_rejections=net_of_rejections)
        and any(r.status == InvoiceStatus.APPROVED for r in state.invoices)
        and fully_invoiced(state, net_of_rejections=net_of_rejections)
        and invoices_settled(state)
        and not state.open_tasks
    )


def end_of_day(day: date) -> datetime:
    """A date-only deadline lapses when that day is over, in UTC."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=timezone.utc)


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


def adopt_invoice_number_rule(state: PurchaseOrderState) -> None:
    """A state carried over (continue-as-new) from a run under the earlier
    invoice-number rule names its invoices by that rule's ids — processed
    documents, task subjects, the records themselves: rename them to
    Invoice.document_id, which this run uses."""
    renames = {r.document_id: r.invoice.document_id for r in state.invoices}
    renames |= {r.invoice.legacy_document_id: r.invoice.document_id for r in state.invoices}
    for record in state.invoices:
        record.legacy_document_id = None
    state.processed_document_ids = [renames.get(i, i) for i in state.processed_document_ids]
    for task in state.tasks:
        if task.subject_id in renames:
            task.subject_id = renames[task.subject_id]


def open_task_for(state: PurchaseOrderState, kind: TaskKind, subject_id: str | None = None) -> bool:
    return any(t.kind == kind and (subject_id is None or t.subject_id == subject_id) for t in state.open_tasks)


# --- enrichment and the random audit ---------------------------------------------------


def apply_match_levels(po: PurchaseOrder, levels: list[LineMatchLevel]) -> PurchaseOrder:
    """The PO with each line's level (and where it came from) as validate/enrich
    settled it; lines it did not mention keep theirs. Same revision: the
    enrichment is not a change anybody agreed to, it is what the PO meant."""
    by_line = {level.line_no: level for level in levels}
    lines = [
        line.model_copy(update={"match_level": by_line[line.line_no].match_level,
                                "match_level_source": by_line[line.line_no].source})
        if line.line_no in by_line else line
        for line in po.lines
    ]
    return po.model_copy(update={"lines": lines})


def apply_tax_rates(po: PurchaseOrder, rates: list[LineTaxRate]) -> PurchaseOrder:
    """The PO with the master data's tax rate on each line that had none
    (validate/enrich). Same revision, as for match levels: what the PO meant."""
    by_line = {rate.line_no: rate for rate in rates}
    lines = [
        line.model_copy(update={"tax_rate_pct": by_line[line.line_no].tax_rate_pct,
                                "tax_rate_source": by_line[line.line_no].source})
        if line.line_no in by_line and line.tax_rate_pct is None else line
        for line in po.lines
    ]
    return po.model_copy(update={"lines": lines})


_DRAW_QUANTUM = Decimal("0.0001")
_TWO_64 = Decimal(2) ** 64


def audit_number(document_id: str, salt: str = "") -> Decimal:
    """A number in [0, 100) that only depends on the document id (and the
    policy's salt): sha256, first 8 bytes, scaled, 4 decimals. The same
    invoice always draws the same number, on any worker, in any replay."""
    digest = hashlib.sha256(f"{salt}|{document_id}".encode()).digest()
    value = Decimal(int.from_bytes(digest[:8], "big")) * 100 / _TWO_64
    return value.quantize(_DRAW_QUANTUM, rounding=ROUND_DOWN)


def _fmt_pct(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def _amount(value: Decimal, currency: str) -> str:
    try:
        return format_money(value, currency)
    except KeyError:
        return f"{value} {currency}"


def audit_draw(invoice: Invoice, policy: Policy, *, draw_key: str | None = None) -> AuditDraw | None:
    """Is this invoice in the random audit sample (RANDOM_AUDIT hold)?

    The policy's `audit_sample_pct` of the invoices whose total is at least
    `audit_min_amount` are drawn; below the minimum none are, or — with
    `audit_proportional_below_min`, SAP's stochastic block — the chance falls
    in proportion to the total. The draw is `audit_number(document_id)` <
    chance, so it is reproducible and needs no clock or randomness. None: no
    audit in force, or a credit memo (never audited). `draw_key` replaces the
    document id (a run under the earlier invoice-number rule draws by the id
    it had then)."""
    pct = policy.audit_sample_pct
    if pct <= 0 or invoice.kind == InvoiceKind.CREDIT_MEMO:
        return None
    total, minimum = invoice.total, policy.audit_min_amount
    source = f"policy {policy.name} v{policy.version}"
    sample = f"{_fmt_pct(pct)}% of invoices"
    if minimum > 0:
        sample += f" from {_amount(minimum, invoice.currency)}"
    if total >= minimum:
        chance = pct
    elif policy.audit_proportional_below_min and minimum > 0 and total > 0:
        chance = (pct * total / minimum).quantize(_DRAW_QUANTUM, rounding=ROUND_DOWN)
        sample += f", {_fmt_pct(chance)}% for this {_amount(total, invoice.currency)}"
    else:
        chance = Decimal(0)
    draw = audit_number(draw_key or invoice.document_id, policy.audit_salt)
    selected = draw < chance
    verdict = "drawn" if selected else "not drawn"
    basis = f"random audit {sample}: draw {_fmt_pct(draw)} {'<' if selected else '≥'} {_fmt_pct(chance)}, {verdict}"
    return AuditDraw(selected=selected, draw_pct=draw, chance_pct=chance, basis=basis, source=source)
