"""Header fields as real invoices print them (issue #19, items 1–2).

- Inline title lines: the number and the date in one line after the
  document's title, joined by the language's word for "of"/"dated" ("Rechnung
  Nr. 471102 vom 05.03.2018", "Facture n°562044387 du 02 Juillet 2015").
- Dates with month names in each of the seven languages, stray spaces before
  commas ("August 3 , 2014").
- The invoice total (EN 16931 BT-112, with tax) is not the amount due
  (BT-115 = BT-112 − prepaid BT-113): both are read, the total is the one that
  is net + tax + freight, and an amount due that differs is kept apart.

Expectations come from those rules; the pages are placed by hand.
"""

from __future__ import annotations

from datetime import date

import pytest

from activities.intake.pdf.currencies import find_currency
from activities.intake.pdf.dates import parse_date
from activities.intake.pdf.read import extract_pdf
from models.documents import Invoice
from tests.support.pdf_pages import CABLE_TIES_TABLE, placed_words_pdf

_LINE_TABLE = CABLE_TIES_TABLE  # one line, 10 × 26.50 = 265.00 net


def _invoice(title: list[tuple], totals: list[tuple]) -> dict:
    [found] = extract_pdf(
        placed_words_pdf([(40, 40, "Some Supplier Ltd", 14, "B"), *title, *_LINE_TABLE, *totals]),
        vendor_id="ACME",
    )
    return {"document": found.document, "confidence": found.confidence, "warnings": found.warnings}


_TOTALS_318: list[tuple] = [
    (300, 250, "Subtotal"),
    (545, 250, ">265.00"),
    (300, 264, "VAT 20%"),
    (545, 264, ">53.00"),
    (300, 278, "Total"),
    (545, 278, ">318.00 EUR"),
]


@pytest.mark.parametrize(
    "line, number, issued",
    [
        ("Rechnung Nr. 471102 vom 05.03.2018", "471102", date(2018, 3, 5)),
        ("Facture n°562044387 du 02 Juillet 2015", "562044387", date(2015, 7, 2)),
        ("Invoice # 123 dated August 3 , 2014", "123", date(2014, 8, 3)),
        ("Invoice No. INV-9 of 19 april 2014", "INV-9", date(2014, 4, 19)),
        ("Factura nº 2018-001 de fecha 5 de marzo de 2018", "2018-001", date(2018, 3, 5)),
        ("Fattura n. 7 del 12/03/2018", "7", date(2018, 3, 12)),
        ("Factuur nr. 2018-01 van 5 maart 2018", "2018-01", date(2018, 3, 5)),
        ("Faktura nr 1234 den 5 mars 2018", "1234", date(2018, 3, 5)),
    ],
)
def test_inline_title_line_gives_the_number_and_the_date(line: str, number: str, issued: date) -> None:
    read = _invoice([(40, 100, line, 14, "B")], _TOTALS_318)
    assert read["document"]["invoice_number"] == number
    assert read["document"]["invoice_date"] == issued.isoformat()
    assert read["confidence"]["invoice_date"] >= 0.8  # the title line names it: not a guess


def test_a_date_after_the_number_that_is_not_joined_to_it_is_not_the_invoice_date() -> None:
    """ "Invoice No. 88 / Order 2014-04-02" in one phrase names another date:
    only a joining word ("of", "vom", "du") makes it the document's."""
    read = _invoice([(40, 100, "Invoice No. 88 order 2014-04-02", 14, "B")], _TOTALS_318)
    assert read["document"]["invoice_number"] == "88"
    assert "invoice_date" not in read["document"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("19 april 2014", date(2014, 4, 19)),
        ("August 3 , 2014", date(2014, 8, 3)),
        ("02 Juillet 2015", date(2015, 7, 2)),
        ("3rd of May 2014", date(2014, 5, 3)),
        ("5. Jänner 2018", date(2018, 1, 5)),
        ("12. März 2018", date(2018, 3, 12)),
        ("1er février 2019", date(2019, 2, 1)),
        ("7 de septiembre de 2020", date(2020, 9, 7)),
        ("7 setiembre 2020", date(2020, 9, 7)),
        ("9 sett. 2021", date(2021, 9, 9)),
        ("14 augustus 2022", date(2022, 8, 14)),
        ("14 augusti 2022", date(2022, 8, 14)),
        ("30 dicembre 2023", date(2023, 12, 30)),
        ("Dec 30 , 2023", date(2023, 12, 30)),
    ],
)
def test_dates_with_month_names_in_each_language(text: str, expected: date) -> None:
    assert parse_date(text) == expected


