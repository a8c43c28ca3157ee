"""Invoices stored as the door stores them, for the duplicate-check tests
(tests/db/test_db_duplicates.py, tests/db/test_db_invoice_keys.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy.engine import Engine

from activities.db import repository
from models import Invoice, InvoiceKind, InvoiceLine

__all__ = ["D0", "invoice", "store"]

D0 = date(2026, 3, 2)


def invoice(
    number: str,
    *,
    vendor: str = "ACME",
    total: str = "1000.00",
    dated: date = D0,
    currency: str = "USD",
    kind: InvoiceKind = InvoiceKind.INVOICE,
    po: str = "PO-1001",
) -> Invoice:
    """A one-line invoice billing its whole total."""
    return Invoice(
        invoice_number=number,
        kind=kind,
        vendor_id=vendor,
        po_number=po,
        invoice_date=dated,
        currency=currency,
        total=Decimal(total),
        lines=[InvoiceLine(line_no=1, quantity=Decimal(1), unit_price=Decimal(total))],
    )


def store(engine: Engine, document: Invoice, *, raw: bytes | None = None) -> None:
    """As the door stores it (PoflowService.submit_document, starter/service/documents.py)."""
    repository.store_document(
        engine,
        document_id=document.document_id,
        kind=document.kind.value,
        raw=raw if raw is not None else document.model_dump_json().encode(),
        content_type="application/json",
        source="api",
        po_number=document.po_number,
    )
