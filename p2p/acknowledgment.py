"""An acknowledgment against the agreed revision: what the supplier changed,
which changes the acknowledgment tolerance accepts (the one limit rule,
`p2p.tolerance`) and the revision they make; and when a missing one holds an
invoice (ACK_MISSING: p2p-semantics "PO past its ack SLA at invoice time")."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from models.documents import AckLineStatus, Acknowledgment, AcknowledgmentLine, AckStatus
from models.matching import ToleranceProfile
from models.purchase_order import PurchaseOrder, PurchaseOrderLine, check_order_value
from models.workflow_state import PurchaseOrderState
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


def _limit_text(limit: Decimal | None) -> str:
    # Only reached when a limit was exceeded, i.e. one is set.
    assert limit is not None
    return _fmt(limit)


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
    found = AckComparison()
    new_lines = []
    for po_line in po.lines:
        ack_line = next((line for line in ack.lines if line.line_no == po_line.line_no), None)
        if ack_line is None:
            new_lines.append(po_line)
            continue
        updates = _compare_line(po.currency, po_line, ack_line, tolerances, found)
        if ack_line.status == AckLineStatus.REJECTED:
            continue  # if the buyer accepts, the supplier will not deliver this line
        new_lines.append(po_line.model_copy(update=updates) if updates else po_line)
    for ack_line in ack.lines:
        if po.line(ack_line.line_no) is None:
            _needs_the_buyer(found, f"line {ack_line.line_no}: not on the PO")
    return _with_revision(po, new_lines, found)


def _needs_the_buyer(found: AckComparison, text: str) -> None:
    found.changes.append(text)
    found.outside_tolerance.append(text)


def _compare_line(
    currency: str,
    po_line: PurchaseOrderLine,
    ack_line: AcknowledgmentLine,
    tolerances: ToleranceProfile,
    found: AckComparison,
) -> dict[str, object]:
    """Record what the supplier changed on one PO line in `found`; the line's
    changed fields are returned (for the revision)."""
    updates: dict[str, object] = {}
    n = po_line.line_no
    if ack_line.status in (AckLineStatus.REJECTED, AckLineStatus.BACKORDERED):
        _needs_the_buyer(found, f"line {n}: {ack_line.status.value} by the supplier")
    if ack_line.unit_price is not None and ack_line.unit_price != po_line.unit_price:
        pct = _pct_change(po_line.unit_price, ack_line.unit_price)
        text = (
            f"line {n}: price {_fmt(po_line.unit_price)} → {_fmt(ack_line.unit_price)} "
            f"{currency} ({pct:+.2f}%)"
        )
        found.changes.append(text)
        if _outside(po_line.unit_price, ack_line.unit_price, tolerances.ack_price_pct):
            found.outside_tolerance.append(f"{text}, tolerance ±{_limit_text(tolerances.ack_price_pct)}%")
        updates["unit_price"] = ack_line.unit_price
    if ack_line.quantity is not None and ack_line.quantity != po_line.quantity:
        pct = _pct_change(po_line.quantity, ack_line.quantity)
        text = f"line {n}: quantity {_fmt(po_line.quantity)} → {_fmt(ack_line.quantity)} {po_line.uom}"
        found.changes.append(text)
        if _outside(po_line.quantity, ack_line.quantity, tolerances.ack_qty_pct):
            found.outside_tolerance.append(
                f"{text} ({pct:+.2f}%), tolerance ±{_limit_text(tolerances.ack_qty_pct)}%"
            )
        updates["quantity"] = ack_line.quantity
    if ack_line.promised_date is not None and ack_line.promised_date != po_line.need_by:
        found.changes.append(
            f"line {n}: promised {ack_line.promised_date.isoformat()} (need-by {po_line.need_by})"
        )
        updates["need_by"] = ack_line.promised_date
    return updates


def _with_revision(
    po: PurchaseOrder, new_lines: list[PurchaseOrderLine], found: AckComparison
) -> AckComparison:
    """`found` with the revision its changes make, unless it makes none or
    one the order's bounds refuse (then that refusal needs the buyer too)."""
    if not found.changes or not new_lines:  # every line rejected is a rejection, not a revision
        return found
    revised = po.model_copy(update={"lines": new_lines, "revision": po.revision + 1})
    refusal = _beyond_bounds(revised)
    if refusal:  # each change is within bounds, all of them together are not
        _needs_the_buyer(found, refusal)
        return found
    return AckComparison(changes=found.changes, outside_tolerance=found.outside_tolerance, revised_po=revised)


def _beyond_bounds(po: PurchaseOrder) -> str | None:
    """Why a revision cannot be taken even if the buyer agreed: an order value
    the door would refuse (its projection and history could not carry it)."""
    try:
        check_order_value(po.total, po.freight)
    except ValueError as err:
        return f"not taken as a revision: {err}"
    return None


def ack_overdue_since(state: PurchaseOrderState, invoice_received_at: datetime) -> datetime | None:
    """When the acknowledgment was due, if an invoice that arrived at
    `invoice_received_at` finds it missing: the vendor's policy asks for one,
    none came (goods arriving count as one), the buyer did not proceed without
    it, and its due time (issue + the policy's ack_due_after) had passed. None:
    nothing is missing, and an ACK_MISSING hold clears on the next match."""
    policy = state.policy
    if policy is None or not policy.acknowledgment_required or state.issued_at is None:
        return None
    if state.acknowledged or state.receipts or state.ack_waived:
        return None
    due = state.issued_at + policy.ack_due_after
    return due if invoice_received_at >= due else None
