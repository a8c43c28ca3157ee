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
from activities.intake.pdf.field_dates import find_place_date
from activities.intake.pdf.field_terms import find_terms_sentence
from activities.intake.pdf.fields import find_fields
from activities.intake.pdf.lines import find_line_items
from activities.intake.pdf.text import Page
from activities.intake.pdf.titles import Title, classify_page
from models.extraction import Extracted, ExtractedKind, SourceFormat

__all__ = ["extract_pdf"]


FORMAT = SourceFormat.PDF.value


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
    "payment_terms",
    "original_invoice",
    "status",
    "message",
)


def _extract_part(part: _Part, vendor_id: str | None, read_warnings: list[str]) -> Extracted:
    kind = part.title.kind if part.title else ExtractedKind.INVOICE
    reading, warnings = decide_reading(part.pages, part.title.language if part.title else None)
    acknowledgment = kind == ExtractedKind.ACKNOWLEDGMENT
    table = find_line_items(part.pages, reading, acknowledgment=acknowledgment)
    hits = find_fields(part.pages, _HEADER_FIELDS, reading, excluded=table.covers)
    if "payment_terms" not in hits and not acknowledgment:
        sentence = find_terms_sentence(part.pages, table.covers)
        if sentence is not None:
            hits["payment_terms"] = sentence
    builder = Builder()
    builder.warnings.extend(read_warnings + warnings)
    if "date" not in hits:
        letter_date = find_place_date(part.pages, reading, table.covers)
        if letter_date is not None:
            hits["date"] = letter_date
            builder.warnings.append(
                f"no date label: the date was read from the letter's place and date ({letter_date.text!r})"
            )
    if part.title is None:
        builder.warnings.append("no document title found; read as an invoice")
    if acknowledgment:
        build_acknowledgment(builder, part.title, hits, table)
    else:
        build_invoice(builder, kind, part.title, hits, table, part.pages)
        put_currency(builder, hits, part.pages, reading)
        check_arithmetic(builder, hits, kind)
    put_vendor(builder, hits, vendor_id)
    return Extracted(
        kind=kind,
        format=FORMAT,
        document=builder.document,
        confidence=builder.confidence,
        locations=builder.locations,
        warnings=builder.warnings,
        vendor_hint=vendor_hint(part.pages, part.title),
    )


def extract_pdf(
    raw: bytes,
    *,
    vendor_id: str | None = None,
    limits: IntakeLimits = DEFAULT_LIMITS,
    progress: Callable[[int, int], None] | None = None,
) -> list[Extracted]:
    """The invoices, credit notes and acknowledgments a text PDF holds (one
    per document; a file may carry several). `progress(page, pages)` is called
    after each page is read, so an activity can heartbeat."""
    text = read_pdf(raw, limits=limits, progress=progress)
    parts = _split(text.pages)
    if all(part.title is None for part in parts) and not _has_any_field(text.pages):
        raise ExtractionError(
            "no invoice, credit note or order acknowledgment found: the PDF prints no "
            "title or field label poflow knows",
            "page 1",
        )
    return [_extract_part(part, vendor_id, text.warnings) for part in parts]


def _has_any_field(pages: list[Page]) -> bool:
    hits = find_fields(
        pages, ("invoice_number", "credit_number", "ack_number", "po_number", "total"), Reading()
    )
    return bool(hits)
