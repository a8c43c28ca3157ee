"""Line items without a table header: till slips and 80 mm thermal invoices,
whose item lines ("2 x MRO-GLOVE  11.90  23.80") count only when quantity
times price is the amount."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from activities.intake.pdf.amounts import parse_amount
from activities.intake.pdf.conventions import Reading
from activities.intake.pdf.label_match import is_bare_label, label_at
from activities.intake.pdf.line_rows import RawRow, is_totals_line
from activities.intake.pdf.text import Box, Line, Page, union

__all__ = ["receipt_rows"]


_RECEIPT_NUMBER = r"[-(]?[$€£]?\s?\d[\d.,'\u2019]*\)?-?"
_TAX_FLAG = r"(?:\s+[A-Z*]{1,2})?"  # "23.80 T", "23.80 A": the tax code a till prints after the amount

_RECEIPT_LINE = re.compile(
    r"^(?P<qty>\d{1,5}(?:[.,]\d{1,3})?)\s*[xX×*]\s+(?P<what>\S.*?)\s+"
    rf"(?P<price>{_RECEIPT_NUMBER})\s+(?P<amount>{_RECEIPT_NUMBER}){_TAX_FLAG}$"
)

# "  2 x 11.90        23.80" under the item's own line ("MRO-GLOVE-NITRILE-L").
_QTY_PRICE_LINE = re.compile(
    r"^(?P<qty>\d{1,5}(?:[.,]\d{1,3})?)\s*(?:[xX×*@]|[A-Za-z]{1,4}\s*[xX×@])\s*"
    rf"(?P<price>{_RECEIPT_NUMBER})\s+(?P<amount>{_RECEIPT_NUMBER}){_TAX_FLAG}$"
)

_RECEIPT_WIDTH = 120  # a till slip's line is short: longer lines are not tried (and cannot backtrack long)
_RULE = re.compile(r"^[-=_*.\s]+$")
_CODE = re.compile(r"^(?=.*[\d/-])[A-Z0-9][A-Z0-9./_-]{2,63}$")


def receipt_rows(pages: list[Page], reading: Reading) -> tuple[list[RawRow], list[tuple[int, float, float]]]:
    """Till slips and 80 mm thermal invoices print one column: "2 x
    MRO-GLOVE  11.90  23.80" with the description (if any) on the lines under
    it, or the item on a line of its own over "2 x 11.90  23.80". A line
    counts only when its quantity times its price is its amount."""
    rows: list[RawRow] = []
    regions: list[tuple[int, float, float]] = []
    for page in pages:
        lines = page.lines
        kinds = [_receipt_kind(line, reading) for line in lines]
        current: RawRow | None = None
        first: float | None = None
        for index, line in enumerate(lines):
            kind = kinds[index]
            if kind is not None and kind[0] == "item":
                current = _receipt_row(page.number, line, kind[1])
            elif kind is not None and current is not None and _item_text_above(lines, index, current, kinds):
                # the item's own line was read as the previous row's description: take it back
                _take_item_line(current, lines[index - 1])
                current = _receipt_row(page.number, line, kind[1], lines[index - 1])
            elif kind is not None and index > 0 and _is_item_text(lines[index - 1], line, reading):
                head = _head_line(lines, index - 1)
                current = _receipt_row(page.number, line, kind[1], lines[index - 1], head)
            elif current is not None and _continues(current, line, reading):
                old = current.text("description")
                current.cells["description"] = ((f"{old} {line.text}" if old else line.text), line.box)
                current.box = union([current.box, line.box])
                continue
            else:
                if current is not None:
                    regions.append(
                        (page.number, first if first is not None else current.box[1], current.box[3])
                    )
                    current, first = None, None
                if is_totals_line(line) and rows:
                    break
                continue
            rows.append(current)
            first = current.box[1] if first is None else first
        if current is not None:
            regions.append((page.number, first if first is not None else current.box[1], current.box[3]))
    return rows, regions


def _receipt_kind(line: Line, reading: Reading) -> tuple[str, re.Match[str]] | None:
    text = line.text
    if len(text) > _RECEIPT_WIDTH or not text[:1].isdigit():
        return None
    for kind, pattern in (("item", _RECEIPT_LINE), ("qty", _QTY_PRICE_LINE)):
        match = pattern.match(text)
        if match is None:
            continue
        qty, price, amount = (
            parse_amount(match.group(k), reading.decimal) for k in ("qty", "price", "amount")
        )
        if qty is None or price is None or amount is None:
            continue
        if abs(qty * price - amount) <= Decimal("0.011") + abs(amount) * Decimal("0.0005"):
            return kind, match
    return None


def _is_item_text(above: Line, line: Line, reading: Reading) -> bool:
    """The item's own line over its "2 x 11.90  23.80": text, right above. A
    word that is also a label ("TRANSPORT CHAIN GRADE 70") does not make it a
    label line here; a label standing alone or before a colon does."""
    return _close_plain_text(above, line.top - above.bottom, line.size, reading, bare_labels_only=True)


# "1  CHN-G70-38" over the description: the line number and the item code of a
# three-row thermal item (number and code / description / "27.5 FT @ 4.15  114.13").
_HEAD_LINE = re.compile(r"^(?:(?P<line>\d{1,4})\s+)?(?P<item>[A-Z0-9][A-Z0-9./_-]{2,63})$")


def _head_line(lines: list[Line], item_index: int) -> re.Match[str] | None:
    """The number-and-code line right above an item's description, if any."""
    if item_index == 0:
        return None
    above, item = lines[item_index - 1], lines[item_index]
    match = _HEAD_LINE.match(above.text)
    if match is None or not _CODE.match(match.group("item")) or item.top - above.bottom >= 1.2 * item.size:
        return None
    return match


