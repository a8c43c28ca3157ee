"""Header fields a page prints under another name, and Polish invoices.

- Polish (the eighth language): "Faktura VAT nr", "Data wystawienia" (the
  issue date the VAT act requires), "Do zapłaty" (amount due), "Razem brutto"
  (gross total), month names in the genitive ("12 grudnia 2021").
- A numbering series before the number ("F 1234K20/1234/12", "FV 12/2021"):
  the number is printed whole, series and all.
- Stand-ins: a receipt that prints no invoice date but an order date, or no
  invoice number but a booking reference, is read with those — below the
  review threshold (0.8) and with a warning, never as if it had been labelled.
  A document that prints its own date or number never takes the stand-in.
"""

from __future__ import annotations

from datetime import date

import pytest

from activities.intake.pdf.dates import parse_date
from activities.intake.pdf.field_ids import read_identifier
from activities.intake.pdf.read import extract_pdf
from activities.intake.pdf.tokens import fold
from tests.support.pdf_pages import CABLE_TIES_TABLE, placed_words_pdf

REVIEW = 0.8
_TOTALS: list[tuple] = [(300, 250, "Total"), (545, 250, ">265.00 USD")]


def _read(
    header: list[tuple], totals: list[tuple] = _TOTALS, font: str = "Helvetica"
) -> tuple[dict, dict, list[str]]:
    [found] = extract_pdf(
        placed_words_pdf(
            [(40, 40, "Some Supplier Ltd", 14, "B"), *header, *CABLE_TIES_TABLE, *totals], font=font
        ),
        vendor_id="ACME",
    )
    return found.document, found.confidence, found.warnings


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12 grudnia 2021", date(2021, 12, 12)),
        ("1 października 2020", date(2020, 10, 1)),
        ("28 Jan 15", date(2015, 1, 28)),
        ("28-Jan-15", date(2015, 1, 28)),
    ],
)
def test_dates_in_polish_and_with_a_two_digit_year_after_a_month_name(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["28 Jan 15:30", "3 mar 15.00", "12 Stk 15"])
def test_a_two_digit_number_after_a_month_is_a_year_only_when_nothing_follows(text: str) -> None:
    assert parse_date(text) is None


def test_letters_with_a_stroke_fold_like_accented_ones() -> None:
    assert fold("Należność ogółem") == "naleznosc ogolem"


@pytest.mark.parametrize(
    "text, number",
    [
        ("F 1234K20/1234/12", "F 1234K20/1234/12"),
        ("FV 12/2021", "FV 12/2021"),
        ("INV-2026-7", "INV-2026-7"),
    ],
)
def test_a_numbering_series_is_kept_with_its_number(text: str, number: str) -> None:
    parsed = read_identifier(text, None)  # type: ignore[arg-type]
    assert parsed is not None and parsed[0] == number


def test_the_words_of_a_label_are_not_a_series() -> None:
    assert read_identifier("PO 4500012345", None) is None  # type: ignore[arg-type]


def test_a_series_joined_to_its_number_is_less_sure_than_one_token() -> None:
    joined, whole = read_identifier("F 1234K20/1234/12", None), read_identifier("F1234", None)  # type: ignore[arg-type]
    assert joined is not None and whole is not None and joined[1] < whole[1]


def test_a_polish_invoice() -> None:
    document, confidence, _ = _read(
        [
            (40, 70, "Faktura VAT nr: FV 12/2021", 12),
            (360, 70, "Data wystawienia: 12 grudnia 2021"),
            (40, 90, "Numer zamówienia: PO-2021-77"),
        ],
        [(300, 250, "Razem brutto"), (545, 250, ">265,00 zł")],
        font="unicode",
    )
    assert document["invoice_number"] == "FV 12/2021"
    assert document["invoice_date"] == "2021-12-12"
    assert document["po_number"] == "PO-2021-77"
    assert (document["total"], document["currency"]) == ("265.00", "PLN")


def test_an_order_date_stands_in_for_a_missing_invoice_date_below_review() -> None:
    document, confidence, warnings = _read(
        [(40, 70, "Invoice No. 12429647"), (360, 70, "Order date: 28 Jan 15")]
    )
    assert document["invoice_date"] == "2015-01-28"
    assert confidence["invoice_date"] < REVIEW
    assert any("order date" in w for w in warnings)


def test_a_printed_invoice_date_beats_the_order_date() -> None:
    document, confidence, _ = _read(
        [
            (40, 70, "Invoice No. 4711"),
            (360, 70, "Order date: 28/01/2026"),
            (360, 84, "Invoice date: 25/02/2026"),
        ]
    )
    assert document["invoice_date"] == "2026-02-25"
    assert confidence["invoice_date"] >= REVIEW


def test_a_booking_reference_stands_in_for_a_missing_invoice_number_below_review() -> None:
    document, confidence, warnings = _read(
        [
            (40, 70, "PAYMENT RECEIPT", 14, "B"),
            (360, 90, "Date: 31/12/2017"),
            (360, 110, "Booking ID"),
            (360, 124, "IBZY2087"),
        ]
    )
    assert document["invoice_number"] == "IBZY2087"
    assert confidence["invoice_number"] < REVIEW
    assert any("IBZY2087" in w for w in warnings)


def test_a_printed_invoice_number_beats_a_booking_reference() -> None:
    document, confidence, _ = _read(
        [(40, 70, "Invoice No. 4711"), (360, 70, "Booking ID: IBZY2087"), (360, 84, "Date: 31/12/2017")]
    )
    assert document["invoice_number"] == "4711"
    assert confidence["invoice_number"] >= REVIEW
