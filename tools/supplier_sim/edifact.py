"""Suppliers that speak UN/EDIFACT: ORDRSP, DESADV and INVOIC (D.96A) rendered
from poflow's own models the way each supplier's EDI translator writes them,
plus the sample set (rendered files and the hand-written ones under
`tests/samples/edifact/`) with their ground truth.

Each supplier has a style: Acme sends its poflow vendor number in NAD+SU
(agency 92) with a point decimal mark; Nordic Fasteners identifies itself only
by GLN, writes decimal commas and prices fasteners per 1000; LabWorks breaks
lines after every segment and puts freight in the summary section.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from activities.intake.edifact.write import (
    EdiBody,
    date_element,
    number,
    render_interchange,
    segment,
    text_components,
    unit_code,
)
from models.acknowledgments import AckLineStatus, Acknowledgment, AckStatus
from models.documents import Invoice, InvoiceKind, InvoiceLine, ShipNotice
from models.extraction import kind_of_invoice
from tools.supplier_sim.samples import Sample

__all__ = ["STYLES", "EdifactStyle", "render_desadv", "render_invoic", "render_ordrsp", "sample_set"]

BUYER_ID = "POFLOW"
BUYER_GLN = "4012345000009"
HAND_WRITTEN = Path(__file__).resolve().parents[2] / "tests" / "samples" / "edifact"


@dataclass(frozen=True)
class EdifactStyle:
    """How one supplier's EDI translator writes EDIFACT."""

    vendor_id: str
    name: str
    sender_id: str
    sender_qualifier: str  # 14 = GLN, ZZZ = mutually agreed
    party_id: str  # NAD+SU 3039
    party_agency: str  # 3055: 92 = assigned by the buyer (poflow's vendor id), 9 = GS1
    vat_id: str | None = None
    decimal_mark: str = "."
    break_lines: bool = False
    price_basis: int | None = None  # prices with more than 2 decimals are sent per this many units
    freight_in_summary: bool = False
    total_qualifier: str = "77"  # MOA+77 invoice amount, or MOA+86 message total

    @property
    def receiver(self) -> tuple[str, str]:
        return (BUYER_GLN, "14") if self.sender_qualifier == "14" else (BUYER_ID, "ZZZ")


STYLES: dict[str, EdifactStyle] = {
    "ACME": EdifactStyle("ACME", "Acme Industrial Supply", "ACME", "ZZZ", "ACME", "92", vat_id="US471234567"),
    "NORDIC": EdifactStyle(
        "NORDIC",
        "Nordic Fasteners AB",
        "7350012340001",
        "14",
        "7350012340001",
        "9",
        vat_id="SE556123456701",
        decimal_mark=",",
        price_basis=1000,
    ),
    "LABWORKS": EdifactStyle(
        "LABWORKS",
        "LabWorks Scientific",
        "LABWORKS",
        "ZZZ",
        "LABWORKS",
        "92",
        break_lines=True,
        freight_in_summary=True,
        total_qualifier="86",
    ),
}


def style_for(vendor_id: str) -> EdifactStyle:
    return STYLES.get(vendor_id) or EdifactStyle(vendor_id, vendor_id, vendor_id, "ZZZ", vendor_id, "92")


# --- rendering ----------------------------------------------------------------------


def render_ordrsp(acks: Sequence[Acknowledgment], *, control_reference: str, now: datetime) -> bytes:
    """One ORDRSP per acknowledgment, all from the first one's vendor."""
    style = style_for(acks[0].vendor_id)
    return _interchange(style, [("ORDRSP", _ordrsp(ack, style)) for ack in acks], control_reference, now)


def render_desadv(notices: Sequence[ShipNotice], *, control_reference: str, now: datetime) -> bytes:
    """One DESADV per shipment: ship notices sharing an `asn_id` (one per PO)
    are one despatch advice whose lines say which order they belong to."""
    style = style_for(notices[0].vendor_id)
    shipments: dict[str, list[ShipNotice]] = {}
    for notice in notices:
        shipments.setdefault(notice.asn_id, []).append(notice)
    messages = [("DESADV", _desadv(group, style)) for group in shipments.values()]
    return _interchange(style, messages, control_reference, now)


