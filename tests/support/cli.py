"""The clock and the invoice document the CLI tests share (`poflow` commands
and the tolerance CLI and API)."""

from __future__ import annotations

from datetime import UTC, datetime

NOW = datetime(2025, 3, 3, 9, 0, tzinfo=UTC)
INVOICE = {
    "invoice_number": "INV-1001",
    "vendor_id": "ACME",
    "po_number": "1001",
    "invoice_date": "2025-03-01",
    "currency": "USD",
    "lines": [{"line_no": 1, "quantity": "10", "unit_price": "130.00"}],
    "total": "1300.00",
}
