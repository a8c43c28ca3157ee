"""ZUGFeRD 1.0 (and its 2014 release candidate) standalone and inside PDFs.

The fixtures are written here from the ZUGFeRD 1.0 specification's element
structure (rsm:CrossIndustryDocument, HeaderExchangedDocument,
SpecifiedSupplyChainTradeTransaction, …), one per profile; expectations are
what an AP clerk reads off the same XML.
"""

from __future__ import annotations

from decimal import Decimal as D
from io import BytesIO

import pypdf
import pytest
from fpdf import FPDF

from activities.intake.cii import extract_cii
from activities.intake.detect import detect_format
from activities.intake.errors import ExtractionError
from activities.intake.extract import extract_file as extract
from activities.intake.facturx import extract_facturx

RSM = "urn:ferd:CrossIndustryDocument:invoice:1p0"
PROFILES = {
    "basic": f"{RSM}:basic",
    "comfort": f"{RSM}:comfort",
    "extended": f"{RSM}:extended",
    "rc-comfort": "urn:ferd:invoice:rc:comfort",
}


def _line(line_id: int, qty: str, price: str | None, amount: str, name: str, *, order_line: str = "") -> str:
    agreement = ""
    if price is not None or order_line:
        order = (
            f"<ram:BuyerOrderReferencedDocument><ram:LineID>{order_line}</ram:LineID>"
            "</ram:BuyerOrderReferencedDocument>"
            if order_line
            else ""
        )
        net = (
            f'<ram:NetPriceProductTradePrice><ram:ChargeAmount currencyID="EUR">{price}</ram:ChargeAmount>'
            "</ram:NetPriceProductTradePrice>"
            if price is not None
            else ""
        )
        agreement = (
            f"<ram:SpecifiedSupplyChainTradeAgreement>{order}{net}</ram:SpecifiedSupplyChainTradeAgreement>"
        )
    return f"""
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:AssociatedDocumentLineDocument><ram:LineID>{line_id}</ram:LineID></ram:AssociatedDocumentLineDocument>
      {agreement}
      <ram:SpecifiedSupplyChainTradeDelivery>
        <ram:BilledQuantity unitCode="C62">{qty}</ram:BilledQuantity>
      </ram:SpecifiedSupplyChainTradeDelivery>
      <ram:SpecifiedSupplyChainTradeSettlement>
        <ram:SpecifiedTradeSettlementMonetarySummation>
          <ram:LineTotalAmount currencyID="EUR">{amount}</ram:LineTotalAmount>
        </ram:SpecifiedTradeSettlementMonetarySummation>
      </ram:SpecifiedSupplyChainTradeSettlement>
      <ram:SpecifiedTradeProduct><ram:SellerAssignedID>P-{line_id}</ram:SellerAssignedID>
        <ram:Name>{name}</ram:Name></ram:SpecifiedTradeProduct>
    </ram:IncludedSupplyChainTradeLineItem>"""


def zugferd1(
    profile: str = "comfort",
    *,
    prolog: str = '<?xml version="1.0" encoding="UTF-8"?>',
    po: str = "<ram:ID>PO-4711</ram:ID>",
    prepaid: str = "0.00",
    due: str = "238.00",
) -> bytes:
    """A ZUGFeRD 1.0 invoice: 2 lines 150.00 + 50.00, 19 % VAT 38.00, total 238.00."""
    priced = profile != "basic"  # BASIC lines state no price
    lines = _line(1, "10", "15.00" if priced else None, "150.00", "Widget", order_line="1" if priced else "")
    lines += _line(2, "5", "10.00" if priced else None, "50.00", "Bracket", order_line="2" if priced else "")
    return f"""{prolog}
<rsm:CrossIndustryDocument xmlns:rsm="{RSM}"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
  <rsm:SpecifiedExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter><ram:ID>{PROFILES[profile]}</ram:ID>
    </ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:SpecifiedExchangedDocumentContext>
  <rsm:HeaderExchangedDocument>
    <ram:ID>RE-2014-0815</ram:ID>
    <ram:Name>RECHNUNG</ram:Name>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20141105</udt:DateTimeString></ram:IssueDateTime>
  </rsm:HeaderExchangedDocument>
  <rsm:SpecifiedSupplyChainTradeTransaction>
    <ram:ApplicableSupplyChainTradeAgreement>
      <ram:SellerTradeParty><ram:Name>Lieferant GmbH</ram:Name></ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:Name>Kunden AG</ram:Name></ram:BuyerTradeParty>
      <ram:BuyerOrderReferencedDocument>{po}</ram:BuyerOrderReferencedDocument>
    </ram:ApplicableSupplyChainTradeAgreement>
    <ram:ApplicableSupplyChainTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementMonetarySummation>
        <ram:LineTotalAmount currencyID="EUR">200.00</ram:LineTotalAmount>
        <ram:TaxBasisTotalAmount currencyID="EUR">200.00</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">38.00</ram:TaxTotalAmount>
        <ram:GrandTotalAmount currencyID="EUR">238.00</ram:GrandTotalAmount>
        <ram:TotalPrepaidAmount currencyID="EUR">{prepaid}</ram:TotalPrepaidAmount>
        <ram:DuePayableAmount currencyID="EUR">{due}</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementMonetarySummation>
    </ram:ApplicableSupplyChainTradeSettlement>{lines}
  </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:CrossIndustryDocument>
""".encode()


