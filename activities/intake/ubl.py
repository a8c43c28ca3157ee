"""UBL 2.1 invoices and credit notes (Peppol BIS Billing 3.0, XRechnung UBL,
plain UBL 2.1 from ERPs) → `Invoice` readings.

Reads the root `Invoice` or `CreditNote` in its UBL namespace, also when a
Peppol access point delivered it wrapped in an SBDH `StandardBusinessDocument`.
Mapping (EN 16931 business terms in brackets):

- cbc:ID [BT-1] → invoice_number; cbc:IssueDate [BT-2] → invoice_date;
  cbc:InvoiceTypeCode / cbc:CreditNoteTypeCode [BT-3] and the root → kind;
  cbc:DocumentCurrencyCode [BT-5] → currency; cac:OrderReference/cbc:ID [BT-13] → po_number;
  cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID [BT-25] → original_invoice_number.
- cac:AccountingSupplierParty → vendor_id (the caller's, else a seller id) and vendor_hint.
- cbc:DueDate / cac:PaymentMeans/cbc:PaymentDueDate [BT-9] and cac:PaymentTerms [BT-20] → payment_terms.
- document-level cac:AllowanceCharge with ChargeIndicator true and a freight reason → freight.
- cac:TaxTotal/cbc:TaxAmount in the document currency [BT-110] → tax.
- cac:LegalMonetaryTotal/cbc:TaxInclusiveAmount [BT-112] → total.
- cac:InvoiceLine / cac:CreditNoteLine → lines; cac:OrderLineReference/cbc:LineID [BT-132]
  → line_no (the PO line billed), cac:Price/cbc:PriceAmount ÷ cbc:BaseQuantity → unit_price.

Amounts are Decimals from the element text, never floats.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

from activities.intake.einvoice_reader import Discount, ElementReader, LinePaths, not_the_root
from activities.intake.einvoice_reading import MAX_LINES, SenderId
from activities.intake.einvoice_values import document_kind, parse_iso_date
from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from activities.intake.xml_safety import PathNamer, parse_untrusted_xml, text_of
from models.documents import InvoiceKind
from models.extraction import Extracted

__all__ = ["extract_ubl", "read_ubl"]

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
SBDH_NS = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
NS = {"cbc": CBC, "cac": CAC}

_OTHER_SELLER_IDS = (
    ("cbc:EndpointID", "endpoint"),
    ("cac:PartyLegalEntity/cbc:CompanyID", "legal id"),
    ("cac:PartyTaxScheme/cbc:CompanyID", "tax id"),
)
_DUE_DATES = ("cbc:DueDate", "cac:PaymentMeans/cbc:PaymentDueDate", "cac:PaymentTerms/cbc:PaymentDueDate")
# Seller's part number first (what the supplier bills), then the buyer's, then a GTIN.
_ITEM_IDS = (
    "cac:Item/cac:SellersItemIdentification/cbc:ID",
    "cac:Item/cac:BuyersItemIdentification/cbc:ID",
    "cac:Item/cac:StandardItemIdentification/cbc:ID",
)


@dataclass(frozen=True)
class _Flavour:
    """What differs between a UBL Invoice and a UBL CreditNote."""

    format: str
    kind: InvoiceKind
    type_code: str
    line: str
    quantity: str


_FLAVOURS = {
    f"{{{INVOICE_NS}}}Invoice": _Flavour(
        "ubl-invoice", InvoiceKind.INVOICE, "cbc:InvoiceTypeCode", "cac:InvoiceLine", "cbc:InvoicedQuantity"
    ),
    f"{{{CREDIT_NOTE_NS}}}CreditNote": _Flavour(
        "ubl-credit-note",
        InvoiceKind.CREDIT_MEMO,
        "cbc:CreditNoteTypeCode",
        "cac:CreditNoteLine",
        "cbc:CreditedQuantity",
    ),
}


def extract_ubl(
    raw: bytes, *, vendor_id: str | None = None, limits: IntakeLimits = DEFAULT_LIMITS
) -> list[Extracted]:
    """The one invoice or credit note a UBL file holds."""
    root = parse_untrusted_xml(raw, limits=limits, what="UBL document")
    return [read_ubl(root, vendor_id=vendor_id)]


def read_ubl(
    root: etree._Element, *, vendor_id: str | None = None, fmt: str | None = None, source: str | None = None
) -> Extracted:
    """Read a parsed UBL document (also used for the UBL an XRechnung/Factur-X PDF
    embeds: then `fmt` overrides the format and `source` names the attachment)."""
    document = _unwrap(root)
    flavour = _FLAVOURS[document.tag]
    return _UblReader(document, flavour, vendor_id, PathNamer(source)).read(fmt or flavour.format)


def _unwrap(root: etree._Element) -> etree._Element:
    if root.tag in _FLAVOURS:
        return root
    if root.tag == f"{{{SBDH_NS}}}StandardBusinessDocument":
        inner = next((child for child in root if child.tag in _FLAVOURS), None)
        if inner is None:
            raise ExtractionError(
                "the StandardBusinessDocument carries no UBL Invoice or CreditNote",
                f"/sh:StandardBusinessDocument (line {root.sourceline})",
            )
        return inner
    raise not_the_root(root, "a UBL 2.1 Invoice or CreditNote")


class _UblReader(ElementReader):
    def __init__(
        self, doc: etree._Element, flavour: _Flavour, vendor_id: str | None, names: PathNamer
    ) -> None:
        line_paths = LinePaths(
            order_line="cac:OrderLineReference/cbc:LineID",
            own_id="cbc:ID",
            quantity=flavour.quantity,
            amount="cbc:LineExtensionAmount",
        )
        super().__init__(doc, NS, names, what=flavour.format, vendor_id=vendor_id, line_paths=line_paths)
        self.flavour = flavour

    # --- header ----------------------------------------------------------------

    def _kind(self) -> InvoiceKind:
        code, element = self.text(self.flavour.type_code)
        kind, note = document_kind(code, self.flavour.kind)
        confidence = 1.0
        if self.flavour.kind == InvoiceKind.CREDIT_MEMO and kind != InvoiceKind.CREDIT_MEMO:
            self.r.warn(f"a UBL CreditNote with type code {code}: read as a credit memo")
            kind, confidence = InvoiceKind.CREDIT_MEMO, 0.8
        elif kind != self.flavour.kind:
            self.r.warn(f"a UBL Invoice with credit note type code {code}: read as a credit memo")
            confidence = 0.8
        if note:
            self.r.warn(note)
        self.r.set("kind", kind, confidence, self.at_or_none(element))
        return kind

    def _header(self) -> date:
        number, element = self.required("cbc:ID")
        self.r.set("invoice_number", number, 1.0, self.at(element))
        text, element = self.required("cbc:IssueDate")
        issue_date = parse_iso_date(text, self.at(element))
        self.r.set("invoice_date", issue_date, 1.0, self.at(element))
        self._currency()
        self.po_number("cac:OrderReference/cbc:ID", "cbc:BuyerReference", "cac:OrderReference")
        original, element = self.text("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID")
        if original:
            self.r.set("original_invoice_number", original, 1.0, self.at(element))
        return issue_date

    def _currency(self) -> None:
        code, element = self.text("cbc:DocumentCurrencyCode")
        if code:
            self.r.set("currency", code, 1.0, self.at(element))
        else:
            payable = self.find("cac:LegalMonetaryTotal/cbc:PayableAmount")
            code = (payable.get("currencyID") or "").strip() if payable is not None else ""
            if not code:
                self.r.warn(
                    "no cbc:DocumentCurrencyCode and no currency on the amounts; a reviewer must set it"
                )
                return
            self.r.set("currency", code, 0.9, self.at(payable, "currencyID"))
            self.r.warn("no cbc:DocumentCurrencyCode: the currency was taken from the payable amount")
        self.r.check_currency(code)

    # --- seller ----------------------------------------------------------------

    def _seller(self) -> str | None:
        supplier = self.find("cac:AccountingSupplierParty")
        if supplier is None:
            self.r.warn("no cac:AccountingSupplierParty: the seller is unknown")
            return self.r.settle_vendor(self.caller_vendor_id, "", [])
        party = self.find("cac:Party", supplier)
        ids = self._sender_ids(supplier, party)
        name = ""
        if party is not None:
            name = (
                self.text("cac:PartyLegalEntity/cbc:RegistrationName", party)[0]
                or self.text("cac:PartyName/cbc:Name", party)[0]
            )
        return self.r.settle_vendor(self.caller_vendor_id, name, ids)

    def _sender_ids(self, supplier: etree._Element, party: etree._Element | None) -> list[SenderId]:
        """The seller's identifiers, the likeliest poflow vendor id first: the number
        the buyer assigned (UBL 2.1 CustomerAssignedAccountID), the seller's own id
        without a scheme, then scheme ids, the Peppol endpoint, legal and tax ids."""
        ids: list[SenderId] = []
        assigned, element = self.text("cbc:CustomerAssignedAccountID", supplier)
        if assigned and element is not None:
            ids.append(SenderId("customer-assigned id", assigned, 0.9, self.at(element)))
        if party is None:
            return ids
        schemed: list[SenderId] = []
        for element in self.findall("cac:PartyIdentification/cbc:ID", party):
            value, scheme = text_of(element), (element.get("schemeID") or "").strip()
            if value and scheme:
                schemed.append(SenderId(f"id ({scheme})", value, 0.5, self.at(element)))
            elif value:
                ids.append(SenderId("id", value, 0.6, self.at(element)))
        return ids + schemed + self.labelled_ids(party, _OTHER_SELLER_IDS)

    # --- payment terms -----------------------------------------------------------

    def _payment_terms(self, issue_date: date) -> None:
        notes = [note for note in self.findall("cac:PaymentTerms/cbc:Note") if text_of(note)]
        self.settle_terms(issue_date, notes, self._due_date(), self._settlement_discount())

    def _due_date(self) -> tuple[date | None, str | None]:
        for path in _DUE_DATES:
            text, element = self.text(path)
            if text and element is not None:
                return parse_iso_date(text, self.at(element)), self.at(element)
        return None, None

    def _settlement_discount(self) -> Discount:
        """UBL 2.1's structured discount (not used by Peppol BIS, which has only the note)."""
        percent_el = self.find("cac:PaymentTerms/cbc:SettlementDiscountPercent")
        days_el = self.find("cac:PaymentTerms/cac:SettlementPeriod/cbc:DurationMeasure")
        return self.discount(days_el, percent_el, "settlement discount")

    # --- charges, tax, totals ----------------------------------------------------

    def _freight(self) -> None:
        charges = self.allowance_charges(
            "cac:AllowanceCharge",
            amount="cbc:Amount",
            indicator="cbc:ChargeIndicator",
            reason_code="cbc:AllowanceChargeReasonCode",
            reason="cbc:AllowanceChargeReason",
        )
        self.r.settle_freight(charges)

    def _tax(self) -> None:
        currency = self.r.document.get("currency")
        amounts = self.findall("cac:TaxTotal/cbc:TaxAmount")
        if not amounts:
            self.r.set("tax", Decimal(0), 0.7)
            self.r.warn("no cac:TaxTotal: tax taken as 0")
            return
        # Peppol BIS adds a second TaxTotal in the tax currency (BT-111): not ours.
        in_currency = [el for el in amounts if (el.get("currencyID") or currency) == currency]
        if not in_currency:
            in_currency = amounts[:1]
            self.r.warn(f"no TaxTotal is in the document currency {currency}; the first one was used")
        tax = sum((self.amount(el) for el in in_currency), Decimal(0))
        self.r.set("tax", tax, 1.0, self.at(in_currency[0]))

    def _totals(self) -> tuple[Decimal | None, Decimal | None]:
        self._tax()
        monetary = self.find("cac:LegalMonetaryTotal")
        if monetary is None:
            self.r.warn("no cac:LegalMonetaryTotal: the total must be set by a reviewer")
            return None, None
        line_total = self.find("cbc:LineExtensionAmount", monetary)
        stated_lines = self.amount(line_total) if line_total is not None else None
        total = self.stated_total(
            monetary, "cbc:TaxInclusiveAmount", "cbc:PayableAmount", "the payable amount"
        )
        if total is None:
            return stated_lines, None
        prepaid = self.find("cbc:PrepaidAmount", monetary)
        if prepaid is not None and self.amount(prepaid) != 0:
            self.r.warn(f"{self.amount(prepaid)} was prepaid; the amount payable is less than the total")
        return stated_lines, total

    # --- lines -----------------------------------------------------------------

    def _lines(self) -> None:
        lines = self.findall(self.flavour.line)
        if not lines:
            self.r.warn("the document has no lines; a reviewer must add the lines it bills")
            return
        self.read_lines(lines, MAX_LINES, "cac:OrderLineReference/cbc:LineID")

    def _price(self, prefix: str, line: etree._Element) -> None:
        price_el = self.find("cac:Price/cbc:PriceAmount", line)
        if price_el is None:
            self.r.warn(f"{self.at(line)} has no cac:Price/cbc:PriceAmount")
            return
        self.unit_price(prefix, price_el, self.optional_amount("cac:Price/cbc:BaseQuantity", line))

    def _item(self, prefix: str, line: etree._Element) -> None:
        self.describe_item(prefix, line, ("cac:Item/cbc:Name", "cac:Item/cbc:Description"), _ITEM_IDS)
