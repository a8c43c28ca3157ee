"""Checks of one invoice line against its PO line, with the line's own
profile: the gates (quantity sign, unit of measure) and the line checks
(stated amount, price, quantity over ordered, receipt, inspection)."""

from __future__ import annotations

from decimal import Decimal

from models.common import format_money, round_money
from models.matching import Hold, HoldCode
from models.purchase_order import MatchLevel
from p2p.acknowledgment import confirmed_price
from p2p.matching.context import RECEIPT_LEVELS, LineFacts, MatchContext
from p2p.matching.wording import (
    billed_text,
    fmt_pct,
    fmt_price,
    fmt_qty,
    level_text,
    limits_text,
    make_hold,
    qty_limits_text,
    rejected_text,
)
from p2p.tolerance import percent_of

# --- line checks ----------------------------------------------------------------


def check_positive_quantity(ctx: MatchContext, facts: LineFacts) -> list[Hold]:
    """An invoice line bills a positive quantity; credit is a credit memo."""
    quantity = facts.invoice_line.quantity
    if quantity > 0:
        return []
    return [
        make_hold(
            ctx,
            HoldCode.AMOUNT,
            line_no=facts.line_no,
            expected=None,
            actual=quantity,
            tolerance="invoice line quantity must be > 0",
            formula="quantity > 0",
            message=(
                f"Line {facts.line_no}: quantity {fmt_qty(quantity, facts.uom)} is not positive; "
                "a credit belongs on a credit memo, ask the supplier for one"
            ),
        )
    ]


def check_uom(ctx: MatchContext, facts: LineFacts) -> list[Hold]:
    """An invoice line in another unit than its PO line (BOX vs EA) cannot
    be compared with it: UNKNOWN_LINE (see the module docstring). A line
    without a unit is taken to be in the PO's unit; case does not matter."""
    billed_uom = facts.invoice_line.uom
    if billed_uom is None or billed_uom.casefold() == facts.uom.casefold():
        return []
    return [
        make_hold(
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


def check_line_amount(ctx: MatchContext, facts: LineFacts) -> list[Hold]:
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
        make_hold(
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
                f"{fmt_qty(line.quantity, facts.uom)} × {fmt_price(line.unit_price, currency)} = "
                f"{format_money(expected, currency)} (difference {format_money(difference, currency)}, "
                f"tolerance ±{format_money(limit, currency)}); ask the supplier for a corrected invoice"
            ),
        )
    ]


def check_price(ctx: MatchContext, facts: LineFacts) -> list[Hold]:
    variance = facts.price_variance
    if variance > 0:
        return _price_over(ctx, facts)
    if variance < 0:
        return _price_under(ctx, facts)
    return []


def _price_over(ctx: MatchContext, facts: LineFacts) -> list[Hold]:
    """Per unit against the agreed price (Oracle Price, SAP PP), by the
    profile's operator (p2p.tolerance)."""
    limits = ctx.profile.limits("price_over")
    if not limits.exceeded_by(facts.price_variance, facts.reference_price):
        return []
    allowed = limits_text(limits, ctx.currency, sign="+", unit="/unit")
    return [
        _price_hold(
            ctx,
            facts,
            direction="above",
            limit_text=f"tolerance {allowed}",
            tolerance=f"price over {allowed}",
        )
    ]


def _price_under(ctx: MatchContext, facts: LineFacts) -> list[Hold]:
    """A price below the agreed one is usually welcome (limits None); a set
    lower limit catches suspicious drops such as a wrong item or unit."""
    limits = ctx.profile.limits("price_under")
    if not limits.exceeded_by(-facts.price_variance, facts.reference_price):
        return []
    allowed = limits_text(limits, ctx.currency, sign="-", unit="/unit")
    return [
        _price_hold(
            ctx,
            facts,
            direction="below",
            limit_text=f"lower limit {allowed}",
            tolerance=f"price under {allowed}",
        )
    ]


