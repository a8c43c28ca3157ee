"""An image of a page → a `Page`, read by Tesseract (Debian's `tesseract-ocr`,
driven through pytesseract): each word with its box in PDF points and
Tesseract's own confidence, grouped into lines and phrases by the same
`page.group_lines` as a text layer, so every field and line reader works on a
scan unchanged.

Tesseract's `image_to_data` (TSV) gives per word: `left`, `top`, `width`,
`height` in pixels, `conf` 0–100 (-1 for a layout row that is no word), and
`block_num`/`par_num`/`line_num` naming the text line it belongs to.
"""

from __future__ import annotations

import functools
import os
from collections import defaultdict
from typing import Any

from activities.intake.errors import ExtractionError
from activities.intake.pdf.page import group_lines, tidy_words
from activities.intake.pdf.ruling import find_rules
from activities.intake.pdf.scan_tables import ruled_tables
from activities.intake.pdf.text import Page, Word

__all__ = ["DPI", "LANGUAGES", "MISSING", "languages", "ocr_page"]


# The PDF reader's seven languages, as Tesseract names its packs
# (tesseract-ocr-deu…; English comes with tesseract-ocr itself).
LANGUAGES = ("eng", "deu", "fra", "spa", "ita", "nld", "swe")
DPI = 300  # what Tesseract is trained for: body text 10 pt is ~40 px high
MISSING = (
    "scanned image: reading it needs Tesseract OCR, which is not installed "
    "(apt-get install tesseract-ocr, or run `python3 dev.py test` once as root)"
)
# A page rendered or upscaled for OCR never exceeds this many pixels a side:
# an A4 page at 300 dpi is 3508 px high, so only absurd pages are shrunk.
MAX_SIDE = 5000
# A text line's font size over its tallest word box: a box runs from the top
# of the word's tallest glyph to the bottom of its lowest, from the cap height
# (0.7 em: "100", "EA") to the full em ("Nitrile gloves," has both), so its
# size (a text layer's `size`, which the readers' gaps are measured in) is
# about 1.25 times the box, within a tenth or so.
_BOX_TO_SIZE = 1.25


def _binding() -> Any:
    import pytesseract  # imported on use: only scans need it

    return pytesseract


def languages() -> str:
    """The installed packs of `LANGUAGES` joined for Tesseract ("eng+deu+…");
    ExtractionError naming what to install when the binary is missing."""
    return _installed(_binding().pytesseract.tesseract_cmd)


@functools.cache
def _installed(command: str) -> str:
    """Asked once per Tesseract binary (`--list-langs` starts a process)."""
    binding = _binding()
    try:
        installed = set(binding.get_languages(config=""))
    except binding.TesseractNotFoundError:
        raise ExtractionError(MISSING, "document") from None
    found = [lang for lang in LANGUAGES if lang in installed]
    if not found:
        raise ExtractionError(
            "scanned image: Tesseract has none of the language packs poflow reads "
            "(apt-get install tesseract-ocr-eng)",
            "document",
        )
    return "+".join(found)


def ocr_page(image: Any, number: int, dpi: float, timeout: float = 0) -> Page:
    """The words Tesseract reads on `image` (a PIL image at `dpi`) as page
    `number`, in points (72 a inch) from the top-left, like a text layer;
    Tesseract is stopped after `timeout` seconds (0: never)."""
    binding = _binding()
    gray = image.convert("L")
    # One thread: Tesseract's OpenMP threads made a page slower, not faster,
    # on two cores (measured with Tesseract 5.3: about 4 s against 7 s a page).
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    erased, rules = find_rules(gray)
    try:
        data = binding.image_to_data(
            erased,
            lang=languages(),
            config="--psm 3",  # automatic page segmentation: columns, blocks, lines
            output_type=binding.Output.DICT,
            timeout=max(0.0, timeout),
        )
    except binding.TesseractNotFoundError:
        _installed.cache_clear()  # removed since it was asked: ask again next time
        raise ExtractionError(MISSING, f"page {number}") from None
    except binding.TesseractError as err:
        raise ExtractionError(f"OCR failed ({err.message or err.status})", f"page {number}") from None
    except RuntimeError as err:  # pytesseract's "Tesseract process timeout"
        raise ExtractionError(f"OCR stopped: {err}", f"page {number}") from None
    words = tidy_words(_words(data, 72.0 / dpi))
    return Page(
        number,
        gray.width * 72.0 / dpi,
        gray.height * 72.0 / dpi,
        group_lines(words, number),
        ruled_tables(rules, words, number, 72.0 / dpi),
        True,
        ocr=True,
    )


def _words(data: dict[str, list[Any]], scale: float) -> list[Word]:
    """Tesseract's rows → words in points; every word of a text line gets the
    line's font size (its tallest box), as a text layer's words of one run
    share theirs, so that "a" and "Total" stay one line and one phrase."""
    by_line: dict[tuple[int, int, int], list[int]] = defaultdict(list)
    for i, text in enumerate(data["text"]):
        if str(text).strip() and float(data["conf"][i]) >= 0:
            by_line[(data["block_num"][i], data["par_num"][i], data["line_num"][i])].append(i)
    words: list[Word] = []
    for rows in by_line.values():
        size = max(int(data["height"][i]) for i in rows) * scale * _BOX_TO_SIZE
        for i in rows:
            left, top = int(data["left"][i]) * scale, int(data["top"][i]) * scale
            words.append(
                Word(
                    str(data["text"][i]).strip(),
                    left,
                    top,
                    left + int(data["width"][i]) * scale,
                    top + int(data["height"][i]) * scale,
                    size,
                    min(1.0, float(data["conf"][i]) / 100.0),
                )
            )
    return words
