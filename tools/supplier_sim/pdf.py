"""Invoices, credit notes and order acknowledgments as suppliers print them to PDF.

Renders poflow's own `Invoice` / `Acknowledgment` models with fpdf2 in clearly
different layouts and in seven languages with their own number and date
styles, so that the PDF extractor (which has no vendor templates) is tested on
the variety it meets in real mail:

- `classic`: header labels left of their values in a block, a line table
  ruled cell by cell, totals in a ruled label/value box;
- `stacked`: small labels above values in a row, text columns without lines;
- `grid`: addresses left and a ruled key/value table right, fpdf2's table
  with a full grid whose headings repeat on every page;
- `plain`: a line printer's monospace, inline "Label: value", columns by spaces;
- `two-column`: label/value/label/value rows, horizontal rules only;
- `footer`: "Pos" and "PO line" columns, wrapped descriptions, totals as
  labels above values at the foot of the last page;
- `modern`: a grid of labels over values, zebra-striped rows, the PO line in
  the description, totals in a shaded box.

and, in `EXTRA_LAYOUTS`, real-world patterns the seven do not carry:

- `us-distributor-2row`: "Qty" over Ordered/Shipped/B/O, "Unit" over "Price",
  the line number under "Item" and the part under "Catalog No.", a ruled grid
  of order facts ("Cust. P.O. No.", "2% 10 NET 30"), "Credit Date";
- `thermal`: an 80 mm till slip, "2 x MRO-GLOVE  11.90  23.80", "TICKET",
  "CUST PO:", no currency printed;
- `din-subject-line`: a business letter in de/fr/nl/sv/es/it/en-GB — place
  and date, "Betreff: Ihre Bestellung …", the tax on its printed base, "Zu
  zahlender Betrag", totals in side-by-side boxes, "Zahlbar sofort";
- `remarks-ack`: an acknowledgment with ordered and confirmed quantities,
  remark lines under changed items and a remarks block.

`render_pdf(doc, layout=..., language=...)` renders one document (or several
into one file); `sample_set()` is the ground truth for tests and the
extraction benchmark: deterministic, seeded choices of vendors, items, prices,
languages and layouts, plus adversarial-but-valid files (long multi-page
tables, totals alone on the next page, an invoice whose arithmetic is wrong,
two invoices in one file) and the hand-written files in `tests/samples/pdf/`.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from models.acknowledgments import AckLineStatus, Acknowledgment, AcknowledgmentLine, AckStatus
from models.common import CURRENCY_MINOR_UNITS, round_money
from models.documents import Invoice, InvoiceKind, InvoiceLine
from models.purchase_order import PaymentTerms
from tools.supplier_sim import labels
from tools.supplier_sim.amounts import stated_total
from tools.supplier_sim.samples import Sample

__all__ = ["EXTRA_LAYOUTS", "LANGUAGES", "LAYOUTS", "render_pdf", "sample_set"]

LAYOUTS = ("classic", "stacked", "grid", "plain", "two-column", "footer", "modern")
LANGUAGES = ("en", "en-GB", "de", "de-CH", "fr", "es", "it", "nl", "sv")
HAND_WRITTEN = Path(__file__).resolve().parents[2] / "tests" / "samples" / "pdf"
_FIXED_TIME = datetime(2026, 1, 1, tzinfo=UTC)  # PDF metadata: same models, same bytes


# --- suppliers -----------------------------------------------------------------


@dataclass(frozen=True)
class VendorCard:
    name: str
    address: tuple[str, ...]
    tax_id: str
    bank: str


VENDORS: dict[str, VendorCard] = {
    "ACME": VendorCard(
        "Acme Industrial Supply",
        ("1200 Foundry Road", "Cleveland, OH 44114", "USA"),
        "EIN 34-1234567",
        "Bank: First Lake Bank, ABA 041000124, Acct 0099887766",
    ),
    "NORDIC": VendorCard(
        "Nordic Fasteners AB",
        ("Verkstadsgatan 14", "417 05 Göteborg", "Sweden"),
        "SE556677889901",
        "IBAN SE45 5000 0000 0583 9825 7466, BIC ESSESESS",
    ),
    "LABWORKS": VendorCard(
        "LabWorks Scientific",
        ("88 Research Park Drive", "Cambridge, MA 02139", "USA"),
        "EIN 04-7654321",
        "Bank: Harbor Trust, ABA 011000028, Acct 5566778899",
    ),
    "CLOUDOPS": VendorCard(
        "CloudOps Services",
        ("Keizersgracht 221", "1016 DV Amsterdam", "Netherlands"),
        "NL859012345B01",
        "IBAN NL91 ABNA 0417 1643 00, BIC ABNANL2A",
    ),
    "SLOWPOKE": VendorCard(
        "Slowpoke Logistics",
        ("45 Depot Lane", "Reno, NV 89502", "USA"),
        "EIN 88-1122334",
        "Bank: Sierra Bank, ABA 121000358, Acct 3344556677",
    ),
}
BUYER = ("Poflow Demo Manufacturing Inc.", "Accounts Payable", "100 Harbor Way", "Boston, MA 02110")


# --- languages: words, numbers, dates --------------------------------------------

# The wording is data (labels/pdf.json, labels/months.json); the layouts below are code.
_LABELS = labels.load("pdf")
_MONTHS: dict[str, list[str]] = labels.load("months")

# Per language, per label: the variants a supplier might print (one is picked per document).
_WORDS: dict[str, dict[str, Sequence[str]]] = _LABELS["words"]


@dataclass(frozen=True)
class Locale:
    """How a language prints numbers and dates (and which words it uses)."""

    code: str
    words_of: str
    decimal: str
    group: str
    numeric_date: Callable[[date], str]
    long_date: Callable[[date], str]
    symbol_first: bool  # "$1,234.56" / "€ 1.234,56" rather than "1.234,56 €"
    page_format: str = "A4"


def _month(language: str, d: date, short: bool = False) -> str:
    name = _MONTHS[language][d.month - 1]
    return name[:3] if short else name


_LOCALES: dict[str, Locale] = {
    "en": Locale(
        "en",
        "en",
        ".",
        ",",
        lambda d: d.strftime("%m/%d/%Y"),
        lambda d: f"{_month('en', d, True)} {d.day}, {d.year}",
        True,
        "Letter",
    ),
    "en-GB": Locale(
        "en-GB",
        "en",
        ".",
        ",",
        lambda d: d.strftime("%d/%m/%Y"),
        lambda d: f"{d.day} {_month('en', d)} {d.year}",
        True,
    ),
    "de": Locale(
        "de",
        "de",
        ",",
        ".",
        lambda d: d.strftime("%d.%m.%Y"),
        lambda d: f"{d.day}. {_month('de', d)} {d.year}",
        False,
    ),
    "de-CH": Locale(
        "de-CH",
        "de",
        ".",
        "'",
        lambda d: d.strftime("%d.%m.%Y"),
        lambda d: f"{d.day}. {_month('de', d)} {d.year}",
        True,
    ),
    "fr": Locale(
        "fr",
        "fr",
        ",",
        "\u00a0",
        lambda d: d.strftime("%d/%m/%Y"),
        lambda d: f"{d.day} {_month('fr', d)} {d.year}",
        False,
    ),
    "es": Locale(
        "es",
        "es",
        ",",
        ".",
        lambda d: d.strftime("%d/%m/%Y"),
        lambda d: f"{d.day} de {_month('es', d)} de {d.year}",
        False,
    ),
    "it": Locale(
        "it",
        "it",
        ",",
        ".",
        lambda d: d.strftime("%d/%m/%Y"),
        lambda d: f"{d.day} {_month('it', d)} {d.year}",
        False,
    ),
    "nl": Locale(
        "nl",
        "nl",
        ",",
        ".",
        lambda d: d.strftime("%d-%m-%Y"),
        lambda d: f"{d.day} {_month('nl', d)} {d.year}",
        True,
    ),
    "sv": Locale(
        "sv", "sv", ",", " ", lambda d: d.isoformat(), lambda d: f"{d.day} {_month('sv', d)} {d.year}", False
    ),
}
_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}


def format_number(value: Decimal, locale: Locale, places: int | None = None) -> str:
    """`1234.5` → `1,234.50` / `1.234,50` / `1 234,50` / `1'234.50` (places
    None: as many as the value has)."""
    if places is not None:
        value = value.quantize(Decimal(1).scaleb(-places))
    sign = "-" if value < 0 else ""
    text = f"{abs(value):f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    body = locale.group.join(groups)
    return sign + body + (locale.decimal + fraction if fraction else "")


def format_money(value: Decimal, currency: str, locale: Locale, *, mark: bool = True) -> str:
    text = format_number(value, locale, CURRENCY_MINOR_UNITS.get(currency, 2))
    if not mark:
        return text
    if currency == "SEK" and locale.code == "sv":
        return f"{text} kr"
    symbol = _SYMBOLS.get(currency)
    if symbol and locale.symbol_first:
        return f"{symbol}{text}" if symbol == "$" else f"{symbol} {text}"
    if symbol:
        return f"{text} {symbol}"
    return f"{currency} {text}" if locale.symbol_first else f"{text} {currency}"


def format_quantity(value: Decimal, locale: Locale) -> str:
    return format_number(value.normalize() if value == value.to_integral() else value, locale)


def price_places(price: Decimal) -> int:
    """Places a unit price prints with: the places it is kept with (0.1840), at least two."""
    exponent = price.as_tuple().exponent
    if not isinstance(exponent, int):  # 'n', 'N' or 'F': NaN or infinity, never a model's price
        raise ValueError(f"not a finite price: {price}")
    return max(2, -exponent)


# --- what goes on the page -------------------------------------------------------


@dataclass
class Column:
    key: str
    title: str
    width: float  # points; 0 = take what is left
    align: str  # "L" or "R"


@dataclass
class Sheet:
    """A document reduced to printable strings, ready for any layout."""

    locale: Locale
    title: str
    vendor: VendorCard
    fields: list[tuple[str, str]]
    columns: list[Column]
    rows: list[dict[str, str]]
    totals: list[tuple[str, str]]
    notes: list[str]
    page_label: str
    continued: str
    number: str
    rng: random.Random
    font: str = "Helvetica"
    size: float = 9.0


def _pick(rng: random.Random, words: dict[str, Sequence[str]], key: str) -> str:
    return rng.choice(list(words[key]))


def _status_text(words: dict[str, Sequence[str]], status: str, rng: random.Random) -> str:
    return _pick(rng, words, status)


def _terms_text(
    terms: PaymentTerms, words: dict[str, Sequence[str]], rng: random.Random, locale: Locale
) -> str:
    if terms.discount_days is not None and terms.discount_percent is not None:
        percent = format_number(terms.discount_percent.normalize(), locale)
        return _pick(rng, words, "discount").format(p=percent, d=terms.discount_days, n=terms.net_days)
    return _pick(rng, words, "net").format(n=terms.net_days)


def _rate_text(rate: Decimal, locale: Locale) -> str:
    return format_number(rate.normalize() if rate == rate.to_integral() else rate, locale)


def _invoice_sheet(doc: Invoice, locale: Locale, rng: random.Random, opts: Options) -> Sheet:
    words = _WORDS[locale.words_of]
    credit = doc.kind == InvoiceKind.CREDIT_MEMO
    date_text = (
        locale.long_date(doc.invoice_date) if opts.long_dates else locale.numeric_date(doc.invoice_date)
    )
    fields = [
        (_pick(rng, words, "credit_no" if credit else "invoice_no"), doc.invoice_number),
        (_pick(rng, words, "credit_date" if credit else "date"), date_text),
        (_pick(rng, words, "po"), doc.po_number),
    ]
    if opts.vendor_number:
        fields.append((_pick(rng, words, "vendor_no"), doc.vendor_id))
    fields.append((_pick(rng, words, "customer_no"), "C-20417"))
    if credit and doc.original_invoice_number:
        fields.append((_pick(rng, words, "original"), doc.original_invoice_number))
    if doc.payment_terms is not None:
        due = doc.invoice_date.toordinal() + doc.payment_terms.net_days
        due_date = date.fromordinal(due)
        fields.append(
            (
                _pick(rng, words, "due"),
                locale.long_date(due_date) if opts.long_dates else locale.numeric_date(due_date),
            )
        )
    if opts.currency_label:
        fields.append((_pick(rng, words, "currency"), doc.currency))
    columns, rows = _invoice_rows(doc, locale, words, rng, opts)
    totals = _invoice_totals(doc, locale, words, rng, opts)
    notes = []
    if doc.payment_terms is not None:
        notes.append(f"{_pick(rng, words, 'terms')}: {_terms_text(doc.payment_terms, words, rng, locale)}")
    notes.append(_pick(rng, words, "thanks"))
    return Sheet(
        locale,
        _pick(rng, words, "credit" if credit else "invoice"),
        _vendor_card(doc.vendor_id),
        fields,
        columns,
        rows,
        totals,
        notes,
        words["page"][0],
        words["continued"][0],
        doc.invoice_number,
        rng,
    )


def _vendor_card(vendor_id: str) -> VendorCard:
    return VENDORS.get(vendor_id) or VendorCard(vendor_id.title(), ("1 Main Street", "Springfield"), "", "")


def _invoice_rows(
    doc: Invoice, locale: Locale, words: dict[str, Sequence[str]], rng: random.Random, opts: Options
) -> tuple[list[Column], list[dict[str, str]]]:
    columns: list[Column] = []
    if opts.line_ref == "column":
        columns.append(Column("line", _pick(rng, words, "line"), 32, "L"))
    elif opts.line_ref == "pos+po":
        columns += [
            Column("pos", _pick(rng, words, "pos"), 28, "L"),
            Column("po_line", words["po_line"][0], 48, "L"),
        ]
    has_item = any(line.item_id for line in doc.lines)
    if has_item:
        columns.append(Column("item", _pick(rng, words, "item"), 112, "L"))
    columns.append(Column("desc", _pick(rng, words, "desc"), 0, "L"))
    has_uom = any(line.uom for line in doc.lines)
    columns.append(Column("qty", _pick(rng, words, "qty"), 48 if not opts.uom_in_qty else 62, "R"))
    if has_uom and not opts.uom_in_qty:
        columns.append(Column("uom", _pick(rng, words, "uom"), 38, "L"))
    columns += [
        Column("price", _pick(rng, words, "price"), 68, "R"),
        Column("amount", _pick(rng, words, "amount"), 76, "R"),
    ]
    rows = []
    for position, line in enumerate(doc.lines, start=1):
        description = line.description or ""
        if opts.line_ref == "description":
            description = f"{description} ({_pick(rng, words, 'po_line_ref').format(n=line.line_no)})".strip()
        qty = format_quantity(line.quantity, locale)
        if opts.uom_in_qty and line.uom:
            qty = f"{qty} {line.uom}"
        rows.append(
            {
                "line": str(line.line_no),
                "pos": str(position),
                "po_line": str(line.line_no),
                "item": line.item_id or "",
                "desc": description,
                "qty": qty,
                "uom": line.uom or "",
                "price": format_number(line.unit_price, locale, price_places(line.unit_price)),
                "amount": format_money(doc.line_amount(line), doc.currency, locale, mark=False),
            }
        )
    return columns, rows


def _invoice_totals(
    doc: Invoice, locale: Locale, words: dict[str, Sequence[str]], rng: random.Random, opts: Options
) -> list[tuple[str, str]]:
    def money(value: Decimal) -> str:
        return format_money(value, doc.currency, locale, mark=not opts.currency_label)

    totals = [(_pick(rng, words, "subtotal"), money(doc.lines_total))]
    if doc.tax:
        rate = (doc.tax / doc.lines_total * 100).quantize(Decimal("0.1")) if doc.lines_total else Decimal(0)
        totals.append((_pick(rng, words, "tax").format(rate=_rate_text(rate, locale)), money(doc.tax)))
    if doc.freight:
        totals.append((_pick(rng, words, "freight"), money(doc.freight)))
    totals.append((_pick(rng, words, "total"), money(doc.total)))
    return totals


def _ack_sheet(doc: Acknowledgment, locale: Locale, rng: random.Random, opts: Options) -> Sheet:
    words = _WORDS[locale.words_of]
    when = doc.acknowledged_at.date()
    fields = [
        (_pick(rng, words, "ack_no"), doc.ack_id),
        (
            _pick(rng, words, "ack_date"),
            locale.long_date(when) if opts.long_dates else locale.numeric_date(when),
        ),
        (_pick(rng, words, "po"), doc.po_number),
    ]
    if opts.vendor_number:
        fields.append((_pick(rng, words, "vendor_no"), doc.vendor_id))
    fields.append((words["status"][0], _status_text(words, doc.status.value, rng)))
    columns = [
        Column("line", _pick(rng, words, "line"), 34, "L"),
        Column("desc", words["ordered_desc"][0], 0, "L"),
        Column("status", words["line_status"][0], 92, "L"),
        Column("qty", _pick(rng, words, "qty"), 50, "R"),
        Column("price", _pick(rng, words, "price"), 66, "R"),
        Column("date", words["promised"][0], 86, "R"),
    ]
    rows = []
    for line in doc.lines:
        rows.append(
            {
                "line": str(line.line_no),
                "desc": opts.descriptions.get(line.line_no, ""),
                "status": _status_text(words, "l_" + line.status.value, rng),
                "qty": format_quantity(line.quantity, locale) if line.quantity is not None else "",
                "price": format_number(line.unit_price, locale, price_places(line.unit_price))
                if line.unit_price is not None
                else "",
                "date": (
                    locale.long_date(line.promised_date)
                    if opts.long_dates
                    else locale.numeric_date(line.promised_date)
                )
                if line.promised_date
                else "",
            }
        )
    notes = [f"{_pick(rng, words, 'note')}: {doc.message}"] if doc.message else []
    notes.append(_pick(rng, words, "thanks"))
    return Sheet(
        locale,
        _pick(rng, words, "ack"),
        _vendor_card(doc.vendor_id),
        fields,
        columns,
        rows,
        [],
        notes,
        words["page"][0],
        words["continued"][0],
        doc.ack_id,
        rng,
    )


# --- drawing helpers -----------------------------------------------------------------


class _Pdf(FPDF):
    """FPDF with cp1252 core fonts (€, accents) and fixed metadata."""

    def __init__(self, page_format: str | tuple[float, float]) -> None:
        super().__init__(orientation="P", unit="pt", format=page_format)
        self.core_fonts_encoding = "windows-1252"
        self.set_creation_date(_FIXED_TIME)
        self.set_creator("supplier ERP")
        self.set_auto_page_break(False)
        self.set_margins(40, 40, 40)
        self.c_margin = 2
        self.set_font("Helvetica", "", 9)

    def text_at(
        self,
        x: float,
        y: float,
        text: str,
        *,
        size: float | None = None,
        style: str = "",
        w: float = 0,
        align: str = "L",
        font: str | None = None,
    ) -> None:
        self.set_font(font or self.font_family, style, size or self.font_size_pt)
        self.set_xy(x, y)
        self.cell(
            w if w else self.get_string_width(text) + 2 * self.c_margin,
            (size or self.font_size_pt) * 1.25,
            text,
            align=align,
            new_x=XPos.RIGHT,
            new_y=YPos.TOP,
        )


def _widths(
    columns: list[Column], total: float, pdf: FPDF | None = None, rows: Sequence[dict[str, str]] = ()
) -> list[float]:
    """Fixed columns grow to fit their widest value (and bold header); the
    flexible ones (descriptions) share what is left and wrap."""

    def fitted(column: Column) -> float:
        if pdf is None or not column.width:
            return column.width
        texts = [row.get(column.key, "") for row in rows]
        widest = max([pdf.get_string_width(t) for t in texts] + [pdf.get_string_width(column.title) * 1.12])
        return max(column.width, widest + 2 * pdf.c_margin + 3)

    widths = [fitted(c) for c in columns]
    fixed = sum(w for w in widths if w)
    flexible = [c for c in columns if not c.width]
    rest = max(60.0, total - fixed) / max(1, len(flexible))
    return [w or rest for w in widths]


def _letterhead(
    pdf: _Pdf, sheet: Sheet, x: float, y: float, *, size: float = 14, align: str = "L", w: float = 0
) -> float:
    pdf.text_at(x, y, sheet.vendor.name, size=size, style="B", w=w, align=align)
    y += size * 1.4
    for line in sheet.vendor.address:
        pdf.text_at(x, y, line, size=sheet.size - 0.5, w=w, align=align)
        y += sheet.size * 1.25
    if sheet.vendor.tax_id:
        pdf.text_at(
            x,
            y,
            sheet.vendor.tax_id if sheet.vendor.tax_id.startswith("EIN") else f"VAT {sheet.vendor.tax_id}",
            size=sheet.size - 1,
            w=w,
            align=align,
        )
        y += sheet.size * 1.25
    return y


def _buyer(pdf: _Pdf, sheet: Sheet, x: float, y: float) -> float:
    words = _WORDS[sheet.locale.words_of]
    pdf.text_at(x, y, _pick(sheet.rng, words, "bill_to") + ":", size=sheet.size - 1, style="B")
    y += sheet.size * 1.3
    for line in BUYER:
        pdf.text_at(x, y, line, size=sheet.size)
        y += sheet.size * 1.25
    return y


def _footer(pdf: _Pdf, sheet: Sheet) -> None:
    y = pdf.h - 30
    pdf.set_draw_color(180, 180, 180)
    pdf.line(40, y - 4, pdf.w - 40, y - 4)
    pdf.text_at(40, y, f"{sheet.vendor.name} · {sheet.vendor.bank}", size=6.5)
    pdf.text_at(
        pdf.w - 140, y, sheet.page_label.format(n=pdf.page_no(), m="{nb}"), size=6.5, w=100, align="R"
    )
    pdf.set_draw_color(0, 0, 0)


def _continuation(pdf: _Pdf, sheet: Sheet) -> float:
    """Top of a follow-on page: who and what, as suppliers repeat it."""
    _footer(pdf, sheet)
    pdf.add_page()
    pdf.text_at(
        40,
        40,
        f"{sheet.vendor.name} · {sheet.title.title()} {sheet.number} ({sheet.continued})",
        size=sheet.size,
    )
    return 70.0


def _wrap(pdf: _Pdf, text: str, width: float) -> list[str]:
    if not text:
        return [""]
    lines = pdf.multi_cell(width, 10, text, dry_run=True, output="LINES", padding=0)
    if not isinstance(lines, list):  # output="LINES" returns the lines alone
        raise TypeError(f"fpdf2's multi_cell returned {type(lines).__name__}, not its lines")
    return lines or [""]


def _text_table(
    pdf: _Pdf,
    sheet: Sheet,
    y: float,
    *,
    ruled: str,
    repeat_header: bool,
    line_h: float,
    header_fill: tuple[int, int, int] | None = None,
    zebra: bool = False,
    bottom: float | None = None,
    x0: float = 40.0,
) -> float:
    """Rows with manual page breaks. `ruled`: 'grid' (every cell boxed),
    'rules' (horizontal rules only) or 'none'."""
    pdf.set_font(sheet.font, "", sheet.size)
    widths = _widths(sheet.columns, pdf.w - 2 * x0, pdf, sheet.rows)
    limit = bottom if bottom is not None else pdf.h - 60

    def header(y: float) -> float:
        x = x0
        pdf.set_font(sheet.font, "B", sheet.size)
        if header_fill:
            pdf.set_fill_color(*header_fill)
        for column, width in zip(sheet.columns, widths, strict=False):
            pdf.set_xy(x, y)
            pdf.cell(
                width,
                line_h + 4,
                column.title,
                border=1 if ruled == "grid" else 0,
                align=column.align,
                fill=header_fill is not None,
                new_x=XPos.RIGHT,
                new_y=YPos.TOP,
            )
            x += width
        if ruled == "rules":
            pdf.line(x0, y, x0 + sum(widths), y)
            pdf.line(x0, y + line_h + 4, x0 + sum(widths), y + line_h + 4)
        return y + line_h + 4 + (0 if ruled == "grid" else 3)

    y = header(y)
    pdf.set_font(sheet.font, "", sheet.size)
    for index, row in enumerate(sheet.rows):
        desc_width = (
            next(w for c, w in zip(sheet.columns, widths, strict=False) if c.key == "desc") - 2 * pdf.c_margin
        )
        pdf.set_font(sheet.font, "", sheet.size)
        desc_lines = _wrap(pdf, row.get("desc", ""), desc_width)
        height = line_h * len(desc_lines) + 2
        if y + height > limit:
            if ruled == "rules":
                pdf.line(x0, y, x0 + sum(widths), y)
            y = _continuation(pdf, sheet)
            if repeat_header:
                y = header(y)
            pdf.set_font(sheet.font, "", sheet.size)
        if zebra and index % 2 == 0:
            pdf.set_fill_color(238, 242, 248)
            pdf.rect(x0, y, sum(widths), height, style="F")
        x = x0
        for column, width in zip(sheet.columns, widths, strict=False):
            if ruled == "grid":
                pdf.rect(x, y, width, height)
            texts = desc_lines if column.key == "desc" else [row.get(column.key, "")]
            for offset, text in enumerate(texts):
                pdf.set_xy(x, y + 1 + offset * line_h)
                pdf.cell(width, line_h, text, align=column.align, new_x=XPos.RIGHT, new_y=YPos.TOP)
            x += width
        y += height
    if ruled == "rules":
        pdf.line(x0, y + 1, x0 + sum(widths), y + 1)
    return y + 8


def _pairs(
    pdf: _Pdf,
    sheet: Sheet,
    pairs: list[tuple[str, str]],
    x: float,
    y: float,
    label_w: float,
    value_w: float,
    *,
    bold_labels: bool = True,
    colon: bool = False,
    box: bool = False,
    value_align: str = "L",
    last_bold: bool = False,
) -> float:
    """Label left, value right, one pair per line."""
    step = sheet.size * 1.55
    for index, (label, value) in enumerate(pairs):
        strong = last_bold and index == len(pairs) - 1
        pdf.set_font(sheet.font, "B" if bold_labels or strong else "", sheet.size)
        pdf.set_xy(x, y)
        pdf.cell(
            label_w,
            step,
            label + (":" if colon else ""),
            border=1 if box else 0,
            new_x=XPos.RIGHT,
            new_y=YPos.TOP,
        )
        pdf.set_font(sheet.font, "B" if strong else "", sheet.size)
        pdf.cell(
            value_w, step, value, border=1 if box else 0, align=value_align, new_x=XPos.RIGHT, new_y=YPos.TOP
        )
        y += step
    return y


def _notes(pdf: _Pdf, sheet: Sheet, y: float) -> float:
    pdf.set_font(sheet.font, "", sheet.size - 0.5)
    for note in sheet.notes:
        if y > pdf.h - 70:
            y = _continuation(pdf, sheet)
        pdf.set_xy(40, y)
        pdf.multi_cell(pdf.w - 80, sheet.size * 1.3, note, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        y = pdf.get_y() + 2
    return y


def _ensure_room(pdf: _Pdf, sheet: Sheet, y: float, needed: float) -> float:
    if y + needed > pdf.h - 60:
        return _continuation(pdf, sheet)
    return y


# --- the layouts -----------------------------------------------------------------------


def _classic(pdf: _Pdf, sheet: Sheet, opts: Options) -> None:
    sheet.font, sheet.size = "Helvetica", 9
    pdf.set_font(sheet.font, "", sheet.size)
    _letterhead(pdf, sheet, 40, 40)
    pdf.text_at(pdf.w - 300, 36, sheet.title, size=22, style="B", w=260, align="R")
    y = _pairs(pdf, sheet, sheet.fields, pdf.w - 260, 80, 115, 105)
    y = max(_buyer(pdf, sheet, 40, 150), y) + 18
    y = _text_table(pdf, sheet, y, ruled="grid", repeat_header=True, line_h=11, header_fill=(225, 225, 225))
    if opts.totals_on_new_page:
        y = _continuation(pdf, sheet)
    if sheet.totals:
        y = _ensure_room(pdf, sheet, y, 20 * len(sheet.totals))
        y = _pairs(
            pdf, sheet, sheet.totals, pdf.w - 260, y + 4, 130, 90, box=True, value_align="R", last_bold=True
        )
    _notes(pdf, sheet, y + 14)
    _footer(pdf, sheet)


def _stacked(pdf: _Pdf, sheet: Sheet, opts: Options) -> None:
    sheet.font, sheet.size = "Helvetica", 9.5
    pdf.set_font(sheet.font, "", sheet.size)
    pdf.text_at(40, 40, sheet.title, size=24, style="B")
    _letterhead(pdf, sheet, pdf.w - 260, 40, size=12, align="R", w=220)
    y = 120.0
    per_row = 4
    width = (pdf.w - 80) / per_row
    for start in range(0, len(sheet.fields), per_row):
        for i, (label, value) in enumerate(sheet.fields[start : start + per_row]):
            pdf.set_text_color(110, 110, 110)
            pdf.text_at(40 + i * width, y, label.upper(), size=7)
            pdf.set_text_color(0, 0, 0)
            pdf.text_at(40 + i * width, y + 10, value, size=10.5, style="B")
        y += 34
    y = _buyer(pdf, sheet, 40, y + 6) + 16
    y = _text_table(pdf, sheet, y, ruled="none", repeat_header=opts.repeat_header, line_h=12)
    if opts.totals_on_new_page:
        y = _continuation(pdf, sheet)
    y = _ensure_room(pdf, sheet, y, 16 * len(sheet.totals))
    y = _pairs(
        pdf,
        sheet,
        sheet.totals,
        pdf.w - 250,
        y + 6,
        120,
        90,
        bold_labels=False,
        value_align="R",
        last_bold=True,
    )
    _notes(pdf, sheet, y + 14)
    _footer(pdf, sheet)


def _grid(pdf: _Pdf, sheet: Sheet, opts: Options) -> None:
    sheet.font, sheet.size = "Times", 10
    pdf.set_font(sheet.font, "", sheet.size)
    y_left = _letterhead(pdf, sheet, 40, 40, size=15)
    y_left = _buyer(pdf, sheet, 40, y_left + 16)
    pdf.text_at(pdf.w / 2 + 20, 40, sheet.title, size=18, style="B")
    pdf.set_font(sheet.font, "", sheet.size)
    pdf.set_xy(pdf.w / 2 + 20, 70)
    with pdf.table(
        col_widths=(120, 110),
        width=230,
        align="LEFT",
        text_align=("LEFT", "LEFT"),
        first_row_as_headings=False,
        line_height=14,
    ) as table:
        for label, value in sheet.fields:
            row = table.row()
            row.cell(label)
            row.cell(value)
    y = max(y_left, pdf.get_y()) + 20
    pdf.set_y(y)
    pdf.set_font(sheet.font, "", sheet.size - 0.5)
    widths = _widths(sheet.columns, pdf.w - 80, pdf, sheet.rows)
    pdf.set_auto_page_break(True, margin=60)  # fpdf2 breaks the table and repeats its headings
    with pdf.table(
        col_widths=widths,
        width=sum(widths),
        align="LEFT",
        v_align="TOP",
        line_height=12,
        text_align=tuple("RIGHT" if c.align == "R" else "LEFT" for c in sheet.columns),
        repeat_headings=1 if opts.repeat_header else 0,
    ) as table:
        heading = table.row()
        for column in sheet.columns:
            heading.cell(column.title)
        for data in sheet.rows:
            row = table.row()
            for column in sheet.columns:
                row.cell(data.get(column.key, ""))
    pdf.set_auto_page_break(False)
    y = pdf.get_y() + 16
    if opts.totals_on_new_page or y + 18 * len(sheet.totals) > pdf.h - 60:
        y = _continuation(pdf, sheet)
    if sheet.totals:
        pdf.set_xy(pdf.w - 260, y)
        pdf.set_font(sheet.font, "", sheet.size)
        with pdf.table(
            col_widths=(130, 90),
            width=220,
            align="RIGHT",
            text_align=("LEFT", "RIGHT"),
            first_row_as_headings=False,
            line_height=14,
        ) as table:
            for label, value in sheet.totals:
                row = table.row()
                row.cell(label)
                row.cell(value)
        y = pdf.get_y() + 12
    _notes(pdf, sheet, y)
    _footer(pdf, sheet)


def _plain(pdf: _Pdf, sheet: Sheet, opts: Options) -> None:
    """A line printer's invoice: Courier, inline labels, columns by spaces."""
    sheet.font, sheet.size = "Courier", 8.5
    pdf.set_font(sheet.font, "", sheet.size)
    char = 8.5 * 0.6
    pdf.set_font("Courier", "", sheet.size)
    y = 40.0
    pdf.text_at(40, y, sheet.vendor.name.upper(), size=11, style="B")
    y += 16
    for line in sheet.vendor.address:
        pdf.text_at(40, y, line, size=sheet.size)
        y += 11
    y += 10
    pdf.text_at(40, y, sheet.title.upper(), size=13, style="B")
    y += 22
    pairs = sheet.fields
    for start in range(0, len(pairs), 2):
        left = f"{pairs[start][0]}: {pairs[start][1]}"
        pdf.text_at(40, y, left, size=sheet.size)
        if start + 1 < len(pairs):
            pdf.text_at(40 + 48 * char, y, f"{pairs[start + 1][0]}: {pairs[start + 1][1]}", size=sheet.size)
        y += 11
    y += 8
    y = _buyer(pdf, sheet, 40, y) + 8
    rule = "-" * int((pdf.w - 80) / char)
    pdf.text_at(40, y, rule, size=sheet.size)
    y = _text_table(pdf, sheet, y + 9, ruled="none", repeat_header=True, line_h=10.5)
    pdf.text_at(40, y - 6, rule, size=sheet.size)
    if opts.totals_on_new_page:
        y = _continuation(pdf, sheet)
    y = _ensure_room(pdf, sheet, y, 12 * len(sheet.totals))
    for label, value in sheet.totals:
        pdf.text_at(pdf.w - 40 - 42 * char, y + 4, f"{label + ':':<24}{value:>18}", size=sheet.size)
        y += 11
    _notes(pdf, sheet, y + 14)
    _footer(pdf, sheet)


