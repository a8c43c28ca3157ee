"""The words of a PDF and where they are, read within bounds.

Everything the PDF extractor knows comes from here: words with their boxes and
font sizes, grouped into text lines and into phrases (runs of words on a line
with no column gap between them), plus the ruled tables pdfplumber finds.

Reading a PDF is where hostile files bite, so this module is the fence:
- the byte size and the declared page count are checked before any page is
  parsed (a 2,000-page file is refused after reading its page tree root, not
  its pages), and page iteration stops at the limit whatever the tree claims;
- compressed streams are test-inflated with a cap first, so a zip bomb is
  refused before pdfminer inflates it in one piece;
- wall time is checked between pages (a single page cannot be interrupted);
- every pdfminer/pdfplumber failure becomes an `ExtractionError` naming the page.
"""

from __future__ import annotations

import io
import logging
import re
import time
import unicodedata
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import Any

from activities.intake.errors import ExtractionError
from activities.intake.limits import IntakeLimits

__all__ = [
    "Cell",
    "Line",
    "Page",
    "PdfText",
    "Phrase",
    "Table",
    "Word",
    "first_token",
    "group_lines",
    "match_prefix",
    "read_pdf",
    "tokens",
]

log = logging.getLogger(__name__)
# pdfminer logs a warning for every oddity of a broken file (hundreds for a
# hostile one); the extractor reports what matters as an ExtractionError.
for _name in ("pdfminer", "pdfplumber"):
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(logging.ERROR)

Box = tuple[float, float, float, float]  # x0, top, x1, bottom (PDF points from the top-left)

PHRASE_GAP = 0.75  # a gap wider than this many font sizes separates two phrases (columns)
_SIZE_RATIO = (
    1.7  # words this much larger or smaller are not on one text line (a title beside the letterhead)
)
_HEADER_WINDOW = 1024  # "%PDF-" may follow a little junk (some mailers prepend a line)
_STREAM = re.compile(rb"stream\r?\n")


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float

    @property
    def box(self) -> Box:
        return (self.x0, self.top, self.x1, self.bottom)


def _union(boxes: list[Box]) -> Box:
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

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    @property
    def box(self) -> Box:
        return _union([w.box for w in self.words])

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

    @property
    def text(self) -> str:
        return " ".join(p.text for p in self.phrases)

    @property
    def box(self) -> Box:
        return _union([p.box for p in self.phrases])

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

    @property
    def phrases(self) -> list[Phrase]:
        return [p for line in self.lines for p in line.phrases]


@dataclass
class PdfText:
    pages: list[Page]
    warnings: list[str] = field(default_factory=list)


# --- the fence ---------------------------------------------------------------


def _check_envelope(raw: bytes, limits: IntakeLimits) -> None:
    if not raw:
        raise ExtractionError("the file is empty", "byte 0")
    if len(raw) > limits.max_bytes:
        raise ExtractionError(f"the PDF is {len(raw):,} bytes, over the {limits.max_bytes:,}-byte limit")
    if b"%PDF-" not in raw[:_HEADER_WINDOW]:
        raise ExtractionError(f"not a PDF: the file starts with {raw[:16]!r}, not %PDF-", "byte 0")


def _check_unpacked(raw: bytes, limits: IntakeLimits, deadline: float) -> None:
    """Inflate every stream with a cap, so that compressed bombs are refused
    before pdfminer inflates them whole. Streams that are not zlib are skipped:
    pdfminer decodes those itself and none of them multiply data as zlib can."""
    budget = limits.max_unpacked_bytes
    for match in _STREAM.finditer(raw):
        end = raw.find(b"endstream", match.end())
        data = raw[match.end() : end if end >= 0 else len(raw)]
        inflater = zlib.decompressobj()
        try:
            out = inflater.decompress(data, budget + 1)
        except zlib.error:
            continue
        budget -= len(out)
        if budget < 0:
            raise ExtractionError(
                f"the PDF's streams unpack to more than {limits.max_unpacked_bytes:,} bytes "
                "(a compression bomb?)",
                f"byte {match.start()}",
            )
        if time.monotonic() > deadline:
            raise ExtractionError(f"reading the PDF took longer than {limits.max_seconds:g} s")


def _describe(exc: BaseException) -> str:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    text = str(inner).strip().splitlines()[0][:200] if str(inner).strip() else ""
    return f"{type(inner).__name__}: {text}" if text else type(inner).__name__


def _is_password_error(exc: BaseException) -> bool:
    inner = exc.args[0] if exc.args and isinstance(exc.args[0], BaseException) else exc
    return type(inner).__name__ in (
        "PDFPasswordIncorrect",
        "PDFEncryptionError",
        "PDFEncryptionWarning",
        "PDFEncryptionNotSupported",
    )


def _open(raw: bytes) -> Any:
    import pdfplumber  # imported on use: pdfminer is heavy and only PDFs need it

    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
    except Exception as exc:  # pdfminer raises anything from struct.error to KeyError on broken files
        if _is_password_error(exc):
            raise ExtractionError(
                "encrypted PDF: it needs a password to open; ask the sender for an unprotected copy",
                "document",
            ) from None
        raise ExtractionError(f"not a readable PDF ({_describe(exc)})", "document") from None
    return pdf


def _declared_page_count(pdf: Any) -> int | None:
    from pdfminer.pdftypes import resolve1

    try:
        root = resolve1(pdf.doc.catalog.get("Pages"))
        count = resolve1(root.get("Count")) if isinstance(root, dict) else None
    except Exception:  # a broken page tree root: the page walk below will say more
        return None
    return count if isinstance(count, int) and count >= 0 else None


