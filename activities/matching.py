"""The match engine: one invoice (or credit memo) against its PO, the goods
receipts and the earlier invoices — 2-, 3- and 4-way per PO line.

Pure: no I/O, no clock, no randomness. Everything it needs is in the
`MatchRequest`, so the same request always gives the same `MatchResult` —
which is what lets the workflow re-run it on every relevant event (receipt,
credit memo, PO change) and lets a later tolerance simulation replay old
invoices.

Semantics (DESIGN.md "Matching vocabulary", p2p-semantics.md b.1/b.2/b.5):

* Tolerances: the request carries candidate profiles; each PO line gets the
  most specific one (item > vendor+category > vendor > category > default,
  `activities.tolerances`), the header checks the vendor-level one. Every
  hold names the limit, its value and that profile (name and version).
* All quantity checks are cumulative per PO line, in the PO's unit of measure
  (Oracle "Qty Ord" / "Qty Rec" / "Quality"): `billed_cum` = what earlier
  invoices billed, net of credit memos, plus this invoice.
* A limit of `None` is not checked; `0` means no variance allowed. A variance
  *at* the limit passes, only one *beyond* it holds.
* Where a check has a percentage and an amount (price over/under, amount over
  PO, tax), the variance holds only when it exceeds every limit that is set:
  small-value lines are not held for cents.
* Header money checks:
  - AMOUNT over PO: Σ line amounts invoiced to date (credit memos net, lines
    on the PO only, documents in the PO currency only) vs the PO's line total
    (Oracle Max Total Amount). Freight and tax have their own checks.
  - FREIGHT: freight billed to date vs the PO's agreed `freight` (0 unless
    the PO carries freight), against `freight_over_abs`; only checked on an
    invoice that bills freight.
  - TAX: only when the request carries `tax_rate_pct`: expected tax =
    rate × (Σ line amounts + freight) of this invoice, rounded to the
    currency's minor unit (freight is in the base: it is part of the taxable
    amount under EU VAT); over-billing beyond the limits holds. Without a
    rate, tax is not checked — the engine has no tax engine to ask.
  - TOTAL_MISMATCH: header total vs lines + freight + tax beyond the small
    difference (SAP BD).
* Line figures that do not hold together: a non-positive quantity, or a
  stated line `amount` that differs from quantity × unit price rounded to
  the currency's minor unit by more than the small difference, is an AMOUNT
  hold on the line (SAP "item amount" block).
* Unit of measure: an invoice line in a different unit than its PO line
  (e.g. BOX against EA) is an UNKNOWN_LINE hold. Its quantity and price
  cannot be compared with the PO line, so — as for a line that is not on the
  PO — the line as billed matches no PO line, and the remedy is the same:
  the supplier restates it. The quantity and price checks are skipped for
  that line (they would only report the unit difference as false variances).
  AMOUNT stays reserved for figures that contradict themselves.
* An invoice that references another PO number is a VENDOR_MISMATCH hold:
  like an invoice from another vendor, the document does not belong to this
  PO and the remedy is to correct the reference or reject it. PO_NOT_OPEN
  would wrongly suggest reopening this PO.
* MANUAL holds (placed by a person, `request.manual_holds`) are carried into
  every result and RANDOM_AUDIT holds (`request.audit_selected`, drawn by the
  caller) are raised on every match; a re-match never releases them, only a
  person can (SAP: stochastic blocks are released manually). Unlike SAP, the
  audit hold is raised even when other holds exist: otherwise it would
  appear and vanish as those holds come and go.
* A hold a person released is not re-applied while its inputs (expected and
  actual) are unchanged (Oracle Payables).

Each check is one small function returning the holds it finds. To add a check,
write the function and list it in HEADER_CHECKS / LINE_CHECKS (or the credit
memo variants); ordering and release handling are applied afterwards.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal

from activities.duplicates import find_suspected_duplicates
from activities.tolerances import resolve_profile
from p2p.tax import ExpectedTax, TaxedLine, expected_tax
from p2p.tolerance import Limits, percent_of
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
# Matching levels whose lines must be covered by a goods receipt.
_RECEIPT_LEVELS = frozenset({MatchLevel.THREE_WAY, MatchLevel.FOUR_WAY})
# Stable order of codes within one line: the vocabulary's declaration order.
_CODE_ORDER = {code: index for index, code in enumerate(HoldCode)}


# --- context ------------------------------------------------------------------


@dataclass(frozen=True)
class _Context:
    """What every check may look at: the request and the profile in force —
    the vendor-level one for header checks, the line's own for line checks."""

    request: MatchRequest
    profile: ToleranceProfile

    @property
    def source(self) -> str:
        return tolerance_source(self.profile)

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
class _LineFacts:
    """One invoice line next to its PO line, with the cumulative quantities."""

    invoice_line: InvoiceLine
    po_line: PurchaseOrderLine
    received: Decimal  # Σ quantity_received over all receipts for the line (gross: what arrived)
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


