"""Factur-X / ZUGFeRD 2.x (and XRechnung) PDFs: the invoice XML embedded in
the PDF → `Invoice` readings.

The embedded XML is the legal invoice and wins over the page text, so when a
PDF carries one the page is not read at all. A PDF without invoice XML returns
None and the caller reads its pages instead. The XML is the attachment named
factur-x.xml, zugferd-invoice.xml or xrechnung.xml (any case), read without an
XSD check: a supplier's schema slip should reach a reviewer, not silently drop
the XML. Another .xml attachment whose root is such an invoice is read too,
with a warning naming it.
It is parsed with poflow's safe parser and read as CII (or
as UBL, which XRechnung also allows); the format is "factur-x" either way.

ZUGFeRD 1.0 XML (root CrossIndustryDocument, 2014–2019, in ZUGFeRD-invoice.xml)
is read by `activities.intake.zugferd1`. An attachment with one of these names
that poflow cannot read (not well-formed, another root element) is an error
naming the attachment and why, never a silent fall-back to the page text: the
attachments are listed with pypdf directly, since `get_xml_from_pdf` skips such
files without a word.
"""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pypdf
from lxml import etree
from pypdf.errors import FileNotDecryptedError

from activities.intake.cii import ROOT as CII_ROOT
from activities.intake.cii import read_cii
from activities.intake.detect import detect_format
from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from activities.intake.ubl import read_ubl
from activities.intake.xml_safety import parse_untrusted_xml
from activities.intake.zugferd1 import is_zugferd1, read_zugferd1
from models.extraction import Extracted, SourceFormat

__all__ = ["EMBEDDED_NAMES", "extract_facturx"]

EMBEDDED_NAMES = ["factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml"]
_UBL_ROOTS = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote",
}


def extract_facturx(
    pdf: bytes, *, vendor_id: str | None = None, limits: IntakeLimits = DEFAULT_LIMITS
) -> list[Extracted] | None:
    """The invoice or credit note the PDF's embedded XML holds, or None when
    the PDF embeds no invoice XML (read its pages instead)."""
    if len(pdf) > limits.max_bytes:
        raise ExtractionError(f"the PDF is {len(pdf):,} bytes, over the {limits.max_bytes:,}-byte limit")
    if b"%PDF-" not in pdf[:1024]:
        raise ExtractionError("not a PDF: no %PDF- header in the first 1024 bytes", "byte 0")
    found = _embedded_xml(pdf)
    if found is None:
        return None
    filename, xml = found
    if len(xml) > limits.max_unpacked_bytes:
        raise ExtractionError(
            f"the embedded {filename} is {len(xml):,} bytes, over the "
            f"{limits.max_unpacked_bytes:,}-byte limit for unpacked content",
            filename,
        )
    unpacked = replace(limits, max_bytes=limits.max_unpacked_bytes)
    root = parse_untrusted_xml(xml, limits=unpacked, what=filename)
    readings = _read(root, filename, vendor_id)
    if filename.lower() not in EMBEDDED_NAMES:
        for reading in readings:
            reading.warnings.append(
                f"the invoice XML was read from the attachment {filename!r}, not from one named "
                f"{', '.join(EMBEDDED_NAMES)} as Factur-X, ZUGFeRD and XRechnung prescribe"
            )
    return readings


def _embedded_xml(pdf: bytes) -> tuple[str, bytes] | None:
    try:
        found = _named_attachment(pypdf.PdfReader(BytesIO(pdf)))
    except FileNotDecryptedError:
        raise ExtractionError(
            "the PDF is encrypted with a password; poflow cannot read it "
            "(a Factur-X invoice must be an unencrypted PDF/A-3)"
        ) from None
    except (MemoryError, RecursionError):
        raise ExtractionError("the PDF is too large or too deeply nested to read") from None
    except Exception as err:  # pypdf raises many types for broken files; all mean the same to the sender
        raise ExtractionError(f"the PDF cannot be read: {type(err).__name__}: {str(err)[:200]}") from None
    return found


def _named_attachment(reader: pypdf.PdfReader) -> tuple[str, bytes] | None:
    """The first attachment named as invoice XML (any case), with its bytes; else
    the first other .xml attachment whose root is an invoice poflow reads (some
    generators name it invoice.xml or after the invoice number)."""
    attachments = [(attachment.name, attachment.content) for attachment in reader.attachment_list]
    for name, content in attachments:
        if name.lower() in EMBEDDED_NAMES:
            return name, content
    for name, content in attachments:
        if name.lower().endswith(".xml") and _is_invoice_xml(content):
            return name, content
    return None


def _is_invoice_xml(content: bytes) -> bool:
    try:
        return detect_format(content) in (SourceFormat.CII.value, SourceFormat.UBL.value)
    except ExtractionError:  # a delivery note or any other XML: not an invoice
        return False


def _read(root: etree._Element, filename: str, vendor_id: str | None) -> list[Extracted]:
    fmt = SourceFormat.FACTURX.value
    if root.tag == CII_ROOT:
        return [read_cii(root, vendor_id=vendor_id, fmt=fmt, source=filename)]
    if root.tag in _UBL_ROOTS:
        return [read_ubl(root, vendor_id=vendor_id, fmt=fmt, source=filename)]
    if is_zugferd1(root):
        return [read_zugferd1(root, vendor_id=vendor_id, fmt=fmt, source=filename)]
    raise ExtractionError(
        f"the embedded {filename} is not a CII or UBL invoice (root element <{etree.QName(root).localname}>)",
        filename,
    )
