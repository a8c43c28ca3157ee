"""What a PDF page holds once read: words with their boxes and font sizes,
grouped into text lines and phrases (runs of words on a line with no column
gap between them), and the ruled tables pdfplumber finds.

`page` builds these from pdfplumber's output; every other module of the
extractor reads only these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

__all__ = ["Box", "Cell", "Line", "Page", "PdfText", "Phrase", "Table", "Word", "union"]


Box = tuple[float, float, float, float]  # x0, top, x1, bottom (PDF points from the top-left)


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    # How sure the reading of the word is: 1.0 for a text layer's characters,
    # Tesseract's own confidence (0–1) for a word read by OCR (`ocr`); it scales
    # the confidence of a field read from the word (`ocr_confidence`).
    confidence: float = 1.0
    style: str = ""  # "bold", "italic", "bold italic" or "" (`page.font_style`)

    @property
    def box(self) -> Box:
        return (self.x0, self.top, self.x1, self.bottom)


def union(boxes: list[Box]) -> Box:
    """The smallest box around all of `boxes`."""
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


@dataclass
class Phrase:
    """Words that read together on one line: a label, a value, a table cell."""

    words: list[Word]
    page: int

    # A phrase's and a line's words never change once grouped (`page.group_lines`),
    # and the readers ask for their text and box over and over: computed once.
    @cached_property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @cached_property
    def box(self) -> Box:
        return union([w.box for w in self.words])

    @property
    def size(self) -> float:
        return max(w.size for w in self.words)

    def slice(self, start: int, stop: int | None = None) -> Phrase:
        return Phrase(self.words[start:stop], self.page)


@dataclass
class Line:
    phrases: list[Phrase]
    page: int

    @property
    def words(self) -> list[Word]:
        return [w for p in self.phrases for w in p.words]

    @cached_property
    def text(self) -> str:
        return " ".join(p.text for p in self.phrases)

    @cached_property
    def box(self) -> Box:
        return union([p.box for p in self.phrases])

    @property
    def top(self) -> float:
        return self.box[1]

    @property
    def bottom(self) -> float:
        return self.box[3]

    @property
    def size(self) -> float:
        return max(p.size for p in self.phrases)


@dataclass
class Cell:
    text: str
    box: Box
    lines: tuple[str, ...] = ()  # the text as printed, line by line (a wrapped or detailed cell)


@dataclass
class Table:
    """A ruled table as pdfplumber found it: rows of cells (None where a cell
    spans from its neighbour)."""

    page: int
    rows: list[list[Cell | None]]
    box: Box


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    tables: list[Table]
    has_images: bool
    ocr: bool = False  # read from an image by OCR (a scan), not from a text layer

    @property
    def phrases(self) -> list[Phrase]:
        return [p for line in self.lines for p in line.phrases]


@dataclass
class PdfText:
    pages: list[Page]
    warnings: list[str] = field(default_factory=list)
