"""UN/CEFACT Cross Industry Invoice (D16B, as Factur-X / ZUGFeRD 2.x and
XRechnung CII use it, profiles MINIMUM to EXTENDED) → `Invoice` readings.

Mapping (EN 16931 business terms in brackets):

- rsm:ExchangedDocument: ram:ID [BT-1] → invoice_number; ram:TypeCode [BT-3]
  (380 invoice, 381 credit note, …) → kind; ram:IssueDateTime/udt:DateTimeString
  format 102 [BT-2] → invoice_date.
- ram:ApplicableHeaderTradeAgreement: ram:SellerTradeParty → vendor_id / vendor_hint;
  ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID [BT-13] → po_number.
- ram:ApplicableHeaderTradeSettlement: ram:InvoiceCurrencyCode [BT-5] → currency;
  ram:SpecifiedTradeAllowanceCharge with ChargeIndicator true and a freight reason,
  and ram:SpecifiedLogisticsServiceCharge (EXTENDED) → freight; ram:SpecifiedTradePaymentTerms
  → payment_terms; ram:SpecifiedTradeSettlementHeaderMonetarySummation: TaxTotalAmount in the
  invoice currency [BT-110] → tax, GrandTotalAmount [BT-112] → total;
  ram:InvoiceReferencedDocument/ram:IssuerAssignedID [BT-25] → original_invoice_number.
- ram:IncludedSupplyChainTradeLineItem → lines: the PO line from
  ram:SpecifiedLineTradeAgreement/ram:BuyerOrderReferencedDocument/ram:LineID [BT-132], else
  ram:AssociatedDocumentLineDocument/ram:LineID; ram:BilledQuantity (+unitCode);
  ram:NetPriceProductTradePrice/ram:ChargeAmount ÷ ram:BasisQuantity; ram:LineTotalAmount;
  ram:SpecifiedTradeProduct/ram:Name and ram:SellerAssignedID.

MINIMUM and BASIC WL carry no lines: the reading then has the header only and
says so; it stays incomplete until a reviewer adds the lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from lxml import etree

from activities.intake.einvoice_reader import Discount, ElementReader, LinePaths, not_the_root
from activities.intake.einvoice_reading import MAX_LINES, DocumentCharge, SenderId
from activities.intake.einvoice_values import document_kind, known_type_code, parse_yyyymmdd
from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from activities.intake.xml_safety import PathNamer, parse_untrusted_xml, text_of
from models.documents import InvoiceKind
from models.extraction import Extracted

__all__ = ["D16B", "CiiPaths", "CiiReader", "extract_cii", "read_cii"]

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NS = {"rsm": RSM, "ram": RAM, "udt": UDT}
ROOT = f"{{{RSM}}}CrossIndustryInvoice"


@dataclass(frozen=True)
class CiiPaths:
    """Where a CII-family document states each part: D16B (below) and ZUGFeRD 1.0
    (`activities.intake.zugferd1`) name the same business terms differently."""

    context: str  # the document context holding the profile (guideline) id
    document: str  # the header document: ID, TypeCode, IssueDateTime
    agreement: str
    settlement: str
    summation: str
    line: str
    net_price: str
    gross_price: str
    line_paths: LinePaths
    reference_ids: tuple[str, ...]  # a referenced document's id, first stated wins
    charge_indicator: str = "ram:ChargeIndicator/udt:Indicator"
    dates_inline: bool = False  # a date element may hold the date itself (format attribute, no udt)


D16B = CiiPaths(
    context="rsm:ExchangedDocumentContext",
    document="rsm:ExchangedDocument",
    agreement="rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement",
    settlement="rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement",
    summation="rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement/"
    "ram:SpecifiedTradeSettlementHeaderMonetarySummation",
    line="rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem",
    net_price="ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice",
    gross_price="ram:SpecifiedLineTradeAgreement/ram:GrossPriceProductTradePrice",
    line_paths=LinePaths(
        order_line="ram:SpecifiedLineTradeAgreement/ram:BuyerOrderReferencedDocument/ram:LineID",
        own_id="ram:AssociatedDocumentLineDocument/ram:LineID",
        quantity="ram:SpecifiedLineTradeDelivery/ram:BilledQuantity",
        amount="ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/"
        "ram:LineTotalAmount",
    ),
    reference_ids=("ram:IssuerAssignedID",),
)
# The seller's part number first (what the supplier bills), then the buyer's, then a GTIN.
_ITEM_IDS = ("ram:SellerAssignedID", "ram:BuyerAssignedID", "ram:GlobalID")
_OTHER_SELLER_IDS = (
    ("ram:GlobalID", "global id"),
    ("ram:URIUniversalCommunication/ram:URIID", "endpoint"),
    ("ram:SpecifiedLegalOrganization/ram:ID", "legal id"),
    ("ram:SpecifiedTaxRegistration/ram:ID", "tax id"),
)


def extract_cii(
    xml: bytes, *, vendor_id: str | None = None, limits: IntakeLimits = DEFAULT_LIMITS
) -> list[Extracted]:
    """The one invoice or credit note a CII file (D16B, or ZUGFeRD 1.0's D13B subset) holds."""
    root = parse_untrusted_xml(xml, limits=limits, what="CII invoice")
    from activities.intake.zugferd1 import is_zugferd1, read_zugferd1  # it builds on this module

    if is_zugferd1(root):
        return [read_zugferd1(root, vendor_id=vendor_id)]
    return [read_cii(root, vendor_id=vendor_id)]


def read_cii(
    root: etree._Element, *, vendor_id: str | None = None, fmt: str = "cii", source: str | None = None
) -> Extracted:
    """Read a parsed CrossIndustryInvoice (also the one a Factur-X PDF embeds:
    then `fmt` is "factur-x" and `source` names the attachment)."""
    if root.tag != ROOT:
        raise not_the_root(root, "a UN/CEFACT CrossIndustryInvoice (D16B)")
    return CiiReader(root, vendor_id, PathNamer(source)).read(fmt)


def profile_of(root: etree._Element, paths: CiiPaths = D16B, ns: dict[str, str] = NS) -> str:
    """The guideline (profile) URN, e.g. `urn:factur-x.eu:1p0:minimum`; "" when absent."""
    return text_of(root.find(f"{paths.context}/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", ns))


def _is_minimum(profile: str) -> bool:
    return profile.lower().endswith(":minimum")


class CiiReader(ElementReader):
    def __init__(
        self,
        root: etree._Element,
        vendor_id: str | None,
        names: PathNamer,
        *,
        paths: CiiPaths = D16B,
        ns: dict[str, str] = NS,
        what: str = "CII invoice",
    ) -> None:
        super().__init__(root, ns, names, what=what, vendor_id=vendor_id, line_paths=paths.line_paths)
        self.paths = paths
        self.profile = profile_of(root, paths, ns)

    def _date(self, container: etree._Element | None) -> tuple[date | None, str | None]:
        """The udt:DateTimeString inside `container`; EN 16931 allows only format 102 (YYYYMMDD)."""
        element = self.find("udt:DateTimeString", container) if container is not None else None
        if element is None and container is not None and self.paths.dates_inline:
            element = container  # the ZUGFeRD 1.0 release candidate: <IssueDateTime format="102">
        if element is None or not text_of(element):
            return None, None
        fmt = element.get("format")
        if fmt not in (None, "102"):
            raise ExtractionError(
                f"date format {fmt!r} is not supported: EN 16931 uses 102 (YYYYMMDD)",
                self.at(element, "format"),
            )
        if fmt is None:
            self.r.warn(f"{self.at(element)} has no format attribute; read as 102 (YYYYMMDD)")
        return parse_yyyymmdd(text_of(element), self.at(element)), self.at(element)

    # --- header ----------------------------------------------------------------

    def _kind(self) -> InvoiceKind:
        code, element = self.required(f"{self.paths.document}/ram:TypeCode")
        kind, note = document_kind(code, InvoiceKind.INVOICE)
        if note:
            self.r.warn(note)
        self.r.set("kind", kind, 1.0 if known_type_code(code) else 0.6, self.at(element))
        return kind

    def _header(self) -> date:
        number, element = self.required(f"{self.paths.document}/ram:ID")
        self.r.set("invoice_number", number, 1.0, self.at(element))
        issue_date, at = self._date(self.find(f"{self.paths.document}/ram:IssueDateTime"))
        if issue_date is None:
            raise ExtractionError(
                f"the {self.what} has no ram:IssueDateTime/udt:DateTimeString", self.at(self.doc)
            )
        self.r.set("invoice_date", issue_date, 1.0, at)
        self._currency()
        self.po_number(
            self._reference(f"{self.paths.agreement}/ram:BuyerOrderReferencedDocument"),
            f"{self.paths.agreement}/ram:BuyerReference",
            "ram:BuyerOrderReferencedDocument",
        )
        original, element = self.text(
            self._reference(f"{self.paths.settlement}/ram:InvoiceReferencedDocument")
        )
        if original:
            self.r.set("original_invoice_number", original, 1.0, self.at_or_none(element))
        return issue_date

    def _reference(self, document: str) -> str:
        """The path of the referenced `document`'s id: the first of the format's id elements stated."""
        paths = [f"{document}/{element}" for element in self.paths.reference_ids]
        return next((path for path in paths if self.text(path)[0]), paths[0])

    def _currency(self) -> None:
        code, element = self.text(f"{self.paths.settlement}/ram:InvoiceCurrencyCode")
        if not code:
            self.r.warn("no ram:InvoiceCurrencyCode; a reviewer must set the currency")
            return
        self.r.set("currency", code, 1.0, self.at_or_none(element))
        self.r.check_currency(code)

    # --- seller ----------------------------------------------------------------

    def _seller(self) -> str | None:
        seller = self.find(f"{self.paths.agreement}/ram:SellerTradeParty")
        if seller is None:
            self.r.warn("no ram:SellerTradeParty: the seller is unknown")
            return self.r.settle_vendor(self.caller_vendor_id, "", [])
        name = self.text("ram:Name", seller)[0]
        return self.r.settle_vendor(self.caller_vendor_id, name, self._sender_ids(seller))

    def _sender_ids(self, seller: etree._Element) -> list[SenderId]:
        """ram:ID without a scheme (BT-29, often the supplier number the buyer gave)
        first, then global ids, the electronic address, legal and tax registrations."""
        ids: list[SenderId] = []
        for element in self.findall("ram:ID", seller):
            if text_of(element):
                ids.append(SenderId("id", text_of(element), 0.6, self.at(element)))
        return ids + self.labelled_ids(seller, _OTHER_SELLER_IDS)

    # --- payment terms -----------------------------------------------------------

    def _payment_terms(self, issue_date: date) -> None:
        terms = self.findall(f"{self.paths.settlement}/ram:SpecifiedTradePaymentTerms")
        descriptions = [el for term in terms for el in self.findall("ram:Description", term) if text_of(el)]
        due, due_at = None, None
        for term in terms:
            due, due_at = self._date(self.find("ram:DueDateDateTime", term))
            if due:
                break
        self.settle_terms(issue_date, descriptions, (due, due_at), self._discount_terms())

    def _discount_terms(self) -> Discount:
        """EXTENDED's structured cash discount (ram:ApplicableTradePaymentDiscountTerms)."""
        terms = self.find(
            f"{self.paths.settlement}/ram:SpecifiedTradePaymentTerms/ram:ApplicableTradePaymentDiscountTerms"
        )
        if terms is None:
            return None, None, None
        days_el = self.find("ram:BasisPeriodMeasure", terms)
        percent_el = self.find("ram:CalculationPercent", terms)
        return self.discount(days_el, percent_el, "payment discount")

    # --- charges and totals ------------------------------------------------------

    def _freight(self) -> None:
        if _is_minimum(self.profile):
            self.r.warn("profile MINIMUM states no charges: freight is unknown")
            return
        charges = self.allowance_charges(
            f"{self.paths.settlement}/ram:SpecifiedTradeAllowanceCharge",
            amount="ram:ActualAmount",
            indicator=self.paths.charge_indicator,
            reason_code="ram:ReasonCode",
            reason="ram:Reason",
        )
        # Logistics service charges (EXTENDED) are transport costs by definition.
        for charge in self.findall(f"{self.paths.settlement}/ram:SpecifiedLogisticsServiceCharge"):
            amount_el = self.find("ram:AppliedAmount", charge)
            if amount_el is not None:
                description = self.text("ram:Description", charge)[0]
                charges.append(
                    DocumentCharge(
                        is_charge=True,
                        amount=self.amount(amount_el),
                        reason_code="",
                        reason=description,
                        at=self.at(amount_el),
                        is_freight=True,
                    )
                )
        self.r.settle_freight(charges)

    def _totals(self) -> tuple[Decimal | None, Decimal | None]:
        summation = self.find(self.paths.summation)
        if summation is None:
            self.r.warn(
                "no ram:SpecifiedTradeSettlementHeaderMonetarySummation: tax and total must be set "
                "by a reviewer"
            )
            return None, None
        self._tax(summation)
        stated_lines = self.optional_amount("ram:LineTotalAmount", summation)
        total = self.stated_total(summation, "ram:GrandTotalAmount", "ram:DuePayableAmount", "the amount due")
        if total is None:
            return stated_lines, None
        prepaid = self.optional_amount("ram:TotalPrepaidAmount", summation)
        if prepaid:
            self.r.warn(f"{prepaid} was prepaid; the amount due is less than the total")
        due = self.optional_amount("ram:DuePayableAmount", summation)
        # The total stays the grand total [BT-112]; an amount due that differs (prepayment,
        # rounding, a deposit) is reported, never taken as the total.
        if due is not None and due != total and not prepaid:
            self.r.warn(f"the amount due {due} differs from the invoice total {total}")
        return stated_lines, total

    def _tax(self, summation: etree._Element) -> None:
        currency = self.r.document.get("currency")
        amounts = self.findall("ram:TaxTotalAmount", summation)
        if not amounts:
            self.r.set("tax", Decimal(0), 0.7)
            self.r.warn("no ram:TaxTotalAmount: tax taken as 0")
            return
        # A second TaxTotalAmount in the tax currency (BT-111) is not ours.
        in_currency = [el for el in amounts if (el.get("currencyID") or currency) == currency] or amounts[:1]
        self.r.set("tax", self.amount(in_currency[0]), 1.0, self.at(in_currency[0]))

    # --- lines -----------------------------------------------------------------

    def _lines(self) -> None:
        # A line item with neither quantity nor amount is a text line (a note
        # between the lines, as ZUGFeRD 1.0 COMFORT allows): it bills nothing.
        paths = self.paths.line_paths
        lines = [
            line
            for line in self.findall(self.paths.line)
            if self.find(paths.quantity, line) is not None or self.find(paths.amount, line) is not None
        ]
        if not lines:
            profile = self.profile.rsplit(":", 1)[-1].upper() or "unknown"
            self.r.warn(
                f"the invoice has no lines (profile {profile}): the reading stays incomplete, "
                "since an invoice needs at least one line; a reviewer must add the lines it bills"
            )
            return
        self.read_lines(lines, MAX_LINES, "BuyerOrderReferencedDocument/LineID")

    def _price(self, prefix: str, line: etree._Element) -> None:
        price = self.find(self.paths.net_price, line)
        confidence = 1.0
        if price is None:
            price, confidence = self.find(self.paths.gross_price, line), 0.7
            if price is not None:
                self.r.warn(f"{prefix}: no net price; the gross price was used")
        amount_el = self.find("ram:ChargeAmount", price) if price is not None else None
        if price is None or amount_el is None:
            self.r.warn(f"{self.at(line)} has no ram:NetPriceProductTradePrice/ram:ChargeAmount")
            return
        self.unit_price(prefix, amount_el, self.optional_amount("ram:BasisQuantity", price), confidence)

    def _item(self, prefix: str, line: etree._Element) -> None:
        product = self.find("ram:SpecifiedTradeProduct", line)
        if product is not None:
            self.describe_item(prefix, product, ("ram:Name", "ram:Description"), _ITEM_IDS)
