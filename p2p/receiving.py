"""Receiving: what counts as received on a PO line, and when a PO is fully
received. Received means kept — net of what was rejected at the dock and of
what was returned to the vendor since (p2p-semantics b.5)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from models.documents import GoodsReceipt
from models.inspections import InspectionResult
from models.purchase_order import MatchLevel
from models.workflow_state import PurchaseOrderState
from p2p.tolerance import Limits
from p2p.tolerance_profiles import builtin_default, resolve_profile


def needs_receipt(level: MatchLevel) -> bool:
    return level != MatchLevel.TWO_WAY


def received_for_match(state: PurchaseOrderState, line_no: int, *, net_of_rejections: bool = True) -> Decimal:
    """What counts as received on a line: accepted at receipt, net of what
    was rejected (p2p-semantics b.5: "received is net of returns; accepted =
    received − rejected"), less what was returned to the vendor after receipt
    (models.returns; the records of rejections at the dock or at inspection
    are not subtracted again: accepted leaves those units out already).
    Rejected and returned goods go back; they are neither kept nor payable.
    `net_of_rejections=False` is the rule before PATCH_NET_RECEIPTS (gross on
    3-way lines), kept so older histories replay as they ran (runs from
    before PATCH_RETURNS have no returns)."""
    line = state.po.line(line_no)
    assert line is not None
    if net_of_rejections or line.level == MatchLevel.FOUR_WAY:
        kept = state.accepted_quantity(line_no)
    else:
        kept = state.received_quantity(line_no)
    return kept - state.returned_quantity(line_no)


def returned_by_line(state: PurchaseOrderState) -> dict[int, Decimal]:
    """Returned after receipt per PO line (the match request's `returned_by_line`)."""
    lines = {line.line_no for r in state.returns for line in r.lines}
    returned = {n: state.returned_quantity(n) for n in sorted(lines)}
    return {n: q for n, q in returned.items() if q}


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


# --- over-receipt tolerance (issue #17 item 6) -------------------------------------------
# SAP's over-delivery tolerance at GR, Oracle's over-receipt tolerance with its
# action (none / reject / warning), ERPNext's over_delivery_receipt_allowance
# (p2p-semantics "Over/under-delivery tolerance at GR"): what was received and
# kept on a line to date — every receipt, net of dock rejections and of returns
# to the vendor — against the ordered quantity of the agreed revision, with the
# line profile's `receipt_over` limits (p2p.tolerance: at the limit passes, one
# unit beyond is over; no limit set = not checked).


@dataclass(frozen=True)
class OverReceipt:
    """One line a receipt takes beyond its order and the tolerance."""

    line_no: int
    ordered: Decimal
    received_to_date: Decimal  # kept, this receipt included
    excess: Decimal  # this receipt's units beyond the ordered quantity
    profile: str  # where the limit came from: `nordic-fasteners v1`
    sentence: str


def over_receipts(state: PurchaseOrderState, receipt: GoodsReceipt) -> list[OverReceipt]:
    """The lines `receipt` takes beyond ordered + the line profile's
    over-receipt tolerance, cumulative with the PO's other receipts (a receipt
    with the same id in `state` is this one, counted once). Lines not on the
    PO are not judged here (the receipt's own log names them); a cancelled
    line counts as ordered 0."""
    po = state.po
    profiles = state.policy.tolerance_profiles if state.policy else [builtin_default()]
    found = []
    for received in receipt.lines:
        line = po.line(received.line_no)
        if line is None or received.quantity_accepted <= 0:
            continue
        ordered = Decimal(0) if line.line_no in state.cancelled_lines else line.quantity
        before = _kept_without(state, line.line_no, receipt.receipt_id)
        to_date = before + received.quantity_accepted
        excess = to_date - max(ordered, before)
        profile = resolve_profile(
            profiles, vendor_id=po.vendor_id, item_id=line.item_id, category=line.category
        )
        limits = profile.limits("receipt_over")
        if excess <= 0 or not limits.exceeded_by(to_date - ordered, ordered):
            continue
        earlier = f" ({_num(before)} before {receipt.receipt_id})" if before else ""
        cancelled = " (the line is cancelled)" if line.line_no in state.cancelled_lines else ""
        sentence = (
            f"line {line.line_no}: {_num(to_date)} {line.uom} received to date{earlier}, "
            f"{_num(ordered)} {line.uom} ordered{cancelled}: {_num(to_date - ordered)} {line.uom} over, "
            f"beyond the over-receipt tolerance {_limits_text(limits, line.uom)} ({profile.source})"
        )
        found.append(OverReceipt(line.line_no, ordered, to_date, excess, profile.source, sentence))
    return found


def over_receipt_refusal(state: PurchaseOrderState, receipt: GoodsReceipt) -> str | None:
    """Why the receipt door refuses `receipt` (None: it goes on): the vendor's
    policy says `refuse` and the receipt takes a line beyond its tolerance."""
    policy = state.policy
    if policy is None or policy.over_receipt_action != "refuse":
        return None
    found = over_receipts(state, receipt)
    if not found:
        return None
    return (
        f"receipt {receipt.receipt_id} refused: " + "; ".join(o.sentence for o in found) + ". "
        f"Policy {policy.name} v{policy.version} refuses receipts beyond the over-receipt tolerance: "
        "receive what was ordered and send the rest back, or ask the buyer to amend the PO"
    )


def returnable_excess(state: PurchaseOrderState, receipt_id: str) -> dict[int, Decimal]:
    """Per line of receipt `receipt_id`: the units still kept beyond the
    ordered quantity of the agreed revision, as far as that receipt still
    holds them (what an over-receipt's `return_excess` sends back). Empty
    when the PO was amended up to them or they went back already."""
    receipt = next((r for r in state.receipts if r.receipt_id == receipt_id), None)
    if receipt is None:
        return {}
    excess: dict[int, Decimal] = {}
    for received in receipt.lines:
        line = state.po.line(received.line_no)
        if line is None:
            continue
        ordered = Decimal(0) if line.line_no in state.cancelled_lines else line.quantity
        kept = _kept_without(state, line.line_no, "")  # every receipt, less returns and failed inspections
        still_held = (
            received.quantity_accepted
            - _returned_from(state, line.line_no, receipt_id)
            - _failed_inspection(state, line.line_no, receipt_id)
        )
        quantity = min(kept - ordered, still_held)
        if quantity > 0:
            excess[line.line_no] = quantity
    return excess


def _kept_without(state: PurchaseOrderState, line_no: int, receipt_id: str) -> Decimal:
    accepted = sum(
        (
            line.quantity_accepted
            for r in state.receipts
            if r.receipt_id != receipt_id
            for line in r.lines
            if line.line_no == line_no
        ),
        Decimal(0),
    )
    return (
        accepted
        - state.returned_quantity(line_no)
        - _failed_inspection(state, line_no, receipt_id, other=True)
    )


def _failed_inspection(
    state: PurchaseOrderState, line_no: int, receipt_id: str, *, other: bool = False
) -> Decimal:
    """Units of a line that failed inspection — of receipt `receipt_id`, or
    (`other`) of every other receipt: they go back, so they are not kept."""
    return sum(
        (
            line.quantity_rejected
            for i in state.inspections
            if (i.receipt_id != receipt_id if other else i.receipt_id == receipt_id)
            for line in i.lines
            if line.line_no == line_no
        ),
        Decimal(0),
    )


def _returned_from(state: PurchaseOrderState, line_no: int, receipt_id: str) -> Decimal:
    return sum(
        (
            line.quantity
            for r in state.returns
            for line in r.lines
            # Not the dock's or the inspection's records: quantity_accepted and
            # _failed_inspection take those off already.
            if line.line_no == line_no and line.receipt_id == receipt_id and not line.recorded_rejection
        ),
        Decimal(0),
    )


def _limits_text(limits: Limits, uom: str) -> str:
    texts = [f"+{_num(limits.pct)}%"] if limits.pct is not None else []
    if limits.amount is not None:
        texts.append(f"+{_num(limits.amount)} {uom}")
    return limits.describe(texts)


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


# --- inspection after receipt (issue #17 item 6) -----------------------------------------


def inspection_refusal(state: PurchaseOrderState, inspection: InspectionResult) -> str | None:
    """Why an inspection result is not recorded (None: it is): its receipt is
    not on the PO, it names a line that receipt did not bring, or it inspects
    more than the receipt kept at the dock less what was inspected before."""
    receipt = next((r for r in state.receipts if r.receipt_id == inspection.receipt_id), None)
    if receipt is None:
        return f"receipt {inspection.receipt_id} is not on {state.po.po_number}"
    brought = {line.line_no: line.quantity_accepted for line in receipt.lines}
    problems = []
    for line in inspection.lines:
        if line.line_no not in brought:
            problems.append(f"line {line.line_no} is not on receipt {receipt.receipt_id}")
            continue
        before = state.inspected_quantity(line.line_no, receipt.receipt_id, passed=False)
        left = brought[line.line_no] - before
        if line.quantity_inspected > left:
            problems.append(
                f"line {line.line_no}: {_num(line.quantity_inspected)} inspected, but receipt "
                f"{receipt.receipt_id} has {_num(left)} left to inspect "
                f"({_num(brought[line.line_no])} received and kept, {_num(before)} inspected before)"
            )
    return "; ".join(problems) or None


def pending_inspection(state: PurchaseOrderState, line_no: int) -> Decimal:
    """Received and kept on a line but not inspected yet (4-way, inspection rule)."""
    at_receipt = sum(
        (line.quantity_accepted for r in state.receipts for line in r.lines if line.line_no == line_no),
        Decimal(0),
    )
    return at_receipt - state.inspected_quantity(line_no, passed=False)
