"""What a PO revision looks like on the vendor's channel (DESIGN.md step 3,
issue #17 item 9): an X12 850 or an EDIFACT ORDERS for a vendor on EDI (its
trading-partner settings in the vendor master), a PDF for one on e-mail.

Pure: the renderers take the PO, the parties and the control number the
caller allocated (activities/db/outbound.py) and return the file. A revision
after the first goes out as a change order against the revision the vendor
has (X12 860, EDIFACT ORDCHG: only the lines that changed) when the caller
gives that revision; without it, as a replacement of the whole order (850
BEG01 "05", ORDERS BGM 1225 "5"), as before. The cancellation of the whole
order is a change order too (860 BCH01 "01", ORDCHG BGM 1225 "1"); chasing
an acknowledgment sends the order the vendor has again as a duplicate (850
BEG01 "07", ORDERS BGM 1225 "7": X12 and EDIFACT have no reminder message,
and a partner's translator files a duplicate against the order it has).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TypedDict

from fpdf import FPDF

from activities.db.master_data import Vendor
from activities.intake.edifact.write import render_orders
from activities.intake.edifact.write_ordchg import render_ordchg
from activities.intake.x12.write import X12Style
from activities.intake.x12.write_850 import render_850
from activities.intake.x12.write_860 import render_860
from models import IssuePurpose, PaymentTerms, PurchaseOrder, PurchaseOrderLine, money_text
from settings import Settings

__all__ = [
    "EdiSend",
    "EdiSender",
    "OutgoingFile",
    "Renderer",
    "edi_renderer",
    "pdf_renderer",
    "render_po_pdf",
]


@dataclass(frozen=True)
class EdiSender:
    """poflow's own interchange id and qualifiers (settings: POFLOW_EDI_SENDER_*)."""

    sender_id: str = "POFLOW"
    x12_qualifier: str = "ZZ"
    edifact_qualifier: str = "ZZZ"

    @classmethod
    def from_settings(cls, settings: Settings) -> EdiSender:
        return cls(settings.edi_sender_id, settings.edi_sender_qualifier, settings.edifact_sender_qualifier)


@dataclass(frozen=True)
class OutgoingFile:
    """One rendered message, with the control numbers it carries."""

    format: str  # x12-850 | x12-860 | edifact-ORDERS | edifact-ORDCHG | pdf
    filename: str
    content_type: str
    content: bytes
    standard: str | None = None
    sender_id: str | None = None
    interchange_control: str | None = None
    group_control: str | None = None
    transaction_control: str | None = None


@dataclass(frozen=True)
class Renderer:
    """Renders the file once it is given the interchange control number
    allocated for it (`standard` says which counter; None: a PDF, no number)."""

    standard: str | None
    render: Callable[[int | None], OutgoingFile]

    def __call__(self, control: int | None) -> OutgoingFile:
        return self.render(control)


def pdf_renderer(po: PurchaseOrder, vendor: Vendor, now: datetime) -> Renderer:
    return Renderer(None, lambda _control: render_po_pdf(po, vendor, now))


@dataclass(frozen=True)
class EdiSend:
    """What one EDI message says: `po` (the revision), with `previous` (the
    revision the vendor has) for a change order; `purpose` cancel or
    reminder for the revision the vendor has; the buyer's `reason`."""

    po: PurchaseOrder
    previous: PurchaseOrder | None = None
    purpose: IssuePurpose = IssuePurpose.ORDER
    reason: str | None = None

    @property
    def is_change(self) -> bool:
        """A change order (860 / ORDCHG): an amendment, or the cancellation."""
        return self.previous is not None or self.purpose == IssuePurpose.CANCEL

    @property
    def before(self) -> PurchaseOrder:
        """What the change order changes: a cancellation cancels the revision itself."""
        return self.previous or self.po


def edi_renderer(vendor: Vendor, sender: EdiSender, now: datetime, send: EdiSend) -> Renderer:
    """The message of `send` for `vendor` (whose channel settings are valid):
    an 850 / ORDERS (BEG01 "07" / BGM 1225 "7" for a reminder), or the 860 /
    ORDCHG of an amendment or of the whole order's cancellation."""
    assert vendor.edi_standard in ("x12", "edifact") and vendor.edi_partner_id
    if vendor.edi_standard == "x12":
        return Renderer("x12", lambda control: _x12_file(send, vendor, sender, now, control))
    return Renderer("edifact", lambda control: _edifact_file(send, vendor, sender, now, control))


