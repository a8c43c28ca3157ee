"""A blind held-out set of supplier PDFs: layouts written without looking at
poflow's PDF extractor or at the other PDF sample sets, so that the extractor
can be measured on documents nothing was tuned on.

`sample_set()` renders 28 documents in 11 layouts of real-world kinds with
fpdf2, each from the poflow model that is its ground truth:

- an SAP-style billing document print (English and German; an invoice each and
  a credit memo), supplier's item 10/20/30 with "Your PO item" under each row
- an Italian "Fattura" and "Nota di credito" (Rif. ordine, Imponibile, IVA 22%)
- a Spanish "Factura" (Su pedido, Base imponible, IVA 21 %, a discount column)
- a UK tax invoice and credit note (VAT Reg No, Net/VAT/Gross per line, £)
- a Swiss "Rechnung" in CHF with apostrophe thousands and a QR-bill receipt
- a US landscape invoice (boxed header row; ordered/shipped/backordered)
- invoices without any ruling and right-aligned numbers (Courier; Times over
  two pages with carried-forward subtotals; two-row items)
- order acknowledgments in English (changes, all accepted, rejected) and
  German "Auftragsbestätigung" (price change, backorder, rejection, quantity)
- a Swedish "Faktura" and "Kreditfaktura" in SEK (1 234,56)
- a French "Facture" (Total HT, TVA 20 %, Net à payer)

Every value of the ground truth is printed on the page; what a page does not
show is left out of the model (payment terms only where printed). When the page
does not show poflow's vendor id, `Sample.vendor_id` says who sent it, as
`poflow extract --as-of-vendor` would. Rendering is deterministic: seeded
randomness for positions and fonts, a fixed creation date.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from fpdf import FPDF

from models.acknowledgments import AckLineStatus, Acknowledgment, AcknowledgmentLine, AckStatus
from models.common import round_money
from models.documents import Invoice, InvoiceKind, InvoiceLine
from models.extraction import ExtractedKind
from models.purchase_order import PaymentTerms
from tools.supplier_sim import labels
from tools.supplier_sim.amounts import stated_amount, stated_total
from tools.supplier_sim.samples import Sample

__all__ = ["LAYOUTS", "layout_of", "sample_set"]

D = Decimal

# Names as in seed/master_data.json.
VENDOR_NAMES = {
    "ACME": "Acme Industrial Supply",
    "NORDIC": "Nordic Fasteners AB",
    "LABWORKS": "LabWorks Scientific",
}

# --- number and date formats ------------------------------------------------------------------

_SEPARATORS = {  # thousands, decimal
    "en": (",", "."),
    "de": (".", ","),
    "ch": ("'", "."),
    "sv": (" ", ","),
    "fr": (" ", ","),
    "qr": (" ", "."),  # Swiss QR-bill amount field
    "plain": ("", "."),
}


def num(value: Decimal, style: str = "en", places: int | None = None) -> str:
    """`1234.5` → `1,234.50` (en), `1.234,50` (de), `1'234.50` (ch), `1 234,50` (sv/fr)."""
    if places is not None:
        value = value.quantize(D(1).scaleb(-places))
    thousands, decimal = _SEPARATORS[style]
    text = f"{abs(value):f}"
    whole, _, fraction = text.partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return ("-" if value < 0 else "") + thousands.join(groups) + (decimal + fraction if fraction else "")


_MONTHS: dict[str, list[str]] = labels.load("months")


def fdate(day: date, style: str) -> str:
    if style == "iso":
        return day.isoformat()
    if style == "dot":
        return f"{day:%d.%m.%Y}"
    if style == "slash":
        return f"{day:%d/%m/%Y}"
    if style == "us_long":  # Nov 27, 2026
        return f"{_MONTHS['en'][day.month - 1][:3]} {day.day}, {day.year}"
    if style == "oracle":  # 27-NOV-2026
        return f"{day.day:02d}-{_MONTHS['en'][day.month - 1][:3].upper()}-{day.year}"
    if style == "uk_long":  # 3 December 2026
        return f"{day.day} {_MONTHS['en'][day.month - 1]} {day.year}"
    if style == "es_long":
        return f"{day.day} de {_MONTHS['es'][day.month - 1]} de {day.year}"
    if style == "fr_long":
        return f"{day.day} {_MONTHS['fr'][day.month - 1]} {day.year}"
    if style == "it_long":
        return f"{day.day} {_MONTHS['it'][day.month - 1]} {day.year}"
    raise ValueError(style)


# --- drawing -------------------------------------------------------------------------------------


class Canvas:
    """Absolute-position text on fpdf2 core fonts (cp1252: €, £, „, – render),
    refusing text that would overflow the box it is given: overlapping words
    would make the ground truth unreadable."""

    def __init__(
        self,
        *,
        orientation: str = "P",
        page: str = "A4",
        title: str,
        author: str,
        day: date,
        creator: str = "poflow supplier_sim",
    ) -> None:
        pdf = FPDF(orientation=orientation, unit="mm", format=page)
        pdf.core_fonts_encoding = "windows-1252"
        pdf.set_creation_date(datetime.combine(day, time(7, 30), tzinfo=UTC))
        pdf.set_auto_page_break(False)
        pdf.set_margins(0, 0, 0)
        pdf.c_margin = 0
        pdf.set_title(title)
        pdf.set_author(author)
        pdf.set_creator(creator)
        self.pdf = pdf
        self.family = "Helvetica"
        self.style = ""
        self.size = 9.0

    @property
    def width(self) -> float:
        return self.pdf.w

    @property
    def height(self) -> float:
        return self.pdf.h

    def page(self) -> None:
        self.pdf.add_page()
        self.font(self.family, self.style, self.size)

    def font(self, family: str | None = None, style: str = "", size: float | None = None) -> None:
        self.family = family or self.family
        self.style = style
        self.size = size or self.size
        self.pdf.set_font(self.family, self.style, self.size)

    def set(self, style: str = "", size: float | None = None) -> None:
        self.font(None, style, size)

    def w(self, text: str) -> float:
        return self.pdf.get_string_width(text)

    @property
    def lh(self) -> float:
        """A line height for the current size, in mm."""
        return self.size * 0.42

    def text(self, x: float, y: float, text: str, *, w: float = 0, align: str = "L") -> None:
        """`text` with its box's top-left at (x, y); right- or centre-aligned within `w`."""
        if not text:
            return
        width = self.w(text)
        if w and width > w + 0.01:
            raise ValueError(f"{text!r} ({width:.1f} mm) overflows its {w:.1f} mm box")
        if align == "R":
            x += w - width
        elif align == "C":
            x += (w - width) / 2
        self.pdf.set_xy(x, y)
        self.pdf.cell(width, self.lh, text)

    def rtext(self, x_right: float, y: float, text: str) -> None:
        self.text(x_right - self.w(text), y, text)

    def line(self, x1: float, y1: float, x2: float, y2: float, width: float = 0.2, gray: int = 0) -> None:
        self.pdf.set_line_width(width)
        self.pdf.set_draw_color(gray)
        self.pdf.line(x1, y1, x2, y2)
        self.pdf.set_draw_color(0)

    def dashed(self, x1: float, y1: float, x2: float, y2: float) -> None:
        self.pdf.set_line_width(0.2)
        self.pdf.set_dash_pattern(dash=1.5, gap=1.2)
        self.pdf.line(x1, y1, x2, y2)
        self.pdf.set_dash_pattern()

    def rect(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        *,
        fill: int | None = None,
        width: float = 0.2,
        border: bool = True,
    ) -> None:
        self.pdf.set_line_width(width)
        if fill is not None:
            self.pdf.set_fill_color(fill)
        style = ("D" if border else "") + ("F" if fill is not None else "")
        self.pdf.rect(x, y, w, h, style=style or "D")

    def kv(
        self,
        x: float,
        y: float,
        rows: list[tuple[str, str]],
        *,
        value_x: float,
        step: float,
        label_style: str = "",
        value_style: str = "",
        value_w: float = 0,
        align: str = "L",
    ) -> float:
        """Label / value pairs one under the other; returns the y after the last."""
        for label, value in rows:
            self.set(label_style)
            self.text(x, y, label, w=value_x - x - 1)
            self.set(value_style)
            self.text(value_x, y, value, w=value_w, align=align)
            y += step
        self.set("")
        return y

    def output(self) -> bytes:
        return bytes(self.pdf.output())


@dataclass(frozen=True)
class Col:
    head: str
    w: float
    align: str = "L"


def row(c: Canvas, x: float, y: float, cols: list[Col], values: list[str], *, pad: float = 1.2) -> None:
    """One table row: each value in its column, padded, aligned as the column says."""
    for col, value in zip(cols, values, strict=True):
        c.text(x + pad, y, value, w=col.w - 2 * pad, align=col.align)
        x += col.w


def head_row(
    c: Canvas, x: float, y: float, cols: list[Col], *, pad: float = 1.2, step: float | None = None
) -> None:
    """Column heads, a head may be two lines ("Billed\\nqty")."""
    step = step or c.lh
    for col in cols:
        for i, part in enumerate(col.head.split("\n")):
            c.text(x + pad, y + i * step, part, w=col.w - 2 * pad, align=col.align)
        x += col.w


def grid(c: Canvas, x: float, y: float, cols: list[Col], height: float, width: float = 0.2) -> None:
    """Vertical rules between columns and a box around them."""
    total = sum(col.w for col in cols)
    c.rect(x, y, total, height, width=width)
    for col in cols[:-1]:
        x += col.w
        c.line(x, y, x, y + height, width)


def jitter(rng: random.Random, spread: float = 3.0) -> float:
    return round(rng.uniform(-spread, spread), 1)


# --- ground truth builders -------------------------------------------------------------------------


def L(
    no: int,
    item: str | None,
    desc: str | None,
    qty: str,
    uom: str | None,
    price: str,
    amount: str | None = None,
) -> dict[str, Any]:
    return {
        "line_no": no,
        "item_id": item,
        "description": desc,
        "quantity": qty,
        "uom": uom,
        "unit_price": price,
        "amount": amount,
    }


def invoice(
    number: str,
    vendor: str,
    po: str,
    day: date,
    currency: str,
    lines: list[dict[str, Any]],
    *,
    freight: str = "0",
    tax_rate: str | None = None,
    tax: str | None = None,
    vat_per_line: str | None = None,
    kind: InvoiceKind = InvoiceKind.INVOICE,
    terms: PaymentTerms | None = None,
    original: str | None = None,
) -> Invoice:
    """An invoice whose every line amount is stated, its tax `tax_rate` % of
    lines + freight (or `vat_per_line` %: VAT rounded on every line and on the
    freight, as UK invoices print it), its total = lines + freight + tax."""
    built = []
    for spec in lines:
        amount = (
            D(spec["amount"])
            if spec["amount"]
            else round_money(D(spec["quantity"]) * D(spec["unit_price"]), currency)
        )
        built.append(
            InvoiceLine(
                line_no=spec["line_no"],
                item_id=spec["item_id"],
                description=spec["description"],
                quantity=D(spec["quantity"]),
                uom=spec["uom"],
                unit_price=D(spec["unit_price"]),
                amount=amount,
            )
        )
    lines_total = stated_total(built)
    if vat_per_line is not None:
        rate = D(vat_per_line) / 100
        tax_value = sum((round_money(stated_amount(line) * rate, currency) for line in built), D(0))
        tax_value += round_money(D(freight) * rate, currency)
    elif tax_rate is not None:
        tax_value = round_money((lines_total + D(freight)) * D(tax_rate) / 100, currency)
    else:
        tax_value = D(tax or "0")
    return Invoice(
        invoice_number=number,
        kind=kind,
        vendor_id=vendor,
        po_number=po,
        invoice_date=day,
        currency=currency,
        lines=built,
        freight=D(freight),
        tax=tax_value,
        total=lines_total + D(freight) + tax_value,
        payment_terms=terms,
        original_invoice_number=original,
    )


def terms(net: int, discount_days: int | None = None, percent: str | None = None) -> PaymentTerms:
    return PaymentTerms(
        net_days=net,
        discount_days=discount_days,
        discount_percent=D(percent) if percent is not None else None,
    )