@pytest.mark.parametrize("glued", ["n°4711", "Nr.4711", "#4711", "Nº4711", "No.4711"])
def test_a_number_sign_glued_to_the_number_is_read_apart(glued: str) -> None:
    read = _invoice(
        [(40, 100, f"Invoice {glued}", 14, "B"), (360, 120, "Date"), (460, 120, "2026-11-27")], _TOTALS_318
    )
    assert read["document"]["invoice_number"] == "4711"


def test_after_a_prepayment_the_total_is_the_grand_total_and_the_amount_due_is_kept_apart() -> None:
    """Total TTC 318,00 − acompte 100,00 = Net à payer 218,00: BT-112 is 318,00."""
    totals = [
        (300, 250, "Total HT"),
        (545, 250, ">265.00"),
        (300, 264, "TVA 20 %"),
        (545, 264, ">53.00"),
        (300, 278, "Total TTC"),
        (545, 278, ">318.00"),
        (300, 292, "Acompte versé"),
        (545, 292, ">-100.00"),
        (300, 306, "Net à payer"),
        (545, 306, ">218.00 EUR"),
    ]
    read = _invoice([(40, 100, "Facture n° F-77 du 02/07/2015", 14, "B")], totals)
    assert (read["document"]["total"], read["document"]["amount_due"]) == ("318.00", "218.00")
    assert read["confidence"]["total"] >= 0.95  # net + tax = total: checked
    assert any("amount due 218.00 differs from the invoice total 318.00" in w for w in read["warnings"])
    invoice = Invoice.model_validate(read["document"] | {"po_number": "4500000001"})
    assert (invoice.total, invoice.amount_due) == (318, 218)


@pytest.mark.parametrize(
    "due_label, total_label",
    [("Zahlbetrag", "Gesamtbetrag"), ("Amount due", "Invoice total"), ("Te betalen", "Totaal")],
)
def test_the_total_is_the_grand_total_whichever_is_printed_last(due_label: str, total_label: str) -> None:
    """An amount due printed before the total, or after it, does not replace it."""
    totals = [
        (300, 250, "Subtotal"),
        (545, 250, ">265.00"),
        (300, 264, "VAT 20%"),
        (545, 264, ">53.00"),
        (300, 278, due_label),
        (545, 278, ">300.00"),
        (300, 292, total_label),
        (545, 292, ">318.00"),
    ]
    read = _invoice([(40, 100, "INVOICE", 14, "B"), (360, 60, "Invoice No."), (460, 60, "X-1")], totals)
    assert (read["document"]["total"], read["document"]["amount_due"]) == ("318.00", "300.00")


def test_an_amount_due_alone_is_the_total_when_nothing_else_is_printed() -> None:
    totals = [(300, 250, "VAT 20%"), (545, 250, ">53.00"), (300, 264, "Balance due"), (545, 264, ">318.00")]
    read = _invoice([(40, 100, "INVOICE", 14, "B"), (360, 60, "Invoice No."), (460, 60, "X-1")], totals)
    assert read["document"]["total"] == "318.00"
    assert "amount_due" not in read["document"]
    assert read["confidence"]["total"] >= 0.95  # 265.00 + 53.00 = 318.00
    assert any("amount due is read as the total" in w for w in read["warnings"])


def test_a_tax_summary_printed_after_the_total_is_not_the_total() -> None:
    """A VAT breakdown under the totals ("Total | 53.00" of its tax column)
    comes last on the page; the total is still the one that adds up."""
    totals = [
        *_TOTALS_318,
        (40, 320, "VAT rate", 8, "B"),
        (200, 320, ">Net", 8, "B"),
        (300, 320, ">VAT", 8, "B"),
        (40, 334, "20 %"),
        (200, 334, ">265.00"),
        (300, 334, ">53.00"),
        (40, 348, "Total"),
        (300, 348, ">53.00"),
    ]
    read = _invoice([(40, 100, "INVOICE", 14, "B"), (360, 60, "Invoice No."), (460, 60, "X-1")], totals)
    assert read["document"]["total"] == "318.00"