def render_invoic(invoices: Sequence[Invoice], *, control_reference: str, now: datetime) -> bytes:
    style = style_for(invoices[0].vendor_id)
    return _interchange(
        style, [("INVOIC", _invoic(invoice, style)) for invoice in invoices], control_reference, now
    )


def _interchange(
    style: EdifactStyle, messages: list[tuple[str, EdiBody]], control_reference: str, now: datetime
) -> bytes:
    receiver, receiver_qualifier = style.receiver
    return render_interchange(
        messages,
        sender_id=style.sender_id,
        receiver_id=receiver,
        control_reference=control_reference,
        now=now,
        sender_qualifier=style.sender_qualifier,
        receiver_qualifier=receiver_qualifier,
        decimal_mark=style.decimal_mark,
        break_lines=style.break_lines,
    )


def _supplier(style: EdifactStyle) -> EdiBody:
    body = [segment("NAD", "SU", [style.party_id, "", style.party_agency], None, style.name)]
    if style.vat_id:
        body.append(segment("RFF", ["VA", style.vat_id]))
    return body


def _moment(qualifier: str, moment: datetime) -> list[str]:
    """A timestamp at midnight UTC is sent as a date, as most translators do."""
    utc = moment.astimezone(UTC)
    if (utc.hour, utc.minute) == (0, 0):
        return date_element(qualifier, utc.date())
    return date_element(qualifier, utc)


def _price(style: EdifactStyle, price: Decimal) -> list[str]:
    exponent = price.as_tuple().exponent
    if style.price_basis and isinstance(exponent, int) and exponent < -2:
        per_basis = (price * style.price_basis).normalize()
        return ["AAA", number(per_basis, style.decimal_mark), "", "", str(style.price_basis), "PCE"]
    return ["AAA", number(price, style.decimal_mark)]


_ACK_FUNCTION = {AckStatus.ACCEPTED: "29", AckStatus.ACCEPTED_WITH_CHANGES: "4", AckStatus.REJECTED: "27"}
_LINE_ACTION = {
    AckLineStatus.ACCEPTED: "5",
    AckLineStatus.CHANGED: "3",
    AckLineStatus.BACKORDERED: "3",
    AckLineStatus.REJECTED: "7",
}


def _ordrsp(ack: Acknowledgment, style: EdifactStyle) -> EdiBody:
    mark = style.decimal_mark
    body = [
        segment("BGM", "231", ack.ack_id, _ACK_FUNCTION[ack.status]),
        segment("DTM", _moment("137", ack.acknowledged_at)),
    ]
    if ack.message:
        body += [segment("FTX", "AAI", None, None, chunk) for chunk in text_components(ack.message)]
    body += [segment("RFF", ["ON", ack.po_number]), *_supplier(style)]
    for line in ack.lines:
        body.append(segment("LIN", str(line.line_no), _LINE_ACTION[line.status]))
        if line.status == AckLineStatus.BACKORDERED:
            if line.quantity is None:
                raise ValueError(f"line {line.line_no}: a back-ordered line needs its quantity (QTY+83)")
            body.append(segment("QTY", ["83", number(line.quantity, mark), "PCE"]))
        elif line.quantity is not None:
            body.append(segment("QTY", ["113", number(line.quantity, mark), "PCE"]))
        if line.promised_date:
            body.append(segment("DTM", date_element("67", line.promised_date)))
        if line.unit_price is not None:
            body.append(segment("PRI", _price(style, line.unit_price)))
    body += [segment("UNS", "S"), segment("CNT", ["2", str(len(ack.lines))])]
    return body


def _desadv(notices: list[ShipNotice], style: EdifactStyle) -> EdiBody:
    first = notices[0]
    body = [
        segment("BGM", "351", first.asn_id, "9"),
        segment("DTM", date_element("137", first.shipped_at.date())),
        segment("DTM", _moment("11", first.shipped_at)),
    ]
    if first.expected_delivery:
        body.append(segment("DTM", date_element("17", first.expected_delivery)))
    if len(notices) == 1:
        body.append(segment("RFF", ["ON", first.po_number]))
    if first.tracking_number:
        body.append(segment("RFF", ["CN", first.tracking_number]))
    body += _supplier(style)
    if first.carrier:
        body.append(segment("TDT", "20", None, "30", None, ["", "", "", first.carrier]))
    body.append(segment("CPS", "1"))
    counter = 0
    for package, notice in enumerate(notices, start=2):
        body += [segment("CPS", str(package), "1"), segment("PAC", "1", None, "CT")]
        for line in notice.lines:
            counter += 1
            item = [line.item_id, "IN"] if line.item_id else None
            body.append(segment("LIN", str(counter), None, item))
            quantity = ["12", number(line.quantity_shipped, style.decimal_mark)]
            body.append(segment("QTY", quantity + ([unit_code(line.uom)] if line.uom else [])))
            body.append(segment("RFF", ["ON", notice.po_number, str(line.line_no)]))
    body.append(segment("CNT", ["2", str(counter)]))
    return body


