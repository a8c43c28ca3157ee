"""A held-out set of supplier PDFs: layouts the PDF extractor was not tuned on.

poflow's PDF reader was developed against `supplier_sim.pdf`, written by the
same hand. This module was written independently of both (without reading
them) to measure how the reader does on documents it has never seen. The
layouts imitate what suppliers' ERPs really print:

- ``us-distributor``: a US industrial distributor (Letter): Bill To / Ship To
  boxes, a header grid with "Customer PO #", "Qty Ordered / Qty Shipped / B/O /
  Unit Price / Extended" columns, a two-page invoice, a credit memo and one
  invoice whose printed total does not add up;
- ``de-rechnung``: a German DIN 5008 "Rechnung" (sender line, info block with
  "Ihre Bestellung", "Pos. / Artikel-Nr. / Bezeichnung / Menge / Einheit /
  Einzelpreis / Gesamtpreis", "Nettobetrag / zzgl. 19 % MwSt. /
  Rechnungsbetrag", 1.234,56 €, Skonto) and a "Gutschrift";
- ``fr-facture``: a French "Facture" ("Votre commande n°", "Désignation / Qté /
  P.U. HT / Montant HT", "Total HT / TVA 20 % / Total TTC / Net à payer",
  1 234,56 €, legal mentions);
- ``nl-factuur``: a Dutch "Factuur" (header boxes, "Uw referentie", € 1.234,56,
  "Btw 21% over …");
- ``se-faktura``: a Swedish "Faktura" ("Ert ordernr", "À-pris", "Att betala",
  in SEK or EUR);
- ``thermal``: a will-call counter receipt-invoice, one Courier column on an
  80 mm roll, two-digit years, "$" only;
- ``two-line``: a laboratory supplier whose line items take two text lines
  (description continued on the next line, or printed under the numbers), the
  PO number only in a "Re:" subject line;
- ``ack-en``: a "Sales Order Acknowledgment" / "Order Confirmation" with
  confirmed quantities, prices, promise dates and per-line status;
- ``ack-de``: an "Auftragsbestätigung" with change remarks under the lines.

`sample_set()` renders them (deterministic: a seeded `random.Random`, a fixed
PDF creation date) with their ground truth: every value in `expected` is printed
on the page in some form; units and descriptions are as printed (a German page
says "Stk", a receipt prints its descriptions upper case and cut short).
Totals add up (lines + freight + tax) except in the sample named
"…-inconsistent", whose printed total is the supplier's mistake.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from fpdf import FPDF

from models.acknowledgments import AckLineStatus, Acknowledgment, AcknowledgmentLine, AckStatus
from models.documents import Invoice, InvoiceKind, InvoiceLine
from models.purchase_order import PaymentTerms
from tools.supplier_sim import labels
from tools.supplier_sim.amounts import stated_amount, stated_total
from tools.supplier_sim.samples import Sample

__all__ = ["LAYOUTS", "VENDOR_NAMES", "sample_set"]

D = Decimal
SEED = 20261114
CREATED = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # fixed, so the bytes are reproducible

# Names as in seed/master_data.json.
VENDOR_NAMES = {
    "ACME": "Acme Industrial Supply",
    "NORDIC": "Nordic Fasteners AB",
    "LABWORKS": "LabWorks Scientific",
}

LAYOUTS = {
    "us-distributor": "US distributor invoice / credit memo (Letter, boxes, ordered/shipped/B/O)",
    "de-rechnung": "German DIN 5008 Rechnung / Gutschrift",
    "fr-facture": "French Facture",
    "nl-factuur": "Dutch Factuur",
    "se-faktura": "Swedish Faktura",
    "thermal": "Will-call counter receipt-invoice, 80 mm, Courier",
    "two-line": "Lab supplier, two text lines per item, PO in the subject line",
    "ack-en": "Sales order acknowledgment / order confirmation (English)",
    "ack-de": "Auftragsbestätigung (German)",
}


# --- catalogs -------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    item_id: str
    text: str | dict[str, str]  # one description, or one per language
    uom: str
    price: Decimal
    quantities: tuple[str, ...]
    detail: str = ""  # a second line of description

    def describe(self, lang: str = "en") -> str:
        return self.text if isinstance(self.text, str) else self.text[lang]


def _item(
    item_id: str, text: str | dict[str, str], uom: str, price: str, quantities: str, detail: str = ""
) -> Item:
    return Item(item_id, text, uom, D(price), tuple(quantities.split()), detail)


ACME_CATALOG = [
    _item("MRO-GLOVE-NITRILE-L", "Nitrile gloves, size L, box of 100", "EA", "11.90", "10 20 24 50 100"),
    _item("MRO-BEARING-6204", "Deep groove ball bearing 6204-2RS", "EA", "4.75", "20 40 50 100 200"),
    _item("MRO-SAFETY-GLASSES", "Safety glasses, clear, ANSI Z87.1", "EA", "6.40", "12 24 36 60"),
    _item("3M-8210", "N95 particulate respirator, box of 20", "BX", "24.60", "5 10 12 20"),
    _item("LPS-00116", "Heavy-duty degreaser, 16 oz aerosol", "EA", "7.85", "12 24 48"),
    _item("CHN-G70-38", "Transport chain grade 70, 3/8 in, per foot", "FT", "4.15", "12.5 27.5 50 100"),
    _item("FLT-20252-M13", "Pleated air filter 20x25x2, MERV 13", "EA", "14.20", "6 12 24"),
    _item("GLV-CUT-A4-L", "Cut-resistant gloves A4, size L", "PR", "9.80", "12 24 36"),
    _item("TIE-08-NAT-100", "Cable ties 8 in, natural, bag of 100", "BG", "3.95", "10 25 50"),
    _item("TAPE-DUCT-2X60", "Duct tape 2 in x 60 yd, silver", "RL", "6.15", "12 24 48"),
    _item("MRO-EARPLUG-200", "Foam earplugs, corded, box of 200 pairs", "BX", "38.90", "2 4 5 10"),
    _item("SPR-MARK-ORG", "Inverted marking paint, fluorescent orange", "EA", "5.45", "12 24"),
    _item("BRG-6205-2RS", "Deep groove ball bearing 6205-2RS", "EA", "5.60", "10 20 50"),
    _item("BRG-6206-2RS", "Deep groove ball bearing 6206-2RS", "EA", "6.85", "10 20 40"),
    _item("VBELT-A42", "V-belt A42, classical wrapped", "EA", "8.30", "4 6 10"),
    _item("VBELT-B55", "V-belt B55, classical wrapped", "EA", "11.40", "4 6 10"),
    _item("HOSE-AIR-38-50", "Air hose 3/8 in x 50 ft, rubber", "EA", "34.90", "2 3 5"),
    _item("FUSE-ATM-10-5", "ATM blade fuse 10 A, pack of 5", "PK", "3.20", "10 20"),
    _item("LAMP-LED-T8-4", "LED tube T8 4 ft, 18 W, 5000 K", "EA", "7.95", "25 50 100"),
    _item("ABS-PAD-UNI-100", "Universal absorbent pads, pack of 100", "PK", "42.00", "2 4 6"),
    _item("BATT-AA-24", "Alkaline batteries AA, pack of 24", "PK", "13.75", "5 10 20"),
    _item("WIPE-SHOP-200", "Shop towels, roll of 200", "RL", "16.40", "6 12"),
    _item("DRL-HSS-1/4", "HSS jobber drill bit 1/4 in", "EA", "2.85", "12 24 50"),
    _item("ANC-WEDGE-1/2", "Wedge anchor 1/2 x 4-1/4 in, zinc", "EA", "1.35", "50 100 200"),
]

NORDIC_CATALOG = [
    _item(
        "FST-BOLT-M8X30-A2",
        {
            "en": "Hex bolt M8x30, stainless A2-70, DIN 933",
            "de": "Sechskantschraube M8x30, A2-70, DIN 933",
            "fr": "Vis tête hexagonale M8x30, inox A2-70, DIN 933",
            "nl": "Zeskantbout M8x30, RVS A2-70, DIN 933",
            "sv": "Sexkantskruv M8x30, rostfri A2-70, DIN 933",
        },
        "EA",
        "0.1840",
        "1000 2000 2500 5000",
    ),
    _item(
        "FST-NUT-M8-A2",
        {
            "en": "Hex nut M8, stainless A2, DIN 934",
            "de": "Sechskantmutter M8, A2, DIN 934",
            "fr": "Écrou hexagonal M8, inox A2, DIN 934",
            "nl": "Zeskantmoer M8, RVS A2, DIN 934",
            "sv": "Sexkantmutter M8, rostfri A2, DIN 934",
        },
        "EA",
        "0.0425",
        "2000 5000 10000",
    ),
    _item(
        "FST-WASHER-M8-A2",
        {
            "en": "Flat washer M8, stainless A2, DIN 125",
            "de": "Unterlegscheibe M8, A2, DIN 125",
            "fr": "Rondelle plate M8, inox A2, DIN 125",
            "nl": "Sluitring M8, RVS A2, DIN 125",
            "sv": "Planbricka M8, rostfri A2, DIN 125",
        },
        "EA",
        "0.0190",
        "4000 5000 10000",
    ),
    _item(
        "FST-BOLT-M10X40-A4",
        {
            "en": "Hex bolt M10x40, stainless A4-80, DIN 933",
            "de": "Sechskantschraube M10x40, A4-80, DIN 933",
            "fr": "Vis tête hexagonale M10x40, inox A4-80, DIN 933",
            "nl": "Zeskantbout M10x40, RVS A4-80, DIN 933",
            "sv": "Sexkantskruv M10x40, rostfri A4-80, DIN 933",
        },
        "EA",
        "0.4120",
        "500 1000 1500",
    ),
    _item(
        "FST-SCREW-M6X20-7380",
        {
            "en": "Button head screw M6x20, A2, ISO 7380",
            "de": "Linsenkopfschraube M6x20, A2, ISO 7380",
            "fr": "Vis tête bombée M6x20, inox A2, ISO 7380",
            "nl": "Bolkopschroef M6x20, RVS A2, ISO 7380",
            "sv": "Kullrig skruv M6x20, rostfri A2, ISO 7380",
        },
        "EA",
        "0.0960",
        "1000 2000 3000",
    ),
    _item(
        "FST-ANCHOR-M12X100",
        {
            "en": "Wedge anchor M12x100, zinc plated",
            "de": "Bolzenanker M12x100, verzinkt",
            "fr": "Goujon d'ancrage M12x100, zingué",
            "nl": "Keilbout M12x100, verzinkt",
            "sv": "Expanderbult M12x100, förzinkad",
        },
        "EA",
        "0.8850",
        "50 100 200",
    ),
    _item(
        "FST-NUT-M10-985",
        {
            "en": "Nyloc nut M10, A2, DIN 985",
            "de": "Sicherungsmutter M10, A2, DIN 985",
            "fr": "Écrou frein M10, inox A2, DIN 985",
            "nl": "Borgmoer M10, RVS A2, DIN 985",
            "sv": "Låsmutter M10, rostfri A2, DIN 985",
        },
        "EA",
        "0.0890",
        "500 1000 2000",
    ),
    _item(
        "FST-CHAIN-5-A4",
        {
            "en": "Round link chain 5 mm, A4, per metre",
            "de": "Rundstahlkette 5 mm, A4, Meterware",
            "fr": "Chaîne maillons ronds 5 mm, inox A4",
            "nl": "Schakelketting 5 mm, RVS A4, per meter",
            "sv": "Rundlänkkedja 5 mm, rostfri A4, metervara",
        },
        "M",
        "6.90",
        "7.5 12.5 25 40",
    ),
]

LABWORKS_CATALOG = [
    _item(
        "LAB-PIPETTE-1000",
        "Single-channel pipette 100-1000 uL, adjustable",
        "EA",
        "289.00",
        "1 2 4 6",
        "incl. calibration certificate ISO 8655",
    ),
    _item(
        "LAB-CENTRIFUGE-MINI",
        "Mini centrifuge 6,000 rpm with 8-place rotor",
        "EA",
        "1450.00",
        "1 2",
        "115 V / 60 Hz, US plug, 2-year warranty",
    ),
    _item(
        "LAB-TIPS-1000-RACK",
        "Filter pipette tips 1000 uL, rack of 96, sterile",
        "EA",
        "8.65",
        "20 40 50 100",
        "RNase/DNase free, pyrogen free",
    ),
    _item(
        "LW-4471-500",
        "Microcentrifuge tubes 1.5 mL, pack of 500",
        "PK",
        "42.50",
        "2 4 10",
        "polypropylene, snap cap, natural",
    ),
    _item(
        "LW-GLV-NIT-M",
        "Nitrile exam gloves, size M, case of 1000",
        "CS",
        "96.00",
        "1 2 3",
        "powder free, 240 mm cuff",
    ),
    _item(
        "LW-PBS-10X-1L",
        "PBS buffer 10x concentrate, 1 L",
        "BT",
        "38.75",
        "2 4 6 12",
        "pH 7.4, sterile filtered",
    ),
    _item(
        "LW-VORTEX-G2",
        "Vortex mixer, variable speed 300-3,200 rpm",
        "EA",
        "612.00",
        "1 2",
        "with 3 in. cup head and foam insert",
    ),
    _item(
        "LW-CRYO-BOX-81",
        "Cryogenic storage box, 81-place",
        "EA",
        "12.40",
        "10 20 25",
        "polycarbonate, -196 C to +121 C",
    ),
]


# --- formatting ------------------------------------------------------------------

_MONTHS: dict[str, list[str]] = labels.load("months")
_EN_MONTHS, _DE_MONTHS, _FR_MONTHS = _MONTHS["en"], _MONTHS["de"], _MONTHS["fr"]


def _date(day: date, style: str) -> str:
    return {
        "us": f"{day.month:02d}/{day.day:02d}/{day.year}",
        "us2": f"{day.month:02d}/{day.day:02d}/{day.year % 100:02d}",
        "us-long": f"{_EN_MONTHS[day.month - 1]} {day.day}, {day.year}",
        "us-mon": f"{_EN_MONTHS[day.month - 1][:3]} {day.day:02d}, {day.year}",
        "de": f"{day.day:02d}.{day.month:02d}.{day.year}",
        "de-long": f"{day.day}. {_DE_MONTHS[day.month - 1]} {day.year}",
        "fr": f"{day.day:02d}/{day.month:02d}/{day.year}",
        "fr-long": f"{day.day} {_FR_MONTHS[day.month - 1]} {day.year}",
        "nl": f"{day.day:02d}-{day.month:02d}-{day.year}",
        "iso": day.isoformat(),
    }[style]


def _money(value: Decimal) -> Decimal:
    return value.quantize(D("0.01"), rounding=ROUND_HALF_UP)


def _decimals(value: Decimal) -> int:
    """Places the value needs: 12.50 → 1, 12 → 0, 120 → 0."""
    exponent = value.normalize().as_tuple().exponent
    if not isinstance(exponent, int):  # 'n', 'N' or 'F': NaN or infinity, never a model's figure
        raise ValueError(f"not a finite number: {value}")
    return max(0, -exponent)


def _price_places(value: Decimal) -> int:
    """Prices print with the places they are kept with (0.1840), at least two."""
    exponent = value.as_tuple().exponent
    return max(2, -exponent if isinstance(exponent, int) else 2)


@dataclass(frozen=True)
class Numbers:
    """How a country's ERP prints numbers: grouping, decimal mark, currency sign."""

    group: str
    point: str
    prefix: str = ""
    suffix: str = ""

    def n(self, value: Decimal, places: int = 2) -> str:
        q = D(value).quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)
        text = f"{abs(q):,.{places}f}".replace(",", "\0").replace(".", self.point).replace("\0", self.group)
        return ("-" if q < 0 else "") + text

    def m(self, value: Decimal, places: int = 2) -> str:
        return f"{self.prefix}{self.n(value, places)}{self.suffix}"

    def q(self, value: Decimal, fixed: int | None = None) -> str:
        return self.n(value, _decimals(value) if fixed is None else max(fixed, _decimals(value)))

    def p(self, value: Decimal, minimum: int = 2) -> str:
        return self.n(value, max(minimum, _price_places(value)))


