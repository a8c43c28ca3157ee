"""pdf-lines: a development set of supplier invoice PDFs about LINE TABLES (issue #19 item 6).

Written without reading the PDF reader (activities/intake/) or the other PDF
generators, to find where line values (line_no, item_id, description, quantity,
uom, unit_price, amount) are read wrong at high confidence. It is tuned on;
pdf-blind stays the untouched blind set.

Layouts, and the ERP habit each imitates:

- `us-grid` (English, USD): QuickBooks/NetSuite-style fully ruled grid. Line
  1, 2, 3; item code in its own column; descriptions wrapped over 2–3 text
  lines; "Your ref: …" sub-lines; freight in the totals.
- `de-sap` (German, EUR): SAP SD print. Positions 10, 20, 30; the material
  number on a second line under the description ("Art.-Nr. 100234567");
  customs tariff sub-lines; quantities with three decimals ("12,000");
  unruled; long invoices break over pages with "Übertrag" rows and the
  header repeated.
- `fr-sage` (French, EUR): small French ERP. No line-number column; quantity
  first with the unit in the same cell ("12 pce"); no item code; remise %
  and TVA % per line (20 % and 5,5 %).
- `nl-code-in-text` (Dutch, EUR): Exact/AFAS-like. Regel "001"; the item code
  printed before the description in the same cell ("AB-1234 Zeskantbout");
  unit price printed AFTER the amount; numbers left-aligned; unruled.
- `uk-sections` (English, GBP): project supplier. Section headings
  ("1 Mechanical parts", "2 Services") with lines numbered "1.1", "1.2",
  "2.1" (not an integer line number: left out of the ground truth); item code
  column; free-text note rows between lines; VAT rate per line; rules between
  rows only.
- `es-lotes` (Spanish, EUR): Spanish distributor. Nº 1, 2, 3; código column;
  wrapped descriptions; "Lote: 2291" sub-lines; Dto. % column; ruled.
- `it-gestionale` (Italian, EUR): Italian gestionale. Riga "001"; no item
  code; U.M. before the quantity; amount before the unit price; sconto %
  and IVA % columns; unruled.
- `de-handwerk` (German, EUR): craftsman software (Lexware-like). No line
  numbers; item code before the description ("4711-02 Sechskantschraube");
  "geliefert am 03.05.2026" sub-lines; unit in the quantity cell ("12 Stk");
  section headings ("Material", "Arbeitsleistung"); left-aligned numbers;
  long ones break over pages with "Übertrag".
- `us-distributor` (English, USD): electronics distributor. Line 10, 20, 30;
  quantity columns BEFORE the description (Ordered, Shipped — billed is
  Shipped); item code column; "Serial no. …" sub-lines; long ones break
  with "Carried forward" / "Brought forward".
- `nl-projects` (Dutch, EUR): Dutch installer. Sections with lines "1.1",
  "2.1"; the item code on a second line ("Art.nr. 4711"); note rows; BTW %
  per line (21 % and 9 %); ruled grid.

Ground truth per line: line_no as printed when it is an integer (omitted when
no number is printed, or the printed one is "1.1"-style), item_id only when a
code is printed, description as printed (wrapped parts joined with one space,
sub-lines and item codes not included), quantity (the billed one), uom when
printed, unit_price as printed (before a discount), amount as printed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fpdf import FPDF

from tools.supplier_sim.samples import Sample

__all__ = ["LAYOUTS", "sample_set"]

CREATED = datetime(2026, 5, 12, 8, 0, tzinfo=UTC)
CENT = Decimal("0.01")

# --- what is sold ------------------------------------------------------------------------------------

# (kind, description per language en/de/fr/nl/es/it, unit kind, price low, price high, price places)
CATALOGUE: list[tuple[str, dict[str, str], str, str, str, int]] = [
    (
        "goods",
        {
            "en": "Hex bolt M8x40 zinc plated",
            "de": "Sechskantschraube M8x40 verzinkt",
            "fr": "Vis à tête hexagonale M8x40 zinguée",
            "nl": "Zeskantbout M8x40 verzinkt",
            "es": "Tornillo hexagonal M8x40 cincado",
            "it": "Vite a testa esagonale M8x40 zincata",
        },
        "pc",
        "0.0450",
        "0.3900",
        4,
    ),
    (
        "goods",
        {
            "en": "Deep groove ball bearing 6204-2RS, sealed both sides, C3 clearance, for electric motors",
            "de": "Rillenkugellager 6204-2RS, beidseitig abgedichtet, Lagerluft C3, für Elektromotoren",
            "fr": "Roulement à billes 6204-2RS, étanche des deux côtés, jeu C3, pour moteurs électriques",
            "nl": "Groefkogellager 6204-2RS, aan beide zijden afgedicht, speling C3, voor elektromotoren",
            "es": "Rodamiento rígido de bolas 6204-2RS, sellado ambos lados, juego C3, para motores eléctricos",
            "it": "Cuscinetto radiale a sfere 6204-2RS, schermato su due lati, gioco C3, per motori elettrici",
        },
        "pc",
        "3.20",
        "9.80",
        2,
    ),
    (
        "goods",
        {
            "en": "Hydraulic hose DN12 2SN with pressed fittings both ends, length as ordered",
            "de": "Hydraulikschlauch DN12 2SN mit verpressten Armaturen an beiden Enden, Länge nach Auftrag",
            "fr": "Flexible hydraulique DN12 2SN avec raccords sertis aux deux extrémités, longueur sur commande",
            "nl": "Hydraulische slang DN12 2SN met geperste koppelingen aan beide zijden, lengte volgens order",
            "es": "Manguera hidráulica DN12 2SN con terminales prensados en ambos extremos, longitud según pedido",
            "it": "Tubo idraulico DN12 2SN con raccordi pressati alle due estremità, lunghezza su ordine",
        },
        "m",
        "7.10",
        "18.50",
        2,
    ),
    (
        "goods",
        {
            "en": "Cable tie 300x4.8 black",
            "de": "Kabelbinder 300x4,8 schwarz",
            "fr": "Collier de serrage 300x4,8 noir",
            "nl": "Kabelbinder 300x4,8 zwart",
            "es": "Brida de nylon 300x4,8 negra",
            "it": "Fascetta 300x4,8 nera",
        },
        "box",
        "4.90",
        "12.40",
        2,
    ),
    (
        "goods",
        {
            "en": "Stainless steel sheet 1.4301, 2 mm, cut to size 1000 x 2000 mm, film on one side",
            "de": "Edelstahlblech 1.4301, 2 mm, Zuschnitt 1000 x 2000 mm, einseitig foliert",
            "fr": "Tôle inox 1.4301, 2 mm, découpe 1000 x 2000 mm, filmée une face",
            "nl": "RVS plaat 1.4301, 2 mm, op maat 1000 x 2000 mm, eenzijdig gefolieerd",
            "es": "Chapa de acero inoxidable 1.4301, 2 mm, cortada a 1000 x 2000 mm, film una cara",
            "it": "Lamiera inox 1.4301, 2 mm, taglio a misura 1000 x 2000 mm, pellicola un lato",
        },
        "kg",
        "4.15",
        "6.90",
        2,
    ),
    (
        "goods",
        {
            "en": "Pneumatic cylinder ISO 15552, bore 50 mm, stroke 200 mm, with magnetic piston and cushioning",
            "de": "Pneumatikzylinder ISO 15552, Kolben 50 mm, Hub 200 mm, mit Magnetkolben und Endlagendämpfung",
            "fr": "Vérin pneumatique ISO 15552, alésage 50 mm, course 200 mm, piston magnétique et amortissement",
            "nl": "Pneumatische cilinder ISO 15552, boring 50 mm, slag 200 mm, met magneetzuiger en demping",
            "es": "Cilindro neumático ISO 15552, diámetro 50 mm, carrera 200 mm, con émbolo magnético y amortiguación",
            "it": "Cilindro pneumatico ISO 15552, alesaggio 50 mm, corsa 200 mm, con pistone magnetico e ammortizzo",
        },
        "pc",
        "88.00",
        "164.00",
        2,
    ),
    (
        "goods",
        {
            "en": "Safety gloves size 9",
            "de": "Schutzhandschuhe Gr. 9",
            "fr": "Gants de protection taille 9",
            "nl": "Werkhandschoenen maat 9",
            "es": "Guantes de seguridad talla 9",
            "it": "Guanti di protezione taglia 9",
        },
        "pair",
        "2.35",
        "6.80",
        2,
    ),
    (
        "goods",
        {
            "en": "Lubricating grease lithium EP2, 400 g cartridge",
            "de": "Schmierfett Lithium EP2, Kartusche 400 g",
            "fr": "Graisse lithium EP2, cartouche 400 g",
            "nl": "Smeervet lithium EP2, patroon 400 g",
            "es": "Grasa de litio EP2, cartucho 400 g",
            "it": "Grasso al litio EP2, cartuccia 400 g",
        },
        "pc",
        "3.95",
        "8.60",
        2,
    ),
    (
        "goods",
        {
            "en": "Frequency inverter 2.2 kW, 400 V three-phase, IP20, with integrated EMC filter and keypad",
            "de": "Frequenzumrichter 2,2 kW, 400 V dreiphasig, IP20, mit integriertem EMV-Filter und Bedienteil",
            "fr": "Variateur de fréquence 2,2 kW, 400 V triphasé, IP20, avec filtre CEM intégré et clavier",
            "nl": "Frequentieregelaar 2,2 kW, 400 V driefasig, IP20, met geïntegreerd EMC-filter en bedienpaneel",
            "es": "Variador de frecuencia 2,2 kW, 400 V trifásico, IP20, con filtro EMC integrado y teclado",
            "it": "Inverter 2,2 kW, 400 V trifase, IP20, con filtro EMC integrato e tastierino",
        },
        "pc",
        "310.00",
        "545.00",
        2,
    ),
    (
        "goods",
        {
            "en": "Copper cable H07V-K 1x6 mm2 green/yellow",
            "de": "Kupferleitung H07V-K 1x6 mm2 grün/gelb",
            "fr": "Câble cuivre H07V-K 1x6 mm2 vert/jaune",
            "nl": "Koperdraad H07V-K 1x6 mm2 groen/geel",
            "es": "Cable de cobre H07V-K 1x6 mm2 verde/amarillo",
            "it": "Cavo in rame H07V-K 1x6 mm2 giallo/verde",
        },
        "m",
        "0.82",
        "1.95",
        2,
    ),
    (
        "service",
        {
            "en": "Installation and commissioning on site, technician",
            "de": "Montage und Inbetriebnahme vor Ort, Monteur",
            "fr": "Installation et mise en service sur site, technicien",
            "nl": "Montage en inbedrijfstelling op locatie, monteur",
            "es": "Montaje y puesta en marcha in situ, técnico",
            "it": "Installazione e messa in servizio in loco, tecnico",
        },
        "hour",
        "62.00",
        "98.00",
        2,
    ),
    (
        "service",
        {
            "en": "Travel costs flat rate",
            "de": "Anfahrtspauschale",
            "fr": "Forfait déplacement",
            "nl": "Voorrijkosten",
            "es": "Gastos de desplazamiento",
            "it": "Forfait trasferta",
        },
        "flat",
        "35.00",
        "95.00",
        2,
    ),
    (
        "service",
        {
            "en": "Engineering and documentation according to customer specification, including wiring diagrams",
            "de": "Engineering und Dokumentation nach Kundenvorgabe, einschließlich Stromlaufplänen",
            "fr": "Ingénierie et documentation selon cahier des charges du client, schémas électriques inclus",
            "nl": "Engineering en documentatie volgens klantspecificatie, inclusief elektrische schema's",
            "es": "Ingeniería y documentación según especificación del cliente, incluidos esquemas eléctricos",
            "it": "Progettazione e documentazione secondo specifica del cliente, inclusi schemi elettrici",
        },
        "hour",
        "85.00",
        "120.00",
        2,
    ),
]

UNITS = {  # unit kind → what each language prints
    "en": {"pc": "EA", "m": "M", "box": "BOX", "kg": "KG", "pair": "PR", "hour": "HR", "flat": "LS"},
    "de": {"pc": "Stk", "m": "m", "box": "Pck", "kg": "kg", "pair": "Paar", "hour": "Std", "flat": "psch"},
    "fr": {"pc": "pce", "m": "m", "box": "bte", "kg": "kg", "pair": "paire", "hour": "h", "flat": "forf"},
    "nl": {"pc": "st", "m": "m", "box": "doos", "kg": "kg", "pair": "paar", "hour": "uur", "flat": "post"},
    "es": {"pc": "ud", "m": "m", "box": "caja", "kg": "kg", "pair": "par", "hour": "h", "flat": "global"},
    "it": {"pc": "pz", "m": "m", "box": "cf", "kg": "kg", "pair": "paio", "hour": "ore", "flat": "forf"},
}

WORDS = {  # per language: the header, totals and continuation wording
    "en": {
        "title": "INVOICE",
        "number": "Invoice No.",
        "date": "Invoice Date",
        "po": "Customer PO",
        "cust": "Account No.",
        "currency": "Currency",
        "subtotal": "Subtotal",
        "tax": "Sales Tax",
        "vat": "VAT",
        "freight": "Freight",
        "total": "Total Due",
        "carried": "Carried forward",
        "brought": "Brought forward",
        "page": "Page",
        "bill": "Bill To",
        "terms": "Terms: Net 30 days",
    },
    "de": {
        "title": "Rechnung",
        "number": "Rechnungsnummer",
        "date": "Rechnungsdatum",
        "po": "Ihre Bestellung",
        "cust": "Kundennummer",
        "currency": "Währung",
        "subtotal": "Nettobetrag",
        "tax": "MwSt.",
        "vat": "MwSt.",
        "freight": "Fracht",
        "total": "Rechnungsbetrag",
        "carried": "Übertrag",
        "brought": "Übertrag",
        "page": "Seite",
        "bill": "Rechnungsempfänger",
        "terms": "Zahlbar innerhalb 30 Tagen netto",
    },
    "fr": {
        "title": "FACTURE",
        "number": "Facture N°",
        "date": "Date",
        "po": "Votre commande",
        "cust": "Code client",
        "currency": "Devise",
        "subtotal": "Total HT",
        "tax": "TVA",
        "vat": "TVA",
        "freight": "Port",
        "total": "Total TTC",
        "carried": "A reporter",
        "brought": "Report",
        "page": "Page",
        "bill": "Facturé à",
        "terms": "Paiement à 30 jours fin de mois",
    },
    "nl": {
        "title": "FACTUUR",
        "number": "Factuurnummer",
        "date": "Factuurdatum",
        "po": "Uw ordernummer",
        "cust": "Debiteurnummer",
        "currency": "Valuta",
        "subtotal": "Subtotaal",
        "tax": "BTW",
        "vat": "BTW",
        "freight": "Vracht",
        "total": "Totaal te betalen",
        "carried": "Transport",
        "brought": "Transport",
        "page": "Pagina",
        "bill": "Factuuradres",
        "terms": "Betaling binnen 30 dagen",
    },
    "es": {
        "title": "FACTURA",
        "number": "Nº Factura",
        "date": "Fecha",
        "po": "Su pedido",
        "cust": "Cliente",
        "currency": "Moneda",
        "subtotal": "Base imponible",
        "tax": "IVA",
        "vat": "IVA",
        "freight": "Portes",
        "total": "Total factura",
        "carried": "Suma y sigue",
        "brought": "Suma anterior",
        "page": "Página",
        "bill": "Cliente",
        "terms": "Vencimiento: 30 días",
    },
    "it": {
        "title": "FATTURA",
        "number": "Fattura n.",
        "date": "Data",
        "po": "Vs. ordine",
        "cust": "Cod. cliente",
        "currency": "Valuta",
        "subtotal": "Imponibile",
        "tax": "IVA",
        "vat": "IVA",
        "freight": "Trasporto",
        "total": "Totale documento",
        "carried": "A riportare",
        "brought": "Riporto",
        "page": "Pagina",
        "bill": "Spett.le",
        "terms": "Pagamento: bonifico 30 gg d.f.",
    },
}

VENDORS = {  # vendor_id → (name, address lines)
    "ACME": ("Acme Industrial Supply", ["400 Foundry Road", "Dayton, OH 45402"]),
    "NORDIC": ("Nordic Components", ["Industrieweg 12", "Postfach 4711"]),
    "LABWORKS": ("Labworks Technik", ["Am Werkhof 3", "Service and Parts"]),
}
BUYER = ["Poflow Manufacturing", "Goods receiving, Gate 2", "Harbour Street 8"]


# --- layouts -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Col:
    key: str  # no, item, desc, qty, qtyu, uom, price, disc, rate, amount, ordered
    head: str
    width: float


@dataclass(frozen=True)
class Layout:
    name: str
    lang: str
    currency: str
    vendor: str
    cols: tuple[Col, ...]
    numbering: str  # "1" (1, 2, 3), "10" (10, 20, 30), "001", "1.1", "" (none printed)
    item: str  # "col", "before" (code, space, description), "below" (code on a line of its own), ""
    item_label: str = ""  # printed before a code on its own line ("Art.-Nr.")
    ruled: str = ""  # "grid", "rows", ""
    align: str = "R"  # numbers right- or left-aligned
    sub: str = ""  # sub-line template: {ref}, {lot}, {serial}, {date}, {tariff}
    sections: tuple[str, str] = ("", "")  # (goods heading, services heading) when grouped
    notes: tuple[str, ...] = ()
    rates: tuple[str, ...] = ("20",)  # tax rates the lines carry (the first for goods)
    discounts: bool = False
    qty_places: int = -1  # fixed decimals for quantities, -1: as few as needed
    lines: tuple[int, ...] = (4, 6, 9)  # line counts of the samples
    freight: bool = False
    font: str = "Helvetica"


LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "us-grid",
        "en",
        "USD",
        "ACME",
        (
            Col("no", "Line", 10),
            Col("item", "Item Code", 26),
            Col("desc", "Description", 68),
            Col("qty", "Qty", 14),
            Col("uom", "U/M", 11),
            Col("price", "Unit Price", 21),
            Col("amount", "Amount", 30),
        ),
        numbering="1",
        item="col",
        ruled="grid",
        sub="Your ref: {ref}",
        rates=("7.25",),
        lines=(3, 5, 8, 11),
        freight=True,
    ),
    Layout(
        "de-sap",
        "de",
        "EUR",
        "NORDIC",
        (
            Col("no", "Pos.", 12),
            Col("desc", "Bezeichnung", 78),
            Col("qty", "Menge", 20),
            Col("uom", "ME", 10),
            Col("price", "Preis/ME", 24),
            Col("amount", "Betrag", 36),
        ),
        numbering="10",
        item="below",
        item_label="Art.-Nr.",
        sub="Zolltarifnummer {tariff}",
        rates=("19",),
        qty_places=3,
        lines=(5, 14, 36),
    ),
    Layout(
        "fr-sage",
        "fr",
        "EUR",
        "LABWORKS",
        (
            Col("qtyu", "Qté", 20),
            Col("desc", "Désignation", 78),
            Col("price", "P.U. HT", 22),
            Col("disc", "Remise", 15),
            Col("amount", "Montant HT", 26),
            Col("rate", "TVA", 19),
        ),
        numbering="",
        item="",
        rates=("20", "5.5"),
        discounts=True,
        lines=(3, 6, 9, 12),
    ),
    Layout(
        "nl-code-in-text",
        "nl",
        "EUR",
        "NORDIC",
        (
            Col("no", "Regel", 13),
            Col("desc", "Omschrijving", 85),
            Col("qty", "Aantal", 16),
            Col("uom", "Eenh.", 14),
            Col("amount", "Bedrag", 26),
            Col("price", "Prijs", 26),
        ),
        numbering="001",
        item="before",
        align="L",
        rates=("21",),
        lines=(4, 7, 10),
    ),
    Layout(
        "uk-sections",
        "en",
        "GBP",
        "ACME",
        (
            Col("no", "No.", 12),
            Col("item", "Part No.", 26),
            Col("desc", "Description", 70),
            Col("qty", "Qty", 14),
            Col("price", "Unit Price", 22),
            Col("rate", "VAT %", 14),
            Col("amount", "Net", 22),
        ),
        numbering="1.1",
        item="col",
        ruled="rows",
        sections=("1 Mechanical parts", "2 Services"),
        notes=("Note: balance of order to follow in week 23", "Site work as per quotation Q-2026-118"),
        rates=("20", "20"),
        lines=(5, 7, 9),
    ),
    Layout(
        "es-lotes",
        "es",
        "EUR",
        "LABWORKS",
        (
            Col("no", "Nº", 9),
            Col("item", "Código", 24),
            Col("desc", "Descripción", 72),
            Col("qty", "Cant.", 15),
            Col("price", "Precio", 22),
            Col("disc", "Dto. %", 14),
            Col("amount", "Importe", 24),
        ),
        numbering="1",
        item="col",
        ruled="grid",
        sub="Lote: {lot}",
        rates=("21",),
        discounts=True,
        lines=(3, 6, 10, 15),
    ),
    Layout(
        "it-gestionale",
        "it",
        "EUR",
        "NORDIC",
        (
            Col("no", "Riga", 12),
            Col("desc", "Descrizione", 70),
            Col("uom", "U.M.", 11),
            Col("qty", "Quantità", 17),
            Col("amount", "Importo", 24),
            Col("price", "Prezzo unit.", 22),
            Col("disc", "Sc. %", 12),
            Col("rate", "IVA", 12),
        ),
        numbering="001",
        item="",
        rates=("22", "22"),
        discounts=True,
        lines=(3, 5, 8, 12),
    ),
    Layout(
        "de-handwerk",
        "de",
        "EUR",
        "LABWORKS",
        (
            Col("desc", "Leistung / Material", 96),
            Col("qtyu", "Menge", 22),
            Col("price", "Einzelpreis", 30),
            Col("amount", "Gesamt", 32),
        ),
        numbering="",
        item="before",
        align="L",
        sub="geliefert am {date}",
        sections=("Material", "Arbeitsleistung"),
        notes=("Hinweis: Restmenge folgt mit separater Lieferung",),
        rates=("19", "19"),
        lines=(4, 9, 30),
    ),
    Layout(
        "us-distributor",
        "en",
        "USD",
        "ACME",
        (
            Col("no", "Line", 11),
            Col("ordered", "Ordered", 16),
            Col("qty", "Shipped", 16),
            Col("item", "Part Number", 28),
            Col("desc", "Description", 60),
            Col("price", "Price", 21),
            Col("amount", "Extension", 28),
        ),
        numbering="10",
        item="col",
        sub="Serial no. {serial}",
        rates=("0",),
        lines=(4, 8, 34),
        freight=True,
    ),
    Layout(
        "nl-projects",
        "nl",
        "EUR",
        "LABWORKS",
        (
            Col("no", "Nr.", 11),
            Col("desc", "Omschrijving", 84),
            Col("qty", "Aantal", 16),
            Col("uom", "Eenh.", 12),
            Col("price", "Prijs", 22),
            Col("rate", "BTW", 12),
            Col("amount", "Totaal", 23),
        ),
        numbering="1.1",
        item="below",
        item_label="Art.nr.",
        ruled="grid",
        sections=("1 Materialen", "2 Werkzaamheden"),
        notes=("Conform offerte 2026-0412",),
        rates=("21", "9"),
        lines=(4, 6, 8, 11),
    ),
)


# --- one invoice's content ---------------------------------------------------------------------------


@dataclass
class Line:
    number: str  # as printed ("" when not)
    line_no: int | None  # the ground truth, when an integer is printed
    item: str | None
    desc: str
    subs: list[str]
    qty: Decimal
    ordered: Decimal
    unit: str
    price: Decimal
    disc: Decimal
    rate: str
    amount: Decimal
    heading: str = ""  # a section heading printed before it
    note: str = ""  # a free-text row printed after it


@dataclass
class Bill:
    layout: Layout
    number: str
    day: date
    po: str
    lines: list[Line] = field(default_factory=list)
    freight: Decimal = Decimal(0)

    @property
    def subtotal(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    def taxes(self) -> list[tuple[str, Decimal, Decimal]]:
        """(rate, base, tax) per rate, in the order the rates first appear."""
        out = []
        for rate in dict.fromkeys(line.rate for line in self.lines):
            base = sum((line.amount for line in self.lines if line.rate == rate), Decimal(0))
            if rate != "0":
                out.append((rate, base, (base * Decimal(rate) / 100).quantize(CENT, ROUND_HALF_UP)))
        return out

    @property
    def tax(self) -> Decimal:
        return sum((tax for _, _, tax in self.taxes()), Decimal(0))

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.freight + self.tax


def item_code(rng: random.Random, layout: Layout, index: int) -> str:
    if layout.vendor == "NORDIC":
        return f"{rng.randint(100200000, 100299999)}"
    if layout.name == "de-handwerk":
        return f"{rng.randint(1000, 9999)}-{index + 1:02d}"
    letters = "ABCDEFGHJKLMNPRSTUVWXZ"
    return f"{rng.choice(letters)}{rng.choice(letters)}-{rng.randint(1000, 9999)}"


def quantity(rng: random.Random, unit: str, price: Decimal) -> Decimal:
    if unit == "pc" and price > 50:
        return Decimal(rng.choice([1, 2, 3, 4, 6, 8, 10]))
    if unit in ("m", "kg"):
        return Decimal(rng.choice(["2.5", "12", "25", "40.5", "118", "7.25"]))
    if unit == "hour":
        return Decimal(rng.choice(["1.5", "4", "6", "7.5", "16"]))
    if unit == "flat":
        return Decimal(1)
    return Decimal(rng.choice([1, 2, 4, 5, 10, 12, 20, 24, 50, 100, 250, 500, 1000, 2500]))


def sub_line(rng: random.Random, layout: Layout, day: date) -> str:
    delivered = day - timedelta(days=rng.randint(1, 9))
    return layout.sub.format(
        ref=f"{rng.choice(['WO', 'KST', 'PRJ'])}-{rng.randint(10000, 99999)}",
        lot=f"{rng.randint(1000, 9999)}",
        serial=", ".join(f"SN{rng.randint(10000000, 99999999)}" for _ in range(rng.randint(1, 3))),
        date=delivered.strftime("%d.%m.%Y"),
        tariff=f"7318{rng.randint(1000, 9999)}",
    )


def build(layout: Layout, index: int) -> Bill:  # size: one invoice's lines, in one readable pass
    rng = random.Random(f"pdf-lines/{layout.name}/{index}")
    count = layout.lines[index]
    day = date(2026, 4, 1) + timedelta(days=rng.randint(0, 40))
    number = {
        "en": f"INV-{rng.randint(100000, 999999)}",
        "de": f"{rng.randint(90000000, 90999999)}",
        "fr": f"FA{rng.randint(2026000, 2026999)}",
        "nl": f"2026-{rng.randint(1000, 9999)}",
        "es": f"A-2026/{rng.randint(100, 9999)}",
        "it": f"{rng.randint(100, 999)}/2026",
    }[layout.lang]
    bill = Bill(layout, number, day, f"PO-2026-{rng.randint(1000, 1999)}")
    goods = [p for p in CATALOGUE if p[0] == "goods"]
    services = [p for p in CATALOGUE if p[0] == "service"]
    picks = [rng.choice(goods) for _ in range(count)]
    if layout.sections[0] or layout.name == "us-grid":
        picks = picks[: max(1, count - 2)] + [rng.choice(services) for _ in range(count - max(1, count - 2))]
    section, position, heading = 0, 0, ""
    notes = list(layout.notes)
    for i, (kind, texts, unit_kind, low, high, places) in enumerate(picks):
        if layout.sections[0]:
            wanted = 1 if kind == "goods" else 2
            heading = layout.sections[wanted - 1] if wanted != section else ""
            if wanted != section:
                section, position = wanted, 0
        position += 1
        span = int((Decimal(high) - Decimal(low)) * 10**places)
        price = Decimal(low) + Decimal(rng.randint(0, span)) / 10**places
        qty = quantity(rng, unit_kind, price)
        disc = Decimal(rng.choice([0, 0, 5, 10, 12.5, 15])) if layout.discounts else Decimal(0)
        amount = (qty * price * (100 - disc) / 100).quantize(CENT, ROUND_HALF_UP)
        printed, line_no = {
            "1": (str(i + 1), i + 1),
            "10": (str(10 * (i + 1)), 10 * (i + 1)),
            "001": (f"{i + 1:03d}", i + 1),
            "1.1": (f"{section}.{position}", None),
            "": ("", None),
        }[layout.numbering]
        rate = layout.rates[0] if kind == "goods" else layout.rates[-1]
        rate = layout.rates[i % 2] if layout.name == "fr-sage" else rate
        subs = [sub_line(rng, layout, day)] if layout.sub and rng.random() < 0.5 else []
        ordered = qty + (qty if layout.name == "us-distributor" and rng.random() < 0.25 else 0)
        # Each note at most once: a supplier writes a remark where it applies, not on every line.
        note = notes.pop(0) if notes and rng.random() < 0.3 and i < count - 1 else ""
        code = item_code(rng, layout, i) if layout.item else None
        bill.lines.append(
            Line(
                printed,
                line_no,
                code,
                texts[layout.lang],
                subs,
                qty,
                ordered,
                UNITS[layout.lang][unit_kind],
                price,
                disc,
                rate,
                amount,
                heading,
                note,
            )
        )
    if layout.freight:
        bill.freight = Decimal(rng.randint(1500, 9900)) / 100
    return bill


# --- printing numbers --------------------------------------------------------------------------------

SEPARATORS = {
    "en": (",", "."),
    "de": (".", ","),
    "fr": (" ", ","),
    "nl": (".", ","),
    "es": (".", ","),
    "it": (".", ","),
}


def number(value: Decimal, lang: str, places: int) -> str:
    thousands, point = SEPARATORS[lang]
    text = f"{abs(value):,.{places}f}" if places >= 0 else f"{abs(value):,f}"
    text = text.replace(",", "\x00").replace(".", point).replace("\x00", thousands)
    return ("-" if value < 0 else "") + text


def qty_text(value: Decimal, layout: Layout) -> str:
    if layout.qty_places >= 0:
        return number(value, layout.lang, layout.qty_places)
    return number(value.normalize(), layout.lang, -1)


def price_text(value: Decimal, lang: str) -> str:
    return number(value, lang, 4 if value != value.quantize(CENT) else 2)


def percent(value: Decimal | str, lang: str) -> str:
    text = number(Decimal(value).normalize(), lang, -1) if Decimal(value) else "0"
    return f"{text} %" if lang in ("fr", "de") else f"{text}%"


def date_text(day: date, lang: str) -> str:
    return {
        "en": day.strftime("%b %d, %Y"),
        "de": day.strftime("%d.%m.%Y"),
        "fr": day.strftime("%d/%m/%Y"),
        "nl": day.strftime("%d-%m-%Y"),
        "es": day.strftime("%d/%m/%Y"),
        "it": day.strftime("%d/%m/%Y"),
    }[lang]


# --- drawing -----------------------------------------------------------------------------------------

LEFT, ROW, FOOT = 12.0, 4.0, 268.0  # left margin; one text line; where the table must stop


class Page:
    def __init__(self, bill: Bill) -> None:
        self.bill, self.layout = bill, bill.layout
        self.words = WORDS[self.layout.lang]
        self.pdf = FPDF(unit="mm", format="A4")
        self.pdf.set_creation_date(CREATED)
        self.pdf.set_auto_page_break(False)
        self.pdf.set_title(f"{self.words['title']} {bill.number}")
        self.y = 0.0
        self.pages = 0

    def put(
        self, x: float, y: float, width: float, text: str, align: str = "L", size: float = 8, style: str = ""
    ) -> None:
        self.pdf.set_font(self.layout.font, style=style, size=size)
        shift = {"L": 1.0, "R": width - 1.0 - self.pdf.get_string_width(text)}[align]
        self.pdf.text(x + shift, y, text)

    def wrap(self, text: str, width: float) -> list[str]:
        self.pdf.set_font(self.layout.font, size=8)
        out: list[str] = []
        for word in text.split(" "):
            if out and self.pdf.get_string_width(f"{out[-1]} {word}") <= width - 2:
                out[-1] = f"{out[-1]} {word}"
            else:
                out.append(word)
        return out

    def letterhead(self) -> None:
        name, address = VENDORS[self.layout.vendor]
        bill, words = self.bill, self.words
        self.put(LEFT, 18, 100, name, size=14, style="B")
        for n, text in enumerate(address):
            self.put(LEFT, 24 + 4 * n, 100, text)
        self.put(120, 18, 78, words["title"], "R", size=16, style="B")
        self.put(LEFT, 42, 80, words["bill"] + ":", style="B")
        for n, text in enumerate(BUYER):
            self.put(LEFT, 47 + 4 * n, 80, text)
        meta = [
            (words["number"], bill.number),
            (words["date"], date_text(bill.day, self.layout.lang)),
            (words["po"], bill.po),
            (words["cust"], f"{40000 + bill.day.toordinal() % 997}"),
            (words["currency"], self.layout.currency),
        ]
        for n, (label, value) in enumerate(meta):
            self.put(118, 42 + 5 * n, 38, label + ":")
            self.put(156, 42 + 5 * n, 42, value, "R", style="B")
        self.y = 76.0

    def new_page(self, carried: Decimal | None) -> None:
        if carried is not None:
            self.total_row(self.words["carried"], carried)
        self.pdf.add_page()
        self.pages += 1
        if self.pages == 1:
            self.letterhead()
        else:
            self.put(LEFT, 16, 100, VENDORS[self.layout.vendor][0], style="B")
            self.put(120, 16, 78, f"{self.words['title']} {self.bill.number}", "R")
            self.y = 26.0
        self.put(120, 290, 78, f"{self.words['page']} {self.pages}", "R", size=7)
        self.header()
        if carried is not None:
            self.total_row(self.words["brought"], carried)

    def header(self) -> None:
        x, top = LEFT, self.y
        self.pdf.set_line_width(0.3)
        self.pdf.line(LEFT, top, LEFT + self.width, top)
        for col in self.layout.cols:
            align = self.align(col)
            for n, part in enumerate(col.head.split("\n")):
                self.put(x, top + 4 + n * 3.5, col.width, part, align, style="B")
            x += col.width
        self.y = top + 6
        self.pdf.line(LEFT, self.y, LEFT + self.width, self.y)
        self.pdf.set_line_width(0.1)

    @property
    def width(self) -> float:
        return sum(col.width for col in self.layout.cols)

    def align(self, col: Col) -> str:
        numeric = col.key in ("qty", "qtyu", "price", "disc", "rate", "amount", "ordered")
        return self.layout.align if numeric else "L"

    def total_row(self, label: str, value: Decimal) -> None:
        amount_x = LEFT + sum(c.width for c in self.layout.cols[: self.index("amount")])
        amount_col = self.layout.cols[self.index("amount")]
        self.put(amount_x - 60, self.y + 3.5, 60, label, "R", style="I")
        self.put(
            amount_x,
            self.y + 3.5,
            amount_col.width,
            number(value, self.layout.lang, 2),
            self.align(amount_col),
            style="I",
        )
        self.y += 5

    def index(self, key: str) -> int:
        return next(n for n, col in enumerate(self.layout.cols) if col.key == key)

    def cells(self, line: Line) -> dict[str, str]:
        lang, layout = self.layout.lang, self.layout
        return {
            "no": line.number,
            "item": line.item or "",
            "uom": line.unit,
            "qty": qty_text(line.qty, layout),
            "qtyu": f"{qty_text(line.qty, layout)} {line.unit}",
            "ordered": qty_text(line.ordered, layout),
            "price": price_text(line.price, lang),
            "disc": percent(line.disc, lang) if line.disc else "",
            "rate": percent(line.rate, lang),
            "amount": number(line.amount, lang, 2),
        }

    def description(self, line: Line, width: float) -> list[str]:
        """The description cell's text lines: the wrapped description (after the
        code, or with the code on a line of its own), then the sub-lines."""
        if self.layout.item == "before":
            parts = self.wrap(f"{line.item} {line.desc}", width)
        else:
            parts = self.wrap(line.desc, width)
        if self.layout.item == "below":
            parts.append(f"{self.layout.item_label} {line.item}")
        return parts + line.subs

    def rows(self) -> None:
        drawn = Decimal(0)
        desc_at = self.index("desc")
        desc_x = LEFT + sum(c.width for c in self.layout.cols[:desc_at])
        desc_w = self.layout.cols[desc_at].width
        for line in self.bill.lines:
            texts = self.description(line, desc_w)
            height = ROW * len(texts) + 1.5 + (6 if line.heading else 0) + (5 if line.note else 0)
            if self.y + height > FOOT - 6:
                self.new_page(drawn)
            if line.heading:
                self.put(desc_x, self.y + 4.5, desc_w, line.heading, style="B", size=9)
                self.y += 6
            self.row(line, texts)
            drawn += line.amount
            if line.note:
                self.put(desc_x, self.y + 3.5, 120, line.note, style="I")
                self.y += 5

    def row(self, line: Line, texts: list[str]) -> None:
        top, x, cells = self.y, LEFT, self.cells(line)
        for col in self.layout.cols:
            if col.key == "desc":
                for n, text in enumerate(texts):
                    self.put(
                        x,
                        top + 3.5 + ROW * n,
                        col.width,
                        text,
                        size=8 if n < len(texts) - len(line.subs) else 7,
                    )
            else:
                self.put(x, top + 3.5, col.width, cells[col.key], self.align(col))
            x += col.width
        self.y = top + ROW * len(texts) + 1.5
        if self.layout.ruled:
            self.pdf.line(LEFT, self.y, LEFT + self.width, self.y)
        if self.layout.ruled == "grid":
            x = LEFT
            for col in self.layout.cols:
                self.pdf.line(x, top, x, self.y)
                x += col.width
            self.pdf.line(x, top, x, self.y)

    def totals(self) -> None:
        bill, words, lang = self.bill, self.words, self.layout.lang
        taxes = bill.taxes()
        rows = [(words["subtotal"], bill.subtotal)]
        if bill.freight:
            rows.append((words["freight"], bill.freight))
        if taxes:
            key = "tax" if self.layout.lang == "en" and self.layout.currency == "USD" else "vat"
            rows += [(f"{words[key]} {percent(rate, lang)}", tax) for rate, _, tax in taxes]
        else:
            rows.append((words["tax"], Decimal(0)))
        rows.append((words["total"], bill.total))
        if self.y + 6 * len(rows) + 16 > FOOT:
            self.new_page(bill.subtotal)
        self.pdf.line(LEFT, self.y + 1, LEFT + self.width, self.y + 1)
        self.y += 3
        right = LEFT + self.width
        for n, (label, value) in enumerate(rows):
            last = n == len(rows) - 1
            style = "B" if last else ""
            self.put(right - 95, self.y + 4, 55, label, style=style)
            self.put(
                right - 40,
                self.y + 4,
                40,
                f"{number(value, lang, 2)} {self.layout.currency}",
                "R",
                style=style,
            )
            self.y += 6 if last else 5
        self.put(LEFT, self.y + 8, 120, words["terms"], size=7)

    def render(self) -> bytes:
        self.new_page(None)
        self.rows()
        self.totals()
        return bytes(self.pdf.output())


# --- samples -----------------------------------------------------------------------------------------


def expected(bill: Bill) -> dict[str, Any]:
    lines = []
    for line in bill.lines:
        entry: dict[str, Any] = {}
        if line.line_no is not None:
            entry["line_no"] = line.line_no
        if line.item is not None:
            entry["item_id"] = line.item
        entry["description"] = line.desc
        entry["quantity"] = str(line.qty)
        if "uom" in {c.key for c in bill.layout.cols} or "qtyu" in {c.key for c in bill.layout.cols}:
            entry["uom"] = line.unit
        entry |= {"unit_price": str(line.price), "amount": str(line.amount)}
        lines.append(entry)
    document = {
        "invoice_number": bill.number,
        "kind": "invoice",
        "vendor_id": bill.layout.vendor,
        "po_number": bill.po,
        "invoice_date": bill.day.isoformat(),
        "currency": bill.layout.currency,
        "lines": lines,
        "freight": str(bill.freight.quantize(CENT)),
        "tax": str(bill.tax),
        "total": str(bill.total),
    }
    return {"kind": "invoice", "format": "pdf", "document": document}


def sample_set() -> list[Sample]:
    samples = []
    for layout in LAYOUTS:
        for index in range(len(layout.lines)):
            bill = build(layout, index)
            name = f"{layout.name}-{len(bill.lines)}-lines"
            samples.append(
                Sample(
                    name=name,
                    format="pdf",
                    filename=f"{name}.pdf",
                    raw=Page(bill).render(),
                    expected=[expected(bill)],
                    vendor_id=layout.vendor,
                )
            )
    return samples
