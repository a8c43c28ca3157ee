"""A line's lineage (issue #17 item 8; p2p-semantics a.1: "each invoice line
carries lineage: PO rev → 855 line status → 856 → GR → 810 line"): the chain
of documents behind one invoice line — the PO revision it is matched
against, what the supplier's standing acknowledgments said of the line, the
ship notices and receipts that carried it, and the invoice line — as one
sentence, on the line's match and on each of its holds, so the person who
decides sees where every figure came from."""

from __future__ import annotations

from decimal import Decimal

from models.matching import MatchRequest

__all__ = ["line_lineage"]


def _qty(value: Decimal) -> str:
    return f"{value.normalize():f}"


def line_lineage(request: MatchRequest, line_no: int) -> str:
    """`PO-1001 r1 line 1 → ack OA-1 changed at 12.10 → ASN SHIP-1 60 →
    receipt GR-1 60 (2 rejected) → invoice INV-7 line 1`; a link with no
    document says so (`no ship notice`)."""
    po = request.po
    return " → ".join(
        [
            f"{po.po_number} r{po.revision} line {line_no}",
            _acknowledged(request, line_no),
            _shipped(request, line_no),
            _received(request, line_no),
            f"{request.invoice.kind.value.replace('_', ' ')} {request.invoice.invoice_number} line {line_no}",
        ]
    )


def _acknowledged(request: MatchRequest, line_no: int) -> str:
    said = [
        f"{a.ack_id} {a.status}" + (f" at {a.unit_price}" if a.unit_price is not None else "")
        for a in request.acknowledged_lines
        if a.line_no == line_no
    ]
    return "ack " + ", ".join(said) if said else "no acknowledgment of the line"


def _shipped(request: MatchRequest, line_no: int) -> str:
    notices = [f"{s.asn_id} {_qty(s.quantity)}" for s in request.shipped_lines if s.line_no == line_no]
    return "ASN " + ", ".join(notices) if notices else "no ship notice"


def _received(request: MatchRequest, line_no: int) -> str:
    receipts = [
        f"{r.receipt_id} {_qty(line.quantity_received)}"
        + (f" ({_qty(line.quantity_rejected)} rejected)" if line.quantity_rejected else "")
        for r in sorted(request.receipts, key=lambda r: (r.received_at, r.receipt_id))  # as they came
        for line in r.lines
        if line.line_no == line_no
    ]
    return "receipt " + ", ".join(receipts) if receipts else "not received"