US = Numbers(",", ".")
DE = Numbers(".", ",", suffix=" €")
FR = Numbers(" ", ",", suffix=" €")
NL = Numbers(".", ",", prefix="€ ")
SE = Numbers(" ", ",")


# --- drawing ------------------------------------------------------------------------


class _Pdf(FPDF):
    """FPDF that remembers the document's font family (each layout prints in one)."""

    def __init__(self, page: str | tuple[float, float], family: str) -> None:
        super().__init__(orientation="P", unit="mm", format=page)
        self.poflow_family = family


def _new_pdf(page: str | tuple[float, float] = "A4", family: str = "helvetica") -> _Pdf:
    pdf = _Pdf(page, family)
    pdf.core_fonts_encoding = "windows-1252"  # €, ‘–’ and Western European letters in the core fonts
    pdf.set_auto_page_break(False)
    pdf.set_margins(0, 0, 0)
    pdf.set_creation_date(CREATED)
    pdf.set_font(family, "", 9)
    return pdf


def _font(pdf: _Pdf, size: float, style: str = "", family: str | None = None) -> None:
    pdf.set_font(family or pdf.poflow_family, style, size)


def _t(
    pdf: _Pdf, x: float, y: float, text: str, size: float = 9, style: str = "", family: str | None = None
) -> None:
    """Left-aligned text, y is the baseline."""
    _font(pdf, size, style, family)
    pdf.text(x, y, text)


def _r(
    pdf: _Pdf, x: float, y: float, text: str, size: float = 9, style: str = "", family: str | None = None
) -> None:
    """Right-aligned at x."""
    _font(pdf, size, style, family)
    pdf.text(x - pdf.get_string_width(text), y, text)


def _c(
    pdf: _Pdf, x: float, y: float, text: str, size: float = 9, style: str = "", family: str | None = None
) -> None:
    """Centred on x."""
    _font(pdf, size, style, family)
    pdf.text(x - pdf.get_string_width(text) / 2, y, text)


def _cell(
    pdf: _Pdf, x: float, y: float, width: float, text: str, align: str = "L", size: float = 8, style: str = ""
) -> None:
    """Text in the column [x, x + width], shrunk (never cut) until it fits."""
    _font(pdf, size, style)
    while pdf.get_string_width(text) > width and size > 4.5:
        size -= 0.25
        _font(pdf, size, style)
    used = pdf.get_string_width(text)
    left = x if align == "L" else x + width - used if align == "R" else x + (width - used) / 2
    pdf.text(left, y, text)


def _out(pdf: _Pdf) -> bytes:
    return bytes(pdf.output())


# --- building documents -----------------------------------------------------------


def _choose(rng: random.Random, catalog: list[Item], count: int) -> list[Item]:
    if count <= len(catalog):
        return rng.sample(catalog, count)
    return rng.sample(catalog, len(catalog)) + rng.choices(catalog, k=count - len(catalog))


def _line_nos(rng: random.Random, count: int, style: str) -> list[int]:
    if style == "seq":
        return list(range(1, count + 1))
    if style == "gaps":  # a partial delivery: some PO lines are not billed yet
        return sorted(rng.sample(range(1, count + 4), count))
    if style == "sap":  # SAP items 10, 20, 30…
        return [10 * (k + 1) for k in range(count)]
    if style == "sap-gaps":
        return sorted(10 * k for k in rng.sample(range(1, count + 3), count))
    raise ValueError(style)


def _bill(
    rng: random.Random,
    catalog: list[Item],
    nos: list[int],
    *,
    lang: str = "en",
    units: dict[str, str] | None = None,
    price_factor: Decimal | None = None,
    text: Callable[[Item], str] | None = None,
) -> list[InvoiceLine]:
    """Invoice lines for the PO lines `nos`: random items and quantities, printed
    units from `units`, descriptions from `text(item)` when given."""
    lines = []
    for no, item in zip(nos, _choose(rng, catalog, len(nos)), strict=True):
        quantity = D(rng.choice(item.quantities))
        price = item.price if price_factor is None else _money(item.price * price_factor)
        lines.append(
            InvoiceLine(
                line_no=no,
                item_id=item.item_id,
                quantity=quantity,
                unit_price=price,
                amount=_money(quantity * price),
                uom=(units or {}).get(item.uom, item.uom),
                description=text(item) if text else item.describe(lang),
            )
        )
    return lines


def _invoice(
    number: str,
    vendor: str,
    po: str,
    day: date,
    currency: str,
    lines: list[InvoiceLine],
    *,
    freight: str = "0",
    tax_rate: str | None = None,
    tax_on_freight: bool = True,
    kind: InvoiceKind = InvoiceKind.INVOICE,
    terms: PaymentTerms | None = None,
    original: str | None = None,
) -> Invoice:
    net = stated_total(lines)
    shipping = D(freight)
    tax = _money((net + (shipping if tax_on_freight else 0)) * D(tax_rate) / 100) if tax_rate else D(0)
    return Invoice(
        invoice_number=number,
        kind=kind,
        vendor_id=vendor,
        po_number=po,
        invoice_date=day,
        currency=currency,
        lines=lines,
        freight=shipping,
        tax=tax,
        total=net + shipping + tax,
        payment_terms=terms,
        original_invoice_number=original,
    )


def _sample(
    name: str, filename: str, raw: bytes, document: Invoice | Acknowledgment, *, vendor_on_page: bool
) -> Sample:
    if isinstance(document, Acknowledgment):
        kind = "acknowledgment"
    else:
        kind = "credit_memo" if document.kind == InvoiceKind.CREDIT_MEMO else "invoice"
    expected = {
        "kind": kind,
        "format": "pdf",
        "document": document.model_dump(mode="json", exclude_none=True),
    }
    return Sample(
        name=name,
        format="pdf",
        filename=filename,
        raw=raw,
        expected=[expected],
        vendor_id=None if vendor_on_page else document.vendor_id,
    )


# --- layout: US distributor ------------------------------------------------------------

_US_BILL_TO = [
    "Northwind Components Inc.",
    "Attn: Accounts Payable",
    "1200 N Lakeshore Drive, Suite 400",
    "Chicago, IL 60611",
]
_US_SHIP_TO = ["Northwind Components Inc.", "Receiving - Dock 4", "88 Industrial Parkway", "Joliet, IL 60436"]


