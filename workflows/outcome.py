"""The purchase-order workflow's result (PATCH_SMALL_RESULT): how the PO
ended, in a few hundred bytes. The whole state stays available by the state
query (PoQuery.STATE, also on a closed workflow) and in the database (the PO
projection, audit events, match results); putting it in the result wrote it
into the history once more, the largest event of a clean lifecycle."""

from __future__ import annotations

from pydantic import Field

from models import PurchaseOrderState
from models.common import Document, UtcDatetime
from models.workflow_state import PoStatus


class PoOutcome(Document):
    po_number: str
    status: PoStatus
    revision: int = Field(description="The revision in force at the end")
    closed_at: UtcDatetime | None = None
    cancel_reason: str | None = None
    invoices: dict[str, str] = Field(
        default_factory=dict, description="Each invoice's document id and its final status"
    )
    task_ids: list[str] = Field(
        default_factory=list, description="The PO's human tasks, opened in this order"
    )
    timeline_entries: int = Field(default=0, description="Entries in the timeline (= audit events written)")


def po_outcome(state: PurchaseOrderState) -> PoOutcome:
    return PoOutcome(
        po_number=state.po.po_number,
        status=state.status,
        revision=state.po.revision,
        closed_at=state.closed_at,
        cancel_reason=state.cancel_reason,
        invoices={r.document_id: r.status.value for r in state.invoices},
        task_ids=[t.task_id for t in state.tasks],
        timeline_entries=len(state.timeline),
    )
