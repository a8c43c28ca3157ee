"""Which PO line an invoice line bills, as a PDF prints it (issue #19 item 6).

- A PO-line column ("PO Line", "Ihre Pos.") names the PO's line: read surely.
- A supplier's own position column ("Pos.", "Line", "No.") is its numbering,
  which need not be the PO's: read below review (0.8), for resolution to
  confirm against the PO (`resolve._map_lines`; tests/intake/test_intake_common.py).
- A position column counts up (1, 2, 3 or 10, 20, 30); one that does not holds
  something else (item numbers, another order's lines) and says so.
"""

from __future__ import annotations

import pytest

from activities.intake.pdf.lines import counts_up
from activities.intake.pdf.read import extract_pdf
from tests.support.pdf_pages import placed_words_pdf

REVIEW = 0.8


def _invoice(number_heading: str, numbers: tuple[str, str]) -> tuple[list[int], list[float], list[str]]:
    """A two-line invoice whose first column is headed `number_heading`."""
    words = [
        (40, 40, "Some Supplier Ltd", 14, "B"),
        (40, 70, "Invoice No. 4711"),
        (360, 70, "Invoice date: 25/02/2026"),
        (40, 84, "PO number: PO-2026-1001"),
        (40, 200, number_heading, 8, "B"),
        (110, 200, "Description", 8, "B"),
        (360, 200, ">Qty", 8, "B"),
        (450, 200, ">Price", 8, "B"),
        (545, 200, ">Amount", 8, "B"),
        (40, 215, numbers[0]),
        (110, 215, "Cable ties"),
        (360, 215, ">10"),
        (450, 215, ">26.50"),
        (545, 215, ">265.00"),
        (40, 230, numbers[1]),
        (110, 230, "Hex bolts M8"),
        (360, 230, ">5"),
        (450, 230, ">7.00"),
        (545, 230, ">35.00"),
        (300, 300, "Subtotal"),
        (545, 300, ">300.00"),
        (300, 314, "Total"),
        (545, 314, ">300.00 EUR"),
    ]
    [found] = extract_pdf(placed_words_pdf(words), vendor_id="ACME")
    lines = found.document["lines"]
    confidence = [found.confidence[f"lines[{i}].line_no"] for i in range(len(lines))]
    return [line["line_no"] for line in lines], confidence, found.warnings


@pytest.mark.parametrize("heading", ["PO Line", "Ihre Pos."])
def test_a_po_line_column_is_read_surely(heading: str) -> None:
    numbers, confidence, _ = _invoice(heading, ("10", "20"))
    assert numbers == [10, 20]
    assert min(confidence) >= REVIEW


@pytest.mark.parametrize("heading", ["Pos.", "Line", "No."])
def test_a_suppliers_own_position_column_is_read_below_review(heading: str) -> None:
    numbers, confidence, warnings = _invoice(heading, ("1", "2"))
    assert numbers == [1, 2]
    assert max(confidence) < REVIEW
    assert not any("count up" in w for w in warnings)


def test_a_position_column_that_does_not_count_up_says_so() -> None:
    numbers, confidence, warnings = _invoice("No.", ("4711", "1203"))
    assert numbers == [4711, 1203]
    assert max(confidence) < REVIEW
    assert any("do not count up" in w for w in warnings)


@pytest.mark.parametrize(
    ("numbers", "positions"),
    [
        ([1, 2, 3], True),
        ([10, 20, 30], True),
        ([1, 2, 4], True),  # a cancelled line leaves a gap
        ([1010, 1020], True),  # SAP's tens run past 999
        ([], True),  # nothing to judge
        ([1, 1, 2], False),
        ([3, 2, 1], False),
        ([1, 2, 1, 2], False),  # numbering starts again: two orders on one invoice
        ([4711, 5102], False),  # article numbers
    ],
)
def test_what_counts_up(numbers: list[int], positions: bool) -> None:
    assert counts_up(numbers) is positions
