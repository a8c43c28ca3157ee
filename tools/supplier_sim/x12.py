"""Suppliers' EDI systems: X12 855 acknowledgments, 856 ship notices and 810
invoices / credit memos rendered from poflow's own models, the way each
supplier's translator writes them (its own delimiters, version and habits).

The reader (activities.intake.x12.read) must get the model back from the
file; `sample_set()` is the ground truth for the tests and the benchmark, and
also includes the hand-written files in tests/samples/x12/.

What X12 cannot carry, the models used here do not hold: an 855 has an
acknowledgment *date* (BAK09), so `acknowledged_at` is at midnight UTC; an 810
has no price-only flag and no line amount, so neither is set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

from activities.intake.x12.write import InterchangeWriter, SegmentSpec, X12Style, x12_date, x12_implied
from models.acknowledgments import AckLineStatus, Acknowledgment, AcknowledgmentLine, AckStatus
from models.documents import Invoice, InvoiceKind, ShipNotice
from models.purchase_order import PurchaseOrder, PurchaseOrderLine
from tools.supplier_sim.samples import Sample

__all__ = [
    "SUPPLIERS",
    "SupplierEdi",
    "render_810",
    "render_855",
    "render_856",
    "render_interchange",
    "sample_set",
]

SAMPLES_DIR = Path(__file__).resolve().parents[2] / "tests" / "samples" / "x12"
_SCAC = re.compile(r"[A-Z]{2,4}")


@dataclass(frozen=True)
class SupplierEdi:
    """One supplier's EDI set-up, as agreed with poflow's buyer."""

    vendor_id: str  # poflow's vendor id
    name: str
    interchange_id: str  # ISA06 / GS02
    style: X12Style
    sends_vendor_number: bool = True  # N1*VN … *92*<vendor_id>; else only its DUNS
    duns: str = ""
    writes_currency: bool = True  # US suppliers often leave CUR out (USD is the default)
    invoice_type: str | None = "DI"  # BIG07 on a plain invoice
    receiver_id: str = "POFLOW"


SUPPLIERS: dict[str, SupplierEdi] = {
    "ACME": SupplierEdi(
        vendor_id="ACME",
        name="Acme Industrial Supply",
        interchange_id="ACMEIND",
        style=X12Style(),
        writes_currency=False,
    ),
    "NORDIC": SupplierEdi(
        vendor_id="NORDIC",
        name="Nordic Fasteners AB",
        interchange_id="7350012340005",
        style=X12Style(
            component=":",
            repetition="^",
            isa_version="00501",
            group_version="005010",
            line_end="",
            sender_qualifier="14",
        ),
        invoice_type=None,
    ),
    "LABWORKS": SupplierEdi(
        vendor_id="LABWORKS",
        name="LabWorks Scientific",
        interchange_id="LABWORKSSCI",
        style=X12Style(element="|", component="\\", segment="\n", line_end="", isa_version="00401"),
        sends_vendor_number=False,
        duns="804735132",
    ),
}


# --- rendering ----------------------------------------------------------------


def render_855(
    acks: Sequence[Acknowledgment],
    *,
    supplier: SupplierEdi,
    orders: Mapping[str, PurchaseOrder] | None = None,
    control_number: int = 1,
    now: datetime | None = None,
) -> bytes:
    return render_interchange(acks, supplier=supplier, orders=orders, control_number=control_number, now=now)


def render_810(
    invoices: Sequence[Invoice],
    *,
    supplier: SupplierEdi,
    control_number: int = 1,
    now: datetime | None = None,
) -> bytes:
    return render_interchange(invoices, supplier=supplier, control_number=control_number, now=now)


def render_856(
    notices: Sequence[ShipNotice],
    *,
    supplier: SupplierEdi,
    shipment_id: str | None = None,
    control_number: int = 1,
    now: datetime | None = None,
) -> bytes:
    """One 856 for one shipment. Several notices (orders) in one shipment must
    be named `<shipment_id>/<po_number>`: the reader gives each order's
    notice that id, since BSN02 alone would not tell them apart."""
    writer = _writer(supplier, control_number, now)
    writer.add("856", _segments_856(list(notices), supplier, shipment_id))
    return writer.render()


def render_interchange(
    documents: Sequence[Acknowledgment | ShipNotice | Invoice],
    *,
    supplier: SupplierEdi,
    orders: Mapping[str, PurchaseOrder] | None = None,
    control_number: int = 1,
    now: datetime | None = None,
) -> bytes:
    """One interchange, a group per document type, a transaction set per
    document (a ship notice here is a shipment of one order)."""
    writer = _writer(supplier, control_number, now)
    for document in documents:
        if isinstance(document, Acknowledgment):
            writer.add("855", _segments_855(document, supplier, (orders or {}).get(document.po_number)))
        elif isinstance(document, ShipNotice):
            writer.add("856", _segments_856([document], supplier, None))
        else:
            writer.add("810", _segments_810(document, supplier))
    return writer.render()


def _writer(supplier: SupplierEdi, control_number: int, now: datetime | None) -> InterchangeWriter:
    return InterchangeWriter(
        supplier.style,
        sender_id=supplier.interchange_id,
        receiver_id=supplier.receiver_id,
        control_number=control_number,
        now=now or datetime.now(UTC),
    )


def _party(supplier: SupplierEdi, entity: str) -> SegmentSpec:
    if supplier.sends_vendor_number:
        return ("N1", entity, supplier.name, "92", supplier.vendor_id)
    return ("N1", entity, supplier.name, "1", supplier.duns)


def _message(text: str | None) -> list[SegmentSpec]:
    if not text:
        return []
    segments: list[SegmentSpec] = [("N9", "L1", "NOTES")]
    for line in text.splitlines():
        segments += [("MSG", line[i : i + 264]) for i in range(0, len(line), 264)]
    return segments


# 855 ----------------------------------------------------------------------------

_BAK02 = {AckStatus.ACCEPTED: "AD", AckStatus.ACCEPTED_WITH_CHANGES: "AC", AckStatus.REJECTED: "RJ"}


def _segments_855(ack: Acknowledgment, supplier: SupplierEdi, po: PurchaseOrder | None) -> list[SegmentSpec]:
    acked = ack.acknowledged_at.date()
    po_date = po.order_date if po and po.order_date else acked
    segments: list[SegmentSpec] = [
        (
            "BAK",
            "00",
            _BAK02[ack.status],
            ack.po_number,
            x12_date(po_date),
            None,
            None,
            None,
            ack.ack_id,
            x12_date(acked),
        ),
        *_message(ack.message),
        _party(supplier, "VN"),
    ]
    for line in sorted(ack.lines, key=lambda item: item.line_no):
        segments += _ack_line(line, po.line(line.line_no) if po else None)
    segments.append(("CTT", len(ack.lines)))
    return segments


def _ack_line(line: AcknowledgmentLine, ordered: PurchaseOrderLine | None) -> list[SegmentSpec]:
    code = _ack_code(line, ordered)
    uom = ordered.uom if ordered else "EA"
    price = line.unit_price if line.unit_price is not None else (ordered.unit_price if ordered else None)
    if code == "IC" and line.unit_price is None:
        price = None  # "changes made" without a price change: no price to misread
    item = ordered.item_id if ordered else None
    po1: SegmentSpec = (
        "PO1",
        line.line_no,
        ordered.quantity if ordered else None,
        uom if ordered else None,
        price,
        "PE" if price is not None else None,
        "BP" if item else None,
        item,
    )
    quantity = line.quantity if line.quantity is not None else (ordered.quantity if ordered else None)
    date = ("068", x12_date(line.promised_date)) if line.promised_date else (None, None)
    ack: SegmentSpec = ("ACK", code, quantity, uom if quantity is not None else None, *date)
    return [po1, ack]


def _ack_code(line: AcknowledgmentLine, ordered: PurchaseOrderLine | None) -> str:
    if line.status == AckLineStatus.ACCEPTED:
        return "IA"
    if line.status == AckLineStatus.BACKORDERED:
        return "IB"
    if line.status == AckLineStatus.REJECTED:
        return "IR"
    price_changed = line.unit_price is not None and (ordered is None or line.unit_price != ordered.unit_price)
    quantity_changed = line.quantity is not None and (ordered is None or line.quantity != ordered.quantity)
    changes = [
        code
        for code, changed in (
            ("IP", price_changed),
            ("IQ", quantity_changed),
            ("DR", line.promised_date is not None),
        )
        if changed
    ]
    return changes[0] if len(changes) == 1 else "IC"


# 856 ----------------------------------------------------------------------------


def _segments_856(
    notices: list[ShipNotice], supplier: SupplierEdi, shipment_id: str | None
) -> list[SegmentSpec]:
    if not notices:
        raise ValueError("a ship notice needs at least one order")
    first = notices[0]
    if len(notices) > 1:
        if shipment_id is None:
            raise ValueError("several orders in one shipment need the shipment_id")
        for notice in notices:
            if notice.asn_id != f"{shipment_id}/{notice.po_number}":
                raise ValueError(f"notice {notice.asn_id} must be named {shipment_id}/{notice.po_number}")
    shipped = first.shipped_at
    segments: list[SegmentSpec] = [
        ("BSN", "00", shipment_id or first.asn_id, x12_date(shipped), shipped.strftime("%H%M"), "0004"),
        ("HL", 1, None, "S"),
        *_transport(first, None),
        ("N1", "SF", supplier.name),
        _party(supplier, "VN"),
    ]
    hl = 1
    for notice in notices:
        hl += 1
        order_hl = hl
        segments += [("HL", order_hl, 1, "O"), ("PRF", notice.po_number), *_transport(notice, first)]
        for line in notice.lines:
            hl += 1
            ids = ("BP", line.item_id) if line.item_id else ("PL", line.line_no)
            segments += [
                ("HL", hl, order_hl, "I"),
                ("LIN", line.line_no, *ids),
                ("SN1", None, line.quantity_shipped, line.uom or "EA"),
            ]
    hash_total = sum((line.quantity_shipped for notice in notices for line in notice.lines), Decimal(0))
    segments.append(("CTT", hl, hash_total))
    return segments


def _transport(notice: ShipNotice, shipment: ShipNotice | None) -> list[SegmentSpec]:
    """Carrier, tracking and dates; at order level only where the order's
    differ from the shipment's."""
    segments: list[SegmentSpec] = []
    if notice.carrier and (shipment is None or notice.carrier != shipment.carrier):
        if _SCAC.fullmatch(notice.carrier):
            segments.append(("TD5", "B", "2", notice.carrier, "M"))
        else:
            segments.append(("TD5", "B", None, None, "M", notice.carrier))
    if notice.tracking_number and (shipment is None or notice.tracking_number != shipment.tracking_number):
        segments.append(("REF", "CN", notice.tracking_number))
    if shipment is None or notice.shipped_at != shipment.shipped_at:
        at = notice.shipped_at
        clock = at.strftime("%H%M%S" if at.second else "%H%M")
        segments.append(("DTM", "011", x12_date(at), clock, "UT"))
    delivery_differs = shipment is None or notice.expected_delivery != shipment.expected_delivery
    if notice.expected_delivery and delivery_differs:
        segments.append(("DTM", "017", x12_date(notice.expected_delivery)))
    return segments