def _x12_file(
    send: EdiSend, vendor: Vendor, sender: EdiSender, now: datetime, control: int | None
) -> OutgoingFile:
    assert control is not None and vendor.edi_partner_id
    ids = _X12Ids(sender_id=sender.sender_id, receiver_id=vendor.edi_partner_id, control_number=control)
    style = X12Style(
        sender_qualifier=sender.x12_qualifier, receiver_qualifier=vendor.edi_partner_qualifier or "ZZ"
    )
    cancel = send.purpose == IssuePurpose.CANCEL
    if send.is_change:
        set_id = "860"
        raw = render_860(send.before, send.po, now=now, style=style, cancel=cancel, reason=send.reason, **ids)
    else:
        set_id = "850"
        raw = render_850(
            send.po, now=now, style=style, duplicate=send.purpose == IssuePurpose.REMINDER, **ids
        )
    return OutgoingFile(
        format=f"x12-{set_id}",
        filename=f"{_file_stem(send)}-{control:09d}.x12",
        content_type="application/edi-x12",
        content=raw,
        standard="x12",
        sender_id=sender.sender_id,
        interchange_control=f"{control:09d}",
        group_control=str(control),  # InterchangeWriter: the first group's GS06 is ISA13
        transaction_control="0001",  # the one ST in the group
    )


class _X12Ids(TypedDict):
    sender_id: str
    receiver_id: str
    control_number: int


def _edifact_file(
    send: EdiSend, vendor: Vendor, sender: EdiSender, now: datetime, control: int | None
) -> OutgoingFile:
    assert control is not None and vendor.edi_partner_id
    reference = str(control)
    parties = {
        "sender_id": sender.sender_id,
        "receiver_id": vendor.edi_partner_id,
        "control_reference": reference,
        "sender_qualifier": sender.edifact_qualifier,
        "receiver_qualifier": vendor.edi_partner_qualifier or "ZZZ",
    }
    cancel = send.purpose == IssuePurpose.CANCEL
    if send.is_change:
        message = "ORDCHG"
        raw = render_ordchg(send.before, send.po, now=now, cancel=cancel, reason=send.reason, **parties)
    else:
        message = "ORDERS"
        raw = render_orders(send.po, now=now, duplicate=send.purpose == IssuePurpose.REMINDER, **parties)
    return OutgoingFile(
        format=f"edifact-{message}",
        filename=f"{_file_stem(send)}-{reference}.edi",
        content_type="application/edifact",
        content=raw,
        standard="edifact",
        sender_id=sender.sender_id,
        interchange_control=reference,
        transaction_control="1",  # render_interchange numbers messages from 1
    )


def _file_stem(send: EdiSend) -> str:
    stem = f"{send.po.po_number}-r{send.po.revision}"
    return stem if send.purpose == IssuePurpose.ORDER else f"{stem}-{send.purpose.value}"


# --- PDF ----------------------------------------------------------------------------


def render_po_pdf(po: PurchaseOrder, vendor: Vendor, now: datetime) -> OutgoingFile:
    """The PO as a one-table PDF (fpdf2, core fonts): header, lines, totals."""
    pdf = _new_a4_document(po, now)
    _write_title(pdf, po)
    _write_order_details(pdf, po, vendor, now)
    pdf.ln(4)
    _write_line_table(pdf, po)
    pdf.ln(3)
    _write_totals(pdf, po)
    _write_note_and_acknowledgement_request(pdf, po)
    return OutgoingFile(
        format="pdf",
        filename=f"{po.po_number}-r{po.revision}.pdf",
        content_type="application/pdf",
        content=bytes(pdf.output()),
    )


