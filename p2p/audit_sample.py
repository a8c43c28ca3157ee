"""The random audit sample (RANDOM_AUDIT; SAP's stochastic block): a
reproducible draw from the invoice's document id, never from a clock or a
random number, so any worker and any replay draws the same."""

from __future__ import annotations

import hashlib
from decimal import ROUND_DOWN, Decimal

from models.common import format_money
from models.documents import Invoice, InvoiceKind
from models.policy import Policy
from models.workflow_state import AuditDraw

_DRAW_QUANTUM = Decimal("0.0001")


_TWO_64 = Decimal(2) ** 64


def audit_number(document_id: str, salt: str = "") -> Decimal:
    """A number in [0, 100) that only depends on the document id (and the
    policy's salt): sha256, first 8 bytes, scaled, 4 decimals. The same
    invoice always draws the same number, on any worker, in any replay."""
    digest = hashlib.sha256(f"{salt}|{document_id}".encode()).digest()
    value = Decimal(int.from_bytes(digest[:8], "big")) * 100 / _TWO_64
    return value.quantize(_DRAW_QUANTUM, rounding=ROUND_DOWN)


def _fmt_pct(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def _amount(value: Decimal, currency: str) -> str:
    try:
        return format_money(value, currency)
    except KeyError:
        return f"{value} {currency}"


def audit_draw(invoice: Invoice, policy: Policy, *, draw_key: str | None = None) -> AuditDraw | None:
    """Is this invoice in the random audit sample (RANDOM_AUDIT hold)?

    The policy's `audit_sample_pct` of the invoices whose total is at least
    `audit_min_amount` are drawn; below the minimum none are, or — with
    `audit_proportional_below_min`, SAP's stochastic block — the chance falls
    in proportion to the total. The draw is `audit_number(document_id)` <
    chance, so it is reproducible and needs no clock or randomness. None: no
    audit in force, or a credit memo (never audited). `draw_key` replaces the
    document id (a run under the earlier invoice-number rule draws by the id
    it had then)."""
    pct = policy.audit_sample_pct
    if pct <= 0 or invoice.kind == InvoiceKind.CREDIT_MEMO:
        return None
    total, minimum = invoice.total, policy.audit_min_amount
    source = f"policy {policy.name} v{policy.version}"
    sample = f"{_fmt_pct(pct)}% of invoices"
    if minimum > 0:
        sample += f" from {_amount(minimum, invoice.currency)}"
    if total >= minimum:
        chance = pct
    elif policy.audit_proportional_below_min and minimum > 0 and total > 0:
        chance = (pct * total / minimum).quantize(_DRAW_QUANTUM, rounding=ROUND_DOWN)
        sample += f", {_fmt_pct(chance)}% for this {_amount(total, invoice.currency)}"
    else:
        chance = Decimal(0)
    draw = audit_number(draw_key or invoice.document_id, policy.audit_salt)
    selected = draw < chance
    verdict = "drawn" if selected else "not drawn"
    basis = f"random audit {sample}: draw {_fmt_pct(draw)} {'<' if selected else '≥'} {_fmt_pct(chance)}, {verdict}"
    return AuditDraw(selected=selected, draw_pct=draw, chance_pct=chance, basis=basis, source=source)
