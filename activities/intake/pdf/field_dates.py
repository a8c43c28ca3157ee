"""The document date: beside its label, or — in a business letter — the
unlabelled "Lyon, le 27 novembre 2026" under the letterhead."""

from __future__ import annotations

import re
from collections.abc import Callable

from activities.intake.pdf.conventions import Reading, date_quality
from activities.intake.pdf.dates import is_date_only, parse_date
from activities.intake.pdf.field_hit import FieldHit, ParseResult
from activities.intake.pdf.label_match import label_at
from activities.intake.pdf.text import Box, Page

__all__ = ["PLACE_DATE", "find_place_date", "read_date"]


def read_date(text: str, reading: Reading) -> ParseResult:
    value = parse_date(text, reading.date_order)
    return None if value is None else (value, date_quality(text, reading))


_PLACE_DATE = re.compile(
    r"^(?P<place>[^\W\d_][^\W\d_'.-]*(?:[ '.-][^\W\d_]+){0,3})(?:,\s*|\s+(?=\d{4}-\d\d-\d\d$))"
    r"(?:(?:le|den|am|il|el|the|d\.)\s+)?(?P<date>\S.*)$"
)

PLACE_DATE = 0.8  # an unlabelled date: the letter's date is the document's, nearly always


def find_place_date(
    pages: list[Page], reading: Reading, excluded: Callable[[int, Box], bool]
) -> FieldHit | None:
    """A business letter's date with no label: "Lyon, le 27 novembre 2026",
    "Hamburg, den 16.09.2026", "Göteborg 2026-03-19" — a place and a date
    alone on a line in the top half of the first page."""
    page = pages[0]
    for phrase in page.phrases:
        if phrase.box[1] > page.height * 0.5 or excluded(page.number, phrase.box) or len(phrase.words) > 8:
            continue
        text = phrase.text
        if not any(c.isdigit() for c in text):
            continue
        match = _PLACE_DATE.match(text)
        if match is None or not is_date_only(match.group("date")) or label_at(phrase) is not None:
            continue
        value = parse_date(match.group("date"), reading.date_order)
        if value is not None:
            return FieldHit(
                "date",
                value,
                text,
                page.number,
                phrase.box,
                PLACE_DATE,
                1.0,
                date_quality(match.group("date"), reading),
            )
    return None