def _new_a4_document(po: PurchaseOrder, now: datetime) -> FPDF:
    """An A4 document with its first page; `now` is its creation date, so
    the same PO rendered at the same time gives the same bytes."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_creation_date(now.astimezone(UTC))
    pdf.set_title(_latin1(f"Purchase order {po.po_number}"))
    pdf.set_author("poflow")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def _write_title(pdf: FPDF, po: PurchaseOrder) -> None:
    pdf.set_font("Helvetica", "B", 16)
    revision = f" (revision {po.revision})" if po.revision else ""
    pdf.cell(0, 10, _latin1(f"Purchase order {po.po_number}{revision}"), new_x="LMARGIN", new_y="NEXT")


def _write_order_details(pdf: FPDF, po: PurchaseOrder, vendor: Vendor, now: datetime) -> None:
    """Supplier, order date (the PO's, else the day it was created, else
    today), buyer, currency and payment terms, one labelled line each."""
    pdf.set_font("Helvetica", "", 10)
    order_date = po.order_date or (po.created_at.date() if po.created_at else now.date())
    for label, value in (
        ("Supplier", f"{vendor.name} ({vendor.id})"),
        ("Order date", order_date.isoformat()),
        ("Buyer", po.buyer),
        ("Currency", po.currency),
        ("Payment terms", _payment_terms_text(po.payment_terms)),
    ):
        pdf.cell(35, 6, _latin1(label + ":"))
        pdf.cell(0, 6, _latin1(value), new_x="LMARGIN", new_y="NEXT")


def _payment_terms_text(terms: PaymentTerms) -> str:
    """E.g. "net 30 days", or "2% 10 days, net 30 days" with a discount."""
    text = f"net {terms.net_days} days"
    if terms.discount_percent is not None:
        text = f"{terms.discount_percent}% {terms.discount_days} days, " + text
    return text


# (heading, width in mm, alignment) of the line table's columns.
_COLUMNS = (
    ("#", 10, "R"),
    ("Item", 42, "L"),
    ("Description", 58, "L"),
    ("Qty", 18, "R"),
    ("UoM", 12, "L"),
    ("Unit price", 25, "R"),
    ("Amount", 25, "R"),
)
_WRAPPING = (1, 2)  # item and description wrap; the figures fit their columns
_ROW_LINE = 5.0  # mm per text line in a row


def _write_line_table(pdf: FPDF, po: PurchaseOrder) -> None:
    """Ruled rows drawn cell by cell, the heading again on every page. Drawn
    by hand rather than with fpdf's table(), which lays every cell out twice:
    a PO of MAX_LINES lines took 13 s of the worker's CPU (holding the GIL the
    workflow tasks need)."""
    _table_row(pdf, [[heading] for heading, _, _ in _COLUMNS], bold=True)
    for line in po.lines:
        cells = _line_cells(line, po.currency)
        pdf.set_font("Helvetica", "", 9)
        wrapped = [
            _wrap(pdf, text, width - 2) if index in _WRAPPING else [text]
            for index, ((_, width, _), text) in enumerate(zip(_COLUMNS, cells, strict=True))
        ]
        if pdf.will_page_break(_ROW_LINE * max(len(lines) for lines in wrapped)):
            pdf.add_page()
            _table_row(pdf, [[heading] for heading, _, _ in _COLUMNS], bold=True)
        _table_row(pdf, wrapped)


def _wrap(pdf: FPDF, text: str, width: float) -> list[str]:
    """The text in lines at word boundaries that fit `width` in the current font
    (a word longer than the column stands alone on its line)."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        joined = f"{current} {word}" if current else word
        if current and pdf.get_string_width(joined) > width:
            lines.append(current)
            current = word
        else:
            current = joined
    return [*lines, current] if current or not lines else lines


def _table_row(pdf: FPDF, cells: list[list[str]], bold: bool = False) -> None:
    """One row: each cell's lines inside a ruled box, the row as tall as its tallest cell."""
    pdf.set_font("Helvetica", "B" if bold else "", 9)
    height = _ROW_LINE * max(len(lines) for lines in cells)
    x, y = pdf.get_x(), pdf.get_y()
    for (_, width, align), lines in zip(_COLUMNS, cells, strict=True):
        pdf.rect(x, y, width, height)
        for number, text in enumerate(lines):
            pdf.set_xy(x + 1, y + number * _ROW_LINE)
            pdf.cell(width - 2, _ROW_LINE, text, align=align)
        x += width
    pdf.set_xy(pdf.l_margin, y + height)


def _line_cells(line: PurchaseOrderLine, currency: str) -> list[str]:
    """One row of the line table; the need-by date goes with the description."""
    need_by = f" (need by {line.need_by.isoformat()})" if line.need_by else ""
    amount = line.quantity * line.unit_price
    return [
        str(line.line_no),
        _latin1(line.item_id),
        _latin1(line.description + need_by),
        _plain(line.quantity),
        _latin1(line.uom),
        _plain(line.unit_price),
        money_text(amount, currency),
    ]


def _write_totals(pdf: FPDF, po: PurchaseOrder) -> None:
    """Freight (only when there is some) and the order total, right-aligned."""
    if po.freight:
        pdf.cell(
            0,
            6,
            _latin1(f"Freight: {money_text(po.freight, po.currency)}"),
            align="R",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(
        0, 7, _latin1(f"Total: {money_text(po.total, po.currency)}"), align="R", new_x="LMARGIN", new_y="NEXT"
    )


def _write_note_and_acknowledgement_request(pdf: FPDF, po: PurchaseOrder) -> None:
    if po.note:
        pdf.set_font("Helvetica", "", 10)
        pdf.ln(3)
        pdf.multi_cell(0, 5, _latin1(f"Note: {po.note}"))
    pdf.set_font("Helvetica", "", 9)
    pdf.ln(4)
    pdf.multi_cell(0, 5, _latin1(f"Please acknowledge this order quoting {po.po_number}."))


def _latin1(text: str) -> str:
    """fpdf2's core fonts are Latin-1: anything else shows as '?'."""
    return text.encode("latin-1", "replace").decode("latin-1")


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
    return text
