"""Factur-X / ZUGFeRD 2.x (and XRechnung) PDFs: the invoice XML embedded in
the PDF → `Invoice` readings.

The embedded XML is the legal invoice and wins over the page text, so when a
PDF carries one the page is not read at all. A PDF without invoice XML returns
None and the caller reads its pages instead. The XML is found with the
`facturx` library's `get_xml_from_pdf` (attachments named factur-x.xml,
zugferd-invoice.xml or xrechnung.xml, any case), without its XSD check: a
supplier's schema slip should reach a reviewer, not silently drop the XML.
The XML is then parsed again with poflow's safe parser and read as CII (or
as UBL, which XRechnung also allows); the format is "factur-x" either way.

ZUGFeRD 1.0 XML (root CrossIndustryDocument, 2014–2019) is not read: such a
PDF returns None so its page text is used.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import facturx
from lxml import etree
from pypdf.errors import FileNotDecryptedError

from activities.intake.cii import ROOT as CII_ROOT
from activities.intake.cii import read_cii
from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from activities.intake.ubl import read_ubl
from activities.intake.xml_safety import parse_untrusted_xml
from models.extraction import Extracted, SourceFormat

__all__ = ["EMBEDDED_NAMES", "extract_facturx"]

log = logging.getLogger(__name__)


class _NoXmlIsNormal(logging.Filter):
    """`get_xml_from_pdf` warns on every PDF without invoice XML; for intake that
    is the ordinary case (most PDFs are plain), so the warning is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("No valid factur-x")


logging.getLogger("factur-x").addFilter(_NoXmlIsNormal())

EMBEDDED_NAMES = ["factur-x.xml", "zugferd-invoice.xml", "xrechnung.xml"]
_UBL_ROOTS = {
    "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice",
    "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote",
}
_ZUGFERD_1_ROOT = "{urn:ferd:CrossIndustryDocument:invoice:1p0}CrossIndustryDocument"


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
    return _read(root, filename, vendor_id)


def _embedded_xml(pdf: bytes) -> tuple[str, bytes] | None:
    try:
        filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False, filenames=EMBEDDED_NAMES)
    except FileNotDecryptedError:
        raise ExtractionError(
            "the PDF is encrypted with a password; poflow cannot read it "
            "(a Factur-X invoice must be an unencrypted PDF/A-3)"
        ) from None
    except (MemoryError, RecursionError):
        raise ExtractionError("the PDF is too large or too deeply nested to read") from None
    except Exception as err:  # pypdf raises many types for broken files; all mean the same to the sender
        raise ExtractionError(f"the PDF cannot be read: {type(err).__name__}: {str(err)[:200]}") from None
    if not filename or not isinstance(xml, bytes):
        return None
    return filename, xml


def _read(root: etree._Element, filename: str, vendor_id: str | None) -> list[Extracted] | None:
    fmt = SourceFormat.FACTURX.value
    if root.tag == CII_ROOT:
        return [read_cii(root, vendor_id=vendor_id, fmt=fmt, source=filename)]
    if root.tag in _UBL_ROOTS:
        return [read_ubl(root, vendor_id=vendor_id, fmt=fmt, source=filename)]
    if root.tag == _ZUGFERD_1_ROOT:
        log.info("%s is ZUGFeRD 1.0, which poflow does not read; the page text is used instead", filename)
        return None
    raise ExtractionError(
        f"the embedded {filename} is not a CII or UBL invoice (root element <{etree.QName(root).localname}>)",
        filename,
    )