def _price_hold(
    ctx: MatchContext, facts: LineFacts, *, direction: str, limit_text: str, tolerance: str
) -> Hold:
    currency = ctx.currency
    pct = percent_of(abs(facts.price_variance), facts.reference_price)
    how_far = f"{fmt_pct(pct)}% {direction}" if pct is not None else direction
    return make_hold(
        ctx,
        HoldCode.PRICE,
        line_no=facts.line_no,
        expected=facts.reference_price,
        actual=facts.invoiced_price,
        variance=facts.price_variance,
        tolerance=tolerance,
        formula="invoiced unit price − agreed unit price",
        message=(
            f"Line {facts.line_no}: price {fmt_price(facts.invoiced_price, currency)} is {how_far} "
            f"the agreed {fmt_price(facts.reference_price, currency)} ({limit_text})"
        ),
    )


def check_ack_price(ctx: MatchContext, facts: LineFacts) -> list[Hold]:
    """ACK_MISMATCH (p2p-semantics: "invoice vs accepted 855 terms"): the
    supplier stated this line's price in an acknowledgment the buyer accepted,
    and bills more. A price a supplier confirmed is held to exactly; the price
    tolerance is for prices nobody confirmed. Only what PRICE does not already
    report: a bill beyond the price tolerance is a PRICE hold, and a confirmed
    price that is no longer the agreed one (the buyer amended it since) is no
    longer the supplier's word on this revision. Price only: quantities and
    dates the supplier changes become the revision, which the quantity checks
    and the receipt already hold the invoice to."""
    confirmed = confirmed_price(ctx.request.acknowledged_lines, facts.line_no)
    if confirmed is None or confirmed.unit_price != facts.reference_price or facts.price_variance <= 0:
        return []
    if ctx.profile.limits("price_over").exceeded_by(facts.price_variance, facts.reference_price):
        return []  # the PRICE hold says it
    assert confirmed.unit_price is not None  # confirmed_price returns stated prices only
    currency = ctx.currency
    return [
        make_hold(
            ctx,
            HoldCode.ACK_MISMATCH,
            line_no=facts.line_no,
            expected=confirmed.unit_price,
            actual=facts.invoiced_price,
            variance=facts.price_variance,
            tolerance=f"the price acknowledged in {confirmed.ack_id}, exactly",
            formula="invoiced unit price − acknowledged unit price",
            message=(
                f"Line {facts.line_no}: billed at {fmt_price(facts.invoiced_price, currency)}, but the supplier "
                f"confirmed {fmt_price(confirmed.unit_price, currency)} in acknowledgment {confirmed.ack_id}"
            ),
        )
    ]


def check_qty_ordered(ctx: MatchContext, facts: LineFacts) -> list[Hold]:
    """Cumulative billed vs ordered, at every match level (Oracle Qty Ord /
    Max Qty Ord)."""
    return _billed_beyond(
        ctx,
        facts,
        HoldCode.QTY_ORDERED,
        "ordered",
        facts.po_line.quantity,
        formula="billed_cum − ordered",
        what="ordered",
    )


def check_receipt(ctx: MatchContext, facts: LineFacts) -> list[Hold]:
    """3-/4-way lines must be received before they are paid. Nothing received
    at all is its own hold (SAP DW): it clears itself when the receipt comes,
    and says what is missing rather than quoting a quantity variance.
    "Received" is `LineFacts.received_for_match`: on a 3-way line net of
    what was rejected at the dock."""
    if facts.po_line.level not in RECEIPT_LEVELS:
        return []
    if facts.received_for_match == 0:
        return [_no_receipt_hold(ctx, facts)]
    return _qty_received(ctx, facts)


