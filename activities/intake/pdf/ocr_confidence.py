"""A field read by OCR is only as sure as the OCR was of its words: each
field's confidence (how sure its label, position and parse make it) is
multiplied by the lowest OCR confidence (Tesseract's, 0–1) of the words
printed where the field was read (its location box). The two doubts are
independent, so they compound: capped at the OCR's alone, a field beside a
sure label kept Tesseract's 0.81–0.83 for the misread digits of a blurred
scan ("1254.28" for 1254.26), over the review gate's 0.8; multiplied, it
falls under it.

Text-layer words are sure (`Word.confidence` 1.0), so a text PDF's fields are
never changed here.
"""

from __future__ import annotations

from activities.intake.pdf.text import Box, Page, Word
from models.extraction import FieldLocation

__all__ = ["scale_by_ocr", "words_confidence"]


_SLACK = 0.5  # points: a location box is rounded to 0.1 pt, and a word's centre must fall inside it


def words_confidence(page: Page, box: Box) -> float | None:
    """The lowest confidence of `page`'s words whose centre is inside `box`;
    None when no word is (a derived field, or a box of other words)."""
    inside = [word.confidence for word in _words(page) if _centre_in(word, box)]
    return min(inside) if inside else None


def scale_by_ocr(
    confidence: dict[str, float], locations: dict[str, FieldLocation], pages: list[Page]
) -> list[str]:
    """Scale, in place, the confidence of every field located on a page read
    by OCR by the OCR's confidence of its words; the fields scaled."""
    by_number = {page.number: page for page in pages if page.ocr}
    scaled: list[str] = []
    for path, location in locations.items():
        page = by_number.get(location.page) if location.page is not None else None
        if page is None or location.box is None or path not in confidence:
            continue
        read = words_confidence(page, location.box)
        if read is not None and read < 1.0:
            confidence[path] = round(confidence[path] * read, 3)
            scaled.append(path)
    return scaled


def _words(page: Page) -> list[Word]:
    return [word for line in page.lines for word in line.words]


def _centre_in(word: Word, box: Box) -> bool:
    x = (word.x0 + word.x1) / 2
    y = (word.top + word.bottom) / 2
    return box[0] - _SLACK <= x <= box[2] + _SLACK and box[1] - _SLACK <= y <= box[3] + _SLACK
