"""Chasing late deliveries per promised date (issue #17 item 9): which
promised deliveries of a PO the buyer was already asked to expedite, so that
the receipt deadline moves on to the next date and never fires twice for
the same one (p2p.deadlines.schedule_receipt_due_at)."""

from __future__ import annotations

from pydantic import Field

from models.common import BusinessDate, Document, LineNo, UtcDatetime

__all__ = ["ExpeditedDelivery"]


class ExpeditedDelivery(Document):
    """One promised delivery — a schedule of a line, or the whole line by its
    need-by — whose date + grace lapsed while it was neither received nor
    shipped, and which an expedite task (or its timeline entry) named."""

    line_no: LineNo
    promised: BusinessDate = Field(description="The schedule's date, or the line's need-by")
    expedited_at: UtcDatetime