def _header(doc: dict) -> tuple:
    return (
        doc["invoice_number"],
        doc["invoice_date"],
        doc["currency"],
        doc["po_number"],
        doc["tax"],
        doc["total"],
    )


EXPECTED_HEADER = ("RE-2014-0815", "2014-11-05", "EUR", "PO-4711", "38.00", "238.00")


@pytest.mark.parametrize("profile", ["basic", "comfort", "extended"])
def test_zugferd_1_standalone_reads_header_and_lines_in_every_profile(profile: str) -> None:
    [extracted] = extract_cii(zugferd1(profile))
    doc = extracted.document
    assert _header(doc) == EXPECTED_HEADER
    assert [(ln["quantity"], ln["amount"], ln["description"]) for ln in doc["lines"]] == [
        ("10", "150.00", "Widget"),
        ("5", "50.00", "Bracket"),
    ]
    assert extracted.confidence["total"] == 1.0
    assert str(extracted.locations["total"].segment).startswith(
        "/rsm:CrossIndustryDocument/rsm:SpecifiedSupplyChainTradeTransaction/"
        "ram:ApplicableSupplyChainTradeSettlement/ram:SpecifiedTradeSettlementMonetarySummation/"
        "ram:GrandTotalAmount"
    )


def test_zugferd_1_comfort_lines_carry_price_and_order_line() -> None:
    doc = extract_cii(zugferd1("comfort"))[0].document
    assert [(ln["line_no"], ln["unit_price"], ln["item_id"]) for ln in doc["lines"]] == [
        (1, "15.00", "P-1"),
        (2, "10.00", "P-2"),
    ]


def test_zugferd_1_basic_lines_without_price_say_so() -> None:
    extracted = extract_cii(zugferd1("basic"))[0]
    assert "unit_price" not in extracted.document["lines"][0]
    assert any("NetPriceProductTradePrice" in w for w in extracted.warnings)


def test_zugferd_1_release_candidate_profile_is_read() -> None:
    assert _header(extract_cii(zugferd1("rc-comfort"))[0].document) == EXPECTED_HEADER


def test_zugferd_1_release_candidate_namespace_is_read() -> None:
    raw = zugferd1().replace(RSM.encode(), b"urn:ferd:invoice:rc")
    assert _header(extract_cii(raw)[0].document) == EXPECTED_HEADER


def test_zugferd_1_po_from_issuer_assigned_id_too() -> None:
    raw = zugferd1(po="<ram:IssuerAssignedID>PO-4711</ram:IssuerAssignedID>")
    assert extract_cii(raw)[0].document["po_number"] == "PO-4711"


def test_grand_total_is_the_total_and_a_different_amount_due_is_reported() -> None:
    extracted = extract_cii(zugferd1(prepaid="100.00", due="138.00"))[0]
    assert (extracted.document["total"], extracted.document["amount_due"]) == ("238.00", "138.00")
    assert any("100.00 was prepaid" in w for w in extracted.warnings)
    extracted = extract_cii(zugferd1(due="230.00"))[0]
    assert (extracted.document["total"], extracted.document["amount_due"]) == ("238.00", "230.00")
    assert "amount_due" not in extract_cii(zugferd1(due="238.00"))[0].document  # the same: nothing apart
    assert any("amount due 230.00 differs from the invoice total 238.00" in w for w in extracted.warnings)


