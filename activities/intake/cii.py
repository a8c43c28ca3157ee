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
    known_type_code,
    line_number,
    price_per_unit,
)
from activities.intake.einvoice_values import parse_yyyymmdd
from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from activities.intake.xml_safety import PathNamer, parse_untrusted_xml, text_of
from models.documents import InvoiceKind
from models.extraction import Extracted, kind_of_invoice

__all__ = ["extract_cii", "read_cii"]

RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100"
NS = {"rsm": RSM, "ram": RAM, "udt": UDT}
ROOT = f"{{{RSM}}}CrossIndustryInvoice"

_AGREEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement"
_SETTLEMENT = "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement"
_SUMMATION = f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
_LINE = "rsm:SupplyChainTradeTransaction/ram:IncludedSupplyChainTradeLineItem"
_PO_LINE = "ram:SpecifiedLineTradeAgreement/ram:BuyerOrderReferencedDocument/ram:LineID"
_NET_PRICE = "ram:SpecifiedLineTradeAgreement/ram:NetPriceProductTradePrice"
_GROSS_PRICE = "ram:SpecifiedLineTradeAgreement/ram:GrossPriceProductTradePrice"
_LINE_TOTAL = (
    "ram:SpecifiedLineTradeSettlement/ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"
)
_OTHER_SELLER_IDS = (
    ("ram:GlobalID", "global id"),
    ("ram:URIUniversalCommunication/ram:URIID", "endpoint"),
    ("ram:SpecifiedLegalOrganization/ram:ID", "legal id"),
    ("ram:SpecifiedTaxRegistration/ram:ID", "tax id"),
)
_DESCRIPTION_MAX = 500
_ITEM_ID_MAX = 64


def extract_cii(
    xml: bytes, *, vendor_id: str | None = None, limits: IntakeLimits = DEFAULT_LIMITS
) -> list[Extracted]:
    """The one invoice or credit note a CII file holds."""
    root = parse_untrusted_xml(xml, limits=limits, what="CII invoice")
    return [read_cii(root, vendor_id=vendor_id)]


def read_cii(
    root: etree._Element, *, vendor_id: str | None = None, fmt: str = "cii", source: str | None = None
) -> Extracted:
    """Read a parsed CrossIndustryInvoice (also the one a Factur-X PDF embeds:
    then `fmt` is "factur-x" and `source` names the attachment)."""
    if root.tag != ROOT:
        qname = etree.QName(root)
        namespace = f"namespace {qname.namespace}" if qname.namespace else "no namespace"
        raise ExtractionError(
            f"root element <{qname.localname}> in {namespace} is not a UN/CEFACT CrossIndustryInvoice (D16B)",
            f"line {root.sourceline}",
        )
    return _CiiReader(root, vendor_id, PathNamer(source)).read(fmt)


def profile_of(root: etree._Element) -> str:
    """The guideline (profile) URN, e.g. `urn:factur-x.eu:1p0:minimum`; "" when absent."""
    return text_of(
        root.find("rsm:ExchangedDocumentContext/ram:GuidelineSpecifiedDocumentContextParameter/ram:ID", NS)
    )


def _is_minimum(profile: str) -> bool:
    return profile.lower().endswith(":minimum")


