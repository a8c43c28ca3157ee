"""ZUGFeRD 1.0 (2014–2019; the 1.0 release of 25.6.2014 and its 2014 release
candidate) → `Invoice` readings, with the CII reader and ZUGFeRD 1.0's paths.

ZUGFeRD 1.0 is a subset of UN/CEFACT CII D13B (root rsm:CrossIndustryDocument
in namespace `urn:ferd:CrossIndustryDocument:invoice:1p0`, ram namespace
`…ReusableAggregateBusinessInformationEntity:12`, udt `…UnqualifiedDataType:15`).
The profile is rsm:SpecifiedExchangedDocumentContext/
ram:GuidelineSpecifiedDocumentContextParameter/ram:ID: `urn:ferd:CrossIndustryDocument:
invoice:1p0:basic|comfort|extended`, in the release candidate `urn:ferd:invoice:rc:…`
(some generators wrote `urn:ferd:invoice:1.0:…`). The business terms are those of
ZUGFeRD 2.x / EN 16931, under other element names:

- rsm:HeaderExchangedDocument: ram:ID → invoice_number, ram:TypeCode → kind,
  ram:IssueDateTime/udt:DateTimeString (format 102) → invoice_date.
- rsm:SpecifiedSupplyChainTradeTransaction/ram:ApplicableSupplyChainTradeAgreement:
  ram:SellerTradeParty; ram:BuyerOrderReferencedDocument/ram:ID (1.0's name for the
  order number; ram:IssuerAssignedID also accepted) → po_number.
- …/ram:ApplicableSupplyChainTradeSettlement: ram:InvoiceCurrencyCode, allowances and
  charges, ram:SpecifiedTradePaymentTerms, ram:SpecifiedTradeSettlementMonetarySummation
  (LineTotalAmount, TaxBasisTotalAmount, TaxTotalAmount → tax, GrandTotalAmount → total;
  DuePayableAmount is the amount due, reported when it differs, never the total).
- ram:IncludedSupplyChainTradeLineItem: ram:AssociatedDocumentLineDocument/ram:LineID,
  ram:SpecifiedSupplyChainTradeAgreement (Net/GrossPriceProductTradePrice,
  BuyerOrderReferencedDocument/LineID), ram:SpecifiedSupplyChainTradeDelivery/
  ram:BilledQuantity, ram:SpecifiedSupplyChainTradeSettlement/
  ram:SpecifiedTradeSettlementMonetarySummation/ram:LineTotalAmount, ram:SpecifiedTradeProduct.

The release candidate of 2014 (rsm:Invoice in urn:un:unece:uncefact:data:standard:CBFBUY:5,
unqualified child elements) is read with the same paths; see RC_PATHS.

BASIC lines carry no price: those lines are read without a unit price, and the
reading says so. The namespaces of ram and udt are taken from the document
itself, so a release-candidate file that declares other versions is read too.
"""

from __future__ import annotations

from dataclasses import replace

from lxml import etree

from activities.intake.cii import CiiPaths, CiiReader
from activities.intake.einvoice_reader import LinePaths, not_the_root
from activities.intake.xml_safety import PathNamer
from models.extraction import Extracted

__all__ = ["NAMESPACES", "RSM", "is_zugferd1", "read_zugferd1"]

RSM = "urn:ferd:CrossIndustryDocument:invoice:1p0"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
UDT = "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15"
# The root namespaces ZUGFeRD 1.0 files are written in: the release's, and the
# release candidate's (whose profile ids read urn:ferd:invoice:rc:…).
NAMESPACES = (RSM, "urn:ferd:invoice:rc", "urn:ferd:CrossIndustryDocument:invoice:rc")
_ROOT_NAME = "CrossIndustryDocument"

