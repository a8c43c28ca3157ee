"""Payment terms: `Net 30`, `2/10 net 30`, `30 Tage netto`, `30 jours net`,
"due on receipt" — beside their label, or as a sentence with none ("Payable
within 30 days.")."""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from activities.intake.pdf.conventions import Reading
from activities.intake.pdf.field_hit import FieldHit, ParseResult
from activities.intake.pdf.text import Box, Page
from activities.intake.pdf.tokens import fold

__all__ = ["find_terms_sentence", "parse_payment_terms", "read_terms", "tokens_with_numbers"]


_NET_DAYS = re.compile(r"(\d{1,3})\s*(?:days?|tage?n?|jours?|d[ií]as?|giorni|dagen|dagar|dgr|d)\b")
_SLASH_TERMS = re.compile(r"\b(\d{1,2}(?:[.,]\d{1,2})?)\s*/\s*(\d{1,3})\s*,?\s*(?:net|netto|n)\s*(\d{1,3})\b")

# "2% 10 NET 30", "1% 10, Net 30", "2 % 10 days net 30": the US shorthand without a slash.
_PERCENT_TERMS = re.compile(
    r"\b(\d{1,2}(?:[.,]\d{1,2})?)\s*%\s*(\d{1,3})\s*(?:days?|d)?\s*,?\s*(?:net|netto|n)\s*(\d{1,3})\b"
)

_NET_WORD = re.compile(r"\b(?:net|netto|neto|netto|nett)\s*(\d{1,3})\b")

# Payment due at once: "Zahlbar sofort", "à réception", "due on receipt", "per omgaande".
_DUE_NOW = re.compile(
    r"\b(?:sofort|umgehend|immediately|immediate|upon\s+receipt|on\s+receipt|receipt\s+of\s+invoice|"
    r"a\s+reception|des\s+reception|au\s+comptant|comptant|al\s+contado|contado|a\s+la\s+vista|"
    r"rimessa\s+diretta|a\s+vista|vista\s+fattura|per\s+omgaande|onmiddellijk|omgaende|"
    r"genast|kontant|netto\s+kasse|net\s+cash)\b"
)


def parse_payment_terms(text: str) -> dict[str, Any] | None:
    """`Net 30`, `2/10 net 30`, `2% 10 days, net 30 days`, `30 Tage netto`,
    `14 Tage 2% Skonto, 30 Tage netto`, `30 jours net`, `30 dagar netto` →
    PaymentTerms fields; None when no day count is printed."""
    folded = " ".join(tokens_with_numbers(text))
    shorthand = _SLASH_TERMS.search(folded) or _PERCENT_TERMS.search(folded)
    if shorthand and int(shorthand.group(2)) < int(shorthand.group(3)):
        return {
            "net_days": int(shorthand.group(3)),
            "discount_days": int(shorthand.group(2)),
            "discount_percent": str(Decimal(shorthand.group(1).replace(",", "."))),
        }
    days = [int(m.group(1)) for m in _NET_DAYS.finditer(folded)]
    net_word = _NET_WORD.search(folded)
    if net_word:
        days.append(int(net_word.group(1)))
    if not days:
        if _DUE_NOW.search(folded) and not re.search(r"\d", folded):
            return {"net_days": 0}
        return None
    terms: dict[str, Any] = {"net_days": max(days)}
    discount = re.search(r"(\d{1,2}(?:[.,]\d{1,2})?)\s*%", folded)
    if discount and len(set(days)) >= 2:
        terms["discount_days"] = min(days)
        terms["discount_percent"] = str(Decimal(discount.group(1).replace(",", ".")))
    return terms


def tokens_with_numbers(text: str) -> list[str]:
    """Lower-case words keeping `2,5%`, `2/10` intact (unlike label tokens)."""
    return re.findall(r"\d+(?:[.,]\d+)?(?:\s?%)?|[a-z]+|/|%", fold(text))


def read_terms(text: str, reading: Reading) -> ParseResult:
    terms = parse_payment_terms(text)
    return None if terms is None else (terms, 0.92)  # free text: a phrasing we misread is possible


_TERMS_SENTENCE = re.compile(
    r"\b(?:payable|payment\s+(?:is\s+)?due|due\s+within|terms\s+net|zahlbar|zahlungsziel|a\s+regler|"
    r"reglement\s+a|paiement\s+a|pagadero|pago\s+a|pago\s+al|pagamento\s+a|da\s+pagare|betaalbaar|"
    r"betaling\s+binnen|betaling\s+per|betalas|betalning\s+inom|due\s+(?:up)?on\s+receipt|rimessa\s+diretta|"
    r"skonto|escompte|\d{1,3}\s+(?:days?|tage?n?|jours|dagen|dagar|d[ií]as|giorni)\s+(?:net|netto|netos?|nett)|"
    r"net\s+\d{1,3}\s+days?|\d{1,2}\s*%\s*\d{1,3}\s*,?\s*net\s+\d{1,3})\b"
)


def find_terms_sentence(pages: list[Page], excluded: Callable[[int, Box], bool]) -> FieldHit | None:
    """Payment terms printed as a sentence without a label ("Zahlbar innerhalb
    von 30 Tagen ohne Abzug.", "Payable within 30 days.")."""
    for page in pages:
        for line in page.lines:
            text = line.text
            if excluded(page.number, line.box) or not _TERMS_SENTENCE.search(
                " ".join(tokens_with_numbers(text))
            ):
                continue
            terms = parse_payment_terms(text)
            if terms is not None:
                return FieldHit("payment_terms", terms, text, page.number, line.box, 0.9, 1.0, 0.92)
    return None