def _two_column(pdf: _Pdf, sheet: Sheet, opts: Options) -> None:
    sheet.font, sheet.size = "Helvetica", 8.5
    pdf.set_font(sheet.font, "", sheet.size)
    _letterhead(pdf, sheet, 40, 40, size=13)
    pdf.text_at(pdf.w - 300, 40, sheet.title, size=17, style="B", w=260, align="R")
    y = 130.0
    half = (pdf.w - 80) / 2
    for start in range(0, len(sheet.fields), 2):
        for i, (label, value) in enumerate(sheet.fields[start : start + 2]):
            pdf.text_at(40 + i * half, y, label, size=sheet.size, style="B")
            pdf.text_at(40 + i * half + 110, y, value, size=sheet.size)
        y += 13
    y = _buyer(pdf, sheet, 40, y + 10) + 14
    y = _text_table(pdf, sheet, y, ruled="rules", repeat_header=True, line_h=11)
    if opts.totals_on_new_page:
        y = _continuation(pdf, sheet)
    y = _ensure_room(pdf, sheet, y, 15 * len(sheet.totals))
    y = _pairs(pdf, sheet, sheet.totals, pdf.w - 240, y + 4, 120, 80, value_align="R", last_bold=True)
    _notes(pdf, sheet, y + 12)
    _footer(pdf, sheet)


