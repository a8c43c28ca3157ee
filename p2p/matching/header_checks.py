"""Checks that look at the invoice as a whole, with the vendor-level profile:
currency, vendor and PO reference, PO open, a missing acknowledgment,
duplicates, the header total, amount over PO, freight, tax, unknown lines and
the random audit."""

from __future__ import annotations

from decimal import Decimal

from models.common import format_money
from models.documents import Invoice, InvoiceKind
from models.matching import Hold, HoldCode
from p2p.duplicates import find_suspected_duplicates
from p2p.matching.context import ZERO, MatchContext
from p2p.matching.wording import fmt_unit_amount, limits_text, make_hold
from p2p.tax import ExpectedTax, TaxedLine, expected_tax

# --- header checks --------------------------------------------------------------


def check_currency(ctx: MatchContext) -> list[Hold]:
    invoice, po = ctx.invoice, ctx.request.po
    if invoice.currency == po.currency:
        return []
    return [
        make_hold(
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


def check_vendor(ctx: MatchContext) -> list[Hold]:
    invoice, po = ctx.invoice, ctx.request.po
    if invoice.vendor_id == po.vendor_id:
        return []
    return [
        make_hold(
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


def check_po_reference(ctx: MatchContext) -> list[Hold]:
    """The invoice must name the PO it is matched against. A different PO
    number means the document belongs elsewhere — VENDOR_MISMATCH, like an
    invoice from another vendor (see the module docstring)."""
    invoice, po = ctx.invoice, ctx.request.po
    if invoice.po_number.casefold() == po.po_number.casefold():
        return []
    return [
        make_hold(
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


def check_po_open(ctx: MatchContext) -> list[Hold]:
    if ctx.request.po_open:
        return []
    po_number = ctx.request.po.po_number
    return [
        make_hold(
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


def check_ack_missing(ctx: MatchContext) -> list[Hold]:
    """ACK_MISSING (p2p-semantics: "PO past its ack SLA at invoice time"): the
    vendor was to confirm the PO and had not when the invoice came. It waits
    for the acknowledgment (or goods, or the buyer proceeding without one) and
    clears itself on the re-match then; nobody releases it as a variance."""
    due = ctx.request.ack_overdue_since
    if due is None:
        return []
    po = ctx.request.po
    return [
        make_hold(
            ctx,
            HoldCode.ACK_MISSING,
            tolerance=f"acknowledgment due by {due:%Y-%m-%d %H:%M} UTC ({ctx.request.ack_policy or 'policy'})",
            formula="no acknowledgment, receipt or waiver when the invoice arrived after the due time",
            message=(
                f"{po.vendor_id} has not acknowledged {po.po_number} (due {due:%Y-%m-%d %H:%M} UTC); "
                "the invoice waits for the acknowledgment, or for the buyer to proceed without it"
            ),
        )
    ]


def check_total(ctx: MatchContext) -> list[Hold]:
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
        make_hold(
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


def _documents_to_date(ctx: MatchContext) -> list[Invoice]:
    """Earlier invoices and credit memos plus this one, in the PO currency
    (amounts in another currency cannot be added to the PO's; such a document
    has its own CURRENCY hold). Every earlier document counts, one with this
    document's number too: it was billed (check_duplicate_number holds it)."""
    po_currency = ctx.request.po.currency
    return [doc for doc in [*ctx.request.prior_invoices, ctx.invoice] if doc.currency == po_currency]


def _goods_amount(invoice: Invoice, on_po: set[int]) -> Decimal:
    amounts = (invoice.line_amount(line) for line in invoice.lines if line.line_no in on_po)
    return _signed_amount(invoice, sum(amounts, ZERO))


def check_amount_over_po(ctx: MatchContext) -> list[Hold]:
    """Σ line amounts invoiced to date vs the PO's value (Oracle Max Total
    Amount; "total amount over PO remaining"): cumulative, so a small last
    invoice is held when earlier ones used up the PO."""
    limits, po = ctx.profile.limits("amount_over_po"), ctx.request.po
    if not limits.active or not ctx.same_currency:
        return []
    on_po = {line.line_no for line in po.lines}
    documents = _documents_to_date(ctx)
    billed = sum((_goods_amount(doc, on_po) for doc in documents), ZERO)
    before = billed - _goods_amount(ctx.invoice, on_po)
    expected = po.total
    variance = billed - expected
    if not limits.exceeded_by(variance, expected):
        return []
    money = ctx.currency
    allowed = limits_text(limits, money, sign="+")
    earlier = f" ({format_money(before, money)} before this invoice)" if before != 0 else ""
    return [
        make_hold(
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


def check_freight(ctx: MatchContext) -> list[Hold]:
    """Freight billed to date vs the freight agreed on the PO (0 when the PO
    has none). Checked only on an invoice that bills freight: the hold
    belongs to the document that adds it."""
    limit, po = ctx.profile.freight_over_abs, ctx.request.po
    if limit is None or ctx.invoice.freight == 0 or not ctx.same_currency:
        return []
    billed = sum((_signed_amount(doc, doc.freight) for doc in _documents_to_date(ctx)), ZERO)
    variance = billed - po.freight
    if not variance > limit:
        return []
    money = ctx.currency
    allowed = f"+{fmt_unit_amount(limit, money)}"
    to_date = " to date" if billed != ctx.invoice.freight else ""
    agreed = (
        f"{po.po_number} has no freight agreed"
        if po.freight == 0
        else f"{format_money(po.freight, money)} was agreed on {po.po_number}"
    )
    return [
        make_hold(
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


def check_tax(ctx: MatchContext) -> list[Hold]:
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
    allowed = limits_text(limits, money, sign="+")
    return [
        make_hold(
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


def _expected_tax(ctx: MatchContext) -> ExpectedTax | None:
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
    return expected_tax(
        taxed, invoice.freight, freight_taxable=request.freight_taxable, currency=invoice.currency
    )


def _first_set(*rates: Decimal | None) -> Decimal | None:
    return next((rate for rate in rates if rate is not None), None)


def check_duplicate_number(ctx: MatchContext) -> list[Hold]:
    """An earlier document of the same vendor, kind and invoice number
    (normalised: `Invoice.document_id`) is the same document billed again
    (DUPLICATE; SAP/ERPNext: reference number + vendor)."""
    this = ctx.invoice
    earlier = next((doc for doc in ctx.request.prior_invoices if doc.document_id == this.document_id), None)
    if earlier is None:
        return []
    money = this.currency
    return [
        make_hold(
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


def check_random_audit(ctx: MatchContext) -> list[Hold]:
    """The caller drew this invoice for the audit sample: it waits for a
    reviewer, and no re-match releases it."""
    request = ctx.request
    if not request.audit_selected:
        return []
    hold = make_hold(
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


def check_unknown_lines(ctx: MatchContext) -> list[Hold]:
    """Invoice lines that reference no PO line cannot be matched at all; one
    that references a line the buyer cancelled bills what is no longer
    ordered: PO_NOT_OPEN for that line (Oracle: a cancelled line takes no
    invoice)."""
    po = ctx.request.po
    on_po = {line.line_no for line in po.lines}
    cancelled = set(ctx.request.cancelled_lines)
    known = ", ".join(str(line.line_no) for line in po.lines)
    holds = []
    for line in ctx.invoice.lines:
        if line.line_no in on_po:
            continue
        if line.line_no in cancelled:
            holds.append(_cancelled_line_hold(ctx, line.line_no, line.quantity))
            continue
        holds.append(
            make_hold(
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
        )
    return holds


def _cancelled_line_hold(ctx: MatchContext, line_no: int, quantity: Decimal) -> Hold:
    po_number = ctx.request.po.po_number
    return make_hold(
        ctx,
        HoldCode.PO_NOT_OPEN,
        line_no=line_no,
        actual=quantity,
        tolerance="a cancelled PO line takes no invoice",
        formula="line_no ∉ po.cancelled_lines",
        message=(
            f"Line {line_no} of {po_number} was cancelled by the buyer; "
            "reject the invoice line or ask the supplier for a credit memo"
        ),
    )


def check_suspected_duplicates(ctx: MatchContext) -> list[Hold]:
    """SUSPECTED_DUPLICATE against the vendor's other invoices the caller
    found (p2p/duplicates.py has the rules)."""
    request = ctx.request
    return find_suspected_duplicates(
        request.invoice, request.duplicate_candidates, window_days=request.duplicate_window_days
    )