# 810 ----------------------------------------------------------------------------


def _segments_810(invoice: Invoice, supplier: SupplierEdi) -> list[SegmentSpec]:
    if invoice.price_only:
        raise ValueError("an X12 810 has no standard way to say a credit is for price only")
    credit = invoice.kind == InvoiceKind.CREDIT_MEMO
    segments: list[SegmentSpec] = [
        (
            "BIG",
            x12_date(invoice.invoice_date),
            invoice.invoice_number,
            None,
            invoice.po_number,
            None,
            None,
            "CR" if credit else supplier.invoice_type,
            "00",
        ),
    ]
    if credit and invoice.original_invoice_number:
        segments.append(("REF", "OI", invoice.original_invoice_number))
    if supplier.writes_currency or invoice.currency != "USD":
        segments.append(("CUR", "SE", invoice.currency))
    segments += [("N1", "RE", supplier.name), _party(supplier, "VN")]
    terms = invoice.payment_terms
    if terms is not None:
        if terms.discount_percent is not None:
            segments.append(
                ("ITD", "08", "3", terms.discount_percent, None, terms.discount_days, None, terms.net_days)
            )
        else:
            segments.append(("ITD", "01", "3", None, None, None, None, terms.net_days))
    for line in invoice.lines:
        if line.amount is not None:
            raise ValueError("an IT1 has no line amount: leave InvoiceLine.amount unset")
        ids = ("BP", line.item_id) if line.item_id else ()
        segments.append(("IT1", line.line_no, line.quantity, line.uom or "EA", line.unit_price, "PE", *ids))
        if line.description:
            segments.append(("PID", "F", None, None, None, line.description))
    segments.append(("TDS", x12_implied(invoice.total)))
    if invoice.tax:
        segments.append(("TXI", "TX", invoice.tax))
    if invoice.freight:
        segments.append(("SAC", "C", "D240", None, None, x12_implied(invoice.freight)))
    segments.append(("CTT", len(invoice.lines)))
    return segments


