"""Suppliers that send e-invoices: poflow `Invoice` models rendered as a
Peppol BIS Billing 3.0 UBL invoice or credit note, as a Factur-X EN 16931 CII
XML, and as a Factur-X PDF (a visible page made with fpdf2, with the CII XML
embedded by the `facturx` library).

Plus `sample_set()`: rendered samples (several vendors and currencies, JPY
with no decimals, freight, tax, credit notes, prices per 100 pieces) and the
hand-written real-world files in tests/samples/ubl and tests/samples/cii, each
with the documents it holds as ground truth.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import facturx
from fpdf import FPDF
from lxml import etree

from models.documents import Invoice, InvoiceKind, InvoiceLine
from models.extraction import kind_of_invoice
from models.purchase_order import PaymentTerms
from tools.supplier_sim.amounts import stated_total
from tools.supplier_sim.samples import Sample

__all__ = ["BUYER", "SUPPLIERS", "Party", "render_cii", "render_facturx", "render_ubl", "sample_set"]

D = Decimal
UBL_NS = {
    "inv": "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
    "cn": "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CII_NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "qdt": "urn:un:unece:uncefact:data:standard:QualifiedDataType:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
PEPPOL_CUSTOMIZATION = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PEPPOL_PROFILE = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
EN16931_GUIDELINE = "urn:cen.eu:en16931:2017"

# poflow's short units → UN/ECE Rec 20, as suppliers' ERPs map them.
_REC20 = {
    "EA": "C62",
    "PC": "H87",
    "KG": "KGM",
    "HR": "HUR",
    "MO": "MON",
    "DAY": "DAY",
    "M": "MTR",
    "L": "LTR",
}


@dataclass(frozen=True)
class Party:
    """A trading party as an e-invoice names it."""

    name: str
    street: str
    city: str
    postcode: str
    country: str
    vendor_id: str | None = None  # poflow's id for a supplier, written as the seller identifier
    vat_id: str | None = None
    tax_id: str | None = None  # a non-VAT tax registration (US EIN, …)
    endpoint: tuple[str, str] | None = None  # Peppol electronic address (scheme, id)
    gln: str | None = None
    iban: str | None = None


SUPPLIERS: dict[str, Party] = {
    "ACME": Party(
        "Acme Industrial Supply, Inc.",
        "4400 Commerce Street",
        "Dallas",
        "75226",
        "US",
        vendor_id="ACME",
        tax_id="75-2039841",
        endpoint=("0060", "081466849"),
    ),
    "NORDIC": Party(
        "Nordic Fasteners AB",
        "Verkstadsgatan 12",
        "Jönköping",
        "553 02",
        "SE",
        vendor_id="NORDIC",
        vat_id="SE556677889901",
        endpoint=("0007", "5566778899"),
        gln="7350012340005",
        iban="SE4550000000058398257466",
    ),
    "LABWORKS": Party(
        "LabWorks Scientific",
        "2150 Shattuck Avenue",
        "Berkeley",
        "94704",
        "US",
        vendor_id="LABWORKS",
        tax_id="94-3187762",
        endpoint=("0060", "604512773"),
    ),
    "CLOUDOPS": Party(
        "CloudOps Services LLC",
        "500 Pine Street",
        "Seattle",
        "98101",
        "US",
        vendor_id="CLOUDOPS",
        tax_id="91-2266410",
        endpoint=("0060", "117349902"),
    ),
}
# LabWorks' Japanese subsidiary bills Japanese sites in JPY, with consumption tax.
LABWORKS_JAPAN = Party(
    "LabWorks Scientific K.K.",
    "3-2-1 Nihonbashi, Chuo-ku",
    "Tokyo",
    "103-0027",
    "JP",
    vendor_id="LABWORKS",
    vat_id="T4010001234567",
    endpoint=("0188", "4010001234567"),
)
BUYER = Party(
    "Poflow Manufacturing Inc.",
    "1 Harbor Way",
    "Oakland",
    "94607",
    "US",
    endpoint=("0060", "555019877"),
    tax_id="94-5550198",
)


def _supplier(invoice: Invoice, supplier: Party | None) -> Party:
    if supplier is not None:
        return supplier
    known = SUPPLIERS.get(invoice.vendor_id)
    return known or Party(
        invoice.vendor_id, "1 Main Street", "Springfield", "00000", "US", vendor_id=invoice.vendor_id
    )


def _decimal(value: Decimal) -> str:
    return format(value, "f")


def _tax_rate(invoice: Invoice) -> Decimal:
    """The single VAT/sales tax rate the invoice's tax amount implies, to 2 places."""
    taxable = invoice.lines_total + invoice.freight
    if invoice.tax == 0 or taxable == 0:
        return D(0)
    return (invoice.tax * 100 / taxable).quantize(D("0.01")).normalize()