def _render_us_distributor(inv: Invoice, ctx: dict) -> bytes:
    pdf = _new_pdf("Letter", "helvetica")
    credit = inv.kind == InvoiceKind.CREDIT_MEMO
    per_page = 22
    chunks = [inv.lines[k : k + per_page] for k in range(0, len(inv.lines), per_page)]
    if credit:
        cols = [
            ("Ln", 8, 7, "C"),
            ("Item Number", 16, 33, "L"),
            ("Description", 50, 78, "L"),
            ("Qty Returned", 129, 18, "R"),
            ("U/M", 150, 8, "L"),
            ("Unit Price", 160, 22, "R"),
            ("Credit Amt", 184, 22, "R"),
        ]
    else:
        cols = [
            ("Ln", 8, 7, "C"),
            ("Item Number", 16, 33, "L"),
            ("Description", 50, 63, "L"),
            ("Qty Ordered", 114, 16, "R"),
            ("Qty Shipped", 131, 15, "R"),
            ("B/O", 147, 10, "R"),
            ("U/M", 159, 8, "L"),
            ("Unit Price", 168, 17, "R"),
            ("Extended", 186, 20, "R"),
        ]
    for page, chunk in enumerate(chunks, 1):
        pdf.add_page()
        _t(pdf, 10, 17, "ACME INDUSTRIAL SUPPLY", 15, "B")
        for k, text in enumerate(
            [
                "4400 Commerce Street",
                "Dallas, TX 75226-1803",
                "Phone (214) 555-0143   Fax (214) 555-0144",
                "www.acme-industrial.example",
            ]
        ):
            _t(pdf, 10, 22 + 4 * k, text, 8)
        _r(pdf, 206, 18, "CREDIT MEMO" if credit else "INVOICE", 20, "B")
        box = [
            (ctx["number_label"], inv.invoice_number),
            ("Credit Date" if credit else "Invoice Date", _date(inv.invoice_date, "us")),
            ("Page", f"{page} of {len(chunks)}"),
        ]
        pdf.rect(140, 23, 66, 18)
        pdf.line(170, 23, 170, 41)
        for k, (label, value) in enumerate(box):
            if k:
                pdf.line(140, 23 + 6 * k, 206, 23 + 6 * k)
            _t(pdf, 142, 27.2 + 6 * k, label, 7.5, "B")
            _t(pdf, 172, 27.2 + 6 * k, value, 9)
        for x, title, lines in ((10, "Bill To:", _US_BILL_TO), (110, "Ship To:", _US_SHIP_TO)):
            pdf.rect(x, 47, 96, 30)
            _t(pdf, x + 2, 51.5, title, 8, "B")
            for k, text in enumerate(lines):
                _t(pdf, x + 5, 57 + 4.5 * k, text, 9)
        if credit:
            grid = [
                ("Customer No.", ctx["customer"]),
                (ctx["po_label"], inv.po_number),
                ("Orig. Invoice", inv.original_invoice_number or ""),
                ("RMA No.", ctx["rma"]),
                ("Reason", ctx["reason"]),
                ("Salesperson", ctx["salesperson"]),
            ]
        else:
            grid = [
                ("Customer No.", ctx["customer"]),
                (ctx["po_label"], inv.po_number),
                ("Order Date", _date(ctx["order_date"], "us")),
                ("Sales Order", ctx["sales_order"]),
                ("Ship Via", ctx["ship_via"]),
                ("Terms", ctx["terms_text"]),
                ("Salesperson", ctx["salesperson"]),
            ]
        width = 196 / len(grid)
        pdf.set_fill_color(222, 222, 222)
        pdf.rect(10, 83, 196, 5, style="F")
        pdf.rect(10, 83, 196, 12)
        for k, (label, value) in enumerate(grid):
            if k:
                pdf.line(10 + width * k, 83, 10 + width * k, 95)
            _cell(pdf, 10 + width * k + 1, 86.8, width - 2, label, "C", 7, "B")
            _cell(pdf, 10 + width * k + 1, 92.6, width - 2, value, "C", 8.5)
        pdf.rect(8, 99, 200, 9, style="F")
        pdf.line(8, 108, 208, 108)
        for label, x, w, align in cols:
            words = label.split(" ")
            if len(words) == 2 and label not in ("Item Number", "Unit Price", "Credit Amt"):
                _cell(pdf, x, 102.6, w, words[0], align, 7.5, "B")
                _cell(pdf, x, 106.2, w, words[1], align, 7.5, "B")
            else:
                _cell(pdf, x, 104.8, w, label, align, 7.5, "B")
        y = 113.0
        for line in chunk:
            ordered = ctx.get("ordered", {}).get(line.line_no, line.quantity)
            qf = ctx.get("qty_places")
            if credit:
                values = [
                    str(line.line_no),
                    line.item_id or "",
                    line.description or "",
                    US.q(line.quantity, qf),
                    line.uom or "",
                    US.p(line.unit_price, ctx["price_places"]),
                    US.n(stated_amount(line)),
                ]
            else:
                values = [
                    str(line.line_no),
                    line.item_id or "",
                    line.description or "",
                    US.q(ordered, qf),
                    US.q(line.quantity, qf),
                    US.q(ordered - line.quantity, qf),
                    line.uom or "",
                    US.p(line.unit_price, ctx["price_places"]),
                    US.n(stated_amount(line)),
                ]
            for (_, x, w, align), value in zip(cols, values, strict=True):
                _cell(pdf, x, y, w, value, align, 8)
            y += 5
        pdf.line(8, 226, 208, 226)
        if page < len(chunks):
            _r(pdf, 206, 233, "Continued on next page", 8, "I")
            continue
        rows = [
            ("Subtotal", US.n(inv.lines_total)),
            (ctx.get("freight_label", "Freight"), US.n(inv.freight)),
            (ctx["tax_label"], US.n(inv.tax)),
        ]
        total_label = "Total Credit" if credit else ctx.get("total_label", "Invoice Total")
        y = 233
        for label, value in rows:
            _t(pdf, 142, y, label, 8.5)
            _r(pdf, 206, y, value, 8.5)
            y += 5
        pdf.line(140, y - 3.2, 206, y - 3.2)
        _t(pdf, 142, y + 1, total_label, 10, "B")
        _r(pdf, 206, y + 1, f"${US.n(inv.total)}", 10, "B")
        if ctx.get("balance"):
            _t(pdf, 142, y + 7, "Amount Paid", 8.5)
            _r(pdf, 206, y + 7, "0.00", 8.5)
            _t(pdf, 142, y + 12, "Balance Due", 9, "B")
            _r(pdf, 206, y + 12, US.n(inv.total), 9, "B")
        if credit:
            notes = [
                "This credit has been applied to your account.",
                "Please do not remit against this document.",
                "All amounts are in U.S. dollars (USD).",
            ]
        else:
            notes = [
                "Remit To: Acme Industrial Supply",
                "P.O. Box 841920, Dallas, TX 75284-1920",
                "All amounts are in U.S. dollars (USD).",
                "Past due balances are subject to a 1.5% monthly service charge.",
            ]
        for k, text in enumerate(notes):
            _t(pdf, 10, 236 + 4.5 * k, text, 8, "B" if k == 0 else "")
    return _out(pdf)


