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

from activities.intake.einvoice_reading import (
    MAX_LINES,
    DocumentCharge,
    ElementReader,
    SenderId,
    TermsSource,
    document_kind,
    is_identifier,
    line_number,
    price_per_unit,
)
from activities.intake.einvoice_values import parse_iso_date
from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from activities.intake.xml_safety import PathNamer, parse_untrusted_xml, text_of
from models.documents import InvoiceKind
from models.extraction import Extracted, kind_of_invoice

__all__ = ["extract_ubl", "read_ubl"]

CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
INVOICE_NS = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
CREDIT_NOTE_NS = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
SBDH_NS = "http://www.unece.org/cefact/namespaces/StandardBusinessDocumentHeader"
NS = {"cbc": CBC, "cac": CAC}

_DESCRIPTION_MAX = 500
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
_ITEM_ID_MAX = 64


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
    qname = etree.QName(root)
    namespace = f"namespace {qname.namespace}" if qname.namespace else "no namespace"
    raise ExtractionError(
        f"root element <{qname.localname}> in {namespace} is not a UBL 2.1 Invoice or CreditNote",
        f"line {root.sourceline}",
    )


class _UblReader(ElementReader):
    def __init__(
        self, doc: etree._Element, flavour: _Flavour, vendor_id: str | None, names: PathNamer
    ) -> None:
        super().__init__(doc, NS, names)
        self.flavour = flavour
        self.caller_vendor_id = vendor_id

    def read(self, fmt: str) -> Extracted:
        kind = self._kind()
        issue_date = self._header()
        hint = self._seller()
        self._payment_terms(issue_date)
        self._freight()
        self._tax()
        stated_lines, stated_total = self._totals()
        self._lines()
        self.r.check_totals(stated_lines, stated_total)
        return self.r.extracted(kind_of_invoice(kind), fmt, hint)

    def _required(self, path: str) -> tuple[str, etree._Element]:
        text, element = self.text(path)
        if element is None or not text:
            raise ExtractionError(f"the {self.flavour.format} has no {path}", self.at(self.doc))
        return text, element

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
        number, element = self._required("cbc:ID")
        self.r.set("invoice_number", number, 1.0, self.at(element))
        text, element = self._required("cbc:IssueDate")
        issue_date = parse_iso_date(text, self.at(element))
        self.r.set("invoice_date", issue_date, 1.0, self.at(element))
        self._currency()
        self._po_number()
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

    def _po_number(self) -> None:
        order, element = self.text("cac:OrderReference/cbc:ID")
        confidence = 1.0
        if not order:
            order, element = self.text("cbc:BuyerReference")
            if not order:
                self.r.warn("no cac:OrderReference: the PO must be found by a reviewer")
                return
            confidence = 0.5
            self.r.warn(f"no cac:OrderReference: the buyer reference {order!r} was taken as the PO number")
        if not is_identifier(order):
            confidence = 0.3
            self.r.warn(f"the order reference {order!r} is not a valid PO number; a reviewer must correct it")
        self.r.set("po_number", order, confidence, self.at(element))

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
        ids += schemed
        for path, label in _OTHER_SELLER_IDS:
            for element in self.findall(path, party):
                value, scheme = text_of(element), (element.get("schemeID") or "").strip()
                if value:
                    shown = f"{label} ({scheme})" if scheme else label
                    ids.append(SenderId(shown, value, 0.5, self.at(element)))
        return ids

    # --- payment terms -----------------------------------------------------------

    def _payment_terms(self, issue_date: date) -> None:
        notes = [note for note in self.findall("cac:PaymentTerms/cbc:Note") if text_of(note)]
        due, due_at = self._due_date()
        days, percent, discount_at = self._settlement_discount()
        self.r.settle_terms(
            issue_date,
            TermsSource(
                text=" ".join(text_of(note) for note in notes),
                text_at=self.at(notes[0]) if notes else None,
                due=due,
                due_at=due_at,
                discount_days=days,
                discount_percent=percent,
                discount_at=discount_at,
            ),
        )

    def _due_date(self) -> tuple[date | None, str | None]:
        for path in _DUE_DATES:
            text, element = self.text(path)
            if text and element is not None:
                return parse_iso_date(text, self.at(element)), self.at(element)
        return None, None

    def _settlement_discount(self) -> tuple[int | None, Decimal | None, str | None]:
        """UBL 2.1's structured discount (not used by Peppol BIS, which has only the note)."""
        percent_el = self.find("cac:PaymentTerms/cbc:SettlementDiscountPercent")
        days_el = self.find("cac:PaymentTerms/cac:SettlementPeriod/cbc:DurationMeasure")
        if percent_el is None or days_el is None or (days_el.get("unitCode") or "DAY") != "DAY":
            return None, None, None
        days, percent = self.amount(days_el), self.amount(percent_el)
        if days != days.to_integral_value() or not 0 <= days <= 365 or not 0 <= percent <= 100:
            self.r.warn(f"settlement discount {percent}% in {days} days is not usable as payment terms")
            return None, None, None
        return int(days), percent, self.at(percent_el)

    # --- charges, tax, totals ----------------------------------------------------

    def _freight(self) -> None:
        charges = []
        for charge in self.findall("cac:AllowanceCharge"):
            amount_el = self.find("cbc:Amount", charge)
            if amount_el is None:
                self.r.warn(f"an allowance/charge without an amount was ignored ({self.at(charge)})")
                continue
            charges.append(
                DocumentCharge(
                    is_charge=self.indicator("cbc:ChargeIndicator", charge),
                    amount=self.amount(amount_el),
                    reason_code=self.text("cbc:AllowanceChargeReasonCode", charge)[0],
                    reason=self.text("cbc:AllowanceChargeReason", charge)[0],
                    at=self.at(amount_el),
                )
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
        monetary = self.find("cac:LegalMonetaryTotal")
        if monetary is None:
            self.r.warn("no cac:LegalMonetaryTotal: the total must be set by a reviewer")
            return None, None
        line_total = self.find("cbc:LineExtensionAmount", monetary)
        stated_lines = self.amount(line_total) if line_total is not None else None
        total_el, confidence = self.find("cbc:TaxInclusiveAmount", monetary), 1.0
        if total_el is None:
            total_el, confidence = self.find("cbc:PayableAmount", monetary), 0.8
            if total_el is None:
                self.r.warn("no TaxInclusiveAmount or PayableAmount: the total must be set by a reviewer")
                return stated_lines, None
            self.r.warn("no TaxInclusiveAmount: the payable amount was taken as the total")
        total = self.amount(total_el)
        self.r.set("total", total, confidence, self.at(total_el))
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
        if len(lines) > MAX_LINES:
            raise ExtractionError(
                f"{len(lines):,} lines are more than the {MAX_LINES:,} poflow reads",
                self.at(lines[MAX_LINES]),
            )
        numbers = [self._line(index, line) for index, line in enumerate(lines)]
        self.r.report_line_numbers(numbers, "cac:OrderLineReference/cbc:LineID")

    def _line(self, index: int, line: etree._Element) -> tuple[int, str]:
        prefix = f"lines[{index}]"
        order_line, order_el = self.text("cac:OrderLineReference/cbc:LineID", line)
        own_id, own_el = self.text("cbc:ID", line)
        line_no, confidence, at, source = line_number(
            order_line,
            self.at_or_none(order_el),
            own_id,
            self.at_or_none(own_el),
            index + 1,
        )
        self.r.set(f"{prefix}.line_no", line_no, confidence, at)
        self.line_quantity(prefix, line, self.flavour.quantity)
        self._price(prefix, line)
        amount_el = self.find("cbc:LineExtensionAmount", line)
        if amount_el is not None:
            self.r.set(f"{prefix}.amount", self.amount(amount_el), 1.0, self.at(amount_el))
        self._item(prefix, line)
        return line_no, source

    def _price(self, prefix: str, line: etree._Element) -> None:
        price_el = self.find("cac:Price/cbc:PriceAmount", line)
        if price_el is None:
            self.r.warn(f"{self.at(line)} has no cac:Price/cbc:PriceAmount")
            return
        base_quantity = self.optional_amount("cac:Price/cbc:BaseQuantity", line)
        unit_price, note = price_per_unit(self.amount(price_el), base_quantity)
        if note:
            self.r.warn(f"{prefix}: {note}")
        self.r.set(f"{prefix}.unit_price", unit_price, 0.9 if note else 1.0, self.at(price_el))

    def _item(self, prefix: str, line: etree._Element) -> None:
        name, name_el = self.text("cac:Item/cbc:Name", line)
        if not name:
            name, name_el = self.text("cac:Item/cbc:Description", line)
        if name and name_el is not None:
            self.r.set(f"{prefix}.description", name[:_DESCRIPTION_MAX], 1.0, self.at(name_el))
        for path in _ITEM_IDS:
            item_id, item_el = self.text(path, line)
            if item_id and item_el is not None:
                self.r.set(f"{prefix}.item_id", item_id[:_ITEM_ID_MAX], 1.0, self.at(item_el))
                return