LONG_COMMENT = "<!-- " + "Nutzungsrechte: " * 400 + " -->"


@pytest.mark.parametrize(
    "prolog",
    [
        '<?xml version="1.0" encoding="UTF-8"?>\n' + LONG_COMMENT,
        '\ufeff<?xml version="1.0" encoding="UTF-8"?><?xml-stylesheet href="x.xsl"?><!-- a -->',
        "<!-- no declaration, a comment first -->",
    ],
    ids=["long-licence-comment", "bom-pi-comment", "comment-only"],
)
def test_comments_processing_instructions_and_bom_before_the_root_are_read(prolog: str) -> None:
    raw = zugferd1(prolog=prolog)
    assert detect_format(raw) == "cii"
    assert _header(extract(raw)[0].document) == EXPECTED_HEADER


def test_cii_d16b_after_a_long_comment_is_detected() -> None:
    raw = (
        b'<?xml version="1.0"?>\n' + LONG_COMMENT.encode() + b"\n<rsm:CrossIndustryInvoice "
        b'xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"/>'
    )
    assert detect_format(raw) == "cii"


# --- inside a PDF -------------------------------------------------------------------


def _page(text: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def _attach(pdf: bytes, name: str, data: bytes) -> bytes:
    writer = pypdf.PdfWriter(clone_from=BytesIO(pdf))
    writer.add_attachment(name, data)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def test_zugferd_1_pdf_is_read_from_its_xml_not_its_page() -> None:
    page = _page("Rechnung WRONG-1 Gesamtbetrag 1,00 EUR")
    # The factur-x library refuses to generate ZUGFeRD 1.x PDFs, so the XML is
    # attached under the name ZUGFeRD 1.0 prescribes, as existing readers find it.
    pdf = _attach(page, "ZUGFeRD-invoice.xml", zugferd1("extended"))
    [extracted] = extract(pdf)
    assert extracted.format == "factur-x"
    assert _header(extracted.document) == EXPECTED_HEADER
    assert str(extracted.locations["total"].segment).startswith(
        "ZUGFeRD-invoice.xml:/rsm:CrossIndustryDocument/"
    )


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("ZUGFeRD-invoice.xml", b"<rsm:CrossIndustryDocument", "not well-formed"),
        ("factur-x.xml", b"<order xmlns='urn:x'/>", "not a CII or UBL invoice"),
        ("xrechnung.xml", b"", "empty"),
    ],
)
def test_pdf_with_invoice_xml_poflow_cannot_read_says_so_naming_the_attachment(
    name: str, data: bytes, why: str
) -> None:
    with pytest.raises(ExtractionError) as caught:
        extract_facturx(_attach(_page("Invoice 4711 total 10.00"), name, data))
    assert name in str(caught.value) and why in str(caught.value)


def test_invoice_xml_under_another_attachment_name_is_read_and_the_name_reported() -> None:
    [extracted] = extract(_attach(_page("Rechnung"), "RE-2014-0815.xml", zugferd1()))
    assert _header(extracted.document) == EXPECTED_HEADER
    assert any("'RE-2014-0815.xml'" in w and "ZUGFeRD" in w for w in extracted.warnings)


def test_pdf_with_another_xml_attachment_is_read_from_its_page() -> None:
    assert extract_facturx(_attach(_page("Invoice 4711"), "delivery-note.xml", b"<note/>")) is None


def test_decimal_amounts_stay_exact() -> None:
    doc = extract_cii(zugferd1())[0].document
    assert D(doc["total"]) - D(doc["tax"]) == D("200.00")


