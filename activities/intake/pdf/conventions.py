"""A document's conventions — decimal mark, day/month order, language —
decided once from all its text, and how sure a value read under them is."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from activities.intake.pdf.amounts import amount_is_ambiguous, detect_decimal_separator, find_amounts
from activities.intake.pdf.dates import DMY, MDY, date_is_ambiguous, detect_date_order
from activities.intake.pdf.label_match import language_votes
from activities.intake.pdf.text import Page

__all__ = ["Reading", "amount_in", "amount_quality", "date_quality", "decide_reading"]


@dataclass(frozen=True)
class Reading:
    """The conventions of one document, decided once from all its text."""

    decimal: str = "."
    decimal_decided: bool = False
    date_order: str = DMY
    date_order_decided: bool = False
    language: str | None = None


def _default_date_order(language: str | None, words: list[str]) -> str:
    """Month first only in American English: an English document that bills
    VAT or pounds sterling is British (or European) and puts the day first."""
    if language != "en":
        return DMY
    british = any(w.strip(":.,()") in ("GBP", "EUR") or "£" in w or "€" in w for w in words) or any(
        first.strip(":") == "VAT" and not re.match(r"(?i)[A-Z]{2}\d|no\b|id\b|reg", second)
        for first, second in zip(
            words, words[1:], strict=False
        )  # "VAT 20%", not the "VAT NL859012345B01" of a letterhead
    )
    return DMY if british else MDY


def decide_reading(pages: list[Page], title_language: str | None) -> tuple[Reading, list[str]]:
    """The document's conventions, from all its words and labels (its title's
    language counts three times), and a warning when the day/month order is
    a guess that matters."""
    votes = language_votes(pages)
    if title_language is not None:
        votes[title_language] += 3
    language = votes.most_common(1)[0][0] if votes else None
    words = [w.text for page in pages for line in page.lines for w in line.words]
    decimal, decimal_decided = detect_decimal_separator(words, "." if language in (None, "en") else ",")
    order, order_decided = detect_date_order(words, _default_date_order(language, words))
    warnings = []
    if (
        not order_decided
        and language in (None, "en")
        and any(re.fullmatch(r"\d{1,2}[/-]\d{1,2}[/-]\d{2,4}", w) for w in words)
    ):
        warnings.append(
            f"no date in the document shows whether day or month comes first; read as "
            f"{'month/day' if order == MDY else 'day/month'} from the language and currency"
        )
    return Reading(decimal, decimal_decided, order, order_decided, language), warnings


def date_quality(text: str, reading: Reading) -> float:
    """1.0 for a date that reads one way only; less when the day/month order
    came from the document's other dates or its language (0.95: a French
    invoice is always day-first), or an English default that may be US or UK
    (0.7)."""
    if not date_is_ambiguous(text):
        return 1.0
    if reading.date_order_decided:
        return 0.95
    return 0.95 if reading.language not in (None, "en") else 0.7


def amount_quality(piece: str, reading: Reading) -> float:
    """As `date_quality`, for `1,234` / `1.234`: grouping or decimals."""
    if not amount_is_ambiguous(piece):
        return 1.0
    return 0.95 if reading.decimal_decided else 0.85


def amount_in(text: str | None, reading: Reading, last: bool = False) -> tuple[Decimal, float, str] | None:
    """The first (or `last`) amount in a text, how sure its reading is, and
    the text it was read from."""
    if not text:
        return None
    found = find_amounts(text, reading.decimal)
    if not found:
        return None
    value, piece = found[-1] if last else found[0]
    return value, amount_quality(piece, reading), piece
