"""Line items of a PDF document: find the table by its header, then read rows.

Two sources, same result:
- ruled tables (pdfplumber finds them from their drawn lines): the header row
  names the columns and every cell is read whole, wrapped text included;
- text columns without lines: a text line whose words are column names
  ("Pos  Description  Qty  Unit price  Amount", in any of seven languages)
  fixes the column bands; each following line is cut into those bands.
  Headings may take two rows ("Qty" over "Ordered  Shipped  B/O", "Unit"
  over "Price"), ruled or not;
- no header at all (80 mm till slips): lines like "2 x MRO-GLOVE  11.90
  23.80" whose quantity times price is their amount.

Rows are item rows when their numbers parse (quantity and a price or amount on
an invoice; a line number and a status, quantity, price or date on an
acknowledgment); a text-only line under a row continues its description,
and on an acknowledgment a remark line under it ("Preisänderung",
"backordered", "cancelled") gives its status. The table ends at a totals label; when a page ends first, it continues on the
next page (under a repeated header, or under the same bands without one).

`line_no` is the PO line billed: from a PO-line column, else a PO line
reference in the description ("PO line 20"), else a line/position column (or
an "Item" column holding 1, 2, 3 beside a part-number column), else the row's
position — each with less confidence. On an invoice a position column is the
supplier's own numbering: below review until resolution finds that the PO
line of that number orders the same item, description, price or quantity.

Here: the table across pages. Its parts: `line_header` (columns),
`line_rows` (rows), `line_receipts` (no header), `line_values` (a row's values).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from activities.intake.pdf.conventions import Reading
from activities.intake.pdf.line_header import Band, Column, column_bands, header_at, ruled_header
from activities.intake.pdf.line_receipts import receipt_rows
from activities.intake.pdf.line_rows import RawRow, cell_int, is_item, packed, ruled_rows, text_rows
from activities.intake.pdf.line_values import LineItem, number_lines, parse_row
from activities.intake.pdf.text import Box, Page

__all__ = ["LineItem", "LineTable", "find_line_items"]


@dataclass
class LineTable:
    """A document's line items and where on its pages the table is (header
    fields are not read there)."""

    items: list[LineItem]
    regions: list[tuple[int, float, float]]  # (page, top, bottom) the table covers
    source: str  # "ruled", "columns" or "none"

    def covers(self, page: int, box: Box) -> bool:
        middle = (box[1] + box[3]) / 2
        return any(p == page and top - 1 <= middle <= bottom + 1 for p, top, bottom in self.regions)


@dataclass
class _Layout:
    """The table's columns as last seen, for a page that continues it without a header."""

    bands: list[Band] | None = None
    ruled: dict[int, str] | None = None  # cell index → kind, for a ruled table continuing
    ruled_width: int = 0


def _page_rows(
    page: Page, layout: _Layout, reading: Reading, acknowledgment: bool, continuing: bool
) -> tuple[list[RawRow], list[tuple[int, float, float]], bool, str | None]:
    """Rows on one page: (rows, regions, ended, source)."""
    for table in page.tables:
        header = ruled_header(table, acknowledgment)
        if header is not None:
            index, kinds = header
            rows = [r for r in ruled_rows(table, index + 1, kinds) if is_item(r, reading, acknowledgment)]
            layout.ruled, layout.ruled_width = kinds, len(table.rows[index])
            header_cells = [(i, table.rows[index][i]) for i in sorted(kinds)]
            layout.bands = column_bands(
                [Column(kinds[i], cell.box) for i, cell in header_cells if cell is not None]
            )
            if not rows or any(packed(r, reading) for r in rows):
                # Only the header is ruled, or the columns are ruled but not the rows
                # (one tall "row" holds every item): read the text under the header.
                layout.ruled = None
                header_bottom = max(c.box[3] for c in table.rows[index] if c is not None)
                start = next(
                    (i for i, line in enumerate(page.lines) if line.top >= header_bottom - 1), len(page.lines)
                )
                rows, ended = text_rows(page, start, layout.bands, reading, acknowledgment)
                bottom = rows[-1].box[3] if rows else header_bottom
                return rows, [(page.number, table.box[1], bottom)], ended, "columns"
            ended = len(rows) < len(table.rows) - index - 1 or table.box[3] < page.height * 0.8
            return (
                rows,
                [(page.number, table.box[1], rows[-1].box[3] if rows else table.box[3])],
                ended,
                "ruled",
            )
    if continuing and layout.ruled is not None:
        for table in page.tables:
            if table.rows and len(table.rows[0]) == layout.ruled_width:
                rows = [r for r in ruled_rows(table, 0, layout.ruled) if is_item(r, reading, acknowledgment)]
                if rows:
                    ended = len(rows) < len(table.rows) or table.box[3] < page.height * 0.8
                    return rows, [(page.number, table.box[1], rows[-1].box[3])], ended, "ruled"
    for index, line in enumerate(page.lines):
        text_header = header_at(page.lines, index, acknowledgment)
        if text_header is None:
            continue
        columns, last = text_header
        bands = column_bands(columns)
        rows, ended = text_rows(page, last + 1, bands, reading, acknowledgment)
        if rows:  # a "header" with no rows under it was a row of header fields that looked like one
            layout.bands = bands
            return rows, [(page.number, line.top, rows[-1].box[3])], ended, "columns"
    if continuing and layout.bands is not None:
        rows, ended = text_rows(page, 0, layout.bands, reading, acknowledgment)
        if rows:
            return rows, [(page.number, rows[0].box[1], rows[-1].box[3])], ended, "columns"
    return [], [], False, None


