"""Keeping runs that started under older code correct: state carried over
(continue-as-new) from such a run is brought to today's conventions here, in
one place, next to the workflow.patched() ids in po_steps/patches.py."""

from __future__ import annotations

from models.workflow_state import PurchaseOrderState


def adopt_invoice_number_rule(state: PurchaseOrderState) -> None:
    """A state carried over (continue-as-new) from a run under the earlier
    invoice-number rule names its invoices by that rule's ids — processed
    documents, task subjects, the records themselves: rename them to
    Invoice.document_id, which this run uses."""
    renames = {r.document_id: r.invoice.document_id for r in state.invoices}
    renames |= {r.invoice.legacy_document_id: r.invoice.document_id for r in state.invoices}
    for record in state.invoices:
        record.legacy_document_id = None
    state.processed_document_ids = [renames.get(i, i) for i in state.processed_document_ids]
    for task in state.tasks:
        if task.subject_id in renames:
            task.subject_id = renames[task.subject_id]