def test_a_total_that_does_not_add_up_is_never_confident() -> None:
    totals = [*_TOTALS_318[:4], (300, 278, "Total"), (545, 278, ">381.00")]
    read = _invoice([(40, 100, "INVOICE", 14, "B"), (360, 60, "Invoice No."), (460, 60, "X-1")], totals)
    assert read["document"]["total"] == "381.00"  # as printed: a person decides
    assert read["confidence"]["total"] < 0.8


def test_without_readable_lines_the_subtotal_still_checks_the_total() -> None:
    page = [
        (40, 40, "Some Supplier Ltd", 14, "B"),
        (40, 100, "Invoice No. 55 dated 2026-11-27", 14, "B"),
        (300, 250, "Subtotal"),
        (545, 250, ">265.00"),
        (300, 264, "VAT 20%"),
        (545, 264, ">53.00"),
        (300, 278, "Total"),
    ]
    adds_up = extract_pdf(placed_words_pdf([*page, (545, 278, ">318.00")]))[0]
    does_not = extract_pdf(placed_words_pdf([*page, (545, 278, ">381.00")]))[0]
    assert adds_up.document["lines"] == [] and adds_up.confidence["total"] > does_not.confidence["total"]
    assert does_not.confidence["total"] < 0.8
    assert any("but the total reads 381.00" in w for w in does_not.warnings)


def test_a_date_beside_a_totals_label_is_not_its_amount() -> None:
    """ "TOTAL AMOUNT DUE ON August 3 , 2014   $4.11": the year is no amount."""
    totals = [*_TOTALS_318[:4], (300, 278, "TOTAL AMOUNT DUE ON August 3 , 2014"), (545, 278, ">$318.00")]
    read = _invoice([(40, 100, "INVOICE", 14, "B"), (360, 60, "Invoice No."), (460, 60, "X-1")], totals)
    assert read["document"]["total"] == "318.00"
    assert "amount_due" not in read["document"]


def test_the_amount_of_a_direct_debit_is_not_an_amount_due() -> None:
    """French "Montant du prélèvement" (the amount of the direct debit) folds to
    the words of "montant dû": no amount-due label may be that short."""
    totals = [*_TOTALS_318, (40, 320, "Montant du prélèvement 9.99 €")]
    read = _invoice([(40, 100, "Facture n° F-1 du 02/07/2015", 14, "B")], totals)
    assert read["document"]["total"] == "318.00"
    assert "amount_due" not in read["document"]


def test_rupees_written_rs_are_read_as_inr_but_not_for_certain() -> None:
    assert find_currency("Grand Total Rs 1939") == ("INR", False)
    assert find_currency("Orders 12") is None


def test_a_thermal_item_in_three_rows_keeps_its_number_code_and_description() -> None:
    """80 mm slips print number and code, then the description (which may start
    with a word that is also a label: "TRANSPORT"), then "qty @ price  amount"."""
    rows = [
        ("1  CHN-G70-38", None),
        ("TRANSPORT CHAIN GRADE 70, 3/8 IN", None),
        ("27.5 FT @ 4.15", "114.13"),
        ("2  VBELT-A42", None),
        ("V-BELT A42, CLASSICAL WRAPPED", None),
        ("6 EA @ 8.30", "49.80"),
    ]
    items: list[tuple] = [
        (20, 20, "ACME SUPPLY", 9),
        (20, 40, "INVOICE W12-884377", 9),
        (20, 52, "DATE 11/19/26", 9),
    ]
    for index, (text, amount) in enumerate(rows):
        items.append((20, 80 + 10 * index, text, 8))
        if amount:
            items.append((200, 80 + 10 * index, ">" + amount, 8))
    items += [(20, 150, "TOTAL", 8), (200, 150, ">163.93", 8)]
    [found] = extract_pdf(placed_words_pdf(items, width=226, height=300, font="Courier"), vendor_id="ACME")
    lines = [
        (ln["line_no"], ln.get("item_id"), ln.get("description"), ln["amount"])
        for ln in found.document["lines"]
    ]
    assert lines == [
        (1, "CHN-G70-38", "TRANSPORT CHAIN GRADE 70, 3/8 IN", "114.13"),
        (2, "VBELT-A42", "V-BELT A42, CLASSICAL WRAPPED", "49.80"),
    ]