def _item_text_above(lines: list[Line], index: int, current: RawRow, kinds: list[Any]) -> bool:
    return (
        index > 0
        and kinds[index - 1] is None
        and current.cells.get("description", ("", None))[1] == lines[index - 1].box
    )


def _take_item_line(row: RawRow, line: Line) -> None:
    text = row.text("description") or ""
    rest = text[: -len(line.text)].rstrip() if text.endswith(line.text) else text
    if rest:
        row.cells["description"] = (rest, row.cells["description"][1])
    else:
        row.cells.pop("description", None)


def _continues(row: RawRow, line: Line, reading: Reading) -> bool:
    """A line of the row's description, right under it."""
    return _close_plain_text(line, line.top - row.box[3], line.size, reading)


def _close_plain_text(
    text: Line, gap: float, size: float, reading: Reading, *, bare_labels_only: bool = False
) -> bool:
    """A text line less than 1.2 `size` from the item line (`gap`) that is no
    rule, no amount and no label: it belongs to the item."""
    first = text.phrases[0]
    return (
        gap < 1.2 * size
        and not _RULE.match(text.text)
        and not any(parse_amount(p.text, reading.decimal) is not None for p in text.phrases)
        and not (is_bare_label(first) if bare_labels_only else label_at(first) is not None)
    )


def _receipt_row(
    page: int,
    line: Line,
    match: re.Match[str],
    item_line: Line | None = None,
    head: re.Match[str] | None = None,
) -> RawRow:
    box = line.box if item_line is None else union([item_line.box, line.box])
    what = (match.group("what") if item_line is None else item_line.text).split()
    cells: dict[str, tuple[str, Box]] = {
        "qty": (match.group("qty"), box),
        "unit_price": (match.group("price"), box),
        "amount": (match.group("amount"), box),
    }
    if head is not None:  # the code is on its own line: the description is all of the item line
        cells["item"] = (head.group("item"), box)
        if head.group("line"):
            cells["line"] = (head.group("line"), box)
    elif what and _CODE.match(what[0]):
        cells["item"] = (what[0], box)
        what = what[1:]
    if what:
        cells["description"] = (" ".join(what), box)
    return RawRow(page, cells, box)
