"""PDF intake without embedded XML: amounts and dates as printed, header fields
by label in seven languages, line tables ruled or not, confidence from
cross-checks, and a file that is not a readable text PDF ending in an
ExtractionError — quickly, whatever the bytes.

Expected values come from the models the PDFs are rendered from (and, for the
hand-written samples in tests/samples/pdf/, from their .expected.json), never
from the extractor's own output.
"""

from __future__ import annotations

import io
import json
import time
import tracemalloc
import zlib
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from fpdf import FPDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from activities.intake.amounts import (
    DMY,
    MDY,
    decimal_evidence,
    detect_date_order,
    detect_decimal_separator,
    find_amounts,
    find_currency,
    parse_amount,
    parse_date,
)
from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from activities.intake.pdf_confidence import cross_check
from activities.intake.pdf_fields import parse_payment_terms, parse_status
from activities.intake.pdf_read import extract_pdf
from models.documents import (
    AckLineStatus,
    Acknowledgment,
    AcknowledgmentLine,
    AckStatus,
    Invoice,
    InvoiceKind,
    InvoiceLine,
)
from models.extraction import ExtractedKind
from models.purchase_order import PaymentTerms
from supplier_sim.pdf import LANGUAGES, LAYOUTS, render_pdf, sample_set

SAMPLES_DIR = Path(__file__).parent / "samples" / "pdf"


# --- amounts -----------------------------------------------------------------


@pytest.mark.parametrize(
    "text, decimal, expected",
    [
        ("1,234.56", None, "1234.56"),
        ("1.234,56", None, "1234.56"),
        ("1 234,56", None, "1234.56"),
        ("1\u00a0234,56", None, "1234.56"),
        ("1\u202f234,56", None, "1234.56"),
        ("1'234.56", None, "1234.56"),
        ("1’234.56", None, "1234.56"),
        ("1.234.567,89", None, "1234567.89"),
        ("1,234,567", None, "1234567"),
        ("-12.00", None, "-12.00"),
        ("\u221212,00", None, "-12.00"),
        ("12.00-", None, "-12.00"),
        ("(12.00)", None, "-12.00"),
        ("12.00 CR", None, "-12.00"),
        ("$1,234.56", None, "1234.56"),
        ("$-5.00", None, "-5.00"),
        ("€ 1.234,56", None, "1234.56"),
        ("1.234,56 €", None, "1234.56"),
        ("USD 1,234.56", None, "1234.56"),
        ("1 234,50 kr", None, "1234.50"),
        ("CHF 1'234.50", None, "1234.50"),
        ("0,184", None, "0.184"),
        ("0.1840", None, "0.1840"),
        ("12,5", None, "12.5"),
        ("1,234", ".", "1234"),  # ambiguous: the document decides
        ("1,234", ",", "1.234"),
        ("1.234", ",", "1234"),
        ("1.234", ".", "1.234"),
        ("1.000", ",", "1000"),
        ("2026", None, "2026"),
    ],
)
def test_amounts_parse_every_printed_style(text: str, decimal: str | None, expected: str) -> None:
    assert parse_amount(text, decimal) == Decimal(expected)


@pytest.mark.parametrize(
    "text", ["", "EUR", "19%", "INV-2026", "M8x30", "12 34", "1,23,456.00", "1..2", ".5", "31.12.2026", "abc"]
)
def test_amounts_refuse_what_is_not_one_amount(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    "text, mark",
    [
        ("1,234.56", "."),
        ("1.234,56", ","),
        ("12,50", ","),
        ("0.1840", "."),
        ("1,234,567", "."),
        ("1.234.567", ","),
        ("1,234", None),
        ("1 234", None),
        ("12", None),
    ],
)
def test_decimal_evidence_comes_only_from_values_that_prove_it(text: str, mark: str | None) -> None:
    assert decimal_evidence(text) == mark


def test_decimal_separator_is_decided_per_document_by_its_other_amounts() -> None:
    assert detect_decimal_separator(["1.000", "0,1840", "184,00", "Menge"]) == (",", True)
    assert detect_decimal_separator(["1,000", "4.75", "47.50"]) == (".", True)
    assert detect_decimal_separator(["1,000", "2"], default=",") == (",", False)


def test_find_amounts_skips_rates_and_reads_the_currency_beside_the_amount() -> None:
    assert [v for v, _ in find_amounts("VAT 19%: 1.234,56 EUR", ",")] == [Decimal("1234.56")]
    assert [v for v, _ in find_amounts("10 EA 4.75 47.50")] == [
        Decimal(10),
        Decimal("4.75"),
        Decimal("47.50"),
    ]