_INVOICE_CODE = {
    (InvoiceKind.INVOICE, False): "380",
    (InvoiceKind.CREDIT_MEMO, False): "381",
    (InvoiceKind.CREDIT_MEMO, True): "83",
    (InvoiceKind.INVOICE, True): "84",
}


def _invoic(invoice: Invoice, style: EdifactStyle) -> EdiBody:
    mark = style.decimal_mark
    body = [
        segment("BGM", _INVOICE_CODE[(invoice.kind, invoice.price_only)], invoice.invoice_number, "9"),
        segment("DTM", date_element("137", invoice.invoice_date)),
        segment("RFF", ["ON", invoice.po_number]),
    ]
    if invoice.original_invoice_number:
        body.append(segment("RFF", ["IV", invoice.original_invoice_number]))
    body += _supplier(style)
    body += [
        segment("NAD", "BY", [style.receiver[0], "", "9" if style.receiver[1] == "14" else "92"]),
        segment("CUX", ["2", invoice.currency, "4"]),
    ]
    body += _payment_terms(invoice, mark)
    freight = _freight(invoice, mark)
    if not style.freight_in_summary:
        body += freight
    for line in invoice.lines:
        body += _invoice_line(line, style)
    body += [segment("UNS", "S"), segment("CNT", ["2", str(len(invoice.lines))])]
    lines_total = invoice.lines_total
    body += [
        segment("MOA", ["79", number(lines_total, mark)]),
        segment("MOA", ["125", number(lines_total + invoice.freight, mark)]),
        segment("MOA", [style.total_qualifier, number(invoice.total, mark)]),
    ]
    if invoice.tax:
        body += [
            segment("TAX", "7", "VAT", None, None, None, "S"),
            segment("MOA", ["124", number(invoice.tax, mark)]),
        ]
    if style.freight_in_summary:
        body += freight
    return body


def _payment_terms(invoice: Invoice, mark: str) -> EdiBody:
    terms = invoice.payment_terms
    if terms is None:
        return []
    body = [segment("PAT", "1", None, ["5", "3", "D", str(terms.net_days)])]
    if terms.discount_days is not None and terms.discount_percent is not None:
        body += [
            segment("PAT", "22", None, ["5", "3", "D", str(terms.discount_days)]),
            segment("PCD", ["12", number(terms.discount_percent, mark)]),
        ]
    return body


def _freight(invoice: Invoice, mark: str) -> EdiBody:
    if not invoice.freight:
        return []
    return [
        segment("ALC", "C", None, None, None, ["FC", "", "", "Freight"]),
        segment("MOA", ["23", number(invoice.freight, mark)]),
    ]


def _invoice_line(line: InvoiceLine, style: EdifactStyle) -> EdiBody:
    mark = style.decimal_mark
    item = [line.item_id, "IN"] if line.item_id else None
    body = [segment("LIN", str(line.line_no), None, item)]
    if line.description:
        body += [
            segment("IMD", "F", None, ["", "", "", *chunk])
            for chunk in text_components(line.description, 35, 2)
        ]
    quantity = ["47", number(line.quantity, mark)] + ([unit_code(line.uom)] if line.uom else [])
    body.append(segment("QTY", quantity))
    if line.amount is not None:
        body.append(segment("MOA", ["203", number(line.amount, mark)]))
    body.append(segment("PRI", _price(style, line.unit_price)))
    return body


# --- samples ------------------------------------------------------------------------


def sample_set() -> list[Sample]:
    """Rendered samples (each supplier's style, every document kind, multi-
    document interchanges) and the hand-written ones with their expected JSON."""
    return _rendered_samples() + handwritten_samples()


