"""A line item's values from its row: line number (the PO line billed),
quantity, price, amount, unit, part and description on an invoice; status,
changed quantity and price, and promised date on an acknowledgment."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from activities.intake.pdf.conventions import Reading, amount_in, date_quality
from activities.intake.pdf.dates import parse_date
from activities.intake.pdf.line_rows import RawRow, cell_int
from activities.intake.pdf.line_sublines import leading_code, looks_like_code
from activities.intake.pdf.status_words import parse_status
from activities.intake.pdf.text import Box

__all__ = ["LineItem", "number_lines", "parse_row"]


@dataclass
class LineItem:
    values: dict[str, Any]  # model field → JSON-able value
    confidence: dict[str, float]
    boxes: dict[str, tuple[int, Box]]  # model field → (page, box)
    warnings: list[str] = field(default_factory=list)


_ORDER_WORD = (
    r"(?:(?:your|ihre?|votre|vos|su|sus|vs\.?|vostro|uw|er|ert)\s+)?"
    r"(?:PO|P\.O\.|purchase\s+order|order|Bestellung|Bestell-?Nr\.?|commande|cde|pedido|ordine|"
    r"inkooporder|beställning)"
)

_LINE_WORD = r"(?:line|ln|pos(?:ition)?|ligne|l[ií]nea|riga|regel|rad|zeile)\.?"

_PO_LINE_REF = re.compile(
    r"\(?\s*(?:"
    + _ORDER_WORD
    + r"\s*(?:[A-Za-z0-9][\w./-]*)?[\s,;/]*"
    + _LINE_WORD
    + "|"
    + _LINE_WORD
    + r"\s*(?:de\s+|del\s+|d')?"
    + _ORDER_WORD
    + r"|orderregel|orderrad|bestellpos(?:ition)?\.?)"
    r"\s*(?:no\.?|nr\.?|n[°º]\.?)?\s*[:#]?\s*(\d{1,6})\b\s*\)?",
    re.IGNORECASE,
)

_BASE = 0.9
_SUPPLIERS_NUMBERING = 0.8  # a position column that may not number the PO's lines: 0.72, below review


def parse_row(
    row: RawRow, reading: Reading, acknowledgment: bool, remarks: bool = False, positions: bool = True
) -> LineItem:
    """A row's values, each with its confidence and the cell it was read from.
    `positions`: the table's line column counts up (`lines.counts_up`)."""
    values: dict[str, Any] = {}
    confidence: dict[str, float] = {}
    boxes: dict[str, tuple[int, Box]] = {}
    warnings: list[str] = []

    def put(name: str, value: Any, quality: float, kind: str) -> None:
        values[name] = value
        confidence[name] = round(_BASE * quality, 3)
        boxes[name] = (row.page, row.cells[kind][1] if kind in row.cells else row.box)

    # An acknowledgment answers the PO line by line: a position column that
    # counts up is the PO's numbering. An invoice's is the supplier's own,
    # which resolution confirms against the PO (`resolve._map_lines`).
    _line_number(row, put, po_numbering=acknowledgment and positions)

    qty = amount_in(row.text("qty"), reading)
    price = amount_in(row.text("unit_price"), reading)
    if acknowledgment:
        status = _ack_status(row, reading, qty, remarks, put, warnings)
        _ack_quantity_and_price(row, reading, qty, price, status, put)
    else:
        if qty is not None:
            put("quantity", str(qty[0]), qty[1], "qty")
        if price is not None:
            put("unit_price", str(abs(price[0])), price[1], "unit_price")
    if acknowledgment:
        _parse_ack_cells(row, reading, put)
    else:
        _parse_invoice_cells(row, reading, qty, put)
    return LineItem(values, confidence, boxes, warnings)


def _line_number(row: RawRow, put: Any, *, po_numbering: bool) -> None:
    """The PO line a row bills: a PO-line column, else a PO line reference in
    its text ("Ihre Bestellung PO-1001, Pos. 20" — the supplier's own
    position number is not the PO's), else a line/position column — below
    review unless it is known to number the PO's lines."""
    number = cell_int(row.text("po_line"))
    if number is not None:
        put("line_no", number, 1.05, "po_line")
        return
    reference = _PO_LINE_REF.search(
        " ".join(filter(None, (row.text("description"), row.text("item"), *row.details)))
    )
    if reference:
        put("line_no", int(reference.group(1)), 0.97, "description")
        return
    number = cell_int(row.text("line"))
    if number is not None:
        put("line_no", number, 1.0 if po_numbering else _SUPPLIERS_NUMBERING, "line")