def _limits_text(limits: Limits, currency: str, *, sign: str, unit: str = "") -> str:
    """`+2% or +0.50/unit, holds beyond any limit`: the money limits that are
    set, as a person reads them, with the operator where two are set."""
    texts = [f"{sign}{_fmt_number(limits.pct)}%"] if limits.pct is not None else []
    if limits.amount is not None:
        texts.append(f"{sign}{_fmt_unit_amount(limits.amount, currency)}{unit}")
    return limits.describe(texts)


def _qty_limits_text(limits: Limits, uom: str, *, sign: str = "+") -> str:
    """`+2% or +5 EA, holds beyond any limit`: quantity limits as read."""
    texts = [f"{sign}{_fmt_number(limits.pct)}%"] if limits.pct is not None else []
    if limits.amount is not None:
        texts.append(f"{sign}{_fmt_qty(limits.amount, uom)}")
    return limits.describe(texts)


def tolerance_source(profile: ToleranceProfile) -> str:
    """Where a limit came from, as shown on holds: `default v1`."""
    return profile.source


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
    related_document_id: str | None = None,
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
        related_document_id=related_document_id,
    )


def _level_text(facts: _LineFacts) -> str:
    """` · 3-way match (item MRO-GLOVE-NITRILE-L)` when validate/enrich
    recorded where the line's level came from (the quantity checks depend on
    it), else nothing: a PO given whole, as to `poflow match`, says no more."""
    source = facts.po_line.match_level_source
    return f" · {facts.po_line.level.value} match ({source})" if source else ""


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