def handwritten_samples(directory: Path = HAND_WRITTEN) -> list[Sample]:
    """`name.edi` + `name.expected.json` ({"vendor_id": ..., "expected": [...]})."""
    if not directory.is_dir():  # installed without the tests tree
        return []
    samples = []
    for path in sorted(directory.glob("*.edi")):
        truth = json.loads(path.with_name(path.stem + ".expected.json").read_text(encoding="utf-8"))
        samples.append(
            Sample(
                name=path.stem,
                format="edifact",
                filename=path.name,
                raw=path.read_bytes(),
                expected=truth["expected"],
                vendor_id=truth.get("vendor_id"),
            )
        )
    return samples


def _expected(kind: str, fmt: str, document: Acknowledgment | ShipNotice | Invoice) -> dict:
    return {"kind": kind, "format": fmt, "document": document.model_dump(mode="json", exclude_none=True)}


def _expect_ack(ack: Acknowledgment) -> dict:
    return _expected("acknowledgment", "edifact-ORDRSP", ack)


def _expect_asn(notice: ShipNotice) -> dict:
    return _expected("asn", "edifact-DESADV", notice)


def _expect_invoice(invoice: Invoice) -> dict:
    return _expected(kind_of_invoice(invoice.kind).value, "edifact-INVOIC", invoice)


_NOW = datetime(2026, 11, 20, 14, 5, tzinfo=UTC)


def _rendered_samples() -> list[Sample]:
    samples: list[Sample] = []

    def add(name: str, raw: bytes, expected: list[dict], vendor_id: str | None = None) -> None:
        samples.append(Sample(name, "edifact", f"{name}.edi", raw, expected, vendor_id))

    acks = _sample_acks()
    add(
        "ordrsp-acme-accepted",
        render_ordrsp([acks["acme"]], control_reference="4711", now=_NOW),
        [_expect_ack(acks["acme"])],
    )
    add(
        "ordrsp-nordic-changes",
        render_ordrsp([acks["nordic"]], control_reference="000000852", now=_NOW),
        [_expect_ack(acks["nordic"])],
        vendor_id="NORDIC",
    )
    two = [acks["labworks_rejected"], acks["labworks_accepted"]]
    add(
        "ordrsp-labworks-two-responses",
        render_ordrsp(two, control_reference="LW20261104", now=_NOW),
        [_expect_ack(a) for a in two],
    )

    notices = _sample_notices()
    add(
        "desadv-acme-one-order",
        render_desadv([notices["acme"]], control_reference="4712", now=_NOW),
        [_expect_asn(notices["acme"])],
    )
    split = [notices["labworks_a"], notices["labworks_b"]]
    add(
        "desadv-labworks-two-orders",
        render_desadv(split, control_reference="LW20261112", now=_NOW),
        [_expect_asn(n) for n in split],
    )

    invoices = _sample_invoices()
    add(
        "invoic-acme-freight-tax-terms",
        render_invoic([invoices["acme"]], control_reference="4713", now=_NOW),
        [_expect_invoice(invoices["acme"])],
    )
    add(
        "invoic-nordic-credit-note",
        render_invoic([invoices["nordic_credit"]], control_reference="000000861", now=_NOW),
        [_expect_invoice(invoices["nordic_credit"])],
        vendor_id="NORDIC",
    )
    add(
        "invoic-nordic-price-credit",
        render_invoic([invoices["nordic_price"]], control_reference="000000862", now=_NOW),
        [_expect_invoice(invoices["nordic_price"])],
        vendor_id="NORDIC",
    )
    three = [invoices["labworks_1"], invoices["labworks_2"], invoices["labworks_3"]]
    add(
        "invoic-labworks-three-invoices",
        render_invoic(three, control_reference="LW20261120", now=_NOW),
        [_expect_invoice(i) for i in three],
    )
    return samples


def _at(day: date, hour: int = 0, minute: int = 0) -> str:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC).isoformat()