# --- samples ------------------------------------------------------------------------

_NOW = datetime(2026, 11, 20, 15, 30, tzinfo=UTC)


def _po(number: str, vendor: str, currency: str, lines: list[tuple[str, str, str, str]]) -> PurchaseOrder:
    return PurchaseOrder.model_validate(
        {
            "po_number": number,
            "vendor_id": vendor,
            "buyer": "bob.buyer",
            "currency": currency,
            "order_date": "2026-11-02",
            "lines": [
                {"line_no": n, "item_id": item, "quantity": qty, "unit_price": price, "uom": uom}
                for n, (item, qty, uom, price) in enumerate(lines, start=1)
            ],
        }
    )


ORDERS: dict[str, PurchaseOrder] = {
    "PO-2026-1001": _po(
        "PO-2026-1001",
        "ACME",
        "USD",
        [
            ("MRO-GLOVE-NITRILE-L", "100", "EA", "11.90"),
            ("MRO-BEARING-6204", "200", "EA", "4.75"),
            ("MRO-SAFETY-GLASSES", "50", "EA", "6.40"),
        ],
    ),
    "PO-2026-1002": _po(
        "PO-2026-1002",
        "NORDIC",
        "EUR",
        [
            ("FST-BOLT-M8X30-A2", "5000", "EA", "0.1840"),
            ("FST-NUT-M8-A2", "5000", "EA", "0.0425"),
            ("FST-WASHER-M8-A2", "10000", "EA", "0.0190"),
        ],
    ),
    "PO-2026-1003": _po(
        "PO-2026-1003",
        "LABWORKS",
        "USD",
        [
            ("LAB-PIPETTE-1000", "4", "EA", "289.00"),
            ("LAB-CENTRIFUGE-MINI", "1", "EA", "1450.00"),
            ("LAB-TIPS-1000-RACK", "20", "EA", "8.65"),
        ],
    ),
    "PO-2026-1004": _po("PO-2026-1004", "ACME", "USD", [("MRO-GLOVE-NITRILE-L", "40", "EA", "11.90")]),
    "PO-2026-1012": _po("PO-2026-1012", "NORDIC", "EUR", [("FST-NUT-M8-A2", "2000", "EA", "0.0425")]),
}


