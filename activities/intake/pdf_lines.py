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

`line_no` is the PO line billed: from a PO-line column, else a line/position
column (or an "Item" column holding 1, 2, 3 beside a part-number column), else
a PO line reference in the description ("PO line 20"), else the row's
position — each with less confidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from typing import Any

from activities.intake.amounts import find_amounts, parse_amount, parse_date
from activities.intake.pdf_fields import Reading, amount_quality, date_quality, label_at, parse_status
from activities.intake.pdf_text import Box, Cell, Line, Page, Table, Word, first_token, match_prefix, tokens

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
        "Material|Catalog No|Catalog Number|Catalog|Cat. No|Cat #|Mfr Part No|Mfg Part No|Vendor Part No|"
        "Manufacturer Part No|Model No|Stock No",
        "de": "Artikel|Artikelnr|Artikel-Nr|Artikelnummer|Art.-Nr|Materialnummer|Material|Sachnummer|Art. Nr|"
        "Bestellnummer Lieferant|Teilenummer",
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
        "en": "Ordered|Qty Ordered|Ordered Qty|Order Qty|Qty Ord|Ord Qty|Ord|Quantity Ordered|Ordered Quantity|"
        "Qty Ordrd|Orig Qty",
        "de": "Bestellt|Bestellmenge|Menge bestellt|Best.-Menge|Menge Best|Bestellte Menge",
        "fr": "Commandé|Qté commandée|Quantité commandée|Qté cdée|Qté cde",
        "es": "Pedido|Cantidad pedida|Cant. pedida",
        "it": "Ordinato|Qtà ordinata|Quantità ordinata",
        "nl": "Besteld|Besteld aantal",
        "sv": "Beställt|Beställt antal",
    },
    "qty_backordered": {
        "en": "B/O|BO|Back Order|Back Ord|Backorder|Backordered|Back Ordered|Qty B/O|Qty BO|Quantity B/O|"
        "Qty Backordered|Qty Back Ord|"
        "Open|Qty Open|Remaining|Bal|Balance",
        "de": "Rückstand|Offen|Restmenge|Menge offen",
        "fr": "Reliquat|Qté reliquat",
        "es": "Pendiente|Cant. pendiente",
        "it": "Residuo|Qtà residua",
        "nl": "Nalevering|Openstaand",
        "sv": "Restnoterat|Rest",
    },
    "qty": {
        "en": "Qty|Quantity|Qty Invoiced|Qty Shipped|Confirmed Qty|Qty Confirmed|Hours|Units|Confirmed|"
        "Conf. Qty|"
        "Qty Conf.|Qty Billed|Shipped|Qty Ship|Ship Qty|Shipped Qty|Quantity Shipped|Qty Shp|Shp|Ship|"
        "Invoiced|Qty Inv|Billed|Delivered|Qty Delivered|Conf Qty|Qty Cnf|Quantity Confirmed|Qty Ack|"
        "Ack Qty|Quantity Invoiced",
        "de": "Menge|Anzahl|Stück|Bestätigte Menge|Menge bestätigt|Liefermenge|Bestätigt|Geliefert|"
        "Berechnet|Menge geliefert|Best. Menge|AB-Menge",
        "fr": "Qté|Quantité|Qté confirmée|Quantité confirmée|Confirmé|Qté livrée|Livré|Qté facturée",
        "es": "Cantidad|Cant.|Cantidad confirmada|Uds.|Confirmado|Servido|Cant. servida",
        "it": "Quantità|Qtà|Q.tà|Quantità confermata|Qtà confermata|Confermato|Consegnato",
        "nl": "Aantal|Bevestigd aantal|Hoeveelheid|Bevestigd|Geleverd",
        "sv": "Antal|Bekräftat antal|Kvantitet|Bekräftat|Levererat",
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
        "en": "Unit Price|Price|Unit Cost|Price Each|Rate|Each|Net Price|Confirmed Price|Price/Unit|"
        "Unit Net|Net Unit Price|Sell Price|Your Price",
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
        "en": "Amount|Line Total|Total|Ext. Price|Extended|Extended Price|Net Amount|Line Amount|Value|"
        "Extended Amount|Extension|Ext. Amount|Ext Amt|Ext. Total|Extended Total|Total Price",
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
    "remark": {
        "en": "Remarks|Remark|Comments|Comment|Notes|Note|Line Note",
        "de": "Bemerkung|Bemerkungen|Hinweis|Anmerkung|Info",
        "fr": "Remarque|Remarques|Observations|Commentaire",
        "es": "Observaciones|Comentario|Comentarios",
        "it": "Note|Osservazioni",
        "nl": "Opmerking|Opmerkingen",
        "sv": "Anmärkning|Kommentar",
    },
    "promised_date": {
        "en": "Delivery Date|Promised Date|Ship Date|Confirmed Date|Delivery|Promised|Est. Delivery|"
        "Promise Date|Promise|Prom. Date|Promised Ship Date|Sched. Date|Scheduled Date|Sched. Ship|"
        "Est. Ship Date|Est. Ship|Confirmed Delivery|Conf. Date|Exp. Ship Date|Expected Date|Ship By|"
        "Avail. Date|Due Date",
        "de": "Liefertermin|Lieferdatum|Liefertermin bestätigt|Termin|Lieferung|Liefertermin bestätigt|"
        "Bestätigter Liefertermin|Versanddatum|Lieferwoche",
        "fr": "Date de livraison|Livraison|Date livraison|Date prévue|Date de livraison prévue|Délai",
        "es": "Fecha de entrega|Fecha entrega|Entrega",
        "it": "Data consegna|Consegna|Data di consegna",
        "nl": "Leverdatum|Leveringsdatum|Levering|Verwachte leverdatum",
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


def _words_box(words: list[Word]) -> Box:
    return (
        min(w.x0 for w in words),
        min(w.top for w in words),
        max(w.x1 for w in words),
        max(w.bottom for w in words),
    )


def _segments(line: Line) -> list[tuple[str | None, list[Word]]]:
    """A header line cut into column names (greedy, longest first, never
    across a column gap: "Qty Unit | Price" is not "Unit Price") and the
    words that name no column (kind None)."""
    segments: list[tuple[str | None, list[Word]]] = []
    for phrase in line.phrases:
        words = phrase.words
        index = 0
        while index < len(words):
            rest = words[index : index + 6]
            for kind, label in _COLUMNS_BY_FIRST_TOKEN.get(first_token(rest) or "", ()):
                covered = match_prefix(rest, label)
                if covered:
                    segments.append((kind, words[index : index + covered]))
                    index += covered
                    break
            else:
                segments.append((None, [words[index]]))
                index += 1
    return segments


def _match_columns(line: Line) -> tuple[list[Column], int]:
    """The columns a header line names, and how many words named none."""
    segments = _segments(line)
    columns = [Column(kind, _words_box(words)) for kind, words in segments if kind is not None]
    return columns, sum(1 for kind, _ in segments if kind is None)


def _kind_of(words: list[Word]) -> str | None:
    """The column that all of `words` name together ("Unit" over "Price")."""
    for kind, label in _COLUMNS_BY_FIRST_TOKEN.get(first_token(words) or "", ()):
        if match_prefix(words, label) == len(words):
            return kind
    return None


def _stacked_header(upper: Line, lower: Line) -> tuple[list[Column], int] | None:
    """Column headings printed on two rows: a group name over several columns
    ("Qty" over "Ordered  Shipped  B/O") or a name broken over two lines
    ("Unit" over "Price", "Extended" over "Amount"). Each lower name is read
    with the upper words above it when together they name a column, else
    alone; upper names with nothing under them stand as they are."""
    if lower.top - upper.bottom > 0.9 * upper.size or any(c.isdigit() for c in lower.text):
        return None
    low = _segments(lower)
    if sum(1 for kind, _ in low if kind is not None) < max(1, sum(1 for kind, _ in low if kind is None)):
        return None
    up = _segments(upper)
    up_boxes = [_words_box(words) for _, words in up]
    used: set[int] = set()
    columns: list[Column] = []
    unmatched = 0
    for kind, words in low:
        box = _words_box(words)
        overlaps = [(min(b[2], box[2]) - max(b[0], box[0]), i) for i, b in enumerate(up_boxes)]
        width, above = max(overlaps, default=(0.0, -1))
        if width > 0:
            used.add(above)
            upper_kind, upper_words = up[above]
            group = (
                sum(
                    1
                    for _, w in low
                    if min(up_boxes[above][2], _words_box(w)[2]) > max(up_boxes[above][0], _words_box(w)[0])
                )
                > 1
            )
            kind = _kind_of(upper_words + words) or kind or (None if group else upper_kind)
            if not group:
                box = _words_box(upper_words + words)
        if kind is None:
            unmatched += 1
        else:
            columns.append(Column(kind, box))
    for index, (kind, _words) in enumerate(up):
        if index in used:
            continue
        if kind is None:
            unmatched += 1
        else:
            columns.append(Column(kind, up_boxes[index]))
    return sorted(columns, key=lambda c: c.box[0]), unmatched


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


def _resolve_items(kinds: list[str]) -> list[str]:
    """Two item columns and no line column ("Item | Catalog No.", "Item |
    Part #"): US distributors number their lines under "Item" and print the
    part under the second. The first is read as "item_or_line" and settled
    by what its cells hold (`_settle_item_or_line`)."""
    if kinds.count("item") >= 2 and "line" not in kinds and "po_line" not in kinds:
        first = kinds.index("item")
        return kinds[:first] + ["item_or_line"] + kinds[first + 1 :]
    return kinds


def _dedupe(columns: list[Column]) -> list[Column]:
    columns = sorted(columns, key=lambda c: c.box[0])
    kinds = _resolve_items([c.kind for c in columns])
    seen: set[str] = set()
    kept = []
    for column, kind in zip(columns, kinds, strict=False):
        if kind not in seen:
            seen.add(kind)
            kept.append(Column(kind, column.box))
    return kept


def _header_at(lines: list[Line], index: int, acknowledgment: bool) -> tuple[list[Column], int] | None:
    """The columns of a table header at line `index`, on that line or on it
    and the next (two-row headings); returns them and the header's last line."""
    line = lines[index]
    columns, unmatched = _match_columns(line)
    single = _is_header([c.kind for c in columns], unmatched, acknowledgment)
    if (
        index + 1 < len(lines)
        and (columns or len(line.words) <= 8)
        and not any(c.isdigit() for c in line.text)
    ):
        stacked = _stacked_header(line, lines[index + 1])
        if stacked is not None:
            merged, merged_unmatched = stacked
            kinds = [c.kind for c in merged]
            if _is_header(kinds, merged_unmatched, acknowledgment) and (
                not single or len(set(kinds)) > len({c.kind for c in columns})
            ):
                return _dedupe(merged), index + 1
    return (_dedupe(columns), index) if single else None


# --- rows from text columns --------------------------------------------------------


# Columns whose content is left-aligned text: a cell starts where its header starts.
_TEXT_KINDS = frozenset({"line", "po_line", "item", "item_or_line", "description", "uom", "status", "remark"})
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
        has_line = any(_int(row.text(k)) is not None for k in ("po_line", "line", "item_or_line"))
        has_data = (
            parse_status(row.text("status") or "", line=True) is not None
            or parse_status(row.text("remark") or "", line=True) is not None
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
        if acknowledgment and _is_remark(line, row, rows[-1], reading):
            rows[-1].cells["remark"] = (line.text, line.box)
            rows[-1].box = _union_box(rows[-1].box, line.box)
            continue
        if set(row.cells) <= {"description", "item"} and line.top - rows[-1].box[3] < 2.2 * line.size:
            _continue_description(rows[-1], row)
            continue
        if line.top - rows[-1].box[3] > 4 * line.size:
            # A gap: the table stops here. Near the foot of the page that is
            # only the page footer, and the table may go on overleaf.
            return rows, line.top < page.height * 0.85
    return rows, False


def _union_box(a: Box, b: Box) -> Box:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


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


def _continue_description(row: RawRow, more: RawRow) -> None:
    row.box = _union_box(row.box, more.box)
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
    """The header row of a ruled table (one of its first three rows, or two
    rows together: "Qty" spanning "Ordered | Shipped | B/O") → (its last row,
    cell index → kind)."""
    for index, row in enumerate(table.rows[:3]):
        kinds = {i: _cell_kind(cell.text) for i, cell in enumerate(row) if cell is not None and cell.text}
        found = _ruled_kinds(kinds, acknowledgment)
        if index + 1 < len(table.rows) and not any(c.isdigit() for cell in row if cell for c in cell.text):
            stacked = _ruled_kinds(_stacked_cells(row, table.rows[index + 1]), acknowledgment)
            if stacked is not None and (found is None or len(stacked) > len(found)):
                return index + 1, stacked
        if found is not None:
            return index, found
    return None


def _ruled_kinds(kinds: dict[int, str | None], acknowledgment: bool) -> dict[int, str] | None:
    named = {i: k for i, k in kinds.items() if k is not None}
    unmatched = len(kinds) - len(named)
    if not _is_header(list(named.values()), unmatched, acknowledgment):
        return None
    order = sorted(named)
    resolved = dict(zip(order, _resolve_items([named[i] for i in order]), strict=False))
    seen: set[str] = set()
    unique = {}
    for i in order:
        if resolved[i] not in seen:
            seen.add(resolved[i])
            unique[i] = resolved[i]
    return unique


def _stacked_cells(upper: list[Cell | None], lower: list[Cell | None]) -> dict[int, str | None]:
    """Cell kinds of a two-row ruled header: a lower cell under a spanning
    upper cell reads with it ("Qty" + "Shipped"), else alone."""
    if any(c.isdigit() for cell in lower if cell for c in cell.text):
        return {}
    kinds: dict[int, str | None] = {}
    above = ""
    for i, cell in enumerate(lower):
        upper_cell = upper[i] if i < len(upper) else None
        if upper_cell is not None:
            above = upper_cell.text
        if cell is None or not cell.text:
            if above and upper_cell is not None:
                kinds[i] = _cell_kind(above)
            continue
        kinds[i] = _cell_kind(f"{above} {cell.text}".strip()) or _cell_kind(cell.text)
    return kinds


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
            header_cells = [(i, table.rows[index][i]) for i in sorted(kinds)]
            layout.bands = _bands(
                [Column(kinds[i], cell.box) for i, cell in header_cells if cell is not None]
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
        text_header = _header_at(page.lines, index, acknowledgment)
        if text_header is None:
            continue
        columns, last = text_header
        bands = _bands(columns)
        rows, ended = _text_rows(page, last + 1, bands, reading, acknowledgment)
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
    notes: list[str] = []
    if not raw_rows and not acknowledgment:
        raw_rows, regions = _receipt_rows(pages, reading)
        if raw_rows:
            sources.append("receipt")
            notes.append(
                "no table header: the lines were read from receipt-style item lines "
                "('2 x ITEM  price  amount')"
            )
    _settle_item_or_line(raw_rows)
    _item_column_numbers_lines(raw_rows)
    remarks = any("remark" in r.cells for r in raw_rows) and not any("status" in r.cells for r in raw_rows)
    items = _number_lines([_parse_row(row, reading, acknowledgment, remarks) for row in raw_rows])
    if items and notes:
        items[0].warnings.extend(notes)
    return LineTable(items, regions, sources[0] if sources else "none")


def _settle_item_or_line(rows: list[RawRow]) -> None:
    """The first of two item columns holds line numbers when every row has
    one there; else it is the part (and the second column is not read)."""
    if not any("item_or_line" in r.cells for r in rows):
        return
    numbered = all(_int(r.text("item_or_line")) is not None for r in rows)
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
        _int(r.text("item")) if re.fullmatch(r"\s*\d{1,4}\s*", r.text("item") or "") else None for r in rows
    ]
    if any(n is None for n in numbers):
        return
    ints = [n for n in numbers if n is not None]
    steps_of_ten = all(n % 10 == 0 for n in ints)
    if all(b > a for a, b in pairwise(ints)) and (max(ints) <= 999 or steps_of_ten):
        for row in rows:
            row.cells["line"] = row.cells.pop("item")


# --- receipts: item lines without a table header ------------------------------------------

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


def _receipt_rows(pages: list[Page], reading: Reading) -> tuple[list[RawRow], list[tuple[int, float, float]]]:
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
                current = _receipt_row(page.number, line, kind[1], lines[index - 1])
            elif current is not None and _continues(current, line, reading):
                old = current.text("description")
                current.cells["description"] = ((f"{old} {line.text}" if old else line.text), line.box)
                current.box = _union_box(current.box, line.box)
                continue
            else:
                if current is not None:
                    regions.append(
                        (page.number, first if first is not None else current.box[1], current.box[3])
                    )
                    current, first = None, None
                if _is_totals_line(line) and rows:
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
    """The item's own line over its "2 x 11.90  23.80": text, right above."""
    return (
        line.top - above.bottom < 1.2 * line.size
        and not _RULE.match(above.text)
        and not any(parse_amount(p.text, reading.decimal) is not None for p in above.phrases)
        and label_at(above.phrases[0]) is None
    )


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
    return (
        line.top - row.box[3] < 1.2 * line.size
        and not _RULE.match(line.text)
        and not any(parse_amount(p.text, reading.decimal) is not None for p in line.phrases)
        and label_at(line.phrases[0]) is None
    )


def _receipt_row(page: int, line: Line, match: re.Match[str], item_line: Line | None = None) -> RawRow:
    box = line.box if item_line is None else _union_box(item_line.box, line.box)
    what = (match.group("what") if item_line is None else item_line.text).split()
    cells: dict[str, tuple[str, Box]] = {
        "qty": (match.group("qty"), box),
        "unit_price": (match.group("price"), box),
        "amount": (match.group("amount"), box),
    }
    if what and _CODE.match(what[0]):
        cells["item"] = (what[0], box)
        what = what[1:]
    if what:
        cells["description"] = (" ".join(what), box)
    return RawRow(page, cells, box)


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


def _parse_row(row: RawRow, reading: Reading, acknowledgment: bool, remarks: bool = False) -> LineItem:
    values: dict[str, Any] = {}
    confidence: dict[str, float] = {}
    boxes: dict[str, tuple[int, Box]] = {}
    warnings: list[str] = []

    def put(name: str, value: Any, quality: float, kind: str) -> None:
        values[name] = value
        confidence[name] = round(_BASE * quality, 3)
        boxes[name] = (row.page, row.cells[kind][1] if kind in row.cells else row.box)

    _line_number(row, put)

    qty = _amount(row.text("qty"), reading)
    price = _amount(row.text("unit_price"), reading)
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
    status = parse_status(row.text("status") or "", line=True)
    if status is not None:
        put("status", status, 1.0, "status")
        return status
    status = parse_status(row.text("remark") or "", line=True)
    if status is not None:
        put("status", status, 0.97, "remark")
        return status
    if remarks:
        put("status", "accepted", 0.94, "qty" if "qty" in row.cells else "line")
        return "accepted"
    ordered = _amount(row.text("qty_ordered"), reading)
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
    ordered = _amount(row.text("qty_ordered"), reading)
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


def _number_lines(items: list[LineItem]) -> list[LineItem]:
    """Rows without a readable line number get their position, at low confidence."""
    for position, item in enumerate(items, start=1):
        if "line_no" not in item.values:
            item.values["line_no"] = position
            item.confidence["line_no"] = 0.6
            item.warnings.append(f"line {position}: no line number printed; numbered by position")
    return items
