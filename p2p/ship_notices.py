"""A supplier's ship notice against the order, before the goods arrive: what
in it is an exception the buyer should hear of now rather than at the dock —
a line that is not on the PO, or more shipped (with the earlier notices) than
was ordered (an item other than the one ordered is not judged here: notices
often carry the supplier's own part number) (#17 item 5; p2p-semantics
"ASN_MISMATCH: GR or invoice vs 856" is the match-time leg, not this).

Pure: the PO workflow calls it when a notice arrives and opens a buyer task
when it finds anything."""

from __future__ import annotations

from decimal import Decimal

from models.documents import ShipNotice
from models.matching import ShippedLine
from models.workflow_state import PurchaseOrderState

__all__ = ["asn_exceptions", "receipt_differences", "shipped_by_line"]


def asn_exceptions(state: PurchaseOrderState, notice: ShipNotice) -> list[str]:
    """One sentence per exception in `notice`, given the notices before it
    (already in `state.ship_notices`, which must not include `notice`)."""
    po = state.po
    found: list[str] = []
    for line in notice.lines:
        ordered = po.line(line.line_no)
        if ordered is None:
            found.append(f"line {line.line_no} is not on {po.po_number}")
            continue
        before = _shipped_before(state, line.line_no)
        total = before + line.quantity_shipped
        if total > ordered.quantity:
            earlier = f" ({_num(before)} on earlier notices)" if before else ""
            found.append(
                f"line {line.line_no}: {_num(total)} {ordered.uom} shipped{earlier}, "
                f"{_num(ordered.quantity)} ordered"
            )
    return found


def _shipped_before(state: PurchaseOrderState, line_no: int) -> Decimal:
    return sum(
        (line.quantity_shipped for n in state.ship_notices for line in n.lines if line.line_no == line_no),
        Decimal(0),
    )


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


def shipped_lines(state: PurchaseOrderState) -> list[ShippedLine]:
    """Every notice line, in the order the notices came (a line's lineage)."""
    return [
        ShippedLine(line_no=line.line_no, asn_id=n.asn_id, quantity=line.quantity_shipped)
        for n in state.ship_notices
        for line in n.lines
    ]


def shipped_by_line(state: PurchaseOrderState) -> dict[int, Decimal]:
    """Shipped to date per PO line, over every notice the PO has."""
    shipped: dict[int, Decimal] = {}
    for n in state.ship_notices:
        for line in n.lines:
            shipped[line.line_no] = shipped.get(line.line_no, Decimal(0)) + line.quantity_shipped
    return shipped


def receipt_differences(state: PurchaseOrderState) -> list[str]:
    """Each line whose receipts to date differ from what its notices shipped
    (ASN_MISMATCH at the dock: recorded, the receipt stands)."""
    differences = []
    for line_no, shipped in sorted(shipped_by_line(state).items()):
        received = state.received_quantity(line_no)
        if received and received != shipped:
            differences.append(
                f"line {line_no}: {_num(received)} received, {_num(shipped)} shipped on the notices"
            )
    return differences