def _footer_totals(pdf: _Pdf, sheet: Sheet, opts: Options) -> None:
    sheet.font, sheet.size = "Helvetica", 8.5
    pdf.set_font(sheet.font, "", sheet.size)
    _letterhead(pdf, sheet, 40, 40, size=13, align="C", w=pdf.w - 80)
    pdf.text_at(40, 120, sheet.title, size=16, style="B")
    y = _pairs(pdf, sheet, sheet.fields, 40, 146, 125, 150, bold_labels=False, colon=True)
    _buyer(pdf, sheet, pdf.w - 220, 146)
    band = pdf.h - 110
    y = _text_table(pdf, sheet, y + 16, ruled="rules", repeat_header=True, line_h=10.5, bottom=band - 10)
    y = _notes(pdf, sheet, y + 6)
    if opts.totals_on_new_page or y > band - 6:
        _continuation(pdf, sheet)
    if sheet.totals:
        width = (pdf.w - 80) / len(sheet.totals)
        pdf.set_draw_color(120, 120, 120)
        pdf.line(40, band - 4, pdf.w - 40, band - 4)
        for i, (label, value) in enumerate(sheet.totals):
            pdf.text_at(40 + i * width, band, label, size=7.5, w=width - 6, align="R")
            pdf.text_at(
                40 + i * width,
                band + 11,
                value,
                size=10,
                style="B" if i == len(sheet.totals) - 1 else "",
                w=width - 6,
                align="R",
            )
        pdf.set_draw_color(0, 0, 0)
    _footer(pdf, sheet)