@pytest.mark.parametrize(
    "text, order, expected",
    [
        ("2026-12-31", DMY, date(2026, 12, 31)),
        ("12/31/2026", DMY, date(2026, 12, 31)),  # a part above 12 settles the order whatever the default
        ("31/12/2026", MDY, date(2026, 12, 31)),
        ("31.12.2026", MDY, date(2026, 12, 31)),  # dots are always day first
        ("31.12.26", DMY, date(2026, 12, 31)),
        ("31-12-2026", DMY, date(2026, 12, 31)),
        ("03/04/2026", DMY, date(2026, 4, 3)),
        ("03/04/2026", MDY, date(2026, 3, 4)),
        ("31 Dec 2026", DMY, date(2026, 12, 31)),
        ("Dec 31, 2026", DMY, date(2026, 12, 31)),
        ("December 31, 2026", DMY, date(2026, 12, 31)),
        ("31-Dec-2026", DMY, date(2026, 12, 31)),
        ("31. Dezember 2026", DMY, date(2026, 12, 31)),
        ("3. März 2026", DMY, date(2026, 3, 3)),
        ("31 décembre 2026", DMY, date(2026, 12, 31)),
        ("1er février 2026", DMY, date(2026, 2, 1)),
        ("31 de diciembre de 2026", DMY, date(2026, 12, 31)),
        ("31 dicembre 2026", DMY, date(2026, 12, 31)),
        ("15 mei 2026", DMY, date(2026, 5, 15)),
        ("2 maart 2026", DMY, date(2026, 3, 2)),
        ("3 maj 2026", DMY, date(2026, 5, 3)),
        ("12 augusti 2026", DMY, date(2026, 8, 12)),
        ("PO-1001 vom 20.02.2026", DMY, date(2026, 2, 20)),
    ],
)
def test_dates_parse_in_every_language_and_order(text: str, order: str, expected: date) -> None:
    assert parse_date(text, order) == expected


@pytest.mark.parametrize("text", ["", "PO-1001", "31/31/2026", "30 days net", "2026"])
def test_dates_refuse_what_is_not_a_date(text: str) -> None:
    assert parse_date(text) is None


def test_day_month_order_is_decided_per_document_by_its_unambiguous_dates() -> None:
    assert detect_date_order(["03/04/2026", "12/31/2026"]) == (MDY, True)
    assert detect_date_order(["03/04/2026", "31/12/2026"], default=MDY) == (DMY, True)
    assert detect_date_order(["03/04/2026", "05/06/2026"], default=MDY) == (MDY, False)


@pytest.mark.parametrize(
    "text, language, expected",
    [
        ("Total EUR 1.234,56", None, ("EUR", True)),
        ("1.234,56 €", None, ("EUR", True)),
        ("£12.00", None, ("GBP", True)),
        ("$12.00", None, ("USD", False)),
        ("1 234,50 kr", "sv", ("SEK", False)),
        ("Euro", None, ("EUR", True)),
    ],
)
def test_currency_is_read_from_codes_and_symbols(
    text: str, language: str | None, expected: tuple[str, bool]
) -> None:
    assert find_currency(text, language) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Net 30", {"net_days": 30}),
        ("Net 30 days", {"net_days": 30}),
        ("2/10 net 30", {"net_days": 30, "discount_days": 10, "discount_percent": "2"}),
        ("2% 10 days, net 30 days", {"net_days": 30, "discount_days": 10, "discount_percent": "2"}),
        ("14 Tage 3% Skonto, 30 Tage netto", {"net_days": 30, "discount_days": 14, "discount_percent": "3"}),
        ("30 jours net", {"net_days": 30}),
        ("Zahlbar innerhalb von 45 Tagen ohne Abzug", {"net_days": 45}),
        ("60 giorni data fattura", {"net_days": 60}),
        ("30 dagar netto", {"net_days": 30}),
        ("Cash on delivery", None),
    ],
)
def test_payment_terms_are_read_from_common_phrasings(text: str, expected: dict | None) -> None:
    assert parse_payment_terms(text) == expected


@pytest.mark.parametrize(
    "text, line, expected",
    [
        ("Accepted", True, "accepted"),
        ("Accepted with changes", False, "accepted_with_changes"),
        ("Qty changed", True, "changed"),
        ("Backorder", True, "backordered"),
        ("Rückstand", True, "backordered"),
        ("Backorder", False, "accepted_with_changes"),
        ("Cancelled", True, "rejected"),
        ("Refusée", False, "rejected"),
        ("Bekräftad", True, "accepted"),
        ("In arretrato", True, "backordered"),
    ],
)
def test_acknowledgment_statuses_are_read_in_every_language(text: str, line: bool, expected: str) -> None:
    assert parse_status(text, line=line) == expected


