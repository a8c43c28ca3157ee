"""What the PO workflow hands to the match engine and to accounts payable:
the match request built from the PO's state, and the payment hand-off of an
approved invoice. Pure: the workflow passes `now`."""

from __future__ import annotations

from datetime import datetime, timedelta

from models.documents import Invoice
from models.matching import MatchRequest
from models.records import PaymentHandoff
from models.workflow_state import InvoiceRecord, InvoiceStatus, PurchaseOrderState
from p2p import acknowledgment, receiving, ship_notices


def prior_invoices(state: PurchaseOrderState, record: InvoiceRecord) -> list[Invoice]:
    """What counts as invoiced before `record`: everything already approved
    (or awaiting its credit), plus held invoices that arrived earlier."""
    position = state.invoices.index(record)
    return [
        r.invoice
        for i, r in enumerate(state.invoices)
        if r is not record
        and (
            r.status in (InvoiceStatus.APPROVED, InvoiceStatus.CREDIT_REQUESTED)
            or (r.status == InvoiceStatus.HELD and i < position)
        )
    ]


def match_request(
    state: PurchaseOrderState, record: InvoiceRecord, duplicate_candidates: list[Invoice]
) -> MatchRequest:
    """Everything the engine needs for one invoice, from the PO's state: the
    agreed revision, receipts, earlier invoices, the policy's tolerance
    candidates and settings, and what people decided about this invoice."""
    policy = state.policy
    assert policy is not None
    audit = record.audit
    return MatchRequest(
        po=state.po,
        po_open=not state.is_final,
        receipts=state.receipts,
        prior_invoices=prior_invoices(state, record),
        invoice=record.invoice,
        tolerance_profiles=policy.tolerance_profiles,
        released_holds=record.released_holds,
        duplicate_candidates=duplicate_candidates,
        duplicate_window_days=policy.duplicate_window_days,
        freight_taxable=policy.freight_taxable,
        manual_holds=record.manual_holds,
        audit_selected=audit is not None and audit.selected,
        audit_basis=audit.basis if audit is not None else None,
        audit_source=audit.source if audit is not None else None,
        ack_overdue_since=acknowledgment.ack_overdue_since(state, record.received_at),
        cancelled_lines=state.cancelled_lines,
        shipped_by_line=ship_notices.shipped_by_line(state),
        ack_policy=f"policy {policy.name} v{policy.version}",
        acknowledged_lines=acknowledgment.acknowledged_lines(state),
        shipped_lines=ship_notices.shipped_lines(state),
        returned_by_line=receiving.returned_by_line(state),
        inspections=state.inspections if state.inspection_rule else None,
    )


def payment_handoff(state: PurchaseOrderState, invoice: Invoice, now: datetime) -> PaymentHandoff:
    """The hand-off to AP: the payable (negative for a credit memo), due and
    discount dates from the invoice's terms, else the PO's."""
    terms = invoice.payment_terms or state.po.payment_terms
    return PaymentHandoff(
        invoice_id=invoice.document_id,
        po_number=state.po.po_number,
        vendor_id=invoice.vendor_id,
        invoice_number=invoice.invoice_number,
        currency=invoice.currency,
        amount=invoice.payable_amount,
        due_date=(invoice.invoice_date + timedelta(days=terms.net_days)).isoformat(),
        discount_date=(invoice.invoice_date + timedelta(days=terms.discount_days)).isoformat()
        if terms.discount_days is not None
        else None,
        at=now,
    )
