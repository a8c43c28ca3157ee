"""What the checks look at: the request with the profile in force
(`MatchContext`), one invoice line beside its PO line with the cumulative
quantities (`LineFacts`), and the profile resolved per line (`Profiles`)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from models.documents import Invoice, InvoiceLine
from models.matching import Hold, MatchRequest, ToleranceProfile
from models.purchase_order import MatchLevel, PurchaseOrderLine
from p2p.tolerance_profiles import resolve_profile

ZERO = Decimal(0)
# Matching levels whose lines must be covered by a goods receipt.
RECEIPT_LEVELS = frozenset({MatchLevel.THREE_WAY, MatchLevel.FOUR_WAY})


# --- context ------------------------------------------------------------------


@dataclass(frozen=True)
class MatchContext:
    """What every check may look at: the request and the profile in force —
    the vendor-level one for header checks, the line's own for line checks."""

    request: MatchRequest
    profile: ToleranceProfile

    @property
    def source(self) -> str:
        return self.profile.source

    @property
    def invoice(self) -> Invoice:
        return self.request.invoice

    @property
    def currency(self) -> str:
        # Messages quote money in the PO currency: that is what was agreed, and
        # a currency mismatch is its own hold.
        return self.request.po.currency

    @property
    def same_currency(self) -> bool:
        return self.invoice.currency == self.request.po.currency


@dataclass(frozen=True)
class LineFacts:
    """One invoice line next to its PO line, with the cumulative quantities."""

    invoice_line: InvoiceLine
    po_line: PurchaseOrderLine
    received: Decimal  # Σ quantity_received over all receipts for the line, less returns after receipt
    accepted: Decimal  # Σ quantity_accepted (received − rejected), less returns after receipt
    previously_invoiced: Decimal  # earlier invoices net of credit memos
    invoiced: Decimal  # this document's effect: + for an invoice, − for a credit memo
    returned: Decimal = ZERO  # returned to the vendor after receipt (already out of received and accepted)
    pending_inspection: Decimal = ZERO  # 4-way, inspection rule: kept at the dock, not inspected yet

    @property
    def line_no(self) -> int:
        return self.po_line.line_no

    @property
    def uom(self) -> str:
        return self.po_line.uom

    @property
    def billed_cum(self) -> Decimal:
        return self.previously_invoiced + self.invoiced

    @property
    def received_for_match(self) -> Decimal:
        """What counts as received for the 3-way leg. On a 3-way line a
        rejection happens at the dock, so received means kept: net of what
        was rejected (p2p-semantics b.5: "received is net of returns"). On a
        4-way line rejections are the inspection's outcome: the receipt leg
        compares with what arrived and the INSPECTION leg with what passed,
        so each hold says which step is short."""
        if self.po_line.level == MatchLevel.FOUR_WAY:
            return self.received
        return self.accepted

    @property
    def reference_price(self) -> Decimal:
        # request.po is the current agreed revision, so its price already
        # reflects an accepted supplier acknowledgment.
        return self.po_line.unit_price

    @property
    def invoiced_price(self) -> Decimal:
        return self.invoice_line.unit_price

    @property
    def price_variance(self) -> Decimal:
        return self.invoiced_price - self.reference_price


HeaderCheck = Callable[[MatchContext], list[Hold]]
LineCheck = Callable[[MatchContext, LineFacts], list[Hold]]


# --- cumulative quantities ------------------------------------------------------


