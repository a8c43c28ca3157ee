"""Header fields of a PDF document found by their printed labels.

No vendor templates: a field is a label from the catalogue (`labels`, seven
languages) and a value next to it — after the label in the same phrase
(`Invoice No: 123`), in the next phrase to its right (label column / value
column), or in the phrase below it (label above value, header grids; in
side-by-side boxes, the value under the label's box rather than its words).
The value must parse as what the field holds (an identifier with a digit, a
date, an amount: `field_ids`, `field_dates`, `field_amounts`, `field_terms`),
so a label whose neighbour is something else is passed over rather than
believed. A tax line's value is the amount that is not its base ("zzgl. 19 %
MwSt. auf 458,75 €  87,16 €"). Labels inside a letter's subject line count
("Betreff: Ihre Bestellung 4711"), and a letter's unlabelled "Lyon, le 27
novembre 2026" is its date, at a confidence that sends it to review.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from activities.intake.pdf.conventions import Reading
from activities.intake.pdf.field_amounts import (
    AMOUNTS,
    amount_run,
    grid_column_end,
    read_amount,
    read_currency,
    tax_amount,
)
from activities.intake.pdf.field_dates import inline_date, is_dated, read_date
from activities.intake.pdf.field_hit import BELOW, IN_BOX, WEAK_LABEL, FieldHit, ParseResult
from activities.intake.pdf.field_ids import (
    WRAPPED,
    read_identifier,
    read_vendor_code,
    subject_hits,
    wrapped_rest,
)
from activities.intake.pdf.field_terms import read_terms
from activities.intake.pdf.label_match import Label, LabelMatch, is_bare_label, label_at
from activities.intake.pdf.status_words import parse_status
from activities.intake.pdf.text import Box, Line, Page, Phrase

__all__ = ["LAST_WINS", "best_hits", "find_field_candidates", "find_fields"]


def _status(text: str, reading: Reading) -> ParseResult:
    status = parse_status(text)
    return None if status is None else (status, 1.0)


def _text(text: str, reading: Reading) -> ParseResult:
    cleaned = " ".join(text.split())
    return (cleaned[:2000], 0.9) if cleaned else None


_PARSERS: dict[str, Callable[[str, Reading], ParseResult]] = {
    "invoice_number": read_identifier,
    "credit_number": read_identifier,
    "ack_number": read_identifier,
    "po_number": read_identifier,
    "original_invoice": read_identifier,
    "reference": read_identifier,
    "order_date": read_date,
    "vendor_number": read_vendor_code,
    "date": read_date,
    "currency": read_currency,
    "subtotal": read_amount,
    "tax": tax_amount,
    "freight": read_amount,
    "total": read_amount,
    "amount_due": read_amount,
    "payment_terms": read_terms,
    "status": _status,
    "message": _text,
}

# Header fields are read where they first appear; totals where they last appear
# (after the lines, and a running "Subtotal" per page is superseded by the last).
LAST_WINS = AMOUNTS


def _overlap(a: Box, b: Box) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0]))


def _below(
    lines: list[Line], line_index: int, phrase: Phrase, box: Box | None = None
) -> tuple[Phrase, int, float] | None:
    """The phrase just under a label, in its column: the next one or two lines
    down, overlapping the label horizontally (or starting where it starts) —
    or, in a box of its own (side-by-side total boxes: label top left, value
    bottom right), the one phrase between the label's neighbours on its line.
    Returns the phrase, the index of its line and how sure the position is."""
    box = box or phrase.box
    line = lines[line_index]
    index = next(i for i, p in enumerate(line.phrases) if p is phrase)
    previous = line.phrases[index - 1].box[2] if index > 0 else box[0] - 160
    following = line.phrases[index + 1].box[0] if index + 1 < len(line.phrases) else box[2] + 160
    near = [
        (offset, below)
        for offset, below in enumerate(lines[line_index + 1 : line_index + 3], start=line_index + 1)
        if below.top - box[3] <= 2.5 * phrase.size
    ]
    for offset, below in near:
        if offset > line_index + 1 and not any(o == offset - 1 for o, _ in near):
            break
        for candidate in below.phrases:
            cbox = candidate.box
            if (
                _overlap(box, cbox) > 0.3 * min(box[2] - box[0], cbox[2] - cbox[0])
                or abs(cbox[0] - box[0]) < 3
            ):
                return candidate, offset, BELOW
    if near and near[0][0] == line_index + 1:
        # In a box: right of a left-aligned label and short of the next one,
        # or left of a right-aligned label and past the one before.
        offset, below = near[0]
        for boxed in (
            [c for c in below.phrases if c.box[0] >= box[0] - 2 and c.box[2] <= following - 2],
            [c for c in below.phrases if c.box[2] <= box[2] + 2 and c.box[0] >= previous + 2],
        ):
            if len(boxed) == 1:
                return boxed[0], offset, IN_BOX
    return None


def find_fields(
    pages: list[Page],
    fields: Iterable[str],
    reading: Reading,
    excluded: Callable[[int, Box], bool] = lambda page, box: False,
) -> dict[str, FieldHit]:
    """The best hit per field among `fields`. `excluded(page, box)` hides
    regions (the line table, whose "Total" and "Date" columns are not
    header fields)."""
    return best_hits(find_field_candidates(pages, fields, reading, excluded))


def best_hits(candidates: dict[str, list[FieldHit]]) -> dict[str, FieldHit]:
    """A total where it last appears (`LAST_WINS`); an identifier where its
    surest label first names it — a full label ("Bestellnummer") before one in
    a sentence, before a weak one ("Ihr Zeichen"); any other field where it
    first appears (a bare "Date" at the top is the document's; a full "date
    de facture …" further down may be another document's)."""
    return {name: _best(name, found) for name, found in candidates.items()}


def _best(name: str, found: list[FieldHit]) -> FieldHit:
    if name in LAST_WINS:
        return found[-1]
    if _PARSERS[name] is read_identifier:
        return max(found, key=lambda hit: hit.label_quality)
    return found[0]


def find_field_candidates(
    pages: list[Page],
    fields: Iterable[str],
    reading: Reading,
    excluded: Callable[[int, Box], bool] = lambda page, box: False,
) -> dict[str, list[FieldHit]]:
    """Every hit per field among `fields`, in reading order."""
    wanted = set(fields)
    hits: dict[str, list[FieldHit]] = {}
    subject: dict[str, FieldHit] = {}
    for page in pages:
        lines = [
            Line([p for p in line.phrases if not excluded(page.number, p.box)], page.number)
            for line in page.lines
        ]
        lines = [line for line in lines if line.phrases]
        for line_index, line in enumerate(lines):
            for phrase_index, phrase in enumerate(line.phrases):
                match = label_at(phrase)
                hit = None
                if match is not None and match.label.field in wanted:
                    hit = _read_value(lines, line_index, phrase_index, match, reading)
                if hit is None and (match is None or match.label.weak):
                    # "Betreff: Ihre Bestellung 4711", "Rechnung gemäß Bestellung Nr. 2013-471331"
                    for subject_hit in subject_hits(phrase, wanted, reading):
                        subject.setdefault(subject_hit.field, subject_hit)
                if hit is not None:
                    hits.setdefault(hit.field, []).append(hit)
                    dated = inline_date(hit, reading) if "date" in wanted else None
                    if dated is not None:  # "Rechnung Nr. 471102 vom 05.03.2018"
                        hits.setdefault("date", []).append(dated)
    for name, hit in subject.items():  # a full label elsewhere is the better reading (`best_hits`)
        hits.setdefault(name, []).append(hit)
    return hits


# Fields whose value has a shape no other text has (a date, an amount): even a
# weak label ("Date", "Total") may take the value below it.
_STRICT_VALUES = frozenset({"date"}) | AMOUNTS


def _similar_size(label: Phrase, value: Phrase) -> bool:
    return max(label.size, value.size) <= 1.7 * min(label.size, value.size)


def _label_box(phrase: Phrase, match: LabelMatch) -> Box | None:
    """The label's own words, when another label follows it in one phrase
    ("Customer PO # Order Date" printed close together): its value is under
    its words, not under the whole phrase."""
    if match.words >= len(phrase.words):
        return None
    rest = phrase.slice(match.words)
    return phrase.slice(0, match.words).box if label_at(rest) is not None else None


def _read_value(
    lines: list[Line], line_index: int, phrase_index: int, match: LabelMatch, reading: Reading
) -> FieldHit | None:
    line = lines[line_index]
    phrase = line.phrases[phrase_index]
    label = match.label
    parser = _PARSERS[label.field]
    quality = WEAK_LABEL[label.field in _STRICT_VALUES] if label.weak else 1.0
    candidates: list[tuple[Phrase, float, int]] = []
    dated = (
        label.field in AMOUNTS
        and match.words < len(phrase.words)
        and is_dated(phrase.slice(match.words).text)
    )
    if match.words < len(phrase.words) and not dated:
        candidates.append((phrase.slice(match.words), 1.0, line_index))
    right_index = phrase_index + 1
    if label.field in AMOUNTS:  # "TOTAL AMOUNT DUE | ON August 3 , 2014 | $4.11": the amount is past the date
        while right_index + 1 < len(line.phrases) and is_dated(line.phrases[right_index].text):
            right_index += 1
    right = line.phrases[right_index] if right_index < len(line.phrases) else None
    if (
        right is not None
        and not is_bare_label(right)
        and not _names_another(right, label)
        and _similar_size(phrase, right)
    ):
        if label.field in AMOUNTS:
            right = amount_run(line, right_index, reading) or right
        candidates.append((right, 1.0, line_index))
    if not label.weak or (label.field in _STRICT_VALUES and match.words == len(phrase.words)):
        below = _below(lines, line_index, phrase, _label_box(phrase, match))
        if below is not None and not is_bare_label(below[0]):
            value, where = below[0], below[1]
            if label.field in AMOUNTS:
                value, where = grid_column_end(lines, where, value, reading)
            candidates.append((value, below[2], where))
    for candidate, position, where in candidates:
        text = candidate.text
        if label.field == "message":
            text = _message_block(lines, where, candidate, right_index if candidate is right else None)
        parsed = parser(text, reading)
        if parsed is not None:
            value, parse_quality = parsed
            if parser is read_identifier:
                wrapped = wrapped_rest(lines, candidate)
                if wrapped is not None:  # joined, but a guess: a person confirms it
                    value, parse_quality, text = value + wrapped, WRAPPED, f"{text} {wrapped}"
            return FieldHit(
                label.field,
                value,
                text,
                candidate.page,
                candidate.box,
                quality,
                position,
                parse_quality,
                phrase.text,
            )
    return None


def _names_another(phrase: Phrase, label: Label) -> bool:
    """A neighbour that opens with a label of another field ("Carriage |
    VAT 20% on £313.70", "Invoice Date | Due Date 12.03.2026") holds that
    field's value, not ours."""
    if label.field not in _STRICT_VALUES:  # "Zahlungsbedingungen | Netto 30 Tage" is a value
        return False
    match = label_at(phrase)
    return match is not None and not match.label.weak and match.label.field != label.field


def _message_block(lines: list[Line], line_index: int, first: Phrase, from_phrase: int | None) -> str:
    """A note's whole text: the rest of its line, and the lines under it that
    start where it starts, up to a gap or a label (a "Remarks" block)."""
    line = lines[line_index]
    if from_phrase is not None:
        texts = [" ".join(p.text for p in line.phrases[from_phrase:])]
    else:
        index = next((i for i, p in enumerate(line.phrases) if p is first), None)
        texts = [" ".join(p.text for p in line.phrases[index:])] if index is not None else [first.text]
    bottom = first.box[3]
    for below in lines[line_index + 1 : line_index + 20]:
        head = below.phrases[0]
        if (
            below.top - bottom > 0.8 * first.size
            or abs(head.box[0] - first.box[0]) > 3
            or label_at(head) is not None
            or not _similar_size(first, head)
        ):
            break
        texts.append(below.text)
        bottom = below.bottom
    return " ".join(texts)
