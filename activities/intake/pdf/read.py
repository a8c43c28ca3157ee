"""`extract_pdf`: a PDF invoice, credit note or order acknowledgment in any
layout and any of seven languages → `Extracted` documents.

The steps, each in its own module of this package:
1. `fence` reads words and their boxes within the intake limits;
2. here, pages are split into documents (a new title with a new number starts
   one) and each is classified by its title (`titles`): invoice, credit note,
   or order acknowledgment;
3. the document's conventions (decimal mark, day/month order, language) are
   decided once from all its text (`conventions`);
4. `lines` reads the line table, `fields` the labelled header fields
   outside it;
5. `build` puts them into the model's fields, and `confidence` cross-checks
   the arithmetic and adjusts confidences.

Nothing is vendor-specific: accuracy comes from labels, positions and the
arithmetic a real invoice obeys.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from activities.intake.pdf.build import (
    NUMBER_FIELDS,
    Builder,
    build_acknowledgment,
    build_invoice,
    check_arithmetic,
    put_currency,
    put_vendor,
    vendor_hint,
)
from activities.intake.pdf.conventions import Reading, decide_reading
from activities.intake.pdf.fence import read_pdf
from activities.intake.pdf.field_dates import find_place_date, find_title_date
from activities.intake.pdf.field_hit import FieldHit, stand_in
from activities.intake.pdf.field_terms import find_terms_sentence
from activities.intake.pdf.fields import best_hits, find_field_candidates, find_fields
from activities.intake.pdf.lines import LineTable, find_line_items
from activities.intake.pdf.ocr_confidence import scale_by_ocr
from activities.intake.pdf.scan import read_image
from activities.intake.pdf.text import Page, PdfText
from activities.intake.pdf.titles import Title, classify_page
from models.extraction import Extracted, ExtractedKind, SourceFormat

__all__ = ["IMAGE_FORMAT", "OCR_FORMAT", "extract_image", "extract_pdf"]


FORMAT = SourceFormat.PDF.value
OCR_FORMAT = f"{FORMAT}-ocr"  # a PDF with scanned pages: some or all of it was read by OCR
IMAGE_FORMAT = f"{SourceFormat.IMAGE.value}-ocr"  # a PNG, JPEG or TIFF scan


@dataclass
class _Part:
    """One document of the file: its title, pages and number, as far as found."""

    title: Title | None
    pages: list[Page]
    number: str | None


def _number_on(page: Page, kind: ExtractedKind) -> str | None:
    hits = find_fields([page], NUMBER_FIELDS[kind], Reading())
    for name in NUMBER_FIELDS[kind]:
        if name in hits:
            return str(hits[name].value)
    return None


def _split(pages: list[Page]) -> list[_Part]:
    """A page with a title whose kind or number differs from the current
    document's starts a new document; other pages continue the current one."""
    parts: list[_Part] = []
    for page in pages:
        title = classify_page(page)
        number = _number_on(page, title.kind) if title else None
        current = parts[-1] if parts else None
        if current is None or (
            title is not None
            and current.title is not None
            and (
                title.kind != current.title.kind
                or (number is not None and current.number is not None and number != current.number)
            )
        ):
            parts.append(_Part(title, [page], number))
            continue
        current.pages.append(page)
        if current.title is None and title is not None:
            current.title = title
        if current.number is None:
            current.number = number
    return parts


_HEADER_FIELDS = (
    "invoice_number",
    "credit_number",
    "ack_number",
    "po_number",
    "date",
    "currency",
    "vendor_number",
    "subtotal",
    "tax",
    "freight",
    "total",
    "amount_due",
    "payment_terms",
    "original_invoice",
    "status",
    "message",
    "order_date",
    "reference",
)


