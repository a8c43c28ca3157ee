"""What the web app shows beside a decision, read from the database: the
supplier's original document behind a normalized one, and an item's price
history (its contract prices and the prices it was invoiced at).

A document that came in as a file is stored twice: the file as received
(`file:{sha256}`, before anything read it) and, once intake delivered it, the
normalized JSON under its business key, whose `source` names the intake
workflow (`intake doc-{sha256}`). The original of the second is the first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine

from activities.db import schema as t
from activities.db.master_data import connect
from workflows.contract import intake_workflow_id

__all__ = ["Original", "PricePoint", "original_document", "price_histories", "original_id_of"]

_INTAKE_SOURCE = "intake doc-"
# How far back the invoiced prices of a vendor are read (newest matches first).
PRICE_HISTORY_MATCHES = 200


@dataclass(frozen=True)
class Original:
    document_id: str  # the id it is stored under (file:{sha256} for a received file)
    content_type: str
    source: str
    received_at: datetime
    raw: bytes


def original_id_of(document_id: str, source: str | None = None) -> str:
    """The id of the bytes as received behind `document_id`: itself, unless it
    is a normalized document intake delivered, or an intake workflow's id."""
    intake_prefix = intake_workflow_id("")
    if document_id.startswith(intake_prefix):
        return f"file:{document_id.removeprefix(intake_prefix)}"
    if source and source.startswith(_INTAKE_SOURCE):
        return f"file:{source.removeprefix(_INTAKE_SOURCE)}"
    return document_id


def original_document(engine: Engine, document_id: str) -> Original | None:
    """The original behind `document_id` (None: nothing stored under it)."""
    d = t.documents
    columns = (d.c.document_id, d.c.content_type, d.c.source, d.c.received_at, d.c.raw)
    with connect(engine) as connection:
        source = connection.execute(
            select(d.c.source).where(d.c.document_id == document_id)
        ).scalar_one_or_none()
        original_id = original_id_of(document_id, source)
        row = connection.execute(select(*columns).where(d.c.document_id == original_id)).mappings().first()
    if row is None:
        return None
    return Original(
        document_id=row["document_id"],
        content_type=row["content_type"],
        source=row["source"],
        received_at=row["received_at"],
        raw=bytes(row["raw"]),
    )


@dataclass(frozen=True)
class PricePoint:
    """One price of an item: agreed in a contract, or billed on an invoice."""

    on: date
    unit_price: Decimal
    currency: str
    vendor_id: str
    source: str  # "contract from 2026-01-01" / "invoice INV-1 (PO 1001)"


def price_histories(engine: Engine, vendor_id: str, item_ids: list[str]) -> dict[str, list[PricePoint]]:
    """Per item: its contract prices (every vendor, every validity period) and
    the unit prices this vendor invoiced it at in its latest matches, oldest
    first. The vendor's stored matches are read once for all the items."""
    with connect(engine) as connection:
        requests = _latest_match_requests(connection, vendor_id)
        return {
            item_id: sorted(
                _contract_prices(connection, item_id)
                + [point for request in requests for point in _item_prices(request, vendor_id, item_id)],
                key=lambda p: (p.on, p.source),
            )
            for item_id in item_ids
        }


def _contract_prices(connection: Connection, item_id: str) -> list[PricePoint]:
    c = t.contracts
    query = select(c).where(c.c.item_id == item_id).order_by(c.c.valid_from)
    rows = connection.execute(query).mappings()
    return [
        PricePoint(
            on=row["valid_from"],
            unit_price=row["unit_price"],
            currency=row["currency"],
            vendor_id=row["vendor_id"],
            source=f"contract from {row['valid_from']}"
            + (f" to {row['valid_to']}" if row["valid_to"] else ""),
        )
        for row in rows
    ]


def _latest_match_requests(connection: Connection, vendor_id: str) -> list[dict]:
    """The match request stored with each of the vendor's latest matches (the
    PO line names the item, the invoice line its price), one per invoice."""
    m = t.match_results
    query = (
        select(m.c.invoice_id, m.c.request)
        .where(m.c.invoice_id.startswith(f"invoice:{vendor_id}:", autoescape=True), m.c.request.is_not(None))
        .order_by(m.c.matched_at.desc().nulls_last())
        .limit(PRICE_HISTORY_MATCHES)
    )
    seen: set[str] = set()
    requests: list[dict] = []
    for invoice_id, request in connection.execute(query).all():
        if invoice_id in seen or not request:
            continue
        seen.add(invoice_id)
        requests.append(request)
    return requests


def _item_prices(request: dict, vendor_id: str, item_id: str) -> list[PricePoint]:
    po, invoice = request.get("po") or {}, request.get("invoice") or {}
    line_items = {line.get("line_no"): line.get("item_id") for line in po.get("lines", [])}
    return [
        PricePoint(
            on=date.fromisoformat(invoice["invoice_date"]),
            unit_price=Decimal(str(line["unit_price"])),
            currency=invoice["currency"],
            vendor_id=vendor_id,
            source=f"invoice {invoice['invoice_number']} (PO {po.get('po_number')})",
        )
        for line in invoice.get("lines", [])
        if line_items.get(line.get("line_no")) == item_id
    ]
