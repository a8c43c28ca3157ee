"""One way to parse XML that came from outside: e-invoices (UBL, CII, the XML
inside a Factur-X PDF) are untrusted input.

The parser loads no DTD, resolves no entity, never touches the network and keeps
libxml2's limits on (no `huge_tree`), and a document that declares a DOCTYPE
at all is refused: no e-invoice standard uses one, and a DOCTYPE is how entity
expansion ("billion laughs") and external-entity (XXE) attacks get in. Every
failure ends in an `ExtractionError` that names the line.

Also here: how to name an element in an error or a `FieldLocation` — a path
with the usual prefixes (`/Invoice/cac:InvoiceLine[2]/cbc:InvoicedQuantity`)
and the source line, so a sender can find it in their file.
"""

from __future__ import annotations

from lxml import etree

from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits

__all__ = ["PREFIXES", "PathNamer", "parse_untrusted_xml", "text_of"]

# Namespace → the prefix people use for it in specs and validation reports.
# The UBL document roots (Invoice, CreditNote) are shown without a prefix,
# as they are written in practice.
PREFIXES: dict[str, str] = {
    "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2": "cbc",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2": "cac",
    "urn:oasis:names:specification:ubl:schema:xsd:CommonExtensionComponents-2": "ext",
    "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2": "",
    "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2": "",
    "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100": "rsm",
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100": "ram",
    "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100": "udt",
    "urn:un:unece:uncefact:data:standard:QualifiedDataType:100": "qdt",
    "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader": "sh",
    # ZUGFeRD 1.0 (CII D13B subset)
    "urn:ferd:CrossIndustryDocument:invoice:1p0": "rsm",
    "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12": "ram",
    "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15": "udt",
}


def _parser() -> etree.XMLParser:
    # A new parser per call: lxml parsers keep state and are not thread-safe.
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        collect_ids=False,
    )


def parse_untrusted_xml(
    raw: bytes, *, limits: IntakeLimits = DEFAULT_LIMITS, what: str = "XML"
) -> etree._Element:
    """The root element of `raw`, or an ExtractionError naming the line.

    `what` names the document in messages ("UBL invoice", "factur-x.xml").
    """
    if not isinstance(raw, bytes):
        raise ExtractionError(f"{what} must be bytes, not {type(raw).__name__}")
    if len(raw) > limits.max_bytes:
        raise ExtractionError(f"{what} is {len(raw):,} bytes, over the {limits.max_bytes:,}-byte limit")
    if not raw.strip():
        raise ExtractionError(f"{what} is empty", "line 1")
    try:
        root = etree.fromstring(raw, _parser())
    except etree.XMLSyntaxError as err:
        line = err.lineno or (err.position[0] if err.position else None)
        message = (err.msg or str(err)).splitlines()[0]
        where = f"line {line}" if line else None
        raise ExtractionError(f"{what} is not well-formed: {message}", where) from None
    except (etree.LxmlError, ValueError) as err:  # e.g. an encoding lxml cannot decode
        raise ExtractionError(f"{what} cannot be parsed: {err}") from None
    if root is None:
        raise ExtractionError(f"{what} has no root element", "line 1")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise ExtractionError(
            f"{what} declares a DOCTYPE; e-invoices never do, and DTDs are refused for safety", "line 1"
        )
    return root


def text_of(element: etree._Element | None) -> str:
    """The element's text, trimmed; "" for a missing element."""
    if element is None:
        return ""
    return "".join(element.itertext()).strip()


class PathNamer:
    """Names elements of one document for errors and locations:
    `/Invoice/cac:InvoiceLine[2]/cbc:InvoicedQuantity (line 57)`.

    Sibling positions are computed once per parent and remembered, so naming
    every field of an invoice with thousands of lines stays linear.
    `source` prefixes the file the XML came from (an attachment name).
    """

    def __init__(self, source: str | None = None) -> None:
        self._source = source
        self._paths: dict[etree._Element, str] = {}
        self._positions: dict[etree._Element, int] = {}

    def path(self, element: etree._Element) -> str:
        known = self._paths.get(element)
        if known is not None:
            return known
        parent = element.getparent()
        step = self._name(element) + self._position(element, parent)
        path = f"{self.path(parent) if parent is not None else ''}/{step}"
        self._paths[element] = path
        return path

    def where(self, element: etree._Element, attribute: str | None = None) -> str:
        path = self.path(element) + (f"/@{attribute}" if attribute else "")
        located = f"{path} (line {element.sourceline})" if element.sourceline else path
        return f"{self._source}:{located}" if self._source else located

    @staticmethod
    def _name(element: etree._Element) -> str:
        qname = etree.QName(element)
        prefix = PREFIXES.get(qname.namespace or "")
        return f"{prefix}:{qname.localname}" if prefix else qname.localname

    def _position(self, element: etree._Element, parent: etree._Element | None) -> str:
        if parent is None:
            return ""
        if element not in self._positions:
            same = [sibling for sibling in parent if sibling.tag == element.tag]
            for number, sibling in enumerate(same, 1):
                self._positions[sibling] = number if len(same) > 1 else 0
        position = self._positions[element]
        return f"[{position}]" if position else ""
