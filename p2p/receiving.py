"""Receiving: what counts as received on a PO line, and when a PO is fully
received. Received means kept — net of what was rejected (p2p-semantics b.5)."""

from __future__ import annotations

from decimal import Decimal

from models.purchase_order import MatchLevel
from models.workflow_state import PurchaseOrderState


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
