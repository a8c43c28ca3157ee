"""tools/external_sets.py: the truth it reads from an e-invoice XML, the
page-only copy it makes, and its cache of pinned wheels. Everything here is
written in the test or made by the project (fpdf2 + factur-x); the fetched
AGPL-3.0 PDFs themselves are never needed (nor committed)."""

from __future__ import annotations

import hashlib
import io
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import facturx
import pdfplumber
import pypdf
import pytest
from fpdf import FPDF

import tools.external_sets as external
from tools.external_sets import (
    ExternalDocument,
    FetchError,
    Wheel,
    einvoice_truth,
    fetch,
    page_only_copy,
    page_truth,
)
from tools.real_layouts import is_blind

# EN 16931-3-3 (CII D16B) paths: BT-1 ExchangedDocument/ID, BT-2 IssueDateTime
# (format 102), BT-13 BuyerOrderReferencedDocument/IssuerAssignedID, BT-31
# seller VAT (schemeID VA), BT-5 InvoiceCurrencyCode, BT-112 GrandTotalAmount,
# BT-115 DuePayableAmount (here less than the total: a prepayment, BT-113).
CII = b"""<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryInvoice xmlns:rsm="urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100">
  <rsm:ExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter>
      <ram:ID>urn:factur-x.eu:1p0:minimum</ram:ID>
    </ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:ExchangedDocumentContext>
  <rsm:ExchangedDocument>
    <ram:ID>FX-2026-7</ram:ID>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20260315</udt:DateTimeString></ram:IssueDateTime>
  </rsm:ExchangedDocument>
  <rsm:SupplyChainTradeTransaction>
    <ram:ApplicableHeaderTradeAgreement>
      <ram:SellerTradeParty>
        <ram:Name>Fournisseur SA</ram:Name>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">FR 11 123456782</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>
      <ram:BuyerTradeParty><ram:Name>Client SARL</ram:Name></ram:BuyerTradeParty>
      <ram:BuyerOrderReferencedDocument><ram:IssuerAssignedID>PO-889</ram:IssuerAssignedID></ram:BuyerOrderReferencedDocument>
    </ram:ApplicableHeaderTradeAgreement>
    <ram:ApplicableHeaderTradeDelivery/>
    <ram:ApplicableHeaderTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementHeaderMonetarySummation>
        <ram:TaxBasisTotalAmount>100.00</ram:TaxBasisTotalAmount>
        <ram:TaxTotalAmount currencyID="EUR">20.00</ram:TaxTotalAmount>
        <ram:GrandTotalAmount>120.00</ram:GrandTotalAmount>
        <ram:TotalPrepaidAmount>20.00</ram:TotalPrepaidAmount>
        <ram:DuePayableAmount>100.00</ram:DuePayableAmount>
      </ram:SpecifiedTradeSettlementHeaderMonetarySummation>
    </ram:ApplicableHeaderTradeSettlement>
  </rsm:SupplyChainTradeTransaction>
</rsm:CrossIndustryInvoice>
"""