_TRANSACTION = "rsm:SpecifiedSupplyChainTradeTransaction"
_SETTLEMENT = f"{_TRANSACTION}/ram:ApplicableSupplyChainTradeSettlement"
PATHS = CiiPaths(
    context="rsm:SpecifiedExchangedDocumentContext",
    document="rsm:HeaderExchangedDocument",
    agreement=f"{_TRANSACTION}/ram:ApplicableSupplyChainTradeAgreement",
    settlement=_SETTLEMENT,
    summation=f"{_SETTLEMENT}/ram:SpecifiedTradeSettlementMonetarySummation",
    line=f"{_TRANSACTION}/ram:IncludedSupplyChainTradeLineItem",
    net_price="ram:SpecifiedSupplyChainTradeAgreement/ram:NetPriceProductTradePrice",
    gross_price="ram:SpecifiedSupplyChainTradeAgreement/ram:GrossPriceProductTradePrice",
    line_paths=LinePaths(
        order_line="ram:SpecifiedSupplyChainTradeAgreement/ram:BuyerOrderReferencedDocument/ram:LineID",
        own_id="ram:AssociatedDocumentLineDocument/ram:LineID",
        quantity="ram:SpecifiedSupplyChainTradeDelivery/ram:BilledQuantity",
        amount="ram:SpecifiedSupplyChainTradeSettlement/ram:SpecifiedTradeSettlementMonetarySummation/"
        "ram:LineTotalAmount",
    ),
    reference_ids=("ram:ID", "ram:IssuerAssignedID"),
)


# The 2014 release candidate (profile ids urn:ferd:invoice:rc:…) is the same tree
# under another root, rsm:Invoice in the CBFBUY:5 namespace, with every other
# element unqualified, dates written inline (<IssueDateTime format="102">) and
# ChargeIndicator holding its boolean directly.
RC_RSM = "urn:un:unece:uncefact:data:standard:CBFBUY:5"
RC_PATHS = replace(PATHS, charge_indicator="ram:ChargeIndicator", dates_inline=True)


def is_zugferd1(root: etree._Element) -> bool:
    """A ZUGFeRD 1.0 root: CrossIndustryDocument in a FeRD namespace, or the release candidate's."""
    qname = etree.QName(root)
    namespace = qname.namespace or ""
    if qname.localname == "Invoice" and namespace == RC_RSM:
        return True
    return qname.localname == _ROOT_NAME and (namespace in NAMESPACES or namespace.startswith("urn:ferd:"))


def read_zugferd1(
    root: etree._Element, *, vendor_id: str | None = None, fmt: str = "cii", source: str | None = None
) -> Extracted:
    """Read a parsed ZUGFeRD 1.0 CrossIndustryDocument (standalone, or the
    ZUGFeRD-invoice.xml a PDF embeds: then `fmt` is "factur-x")."""
    if not is_zugferd1(root):
        raise not_the_root(root, "a ZUGFeRD 1.0 CrossIndustryDocument")
    namespace = etree.QName(root).namespace or RSM
    if namespace == RC_RSM:
        paths, ns = RC_PATHS, {"rsm": RC_RSM, "ram": "", "udt": ""}
    else:
        paths, ns = PATHS, {"rsm": namespace, "ram": RAM, "udt": UDT, **_declared(root)}
    reader = CiiReader(root, vendor_id, PathNamer(source), paths=paths, ns=ns, what="ZUGFeRD 1.0 invoice")
    return reader.read(fmt)


def _declared(root: etree._Element) -> dict[str, str]:
    """The ram and udt namespaces the document uses, from the elements near its top
    (a release candidate may declare other versions than 1.0's :12 and :15)."""
    found: dict[str, str] = {}
    for count, element in enumerate(root.iter()):
        if count > 500 or len(found) == 2:
            break
        namespace = etree.QName(element).namespace or "" if isinstance(element.tag, str) else ""
        if "ReusableAggregateBusinessInformationEntity" in namespace:
            found.setdefault("ram", namespace)
        elif "UnqualifiedDataType" in namespace:
            found.setdefault("udt", namespace)
    return found