# --- documents to render ------------------------------------------------------------


def _invoice(**changes: object) -> Invoice:
    """NORDIC bills three PO lines (10, 20, 30): 695.30 + 19 % VAT 132.11 +
    freight 48.50 = 875.91 EUR, dated the 17th so no date is ambiguous."""
    lines = [
        InvoiceLine(
            line_no=10,
            quantity=Decimal(2500),
            unit_price=Decimal("0.1840"),
            amount=Decimal("460.00"),
            uom="EA",
            description="Hex bolt M8x30, stainless A2-70, DIN 933",
            item_id="FST-BOLT-M8X30-A2",
        ),
        InvoiceLine(
            line_no=20,
            quantity=Decimal(5000),
            unit_price=Decimal("0.0425"),
            amount=Decimal("212.50"),
            uom="EA",
            description="Hex nut M8, stainless A2, DIN 934",
            item_id="FST-NUT-M8-A2",
        ),
        InvoiceLine(
            line_no=30,
            quantity=Decimal(1200),
            unit_price=Decimal("0.0190"),
            amount=Decimal("22.80"),
            uom="EA",
            description="Flat washer M8, stainless A2, DIN 125",
            item_id="FST-WASHER-M8-A2",
        ),
    ]
    values: dict[str, object] = dict(
        invoice_number="F2026-1187",
        vendor_id="NORDIC",
        po_number="PO-1001",
        invoice_date=date(2026, 3, 17),
        currency="EUR",
        lines=lines,
        tax=Decimal("132.11"),
        freight=Decimal("48.50"),
        total=Decimal("875.91"),
        payment_terms=PaymentTerms(net_days=30, discount_days=10, discount_percent=Decimal(2)),
    )
    values.update(changes)
    return Invoice(**values)  # type: ignore[arg-type]


def _ack() -> Acknowledgment:
    return Acknowledgment(
        ack_id="AB-26031",
        po_number="PO-1001",
        vendor_id="NORDIC",
        status=AckStatus.ACCEPTED_WITH_CHANGES,
        lines=[
            AcknowledgmentLine(line_no=1, status=AckLineStatus.ACCEPTED, promised_date=date(2026, 3, 27)),
            AcknowledgmentLine(
                line_no=2,
                status=AckLineStatus.CHANGED,
                quantity=Decimal(4000),
                unit_price=Decimal("0.0450"),
                promised_date=date(2026, 4, 14),
            ),
            AcknowledgmentLine(line_no=3, status=AckLineStatus.BACKORDERED, promised_date=date(2026, 5, 20)),
            AcknowledgmentLine(line_no=4, status=AckLineStatus.REJECTED),
        ],
        message="Partial shipment possible on request.",
        acknowledged_at=datetime(2026, 3, 13, tzinfo=UTC),
    )


_DESCRIPTIONS = {1: "Hex bolt M8x30", 2: "Hex nut M8", 3: "Flat washer M8", 4: "Spring washer M8"}


def _assert_invoice_read(raw: bytes, invoice: Invoice, vendor_id: str | None = None) -> None:
    [found] = extract_pdf(raw, vendor_id=vendor_id)
    doc = found.document
    assert found.format == "pdf"
    assert found.kind == (
        ExtractedKind.CREDIT_MEMO if invoice.kind == InvoiceKind.CREDIT_MEMO else ExtractedKind.INVOICE
    )
    assert doc["invoice_number"] == invoice.invoice_number
    assert doc["po_number"] == invoice.po_number
    assert doc["vendor_id"] == invoice.vendor_id
    assert doc["invoice_date"] == invoice.invoice_date.isoformat()
    assert doc["currency"] == invoice.currency
    assert Decimal(doc["total"]) == invoice.total
    assert Decimal(doc["tax"]) == invoice.tax
    assert Decimal(doc["freight"]) == invoice.freight
    read = [
        (ln["line_no"], Decimal(ln["quantity"]), Decimal(ln["unit_price"]), Decimal(ln["amount"]))
        for ln in doc["lines"]
    ]
    assert read == [(ln.line_no, ln.quantity, ln.unit_price, ln.amount) for ln in invoice.lines]
    assert [ln.get("item_id") for ln in doc["lines"]] == [ln.item_id for ln in invoice.lines]
    assert [ln.get("description") for ln in doc["lines"]] == [ln.description for ln in invoice.lines]
    if invoice.payment_terms is not None:
        assert doc["payment_terms"]["net_days"] == invoice.payment_terms.net_days
    assert found.model().model_dump() == invoice.model_dump()
    assert found.min_confidence() >= 0.8, {k: v for k, v in found.confidence.items() if v < 0.8}


