"""One PDF page → `Page`: pdfplumber's words (a glued "No.:INV-1" split, a
"19 %" joined), grouped into lines and phrases, and its ruled tables."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from itertools import pairwise
from typing import Any

from activities.intake.pdf.text import Box, Cell, Line, Page, Phrase, Table, Word

__all__ = ["PHRASE_GAP", "group_lines", "read_page", "tidy_words"]


PHRASE_GAP = 0.75  # a gap wider than this many font sizes separates two phrases (columns)
_SIZE_RATIO = (
    1.7  # words this much larger or smaller are not on one text line (a title beside the letterhead)
)
_GLUED_LABEL = re.compile(r"^([^\W\d_][\w.#°º/-]*:)(\S+)$")  # "No.:INV-1", "Datum:05.03.2026"
# A sign for "number" glued to the number: "n°562044387", "Nr.471102", "#123",
# "Nº A-17". The value must hold a digit, so "No." alone or "Nr.ABC" stays one word.
_GLUED_NUMBER = re.compile(r"^([nN][°º]\.?|[nN][rRoO]\.|#|№)([A-Za-z0-9][\w./-]*)$")


def _unglue(word: Word) -> list[Word]:
    """A label and its value printed without a space after the colon (or a
    number sign and the number) are one word to pdfplumber; split them (boxes
    by character share) so the label can be matched."""
    match = _GLUED_LABEL.match(word.text) or _GLUED_NUMBER.match(word.text)
    if not match or "//" in word.text or (match.re is _GLUED_NUMBER and not re.search(r"\d", match.group(2))):
        return [word]
    share = len(match.group(1)) / len(word.text)
    cut = word.x0 + (word.x1 - word.x0) * share
    return [
        Word(match.group(1), word.x0, word.top, cut, word.bottom, word.size, word.confidence, word.style),
        Word(match.group(2), cut, word.top, word.x1, word.bottom, word.size, word.confidence, word.style),
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
    raw_words = page.extract_words(
        extra_attrs=["size", "fontname"], keep_blank_chars=False, use_text_flow=False
    )
    words: list[Word] = []
    for w in raw_words:
        text = w["text"].strip()
        if not text or not w.get("upright", True):
            continue
        size = float(w.get("size") or (w["bottom"] - w["top"]))
        box = (float(w["x0"]), float(w["top"]), float(w["x1"]), float(w["bottom"]))
        words.append(Word(text, *box, size, style=font_style(str(w.get("fontname") or ""))))
    return tidy_words(words)


def font_style(fontname: str) -> str:
    """ "Helvetica-BoldOblique" → "bold italic": what a font's name says of its
    weight and slant (a heading is bold, a note often italic; a wrapped line
    keeps the style of the line it continues)."""
    name = fontname.lower()
    bold = any(mark in name for mark in ("bold", "black", "heavy", "semibold", "demi"))
    italic = any(mark in name for mark in ("italic", "oblique"))
    return " ".join(style for style, present in (("bold", bold), ("italic", italic)) if present)


def tidy_words(words: list[Word]) -> list[Word]:
    """Words in reading order as printed → as the field readers want them: a
    "19 %" joined, a glued "No.:INV-1" split. Text layers and OCR alike."""
    tidy: list[Word] = []
    for word in words:
        previous = tidy[-1] if tidy else None
        if previous is not None and _joins_rate(previous, word):
            tidy[-1] = Word(
                f"{previous.text} {word.text}",
                previous.x0,
                min(previous.top, word.top),
                word.x1,
                max(previous.bottom, word.bottom),
                previous.size,
                min(previous.confidence, word.confidence),
                previous.style,
            )
            continue
        tidy.extend(_unglue(word))
    return tidy


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
    found_tables = page.find_tables()
    if not found_tables:
        return []
    by_middle = _CharsByMiddle(page.chars)
    tables = []
    for found in found_tables:
        texts = by_middle.table_texts(found)
        rows: list[list[Cell | None]] = []
        for row, row_texts in zip(found.rows, texts, strict=False):
            cells: list[Cell | None] = []
            for bbox, text in zip(row.cells, row_texts, strict=False):
                cells.append(None if bbox is None else _cell(text, bbox))
            rows.append(cells)
        if rows:
            tables.append(Table(page_number, rows, _box(found.bbox)))
    return tables


class _CharsByMiddle:
    """pdfplumber's `Table.extract()` — the same characters in each cell, in
    the same order, through the same `extract_text` — without scanning every
    character of the page once per table row, which made long tables the
    slowest part of reading a page (issue #19: bench/extract_speed.py). The
    page's characters are sorted by their vertical middle once; a row takes
    its band by bisection."""

    def __init__(self, chars: list[dict[str, Any]]) -> None:
        middles = [((c["top"] + c["bottom"]) / 2, i) for i, c in enumerate(chars)]
        middles.sort()
        self._chars = chars
        self._v_mids = [v for v, _ in middles]
        self._order = [i for _, i in middles]

    def _in_row(self, bbox: Sequence[float]) -> list[dict[str, Any]]:
        x0, top, x1, bottom = bbox
        band = self._order[bisect_left(self._v_mids, top) : bisect_left(self._v_mids, bottom)]
        chars = (self._chars[i] for i in sorted(band))  # the page's order, as pdfplumber keeps it
        return [c for c in chars if x0 <= (c["x0"] + c["x1"]) / 2 < x1]

    def table_texts(self, found: Any) -> list[list[str | None]]:
        from pdfplumber.utils import extract_text

        texts: list[list[str | None]] = []
        for row in found.rows:
            row_chars = self._in_row(row.bbox)
            cells: list[str | None] = []
            for cell in row.cells:
                if cell is None:
                    cells.append(None)
                    continue
                x0, top, x1, bottom = cell
                inside = [
                    c
                    for c in row_chars
                    if x0 <= (c["x0"] + c["x1"]) / 2 < x1 and top <= (c["top"] + c["bottom"]) / 2 < bottom
                ]
                cells.append(extract_text(inside) if inside else "")
            texts.append(cells)
        return texts


def _box(bbox: Sequence[float]) -> Box:
    """pdfplumber's (x0, top, x1, bottom) as floats."""
    x0, top, x1, bottom = bbox
    return (float(x0), float(top), float(x1), float(bottom))


def read_page(pdf: Any, page_obj: Any, number: int, doctop: float) -> Page:
    from activities.intake.pdf.plumber_page import LeanPage

    page = LeanPage(pdf, page_obj, page_number=number, initial_doctop=doctop)
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


def _cell(text: str | None, bbox: tuple[float, float, float, float]) -> Cell:
    lines = tuple(" ".join(line.split()) for line in (text or "").splitlines() if line.strip())
    return Cell(" ".join(lines), _box(bbox), lines)