# ZUGFeRD 1.0 (FeRD, CII D13B subset): HeaderExchangedDocument, Specified…
# TradeTransaction, the order's ram:ID. A credit note as FeRD's specimens
# write one (TypeCode 380, negative total); the total stated in a second
# currency too; a line-level buyer order that is not the header's PO.
ZUGFERD1 = """<?xml version="1.0" encoding="UTF-8"?>
<rsm:CrossIndustryDocument xmlns:rsm="urn:ferd:CrossIndustryDocument:invoice:1p0"
  xmlns:ram="urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12"
  xmlns:udt="urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15">
  <rsm:SpecifiedExchangedDocumentContext>
    <ram:GuidelineSpecifiedDocumentContextParameter>
      <ram:ID>urn:ferd:CrossIndustryDocument:invoice:1p0:comfort</ram:ID>
    </ram:GuidelineSpecifiedDocumentContextParameter>
  </rsm:SpecifiedExchangedDocumentContext>
  <rsm:HeaderExchangedDocument>
    <ram:ID>RK-4711</ram:ID>
    <ram:Name>RECHNUNGSKORREKTUR</ram:Name>
    <ram:TypeCode>380</ram:TypeCode>
    <ram:IssueDateTime><udt:DateTimeString format="102">20130916</udt:DateTimeString></ram:IssueDateTime>
  </rsm:HeaderExchangedDocument>
  <rsm:SpecifiedSupplyChainTradeTransaction>
    <ram:ApplicableSupplyChainTradeAgreement>
      <ram:SellerTradeParty>
        <ram:Name>Lieferant GmbH</ram:Name>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="FC">201/113/40209</ram:ID></ram:SpecifiedTaxRegistration>
        <ram:SpecifiedTaxRegistration><ram:ID schemeID="VA">DE123456789</ram:ID></ram:SpecifiedTaxRegistration>
      </ram:SellerTradeParty>
      <ram:BuyerOrderReferencedDocument><ram:ID>B-1234</ram:ID></ram:BuyerOrderReferencedDocument>
    </ram:ApplicableSupplyChainTradeAgreement>
    <ram:ApplicableSupplyChainTradeSettlement>
      <ram:InvoiceCurrencyCode>EUR</ram:InvoiceCurrencyCode>
      <ram:SpecifiedTradeSettlementMonetarySummation>
        <ram:GrandTotalAmount currencyID="CHF">-9.50</ram:GrandTotalAmount>
        <ram:GrandTotalAmount currencyID="EUR">-8.79</ram:GrandTotalAmount>
        {due}
      </ram:SpecifiedTradeSettlementMonetarySummation>
    </ram:ApplicableSupplyChainTradeSettlement>
    <ram:IncludedSupplyChainTradeLineItem>
      <ram:SpecifiedSupplyChainTradeAgreement>
        <ram:BuyerOrderReferencedDocument><ram:ID>LINE-ORDER-9</ram:ID></ram:BuyerOrderReferencedDocument>
      </ram:SpecifiedSupplyChainTradeAgreement>
    </ram:IncludedSupplyChainTradeLineItem>
  </rsm:SpecifiedSupplyChainTradeTransaction>
</rsm:CrossIndustryDocument>
"""


def _zugferd1(due: str = "") -> bytes:
    return ZUGFERD1.replace("{due}", due).encode()


def _page(*lines: str) -> bytes:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    for line in lines:
        pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def _facturx(*lines: str) -> bytes:
    return bytes(
        facturx.generate_from_binary(_page(*lines), CII, flavor="factur-x", level="minimum", check_xsd=False)
    )


def _text(pdf: bytes) -> str:
    with pdfplumber.open(io.BytesIO(pdf)) as document:
        return "\n".join(page.extract_text() or "" for page in document.pages)


# --- truth from the XML -------------------------------------------------------------


def test_cii_truth_is_the_header_values() -> None:
    truth = einvoice_truth(CII, language="fr", source="test")
    assert truth["fields"] == {
        "invoice_number": "FX-2026-7",
        "invoice_date": "2026-03-15",
        "total": "120.00",
        "currency": "EUR",
        "po_number": "PO-889",
    }
    assert truth["amount_due"] == "100.00"  # BT-115 differs from BT-112
    assert truth["vendor_tax_id"] == "FR11123456782"
    assert truth["language"] == "fr"
    assert truth["ground_truth"].startswith("CII D16B")


def test_zugferd1_truth_reads_the_older_names() -> None:
    truth = einvoice_truth(_zugferd1(), language="de", source="test")
    assert truth["fields"] == {
        "invoice_number": "RK-4711",
        "invoice_date": "2013-09-16",
        "total": "-8.79",  # the invoice currency's total, not the CHF one; sign kept
        "currency": "EUR",
        "po_number": "B-1234",  # the header's order, not the line's
    }
    assert "amount_due" not in truth  # no DuePayableAmount stated
    assert truth["vendor_tax_id"] == "DE123456789"  # VA, not the FC tax number
    assert truth["ground_truth"].startswith("ZUGFeRD 1.0")


def test_zugferd1_amount_due_only_when_it_differs() -> None:
    zero = '<ram:DuePayableAmount currencyID="EUR">0.00</ram:DuePayableAmount>'
    same = '<ram:DuePayableAmount currencyID="EUR">-8.79</ram:DuePayableAmount>'
    assert einvoice_truth(_zugferd1(zero), language="de", source="t")["amount_due"] == "0.00"
    assert "amount_due" not in einvoice_truth(_zugferd1(same), language="de", source="t")


def test_other_xml_is_refused() -> None:
    ubl = b'<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'
    with pytest.raises(ValueError, match="not a CII D16B or ZUGFeRD 1.0"):
        einvoice_truth(ubl, language="en", source="t")


# --- the page-only copy ---------------------------------------------------------------


