"""A supplier's PDF as page images, so the page shows the document itself in
any browser (a headless or locked-down browser has no PDF viewer) and can mark
where intake read a field: the field locations are boxes in PDF points from
the page's top-left (models.extraction.FieldLocation), the same units as the
page sizes here.

Rendering is pypdfium2 (PDFium, the engine Chromium's viewer uses), already
installed with pdfplumber. PDFium is not thread-safe, not even across
documents (pypdfium2 docs, "Incompatibility with Threading"): every call
into it holds the one lock of the PDF libraries (activities.intake.pdf.serial),
which intake's reading holds too.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import pypdfium2 as pdfium

from activities.intake.pdf.serial import PDF_LIBRARIES

__all__ = ["MAX_PAGES", "NotAPdf", "PageSize", "page_sizes", "render_png"]

MAX_PAGES = 20  # an invoice longer than this is shown in part; the file is a link away
RENDER_SCALE = 1.6  # 72 dpi × 1.6 ≈ 115 dpi: sharp on screen, small enough to send
_PDFIUM = PDF_LIBRARIES


@dataclass(frozen=True)
class PageSize:
    width: float  # points
    height: float


class NotAPdf(ValueError):
    """The bytes are not a PDF PDFium can open (or the page does not exist)."""


def page_sizes(raw: bytes) -> list[PageSize]:
    """The size of each page (up to MAX_PAGES); [] when PDFium cannot open it."""
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(raw)
        except pdfium.PdfiumError:
            return []
        try:
            return [PageSize(*document[i].get_size()) for i in range(min(len(document), MAX_PAGES))]
        finally:
            document.close()


def render_png(raw: bytes, page_no: int) -> bytes:
    """Page `page_no` (1-based) as a PNG."""
    with _PDFIUM:
        try:
            document = pdfium.PdfDocument(raw)
        except pdfium.PdfiumError as exc:
            raise NotAPdf(f"not a readable PDF: {exc}") from None
        try:
            if not 1 <= page_no <= min(len(document), MAX_PAGES):
                raise NotAPdf(f"the PDF has no page {page_no} to show")
            image = document[page_no - 1].render(scale=RENDER_SCALE).to_pil()
        finally:
            document.close()
    out = io.BytesIO()
    image.save(out, format="PNG", optimize=True)
    return out.getvalue()
