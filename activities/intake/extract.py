"""`extract_file`: any file a supplier sends → the documents in it.

Detects the format, hands the bytes to that format's extractor, and keeps the
promise every caller relies on: the result is a non-empty list of `Extracted`,
or an `ExtractionError` that says what is wrong and where — never another
exception, never unbounded work. E-mails and zip archives recurse through here
for their attachments and members.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Protocol

from activities.intake.detect import ZIP, detect_format
from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from models.extraction import Extracted, SourceFormat

__all__ = ["Progress", "extract_file", "extract_parts"]

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (done, of): pages for PDFs; called so activities can heartbeat
MAX_NESTING = 3  # e-mail in zip in e-mail: enough for real mail, not for a quine


class _Extractor(Protocol):
    def __call__(self, raw: bytes, /, *, vendor_id: str | None, limits: IntakeLimits) -> list[Extracted]: ...


def extract_file(
    raw: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    vendor_id: str | None = None,
    limits: IntakeLimits = DEFAULT_LIMITS,
    progress: Progress | None = None,
    depth: int = 0,
) -> list[Extracted]:
    if len(raw) > limits.max_bytes:
        raise ExtractionError(f"the file is {len(raw):,} bytes, over the {limits.max_bytes:,}-byte limit")
    if depth > MAX_NESTING:
        raise ExtractionError(f"attachments nested more than {MAX_NESTING} deep")
    fmt = detect_format(raw, filename=filename, content_type=content_type)
    try:
        found = _dispatch(
            fmt, raw, filename=filename, vendor_id=vendor_id, limits=limits, progress=progress, depth=depth
        )
    except ExtractionError:
        raise
    except (MemoryError, RecursionError) as err:
        raise ExtractionError(
            f"the {fmt} file is too large or too deeply nested to read ({type(err).__name__})"
        ) from None
    except Exception as err:  # an extractor's bug must not become a traceback for the sender
        log.exception("extractor for %s failed on %s", fmt, filename or "<bytes>")
        raise ExtractionError(
            f"could not read this {fmt} file (internal error: {type(err).__name__}: {err}); "
            "the raw file is kept for investigation"
        ) from None
    if not found:
        raise ExtractionError(f"no document found in this {fmt} file")
    return found


def extract_parts(
    parts: list[tuple[str, bytes]], *, vendor_id: str | None, limits: IntakeLimits, depth: int
) -> tuple[list[tuple[str, Extracted]], list[str]]:
    """Read each part of a container (e-mail attachments, zip members) as a file
    of its own: ((part name, document) for each document found, "name: why"
    for each part that could not be read). One bad part loses nothing else."""
    found: list[tuple[str, Extracted]] = []
    problems: list[str] = []
    for name, data in parts:
        try:
            documents = extract_file(data, filename=name, vendor_id=vendor_id, limits=limits, depth=depth + 1)
        except ExtractionError as err:
            problems.append(f"{name}: {err}")
            continue
        found += [(name, document) for document in documents]
    return found, problems


def _dispatch(
    fmt: str,
    raw: bytes,
    *,
    filename: str | None,
    vendor_id: str | None,
    limits: IntakeLimits,
    progress: Progress | None,
    depth: int,
) -> list[Extracted]:
    if fmt == SourceFormat.PDF.value:
        return _pdf(raw, vendor_id=vendor_id, limits=limits, progress=progress)
    if fmt == SourceFormat.IMAGE.value:
        from activities.intake.pdf.read import extract_image

        return extract_image(raw, vendor_id=vendor_id, limits=limits, progress=progress)
    if fmt == SourceFormat.EMAIL.value:
        from activities.intake.email_read import extract_email

        return extract_email(raw, vendor_id=vendor_id, limits=limits, depth=depth)
    if fmt == ZIP:
        from activities.intake.zip_read import extract_zip

        return extract_zip(raw, vendor_id=vendor_id, limits=limits, depth=depth)
    return _structured(fmt)(raw, vendor_id=vendor_id, limits=limits)


def _structured(fmt: str) -> _Extractor:
    # Imported on use: each extractor pulls in its own libraries (lxml, pydifact…).
    if fmt == SourceFormat.X12.value:
        from activities.intake.x12.read import extract_x12

        return extract_x12
    if fmt == SourceFormat.EDIFACT.value:
        from activities.intake.edifact.read import extract_edifact

        return extract_edifact
    if fmt == SourceFormat.UBL.value:
        from activities.intake.ubl import extract_ubl

        return extract_ubl
    if fmt == SourceFormat.CII.value:
        from activities.intake.cii import extract_cii

        return extract_cii
    from activities.intake.json_read import extract_json

    return extract_json


def _pdf(
    raw: bytes, *, vendor_id: str | None, limits: IntakeLimits, progress: Progress | None
) -> list[Extracted]:
    """The XML a Factur-X/ZUGFeRD PDF carries wins over its page text."""
    from activities.intake.facturx import extract_facturx
    from activities.intake.pdf.read import extract_pdf

    embedded = extract_facturx(raw, vendor_id=vendor_id, limits=limits)
    if embedded:
        return embedded
    return extract_pdf(raw, vendor_id=vendor_id, limits=limits, progress=progress)
