"""Header totals (subtotal, tax, freight, total) and the currency: the
amount beside a totals label, the tax that is not its base, and the run of
amounts and currency marks right of a label."""

from __future__ import annotations

import re

from activities.intake.pdf.amounts import find_amounts_at, parse_amount
from activities.intake.pdf.conventions import Reading, amount_in, amount_quality
from activities.intake.pdf.currencies import find_currency
from activities.intake.pdf.field_hit import ParseResult
from activities.intake.pdf.text import Box, Line, Phrase

__all__ = ["AMOUNTS", "amount_run", "grid_column_end", "read_amount", "read_currency", "tax_amount"]


# The totals block: each read where it last appears (a running "Subtotal" per page is
# superseded by the last), each strictly an amount.
AMOUNTS = frozenset({"subtotal", "tax", "freight", "total", "amount_due"})


def read_amount(text: str, reading: Reading) -> ParseResult:
    found = amount_in(
        text, reading, last=True
    )  # "VAT 19%: 190.00", "EUR 1.234,56": the amount is the last number
    return None if found is None else found[:2]


# A word that names the base a tax is computed on: the amount after it is the
# base, not the tax ("zzgl. 19 % MwSt. auf 458,75 €", "Btw 21% over € 265,00",
# "VAT 20% on £120.00", "IVA 21 % sobre 265,00", "TVA 20 % sur 1 118,25 €").
_BASE_WORD = re.compile(
    r"(?:^|[\s(])(?:auf|von|aus|on|of|over|from|sur|de|sobre|su|sul|su\s+imponibile|over|van|p[aå]|av|base|basis|"
    r"base\s+imponible|imponibile)\s*[:=]?\s*(?:[A-Z]{3}|[$€£]|kr)?\s*$",
    re.IGNORECASE,
)


def tax_amount(text: str, reading: Reading) -> ParseResult:
    """The tax on a tax line: the last amount that is not the base it was
    computed on (`_BASE_WORD`), nor a rate."""
    for value, piece, start in reversed(find_amounts_at(text, reading.decimal)):
        if not _BASE_WORD.search(text[max(0, start - 40) : start]):
            return value, amount_quality(piece, reading)
    return None


def read_currency(text: str, reading: Reading) -> ParseResult:
    found = find_currency(text, reading.language)
    return None if found is None else (found[0], 1.0 if found[1] else 0.7)


def amount_run(line: Line, start: int, reading: Reading) -> Phrase | None:
    """The amounts right of a totals label, up to the next label or text:
    "19 % MwSt. | 458,75 € | 87,16 €" (base, then tax), "Total | USD |
    1,234.56". The last of them is the value; None when there is only one
    phrase to read anyway."""
    words: list = []
    count = 0
    for phrase in line.phrases[start:]:
        text = phrase.text.strip()
        if parse_amount(text, reading.decimal) is None and not _CURRENCY_ONLY.fullmatch(text):
            break
        words += phrase.words
        count += 1
    return Phrase(words, line.page) if count > 1 else None


_CURRENCY_ONLY = re.compile(r"\(?(?:[A-Z]{3}|[$€£¥]|kr\.?|SFr\.?|Fr\.)\)?")


def _under(box: Box, other: Box) -> bool:
    """In the same column: right edges together (amounts are right-aligned) or overlapping."""
    overlap = max(0.0, min(box[2], other[2]) - max(box[0], other[0]))
    return abs(box[2] - other[2]) < 3 or overlap > 0.3 * min(box[2] - box[0], other[2] - other[0])


def _figures_only(line: Line, reading: Reading) -> bool:
    return all(
        parse_amount(p.text.strip(), reading.decimal) is not None or _CURRENCY_ONLY.fullmatch(p.text.strip())
        for p in line.phrases
    )


def grid_column_end(
    lines: list[Line], line_index: int, value: Phrase, reading: Reading
) -> tuple[Phrase, int]:
    """A totals grid ("Nettobetrag | MwSt-Betrag | Endbetrag" over a row per
    VAT rate, then the sum row): the label's figure is the last amount of its
    column, as long as the rows under the first hold figures only (a line with
    a label of its own, "Paid  -100.00", ends the column)."""
    index = line_index
    while index + 1 < len(lines):
        below = lines[index + 1]
        if (
            below.page != value.page
            or below.top - value.box[3] > 2.5 * value.size
            or not _figures_only(below, reading)
        ):
            break
        under = [p for p in below.phrases if _under(value.box, p.box)]
        if len(under) != 1 or parse_amount(under[0].text.strip(), reading.decimal) is None:
            break
        value, index = under[0], index + 1
    return value, index