# Every layout in three languages, every language in at least two layouts.
_LAYOUT_LANGUAGE = [
    (layout, LANGUAGES[(i * 3 + k) % len(LANGUAGES)]) for i, layout in enumerate(LAYOUTS) for k in range(3)
]


@pytest.mark.parametrize("layout, language", _LAYOUT_LANGUAGE)
def test_invoice_is_read_in_every_layout_and_language(layout: str, language: str) -> None:
    invoice = _invoice(
        currency={"en": "USD", "en-GB": "GBP", "de-CH": "CHF", "sv": "SEK"}.get(language, "EUR")
    )
    _assert_invoice_read(render_pdf(invoice, layout=layout, language=language, seed=3), invoice)


def test_every_language_is_covered_by_the_layout_tests() -> None:
    assert {language for _, language in _LAYOUT_LANGUAGE} == set(LANGUAGES)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_acknowledgment_lines_keep_their_status_changes_and_dates(layout: str) -> None:
    ack = _ack()
    raw = render_pdf(
        ack,
        layout=layout,
        language="de" if layout in ("grid", "plain") else "en",
        seed=1,
        descriptions=_DESCRIPTIONS,
        long_dates=layout == "modern",
    )
    [found] = extract_pdf(raw)
    assert found.kind == ExtractedKind.ACKNOWLEDGMENT
    assert found.model().model_dump() == ack.model_dump()


def test_credit_note_names_the_invoice_it_corrects() -> None:
    credit = _invoice(
        invoice_number="CN-F2026-1187",
        kind=InvoiceKind.CREDIT_MEMO,
        original_invoice_number="F2026-1187",
        payment_terms=None,
    )
    for language in ("fr", "es", "sv"):
        [found] = extract_pdf(render_pdf(credit, layout="classic", language=language))
        assert found.kind == ExtractedKind.CREDIT_MEMO
        assert found.document["kind"] == "credit_memo"
        assert found.document["original_invoice_number"] == "F2026-1187"
        assert found.model().model_dump() == credit.model_dump()


def test_vendor_is_the_callers_when_given_else_the_printed_vendor_number() -> None:
    invoice = _invoice()
    printed = extract_pdf(render_pdf(invoice, layout="classic", language="en", vendor_number=True))[0]
    assert printed.document["vendor_id"] == "NORDIC" and printed.confidence["vendor_id"] >= 0.9
    unprinted = extract_pdf(render_pdf(invoice, layout="classic", language="en", vendor_number=False))[0]
    assert "vendor_id" not in unprinted.document
    assert unprinted.vendor_hint == "Nordic Fasteners AB"
    given_id = extract_pdf(
        render_pdf(invoice, layout="classic", language="en", vendor_number=False), vendor_id="NORDIC"
    )[0]
    assert given_id.document["vendor_id"] == "NORDIC" and given_id.confidence["vendor_id"] == 1.0


def test_every_field_has_a_confidence_and_header_fields_a_page_box() -> None:
    [found] = extract_pdf(render_pdf(_invoice(), layout="two-column", language="de"))
    for name in ("invoice_number", "po_number", "invoice_date", "currency", "total", "tax", "freight"):
        assert 0 < found.confidence[name] <= 1
        location = found.locations[name]
        assert location.page == 1
        x0, top, x1, bottom = location.box
        assert 0 <= x0 < x1 <= 595.3 and 0 <= top < bottom <= 841.9
    assert all(
        0 < found.confidence[f"lines[{i}].{f}"] <= 1 for i in range(3) for f in ("quantity", "unit_price")
    )
    assert found.locations["lines[2].amount"].page == 1


def test_arithmetic_that_holds_raises_the_confidence_of_the_totals() -> None:
    [found] = extract_pdf(render_pdf(_invoice(), layout="stacked", language="de"))
    assert found.confidence["total"] >= 0.95
    assert found.confidence["lines[0].amount"] >= 0.95
    assert not [w for w in found.warnings if "total reads" in w]


