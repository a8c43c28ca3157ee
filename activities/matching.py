"""The three-way match engine: one invoice (or credit memo) against its PO,
the goods receipts and the earlier invoices.

Pure: no I/O, no clock. Everything it needs is in the `MatchRequest`, so the
same request always gives the same `MatchResult` — which is what lets the
workflow re-run it on every relevant event (receipt, credit memo, PO change)
and lets a later tolerance simulation replay old invoices.

Semantics (DESIGN.md "Matching vocabulary", p2p-semantics.md b.1/b.2/b.5):

* All quantity checks are cumulative per PO line, in the PO's unit of measure
  (Oracle "Qty Ord" / "Qty Rec" / "Quality"): `billed_cum` = what earlier
  invoices billed, net of credit memos, plus this invoice.
* A limit of `None` is not checked; `0` means no variance allowed. A variance
  *at* the limit passes, only one *beyond* it holds.
* Price holds when the variance exceeds every over-limit that is set (percent
  and amount per unit): small-value lines are not held for cents.
* A hold a person released is not re-applied while its inputs (expected and
  actual) are unchanged (Oracle Payables).

Each check is one small function returning the holds it finds. To add a check,
write the function and list it in HEADER_CHECKS / LINE_CHECKS (or the credit
memo variants); ordering and release handling are applied afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from models.common import format_money, round_money
from models.documents import Invoice, InvoiceKind, InvoiceLine
from models.matching import (
    Hold,
    HoldCode,
    HoldStatus,
    LineMatch,
    MatchDecision,
    MatchRequest,
    MatchResult,
    ToleranceProfile,
)
from models.purchase_order import MatchLevel, PurchaseOrderLine

__all__ = ["match_invoice", "tolerance_source"]

_ZERO = Decimal(0)
_HUNDRED = Decimal(100)
# Matching levels whose lines must be covered by a goods receipt.
_RECEIPT_LEVELS = frozenset({MatchLevel.THREE_WAY, MatchLevel.FOUR_WAY})
# Stable order of codes within one line: the vocabulary's declaration order.
_CODE_ORDER = {code: index for index, code in enumerate(HoldCode)}


# --- context ------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What every check may look at: the request and values derived once."""

    request: MatchRequest
    source: str

    @property
    def invoice(self) -> Invoice:
        return self.request.invoice

    @property
    def profile(self) -> ToleranceProfile:
        return self.request.tolerances

    @property
    def currency(self) -> str:
        # Messages quote money in the PO currency: that is what was agreed, and
        # a currency mismatch is its own hold.
        return self.request.po.currency


@dataclass(frozen=True)
class _LineFacts:
    """One invoice line next to its PO line, with the cumulative quantities."""

    invoice_line: InvoiceLine
    po_line: PurchaseOrderLine
    received: Decimal  # Σ quantity_received over all receipts for the line
    accepted: Decimal  # Σ quantity_accepted (received − rejected)
    previously_invoiced: Decimal  # earlier invoices net of credit memos
    invoiced: Decimal  # this document's effect: + for an invoice, − for a credit memo

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


HeaderCheck = Callable[[_Context], list[Hold]]
LineCheck = Callable[[_Context, _LineFacts], list[Hold]]


# --- formatting (messages are read by people) ---------------------------------


def _fmt_number(value: Decimal) -> str:
    """`60`, `1.5`, `1,200` — no trailing zeros, no exponent."""
    if value == value.to_integral_value():
        return f"{value.to_integral_value():,f}"
    return f"{value.normalize():,f}"


def _fmt_qty(value: Decimal, uom: str) -> str:
    return f"{_fmt_number(value)} {uom}"


def _fmt_price(value: Decimal, currency: str) -> str:
    """Unit prices: the currency's minor unit, but never hide extra digits —
    a variance of 0.004/unit must stay visible in the message."""
    if value == round_money(value, currency):
        return format_money(value, currency)
    return f"{value.normalize():,f} {currency}"