def midnight(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def ack(
    ack_id: str,
    vendor: str,
    po: str,
    at: datetime,
    status: AckStatus,
    lines: list[AcknowledgmentLine],
    message: str | None = None,
) -> Acknowledgment:
    return Acknowledgment(
        ack_id=ack_id,
        po_number=po,
        vendor_id=vendor,
        status=status,
        lines=lines,
        message=message,
        acknowledged_at=at,
    )


def AL(
    no: int,
    status: AckLineStatus,
    *,
    qty: str | None = None,
    price: str | None = None,
    promised: date | None = None,
) -> AcknowledgmentLine:
    return AcknowledgmentLine(
        line_no=no,
        status=status,
        quantity=D(qty) if qty else None,
        unit_price=D(price) if price else None,
        promised_date=promised,
    )


@dataclass(frozen=True)
class AckRow:
    """What an acknowledgment page prints for a PO line besides the ground truth:
    the item, what was ordered, at what price."""

    item: str
    description: str
    ordered: str
    uom: str
    po_price: str


def _unprinted(inv: Invoice, *fields: str) -> None:
    """A layout without a column for these line fields: the ground truth must not hold them."""
    for line in inv.lines:
        for name in fields:
            if getattr(line, name) is not None:
                raise ValueError(
                    f"{inv.invoice_number}: line {line.line_no} has {name}, which the layout does not print"
                )


def _amt(inv: Invoice, line: InvoiceLine) -> Decimal:
    return inv.line_amount(line)


# --- layout 1: SAP-style billing document --------------------------------------------------------

_LABELS = labels.load("pdf_blind")  # this set's tables; the rest of its wording is in each layout
_SAP_LABELS: dict[str, dict[str, Any]] = _LABELS["sap"]


def render_sap(inv: Invoice, ctx: dict[str, Any], rng: random.Random) -> bytes:
    lang, style = ctx["lang"], ctx["numbers"]
    t = _SAP_LABELS[lang]
    credit = inv.kind == InvoiceKind.CREDIT_MEMO
    title = t["credit"] if credit else t["invoice"]
    c = Canvas(
        title=f"{title} {inv.invoice_number}",
        author=VENDOR_NAMES[inv.vendor_id],
        day=inv.invoice_date,
        creator="SAP NetWeaver 7.50 / Smart Forms",
    )
    c.font(rng.choice(["Helvetica", "Times"]), "", 8.5)
    c.page()
    dx, dy = jitter(rng, 2), jitter(rng, 3)
    # letterhead, right-aligned
    c.set("B", 15)
    c.rtext(195, 12 + dy, ctx["letterhead"][0])
    c.set("", 7.5)
    for i, text in enumerate(ctx["letterhead"][1:]):
        c.rtext(195, 19 + dy + i * 3.4, text)
    # address window
    c.set("U", 6.5)
    c.text(20 + dx, 45 + dy, ctx["sender_line"])
    c.set("", 9.5)
    for i, text in enumerate(ctx["buyer"]):
        c.text(20 + dx, 51 + dy + i * 4.3, text)
    # document header block
    c.set("B", 14)
    c.text(115, 38 + dy, title)
    rows = [
        (t["number"], f"{inv.invoice_number} / {fdate(inv.invoice_date, 'dot')}"),
        (t["customer"], ctx["customer_no"]),
    ]
    if ctx.get("show_vendor"):
        rows.append((t["vendor"], inv.vendor_id))
    if inv.original_invoice_number:
        rows.append((t["reference"], f"{inv.original_invoice_number} / {fdate(ctx['original_date'], 'dot')}"))
    rows += [(t["po"], f"{inv.po_number} / {fdate(ctx['order_date'], 'dot')}")]
    if ctx.get("delivery"):
        rows.append((t["delivery"], f"{ctx['delivery']} / {fdate(ctx['delivery_date'], 'dot')}"))
    rows += [(t["contact"], ctx["contact"]), (t["currency"], inv.currency), (t["page"], f"1 {t['of']} 1")]
    c.set("", 8.5)
    y = c.kv(115, 46 + dy, rows, value_x=158, step=4.2)
    # intro and table
    y = max(y, 80 + dy) + 8
    c.set("", 9)
    c.text(15, y, t["intro_credit"] if credit else t["intro_invoice"])
    y += 8
    heads = t["heads"]
    widths = [10, 37, 54, 9, 15, 9, 16, 8, 22]
    aligns = ["L", "L", "L", "L", "R", "L", "R", "R", "R"]
    cols = [Col(h, w, a) for h, w, a in zip(heads, widths, aligns, strict=False)]
    c.line(15, y - 1.5, 195, y - 1.5, 0.3)
    c.set("B", 7.5)
    head_row(c, 15, y, cols, step=3.3)
    y += 7.5
    c.line(15, y - 1, 195, y - 1, 0.3)
    for position, line in enumerate(inv.lines, start=1):
        c.set("", 8)
        row(
            c,
            15,
            y + 1,
            cols,
            [
                f"{position * 10}",
                line.item_id or "",
                line.description or "",
                "TAN",
                num(line.quantity, style),
                line.uom or "",
                num(line.unit_price, style),
                "1",
                num(_amt(inv, line), style),
            ],
        )
        c.set("I", 7)
        c.text(15 + widths[0] + 1.2, y + 5.3, f"{t['po_item']} {line.line_no}")
        y += 10
    c.line(15, y, 195, y, 0.3)
    # totals
    y += 4
    totals = [(t["net"], num(inv.lines_total, style, 2))]
    if inv.freight:
        totals.append((t["freight"], num(inv.freight, style, 2)))
    totals.append((f"{t['tax']}   {num(D(ctx['tax_rate']), style, 3)} %", num(inv.tax, style, 2)))
    c.set("", 8.5)
    for label, value in totals:
        c.text(110, y, label)
        c.rtext(195, y, value)
        y += 4.6
    c.line(110, y - 0.5, 195, y - 0.5)
    c.set("B", 9.5)
    c.text(110, y + 1, t["final"])
    c.rtext(195, y + 1, f"{inv.currency}  {num(inv.total, style, 2)}")
    y += 12
    c.set("", 8)
    if inv.payment_terms is not None:
        c.text(15, y, f"{t['terms']}: {ctx['terms_text']}")
        y += 4.5
    if ctx.get("incoterms"):
        c.text(15, y, f"{t['incoterms']}: {ctx['incoterms']}")
    # footer
    c.line(15, 272, 195, 272, 0.2, gray=120)
    c.set("", 6.5)
    for column, texts in enumerate(ctx["footer"]):
        for i, text in enumerate(texts):
            c.text(15 + column * 62, 274 + i * 3, text)
    return c.output()


# --- layout 2: Italian fattura / nota di credito ------------------------------------------------------


def render_fattura(inv: Invoice, ctx: dict[str, Any], rng: random.Random) -> bytes:
    credit = inv.kind == InvoiceKind.CREDIT_MEMO
    kind = "NOTA DI CREDITO" if credit else "FATTURA"
    c = Canvas(
        title=f"{kind.title()} n. {inv.invoice_number}",
        author=VENDOR_NAMES[inv.vendor_id],
        day=inv.invoice_date,
        creator="Gestionale 1 - Zucchetti",
    )
    c.font(ctx.get("font", "Helvetica"), "", 8.5)
    c.page()
    dy = jitter(rng, 2)
    c.set("B", 15)
    c.text(14, 12 + dy, VENDOR_NAMES[inv.vendor_id])
    c.set("", 7.5)
    for i, text in enumerate(ctx["seller"]):
        c.text(14, 19 + dy + i * 3.5, text)
    # buyer box
    c.rect(112, 14 + dy, 84, 30)
    c.set("I", 7)
    c.text(114, 15.5 + dy, "Spett.le")
    c.set("B", 9)
    c.text(114, 20 + dy, ctx["buyer"][0])
    c.set("", 8.5)
    for i, text in enumerate(ctx["buyer"][1:]):
        c.text(114, 24.5 + dy + i * 4, text)
    # document data grid
    y = 52 + dy
    heads = ["Tipo documento", "Numero", "Data", "Cod. cliente", "Divisa", "Pagina"]
    values = [
        kind,
        inv.invoice_number,
        fdate(inv.invoice_date, "slash"),
        ctx["customer_no"],
        inv.currency,
        "1/1",
    ]
    if ctx.get("show_vendor"):
        heads.insert(4, "Cod. fornitore")
        values.insert(4, inv.vendor_id)
    widths = (
        [38, 28, 24, 22, 24, 16, 30][: len(heads)] if ctx.get("show_vendor") else [40, 32, 26, 28, 22, 34]
    )
    cols = [Col(h, w) for h, w in zip(heads, widths, strict=False)]
    grid(c, 14, y, cols, 10)
    c.set("", 6.5)
    head_row(c, 14, y + 0.8, cols)
    c.set("B", 9)
    row(c, 14, y + 5, cols, values)
    y += 12
    cols2 = [Col("Rif. ordine", 60), Col("Pagamento", 72), Col("Banca d'appoggio", 50)]
    payment = ctx.get("payment_text", "")
    grid(c, 14, y, cols2, 10)
    c.set("", 6.5)
    head_row(c, 14, y + 0.8, cols2)
    c.set("", 8.5)
    row(
        c,
        14,
        y + 5,
        cols2,
        [f"{inv.po_number} del {fdate(ctx['order_date'], 'slash')}", payment, ctx["bank"]],
    )
    y += 14
    if credit:
        c.set("B", 8.5)
        c.text(
            14,
            y,
            f"A storno parziale della fattura n. {inv.original_invoice_number} del "
            f"{fdate(ctx['original_date'], 'slash')}",
        )
        c.set("", 8.5)
        c.text(14, y + 4.2, ctx["reason"])
        y += 11
    # lines
    cols = [
        Col("Riga\nord.", 12, "R"),
        Col("Codice articolo", 34),
        Col("Descrizione", 59),
        Col("U.M.", 10),
        Col("Quantità", 18, "R"),
        Col("Prezzo\nunitario", 18, "R"),
        Col("Importo", 22, "R"),
        Col("IVA", 9, "R"),
    ]
    table_top = y
    c.rect(14, y, 182, 8, fill=225)
    c.set("B", 7)
    head_row(c, 14, y + 0.8, cols, step=3.2)
    y += 9.5
    c.set("", 8)
    for line in inv.lines:
        row(
            c,
            14,
            y,
            cols,
            [
                str(line.line_no),
                line.item_id or "",
                line.description or "",
                line.uom or "",
                num(line.quantity, "de"),
                num(line.unit_price, "de"),
                num(_amt(inv, line), "de", 2),
                ctx["vat_code"],
            ],
        )
        y += 5.5
    y = max(y + 4, table_top + 70)
    grid(c, 14, table_top, cols, y - table_top)
    # VAT summary and totals
    y += 6
    c.set("B", 8)
    c.text(14, y, "Riepilogo IVA")
    taxable = inv.lines_total + inv.freight
    vcols = [
        Col("Cod. IVA", 18),
        Col("Aliquota", 18, "R"),
        Col("Imponibile", 26, "R"),
        Col("Imposta", 24, "R"),
    ]
    grid(c, 14, y + 5, vcols, 12)
    c.set("", 6.5)
    head_row(c, 14, y + 5.8, vcols)
    c.set("", 8.5)
    row(
        c,
        14,
        y + 11,
        vcols,
        [ctx["vat_code"], f"{ctx['tax_rate']}%", num(taxable, "de", 2), num(inv.tax, "de", 2)],
    )
    tx, ty = 122, y
    rows = [("Totale merce", num(inv.lines_total, "de", 2))]
    if inv.freight:
        rows.append(("Spese di trasporto", num(inv.freight, "de", 2)))
    rows += [("Imponibile", num(taxable, "de", 2)), (f"IVA {ctx['tax_rate']}%", num(inv.tax, "de", 2))]
    c.rect(tx - 2, ty - 2, 76, 6 + 5 * len(rows) + 8)
    c.set("", 8.5)
    for label, value in rows:
        c.text(tx, ty, label)
        c.rtext(194, ty, value)
        ty += 5
    c.line(tx - 2, ty, tx + 74, ty)
    c.set("B", 10)
    c.text(tx, ty + 2, "Totale documento")
    c.rtext(194, ty + 2, f"€ {num(inv.total, 'de', 2)}")
    y = max(y + 22, ty + 16)
    if ctx.get("due_date"):
        c.set("", 8)
        c.text(14, y, f"Scadenze: {fdate(ctx['due_date'], 'slash')}  € {num(inv.total, 'de', 2)}")
        y += 5
    c.set("I", 6.5)
    c.text(
        14,
        270,
        "Documento privo di valenza fiscale ai sensi dell'art. 21 DPR 633/72. L'originale è disponibile "
        "nell'area riservata del sito del Sistema di Interscambio (SdI).",
    )
    c.text(14, 273.5, ctx["legal"])
    return c.output()


# --- layout 3: Spanish factura ------------------------------------------------------------------------


def render_factura(inv: Invoice, ctx: dict[str, Any], rng: random.Random) -> bytes:
    _unprinted(inv, "uom")
    c = Canvas(
        title=f"Factura {inv.invoice_number}",
        author=VENDOR_NAMES[inv.vendor_id],
        day=inv.invoice_date,
        creator="A3ERP",
    )
    c.font("Helvetica", "", 8.5)
    c.page()
    dx = jitter(rng, 2)
    c.set("B", 13)
    c.text(15 + dx, 14, VENDOR_NAMES[inv.vendor_id])
    c.set("", 8)
    for i, text in enumerate(ctx["seller"]):
        c.text(15 + dx, 20.5 + i * 3.6, text)
    c.set("B", 24)
    c.rtext(195, 13, "FACTURA")
    # client box (left) and document box (right)
    c.rect(15, 44, 88, 30)
    c.set("B", 7)
    c.text(17, 45.5, "CLIENTE")
    c.set("", 8.5)
    for i, text in enumerate(ctx["buyer"]):
        c.text(17, 50 + i * 4, text)
    c.rect(110, 44, 85, 30, fill=242)
    date_text = fdate(inv.invoice_date, ctx.get("date_style", "slash"))
    rows = [
        ("Nº Factura:", inv.invoice_number),
        ("Fecha:", date_text),
        ("Su pedido:", inv.po_number),
        ("Nº cliente:", ctx["customer_no"]),
        ("Moneda:", inv.currency),
    ]
    c.set("", 8.5)
    c.kv(113, 46.5, rows, value_x=138, step=5, label_style="B")
    # lines
    y: float = 84
    cols = [
        Col("Lín.\nped.", 11, "R"),
        Col("Código", 32),
        Col("Concepto", 62),
        Col("Cantidad", 17, "R"),
        Col("Precio", 17, "R"),
        Col("Dto. %", 13, "R"),
        Col("Importe", 28, "R"),
    ]
    c.rect(15, y, 180, 8, fill=60, border=False)
    c.pdf.set_text_color(255)
    c.set("B", 7.5)
    head_row(c, 15, y + 0.8, cols, step=3.3)
    c.pdf.set_text_color(0)
    y += 11
    c.set("", 8.5)
    for line in inv.lines:
        discount = ctx.get("discounts", {}).get(line.line_no)
        row(
            c,
            15,
            y,
            cols,
            [
                str(line.line_no),
                line.item_id or "",
                line.description or "",
                num(line.quantity, "de"),
                num(line.unit_price, "de"),
                num(D(discount), "de", 2) if discount else "",
                num(_amt(inv, line), "de", 2),
            ],
        )
        c.line(15, y + 4.6, 195, y + 4.6, 0.1, gray=170)
        y += 6.5
    # totals strip
    y = max(y + 10, 150)
    strip = [
        Col("Suma importes", 32, "R"),
        Col("Portes", 24, "R"),
        Col("Base imponible", 32, "R"),
        Col(f"IVA {ctx['tax_rate']} %", 30, "R"),
        Col("TOTAL FACTURA", 62, "R"),
    ]
    grid(c, 15, y, strip, 14)
    c.line(15, y + 5.5, 195, y + 5.5)
    c.set("B", 7)
    head_row(c, 15, y + 1, strip)
    c.set("", 9)
    row(
        c,
        15,
        y + 8,
        strip[:4],
        [
            num(inv.lines_total, "de", 2),
            num(inv.freight, "de", 2),
            num(inv.lines_total + inv.freight, "de", 2),
            num(inv.tax, "de", 2),
        ],
    )
    c.set("B", 11)
    c.text(15 + 118 + 1.2, y + 7.6, f"{num(inv.total, 'de', 2)} €", w=62 - 2.4, align="R")
    y += 22
    c.set("", 8.5)
    if inv.payment_terms is not None:
        c.text(15, y, f"Forma de pago: {ctx['terms_text']}")
        y += 4.6
    c.text(15, y, f"Vencimiento: {fdate(ctx['due_date'], 'slash')}")
    c.text(15, y + 4.6, f"IBAN: {ctx['iban']}")
    c.set("", 6)
    c.text(15, 282, ctx["legal"])
    return c.output()


# --- layout 4: UK tax invoice / credit note ------------------------------------------------------------


def render_uk(inv: Invoice, ctx: dict[str, Any], rng: random.Random) -> bytes:
    _unprinted(inv, "uom")
    credit = inv.kind == InvoiceKind.CREDIT_MEMO
    title = "CREDIT NOTE" if credit else "TAX INVOICE"
    family = ctx.get("font", "Helvetica")
    c = Canvas(
        title=f"{title.title()} {inv.invoice_number}",
        author=VENDOR_NAMES[inv.vendor_id],
        day=inv.invoice_date,
        creator="Sage 50 Accounts",
    )
    c.font(family, "", 9)
    c.page()
    dy = jitter(rng, 2)
    c.set("B", 18)
    c.text(14, 12 + dy, VENDOR_NAMES[inv.vendor_id])
    c.set("", 8)
    for i, text in enumerate(ctx["seller"]):
        c.text(14, 20 + dy + i * 3.7, text)
    c.set("B", 17)
    c.rtext(196, 12 + dy, title)
    c.set("", 8.5)
    c.rtext(196, 20 + dy, f"VAT Reg No: {ctx['vat_reg']}")
    number_label = "Credit Note No:" if credit else "Invoice No:"
    date_label = "Date:" if credit else "Tax Point / Invoice Date:"
    rows = [(number_label, inv.invoice_number), (date_label, fdate(inv.invoice_date, ctx["date_style"]))]
    if credit:
        rows.append(("Original Invoice No:", inv.original_invoice_number or ""))
    rows += [("Your Order Ref:", inv.po_number), ("Account No:", ctx["account"]), ("Page:", "1 of 1")]
    c.kv(124, 34 + dy, rows, value_x=163, step=4.6, label_style="B")
    c.set("B", 8.5)
    c.text(14, 40 + dy, "Invoice To:")
    c.set("", 8.5)
    for i, text in enumerate(ctx["buyer"]):
        c.text(14, 44.5 + dy + i * 4, text)
    y = 72 + dy
    if credit:
        c.set("I", 8.5)
        c.text(14, y, f"Reason for credit: {ctx['reason']}")
        y += 7
    cols = [
        Col("Line", 10, "R"),
        Col("Product Code", 27),
        Col("Description", 51),
        Col("Qty", 12, "R"),
        Col("Unit Price £", 20, "R"),
        Col("Net £", 19, "R"),
        Col("VAT %", 12, "R"),
        Col("VAT £", 15, "R"),
        Col("Gross £", 17, "R"),
    ]
    c.rect(13, y, 183, 6.5, fill=215, border=False)
    c.set("B", 7.5)
    head_row(c, 13, y + 1.7, cols)
    y += 8.5
    c.set("", 8.5)
    rate = D(ctx["vat_rate"]) / 100
    entries = [
        (
            str(line.line_no),
            line.item_id or "",
            line.description or "",
            num(line.quantity, "en"),
            num(line.unit_price, "en", 2),
            _amt(inv, line),
        )
        for line in inv.lines
    ]
    if inv.freight:
        entries.append(("", "CARRIAGE", ctx["carriage_text"], "1", num(inv.freight, "en", 2), inv.freight))
    for no, code, text, qty, price, net in entries:
        vat = round_money(net * rate, inv.currency)
        row(
            c,
            13,
            y,
            cols,
            [
                no,
                code,
                text,
                qty,
                price,
                num(net, "en", 2),
                ctx["vat_rate"],
                num(vat, "en", 2),
                num(net + vat, "en", 2),
            ],
        )
        y += 5
        c.line(13, y - 0.8, 196, y - 0.8, 0.1, gray=190)
    y += 6
    # VAT analysis (left) and totals (right)
    c.set("B", 7.5)
    c.text(14, y, "VAT Analysis")
    c.set("", 7.5)
    c.text(
        14,
        y + 4,
        f"Standard rate {ctx['vat_rate']}%   Net £{num(inv.lines_total + inv.freight, 'en', 2)}"
        f"   VAT £{num(inv.tax, 'en', 2)}",
    )
    total_label = "Credit Total" if credit else "Invoice Total"
    rows = [
        ("Total Net", f"£{num(inv.lines_total + inv.freight, 'en', 2)}"),
        ("Total VAT", f"£{num(inv.tax, 'en', 2)}"),
    ]
    c.set("", 9)
    ty = y
    for label, value in rows:
        c.text(140, ty, label)
        c.rtext(196, ty, value)
        ty += 5
    c.rect(138, ty - 1, 58, 7, fill=235)
    c.set("B", 10)
    c.text(140, ty + 0.5, f"{total_label} (GBP)")
    c.rtext(195, ty + 0.5, f"£{num(inv.total, 'en', 2)}")
    y = ty + 14
    c.set("", 8.5)
    if inv.payment_terms is not None:
        c.text(14, y, f"Payment Terms: {ctx['terms_text']}")
        y += 4.6
    c.text(14, y, ctx["bank"])
    c.set("", 6.5)
    c.text(
        14,
        281,
        f"{VENDOR_NAMES[inv.vendor_id]} (UK branch) | VAT Reg No: {ctx['vat_reg']} | {ctx['registered']}",
    )
    return c.output()


# --- layout 5: Swiss Rechnung with QR-bill receipt ---------------------------------------------------


def render_ch(inv: Invoice, ctx: dict[str, Any], rng: random.Random) -> bytes:
    c = Canvas(
        title=f"Rechnung {inv.invoice_number}",
        author=VENDOR_NAMES[inv.vendor_id],
        day=inv.invoice_date,
        creator="Abacus ERP",
    )
    c.font("Helvetica", "", 9)
    c.page()
    dy = jitter(rng, 2)
    c.set("B", 12)
    c.text(20, 14 + dy, VENDOR_NAMES[inv.vendor_id])
    c.set("", 8)
    for i, text in enumerate(ctx["seller"]):
        c.text(20, 19.5 + dy + i * 3.6, text)
    # address on the right (Swiss window)
    c.set("U", 6.5)
    c.text(118, 44, ctx["sender_line"])
    c.set("", 9.5)
    for i, text in enumerate(ctx["buyer"]):
        c.text(118, 49 + i * 4.4, text)
    c.set("B", 16)
    c.text(20, 74, "Rechnung")
    rows = [
        ("Rechnungsnummer", inv.invoice_number),
        ("Rechnungsdatum", fdate(inv.invoice_date, "dot")),
        ("Ihre Bestellung", f"{inv.po_number} vom {fdate(ctx['order_date'], 'dot')}"),
        ("Kundennummer", ctx["customer_no"]),
    ]
    if ctx.get("show_vendor"):
        rows.append(("Lieferanten-Nr.", inv.vendor_id))
    rows.append(("MWST-Nr.", ctx["uid"]))
    c.set("", 8.5)
    y = c.kv(20, 83, rows, value_x=55, step=4.4)
    y += 5
    c.set("", 7.5)
    c.rtext(190, y, f"Beträge in {inv.currency}")
    y += 4
    cols = [
        Col("Pos.", 11, "R"),
        Col("Artikel-Nr.", 34),
        Col("Bezeichnung", 58),
        Col("Menge", 18, "R"),
        Col("Einheit", 13),
        Col("Preis", 18, "R"),
        Col("Betrag", 18, "R"),
    ]
    c.line(20, y, 190, y, 0.4)
    c.set("B", 8)
    head_row(c, 20, y + 1.5, cols)
    y += 6.5
    c.line(20, y, 190, y, 0.2)
    y += 1.8
    c.set("", 8.5)
    for line in inv.lines:
        row(
            c,
            20,
            y,
            cols,
            [
                str(line.line_no),
                line.item_id or "",
                line.description or "",
                num(line.quantity, "ch"),
                line.uom or "",
                num(line.unit_price, "ch"),
                num(_amt(inv, line), "ch", 2),
            ],
        )
        y += 5
    c.line(20, y + 0.5, 190, y + 0.5, 0.2)
    y += 3.5
    base = inv.lines_total + inv.freight
    rows = [("Zwischentotal", num(inv.lines_total, "ch", 2))]
    if inv.freight:
        rows.append(("Versandkosten", num(inv.freight, "ch", 2)))
    rows += [
        ("Total exkl. MWST", num(base, "ch", 2)),
        (f"MWST {ctx['tax_rate']} % auf {num(base, 'ch', 2)}", num(inv.tax, "ch", 2)),
    ]
    c.set("", 8.5)
    for label, value in rows:
        c.text(110, y, label)
        c.rtext(190, y, value)
        y += 4.6
    c.line(110, y, 190, y, 0.4)
    c.set("B", 9.5)
    c.text(110, y + 1.2, f"Rechnungsbetrag {inv.currency}")
    c.rtext(190, y + 1.2, num(inv.total, "ch", 2))
    y += 10
    c.set("", 8.5)
    if inv.payment_terms is not None:
        c.text(20, y, ctx["terms_text"])
        y += 4.5
    c.text(20, y, "Besten Dank für Ihren Auftrag.")
    # QR-bill: receipt and payment part, from y=192
    top = 192
    c.dashed(0, top, 210, top)
    c.dashed(62, top, 62, 297)
    c.set("", 5.5)
    c.text(80, top - 3, "Vor der Einzahlung abzutrennen")
    c.set("B", 11)
    c.text(5, top + 5, "Empfangsschein")
    c.text(67, top + 5, "Zahlteil")
    amount = num(inv.total, "qr", 2)
    for x, width in ((5, 52), (118, 87)):
        y = top + 12
        c.set("B", 6)
        c.text(x, y, "Konto / Zahlbar an")
        c.set("", 8)
        for i, text in enumerate(
            [ctx["qr_iban"], VENDOR_NAMES[inv.vendor_id], ctx["qr_address"][0], ctx["qr_address"][1]]
        ):
            c.text(x, y + 3.2 + i * 3.5, text, w=width)
        y += 19
        c.set("B", 6)
        c.text(x, y, "Referenz")
        c.set("", 8)
        c.text(x, y + 3.2, ctx["qr_reference"], w=width)
        y += 9
        c.set("B", 6)
        c.text(x, y, "Zahlbar durch")
        c.set("", 8)
        for i, text in enumerate(ctx["buyer"][:1] + ctx["buyer"][-2:]):
            c.text(x, y + 3.2 + i * 3.5, text, w=width)
    for x in (5, 67):
        y = top + 68
        c.set("B", 6)
        c.text(x, y, "Währung")
        c.text(x + 14, y, "Betrag")
        c.set("", 8)
        c.text(x, y + 3.5, inv.currency)
        c.text(x + 14, y + 3.5, amount)
    # the QR code's place
    c.rect(67, top + 14, 46, 46)
    rnd = random.Random(inv.invoice_number)
    for i in range(23):
        for j in range(23):
            if rnd.random() < 0.45 or (i < 4 and j < 4) or (i > 18 and j < 4) or (i < 4 and j > 18):
                c.rect(68 + i * 1.9, top + 15 + j * 1.9, 1.9, 1.9, fill=0, border=False)
    c.set("B", 6)
    c.text(46, top + 80, "Annahmestelle")
    return c.output()


# --- layout 6: US landscape invoice ------------------------------------------------------------------


def render_landscape(inv: Invoice, ctx: dict[str, Any], rng: random.Random) -> bytes:
    c = Canvas(
        orientation="L",
        page="Letter",
        title=f"Invoice {inv.invoice_number}",
        author=VENDOR_NAMES[inv.vendor_id],
        day=inv.invoice_date,
        creator="Epicor Prophet 21",
    )
    c.font("Helvetica", "", 8)
    c.page()
    right = c.width - 10
    dy = jitter(rng, 1.5)
    c.set("B", 16)
    c.text(10, 10 + dy, VENDOR_NAMES[inv.vendor_id])
    c.set("", 8)
    for i, text in enumerate(ctx["seller"]):
        c.text(10, 17 + dy + i * 3.5, text)
    c.set("B", 24)
    c.rtext(right, 9 + dy, "INVOICE")
    c.set("", 8)
    c.rtext(right, 19 + dy, "Page 1 of 1")
    # boxed header row
    heads = [
        "INVOICE DATE",
        "INVOICE NO.",
        "CUSTOMER PO #",
        "ORDER DATE",
        "TERMS",
        "SHIP VIA",
        "F.O.B.",
        "SALES REP",
    ]
    values = [
        fdate(inv.invoice_date, "us_long"),
        inv.invoice_number,
        inv.po_number,
        fdate(ctx["order_date"], "us_long"),
        ctx["terms_text"] if inv.payment_terms else "",
        ctx["ship_via"],
        ctx["fob"],
        ctx["rep"],
    ]
    if ctx.get("show_vendor"):
        heads.append("VENDOR ID")
        values.append(inv.vendor_id)
    width = (right - 10) / len(heads)
    cols = [Col(h, width, "C") for h in heads]
    y = 34 + dy
    c.rect(10, y, right - 10, 5.5, fill=200, border=False)
    grid(c, 10, y, cols, 12)
    c.set("B", 7)
    head_row(c, 10, y + 1.3, cols)
    c.set("", 8.5)
    row(c, 10, y + 7, cols, values)
    # bill to / ship to
    y += 16
    for x, label, lines in ((10, "BILL TO", ctx["buyer"]), (140, "SHIP TO", ctx["ship_to"])):
        c.set("B", 7.5)
        c.text(x, y, label)
        c.set("", 8.5)
        for i, text in enumerate(lines):
            c.text(x + 2, y + 4 + i * 3.8, text)
    # lines
    y += 24
    cols = [
        Col("LN", 9, "R"),
        Col("PO LN", 12, "R"),
        Col("ITEM NUMBER", 40),
        Col("DESCRIPTION", 78),
        Col("ORDERED", 17, "R"),
        Col("SHIPPED", 17, "R"),
        Col("B/O", 13, "R"),
        Col("U/M", 11, "C"),
        Col("UNIT PRICE", 22, "R"),
        Col("EXTENSION", right - 10 - 219, "R"),
    ]
    table_top = y
    c.rect(10, y, right - 10, 6, fill=200, border=False)
    c.set("B", 7.5)
    head_row(c, 10, y + 1.5, cols)
    y += 8
    c.set("", 8.5)
    for position, line in enumerate(inv.lines, start=1):
        ordered, backordered = ctx["ordered"][line.line_no], D(ctx["ordered"][line.line_no]) - line.quantity
        row(
            c,
            10,
            y,
            cols,
            [
                str(position),
                str(line.line_no),
                line.item_id or "",
                line.description or "",
                num(D(ordered), "en"),
                num(line.quantity, "en"),
                num(backordered, "en"),
                line.uom or "",
                num(line.unit_price, "en", 2),
                num(_amt(inv, line), "en", 2),
            ],
        )
        y += 5.2
    bottom = max(y + 4, table_top + 70)
    grid(c, 10, table_top, cols, bottom - table_top)
    # totals
    y = bottom + 4
    rows = [
        ("SUBTOTAL", num(inv.lines_total, "en", 2)),
        ("FREIGHT", num(inv.freight, "en", 2)),
        (ctx["tax_label"], num(inv.tax, "en", 2)),
    ]
    c.set("", 9)
    for label, value in rows:
        c.text(right - 75, y, label)
        c.rtext(right - 2, y, value)
        y += 5
    c.rect(right - 77, y - 1, 77, 7, fill=225)
    c.set("B", 10)
    c.text(right - 75, y + 0.5, f"TOTAL DUE ({inv.currency})")
    c.rtext(right - 2, y + 0.5, f"${num(inv.total, 'en', 2)}")
    c.set("", 8)
    ly = bottom + 4
    for text in ctx["remit"]:
        c.text(10, ly, text)
        ly += 3.8
    c.set("I", 7)
    c.text(
        10,
        c.height - 12,
        "Past due balances are subject to a finance charge of 1.5% per month. Thank you for your business!",
    )
    return c.output()


# --- layout 7: no ruling at all, right-aligned numbers ------------------------------------------------


def render_plain(inv: Invoice, ctx: dict[str, Any], rng: random.Random) -> bytes:
    variant = ctx["variant"]  # "courier", "times-pages" or "two-row"
    family = {"courier": "Courier", "times-pages": "Times", "two-row": "Helvetica"}[variant]
    c = Canvas(
        title=f"Invoice {inv.invoice_number}",
        author=VENDOR_NAMES[inv.vendor_id],
        day=inv.invoice_date,
        creator="Oracle Reports 12c" if variant == "courier" else "Microsoft Dynamics GP",
    )
    size = 8.5 if family == "Courier" else 9.5
    c.font(family, "", size)
    date_text = fdate(inv.invoice_date, ctx["date_style"])
    per_page = ctx.get("per_page", 40)
    pages = [inv.lines[i : i + per_page] for i in range(0, len(inv.lines), per_page)]
    x0 = 16 + jitter(rng, 2)
    right = 194
    carried = D(0)
    for page_no, lines in enumerate(pages, start=1):
        c.page()
        c.set("B", size + 4)
        c.text(
            x0,
            14,
            VENDOR_NAMES[inv.vendor_id].upper() if variant == "courier" else VENDOR_NAMES[inv.vendor_id],
        )
        c.set("", size - 0.5)
        for i, text in enumerate(ctx["seller"]):
            c.text(x0, 21 + i * 3.8, text)
        c.set("B", size + 6)
        c.rtext(right, 14, "INVOICE")
        c.set("", size)
        if page_no == 1:
            rows = [
                ("Invoice Number", inv.invoice_number),
                ("Invoice Date", date_text),
                ("Customer PO", inv.po_number),
            ]
            if inv.payment_terms is not None:
                rows.append(("Payment Terms", ctx["terms_text"]))
            rows += [("Customer No.", ctx["customer_no"]), ("Currency", inv.currency)]
            c.kv(120, 30, rows, value_x=152, step=4.6)
            c.set("B", size)
            c.text(x0, 44, "Sold To")
            c.set("", size)
            for i, text in enumerate(ctx["buyer"]):
                c.text(x0, 49 + i * 4.2, text)
            y: float = 80
        else:
            c.text(120, 30, f"Invoice {inv.invoice_number} (continued)")
            y = 44
        c.set("", size - 1)
        c.rtext(right, 22 if variant != "courier" else 23, f"Page {page_no} of {len(pages)}")
        # column heads, no rules: positions only
        if variant == "two-row":
            heads = [
                ("Ln", x0, "L"),
                ("Item", x0 + 10, "L"),
                ("Qty", 124, "R"),
                ("UOM", 128, "L"),
                ("Unit Price", 162, "R"),
                ("Amount", right, "R"),
            ]
        else:
            heads = [
                ("Line", x0 + 8, "R"),
                ("Catalog No.", x0 + 12, "L"),
                ("Description", x0 + 44, "L"),
                ("Qty", 136, "R"),
                ("UOM", 139, "L"),
                ("Unit Price", 168, "R"),
                ("Amount", right, "R"),
            ]
        c.set("B", size - 0.5)
        for text, x, align in heads:
            (c.rtext if align == "R" else c.text)(x, y, text)
        y += 7
        if page_no > 1:
            c.set("I", size - 0.5)
            c.text(x0 + 44, y, "Brought forward")
            c.rtext(right, y, num(carried, "en", 2))
            y += 6
        c.set("", size - 0.5)
        for line in lines:
            amount = num(_amt(inv, line), "en", 2)
            if variant == "two-row":
                c.text(x0, y, str(line.line_no))
                c.text(x0 + 10, y, line.item_id or "", w=60)
                c.rtext(124, y, num(line.quantity, "en"))
                c.text(128, y, line.uom or "")
                c.rtext(162, y, num(line.unit_price, "en", 2))
                c.rtext(right, y, amount)
                c.set("I", size - 1.5)
                c.text(x0 + 14, y + 4, line.description or "", w=100)
                c.set("", size - 0.5)
                y += 10
            else:
                c.rtext(x0 + 8, y, str(line.line_no))
                c.text(x0 + 12, y, line.item_id or "", w=31)
                c.text(x0 + 44, y, line.description or "", w=136 - x0 - 44 - 14)
                c.rtext(136, y, num(line.quantity, "en"))
                c.text(139, y, line.uom or "")
                c.rtext(168, y, num(line.unit_price, "en", 2))
                c.rtext(right, y, amount)
                y += 5
            carried += _amt(inv, line)
        if page_no < len(pages):
            y += 4
            c.set("I", size - 0.5)
            c.text(x0 + 44, y, "Carried forward")
            c.rtext(right, y, num(carried, "en", 2))
            c.text(x0 + 44, y + 8, "Continued on next page")
            continue
        y += 8
        rows = [("Merchandise Total", num(inv.lines_total, "en", 2))]
        if inv.freight or ctx.get("print_zero_freight"):
            rows.append((ctx.get("freight_label", "Freight"), num(inv.freight, "en", 2)))
        rows.append((ctx["tax_label"], num(inv.tax, "en", 2)))
        c.set("", size)
        for label, value in rows:
            c.text(118, y, label)
            c.rtext(right, y, value)
            y += 5
        y += 1.5
        c.set("B", size + 1)
        c.text(118, y, f"Invoice Total {inv.currency}")
        c.rtext(right, y, num(inv.total, "en", 2))
        y += 14
        c.set("", size - 1)
        for text in ctx["remit"]:
            c.text(x0, y, text)
            y += 4
    return c.output()


# --- layout 8: order acknowledgment, English ---------------------------------------------------------

_EN_STATUS = {AckLineStatus(key): text for key, text in _LABELS["ack_en"]["line_status"].items()}
_EN_HEADER_STATUS = {AckStatus(key): text for key, text in _LABELS["ack_en"]["status"].items()}


def render_ack_en(doc: Acknowledgment, ctx: dict[str, Any], rng: random.Random) -> bytes:
    day = doc.acknowledged_at.date()
    c = Canvas(
        title=f"Order Acknowledgment {doc.ack_id}",
        author=VENDOR_NAMES[doc.vendor_id],
        day=day,
        creator="NetSuite",
    )
    c.font(ctx.get("font", "Helvetica"), "", 9)
    c.page()
    dy = jitter(rng, 2)
    c.set("B", 15)
    c.text(15, 13 + dy, VENDOR_NAMES[doc.vendor_id])
    c.set("", 8)
    for i, text in enumerate(ctx["seller"]):
        c.text(15, 20 + dy + i * 3.6, text)
    c.set("B", 14)
    c.rtext(195, 13 + dy, ctx.get("title", "ORDER ACKNOWLEDGMENT"))
    if ctx.get("time_label"):
        when = f"{doc.acknowledged_at:%Y-%m-%d %H:%M} UTC"
        date_row = (ctx["time_label"], when)
    else:
        date_row = ("Date", fdate(day, ctx["date_style"]))
    rows = [
        (ctx.get("number_label", "Acknowledgment No."), doc.ack_id),
        date_row,
        ("Customer PO", doc.po_number),
        ("PO Date", fdate(ctx["order_date"], ctx["date_style"])),
    ]
    if ctx.get("show_vendor"):
        rows.append(("Vendor ID", doc.vendor_id))
    c.set("", 8.5)
    c.kv(128, 24 + dy, rows, value_x=160, step=4.4, label_style="B")
    c.set("B", 8.5)
    c.text(15, 44 + dy, "Customer")
    c.set("", 8.5)
    for i, text in enumerate(ctx["buyer"]):
        c.text(15, 48.5 + dy + i * 4, text)
    y = 72 + dy
    c.rect(15, y, 180, 8, fill=238)
    c.set("B", 10)
    c.text(18, y + 2, f"Order status: {_EN_HEADER_STATUS[doc.status]}")
    y += 13
    c.set("", 9)
    c.text(15, y, ctx["intro"])
    y += 8
    cols = [
        Col("PO\nLine", 10, "R"),
        Col("Item", 36),
        Col("Description", 35),
        Col("Ordered", 13, "R"),
        Col("Conf.\nQty", 13, "R"),
        Col("UoM", 9),
        Col("PO Price", 14, "R"),
        Col("Conf.\nPrice", 14, "R"),
        Col("Ship Date", 21),
        Col("Status", 20),
    ]
    c.line(15, y - 1.5, 200, y - 1.5, 0.3)
    c.set("B", 7.5)
    head_row(c, 15, y, cols, step=3.3)
    y += 7.5
    c.line(15, y - 1, 200, y - 1, 0.3)
    c.set("", 8)
    ds = ctx["date_style"]
    for line in doc.lines:
        info: AckRow = ctx["rows"][line.line_no]
        if line.status == AckLineStatus.REJECTED:
            conf_qty = conf_price = ship = "-"
        else:
            conf_qty = num(line.quantity if line.quantity is not None else D(info.ordered), "en")
            conf_price = num(line.unit_price if line.unit_price is not None else D(info.po_price), "en", 2)
            ship = fdate(line.promised_date, ds) if line.promised_date else ""
        row(
            c,
            15,
            y,
            cols,
            [
                str(line.line_no),
                info.item,
                info.description,
                num(D(info.ordered), "en"),
                conf_qty,
                info.uom,
                num(D(info.po_price), "en", 2),
                conf_price,
                ship,
                _EN_STATUS[line.status],
            ],
        )
        y += 5.5
    c.line(15, y, 200, y, 0.3)
    y += 7
    if doc.message:
        c.set("B", 8.5)
        c.text(15, y, "Remarks:")
        c.set("", 8.5)
        c.text(31, y, doc.message)
        y += 7
    c.set("", 8)
    for text in ctx.get("notes", []):
        c.text(15, y, text)
        y += 4.2
    c.set("I", 7)
    c.text(
        15, 280, "All sales are subject to our standard terms and conditions of sale, available on request."
    )
    return c.output()


# --- layout 9: Auftragsbestätigung --------------------------------------------------------------------

_DE_STATUS = {AckLineStatus(key): text for key, text in _LABELS["ack_de"]["line_status"].items()}
_DE_HEADER = {AckStatus(key): text for key, text in _LABELS["ack_de"]["status"].items()}


def render_ack_de(doc: Acknowledgment, ctx: dict[str, Any], rng: random.Random) -> bytes:
    day = doc.acknowledged_at.date()
    c = Canvas(
        title=f"Auftragsbestätigung {doc.ack_id}",
        author=VENDOR_NAMES[doc.vendor_id],
        day=day,
        creator="Microsoft Dynamics 365 Business Central",
    )
    c.font(ctx.get("font", "Helvetica"), "", 9)
    c.page()
    dy = jitter(rng, 2)
    c.set("B", 11)
    c.rtext(190, 12, VENDOR_NAMES[doc.vendor_id])
    c.set("", 7.5)
    for i, text in enumerate(ctx["seller"]):
        c.rtext(190, 17 + i * 3.4, text)
    c.set("U", 6.5)
    c.text(25, 47, ctx["sender_line"])
    c.set("", 9.5)
    for i, text in enumerate(ctx["buyer"]):
        c.text(25, 52 + i * 4.3, text)
    rows = [("AB-Nr.", doc.ack_id), ("Datum", fdate(day, "dot")), ("Kunden-Nr.", ctx["customer_no"])]
    if ctx.get("show_vendor"):
        rows.append(("Ihre Lieferanten-Nr.", doc.vendor_id))
    c.set("", 8.5)
    c.kv(128, 47 + dy, rows, value_x=160, step=4.4)
    c.set("B", 14)
    c.text(25, 88 + dy, "Auftragsbestätigung")
    c.set("", 9)
    c.text(25, 96 + dy, f"Ihre Bestellung {doc.po_number} vom {fdate(ctx['order_date'], 'dot')}")
    c.text(25, 104 + dy, "Sehr geehrte Damen und Herren,")
    c.text(25, 108.5 + dy, "vielen Dank für Ihre Bestellung. Wir bestätigen diese wie folgt:")
    c.set("B", 9)
    c.text(25, 115 + dy, f"Status der Bestellung: {_DE_HEADER[doc.status]}")
    y = 124 + dy
    cols = [
        Col("Pos.", 9, "R"),
        Col("Artikel-Nr.", 32),
        Col("Bezeichnung", 33),
        Col("Menge\nbestellt", 15, "R"),
        Col("Menge\nbestätigt", 16, "R"),
        Col("ME", 7),
        Col("Preis/ME\nEUR", 16, "R"),
        Col("Liefer-\ntermin", 18),
        Col("Status", 24),
    ]
    c.line(25, y - 1.5, 195, y - 1.5, 0.3)
    c.set("B", 7.5)
    head_row(c, 25, y, cols, step=3.3)
    y += 7.5
    c.line(25, y - 1, 195, y - 1, 0.3)
    c.set("", 8)
    for line in doc.lines:
        info: AckRow = ctx["rows"][line.line_no]
        if line.status == AckLineStatus.REJECTED:
            conf_qty, price, when = "-", "-", "-"
        else:
            conf_qty = num(line.quantity if line.quantity is not None else D(info.ordered), "de")
            price = num(line.unit_price if line.unit_price is not None else D(info.po_price), "de")
            when = fdate(line.promised_date, "dot") if line.promised_date else ""
        if line.status == AckLineStatus.CHANGED:
            status = "Preis geändert" if line.unit_price is not None else "Menge geändert"
        else:
            status = _DE_STATUS[line.status]
        row(
            c,
            25,
            y,
            cols,
            [
                str(line.line_no),
                info.item,
                info.description,
                num(D(info.ordered), "de"),
                conf_qty,
                info.uom,
                price,
                when,
                status,
            ],
        )
        y += 5.5
    c.line(25, y, 195, y, 0.3)
    y += 7
    if doc.message:
        c.set("B", 8.5)
        c.text(25, y, "Bemerkung:")
        c.set("", 8.5)
        c.text(44, y, doc.message)
        y += 7
    c.set("", 8.5)
    for text in ctx.get("notes", []):
        c.text(25, y, text)
        y += 4.4
    c.text(25, y + 4, "Mit freundlichen Grüßen")
    c.text(25, y + 8.5, VENDOR_NAMES[doc.vendor_id])
    c.set("", 6.5)
    c.line(25, 275, 195, 275, 0.1, gray=150)
    c.text(25, 277, ctx["footer"])
    return c.output()


# --- layout 10: Swedish faktura / kreditfaktura ------------------------------------------------------


def render_sv(inv: Invoice, ctx: dict[str, Any], rng: random.Random) -> bytes:
    credit = inv.kind == InvoiceKind.CREDIT_MEMO
    title = "KREDITFAKTURA" if credit else "FAKTURA"
    c = Canvas(
        title=f"{title.title()} {inv.invoice_number}",
        author=VENDOR_NAMES[inv.vendor_id],
        day=inv.invoice_date,
        creator="Visma Administration 2000",
    )
    c.font("Helvetica", "", 9)
    c.page()
    dy = jitter(rng, 1.5)
    c.set("B", 16)
    c.text(15, 14 + dy, VENDOR_NAMES[inv.vendor_id])
    c.set("B", 16)
    c.rtext(195, 14 + dy, title)
    # boxed fields: small label on top, value below
    fields = [
        ("Fakturanr", inv.invoice_number),
        ("Fakturadatum", fdate(inv.invoice_date, "iso")),
        ("Kundnr", ctx["customer_no"]),
    ]
    if credit:
        fields.append(("Avser faktura", inv.original_invoice_number or ""))
    else:
        fields.append(("Förfallodatum", fdate(ctx["due_date"], "iso")))
    fields += [
        ("Ert ordernr", inv.po_number),
        ("Er referens", ctx["their_ref"]),
        ("Vår referens", ctx["our_ref"]),
    ]
    if inv.payment_terms is not None:
        fields.append(("Betalningsvillkor", ctx["terms_text"]))
    fields.append(("Dröjsmålsränta", ctx.get("interest", "8 %")))
    x, y = 110, 26 + dy
    for i, (label, value) in enumerate(fields):
        fx, fy = x + (i % 2) * 42.5, y + (i // 2) * 9.5
        c.rect(fx, fy, 42.5, 9.5, width=0.15)
        c.set("", 6)
        c.text(fx + 1, fy + 0.8, label)
        c.set("", 8.5)
        c.text(fx + 1, fy + 4.5, value, w=40.5)
    c.set("", 9.5)
    for i, text in enumerate(ctx["buyer"]):
        c.text(18, 40 + dy + i * 4.4, text)
    y = y + ((len(fields) + 1) // 2) * 9.5 + 10
    cols = [
        Col("Er rad", 12, "R"),
        Col("Artikelnr", 34),
        Col("Benämning", 60),
        Col("Antal", 18, "R"),
        Col("Enhet", 11),
        Col("À-pris", 20, "R"),
        Col("Belopp", 25, "R"),
    ]
    c.set("B", 8)
    head_row(c, 15, y, cols)
    c.line(15, y + 4.5, 195, y + 4.5, 0.3)
    y += 7
    c.set("", 8.5)
    for line in inv.lines:
        row(
            c,
            15,
            y,
            cols,
            [
                str(line.line_no),
                line.item_id or "",
                line.description or "",
                num(line.quantity, "sv"),
                line.uom or "",
                num(line.unit_price, "sv", 2),
                num(_amt(inv, line), "sv", 2),
            ],
        )
        y += 5
    if credit:
        y += 3
        c.set("I", 8.5)
        c.text(27, y, ctx["reason"])
    # summary boxes
    y = 205
    summary = [
        ("Exkl. moms", num(inv.lines_total, "sv", 2)),
        ("Frakt", num(inv.freight, "sv", 2)),
        ("Momspliktigt", num(inv.lines_total + inv.freight, "sv", 2)),
        (f"Moms {ctx['tax_rate']} %", num(inv.tax, "sv", 2)),
        ("Att betala SEK" if not credit else "Att kreditera SEK", num(inv.total, "sv", 2)),
    ]
    widths = [34, 28, 36, 34, 48]
    x = 15
    for (label, value), width in zip(summary, widths, strict=False):
        last = width == widths[-1]
        c.rect(x, y, width, 12, width=0.3 if last else 0.15, fill=235 if last else None)
        c.set("", 6.5)
        c.text(x + 1.2, y + 1, label)
        c.set("B" if last else "", 11 if last else 9)
        c.text(x + 1.2, y + 5.5, value, w=width - 2.4, align="R")
        x += width
    c.set("", 6.5)
    c.line(15, 268, 195, 268, 0.2)
    for i, (label, lines) in enumerate(ctx["footer"]):
        c.set("B", 6.5)
        c.text(15 + i * 45, 270, label)
        c.set("", 6.5)
        for j, text in enumerate(lines):
            c.text(15 + i * 45, 273 + j * 2.9, text)
    return c.output()


# --- layout 11: French facture -----------------------------------------------------------------------


def render_fr(inv: Invoice, ctx: dict[str, Any], rng: random.Random) -> bytes:
    c = Canvas(
        title=f"Facture {inv.invoice_number}",
        author=VENDOR_NAMES[inv.vendor_id],
        day=inv.invoice_date,
        creator="Sage 100cloud Gestion commerciale",
    )
    c.font(ctx.get("font", "Times"), "", 10)
    c.page()
    dy = jitter(rng, 2)
    c.set("B", 16)
    c.text(18, 14 + dy, VENDOR_NAMES[inv.vendor_id])
    c.set("", 8.5)
    for i, text in enumerate(ctx["seller"]):
        c.text(18, 21 + dy + i * 3.8, text)
    c.set("", 10)
    c.rect(112, 36, 82, 28)
    c.set("B", 8)
    c.text(115, 37.5, "Adresse de facturation")
    c.set("", 10)
    for i, text in enumerate(ctx["buyer"]):
        c.text(115, 42 + i * 4.4, text)
    c.set("B", 20)
    c.text(18, 72 + dy, "FACTURE")
    c.set("", 10)
    c.text(18, 81 + dy, f"N° {inv.invoice_number}")
    c.text(18, 86 + dy, f"Date : {fdate(inv.invoice_date, ctx['date_style'])}")
    c.text(90, 81 + dy, f"Votre commande n° {inv.po_number} du {fdate(ctx['order_date'], 'slash')}")
    c.text(90, 86 + dy, f"Code client : {ctx['customer_no']}      Devise : {inv.currency}")
    y = 96 + dy
    cols = [
        Col("Ligne\ncde", 12, "R"),
        Col("Référence", 32),
        Col("Désignation", 58),
        Col("Qté", 14, "R"),
        Col("Unité", 12),
        Col("P.U. HT", 22, "R"),
        Col("Montant HT", 26, "R"),
    ]
    c.rect(18, y, 176, 9, fill=230)
    c.set("B", 8.5)
    head_row(c, 18, y + 0.8, cols, step=3.6)
    top = y
    y += 11
    c.set("", 9.5)
    for line in inv.lines:
        row(
            c,
            18,
            y,
            cols,
            [
                str(line.line_no),
                line.item_id or "",
                line.description or "",
                num(line.quantity, "fr"),
                line.uom or "",
                num(line.unit_price, "fr", 2),
                num(_amt(inv, line), "fr", 2),
            ],
        )
        y += 5.5
    bottom = max(y + 3, top + 60)
    grid(c, 18, top, cols, bottom - top)
    y = bottom + 6
    rows = [("Total HT", f"{num(inv.lines_total, 'fr', 2)} €")]
    if inv.freight:
        rows.append(("Frais de port HT", f"{num(inv.freight, 'fr', 2)} €"))
    rows += [
        (f"TVA {ctx['tax_rate']} %", f"{num(inv.tax, 'fr', 2)} €"),
        ("Total TTC", f"{num(inv.total, 'fr', 2)} €"),
    ]
    c.set("", 10)
    for label, value in rows:
        c.text(124, y, label)
        c.rtext(192, y, value)
        y += 5.5
    c.rect(122, y, 72, 8, fill=220)
    c.set("B", 11)
    c.text(124, y + 1.7, "Net à payer")
    c.rtext(192, y + 1.7, f"{num(inv.total, 'fr', 2)} €")
    y += 16
    c.set("", 9.5)
    if inv.payment_terms is not None:
        c.text(18, y, f"Conditions de paiement : {ctx['terms_text']}")
        y += 5
    c.text(18, y, f"Règlement par virement - IBAN {ctx['iban']}")
    c.set("I", 7)
    c.text(
        18,
        270,
        "En cas de retard de paiement, pénalités au taux de 3 fois le taux d'intérêt légal et indemnité "
        "forfaitaire de 40 € pour frais de recouvrement.",
    )
    c.set("", 7)
    c.text(18, 274, ctx["legal"])
    return c.output()


# --- the samples ----------------------------------------------------------------------------------------

US_BUYER = ["Poflow Manufacturing Inc.", "Accounts Payable", "1 Harbor Way", "Oakland, CA 94607"]
ACME_US = ["4400 Commerce Street", "Dallas, TX 75226", "Phone (214) 555-0142  ar@acme-industrial.example"]
LABWORKS_US = [
    "2150 Shattuck Avenue",
    "Berkeley, CA 94704",
    "Tel (510) 555-0190  sales@labworks-scientific.example",
]
NORDIC_DE = ["Niederlassung Deutschland", "Hafenstraße 41, 20457 Hamburg", "USt-IdNr. DE318445120"]

_SAP_FOOTER_EN = [
    ["Acme Industrial Supply", "4400 Commerce Street, Dallas, TX 75226"],
    ["JPMorgan Chase Bank, Dallas", "ABA 111000614  Acct 000123456789"],
    ["Federal Tax ID 75-2039841", "www.acme-industrial.example"],
]


@dataclass(frozen=True)
class _Spec:
    name: str
    layout: str
    doc: Invoice | Acknowledgment
    ctx: dict[str, Any]
    vendor_id: str | None = None  # set when the page does not show poflow's vendor id


_RENDERERS: dict[str, Callable[[Any, dict[str, Any], random.Random], bytes]] = {
    "sap": render_sap,
    "fattura": render_fattura,
    "factura": render_factura,
    "uk": render_uk,
    "ch": render_ch,
    "landscape": render_landscape,
    "plain": render_plain,
    "ack-en": render_ack_en,
    "ack-de": render_ack_de,
    "sv": render_sv,
    "fr": render_fr,
}


def _sap_specs() -> list[_Spec]:
    acme = invoice(
        "90036612",
        "ACME",
        "PO-1187",
        date(2026, 11, 27),
        "USD",
        [
            L(1, "MRO-GLOVE-NITRILE-L", "Nitrile gloves, size L, box of 100", "120", "PC", "11.90"),
            L(2, "MRO-BEARING-6204", "Deep groove ball bearing 6204-2RS", "200", "PC", "4.75"),
            L(3, "MRO-SAFETY-GLASSES", "Safety glasses, clear, ANSI Z87.1", "60", "PC", "6.40"),
        ],
        freight="45.00",
        tax_rate="8.25",
        terms=terms(30, 14, "2"),
    )
    nordic = invoice(
        "90036631",
        "NORDIC",
        "PO-2042",
        date(2026, 11, 26),
        "EUR",
        [
            L(1, "FST-BOLT-M8X30-A2", "Sechskantschraube M8x30 A2-70 DIN 933", "5000", "ST", "0.1840"),
            L(3, "FST-WASHER-M8-A2", "Scheibe M8 A2 DIN 125", "10000", "ST", "0.0190"),
        ],
        freight="18.50",
        tax_rate="19",
        terms=terms(30, 14, "2"),
    )
    credit = invoice(
        "90036702",
        "ACME",
        "PO-1187",
        date(2026, 12, 4),
        "USD",
        [
            L(2, "MRO-BEARING-6204", "Deep groove ball bearing 6204-2RS", "40", "PC", "4.75"),
        ],
        tax_rate="8.25",
        kind=InvoiceKind.CREDIT_MEMO,
        original="90036612",
    )
    en = {
        "lang": "en",
        "numbers": "en",
        "letterhead": ["Acme Industrial Supply"] + ACME_US,
        "sender_line": "Acme Industrial Supply - 4400 Commerce Street - Dallas TX 75226",
        "buyer": US_BUYER,
        "customer_no": "100187",
        "contact": "Sandra Ortiz",
        "footer": _SAP_FOOTER_EN,
        "order_date": date(2026, 11, 3),
    }
    de = {
        "lang": "de",
        "numbers": "de",
        "letterhead": ["Nordic Fasteners AB"] + NORDIC_DE,
        "sender_line": "Nordic Fasteners AB - Hafenstraße 41 - 20457 Hamburg",
        "buyer": [
            "Poflow Manufacturing GmbH",
            "Kreditorenbuchhaltung",
            "Industriestraße 7",
            "70565 Stuttgart",
        ],
        "customer_no": "DE-20417",
        "contact": "Jens Albrecht",
        "show_vendor": True,
        "order_date": date(2026, 11, 5),
        "delivery": "80012377",
        "delivery_date": date(2026, 11, 20),
        "tax_rate": "19",
        "terms_text": "innerhalb 14 Tagen 2 % Skonto, innerhalb 30 Tagen netto",
        "incoterms": "DAP Stuttgart",
        "footer": [
            ["Nordic Fasteners AB, Niederlassung Deutschland", "Amtsgericht Hamburg HRB 155021"],
            ["Commerzbank Hamburg", "IBAN DE89 2004 0000 0628 8151 00"],
            ["USt-IdNr. DE318445120", "Sitz der Gesellschaft: Jönköping (SE)"],
        ],
    }
    return [
        _Spec(
            "sap-en-acme-invoice",
            "sap",
            acme,
            en
            | {
                "show_vendor": True,
                "delivery": "80012345",
                "delivery_date": date(2026, 11, 24),
                "tax_rate": "8.25",
                "terms_text": "Within 14 days 2 % cash discount, within 30 days due net",
                "incoterms": "FCA Dallas",
            },
        ),
        _Spec("sap-de-nordic-rechnung", "sap", nordic, de),
        _Spec(
            "sap-en-acme-credit-memo",
            "sap",
            credit,
            en | {"tax_rate": "8.25", "original_date": date(2026, 11, 27)},
            vendor_id="ACME",
        ),
    ]


def _fattura_specs() -> list[_Spec]:
    seller = [
        "Sede secondaria in Italia: Via Gallarate 184, 20151 Milano (MI)",
        "P.IVA IT10482770961 - C.F. 10482770961 - REA MI-2531877",
        "Tel. +39 02 3809 1120 - PEC nordicfasteners@pec.nordic-fasteners.example",
    ]
    buyer = ["Poflow Italia S.r.l.", "Via dell'Industria 18", "40138 Bologna (BO)", "P.IVA IT03318940372"]
    legal = "Nordic Fasteners AB - Sede secondaria di Milano - Capitale sociale SEK 2.000.000 i.v."
    first = invoice(
        "417/A",
        "NORDIC",
        "PO-2051",
        date(2026, 11, 27),
        "EUR",
        [
            L(1, "FST-BOLT-M8X30-A2", "Vite TE M8x30 inox A2-70 DIN 933", "4000", "PZ", "0.1840"),
            L(2, "FST-NUT-M8-A2", "Dado esagonale M8 inox A2 DIN 934", "4000", "PZ", "0.0425"),
            L(3, "FST-WASHER-M8-A2", "Rondella piana M8 inox A2 DIN 125", "8000", "PZ", "0.0190"),
        ],
        freight="34.50",
        tax_rate="22",
        terms=terms(60),
    )
    second = invoice(
        "2026/0388",
        "NORDIC",
        "PO-2058",
        date(2026, 12, 15),
        "EUR",
        [
            L(1, "FST-NUT-M8-A2", "Dado esagonale M8 inox A2 DIN 934", "12000", "PZ", "0.0425"),
            L(2, "FST-BOLT-M8X30-A2", "Vite TE M8x30 inox A2-70 DIN 933", "2500", "PZ", "0.1880"),
        ],
        tax_rate="22",
        terms=terms(30),
    )
    credit = invoice(
        "22/NC",
        "NORDIC",
        "PO-2051",
        date(2026, 12, 18),
        "EUR",
        [
            L(1, "FST-BOLT-M8X30-A2", "Vite TE M8x30 inox A2-70 DIN 933", "500", "PZ", "0.1840"),
        ],
        tax_rate="22",
        kind=InvoiceKind.CREDIT_MEMO,
        original="417/A",
    )
    base = {
        "seller": seller,
        "buyer": buyer,
        "legal": legal,
        "vat_code": "22",
        "tax_rate": "22",
        "customer_no": "C0413",
        "bank": "Intesa Sanpaolo - Milano",
    }
    return [
        _Spec(
            "it-fattura-nordic",
            "fattura",
            first,
            base
            | {
                "order_date": date(2026, 11, 6),
                "payment_text": "Bonifico bancario 60 gg data fattura",
                "due_date": date(2027, 1, 26),
            },
            vendor_id="NORDIC",
        ),
        _Spec(
            "it-fattura-nordic-times",
            "fattura",
            second,
            base
            | {
                "font": "Times",
                "show_vendor": True,
                "order_date": date(2026, 11, 30),
                "payment_text": "Rimessa diretta 30 gg data fattura",
                "due_date": date(2027, 1, 14),
            },
        ),
        _Spec(
            "it-nota-di-credito-nordic",
            "fattura",
            credit,
            base
            | {
                "order_date": date(2026, 11, 6),
                "original_date": date(2026, 11, 27),
                "reason": "Reso merce non conforme: 500 viti con filettatura difettosa (DDT 1187 del 04/12/2026)",
            },
            vendor_id="NORDIC",
        ),
    ]


def _factura_specs() -> list[_Spec]:
    seller = ["Sucursal en España", "Calle de Alcalá 211, 28028 Madrid", "NIF W0031457J - Tel. 91 555 01 42"]
    buyer = [
        "Poflow Ibérica, S.L.",
        "Polígono Industrial Las Mercedes",
        "C/ Campezo 1, 28022 Madrid",
        "CIF B86543210",
    ]
    legal = (
        "Acme Industrial Supply, Sucursal en España. Inscrita en el Registro Mercantil de Madrid, Tomo 38112, "
        "Folio 41, Hoja M-677812."
    )
    first = invoice(
        "A-2026-00871",
        "ACME",
        "PO-1203",
        date(2026, 11, 27),
        "EUR",
        [
            L(1, "ACM-GN100L", "Guantes de nitrilo, talla L, caja de 100", "60", None, "10.80"),
            L(2, "ACM-6204-2RS", "Rodamiento rígido de bolas 6204-2RS", "200", None, "4.30", "817.00"),
            L(4, "ACM-GS166-C", "Gafas de seguridad incoloras EN 166", "40", None, "5.90"),
        ],
        freight="25.00",
        tax_rate="21",
        terms=terms(30),
    )
    second = invoice(
        "A-2026-00912",
        "ACME",
        "PO-1211",
        date(2026, 12, 14),
        "EUR",
        [
            L(1, "ACM-6204-2RS", "Rodamiento rígido de bolas 6204-2RS", "500", None, "4.30"),
            L(2, "ACM-GN100L", "Guantes de nitrilo, talla L, caja de 100", "150", None, "10.80"),
        ],
        tax_rate="21",
        terms=terms(60),
    )
    base = {
        "seller": seller,
        "buyer": buyer,
        "legal": legal,
        "tax_rate": "21",
        "customer_no": "4310",
        "iban": "ES91 2100 0418 4502 0005 1332",
    }
    return [
        _Spec(
            "es-factura-acme",
            "factura",
            first,
            base
            | {
                "discounts": {2: "5"},
                "terms_text": "Transferencia bancaria a 30 días fecha factura",
                "due_date": date(2026, 12, 27),
            },
            vendor_id="ACME",
        ),
        _Spec(
            "es-factura-acme-fecha-larga",
            "factura",
            second,
            base
            | {
                "date_style": "es_long",
                "terms_text": "Transferencia a 60 días f.f.",
                "due_date": date(2027, 2, 12),
            },
            vendor_id="ACME",
        ),
    ]


def _uk_specs() -> list[_Spec]:
    seller = [
        "Unit 4, Cambridge Science Park",
        "Milton Road, Cambridge CB4 0FZ",
        "Tel 01223 555 014  accounts.uk@labworks-scientific.example",
    ]
    buyer = [
        "Poflow Manufacturing Ltd",
        "Accounts Payable",
        "Units 7-9 Tyburn Trading Estate",
        "Birmingham B35 7NR",
    ]
    common = {
        "seller": seller,
        "buyer": buyer,
        "vat_reg": "GB 284 7719 05",
        "vat_rate": "20",
        "account": "POF001",
        "registered": "Registered in England & Wales No. FC034512",
        "bank": "Bank: Barclays  Sort Code 20-45-77  Account 40012345  (please quote invoice number)",
        "carriage_text": "Carriage - next day, signed for",
    }
    first = invoice(
        "LW-UK-11872",
        "LABWORKS",
        "PO-LAB-31",
        date(2026, 11, 27),
        "GBP",
        [
            L(1, "LWP-1000", "Pipette 100-1000 uL, adjustable", "4", None, "229.00"),
            L(2, "LWT-1000F-96", "Filter tips 1000 uL, rack of 96", "30", None, "7.15"),
            L(3, "LWC-6K-8", "Mini centrifuge 6,000 rpm, 8-place", "1", None, "1189.00"),
        ],
        freight="12.50",
        vat_per_line="20",
        terms=terms(30),
    )
    second = invoice(
        "LW-UK-11903",
        "LABWORKS",
        "PO-LAB-33",
        date(2026, 12, 3),
        "GBP",
        [
            L(1, "LWT-1000F-96", "Filter tips 1000 uL, rack of 96", "45", None, "7.15"),
            L(2, "LWP-1000", "Pipette 100-1000 uL, adjustable", "2", None, "229.00"),
        ],
        vat_per_line="20",
        terms=terms(14),
    )
    credit = invoice(
        "CN-00417",
        "LABWORKS",
        "PO-LAB-31",
        date(2026, 12, 14),
        "GBP",
        [
            L(2, "LWT-1000F-96", "Filter tips 1000 uL, rack of 96", "6", None, "7.15"),
        ],
        vat_per_line="20",
        kind=InvoiceKind.CREDIT_MEMO,
        original="LW-UK-11872",
    )
    return [
        _Spec(
            "uk-labworks-vat-invoice",
            "uk",
            first,
            common | {"date_style": "slash", "terms_text": "Strictly 30 days net from date of invoice"},
            vendor_id="LABWORKS",
        ),
        _Spec(
            "uk-labworks-vat-invoice-times",
            "uk",
            second,
            common | {"font": "Times", "date_style": "uk_long", "terms_text": "14 days net"},
            vendor_id="LABWORKS",
        ),
        _Spec(
            "uk-labworks-credit-note",
            "uk",
            credit,
            common | {"date_style": "slash", "reason": "6 racks damaged in transit, returned under RMA 5521"},
            vendor_id="LABWORKS",
        ),
    ]


def _ch_specs() -> list[_Spec]:
    seller = [
        "Zweigniederlassung Winterthur",
        "Zürcherstrasse 120, 8406 Winterthur",
        "Tel. +41 52 555 01 20  verkauf.ch@nordic-fasteners.example",
    ]
    buyer = ["Poflow (Schweiz) AG", "Kreditorenbuchhaltung", "Hardturmstrasse 161", "8005 Zürich"]
    common = {
        "seller": seller,
        "buyer": buyer,
        "sender_line": "Nordic Fasteners AB, Zürcherstrasse 120, 8406 Winterthur",
        "uid": "CHE-109.322.551 MWST",
        "tax_rate": "8.1",
        "customer_no": "20417",
        "qr_iban": "CH44 3199 9123 0008 8901 2",
        "qr_address": ["Zürcherstrasse 120", "8406 Winterthur"],
    }
    first = invoice(
        "2026-4471",
        "NORDIC",
        "PO-2063",
        date(2026, 11, 27),
        "CHF",
        [
            L(1, "FST-BOLT-M8X30-A2", "Sechskantschraube M8x30 A2-70", "10000", "Stk", "0.1950"),
            L(2, "FST-NUT-M8-A2", "Sechskantmutter M8 A2", "10000", "Stk", "0.0460"),
            L(3, "FST-WASHER-M8-A2", "Unterlagsscheibe M8 A2", "20000", "Stk", "0.0210"),
        ],
        freight="18.50",
        tax_rate="8.1",
        terms=terms(30),
    )
    second = invoice(
        "2026-4502",
        "NORDIC",
        "PO-2069",
        date(2026, 12, 11),
        "CHF",
        [
            L(1, "FST-WASHER-M8-A2", "Unterlagsscheibe M8 A2", "50000", "Stk", "0.0205"),
            L(2, "FST-BOLT-M8X30-A2", "Sechskantschraube M8x30 A2-70", "6000", "Stk", "0.1950"),
            L(3, "FST-NUT-M8-A2", "Sechskantmutter M8 A2", "6000", "Stk", "0.0460"),
            L(4, "PKG-CARTON-600", "Versandkarton 600x400x400", "40", "Stk", "3.85"),
        ],
        freight="24.00",
        tax_rate="8.1",
        terms=terms(30, 10, "2"),
    )
    return [
        _Spec(
            "ch-rechnung-nordic-qr",
            "ch",
            first,
            common
            | {
                "order_date": date(2026, 11, 12),
                "terms_text": "Zahlbar innert 30 Tagen netto",
                "qr_reference": "21 00000 00003 13947 14300 09017",
            },
            vendor_id="NORDIC",
        ),
        _Spec(
            "ch-rechnung-nordic-skonto",
            "ch",
            second,
            common
            | {
                "order_date": date(2026, 11, 28),
                "show_vendor": True,
                "terms_text": "Zahlbar innert 10 Tagen mit 2 % Skonto oder innert 30 Tagen netto",
                "qr_reference": "21 00000 00003 13947 14300 09125",
            },
        ),
    ]


def _landscape_specs() -> list[_Spec]:
    remit_acme = [
        "REMIT TO: Acme Industrial Supply",
        "P.O. Box 660421, Dallas, TX 75266-0421",
        "Questions? ar@acme-industrial.example  (214) 555-0142",
    ]
    ship_to = ["Poflow Manufacturing Inc.", "Receiving Dock 3", "2200 Adeline Street", "Oakland, CA 94607"]
    first = invoice(
        "5512944",
        "ACME",
        "PO-1190",
        date(2026, 11, 27),
        "USD",
        [
            L(1, "MRO-GLOVE-NITRILE-L", "NITRILE GLOVES L 100/BX", "80", "BX", "11.90"),
            L(2, "MRO-BEARING-6204", "BEARING 6204-2RS DEEP GROOVE", "150", "EA", "4.75"),
            L(4, "PKG-STRETCH-FILM", "STRETCH FILM 500MM X 300M 23MIC", "24", "RL", "18.60"),
        ],
        freight="38.40",
        tax_rate="8.25",
        terms=terms(30, 10, "2"),
    )
    second = invoice(
        "5513310",
        "ACME",
        "PO-1190",
        date(2026, 12, 4),
        "USD",
        [
            L(2, "MRO-BEARING-6204", "BEARING 6204-2RS DEEP GROOVE", "50", "EA", "4.75"),
            L(3, "MRO-SAFETY-GLASSES", "SAFETY GLASSES CLEAR Z87.1", "100", "EA", "6.40"),
        ],
        freight="12.75",
        tax_rate="8.25",
        terms=terms(30),
    )
    labworks = invoice(
        "INV-204417",
        "LABWORKS",
        "PO-LAB-47",
        date(2026, 12, 9),
        "USD",
        [
            L(1, "LAB-PIPETTE-1000", "PIPETTE 100-1000UL ADJ SINGLE CH", "6", "EA", "289.00"),
            L(2, "LAB-TIPS-1000-RACK", "FILTER TIPS 1000UL 96/RACK STERILE", "48", "RK", "8.65"),
            L(3, "LAB-CENTRIFUGE-MINI", "MINI CENTRIFUGE 6000RPM 8-PLACE", "2", "EA", "1450.00"),
        ],
        freight="64.00",
        tax="0",
        terms=terms(45),
    )
    common = {"buyer": US_BUYER, "ship_to": ship_to}
    return [
        _Spec(
            "us-landscape-acme-partial",
            "landscape",
            first,
            common
            | {
                "seller": ACME_US,
                "order_date": date(2026, 11, 16),
                "terms_text": "2% 10 NET 30",
                "ship_via": "UPS GROUND",
                "fob": "ORIGIN",
                "rep": "JMK",
                "tax_label": "SALES TAX 8.25%",
                "remit": remit_acme,
                "ordered": {1: "80", 2: "200", 4: "30"},
            },
            vendor_id="ACME",
        ),
        _Spec(
            "us-landscape-acme-backorder-shipped",
            "landscape",
            second,
            common
            | {
                "seller": ACME_US,
                "order_date": date(2026, 11, 16),
                "terms_text": "NET 30",
                "ship_via": "FEDEX FREIGHT",
                "fob": "ORIGIN",
                "rep": "JMK",
                "tax_label": "SALES TAX 8.25%",
                "remit": remit_acme,
                "ordered": {2: "50", 3: "100"},
            },
            vendor_id="ACME",
        ),
        _Spec(
            "us-landscape-labworks-exempt",
            "landscape",
            labworks,
            common
            | {
                "seller": LABWORKS_US,
                "order_date": date(2026, 11, 23),
                "terms_text": "NET 45",
                "ship_via": "OUR TRUCK",
                "fob": "DEST",
                "rep": "HOUSE",
                "tax_label": "SALES TAX (EXEMPT)",
                "show_vendor": True,
                "remit": [
                    "REMIT TO: LabWorks Scientific",
                    "Lockbox 39120, San Francisco, CA 94139-9120",
                    "Federal Tax ID 94-3187762",
                ],
                "ordered": {1: "6", 2: "60", 3: "2"},
            },
        ),
    ]


_LAB_CATALOG = [
    ("LW-10432", "Centrifuge tubes 15 mL, PP, sterile, 500/cs", "CS", "86.50"),
    ("LW-10433", "Centrifuge tubes 50 mL, PP, sterile, 500/cs", "CS", "112.00"),
    ("LW-20110", "Serological pipettes 10 mL, 200/cs", "CS", "64.90"),
    ("LW-20125", "Serological pipettes 25 mL, 150/cs", "CS", "71.40"),
    ("LW-31002", "Petri dishes 90 mm, triple vent, 500/cs", "CS", "58.75"),
    ("LW-31050", "Microcentrifuge tubes 1.5 mL, 1000/pk", "PK", "24.60"),
    ("LW-40220", "Nitrile exam gloves M, 100/bx", "BX", "9.85"),
    ("LW-40221", "Nitrile exam gloves L, 100/bx", "BX", "9.85"),
    ("LW-52010", "Cryogenic vials 2 mL, external thread, 500/cs", "CS", "139.00"),
    ("LW-52300", "Freezer boxes 81-place, assorted colours", "EA", "6.20"),
    ("LW-60115", "Weighing boats 100 mL, antistatic, 500/pk", "PK", "32.40"),
    ("LW-60400", "Parafilm M laboratory film 4 in x 125 ft", "RL", "41.80"),
    ("LW-71002", "Syringe filters 0.22 um PES 25 mm, 50/pk", "PK", "48.30"),
    ("LW-71010", "Syringe filters 0.45 um PTFE 25 mm, 50/pk", "PK", "52.10"),
    ("LW-80030", "Lab marker pens, fine tip, black, 10/pk", "PK", "12.95"),
    ("LW-80150", "Biohazard bags 24 x 36 in, 200/cs", "CS", "44.70"),
    ("LW-90005", "Kimwipes delicate task wipers, 280/bx", "BX", "5.45"),
    ("LW-90210", "Bottle-top dispenser 2.5-25 mL", "EA", "318.00"),
    ("LW-91000", "Media bottles 500 mL, GL45 cap, 10/cs", "CS", "67.20"),
    ("LW-91010", "Media bottles 1000 mL, GL45 cap, 10/cs", "CS", "89.90"),
    ("LW-92007", "Magnetic stir bars 25 mm, PTFE, 10/pk", "PK", "27.35"),
    ("LW-93100", "Reagent reservoirs 25 mL, sterile, 100/cs", "CS", "54.80"),
    ("LW-94040", "PCR plates 96-well, skirted, 25/pk", "PK", "118.50"),
    ("LW-94045", "Adhesive PCR plate seals, 100/pk", "PK", "73.25"),
    ("LW-95500", "Disposable lab coats, size L, 30/cs", "CS", "96.00"),
    ("LW-96012", "Safety goggles, indirect vent", "EA", "8.75"),
]


def _plain_specs() -> list[_Spec]:
    courier = invoice(
        "LW-0098812",
        "LABWORKS",
        "PO-LAB-44",
        date(2026, 11, 27),
        "USD",
        [
            L(1, "LAB-PIPETTE-1000", "SINGLE-CH PIPETTE 100-1000UL", "6", "EA", "289.00"),
            L(2, "LAB-TIPS-1000-RACK", "FILTER TIPS 1000UL RACK/96", "40", "RK", "8.65"),
            L(3, "LW-52010", "CRYO VIALS 2ML EXT THREAD 500/CS", "2", "CS", "139.00"),
        ],
        freight="18.00",
        tax_rate="9.25",
        terms=terms(30),
    )
    rng = random.Random("pdf-blind:plain:catalog")
    picks = _LAB_CATALOG[:]
    rng.shuffle(picks)
    long_lines = [
        L(no, item, desc, str(rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12])), uom, price)
        for no, (item, desc, uom, price) in enumerate(picks, start=1)
    ]
    long = invoice(
        "LW-0098840",
        "LABWORKS",
        "PO-LAB-45",
        date(2026, 12, 2),
        "USD",
        long_lines,
        tax_rate="9.25",
        terms=terms(30),
    )
    acme = invoice(
        "88-104522",
        "ACME",
        "PO-1219",
        date(2026, 11, 30),
        "USD",
        [
            L(1, "MRO-SAFETY-GLASSES", "Safety glasses, clear lens, ANSI Z87.1 rated", "120", "EA", "6.40"),
            L(2, "PKG-CARTON-600", "Double-wall shipping carton 600 x 400 x 400 mm", "250", "EA", "2.95"),
            L(3, "PKG-STRETCH-FILM", "Stretch film roll 500 mm x 300 m, 23 micron", "36", "RL", "18.60"),
            L(5, "MRO-GLOVE-NITRILE-L", "Nitrile gloves, size L, box of 100", "50", "BX", "11.90"),
        ],
        freight="52.30",
        tax_rate="8.25",
        terms=terms(30, 10, "1"),
    )
    lab = {
        "seller": LABWORKS_US,
        "buyer": US_BUYER,
        "customer_no": "C-30118",
        "remit": [
            "Remit to: LabWorks Scientific, Lockbox 39120, San Francisco, CA 94139-9120",
            "Federal Tax ID 94-3187762. Please reference the invoice number with your payment.",
        ],
    }
    return [
        _Spec(
            "plain-courier-labworks",
            "plain",
            courier,
            lab
            | {
                "variant": "courier",
                "date_style": "oracle",
                "terms_text": "NET 30",
                "tax_label": "Sales Tax 9.25%",
                "freight_label": "Shipping & Handling",
            },
            vendor_id="LABWORKS",
        ),
        _Spec(
            "plain-times-labworks-two-pages",
            "plain",
            long,
            lab
            | {
                "variant": "times-pages",
                "date_style": "iso",
                "terms_text": "Net 30 days",
                "per_page": 20,
                "tax_label": "Sales Tax 9.25%",
            },
            vendor_id="LABWORKS",
        ),
        _Spec(
            "plain-two-row-acme",
            "plain",
            acme,
            {
                "variant": "two-row",
                "date_style": "us_long",
                "terms_text": "1% 10, Net 30",
                "seller": ACME_US,
                "buyer": US_BUYER,
                "customer_no": "POF-0042",
                "tax_label": "Sales Tax 8.25%",
                "remit": ["Remit to: Acme Industrial Supply, P.O. Box 660421, Dallas, TX 75266-0421"],
            },
            vendor_id="ACME",
        ),
    ]


def _ack_en_specs() -> list[_Spec]:
    acme_rows = {
        1: AckRow("MRO-GLOVE-NITRILE-L", "Nitrile gloves L, box/100", "100", "BX", "11.90"),
        2: AckRow("MRO-BEARING-6204", "Ball bearing 6204-2RS", "200", "EA", "4.75"),
        3: AckRow("MRO-SAFETY-GLASSES", "Safety glasses, clear", "60", "EA", "6.40"),
        4: AckRow("PKG-STRETCH-FILM", "Stretch film 500 mm", "20", "RL", "18.60"),
    }
    changes = ack(
        "OA-2026-3318",
        "ACME",
        "PO-1195",
        midnight(date(2026, 11, 24)),
        AckStatus.ACCEPTED_WITH_CHANGES,
        [
            AL(1, AckLineStatus.ACCEPTED, promised=date(2026, 12, 1)),
            AL(2, AckLineStatus.CHANGED, price="5.10", promised=date(2026, 12, 1)),
            AL(3, AckLineStatus.BACKORDERED, promised=date(2026, 12, 18)),
            AL(4, AckLineStatus.REJECTED),
        ],
        message="Bearing price per supplier increase of Nov 1. Stretch film discontinued.",
    )
    lab_rows = {
        1: AckRow("LAB-PIPETTE-1000", "Pipette 100-1000 uL", "4", "EA", "289.00"),
        2: AckRow("LAB-TIPS-1000-RACK", "Filter tips 1000 uL/96", "20", "RK", "8.65"),
        3: AckRow("LW-90210", "Bottle-top dispenser", "2", "EA", "318.00"),
    }
    accepted = ack(
        "SO-77310",
        "LABWORKS",
        "PO-LAB-50",
        datetime(2026, 11, 24, 16, 5, tzinfo=UTC),
        AckStatus.ACCEPTED,
        [
            AL(1, AckLineStatus.ACCEPTED, promised=date(2026, 11, 30)),
            AL(2, AckLineStatus.ACCEPTED, promised=date(2026, 11, 30)),
            AL(3, AckLineStatus.ACCEPTED, promised=date(2026, 12, 7)),
        ],
    )
    reject_rows = {
        1: AckRow("LAB-CENTRIFUGE-MINI", "Mini centrifuge 6,000 rpm", "2", "EA", "1450.00"),
        2: AckRow("LW-94040", "PCR plates 96-well", "10", "PK", "118.50"),
    }
    rejected = ack(
        "SO-77342",
        "LABWORKS",
        "PO-LAB-51",
        midnight(date(2026, 11, 26)),
        AckStatus.REJECTED,
        [
            AL(1, AckLineStatus.REJECTED),
            AL(2, AckLineStatus.REJECTED),
        ],
        message="Centrifuge discontinued; see quote Q-2291 for the replacement model.",
    )
    lab = {"seller": LABWORKS_US, "buyer": US_BUYER}
    return [
        _Spec(
            "ack-en-acme-changes",
            "ack-en",
            changes,
            {
                "seller": ACME_US,
                "buyer": US_BUYER,
                "date_style": "us_long",
                "order_date": date(2026, 11, 20),
                "rows": acme_rows,
                "intro": "Thank you for your order. We confirm the lines below as shown.",
                "notes": ["Backordered items ship separately at no extra freight charge."],
            },
            vendor_id="ACME",
        ),
        _Spec(
            "ack-en-labworks-accepted",
            "ack-en",
            accepted,
            lab
            | {
                "title": "SALES ORDER CONFIRMATION",
                "number_label": "Sales Order No.",
                "time_label": "Confirmed",
                "date_style": "iso",
                "order_date": date(2026, 11, 23),
                "rows": lab_rows,
                "font": "Times",
                "show_vendor": True,
                "intro": "Your order has been entered and confirmed as follows:",
            },
        ),
        _Spec(
            "ack-en-labworks-rejected",
            "ack-en",
            rejected,
            lab
            | {
                "title": "ORDER ACKNOWLEDGEMENT",
                "number_label": "Sales Order No.",
                "date_style": "us_long",
                "order_date": date(2026, 11, 25),
                "rows": reject_rows,
                "intro": "We regret that we cannot accept your order as placed.",
            },
            vendor_id="LABWORKS",
        ),
    ]


def _ack_de_specs() -> list[_Spec]:
    common = {
        "seller": NORDIC_DE,
        "sender_line": "Nordic Fasteners AB · Hafenstraße 41 · 20457 Hamburg",
        "buyer": ["Poflow Manufacturing GmbH", "Einkauf", "Industriestraße 7", "70565 Stuttgart"],
        "customer_no": "DE-20417",
        "footer": "Nordic Fasteners AB, Niederlassung Deutschland · Amtsgericht Hamburg HRB 155021 · "
        "USt-IdNr. DE318445120 · Commerzbank IBAN DE89 2004 0000 0628 8151 00",
    }
    rows = {
        1: AckRow("FST-BOLT-M8X30-A2", "Schraube M8x30 A2-70", "5000", "ST", "0.1840"),
        2: AckRow("FST-NUT-M8-A2", "Mutter M8 A2", "5000", "ST", "0.0425"),
        3: AckRow("FST-WASHER-M8-A2", "Scheibe M8 A2", "10000", "ST", "0.0190"),
        4: AckRow("FST-NUT-M8-A4", "Mutter M8 A4", "2000", "ST", "0.0610"),
    }
    changes = ack(
        "AB-2026-10931",
        "NORDIC",
        "PO-2071",
        midnight(date(2026, 11, 24)),
        AckStatus.ACCEPTED_WITH_CHANGES,
        [
            AL(1, AckLineStatus.ACCEPTED, promised=date(2026, 12, 2)),
            AL(2, AckLineStatus.CHANGED, price="0.0465", promised=date(2026, 12, 2)),
            AL(3, AckLineStatus.BACKORDERED, promised=date(2026, 12, 16)),
            AL(4, AckLineStatus.REJECTED),
        ],
        message="Edelstahlzuschlag ab 01.11.2026; Artikel FST-NUT-M8-A4 nicht mehr lieferbar.",
    )
    qty_rows = {
        1: AckRow("FST-BOLT-M8X30-A2", "Schraube M8x30 A2-70", "8000", "ST", "0.1840"),
        2: AckRow("FST-WASHER-M8-A2", "Scheibe M8 A2", "5000", "ST", "0.0190"),
    }
    quantity = ack(
        "AB-2026-11002",
        "NORDIC",
        "PO-2077",
        midnight(date(2026, 12, 1)),
        AckStatus.ACCEPTED_WITH_CHANGES,
        [
            AL(1, AckLineStatus.ACCEPTED, promised=date(2026, 12, 9)),
            AL(2, AckLineStatus.CHANGED, qty="4000", promised=date(2026, 12, 9)),
        ],
    )
    return [
        _Spec(
            "ack-de-nordic-auftragsbestaetigung",
            "ack-de",
            changes,
            common
            | {
                "order_date": date(2026, 11, 19),
                "rows": rows,
                "notes": [
                    "Rückstände liefern wir frachtfrei nach. Es gelten unsere Allgemeinen Geschäftsbedingungen."
                ],
            },
            vendor_id="NORDIC",
        ),
        _Spec(
            "ack-de-nordic-mengenaenderung",
            "ack-de",
            quantity,
            common
            | {
                "order_date": date(2026, 11, 27),
                "rows": qty_rows,
                "show_vendor": True,
                "notes": [
                    "Position 2: Restmenge 1.000 ST kann nicht geliefert werden (Mindestabnahme VPE 2.000)."
                ],
            },
        ),
    ]


def _sv_specs() -> list[_Spec]:
    footer = [
        ("Adress", ["Nordic Fasteners AB", "Verkstadsgatan 12", "553 02 Jönköping"]),
        ("Telefon / E-post", ["036-555 01 20", "faktura@nordic-fasteners.example"]),
        ("Bankgiro / IBAN", ["5050-1055", "SE45 5000 0000 0583 9825 7466"]),
        ("Org.nr / Momsreg.nr", ["556677-8899", "SE556677889901", "Godkänd för F-skatt"]),
    ]
    buyer = ["Poflow Nordic AB", "Att: Ekonomiavdelningen", "Box 1120", "411 06 Göteborg"]
    first = invoice(
        "26-10517",
        "NORDIC",
        "PO-2080",
        date(2026, 11, 27),
        "SEK",
        [
            L(1, "FST-BOLT-M8X30-A2", "Sexkantskruv M8x30 A2-70 DIN 933", "5000", "st", "1.95"),
            L(2, "FST-NUT-M8-A2", "Sexkantmutter M8 A2 DIN 934", "5000", "st", "0.48"),
            L(3, "FST-WASHER-M8-A2", "Planbricka M8 A2 DIN 125", "10000", "st", "0.21"),
        ],
        freight="245.00",
        tax_rate="25",
        terms=terms(30),
    )
    credit = invoice(
        "26-10602",
        "NORDIC",
        "PO-2080",
        date(2026, 12, 8),
        "SEK",
        [
            L(2, "FST-NUT-M8-A2", "Sexkantmutter M8 A2 DIN 934", "1000", "st", "0.48"),
        ],
        tax_rate="25",
        kind=InvoiceKind.CREDIT_MEMO,
        original="26-10517",
    )
    common = {
        "footer": footer,
        "buyer": buyer,
        "customer_no": "10231",
        "their_ref": "Anna Berg",
        "our_ref": "Lars Nilsson",
        "tax_rate": "25",
    }
    return [
        _Spec(
            "sv-faktura-nordic",
            "sv",
            first,
            common | {"due_date": date(2026, 12, 27), "terms_text": "30 dagar netto"},
            vendor_id="NORDIC",
        ),
        _Spec(
            "sv-kreditfaktura-nordic",
            "sv",
            credit,
            common | {"reason": "Kreditering: 1 000 st returnerade, fel gängstigning."},
            vendor_id="NORDIC",
        ),
    ]


def _fr_specs() -> list[_Spec]:
    seller = [
        "Succursale France - Parc Technologique de Gerland",
        "12 rue Marcel Mérieux, 69007 Lyon",
        "Tél. 04 72 55 01 90 - compta.fr@labworks-scientific.example",
    ]
    buyer = [
        "Poflow France SAS",
        "Service Comptabilité Fournisseurs",
        "8 avenue de l'Europe",
        "67300 Schiltigheim",
    ]
    legal = "LabWorks Scientific - succursale française - RCS Lyon 853 219 774 - TVA intracom. FR41853219774"
    first = invoice(
        "FA-2026-1187",
        "LABWORKS",
        "PO-LAB-52",
        date(2026, 11, 27),
        "EUR",
        [
            L(1, "LW-P1000", "Micropipette 100-1000 µL réglable", "5", "U", "265.00"),
            L(2, "LW-T1000F", "Cônes filtrés 1000 µL, rack de 96", "40", "RK", "7.90"),
        ],
        freight="15.00",
        tax_rate="20",
        terms=terms(45),
    )
    second = invoice(
        "FA-2026-1213",
        "LABWORKS",
        "PO-LAB-55",
        date(2026, 12, 10),
        "EUR",
        [
            L(1, "LW-CM6000", "Mini-centrifugeuse 6 000 tr/min", "3", "U", "1340.00"),
            L(2, "LW-94040", "Plaques PCR 96 puits, à jupe, 25/pqt", "12", "PQT", "109.00"),
            L(3, "LW-71002", "Filtres seringue 0,22 µm PES 25 mm", "20", "PQT", "44.50"),
        ],
        freight="28.00",
        tax_rate="20",
        terms=terms(30, 10, "2"),
    )
    common = {
        "seller": seller,
        "buyer": buyer,
        "legal": legal,
        "tax_rate": "20",
        "customer_no": "CL-00871",
        "iban": "FR76 3000 4008 2800 0123 4567 890",
    }
    return [
        _Spec(
            "fr-facture-labworks",
            "fr",
            first,
            common
            | {
                "date_style": "slash",
                "order_date": date(2026, 11, 14),
                "terms_text": "45 jours date de facture",
            },
            vendor_id="LABWORKS",
        ),
        _Spec(
            "fr-facture-labworks-escompte",
            "fr",
            second,
            common
            | {
                "font": "Helvetica",
                "date_style": "fr_long",
                "order_date": date(2026, 11, 30),
                "terms_text": "escompte 2 % à 10 jours, sinon net à 30 jours",
            },
            vendor_id="LABWORKS",
        ),
    ]


def _specs() -> list[_Spec]:
    return (
        _sap_specs()
        + _fattura_specs()
        + _factura_specs()
        + _uk_specs()
        + _ch_specs()
        + _landscape_specs()
        + _plain_specs()
        + _ack_en_specs()
        + _ack_de_specs()
        + _sv_specs()
        + _fr_specs()
    )


def _sample(spec: _Spec) -> Sample:
    rng = random.Random(f"pdf-blind:{spec.name}")
    raw = _RENDERERS[spec.layout](spec.doc, spec.ctx, rng)
    if isinstance(spec.doc, Acknowledgment):
        kind, number = ExtractedKind.ACKNOWLEDGMENT, spec.doc.ack_id
    else:
        kind = (
            ExtractedKind.CREDIT_MEMO if spec.doc.kind == InvoiceKind.CREDIT_MEMO else ExtractedKind.INVOICE
        )
        number = spec.doc.invoice_number
    filename = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in number)
    expected = {
        "kind": kind.value,
        "format": "pdf",
        "document": spec.doc.model_dump(mode="json", exclude_none=True),
    }
    return Sample(
        name=f"blind-{spec.name}",
        format="pdf",
        filename=f"{filename}.pdf",
        raw=raw,
        expected=[expected],
        vendor_id=spec.vendor_id,
    )


LAYOUTS = {  # layout → (language, what it models)
    "sap": "SAP billing document print (EN, DE)",
    "fattura": "Italian fattura / nota di credito",
    "factura": "Spanish factura",
    "uk": "UK tax invoice / credit note, Net/VAT/Gross per line",
    "ch": "Swiss Rechnung, CHF, QR-bill receipt",
    "landscape": "US landscape invoice, ordered/shipped/backordered",
    "plain": "no ruling, right-aligned numbers (Courier, Times two pages, two-row items)",
    "ack-en": "order acknowledgment, English",
    "ack-de": "Auftragsbestätigung, German",
    "sv": "Swedish faktura / kreditfaktura, SEK",
    "fr": "French facture",
}


def layout_of(sample: Sample) -> str:
    """The layout a sample of this set was rendered in."""
    name = sample.name.removeprefix("blind-")
    return next(spec.layout for spec in _specs() if spec.name == name)


def sample_set() -> list[Sample]:
    return [_sample(spec) for spec in _specs()]