def _us_distributor_samples(rng: random.Random) -> list[Sample]:
    samples = []

    def line_qty_steps(line: InvoiceLine) -> list[str]:
        return ["2.5", "5"] if _decimals(line.quantity) else ["4", "6", "10", "12"]

    def one(
        name: str,
        filename: str,
        number: str,
        po: str,
        day: date,
        count: int,
        nos: str,
        *,
        freight: str,
        tax_rate: str | None,
        terms: tuple[str, PaymentTerms | None],
        **extra: Any,
    ) -> None:
        lines = _bill(rng, ACME_CATALOG, _line_nos(rng, count, nos))
        inv = _invoice(
            number,
            "ACME",
            po,
            day,
            "USD",
            lines,
            freight=freight,
            tax_rate=tax_rate,
            tax_on_freight=False,
            terms=terms[1],
        )
        if extra.pop("inconsistent", False):  # the supplier's total leaves out the freight
            inv = inv.model_copy(update={"total": inv.total - inv.freight})
        short = rng.sample(lines, max(1, count // 4))  # partial shipments: the rest on backorder
        ctx = {
            "number_label": "Invoice No.",
            "po_label": "Customer PO #",
            "customer": f"{rng.randint(10000, 99999)}",
            "order_date": day - timedelta(days=rng.randint(5, 20)),
            "sales_order": f"SO{rng.randint(400000, 499999)}",
            "ship_via": rng.choice(["UPS GROUND", "FEDEX FREIGHT", "OUR TRUCK", "WILL CALL"]),
            "terms_text": terms[0],
            "salesperson": rng.choice(["HOUSE", "T. RAMIREZ", "K. OBRIEN"]),
            "price_places": 2,
            "qty_places": None,
            "tax_label": f"Sales Tax {tax_rate}%" if tax_rate else "Sales Tax (Exempt)",
            "ordered": {line.line_no: line.quantity + D(rng.choice(line_qty_steps(line))) for line in short},
        }
        ctx.update(extra)
        samples.append(_sample(name, filename, _render_us_distributor(inv, ctx), inv, vendor_on_page=False))

    one(
        "us-distributor-acme",
        "INV-5518207.pdf",
        "5518207",
        "PO-1001",
        date(2026, 11, 13),
        4,
        "seq",
        freight="18.75",
        tax_rate="8.25",
        terms=("NET 30", PaymentTerms(net_days=30)),
    )
    one(
        "us-distributor-acme-discount-terms",
        "invoice.pdf",
        "5518344",
        "NW-PO-26-0448",
        date(2026, 11, 18),
        3,
        "gaps",
        freight="0",
        tax_rate=None,
        terms=("2% 10 NET 30", PaymentTerms(net_days=30, discount_days=10, discount_percent=D("2"))),
        po_label="Cust. P.O. No.",
        number_label="Invoice #",
        price_places=4,
        qty_places=2,
        balance=True,
        total_label="TOTAL DUE",
        freight_label="Freight & Handling",
    )
    one(
        "us-distributor-acme-two-pages",
        "ACME_Invoice_5519012.pdf",
        "5519012",
        "4500012601",
        date(2026, 12, 2),
        28,
        "seq",
        freight="142.50",
        tax_rate="6.25",
        terms=("1% 15 NET 45", PaymentTerms(net_days=45, discount_days=15, discount_percent=D("1"))),
        po_label="Your Order No.",
    )
    one(
        "us-distributor-acme-inconsistent",
        "INV-5518560.pdf",
        "5518560",
        "PO-1017",
        date(2026, 11, 24),
        3,
        "seq",
        freight="35.00",
        tax_rate="8.25",
        terms=("NET 30", PaymentTerms(net_days=30)),
        inconsistent=True,
    )

    # A credit memo for goods returned under an RMA: positive quantities, as most ERPs print them.
    lines = _bill(rng, ACME_CATALOG, _line_nos(rng, 2, "gaps"))
    credit = _invoice(
        "CM-30688",
        "ACME",
        "PO-1001",
        date(2026, 12, 4),
        "USD",
        lines,
        tax_rate="8.25",
        kind=InvoiceKind.CREDIT_MEMO,
        original="5518207",
    )
    ctx = {
        "number_label": "Credit Memo No.",
        "po_label": "Customer PO #",
        "customer": "48213",
        "rma": "RMA-77120",
        "reason": "DAMAGED IN TRANSIT",
        "salesperson": "HOUSE",
        "price_places": 2,
        "tax_label": "Sales Tax 8.25%",
    }
    samples.append(
        _sample(
            "us-distributor-acme-credit-memo",
            "CM-30688.pdf",
            _render_us_distributor(credit, ctx),
            credit,
            vendor_on_page=False,
        )
    )
    return samples


# --- layout: German Rechnung / Gutschrift ----------------------------------------------

_LABELS = labels.load("pdf_unseen")  # this set's tables; the rest of its wording is in each layout
_DE_UNITS: dict[str, str] = _LABELS["units"]["de"]


def _render_de_rechnung(inv: Invoice, ctx: dict) -> bytes:
    pdf = _new_pdf("A4", "helvetica")
    pdf.add_page()
    euro_cells = ctx.get("euro_cells", True)
    money = DE.m if euro_cells else (lambda v, places=2: f"{DE.n(v, places)} EUR")
    _t(pdf, 140, 22, "NORDIC", 24, "B")
    _t(pdf, 140, 28.5, "FASTENERS", 12)
    _t(pdf, 140, 33, "Nordic Fasteners AB", 7.5)
    _t(
        pdf,
        20,
        49,
        "Nordic Fasteners AB · Niederlassung Deutschland · Hammerbrookstraße 90 · 20097 Hamburg",
        6.5,
    )
    pdf.line(20, 50.2, 104, 50.2)
    for k, text in enumerate(
        ["Northwind Components GmbH", "Kreditorenbuchhaltung", "Industriestraße 14", "70565 Stuttgart"]
    ):
        _t(pdf, 20, 58 + 5 * k, text, 10)
    for k, (label, value) in enumerate(ctx["info"]):
        _t(pdf, 125, 55 + 4.6 * k, label, 8)
        _t(pdf, 163, 55 + 4.6 * k, value, 8)
    _t(pdf, 20, 103, ctx["subject"], 11, "B")
    _t(pdf, 20, 112, "Sehr geehrte Damen und Herren,", 9.5)
    _t(pdf, 20, 117, ctx["intro"], 9.5)
    if euro_cells:
        price_head, total_head = "Einzelpreis", "Gesamtpreis"
    else:
        price_head, total_head = "Einzelpreis EUR", "Gesamtpreis EUR"
    cols = [
        ("Pos.", 20, 9, "L"),
        ("Artikel-Nr.", 30, 31, "L"),
        ("Bezeichnung", 62, 56, "L"),
        ("Menge", 119, 16, "R"),
        ("Einheit", 138, 12, "L"),
        (price_head, 150, 21, "R"),
        (total_head, 172, 22, "R"),
    ]
    for label, x, w, align in cols:
        _cell(pdf, x, 126, w, label, align, 8, "B")
    pdf.line(20, 127.8, 194, 127.8)
    y = 133.0
    for line in inv.lines:
        values = [
            str(line.line_no),
            line.item_id or "",
            line.description or "",
            DE.q(line.quantity),
            line.uom or "",
            money(line.unit_price, _price_places(line.unit_price)),
            money(stated_amount(line)),
        ]
        for (_, x, w, align), value in zip(cols, values, strict=True):
            _cell(pdf, x, y, w, value, align, 8.5)
        y += 5.5
    pdf.line(20, y - 2.5, 194, y - 2.5)
    y += 3
    rows = [(ctx.get("net_label", "Nettobetrag"), money(inv.lines_total), "")]
    if inv.freight:
        rows.append((ctx.get("freight_label", "Versandkosten"), money(inv.freight), ""))
    base = inv.lines_total + inv.freight
    rows.append((f"zzgl. 19 % MwSt. auf {money(base)}", money(inv.tax), ""))
    rows.append((ctx["total_label"], money(inv.total), "B"))
    for label, value, style in rows:
        if style:
            pdf.line(110, y - 3.8, 194, y - 3.8)
        _t(pdf, 110, y, label, 9, style)
        _r(pdf, 194, y, value, 9, style)
        y += 5.2
    y += 6
    for text in ctx["closing"]:
        _t(pdf, 20, y, text, 9)
        y += 4.8
    y += 5
    _t(pdf, 20, y, "Mit freundlichen Grüßen", 9)
    _t(pdf, 20, y + 5, "Nordic Fasteners AB", 9)
    pdf.line(20, 272, 194, 272)
    footer = [
        ["Nordic Fasteners AB", "Niederlassung Deutschland", "Hammerbrookstraße 90", "20097 Hamburg"],
        ["Tel. +49 40 3099 1200", "Fax +49 40 3099 1299", "rechnung@nordic-fasteners.example"],
        ["Commerzbank Hamburg", "IBAN DE89 2004 0000 0632 1857 00", "BIC COBADEFFXXX"],
        ["USt-IdNr. DE318765432", "Steuer-Nr. 47/723/01234", "Amtsgericht Hamburg HRB 154321"],
    ]
    for k, column in enumerate(footer):
        for j, text in enumerate(column):
            _t(pdf, 20 + 44 * k, 276 + 3.2 * j, text, 6.5)
    _r(pdf, 194, 290, "Seite 1 von 1", 6.5)
    return _out(pdf)


def _de_rechnung_samples(rng: random.Random) -> list[Sample]:
    samples = []

    # 1. SAP-style items 10/20/30, PO in the info block, freight, Skonto terms, vendor number printed.
    lines = _bill(rng, NORDIC_CATALOG[:7], _line_nos(rng, 3, "sap"), lang="de", units=_DE_UNITS)
    inv = _invoice(
        "2026-10517",
        "NORDIC",
        "4500012345",
        date(2026, 11, 19),
        "EUR",
        lines,
        freight="18.50",
        tax_rate="19",
        terms=PaymentTerms(net_days=30, discount_days=14, discount_percent=D("2")),
    )
    skonto = _money(inv.total * D("0.02"))
    ctx: dict[str, object] = {
        "info": [
            ("Rechnungs-Nr.", inv.invoice_number),
            ("Rechnungsdatum", _date(inv.invoice_date, "de")),
            ("Kunden-Nr.", "10044"),
            ("Ihre Lieferanten-Nr.", "NORDIC"),
            ("Ihre Bestellung", inv.po_number),
            ("Bestelldatum", "03.11.2026"),
            ("Lieferschein-Nr.", "80012345"),
            ("Lieferdatum", "17.11.2026"),
            ("Ansprechpartner", "Frau Lindqvist"),
        ],
        "subject": f"Rechnung {inv.invoice_number}",
        "intro": "für unsere Lieferung berechnen wir Ihnen wie folgt:",
        "total_label": "Rechnungsbetrag",
        "closing": [
            "Zahlungsbedingungen: 14 Tage 2 % Skonto, 30 Tage netto.",
            (f"Bei Zahlung bis 03.12.2026 abzüglich 2 % Skonto ({DE.m(skonto)}): {DE.m(inv.total - skonto)}"),
            "Die Ware bleibt bis zur vollständigen Bezahlung unser Eigentum.",
        ],
    }
    samples.append(
        _sample(
            "de-rechnung-nordic",
            "Rechnung_2026-10517.pdf",
            _render_de_rechnung(inv, ctx),
            inv,
            vendor_on_page=True,
        )
    )

    # 2. PO only in the subject line, "Einzelpreis EUR" columns, long date, no freight.
    lines = _bill(rng, NORDIC_CATALOG[:7], _line_nos(rng, 4, "seq"), lang="de", units=_DE_UNITS)
    inv = _invoice(
        "RE-26-04512",
        "NORDIC",
        "4500012377",
        date(2026, 11, 26),
        "EUR",
        lines,
        tax_rate="19",
        terms=PaymentTerms(net_days=30),
    )
    ctx = {
        "info": [
            ("Beleg-Nr.", inv.invoice_number),
            ("Datum", _date(inv.invoice_date, "de-long")),
            ("Kunden-Nr.", "10044"),
            ("Ihr Zeichen", "Hr. Maier / Einkauf"),
            ("Lieferdatum", "24.11.2026"),
        ],
        "subject": f"Rechnung {inv.invoice_number} zu Ihrer Bestellung {inv.po_number} vom 10.11.2026",
        "intro": "wir danken für Ihren Auftrag und berechnen Ihnen:",
        "euro_cells": False,
        "net_label": "Summe netto",
        "total_label": "Gesamtbetrag",
        "closing": ["Zahlbar innerhalb von 30 Tagen ohne Abzug.", "Leistungsdatum entspricht Lieferdatum."],
    }
    samples.append(
        _sample(
            "de-rechnung-nordic-po-in-subject",
            "scan_0042.pdf",
            _render_de_rechnung(inv, ctx),
            inv,
            vendor_on_page=False,
        )
    )

    # 3. Metre goods (decimal quantity), thousands in quantities, "Zahlbar sofort".
    chain = NORDIC_CATALOG[7]
    nos = _line_nos(rng, 3, "gaps")
    lines = _bill(rng, NORDIC_CATALOG[:7], nos[:2], lang="de", units=_DE_UNITS)
    lines.append(
        InvoiceLine(
            line_no=nos[2],
            item_id=chain.item_id,
            description=chain.describe("de"),
            quantity=D("12.5"),
            uom="m",
            unit_price=chain.price,
            amount=_money(D("12.5") * chain.price),
        )
    )
    inv = _invoice(
        "2026-10602",
        "NORDIC",
        "NW-PO-26-0451",
        date(2026, 12, 3),
        "EUR",
        lines,
        freight="24.90",
        tax_rate="19",
        terms=PaymentTerms(net_days=0),
    )
    ctx = {
        "info": [
            ("Rechnungsnummer", inv.invoice_number),
            ("Datum", _date(inv.invoice_date, "de")),
            ("Kundennummer", "10044"),
            ("Ihre Bestell-Nr.", inv.po_number),
            ("Lieferschein", "80012871 vom 01.12.2026"),
        ],
        "subject": "Rechnung",
        "intro": "für die folgenden Lieferungen und Leistungen berechnen wir:",
        "freight_label": "Fracht und Verpackung",
        "total_label": "Zu zahlender Betrag",
        "closing": ["Zahlbar sofort, rein netto.", "Bitte geben Sie bei Zahlung die Rechnungsnummer an."],
    }
    samples.append(
        _sample(
            "de-rechnung-nordic-meterware",
            "RG2026-10602.pdf",
            _render_de_rechnung(inv, ctx),
            inv,
            vendor_on_page=False,
        )
    )

    # 4. Gutschrift against invoice 2026-10517 (returned goods).
    lines = _bill(rng, NORDIC_CATALOG[:3], _line_nos(rng, 1, "sap"), lang="de", units=_DE_UNITS)
    inv = _invoice(
        "GS-2026-0311",
        "NORDIC",
        "4500012345",
        date(2026, 12, 1),
        "EUR",
        lines,
        tax_rate="19",
        kind=InvoiceKind.CREDIT_MEMO,
        original="2026-10517",
    )
    ctx = {
        "info": [
            ("Gutschrift-Nr.", inv.invoice_number),
            ("Datum", _date(inv.invoice_date, "de")),
            ("Kunden-Nr.", "10044"),
            ("Ihre Lieferanten-Nr.", "NORDIC"),
            ("Ihre Bestellung", inv.po_number),
            ("Zu Rechnung", "2026-10517 vom 19.11.2026"),
            ("Ihre Reklamation", "R-2026-117"),
        ],
        "subject": f"Gutschrift {inv.invoice_number}",
        "intro": "aufgrund Ihrer Reklamation schreiben wir Ihnen folgende Position gut:",
        "total_label": "Gutschriftsbetrag",
        "closing": ["Der Betrag wird mit unserer nächsten Rechnung verrechnet."],
    }
    samples.append(
        _sample(
            "de-rechnung-nordic-gutschrift",
            "Gutschrift_GS-2026-0311.pdf",
            _render_de_rechnung(inv, ctx),
            inv,
            vendor_on_page=True,
        )
    )
    return samples


# --- layout: French Facture ----------------------------------------------------------

_FR_UNITS: dict[str, str] = _LABELS["units"]["fr"]


def _render_fr_facture(inv: Invoice, ctx: dict) -> bytes:
    pdf = _new_pdf("A4", "times")
    pdf.add_page()
    _t(pdf, 20, 22, "Nordic Fasteners AB", 15, "B")
    for k, text in enumerate(
        [
            "Succursale France",
            "27 avenue Jean Jaurès",
            "69007 Lyon",
            "Tél. : 04 72 61 30 30",
            "compta.fr@nordic-fasteners.example",
        ]
    ):
        _t(pdf, 20, 28 + 4.3 * k, text, 9.5)
    _r(pdf, 190, 24, "FACTURE", 24, "B")
    _r(pdf, 190, 32, f"N° {inv.invoice_number}", 11, "B")
    _r(pdf, 190, 38, ctx["date_line"], 10)
    pdf.rect(110, 48, 80, 30)
    for k, text in enumerate(
        [
            "Northwind Composants SARL",
            "Service Comptabilité Fournisseurs",
            "12 rue des Forges",
            "38000 Grenoble",
        ]
    ):
        _t(pdf, 114, 55 + 5 * k, text, 10, "B" if k == 0 else "")
    _t(pdf, 20, 62, "Code client : C00218", 9.5)
    _t(pdf, 20, 67, "Contact : M. Durand", 9.5)
    for k, text in enumerate(ctx["refs"]):
        _t(pdf, 20, 89 + 5 * k, text, 10)
    cols = [
        ("N°", 20, 8, "C"),
        ("Réf.", 29, 32, "L"),
        ("Désignation", 62, 58, "L"),
        ("Qté", 121, 14, "R"),
        ("U", 136, 7, "C"),
        ("P.U. HT", 144, 21, "R"),
        ("Montant HT", 166, 23, "R"),
    ]
    top = 104
    bottom = top + 7 + 6 * len(inv.lines) + 2
    pdf.set_fill_color(230, 230, 230)
    pdf.rect(19, top, 171, 7, style="FD")
    pdf.rect(19, top, 171, bottom - top)
    for _, x, _, _ in cols[1:]:
        pdf.line(x - 0.5, top, x - 0.5, bottom)
    for label, x, w, align in cols:
        _cell(pdf, x, top + 4.9, w, label, align, 9, "B")
    y: float = top + 12
    for line in inv.lines:
        values = [
            str(line.line_no),
            line.item_id or "",
            line.description or "",
            FR.q(line.quantity),
            line.uom or "",
            FR.p(line.unit_price),
            FR.m(stated_amount(line)),
        ]
        for (_, x, w, align), value in zip(cols, values, strict=True):
            _cell(pdf, x, y, w, value, align, 9)
        y += 6
    # VAT breakdown on the left, totals on the right.
    y = bottom + 8
    base = inv.lines_total + inv.freight
    pdf.rect(20, y - 4.5, 80, 13)
    vat = [("Base HT", FR.m(base)), ("Taux", "20,00 %"), ("Montant TVA", FR.m(inv.tax))]
    for k, (label, value) in enumerate(vat):
        _c(pdf, 33 + 27 * k, y, label, 8.5, "B")
        _c(pdf, 33 + 27 * k, y + 6, value, 8.5)
    rows = [
        ("Total HT", FR.m(inv.lines_total)),
        ("Frais de port HT", FR.m(inv.freight)),
        ("TVA 20,00 %", FR.m(inv.tax)),
        ("Total TTC", FR.m(inv.total)),
    ]
    for label, value in rows:
        _t(pdf, 120, y, label, 10)
        _r(pdf, 189, y, value, 10)
        y += 5.5
    pdf.set_fill_color(235, 235, 235)
    pdf.rect(118, y - 4.2, 72, 7.5, style="FD")
    _t(pdf, 120, y + 0.8, "Net à payer", 11, "B")
    _r(pdf, 189, y + 0.8, FR.m(inv.total), 11, "B")
    y += 16
    for text in [
        f"Échéance : {ctx['due']}",
        ctx["terms_line"],
        "Escompte pour paiement anticipé : néant.",
        ("En cas de retard de paiement, pénalités au taux de 3 fois le taux d'intérêt légal et indemnité"),
        "forfaitaire pour frais de recouvrement de 40 € (art. L441-10 du Code de commerce).",
    ]:
        _t(pdf, 20, y, text, 9)
        y += 4.6
    _c(pdf, 105, 284, "Nordic Fasteners AB - Succursale France - SIRET 852 147 963 00021 - RCS Lyon", 7)
    _c(pdf, 105, 287.5, "TVA intracommunautaire FR 27 852147963 - IBAN FR76 3000 4008 2800 0123 4567 890", 7)
    return _out(pdf)


def _fr_facture_samples(rng: random.Random) -> list[Sample]:
    samples = []
    specs = [
        (
            "fr-facture-nordic",
            "Facture_FA-2026-00412.pdf",
            "FA-2026-00412",
            "PO-2042",
            date(2026, 11, 14),
            3,
            "seq",
            "21.00",
            "fr",
            lambda po: [
                f"Votre commande n° {po} du 02/11/2026",
                "Bon de livraison n° BL-26-11872 du 12/11/2026",
            ],
            ("Conditions de paiement : 30 jours date de facture", PaymentTerms(net_days=30)),
            30,
        ),
        (
            "fr-facture-nordic-vref",
            "facture.pdf",
            "F2611-0087",
            "2026-00187",
            date(2026, 11, 27),
            4,
            "gaps",
            "0",
            "fr-long",
            lambda po: [f"V/Réf. : {po}   -   N/Réf. : CDE-26-3391", "Livraison du 25/11/2026, BL 26-12014"],
            ("Conditions de règlement : 45 jours fin de mois", None),
            64,
        ),
        (
            "fr-facture-nordic-reception",
            "FA-2026-00455.pdf",
            "FA-2026-00455",
            "PO-2051",
            date(2026, 12, 2),
            2,
            "seq",
            "12.50",
            "fr",
            lambda po: [f"Réf. commande client : {po}"],
            ("Paiement à réception de facture", PaymentTerms(net_days=0)),
            0,
        ),
    ]
    for name, filename, number, po, day, count, nos, freight, date_style, refs, terms, due_days in specs:
        lines = _bill(rng, NORDIC_CATALOG[:7], _line_nos(rng, count, nos), lang="fr", units=_FR_UNITS)
        inv = _invoice(
            number, "NORDIC", po, day, "EUR", lines, freight=freight, tax_rate="20", terms=terms[1]
        )
        if date_style == "fr":
            date_line = f"Date : {_date(day, 'fr')}"
        else:
            date_line = f"Lyon, le {_date(day, 'fr-long')}"
        ctx = {
            "date_line": date_line,
            "refs": refs(po),
            "terms_line": terms[0],
            "due": _date(day + timedelta(days=due_days), "fr"),
        }
        samples.append(_sample(name, filename, _render_fr_facture(inv, ctx), inv, vendor_on_page=False))
    return samples


# --- layout: Dutch Factuur ---------------------------------------------------------

_NL_UNITS: dict[str, str] = _LABELS["units"]["nl"]


def _render_nl_factuur(inv: Invoice, ctx: dict) -> bytes:
    pdf = _new_pdf("A4", "helvetica")
    pdf.add_page()
    _t(pdf, 20, 28, "FACTUUR", 24, "B")
    for k, text in enumerate(
        [
            "Nordic Fasteners AB",
            "Vestiging Nederland",
            "Industrieweg 45",
            "3044 AS Rotterdam",
            "KvK 24412345",
            "Btw-nr. NL823456789B01",
            "IBAN NL91 ABNA 0417 1643 00",
        ]
    ):
        _r(pdf, 190, 18 + 4.2 * k, text, 10 if k == 0 else 8, "B" if k == 0 else "")
    for k, text in enumerate(
        [
            "Northwind Components B.V.",
            "t.a.v. crediteurenadministratie",
            "Havenstraat 8",
            "5301 AB Zaltbommel",
        ]
    ):
        _t(pdf, 20, 50 + 5 * k, text, 10)
    boxes = [
        ("Factuurnummer", inv.invoice_number),
        ("Factuurdatum", _date(inv.invoice_date, "nl")),
        ("Vervaldatum", ctx["due"]),
        ("Debiteurnummer", "30021"),
        (ctx["po_label"], inv.po_number),
    ]
    pdf.set_draw_color(160, 160, 160)
    for k, (label, value) in enumerate(boxes):
        x = 20 + 34 * k
        pdf.rect(x, 78, 34, 12)
        _cell(pdf, x + 2, 82, 30, label, "L", 7)
        _cell(pdf, x + 2, 87.5, 30, value, "L", 9, "B")
    pdf.set_draw_color(0, 0, 0)
    if ctx.get("vendor_line"):
        _t(pdf, 20, 96, ctx["vendor_line"], 8)
    cols = [
        ("Regel", 20, 9, "L"),
        ("Artikelcode", 30, 33, "L"),
        ("Omschrijving", 64, 56, "L"),
        ("Aantal", 121, 15, "R"),
        ("Eenheid", 138, 12, "L"),
        ("Prijs", 150, 19, "R"),
        ("Bedrag", 170, 20, "R"),
    ]
    for label, x, w, align in cols:
        _cell(pdf, x, 106, w, label, align, 8.5, "B")
    pdf.set_line_width(0.5)
    pdf.line(20, 108, 190, 108)
    pdf.set_line_width(0.2)
    y = 113.5
    pdf.set_fill_color(242, 242, 242)
    for index, line in enumerate(inv.lines):
        if index % 2:
            pdf.rect(20, y - 4.2, 170, 6, style="F")
        values = [
            str(line.line_no),
            line.item_id or "",
            line.description or "",
            NL.q(line.quantity),
            line.uom or "",
            NL.m(line.unit_price, _price_places(line.unit_price)),
            NL.m(stated_amount(line)),
        ]
        for (_, x, w, align), value in zip(cols, values, strict=True):
            _cell(pdf, x, y, w, value, align, 8.5)
        y += 6
    pdf.line(20, y - 3, 190, y - 3)
    y += 5
    base = inv.lines_total + inv.freight
    for label, value, style in [
        ("Subtotaal", NL.m(inv.lines_total), ""),
        ("Verzendkosten", NL.m(inv.freight), ""),
        (f"Btw 21% over {NL.m(base)}", NL.m(inv.tax), ""),
        ("Totaal", NL.m(inv.total), "B"),
    ]:
        if style:
            pdf.line(115, y - 4, 190, y - 4)
        _t(pdf, 115, y, label, 9, style)
        _r(pdf, 190, y, value, 9, style)
        y += 5.5
    pdf.set_xy(20, y + 8)
    _font(pdf, 8.5)
    pdf.multi_cell(
        170,
        4.5,
        f"Wij verzoeken u vriendelijk het verschuldigde bedrag van {NL.m(inv.total)} "
        f"vóór {ctx['due']} over te maken op IBAN NL91 ABNA 0417 1643 00 ten name van "
        f"Nordic Fasteners AB onder vermelding van het factuurnummer "
        f"{inv.invoice_number}.",
    )
    _t(pdf, 20, pdf.get_y() + 5, ctx["terms_line"], 8.5)
    _c(
        pdf,
        105,
        287,
        "Op al onze leveringen zijn de algemene voorwaarden van Nordic Fasteners AB van toepassing.",
        7,
    )
    return _out(pdf)


def _nl_factuur_samples(rng: random.Random) -> list[Sample]:
    samples = []
    for name, filename, number, po, day, count, freight, po_label, vendor_line, terms in [
        (
            "nl-factuur-nordic",
            "Factuur 26100187.pdf",
            "26100187",
            "PO-2044",
            date(2026, 11, 16),
            3,
            "15.00",
            "Uw referentie",
            "Ons leveranciersnummer bij u: NORDIC",
            ("Betalingstermijn: 30 dagen", PaymentTerms(net_days=30)),
        ),
        (
            "nl-factuur-nordic-ordernummer",
            "factuur.pdf",
            "26100214",
            "4500012420",
            date(2026, 12, 1),
            5,
            "0",
            "Uw ordernummer",
            None,
            ("Betalingsconditie: 14 dagen netto", PaymentTerms(net_days=14)),
        ),
    ]:
        lines = _bill(rng, NORDIC_CATALOG, _line_nos(rng, count, "seq"), lang="nl", units=_NL_UNITS)
        inv = _invoice(
            number, "NORDIC", po, day, "EUR", lines, freight=freight, tax_rate="21", terms=terms[1]
        )
        ctx = {
            "due": _date(day + timedelta(days=terms[1].net_days), "nl"),
            "po_label": po_label,
            "vendor_line": vendor_line,
            "terms_line": terms[0],
        }
        samples.append(
            _sample(name, filename, _render_nl_factuur(inv, ctx), inv, vendor_on_page=bool(vendor_line))
        )
    return samples


# --- layout: Swedish Faktura ---------------------------------------------------------

_SE_UNITS: dict[str, str] = _LABELS["units"]["sv"]


def _render_se_faktura(inv: Invoice, ctx: dict) -> bytes:
    pdf = _new_pdf("A4", "helvetica")
    pdf.add_page()
    _t(pdf, 20, 22, "Nordic Fasteners AB", 16, "B")
    _t(pdf, 20, 27, "Verkstadsgatan 12, 553 02 Jönköping", 8)
    _t(pdf, 125, 22, "Faktura", 16, "B")
    grid = [
        [
            ("Fakturadatum", _date(inv.invoice_date, "iso")),
            ("Fakturanr", inv.invoice_number),
            ("Kundnr", "5012"),
        ],
        [("Förfallodatum", ctx["due"]), ("Sida", "1 (1)"), ("Valuta", inv.currency)],
    ]
    for row, cells in enumerate(grid):
        for k, (label, value) in enumerate(cells):
            cell_x, cell_y = 125 + 22 * k, 26 + 11 * row
            pdf.rect(cell_x, cell_y, 22, 11)
            _cell(pdf, cell_x + 1.2, cell_y + 3.4, 20, label, "L", 6.5)
            _cell(pdf, cell_x + 1.2, cell_y + 8.5, 20, value, "L", 9, "B")
    refs = [
        ("Er referens", "Anna Berg"),
        ("Vår referens", "Lars Nyström"),
        (ctx["po_label"], inv.po_number),
        ("Betalningsvillkor", ctx["terms_text"]),
        ("Leveransvillkor", "FCA Jönköping"),
        ("Dröjsmålsränta", "8 %"),
    ]
    for k, (label, value) in enumerate(refs):
        _t(pdf, 20, 52 + 4.6 * k, label, 8)
        _t(pdf, 52, 52 + 4.6 * k, value, 8.5)
    for k, text in enumerate(
        ["Northwind Components AB", "Att: Leverantörsreskontra", "Box 1142", "164 22 Kista"]
    ):
        _t(pdf, 125, 56 + 5 * k, text, 10)
    cols = [
        ("Rad", 20, 8, "L"),
        ("Artikelnr", 29, 33, "L"),
        ("Benämning", 63, 58, "L"),
        ("Antal", 122, 14, "R"),
        ("Enhet", 138, 10, "L"),
        ("À-pris", 148, 19, "R"),
        ("Belopp", 168, 22, "R"),
    ]
    pdf.set_fill_color(225, 230, 238)
    pdf.rect(19, 90, 172, 7, style="F")
    for label, x, w, align in cols:
        _cell(pdf, x, 94.8, w, label, align, 8.5, "B")
    y = 103.0
    for line in inv.lines:
        values = [
            str(line.line_no),
            line.item_id or "",
            line.description or "",
            SE.q(line.quantity),
            line.uom or "",
            SE.p(line.unit_price),
            SE.n(stated_amount(line)),
        ]
        for (_, x, w, align), value in zip(cols, values, strict=True):
            _cell(pdf, x, y, w, value, align, 8.5)
        y += 5.5
    cells = [
        ("Exkl. moms", SE.n(inv.lines_total)),
        ("Frakt", SE.n(inv.freight)),
        ("Moms 25 %", SE.n(inv.tax)),
        (f"Att betala {inv.currency}", SE.n(inv.total)),
    ]
    for k, (label, value) in enumerate(cells):
        box_x = 20 + 42.5 * k
        pdf.rect(box_x, 236, 42.5, 13)
        _cell(pdf, box_x + 2, 240.5, 38, label, "L", 7.5, "B" if k == 3 else "")
        _cell(pdf, box_x + 2, 246.5, 38.5, value, "R", 10, "B" if k == 3 else "")
    pdf.line(20, 268, 190, 268)
    footer = [
        ("Postadress", "Verkstadsgatan 12", "553 02 Jönköping"),
        ("Telefon", "036-19 20 00", ""),
        ("Bankgiro", "5050-1055", ""),
        ("Org.nr", "556677-8899", "Godkänd för F-skatt"),
        ("Momsreg.nr", "SE556677889901", ""),
    ]
    for k, (head, first, second) in enumerate(footer):
        _t(pdf, 20 + 34 * k, 272, head, 6.5, "B")
        _t(pdf, 20 + 34 * k, 275.5, first, 7)
        _t(pdf, 20 + 34 * k, 279, second, 7)
    return _out(pdf)


def _se_faktura_samples(rng: random.Random) -> list[Sample]:
    samples = []
    for name, filename, number, po, day, currency, factor, freight, po_label, terms in [
        (
            "se-faktura-nordic-sek",
            "Faktura_100487.pdf",
            "100487",
            "PO-2046",
            date(2026, 11, 20),
            "SEK",
            D("11.5"),
            "195.00",
            "Ert ordernr",
            ("30 dagar netto", PaymentTerms(net_days=30)),
        ),
        (
            "se-faktura-nordic-eur",
            "faktura.pdf",
            "100512",
            "4500012433",
            date(2026, 12, 4),
            "EUR",
            None,
            "0",
            "Er beställning",
            ("20 dagar", PaymentTerms(net_days=20)),
        ),
    ]:
        lines = _bill(
            rng, NORDIC_CATALOG, _line_nos(rng, 3, "seq"), lang="sv", units=_SE_UNITS, price_factor=factor
        )
        inv = _invoice(
            number, "NORDIC", po, day, currency, lines, freight=freight, tax_rate="25", terms=terms[1]
        )
        ctx = {
            "due": _date(day + timedelta(days=terms[1].net_days), "iso"),
            "po_label": po_label,
            "terms_text": terms[0],
        }
        samples.append(_sample(name, filename, _render_se_faktura(inv, ctx), inv, vendor_on_page=False))
    return samples


# --- layout: thermal counter invoice --------------------------------------------------

_THERMAL_WIDTH = 42  # characters of Courier 8 pt on an 80 mm roll


def _thermal_lines(inv: Invoice, ctx: dict) -> list[str]:
    w = _THERMAL_WIDTH

    def centre(text: str) -> str:
        return text.center(w).rstrip()

    def pair(label: str, value: str) -> str:
        return f"{label:>28}{value:>14}"

    out = [
        centre("ACME INDUSTRIAL SUPPLY"),
        centre(ctx["branch"]),
        centre("4400 COMMERCE ST"),
        centre("DALLAS TX 75226"),
        centre("TEL 214-555-0143"),
        "=" * w,
        f"{ctx['number_label']:<12}{inv.invoice_number}",
        f"DATE {_date(inv.invoice_date, 'us2')}  TIME {ctx['time']}  REG {ctx['register']}",
        f"ACCT {ctx['account']}  NORTHWIND COMPONENTS",
        f"{ctx['po_label']} {inv.po_number}",
        f"CLERK {ctx['clerk']}",
        "-" * w,
    ]
    for line in inv.lines:
        out.append(f"{line.line_no:<3}{line.item_id}")
        out.append(f"   {line.description}")
        left = f"     {US.q(line.quantity)} {line.uom} @ {US.p(line.unit_price)}"
        out.append(left + US.n(stated_amount(line)).rjust(w - len(left)))
    out += ["-" * w, pair("SUBTOTAL", US.n(inv.lines_total))]
    if inv.freight:
        out.append(pair("DELIVERY", US.n(inv.freight)))
    out.append(pair(ctx["tax_label"], US.n(inv.tax)))
    out += [
        pair("TOTAL", f"${US.n(inv.total)}"),
        "=" * w,
        f"CHARGE ACCT {ctx['account']}".ljust(28) + US.n(inv.total).rjust(14),
        f"TERMS: {ctx['terms_text']}",
        f"ITEMS {len(inv.lines)}   UNITS {US.q(sum((line.quantity for line in inv.lines), D(0)))}",
        "",
        centre("THANK YOU FOR YOUR BUSINESS"),
        centre("RETURNS WITHIN 30 DAYS WITH RECEIPT"),
        centre(f"{ctx['barcode']}"),
    ]
    return out


def _render_thermal(inv: Invoice, ctx: dict) -> bytes:
    text = _thermal_lines(inv, ctx)
    pdf = _new_pdf((80, 12 + 3.6 * len(text)), "courier")
    pdf.add_page()
    for k, line in enumerate(text):
        _t(pdf, 3.5, 8 + 3.6 * k, line, 8, "B" if line.strip().startswith("TOTAL") else "")
    return _out(pdf)


def _thermal_samples(rng: random.Random) -> list[Sample]:
    samples = []

    def receipt_text(item: Item) -> str:
        return item.describe().upper()[:37].rstrip(" ,")

    for name, filename, number, po, day, count, freight, tax_rate, po_label, terms in [
        (
            "thermal-acme-counter",
            "receipt.pdf",
            "W12-884201",
            "PO-1023",
            date(2026, 11, 14),
            3,
            "0",
            "8.25",
            "PO#",
            ("NET 30", PaymentTerms(net_days=30)),
        ),
        (
            "thermal-acme-tax-exempt",
            "W12-884377.pdf",
            "W12-884377",
            "PO-1024",
            date(2026, 11, 19),
            5,
            "0",
            None,
            "CUST PO:",
            ("NET 30", PaymentTerms(net_days=30)),
        ),
        (
            "thermal-acme-delivery",
            "WillCall_W07-120933.pdf",
            "W07-120933",
            "MRO-77815",
            date(2026, 12, 3),
            2,
            "15.00",
            "8.25",
            "P.O.",
            ("NET 15", PaymentTerms(net_days=15)),
        ),
    ]:
        lines = _bill(rng, ACME_CATALOG, _line_nos(rng, count, "seq"), text=receipt_text)
        inv = _invoice(
            number,
            "ACME",
            po,
            day,
            "USD",
            lines,
            freight=freight,
            tax_rate=tax_rate,
            tax_on_freight=False,
            terms=terms[1],
        )
        ctx = {
            "branch": rng.choice(["WILL CALL - BRANCH 12", "COUNTER SALES - BR 07"]),
            "number_label": rng.choice(["INVOICE", "INV#", "TICKET"]),
            "time": f"{rng.randint(7, 16):02d}:{rng.randint(0, 59):02d}",
            "register": f"{rng.randint(1, 6):02d}",
            "account": str(rng.randint(100000, 199999)),
            "po_label": po_label,
            "clerk": rng.choice(["JMR", "DLW"]),
            "tax_label": f"TAX {tax_rate}%" if tax_rate else "TAX EXEMPT",
            "terms_text": terms[0],
            "barcode": f"*{rng.randint(10**11, 10**12 - 1)}*",
        }
        samples.append(_sample(name, filename, _render_thermal(inv, ctx), inv, vendor_on_page=False))
    return samples


# --- layout: two text lines per item (lab supplier) -------------------------------------


def _render_two_line(inv: Invoice, ctx: dict) -> bytes:
    pdf = _new_pdf("Letter", "times")
    pdf.add_page()
    _c(pdf, 108, 18, "LabWorks Scientific", 20, "B")
    _c(pdf, 108, 24, "2150 Shattuck Avenue  -  Berkeley, California 94704  -  (510) 555-0199", 9)
    _c(pdf, 108, 28.5, "ar@labworks-scientific.example  -  Federal Tax ID 94-3187762", 9)
    pdf.line(15, 32, 201, 32)
    _t(pdf, 15, 42, "Sold To:", 9, "B")
    for k, text in enumerate(
        [
            "Northwind Components Inc.",
            "Quality Control Laboratory",
            "1200 N Lakeshore Drive",
            "Chicago, IL 60611",
        ]
    ):
        _t(pdf, 15, 47 + 4.5 * k, text, 10)
    _t(pdf, 130, 42, "INVOICE", 16, "B")
    for k, (label, value) in enumerate(
        [
            ("Invoice Number:", inv.invoice_number),
            ("Invoice Date:", _date(inv.invoice_date, ctx["date_style"])),
            ("Due Date:", _date(ctx["due"], ctx["date_style"])),
            ("Account No.:", "NWC-001"),
            ("Terms:", ctx["terms_text"]),
        ]
    ):
        _t(pdf, 130, 48 + 4.6 * k, label, 9.5, "B")
        _t(pdf, 160, 48 + 4.6 * k, value, 9.5)
    _t(pdf, 15, 80, ctx["subject"], 10.5, "B")
    _t(pdf, 15, 86, ctx["intro"], 9.5)
    under = ctx["variant"] == "under"
    if under:
        cols = [
            ("Item", 15, 10, "L"),
            ("Catalog No.", 26, 60, "L"),
            ("Qty", 120, 14, "R"),
            ("Unit", 138, 10, "L"),
            ("Unit Price", 150, 24, "R"),
            ("Amount", 176, 25, "R"),
        ]
    else:
        cols = [
            ("Item", 15, 10, "L"),
            ("Catalog No.", 26, 36, "L"),
            ("Description", 63, 68, "L"),
            ("Qty", 132, 12, "R"),
            ("Unit", 147, 10, "L"),
            ("Unit Price", 158, 20, "R"),
            ("Amount", 180, 21, "R"),
        ]
    pdf.line(15, 91, 201, 91)
    for label, x, w, align in cols:
        _cell(pdf, x, 95.5, w, label, align, 9.5, "B")
    pdf.line(15, 97.5, 201, 97.5)
    y = 103.5
    for line, (first, second) in zip(inv.lines, ctx["texts"], strict=True):
        if under:
            values = [
                str(line.line_no),
                line.item_id or "",
                US.q(line.quantity),
                line.uom or "",
                US.p(line.unit_price),
                US.n(stated_amount(line)),
            ]
        else:
            values = [
                str(line.line_no),
                line.item_id or "",
                first,
                US.q(line.quantity),
                line.uom or "",
                US.p(line.unit_price),
                US.n(stated_amount(line)),
            ]
        for (_, x, w, align), value in zip(cols, values, strict=True):
            _cell(pdf, x, y, w, value, align, 9.5)
        if under:
            _cell(pdf, 30, y + 4.4, 170, line.description or "", "L", 9, "I")
        else:
            _cell(pdf, 63, y + 4.4, 68, second, "L", 9.5)
        y += 11
    pdf.line(15, y - 4, 201, y - 4)
    y += 3
    for label, value, style in [
        ("Merchandise Total", US.n(inv.lines_total), ""),
        ("Shipping & Handling", US.n(inv.freight), ""),
        ("Sales Tax", US.n(inv.tax), ""),
        (ctx["total_label"], US.n(inv.total), "B"),
    ]:
        _t(pdf, 135, y, label, 10, style)
        _r(pdf, 201, y, value, 10, style)
        y += 5.5
    y += 8
    for text in [
        "Please remit payment to LabWorks Scientific, Lockbox 7741, Oakland, CA 94612-7741.",
        "A finance charge of 1.5% per month is applied to balances past due.",
        "Thank you for your business!",
    ]:
        _t(pdf, 15, y, text, 9, "I")
        y += 4.6
    return _out(pdf)


def _two_line_samples(rng: random.Random) -> list[Sample]:
    samples = []
    for (
        name,
        filename,
        number,
        po,
        day,
        count,
        freight,
        tax_rate,
        variant,
        date_style,
        terms,
        total_label,
    ) in [
        (
            "two-line-labworks",
            "LW-2026-04418.pdf",
            "LW-2026-04418",
            "PO-LAB-12",
            date(2026, 11, 14),
            3,
            "24.00",
            None,
            "wrap",
            "us-long",
            ("Net 45", PaymentTerms(net_days=45)),
            "Total Due (USD)",
        ),
        (
            "two-line-labworks-taxed",
            "Invoice.pdf",
            "LW-2026-04502",
            "PO-LAB-31",
            date(2026, 11, 30),
            4,
            "48.50",
            "10.25",
            "wrap",
            "us-mon",
            ("1% 10, Net 30", PaymentTerms(net_days=30, discount_days=10, discount_percent=D("1"))),
            "Invoice Total USD",
        ),
        (
            "two-line-labworks-under",
            "LW-2026-04533.pdf",
            "LW-2026-04533",
            "4500012455",
            date(2026, 12, 7),
            3,
            "0",
            None,
            "under",
            "us",
            ("Net 30", PaymentTerms(net_days=30)),
            "Total Due (USD)",
        ),
    ]:
        items = _choose(rng, LABWORKS_CATALOG, count)
        nos = _line_nos(rng, count, "seq")
        lines, texts = [], []
        for no, item in zip(nos, items, strict=True):
            quantity = D(rng.choice(item.quantities))
            if variant == "under":
                text = f"{item.describe()}, {item.detail}"
            else:
                text = f"{item.describe()} {item.detail}"
            texts.append((item.describe(), item.detail))
            lines.append(
                InvoiceLine(
                    line_no=no,
                    item_id=item.item_id,
                    description=text,
                    quantity=quantity,
                    uom=item.uom,
                    unit_price=item.price,
                    amount=_money(quantity * item.price),
                )
            )
        inv = _invoice(
            number,
            "LABWORKS",
            po,
            day,
            "USD",
            lines,
            freight=freight,
            tax_rate=tax_rate,
            tax_on_freight=False,
            terms=terms[1],
        )
        po_day = day - timedelta(days=rng.randint(10, 20))
        ctx = {
            "texts": texts,
            "variant": variant,
            "date_style": date_style,
            "terms_text": terms[0],
            "due": day + timedelta(days=terms[1].net_days),
            "total_label": total_label,
            "subject": f"Re: Your Purchase Order No. {po} dated {_date(po_day, 'us-long')}",
            "intro": f"We are pleased to invoice the following items, shipped "
            f"{_date(day - timedelta(days=1), 'us-long')} "
            f"via FedEx Ground, tracking {rng.randint(1000, 9999)} {rng.randint(1000, 9999)} "
            f"{rng.randint(1000, 9999)}.",
        }
        samples.append(_sample(name, filename, _render_two_line(inv, ctx), inv, vendor_on_page=False))
    return samples


# --- acknowledgments ------------------------------------------------------------------


@dataclass
class AckRow:
    """A PO line as the supplier confirms it."""

    no: int
    item: Item
    text: str
    uom: str
    ordered: Decimal
    price: Decimal  # the PO price
    status: AckLineStatus = AckLineStatus.ACCEPTED
    confirmed: Decimal | None = None  # None: as ordered
    new_price: Decimal | None = None
    promised: date | None = None
    remark: str = ""

    @property
    def quantity(self) -> Decimal:
        return self.confirmed if self.confirmed is not None else self.ordered

    @property
    def unit_price(self) -> Decimal:
        return self.new_price if self.new_price is not None else self.price

    def model(self) -> AcknowledgmentLine:
        return AcknowledgmentLine(
            line_no=self.no,
            status=self.status,
            quantity=self.confirmed,
            unit_price=self.new_price,
            promised_date=self.promised,
        )


@dataclass
class AckPlan:
    ack_id: str
    vendor: str
    po: str
    day: date
    status: AckStatus
    rows: list[AckRow] = field(default_factory=list)
    message: str | None = None

    def model(self) -> Acknowledgment:
        return Acknowledgment(
            ack_id=self.ack_id,
            po_number=self.po,
            vendor_id=self.vendor,
            status=self.status,
            lines=[row.model() for row in self.rows],
            message=self.message,
            acknowledged_at=datetime(self.day.year, self.day.month, self.day.day, tzinfo=UTC),
        )


def _ack_rows(
    rng: random.Random,
    catalog: list[Item],
    nos: list[int],
    day: date,
    *,
    lang: str = "en",
    units: dict[str, str] | None = None,
) -> list[AckRow]:
    rows = []
    ship = day + timedelta(days=rng.randint(5, 12))
    for no, item in zip(nos, _choose(rng, catalog, len(nos)), strict=True):
        rows.append(
            AckRow(
                no=no,
                item=item,
                text=item.describe(lang),
                uom=(units or {}).get(item.uom, item.uom),
                ordered=D(rng.choice(item.quantities)),
                price=item.price,
                promised=ship,
            )
        )
    return rows


_ACK_EN_SELLERS = {
    "ACME": (
        "ACME INDUSTRIAL SUPPLY",
        ["4400 Commerce Street", "Dallas, TX 75226-1803", "Phone (214) 555-0143"],
    ),
    "LABWORKS": ("LabWorks Scientific", ["2150 Shattuck Avenue", "Berkeley, CA 94704", "(510) 555-0199"]),
}


def _render_ack_en(plan: AckPlan, ctx: dict) -> bytes:
    pdf = _new_pdf("Letter", "helvetica")
    pdf.add_page()
    name, address = _ACK_EN_SELLERS[plan.vendor]
    _t(pdf, 10, 17, name, 14, "B")
    for k, text in enumerate(address):
        _t(pdf, 10, 22 + 4 * k, text, 8)
    _r(pdf, 206, 17, ctx["title"], 14, "B")
    box = [
        (ctx["id_label"], plan.ack_id),
        ("Date", _date(plan.day, ctx["date_style"])),
        (ctx["po_label"], plan.po),
        ("PO Date", _date(ctx["po_date"], ctx["date_style"])),
    ]
    if ctx.get("vendor_label"):
        box.append((ctx["vendor_label"], plan.vendor))
    pdf.rect(130, 21, 76, 5.5 * len(box))
    for k, (label, value) in enumerate(box):
        _t(pdf, 132, 25 + 5.5 * k, label, 8, "B")
        _t(pdf, 165, 25 + 5.5 * k, value, 9)
    for x, title, lines in ((10, "Sold To:", _US_BILL_TO), (110, "Ship To:", _US_SHIP_TO)):
        _t(pdf, x, 55, title, 8, "B")
        for k, text in enumerate(lines):
            _t(pdf, x + 4, 60 + 4.3 * k, text, 9)
    _t(pdf, 10, 86, ctx["status_text"], 9.5, "B")
    cols = [
        ("Ln", 8, 7, "C"),
        ("Item", 16, 30, "L"),
        ("Description", 47, 55, "L"),
        ("Qty Ord", 103, 13, "R"),
        ("Qty Conf", 117, 14, "R"),
        ("U/M", 133, 8, "L"),
        ("Unit Price", 141, 17, "R"),
        ("Promise Date", 160, 20, "C"),
        ("Status", 182, 25, "L"),
    ]
    pdf.set_fill_color(225, 225, 225)
    pdf.rect(8, 91, 200, 6.5, style="F")
    for label, x, w, align in cols:
        _cell(pdf, x, 95.3, w, label, align, 7.5, "B")
    y = 102.5
    for row in plan.rows:
        rejected = row.status == AckLineStatus.REJECTED
        values = [
            str(row.no),
            row.item.item_id,
            row.text,
            US.q(row.ordered),
            "0" if rejected else US.q(row.quantity),
            row.uom,
            US.p(row.unit_price),
            _date(row.promised, ctx["date_style"]) if row.promised else "-",
            ctx["status_words"][row.status],
        ]
        for (_, x, w, align), value in zip(cols, values, strict=True):
            _cell(pdf, x, y, w, value, align, 8)
        y += 5.5
    pdf.line(8, y - 3, 208, y - 3)
    order_value = sum(
        (_money(row.quantity * row.unit_price) for row in plan.rows if row.status != AckLineStatus.REJECTED),
        D(0),
    )
    _t(pdf, 141, y + 3, "Order Total", 9, "B")
    _r(pdf, 206, y + 3, f"${US.n(order_value)}", 9, "B")
    y += 12
    if plan.message:
        pdf.rect(10, y - 4.5, 196, 10)
        _t(pdf, 12, y, "Remarks:", 8, "B")
        _t(pdf, 12, y + 4, plan.message, 8.5)
        y += 14
    for text in [
        ("Please review this acknowledgment carefully and notify us within 48 hours of any discrepancy."),
        (
            "All sales are subject to our standard terms and conditions of sale. Freight: FOB origin, "
            "prepaid & add."
        ),
    ]:
        _t(pdf, 10, y, text, 7.5)
        y += 4
    return _out(pdf)


_EN_STATUS = {AckLineStatus(key): text for key, text in _LABELS["ack_en"]["line_status"].items()}


def _ack_en_samples(rng: random.Random) -> list[Sample]:
    samples = []

    # 1. ACME: one price change, one backorder.
    day = date(2026, 11, 12)
    plan = AckPlan(
        "SO-418822",
        "ACME",
        "PO-1031",
        day,
        AckStatus.ACCEPTED_WITH_CHANGES,
        _ack_rows(rng, ACME_CATALOG, _line_nos(rng, 4, "seq"), day),
    )
    price_row, late_row = plan.rows[1], plan.rows[2]
    price_row.status, price_row.new_price = AckLineStatus.CHANGED, _money(price_row.price * D("1.06"))
    late_row.status, late_row.promised = AckLineStatus.BACKORDERED, day + timedelta(days=24)
    plan.message = (
        f"Line {late_row.no} is backordered at the manufacturer; line {price_row.no} is priced "
        f"per our 2026 price list."
    )
    ctx = {
        "title": "SALES ORDER ACKNOWLEDGMENT",
        "id_label": "Sales Order No.",
        "po_label": "Customer PO No.",
        "po_date": day - timedelta(days=2),
        "date_style": "us",
        "status_text": "Your order has been accepted with the changes noted below.",
        "status_words": {**_EN_STATUS, AckLineStatus.CHANGED: "Price change"},
    }
    samples.append(
        _sample(
            "ack-en-acme-changes",
            "SO-418822.pdf",
            _render_ack_en(plan, ctx),
            plan.model(),
            vendor_on_page=False,
        )
    )

    # 2. LABWORKS: accepted as entered, vendor id printed.
    day = date(2026, 11, 3)
    plan = AckPlan(
        "OC-26-01187",
        "LABWORKS",
        "PO-LAB-12",
        day,
        AckStatus.ACCEPTED,
        _ack_rows(rng, LABWORKS_CATALOG, _line_nos(rng, 3, "seq"), day),
    )
    plan.rows[0].promised = day + timedelta(days=3)
    ctx = {
        "title": "ORDER CONFIRMATION",
        "id_label": "Confirmation No.",
        "po_label": "Your PO #",
        "po_date": day - timedelta(days=1),
        "date_style": "us-mon",
        "vendor_label": "Supplier ID",
        "status_text": "Thank you for your order. It has been accepted as entered.",
        "status_words": _EN_STATUS,
    }
    samples.append(
        _sample(
            "ack-en-labworks-accepted",
            "order_confirmation.pdf",
            _render_ack_en(plan, ctx),
            plan.model(),
            vendor_on_page=True,
        )
    )

    # 3. ACME: quantity cut on one line, one line cancelled (discontinued).
    day = date(2026, 11, 25)
    plan = AckPlan(
        "SO-419310",
        "ACME",
        "4500012501",
        day,
        AckStatus.ACCEPTED_WITH_CHANGES,
        _ack_rows(rng, ACME_CATALOG, _line_nos(rng, 4, "gaps"), day),
    )
    cut, gone = plan.rows[0], plan.rows[3]
    cut.status = AckLineStatus.CHANGED
    cut.confirmed = max(D(1), (cut.ordered / 2).to_integral_value(ROUND_DOWN))
    gone.status, gone.promised = AckLineStatus.REJECTED, None
    plan.message = f"Item on line {gone.no} is discontinued; no substitute available."
    ctx = {
        "title": "SALES ORDER ACKNOWLEDGMENT",
        "id_label": "Sales Order No.",
        "po_label": "Customer PO No.",
        "po_date": day - timedelta(days=3),
        "date_style": "us",
        "status_text": "Order accepted with changes - see line status.",
        "status_words": {**_EN_STATUS, AckLineStatus.CHANGED: "Qty reduced"},
    }
    samples.append(
        _sample(
            "ack-en-acme-qty-cancel",
            "SO-419310.pdf",
            _render_ack_en(plan, ctx),
            plan.model(),
            vendor_on_page=False,
        )
    )
    return samples


def _render_ack_de(plan: AckPlan, ctx: dict) -> bytes:
    pdf = _new_pdf("A4", "times")
    pdf.add_page()
    _t(pdf, 20, 22, "Nordic Fasteners AB", 16, "B")
    _t(pdf, 20, 27, "Befestigungstechnik · Niederlassung Deutschland", 8.5, "I")
    _t(pdf, 20, 48, "Nordic Fasteners AB · Hammerbrookstraße 90 · 20097 Hamburg", 7)
    pdf.line(20, 49.2, 96, 49.2)
    for k, text in enumerate(
        ["Northwind Components GmbH", "Einkauf", "Industriestraße 14", "70565 Stuttgart"]
    ):
        _t(pdf, 20, 57 + 5 * k, text, 11)
    info = [
        ("Auftrags-Nr.", plan.ack_id),
        ("Datum", _date(plan.day, "de")),
        ("Ihre Bestellung", plan.po),
        ("vom", _date(ctx["po_date"], "de")),
        ("Kunden-Nr.", "10044"),
        ("Sachbearbeiter", "Frau Svensson"),
    ]
    for k, (label, value) in enumerate(info):
        _t(pdf, 128, 55 + 4.8 * k, label, 9)
        _t(pdf, 160, 55 + 4.8 * k, value, 9)
    _t(pdf, 20, 100, f"Auftragsbestätigung Nr. {plan.ack_id}", 12, "B")
    _t(pdf, 20, 109, "Sehr geehrte Damen und Herren,", 10)
    _t(pdf, 20, 114, ctx["intro"], 10)
    cols = [
        ("Pos.", 20, 8, "L"),
        ("Artikel-Nr.", 28, 31, "L"),
        ("Bezeichnung", 60, 53, "L"),
        ("Menge", 113, 14, "R"),
        ("ME", 129, 6, "L"),
        ("Preis/ME", 135, 17, "R"),
        ("Betrag", 153, 19, "R"),
        ("Liefertermin", 173, 19, "R"),
    ]
    for label, x, w, align in cols:
        _cell(pdf, x, 124, w, label, align, 9, "B")
    pdf.line(20, 126, 192, 126)
    y = 131.5
    for row in plan.rows:
        rejected = row.status == AckLineStatus.REJECTED
        values = [
            str(row.no),
            row.item.item_id,
            row.text,
            DE.q(row.ordered if rejected else row.quantity),
            row.uom,
            DE.m(row.unit_price, _price_places(row.unit_price)),
            DE.m(D(0) if rejected else _money(row.quantity * row.unit_price)),
            _date(row.promised, "de") if row.promised else "entfällt",
        ]
        for (_, x, w, align), value in zip(cols, values, strict=True):
            _cell(pdf, x, y, w, value, align, 8.5)
        if row.remark:
            _t(pdf, 60, y + 4.2, row.remark, 8, "I")
            y += 4.2
        y += 6
    pdf.line(20, y - 3.5, 192, y - 3.5)
    total = sum(
        (_money(row.quantity * row.unit_price) for row in plan.rows if row.status != AckLineStatus.REJECTED),
        D(0),
    )
    _t(pdf, 110, y + 2, "Auftragswert netto", 10, "B")
    _r(pdf, 172, y + 2, DE.m(total), 10, "B")
    y += 14
    for text in [
        "Lieferung frei Haus ab 500,00 € Warenwert, darunter Versandkostenpauschale 9,90 €.",
        "Zahlungsbedingungen: 14 Tage 2 % Skonto, 30 Tage netto.",
        "Es gelten unsere Allgemeinen Verkaufs- und Lieferbedingungen.",
        "",
        "Mit freundlichen Grüßen",
        "Nordic Fasteners AB",
    ]:
        _t(pdf, 20, y, text, 10)
        y += 5
    return _out(pdf)


def _ack_de_samples(rng: random.Random) -> list[Sample]:
    samples = []
    units = _DE_UNITS
    catalog = NORDIC_CATALOG[:7]

    # 1. Price change and backorder.
    day = date(2026, 11, 5)
    plan = AckPlan(
        "AB-71004512",
        "NORDIC",
        "4500012345",
        day,
        AckStatus.ACCEPTED_WITH_CHANGES,
        _ack_rows(rng, catalog, _line_nos(rng, 3, "sap"), day, lang="de", units=units),
    )
    changed, late = plan.rows[0], plan.rows[2]
    changed.status, changed.new_price = AckLineStatus.CHANGED, changed.price + D("0.0080")
    changed.remark = f"Preisänderung: bisher {DE.m(changed.price, 4)} je Stk"
    late.status, late.promised = AckLineStatus.BACKORDERED, day + timedelta(days=33)
    late.remark = "Rückstand - Teil derzeit nicht am Lager, Liefertermin verschoben"
    ctx = {
        "po_date": date(2026, 11, 3),
        "intro": "wir danken für Ihre Bestellung und bestätigen sie mit folgenden Abweichungen:",
    }
    samples.append(
        _sample(
            "ack-de-nordic-abweichungen",
            "AB-71004512.pdf",
            _render_ack_de(plan, ctx),
            plan.model(),
            vendor_on_page=False,
        )
    )

    # 2. Accepted as ordered; different delivery dates per line.
    day = date(2026, 11, 11)
    plan = AckPlan(
        "AB-71004598",
        "NORDIC",
        "NW-PO-26-0451",
        day,
        AckStatus.ACCEPTED,
        _ack_rows(rng, catalog, _line_nos(rng, 4, "seq"), day, lang="de", units=units),
    )
    plan.rows[-1].promised = day + timedelta(days=21)
    ctx = {
        "po_date": date(2026, 11, 9),
        "intro": "vielen Dank für Ihren Auftrag, den wir zu den nachstehenden Bedingungen bestätigen:",
    }
    samples.append(
        _sample(
            "ack-de-nordic-bestaetigt",
            "Auftragsbestaetigung.pdf",
            _render_ack_de(plan, ctx),
            plan.model(),
            vendor_on_page=False,
        )
    )

    # 3. Quantity reduced on one line, one line cannot be supplied.
    day = date(2026, 11, 30)
    plan = AckPlan(
        "AB-71004733",
        "NORDIC",
        "4500012433",
        day,
        AckStatus.ACCEPTED_WITH_CHANGES,
        _ack_rows(rng, catalog, _line_nos(rng, 3, "sap-gaps"), day, lang="de", units=units),
    )
    cut, gone = plan.rows[1], plan.rows[2]
    cut.ordered = D("10000")
    cut.status, cut.confirmed = AckLineStatus.CHANGED, D("6000")
    cut.remark = f"Menge geändert: bestellt {DE.q(cut.ordered)} Stk, Restmenge entfällt"
    gone.status, gone.promised = AckLineStatus.REJECTED, None
    gone.remark = "Position storniert - Artikel nicht mehr lieferbar"
    ctx = {
        "po_date": date(2026, 11, 27),
        "intro": "Ihre Bestellung bestätigen wir mit den unten vermerkten Änderungen:",
    }
    samples.append(
        _sample(
            "ack-de-nordic-menge-storno",
            "AB_71004733.pdf",
            _render_ack_de(plan, ctx),
            plan.model(),
            vendor_on_page=False,
        )
    )
    return samples


# --- the set -------------------------------------------------------------------------


def sample_set() -> list[Sample]:
    """Every held-out sample, the same bytes on every call."""
    rng = random.Random(SEED)
    return (
        _us_distributor_samples(rng)
        + _de_rechnung_samples(rng)
        + _fr_facture_samples(rng)
        + _nl_factuur_samples(rng)
        + _se_faktura_samples(rng)
        + _thermal_samples(rng)
        + _two_line_samples(rng)
        + _ack_en_samples(rng)
        + _ack_de_samples(rng)
    )