def _fmt_unit_amount(value: Decimal, currency: str) -> str:
    """A per-unit amount without the currency code: `0.50`."""
    return _fmt_price(value, currency).removesuffix(f" {currency}")


def _fmt_pct(value: Decimal) -> str:
    """A computed percentage, to two decimals without trailing zeros."""
    return _fmt_number(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def _percent_of(part: Decimal, whole: Decimal) -> Decimal | None:
    """`part` as a percentage of `whole`; None when `whole` is zero."""
    if whole == 0:
        return None
    return part * _HUNDRED / whole


def _exceeds_pct(variance: Decimal, reference: Decimal, limit_pct: Decimal) -> bool:
    """variance / reference > limit%, compared by multiplication so that a
    variance exactly at the limit passes (no rounding from a division). With a
    zero reference any positive variance is infinitely over."""
    return variance * _HUNDRED > limit_pct * reference


def _over_allowance(billed: Decimal, base: Decimal, pct: Decimal) -> bool:
    """billed > base × (1 + pct/100), exactly."""
    return billed * _HUNDRED > base * (_HUNDRED + pct)


def tolerance_source(profile: ToleranceProfile) -> str:
    """Where a limit came from, as shown on holds: `default v1`."""
    return f"{profile.name} v{profile.version}"


def _hold(
    ctx: _Context,
    code: HoldCode,
    *,
    message: str,
    line_no: int | None = None,
    expected: Decimal | None = None,
    actual: Decimal | None = None,
    variance: Decimal | None = None,
    tolerance: str | None = None,
    formula: str | None = None,
) -> Hold:
    return Hold(
        code=code,
        line_no=line_no,
        expected=expected,
        actual=actual,
        variance=variance,
        tolerance=tolerance,
        source=ctx.source,
        formula=formula,
        message=message,
    )


def _billed_text(facts: _LineFacts) -> str:
    """`billed 60 EA`, or with earlier invoices `billed 60 EA to date (40 EA
    before this invoice)` so the reader sees why a small invoice is held."""
    text = f"billed {_fmt_qty(facts.billed_cum, facts.uom)}"
    if facts.previously_invoiced != 0:
        text += f" to date ({_fmt_qty(facts.previously_invoiced, facts.uom)} before this invoice)"
    return text


# --- header checks --------------------------------------------------------------


def check_currency(ctx: _Context) -> list[Hold]:
    invoice, po = ctx.invoice, ctx.request.po
    if invoice.currency == po.currency:
        return []
    return [
        _hold(
            ctx,
            HoldCode.CURRENCY,
            tolerance="currency must equal the PO currency",
            formula="invoice.currency = po.currency",
            message=(
                f"Invoice is in {invoice.currency} but {po.po_number} is in {po.currency}; "
                f"ask the supplier for an invoice in {po.currency}"
            ),
        )
    ]


def check_vendor(ctx: _Context) -> list[Hold]:
    invoice, po = ctx.invoice, ctx.request.po
    if invoice.vendor_id == po.vendor_id:
        return []
    return [
        _hold(
            ctx,
            HoldCode.VENDOR_MISMATCH,
            tolerance="vendor must equal the PO vendor",
            formula="invoice.vendor_id = po.vendor_id",
            message=(
                f"Invoice is from vendor {invoice.vendor_id} but {po.po_number} was issued to "
                f"{po.vendor_id}; check the invoice's PO reference or reject it"
            ),
        )
    ]


def check_po_open(ctx: _Context) -> list[Hold]:
    if ctx.request.po_open:
        return []
    po_number = ctx.request.po.po_number
    return [
        _hold(
            ctx,
            HoldCode.PO_NOT_OPEN,
            tolerance="PO must be open for invoicing",
            formula="po_open",
            message=(
                f"{po_number} is not open for invoicing (closed or cancelled); "
                "reject the invoice or reopen the PO"
            ),
        )
    ]


def check_total(ctx: _Context) -> list[Hold]:
    """Header total vs Σ line amounts + freight + tax (SAP BD): a difference
    within the small-difference limit passes."""
    limit = ctx.profile.total_small_difference_abs
    if limit is None:
        return []
    invoice = ctx.invoice
    computed = invoice.computed_total
    difference = invoice.total - computed
    if abs(difference) <= limit:
        return []
    money = ctx.invoice.currency
    return [
        _hold(
            ctx,
            HoldCode.TOTAL_MISMATCH,
            expected=computed,
            actual=invoice.total,
            variance=difference,
            tolerance=f"total small difference ±{format_money(limit, money)}",
            formula="total − (Σ line amounts + freight + tax)",
            message=(
                f"Invoice total {format_money(invoice.total, money)} differs from lines + freight + tax "
                f"{format_money(computed, money)} by {format_money(difference, money)} "
                f"(tolerance ±{format_money(limit, money)}); ask the supplier for a corrected invoice"
            ),
        )
    ]


# --- line checks ----------------------------------------------------------------


def check_positive_quantity(ctx: _Context, facts: _LineFacts) -> list[Hold]:
    """An invoice line bills a positive quantity; credit is a credit memo."""
    quantity = facts.invoice_line.quantity
    if quantity > 0:
        return []
    return [
        _hold(
            ctx,
            HoldCode.AMOUNT,
            line_no=facts.line_no,
            expected=None,
            actual=quantity,
            tolerance="invoice line quantity must be > 0",
            formula="quantity > 0",
            message=(
                f"Line {facts.line_no}: quantity {_fmt_qty(quantity, facts.uom)} is not positive; "
                "a credit belongs on a credit memo, ask the supplier for one"
            ),
        )
    ]


def check_price(ctx: _Context, facts: _LineFacts) -> list[Hold]:
    variance = facts.price_variance
    if variance > 0:
        return _price_over(ctx, facts)
    if variance < 0:
        return _price_under(ctx, facts)
    return []


def _price_over(ctx: _Context, facts: _LineFacts) -> list[Hold]:
    """Hold only when the variance is beyond every over-limit that is set: a
    variance must be material both relatively and per unit (Ariba "OR")."""
    pct_limit, abs_limit = ctx.profile.price_over_pct, ctx.profile.price_over_abs
    if pct_limit is None and abs_limit is None:
        return []
    variance, reference = facts.price_variance, facts.reference_price
    if pct_limit is not None and not _exceeds_pct(variance, reference, pct_limit):
        return []
    if abs_limit is not None and not variance > abs_limit:
        return []
    limits = [f"+{_fmt_number(pct_limit)}%"] if pct_limit is not None else []
    if abs_limit is not None:
        limits.append(f"+{_fmt_unit_amount(abs_limit, ctx.currency)}/unit")
    allowed = " or ".join(limits)
    return [_price_hold(ctx, facts, direction="above", allowed=allowed, tolerance=f"price over {allowed}")]


def _price_under(ctx: _Context, facts: _LineFacts) -> list[Hold]:
    """A price below the agreed one is usually welcome (limit None); a set
    limit catches suspicious drops such as a wrong item or unit."""
    limit = ctx.profile.price_under_pct
    if limit is None or not _exceeds_pct(-facts.price_variance, facts.reference_price, limit):
        return []
    allowed = f"-{_fmt_number(limit)}%"
    return [_price_hold(ctx, facts, direction="below", allowed=allowed, tolerance=f"price under {allowed}")]


def _price_hold(ctx: _Context, facts: _LineFacts, *, direction: str, allowed: str, tolerance: str) -> Hold:
    currency = ctx.currency
    pct = _percent_of(abs(facts.price_variance), facts.reference_price)
    how_far = f"{_fmt_pct(pct)}% {direction}" if pct is not None else direction
    return _hold(
        ctx,
        HoldCode.PRICE,
        line_no=facts.line_no,
        expected=facts.reference_price,
        actual=facts.invoiced_price,
        variance=facts.price_variance,
        tolerance=tolerance,
        formula="invoiced unit price − agreed unit price",
        message=(
            f"Line {facts.line_no}: price {_fmt_price(facts.invoiced_price, currency)} is {how_far} "
            f"the agreed {_fmt_price(facts.reference_price, currency)} (tolerance {allowed})"
        ),
    )


def check_qty_ordered(ctx: _Context, facts: _LineFacts) -> list[Hold]:
    """Cumulative billed vs ordered, at every match level (Oracle Qty Ord)."""
    pct = ctx.profile.qty_over_ordered_pct
    ordered = facts.po_line.quantity
    if pct is None or not _over_allowance(facts.billed_cum, ordered, pct):
        return []
    return [
        _hold(
            ctx,
            HoldCode.QTY_ORDERED,
            line_no=facts.line_no,
            expected=ordered,
            actual=facts.billed_cum,
            variance=facts.billed_cum - ordered,
            tolerance=f"qty over ordered +{_fmt_number(pct)}%",
            formula="billed_cum − ordered",
            message=(
                f"Line {facts.line_no}: {_billed_text(facts)} but only {_fmt_qty(ordered, facts.uom)} "
                f"ordered (tolerance {_fmt_number(pct)}%)"
            ),
        )
    ]


def check_receipt(ctx: _Context, facts: _LineFacts) -> list[Hold]:
    """3-/4-way lines must be received before they are paid. Nothing received
    at all is its own hold (SAP DW): it clears itself when the receipt comes,
    and says what is missing rather than quoting a quantity variance."""
    if facts.po_line.match_level not in _RECEIPT_LEVELS:
        return []
    if facts.received == 0:
        return [_no_receipt_hold(ctx, facts)]
    return _qty_received(ctx, facts)


def _no_receipt_hold(ctx: _Context, facts: _LineFacts) -> Hold:
    return _hold(
        ctx,
        HoldCode.NO_RECEIPT,
        line_no=facts.line_no,
        expected=facts.received,
        actual=facts.billed_cum,
        variance=facts.billed_cum - facts.received,
        tolerance=f"goods receipt required ({facts.po_line.match_level.value} match)",
        formula="received_cum = 0",
        message=(
            f"Line {facts.line_no}: {_billed_text(facts)} but nothing has been received yet; "
            "waiting for the goods receipt"
        ),
    )


def _qty_received(ctx: _Context, facts: _LineFacts) -> list[Hold]:
    """Cumulative billed vs received (Oracle Qty Rec, SAP DQ)."""
    pct = ctx.profile.qty_over_received_pct
    if pct is None or not _over_allowance(facts.billed_cum, facts.received, pct):
        return []
    return [
        _hold(
            ctx,
            HoldCode.QTY_RECEIVED,
            line_no=facts.line_no,
            expected=facts.received,
            actual=facts.billed_cum,
            variance=facts.billed_cum - facts.received,
            tolerance=f"qty over received +{_fmt_number(pct)}%",
            formula="billed_cum − received_cum",
            message=(
                f"Line {facts.line_no}: {_billed_text(facts)} but only "
                f"{_fmt_qty(facts.received, facts.uom)} received (tolerance {_fmt_number(pct)}%)"
            ),
        )
    ]


def check_inspection(ctx: _Context, facts: _LineFacts) -> list[Hold]:
    """4-way lines: billed vs accepted after inspection (Oracle Quality hold).
    Skipped when nothing was received: NO_RECEIPT already says what is
    missing, and nothing can have been inspected."""
    pct = ctx.profile.qty_over_received_pct
    if facts.po_line.match_level != MatchLevel.FOUR_WAY or facts.received == 0 or pct is None:
        return []
    if not _over_allowance(facts.billed_cum, facts.accepted, pct):
        return []
    rejected = facts.received - facts.accepted
    return [
        _hold(
            ctx,
            HoldCode.INSPECTION,
            line_no=facts.line_no,
            expected=facts.accepted,
            actual=facts.billed_cum,
            variance=facts.billed_cum - facts.accepted,
            tolerance=f"qty over accepted +{_fmt_number(pct)}%",
            formula="billed_cum − accepted_cum",
            message=(
                f"Line {facts.line_no}: {_billed_text(facts)} but only {_fmt_qty(facts.accepted, facts.uom)} "
                f"accepted after inspection ({_fmt_qty(rejected, facts.uom)} rejected) "
                f"(tolerance {_fmt_number(pct)}%)"
            ),
        )
    ]


def check_unknown_lines(ctx: _Context) -> list[Hold]:
    """Invoice lines that reference no PO line cannot be matched at all."""
    po = ctx.request.po
    known = ", ".join(str(line.line_no) for line in po.lines)
    return [
        _hold(
            ctx,
            HoldCode.UNKNOWN_LINE,
            line_no=line.line_no,
            actual=line.quantity,
            tolerance="invoice line must reference a PO line",
            formula="line_no ∈ po.lines",
            message=(
                f"Line {line.line_no} is not on {po.po_number} (lines {known}); "
                "ask the supplier to correct the line reference"
            ),
        )
        for line in ctx.invoice.lines
        if po.line(line.line_no) is None
    ]


# Which checks run for which document. Header checks run once per document
# (unknown lines are found there: they have no PO line to build facts from);
# line checks run once per invoice line that is on the PO. Credit memos only
# get the structural checks: they reduce what was billed, so price/quantity
# limits do not apply, and a credit on a closed PO is still welcome.
HEADER_CHECKS: tuple[HeaderCheck, ...] = (
    check_currency,
    check_vendor,
    check_po_open,
    check_total,
    check_unknown_lines,
)
CREDIT_MEMO_HEADER_CHECKS: tuple[HeaderCheck, ...] = (
    check_currency,
    check_vendor,
    check_total,
    check_unknown_lines,
)
LINE_CHECKS: tuple[LineCheck, ...] = (check_price, check_qty_ordered, check_receipt, check_inspection)
CREDIT_MEMO_LINE_CHECKS: tuple[LineCheck, ...] = ()


# --- cumulative quantities ------------------------------------------------------


def _sum_by_line(pairs: Iterable[tuple[int, Decimal]]) -> dict[int, Decimal]:
    totals: dict[int, Decimal] = defaultdict(lambda: _ZERO)
    for line_no, quantity in pairs:
        totals[line_no] += quantity
    return totals


def _received_by_line(request: MatchRequest) -> dict[int, Decimal]:
    return _sum_by_line((line.line_no, line.quantity_received) for r in request.receipts for line in r.lines)


def _accepted_by_line(request: MatchRequest) -> dict[int, Decimal]:
    return _sum_by_line((line.line_no, line.quantity_accepted) for r in request.receipts for line in r.lines)


def _previously_invoiced_by_line(request: MatchRequest) -> dict[int, Decimal]:
    """Earlier invoices net of credit memos. The document being matched is
    skipped if the caller also listed it, so a re-match (after a receipt or a
    release) never counts the same invoice twice."""
    this_document = request.invoice.document_id
    return _sum_by_line(
        (line.line_no, invoice.billed_quantity(line))
        for invoice in request.prior_invoices
        if invoice.document_id != this_document
        for line in invoice.lines
    )


def _line_facts(request: MatchRequest) -> list[_LineFacts]:
    received = _received_by_line(request)
    accepted = _accepted_by_line(request)
    previous = _previously_invoiced_by_line(request)
    facts = []
    for invoice_line in request.invoice.lines:
        po_line = request.po.line(invoice_line.line_no)
        if po_line is None:
            continue  # reported by check_unknown_lines
        line_no = po_line.line_no
        facts.append(
            _LineFacts(
                invoice_line=invoice_line,
                po_line=po_line,
                received=received.get(line_no, _ZERO),
                accepted=accepted.get(line_no, _ZERO),
                previously_invoiced=previous.get(line_no, _ZERO),
                invoiced=request.invoice.billed_quantity(invoice_line),
            )
        )
    return facts


# --- running the checks ---------------------------------------------------------


def _line_holds(ctx: _Context, facts: _LineFacts, checks: tuple[LineCheck, ...]) -> list[Hold]:
    if checks and facts.invoice_line.quantity <= 0:
        # An invalid line gets the one hold that says so; price and quantity
        # checks on a negative quantity would only add noise.
        return check_positive_quantity(ctx, facts)
    return [hold for check in checks for hold in check(ctx, facts)]


def _sort_key(hold: Hold) -> tuple[int, int, int]:
    """Header holds first, then by line, then by code (vocabulary order)."""
    is_line = 0 if hold.line_no is None else 1
    return (is_line, hold.line_no or 0, _CODE_ORDER[hold.code])


def _release_key(hold: Hold) -> tuple[HoldCode, int | None, Decimal | None, Decimal | None]:
    return (hold.code, hold.line_no, hold.expected, hold.actual)


def _apply_releases(holds: list[Hold], released: list[Hold]) -> list[Hold]:
    """A hold a person released stays released while its inputs (expected and
    actual) are unchanged; different inputs mean a new variance, which needs a
    new decision (Oracle: a manually released hold is not re-applied)."""
    by_key = {_release_key(hold): hold for hold in released}
    result = []
    for hold in holds:
        release = by_key.get(_release_key(hold))
        if release is not None:
            hold = hold.model_copy(
                update={
                    "status": HoldStatus.RELEASED,
                    "released_by": release.released_by,
                    "release_reason": release.release_reason,
                }
            )
        result.append(hold)
    return result


def _line_match(facts: _LineFacts, holds: list[Hold]) -> LineMatch:
    held = any(hold.line_no == facts.line_no and hold.status == HoldStatus.OPEN for hold in holds)
    return LineMatch(
        line_no=facts.line_no,
        match_level=facts.po_line.match_level,
        ordered=facts.po_line.quantity,
        received=facts.received,
        accepted=facts.accepted,
        previously_invoiced=facts.previously_invoiced,
        invoiced=facts.invoiced,
        reference_price=facts.reference_price,
        invoiced_price=facts.invoiced_price,
        price_variance=facts.price_variance,
        decision=MatchDecision.HOLD if held else MatchDecision.APPROVE,
    )


def match_invoice(request: MatchRequest, *, matched_at: datetime | None = None) -> MatchResult:
    """Match one invoice or credit memo and return the verdict with its holds.

    `matched_at` is stamped on the result as given (the activity passes its
    clock); the engine itself never reads a clock."""
    ctx = _Context(request=request, source=tolerance_source(request.tolerances))
    is_credit = request.invoice.kind == InvoiceKind.CREDIT_MEMO
    header_checks = CREDIT_MEMO_HEADER_CHECKS if is_credit else HEADER_CHECKS
    line_checks = CREDIT_MEMO_LINE_CHECKS if is_credit else LINE_CHECKS

    facts = _line_facts(request)
    holds = [hold for check in header_checks for hold in check(ctx)]
    holds += [hold for line in facts for hold in _line_holds(ctx, line, line_checks)]
    holds = _apply_releases(sorted(holds, key=_sort_key), request.released_holds)

    decision = (
        MatchDecision.HOLD if any(h.status == HoldStatus.OPEN for h in holds) else MatchDecision.APPROVE
    )
    return MatchResult(
        invoice_id=request.invoice.document_id,
        po_number=request.po.po_number,
        po_revision=request.po.revision,
        decision=decision,
        holds=holds,
        lines=[_line_match(line, holds) for line in facts],
        tolerance_source=ctx.source,
        matched_at=matched_at,
    )
