"""Row assembly for a line table: text lines cut into the header's column
bands (a wrapped description and an acknowledgment's remark line joining the
row above), or a ruled table's cells — and which rows are items at all."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import pairwise

from activities.intake.pdf.amounts import find_amounts
from activities.intake.pdf.conventions import Reading
from activities.intake.pdf.dates import parse_date
from activities.intake.pdf.field_amounts import AMOUNTS
from activities.intake.pdf.label_match import label_at
from activities.intake.pdf.line_header import TEXT_KINDS, Band
from activities.intake.pdf.line_sublines import DetailLine, detail_line
from activities.intake.pdf.status_words import parse_status
from activities.intake.pdf.text import Box, Cell, Line, Page, Table, Word, union

__all__ = ["RawRow", "cell_int", "is_item", "is_totals_line", "packed", "ruled_rows", "text_rows"]


@dataclass
class RawRow:
    """One table row as text per column kind, before parsing."""

    page: int
    cells: dict[str, tuple[str, Box]]
    box: Box
    detail_code: bool = False  # the item code came from a detail line ("Art.-Nr. 4711"), not a column
    details: list[str] = field(default_factory=list)  # lines under it that are not its description
    # The font (style, size) its text opens and ends with: a wrapped line
    # opens in the font the line above ended in (`text_rows`).
    opens: tuple[str, float] = ("", 0.0)
    ends: tuple[str, float] = ("", 0.0)

    def text(self, kind: str) -> str | None:
        cell = self.cells.get(kind)
        return cell[0] if cell and cell[0].strip() else None


_UNIT_WORD = re.compile(r"^(?:[A-Z]{1,4}\.?|[€$£]|kr\.?|%|pcs|pc|st|stk|h|hrs|kg|m|ud|uds|ea)$")


def _numeric_like(words: list[Word]) -> bool:
    """A number with at most a unit or currency beside it (`2 500`, `16.25 HR`,
    `€ 12,00`), or a date: such cells are right-aligned, so they are placed
    by their right edge."""
    text = " ".join(w.text for w in words)
    if any(c.isdigit() for c in text) and re.search(r"\d{4}", text) and parse_date(text) is not None:
        return True  # "9 de febrero de 2026", "Jun 15, 2026": dates are right-aligned like numbers
    if len(words) > 4:
        return False
    has_number = False
    for word in words:
        text = word.text.strip("()")
        if re.fullmatch(r"[-+\u2212]?[\d.,'\u2019]+%?-?", text) and any(c.isdigit() for c in text):
            has_number = True
        elif not _UNIT_WORD.match(text):
            return False
    return has_number


def _split_at_text_columns(words: list[Word], bands: list[Band]) -> list[list[Word]]:
    """A phrase can run from a right-aligned number into the left-aligned text
    of the next column ("16.25 HR" with little gap): cut it where a text
    column starts."""
    starts = [left for kind, left, _ in bands if kind in TEXT_KINDS and left > -1e8]
    parts: list[list[Word]] = [[words[0]]]
    for previous, word in pairwise(words):
        if any(previous.x0 < start <= word.x0 for start in starts):
            parts.append([word])
        else:
            parts[-1].append(word)
    return parts


def _cut(line: Line, bands: list[Band]) -> RawRow:
    parts: dict[str, list[Word]] = {}
    for phrase in line.phrases:
        for words in _split_at_text_columns(phrase.words, bands):
            anchor = words[-1].x1 - 0.5 if _numeric_like(words) else words[0].x0 + 0.5
            for kind, left, right in bands:
                if left <= anchor < right:
                    parts.setdefault(kind, []).extend(words)
                    break
    cells = {
        kind: (
            " ".join(w.text for w in ws),
            union([w.box for w in ws]),
        )
        for kind, ws in parts.items()
    }
    text = parts.get("description") or parts.get("item") or line.phrases[0].words
    return RawRow(line.page, cells, line.box, opens=_font(text[0]), ends=_font(text[-1]))


def _font(word: Word) -> tuple[str, float]:
    return word.style, round(word.size * 2) / 2


def is_totals_line(line: Line) -> bool:
    for phrase in line.phrases:
        match = label_at(phrase)
        if match is not None and match.label.field in AMOUNTS:
            return True
    return False


def is_item(row: RawRow, reading: Reading, acknowledgment: bool) -> bool:
    def number(kind: str) -> bool:
        text = row.text(kind)
        return text is not None and bool(find_amounts(text, reading.decimal))

    if acknowledgment:
        has_line = any(cell_int(row.text(k)) is not None for k in ("po_line", "line", "item_or_line"))
        has_data = (
            parse_status(row.text("status") or "", line=True) is not None
            or parse_status(row.text("remark") or "", line=True) is not None
            or number("qty")
            or number("unit_price")
            or parse_date(row.text("promised_date") or "") is not None
        )
        return has_line and has_data
    return number("qty") and (number("unit_price") or number("amount"))


def text_rows(
    page: Page, start: int, bands: list[Band], reading: Reading, acknowledgment: bool
) -> tuple[list[RawRow], bool]:
    """Rows under a header from line `start` on; returns them and whether the
    table ended on this page (at a totals line or a wide gap) rather than
    running off its end. Lines before the first row are passed over: on a
    continuation page they are the repeated letterhead."""
    rows: list[RawRow] = []
    for line in page.lines[start:]:
        row = _cut(line, bands)
        if is_item(row, reading, acknowledgment):
            rows.append(row)
            continue
        if is_totals_line(line):
            return rows, True
        if not rows:
            continue
        if acknowledgment and _is_remark(line, row, rows[-1], reading):
            rows[-1].cells["remark"] = (line.text, line.box)
            rows[-1].box = union([rows[-1].box, line.box])
            continue
        if set(row.cells) <= {"description", "item"} and line.top - rows[-1].box[3] < 2.2 * line.size:
            detail = detail_line(line.text)
            if row.opens != rows[-1].ends and "description" in rows[-1].cells:
                # In another font than the description above ended in: no wrap,
                # but a heading ("2 Services", bold) or a note (small, italic) —
                # which may still name the PO line ("Ihre Bestellung PO-1001,
                # Pos. 10"). A row with no description yet takes the line as its
                # description, whatever its font (italic under the numbers).
                rows[-1].details.append(line.text)
                rows[-1].box = union([rows[-1].box, line.box])
            elif detail is None:
                _continue_description(rows[-1], row)
            else:
                _add_detail(rows[-1], detail, line.box, line.text)
            continue
        if line.top - rows[-1].box[3] > 4 * line.size:
            # A gap: the table stops here. Near the foot of the page that is
            # only the page footer, and the table may go on overleaf.
            return rows, line.top < page.height * 0.85
    return rows, False


def _is_remark(line: Line, cut: RawRow, row: RawRow, reading: Reading) -> bool:
    """A line right under an acknowledgment row that says what became of it
    ("Preisänderung", "backordered - ships 12/15", "cancelled"): no numbers
    in the number columns, a line status in its words."""
    if "remark" in row.cells or line.top - row.box[3] > 1.6 * line.size:
        return False
    if any(
        find_amounts(cut.text(kind) or "", reading.decimal) for kind in ("qty", "unit_price", "qty_ordered")
    ):
        return False
    return parse_status(line.text, line=True) is not None


def _add_detail(row: RawRow, detail: DetailLine, box: Box, text: str) -> None:
    """A detail line belongs to the row (its box) but not to the description."""
    row.box = union([row.box, box])
    row.details.append(text)
    if detail.code is not None and "item" not in row.cells:
        row.cells["item"] = (detail.code, box)
        row.detail_code = True


def _continue_description(row: RawRow, more: RawRow) -> None:
    row.box = union([row.box, more.box])
    row.ends = more.ends
    for kind, (text, box) in more.cells.items():
        # The wrapped text goes to the description, also when it starts under
        # the part number of a row that has one ("1  MRO-GLOVE  2  11.90" over
        # "   Nitrile gloves, size L").
        target = (
            "description"
            if "description" in row.cells or kind == "description" or kind in row.cells
            else kind
        )
        old_text, old_box = row.cells.get(target, ("", box))
        row.cells[target] = ((old_text + " " + text).strip(), union([old_box, box]))


def packed(row: RawRow, reading: Reading) -> bool:
    """A ruled "row" whose number cells hold several numbers: many items with
    no rule between them."""
    return any(len(find_amounts(row.text(kind) or "", reading.decimal)) > 1 for kind in ("qty", "amount"))


def ruled_rows(table: Table, start: int, kinds: dict[int, str]) -> list[RawRow]:
    rows = []
    for row in table.rows[start:]:
        cells = {}
        boxes = []
        for i, kind in kinds.items():
            cell = row[i] if i < len(row) else None
            if cell is not None and cell.text:
                cells[kind] = (cell.text, cell.box)
                boxes.append(cell.box)
        if boxes:
            raw = RawRow(table.page, cells, union(boxes))
            description = next(
                (row[i] for i, kind in kinds.items() if kind == "description" and i < len(row)), None
            )
            if description is not None and len(description.lines) > 1:
                _split_ruled_description(raw, description)
            rows.append(raw)
    return rows


def _split_ruled_description(row: RawRow, cell: Cell) -> None:
    """A ruled description cell of several text lines: its detail lines taken
    out (`line_sublines`), the rest joined."""
    kept = [cell.lines[0]]
    for line in cell.lines[1:]:
        detail = detail_line(line)
        if detail is None:
            kept.append(line)
        elif detail.code is not None and "item" not in row.cells:
            row.cells["item"] = (detail.code, cell.box)
            row.detail_code = True
    row.cells["description"] = (" ".join(kept), cell.box)


def cell_int(text: str | None) -> int | None:
    """A line number as a cell prints it (`3`, `003`, `3.`, `3)`); None for
    anything else, and for 0."""
    if not text:
        return None
    match = re.fullmatch(r"\s*0*(\d{1,6})[.)]?\s*", text)
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None
