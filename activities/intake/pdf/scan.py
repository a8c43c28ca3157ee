"""Scans → pages read by OCR (`ocr`): the pages of a PDF that hold images but
no text (rendered by PDFium at 300 dpi), and image files (PNG, JPEG, TIFF,
every frame of a multi-page TIFF), each within the intake limits.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any

from activities.intake.errors import ExtractionError
from activities.intake.limits import IntakeLimits
from activities.intake.pdf.ocr import DPI, MAX_SIDE, ocr_page
from activities.intake.pdf.text import Page, PdfText

__all__ = ["MAX_PIXELS", "ocr_scanned_pages", "read_image"]


# An A4 page scanned at 600 dpi is 35 Mpx; more is a bomb or a poster.
MAX_PIXELS = 40_000_000
_LOW_DPI = 200  # below this, an image is upscaled to `DPI` first: Tesseract misreads small glyphs
_MIN_DPI, _MAX_DPI = 50, 1200  # a resolution outside these is not believed


def ocr_scanned_pages(raw: bytes, pages: list[Page], deadline: float, max_seconds: float) -> list[Page]:
    """`pages` with each page that has images but no text replaced by the
    page OCR reads on it (rendered from `raw` by PDFium)."""
    scanned = [page.number for page in pages if not page.lines and page.has_images]
    if not scanned:
        return pages
    import pypdfium2 as pdfium  # imported on use: only scans need it

    read = list(pages)
    try:
        document = pdfium.PdfDocument(raw)
    except pdfium.PdfiumError as err:
        raise ExtractionError(f"cannot render the scanned pages ({err})", "document") from None
    try:
        for number in scanned:
            page = document[number - 1]
            width, height = page.get_size()
            scale = min(DPI / 72.0, MAX_SIDE / max(width, height, 1.0))
            image = page.render(scale=scale, grayscale=True).to_pil()
            read[number - 1] = ocr_page(image, number, 72.0 * scale, _left(deadline))
            _check_time(deadline, max_seconds, number)
    finally:
        document.close()
    return read


def read_image(
    raw: bytes, *, limits: IntakeLimits, progress: Callable[[int, int], None] | None = None
) -> PdfText:
    """The pages of an image file read by OCR: one per frame (a multi-page
    TIFF), at most `limits.max_pages`."""
    from PIL import Image, ImageSequence, UnidentifiedImageError

    deadline = time.monotonic() + limits.max_seconds
    try:
        image = Image.open(io.BytesIO(raw))
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError) as err:
        raise ExtractionError(f"not a readable image ({err})", "document") from None
    frames = getattr(image, "n_frames", 1)
    if frames > limits.max_pages:
        raise ExtractionError(
            f"the image has {frames:,} pages; poflow reads at most {limits.max_pages}", "document"
        )
    pages: list[Page] = []
    try:
        for index, frame in enumerate(ImageSequence.Iterator(image)):
            number = index + 1
            prepared, dpi = _prepared(frame, number)
            pages.append(ocr_page(prepared, number, dpi, _left(deadline)))
            if progress is not None:
                progress(number, frames)
            _check_time(deadline, limits.max_seconds, number)
    except ExtractionError:
        raise
    except (OSError, ValueError, Image.DecompressionBombError) as err:  # a truncated or broken frame
        raise ExtractionError(f"cannot decode the image ({err})", f"page {len(pages) + 1}") from None
    return PdfText(pages)


def _prepared(frame: Any, number: int) -> tuple[Any, float]:
    """A frame as Tesseract reads it best — upright (EXIF orientation), on
    white where it is transparent, in grey, upscaled to `DPI` when coarse —
    and its resolution."""
    from PIL import Image, ImageOps

    if frame.width * frame.height > MAX_PIXELS:
        raise ExtractionError(
            f"the image is {frame.width}×{frame.height} pixels, over {MAX_PIXELS:,}", f"page {number}"
        )
    dpi = _resolution(frame)
    image = ImageOps.exif_transpose(frame)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, "white")
        image = Image.alpha_composite(white, rgba)
    image = image.convert("L")
    if dpi < _LOW_DPI:
        factor = min(DPI / dpi, MAX_SIDE / max(image.width, image.height, 1))
        if factor > 1:
            size = (round(image.width * factor), round(image.height * factor))
            image = image.resize(size, Image.Resampling.LANCZOS)
            dpi *= factor
    return image, dpi


def _resolution(image: Any) -> float:
    """The image's dots per inch as it says, else as if it were a page about
    8.5 inches wide (a scan of A4 or US letter): coordinates in points, and
    so the readers' gaps and sizes, then come out as on a printed page."""
    stated = image.info.get("dpi")
    if stated:
        try:
            dpi = float(stated[0])
        except (TypeError, ValueError, IndexError):
            dpi = 0.0
        if _MIN_DPI <= dpi <= _MAX_DPI:
            return dpi
    return max(float(_MIN_DPI), image.width / 8.5)


def _left(deadline: float) -> float:
    """Seconds left for one Tesseract run (at least one, so it can start and fail)."""
    return max(1.0, deadline - time.monotonic())


def _check_time(deadline: float, max_seconds: float, number: int) -> None:
    if time.monotonic() > deadline:
        raise ExtractionError(f"reading the scan took longer than {max_seconds:g} s", f"page {number}")