def test_invoice_that_does_not_add_up_is_read_as_printed_with_low_confidence_and_a_warning() -> None:
    wrong = _invoice(total=Decimal("975.91"))
    [found] = extract_pdf(render_pdf(wrong, layout="classic", language="en"))
    assert Decimal(found.document["total"]) == Decimal("975.91")
    assert found.confidence["total"] < 0.8
    assert any("975.91" in w and "875.91" in w for w in found.warnings)


def test_line_amount_that_is_not_quantity_times_price_is_flagged() -> None:
    invoice = _invoice()
    bad_line = invoice.lines[1].model_copy(update={"amount": Decimal("221.50")})
    wrong = _invoice(lines=[invoice.lines[0], bad_line, invoice.lines[2]], total=Decimal("884.91"))
    [found] = extract_pdf(render_pdf(wrong, layout="grid", language="en"))
    assert found.confidence["lines[1].amount"] < 0.8
    assert any(w.startswith("line 20:") for w in found.warnings)


def test_cross_check_raises_what_agrees_and_lowers_what_does_not() -> None:
    document = {
        "currency": "EUR",
        "lines": [{"line_no": 1, "quantity": "2", "unit_price": "5.00", "amount": "10.00"}],
        "tax": "1.90",
        "freight": "0",
        "total": "11.90",
        "_subtotal": "10.00",
    }
    confidence = {"total": 0.8, "tax": 0.8, "subtotal": 0.8, "lines[0].amount": 0.8}
    holds = cross_check(document, confidence)
    assert (
        holds.confidence["total"] > 0.9 and holds.confidence["lines[0].amount"] > 0.9 and not holds.warnings
    )
    fails = cross_check({**document, "total": "12.90"}, confidence)
    assert fails.confidence["total"] < 0.5 and fails.confidence["tax"] < 0.5
    assert fails.warnings == ["subtotal 10.00 + tax 1.90 + freight 0.00 = 11.90, but the total reads 12.90"]


def test_rows_without_a_line_number_are_numbered_by_position_with_low_confidence() -> None:
    invoice = _invoice()
    renumbered = _invoice(
        lines=[ln.model_copy(update={"line_no": i}) for i, ln in enumerate(invoice.lines, 1)]
    )
    [found] = extract_pdf(render_pdf(renumbered, layout="stacked", language="en", line_ref="none"))
    assert [ln["line_no"] for ln in found.document["lines"]] == [1, 2, 3]
    assert found.confidence["lines[0].line_no"] == 0.6
    assert any("numbered by position" in w for w in found.warnings)


def test_po_line_reference_in_the_description_gives_the_line_number() -> None:
    invoice = _invoice()
    for language in ("en", "de", "es", "nl"):
        [found] = extract_pdf(render_pdf(invoice, layout="modern", language=language))
        assert [ln["line_no"] for ln in found.document["lines"]] == [10, 20, 30]
        assert found.document["lines"][0]["description"] == "Hex bolt M8x30, stainless A2-70, DIN 933"


def test_ambiguous_date_is_ordered_by_language_and_currency_and_flagged_in_english() -> None:
    us_invoice = _invoice(
        invoice_date=date(2026, 3, 7),
        payment_terms=None,
        currency="USD",
        tax=Decimal(0),
        total=Decimal("743.80"),
    )
    [us] = extract_pdf(render_pdf(us_invoice, layout="classic", language="en"))  # 03/07/2026, US style
    assert us.document["invoice_date"] == "2026-03-07"
    assert us.confidence["invoice_date"] < 0.8
    assert any("day or month" in w for w in us.warnings)
    uk_invoice = _invoice(invoice_date=date(2026, 3, 7), payment_terms=None, currency="GBP")
    [uk] = extract_pdf(render_pdf(uk_invoice, layout="classic", language="en-GB"))  # 07/03/2026 in pounds
    assert uk.document["invoice_date"] == "2026-03-07"
    assert uk.confidence["invoice_date"] < 0.8
    [french] = extract_pdf(
        render_pdf(uk_invoice, layout="classic", language="fr")
    )  # 07/03/2026, always day first
    assert french.document["invoice_date"] == "2026-03-07"
    assert french.confidence["invoice_date"] >= 0.8


def test_german_thousands_in_quantities_are_read_by_the_documents_decimal_comma() -> None:
    invoice = _invoice()
    [found] = extract_pdf(render_pdf(invoice, layout="plain", language="de"))  # "2.500 EA", "0,1840"
    assert [ln["quantity"] for ln in found.document["lines"]] == ["2500", "5000", "1200"]


