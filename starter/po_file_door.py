"""The file door for purchase orders: a buyer's ERP that emits its orders only
as EDI (X12 850, EDIFACT ORDERS) posts them to `POST /api/v1/documents`, and
each order is created exactly as `POST /api/v1/purchase-orders` creates it —
`PurchaseOrders.create_po`: the same permission (manage POs), the same model
validation, the raw order stored under `po:{number}`, the same workflow start
and the same duplicate answer (a PO number that exists is 409, nothing
changed).

Why the routing is here, at the door, and not in DocumentIntakeWorkflow:
intake is for what suppliers send about an existing PO (its activities
resolve the PO and signal its workflow), and it knows nothing of the caller.
A purchase order starts a workflow instead, and whether the caller may do that
is decided by the caller's permission, which only the door has. Routing in
the workflow would have meant a patched workflow change carrying the caller
into history; routing here keeps the workflow as it is, and keeps one code path
(`create_po`) for every PO, whichever way it arrives.

What a sender hears, as from the PO endpoint: 403 when the caller may send
files but not create POs (the refusal is an audit event, nothing is stored or
started); 422 `{detail, errors}` naming the segment for an order that cannot
be read, an unknown or inactive vendor, or totals that do not add up (the file
is stored first: nothing sent is lost, nothing is started); 409 when every
order in the file exists; else 202 with one `found` entry per order. An X12
sender also gets its 997, stored as the intake stores it. A file that carries
no order, or whose envelope cannot be read at all, goes to the intake as
before.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from activities.db import master_data, repository
from activities.intake.detect import detect_format
from activities.intake.errors import ExtractionError
from activities.intake.extract import extract_file
from activities.intake.limits import IntakeLimits
from activities.intake.po_reading import validated_po
from activities.intake_activities import raw_document_id
from identity.principal import Caller
from identity.roles import Permission
from models.extraction import Extracted, ExtractedKind, SourceFormat
from models.intake import IntakeItemStatus, IntakeStatus
from models.purchase_order import PurchaseOrder
from starter.errors import Duplicate, FieldError, Invalid
from starter.intake_door import FileReceived
from starter.service.authorization import authorize
from starter.service.naming import po_document_id, workflow_id_for

if TYPE_CHECKING:
    from starter.operations import PoflowService

__all__ = ["carries_orders", "receive_orders"]

_ORDER_MESSAGES = {SourceFormat.X12.value: "850", SourceFormat.EDIFACT.value: "ORDERS"}


def carries_orders(raw: bytes, limits: IntakeLimits) -> bool:
    """Whether the file is an X12 or EDIFACT interchange with a purchase order
    in it (850, ORDERS). Only the envelope is read here; a file that cannot
    even be split into messages is the intake's to report."""
    if not raw or len(raw) > limits.max_bytes:
        return False
    try:
        fmt = detect_format(raw)
        if fmt == SourceFormat.X12.value:
            from activities.intake.x12.syntax import parse_interchanges

            return any(
                tx.set_id == "850"
                for interchange in parse_interchanges(raw, limits)
                for group in interchange.groups
                for tx in group.transactions
            )
        if fmt == SourceFormat.EDIFACT.value:
            from activities.intake.edifact.interchanges import parse_interchanges as parse_edifact

            return any(m.type == "ORDERS" for i in parse_edifact(raw, limits) for m in i.messages)
    except ExtractionError:
        return False
    return False


async def receive_orders(
    service: PoflowService, raw: bytes, *, by: Caller, limits: IntakeLimits, **how: Any
) -> FileReceived:
    """Create every order of the file, or none when one cannot be (see module doc)."""
    filename = how.get("filename")
    async with service.audited(by, po_number="", what="create POs from a file", evidence=filename):
        authorize(by, Permission.MANAGE_POS)
    sha = repository.sha256_hex(raw)
    await service.store_document(
        document_id=raw_document_id(sha),
        kind="file",
        raw=raw,
        content_type=how.get("content_type") or "application/octet-stream",
        source=how.get("source") or "api",
        po_number=None,
    )
    try:
        found = await asyncio.to_thread(
            extract_file, raw, filename=filename, vendor_id=how.get("vendor_id"), limits=limits
        )
        orders = [(reading, _order(reading)) for reading in _only_orders(found)]
    except ExtractionError as err:
        await _acknowledge(service, raw, sha, err, limits)
        raise Invalid(str(err), [FieldError(err.where or "file", err.message)]) from None
    # A 997 acknowledges syntax: an order to an unknown vendor was still well formed.
    await _acknowledge(service, raw, sha, None, limits)
    orders = [(reading, await _known_vendor(service, reading, po)) for reading, po in orders]
    return await _create_all(service, sha, orders, by=by, source=how.get("source") or "api")


