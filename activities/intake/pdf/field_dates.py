"""The document date: beside its label, after the document's number in its
title line ("Rechnung Nr. 471102 vom 05.03.2018"), or — in a business letter —
the unlabelled "Lyon, le 27 novembre 2026" under the letterhead."""

from __future__ import annotations

import re
from collections.abc import Callable

from activities.intake.pdf.conventions import Reading, date_quality
from activities.intake.pdf.dates import is_date_only, parse_date
from activities.intake.pdf.field_hit import FieldHit, ParseResult
from activities.intake.pdf.label_match import label_at
from activities.intake.pdf.text import Box, Page, Phrase

__all__ = ["PLACE_DATE", "find_place_date", "find_title_date", "inline_date", "is_dated", "read_date"]


def read_date(text: str, reading: Reading) -> ParseResult:
    value = parse_date(text, reading.date_order)
    return None if value is None else (value, date_quality(text, reading))


# The word that joins a document's number to its date in a title line, in the
# seven languages: "Invoice # 123 dated …", "Rechnung Nr. 471102 vom …",
# "Facture n°562044387 du …", "Factura nº 12 de fecha …", "Fattura n. 7 del …",
# "Factuur 2018-01 van …", "Faktura 1234 den …".
_DATE_CONNECTOR = re.compile(
    r"^(?:dated|datiert|datum|date|data|de\s+fecha|del|den|de|du|en\s+date\s+du|fecha|from|in\s+data|le|"
    r"of|on|by|until|bis|au|van|vom|von|v\.|d\.\s?d\.)(?![a-z])\s*:?\s*",
    re.IGNORECASE,
)


def is_dated(text: str) -> bool:
    """A date and at most the word that joins it ("on August 3 , 2014", "bis
    05.03.2018"): beside a totals label it says when, not how much."""
    joined = _DATE_CONNECTOR.match(text.strip())
    return is_date_only(text.strip()[joined.end() :] if joined else text)


_NUMBERED = frozenset({"invoice_number", "credit_number", "ack_number"})


def inline_date(number: FieldHit, reading: Reading) -> FieldHit | None:
    """The date printed after the document's number in the same phrase,
    joined by a connector word and nothing else after it: the document's
    date, as sure as the number's label."""
    if number.field not in _NUMBERED:
        return None
    value = str(number.value)
    at = number.text.find(value)
    rest = number.text[at + len(value) :].strip(" ,;") if at >= 0 else ""
    joined = _DATE_CONNECTOR.match(rest)
    if joined is None or not is_date_only(rest[joined.end() :]):
        return None
    text = rest[joined.end() :]
    found = parse_date(text, reading.date_order)
    if found is None:
        return None
    return FieldHit(
        "date", found, text, number.page, number.box, number.label_quality, 1.0, date_quality(text, reading)
    )


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


def find_title_date(pages: list[Page], title: Phrase | None, reading: Reading) -> FieldHit | None:
    """A date printed alone on the title's line ("Beitragsrechnung | 24. Januar
    2014"): the document's, as sure as a letter's place and date."""
    if title is None:
        return None
    page = next((p for p in pages if p.number == title.page), None)
    line = next((ln for ln in page.lines if any(p is title for p in ln.phrases)), None) if page else None
    for phrase in line.phrases if line is not None else []:
        if phrase is not title and is_date_only(phrase.text):
            value = parse_date(phrase.text, reading.date_order)
            if value is not None:
                quality = date_quality(phrase.text, reading)
                return FieldHit("date", value, phrase.text, phrase.page, phrase.box, PLACE_DATE, 1.0, quality)
    return None