def _tax_category(invoice: Invoice, supplier: Party) -> str:
    if invoice.tax > 0:
        return "S"
    return "Z" if supplier.vat_id else "O"  # zero rated, or outside the scope of VAT


def _terms_text(invoice: Invoice) -> str | None:
    terms = invoice.payment_terms
    if terms is None:
        return None
    net = f"net {terms.net_days} days"
    if terms.discount_days is None or terms.discount_percent is None:
        return net.capitalize()
    return f"{_decimal(terms.discount_percent.normalize())}% {terms.discount_days} days, {net}"


def _due_date(invoice: Invoice) -> date | None:
    if invoice.payment_terms is None:
        return None
    return invoice.invoice_date + timedelta(days=invoice.payment_terms.net_days)


def _base_price(line: InvoiceLine, base_quantity: Decimal | None) -> Decimal:
    return line.unit_price * base_quantity if base_quantity else line.unit_price


# --- UBL ------------------------------------------------------------------------


def _child(
    namespaces: dict[str, str], parent: etree._Element, tag: str, text: Any, attributes: dict[str, str]
) -> etree._Element:
    prefix, local = tag.split(":")
    element = etree.SubElement(parent, f"{{{namespaces[prefix]}}}{local}", attributes)
    if isinstance(text, Decimal):
        element.text = _decimal(text)
    elif text is not None:
        element.text = str(text)
    return element


def _ubl(parent: etree._Element, tag: str, text: Any = None, **attributes: str) -> etree._Element:
    return _child(UBL_NS, parent, tag, text, attributes)