def _extract_part(part: _Part, vendor_id: str | None, read_warnings: list[str], fmt: str) -> Extracted:
    kind = part.title.kind if part.title else ExtractedKind.INVOICE
    reading, warnings = decide_reading(part.pages, part.title.language if part.title else None)
    acknowledgment = kind == ExtractedKind.ACKNOWLEDGMENT
    table = find_line_items(part.pages, reading, acknowledgment=acknowledgment)
    candidates = find_field_candidates(part.pages, _HEADER_FIELDS, reading, excluded=table.covers)
    hits = best_hits(candidates)
    if "payment_terms" not in hits and not acknowledgment:
        sentence = find_terms_sentence(part.pages, table.covers)
        if sentence is not None:
            hits["payment_terms"] = sentence
    builder = Builder()
    builder.warnings.extend(read_warnings + warnings)
    if "date" not in hits:
        _unlabelled_date(part, reading, table, hits, builder)
    if part.title is None:
        builder.warnings.append("no document title found; read as an invoice")
    if acknowledgment:
        build_acknowledgment(builder, part.title, hits, table)
    else:
        build_invoice(builder, kind, part.title, hits, table, part.pages, candidates)
        put_currency(builder, hits, part.pages, reading)
        check_arithmetic(builder, hits, kind)
    put_vendor(builder, hits, vendor_id)
    _mark_ocr(builder, part.pages)
    return Extracted(
        kind=kind,
        format=fmt,
        document=builder.document,
        confidence=builder.confidence,
        locations=builder.locations,
        warnings=builder.warnings,
        vendor_hint=vendor_hint(part.pages, part.title),
    )


def _unlabelled_date(
    part: _Part, reading: Reading, table: LineTable, hits: dict[str, FieldHit], builder: Builder
) -> None:
    """No date label: a date alone beside the title, else a letter's place and
    date, else the date of the order or sale, each at a confidence that sends
    it to review."""
    beside_title = find_title_date(part.pages, part.title.phrase if part.title else None, reading)
    found = beside_title or find_place_date(part.pages, reading, table.covers)
    if found is not None:
        hits["date"] = found
        where = "beside the title" if beside_title else "from the letter's place and date"
        builder.warnings.append(f"no date label: the date was read {where} ({found.text!r})")
    elif "order_date" in hits:
        hits["date"] = stand_in(hits["order_date"], "date")
        builder.warnings.append(
            f"no invoice date printed: the order date ({hits['order_date'].text!r}) was taken as the invoice date"
        )


def extract_pdf(
    raw: bytes,
    *,
    vendor_id: str | None = None,
    limits: IntakeLimits = DEFAULT_LIMITS,
    progress: Callable[[int, int], None] | None = None,
) -> list[Extracted]:
    """The invoices, credit notes and acknowledgments a PDF holds (one per
    document; a file may carry several); pages that are scans are read by OCR.
    `progress(page, pages)` is called after each page is read, so an activity
    can heartbeat."""
    text = read_pdf(raw, limits=limits, progress=progress)
    return _extract_text(text, vendor_id, OCR_FORMAT if any(p.ocr for p in text.pages) else FORMAT)


def extract_image(
    raw: bytes,
    *,
    vendor_id: str | None = None,
    limits: IntakeLimits = DEFAULT_LIMITS,
    progress: Callable[[int, int], None] | None = None,
) -> list[Extracted]:
    """The documents a scan holds (PNG, JPEG, TIFF; one page per frame), read
    by OCR and then exactly as a PDF's pages."""
    text = read_image(raw, limits=limits, progress=progress)  # Pillow and a Tesseract process: no PDF lock
    return _extract_text(text, vendor_id, IMAGE_FORMAT)


def _extract_text(text: PdfText, vendor_id: str | None, fmt: str) -> list[Extracted]:
    parts = _split(text.pages)
    if all(part.title is None for part in parts) and not _has_any_field(text.pages):
        raise ExtractionError(
            "no invoice, credit note or order acknowledgment found: the "
            f"{'scan' if fmt != FORMAT else 'PDF'} prints no title or field label poflow knows",
            "page 1",
        )
    return [_extract_part(part, vendor_id, text.warnings, fmt) for part in parts]


def _mark_ocr(builder: Builder, pages: list[Page]) -> None:
    """Say which pages were read by OCR, and scale each field's confidence
    by the OCR's for its words (`ocr_confidence`)."""
    scanned = [page.number for page in pages if page.ocr]
    if not scanned:
        return
    which = f"page {scanned[0]} is" if len(scanned) == 1 else f"pages {', '.join(map(str, scanned))} are"
    builder.warnings.append(f"read by OCR: {which} a scanned image; check the values against the scan")
    scale_by_ocr(builder.confidence, builder.locations, pages)


def _has_any_field(pages: list[Page]) -> bool:
    hits = find_fields(
        pages,
        ("invoice_number", "credit_number", "ack_number", "po_number", "total", "amount_due"),
        Reading(),
    )
    return bool(hits)
