"""The supplier's original document, made readable for a person: a PDF is
shown as its pages (images rendered on the server, /originals/{id}?page=N);
EDI gets one
segment per line; XML is indented; JSON is pretty-printed; anything else is
shown as text when it decodes, else only offered for download.

X12: the segment terminator is the character after ISA16 (byte 106 of the
interchange, X12.5 §3.3); EDIFACT: the terminator and release character are
those of the UNA service string advice when present, else `'` and `?`
(ISO 9735-1 §4, §7). XML is parsed with defusedxml (no entities, no network).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

from defusedxml.minidom import parseString

from starter.web.pdf_pages import PageSize, page_sizes

__all__ = ["Readable", "readable", "MAX_SHOWN_BYTES"]

# Larger files are offered for download only: a page of megabytes of text helps nobody.
MAX_SHOWN_BYTES = 2 * 1024 * 1024
_X12_TERMINATOR_AT = 105


@dataclass(frozen=True)
class Readable:
    how: Literal["pdf", "text", "download"]
    label: str  # what it is, in words: "X12 EDI", "PDF", …
    text: str = ""
    pages: tuple[PageSize, ...] = ()  # a PDF's pages, shown as images (starter.web.pdf_pages)


def readable(raw: bytes, content_type: str) -> Readable:
    """How the page shows these bytes."""
    head = raw.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF"):
        pages = tuple(page_sizes(raw))
        return (
            Readable("pdf", "PDF", pages=pages)
            if pages
            else Readable("download", "PDF (PDFium cannot open it)")
        )
    if len(raw) > MAX_SHOWN_BYTES:
        return Readable("download", f"{content_type}, {len(raw):,} bytes (too large to show)")
    text = raw.decode("utf-8", errors="replace").lstrip("\ufeff")
    stripped = text.lstrip()
    if stripped.startswith("ISA"):
        return Readable("text", "X12 EDI, one segment per line", _x12_segments(stripped))
    if stripped.startswith(("UNA", "UNB")):
        return Readable("text", "EDIFACT, one segment per line", _edifact_segments(stripped))
    if stripped.startswith("<"):
        return Readable("text", "XML", _indented_xml(raw) or text)
    if stripped.startswith(("{", "[")):
        return Readable("text", "JSON", _pretty_json(text) or text)
    if b"\x00" in raw:
        return Readable("download", f"{content_type}, {len(raw):,} bytes (binary)")
    return Readable("text", content_type or "text", text)


def _x12_segments(text: str) -> str:
    if len(text) <= _X12_TERMINATOR_AT:
        return text
    terminator = text[_X12_TERMINATOR_AT]
    segments = [s.strip() for s in text.split(terminator)]
    shown = "" if terminator in "\r\n" else terminator  # a line break ends the line already
    return "\n".join(s + shown for s in segments if s)


def _edifact_segments(text: str) -> str:
    terminator, release = "'", "?"
    if text.startswith("UNA") and len(text) >= 9:
        release, terminator = text[6], text[8]
        text = text[:9] + "\n" + text[9:].lstrip("\r\n")
    # A terminator preceded by the release character is data, not an end.
    pattern = re.compile(rf"(?<!{re.escape(release)}){re.escape(terminator)}")
    parts = [part.strip("\r\n") for part in pattern.split(text)]
    return "\n".join(part + terminator for part in parts if part.strip())


def _indented_xml(raw: bytes) -> str | None:
    try:
        pretty = parseString(raw).toprettyxml(indent="  ")
    except Exception:  # noqa: BLE001  (any parse failure: show the text as it came)
        return None
    return "\n".join(line for line in pretty.splitlines() if line.strip())


def _pretty_json(text: str) -> str | None:
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return None