def _sum_by_line(pairs: Iterable[tuple[int, Decimal]]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for line_no, quantity in pairs:
        totals[line_no] += quantity
    return totals


def _received_by_line(request: MatchRequest) -> dict[int, Decimal]:
    return _sum_by_line((line.line_no, line.quantity_received) for r in request.receipts for line in r.lines)


def _accepted_by_line(request: MatchRequest) -> dict[int, Decimal]:
    """Received − rejected at the receipt; on a 4-way line, when the request
    carries inspections (the inspection rule), what inspections accepted:
    goods not inspected yet are received, not accepted."""
    at_receipt = _sum_by_line(
        (line.line_no, line.quantity_accepted) for r in request.receipts for line in r.lines
    )
    if request.inspections is None:
        return at_receipt
    inspected = _sum_by_line(
        (line.line_no, line.quantity_accepted) for i in request.inspections for line in i.lines
    )
    four_way = {line.line_no for line in request.po.lines if line.level == MatchLevel.FOUR_WAY}
    lines = set(at_receipt) | set(inspected)
    return {n: inspected.get(n, ZERO) if n in four_way else at_receipt.get(n, ZERO) for n in lines}


def _pending_inspection_by_line(request: MatchRequest) -> dict[int, Decimal]:
    """4-way lines under the inspection rule: kept at the dock, not yet inspected."""
    if request.inspections is None:
        return {}
    four_way = {line.line_no for line in request.po.lines if line.level == MatchLevel.FOUR_WAY}
    kept = _sum_by_line((line.line_no, line.quantity_accepted) for r in request.receipts for line in r.lines)
    inspected = _sum_by_line(
        (line.line_no, line.quantity_inspected) for i in request.inspections for line in i.lines
    )
    return {
        n: kept[n] - inspected.get(n, ZERO)
        for n in kept
        if n in four_way and kept[n] > inspected.get(n, ZERO)
    }


def _previously_invoiced_by_line(request: MatchRequest) -> dict[int, Decimal]:
    """Earlier invoices net of credit memos — every one the caller lists
    (the workflow never lists the invoice being matched; an earlier document
    with the same number was billed, and check_duplicate_number holds it)."""
    return _sum_by_line(
        (line.line_no, invoice.billed_quantity(line))
        for invoice in request.prior_invoices
        for line in invoice.lines
    )


def line_facts(request: MatchRequest) -> list[LineFacts]:
    """Received means kept (p2p-semantics b.5: "received is net of returns"):
    goods returned after receipt come off what arrived and what was accepted
    alike; the dock's rejections are on the receipts already."""
    received = _received_by_line(request)
    accepted = _accepted_by_line(request)
    pending = _pending_inspection_by_line(request)
    returned = request.returned_by_line
    previous = _previously_invoiced_by_line(request)
    po_lines = {line.line_no: line for line in request.po.lines}  # one lookup per line, not a scan
    facts = []
    for invoice_line in request.invoice.lines:
        po_line = po_lines.get(invoice_line.line_no)
        if po_line is None:
            continue  # reported by check_unknown_lines
        line_no = po_line.line_no
        facts.append(
            LineFacts(
                invoice_line=invoice_line,
                po_line=po_line,
                received=received.get(line_no, ZERO) - returned.get(line_no, ZERO),
                accepted=accepted.get(line_no, ZERO) - returned.get(line_no, ZERO),
                previously_invoiced=previous.get(line_no, ZERO),
                invoiced=request.invoice.billed_quantity(invoice_line),
                returned=returned.get(line_no, ZERO),
                pending_inspection=pending.get(line_no, ZERO),
            )
        )
    return facts


# --- profiles -------------------------------------------------------------------


class Profiles:
    """Resolves the candidates once per (item, category): a 10,000-line PO
    usually has far fewer distinct scopes than lines."""

    def __init__(self, request: MatchRequest) -> None:
        self._candidates = request.tolerance_profiles
        self._vendor_id = request.po.vendor_id  # the PO's vendor: the invoice's may be wrong
        self._cache: dict[tuple[str, str | None], ToleranceProfile] = {}
        self.header = resolve_profile(self._candidates, vendor_id=self._vendor_id)

    def for_line(self, po_line: PurchaseOrderLine) -> ToleranceProfile:
        key = (po_line.item_id, po_line.category)
        if key not in self._cache:
            self._cache[key] = resolve_profile(
                self._candidates,
                vendor_id=self._vendor_id,
                item_id=po_line.item_id,
                category=po_line.category,
            )
        return self._cache[key]
