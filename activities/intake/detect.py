"""Which format a file is in, from its first bytes (then its name and content
type as tie-breakers): senders mislabel files far more often than they send
bytes that lie about themselves."""

from __future__ import annotations

import re

from activities.intake.errors import ExtractionError
from models.extraction import SourceFormat

__all__ = ["ZIP", "detect_format"]

ZIP = "zip"  # a container, not a document format: its members are read one by one

_UBL_ROOT = re.compile(rb"<(?:\w+:)?(Invoice|CreditNote)[\s>]")
# CII D16B, and ZUGFeRD 1.0's CrossIndustryDocument (read by the CII reader too).
_CII_ROOT = re.compile(rb"<(?:\w+:)?(CrossIndustryInvoice|CrossIndustryDocument)[\s>]")
# ZUGFeRD 1.0's 2014 release candidate: root Invoice (like UBL's) in the CBFBUY:5 namespace.
_ZUGFERD_RC = re.compile(rb"<(?:\w+:)?Invoice\s[^>]*urn:un:unece:uncefact:data:standard:CBFBUY:5")
# Comments and processing instructions before the root (a licence text can be
# several KB long) are skipped when looking for the root element.
_XML_PROLOG_WINDOW = 65536
_COMMENT_OR_PI = re.compile(rb"<!--.*?-->|<\?.*?\?>", re.DOTALL)
# Peppol wraps UBL in a Standard Business Document Header, whose header alone
# may pass the first 4 KB: the envelope says it is (most likely) UBL.
_SBDH_ROOT = re.compile(rb"<(?:\w+:)?StandardBusinessDocument[\s>]")
# Scans, read by OCR: PNG's signature (PNG spec §5.2), JPEG's SOI marker and
# the next marker's 0xFF (ITU-T T.81 §B.1.1.3), TIFF's byte order and 42
# (TIFF 6.0 §2: "II*\0" little-endian, "MM\0*" big-endian).
_IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*")
# Header names that open an RFC 5322 message (any of them, at the very start).
_MAIL_HEADER = re.compile(
    rb"^(Return-Path|Received|From|To|Subject|Date|Message-ID|MIME-Version|Delivered-To|"
    rb"Content-Type|X-[\w-]+|Reply-To|Sender|Cc|DKIM-Signature|Authentication-Results):",
    re.IGNORECASE,
)


def detect_format(raw: bytes, *, filename: str | None = None, content_type: str | None = None) -> str:
    """A `SourceFormat` value (or `ZIP`); ExtractionError for what poflow cannot read."""
    if not raw.strip():
        raise ExtractionError("the file is empty", "byte 0")
    start = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    head = start[:4096]
    if head.startswith(b"<"):
        return _xml_dialect(start[:_XML_PROLOG_WINDOW])
    by_magic = _by_magic(head)
    if by_magic is not None:
        return by_magic
    name = (filename or "").lower()
    ctype = (content_type or "").split(";")[0].strip().lower()
    if name.endswith(".eml") or ctype == "message/rfc822" or _MAIL_HEADER.match(head):
        return SourceFormat.EMAIL.value
    raise ExtractionError(
        "unrecognised format: expected X12 (ISA…), EDIFACT (UNA/UNB…), PDF, UBL or CII XML, "
        f"JSON, an e-mail (.eml), a zip archive or a scan (PNG, JPEG, TIFF); the file starts with {head[:16]!r}",
        "byte 0",
    )


def _by_magic(head: bytes) -> str | None:
    if head.startswith(b"ISA"):
        return SourceFormat.X12.value
    if head.startswith((b"UNA", b"UNB")):
        return SourceFormat.EDIFACT.value
    if head.startswith(b"%PDF-"):
        return SourceFormat.PDF.value
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return ZIP
    if head.startswith((b"{", b"[")):
        return SourceFormat.JSON.value
    if head.startswith(_IMAGE_MAGIC):
        return SourceFormat.IMAGE.value
    return None


def _xml_dialect(head: bytes) -> str:
    head = _COMMENT_OR_PI.sub(b"", head)
    if _CII_ROOT.search(head) or _ZUGFERD_RC.search(head):
        return SourceFormat.CII.value
    if _UBL_ROOT.search(head) or _SBDH_ROOT.search(head):
        return SourceFormat.UBL.value
    root = re.search(rb"<([\w:.-]+)[\s>]", re.sub(rb"<[?!][^>]*>", b"", head))
    name = root.group(1).decode("ascii", "replace") if root else "?"
    raise ExtractionError(
        f"XML with root element <{name}> is not an invoice poflow reads "
        "(UBL 2.1 Invoice/CreditNote or UN/CEFACT CrossIndustryInvoice)",
        "root element",
    )
