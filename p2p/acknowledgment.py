"""An acknowledgment against the agreed revision: what the supplier changed
on each line, which changes the acknowledgment tolerances accept and the
revision they make; and when a missing one holds an invoice (ACK_MISSING:
p2p-semantics "PO past its ack SLA at invoice time").

Line statuses (X12 element 668, EDIFACT 1229), each one rule here:
- accepted / changed: price, quantity and date compared with the line, each
  against its limit *per direction* (price over / under, quantity over /
  under, days late: SAP's confirmation control keys PRTLH / PRTLL), from the
  line's tolerance profile (item > vendor+category > vendor > category >
  default, `p2p.tolerance_profiles`). Inside every limit the changes become
  the next revision with the rule recorded; beyond one, the buyer decides.
- split into schedules: quantities that sum to the line, each with its own
  date; every date is checked for lateness against the line's need-by.
- backordered: a date change like any other; with no date, the buyer decides.
- substituted: accepted when the item master lists the substitute for the
  item ordered (`substitutes`), else the buyer decides.
- rejected: the supplier will not deliver the line. The line stays on the
  PO; a buyer task per line re-sources or cancels it (`rejected_lines`).

An acknowledgment that says it answers an older revision than the one the
supplier was last sent (`answers_an_old_revision`) is not judged by the
tolerance: the lines it answers are not the ones in force.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from models.acknowledgments import AckLineStatus, Acknowledgment, AcknowledgmentLine, AckStatus
from models.matching import AcknowledgedLine, ToleranceProfile
from models.purchase_order import (
    DeliverySchedule,
    PurchaseOrder,
    PurchaseOrderLine,
    RevisionReason,
    check_order_value,
)
from models.workflow_state import AckOutcome, PurchaseOrderState
from p2p.tolerance import Limits
from p2p.tolerance_profiles import resolve_profile


@dataclass(frozen=True)
class AckComparison:
    """What the supplier's acknowledgment changes against the agreed revision."""

    changes: list[str] = field(default_factory=list)  # one readable line per change
    outside_tolerance: list[str] = field(default_factory=list)  # the changes that need the buyer
    revised_po: PurchaseOrder | None = None  # the PO with the changes applied, if any
    rejected_lines: list[int] = field(default_factory=list)  # a buyer task each: re-source or cancel
    profiles: list[str] = field(default_factory=list)  # the tolerance profiles the changes were judged by

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


def _beyond(old: Decimal, new: Decimal, over: Decimal | None, under: Decimal | None) -> str | None:
    """The limit a change from `old` to `new` goes beyond, in its direction
    (`+2%`, `-0%`), or None when it is inside it or that direction is not
    checked. The one tolerance rule (p2p.tolerance) the invoice match uses."""
    limit, sign = (over, "+") if new > old else (under, "-")
    if Limits(pct=limit).exceeded_by(abs(new - old), old):
        assert limit is not None  # an unchecked direction is never exceeded
        return f"{sign}{_fmt(limit)}%"
    return None


def compare_acknowledgment(
    po: PurchaseOrder,
    ack: Acknowledgment,
    tolerances: ToleranceProfile | Sequence[ToleranceProfile],
    *,
    substitutes: Collection[tuple[str, str]] = frozenset(),
    line_tasks: bool = True,
) -> AckComparison:
    """Line-by-line comparison of an acknowledgment with the current revision.

    `tolerances`: the candidate profiles, one resolved per line (a single
    profile applies to every line). `substitutes`: the (item ordered, item
    shipped) pairs the item master allows. `line_tasks=False` is the rule
    before rejected lines had tasks of their own (PATCH_ACK_LINES): a
    rejected or back-ordered line is then a change for the buyer, and an
    accepted change drops the rejected line."""
    if ack.status == AckStatus.REJECTED:
        return AckComparison()
    profiles = [tolerances] if isinstance(tolerances, ToleranceProfile) else list(tolerances)
    found = AckComparison()
    new_lines = []
    for po_line in po.lines:
        ack_line = next((line for line in ack.lines if line.line_no == po_line.line_no), None)
        if ack_line is None:
            new_lines.append(po_line)
            continue
        profile = resolve_profile(
            profiles, vendor_id=po.vendor_id, item_id=po_line.item_id, category=po_line.category
        )
        if ack_line.status == AckLineStatus.REJECTED and line_tasks:
            found.changes.append(f"line {po_line.line_no}: rejected by the supplier")
            found.rejected_lines.append(po_line.line_no)
            new_lines.append(po_line)  # stays ordered until the buyer re-sources or cancels it
            continue
        review = _LineReview(po.currency, po_line, ack_line, profile, found)
        updates = review.compare(substitutes, line_tasks=line_tasks)
        if ack_line.status == AckLineStatus.REJECTED:
            continue  # before PATCH_ACK_LINES: if the buyer accepts, the line is gone
        new_lines.append(po_line.model_copy(update=updates) if updates else po_line)
    for ack_line in ack.lines:
        if po.line(ack_line.line_no) is None:
            _needs_the_buyer(found, f"line {ack_line.line_no}: not on the PO")
    return _with_revision(po, new_lines, found, line_tasks=line_tasks)