def test_labels_glued_to_their_values_and_rates_split_from_their_sign_are_read() -> None:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=10)
    for line in (
        "RECHNUNG",
        "Rechnungs-Nr.:RE-2026-77",
        "Datum:05.03.2026",
        "Bestellnummer:PO-1001",
        "Pos.   Bezeichnung        Menge     Preis     Betrag",
        "1      Schrauben M8         10      1,50      15,00",
        "Summe netto: 15,00 EUR",
        "MwSt. 19 %: 2,85 EUR",
        "Gesamtbetrag: 17,85 EUR",
    ):
        pdf.cell(text=line, new_x="LMARGIN", new_y="NEXT")
    [found] = extract_pdf(bytes(pdf.output()), vendor_id="NORDIC")
    assert found.document["invoice_number"] == "RE-2026-77"
    assert found.document["invoice_date"] == "2026-03-05"
    assert found.document["po_number"] == "PO-1001"
    assert (found.document["tax"], found.document["total"]) == ("2.85", "17.85")


# --- several pages, several documents ------------------------------------------------------


def _long_invoice(count: int) -> Invoice:
    base = _invoice().lines
    lines = [base[i % 3].model_copy(update={"line_no": i + 1}) for i in range(count)]
    subtotal = sum((ln.amount for ln in lines), Decimal(0))
    return _invoice(lines=lines, tax=Decimal(0), freight=Decimal(0), total=subtotal)


@pytest.mark.parametrize(
    "layout, repeat_header", [("grid", True), ("classic", True), ("stacked", False), ("two-column", True)]
)
def test_line_table_continues_over_pages_with_or_without_a_repeated_header(
    layout: str, repeat_header: bool
) -> None:
    invoice = _long_invoice(45)
    raw = render_pdf(invoice, layout=layout, language="en", repeat_header=repeat_header)
    pages: list[tuple[int, int]] = []
    [found] = extract_pdf(raw, progress=lambda page, of: pages.append((page, of)))
    assert len(pages) >= 2 and pages == [(n, len(pages)) for n in range(1, len(pages) + 1)]
    assert [ln["line_no"] for ln in found.document["lines"]] == list(range(1, 46))
    assert Decimal(found.document["total"]) == invoice.total
    assert found.confidence["total"] >= 0.95


def test_totals_alone_on_the_next_page_are_found() -> None:
    invoice = _invoice()
    raw = render_pdf(invoice, layout="classic", language="it", totals_on_new_page=True)
    [found] = extract_pdf(raw)
    assert found.locations["total"].page == 2
    assert Decimal(found.document["total"]) == invoice.total
    assert len(found.document["lines"]) == 3


def test_two_invoices_in_one_file_are_two_documents() -> None:
    first = _invoice()
    second = _invoice(
        invoice_number="F2026-1188",
        po_number="PO-1002",
        lines=first.lines[:1],
        tax=Decimal("87.40"),
        freight=Decimal(0),
        total=Decimal("547.40"),
    )
    found = extract_pdf(render_pdf([first, second], layout="two-column", language="sv"))
    assert [f.document["invoice_number"] for f in found] == ["F2026-1187", "F2026-1188"]
    assert [f.document["po_number"] for f in found] == ["PO-1001", "PO-1002"]
    assert [Decimal(f.document["total"]) for f in found] == [Decimal("875.91"), Decimal("547.40")]


# --- the sample set -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def samples() -> list:
    return sample_set()


def test_sample_set_is_varied_deterministic_and_valid(samples: list) -> None:
    assert len(samples) >= 40
    assert len({s.name for s in samples}) == len(samples)
    rendered = [s for s in samples if not (SAMPLES_DIR / s.filename).exists()]
    assert {name.split("-")[0] for name in (s.name for s in rendered) if not name.startswith("adv-")} >= {
        "classic",
        "stacked",
        "grid",
        "plain",
        "two",
        "footer",
        "modern",
    }
    kinds = {e["kind"] for s in samples for e in s.expected}
    assert kinds == {"invoice", "credit_memo", "acknowledgment"}
    assert [s.raw for s in sample_set()[:5]] == [s.raw for s in samples[:5]]
    for sample in samples:
        assert sample.format == "pdf" and sample.raw.startswith(b"%PDF-")
        for expected in sample.expected:
            model = Acknowledgment if expected["kind"] == "acknowledgment" else Invoice
            model.model_validate(expected["document"])


