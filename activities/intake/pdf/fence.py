"""`read_pdf`: the words of a PDF and where they are, read within bounds.

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
import zlib
from collections.abc import Callable, Iterator
from typing import Any

from activities.intake.errors import ExtractionError
from activities.intake.limits import IntakeLimits
from activities.intake.pdf.page import read_page
from activities.intake.pdf.scan import ocr_scanned_pages
from activities.intake.pdf.serial import PDF_LIBRARIES
from activities.intake.pdf.text import Page, PdfText

__all__ = ["read_pdf"]


log = logging.getLogger(__name__)

# pdfminer logs a warning for every oddity of a broken file (hundreds for a
# hostile one); the extractor reports what matters as an ExtractionError.
for _name in ("pdfminer", "pdfplumber"):
    if logging.getLogger(_name).level == logging.NOTSET:
        logging.getLogger(_name).setLevel(logging.ERROR)

_HEADER_WINDOW = 1024  # "%PDF-" may follow a little junk (some mailers prepend a line)
_STREAM = re.compile(rb"stream\r?\n")


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


def read_pdf(
    raw: bytes, *, limits: IntakeLimits, progress: Callable[[int, int], None] | None = None
) -> PdfText:
    """The text of every page, or an ExtractionError for a file that is not a
    readable, text-bearing PDF within `limits`. One PDF at a time per process
    (serial.PDF_LIBRARIES: the libraries are not thread-safe); the time limit
    starts once this one's turn has come."""
    with PDF_LIBRARIES:
        return _read_pdf(raw, limits, progress)


def _read_pdf(raw: bytes, limits: IntakeLimits, progress: Callable[[int, int], None] | None) -> PdfText:
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
    return _check_text_layer(ocr_scanned_pages(raw, pages, deadline, limits.max_seconds))


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
            page = read_page(pdf, page_obj, number, doctop)
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
    """No text anywhere, even by OCR, is an error; an empty page among text
    pages is not, since the rest may still hold the whole document."""
    if not any(p.lines for p in pages):
        scanned = next((p for p in pages if p.has_images), None)
        if scanned is not None:
            raise ExtractionError(
                f"no text on page {scanned.number}, not even by OCR: a blank or unreadable scan?",
                f"page {scanned.number}",
            )
        raise ExtractionError("the PDF has no text on any page", "document")
    warnings = [
        f"page {p.number} holds an image but no text, even by OCR, and was not read"
        for p in pages
        if not p.lines and p.has_images
    ]
    return PdfText(pages, warnings)