def _needs_the_buyer(found: AckComparison, text: str) -> None:
    found.changes.append(text)
    found.outside_tolerance.append(text)


@dataclass
class _LineReview:
    """One PO line against its acknowledgment line: each check records its
    change in `found` (and, beyond the limit, why the buyer must decide) and
    returns the line's changed fields for the revision."""

    currency: str
    po_line: PurchaseOrderLine
    ack_line: AcknowledgmentLine
    profile: ToleranceProfile
    found: AckComparison

    def compare(self, substitutes: Collection[tuple[str, str]], *, line_tasks: bool) -> dict[str, object]:
        status = self.ack_line.status
        if not line_tasks and status in (AckLineStatus.REJECTED, AckLineStatus.BACKORDERED):
            self._needs_the_buyer(f"{status.value} by the supplier")
        updates: dict[str, object] = {}
        updates |= self._substitution(substitutes)
        updates |= self._price()
        updates |= self._quantity()
        updates |= self._dates(line_tasks=line_tasks)
        return updates

    def _text(self, text: str) -> str:
        return f"line {self.po_line.line_no}: {text}"

    def _record(self, text: str, beyond: str | None = None) -> None:
        self.found.changes.append(self._text(text))
        if self.profile.source not in self.found.profiles:
            self.found.profiles.append(self.profile.source)
        if beyond is not None:
            self.found.outside_tolerance.append(
                f"{self._text(text)}, tolerance {beyond} ({self.profile.source})"
            )

    def _needs_the_buyer(self, text: str) -> None:
        _needs_the_buyer(self.found, self._text(text))

    def _substitution(self, substitutes: Collection[tuple[str, str]]) -> dict[str, object]:
        shipped = self.ack_line.substitute_item_id
        ordered = self.po_line.item_id
        if shipped is None or shipped == ordered:
            return {}
        text = f"item {ordered} → {shipped} (substitute)"
        if (ordered, shipped) in substitutes:
            self.found.changes.append(self._text(f"{text}, listed in the item master"))
        else:
            self._needs_the_buyer(f"{text}, not listed in the item master")
        return {"item_id": shipped, "substituted_for": self.po_line.substituted_for or ordered}

    def _price(self) -> dict[str, object]:
        old, new = self.po_line.unit_price, self.ack_line.unit_price
        if new is None or new == old:
            return {}
        p = self.profile
        beyond = _beyond(old, new, p.ack_price_over_pct, p.ack_price_under_pct)
        self._record(
            f"price {_fmt(old)} → {_fmt(new)} {self.currency} ({_pct_change(old, new):+.2f}%)", beyond
        )
        return {"unit_price": new}

    def _quantity(self) -> dict[str, object]:
        old, new = self.po_line.quantity, self.ack_line.confirmed_quantity
        if new is None or new == old:
            return {}
        p = self.profile
        beyond = _beyond(old, new, p.ack_qty_over_pct, p.ack_qty_under_pct)
        text = f"quantity {_fmt(old)} → {_fmt(new)} {self.po_line.uom} ({_pct_change(old, new):+.2f}%)"
        self._record(text, beyond)
        # One delivery of the new quantity, unless the supplier split it (below).
        return {"quantity": new, "schedules": []} if self.po_line.schedules else {"quantity": new}

    def _dates(self, *, line_tasks: bool) -> dict[str, object]:
        """A promised date, or a split into schedules, each checked for being
        late against the line's need-by; a backorder with no date at all is
        the buyer's to judge."""
        ack, need_by = self.ack_line, self.po_line.need_by
        if ack.schedules:
            if ack.schedules == self.po_line.schedules:
                return {}
            split = ", ".join(f"{_fmt(s.quantity)} by {s.date.isoformat()}" for s in ack.schedules)
            self._record(
                f"split into {len(ack.schedules)} deliveries: {split}", self._late(ack.schedules, need_by)
            )
            return {"schedules": list(ack.schedules), "need_by": max(s.date for s in ack.schedules)}
        if ack.promised_date is None:
            if ack.status == AckLineStatus.BACKORDERED and line_tasks:
                self._needs_the_buyer("backordered with no date")
            return {}
        if ack.promised_date == need_by and not self.po_line.schedules:
            return {}
        what = "backordered, " if ack.status == AckLineStatus.BACKORDERED and line_tasks else ""
        self._record(
            f"{what}promised {ack.promised_date.isoformat()} (need-by {need_by})",
            self._late([DeliverySchedule(quantity=self.po_line.quantity, date=ack.promised_date)], need_by),
        )
        return {"need_by": ack.promised_date, "schedules": []}

    def _late(self, schedules: Sequence[DeliverySchedule], need_by: date | None) -> str | None:
        """`3 days late` when a delivery falls after need-by by more than the
        profile allows (None: not checked, or no need-by to be late for)."""
        limit = self.profile.ack_days_late
        if limit is None or need_by is None:
            return None
        latest = max(s.date for s in schedules)
        if (latest - need_by).days > limit:
            return f"{limit} days late, promised {(latest - need_by).days}"
        return None