def test_page_only_copy_has_no_embedded_file_and_the_same_page() -> None:
    original = _facturx("FACTURE FX-2026-7", "Total TTC 120,00 EUR")
    assert facturx.get_xml_from_pdf(original, check_xsd=False)[0] == "factur-x.xml"
    copy = page_only_copy(original)
    reader = pypdf.PdfReader(io.BytesIO(copy))
    assert reader.attachments == {}
    assert not facturx.get_xml_from_pdf(copy, check_xsd=False)[1]
    root = reader.root_object
    assert "/AF" not in root and "/Metadata" not in root and "/Names" not in root
    assert _text(copy) == _text(original)


def test_page_truth_drops_an_identifier_the_page_does_not_print() -> None:
    truth = einvoice_truth(CII, language="fr", source="t")
    printed = page_truth(truth, _page("FACTURE FX-2026-7", "Total 120,00 EUR"))
    assert printed["kind"] == "page"
    assert printed["fields"]["invoice_number"] == "FX-2026-7"
    assert "po_number" not in printed["fields"]  # PO-889 is only in the XML
    assert "po_number 'PO-889' not printed" in printed["ground_truth"]
    assert truth["fields"]["po_number"] == "PO-889"  # the e-invoice truth is untouched


# --- dev / blind ----------------------------------------------------------------------


def test_a_pdf_and_its_page_copy_are_in_the_same_part() -> None:
    # sha256("i2d-flipkart") is divisible by 3 (MANIFEST.md): blind, whatever the copy's name.
    pair = [ExternalDocument(n, "i2d-flipkart", {"kind": "page"}, b"") for n in ("a", "i2d-orlen")]
    assert all(d.blind for d in pair)
    assert not ExternalDocument("i2d-flipkart", "i2d-orlen", {"kind": "page"}, b"").blind
    assert is_blind("i2d-flipkart") and not is_blind("i2d-orlen")


# --- the cache of pinned wheels -------------------------------------------------------


def _wheel(tmp_path: Path, package: str, folder: str, files: dict[str, bytes]) -> Wheel:
    """A wheel built here, placed in the cache as if pip had downloaded it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(folder + name, data)
    wheel = Wheel(package, "1.0", hashlib.sha256(buffer.getvalue()).hexdigest(), folder)
    (tmp_path / wheel.filename).write_bytes(buffer.getvalue())
    return wheel


def _no_pip(*args: Any, **kwargs: Any) -> None:
    raise AssertionError("pip must not run when the wheel is cached")


def test_a_cached_wheel_is_read_without_pip(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(subprocess, "run", _no_pip)
    einvoices = _wheel(tmp_path, "e-pkg", "tests/files/", {"Facture_FR_X.pdf": _facturx("FACTURE FX-2026-7")})
    simple = _wheel(tmp_path, "s-pkg", "tests/pdf/", {"akretion_france-test.pdf": _page("VT/2022/0001")})
    monkeypatch.setattr(external, "FACTURX_WHEEL", einvoices)
    monkeypatch.setattr(external, "SIMPLE_PDF_WHEEL", simple)
    documents = list(fetch(tmp_path))
    assert [(d.name, d.kind) for d in documents] == [
        ("Facture_FR_X", "einvoice-pdf"),
        ("Facture_FR_X-page", "page"),
        ("akretion_france-test", "page"),
    ]
    assert documents[0].expected["fields"]["total"] == "120.00"
    assert documents[0].expected["language"] == "fr"
    assert documents[2].expected["fields"]["invoice_number"] == "VT/2022/0001"
    assert (tmp_path / "e-pkg-1.0" / "Facture_FR_X.pdf").exists()  # unzipped for a person to open


def test_a_cached_wheel_with_other_bytes_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(subprocess, "run", _no_pip)
    wheel = _wheel(tmp_path, "e-pkg", "f/", {"a.pdf": b"%PDF"})
    (tmp_path / wheel.filename).write_bytes(b"changed")
    with pytest.raises(FetchError, match="not the pinned"):
        external.download(wheel, tmp_path)


def test_a_failed_download_is_a_fetch_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def offline(command: list[str], **kwargs: Any) -> None:
        assert command[-4:] == ["--quiet", "pkg==2.0", "-d", str(tmp_path)]
        raise subprocess.CalledProcessError(1, command, stderr="ERROR: network is unreachable\n")

    monkeypatch.setattr(subprocess, "run", offline)
    with pytest.raises(FetchError, match="pip download pkg==2.0 failed: ERROR: network is unreachable"):
        external.download(Wheel("pkg", "2.0", "0" * 64, "f/"), tmp_path)


def test_wheel_file_name_follows_pep_427() -> None:
    wheel = Wheel("odoo-addon-a-b", "18.0.1.1.0.2", "0" * 64, "x/")
    assert wheel.filename == "odoo_addon_a_b-18.0.1.1.0.2-py3-none-any.whl"