def render_ubl(
    invoice: Invoice, *, supplier: Party | None = None, price_base_quantity: Decimal | None = None
) -> bytes:
    """A Peppol BIS Billing 3.0 UBL Invoice (or CreditNote for a credit memo).

    `price_base_quantity` states prices per that many units (e.g. 100 for
    fasteners priced per hundred), as many suppliers do."""
    seller = _supplier(invoice, supplier)
    credit = invoice.kind == InvoiceKind.CREDIT_MEMO
    root_ns, root_name = ("cn", "CreditNote") if credit else ("inv", "Invoice")
    root = etree.Element(
        f"{{{UBL_NS[root_ns]}}}{root_name}",
        nsmap={None: UBL_NS[root_ns], "cac": UBL_NS["cac"], "cbc": UBL_NS["cbc"]},
    )
    _ubl(root, "cbc:CustomizationID", PEPPOL_CUSTOMIZATION)
    _ubl(root, "cbc:ProfileID", PEPPOL_PROFILE)
    _ubl(root, "cbc:ID", invoice.invoice_number)
    _ubl(root, "cbc:IssueDate", invoice.invoice_date.isoformat())
    due = _due_date(invoice)
    if due and not credit:
        _ubl(root, "cbc:DueDate", due.isoformat())
    _ubl(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode", "381" if credit else "380")
    _ubl(root, "cbc:DocumentCurrencyCode", invoice.currency)
    _ubl(root, "cbc:BuyerReference", invoice.po_number)
    _ubl(_ubl(root, "cac:OrderReference"), "cbc:ID", invoice.po_number)
    if invoice.original_invoice_number:
        _ubl(
            _ubl(_ubl(root, "cac:BillingReference"), "cac:InvoiceDocumentReference"),
            "cbc:ID",
            invoice.original_invoice_number,
        )
    _ubl_party(_ubl(root, "cac:AccountingSupplierParty"), seller)
    _ubl_party(_ubl(root, "cac:AccountingCustomerParty"), BUYER)
    _ubl_payment(root, invoice, seller, due if credit else None)
    category, rate = _tax_category(invoice, seller), _tax_rate(invoice)
    if invoice.freight:
        _ubl_freight(root, invoice, category, rate)
    _ubl_tax_total(root, invoice, category, rate)
    _ubl_monetary_total(root, invoice)
    for position, line in enumerate(invoice.lines, 1):
        _ubl_line(root, invoice, line, position, category, rate, price_base_quantity)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _ubl_party(parent: etree._Element, party: Party) -> None:
    node = _ubl(parent, "cac:Party")
    if party.endpoint:
        _ubl(node, "cbc:EndpointID", party.endpoint[1], schemeID=party.endpoint[0])
    if party.vendor_id:
        _ubl(_ubl(node, "cac:PartyIdentification"), "cbc:ID", party.vendor_id)
    if party.gln:
        _ubl(_ubl(node, "cac:PartyIdentification"), "cbc:ID", party.gln, schemeID="0088")
    _ubl(_ubl(node, "cac:PartyName"), "cbc:Name", party.name)
    address = _ubl(node, "cac:PostalAddress")
    _ubl(address, "cbc:StreetName", party.street)
    _ubl(address, "cbc:CityName", party.city)
    _ubl(address, "cbc:PostalZone", party.postcode)
    _ubl(_ubl(address, "cac:Country"), "cbc:IdentificationCode", party.country)
    if party.vat_id:
        scheme = _ubl(node, "cac:PartyTaxScheme")
        _ubl(scheme, "cbc:CompanyID", party.vat_id)
        _ubl(_ubl(scheme, "cac:TaxScheme"), "cbc:ID", "VAT")
    _ubl(_ubl(node, "cac:PartyLegalEntity"), "cbc:RegistrationName", party.name)


def _ubl_payment(root: etree._Element, invoice: Invoice, seller: Party, credit_due: date | None) -> None:
    means = _ubl(root, "cac:PaymentMeans")
    _ubl(means, "cbc:PaymentMeansCode", "58" if seller.iban else "30")
    if credit_due:
        _ubl(means, "cbc:PaymentDueDate", credit_due.isoformat())
    _ubl(means, "cbc:PaymentID", invoice.invoice_number)
    if seller.iban:
        _ubl(_ubl(means, "cac:PayeeFinancialAccount"), "cbc:ID", seller.iban)
    terms = _terms_text(invoice)
    if terms:
        _ubl(_ubl(root, "cac:PaymentTerms"), "cbc:Note", terms)


def _ubl_category(parent: etree._Element, tag: str, category: str, rate: Decimal) -> None:
    node = _ubl(parent, tag)
    _ubl(node, "cbc:ID", category)
    if category != "O":  # "not subject to VAT" carries no rate
        _ubl(node, "cbc:Percent", rate)
    _ubl(_ubl(node, "cac:TaxScheme"), "cbc:ID", "VAT")


def _ubl_freight(root: etree._Element, invoice: Invoice, category: str, rate: Decimal) -> None:
    charge = _ubl(root, "cac:AllowanceCharge")
    _ubl(charge, "cbc:ChargeIndicator", "true")
    _ubl(charge, "cbc:AllowanceChargeReasonCode", "FC")
    _ubl(charge, "cbc:AllowanceChargeReason", "Freight")
    _ubl(charge, "cbc:Amount", invoice.freight, currencyID=invoice.currency)
    _ubl_category(charge, "cac:TaxCategory", category, rate)


def _ubl_tax_total(root: etree._Element, invoice: Invoice, category: str, rate: Decimal) -> None:
    total = _ubl(root, "cac:TaxTotal")
    _ubl(total, "cbc:TaxAmount", invoice.tax, currencyID=invoice.currency)
    subtotal = _ubl(total, "cac:TaxSubtotal")
    _ubl(subtotal, "cbc:TaxableAmount", invoice.lines_total + invoice.freight, currencyID=invoice.currency)
    _ubl(subtotal, "cbc:TaxAmount", invoice.tax, currencyID=invoice.currency)
    _ubl_category(subtotal, "cac:TaxCategory", category, rate)


def _ubl_monetary_total(root: etree._Element, invoice: Invoice) -> None:
    total = _ubl(root, "cac:LegalMonetaryTotal")
    currency = invoice.currency
    _ubl(total, "cbc:LineExtensionAmount", invoice.lines_total, currencyID=currency)
    _ubl(total, "cbc:TaxExclusiveAmount", invoice.lines_total + invoice.freight, currencyID=currency)
    _ubl(total, "cbc:TaxInclusiveAmount", invoice.total, currencyID=currency)
    if invoice.freight:
        _ubl(total, "cbc:ChargeTotalAmount", invoice.freight, currencyID=currency)
    _ubl(total, "cbc:PayableAmount", invoice.total, currencyID=currency)


def _ubl_line(
    root: etree._Element,
    invoice: Invoice,
    line: InvoiceLine,
    position: int,
    category: str,
    rate: Decimal,
    base_quantity: Decimal | None,
) -> None:
    credit = invoice.kind == InvoiceKind.CREDIT_MEMO
    node = _ubl(root, "cac:CreditNoteLine" if credit else "cac:InvoiceLine")
    _ubl(node, "cbc:ID", str(position))
    unit = _REC20.get(line.uom or "EA", line.uom or "C62")
    _ubl(node, "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity", line.quantity, unitCode=unit)
    _ubl(node, "cbc:LineExtensionAmount", invoice.line_amount(line), currencyID=invoice.currency)
    _ubl(_ubl(node, "cac:OrderLineReference"), "cbc:LineID", str(line.line_no))
    item = _ubl(node, "cac:Item")
    _ubl(item, "cbc:Name", line.description or line.item_id or f"PO line {line.line_no}")
    if line.item_id:
        _ubl(_ubl(item, "cac:SellersItemIdentification"), "cbc:ID", line.item_id)
    _ubl_category(item, "cac:ClassifiedTaxCategory", category, rate)
    price = _ubl(node, "cac:Price")
    _ubl(price, "cbc:PriceAmount", _base_price(line, base_quantity), currencyID=invoice.currency)
    if base_quantity:
        _ubl(price, "cbc:BaseQuantity", base_quantity, unitCode=unit)


# --- CII ------------------------------------------------------------------------


def _cii(parent: etree._Element, tag: str, text: Any = None, **attributes: str) -> etree._Element:
    return _child(CII_NS, parent, tag, text, attributes)


def _cii_date(parent: etree._Element, tag: str, value: date) -> None:
    _cii(_cii(parent, tag), "udt:DateTimeString", value.strftime("%Y%m%d"), format="102")


def render_cii(
    invoice: Invoice, *, supplier: Party | None = None, price_base_quantity: Decimal | None = None
) -> bytes:
    """A Factur-X / ZUGFeRD 2 CrossIndustryInvoice in the EN 16931 profile
    (valid against the profile's XSD)."""
    seller = _supplier(invoice, supplier)
    credit = invoice.kind == InvoiceKind.CREDIT_MEMO
    root = etree.Element(f"{{{CII_NS['rsm']}}}CrossIndustryInvoice", nsmap=CII_NS)
    _cii(
        _cii(_cii(root, "rsm:ExchangedDocumentContext"), "ram:GuidelineSpecifiedDocumentContextParameter"),
        "ram:ID",
        EN16931_GUIDELINE,
    )
    document = _cii(root, "rsm:ExchangedDocument")
    _cii(document, "ram:ID", invoice.invoice_number)
    _cii(document, "ram:TypeCode", "381" if credit else "380")
    _cii_date(document, "ram:IssueDateTime", invoice.invoice_date)
    transaction = _cii(root, "rsm:SupplyChainTradeTransaction")
    category, rate = _tax_category(invoice, seller), _tax_rate(invoice)
    for position, line in enumerate(invoice.lines, 1):
        _cii_line(transaction, invoice, line, position, category, rate, price_base_quantity)
    agreement = _cii(transaction, "ram:ApplicableHeaderTradeAgreement")
    _cii(agreement, "ram:BuyerReference", invoice.po_number)
    _cii_party(agreement, "ram:SellerTradeParty", seller)
    _cii_party(agreement, "ram:BuyerTradeParty", BUYER)
    _cii(_cii(agreement, "ram:BuyerOrderReferencedDocument"), "ram:IssuerAssignedID", invoice.po_number)
    _cii(transaction, "ram:ApplicableHeaderTradeDelivery")
    _cii_settlement(transaction, invoice, seller, category, rate)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _cii_party(parent: etree._Element, tag: str, party: Party) -> None:
    node = _cii(parent, tag)
    if party.vendor_id:
        _cii(node, "ram:ID", party.vendor_id)
    if party.gln:
        _cii(node, "ram:GlobalID", party.gln, schemeID="0088")
    _cii(node, "ram:Name", party.name)
    address = _cii(node, "ram:PostalTradeAddress")
    _cii(address, "ram:PostcodeCode", party.postcode)
    _cii(address, "ram:LineOne", party.street)
    _cii(address, "ram:CityName", party.city)
    _cii(address, "ram:CountryID", party.country)
    if party.endpoint:
        scheme, address = party.endpoint
        _cii(_cii(node, "ram:URIUniversalCommunication"), "ram:URIID", address, schemeID=scheme)
    for scheme, value in (("VA", party.vat_id), ("FC", party.tax_id)):
        if value:
            _cii(_cii(node, "ram:SpecifiedTaxRegistration"), "ram:ID", value, schemeID=scheme)


def _cii_tax(parent: etree._Element, tag: str, category: str, rate: Decimal) -> etree._Element:
    tax = _cii(parent, tag)
    _cii(tax, "ram:TypeCode", "VAT")
    _cii(tax, "ram:CategoryCode", category)
    if category != "O":
        _cii(tax, "ram:RateApplicablePercent", rate)
    return tax


def _cii_line(
    transaction: etree._Element,
    invoice: Invoice,
    line: InvoiceLine,
    position: int,
    category: str,
    rate: Decimal,
    base_quantity: Decimal | None,
) -> None:
    item = _cii(transaction, "ram:IncludedSupplyChainTradeLineItem")
    _cii(_cii(item, "ram:AssociatedDocumentLineDocument"), "ram:LineID", str(position))
    product = _cii(item, "ram:SpecifiedTradeProduct")
    if line.item_id:
        _cii(product, "ram:SellerAssignedID", line.item_id)
    _cii(product, "ram:Name", line.description or line.item_id or f"PO line {line.line_no}")
    agreement = _cii(item, "ram:SpecifiedLineTradeAgreement")
    _cii(_cii(agreement, "ram:BuyerOrderReferencedDocument"), "ram:LineID", str(line.line_no))
    price = _cii(agreement, "ram:NetPriceProductTradePrice")
    unit = _REC20.get(line.uom or "EA", line.uom or "C62")
    _cii(price, "ram:ChargeAmount", _base_price(line, base_quantity))
    if base_quantity:
        _cii(price, "ram:BasisQuantity", base_quantity, unitCode=unit)
    _cii(_cii(item, "ram:SpecifiedLineTradeDelivery"), "ram:BilledQuantity", line.quantity, unitCode=unit)
    settlement = _cii(item, "ram:SpecifiedLineTradeSettlement")
    _cii_tax(settlement, "ram:ApplicableTradeTax", category, rate)
    _cii(
        _cii(settlement, "ram:SpecifiedTradeSettlementLineMonetarySummation"),
        "ram:LineTotalAmount",
        invoice.line_amount(line),
    )


def _cii_settlement(
    transaction: etree._Element, invoice: Invoice, seller: Party, category: str, rate: Decimal
) -> None:
    settlement = _cii(transaction, "ram:ApplicableHeaderTradeSettlement")
    _cii(settlement, "ram:PaymentReference", invoice.invoice_number)
    _cii(settlement, "ram:InvoiceCurrencyCode", invoice.currency)
    if seller.iban:
        means = _cii(settlement, "ram:SpecifiedTradeSettlementPaymentMeans")
        _cii(means, "ram:TypeCode", "58")
        _cii(_cii(means, "ram:PayeePartyCreditorFinancialAccount"), "ram:IBANID", seller.iban)
    tax = _cii(settlement, "ram:ApplicableTradeTax")
    _cii(tax, "ram:CalculatedAmount", invoice.tax)
    _cii(tax, "ram:TypeCode", "VAT")
    if category == "O":
        _cii(tax, "ram:ExemptionReason", "Not subject to VAT")
    _cii(tax, "ram:BasisAmount", invoice.lines_total + invoice.freight)
    _cii(tax, "ram:CategoryCode", category)
    if category == "O":
        _cii(tax, "ram:ExemptionReasonCode", "VATEX-EU-O")
    else:
        _cii(tax, "ram:RateApplicablePercent", rate)
    if invoice.freight:
        charge = _cii(settlement, "ram:SpecifiedTradeAllowanceCharge")
        _cii(_cii(charge, "ram:ChargeIndicator"), "udt:Indicator", "true")
        _cii(charge, "ram:ActualAmount", invoice.freight)
        _cii(charge, "ram:ReasonCode", "FC")
        _cii(charge, "ram:Reason", "Freight")
        _cii_tax(charge, "ram:CategoryTradeTax", category, rate)
    terms, due = _terms_text(invoice), _due_date(invoice)
    if terms or due:
        node = _cii(settlement, "ram:SpecifiedTradePaymentTerms")
        if terms:
            _cii(node, "ram:Description", terms)
        if due:
            _cii_date(node, "ram:DueDateDateTime", due)
    _cii_summation(settlement, invoice)
    if invoice.original_invoice_number:
        referenced = _cii(settlement, "ram:InvoiceReferencedDocument")
        _cii(referenced, "ram:IssuerAssignedID", invoice.original_invoice_number)


def _cii_summation(settlement: etree._Element, invoice: Invoice) -> None:
    summation = _cii(settlement, "ram:SpecifiedTradeSettlementHeaderMonetarySummation")
    _cii(summation, "ram:LineTotalAmount", invoice.lines_total)
    _cii(summation, "ram:ChargeTotalAmount", invoice.freight)
    _cii(summation, "ram:AllowanceTotalAmount", D(0))
    _cii(summation, "ram:TaxBasisTotalAmount", invoice.lines_total + invoice.freight)
    _cii(summation, "ram:TaxTotalAmount", invoice.tax, currencyID=invoice.currency)
    _cii(summation, "ram:GrandTotalAmount", invoice.total)
    _cii(summation, "ram:DuePayableAmount", invoice.total)


# --- Factur-X PDF ------------------------------------------------------------------


def _latin1(text: str) -> str:
    """fpdf2's core fonts are Latin-1; anything else would fail to render."""
    return text.encode("latin-1", "replace").decode("latin-1")


def _visible_page(invoice: Invoice, seller: Party) -> bytes:
    title = "CREDIT NOTE" if invoice.kind == InvoiceKind.CREDIT_MEMO else "INVOICE"
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime.combine(invoice.invoice_date, time(9), tzinfo=UTC))
    pdf.set_title(_latin1(f"{seller.name}: {title.title()} {invoice.invoice_number}"))
    pdf.set_author(_latin1(seller.name))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin1(seller.name), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    pdf.cell(
        0,
        5,
        _latin1(f"{seller.street}, {seller.postcode} {seller.city}, {seller.country}"),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(6)
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=10)
    header = [
        f"{title.title()} no.: {invoice.invoice_number}",
        f"Date: {invoice.invoice_date.isoformat()}",
        f"Your order: {invoice.po_number}",
        f"Currency: {invoice.currency}",
    ]
    if invoice.original_invoice_number:
        header.append(f"Credit for invoice: {invoice.original_invoice_number}")
    if (terms := _terms_text(invoice)) is not None:
        header.append(f"Payment terms: {terms}")
    for text in header:
        pdf.cell(0, 5, _latin1(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    _page_lines(pdf, invoice)
    return bytes(pdf.output())


def _page_lines(pdf: FPDF, invoice: Invoice) -> None:
    widths = (14, 40, 66, 22, 24, 24)
    pdf.set_font("Helvetica", "B", 9)
    for width, label in zip(
        widths, ("Line", "Item", "Description", "Qty", "Unit price", "Amount"), strict=False
    ):
        pdf.cell(width, 6, label, border="B")
    pdf.ln()
    pdf.set_font("Helvetica", size=9)
    for line in invoice.lines:
        cells = (
            str(line.line_no),
            line.item_id or "",
            (line.description or "")[:40],
            f"{_decimal(line.quantity)} {line.uom or ''}",
            _decimal(line.unit_price),
            _decimal(invoice.line_amount(line)),
        )
        for width, text in zip(widths, cells, strict=False):
            pdf.cell(width, 6, _latin1(text))
        pdf.ln()
    pdf.ln(3)
    for label, amount in (
        ("Lines", invoice.lines_total),
        ("Freight", invoice.freight),
        ("Tax", invoice.tax),
        ("Total", invoice.total),
    ):
        pdf.cell(166, 6, label, align="R")
        pdf.cell(24, 6, f"{_decimal(amount)} {invoice.currency}", align="R")
        pdf.ln()


def render_facturx(
    invoice: Invoice, *, supplier: Party | None = None, price_base_quantity: Decimal | None = None
) -> bytes:
    """A Factur-X PDF: the visible invoice page with the EN 16931 CII XML embedded
    as factur-x.xml (PDF/A-3 metadata by the `facturx` library)."""
    seller = _supplier(invoice, supplier)
    xml = render_cii(invoice, supplier=seller, price_base_quantity=price_base_quantity)
    title = "Credit note" if invoice.kind == InvoiceKind.CREDIT_MEMO else "Invoice"
    metadata = {
        "author": seller.name,
        "keywords": f"Factur-X, {title}",
        "title": f"{seller.name}: {title} {invoice.invoice_number}",
        "subject": f"Factur-X {title.lower()} {invoice.invoice_number} dated {invoice.invoice_date} "
        f"issued by {seller.name}",
    }
    return facturx.generate_from_binary(
        _visible_page(invoice, seller),
        xml,
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        pdf_metadata=metadata,
        lang="en-US",
    )


# --- samples ------------------------------------------------------------------------

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "tests" / "samples"

# Hand-written files whose seller ids are not poflow's vendor id: the id the
# sender is known by (from the Peppol participant or the mailbox it came from).
_KNOWN_SENDERS = {
    "peppol-bis3-invoice-nordic": "NORDIC",
    "acme-creditnote-sbdh": "ACME",
    "zugferd-basic-nordic": "NORDIC",
    "facturx-minimum-acme": "ACME",
}


def _invoice(
    number: str,
    vendor: str,
    po: str,
    day: date,
    currency: str,
    lines: list[tuple],
    *,
    freight: str = "0",
    tax: str = "0",
    kind: InvoiceKind = InvoiceKind.INVOICE,
    terms: PaymentTerms | None = None,
    original: str | None = None,
) -> Invoice:
    """An invoice with every line amount stated (as e-invoices always state them),
    its total = lines + freight + tax."""
    built = [
        InvoiceLine(
            line_no=no,
            item_id=item,
            description=text,
            quantity=D(qty),
            uom=uom,
            unit_price=D(price),
            amount=D(amount),
        )
        for no, item, text, qty, uom, price, amount in lines
    ]
    total = stated_total(built) + D(freight) + D(tax)
    return Invoice(
        invoice_number=number,
        kind=kind,
        vendor_id=vendor,
        po_number=po,
        invoice_date=day,
        currency=currency,
        lines=built,
        freight=D(freight),
        tax=D(tax),
        total=total,
        payment_terms=terms,
        original_invoice_number=original,
    )


def _rendered_invoices() -> list[tuple[str, str, Invoice, dict]]:
    """(sample name, format, invoice, render options)."""
    acme = _invoice(
        "INV-55012",
        "ACME",
        "PO-1001",
        date(2026, 11, 6),
        "USD",
        [
            (1, "MRO-GLOVE-NITRILE-L", "Nitrile gloves, size L, box of 100", "100", "EA", "11.90", "1190.00"),
            (2, "MRO-BEARING-6204", "Deep groove ball bearing 6204-2RS", "200", "EA", "4.75", "950.00"),
        ],
        freight="25.00",
        tax="178.61",
        terms=PaymentTerms(net_days=30),
    )
    nordic = _invoice(
        "NF-2026-10517",
        "NORDIC",
        "PO-2042",
        date(2026, 11, 19),
        "EUR",
        [
            (
                1,
                "FST-BOLT-M8X30-A2",
                "Hex bolt M8x30, stainless A2-70, DIN 933",
                "2000",
                "EA",
                "0.1840",
                "368.00",
            ),
            (2, "FST-NUT-M8-A2", "Hex nut M8, stainless A2, DIN 934", "2000", "EA", "0.0425", "85.00"),
            (3, "FST-WASHER-M8-A2", "Flat washer M8, stainless A2, DIN 125", "4000", "EA", "0.0190", "76.00"),
        ],
        freight="18.50",
        tax="136.88",
        terms=PaymentTerms(net_days=30, discount_days=10, discount_percent=D("2")),
    )
    nordic_credit = _invoice(
        "NF-CN-2026-0311",
        "NORDIC",
        "PO-2042",
        date(2026, 11, 27),
        "EUR",
        [
            (
                1,
                "FST-BOLT-M8X30-A2",
                "Hex bolt M8x30, stainless A2-70, DIN 933",
                "500",
                "EA",
                "0.1840",
                "92.00",
            ),
        ],
        tax="23.00",
        kind=InvoiceKind.CREDIT_MEMO,
        original="NF-2026-10517",
    )
    labworks_jp = _invoice(
        "LWJ-2026-00981",
        "LABWORKS",
        "PO-LAB-12",
        date(2026, 11, 24),
        "JPY",
        [
            (
                1,
                "LAB-PIPETTE-1000",
                "Single-channel pipette 100-1000 uL, adjustable",
                "6",
                "EA",
                "43500",
                "261000",
            ),
            (
                2,
                "LAB-TIPS-1000-RACK",
                "Filter pipette tips 1000 uL, rack of 96, sterile",
                "40",
                "EA",
                "1300",
                "52000",
            ),
        ],
        freight="2500",
        tax="31550",
        terms=PaymentTerms(net_days=60),
    )
    cloudops = _invoice(
        "CO-2026-1188",
        "CLOUDOPS",
        "PO-3107",
        date(2026, 11, 30),
        "USD",
        [
            (
                1,
                "SVC-CLOUD-SUPPORT-HR",
                "Cloud operations support, November",
                "12.5",
                "HR",
                "145.00",
                "1812.50",
            ),
            (
                2,
                "SVC-K8S-MANAGED-MO",
                "Managed Kubernetes cluster, November",
                "1",
                "MO",
                "2400.00",
                "2400.00",
            ),
        ],
        terms=PaymentTerms(net_days=15),
    )
    nordic_fx = _invoice(
        "NF-2026-10560",
        "NORDIC",
        "PO-2047",
        date(2026, 12, 2),
        "EUR",
        [
            (1, "FST-NUT-M8-A2", "Hex nut M8, stainless A2, DIN 934", "10000", "EA", "0.0425", "425.00"),
            (
                2,
                "FST-WASHER-M8-A2",
                "Flat washer M8, stainless A2, DIN 125",
                "10000",
                "EA",
                "0.0190",
                "190.00",
            ),
        ],
        freight="22.00",
        tax="159.25",
        terms=PaymentTerms(net_days=30, discount_days=10, discount_percent=D("2")),
    )
    acme_credit = _invoice(
        "CM-30102",
        "ACME",
        "PO-1002",
        date(2026, 12, 3),
        "USD",
        [
            (2, "MRO-BEARING-6204", "Deep groove ball bearing 6204-2RS", "40", "EA", "4.75", "190.00"),
        ],
        tax="15.68",
        kind=InvoiceKind.CREDIT_MEMO,
        original="INV-55031",
    )
    hundred = {"price_base_quantity": D(100)}
    return [
        ("ubl-acme-invoice", "ubl", acme, {}),
        ("ubl-nordic-invoice-per-100", "ubl", nordic, hundred),
        ("ubl-nordic-credit-note", "ubl", nordic_credit, {}),
        ("cii-labworks-jpy-invoice", "cii", labworks_jp, {"supplier": LABWORKS_JAPAN}),
        ("cii-cloudops-services", "cii", cloudops, {}),
        ("facturx-nordic-invoice", "factur-x", nordic_fx, hundred),
        ("facturx-acme-credit-note", "factur-x", acme_credit, {}),
    ]


_RENDERERS = {"ubl": (render_ubl, "xml"), "cii": (render_cii, "xml"), "factur-x": (render_facturx, "pdf")}


def _expected_format(fmt: str, invoice: Invoice) -> str:
    if fmt == "ubl":
        return "ubl-credit-note" if invoice.kind == InvoiceKind.CREDIT_MEMO else "ubl-invoice"
    return fmt


def _rendered_sample(name: str, fmt: str, invoice: Invoice, options: dict) -> Sample:
    render, extension = _RENDERERS[fmt]
    expected = {
        "kind": kind_of_invoice(invoice.kind).value,
        "format": _expected_format(fmt, invoice),
        "document": invoice.model_dump(mode="json", exclude_none=True),
    }
    return Sample(
        name=name,
        format=fmt,
        filename=f"{invoice.invoice_number}.{extension}",
        raw=render(invoice, **options),
        expected=[expected],
    )


def _handwritten_samples(fmt: str) -> list[Sample]:
    folder = SAMPLES_DIR / fmt
    if not folder.is_dir():  # an installed package without the tests tree
        return []
    samples = []
    for path in sorted(folder.glob("*.xml")):
        expected_path = path.with_name(f"{path.stem}.expected.json")
        if not expected_path.exists():
            continue
        samples.append(
            Sample(
                name=path.stem,
                format=fmt,
                filename=path.name,
                raw=path.read_bytes(),
                expected=json.loads(expected_path.read_text(encoding="utf-8")),
                vendor_id=_KNOWN_SENDERS.get(path.stem),
            )
        )
    return samples


def sample_set() -> list[Sample]:
    """Rendered UBL, CII and Factur-X samples, then the hand-written files."""
    rendered = [_rendered_sample(*spec) for spec in _rendered_invoices()]
    return rendered + _handwritten_samples("ubl") + _handwritten_samples("cii")
