"""What the service calls things: workflow ids, PO labels, document keys, and the
summary and details operators see in the Temporal UI (pure, no I/O)."""

from __future__ import annotations

from pydantic import BaseModel

from models import Acknowledgment, GoodsReceipt, Invoice, PurchaseOrder, ShipNotice, format_money
from models.inspections import InspectionResult
from models.returns import ReturnToVendor
from workflows.contract import PoSignal, po_workflow_id

SupplierDocument = Acknowledgment | GoodsReceipt | ShipNotice | Invoice | ReturnToVendor | InspectionResult


def document_kind_and_signal(document: SupplierDocument) -> tuple[str, str]:
    """The stored kind and the workflow signal of a document; credit memos
    travel the invoice signal and are stored as `credit_memo`."""
    if isinstance(document, Acknowledgment):
        return "acknowledgment", PoSignal.ACKNOWLEDGMENT
    if isinstance(document, GoodsReceipt):
        return "receipt", PoSignal.RECEIPT
    if isinstance(document, ShipNotice):
        return "asn", PoSignal.ASN  # the kind intake stores a DESADV / 856 under
    if isinstance(document, ReturnToVendor):
        return "return", PoSignal.RETURN
    if isinstance(document, InspectionResult):
        return "inspection", PoSignal.INSPECTION
    return document.kind.value, PoSignal.INVOICE


def workflow_id_for(po_number: str) -> str:
    return po_workflow_id(po_number)


def po_label(po_number: str) -> str:
    """`1001` → `PO-1001`; a number that already says PO is left alone."""
    return po_number if po_number.upper().startswith("PO") else f"PO-{po_number}"


def po_summary(po: PurchaseOrder, vendor_name: str | None = None) -> str:
    """The static summary operators see in the Temporal UI. Set once at start:
    neither the workflow nor a client can change it (temporalio 1.35: static,
    "a fixed value on the workflow that cannot be updated"), so it names only
    what a revision never changes; the current revision and total head the
    current details (workflows/summary.py)."""
    return f"{po_label(po.po_number)} · {vendor_name or po.vendor_id} · buyer {po.buyer}"


def po_details(po: PurchaseOrder) -> str:
    """Static details (markdown) shown on the workflow page: the PO as
    ordered, said so (revisions change it; the current details are current)."""
    rows = [
        f"**As ordered** r{po.revision}, {format_money(po.total, po.currency)} (current: see Current Details)",
        f"**Buyer** {po.buyer}",
        f"**Requested by** {po.requested_by or '—'}",
        f"**Vendor** {po.vendor_id}",
        f"**Lines** {len(po.lines)}",
    ]
    if po.latest_need_by:
        rows.append(f"**Need by** {po.latest_need_by.isoformat()}")
    return "  \n".join(rows)


def po_document_id(po_number: str) -> str:
    """Business key of the raw PO as received (the models define the others)."""
    return f"po:{po_number}"


def raw_json(model: BaseModel) -> bytes:
    """Bytes to store when the caller had no raw document (e.g. built in code)."""
    return model.model_dump_json().encode()
