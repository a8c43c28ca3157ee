"""One PDF page → `Page`: pdfplumber's words (a glued "No.:INV-1" split, a
"19 %" joined), grouped into lines and phrases, and its ruled tables."""

from __future__ import annotations

import re
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from activities.intake.pdf.text import Box, Cell, Line, Page, Phrase, Table, Word

__all__ = ["PHRASE_GAP", "group_lines", "read_page"]


PHRASE_GAP = 0.75  # a gap wider than this many font sizes separates two phrases (columns)
_SIZE_RATIO = (
    1.7  # words this much larger or smaller are not on one text line (a title beside the letterhead)
)
_GLUED_LABEL = re.compile(r"^([^\W\d_][\w.#°º/-]*:)(\S+)$")  # "No.:INV-1", "Datum:05.03.2026"


def _unglue(word: Word) -> list[Word]:
    """A label and its value printed without a space after the colon are one
    word to pdfplumber; split them (boxes by character share) so the label
    can be matched."""
    match = _GLUED_LABEL.match(word.text)
    if not match or "//" in word.text:
        return [word]
    share = len(match.group(1)) / len(word.text)
    cut = word.x0 + (word.x1 - word.x0) * share
    return [
        Word(match.group(1), word.x0, word.top, cut, word.bottom, word.size),
        Word(match.group(2), cut, word.top, word.x1, word.bottom, word.size),
    ]


def _joins_rate(previous: Word, word: Word) -> bool:
    """ "19 %" (French and German typography) is one rate, not a number and a sign."""
    return (
        word.text.startswith("%")
        and previous.text[-1:].isdigit()
        and abs(previous.top - word.top) < 2
        and 0 <= word.x0 - previous.x1 < word.size
    )


def _words(page: Any) -> list[Word]:
    raw_words = page.extract_words(extra_attrs=["size"], keep_blank_chars=False, use_text_flow=False)
    words: list[Word] = []
    for w in raw_words:
        text = w["text"].strip()
        if not text or not w.get("upright", True):
            continue
        size = float(w.get("size") or (w["bottom"] - w["top"]))
        word = Word(text, float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]), size)
        previous = words[-1] if words else None
        if previous is not None and _joins_rate(previous, word):
            words[-1] = Word(
                f"{previous.text} {text}",
                previous.x0,
                min(previous.top, word.top),
                word.x1,
                max(previous.bottom, word.bottom),
                previous.size,
            )
            continue
        words.extend(_unglue(word))
    return words


def group_lines(words: list[Word], page_number: int) -> list[Line]:
    """Words → lines (by vertical overlap) → phrases (split at column gaps)."""
    rows: list[list[Word]] = []
    for word in sorted(words, key=lambda w: (round(w.top, 1), w.x0)):
        middle = (word.top + word.bottom) / 2
        for row in reversed(rows[-3:]):  # a line's words arrive together after sorting by top
            top = min(w.top for w in row)
            bottom = max(w.bottom for w in row)
            sizes = (min(w.size for w in row), max(w.size for w in row))
            similar = word.size <= sizes[0] * _SIZE_RATIO and sizes[1] <= word.size * _SIZE_RATIO
            if top <= middle <= bottom and similar:
                row.append(word)
                break
        else:
            rows.append([word])
    lines = []
    for row in rows:
        row.sort(key=lambda w: w.x0)
        phrases = [[row[0]]]
        for prev, word in pairwise(row):
            if word.x0 - prev.x1 > PHRASE_GAP * max(prev.size, word.size):
                phrases.append([word])
            else:
                phrases[-1].append(word)
        lines.append(Line([Phrase(p, page_number) for p in phrases], page_number))
    lines.sort(key=lambda line: (line.top, line.box[0]))
    return lines


def _tables(page: Any, page_number: int) -> list[Table]:
    tables = []
    for found in page.find_tables():
        texts = found.extract()
        rows: list[list[Cell | None]] = []
        for row, row_texts in zip(found.rows, texts, strict=False):
            cells: list[Cell | None] = []
            for bbox, text in zip(row.cells, row_texts, strict=False):
                cells.append(None if bbox is None else Cell(" ".join((text or "").split()), _box(bbox)))
            rows.append(cells)
        if rows:
            tables.append(Table(page_number, rows, _box(found.bbox)))
    return tables


def _box(bbox: Sequence[float]) -> Box:
    """pdfplumber's (x0, top, x1, bottom) as floats."""
    x0, top, x1, bottom = bbox
    return (float(x0), float(top), float(x1), float(bottom))


def read_page(pdf: Any, page_obj: Any, number: int, doctop: float) -> Page:
    from pdfplumber.page import Page as PlumberPage

    page = PlumberPage(pdf, page_obj, page_number=number, initial_doctop=doctop)
    try:
        words = _words(page)
        tables = _tables(page, number) if words else []
        return Page(
            number,
            float(page.width),
            float(page.height),
            group_lines(words, number),
            tables,
            bool(page.images),
        )
    finally:
        page.close()