class _CiiReader(ElementReader):
    def __init__(self, root: etree._Element, vendor_id: str | None, names: PathNamer) -> None:
        super().__init__(root, NS, names)
        self.caller_vendor_id = vendor_id
        self.profile = profile_of(root)

    def read(self, fmt: str) -> Extracted:
        kind = self._kind()
        issue_date = self._header()
        hint = self._seller()
        self._payment_terms(issue_date)
        self._freight()
        stated_lines, stated_total = self._totals()
        self._lines()
        self.r.check_totals(stated_lines, stated_total)
        return self.r.extracted(kind_of_invoice(kind), fmt, hint)

    def _required(self, path: str) -> tuple[str, etree._Element]:
        text, element = self.text(path)
        if element is None or not text:
            raise ExtractionError(f"the CII invoice has no {path}", self.at(self.doc))
        return text, element

    def _date(self, container: etree._Element | None) -> tuple[date | None, str | None]:
        """The udt:DateTimeString inside `container`; EN 16931 allows only format 102 (YYYYMMDD)."""
        element = self.find("udt:DateTimeString", container) if container is not None else None
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
        code, element = self._required("rsm:ExchangedDocument/ram:TypeCode")
        kind, note = document_kind(code, InvoiceKind.INVOICE)
        if note:
            self.r.warn(note)
        self.r.set("kind", kind, 1.0 if known_type_code(code) else 0.6, self.at(element))
        return kind

    def _header(self) -> date:
        number, element = self._required("rsm:ExchangedDocument/ram:ID")
        self.r.set("invoice_number", number, 1.0, self.at(element))
        issue_date, at = self._date(self.find("rsm:ExchangedDocument/ram:IssueDateTime"))
        if issue_date is None:
            raise ExtractionError(
                "the CII invoice has no ram:IssueDateTime/udt:DateTimeString", self.at(self.doc)
            )
        self.r.set("invoice_date", issue_date, 1.0, at)
        self._currency()
        self._po_number()
        original, element = self.text(f"{_SETTLEMENT}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID")
        if original:
            self.r.set("original_invoice_number", original, 1.0, self.at_or_none(element))
        return issue_date

    def _currency(self) -> None:
        code, element = self.text(f"{_SETTLEMENT}/ram:InvoiceCurrencyCode")
        if not code:
            self.r.warn("no ram:InvoiceCurrencyCode; a reviewer must set the currency")
            return
        self.r.set("currency", code, 1.0, self.at_or_none(element))
        self.r.check_currency(code)

    def _po_number(self) -> None:
        order, element = self.text(f"{_AGREEMENT}/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID")
        confidence = 1.0
        if not order:
            order, element = self.text(f"{_AGREEMENT}/ram:BuyerReference")
            if not order:
                self.r.warn("no ram:BuyerOrderReferencedDocument: the PO must be found by a reviewer")
                return
            confidence = 0.5
            self.r.warn(
                f"no ram:BuyerOrderReferencedDocument: the buyer reference {order!r} was taken "
                "as the PO number"
            )
        if not is_identifier(order):
            confidence = 0.3
            self.r.warn(f"the order reference {order!r} is not a valid PO number; a reviewer must correct it")
        self.r.set("po_number", order, confidence, self.at_or_none(element))

    # --- seller ----------------------------------------------------------------

    def _seller(self) -> str | None:
        seller = self.find(f"{_AGREEMENT}/ram:SellerTradeParty")
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
        for path, label in _OTHER_SELLER_IDS:
            for element in self.findall(path, seller):
                value, scheme = text_of(element), (element.get("schemeID") or "").strip()
                if value:
                    shown = f"{label} ({scheme})" if scheme else label
                    ids.append(SenderId(shown, value, 0.5, self.at(element)))
        return ids

    # --- payment terms -----------------------------------------------------------

    def _payment_terms(self, issue_date: date) -> None:
        terms = self.findall(f"{_SETTLEMENT}/ram:SpecifiedTradePaymentTerms")
        descriptions = [el for term in terms for el in self.findall("ram:Description", term) if text_of(el)]
        due, due_at = None, None
        for term in terms:
            due, due_at = self._date(self.find("ram:DueDateDateTime", term))
            if due:
                break
        days, percent, discount_at = self._discount_terms()
        self.r.settle_terms(
            issue_date,
            TermsSource(
                text=" ".join(text_of(el) for el in descriptions),
                text_at=self.at(descriptions[0]) if descriptions else None,
                due=due,
                due_at=due_at,
                discount_days=days,
                discount_percent=percent,
                discount_at=discount_at,
            ),
        )

    def _discount_terms(self) -> tuple[int | None, Decimal | None, str | None]:
        """EXTENDED's structured cash discount (ram:ApplicableTradePaymentDiscountTerms)."""
        terms = self.find(
            f"{_SETTLEMENT}/ram:SpecifiedTradePaymentTerms/ram:ApplicableTradePaymentDiscountTerms"
        )
        if terms is None:
            return None, None, None
        days_el = self.find("ram:BasisPeriodMeasure", terms)
        percent_el = self.find("ram:CalculationPercent", terms)
        if days_el is None or percent_el is None or (days_el.get("unitCode") or "DAY") != "DAY":
            return None, None, None
        days, percent = self.amount(days_el), self.amount(percent_el)
        if days != days.to_integral_value() or not 0 <= days <= 365 or not 0 <= percent <= 100:
            self.r.warn(f"payment discount {percent}% in {days} days is not usable as payment terms")
            return None, None, None
        return int(days), percent, self.at(percent_el)

    # --- charges and totals ------------------------------------------------------

    def _freight(self) -> None:
        if _is_minimum(self.profile):
            self.r.warn("profile MINIMUM states no charges: freight is unknown")
            return
        charges = []
        for charge in self.findall(f"{_SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge"):
            amount_el = self.find("ram:ActualAmount", charge)
            if amount_el is None:
                self.r.warn(f"an allowance/charge without an amount was ignored ({self.at(charge)})")
                continue
            charges.append(
                DocumentCharge(
                    is_charge=self.indicator("ram:ChargeIndicator/udt:Indicator", charge),
                    amount=self.amount(amount_el),
                    reason_code=self.text("ram:ReasonCode", charge)[0],
                    reason=self.text("ram:Reason", charge)[0],
                    at=self.at(amount_el),
                )
            )
        # Logistics service charges (EXTENDED) are transport costs by definition.
        for charge in self.findall(f"{_SETTLEMENT}/ram:SpecifiedLogisticsServiceCharge"):
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
        summation = self.find(_SUMMATION)
        if summation is None:
            self.r.warn(
                "no ram:SpecifiedTradeSettlementHeaderMonetarySummation: tax and total must be set "
                "by a reviewer"
            )
            return None, None
        self._tax(summation)
        stated_lines = self.optional_amount("ram:LineTotalAmount", summation)
        total_el, confidence = self.find("ram:GrandTotalAmount", summation), 1.0
        if total_el is None:
            total_el, confidence = self.find("ram:DuePayableAmount", summation), 0.8
            if total_el is None:
                self.r.warn("no GrandTotalAmount or DuePayableAmount: the total must be set by a reviewer")
                return stated_lines, None
            self.r.warn("no GrandTotalAmount: the amount due was taken as the total")
        total = self.amount(total_el)
        self.r.set("total", total, confidence, self.at(total_el))
        prepaid = self.optional_amount("ram:TotalPrepaidAmount", summation)
        if prepaid:
            self.r.warn(f"{prepaid} was prepaid; the amount due is less than the total")
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
        lines = self.findall(_LINE)
        if not lines:
            profile = self.profile.rsplit(":", 1)[-1].upper() or "unknown"
            self.r.warn(
                f"the invoice has no lines (profile {profile}): the reading stays incomplete, "
                "since an invoice needs at least one line; a reviewer must add the lines it bills"
            )
            return
        if len(lines) > MAX_LINES:
            raise ExtractionError(
                f"{len(lines):,} lines are more than the {MAX_LINES:,} poflow reads",
                self.at(lines[MAX_LINES]),
            )
        numbers = [self._line(index, line) for index, line in enumerate(lines)]
        self.r.report_line_numbers(numbers, "BuyerOrderReferencedDocument/LineID")

    def _line(self, index: int, line: etree._Element) -> tuple[int, str]:
        prefix = f"lines[{index}]"
        order_line, order_el = self.text(_PO_LINE, line)
        own_id, own_el = self.text("ram:AssociatedDocumentLineDocument/ram:LineID", line)
        line_no, confidence, at, source = line_number(
            order_line,
            self.at_or_none(order_el),
            own_id,
            self.at_or_none(own_el),
            index + 1,
        )
        self.r.set(f"{prefix}.line_no", line_no, confidence, at)
        self.line_quantity(prefix, line, "ram:SpecifiedLineTradeDelivery/ram:BilledQuantity")
        self._price(prefix, line)
        amount_el = self.find(_LINE_TOTAL, line)
        if amount_el is not None:
            self.r.set(f"{prefix}.amount", self.amount(amount_el), 1.0, self.at(amount_el))
        self._product(prefix, line)
        return line_no, source

    def _price(self, prefix: str, line: etree._Element) -> None:
        price = self.find(_NET_PRICE, line)
        confidence = 1.0
        if price is None:
            price, confidence = self.find(_GROSS_PRICE, line), 0.7
            if price is not None:
                self.r.warn(f"{prefix}: no net price; the gross price was used")
        amount_el = self.find("ram:ChargeAmount", price) if price is not None else None
        if price is None or amount_el is None:
            self.r.warn(f"{self.at(line)} has no ram:NetPriceProductTradePrice/ram:ChargeAmount")
            return
        base_quantity = self.optional_amount("ram:BasisQuantity", price)
        unit_price, note = price_per_unit(self.amount(amount_el), base_quantity)
        if note:
            self.r.warn(f"{prefix}: {note}")
            confidence = min(confidence, 0.9)
        self.r.set(f"{prefix}.unit_price", unit_price, confidence, self.at(amount_el))

    def _product(self, prefix: str, line: etree._Element) -> None:
        product = self.find("ram:SpecifiedTradeProduct", line)
        if product is None:
            return
        name, name_el = self.text("ram:Name", product)
        if not name:
            name, name_el = self.text("ram:Description", product)
        if name:
            self.r.set(f"{prefix}.description", name[:_DESCRIPTION_MAX], 1.0, self.at_or_none(name_el))
        for path in ("ram:SellerAssignedID", "ram:BuyerAssignedID", "ram:GlobalID"):
            item_id, item_el = self.text(path, product)
            if item_id:
                self.r.set(f"{prefix}.item_id", item_id[:_ITEM_ID_MAX], 1.0, self.at_or_none(item_el))
                return