# The 2014 release candidate: root rsm:Invoice in the CBFBUY:5 namespace, the
# other elements unqualified, dates inline, ChargeIndicator holding its boolean.
RC = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- release candidate layout -->
<rsm:Invoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CBFBUY:5">
  <rsm:SpecifiedExchangedDocumentContext>
    <GuidelineSpecifiedDocumentContextParameter><ID>urn:ferd:invoice:rc:comfort</ID>
    </GuidelineSpecifiedDocumentContextParameter>
  </rsm:SpecifiedExchangedDocumentContext>
  <rsm:HeaderExchangedDocument>
    <ID>RC-77</ID><TypeCode>380</TypeCode><IssueDateTime format="102">20140210</IssueDateTime>
  </rsm:HeaderExchangedDocument>
  <rsm:SpecifiedSupplyChainTradeTransaction>
    <ApplicableSupplyChainTradeAgreement>
      <SellerTradeParty><Name>Lieferant GmbH</Name></SellerTradeParty>
      <BuyerOrderReferencedDocument><IssueDateTime format="102">20140201</IssueDateTime>
        <ID>PO-9001</ID></BuyerOrderReferencedDocument>
    </ApplicableSupplyChainTradeAgreement>
    <ApplicableSupplyChainTradeSettlement>
      <InvoiceCurrencyCode>EUR</InvoiceCurrencyCode>
      <SpecifiedTradeAllowanceCharge><ChargeIndicator>false</ChargeIndicator>
        <ActualAmount>1.00</ActualAmount><Reason>Sondernachlass</Reason></SpecifiedTradeAllowanceCharge>
      <SpecifiedLogisticsServiceCharge><Description>Versandkosten</Description>
        <AppliedAmount>5.00</AppliedAmount></SpecifiedLogisticsServiceCharge>
      <SpecifiedTradePaymentTerms><Description>30 Tage netto</Description>
        <DueDateDateTime format="102">20140312</DueDateDateTime></SpecifiedTradePaymentTerms>
      <SpecifiedTradeSettlementMonetarySummation>
        <LineTotalAmount currencyID="EUR">100.00</LineTotalAmount>
        <TaxTotalAmount currencyID="EUR">19.76</TaxTotalAmount>
        <GrandTotalAmount currencyID="EUR">123.76</GrandTotalAmount>
        <DuePayableAmount currencyID="EUR">123.76</DuePayableAmount>
      </SpecifiedTradeSettlementMonetarySummation>
    </ApplicableSupplyChainTradeSettlement>
    <IncludedSupplyChainTradeLineItem>
      <AssociatedDocumentLineDocument><IncludedNote><Content>Aus Lieferung 5:</Content></IncludedNote>
      </AssociatedDocumentLineDocument>
    </IncludedSupplyChainTradeLineItem>
    <IncludedSupplyChainTradeLineItem>
      <AssociatedDocumentLineDocument><LineID>1</LineID></AssociatedDocumentLineDocument>
      <SpecifiedSupplyChainTradeAgreement><NetPriceProductTradePrice>
        <ChargeAmount currencyID="EUR">20.00</ChargeAmount></NetPriceProductTradePrice>
      </SpecifiedSupplyChainTradeAgreement>
      <SpecifiedSupplyChainTradeDelivery><BilledQuantity unitCode="C62">5</BilledQuantity>
      </SpecifiedSupplyChainTradeDelivery>
      <SpecifiedSupplyChainTradeSettlement><SpecifiedTradeSettlementMonetarySummation>
        <LineTotalAmount currencyID="EUR">100.00</LineTotalAmount>
      </SpecifiedTradeSettlementMonetarySummation></SpecifiedSupplyChainTradeSettlement>
      <SpecifiedTradeProduct><SellerAssignedID>KR3M</SellerAssignedID><Name>Kunstrasen</Name>
      </SpecifiedTradeProduct>
    </IncludedSupplyChainTradeLineItem>
  </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:Invoice>
"""


def test_release_candidate_layout_is_detected_as_cii_not_ubl_and_read() -> None:
    assert detect_format(RC) == "cii"
    [extracted] = extract(RC)
    doc = extracted.document
    assert (doc["invoice_number"], doc["invoice_date"], doc["po_number"]) == (
        "RC-77",
        "2014-02-10",
        "PO-9001",
    )
    assert (doc["currency"], doc["tax"], doc["total"], doc["freight"]) == ("EUR", "19.76", "123.76", "5.00")
    assert [(ln["line_no"], ln["quantity"], ln["unit_price"], ln["amount"]) for ln in doc["lines"]] == [
        (1, "5", "20.00", "100.00")
    ]


def test_release_candidate_in_a_pdf_is_read_from_its_xml() -> None:
    [extracted] = extract(_attach(_page("Rechnung RC-77"), "ZUGFeRD-invoice.xml", RC))
    assert (extracted.format, extracted.document["total"]) == ("factur-x", "123.76")