def _parse_invoice_cells(
    row: RawRow, reading: Reading, qty: tuple[Decimal, float, str] | None, put: Any
) -> None:
    amount = amount_in(row.text("amount"), reading, last=True)
    if amount is not None:
        put("amount", str(amount[0]), amount[1], "amount")
    uom = row.text("uom")
    if uom is None and qty is not None:  # "10 EA" in the quantity column
        rest = (row.text("qty") or "").replace(qty[2], "", 1).strip()
        uom = rest if re.fullmatch(r"[A-Za-z]{1,8}\.?", rest) else None
    if uom and len(uom.split()[0].rstrip(".")) <= 8:
        put("uom", uom.split()[0].rstrip("."), 0.95, "uom" if "uom" in row.cells else "qty")
    _item_and_description(row, put)


# How sure a line's text cells are (× _BASE): a description, a code in its own
# column or on a part-number line, are read as printed; a code split off the
# front of the description, a "code" that is a word of prose — and the
# description beside either — are guesses for review. (A description joined
# from several text lines stays trusted: our own and most ERPs' wraps; a
# note line under an item is the known gap, see the README's extraction report.)
_DESCRIPTION, _DOUBTFUL = 0.95, 0.8
_COLUMN_CODE, _DETAIL_CODE, _SPLIT_CODE, _NOT_A_CODE = 1.0, 0.95, 0.85, 0.6


def _item_and_description(row: RawRow, put: Any) -> None:
    item, description = row.text("item"), row.text("description")
    if description:
        description = " ".join(_PO_LINE_REF.sub(" ", description).split()).strip(" ,;-")
    split = leading_code(description) if description else None
    doubt = False
    if item:
        # A code column holding prose, or beside a description that starts with
        # a code: the columns were told apart wrongly, the description with them.
        doubt = not looks_like_code(item) or split is not None
        quality = _NOT_A_CODE if doubt else _DETAIL_CODE if row.detail_code else _COLUMN_CODE
        put("item_id", item.split()[0][:64], quality, "item")
    elif split is not None:
        code, description = split
        put("item_id", code, _SPLIT_CODE, "description")
        doubt = True
    if description:
        quality = _DOUBTFUL if doubt else _DESCRIPTION
        put("description", description[:500], quality, "description")


def _ack_status(
    row: RawRow,
    reading: Reading,
    qty: tuple[Decimal, float, str] | None,
    remarks: bool,
    put: Any,
    warnings: list[str],
) -> str | None:
    """A line's status: its status cell, else the remark line under it, else
    (in a table whose changes are remark lines) accepted as ordered. With no
    status printed at all, a confirmed quantity that is not the ordered one
    is read as a change — a guess, flagged."""
    for kind, quality in (("status", 1.0), ("remark", 0.97)):
        status = parse_status(row.text(kind) or "", line=True)
        if status is not None:
            put("status", status, quality, kind)
            return status
    if remarks:
        put("status", "accepted", 0.94, "qty" if "qty" in row.cells else "line")
        return "accepted"
    ordered = amount_in(row.text("qty_ordered"), reading)
    if qty is not None and ordered is not None and qty[0] != ordered[0]:
        put("status", "changed", 0.8, "qty")
        warnings.append(
            f"line {row.text('po_line') or row.text('line') or '?'}: no status printed; read as changed "
            f"because {qty[2]} were confirmed of {ordered[2]} ordered"
        )
        return "changed"
    return None


def _ack_quantity_and_price(
    row: RawRow,
    reading: Reading,
    qty: tuple[Decimal, float, str] | None,
    price: tuple[Decimal, float, str] | None,
    status: str | None,
    put: Any,
) -> None:
    """An acknowledgment line carries a quantity or price only where it
    confirms something other than the order: a confirmed quantity equal to
    the ordered one (or zero, on a rejected line) is no change, and a price on
    a line accepted as ordered is the PO price."""
    ordered = amount_in(row.text("qty_ordered"), reading)
    if qty is not None and qty[0] > 0 and (ordered is None or ordered[0] != qty[0]) and status != "rejected":
        put("quantity", str(qty[0]), qty[1], "qty")
    if price is not None and status in ("changed", None) and price[0] >= 0:
        put("unit_price", str(price[0]), price[1], "unit_price")


def _parse_ack_cells(row: RawRow, reading: Reading, put: Any) -> None:
    promised = row.text("promised_date")
    if promised:
        when = parse_date(promised, reading.date_order)
        if when is not None:
            put("promised_date", when.isoformat(), date_quality(promised, reading), "promised_date")


def number_lines(items: list[LineItem]) -> list[LineItem]:
    """Rows without a readable line number get their position, at low confidence."""
    for position, item in enumerate(items, start=1):
        if "line_no" not in item.values:
            item.values["line_no"] = position
            item.confidence["line_no"] = 0.6
            item.warnings.append(f"line {position}: no line number printed; numbered by position")
    return items
