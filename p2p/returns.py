"""Returns to the vendor (issue #17 item 6), pure: when a return is refused,
the records of a receipt's dock rejections and of an inspection's
rejections, the credit memo a return makes expected, and what settles it.
Received is net of returns (p2p.receiving.received_for_match subtracts
them; not those records: accepted leaves their units out already)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Protocol

from models.common import round_money
from models.documents import GoodsReceipt, InvoiceKind
from models.inspections import InspectionResult
from models.purchase_order import MatchLevel
from models.returns import (
    ExpectedCredit,
    ReturnLine,
    ReturnReason,
    ReturnToVendor,
    dock_return_id,
    inspection_return_id,
)
from models.workflow_state import InvoiceStatus, PurchaseOrderState
from p2p.receiving import pending_inspection, received_for_match

__all__ = [
    "approved_billed",
    "dock_return",
    "expected_credits",
    "inspection_return",
    "return_refusal",
    "settle_by_credit_memo",
    "settle_by_receipt",
]

ZERO = Decimal(0)


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


def return_refusal(
    state: PurchaseOrderState, rtv: ReturnToVendor, *, net_of_rejections: bool = True
) -> str | None:
    """Why a return is refused as a whole (None: it stands): a line not on
    the PO, a rejection at the dock or at inspection sent as a return (it
    belongs on the receipt or the inspection result), a receipt that is not
    this PO's or does not hold the line, or more than was received and kept
    on the line (or on that receipt's line). On a 4-way line kept is what
    passed inspection: goods still pending inspection are not kept yet."""
    po = state.po
    problems = []
    for line in rtv.lines:
        where = f"line {line.line_no}"
        if po.line(line.line_no) is None:
            problems.append(f"{where} is not on {po.po_number}")
            continue
        if line.reason_code == ReturnReason.REJECTED_AT_DOCK:
            problems.append(f"{where}: a rejection at the dock is the goods receipt's quantity_rejected")
            continue
        if line.reason_code == ReturnReason.REJECTED_AT_INSPECTION:
            problems.append(
                f"{where}: a rejection at inspection is the inspection result's quantity_rejected"
            )
            continue
        kept = received_for_match(state, line.line_no, net_of_rejections=net_of_rejections)
        if line.quantity > kept:
            problems.append(
                f"{where}: {_qty(line.quantity)} returned, only {_qty(kept)} received and kept"
                + _pending_inspection_text(state, line.line_no)
            )
            continue
        problem = _beyond_its_receipt(state, line)
        if problem:
            problems.append(f"{where}: {problem}")
    return "; ".join(problems) or None


def _pending_inspection_text(state: PurchaseOrderState, line_no: int) -> str:
    """Why goods that arrived are not yet kept: on a 4-way line under the
    inspection rule they wait for inspection, which decides what is kept and
    returns what it rejects itself (po_steps.returns)."""
    po_line = state.po.line(line_no)
    if not state.inspection_rule or po_line is None or po_line.level != MatchLevel.FOUR_WAY:
        return ""
    pending = pending_inspection(state, line_no)
    if pending <= 0:
        return ""
    return (
        f" (passed inspection): {_qty(pending)} {po_line.uom} still pending inspection cannot be returned "
        f"before the inspection result, which returns what it rejects to {state.po.vendor_id} itself"
    )


def _beyond_its_receipt(state: PurchaseOrderState, line: ReturnLine) -> str | None:
    if line.receipt_id is None:
        return None
    receipt = next((r for r in state.receipts if r.receipt_id == line.receipt_id), None)
    if receipt is None:
        return f"receipt {line.receipt_id} is not on {state.po.po_number}"
    received = next((x for x in receipt.lines if x.line_no == line.line_no), None)
    if received is None:
        return f"receipt {line.receipt_id} did not receive it"
    # Not the dock's record (quantity_accepted leaves those units out), but
    # an inspection's: the units it rejected are no longer kept from the receipt.
    earlier = sum(
        (
            x.quantity
            for r in state.returns
            for x in r.lines
            if x.line_no == line.line_no
            and x.receipt_id == line.receipt_id
            and x.reason_code != ReturnReason.REJECTED_AT_DOCK
        ),
        ZERO,
    )
    kept = received.quantity_accepted - earlier
    if line.quantity > kept:
        return f"{_qty(line.quantity)} returned, only {_qty(kept)} kept from receipt {line.receipt_id}"
    return None


def dock_return(receipt: GoodsReceipt) -> ReturnToVendor | None:
    """The dock's rejections on a receipt as a return to vendor of their own
    (id from the receipt's: idempotent); None when nothing was rejected."""
    return _rejection_return(
        return_id=dock_return_id(receipt.receipt_id),
        po_number=receipt.po_number,
        receipt_id=receipt.receipt_id,
        at=receipt.received_at,
        by=receipt.received_by,
        lines=receipt.lines,
        code=ReturnReason.REJECTED_AT_DOCK,
        what="rejected at the dock",
    )


def inspection_return(inspection: InspectionResult) -> ReturnToVendor | None:
    """The units an inspection rejected as a return to vendor of their own
    (they go back to the supplier; id from the inspection's: idempotent);
    None when it rejected nothing."""
    return _rejection_return(
        return_id=inspection_return_id(inspection.inspection_id),
        po_number=inspection.po_number,
        receipt_id=inspection.receipt_id,
        at=inspection.inspected_at,
        by=inspection.inspected_by,
        lines=inspection.lines,
        code=ReturnReason.REJECTED_AT_INSPECTION,
        what=f"rejected at inspection {inspection.inspection_id}",
    )


class _RejectingLine(Protocol):
    """A receipt line or an inspection line: what it rejected, and why."""

    line_no: int
    quantity_rejected: Decimal
    reject_reason: str | None


def _rejection_return(
    *,
    return_id: str,
    po_number: str,
    receipt_id: str,
    at: datetime,
    by: str | None,
    lines: Sequence[_RejectingLine],
    code: ReturnReason,
    what: str,
) -> ReturnToVendor | None:
    """The rejected units of `lines` going back to the supplier as one return;
    None when nothing was rejected."""
    rejected = [line for line in lines if line.quantity_rejected > 0]
    if not rejected:
        return None
    why = "; ".join(f"line {line.line_no}: {line.reject_reason}" for line in rejected if line.reject_reason)
    return ReturnToVendor(
        return_id=return_id,
        po_number=po_number,
        returned_at=at,
        returned_by=by,
        reason=what + (f" ({why})" if why else ""),
        lines=[
            ReturnLine(
                line_no=line.line_no, quantity=line.quantity_rejected, receipt_id=receipt_id, reason_code=code
            )
            for line in rejected
        ],
    )


def approved_billed(state: PurchaseOrderState, line_no: int) -> Decimal:
    """Billed on the line by invoices handed to AP, net of approved credit memos."""
    return sum(
        (
            r.invoice.billed_quantity(line)
            for r in state.invoices
            if r.status == InvoiceStatus.APPROVED
            for line in r.invoice.lines
            if line.line_no == line_no
        ),
        ZERO,
    )


def _last_invoiced(state: PurchaseOrderState, line_no: int) -> tuple[Decimal, str] | None:
    """(unit price, invoice number) of the last approved invoice that billed the line."""
    for record in reversed(state.invoices):
        if record.status != InvoiceStatus.APPROVED or record.invoice.kind != InvoiceKind.INVOICE:
            continue
        line = next((x for x in record.invoice.lines if x.line_no == line_no), None)
        if line is not None:
            return line.unit_price, record.invoice.invoice_number
    return None


def expected_credits(
    state: PurchaseOrderState, rtv: ReturnToVendor, now: datetime, *, net_of_rejections: bool = True
) -> list[ExpectedCredit]:
    """The credit memo a return (already in `state.returns`) makes expected:
    on each line billed to AP beyond what is now kept — less what earlier
    returns already expect — the returned units up to that excess, at the
    price they were invoiced at."""
    credits = []
    for line in rtv.lines:
        kept = received_for_match(state, line.line_no, net_of_rejections=net_of_rejections)
        expected = sum(
            (c.outstanding for c in state.open_expected_credits if c.line_no == line.line_no), ZERO
        )
        excess = approved_billed(state, line.line_no) - kept - expected
        invoiced = _last_invoiced(state, line.line_no)
        if excess <= 0 or invoiced is None:
            continue
        quantity = min(line.quantity, excess)
        price, number = invoiced
        credits.append(
            ExpectedCredit(
                return_id=rtv.return_id,
                line_no=line.line_no,
                quantity=quantity,
                unit_price=price,
                invoice_number=number,
                amount=round_money(quantity * price, state.po.currency),
                currency=state.po.currency,
                expected_at=now,
            )
        )
    return credits


def settle_by_credit_memo(
    state: PurchaseOrderState, credit_number: str, credited: dict[int, Decimal], now: datetime
) -> list[ExpectedCredit]:
    """A credit memo the supplier sent (and AP took) answers the expected
    credits on its lines, oldest first: `credited` is what it credits per
    line. Returns the expectations it answered (settled, or in part: still
    open). Applied once per memo."""
    if any(credit_number in c.settled_by for c in state.expected_credits):
        return []
    touched = []
    for line_no, quantity in credited.items():
        left = quantity
        for credit in state.open_expected_credits:
            if credit.line_no != line_no or left <= 0:
                continue
            take = min(left, credit.outstanding)
            left -= take
            credit.credited += take
            credit.settled_by.append(credit_number)
            if credit.credited >= credit.quantity:
                credit.settled_at = now
            touched.append(credit)
    return touched


def settle_by_receipt(
    state: PurchaseOrderState,
    receipt_id: str,
    now: datetime,
    *,
    net_of_rejections: bool = True,
    inspection_id: str | None = None,
) -> list[ExpectedCredit]:
    """Replacement goods answer the expected credits of a line once what was
    billed to AP is all kept again: nothing is owed back any more. On a
    4-way line they are kept once they passed inspection `inspection_id`."""
    passed = f" (passed inspection {inspection_id})" if inspection_id else ""
    settled = []
    for credit in state.open_expected_credits:
        kept = received_for_match(state, credit.line_no, net_of_rejections=net_of_rejections)
        if approved_billed(state, credit.line_no) <= kept:
            credit.settled_by.append(f"replacement receipt {receipt_id}{passed}")
            credit.settled_at = now
            settled.append(credit)
    return settled