def _only_orders(found: list[Extracted]) -> list[Extracted]:
    others = [
        f"{item.kind.value} ({item.format})" for item in found if item.kind != ExtractedKind.PURCHASE_ORDER
    ]
    if others:
        raise ExtractionError(
            "a file with purchase orders must hold nothing else; it also holds " + ", ".join(others[:5]),
            "file",
        )
    return found


def _order(reading: Extracted) -> PurchaseOrder:
    where = reading.locations.get("po_number")
    return validated_po(reading, where.segment if where and where.segment else reading.format)


async def _known_vendor(service: PoflowService, reading: Extracted, po: PurchaseOrder) -> PurchaseOrder:
    """The vendor must be one poflow knows and buys from: an order to anyone
    else could never be issued. The readers take the id the ERP sent; an id
    that is no vendor id but one vendor's EDI partner id (its GLN or
    interchange id, vendor master `edi_partner_id`) names that vendor."""
    vendor = await service._db(master_data.get_vendor, service.engine, po.vendor_id)
    where = reading.locations.get("vendor_id")
    place = where.segment if where and where.segment else "vendor_id"
    if vendor is None:
        everyone = await service._db(master_data.list_vendors, service.engine)
        partners = [v for v in everyone if v.edi_partner_id == po.vendor_id]
        if len(partners) == 1:
            vendor = partners[0]
            reading.warnings.append(f"{place}: {po.vendor_id} is the EDI partner id of vendor {vendor.id}")
            po = po.model_copy(update={"vendor_id": vendor.id})
    if vendor is None:
        problem = f"unknown vendor {po.vendor_id!r}: not in poflow's vendor master"
    elif not vendor.active:
        problem = f"vendor {po.vendor_id} ({vendor.name}) is not active"
    else:
        return po
    raise Invalid(f"PO {po.po_number}, {place}: {problem}; nothing was started", [FieldError(place, problem)])


async def _create_all(
    service: PoflowService,
    sha: str,
    orders: list[tuple[Extracted, PurchaseOrder]],
    *,
    by: Caller,
    source: str,
) -> FileReceived:
    """Each order through `create_po`; 409 (the first duplicate) when every one existed."""
    found: list[dict[str, Any]] = []
    duplicates: list[Duplicate] = []
    for reading, po in orders:
        try:
            await service.create_po(po, by=by, source=f"{source} {reading.format}")
            status, problems = IntakeItemStatus.DELIVERED, []
        except Duplicate as err:
            duplicates.append(err)
            status, problems = IntakeItemStatus.DUPLICATE, [err.message]
        found.append(_found(reading, po, status, problems))
    if len(duplicates) == len(orders):
        raise duplicates[0]
    first = orders[0][1].po_number
    return FileReceived(workflow_id_for(first), sha, IntakeStatus.DONE.value, found)


def _found(
    reading: Extracted, po: PurchaseOrder, status: IntakeItemStatus, problems: list[str]
) -> dict[str, Any]:
    return {
        "kind": reading.kind.value,
        "format": reading.format,
        "po_number": po.po_number,
        "document_id": po_document_id(po.po_number),
        "status": status.value,
        "problems": problems,
        "warnings": reading.warnings,
        "task_id": None,
        "min_confidence": round(reading.min_confidence(), 3),
    }


async def _acknowledge(
    service: PoflowService, raw: bytes, sha: str, error: ExtractionError | None, limits: IntakeLimits
) -> None:
    """An X12 sender expects a 997 for every interchange (as intake stores it:
    `997:{sha256}`, outbound); EDIFACT senders ask for CONTRL in UNB, which
    poflow does not send."""
    if not raw.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"ISA"):
        return
    from activities.intake.x12.write_997 import render_997

    try:
        reply = render_997(raw, error=error, limits=limits)
    except ExtractionError:
        return
    await service.store_document(
        document_id=f"997:{sha}",
        kind="x12-997",
        raw=reply,
        content_type="application/edi-x12",
        source="outbound",
        po_number=None,
    )
