"""The real-layouts set (tests/samples/real-layouts/): real invoices from public,
reuse-licensed sources, with their ground truth, for `bench/real_pdf_bench.py`.

Each document is `<name>.expected.json` plus either the source's own PDF
(`<name>.pdf`, kept as published) or, where the source published only the text
a PDF-to-text tool made of it (`pdftotext -layout`), `<name>.txt`. A text is
rendered back into a PDF here so that the PDF reader sees the same words in the
same columns: every word is placed at its character column in a monospaced
font, every line on its own baseline, a form feed starts a new page. That is
not the original PDF (fonts, rules, boxes and logos are gone), but the words,
their order and their horizontal positions are the source's.

Which documents are blind (never looked at while improving the extractor) is a
fixed rule on the file name, so adding documents never moves an old one
between the parts: see `is_blind` and MANIFEST.md.

    python tools/real_layouts.py OUT_DIR   # write every text's rendering as OUT_DIR/<name>.pdf
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from fpdf import FPDF

__all__ = ["REQUIRED_FIELDS", "SET_DIR", "RealDocument", "is_blind", "load_set", "render_text_pdf"]

SET_DIR = Path(__file__).resolve().parents[1] / "tests" / "samples" / "real-layouts"
# Fields every expected file states; po_number is scored only where a document has one.
REQUIRED_FIELDS = ("invoice_number", "invoice_date", "total", "currency")
OPTIONAL_FIELDS = ("po_number",)
# A monospaced TTF for text outside latin-1 (Polish, Czech, …); Debian's fonts-dejavu-core.
MONO_TTF = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")
_PAGE_W, _PAGE_H, _MARGIN = 595.28, 841.89, 28.0  # A4 in points
_MAX_SIZE, _ADVANCE = 9.0, 0.6  # a monospaced glyph is 0.6 em wide (Courier, DejaVu Sans Mono)
_FIXED_TIME = datetime(2026, 1, 1, tzinfo=UTC)  # same text, same bytes
_WORD = re.compile(r"\S+")


def is_blind(name: str) -> bool:
    """The blind part: a third of the names, by their SHA-256 (MANIFEST.md).
    Stable: a name's part never depends on which other files exist."""
    return int(hashlib.sha256(name.encode()).hexdigest(), 16) % 3 == 0


@dataclass(frozen=True)
class RealDocument:
    name: str
    expected: dict[str, Any]  # {"language", "ground_truth", "fields": {...}, "amount_due"?, "vendor_tax_id"?}
    pdf_path: Path | None  # the source's own PDF, when it published one
    text_path: Path | None  # else the source's text rendering

    @property
    def blind(self) -> bool:
        return is_blind(self.name)

    def pdf(self) -> bytes:
        """The bytes the extractor reads: the source PDF, or the text rendered."""
        if self.pdf_path is not None:
            return self.pdf_path.read_bytes()
        assert self.text_path is not None
        return render_text_pdf(self.text_path.read_text(encoding="utf-8"))


def load_set(directory: Path = SET_DIR) -> list[RealDocument]:
    """Every `<name>.expected.json` with its PDF or text, sorted by name."""
    documents = []
    for expected_path in sorted(directory.glob("*.expected.json")):
        name = expected_path.name.removesuffix(".expected.json")
        pdf, text = directory / f"{name}.pdf", directory / f"{name}.txt"
        documents.append(
            RealDocument(
                name=name,
                expected=json.loads(expected_path.read_text(encoding="utf-8")),
                pdf_path=pdf if pdf.exists() else None,
                text_path=text if text.exists() and not pdf.exists() else None,
            )
        )
    return documents


def render_text_pdf(text: str, *, font_path: Path | None = MONO_TTF) -> bytes:
    """A PDF with `text`'s words at their columns: one monospaced size for the
    whole document, small enough for its widest line to fit the page width."""
    pages = [page.split("\n") for page in text.replace("\r\n", "\n").split("\f")]
    widest = max((len(line.rstrip()) for page in pages for line in page), default=1)
    size = min(_MAX_SIZE, (_PAGE_W - 2 * _MARGIN) / (max(widest, 1) * _ADVANCE))
    leading = size * 1.25
    per_page = int((_PAGE_H - 2 * _MARGIN) / leading)
    pdf = FPDF(orientation="P", unit="pt", format="A4")
    pdf.set_creation_date(_FIXED_TIME)
    pdf.set_auto_page_break(False)
    family = _font(pdf, font_path)
    pdf.set_font(family, "", size)
    text_of: Callable[[str], str] = _latin1 if family == "Courier" else _same
    for page in pages:
        for start in range(0, max(len(page), 1), per_page):  # a long page goes on over several
            pdf.add_page()
            for row, line in enumerate(page[start : start + per_page]):
                baseline = _MARGIN + (row + 1) * leading
                for word in _WORD.finditer(line.expandtabs(8)):
                    pdf.text(_MARGIN + word.start() * size * _ADVANCE, baseline, text_of(word.group()))
    return bytes(pdf.output())


def _font(pdf: FPDF, font_path: Path | None) -> str:
    """DejaVu Sans Mono when the machine has it; else the core Courier, with
    the text folded to latin-1 (so a Polish 'ł' reads 'l': noted in MANIFEST.md)."""
    if font_path is not None and font_path.exists():
        pdf.add_font("Mono", "", str(font_path))
        return "Mono"
    return "Courier"


_FOLD = str.maketrans({"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ø": "o", "Ø": "O", "ß": "ss"})


def _same(text: str) -> str:
    return text


def _latin1(text: str) -> str:
    """Fold what latin-1 cannot print to its base letter (ą→a, Ż→Z)."""
    if all(ord(char) < 256 for char in text):
        return text
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD))
    return "".join(char for char in folded if ord(char) < 256 and not unicodedata.combining(char))


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    out = Path(argv[0])
    out.mkdir(parents=True, exist_ok=True)
    for document in load_set():
        if document.text_path is not None:
            (out / f"{document.name}.pdf").write_bytes(document.pdf())
            print(out / f"{document.name}.pdf")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