def _modern(pdf: _Pdf, sheet: Sheet, opts: Options) -> None:
    sheet.font, sheet.size = "Helvetica", 9
    pdf.set_font(sheet.font, "", sheet.size)
    pdf.set_text_color(20, 60, 120)
    pdf.text_at(40, 40, sheet.title, size=26, style="B")
    pdf.set_text_color(0, 0, 0)
    _letterhead(pdf, sheet, pdf.w - 250, 40, size=11, align="R", w=210)
    y = 118.0
    per_row = 5  # as many fields across as fit their widest value
    while (
        per_row > 2
        and max(pdf.get_string_width(v) for _, v in sheet.fields) * 11 / pdf.font_size_pt
        > (pdf.w - 80) / per_row - 10
    ):
        per_row -= 1
    width = (pdf.w - 80) / per_row
    for start in range(0, len(sheet.fields), per_row):
        chunk = sheet.fields[start : start + per_row]
        pdf.set_fill_color(245, 245, 245)
        pdf.rect(40, y - 2, pdf.w - 80, 30, style="F")
        for i, (label, _) in enumerate(chunk):
            pdf.set_text_color(100, 100, 100)
            pdf.text_at(40 + i * width, y, label, size=7.5)
        pdf.set_text_color(0, 0, 0)
        for i, (_, value) in enumerate(chunk):
            pdf.text_at(40 + i * width, y + 12, value, size=11)
        y += 36
    y = _buyer(pdf, sheet, 40, y + 6) + 14
    y = _text_table(pdf, sheet, y, ruled="none", repeat_header=True, line_h=12, zebra=True)
    if opts.totals_on_new_page:
        y = _continuation(pdf, sheet)
    y = _ensure_room(pdf, sheet, y, 16 * len(sheet.totals) + 8)
    if sheet.totals:
        pdf.set_fill_color(230, 236, 246)
        pdf.rect(pdf.w - 250, y, 210, 15.5 * len(sheet.totals) + 6, style="F")
        y = _pairs(
            pdf,
            sheet,
            sheet.totals,
            pdf.w - 246,
            y + 3,
            110,
            92,
            bold_labels=False,
            value_align="R",
            last_bold=True,
        )
    _notes(pdf, sheet, y + 14)
    _footer(pdf, sheet)


_LAYOUT_FUNCTIONS: dict[str, Callable[[_Pdf, Sheet, Options], None]] = {
    "classic": _classic,
    "stacked": _stacked,
    "grid": _grid,
    "plain": _plain,
    "two-column": _two_column,
    "footer": _footer_totals,
    "modern": _modern,
}
# How each layout refers to PO lines (and whether it puts the unit into the quantity cell).
_LINE_REF = {
    "classic": "column",
    "stacked": "column",
    "grid": "column",
    "plain": "column",
    "two-column": "column",
    "footer": "pos+po",
    "modern": "description",
}


@dataclass
class Options:
    """Variations a caller may ask for; the defaults follow the layout."""

    line_ref: str = "column"  # "column", "pos+po", "description" or "none"
    uom_in_qty: bool = False
    long_dates: bool = False
    vendor_number: bool = True
    currency_label: bool = False
    repeat_header: bool = True
    totals_on_new_page: bool = False
    descriptions: dict[int, str] = field(default_factory=dict)  # acknowledgment: PO line → description
    # The real-world layouts (EXTRA_LAYOUTS):
    backorders: dict[int, Decimal] = field(default_factory=dict)  # us-distributor: PO line → quantity on B/O
    tax_rate: str = "8.25"  # thermal: the sales tax rate printed
    boxed_totals: bool = False  # din-subject-line: totals in side-by-side boxes, value under label
    po_in_subject: bool | None = None  # din-subject-line: the PO in the subject line (None: either)
    # remarks-ack: PO line → (item, description, ordered quantity, PO price, uom)
    po_lines: dict[int, tuple[str, str, Decimal, Decimal, str]] = field(default_factory=dict)


def render_pdf(
    doc: Invoice | Acknowledgment | Sequence[Invoice | Acknowledgment],
    *,
    layout: str,
    language: str,
    seed: int = 0,
    **options: Any,
) -> bytes:
    """The document(s) as one PDF, the way a supplier's system would print them.

    `seed` picks among each language's label variants; `options` are
    `Options` fields (`line_ref`, `long_dates`, `vendor_number`,
    `currency_label`, `repeat_header`, `totals_on_new_page`, `descriptions`,
    `uom_in_qty`; for EXTRA_LAYOUTS `backorders`, `tax_rate`, `boxed_totals`,
    `po_in_subject`, `po_lines`)."""
    if layout not in _LAYOUT_FUNCTIONS and layout not in EXTRA_LAYOUTS:
        raise ValueError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS + EXTRA_LAYOUTS)}")
    if language not in _LOCALES:
        raise ValueError(f"unknown language {language!r}; expected one of {', '.join(LANGUAGES)}")
    docs = [doc] if isinstance(doc, (Invoice, Acknowledgment)) else list(doc)
    if layout in EXTRA_LAYOUTS:
        if layout == "din-subject-line" and language not in _LETTER:
            raise ValueError(f"the din-subject-line layout speaks {', '.join(_LETTER)}")
        if layout == "remarks-ack" and _LOCALES[language].words_of not in _REMARKS_ACK:
            raise ValueError("the remarks-ack layout speaks English and German")
        return _render_real_world(docs, layout, language, seed, Options(**options))
    locale = _LOCALES[language]
    opts = Options(**{"line_ref": _LINE_REF[layout], "uom_in_qty": layout == "plain", **options})
    pdf = _Pdf(locale.page_format)
    for index, one in enumerate(docs):
        rng = random.Random(f"{seed}:{index}:{layout}:{language}")
        sheet = (
            _ack_sheet(one, locale, rng, opts)
            if isinstance(one, Acknowledgment)
            else _invoice_sheet(one, locale, rng, opts)
        )
        pdf.add_page()
        _LAYOUT_FUNCTIONS[layout](pdf, sheet, opts)
    return bytes(pdf.output())


# --- real-world layouts ------------------------------------------------------------------
#
# Layouts that real suppliers print and the seven above do not: a US
# distributor's invoice with two-row column headings, an 80 mm thermal receipt,
# a DIN 5008-style business letter with a subject line (in six languages), and
# an acknowledgment whose line changes are remark lines under the items. Each
# draws the document itself (they do not fit the `Sheet` mould).

EXTRA_LAYOUTS = ("us-distributor-2row", "thermal", "din-subject-line", "remarks-ack")


def _box_cell(pdf: _Pdf, x: float, y: float, w: float, h: float, text: str, **kwargs: Any) -> None:
    pdf.set_xy(x, y)
    pdf.cell(w, h, text, new_x=XPos.RIGHT, new_y=YPos.TOP, **kwargs)


def _us_date(d: date) -> str:
    return d.strftime("%m/%d/%Y")


def _us_terms(terms: PaymentTerms | None, rng: random.Random) -> str:
    if terms is None:
        return "PREPAID"
    if terms.discount_days is not None and terms.discount_percent is not None:
        p = format_number(terms.discount_percent.normalize(), _LOCALES["en"])
        return rng.choice(["{p}% {d} NET {n}", "{p}% {d}, Net {n}", "{p}/{d} net {n}"]).format(
            p=p, d=terms.discount_days, n=terms.net_days
        )
    if terms.net_days == 0:
        return rng.choice(["DUE ON RECEIPT", "Due upon receipt"])
    return rng.choice(["NET {n}", "Net {n} Days"]).format(n=terms.net_days)