def _sample_acks() -> dict[str, Acknowledgment]:
    v = Acknowledgment.model_validate
    return {
        "acme": v(
            {
                "ack_id": "OC-558120",
                "po_number": "PO-10482",
                "vendor_id": "ACME",
                "status": "accepted",
                "acknowledged_at": _at(date(2026, 11, 3), 9, 41),
                "lines": [
                    {"line_no": 1, "status": "accepted", "promised_date": "2026-11-12"},
                    {"line_no": 2, "status": "accepted", "promised_date": "2026-11-12"},
                ],
            }
        ),
        "nordic": v(
            {
                "ack_id": "ORS2026-0931",
                "po_number": "PO-10490",
                "vendor_id": "NORDIC",
                "status": "accepted_with_changes",
                "acknowledged_at": _at(date(2026, 11, 4)),
                "message": "Stainless A2 surcharge applies from November: bolt price adjusted. "
                "Washers ship in two lots; nuts (M8) are discontinued, please order FST-NUT-M8-A4.",
                "lines": [
                    {"line_no": 1, "status": "changed", "unit_price": "0.1910"},
                    {"line_no": 2, "status": "changed", "quantity": "4000", "promised_date": "2026-11-18"},
                    {
                        "line_no": 3,
                        "status": "backordered",
                        "quantity": "2500",
                        "promised_date": "2026-12-09",
                    },
                    {"line_no": 4, "status": "rejected"},
                ],
            }
        ),
        "labworks_rejected": v(
            {
                "ack_id": "SO-77120",
                "po_number": "PO-10501",
                "vendor_id": "LABWORKS",
                "status": "rejected",
                "acknowledged_at": _at(date(2026, 11, 4), 16, 20),
                "message": "Mini centrifuge 6,000 rpm is no longer sold in the US; "
                "quote Q-2291 offers a replacement.",
                "lines": [{"line_no": 1, "status": "rejected"}],
            }
        ),
        "labworks_accepted": v(
            {
                "ack_id": "SO-77121",
                "po_number": "PO-10502",
                "vendor_id": "LABWORKS",
                "status": "accepted",
                "acknowledged_at": _at(date(2026, 11, 4), 16, 21),
                "lines": [
                    {
                        "line_no": 1,
                        "status": "accepted",
                        "unit_price": "289.00",
                        "quantity": "4",
                        "promised_date": "2026-11-16",
                    },
                    {
                        "line_no": 2,
                        "status": "accepted",
                        "unit_price": "8.65",
                        "quantity": "40",
                        "promised_date": "2026-11-16",
                    },
                ],
            }
        ),
    }


def _sample_notices() -> dict[str, ShipNotice]:
    v = ShipNotice.model_validate
    return {
        "acme": v(
            {
                "asn_id": "DN-3301877",
                "po_number": "PO-10482",
                "vendor_id": "ACME",
                "shipped_at": _at(date(2026, 11, 10), 15, 30),
                "expected_delivery": "2026-11-12",
                "carrier": "UPS Freight",
                "tracking_number": "1Z999AA10123456784",
                "lines": [
                    {"line_no": 1, "quantity_shipped": "100", "uom": "EA", "item_id": "MRO-GLOVE-NITRILE-L"},
                    {"line_no": 2, "quantity_shipped": "150", "uom": "EA", "item_id": "MRO-BEARING-6204"},
                ],
            }
        ),
        "labworks_a": v(
            {
                "asn_id": "SHP-2026-11-0457",
                "po_number": "PO-10502",
                "vendor_id": "LABWORKS",
                "shipped_at": _at(date(2026, 11, 12), 11, 0),
                "carrier": "FedEx",
                "lines": [
                    {"line_no": 1, "quantity_shipped": "4", "uom": "EA", "item_id": "LAB-PIPETTE-1000"},
                    {"line_no": 2, "quantity_shipped": "40", "uom": "EA", "item_id": "LAB-TIPS-1000-RACK"},
                ],
            }
        ),
        "labworks_b": v(
            {
                "asn_id": "SHP-2026-11-0457",
                "po_number": "PO-10507",
                "vendor_id": "LABWORKS",
                "shipped_at": _at(date(2026, 11, 12), 11, 0),
                "carrier": "FedEx",
                "lines": [
                    {"line_no": 3, "quantity_shipped": "12", "uom": "EA", "item_id": "LAB-TIPS-1000-RACK"}
                ],
            }
        ),
    }