def _ack(
    ack_id: str,
    po: str,
    vendor: str,
    status: str,
    lines: list[dict],
    message: str | None = None,
    day: str = "2026-11-03",
) -> Acknowledgment:
    return Acknowledgment.model_validate(
        {
            "ack_id": ack_id,
            "po_number": po,
            "vendor_id": vendor,
            "status": status,
            "lines": lines,
            "message": message,
            "acknowledged_at": f"{day}T00:00:00Z",
        }
    )


def _notice(
    asn_id: str, po: str, vendor: str, lines: list[tuple[int, str, str | None]], **extra: object
) -> ShipNotice:
    return ShipNotice.model_validate(
        {
            "asn_id": asn_id,
            "po_number": po,
            "vendor_id": vendor,
            "shipped_at": "2026-11-10T14:45:00Z",
            "lines": [
                {"line_no": n, "quantity_shipped": q, "uom": "EA", "item_id": item} for n, q, item in lines
            ],
            **extra,
        }
    )


def _invoice(
    number: str,
    po: str,
    vendor: str,
    currency: str,
    lines: list[tuple[int, str, str, str | None]],
    total: str,
    **extra: object,
) -> Invoice:
    return Invoice.model_validate(
        {
            "invoice_number": number,
            "vendor_id": vendor,
            "po_number": po,
            "invoice_date": "2026-11-20",
            "currency": currency,
            "total": total,
            "lines": [
                {"line_no": n, "quantity": q, "unit_price": p, "uom": "EA", "item_id": item}
                for n, q, p, item in lines
            ],
            **extra,
        }
    )