def _us_distributor(pdf: _Pdf, doc: Invoice, rng: random.Random, opts: Options) -> None:
    """A US distributor's invoice: number box, a ruled grid of order facts
    (labels over values), an 'Item' column holding the line number, the part
    number under 'Catalog No.', two-row headings ('Qty' over
    Ordered/Shipped/B/O, 'Unit' over 'Price') and descriptions that wrap."""
    locale = _LOCALES["en"]
    credit = doc.kind == InvoiceKind.CREDIT_MEMO
    vendor = _vendor_card(doc.vendor_id)
    pdf.text_at(40, 34, vendor.name.upper(), size=14, style="B")
    y = 54.0
    for address_line in vendor.address:
        pdf.text_at(40, y, address_line, size=8)
        y += 10
    pdf.text_at(40, y, "Phone (216) 555-0142   Fax (216) 555-0143", size=7)
    title = "CREDIT MEMO" if credit else rng.choice(["INVOICE", "Invoice"])
    pdf.text_at(pdf.w - 240, 30, title, size=20, style="B", w=200, align="R")
    if credit:
        pairs = [
            (rng.choice(["Credit Memo No.", "Credit No."]), doc.invoice_number),
            (rng.choice(["Credit Date", "Credit Date:"]), _us_date(doc.invoice_date)),
        ]
        if doc.original_invoice_number:
            pairs.append((rng.choice(["Orig. Invoice", "Orig. Invoice #"]), doc.original_invoice_number))
    else:
        pairs = [
            (rng.choice(["Invoice No.", "Invoice #", "Invoice Number"]), doc.invoice_number),
            (rng.choice(["Invoice Date:", "Invoice Date", "Inv. Date"]), _us_date(doc.invoice_date)),
        ]
    pairs.append(("Page", "1 of 1"))
    pdf.set_font("Helvetica", "", 8)
    by = 62.0
    for label, value in pairs:
        pdf.set_font("Helvetica", "B", 8)
        _box_cell(pdf, pdf.w - 240, by, 90, 14, label, border=1)
        pdf.set_font("Helvetica", "", 8)
        _box_cell(pdf, pdf.w - 150, by, 110, 14, value, border=1)
        by += 14
    y = 140.0
    for left, heading in ((40, "SOLD TO:"), (300, "SHIP TO:")):
        pdf.text_at(left, y, heading, size=7.5, style="B")
        for offset, address_line in enumerate(
            BUYER if left == 40 else BUYER[:1] + ("Receiving Dock 4",) + BUYER[2:]
        ):
            pdf.text_at(left, y + 11 + offset * 10, address_line, size=8)
    # The order facts: a ruled row of labels over a row of values.
    facts = [(rng.choice(["Cust. P.O. No.", "Customer PO #", "Cust PO No."]), doc.po_number)]
    if opts.vendor_number:
        facts.append((rng.choice(["Vendor No.", "Vendor #"]), doc.vendor_id))
    facts += [
        ("Order Date", _us_date(date.fromordinal(doc.invoice_date.toordinal() - 9))),
        ("Ship Via", "UPS GROUND"),
        ("Terms", _us_terms(doc.payment_terms, rng)),
        ("Salesperson", "J. SMITH"),
    ]
    y = 205.0
    width = (pdf.w - 80) / len(facts)
    for i, (label, value) in enumerate(facts):
        pdf.set_font("Helvetica", "B", 7)
        pdf.set_fill_color(230, 230, 230)
        _box_cell(pdf, 40 + i * width, y, width, 12, label, border=1, align="C", fill=True)
        pdf.set_font("Helvetica", "", 8)
        _box_cell(pdf, 40 + i * width, y + 12, width, 14, value, border=1, align="C")
    y += 40
    # Two-row column headings.
    unit_price = rng.choice([("Unit", "Price"), ("", "Unit Price")])
    extended = rng.choice([("", "Extended"), ("Extended", "Price"), ("Extended", "Amount")])
    group = rng.choice(["Qty", "Quantity"])
    columns = [
        ("", rng.choice(["Item", "Item"]), 26, "L", "line"),
        ("", rng.choice(["Catalog No.", "Cat. No.", "Part #"]), 100, "L", "item"),
        ("", "Description", 0, "L", "desc"),
        (group, "Ordered", 40, "R", "ordered"),
        (group, "Shipped", 40, "R", "shipped"),
        (group, "B/O", 28, "R", "bo"),
        ("", "U/M", 26, "C", "uom"),
        (unit_price[0], unit_price[1], 52, "R", "price"),
        (extended[0], extended[1], 62, "R", "amount"),
    ]
    fixed = sum(c[2] for c in columns)
    widths = [c[2] or (pdf.w - 80 - fixed) for c in columns]
    xs = [40 + sum(widths[:i]) for i in range(len(columns))]
    pdf.set_draw_color(0, 0, 0)
    pdf.line(40, y - 2, pdf.w - 40, y - 2)
    pdf.set_font("Helvetica", "B", 7.5)
    group_x = [x for x, c in zip(xs, columns, strict=False) if c[0] == group]
    group_w = sum(w for w, c in zip(widths, columns, strict=False) if c[0] == group)
    _box_cell(pdf, group_x[0], y, group_w, 10, group, align="C")
    pdf.line(group_x[0] + 4, y + 10, group_x[0] + group_w - 4, y + 10)
    for x, w, (top, bottom, _, align, _key) in zip(xs, widths, columns, strict=False):
        if top and top != group:
            _box_cell(pdf, x, y, w, 10, top, align=align)
        _box_cell(pdf, x, y + 11, w, 10, bottom, align=align)
    y += 23
    pdf.line(40, y, pdf.w - 40, y)
    y += 4
    desc_w = widths[2] - 4
    for line in doc.lines:
        bo = opts.backorders.get(line.line_no, Decimal(0))
        values = {
            "line": str(line.line_no),
            "item": line.item_id or "",
            "ordered": format_quantity(line.quantity + bo, locale),
            "shipped": format_quantity(line.quantity, locale),
            "bo": format_quantity(bo, locale),
            "uom": line.uom or "",
            "price": format_number(line.unit_price, locale, price_places(line.unit_price)),
            "amount": format_money(doc.line_amount(line), doc.currency, locale, mark=False),
        }
        pdf.set_font("Helvetica", "", 8)
        wrapped = _wrap(pdf, line.description or "", desc_w)
        for x, w, (_, _, _, align, key) in zip(xs, widths, columns, strict=False):
            if key != "desc":
                _box_cell(pdf, x, y, w, 10, values[key], align=align)
        for offset, text in enumerate(wrapped):
            _box_cell(pdf, xs[2], y + offset * 10, widths[2], 10, text)
        y += 10 * len(wrapped) + 5
    pdf.line(40, y, pdf.w - 40, y)
    y += 8

    def money(v: Decimal) -> str:
        return format_money(v, doc.currency, locale, mark=False)

    totals = [(rng.choice(["Subtotal", "Merchandise Total"]), money(doc.lines_total))]
    if doc.freight:
        totals.append((rng.choice(["Freight", "Shipping & Handling"]), money(doc.freight)))
    totals.append(("Sales Tax", money(doc.tax)))
    totals.append(
        (
            rng.choice(["Credit Total", "Total Credit"])
            if credit
            else rng.choice(["Balance Due", "Amount Due", "Invoice Total"]),
            "$" + money(doc.total),
        )
    )
    for index, (label, value) in enumerate(totals):
        strong = index == len(totals) - 1
        pdf.text_at(pdf.w - 230, y, label, size=8.5, style="B" if strong else "", w=110)
        pdf.text_at(pdf.w - 120, y, value, size=8.5, style="B" if strong else "", w=80, align="R")
        y += 13
    pdf.text_at(40, y + 12, "Please remit to: " + vendor.name + ", " + ", ".join(vendor.address[:2]), size=7)
    pdf.text_at(40, y + 22, "Past due balances are subject to a service charge of 1.5% per month.", size=7)


def _thermal(pdf: _Pdf, doc: Invoice, rng: random.Random, opts: Options) -> None:
    """An 80 mm till slip: one monospace column, item lines as
    "2 x ITEM  11.90  23.80", the description (if any) under them."""
    vendor = _vendor_card(doc.vendor_id)
    size = 7.0
    char = size * 0.6
    left = 10.0
    cols = int((pdf.w - 2 * left) / char)
    y = 12.0

    def centred(text: str, *, bold: bool = False, bigger: float = 0) -> None:
        nonlocal y
        pdf.text_at(
            left,
            y,
            text,
            size=size + bigger,
            style="B" if bold else "",
            font="Courier",
            w=pdf.w - 2 * left,
            align="C",
        )
        y += (size + bigger) * 1.35

    def row(text: str) -> None:
        nonlocal y
        pdf.text_at(left, y, text, size=size, font="Courier")
        y += size * 1.35

    def priced(text: str, price: str, amount: str) -> None:
        nonlocal y
        pdf.text_at(left, y, text, size=size, font="Courier")
        pdf.text_at(left + (cols - 18) * char, y, price, size=size, font="Courier", w=8 * char + 4, align="R")
        pdf.text_at(left + (cols - 9) * char, y, amount, size=size, font="Courier", w=9 * char + 4, align="R")
        y += size * 1.35

    def pair(label: str, value: str) -> None:
        nonlocal y
        pdf.text_at(left, y, label, size=size, font="Courier")
        pdf.text_at(
            left + (cols - 14) * char, y, value, size=size, font="Courier", w=14 * char + 4, align="R"
        )
        y += size * 1.35

    centred(vendor.name.upper(), bold=True, bigger=1.5)
    for address_line in vendor.address[:2]:
        centred(address_line)
    centred("TEL (216) 555-0142")
    rule = "-" * cols
    row(rule)
    centred("INVOICE", bold=True, bigger=3)
    row(rng.choice(["TICKET: {n}", "TICKET # {n}", "TICKET NO: {n}"]).format(n=doc.invoice_number))
    row(f"DATE: {_us_date(doc.invoice_date)}  {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}")
    row(rng.choice(["CUST PO: {po}", "CUST PO# {po}", "PO: {po}"]).format(po=doc.po_number))
    if opts.vendor_number:
        row(f"VENDOR #: {doc.vendor_id}")
    row(f"CASHIER: {rng.randint(1, 9):02d}   TERM: {rng.randint(1, 4)}")
    row(rule)
    times = rng.choice([" x ", " X ", "x "])
    for line in doc.lines:
        qty = format_quantity(line.quantity, _LOCALES["en"])
        priced(f"{qty}{times}{line.item_id}", f"{line.unit_price:.2f}", f"{doc.line_amount(line):.2f}")
        if line.description:
            for text in _wrap_chars(line.description, cols - 3):
                row("   " + text)
    row(rule)
    pair("SUBTOTAL", f"{doc.lines_total:.2f}")
    if doc.tax:
        pair(f"TAX {opts.tax_rate}%", f"{doc.tax:.2f}")
    pair("TOTAL", f"{doc.total:.2f}")
    pair(rng.choice(["BALANCE DUE", "AMOUNT DUE"]), f"{doc.total:.2f}")
    row(f"ITEMS: {len(doc.lines)}")
    if doc.payment_terms is not None:
        row(f"TERMS: NET {doc.payment_terms.net_days}")
    row(rule)
    centred("THANK YOU!")


