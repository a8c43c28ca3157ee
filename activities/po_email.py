"""What a PO e-mail to a vendor says (DESIGN.md step 3; issue #17 items 3, 4
and 9): the order or its revision (with the changes of an amendment, line by
line), the whole order's cancellation with the buyer's reason, and the
reminder that chases its acknowledgment. Pure: the caller gives the request,
the vendor's name and the PO's projection (for the total), and queues it."""

from __future__ import annotations

from models import IssuePurpose, IssueRequest, PoProjection, PurchaseOrder, money_text
from p2p.revisions import line_changes

__all__ = ["po_email"]


def po_email(req: IssueRequest, vendor_name: str, projection: PoProjection | None) -> tuple[str, str]:
    """(subject, body) of the e-mail of `req`."""
    if req.purpose == IssuePurpose.CANCEL:
        return _cancellation(req, vendor_name)
    change = "" if req.revision == 0 else f" (revision {req.revision})"
    subject = f"Purchase order {req.po_number}{change}"
    if req.purpose == IssuePurpose.REMINDER:
        subject = f"Reminder {req.attempt}: please acknowledge purchase order {req.po_number}{change}"
    if req.po is not None:
        pdf = f"{req.po_number}-r{req.revision}.pdf"
        what = f"please find attached our purchase order {req.po_number}{change} ({pdf})."
    else:
        what = f"please find our purchase order {req.po_number}{change}."
    if req.purpose == IssuePurpose.REMINDER:
        what = f"we have not received your acknowledgment yet; {what}"
    lines = [f"Dear {vendor_name},", "", what]
    if req.po is not None and req.previous is not None:
        lines += _changes_text(req.previous, req.po)
        lines += [f"Reason: {req.reason}"] if req.reason else []
    if projection is not None:
        lines += [""] if req.previous is not None else []
        lines += [
            f"Order total: {money_text(projection.total, projection.currency)}",
            f"Buyer: {projection.buyer}",
        ]
    lines += ["", f"Please acknowledge this order quoting {req.po_number}.", ""]
    return subject, "\n".join(lines)


def _cancellation(req: IssueRequest, vendor_name: str) -> tuple[str, str]:
    lines = [
        f"Dear {vendor_name},",
        "",
        f"we cancel our purchase order {req.po_number} (revision {req.revision}) in full.",
        "Please do not deliver or invoice anything more on it.",
    ]
    if req.reason:
        lines += ["", f"Reason: {req.reason}"]
    lines += ["", f"Please confirm the cancellation quoting {req.po_number}.", ""]
    return f"Purchase order {req.po_number} is cancelled", "\n".join(lines)


def _changes_text(previous: PurchaseOrder, po: PurchaseOrder) -> list[str]:
    """What an amendment changes, line by line and field by field, for the e-mail."""
    changes = line_changes(previous, po)
    if not changes:
        return ["", f"Nothing changed on the lines since revision {previous.revision}."]
    text = ["", f"Changes since revision {previous.revision}:"]
    for change in changes:
        field = "line" if change.field == "line" else change.field.replace("_", " ")
        old = change.old if change.old is not None else "(none)"
        new = change.new if change.new is not None else "(none)"
        if change.field == "line" and change.old is None:
            text.append(f"- line {change.line_no}: added ({new})")
        elif change.field == "line" and change.new is None:
            text.append(f"- line {change.line_no}: deleted ({old})")
        else:
            text.append(f"- line {change.line_no}, {field}: {old} → {new}")
    return text
