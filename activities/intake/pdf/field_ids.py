"""Header identifiers (invoice, credit, acknowledgment, PO and vendor
numbers): what reads as one, the rest of one wrapped onto the next line, and
the ones named inside a letter's subject line."""

from __future__ import annotations

import re

from activities.intake.pdf.conventions import Reading
from activities.intake.pdf.dates import parse_date
from activities.intake.pdf.field_hit import FieldHit, ParseResult
from activities.intake.pdf.label_match import label_at
from activities.intake.pdf.labels import SUBJECT_WORDS
from activities.intake.pdf.text import Line, Phrase
from activities.intake.pdf.tokens import first_token, tokens

__all__ = ["IDENTIFIER", "WRAPPED", "read_identifier", "read_vendor_code", "subject_hits", "wrapped_rest"]


IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$")


def read_identifier(text: str, reading: Reading) -> ParseResult:
    parts = text.split()
    while len(parts) > 1 and (not tokens(parts[0]) or set(tokens(parts[0])) <= {"no"}):
        parts = parts[1:]  # "No. 4711", ": 4711", "# 4711" after a label that did not name the number
    first = parts[0].strip(",;:()") if parts else ""
    series = _series_number(parts)
    if series is not None:
        return series, SERIES_PREFIX
    if not IDENTIFIER.match(first) or not any(c.isdigit() for c in first):
        return None
    if parse_date(first) is not None and re.fullmatch(r"[\d./\-]+", first):  # a date beside a number label
        return None
    return first, 1.0


# "Faktura nr: F 1234K20/1234/12", "FV 12/2021": a numbering series' letters,
# a space, then the number. A number is printed whole, so both parts are kept;
# the space makes it less certain that they belong together.
SERIES_PREFIX = 0.85
_SERIES = re.compile(r"^[A-Z]{1,3}$")
_NOT_SERIES = frozenset({"PO", "REF", "ID", "NO", "NR"})  # a word of the label, not part of the number


def _series_number(parts: list[str]) -> str | None:
    if len(parts) < 2 or not _SERIES.match(parts[0]) or parts[0] in _NOT_SERIES:
        return None
    number = parts[1].strip(",;:()")
    if not IDENTIFIER.match(number) or not any(c.isdigit() for c in number):
        return None
    if parse_date(number) is not None and re.fullmatch(r"[\d./\-]+", number):
        return None  # "PO 12.03.2026": a date, not a series' number
    return f"{parts[0]} {number}"


def read_vendor_code(text: str, reading: Reading) -> ParseResult:
    """A vendor code: one token, not a lower-case word. A label whose own words
    run on to a colon ("Ons leveranciersnummer | bij u: NORDIC", "notre
    numéro | chez vous : F-12") has its value after the colon."""
    words = text.split()
    for index, word in enumerate(words[:4]):
        if word.endswith(":") and all(w.strip(":").islower() for w in words[: index + 1] if w.strip(":")):
            words = words[index + 1 :]
            break
    first = words[0].strip(",;:()") if words else ""
    if first.islower():  # "bij", "chez": a word of the label's sentence, not a code
        return None
    return (first, 1.0) if IDENTIFIER.match(first) and len(first) >= 2 else None


# An identifier too long for its box wraps onto the next line, flush with its
# first part ("ACME-INV-30302-2612" over "02015344"). Reading only the first
# line would be a silent error at full confidence; joining is a guess.
WRAPPED = 0.8

_WRAPS_FROM = 12  # characters: a box too narrow for a shorter number is not a layout anyone prints
_WRAP_PIECE = re.compile(r"^[A-Za-z0-9._\-/]{1,40}$")


def wrapped_rest(lines: list[Line], value: Phrase) -> str | None:
    """The rest of a wrapped identifier: one token on the next text line, left
    edge flush with the value's, close below it, not a date, and with no label
    of its own on its line (then it is another field's value)."""
    if len(value.words[0].text) < _WRAPS_FROM:
        return None
    x0, _, _, bottom = value.box
    height = value.box[3] - value.box[1]
    for line in lines:
        if line.page != value.page:
            continue
        for index, phrase in enumerate(line.phrases):
            px0, ptop = phrase.box[0], phrase.box[1]
            if abs(px0 - x0) > 2 or not 0 <= ptop - bottom <= 0.8 * height or phrase is value:
                continue
            if (
                len(phrase.words) != 1
                or not _WRAP_PIECE.match(phrase.text)
                or parse_date(phrase.text) is not None
            ):
                return None  # a value of its own (a date under a number), not the rest of one
            labelled = any(label_at(other) is not None for other in line.phrases[:index])
            return None if labelled else phrase.text
    return None


# The fields a subject line may name: identifiers, each read as one (`read_identifier`).
_SUBJECT_FIELDS = frozenset(
    {"po_number", "invoice_number", "credit_number", "ack_number", "original_invoice"}
)
SUBJECT_LINE = 0.9  # a label inside free text: a little less sure than one standing alone
# Outside a subject line only the PO is looked for in a sentence (a letter names
# the order it answers), and only in a sentence, not in a short phrase.
_SENTENCE_FIELDS = frozenset({"po_number"})
_SENTENCE_WORDS = 4
IN_SENTENCE = 0.85


def subject_hits(phrase: Phrase, wanted: set[str], reading: Reading) -> list[FieldHit]:
    """Fields named inside a subject line: each label found at any word; and
    the PO named in a sentence ("Rechnung gemäß Bestellung Nr. 2013-471331",
    "as per your order no. 4711"), a little less sure."""
    if first_token(phrase.words) in SUBJECT_WORDS:
        fields, quality = _SUBJECT_FIELDS, SUBJECT_LINE
    elif len(phrase.words) >= _SENTENCE_WORDS:
        fields, quality = _SENTENCE_FIELDS, IN_SENTENCE
    else:
        return []
    hits: list[FieldHit] = []
    seen: set[str] = set()
    for start in range(1, min(len(phrase.words), 16)):
        rest = phrase.slice(start)
        match = label_at(rest)
        if match is None or match.label.field not in wanted & fields or match.label.field in seen:
            continue
        if match.label.weak or match.words >= len(rest.words):
            continue
        value = rest.slice(match.words)
        parsed = read_identifier(value.text, reading)
        if parsed is not None:
            seen.add(match.label.field)
            hits.append(
                FieldHit(
                    match.label.field,
                    parsed[0],
                    value.text,
                    value.page,
                    value.box,
                    quality,
                    1.0,
                    parsed[1],
                )
            )
    return hits
