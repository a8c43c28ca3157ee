"""Everything one task's page shows, gathered in one place: the task as its
workflow has it now, the PO's lines and what a pending change does to them,
the invoice with its holds, the item's price history, and the supplier's
original document (a PDF inline, EDI/XML made readable) — or, for a document
review, the reading as a form beside the file."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from activities.db.evidence import PricePoint
from activities.db.master_data import Vendor
from identity.principal import Caller
from models import HumanTask, PurchaseOrderState, RevisionChange, TaskKind
from models.intake import IntakeItem, IntakeState
from p2p import rejected_lines
from starter.errors import NotFound
from starter.operations import PoflowOperations
from starter.web.evidence import (
    InvoiceView,
    LineProgress,
    invoice_view,
    line_progress,
    pending_change_diff,
)
from starter.web.readable import Readable, readable
from starter.web.review_form import ReviewField, review_fields
from workflows.contract import po_workflow_id

__all__ = ["OriginalView", "TaskPage", "task_page"]


@dataclass(frozen=True)
class OriginalView:
    document_id: str  # what /originals/{id} serves
    content_type: str
    shown: Readable


@dataclass
class TaskPage:
    task: HumanTask
    workflow_id: str
    ui_url: str
    state: PurchaseOrderState | None = None
    lines: list[LineProgress] = field(default_factory=list)
    change: list[RevisionChange] = field(default_factory=list)
    invoice: InvoiceView | None = None
    prices: dict[str, list[PricePoint]] = field(default_factory=dict)  # item id → history
    original: OriginalView | None = None
    review: IntakeItem | None = None
    form: list[ReviewField] = field(default_factory=list)
    vendors: list[Vendor] = field(default_factory=list)  # to re-source a rejected line from


async def task_page(service: PoflowOperations, task_id: str, by: Caller) -> TaskPage:
    task = await service.get_task(task_id)
    workflow_id = task.workflow_id or po_workflow_id(task.po_number)
    page = TaskPage(task=task, workflow_id=workflow_id, ui_url=service.settings.workflow_url(workflow_id))
    if task.kind == TaskKind.REVIEW_DOCUMENT:
        await _add_review(service, page, by)
    else:
        await _add_po_evidence(service, page, by)
    return page


async def _add_po_evidence(service: PoflowOperations, page: TaskPage, by: Caller) -> None:
    state = await service.get_state(page.task.po_number)
    page.task = state.task(page.task.task_id) or page.task  # the workflow's copy is the truth
    page.state = state
    page.lines = line_progress(state)
    if page.task.kind == TaskKind.APPROVE_SUPPLIER_CHANGE:
        page.change = pending_change_diff(state)
    record = state.invoice_record(page.task.subject_id) if page.task.subject_id else None
    if record is not None:
        page.invoice = invoice_view(state, record)
    if page.task.kind == TaskKind.RESOLVE_REJECTED_LINE:
        page.vendors = [v for v in await service.active_vendors() if v.id != state.po.vendor_id]
    items = _items_to_price(page)
    if items:
        page.prices = await service.price_histories(state.po.vendor_id, items)
    if page.task.subject_id:
        page.original = await _original(service, page.task.subject_id, by)


def _items_to_price(page: TaskPage) -> list[str]:
    """The items whose price is the question: the lines a price hold or a
    change names, or every line of a PO waiting for approval."""
    assert page.state is not None
    po = page.state.po
    if page.invoice is not None:
        numbers = {h.hold.line_no for h in page.invoice.holds if h.hold.line_no is not None}
    elif page.change:
        numbers = {c.line_no for c in page.change}
    elif page.task.kind == TaskKind.APPROVE_PO:
        numbers = {line.line_no for line in po.lines}
    elif page.task.kind == TaskKind.RESOLVE_REJECTED_LINE:  # every vendor's contract price for it
        numbers = {rejected_lines.task_line(page.task)}
    else:
        numbers = set()
    return sorted({line.item_id for line in po.lines if line.line_no in numbers})


async def _add_review(service: PoflowOperations, page: TaskPage, by: Caller) -> None:
    intake: IntakeState = await service.get_intake(page.workflow_id)
    page.task = intake.task(page.task.task_id) or page.task
    page.review = next((item for item in intake.items if item.task_id == page.task.task_id), None)
    if page.review is not None:
        page.form = review_fields(page.review.extracted, service.settings.review_confidence)
    page.original = await _original(service, page.workflow_id, by)


async def _original(service: PoflowOperations, document_id: str, by: Caller) -> OriginalView | None:
    try:
        found = await service.original_document(document_id, by)
    except NotFound:
        return None
    shown = await asyncio.to_thread(readable, found.raw, found.content_type)  # PDFium reads the pages
    return OriginalView(found.document_id, found.content_type, shown)