def check_shipped(ctx: MatchContext, facts: LineFacts) -> list[Hold]:
    """ASN_MISMATCH (p2p-semantics: "GR or invoice vs 856") on a line that
    needs no receipt (2-way) and has ship notices: they are the only word on
    what left the supplier's dock, so billing beyond them waits for a notice
    of the rest. Lines with a receipt leg are judged by the receipt."""
    shipped = ctx.request.shipped_by_line.get(facts.line_no)
    if shipped is None or facts.po_line.level in RECEIPT_LEVELS or facts.billed_cum <= shipped:
        return []
    return [
        make_hold(
            ctx,
            HoldCode.ASN_MISMATCH,
            line_no=facts.line_no,
            expected=shipped,
            actual=facts.billed_cum,
            variance=facts.billed_cum - shipped,
            tolerance="billed to date ≤ shipped on the ship notices (2-way line)",
            formula="billed_cum − shipped",
            message=(
                f"Line {facts.line_no}: {billed_text(facts)} but the supplier's ship notices say "
                f"{fmt_qty(shipped, facts.uom)} shipped; it waits for a notice of the rest"
            ),
        )
    ]


def _no_receipt_hold(ctx: MatchContext, facts: LineFacts) -> Hold:
    return make_hold(
        ctx,
        HoldCode.NO_RECEIPT,
        line_no=facts.line_no,
        expected=facts.received_for_match,
        actual=facts.billed_cum,
        variance=facts.billed_cum - facts.received_for_match,
        tolerance=(
            f"goods receipt required ({facts.po_line.level.value} match)"
            + (f" · {facts.po_line.match_level_source}" if facts.po_line.match_level_source else "")
        ),
        formula="received_cum = 0",
        message=(
            f"Line {facts.line_no}: {billed_text(facts)} but nothing has been received yet"
            f"{rejected_text(facts)}; waiting for the goods receipt"
        ),
    )


def _qty_received(ctx: MatchContext, facts: LineFacts) -> list[Hold]:
    """Cumulative billed vs received (Oracle Qty Rec / Max Qty Rec, SAP DQ)."""
    return _billed_beyond(
        ctx,
        facts,
        HoldCode.QTY_RECEIVED,
        "received",
        facts.received_for_match,
        formula="billed_cum − received_cum (net of rejections)",
        what=f"received{rejected_text(facts)}",
    )


def check_inspection(ctx: MatchContext, facts: LineFacts) -> list[Hold]:
    """4-way lines: billed vs accepted after inspection (Oracle Quality hold).
    Skipped when nothing was received: NO_RECEIPT already says what is
    missing, and nothing can have been inspected."""
    if facts.po_line.level != MatchLevel.FOUR_WAY or facts.received == 0:
        return []
    rejected = fmt_qty(facts.received - facts.accepted - facts.pending_inspection, facts.uom)
    pending = (
        f", {fmt_qty(facts.pending_inspection, facts.uom)} pending inspection"
        if facts.pending_inspection
        else ""
    )
    return _billed_beyond(
        ctx,
        facts,
        HoldCode.INSPECTION,
        "accepted",
        facts.accepted,
        formula="billed_cum − accepted_cum",
        what=f"accepted after inspection ({rejected} rejected{pending})",
    )


def _billed_beyond(
    ctx: MatchContext, facts: LineFacts, code: HoldCode, leg: str, base: Decimal, *, formula: str, what: str
) -> list[Hold]:
    """The quantity legs: billed to date beyond `base` (ordered, received or
    accepted) by more than the profile's `qty_over_{leg}` limits allow."""
    limits = ctx.profile.limits(f"qty_over_{leg}")
    variance = facts.billed_cum - base
    if not limits.exceeded_by(variance, base):
        return []
    allowed = qty_limits_text(limits, facts.uom)
    within = qty_limits_text(limits, facts.uom, sign="")
    return [
        make_hold(
            ctx,
            code,
            line_no=facts.line_no,
            expected=base,
            actual=facts.billed_cum,
            variance=variance,
            tolerance=f"qty over {leg} {allowed}{level_text(facts)}",
            formula=formula,
            message=(
                f"Line {facts.line_no}: {billed_text(facts)} but only {fmt_qty(base, facts.uom)} {what} "
                f"(tolerance {within})"
            ),
        )
    ]