def test_a_vendor_number_after_the_rest_of_its_label_is_read_past_the_colon() -> None:
    """The label's own words run on to the colon ("Ons leveranciersnummer bij
    u: NORDIC"): "bij u" is the label's, not the number."""
    header = [(40, 100, "FACTUUR", 14, "B"), (40, 130, "Ons leveranciersnummer bij u: NORDIC")]
    [found] = extract_pdf(placed_words_pdf([*header, *_LINE_TABLE, *_TOTALS_318]))  # no vendor given
    assert found.document["vendor_id"] == "NORDIC"


def test_a_hyphenated_compound_label_is_the_label() -> None:
    """ "Beleg-Datum", "Rechnungs-Datum": the compound split by the layout."""
    read = _invoice(
        [
            (40, 100, "RECHNUNG", 14, "B"),
            (360, 60, "Beleg-Nr"),
            (460, 60, ": R-1"),
            (360, 72, "Beleg-Datum"),
            (460, 72, ": 06.08.2013"),
        ],
        _TOTALS_318,
    )
    assert (read["document"]["invoice_number"], read["document"]["invoice_date"]) == ("R-1", "2013-08-06")


def test_a_totals_grid_gives_its_sum_row() -> None:
    """One row per VAT rate under "Nettobetrag | MwSt-Betrag | Endbetrag", then
    the sum row: the invoice's figures are the last of each column."""
    totals = [
        (300, 250, ">Nettobetrag", 8),
        (400, 250, ">MwSt-Betrag", 8),
        (545, 250, ">Endbetrag", 8),
        (300, 262, ">200.00"),
        (400, 262, ">38.00"),
        (545, 262, ">238.00"),
        (300, 274, ">65.00"),
        (400, 274, ">4.55"),
        (545, 274, ">69.55"),
        (300, 290, ">265.00"),
        (400, 290, ">42.55"),
        (545, 290, ">307.55"),
    ]
    read = _invoice([(40, 100, "Rechnung Nr. 9 vom 01.02.2026", 14, "B")], totals)
    assert (read["document"]["total"], read["document"]["tax"]) == ("307.55", "42.55")
    assert read["confidence"]["total"] >= 0.95  # 265.00 + 42.55 = 307.55


def test_a_figure_under_a_total_with_a_label_of_its_own_does_not_extend_the_column() -> None:
    totals = [
        *_TOTALS_318[:4],
        (545, 274, ">Total"),
        (545, 286, ">318.00"),
        (300, 298, "Paid"),
        (545, 298, ">-100.00"),
    ]
    read = _invoice([(40, 100, "INVOICE", 14, "B"), (360, 60, "Invoice No."), (460, 60, "X-1")], totals)
    assert read["document"]["total"] == "318.00"


def test_a_letter_reference_is_weaker_than_the_order_named_in_a_sentence() -> None:
    """DIN 5008's "Ihr Zeichen" is the addressee's reference (often initials),
    not necessarily the order: the order named in the text wins, and a
    reference alone is read for review."""
    header = [
        (40, 100, "RECHNUNG", 14, "B"),
        (360, 60, "Rechnungsnummer"),
        (460, 60, "471102"),
        (40, 130, "Ihr Zeichen: AB-312"),
    ]
    sentence = (40, 145, "Rechnung gemäß Bestellung Nr. 2013-471331 vom 01.03.2013")
    both = _invoice([*header, sentence], _TOTALS_318)
    alone = _invoice(header, _TOTALS_318)
    assert both["document"]["po_number"] == "2013-471331"
    assert alone["document"]["po_number"] == "AB-312" and alone["confidence"]["po_number"] < 0.8


def test_a_date_beside_the_title_is_the_documents_date() -> None:
    read = _invoice([(40, 100, "Beitragsrechnung", 12, "B"), (400, 100, "24. Januar 2014", 12)], _TOTALS_318)
    assert read["document"]["invoice_date"] == "2014-01-24"
    assert any("read beside the title" in w for w in read["warnings"])