def _flat(value: object, prefix: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        return {
            k: v
            for key, item in value.items()
            for k, v in _flat(item, f"{prefix}.{key}" if prefix else key).items()
        }
    if isinstance(value, list):
        return {k: v for i, item in enumerate(value) for k, v in _flat(item, f"{prefix}[{i}]").items()}
    return {prefix: value}


def _same(read: object, truth: object) -> bool:
    if read == truth:
        return True
    try:
        return Decimal(str(read)) == Decimal(str(truth))
    except ArithmeticError:
        return False


def test_field_accuracy_on_the_sample_set_stays_high(samples: list) -> None:
    right = total = 0
    misses: list[str] = []
    for sample in samples:
        found = extract_pdf(sample.raw, vendor_id=sample.vendor_id)
        assert len(found) == len(sample.expected), sample.name
        for extracted, expected in zip(found, sample.expected):
            read = _flat(extracted.document)
            for path, truth in _flat(expected["document"]).items():
                total += 1
                if path in read and _same(read[path], truth):
                    right += 1
                else:
                    misses.append(f"{sample.name}: {path}")
    assert right / total >= 0.98, misses[:20]


@pytest.mark.parametrize("path", sorted(SAMPLES_DIR.glob("*.pdf")), ids=lambda p: p.stem)
def test_hand_written_samples_are_read_field_for_field(path: Path) -> None:
    truth = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
    found = extract_pdf(path.read_bytes(), vendor_id=truth["vendor_id"])
    assert [f.kind.value for f in found] == [e["kind"] for e in truth["expected"]]
    for extracted, expected in zip(found, truth["expected"]):
        read, wanted = _flat(extracted.document), _flat(expected["document"])
        wrong = {p: (read.get(p), v) for p, v in wanted.items() if not _same(read.get(p), v)}
        assert not wrong
        extracted.model()


def test_hand_written_samples_are_part_of_the_sample_set(samples: list) -> None:
    names = {s.name for s in samples}
    assert {p.stem for p in SAMPLES_DIR.glob("*.pdf")} <= names


# --- bad input -----------------------------------------------------------------------------


def _one_page(text: str = "INVOICE") -> FPDF:
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=12)
    pdf.cell(text=text)
    return pdf


def _error(raw: bytes, limits: IntakeLimits = DEFAULT_LIMITS) -> ExtractionError:
    with pytest.raises(ExtractionError) as caught:
        extract_pdf(raw, limits=limits)
    return caught.value


def test_empty_file_is_refused() -> None:
    assert _error(b"").message == "the file is empty"


def test_a_file_that_is_not_a_pdf_is_refused() -> None:
    err = _error(b"ISA*00*          *00*")
    assert err.message.startswith("not a PDF") and err.where == "byte 0"


