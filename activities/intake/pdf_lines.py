"""Line items of a PDF document: find the table by its header, then read rows.

Two sources, same result:
- ruled tables (pdfplumber finds them from their drawn lines): the header row
  names the columns and every cell is read whole, wrapped text included;
- text columns without lines: a text line whose words are column names
  ("Pos  Description  Qty  Unit price  Amount", in any of seven languages)
  fixes the column bands; each following line is cut into those bands.

Rows are item rows when their numbers parse (quantity and a price or amount on
an invoice; a line number and a status, quantity, price or date on an
acknowledgment); a text-only line under a row continues its description. The
table ends at a totals label; when a page ends first, it continues on the
next page (under a repeated header, or under the same bands without one).

`line_no` is the PO line billed: from a PO-line column, else a line/position
column, else a PO line reference in the description ("PO line 20"), else the
row's position — each with less confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any

from activities.intake.amounts import find_amounts, parse_date
from activities.intake.pdf_fields import Reading, amount_quality, date_quality, label_at, parse_status
from activities.intake.pdf_text import Box, Line, Page, Table, Word, first_token, match_prefix, tokens

__all__ = ["COLUMNS", "LineItem", "LineTable", "find_line_items"]

COLUMNS: dict[str, dict[str, str]] = {
    "po_line": {
        "en": "PO Line|PO Ln|PO Pos|PO Item|Order Line|Your Line|PO Line No|Cust. Line",
        "de": "Bestellpos|Bestellposition|Best.-Pos|Ihre Pos|Bestellpos.-Nr|BANF-Pos",
        "fr": "Ligne commande|Ligne cde|Ligne BC|Votre ligne|Pos. commande",
        "es": "Línea pedido|Pos. pedido|Línea OC|Su línea",
        "it": "Riga ordine|Pos. ordine|Vs. riga|Riga OdA",
        "nl": "Orderregel|PO regel|Inkooporderregel|Uw regel",
        "sv": "Orderrad|Er rad|Beställningsrad|PO-rad",
    },
    "line": {
        "en": "Line|Ln|Line No|Pos|Pos.|Position|No|#|Item No.|Seq",
        "de": "Pos|Pos.|Position|Lfd. Nr|Nr",
        "fr": "Ligne|Pos|N°",
        "es": "Línea|Pos|Nº",
        "it": "Riga|Pos|N.",
        "nl": "Regel|Pos|Nr",
        "sv": "Rad|Pos|Nr",
    },
    "item": {
        "en": "Item|Item Code|Item ID|Part|Part No|Part Number|SKU|Product|Product Code|Article|Art. No|"
        "Material",
        "de": "Artikel|Artikelnr|Artikel-Nr|Artikelnummer|Art.-Nr|Materialnummer|Material|Sachnummer",
        "fr": "Article|Référence|Réf.|Code article|Code",
        "es": "Artículo|Código|Referencia|Ref.|Código artículo",
        "it": "Articolo|Codice|Cod. articolo|Codice articolo|Rif.",
        "nl": "Artikel|Artikelnummer|Artikelnr|Artikelcode|Code",
        "sv": "Artikel|Artikelnummer|Artikelnr|Art.nr|Produkt",
    },
    "description": {
        "en": "Description|Item Description|Product Description|Details",
        "de": "Beschreibung|Bezeichnung|Artikelbezeichnung|Leistung|Text",
        "fr": "Désignation|Description|Libellé",
        "es": "Descripción|Concepto|Denominación",
        "it": "Descrizione|Denominazione",
        "nl": "Omschrijving|Beschrijving",
        "sv": "Beskrivning|Benämning|Text",
    },
    "qty_ordered": {
        "en": "Ordered|Qty Ordered|Ordered Qty|Order Qty",
        "de": "Bestellt|Bestellmenge|Menge bestellt",
        "fr": "Commandé|Qté commandée|Quantité commandée",
        "es": "Pedido|Cantidad pedida|Cant. pedida",
        "it": "Ordinato|Qtà ordinata|Quantità ordinata",
        "nl": "Besteld|Besteld aantal",
        "sv": "Beställt|Beställt antal",
    },
    "qty": {
        "en": "Qty|Quantity|Qty Invoiced|Qty Shipped|Confirmed Qty|Qty Confirmed|Hours|Units|Confirmed|"
        "Conf. Qty|"
        "Qty Conf.|Qty Billed",
        "de": "Menge|Anzahl|Stück|Bestätigte Menge|Menge bestätigt|Liefermenge",
        "fr": "Qté|Quantité|Qté confirmée|Quantité confirmée",
        "es": "Cantidad|Cant.|Cantidad confirmada|Uds.",
        "it": "Quantità|Qtà|Q.tà|Quantità confermata|Qtà confermata",
        "nl": "Aantal|Bevestigd aantal|Hoeveelheid",
        "sv": "Antal|Bekräftat antal|Kvantitet",
    },
    "uom": {
        "en": "Unit|UoM|U/M|UM",
        "de": "Einheit|ME|Mengeneinheit",
        "fr": "Unité|U.",
        "es": "Unidad|Ud.|UM",
        "it": "Unità|UdM|U.M.|UM",
        "nl": "Eenheid|Eenh.",
        "sv": "Enhet|Enh.",
    },
    "unit_price": {
        "en": "Unit Price|Price|Unit Cost|Price Each|Rate|Each|Net Price|Confirmed Price|Price/Unit",
        "de": "Einzelpreis|Preis|Stückpreis|E-Preis|Preis/Einheit|Bestätigter Preis|Einzelpreis netto|"
        "Preis/ME|"
        "Preis je ME|Preis/St|Preis pro Einheit|Nettopreis",
        "fr": "Prix unitaire|Prix|P.U.|PU|Prix U.|Prix unitaire HT|Prix confirmé|PU HT|P.U. HT",
        "es": "Precio unitario|Precio|Precio unit.|P. unitario|Precio confirmado",
        "it": "Prezzo unitario|Prezzo|Prezzo unit.|Prezzo confermato",
        "nl": "Stukprijs|Prijs|Eenheidsprijs|Prijs per stuk|Bevestigde prijs",
        "sv": "À-pris|A-pris|Á-pris|Pris|Styckpris|Bekräftat pris",
    },
    "amount": {
        "en": "Amount|Line Total|Total|Ext. Price|Extended|Extended Price|Net Amount|Line Amount|Value",
        "de": "Betrag|Gesamt|Gesamtpreis|Summe|Netto|Gesamtbetrag|Positionsbetrag|Wert|Nettowert|"
        "Positionswert|"
        "Gesamtwert",
        "fr": "Montant|Montant HT|Total HT|Total",
        "es": "Importe|Total|Importe neto",
        "it": "Importo|Totale|Importo netto",
        "nl": "Bedrag|Totaal|Regeltotaal",
        "sv": "Belopp|Summa|Totalt",
    },
    "status": {
        "en": "Status|Line Status",
        "de": "Status|Positionsstatus",
        "fr": "Statut|État",
        "es": "Estado",
        "it": "Stato|Esito",
        "nl": "Status",
        "sv": "Status",
    },
    "promised_date": {
        "en": "Delivery Date|Promised Date|Ship Date|Confirmed Date|Delivery|Promised|Est. Delivery",
        "de": "Liefertermin|Lieferdatum|Liefertermin bestätigt|Termin|Lieferung",
        "fr": "Date de livraison|Livraison|Date livraison|Date prévue",
        "es": "Fecha de entrega|Fecha entrega|Entrega",
        "it": "Data consegna|Consegna|Data di consegna",
        "nl": "Leverdatum|Leveringsdatum|Levering",
        "sv": "Leveransdatum|Leverans|Leveransdag",
    },
}
_COLUMN_LABELS: list[tuple[str, tuple[str, ...]]] = sorted(
    {
        (kind, tuple(tokens(printed)))
        for kind, by_language in COLUMNS.items()
        for alternatives in by_language.values()
        for printed in alternatives.split("|")
        if tokens(printed)
    },
    key=lambda entry: -len(entry[1]),
)
_COLUMNS_BY_FIRST_TOKEN: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
for _kind, _label in _COLUMN_LABELS:
    _COLUMNS_BY_FIRST_TOKEN.setdefault(_label[0], []).append((_kind, _label))
_TOTALS = {"subtotal", "tax", "freight", "total"}
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


@dataclass
class Column:
    kind: str
    box: Box


@dataclass
class RawRow:
    """One table row as text per column kind, before parsing."""

    page: int
    cells: dict[str, tuple[str, Box]]
    box: Box

    def text(self, kind: str) -> str | None:
        cell = self.cells.get(kind)
        return cell[0] if cell and cell[0].strip() else None


@dataclass
class LineItem:
    values: dict[str, Any]  # model field → JSON-able value
    confidence: dict[str, float]
    boxes: dict[str, tuple[int, Box]]  # model field → (page, box)
    warnings: list[str] = field(default_factory=list)


@dataclass
class LineTable:
    items: list[LineItem]
    regions: list[tuple[int, float, float]]  # (page, top, bottom) the table covers
    source: str  # "ruled", "columns" or "none"

    def covers(self, page: int, box: Box) -> bool:
        middle = (box[1] + box[3]) / 2
        return any(p == page and top - 1 <= middle <= bottom + 1 for p, top, bottom in self.regions)


# --- header -------------------------------------------------------------------


def _match_columns(line: Line) -> tuple[list[Column], int]:
    """Greedy longest-first column names in each phrase of a header line (a
    name never spans a column gap: "Qty Unit | Price" is not "Unit Price");
    returns the columns and how many words were not column names."""
    columns: list[Column] = []
    unmatched = 0
    for phrase in line.phrases:
        found, missed = _match_phrase_columns(phrase.words)
        columns += found
        unmatched += missed
    return columns, unmatched


def _match_phrase_columns(words: list[Word]) -> tuple[list[Column], int]:
    columns: list[Column] = []
    unmatched = 0
    index = 0
    while index < len(words):
        rest = words[index : index + 6]
        for kind, label in _COLUMNS_BY_FIRST_TOKEN.get(first_token(rest) or "", ()):
            covered = match_prefix(rest, label)
            if covered:
                span = words[index : index + covered]
                columns.append(
                    Column(
                        kind,
                        (
                            min(w.x0 for w in span),
                            min(w.top for w in span),
                            max(w.x1 for w in span),
                            max(w.bottom for w in span),
                        ),
                    )
                )
                index += covered
                break
        else:
            unmatched += 1
            index += 1
    return columns, unmatched


def _is_header(kinds: list[str], unmatched: int, acknowledgment: bool) -> bool:
    distinct = set(kinds)
    if len(distinct) < 2 or unmatched > len(kinds):
        return False
    if acknowledgment:
        return (
            len(distinct) >= 3
            and bool(distinct & {"line", "po_line", "item"})
            and bool(distinct & {"status", "promised_date", "qty"})
        )
    return len(distinct) >= 3 and "qty" in distinct and bool(distinct & {"unit_price", "amount"})


def _dedupe(columns: list[Column]) -> list[Column]:
    seen: set[str] = set()
    kept = []
    for column in sorted(columns, key=lambda c: c.box[0]):
        if column.kind not in seen:
            seen.add(column.kind)
            kept.append(column)
    return kept


def _header_in_line(line: Line, acknowledgment: bool) -> list[Column] | None:
    columns, unmatched = _match_columns(line)
    if not _is_header([c.kind for c in columns], unmatched, acknowledgment):
        return None
    return _dedupe(columns)


# --- rows from text columns --------------------------------------------------------


# Columns whose content is left-aligned text: a cell starts where its header starts.
_TEXT_KINDS = frozenset({"line", "po_line", "item", "description", "uom", "status"})
_UNIT_WORD = re.compile(r"^(?:[A-Z]{1,4}\.?|[€$£]|kr\.?|%|pcs|pc|st|stk|h|hrs|kg|m|ud|uds|ea)$")


def _boundary(left: Column, right: Column) -> float:
    """Where `left`'s band ends and `right`'s starts. Text cells start at
    their header's left edge; numbers are right-aligned and may reach left of
    a narrow header, so a numeric column's band starts halfway to its
    neighbour."""
    middle = (left.box[2] + right.box[0]) / 2
    return max(right.box[0] - 2, middle) if right.kind in _TEXT_KINDS else middle


def _bands(columns: list[Column]) -> list[tuple[str, float, float]]:
    bands = []
    for index, column in enumerate(columns):
        left = -1e9 if index == 0 else _boundary(columns[index - 1], column)
        right = 1e9 if index == len(columns) - 1 else _boundary(column, columns[index + 1])
        bands.append((column.kind, left, right))
    return bands


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


def _split_at_text_columns(words: list[Word], bands: list[tuple[str, float, float]]) -> list[list[Word]]:
    """A phrase can run from a right-aligned number into the left-aligned text
    of the next column ("16.25 HR" with little gap): cut it where a text
    column starts."""
    starts = [left for kind, left, _ in bands if kind in _TEXT_KINDS and left > -1e8]
    parts: list[list[Word]] = [[words[0]]]
    for previous, word in pairwise(words):
        if any(previous.x0 < start <= word.x0 for start in starts):
            parts.append([word])
        else:
            parts[-1].append(word)
    return parts


def _cut(line: Line, bands: list[tuple[str, float, float]]) -> RawRow:
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
            (min(w.x0 for w in ws), min(w.top for w in ws), max(w.x1 for w in ws), max(w.bottom for w in ws)),
        )
        for kind, ws in parts.items()
    }
    return RawRow(line.page, cells, line.box)


def _is_totals_line(line: Line) -> bool:
    for phrase in line.phrases:
        match = label_at(phrase)
        if match is not None and match.label.field in _TOTALS:
            return True
    return False


def _is_item(row: RawRow, reading: Reading, acknowledgment: bool) -> bool:
    def number(kind: str) -> bool:
        text = row.text(kind)
        return text is not None and bool(find_amounts(text, reading.decimal))

    if acknowledgment:
        has_line = any(_int(row.text(k)) is not None for k in ("po_line", "line"))
        has_data = (
            parse_status(row.text("status") or "", line=True) is not None
            or number("qty")
            or number("unit_price")
            or parse_date(row.text("promised_date") or "") is not None
        )
        return has_line and has_data
    return number("qty") and (number("unit_price") or number("amount"))


def _text_rows(
    page: Page, start: int, bands: list[tuple[str, float, float]], reading: Reading, acknowledgment: bool
) -> tuple[list[RawRow], bool]:
    """Rows under a header from line `start` on; returns them and whether the
    table ended on this page (at a totals line or a wide gap) rather than
    running off its end. Lines before the first row are passed over: on a
    continuation page they are the repeated letterhead."""
    rows: list[RawRow] = []
    for line in page.lines[start:]:
        row = _cut(line, bands)
        if _is_item(row, reading, acknowledgment):
            rows.append(row)
            continue
        if _is_totals_line(line):
            return rows, True
        if not rows:
            continue
        if set(row.cells) <= {"description", "item"} and line.top - rows[-1].box[3] < 2.2 * line.size:
            _continue_description(rows[-1], row)
            continue
        if line.top - rows[-1].box[3] > 4 * line.size:
            # A gap: the table stops here. Near the foot of the page that is
            # only the page footer, and the table may go on overleaf.
            return rows, line.top < page.height * 0.85
    return rows, False


def _continue_description(row: RawRow, more: RawRow) -> None:
    for kind, (text, box) in more.cells.items():
        target = "description" if "description" in row.cells or kind == "description" else kind
        old_text, old_box = row.cells.get(target, ("", box))
        row.cells[target] = (
            (old_text + " " + text).strip(),
            (
                min(old_box[0], box[0]),
                min(old_box[1], box[1]),
                max(old_box[2], box[2]),
                max(old_box[3], box[3]),
            ),
        )


# --- rows from ruled tables ----------------------------------------------------------


def _cell_kind(text: str) -> str | None:
    """The column a ruled header cell names: its whole text, else the longest
    column name it starts with ("P.U. HT (EUR)")."""
    cell_tokens = tuple(tokens(text))
    for kind, label in _COLUMN_LABELS:
        if cell_tokens == label:
            return kind
    for kind, label in _COLUMN_LABELS:
        if cell_tokens[: len(label)] == label and len(cell_tokens) - len(label) <= 2:
            return kind
    return None


def _ruled_header(table: Table, acknowledgment: bool) -> tuple[int, dict[int, str]] | None:
    for index, row in enumerate(table.rows[:3]):
        kinds = {i: _cell_kind(cell.text) for i, cell in enumerate(row) if cell is not None and cell.text}
        named = {i: k for i, k in kinds.items() if k is not None}
        unmatched = len(kinds) - len(named)
        if _is_header(list(named.values()), unmatched, acknowledgment):
            seen: set[str] = set()
            unique = {}
            for i in sorted(named):
                if named[i] not in seen:
                    seen.add(named[i])
                    unique[i] = named[i]
            return index, unique
    return None


def _packed(row: RawRow, reading: Reading) -> bool:
    """A ruled "row" whose number cells hold several numbers: many items with
    no rule between them."""
    return any(len(find_amounts(row.text(kind) or "", reading.decimal)) > 1 for kind in ("qty", "amount"))


def _ruled_rows(table: Table, start: int, kinds: dict[int, str]) -> list[RawRow]:
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
            rows.append(
                RawRow(
                    table.page,
                    cells,
                    (
                        min(b[0] for b in boxes),
                        min(b[1] for b in boxes),
                        max(b[2] for b in boxes),
                        max(b[3] for b in boxes),
                    ),
                )
            )
    return rows


# --- the table across pages -------------------------------------------------------------


@dataclass
class _Layout:
    bands: list[tuple[str, float, float]] | None = None
    ruled: dict[int, str] | None = None  # cell index → kind, for a ruled table continuing
    ruled_width: int = 0


def _page_rows(
    page: Page, layout: _Layout, reading: Reading, acknowledgment: bool, continuing: bool
) -> tuple[list[RawRow], list[tuple[int, float, float]], bool, str | None]:
    """Rows on one page: (rows, regions, ended, source)."""
    for table in page.tables:
        header = _ruled_header(table, acknowledgment)
        if header is not None:
            index, kinds = header
            rows = [r for r in _ruled_rows(table, index + 1, kinds) if _is_item(r, reading, acknowledgment)]
            layout.ruled, layout.ruled_width = kinds, len(table.rows[index])
            layout.bands = _bands(
                [
                    Column(kinds[i], table.rows[index][i].box)
                    for i in sorted(kinds)
                    if table.rows[index][i] is not None
                ]
            )
            if not rows or any(_packed(r, reading) for r in rows):
                # Only the header is ruled, or the columns are ruled but not the rows
                # (one tall "row" holds every item): read the text under the header.
                layout.ruled = None
                header_bottom = max(c.box[3] for c in table.rows[index] if c is not None)
                start = next(
                    (i for i, line in enumerate(page.lines) if line.top >= header_bottom - 1), len(page.lines)
                )
                rows, ended = _text_rows(page, start, layout.bands, reading, acknowledgment)
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
                rows = [
                    r for r in _ruled_rows(table, 0, layout.ruled) if _is_item(r, reading, acknowledgment)
                ]
                if rows:
                    ended = len(rows) < len(table.rows) or table.box[3] < page.height * 0.8
                    return rows, [(page.number, table.box[1], rows[-1].box[3])], ended, "ruled"
    for index, line in enumerate(page.lines):
        columns = _header_in_line(line, acknowledgment)
        if columns is None:
            continue
        bands = _bands(columns)
        rows, ended = _text_rows(page, index + 1, bands, reading, acknowledgment)
        if rows:  # a "header" with no rows under it was a row of header fields that looked like one
            layout.bands = bands
            return rows, [(page.number, line.top, rows[-1].box[3])], ended, "columns"
    if continuing and layout.bands is not None:
        rows, ended = _text_rows(page, 0, layout.bands, reading, acknowledgment)
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
    items = _number_lines([_parse_row(row, reading, acknowledgment) for row in raw_rows])
    return LineTable(items, regions, sources[0] if sources else "none")


# --- parsing a row -------------------------------------------------------------------------


def _int(text: str | None) -> int | None:
    if not text:
        return None
    match = re.fullmatch(r"\s*0*(\d{1,6})[.)]?\s*", text)
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def _amount(text: str | None, reading: Reading, last: bool = False) -> tuple[Decimal, float, str] | None:
    if not text:
        return None
    found = find_amounts(text, reading.decimal)
    if not found:
        return None
    value, piece = found[-1] if last else found[0]
    return value, amount_quality(piece, reading), piece


_BASE = 0.9


def _parse_row(row: RawRow, reading: Reading, acknowledgment: bool) -> LineItem:
    values: dict[str, Any] = {}
    confidence: dict[str, float] = {}
    boxes: dict[str, tuple[int, Box]] = {}

    def put(name: str, value: Any, quality: float, kind: str) -> None:
        values[name] = value
        confidence[name] = round(_BASE * quality, 3)
        boxes[name] = (row.page, row.cells[kind][1] if kind in row.cells else row.box)

    _line_number(row, put)

    qty = _amount(row.text("qty"), reading)
    price = _amount(row.text("unit_price"), reading)
    if acknowledgment:
        _ack_quantity_and_price(row, reading, qty, price, put)
    else:
        if qty is not None:
            put("quantity", str(qty[0]), qty[1], "qty")
        if price is not None:
            put("unit_price", str(abs(price[0])), price[1], "unit_price")
    if acknowledgment:
        _parse_ack_cells(row, reading, put)
    else:
        _parse_invoice_cells(row, reading, qty, put)
    return LineItem(values, confidence, boxes)


def _line_number(row: RawRow, put: Any) -> None:
    """The PO line a row bills: a PO-line column, else a PO line reference in
    its text ("Ihre Bestellung PO-1001, Pos. 20" — the supplier's own
    position number is not the PO's), else a line/position column."""
    number = _int(row.text("po_line"))
    if number is not None:
        put("line_no", number, 1.05, "po_line")
        return
    reference = _PO_LINE_REF.search(" ".join(filter(None, (row.text("description"), row.text("item")))))
    if reference:
        put("line_no", int(reference.group(1)), 0.97, "description")
        return
    number = _int(row.text("line"))
    if number is not None:
        put("line_no", number, 1.0, "line")


def _parse_invoice_cells(
    row: RawRow, reading: Reading, qty: tuple[Decimal, float, str] | None, put: Any
) -> None:
    amount = _amount(row.text("amount"), reading, last=True)
    if amount is not None:
        put("amount", str(amount[0]), amount[1], "amount")
    uom = row.text("uom")
    if uom is None and qty is not None:  # "10 EA" in the quantity column
        rest = (row.text("qty") or "").replace(qty[2], "", 1).strip()
        uom = rest if re.fullmatch(r"[A-Za-z]{1,8}\.?", rest) else None
    if uom and len(uom.split()[0].rstrip(".")) <= 8:
        put("uom", uom.split()[0].rstrip("."), 0.95, "uom" if "uom" in row.cells else "qty")
    item = row.text("item")
    if item:
        put("item_id", item.split()[0][:64], 1.0, "item")
    description = row.text("description")
    if description:
        cleaned = " ".join(_PO_LINE_REF.sub(" ", description).split()).strip(" ,;-")
        put("description", cleaned[:500], 0.95, "description")


def _ack_quantity_and_price(
    row: RawRow,
    reading: Reading,
    qty: tuple[Decimal, float, str] | None,
    price: tuple[Decimal, float, str] | None,
    put: Any,
) -> None:
    """An acknowledgment line carries a quantity or price only where it
    confirms something other than the order: a confirmed quantity equal to
    the ordered one (or zero, on a rejected line) is no change, and a price on
    a line accepted as ordered is the PO price."""
    status = parse_status(row.text("status") or "", line=True)
    ordered = _amount(row.text("qty_ordered"), reading)
    if qty is not None and qty[0] > 0 and (ordered is None or ordered[0] != qty[0]) and status != "rejected":
        put("quantity", str(qty[0]), qty[1], "qty")
    if price is not None and status in ("changed", None) and price[0] >= 0:
        put("unit_price", str(price[0]), price[1], "unit_price")


def _parse_ack_cells(row: RawRow, reading: Reading, put: Any) -> None:
    status = parse_status(row.text("status") or "", line=True)
    if status is not None:
        put("status", status, 1.0, "status")
    promised = row.text("promised_date")
    if promised:
        when = parse_date(promised, reading.date_order)
        if when is not None:
            put("promised_date", when.isoformat(), date_quality(promised, reading), "promised_date")


def _number_lines(items: list[LineItem]) -> list[LineItem]:
    """Rows without a readable line number get their position, at low confidence."""
    for position, item in enumerate(items, start=1):
        if "line_no" not in item.values:
            item.values["line_no"] = position
            item.confidence["line_no"] = 0.6
            item.warnings.append(f"line {position}: no line number printed; numbered by position")
    return items
