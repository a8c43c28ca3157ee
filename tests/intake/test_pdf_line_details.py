"""A line item's text as ERPs print it (issue #19 item 6: confidence that means something).

- Detail lines under an item ("Lot: 2291", "Your ref: …", "Customs tariff …")
  are not its description; a part-number line ("Art.-Nr. 4711") is its code.
- A code printed before the description in one column is split off — a guess,
  so below the review threshold (0.8), with the description beside it.
- An item column holding prose is no code column: its value is for review.
- A line's text has no arithmetic of its own; only a table whose amounts add
  up to its subtotal (read whole, no row lost or shifted) vouches for it.
"""

from __future__ import annotations

import pytest

from activities.intake.pdf.line_sublines import detail_line, leading_code, looks_like_code
from activities.intake.pdf.read import extract_pdf
from tests.support.pdf_pages import placed_words_pdf

REVIEW = 0.8


def _table(rows: list[tuple], subtotal: str = "265.00") -> list[tuple]:
    return [
        (40, 40, "Some Supplier Ltd", 14, "B"),
        (40, 70, "Invoice No. 4711"),
        (360, 70, "Invoice date: 25/02/2026"),
        (40, 200, "Description", 8, "B"),
        (360, 200, ">Qty", 8, "B"),
        (450, 200, ">Price", 8, "B"),
        (545, 200, ">Amount", 8, "B"),
        *rows,
        (300, 300, "Subtotal"),
        (545, 300, f">{subtotal}"),
        (300, 314, "Total"),
        (545, 314, ">265.00 EUR"),
    ]


def _line(rows: list[tuple], subtotal: str = "265.00") -> tuple[dict, dict]:
    [found] = extract_pdf(placed_words_pdf(_table(rows, subtotal)), vendor_id="ACME")
    line = found.document["lines"][0]
    confidence = {k.split(".", 1)[1]: v for k, v in found.confidence.items() if k.startswith("lines[0].")}
    return line, confidence


_NUMBERS = [(360, 215, ">10"), (450, 215, ">26.50"), (545, 215, ">265.00")]


@pytest.mark.parametrize(
    "text", ["Lot: 2291", "Your ref: K-77", "Customs tariff 7318 15 88", "Serial no. 99812"]
)
def test_a_detail_line_is_not_the_description(text: str) -> None:
    line, confidence = _line([(40, 215, "Cable ties"), *_NUMBERS, (40, 227, text)])
    assert line["description"] == "Cable ties"
    assert confidence["description"] >= REVIEW


def test_a_part_number_line_gives_the_item_code() -> None:
    line, confidence = _line([(40, 215, "Cable ties"), *_NUMBERS, (40, 227, "Art.-Nr. 4711-02")])
    assert (line["item_id"], line["description"]) == ("4711-02", "Cable ties")
    assert confidence["item_id"] >= REVIEW


def test_a_wrapped_description_is_joined() -> None:
    line, _ = _line([(40, 215, "Cable ties, black,"), *_NUMBERS, (40, 227, "300 x 4.8 mm")])
    assert line["description"] == "Cable ties, black, 300 x 4.8 mm"


def test_a_code_before_the_description_is_split_off_for_review() -> None:
    line, confidence = _line([(40, 215, "AB-1234 Cable ties"), *_NUMBERS])
    assert (line["item_id"], line["description"]) == ("AB-1234", "Cable ties")
    assert confidence["item_id"] < REVIEW and confidence["description"] < REVIEW


def test_text_is_trusted_only_when_the_lines_add_up() -> None:
    _, adds_up = _line([(40, 215, "Cable ties"), *_NUMBERS])
    _, does_not = _line([(40, 215, "Cable ties"), *_NUMBERS], subtotal="530.00")
    assert adds_up["description"] >= REVIEW
    assert does_not["description"] < REVIEW and does_not["line_no"] < REVIEW


@pytest.mark.parametrize(
    "text, code",
    [("MRO-GLOVE-NITRILE-L", True), ("100237404", True), ("H07V-K 1x6 mm2 grün/gelb", False), ("ISO", False)],
)
def test_what_an_item_cell_must_look_like_to_be_a_code(text: str, code: bool) -> None:
    assert looks_like_code(text) is code


@pytest.mark.parametrize(
    "text, split",
    [("AB-1234 Hex bolt", ("AB-1234", "Hex bolt")), ("12 Hex bolts", None), ("3-way valve", None)],
)
def test_a_leading_code(text: str, split: tuple[str, str] | None) -> None:
    assert leading_code(text) == split


def test_detail_lines_in_several_languages() -> None:
    assert detail_line("Lote: 2291") is not None and detail_line("Charge 2291") is not None
    assert detail_line("Zolltarifnummer 73181588") is not None
    part = detail_line("Artikelnummer 8674-01")
    assert part is not None and part.code == "8674-01"
    assert detail_line("Nitrile gloves, size L") is None


def test_a_line_in_another_font_is_no_wrap_but_its_po_line_reference_counts() -> None:
    line, _ = _line(
        [
            (40, 215, "Cable ties"),
            *_NUMBERS,
            (40, 227, "Conform offer 2026-0412", 9, "I"),  # an italic note under the item
            (40, 239, "Your order PO-1001, line 20", 7),  # a smaller reference line
        ]
    )
    assert line["description"] == "Cable ties"
    assert line["line_no"] == 20


def test_a_row_without_a_description_takes_the_line_under_it_whatever_its_font() -> None:
    line, _ = _line(
        [(360, 215, ">10"), (450, 215, ">26.50"), (545, 215, ">265.00"), (40, 227, "Cable ties", 9, "I")]
    )
    assert line["description"] == "Cable ties"