def test_truncated_pdf_is_refused() -> None:
    raw = render_pdf(_invoice(), layout="classic", language="en")
    err = _error(raw[: len(raw) // 3])
    assert "not a readable PDF" in err.message or "cannot read" in err.message


def test_password_protected_pdf_is_refused_as_encrypted() -> None:
    pdf = _one_page("Invoice No: 1")
    pdf.set_encryption(owner_password="owner", user_password="secret")
    err = _error(bytes(pdf.output()))
    assert err.message.startswith("encrypted PDF:")


def test_pdf_encrypted_for_permissions_only_is_still_read() -> None:
    invoice = _invoice()
    raw = render_pdf(invoice, layout="classic", language="de")
    # fpdf2 encrypts while writing: render the same invoice again with only an owner password
    from supplier_sim import pdf as sim

    original = sim._Pdf.__init__

    def encrypted_init(self: FPDF, page_format: str) -> None:
        original(self, page_format)
        self.set_encryption(owner_password="owner")

    sim._Pdf.__init__ = encrypted_init  # type: ignore[method-assign]
    try:
        protected = render_pdf(invoice, layout="classic", language="de")
    finally:
        sim._Pdf.__init__ = original  # type: ignore[method-assign]
    assert protected != raw and b"/Encrypt" in protected
    _assert_invoice_read(protected, invoice)


def test_scanned_pdf_without_text_is_refused_naming_the_page() -> None:
    image = io.BytesIO()
    Image.new("RGB", (200, 280), "white").save(image, "PNG")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(io.BytesIO(image.getvalue()), x=10, y=10, w=180)
    err = _error(bytes(pdf.output()))
    assert err.message == "no text layer on page 1: scanned image? poflow does not OCR"
    assert err.where == "page 1"


def test_pdf_with_text_but_no_document_is_refused() -> None:
    err = _error(bytes(_one_page("Hello, this is a letter.").output()))
    assert "no invoice, credit note or order acknowledgment found" in err.message


@pytest.fixture(scope="module")
def two_thousand_pages() -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    for number in range(2000):
        pdf.add_page()
        pdf.cell(text=f"Invoice page {number + 1}")
    return bytes(pdf.output())


def test_too_many_pages_are_refused_fast_before_reading_them(two_thousand_pages: bytes) -> None:
    started = time.monotonic()
    err = _error(two_thousand_pages)
    assert time.monotonic() - started < 3.0
    assert err.message == "the PDF has 2,000 pages; poflow reads at most 50"


def test_too_many_pages_are_refused_with_bounded_memory(two_thousand_pages: bytes) -> None:
    tracemalloc.start()
    try:
        _error(two_thousand_pages)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * 1024 * 1024  # the file is ~0.8 MB; reading all 2,000 pages would take far more


def test_page_limit_holds_even_when_the_page_tree_lies(two_thousand_pages: bytes) -> None:
    lying = two_thousand_pages.replace(b"/Count 2000", b"/Count 0002")
    err = _error(lying, IntakeLimits(max_pages=5))
    assert err.message == "the PDF has more than 5 pages; poflow reads at most 5"
    assert err.where == "page 6"


def test_compression_bomb_is_refused_before_it_is_inflated() -> None:
    bomb = zlib.compress(b"0" * (60 * 1024 * 1024), 9)
    raw = render_pdf(_invoice(), layout="classic", language="en")
    tail = (
        b"9 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(bomb)
        + bomb
        + b"\nendstream\nendobj\n"
    )
    err = _error(raw + tail)
    assert "unpack to more than" in err.message


def test_time_limit_stops_the_reading() -> None:
    raw = render_pdf(_long_invoice(45), layout="classic", language="en")
    err = _error(raw, IntakeLimits(max_seconds=0))
    assert err.message.startswith("reading the PDF took longer than")


def test_oversized_file_is_refused() -> None:
    raw = render_pdf(_invoice(), layout="classic", language="en")
    assert "over the" in _error(raw, IntakeLimits(max_bytes=1000)).message


# --- fuzz ----------------------------------------------------------------------------------

_BASES = [
    render_pdf(_invoice(), layout="classic", language="de"),
    render_pdf(_ack(), layout="plain", language="en", descriptions=_DESCRIPTIONS),
    (SAMPLES_DIR / "smallbiz-invoice-header-grid-labworks.pdf").read_bytes(),
]  # uncompressed streams


def _only_extraction_errors(raw: bytes) -> None:
    started = time.monotonic()
    try:
        found = extract_pdf(raw, limits=IntakeLimits(max_seconds=10))
    except ExtractionError as err:
        assert str(err)
    else:
        assert found and all(f.format == "pdf" for f in found)
    assert time.monotonic() - started < 10


@st.composite
def _mutated(draw: st.DrawFn) -> bytes:
    raw = bytearray(draw(st.sampled_from(_BASES)))
    operation = draw(st.sampled_from(["truncate", "flip", "splice", "delimiters"]))
    if operation == "truncate":
        return bytes(raw[: draw(st.integers(0, len(raw)))])
    if operation == "flip":
        for _ in range(draw(st.integers(1, 12))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        return bytes(raw)
    if operation == "splice":
        start = draw(st.integers(0, len(raw) - 1))
        source = draw(st.integers(0, len(raw) - 1))
        length = draw(st.integers(1, 400))
        raw[start : start + length] = raw[source : source + length]
        return bytes(raw)
    pairs = [
        (b"obj", b"job"),
        (b"<<", b"[["),
        (b">>", b"]]"),
        (b"endstream", b"endstraem"),
        (b"/Count", b"/Cnt"),
        (b" R", b" Q"),
        (b"xref", b"xerf"),
        (b"(", b")"),
    ]
    old, new = draw(st.sampled_from(pairs))
    return bytes(raw).replace(old, new, draw(st.integers(1, 5)))


@settings(max_examples=120, deadline=10_000, suppress_health_check=[HealthCheck.too_slow])
@given(_mutated())
def test_fuzz_mutated_pdfs_end_only_in_extraction_errors(raw: bytes) -> None:
    _only_extraction_errors(raw)


@settings(max_examples=100, deadline=5_000)
@given(st.binary(max_size=2048), st.booleans())
def test_fuzz_random_bytes_end_only_in_extraction_errors(raw: bytes, as_pdf: bool) -> None:
    _only_extraction_errors(b"%PDF-1.7\n" + raw if as_pdf else raw)