def find_line_items(pages: list[Page], reading: Reading, *, acknowledgment: bool = False) -> LineTable:
    """All line items of one document, in order, across its pages."""
    layout = _Layout()
    raw_rows: list[RawRow] = []
    regions: list[tuple[int, float, float]] = []
    sources: list[str] = []
    continuing = False
    for page in pages:
        rows, page_regions, ended, source = _page_rows(page, layout, reading, acknowledgment, continuing)
        raw_rows.extend(rows)
        regions.extend(page_regions)
        if source:
            sources.append(source)
        if rows or source:
            continuing = not ended
    notes: list[str] = []
    if not raw_rows and not acknowledgment:
        raw_rows, regions = receipt_rows(pages, reading)
        if raw_rows:
            sources.append("receipt")
            notes.append(
                "no table header: the lines were read from receipt-style item lines "
                "('2 x ITEM  price  amount')"
            )
    _settle_item_or_line(raw_rows)
    _item_column_numbers_lines(raw_rows)
    remarks = any("remark" in r.cells for r in raw_rows) and not any("status" in r.cells for r in raw_rows)
    positions = _line_column_counts_up(raw_rows)
    if not positions:
        notes.append(
            "the line column's numbers do not count up (1, 2, 3 or 10, 20, 30): they may be item "
            "numbers or another order's lines, so each line's PO line needs checking"
        )
    items = number_lines([parse_row(row, reading, acknowledgment, remarks, positions) for row in raw_rows])
    if items and notes:
        items[0].warnings.extend(notes)
    return LineTable(items, regions, sources[0] if sources else "none")


def counts_up(numbers: list[int]) -> bool:
    """Numbers a position column holds: each above the one before, and small
    (up to 999) unless they go in tens (SAP's 10, 20, 30 … 1010). Item or
    article numbers seldom do both; numbering that starts again (an invoice
    billing two orders) does neither, and a person then checks the lines."""
    steps_of_ten = all(n % 10 == 0 for n in numbers)
    return all(b > a for a, b in pairwise(numbers)) and (max(numbers, default=0) <= 999 or steps_of_ten)


def _line_column_counts_up(rows: list[RawRow]) -> bool:
    """Whether a line column's numbers (where no PO-line column says more) are
    positions. True when there are none to judge."""
    numbers = [cell_int(r.text("line")) for r in rows if "po_line" not in r.cells]
    return counts_up([n for n in numbers if n is not None])


def _settle_item_or_line(rows: list[RawRow]) -> None:
    """The first of two item columns holds line numbers when every row has
    one there; else it is the part (and the second column is not read)."""
    if not any("item_or_line" in r.cells for r in rows):
        return
    numbered = all(cell_int(r.text("item_or_line")) is not None for r in rows)
    for row in rows:
        cell = row.cells.pop("item_or_line", None)
        if cell is None:
            continue
        if numbered:
            row.cells["line"] = cell
        else:
            row.cells["item"] = cell


def _item_column_numbers_lines(rows: list[RawRow]) -> None:
    """An "Item" column holding 1, 2, 3 (or 10, 20, 30) and no line column:
    those are line numbers, not parts."""
    if not rows or any("line" in r.cells or "po_line" in r.cells for r in rows):
        return
    numbers = [
        cell_int(r.text("item")) if re.fullmatch(r"\s*\d{1,4}\s*", r.text("item") or "") else None
        for r in rows
    ]
    if any(n is None for n in numbers):
        return
    if counts_up([n for n in numbers if n is not None]):
        for row in rows:
            row.cells["line"] = row.cells.pop("item")
