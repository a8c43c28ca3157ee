"""What a person needs to see to decide, drawn from the PO workflow's state:
lines ordered / received / invoiced, what a revision or a pending supplier
change does to each line, an invoice's lines beside the PO's, and each hold
with its sentence, tolerance and source. Pure functions of the models (the
pages format the numbers: starter.web.formatting)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from models import Hold, InvoiceRecord, PurchaseOrderState
from models.holds import HoldStatus, awaiting_reason, hold_ref
from models.matching import ToleranceProfile
from models.purchase_order import PurchaseOrderLine, RevisionChange
from p2p.acknowledgment import compare_acknowledgment
from p2p.revisions import line_changes

__all__ = [
    "HoldView",
    "InvoiceLineView",
    "InvoiceView",
    "LineProgress",
    "hold_view",
    "invoice_view",
    "line_progress",
    "pending_change_diff",
]


@dataclass(frozen=True)
class LineProgress:
    """One PO line: what was ordered, and how much of it arrived and was billed."""

    line: PurchaseOrderLine
    received: Decimal
    accepted: Decimal
    invoiced: Decimal

    @property
    def open_to_receive(self) -> Decimal:
        return max(self.line.quantity - self.accepted, Decimal(0))


def line_progress(state: PurchaseOrderState) -> list[LineProgress]:
    return [
        LineProgress(
            line=line,
            received=state.received_quantity(line.line_no),
            accepted=state.accepted_quantity(line.line_no),
            invoiced=state.invoiced_quantity(line.line_no),
        )
        for line in state.po.lines
    ]


def pending_change_diff(state: PurchaseOrderState) -> list[RevisionChange]:
    """What the supplier's change waiting for the buyer would do to the agreed
    revision. The comparison applies every change whatever the tolerance: the
    task says which ones are outside. (A line the supplier rejects is not
    part of it: it has a task of its own, to re-source or cancel it.)"""
    if state.pending_change is None:
        return []
    revised = compare_acknowledgment(state.po, state.pending_change, ToleranceProfile()).revised_po
    return line_changes(state.po, revised) if revised is not None else []


@dataclass(frozen=True)
class HoldView:
    ref: str
    hold: Hold
    waits_for: str | None

    @property
    def released(self) -> bool:
        return self.hold.status != HoldStatus.OPEN


def hold_view(hold: Hold) -> HoldView:
    return HoldView(ref=hold_ref(hold.code, hold.line_no), hold=hold, waits_for=awaiting_reason(hold.code))


@dataclass(frozen=True)
class InvoiceLineView:
    line_no: int
    item_id: str | None
    description: str | None
    quantity: Decimal
    unit_price: Decimal
    amount: Decimal
    po_unit_price: Decimal | None
    po_quantity: Decimal | None
    received: Decimal

    @property
    def price_differs(self) -> bool:
        return self.po_unit_price is not None and self.unit_price != self.po_unit_price


@dataclass(frozen=True)
class InvoiceView:
    record: InvoiceRecord
    lines: list[InvoiceLineView]
    holds: list[HoldView]  # open ones first, then released ones

    @property
    def currency(self) -> str:
        return self.record.invoice.currency


def invoice_view(state: PurchaseOrderState, record: InvoiceRecord) -> InvoiceView:
    invoice = record.invoice
    lines = []
    for line in invoice.lines:
        po_line = state.po.line(line.line_no)
        lines.append(
            InvoiceLineView(
                line_no=line.line_no,
                item_id=line.item_id or (po_line.item_id if po_line else None),
                description=line.description or (po_line.description if po_line else None),
                quantity=invoice.billed_quantity(line),
                unit_price=line.unit_price,
                amount=invoice.line_amount(line),
                po_unit_price=po_line.unit_price if po_line else None,
                po_quantity=po_line.quantity if po_line else None,
                # what the match counts: kept, net of rejections and of returns to the vendor
                received=state.accepted_quantity(line.line_no) - state.returned_quantity(line.line_no),
            )
        )
    holds = [hold_view(h) for h in record.open_holds] + [hold_view(h) for h in record.released_holds]
    return InvoiceView(record=record, lines=lines, holds=holds)
