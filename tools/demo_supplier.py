"""The demo's suppliers answer in their own formats: the documents a scenario
builds (as the API's JSON) rendered by `tools.supplier_sim` into the files those
suppliers really send — X12 855 from Acme's EDI translator, a Factur-X PDF
from Nordic, UBL over Peppol, EDIFACT, a plain PDF invoice — and posted to
`POST /api/v1/documents`, so they travel intake exactly as outside files would."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from models import Acknowledgment, Invoice, PurchaseOrder, ShipNotice

__all__ = [
    "SupplierFile",
    "ack_as_x12",
    "asn_as_desadv",
    "invoice_as_facturx",
    "invoice_as_pdf",
    "invoice_as_ubl",
]

SupplierFile = tuple[bytes, str, str]  # bytes, file name, content type


def ack_as_x12(po: dict[str, Any], ack: dict[str, Any]) -> SupplierFile:
    from tools.supplier_sim.x12 import SUPPLIERS, render_855

    model = Acknowledgment.model_validate(ack)
    order = PurchaseOrder.model_validate(po)
    raw = render_855(
        [model], supplier=SUPPLIERS[model.vendor_id], orders={order.po_number: order}, now=datetime.now(UTC)
    )
    return raw, f"{model.vendor_id.lower()}-855-{model.ack_id}.edi", "application/edi-x12"


def asn_as_desadv(notice: dict[str, Any]) -> SupplierFile:
    from tools.supplier_sim.edifact import render_desadv

    model = ShipNotice.model_validate(notice)
    raw = render_desadv([model], control_reference=model.asn_id[-14:], now=datetime.now(UTC))
    return raw, f"desadv-{model.asn_id}.edi", "application/edifact"


def invoice_as_facturx(invoice: dict[str, Any]) -> SupplierFile:
    from tools.supplier_sim.einvoice import render_facturx

    model = Invoice.model_validate(invoice)
    return render_facturx(model), f"{model.invoice_number}.pdf", "application/pdf"


def invoice_as_ubl(invoice: dict[str, Any]) -> SupplierFile:
    from tools.supplier_sim.einvoice import render_ubl

    model = Invoice.model_validate(invoice)
    return render_ubl(model), f"{model.invoice_number}.xml", "application/xml"


def invoice_as_pdf(
    invoice: dict[str, Any], layout: str = "classic", language: str = "en", long_dates: bool = True
) -> SupplierFile:
    """`long_dates=False` prints 12/02/2026: day or month first? — a date a person must confirm."""
    from tools.supplier_sim.pdf import render_pdf

    model = Invoice.model_validate(invoice)
    raw = render_pdf(model, layout=layout, language=language, long_dates=long_dates)
    return raw, f"{model.invoice_number}.pdf", "application/pdf"
