"""How holds read: numbers, quantities, prices and limits as a person reads
them, and the one builder every check makes its holds with."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from models.common import format_money, round_money
from models.matching import Hold, HoldCode, ToleranceProfile
from p2p.matching.context import LineFacts, MatchContext
from p2p.tolerance import Limits

# --- formatting (messages are read by people) ---------------------------------


def fmt_number(value: Decimal) -> str:
    """`60`, `1.5`, `1,200` — no trailing zeros, no exponent."""
    if value == value.to_integral_value():
        return f"{value.to_integral_value():,f}"
    return f"{value.normalize():,f}"


def fmt_qty(value: Decimal, uom: str) -> str:
    return f"{fmt_number(value)} {uom}"


def fmt_price(value: Decimal, currency: str) -> str:
    """Unit prices: the currency's minor unit, but never hide extra digits —
    a variance of 0.004/unit must stay visible in the message."""
    if value == round_money(value, currency):
        return format_money(value, currency)
    return f"{value.normalize():,f} {currency}"


def fmt_unit_amount(value: Decimal, currency: str) -> str:
    """A per-unit amount without the currency code: `0.50`."""
    return fmt_price(value, currency).removesuffix(f" {currency}")


def fmt_pct(value: Decimal) -> str:
    """A computed percentage, to two decimals without trailing zeros."""
    return fmt_number(value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def limits_text(limits: Limits, currency: str, *, sign: str, unit: str = "") -> str:
    """`+2% or +0.50/unit, holds beyond any limit`: the money limits that are
    set, as a person reads them, with the operator where two are set."""
    texts = [f"{sign}{fmt_number(limits.pct)}%"] if limits.pct is not None else []
    if limits.amount is not None:
        texts.append(f"{sign}{fmt_unit_amount(limits.amount, currency)}{unit}")
    return limits.describe(texts)


def qty_limits_text(limits: Limits, uom: str, *, sign: str = "+") -> str:
    """`+2% or +5 EA, holds beyond any limit`: quantity limits as read."""
    texts = [f"{sign}{fmt_number(limits.pct)}%"] if limits.pct is not None else []
    if limits.amount is not None:
        texts.append(f"{sign}{fmt_qty(limits.amount, uom)}")
    return limits.describe(texts)


def tolerance_source(profile: ToleranceProfile) -> str:
    """Where a limit came from, as shown on holds: `default v1`."""
    return profile.source


def make_hold(
    ctx: MatchContext,
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


def level_text(facts: LineFacts) -> str:
    """` · 3-way match (item MRO-GLOVE-NITRILE-L)` when validate/enrich
    recorded where the line's level came from (the quantity checks depend on
    it), else nothing: a PO given whole, as to `poflow match`, says no more."""
    source = facts.po_line.match_level_source
    return f" · {facts.po_line.level.value} match ({source})" if source else ""


def billed_text(facts: LineFacts) -> str:
    """`billed 60 EA`, or with earlier invoices `billed 60 EA to date (40 EA
    before this invoice)` so the reader sees why a small invoice is held."""
    text = f"billed {fmt_qty(facts.billed_cum, facts.uom)}"
    if facts.previously_invoiced != 0:
        text += f" to date ({fmt_qty(facts.previously_invoiced, facts.uom)} before this invoice)"
    return text


def rejected_text(facts: LineFacts) -> str:
    """` (10 EA rejected at the dock)` where rejections reduced what counts,
    and ` (20 EA returned to the vendor)` where returns after receipt did."""
    rejected = facts.received - facts.received_for_match
    parts = [f"{fmt_qty(rejected, facts.uom)} rejected at the dock"] if rejected else []
    if facts.returned:
        parts.append(f"{fmt_qty(facts.returned, facts.uom)} returned to the vendor")
    return f" ({'; '.join(parts)})" if parts else ""
