"""What document intake reads out of a raw file: the normalized document, how
sure it is of every field, and where each field was read.

Every extractor (X12, EDIFACT, UBL, Factur-X/CII, PDF, e-mail, portal JSON)
returns a list of `Extracted`, one per business document found in the file (an
interchange or an e-mail may carry several). `document` is the best reading as
plain JSON fields of the target model (`Invoice`, `Acknowledgment`,
`ShipNotice`, `PurchaseOrder`); it may be incomplete when a field could not be
read, which is why it is a dict and not the model: a reviewer completes it, and
`Extracted.model()` validates it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, Field

from models.acknowledgments import Acknowledgment
from models.common import Document
from models.documents import Invoice, InvoiceKind, ShipNotice
from models.functional_acks import FunctionalAck
from models.purchase_order import PurchaseOrder

__all__ = ["Extracted", "ExtractedKind", "FieldLocation", "SourceFormat", "model_class"]


class ExtractedKind(StrEnum):
    INVOICE = "invoice"
    CREDIT_MEMO = "credit_memo"
    ACKNOWLEDGMENT = "acknowledgment"
    ASN = "asn"
    PURCHASE_ORDER = "purchase_order"
    FUNCTIONAL_ACK = "functional_ack"  # the supplier's 997 / CONTRL for a message poflow sent


class SourceFormat(StrEnum):
    X12 = "x12"
    EDIFACT = "edifact"
    UBL = "ubl"
    CII = "cii"  # UN/CEFACT Cross Industry Invoice XML on its own
    FACTURX = "factur-x"  # CII embedded in a PDF (Factur-X / ZUGFeRD)
    PDF = "pdf"  # page text and tables, no embedded XML
    EMAIL = "eml"
    JSON = "json"
    IMAGE = "image"  # a scan (PNG, JPEG, TIFF), read by OCR


class FieldLocation(Document):
    """Where a field was read: a page box for PDFs, a segment/element for EDI,
    an element path for XML."""

    control_characters = "replace"  # what the file said, as it said it (models.common.Document)

    page: int | None = Field(default=None, ge=1)
    box: tuple[float, float, float, float] | None = Field(
        default=None, description="x0, top, x1, bottom in PDF points from the page's top-left"
    )
    segment: str | None = Field(default=None, description="e.g. 'BIG02 (segment 4)' or 'cbc:ID'")


class Extracted(Document):
    # A reading records what the file said; a control character in it becomes
    # U+FFFD, which sends the reading to a person (intake.resolve) instead of
    # failing the extraction.
    control_characters = "replace"

    kind: ExtractedKind
    format: str = Field(description="Source format and message, e.g. 'x12-810', 'edifact-INVOIC', 'pdf'")
    document: dict[str, Any] = Field(description="Best reading, as the target model's JSON fields")
    confidence: dict[str, float] = Field(
        default_factory=dict,
        description="Per field path ('invoice_number', 'lines[0].unit_price'), in [0, 1]",
    )
    locations: dict[str, FieldLocation] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)
    vendor_hint: str | None = Field(
        default=None, description="How the document names its sender (id, tax id or name), before resolution"
    )

    def model(self) -> BaseModel:
        """The document as its model; raises pydantic's ValidationError when
        the reading is incomplete or invalid."""
        return model_class(self.kind).model_validate(self.document)

    def min_confidence(self) -> float:
        return min(self.confidence.values(), default=1.0)


def model_class(kind: ExtractedKind) -> type[BaseModel]:
    if kind in (ExtractedKind.INVOICE, ExtractedKind.CREDIT_MEMO):
        return Invoice
    classes: dict[ExtractedKind, type[BaseModel]] = {
        ExtractedKind.ACKNOWLEDGMENT: Acknowledgment,
        ExtractedKind.ASN: ShipNotice,
        ExtractedKind.PURCHASE_ORDER: PurchaseOrder,
        ExtractedKind.FUNCTIONAL_ACK: FunctionalAck,
    }
    return classes[kind]


def kind_of_invoice(kind: InvoiceKind) -> ExtractedKind:
    return ExtractedKind.CREDIT_MEMO if kind == InvoiceKind.CREDIT_MEMO else ExtractedKind.INVOICE