def _expected(document: Acknowledgment | ShipNotice | Invoice) -> dict:
    if isinstance(document, Acknowledgment):
        kind, fmt = "acknowledgment", "x12-855"
    elif isinstance(document, ShipNotice):
        kind, fmt = "asn", "x12-856"
    else:
        kind = "credit_memo" if document.kind == InvoiceKind.CREDIT_MEMO else "invoice"
        fmt = "x12-810"
    return {"kind": kind, "format": fmt, "document": document.model_dump(mode="json", exclude_none=True)}


Document = Acknowledgment | ShipNotice | Invoice


def _rendered(
    name: str, filename: str, raw: bytes, documents: Sequence[Document], vendor_id: str | None = None
) -> Sample:
    return Sample(
        name=name,
        format="x12",
        filename=filename,
        raw=raw,
        expected=[_expected(document) for document in documents],
        vendor_id=vendor_id,
    )


def rendered_samples() -> list[Sample]:
    acme, nordic, labworks = SUPPLIERS["ACME"], SUPPLIERS["NORDIC"], SUPPLIERS["LABWORKS"]
    samples: list[Sample] = []

    accepted = _ack(
        "SO-88120",
        "PO-2026-1001",
        "ACME",
        "accepted",
        [
            {"line_no": 1, "promised_date": "2026-11-09"},
            {"line_no": 2, "promised_date": "2026-11-09"},
            {"line_no": 3, "promised_date": "2026-11-09"},
        ],
    )
    samples.append(
        _rendered(
            "855-acme-accepted",
            "acme-855-SO-88120.edi",
            render_855([accepted], supplier=acme, orders=ORDERS, control_number=1201, now=_NOW),
            [accepted],
        )
    )

    changes = _ack(
        "OC-2026-0457",
        "PO-2026-1002",
        "NORDIC",
        "accepted_with_changes",
        [
            {"line_no": 1, "status": "changed", "quantity": "4000", "promised_date": "2026-11-12"},
            {"line_no": 2, "status": "changed", "unit_price": "0.0450"},
            {"line_no": 3, "status": "backordered", "promised_date": "2026-12-15"},
        ],
        message="Bolts M8x30 limited to 4000 pcs this month.\n"
        "Nut price follows the steel surcharge of November.",
    )
    samples.append(
        _rendered(
            "855-nordic-changes",
            "nordic-ordrsp-0457.x12",
            render_855([changes], supplier=nordic, orders=ORDERS, control_number=457, now=_NOW),
            [changes],
        )
    )

    rejected = _ack(
        "Q-55102",
        "PO-2026-1003",
        "LABWORKS",
        "rejected",
        [
            {"line_no": 1, "status": "rejected"},
            {"line_no": 2, "status": "rejected"},
            {"line_no": 3, "status": "rejected"},
        ],
        message="Account on credit hold - please contact accounts receivable.",
        day="2026-11-04",
    )
    samples.append(
        _rendered(
            "855-labworks-rejected",
            "LW855_55102.txt",
            render_855([rejected], supplier=labworks, orders=ORDERS, control_number=55102, now=_NOW),
            [rejected],
            vendor_id="LABWORKS",
        )
    )

    mixed = _ack(
        "SO-88127",
        "PO-2026-1001",
        "ACME",
        "accepted_with_changes",
        [
            {"line_no": 1},
            {"line_no": 2, "status": "changed", "promised_date": "2026-11-30"},
            {"line_no": 3, "status": "rejected"},
        ],
        message="Safety glasses discontinued, see catalogue.",
    )
    samples.append(
        _rendered(
            "855-acme-without-po-echo",
            "acme-855-SO-88127.edi",
            render_855([mixed], supplier=acme, control_number=1207, now=_NOW),
            [mixed],
        )
    )

    one = _notice(
        "ASN-100234",
        "PO-2026-1001",
        "ACME",
        [(1, "100", "MRO-GLOVE-NITRILE-L"), (2, "150", "MRO-BEARING-6204")],
        carrier="UPSN",
        tracking_number="1Z999AA10123456784",
        expected_delivery="2026-11-12",
    )
    samples.append(
        _rendered(
            "856-acme-one-order",
            "acme-856-ASN-100234.edi",
            render_856([one], supplier=acme, control_number=1301, now=_NOW),
            [one],
        )
    )

    two = [
        _notice(
            "SHP-77812/PO-2026-1002",
            "PO-2026-1002",
            "NORDIC",
            [(1, "4000", "FST-BOLT-M8X30-A2"), (2, "5000", "FST-NUT-M8-A2")],
            carrier="DB Schenker Road",
            tracking_number="SE-40011822",
            expected_delivery="2026-11-14",
        ),
        _notice(
            "SHP-77812/PO-2026-1012",
            "PO-2026-1012",
            "NORDIC",
            [(1, "2000", None)],
            carrier="DB Schenker Road",
            tracking_number="SE-40011823",
            expected_delivery="2026-11-14",
        ),
    ]
    samples.append(
        _rendered(
            "856-nordic-two-orders",
            "nordic-desadv-77812.x12",
            render_856(two, supplier=nordic, shipment_id="SHP-77812", control_number=458, now=_NOW),
            two,
        )
    )

    invoice = _invoice(
        "INV-26-4471",
        "PO-2026-1001",
        "ACME",
        "USD",
        [(1, "100", "11.90", "MRO-GLOVE-NITRILE-L"), (2, "150", "4.75", "MRO-BEARING-6204")],
        total="2035.47",
        freight="42.50",
        tax="90.47",
        payment_terms={"net_days": 30, "discount_days": 10, "discount_percent": "2"},
    )
    samples.append(
        _rendered(
            "810-acme-invoice",
            "acme-810-INV-26-4471.edi",
            render_810([invoice], supplier=acme, control_number=1401, now=_NOW),
            [invoice],
        )
    )

    eur = _invoice(
        "NF-2026-11873",
        "PO-2026-1002",
        "NORDIC",
        "EUR",
        [(1, "4000", "0.1840", "FST-BOLT-M8X30-A2"), (2, "5000", "0.0450", "FST-NUT-M8-A2")],
        total="961.00",
        payment_terms={"net_days": 60},
    )
    samples.append(
        _rendered(
            "810-nordic-eur",
            "nordic-invoic-11873.x12",
            render_810([eur], supplier=nordic, control_number=459, now=_NOW),
            [eur],
        )
    )

    credit = _invoice(
        "CM-7731",
        "PO-2026-1003",
        "LABWORKS",
        "USD",
        [(1, "1", "289.00", "LAB-PIPETTE-1000")],
        total="289.00",
        kind="credit_memo",
        original_invoice_number="LW-INV-55877",
    )
    samples.append(
        _rendered(
            "810-labworks-credit-memo",
            "LW810_CM-7731.txt",
            render_810([credit], supplier=labworks, control_number=55140, now=_NOW),
            [credit],
            vendor_id="LABWORKS",
        )
    )

    batch_ack = _ack("SO-88131", "PO-2026-1004", "ACME", "accepted", [{"line_no": 1}], day="2026-11-05")
    batch: list[Acknowledgment | ShipNotice | Invoice] = [
        batch_ack,
        _invoice(
            "INV-26-4480",
            "PO-2026-1004",
            "ACME",
            "USD",
            [(1, "40", "11.90", "MRO-GLOVE-NITRILE-L")],
            total="476.00",
        ),
        _invoice(
            "INV-26-4481",
            "PO-2026-1001",
            "ACME",
            "USD",
            [(3, "50", "6.40", "MRO-SAFETY-GLASSES")],
            total="320.00",
            payment_terms={"net_days": 30},
        ),
    ]
    samples.append(
        _rendered(
            "x12-acme-daily-batch",
            "acme-20261120.edi",
            render_interchange(batch, supplier=acme, orders=ORDERS, control_number=1501, now=_NOW),
            batch,
        )
    )
    return samples


def handwritten_samples(directory: Path = SAMPLES_DIR) -> list[Sample]:
    """Files in tests/samples/x12 as partners' translators wrote them, each
    with `<name>.expected.json`: {"vendor_id": …, "expected": [ … ]}."""
    samples: list[Sample] = []
    if not directory.is_dir():
        return samples
    for path in sorted(directory.iterdir()):
        if path.name.endswith(".expected.json") or path.name.startswith("."):
            continue
        truth = directory / f"{path.stem}.expected.json"
        if not truth.exists():
            continue
        spec = json.loads(truth.read_text(encoding="utf-8"))
        samples.append(
            Sample(
                name=path.stem,
                format="x12",
                filename=path.name,
                raw=path.read_bytes(),
                expected=spec["expected"],
                vendor_id=spec.get("vendor_id"),
            )
        )
    return samples


def sample_set() -> list[Sample]:
    return rendered_samples() + handwritten_samples()