def _with_revision(
    po: PurchaseOrder, new_lines: list[PurchaseOrderLine], found: AckComparison, *, line_tasks: bool
) -> AckComparison:
    """`found` with the revision its changes make, unless it makes none or
    one the order's bounds refuse (then that refusal needs the buyer too).
    Before PATCH_ACK_LINES any change made one, even with no line changed."""
    if not new_lines:  # every line rejected is a rejection, not a revision
        return found
    if new_lines == po.lines if line_tasks else not found.changes:
        return found
    revised = po.model_copy(update={"lines": new_lines, "revision": po.revision + 1})
    refusal = _beyond_bounds(revised)
    if refusal:  # each change is within bounds, all of them together are not
        _needs_the_buyer(found, refusal)
        return found
    return AckComparison(
        changes=found.changes,
        outside_tolerance=found.outside_tolerance,
        revised_po=revised,
        rejected_lines=found.rejected_lines,
        profiles=found.profiles,
    )


def _beyond_bounds(po: PurchaseOrder) -> str | None:
    """Why a revision cannot be taken even if the buyer agreed: an order value
    the door would refuse (its projection and history could not carry it)."""
    try:
        check_order_value(po.total, po.freight)
    except ValueError as err:
        return f"not taken as a revision: {err}"
    return None


# Revisions made from the supplier's own acknowledgment: it knows their lines
# without being sent them, so answering the revision before one is not stale.
_THE_SUPPLIERS_OWN = frozenset({RevisionReason.SUPPLIER_CHANGE_AUTO, RevisionReason.SUPPLIER_CHANGE_APPROVED})


def answers_an_old_revision(state: PurchaseOrderState, ack: Acknowledgment) -> str | None:
    """`answers r0, r1 is in force` when the acknowledgment says it answers a
    revision older than the last one the supplier was sent (the original or
    a buyer's change; not one made from its own acknowledgment): its lines
    are not the ones in force, so its changes cannot be judged against them
    by the tolerance, and its acceptance is not one of the revision in force.
    None: it does not say (taken as answering the revision in force), or it
    answers that revision or a later one."""
    stated = ack.answers_revision
    if stated is None:
        return None
    sent = [r.revision for r in state.revisions if r.reason not in _THE_SUPPLIERS_OWN]
    last_sent = max(sent) if sent else state.po.revision
    if stated >= last_sent:
        return None
    return f"answers r{stated}, r{state.po.revision} is in force"


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


def acknowledged_lines(state: PurchaseOrderState) -> list[AcknowledgedLine]:
    """What every acknowledgment that stands (accepted, or accepted as a
    revision — not one the buyer turned down or still has to decide) said of
    each PO line, oldest first: the line's lineage, and the prices
    ACK_MISMATCH holds an invoice to."""
    agreed = (AckOutcome.ACCEPTED, AckOutcome.ACCEPTED_AS_REVISION)
    return [
        AcknowledgedLine(
            line_no=line.line_no,
            ack_id=record.ack.ack_id,
            status=line.status.value,
            unit_price=line.unit_price,
        )
        for record in state.acknowledgments
        if record.outcome in agreed
        for line in record.ack.lines
    ]


def confirmed_price(lines: list[AcknowledgedLine], line_no: int) -> AcknowledgedLine | None:
    """The latest price the supplier stated for the line in a standing
    acknowledgment (a rejected line states none)."""
    stated = [
        a
        for a in lines
        if a.line_no == line_no and a.unit_price is not None and a.status != AckLineStatus.REJECTED
    ]
    return stated[-1] if stated else None
