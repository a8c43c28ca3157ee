"""Dates as people print them on invoices, in seven languages.

`03/04/2026` is the 3rd of April in Paris and the 4th of March in Chicago:
`parse_date` takes the document's order (DMY or MDY) as an argument, and
`date_order_evidence` / `detect_date_order` decide it once per document from
the dates that prove one (`31/12/2026`, or dots).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from activities.intake.pdf.amounts import SPACES, majority
from activities.intake.pdf.tokens import fold

__all__ = [
    "DMY",
    "MDY",
    "date_is_ambiguous",
    "date_order_evidence",
    "detect_date_order",
    "is_date_only",
    "parse_date",
]

DMY = "DMY"
MDY = "MDY"


_MONTHS: dict[str, int] = {}

for _number, _names in enumerate(
    [
        "january jan januar janner jaenner janv janvier enero ene gennaio gen januari stycznia styczen",
        "february feb februar feber fevr fev fevrier febrero febbraio febr februari lutego luty",
        "march mar marz maerz mrz mars marzo mrt maart marca marzec",
        "april apr avril avr abril aprile abr kwietnia kwiecien",
        "may mai mayo maggio mag mei maj maja",
        "june jun juni juin junio giugno giu czerwca czerwiec",
        "july jul juli juil juillet julio luglio lug lipca lipiec",
        "august aug aout aou agosto ago augusti augustus sierpnia sierpien",
        "september sep sept septembre septiembre setiembre settembre set sett wrzesnia wrzesien",
        "october oct oktober okt octobre octubre ottobre ott pazdziernika pazdziernik",
        "november nov novembre noviembre listopada listopad",
        "december dec dez dezember decembre diciembre dic dicembre grudnia grudzien",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS.setdefault(_name, _number)

_MONTH_WORD = r"([a-z]{3,12})\.?"  # up to "pazdziernika"
_YEAR = r"(\d{4})"
_NUMERIC = re.compile(r"(?<!\d)(\d{1,4})([./\-])(\d{1,2})\2(\d{2,4})(?!\d)")
# "3 , 2014" and "19 april , 2014": a typesetter's space before the comma is common.
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:er|st|nd|rd|th)?\.?\s*(?:de\s+|of\s+|-)?{_MONTH_WORD}\s*(?:de\s+|del\s+|-)?"
    rf"\s*,?\s*{_YEAR}(?!\d)"
)
_MONTH_DAY_YEAR = re.compile(rf"(?<![a-z]){_MONTH_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+{_YEAR}(?!\d)")
# "28 Jan 15", "28-Jan-15": a till's or web shop's two-digit year, only right
# after a month name (never a time "28 Jan 15:30" or an amount "15.00").
_DAY_MONTH_SHORT_YEAR = re.compile(rf"(?<!\d)(\d{{1,2}})[\s-]+{_MONTH_WORD}[\s-]+(\d{{2}})(?![\d:.,])")


def _make_date(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _numeric_parts(match: re.Match[str], order: str) -> tuple[int, int, int] | None:
    a, sep, b, c = match.group(1), match.group(2), match.group(3), match.group(4)
    if len(a) == 4:  # ISO-like: 2026-12-31, 2026/12/31, 2026.12.31
        return int(a), int(b), int(c)
    if len(a) > 2 or len(c) == 3:
        return None
    first, second, year = int(a), int(b), int(c)
    if sep == ".":  # nobody writes month-first with dots
        return year, second, first
    if first > 12:
        return year, second, first
    if second > 12:
        return year, first, second
    return (year, first, second) if order == MDY else (year, second, first)


def parse_date(text: str, order: str = DMY) -> date | None:
    """The first date in a text: ISO, `12/31/2026`, `31.12.2026`, `31/12/2026`,
    `31-12-2026`, `31 Dec 2026`, `December 31, 2026`, `31. Dezember 2026`,
    `31 décembre 2026`, `31 de diciembre de 2026`… `order` (DMY or MDY) settles
    numeric dates whose day and month are both 12 or less."""
    folded = fold(text.translate(SPACES))
    candidates: list[tuple[int, date]] = []
    for match in _NUMERIC.finditer(folded):
        parts = _numeric_parts(match, order)
        made = _make_date(*parts) if parts else None
        if made:
            candidates.append((match.start(), made))
    for match in _DAY_MONTH_YEAR.finditer(folded):
        month = _MONTHS.get(match.group(2))
        made = _make_date(int(match.group(3)), month, int(match.group(1))) if month else None
        if made:
            candidates.append((match.start(), made))
    for match in _MONTH_DAY_YEAR.finditer(folded):
        month = _MONTHS.get(match.group(1))
        made = _make_date(int(match.group(3)), month, int(match.group(2))) if month else None
        if made:
            candidates.append((match.start(), made))
    if not candidates:
        candidates = _short_year_dates(folded)
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])[1]


def _short_year_dates(folded: str) -> list[tuple[int, date]]:
    found = []
    for match in _DAY_MONTH_SHORT_YEAR.finditer(folded):
        month = _MONTHS.get(match.group(2))
        made = _make_date(int(match.group(3)), month, int(match.group(1))) if month else None
        if made:
            found.append((match.start(), made))
    return found


def is_date_only(text: str) -> bool:
    """True when the text is one date and nothing else (bar punctuation):
    "27 novembre 2026", "16. September 2026", "2026-03-19"."""
    folded = fold(text.translate(SPACES)).strip(" .,;:")
    return any(
        pattern.fullmatch(folded) is not None and parse_date(folded) is not None
        for pattern in (_NUMERIC, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR)
    )


def date_order_evidence(text: str) -> str | None:
    """DMY or MDY when a numeric date in the text proves the order (a part
    above 12, or dots), else None."""
    for match in _NUMERIC.finditer(text):
        a, sep, b = match.group(1), match.group(2), match.group(3)
        if len(a) == 4:
            continue
        if sep == "." or int(a) > 12:
            return DMY
        if int(b) > 12:
            return MDY
    return None


def date_is_ambiguous(text: str) -> bool:
    """True when the first date is numeric with day and month both ≤ 12 and
    different, and not dotted: only the document can order it."""
    match = _NUMERIC.search(text)
    if not match or len(match.group(1)) == 4 or match.group(2) == ".":
        return False
    a, b = int(match.group(1)), int(match.group(3))
    return a <= 12 and b <= 12 and a != b


def detect_date_order(texts: Iterable[str], default: str = DMY) -> tuple[str, bool]:
    """The document's day/month order by the dates that prove one; (default,
    False) when none does."""
    return majority(map(date_order_evidence, texts), default)