def _page_objects(pdf: Any, limit: int) -> Iterator[Any]:
    """pdfminer's page objects, but never more than `limit` (plus one, to know
    that there are more): pdfplumber's `pages` would build them all first."""
    from pdfminer.pdfpage import PDFPage

    for number, page in enumerate(PDFPage.create_pages(pdf.doc), start=1):
        if number > limit:
            raise ExtractionError(
                f"the PDF has more than {limit} pages; poflow reads at most {limit}", f"page {number}"
            )
        yield page


# --- one page --------------------------------------------------------------------


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


def _read_page(pdf: Any, page_obj: Any, number: int, doctop: float) -> Page:
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


# --- the entry ---------------------------------------------------------------------


def read_pdf(
    raw: bytes, *, limits: IntakeLimits, progress: Callable[[int, int], None] | None = None
) -> PdfText:
    """The text of every page, or an ExtractionError for a file that is not a
    readable, text-bearing PDF within `limits`."""
    deadline = time.monotonic() + limits.max_seconds
    _check_envelope(raw, limits)
    _check_unpacked(raw, limits, deadline)
    pdf = _open(raw)
    try:
        declared = _declared_page_count(pdf)
        if declared is not None and declared > limits.max_pages:
            raise ExtractionError(
                f"the PDF has {declared:,} pages; poflow reads at most {limits.max_pages}", "document"
            )
        pages = _read_pages(pdf, limits, deadline, declared, progress)
    finally:
        try:
            pdf.close()
        except Exception:  # closing a half-read broken file must not hide the real error
            pass
    return _check_text_layer(pages)


def _read_pages(
    pdf: Any,
    limits: IntakeLimits,
    deadline: float,
    declared: int | None,
    progress: Callable[[int, int], None] | None,
) -> list[Page]:
    pages: list[Page] = []
    doctop = 0.0
    number = 0
    objects = _page_objects(pdf, limits.max_pages)
    while True:
        where = f"page {number + 1}"
        try:
            page_obj = next(objects)
            number += 1
            page = _read_page(pdf, page_obj, number, doctop)
        except StopIteration:
            break
        except ExtractionError:
            raise
        except RecursionError:
            raise ExtractionError("the PDF's structure is nested too deeply to read", where) from None
        except Exception as exc:
            if _is_password_error(exc):
                raise ExtractionError("encrypted PDF: its content cannot be decrypted", where) from None
            raise ExtractionError(f"cannot read the page ({_describe(exc)})", where) from None
        pages.append(page)
        doctop += page.height
        if progress is not None:
            progress(number, max(declared or 0, number))
        if time.monotonic() > deadline:
            raise ExtractionError(f"reading the PDF took longer than {limits.max_seconds:g} s", where)
    if not pages:
        raise ExtractionError("the PDF has no pages", "document")
    return pages


def _check_text_layer(pages: list[Page]) -> PdfText:
    """No text anywhere is an error (a scan); a scanned page among text pages
    is a warning, since the rest may still hold the whole document."""
    text_pages = [p for p in pages if p.lines]
    if not text_pages:
        scanned = next((p for p in pages if p.has_images), None)
        if scanned is not None:
            raise ExtractionError(
                f"no text layer on page {scanned.number}: scanned image? poflow does not OCR",
                f"page {scanned.number}",
            )
        raise ExtractionError("the PDF has no text on any page", "document")
    warnings = [
        f"page {p.number} has no text layer (a scanned image?) and was not read; poflow does not OCR"
        for p in pages
        if not p.lines and p.has_images
    ]
    return PdfText(pages, warnings)


# --- label matching ------------------------------------------------------------

# Abbreviations of "number" in the seven languages all read as "no", so that
# "Invoice #", "Invoice No.", "Invoice Number", "Factura nº" and "Fattura n."
# need one label each, not five.
_NUMBER_WORDS = frozenset({"no", "n", "nr", "nro", "num", "numero", "number", "nummer", "nb", "nos"})
_NUMBER_SIGNS = str.maketrans({"#": " no ", "º": " no ", "°": " no ", "№": " no "})


def tokens(text: str) -> list[str]:
    """Lower-case, accent-free word tokens of a label: `Facture n°:` →
    ['facture', 'no'], `Rechnungs-Nr.` → ['rechnungs', 'no']."""
    return list(_tokens(text))


_RATE = re.compile(r"^\(?[+-]?\d{1,2}(?:[.,]\d{1,2})?\s?%\)?:?$")


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    if _RATE.match(text):  # "VAT 19%", "zzgl. 19% USt.": a rate inside a label is read past, like punctuation
        return ()
    decomposed = unicodedata.normalize("NFKD", text.translate(_NUMBER_SIGNS))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return tuple("no" if t in _NUMBER_WORDS else t for t in re.findall(r"[a-z0-9]+", plain))


def first_token(words: list[Word]) -> str | None:
    """The first label token of a run of words (None if they start with bare punctuation)."""
    for word in words[:1]:
        found = _tokens(word.text)
        return found[0] if found else None
    return None


def match_prefix(words: list[Word], label: tuple[str, ...]) -> int:
    """How many of `words` the label covers from the start (0: no match). A
    label must end at a word boundary; a word that is only punctuation (`:`,
    `-`) right after it is taken with it."""
    if not label:
        return 0
    position = 0
    for index, word in enumerate(words):
        word_tokens = _tokens(word.text)
        if not word_tokens:
            if position == len(label):  # a colon or dash after the label goes with it; a rate does not
                return index + 1 if not any(c.isalnum() for c in word.text) else index
            if position == 0:
                return 0
            continue
        if position == len(label):
            return index
        if word_tokens != label[position : position + len(word_tokens)]:
            return 0
        position += len(word_tokens)
    return len(words) if position == len(label) else 0