def check_po_reference(ctx: _Context) -> list[Hold]:
    """The invoice must name the PO it is matched against. A different PO
    number means the document belongs elsewhere — VENDOR_MISMATCH, like an
    invoice from another vendor (see the module docstring)."""
    invoice, po = ctx.invoice, ctx.request.po
    if invoice.po_number.casefold() == po.po_number.casefold():
        return []
    return [
        _hold(
            ctx,
            HoldCode.VENDOR_MISMATCH,
            tolerance="invoice must reference the PO it is matched against",
            formula="invoice.po_number = po.po_number",
            message=(
                f"Invoice references {invoice.po_number} but is matched against {po.po_number}; "
                "check the invoice's PO reference or reject it"
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


def _signed_amount(invoice: Invoice, amount: Decimal) -> Decimal:
    """A credit memo reduces what was billed, whichever sign the supplier
    wrote its figures with (as `Invoice.billed_quantity`)."""
    return -abs(amount) if invoice.kind == InvoiceKind.CREDIT_MEMO else amount


def _documents_to_date(ctx: _Context) -> list[Invoice]:
    """Earlier invoices and credit memos plus this one, in the PO currency
    (amounts in another currency cannot be added to the PO's; such a document
    has its own CURRENCY hold). Every earlier document counts, one with this
    document's number too: it was billed (check_duplicate_number holds it)."""
    po_currency = ctx.request.po.currency
    return [doc for doc in [*ctx.request.prior_invoices, ctx.invoice] if doc.currency == po_currency]


def _goods_amount(invoice: Invoice, on_po: set[int]) -> Decimal:
    amounts = (invoice.line_amount(line) for line in invoice.lines if line.line_no in on_po)
    return _signed_amount(invoice, sum(amounts, _ZERO))


def check_amount_over_po(ctx: _Context) -> list[Hold]:
    """Σ line amounts invoiced to date vs the PO's value (Oracle Max Total
    Amount; "total amount over PO remaining"): cumulative, so a small last
    invoice is held when earlier ones used up the PO."""
    limits, po = ctx.profile.limits("amount_over_po"), ctx.request.po
    if not limits.active or not ctx.same_currency:
        return []
    on_po = {line.line_no for line in po.lines}
    documents = _documents_to_date(ctx)
    billed = sum((_goods_amount(doc, on_po) for doc in documents), _ZERO)
    before = billed - _goods_amount(ctx.invoice, on_po)
    expected = po.total
    variance = billed - expected
    if not limits.exceeded_by(variance, expected):
        return []
    money = ctx.currency
    allowed = _limits_text(limits, money, sign="+")
    earlier = f" ({format_money(before, money)} before this invoice)" if before != 0 else ""
    return [
        _hold(
            ctx,
            HoldCode.AMOUNT,
            expected=expected,
            actual=billed,
            variance=variance,
            tolerance=f"amount over PO {allowed}",
            formula="Σ invoiced line amounts to date − PO total",
            message=(
                f"Invoiced {format_money(billed, money)} to date{earlier} exceeds {po.po_number}'s total "
                f"{format_money(expected, money)} by {format_money(variance, money)} (tolerance {allowed})"
            ),
        )
    ]


def check_freight(ctx: _Context) -> list[Hold]:
    """Freight billed to date vs the freight agreed on the PO (0 when the PO
    has none). Checked only on an invoice that bills freight: the hold
    belongs to the document that adds it."""
    limit, po = ctx.profile.freight_over_abs, ctx.request.po
    if limit is None or ctx.invoice.freight == 0 or not ctx.same_currency:
        return []
    billed = sum((_signed_amount(doc, doc.freight) for doc in _documents_to_date(ctx)), _ZERO)
    variance = billed - po.freight
    if not variance > limit:
        return []
    money = ctx.currency
    allowed = f"+{_fmt_unit_amount(limit, money)}"
    to_date = " to date" if billed != ctx.invoice.freight else ""
    agreed = (
        f"{po.po_number} has no freight agreed"
        if po.freight == 0
        else f"{format_money(po.freight, money)} was agreed on {po.po_number}"
    )
    return [
        _hold(
            ctx,
            HoldCode.FREIGHT,
            expected=po.freight,
            actual=billed,
            variance=variance,
            tolerance=f"freight over expected {allowed}",
            formula="Σ freight billed to date − PO freight",
            message=(
                f"Freight {format_money(billed, money)} billed{to_date} but {agreed} "
                f"(variance {format_money(variance, money)}, tolerance {allowed})"
            ),
        )
    ]


def check_tax(ctx: _Context) -> list[Hold]:
    """Billed tax vs the expected tax of this invoice (p2p.tax: each line at
    its PO line's rate, freight where the policy taxes it); over-billing
    beyond the limits holds (Oracle Tax Difference). A line without a rate,
    or a line not on the PO (UNKNOWN_LINE says so), leaves the tax unjudged:
    the engine does not guess."""
    invoice = ctx.invoice
    expected = _expected_tax(ctx)
    if expected is None:
        return []
    limits = ctx.profile.limits("tax_over")
    variance = invoice.tax - expected.amount
    if not limits.exceeded_by(variance, expected.amount):
        return []
    money = invoice.currency
    allowed = _limits_text(limits, money, sign="+")
    return [
        _hold(
            ctx,
            HoldCode.TAX,
            expected=expected.amount,
            actual=invoice.tax,
            variance=variance,
            tolerance=f"tax over expected {allowed}",
            formula="tax − round(Σ line amount × line rate + taxable freight × lines' rate)",
            message=(
                f"Tax {format_money(invoice.tax, money)} is {format_money(variance, money)} more than the "
                f"expected {format_money(expected.amount, money)} ({expected.explanation}) (tolerance {allowed})"
            ),
        )
    ]


def _expected_tax(ctx: _Context) -> ExpectedTax | None:
    request, invoice = ctx.request, ctx.invoice
    po_lines = {line.line_no: line for line in request.po.lines}
    if any(line.line_no not in po_lines for line in invoice.lines):
        return None
    taxed = [
        TaxedLine(
            amount=invoice.line_amount(line),
            rate_pct=_first_set(po_lines[line.line_no].tax_rate_pct, request.tax_rate_pct),
        )
        for line in invoice.lines
    ]
    return expected_tax(taxed, invoice.freight, freight_taxable=request.freight_taxable, currency=invoice.currency)


def _first_set(*rates: Decimal | None) -> Decimal | None:
    return next((rate for rate in rates if rate is not None), None)


def check_duplicate_number(ctx: _Context) -> list[Hold]:
    """An earlier document of the same vendor, kind and invoice number
    (normalised: `Invoice.document_id`) is the same document billed again
    (DUPLICATE; SAP/ERPNext: reference number + vendor)."""
    this = ctx.invoice
    earlier = next((doc for doc in ctx.request.prior_invoices if doc.document_id == this.document_id), None)
    if earlier is None:
        return []
    money = this.currency
    return [
        _hold(
            ctx,
            HoldCode.DUPLICATE,
            expected=None,
            actual=this.total,
            tolerance="one document per vendor, kind and invoice number",
            formula="document_id ∉ prior documents",
            message=(
                f"{this.kind.value.replace('_', ' ').capitalize()} {this.invoice_number} "
                f"({format_money(this.total, money)}) was already billed as {earlier.invoice_number} "
                f"({format_money(earlier.total, earlier.currency)}); reject this copy"
            ),
            related_document_id=earlier.document_id,
        )
    ]


def check_random_audit(ctx: _Context) -> list[Hold]:
    """The caller drew this invoice for the audit sample: it waits for a
    reviewer, and no re-match releases it."""
    request = ctx.request
    if not request.audit_selected:
        return []
    hold = _hold(
        ctx,
        HoldCode.RANDOM_AUDIT,
        tolerance=request.audit_basis or "random audit sample",
        formula="audit_selected",
        message=(
            "Invoice drawn for the random audit sample; an AP reviewer checks it against its "
            "documents and releases it"
        ),
    )
    if request.audit_source is not None:
        hold = hold.model_copy(update={"source": request.audit_source})
    return [hold]


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


def check_uom(ctx: _Context, facts: _LineFacts) -> list[Hold]:
    """An invoice line in another unit than its PO line (BOX vs EA) cannot
    be compared with it: UNKNOWN_LINE (see the module docstring). A line
    without a unit is taken to be in the PO's unit; case does not matter."""
    billed_uom = facts.invoice_line.uom
    if billed_uom is None or billed_uom.casefold() == facts.uom.casefold():
        return []
    return [
        _hold(
            ctx,
            HoldCode.UNKNOWN_LINE,
            line_no=facts.line_no,
            actual=facts.invoice_line.quantity,
            tolerance=f"invoice unit must be the PO line's unit ({facts.uom})",
            formula="invoice_line.uom = po_line.uom",
            message=(
                f"Line {facts.line_no}: billed in {billed_uom} but the PO line is in {facts.uom}; quantity "
                f"and price cannot be compared, ask the supplier to restate the line in {facts.uom}"
            ),
        )
    ]


def check_line_amount(ctx: _Context, facts: _LineFacts) -> list[Hold]:
    """A stated line amount must be quantity × unit price rounded to the
    currency's minor unit, within the small difference."""
    line, currency = facts.invoice_line, ctx.invoice.currency
    limit = ctx.profile.total_small_difference_abs
    if line.amount is None or limit is None:
        return []
    expected = round_money(line.quantity * line.unit_price, currency)
    difference = line.amount - expected
    if abs(difference) <= limit:
        return []
    return [
        _hold(
            ctx,
            HoldCode.AMOUNT,
            line_no=facts.line_no,
            expected=expected,
            actual=line.amount,
            variance=difference,
            tolerance=f"line amount small difference ±{format_money(limit, currency)}",
            formula="amount − round(quantity × unit_price, minor unit)",
            message=(
                f"Line {facts.line_no}: amount {format_money(line.amount, currency)} is not "
                f"{_fmt_qty(line.quantity, facts.uom)} × {_fmt_price(line.unit_price, currency)} = "
                f"{format_money(expected, currency)} (difference {format_money(difference, currency)}, "
                f"tolerance ±{format_money(limit, currency)}); ask the supplier for a corrected invoice"
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
    """Per unit against the agreed price (Oracle Price, SAP PP), by the
    profile's operator (p2p.tolerance)."""
    limits = ctx.profile.limits("price_over")
    if not limits.exceeded_by(facts.price_variance, facts.reference_price):
        return []
    allowed = _limits_text(limits, ctx.currency, sign="+", unit="/unit")
    return [
        _price_hold(
            ctx,
            facts,
            direction="above",
            limit_text=f"tolerance {allowed}",
            tolerance=f"price over {allowed}",
        )
    ]


def _price_under(ctx: _Context, facts: _LineFacts) -> list[Hold]:
    """A price below the agreed one is usually welcome (limits None); a set
    lower limit catches suspicious drops such as a wrong item or unit."""
    limits = ctx.profile.limits("price_under")
    if not limits.exceeded_by(-facts.price_variance, facts.reference_price):
        return []
    allowed = _limits_text(limits, ctx.currency, sign="-", unit="/unit")
    return [
        _price_hold(
            ctx,
            facts,
            direction="below",
            limit_text=f"lower limit {allowed}",
            tolerance=f"price under {allowed}",
        )
    ]


def _price_hold(ctx: _Context, facts: _LineFacts, *, direction: str, limit_text: str, tolerance: str) -> Hold:
    currency = ctx.currency
    pct = percent_of(abs(facts.price_variance), facts.reference_price)
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
            f"the agreed {_fmt_price(facts.reference_price, currency)} ({limit_text})"
        ),
    )


def check_qty_ordered(ctx: _Context, facts: _LineFacts) -> list[Hold]:
    """Cumulative billed vs ordered, at every match level (Oracle Qty Ord /
    Max Qty Ord)."""
    limits = ctx.profile.limits("qty_over_ordered")
    ordered = facts.po_line.quantity
    if not limits.exceeded_by(facts.billed_cum - ordered, ordered):
        return []
    allowed = _qty_limits_text(limits, facts.uom)
    within = _qty_limits_text(limits, facts.uom, sign="")
    return [
        _hold(
            ctx,
            HoldCode.QTY_ORDERED,
            line_no=facts.line_no,
            expected=ordered,
            actual=facts.billed_cum,
            variance=facts.billed_cum - ordered,
            tolerance=f"qty over ordered {allowed}{_level_text(facts)}",
            formula="billed_cum − ordered",
            message=(
                f"Line {facts.line_no}: {_billed_text(facts)} but only {_fmt_qty(ordered, facts.uom)} "
                f"ordered (tolerance {within})"
            ),
        )
    ]


def check_receipt(ctx: _Context, facts: _LineFacts) -> list[Hold]:
    """3-/4-way lines must be received before they are paid. Nothing received
    at all is its own hold (SAP DW): it clears itself when the receipt comes,
    and says what is missing rather than quoting a quantity variance.
    "Received" is `_LineFacts.received_for_match`: on a 3-way line net of
    what was rejected at the dock."""
    if facts.po_line.level not in _RECEIPT_LEVELS:
        return []
    if facts.received_for_match == 0:
        return [_no_receipt_hold(ctx, facts)]
    return _qty_received(ctx, facts)


def _no_receipt_hold(ctx: _Context, facts: _LineFacts) -> Hold:
    return _hold(
        ctx,
        HoldCode.NO_RECEIPT,
        line_no=facts.line_no,
        expected=facts.received_for_match,
        actual=facts.billed_cum,
        variance=facts.billed_cum - facts.received_for_match,
        tolerance=(f"goods receipt required ({facts.po_line.level.value} match)"
                   + (f" · {facts.po_line.match_level_source}" if facts.po_line.match_level_source else "")),
        formula="received_cum = 0",
        message=(
            f"Line {facts.line_no}: {_billed_text(facts)} but nothing has been received yet"
            f"{_rejected_text(facts)}; waiting for the goods receipt"
        ),
    )


def _rejected_text(facts: _LineFacts) -> str:
    """` (10 EA rejected at the dock)` where rejections reduced what counts."""
    rejected = facts.received - facts.received_for_match
    return f" ({_fmt_qty(rejected, facts.uom)} rejected at the dock)" if rejected else ""


def _qty_received(ctx: _Context, facts: _LineFacts) -> list[Hold]:
    """Cumulative billed vs received (Oracle Qty Rec / Max Qty Rec, SAP DQ)."""
    limits = ctx.profile.limits("qty_over_received")
    received = facts.received_for_match
    if not limits.exceeded_by(facts.billed_cum - received, received):
        return []
    allowed = _qty_limits_text(limits, facts.uom)
    within = _qty_limits_text(limits, facts.uom, sign="")
    return [
        _hold(
            ctx,
            HoldCode.QTY_RECEIVED,
            line_no=facts.line_no,
            expected=received,
            actual=facts.billed_cum,
            variance=facts.billed_cum - received,
            tolerance=f"qty over received {allowed}{_level_text(facts)}",
            formula="billed_cum − received_cum (net of rejections)",
            message=(
                f"Line {facts.line_no}: {_billed_text(facts)} but only "
                f"{_fmt_qty(received, facts.uom)} received{_rejected_text(facts)} (tolerance {within})"
            ),
        )
    ]


def check_inspection(ctx: _Context, facts: _LineFacts) -> list[Hold]:
    """4-way lines: billed vs accepted after inspection (Oracle Quality hold).
    Skipped when nothing was received: NO_RECEIPT already says what is
    missing, and nothing can have been inspected."""
    limits = ctx.profile.limits("qty_over_accepted")
    if facts.po_line.level != MatchLevel.FOUR_WAY or facts.received == 0:
        return []
    if not limits.exceeded_by(facts.billed_cum - facts.accepted, facts.accepted):
        return []
    allowed = _qty_limits_text(limits, facts.uom)
    within = _qty_limits_text(limits, facts.uom, sign="")
    rejected = facts.received - facts.accepted
    return [
        _hold(
            ctx,
            HoldCode.INSPECTION,
            line_no=facts.line_no,
            expected=facts.accepted,
            actual=facts.billed_cum,
            variance=facts.billed_cum - facts.accepted,
            tolerance=f"qty over accepted {allowed}{_level_text(facts)}",
            formula="billed_cum − accepted_cum",
            message=(
                f"Line {facts.line_no}: {_billed_text(facts)} but only {_fmt_qty(facts.accepted, facts.uom)} "
                f"accepted after inspection ({_fmt_qty(rejected, facts.uom)} rejected) "
                f"(tolerance {within})"
            ),
        )
    ]


def check_unknown_lines(ctx: _Context) -> list[Hold]:
    """Invoice lines that reference no PO line cannot be matched at all."""
    po = ctx.request.po
    on_po = {line.line_no for line in po.lines}
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
        if line.line_no not in on_po
    ]


# Which checks run for which document. Header checks run once per document
# with the vendor-level profile (unknown lines are found there: they have no
# PO line to build facts from). Per invoice line that is on the PO, the gates
# run first — a line whose figures cannot be compared at all gets the one hold
# that says so, not a cascade of false variances — then the line checks, with
# the line's own profile. Credit memos get the structural checks only: they
# reduce what was billed, so price/quantity/amount limits do not apply, a
# credit on a closed PO is still welcome, and they are not audited.
def check_suspected_duplicates(ctx: _Context) -> list[Hold]:
    """SUSPECTED_DUPLICATE against the vendor's other invoices the caller
    found (activities/duplicates.py has the rules)."""
    request = ctx.request
    return find_suspected_duplicates(request.invoice, request.duplicate_candidates,
                                     window_days=request.duplicate_window_days)


HEADER_CHECKS: tuple[HeaderCheck, ...] = (
    check_currency,
    check_vendor,
    check_po_reference,
    check_po_open,
    check_duplicate_number,
    check_total,
    check_amount_over_po,
    check_freight,
    check_tax,
    check_unknown_lines,
    check_suspected_duplicates,
    check_random_audit,
)
CREDIT_MEMO_HEADER_CHECKS: tuple[HeaderCheck, ...] = (
    check_currency,
    check_vendor,
    check_po_reference,
    check_duplicate_number,
    check_total,
    check_unknown_lines,
)
LINE_GATES: tuple[LineCheck, ...] = (check_positive_quantity, check_uom)
# A credit memo's quantity may be written negative (some feeds do), so only
# the unit is a gate for it: a credit in BOX must not net against EA.
CREDIT_MEMO_LINE_GATES: tuple[LineCheck, ...] = (check_uom,)
LINE_CHECKS: tuple[LineCheck, ...] = (
    check_line_amount,
    check_price,
    check_qty_ordered,
    check_receipt,
    check_inspection,
)
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
    """Earlier invoices net of credit memos — every one the caller lists
    (the workflow never lists the invoice being matched; an earlier document
    with the same number was billed, and check_duplicate_number holds it)."""
    return _sum_by_line(
        (line.line_no, invoice.billed_quantity(line))
        for invoice in request.prior_invoices
        for line in invoice.lines
    )


def _line_facts(request: MatchRequest) -> list[_LineFacts]:
    received = _received_by_line(request)
    accepted = _accepted_by_line(request)
    previous = _previously_invoiced_by_line(request)
    po_lines = {line.line_no: line for line in request.po.lines}  # one lookup per line, not a scan
    facts = []
    for invoice_line in request.invoice.lines:
        po_line = po_lines.get(invoice_line.line_no)
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


# --- profiles -------------------------------------------------------------------


class _Profiles:
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


# --- running the checks ---------------------------------------------------------


def _line_holds(
    ctx: _Context, facts: _LineFacts, gates: tuple[LineCheck, ...], checks: tuple[LineCheck, ...]
) -> list[Hold]:
    for gate in gates:
        if found := gate(ctx, facts):
            # The line's figures cannot be compared with the PO line: price and
            # quantity checks on them would only add noise.
            return found
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


def _line_match(facts: _LineFacts, profile: ToleranceProfile, held: bool) -> LineMatch:
    return LineMatch(
        line_no=facts.line_no,
        match_level=facts.po_line.level,
        ordered=facts.po_line.quantity,
        received=facts.received,
        accepted=facts.accepted,
        previously_invoiced=facts.previously_invoiced,
        invoiced=facts.invoiced,
        reference_price=facts.reference_price,
        invoiced_price=facts.invoiced_price,
        price_variance=facts.price_variance,
        tolerance_source=tolerance_source(profile),
        decision=MatchDecision.HOLD if held else MatchDecision.APPROVE,
    )


def match_invoice(request: MatchRequest, *, matched_at: datetime | None = None) -> MatchResult:
    """Match one invoice or credit memo and return the verdict with its holds.

    `matched_at` is stamped on the result as given (the activity passes its
    clock); the engine itself never reads a clock."""
    profiles = _Profiles(request)
    header = _Context(request=request, profile=profiles.header)
    is_credit = request.invoice.kind == InvoiceKind.CREDIT_MEMO
    header_checks = CREDIT_MEMO_HEADER_CHECKS if is_credit else HEADER_CHECKS
    gates = CREDIT_MEMO_LINE_GATES if is_credit else LINE_GATES
    line_checks = CREDIT_MEMO_LINE_CHECKS if is_credit else LINE_CHECKS

    lines = [(facts, profiles.for_line(facts.po_line)) for facts in _line_facts(request)]
    holds = [hold for check in header_checks for hold in check(header)]
    for facts, profile in lines:
        holds += _line_holds(replace(header, profile=profile), facts, gates, line_checks)
    # A person's holds are carried as placed: no check produces or clears them.
    holds += request.manual_holds
    holds = _apply_releases(sorted(holds, key=_sort_key), request.released_holds)

    held_lines = {h.line_no for h in holds if h.status == HoldStatus.OPEN}  # one pass, not lines × holds
    decision = MatchDecision.HOLD if any(h.status == HoldStatus.OPEN for h in holds) else MatchDecision.APPROVE
    return MatchResult(
        invoice_id=request.invoice.document_id,
        po_number=request.po.po_number,
        po_revision=request.po.revision,
        decision=decision,
        holds=holds,
        lines=[_line_match(facts, profile, facts.line_no in held_lines) for facts, profile in lines],
        tolerance_source=header.source,
        matched_at=matched_at,
    )
