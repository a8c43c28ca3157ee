"""What operators read in the Temporal UI (a workflow's "User Metadata" tab):
the markdown current details the PO workflow keeps up to date — its revision
and total, a checklist of its life, when it wakes up next and what it does
then, its lines, invoices, returns and the people it waits on.

Shaped for the UI 2.x renderer as it shows in a browser
(tests/e2e/test_operator_view.py): paragraphs, headings and flat lists. Its
tables run the cells together (no padding), a nested list runs into its
parent item, and "60/100" becomes a fraction, so none of those is used. The
static summary is set once, at start (starter/service/naming.py po_summary),
and cannot change: what changes (revision, total) heads these details."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal

from models.common import format_money
from models.documents import InvoiceKind
from models.workflow_state import AckOutcome, AckRecord, InvoiceStatus, PoStatus, PurchaseOrderState
from p2p.deadlines import deadlines_ahead
from p2p.receiving import needs_receipt, received_for_match
from workflows.search_attributes import hold_codes

# ✓ done · ◐ under way · ○ not yet · ✗ refused or ended · – not asked for
DONE, UNDER_WAY, NOT_YET, REFUSED, NOT_ASKED = "✓", "◐", "○", "✗", "–"
_NOT_AN_ANSWER = (AckOutcome.SUPPLIER_REJECTED, AckOutcome.ANSWERS_OLD_REVISION)
_INVOICE_WORDS = (
    (InvoiceStatus.APPROVED, "approved for payment"),
    (InvoiceStatus.HELD, "held"),
    (InvoiceStatus.CREDIT_REQUESTED, "awaiting a credit memo"),
    (InvoiceStatus.REJECTED, "rejected"),
)
# How the PO went out, from its `issued` timeline entry (models.records.IssueResult.describe).
_EDI_MESSAGE = re.compile(r"\((X12|EDIFACT) ([^,)]+)")
_CHANNEL = re.compile(r"sent by (\S+)")
_MARKDOWN = re.compile(r"([\\`*_\[\]<>#|])")


def current_details(state: PurchaseOrderState) -> str:
    s = state
    po = s.po
    parts = [
        f"**{_md(po.po_number)}** r{po.revision} · **{s.status.value}** · {format_money(po.total, po.currency)}"
        f" · vendor {_md(po.vendor_id)} · buyer {_md(po.buyer)}",
        "",
        *(f"- {item}" for item in checklist(s)),
    ]
    ahead = deadlines_ahead(s) if not s.is_final else []
    if ahead:
        parts += ["", f"**Next** {_when(ahead[0].at)}: {_md(ahead[0].then)}"]
    parts += _section("Lines", [_line(s, line.line_no) for line in po.lines])
    parts += _section(
        "Invoices",
        [
            f"{r.invoice.kind.value.replace('_', ' ')} {_md(r.invoice.invoice_number)}: **{r.status.value}**"
            + "".join(f"; {hold.code.value}: {_md(hold.message)}" for hold in r.open_holds)
            for r in s.invoices
        ],
    )
    returned = [
        f"{_md(r.return_id)}: "
        + ", ".join(f"line {x.line_no} × {_num(x.quantity)}" for x in r.lines)
        + f" ({_md(r.reason)})"
        for r in s.returns
    ]
    returned += [
        f"credit owed for {_md(c.return_id)} line {c.line_no}: {format_money(c.amount, c.currency)}"
        for c in s.open_expected_credits
    ]
    parts += _section("Returned to the vendor", returned)
    parts += _section(
        "Waiting on people",
        [
            f"{t.task_id} {_md(t.title)} → {t.assignee_role} ({t.escalated_to}"
            + (f": {_md(', '.join(t.assignees))}" if t.assignees else "")
            + f"), due {_when(t.due_at)}"
            for t in s.open_tasks
        ],
    )
    return "\n".join(parts)


def checklist(state: PurchaseOrderState) -> list[str]:
    """The PO's life so far, one item a stage: approval, issue,
    acknowledgment, receipt, invoices, and how it ended."""
    s = state
    items = [_approval(s), _issue(s), _acknowledgment(s), _receipt(s), _invoices(s)]
    if s.status == PoStatus.CLOSED:
        items.append(f"{DONE} closed" + (f" {s.closed_at:%Y-%m-%d}" if s.closed_at else ""))
    elif s.status == PoStatus.CANCELLED:
        items.append(f"{REFUSED} cancelled" + (f": {_md(s.cancel_reason)}" if s.cancel_reason else ""))
    return items


def _approval(s: PurchaseOrderState) -> str:
    if s.status == PoStatus.VALIDATING:
        return f"{UNDER_WAY} validating"
    if s.status == PoStatus.PENDING_APPROVAL:
        return f"{UNDER_WAY} awaiting approval"
    if s.status == PoStatus.REJECTED:
        why = next((e.detail for e in reversed(s.timeline) if e.event == "rejected"), "")
        return f"{REFUSED} rejected" + (f": {_md(why[:160])}" if why else "")
    return f"{DONE} approved" if s.issued_at is not None else f"{NOT_YET} approved"


def _issue(s: PurchaseOrderState) -> str:
    if s.issued_at is None:
        return f"{NOT_YET} issued"
    sent = next((e.detail for e in s.timeline if e.event == "issued"), "")
    edi, channel = _EDI_MESSAGE.search(sent), _CHANNEL.search(sent)
    how = f"{edi[1]} {edi[2]}" if edi else channel[1] if channel else ""
    return f"{DONE} issued" + (f" ({_md(how)})" if how else "")


def _acknowledgment(s: PurchaseOrderState) -> str:
    if s.issued_at is None:
        return f"{NOT_YET} acknowledged"
    answers = [r for r in s.acknowledgments if r.outcome not in _NOT_AN_ANSWER]
    waiting = s.ack_due_at is not None or s.ack_reminder_at is not None
    if answers:
        revision = _revision_answered(s, answers[-1])
        done = f"{DONE} acknowledged r{revision}"
        if waiting and revision < s.po.revision:  # a change order the supplier has yet to confirm
            return f"{done} · {UNDER_WAY} r{s.po.revision} awaits acknowledgment"
        return done
    if s.ack_waived:
        return f"{NOT_ASKED} acknowledgment waived by the buyer"
    if s.acknowledgments and s.acknowledgments[-1].outcome == AckOutcome.SUPPLIER_REJECTED:
        return f"{REFUSED} rejected by the supplier"
    if (s.policy is not None and not s.policy.acknowledgment_required) or s.is_final:
        return f"{NOT_ASKED} not acknowledged"
    if s.ack_due_at is not None:
        return f"{UNDER_WAY} acknowledgment due {_when(s.ack_due_at)}"
    return f"{UNDER_WAY} acknowledgment overdue"


def _revision_answered(s: PurchaseOrderState, record: AckRecord) -> int:
    """The revision the supplier quoted, else the one in force once the
    acknowledgment was taken (a revision it brought about is what it agreed)."""
    if record.ack.answers_revision is not None:
        return record.ack.answers_revision
    return max((r.revision for r in s.revisions if r.at <= record.received_at), default=s.po.revision)


def _receipt(s: PurchaseOrderState) -> str:
    lines = [x for x in s.po.lines if needs_receipt(x.level) and x.line_no not in s.cancelled_lines]
    if not lines:
        return f"{NOT_ASKED} no receipt needed"
    kept = {x.line_no: received_for_match(s, x.line_no) for x in lines}
    total = sum(kept.values(), Decimal(0))
    if all(kept[x.line_no] >= x.quantity for x in lines):
        mark = DONE
    else:
        mark = UNDER_WAY if total > 0 else NOT_YET
    ordered = sum((x.quantity for x in lines), Decimal(0))
    return f"{mark} received {_num(total)} of {_num(ordered)}"  # "60/100" would render as a fraction


def _invoices(s: PurchaseOrderState) -> str:
    if not s.invoices:
        return f"{NOT_YET} no invoice yet"
    counted = Counter(r.status for r in s.invoices)
    held_codes = hold_codes(s)  # as the HoldCodes search attribute has them
    said = []
    for status, word in _INVOICE_WORDS:
        if counted[status]:
            codes = f" {' '.join(held_codes)}" if status == InvoiceStatus.HELD and held_codes else ""
            said.append(f"{counted[status]} {word}{codes}")
    open_ = counted[InvoiceStatus.HELD] or counted[InvoiceStatus.CREDIT_REQUESTED]
    kinds = {r.invoice.kind for r in s.invoices}
    noun = "credit memos" if kinds == {InvoiceKind.CREDIT_MEMO} else "invoices"
    return f"{UNDER_WAY if open_ else DONE} {noun}: " + ", ".join(said)


def _line(s: PurchaseOrderState, n: int) -> str:
    line = s.po.line(n)
    assert line is not None
    cancelled = " · **cancelled**" if n in s.cancelled_lines else ""
    return (
        f"**line {n}** {_md(line.item_id)} · ordered {_num(line.quantity)} {_md(line.uom)}"
        f" · received {_num(s.received_quantity(n))} · accepted {_num(s.accepted_quantity(n))}"
        f" · invoiced {_num(s.invoiced_quantity(n))} · price {_price(line.unit_price)} {s.po.currency}{cancelled}"
    )


def _section(title: str, items: list[str]) -> list[str]:
    """A heading and a flat list (blank lines around both: the renderer
    takes a list glued to a paragraph for more of the paragraph)."""
    return ["", f"### {title}", "", *(f"- {item}" for item in items)] if items else []


def _when(at: datetime) -> str:
    return f"{at.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def _num(value: Decimal) -> str:
    return f"{value.normalize():f}"


def _price(value: Decimal) -> str:
    """A unit price with at least cents (11.90), more when it has them (0.1840)."""
    cents = value.quantize(Decimal("0.01"))
    return f"{cents if cents == value else value:f}"


def _md(text: str) -> str:
    """Free text as literal markdown (a hold message, a reason, an id)."""
    return _MARKDOWN.sub(r"\\\1", text)