def _wrap_chars(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


# Words of the business letter, per language. "{...}" are filled in per document.
_LETTER: dict[str, dict[str, Sequence[str]]] = _LABELS["letter"]


def _letter_terms(
    terms: PaymentTerms | None, words: dict[str, Sequence[str]], rng: random.Random, locale: Locale
) -> str | None:
    if terms is None:
        return None
    if terms.discount_days is not None and terms.discount_percent is not None:
        p = format_number(terms.discount_percent.normalize(), locale)
        return _pick(rng, words, "discount").format(p=p, d=terms.discount_days, n=terms.net_days)
    if terms.net_days == 0:
        return _pick(rng, words, "due_now")
    return _pick(rng, words, "net").format(n=terms.net_days)


def _din_letter(pdf: _Pdf, doc: Invoice, rng: random.Random, opts: Options, language: str) -> None:
    """A business letter (DIN 5008 and its European cousins): sender line
    over the address window, an info block, place and date, the number under
    the title, the PO in a subject line or a reference label, a text table,
    the tax on its own base ("zzgl. 19 % MwSt. auf 458,75 €  87,16 €"), and
    the amount due — in side-by-side boxes with the value under its label
    on some."""
    locale = _LOCALES[language]
    words = _LETTER[language]
    vendor = _vendor_card(doc.vendor_id)
    long_date = locale.long_date if language != "sv" else (lambda d: d.isoformat())

    def money(v: Decimal) -> str:
        return format_money(v, doc.currency, locale)

    def plain(v: Decimal) -> str:
        return format_money(v, doc.currency, locale, mark=False)

    pdf.text_at(40, 36, vendor.name, size=16, style="B")
    pdf.text_at(40, 56, " · ".join(vendor.address), size=8)
    pdf.text_at(40, 118, f"{vendor.name} · {vendor.address[0]} · {vendor.address[1]}", size=6)
    for offset, address_line in enumerate(BUYER):
        pdf.text_at(40, 132 + offset * 11, address_line, size=9.5)
    # Info block on the right.
    info: list[tuple[str, str]] = []
    roll = rng.random()
    po_in_subject = roll < 0.5 if opts.po_in_subject is None else opts.po_in_subject
    if not po_in_subject:
        info.append((_pick(rng, words, "po_label"), doc.po_number))
    if opts.vendor_number:
        info.append((_pick(rng, words, "vendor_no"), doc.vendor_id))
    info.append((_pick(rng, words, "customer_no"), "C-20417"))
    iy = 120.0
    for label, value in info:
        pdf.text_at(330, iy, label + ":", size=8.5)
        pdf.text_at(450, iy, value, size=8.5)
        iy += 12
    place_date = _pick(rng, words, "place_date").format(
        place=words["place"][0], date=long_date(doc.invoice_date)
    )
    pdf.text_at(330, max(iy + 10, 190), place_date, size=9)
    # Title, number and subject.
    y = 232.0
    title = _pick(rng, words, "title")
    if "{n}" in title:
        pdf.text_at(40, y, title.format(n=doc.invoice_number), size=13, style="B")
        y += 20
    else:
        pdf.text_at(40, y, title, size=15, style="B")
        y += 20
        label = _pick(rng, words, "number_below")
        pdf.text_at(40, y, f"{label} {doc.invoice_number}", size=10, style="B")
        y += 16
    if po_in_subject:
        po_date = locale.numeric_date(date.fromordinal(doc.invoice_date.toordinal() - 11))
        pdf.text_at(
            40, y, _pick(rng, words, "subject").format(po=doc.po_number, po_date=po_date), size=9.5, style="B"
        )
        y += 16
    y += 6
    pdf.text_at(40, y, _pick(rng, words, "salutation"), size=9)
    pdf.text_at(40, y + 12, _pick(rng, words, "intro"), size=9)
    y += 32
    # The line table, no rules but one under the headings.
    titles = _pick(rng, words, "columns").split("|")
    has_pos = len(titles) == 7
    keys = (["line"] if has_pos else []) + ["item", "desc", "qty", "uom", "price", "amount"]
    widths: dict[str, float] = dict(
        zip(keys, ([30] if has_pos else []) + [118, 0, 48, 42, 62, 72], strict=False)
    )
    widths["desc"] = pdf.w - 80 - sum(widths.values())
    aligns = {"line": "L", "item": "L", "desc": "L", "qty": "R", "uom": "L", "price": "R", "amount": "R"}
    x = 40.0
    for key, text in zip(keys, titles, strict=False):
        pdf.text_at(x, y, text, size=8.5, style="B", w=widths[key], align=aligns[key])
        x += widths[key]
    y += 13
    pdf.line(40, y, pdf.w - 40, y)
    y += 4
    for line in doc.lines:
        values = {
            "line": str(line.line_no),
            "item": line.item_id or "",
            "qty": format_quantity(line.quantity, locale),
            "uom": line.uom or "",
            "price": format_number(line.unit_price, locale, price_places(line.unit_price)),
            "amount": plain(doc.line_amount(line)),
        }
        pdf.set_font("Helvetica", "", 9)
        wrapped = _wrap(pdf, line.description or "", widths["desc"] - 4)
        x = 40.0
        for key in keys:
            if key == "desc":
                for offset, text in enumerate(wrapped):
                    pdf.text_at(x, y + offset * 11, text, size=9, w=widths[key])
            else:
                pdf.text_at(x, y, values[key], size=9, w=widths[key], align=aligns[key])
            x += widths[key]
        y += 11 * len(wrapped) + 4
    pdf.line(40, y, pdf.w - 40, y)
    y += 10
    rate = _rate_text((doc.tax / doc.lines_total * 100).quantize(Decimal("0.1")), locale) if doc.tax else ""
    totals = [(_pick(rng, words, "subtotal"), money(doc.lines_total))]
    if doc.freight:
        totals.append((_pick(rng, words, "freight"), money(doc.freight)))
    if doc.tax:
        base = doc.lines_total  # what the generator taxes (not the freight)
        totals.append((_pick(rng, words, "tax").format(rate=rate, base=money(base)), money(doc.tax)))
    totals.append((_pick(rng, words, "total"), plain(doc.total) if language == "sv" else money(doc.total)))
    if language == "sv" or opts.boxed_totals:
        width = (pdf.w - 80) / len(totals)
        for i, (label, value) in enumerate(totals):
            pdf.rect(40 + i * width, y, width - 4, 30)
            pdf.text_at(42 + i * width, y + 2, label, size=7.5)
            pdf.text_at(
                40 + i * width,
                y + 14,
                value,
                size=10,
                style="B" if i == len(totals) - 1 else "",
                w=width - 8,
                align="R",
            )
        y += 42
    else:
        for i, (label, value) in enumerate(totals):
            strong = i == len(totals) - 1
            pdf.text_at(pdf.w - 330, y, label, size=9, style="B" if strong else "", w=200)
            pdf.text_at(pdf.w - 130, y, value, size=9, style="B" if strong else "", w=90, align="R")
            y += 13
        y += 8
    terms = _letter_terms(doc.payment_terms, words, rng, locale)
    if terms:
        pdf.text_at(40, y, terms, size=9)
        y += 14
    pdf.text_at(40, y + 10, _pick(rng, words, "closing"), size=9)
    pdf.text_at(40, y + 40, vendor.name, size=9)
    pdf.text_at(40, pdf.h - 40, f"{vendor.name} · {vendor.tax_id} · {vendor.bank}", size=6.5)


_REMARKS_ACK: dict[str, dict[str, Sequence[str]]] = _LABELS["remarks_ack"]


def _remarks_ack(pdf: _Pdf, doc: Acknowledgment, rng: random.Random, opts: Options, language: str) -> None:
    """An acknowledgment as ERPs print it: ordered and confirmed quantity and
    a promise date per line, what changed said in a remark line under the
    item, and a remarks block for the message."""
    locale = _LOCALES[language]
    words = _REMARKS_ACK[_LOCALES[language].words_of]
    vendor = _vendor_card(doc.vendor_id)
    _letterhead(pdf, Sheet(locale, "", vendor, [], [], [], [], [], "", "", "", rng), 40, 40, size=13)
    pdf.text_at(pdf.w - 330, 40, _pick(rng, words, "title"), size=16, style="B", w=290, align="R")
    fields = [
        (_pick(rng, words, "ack_no"), doc.ack_id),
        (_pick(rng, words, "date"), locale.numeric_date(doc.acknowledged_at.date())),
        (_pick(rng, words, "po"), doc.po_number),
    ]
    if opts.vendor_number:
        fields.append((_pick(rng, words, "vendor_no"), doc.vendor_id))
    y = 76.0
    for label, value in fields:
        pdf.text_at(pdf.w - 250, y, label + ":", size=8.5, style="B")
        pdf.text_at(pdf.w - 140, y, value, size=8.5)
        y += 12
    y = max(_buyer(pdf, Sheet(locale, "", vendor, [], [], [], [], [], "", "", "", rng, size=9), 40, 140), y)
    y += 20
    titles = _pick(rng, words, "columns").split("|")
    keys = ["line", "item", "desc", "ordered", "confirmed", "uom", "price", "date"]
    widths: dict[str, float] = dict(zip(keys, [28, 112, 0, 44, 50, 32, 56, 70], strict=False))
    widths["desc"] = pdf.w - 80 - sum(widths.values())
    aligns = {"line": "L", "item": "L", "desc": "L", "uom": "L"}
    x = 40.0
    for key, text in zip(keys, titles, strict=False):
        pdf.text_at(x, y, text, size=8, style="B", w=widths[key], align=aligns.get(key, "R"))
        x += widths[key]
    y += 12
    pdf.line(40, y, pdf.w - 40, y)
    y += 4
    for line in doc.lines:
        item, description, ordered, price, uom = opts.po_lines[line.line_no]
        confirmed = ordered
        if line.status == AckLineStatus.REJECTED:
            confirmed = Decimal(0)
        elif line.quantity is not None:
            confirmed = line.quantity
        shown_price = line.unit_price if line.unit_price is not None else price
        values = {
            "line": str(line.line_no),
            "item": item,
            "desc": description,
            "ordered": format_quantity(ordered, locale),
            "confirmed": format_quantity(confirmed, locale),
            "uom": uom,
            "price": format_number(shown_price, locale, price_places(shown_price)),
            "date": locale.numeric_date(line.promised_date) if line.promised_date else "",
        }
        pdf.set_font("Helvetica", "", 8.5)
        wrapped = _wrap(pdf, description, widths["desc"] - 4)
        x = 40.0
        for key in keys:
            if key == "desc":
                for offset, text in enumerate(wrapped):
                    pdf.text_at(x, y + offset * 10.5, text, size=8.5, w=widths[key])
            else:
                pdf.text_at(x, y, values[key], size=8.5, w=widths[key], align=aligns.get(key, "R"))
            x += widths[key]
        y += 10.5 * len(wrapped)
        remark = {
            AckLineStatus.CHANGED: "changed_qty" if line.quantity is not None else "changed_price",
            AckLineStatus.BACKORDERED: "backordered",
            AckLineStatus.REJECTED: "rejected",
        }.get(line.status)
        if remark:
            pdf.set_text_color(150, 0, 0)
            pdf.text_at(
                40 + widths["line"] + widths["item"], y, _pick(rng, words, remark), size=7.5, style="I"
            )
            pdf.set_text_color(0, 0, 0)
            y += 10
        y += 4
    pdf.line(40, y, pdf.w - 40, y)
    y += 16
    if doc.message:
        pdf.text_at(40, y, _pick(rng, words, "remarks") + ":", size=8.5, style="B")
        y += 12
        pdf.set_font("Helvetica", "", 8.5)
        for text in _wrap(pdf, doc.message, 220):
            pdf.text_at(40, y, text, size=8.5)
            y += 11
        y += 8
    pdf.text_at(40, y + 8, _pick(rng, words, "thanks"), size=8.5)
    _footer(pdf, Sheet(locale, "", vendor, [], [], [], [], [], "", "", "", rng))


def _render_real_world(
    pdf_docs: list[Invoice | Acknowledgment], layout: str, language: str, seed: int, opts: Options
) -> bytes:
    if layout == "thermal":
        longest = max(len(d.lines) for d in pdf_docs)
        pdf = _Pdf((226.77, 330 + 26 * longest))
    else:
        pdf = _Pdf(_LOCALES[language].page_format)
    for index, one in enumerate(pdf_docs):
        rng = random.Random(f"{seed}:{index}:{layout}:{language}")
        pdf.add_page()
        if layout == "remarks-ack":
            if not isinstance(one, Acknowledgment):
                raise TypeError("the remarks-ack layout prints acknowledgments")
            _remarks_ack(pdf, one, rng, opts, language)
            continue
        if not isinstance(one, Invoice):
            raise TypeError(f"the {layout} layout prints invoices")
        if layout == "us-distributor-2row":
            _us_distributor(pdf, one, rng, opts)
        elif layout == "thermal":
            _thermal(pdf, one, rng, opts)
        else:
            _din_letter(pdf, one, rng, opts, language)
    return bytes(pdf.output())


# --- the ground-truth set -------------------------------------------------------------

# (item id, description, uom, unit price) per vendor, from seed/master_data.json contracts.
CATALOGUE: dict[str, list[tuple[str, str, str, Decimal]]] = {
    "ACME": [
        ("MRO-GLOVE-NITRILE-L", "Nitrile gloves, size L, box of 100", "EA", Decimal("11.90")),
        ("MRO-BEARING-6204", "Deep groove ball bearing 6204-2RS", "EA", Decimal("4.75")),
        ("MRO-SAFETY-GLASSES", "Safety glasses, clear, ANSI Z87.1", "EA", Decimal("6.40")),
    ],
    "NORDIC": [
        ("FST-BOLT-M8X30-A2", "Hex bolt M8x30, stainless A2-70, DIN 933", "EA", Decimal("0.1840")),
        ("FST-NUT-M8-A2", "Hex nut M8, stainless A2, DIN 934", "EA", Decimal("0.0425")),
        ("FST-WASHER-M8-A2", "Flat washer M8, stainless A2, DIN 125", "EA", Decimal("0.0190")),
    ],
    "LABWORKS": [
        ("LAB-PIPETTE-1000", "Single-channel pipette 100-1000 uL, adjustable", "EA", Decimal("289.00")),
        ("LAB-CENTRIFUGE-MINI", "Mini centrifuge 6,000 rpm with 8-place rotor", "EA", Decimal("1450.00")),
        ("LAB-TIPS-1000-RACK", "Filter pipette tips 1000 uL, rack of 96, sterile", "EA", Decimal("8.65")),
    ],
    "SLOWPOKE": [
        ("PKG-STRETCH-FILM", "Stretch film roll 500 mm x 300 m, 23 um", "EA", Decimal("18.50")),
        ("PKG-CARTON-600", "Double-wall shipping carton 600x400x400 mm", "EA", Decimal("2.35")),
    ],
    "CLOUDOPS": [
        ("SVC-CLOUD-SUPPORT-HR", "Cloud operations support, per hour", "HR", Decimal("145.00")),
        ("SVC-K8S-MANAGED-MO", "Managed Kubernetes cluster, per month", "MO", Decimal("2400.00")),
    ],
}
_TAX_RATE = {
    "en": Decimal(0),
    "en-GB": Decimal(20),
    "de": Decimal(19),
    "de-CH": Decimal("8.1"),
    "fr": Decimal(20),
    "es": Decimal(21),
    "it": Decimal(22),
    "nl": Decimal(21),
    "sv": Decimal(25),
}
_CURRENCY = {
    "en": "USD",
    "en-GB": "GBP",
    "de": "EUR",
    "de-CH": "CHF",
    "fr": "EUR",
    "es": "EUR",
    "it": "EUR",
    "nl": "EUR",
    "sv": "SEK",
}
_VENDORS_BY_LANGUAGE = {
    "en": ("ACME", "LABWORKS", "SLOWPOKE", "CLOUDOPS"),
    "en-GB": ("LABWORKS", "ACME"),
    "de": ("NORDIC", "LABWORKS"),
    "de-CH": ("NORDIC",),
    "fr": ("NORDIC", "LABWORKS"),
    "es": ("NORDIC",),
    "it": ("NORDIC",),
    "nl": ("CLOUDOPS", "NORDIC"),
    "sv": ("NORDIC",),
}
_NUMBER_STYLE = {
    "ACME": "INV-2026-{n:05d}",
    "NORDIC": "F2026-{n:04d}",
    "LABWORKS": "LW-{n:06d}",
    "SLOWPOKE": "SP/2026/{n:04d}",
    "CLOUDOPS": "CO-2026-{n:04d}",
}


def _quantity(rng: random.Random, vendor: str, uom: str) -> Decimal:
    if vendor == "NORDIC":
        return Decimal(rng.choice([500, 1000, 2000, 2500, 5000]))
    if uom == "HR":
        return Decimal(rng.choice(["4", "7.5", "12", "16.25"]))
    return Decimal(rng.choice([1, 2, 3, 5, 10, 12, 20, 24, 50]))


def _invoice_lines(
    rng: random.Random, vendor: str, count: int, line_numbers: list[int], currency: str
) -> list[InvoiceLine]:
    catalogue = CATALOGUE[vendor]
    lines = []
    for position, line_no in zip(range(count), line_numbers, strict=False):
        item_id, description, uom, price = (
            catalogue[position % len(catalogue)] if count <= len(catalogue) else rng.choice(catalogue)
        )
        qty = _quantity(rng, vendor, uom)
        lines.append(
            InvoiceLine(
                line_no=line_no,
                quantity=qty,
                unit_price=price,
                uom=uom,
                description=description,
                item_id=item_id,
                amount=round_money(qty * price, currency),
            )
        )
    return lines


def _make_invoice(
    rng: random.Random,
    index: int,
    language: str,
    *,
    kind: InvoiceKind = InvoiceKind.INVOICE,
    lines: int | None = None,
    vendor: str | None = None,
    gaps: bool = False,
    off_by: Decimal = Decimal(0),
    freight: bool | None = None,
    terms: bool | None = None,
    item_ids: bool = True,
) -> Invoice:
    vendor = vendor or rng.choice(_VENDORS_BY_LANGUAGE[language])
    currency = _CURRENCY[language] if vendor == "NORDIC" or language not in ("en",) else "USD"
    count = lines or rng.randint(1, 4)
    numbers = sorted(rng.sample(range(1, count + 4), count)) if gaps else list(range(1, count + 1))
    if gaps and rng.random() < 0.5:
        numbers = [n * 10 for n in numbers]  # SAP-style PO lines 10, 20, 30
    invoice_lines = _invoice_lines(rng, vendor, count, numbers, currency)
    if not item_ids:
        invoice_lines = [line.model_copy(update={"item_id": None}) for line in invoice_lines]
    subtotal = stated_total(invoice_lines)
    tax = round_money(subtotal * _TAX_RATE[language] / 100, currency)
    freight_amount = (
        Decimal(rng.choice(["25.00", "48.50", "120.00"]))
        if (freight if freight is not None else rng.random() < 0.4)
        else Decimal(0)
    )
    payment_terms = None
    if terms if terms is not None else rng.random() < 0.7:
        payment_terms = rng.choice(
            [
                PaymentTerms(net_days=30),
                PaymentTerms(net_days=45),
                PaymentTerms(net_days=30, discount_days=10, discount_percent=Decimal(2)),
            ]
        )
    day = date(2026, rng.randint(1, 6), rng.randint(1, 28))
    number = _NUMBER_STYLE[vendor].format(n=1000 + index * 37 % 9000)
    credit = kind == InvoiceKind.CREDIT_MEMO
    return Invoice(
        invoice_number=("CN-" + number) if credit else number,
        kind=kind,
        vendor_id=vendor,
        po_number=f"PO-{1001 + index * 13 % 900}" if rng.random() < 0.7 else f"45000{12000 + index * 7}",
        invoice_date=day,
        currency=currency,
        lines=invoice_lines,
        freight=freight_amount,
        tax=tax,
        total=subtotal + tax + freight_amount + off_by,
        payment_terms=payment_terms,
        original_invoice_number=number if credit else None,
    )


def _make_ack(rng: random.Random, index: int, language: str) -> tuple[Acknowledgment, dict[int, str]]:
    vendor = rng.choice(_VENDORS_BY_LANGUAGE[language])
    catalogue = CATALOGUE[vendor]
    count = rng.randint(2, 4)
    day = date(2026, rng.randint(1, 6), rng.randint(1, 28))
    lines, descriptions = [], {}
    statuses = [
        AckLineStatus.ACCEPTED,
        AckLineStatus.CHANGED,
        AckLineStatus.BACKORDERED,
        AckLineStatus.REJECTED,
    ]
    for line_no in range(1, count + 1):
        _, description, uom, price = catalogue[(line_no - 1) % len(catalogue)]
        descriptions[line_no] = description
        status = statuses[(index + line_no) % 4] if rng.random() < 0.6 else AckLineStatus.ACCEPTED
        promised = date.fromordinal(day.toordinal() + rng.randint(5, 40))
        line = AcknowledgmentLine(line_no=line_no, status=status, promised_date=promised)
        if status == AckLineStatus.CHANGED:
            line = line.model_copy(
                update={
                    "quantity": _quantity(rng, vendor, uom),
                    "unit_price": price + Decimal("0.50") if price > 1 else price,
                }
            )
        if status == AckLineStatus.REJECTED:
            line = line.model_copy(update={"promised_date": None})
        lines.append(line)
    kinds = {line.status for line in lines}
    ack_status = (
        AckStatus.REJECTED
        if kinds == {AckLineStatus.REJECTED}
        else AckStatus.ACCEPTED
        if kinds == {AckLineStatus.ACCEPTED}
        else AckStatus.ACCEPTED_WITH_CHANGES
    )
    message = rng.choice(
        [None, "Partial shipment possible on request.", "Prices valid until end of quarter."]
    )
    ack = Acknowledgment(
        ack_id=f"AB-{26000 + index * 11}",
        po_number=f"PO-{1001 + index * 13 % 900}",
        vendor_id=vendor,
        status=ack_status,
        lines=lines,
        message=message,
        acknowledged_at=datetime(day.year, day.month, day.day, tzinfo=UTC),
    )
    return ack, descriptions


def _expected(doc: Invoice | Acknowledgment) -> dict[str, Any]:
    if isinstance(doc, Acknowledgment):
        kind = "acknowledgment"
    else:
        kind = "credit_memo" if doc.kind == InvoiceKind.CREDIT_MEMO else "invoice"
    return {"kind": kind, "format": "pdf", "document": doc.model_dump(mode="json", exclude_none=True)}


def _sample(name: str, raw: bytes, docs: list[Invoice | Acknowledgment], *, vendor_number: bool) -> Sample:
    expected = [_expected(doc) for doc in docs]
    return Sample(
        name=name,
        format="pdf",
        filename=f"{name}.pdf",
        raw=raw,
        expected=expected,
        vendor_id=None if vendor_number else docs[0].vendor_id,
    )


_PLAN = [  # (layout, language) for the regular samples: every layout in five or more languages
    ("classic", "en"),
    ("classic", "de"),
    ("classic", "fr"),
    ("classic", "sv"),
    ("classic", "it"),
    ("classic", "nl"),
    ("classic", "en-GB"),
    ("stacked", "en"),
    ("stacked", "es"),
    ("stacked", "de-CH"),
    ("stacked", "nl"),
    ("stacked", "fr"),
    ("stacked", "sv"),
    ("stacked", "it"),
    ("grid", "de"),
    ("grid", "en"),
    ("grid", "it"),
    ("grid", "es"),
    ("grid", "sv"),
    ("grid", "en-GB"),
    ("plain", "en"),
    ("plain", "de"),
    ("plain", "nl"),
    ("plain", "fr"),
    ("plain", "es"),
    ("plain", "de-CH"),
    ("two-column", "fr"),
    ("two-column", "en"),
    ("two-column", "sv"),
    ("two-column", "de"),
    ("two-column", "it"),
    ("two-column", "es"),
    ("footer", "de"),
    ("footer", "en"),
    ("footer", "es"),
    ("footer", "nl"),
    ("footer", "it"),
    ("footer", "fr"),
    ("modern", "nl"),
    ("modern", "en"),
    ("modern", "sv"),
    ("modern", "de"),
    ("modern", "es"),
    ("modern", "en-GB"),
]


def _regular_samples(rng: random.Random) -> list[Sample]:
    samples = []
    for index, (layout, language) in enumerate(_PLAN):
        roll = rng.random()
        vendor_number = rng.random() < 0.6
        long_dates = rng.random() < 0.3
        currency_label = rng.random() < 0.35
        if roll < 0.2:
            ack, descriptions = _make_ack(rng, index, language)
            raw = render_pdf(
                ack,
                layout=layout,
                language=language,
                seed=index,
                vendor_number=vendor_number,
                long_dates=long_dates,
                descriptions=descriptions,
            )
            samples.append(
                _sample(f"{layout}-{language}-ack-{index:02d}", raw, [ack], vendor_number=vendor_number)
            )
            continue
        kind = InvoiceKind.CREDIT_MEMO if roll > 0.88 else InvoiceKind.INVOICE
        invoice = _make_invoice(rng, index, language, kind=kind, gaps=_LINE_REF[layout] != "none")
        raw = render_pdf(
            invoice,
            layout=layout,
            language=language,
            seed=index,
            vendor_number=vendor_number,
            long_dates=long_dates,
            currency_label=currency_label,
        )
        tag = "credit" if kind == InvoiceKind.CREDIT_MEMO else "invoice"
        samples.append(
            _sample(f"{layout}-{language}-{tag}-{index:02d}", raw, [invoice], vendor_number=vendor_number)
        )
    return samples


def _adversarial_samples(rng: random.Random) -> list[Sample]:
    samples = []
    long_grid = _make_invoice(rng, 101, "de", lines=48, vendor="NORDIC", gaps=False, freight=True)
    samples.append(
        _sample(
            "adv-multipage-grid-de",
            render_pdf(long_grid, layout="grid", language="de", seed=101),
            [long_grid],
            vendor_number=True,
        )
    )
    long_plain = _make_invoice(rng, 102, "en", lines=40, vendor="ACME")
    samples.append(
        _sample(
            "adv-multipage-no-repeated-header-en",
            render_pdf(long_plain, layout="stacked", language="en", seed=102, repeat_header=False),
            [long_plain],
            vendor_number=True,
        )
    )
    next_page = _make_invoice(rng, 103, "fr", lines=3, vendor="NORDIC")
    samples.append(
        _sample(
            "adv-total-on-next-page-fr",
            render_pdf(next_page, layout="classic", language="fr", seed=103, totals_on_new_page=True),
            [next_page],
            vendor_number=True,
        )
    )
    wrong = _make_invoice(rng, 104, "en", lines=3, vendor="LABWORKS", off_by=Decimal("100.00"))
    samples.append(
        _sample(
            "adv-does-not-add-up-en",
            render_pdf(wrong, layout="two-column", language="en", seed=104),
            [wrong],
            vendor_number=True,
        )
    )
    first = _make_invoice(rng, 105, "en", lines=2, vendor="ACME")
    second = _make_invoice(rng, 106, "en", lines=3, vendor="ACME")
    samples.append(
        _sample(
            "adv-two-invoices-one-file-en",
            render_pdf([first, second], layout="classic", language="en", seed=105),
            [first, second],
            vendor_number=True,
        )
    )
    thousands = _make_invoice(rng, 107, "de", lines=2, vendor="NORDIC", freight=False)
    samples.append(
        _sample(
            "adv-thousand-quantities-de",
            render_pdf(thousands, layout="plain", language="de", seed=107, vendor_number=False),
            [thousands],
            vendor_number=False,
        )
    )
    no_line_numbers = _make_invoice(rng, 108, "es", lines=3, vendor="NORDIC", item_ids=False)
    samples.append(
        _sample(
            "adv-no-line-numbers-es",
            render_pdf(no_line_numbers, layout="stacked", language="es", seed=108, line_ref="none"),
            [no_line_numbers],
            vendor_number=True,
        )
    )
    return samples


_REAL_WORLD_PLAN = [  # (layout, language, kind)
    ("us-distributor-2row", "en", "invoice"),
    ("us-distributor-2row", "en", "invoice"),
    ("us-distributor-2row", "en", "invoice"),
    ("us-distributor-2row", "en", "credit"),
    ("us-distributor-2row", "en", "invoice"),
    ("thermal", "en", "invoice"),
    ("thermal", "en", "invoice"),
    ("thermal", "en", "invoice"),
    ("din-subject-line", "de", "invoice"),
    ("din-subject-line", "de", "invoice"),
    ("din-subject-line", "fr", "invoice"),
    ("din-subject-line", "fr", "invoice"),
    ("din-subject-line", "nl", "invoice"),
    ("din-subject-line", "sv", "invoice"),
    ("din-subject-line", "es", "invoice"),
    ("din-subject-line", "it", "invoice"),
    ("din-subject-line", "en-GB", "invoice"),
    ("din-subject-line", "de", "invoice"),
    ("remarks-ack", "en", "ack"),
    ("remarks-ack", "en", "ack"),
    ("remarks-ack", "de", "ack"),
    ("remarks-ack", "de", "ack"),
    ("remarks-ack", "en", "ack"),
]
_LETTER_NUMBERS = {
    "de": "RE-2026-{n:04d}",
    "fr": "FA-2026-{n:04d}",
    "nl": "2026{n:05d}",
    "sv": "{n:06d}",
    "es": "A-2026/{n:04d}",
    "it": "{n}/2026",
    "en-GB": "INV{n:06d}",
}


def _terms_choice(rng: random.Random, *, due_now: bool) -> PaymentTerms | None:
    choices = [
        PaymentTerms(net_days=30),
        PaymentTerms(net_days=14),
        PaymentTerms(net_days=30, discount_days=10, discount_percent=Decimal(2)),
        PaymentTerms(net_days=30, discount_days=10, discount_percent=Decimal(1)),
        PaymentTerms(net_days=30, discount_days=14, discount_percent=Decimal(2)),
    ]
    if due_now:
        choices.append(PaymentTerms(net_days=0))
    return rng.choice(choices)


def _real_world_invoice(rng: random.Random, index: int, layout: str, language: str, credit: bool) -> Invoice:
    if layout == "din-subject-line":
        vendor = rng.choice(_VENDORS_BY_LANGUAGE[language])
        currency = _CURRENCY[language]
        rate = _TAX_RATE[language]
    else:
        vendor = rng.choice(("ACME", "LABWORKS", "SLOWPOKE")) if layout != "thermal" else "ACME"
        currency = "USD"
        rate = Decimal("8.25") if layout == "thermal" else rng.choice([Decimal(0), Decimal("6.25")])
    count = rng.randint(2, 4)
    numbered = layout in ("us-distributor-2row",) or language == "de"
    numbers = list(range(1, count + 1))
    if numbered and rng.random() < 0.4:
        numbers = [n * 10 for n in numbers]
    lines = _invoice_lines(rng, vendor, count, numbers, currency)
    if layout == "thermal":
        lines = [
            line.model_copy(
                update={"uom": None, "description": None if rng.random() < 0.3 else line.description}
            )
            for line in lines
        ]
    if layout == "din-subject-line":
        uom = _LETTER[language]["uom"][0]
        lines = [line.model_copy(update={"uom": uom}) for line in lines]
    subtotal = stated_total(lines)
    tax = round_money(subtotal * rate / 100, currency)
    freight = (
        Decimal(rng.choice(["25.00", "48.50"])) if layout != "thermal" and rng.random() < 0.35 else Decimal(0)
    )
    if layout == "thermal":
        number = f"{4000 + index * 7:07d}"
        terms = PaymentTerms(net_days=30) if rng.random() < 0.5 else None
    elif layout == "din-subject-line":
        number = _LETTER_NUMBERS[language].format(n=40 + index)
        terms = _terms_choice(rng, due_now=True)
    else:
        number = _NUMBER_STYLE[vendor].format(n=2000 + index * 17)
        terms = _terms_choice(rng, due_now=True)
    po = f"45000{12300 + index * 11}" if rng.random() < 0.6 else f"PO-{1100 + index * 7}"
    if layout == "din-subject-line" and language == "de" and rng.random() < 0.5:
        po = str(4700 + index)
    return Invoice(
        invoice_number=("CM-" + number) if credit else number,
        kind=InvoiceKind.CREDIT_MEMO if credit else InvoiceKind.INVOICE,
        vendor_id=vendor,
        po_number=po,
        invoice_date=date(2026, rng.randint(1, 11), rng.randint(13, 28)),
        currency=currency,
        lines=lines,
        freight=freight,
        tax=tax,
        total=subtotal + tax + freight,
        payment_terms=None if credit else terms,
        original_invoice_number=number if credit else None,
    )


def _real_world_ack(
    rng: random.Random, index: int, language: str
) -> tuple[Acknowledgment, dict[int, tuple[str, str, Decimal, Decimal, str]]]:
    vendor = rng.choice(("NORDIC", "LABWORKS") if language == "de" else ("ACME", "LABWORKS", "SLOWPOKE"))
    catalogue = CATALOGUE[vendor]
    day = date(2026, rng.randint(1, 11), rng.randint(13, 28))
    count = rng.randint(3, 4)
    statuses = [
        AckLineStatus.ACCEPTED,
        AckLineStatus.CHANGED,
        AckLineStatus.BACKORDERED,
        AckLineStatus.REJECTED,
    ]
    lines, po_lines = [], {}
    for position in range(1, count + 1):
        line_no = position * 10 if index % 2 else position
        item, description, uom, price = catalogue[(position - 1) % len(catalogue)]
        ordered = _quantity(rng, vendor, uom)
        po_lines[line_no] = (item, description, ordered, price, uom)
        status = statuses[(index + position) % 4] if rng.random() < 0.7 else AckLineStatus.ACCEPTED
        promised = date.fromordinal(day.toordinal() + rng.randint(5, 40))
        line = AcknowledgmentLine(line_no=line_no, status=status, promised_date=promised)
        if status == AckLineStatus.CHANGED:
            if rng.random() < 0.5:  # a new price
                line = line.model_copy(update={"unit_price": price + Decimal("0.50")})
            else:  # a new quantity, at the PO price
                line = line.model_copy(update={"quantity": ordered * 2, "unit_price": price})
        if status == AckLineStatus.BACKORDERED:
            line = line.model_copy(update={"promised_date": date.fromordinal(promised.toordinal() + 30)})
        if status == AckLineStatus.REJECTED:
            line = line.model_copy(update={"promised_date": None})
        lines.append(line)
    kinds = {line.status for line in lines}
    ack_status = (
        AckStatus.REJECTED
        if kinds == {AckLineStatus.REJECTED}
        else AckStatus.ACCEPTED
        if kinds == {AckLineStatus.ACCEPTED}
        else AckStatus.ACCEPTED_WITH_CHANGES
    )
    message = rng.choice(
        [
            None,
            "Partial shipments are allowed. Backordered items ship as soon as they arrive from the mill.",
            "Prices valid until end of quarter.",
        ]
    )
    ack = Acknowledgment(
        ack_id=f"SO-{77000 + index * 13}",
        po_number=f"45000{12300 + index * 11}" if rng.random() < 0.5 else f"PO-{1100 + index * 7}",
        vendor_id=vendor,
        status=ack_status,
        lines=lines,
        message=message,
        acknowledged_at=datetime(day.year, day.month, day.day, tzinfo=UTC),
    )
    return ack, po_lines


def _real_world_samples() -> list[Sample]:
    """Documents in EXTRA_LAYOUTS: seeded apart, so the other samples stay as they were."""
    rng = random.Random(20261127)
    samples = []
    for index, (layout, language, kind) in enumerate(_REAL_WORLD_PLAN):
        vendor_number = rng.random() < 0.7
        if kind == "ack":
            ack, po_lines = _real_world_ack(rng, index, language)
            raw = render_pdf(
                ack,
                layout=layout,
                language=language,
                seed=index,
                vendor_number=vendor_number,
                po_lines=po_lines,
            )
            samples.append(
                _sample(f"{layout}-{language}-ack-{index:02d}", raw, [ack], vendor_number=vendor_number)
            )
            continue
        invoice = _real_world_invoice(rng, index, layout, language, kind == "credit")
        backorders = {line.line_no: Decimal(rng.choice([0, 0, 1, 2, 5])) for line in invoice.lines}
        raw = render_pdf(
            invoice,
            layout=layout,
            language=language,
            seed=index,
            vendor_number=vendor_number,
            backorders=backorders,
            boxed_totals=rng.random() < 0.3,
            tax_rate="8.25",
        )
        samples.append(
            _sample(f"{layout}-{language}-{kind}-{index:02d}", raw, [invoice], vendor_number=vendor_number)
        )
    return samples


def _hand_written() -> list[Sample]:
    samples = []
    for path in sorted(HAND_WRITTEN.glob("*.pdf")):
        expected_path = path.with_name(path.stem + ".expected.json")
        if not expected_path.exists():
            continue
        spec = json.loads(expected_path.read_text())
        samples.append(
            Sample(
                name=path.stem,
                format="pdf",
                filename=path.name,
                raw=path.read_bytes(),
                expected=spec["expected"],
                vendor_id=spec.get("vendor_id"),
            )
        )
    return samples


def sample_set() -> list[Sample]:
    """The PDF ground truth: 44 rendered documents over all layouts and
    languages, 7 adversarial files, the hand-written ones and 23 documents in
    the real-world layouts (EXTRA_LAYOUTS). Deterministic."""
    rng = random.Random(20260301)
    return _regular_samples(rng) + _adversarial_samples(rng) + _hand_written() + _real_world_samples()
