"""Everything the PO page shows, gathered in one place: the lines ordered,
received and invoiced; the revisions and what changed since the order was
first sent; the documents (acknowledgments, ship notices, receipts,
invoices with their holds); the tasks; the timeline and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass, field

from models import AuditEvent, PurchaseOrder, PurchaseOrderState, RevisionChange
from p2p.revisions import line_changes
from starter.operations import PoflowOperations
from starter.web.evidence import InvoiceView, LineProgress, invoice_view, line_progress
from workflows.contract import po_workflow_id

__all__ = ["PoPage", "po_page"]


@dataclass
class PoPage:
    state: PurchaseOrderState
    ui_url: str
    lines: list[LineProgress]
    invoices: list[InvoiceView]
    since_ordered: list[RevisionChange] = field(default_factory=list)  # the first order → the agreed revision
    audit: list[AuditEvent] = field(default_factory=list)

    @property
    def po(self) -> PurchaseOrder:
        return self.state.po


async def po_page(service: PoflowOperations, po_number: str) -> PoPage:
    state = await service.get_state(po_number)
    page = PoPage(
        state=state,
        ui_url=service.settings.workflow_url(po_workflow_id(po_number)),
        lines=line_progress(state),
        invoices=[invoice_view(state, record) for record in state.invoices],
        audit=await service.list_audit(po_number),
    )
    ordered = await service.ordered_po(po_number)
    if ordered is not None and state.po.revision > 0:
        page.since_ordered = line_changes(ordered, state.po)
    return page
