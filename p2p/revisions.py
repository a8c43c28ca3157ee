"""What a revision changes: line by line, field by field, against the revision
before — recorded on the revision (models.Revision.changes) by the PO
workflow, and shown by `poflow status --history`, the API and the PO page.

Pure and deterministic (the workflow calls it): lines in line-number order,
fields in the order a person reads a line, values as the PO's JSON writes them.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.purchase_order import DeliverySchedule, PurchaseOrder, PurchaseOrderLine, RevisionChange

__all__ = ["COMPARED_FIELDS", "line_changes"]

# The line fields a revision can change, in the order a person reads them.
COMPARED_FIELDS = ("item_id", "description", "quantity", "uom", "unit_price", "need_by", "schedules")


def line_changes(before: PurchaseOrder, after: PurchaseOrder) -> list[RevisionChange]:
    """Every line field that differs between two versions of a PO; a line
    added or gone is one change of the field `line`."""
    changes: list[RevisionChange] = []
    numbers = sorted({line.line_no for line in before.lines} | {line.line_no for line in after.lines})
    for line_no in numbers:
        old, new = before.line(line_no), after.line(line_no)
        if old is None or new is None:
            changes.append(
                RevisionChange(line_no=line_no, field="line", old=_summary(old), new=_summary(new))
            )
            continue
        changes += [
            RevisionChange(
                line_no=line_no, field=name, old=_text(getattr(old, name)), new=_text(getattr(new, name))
            )
            for name in COMPARED_FIELDS
            if getattr(old, name) != getattr(new, name)
        ]
    return changes


def _summary(line: PurchaseOrderLine | None) -> str | None:
    return f"{line.item_id} × {_text(line.quantity)}" if line is not None else None


def _text(value: Decimal | date | str | list[DeliverySchedule] | None) -> str | None:
    if value is None or value == []:
        return None
    if isinstance(value, list):  # a split: `60 by 2026-12-10; 40 by 2026-12-20`
        return "; ".join(f"{_text(s.quantity)} by {s.date.isoformat()}" for s in value)
    if isinstance(value, Decimal):
        return f"{value.normalize():f}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