def _sample_invoices() -> dict[str, Invoice]:
    v = Invoice.model_validate
    return {
        "acme": v(
            {
                "invoice_number": "INV-2026-004471",
                "vendor_id": "ACME",
                "po_number": "PO-10482",
                "invoice_date": "2026-11-11",
                "currency": "USD",
                "freight": "35.00",
                "tax": "137.60",
                "total": "2061.60",
                "payment_terms": {"net_days": 30, "discount_days": 10, "discount_percent": "2"},
                "lines": [
                    {
                        "line_no": 1,
                        "quantity": "100",
                        "unit_price": "11.90",
                        "amount": "1190.00",
                        "uom": "EA",
                        "item_id": "MRO-GLOVE-NITRILE-L",
                        "description": "Nitrile gloves, size L, box of 100",
                    },
                    {
                        "line_no": 2,
                        "quantity": "150",
                        "unit_price": "4.66",
                        "amount": "699.00",
                        "uom": "EA",
                        "item_id": "MRO-BEARING-6204",
                        "description": "Deep groove ball bearing 6204-2RS",
                    },
                ],
            }
        ),
        "nordic_credit": v(
            {
                "invoice_number": "KR-2026-0117",
                "kind": "credit_memo",
                "vendor_id": "NORDIC",
                "po_number": "PO-10490",
                "invoice_date": "2026-11-25",
                "currency": "EUR",
                "total": "95.50",
                "original_invoice_number": "FA-2026-8812",
                "lines": [
                    {
                        "line_no": 1,
                        "quantity": "500",
                        "unit_price": "0.1910",
                        "amount": "95.50",
                        "uom": "EA",
                        "item_id": "FST-BOLT-M8X30-A2",
                    }
                ],
            }
        ),
        "nordic_price": v(
            {
                "invoice_number": "KR-2026-0118",
                "kind": "credit_memo",
                "price_only": True,
                "vendor_id": "NORDIC",
                "po_number": "PO-10490",
                "invoice_date": "2026-11-26",
                "currency": "EUR",
                "total": "35.00",
                "original_invoice_number": "FA-2026-8812",
                "lines": [
                    {
                        "line_no": 1,
                        "quantity": "5000",
                        "unit_price": "0.0070",
                        "amount": "35.00",
                        "item_id": "FST-BOLT-M8X30-A2",
                        "description": "Price correction A2 surcharge",
                    }
                ],
            }
        ),
        "labworks_1": v(
            {
                "invoice_number": "90031877",
                "vendor_id": "LABWORKS",
                "po_number": "PO-10502",
                "invoice_date": "2026-11-12",
                "currency": "USD",
                "freight": "48.50",
                "total": "1550.50",
                "payment_terms": {"net_days": 45},
                "lines": [
                    {
                        "line_no": 1,
                        "quantity": "4",
                        "unit_price": "289.00",
                        "amount": "1156.00",
                        "uom": "EA",
                        "item_id": "LAB-PIPETTE-1000",
                    },
                    {
                        "line_no": 2,
                        "quantity": "40",
                        "unit_price": "8.65",
                        "amount": "346.00",
                        "uom": "EA",
                        "item_id": "LAB-TIPS-1000-RACK",
                    },
                ],
            }
        ),
        "labworks_2": v(
            {
                "invoice_number": "90031878",
                "vendor_id": "LABWORKS",
                "po_number": "PO-10507",
                "invoice_date": "2026-11-12",
                "currency": "USD",
                "total": "103.80",
                "payment_terms": {"net_days": 45},
                "lines": [
                    {
                        "line_no": 3,
                        "quantity": "12",
                        "unit_price": "8.65",
                        "amount": "103.80",
                        "uom": "EA",
                        "item_id": "LAB-TIPS-1000-RACK",
                    }
                ],
            }
        ),
        "labworks_3": v(
            {
                "invoice_number": "90031879",
                "vendor_id": "LABWORKS",
                "po_number": "PO-10502",
                "invoice_date": "2026-11-13",
                "currency": "USD",
                "freight": "12.00",
                "total": "98.50",
                "payment_terms": {"net_days": 45},
                "lines": [
                    {
                        "line_no": 2,
                        "quantity": "10",
                        "unit_price": "8.65",
                        "amount": "86.50",
                        "uom": "EA",
                        "item_id": "LAB-TIPS-1000-RACK",
                        "description": "Filter pipette tips 1000 uL, rack of 96",
                    }
                ],
            }
        ),
    }
