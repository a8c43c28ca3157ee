"""Suppliers who e-mail their documents: .eml files wrapping files the other
supplier_sim modules render — a Factur-X or UBL invoice attached, a plain PDF
invoice whose PO number is only in the subject, an X12 acknowledgment pasted
into the body, an attachment poflow cannot read beside one it can."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime

from tools.supplier_sim.samples import Sample

__all__ = ["render_email", "sample_set"]

SENT = datetime(2026, 11, 30, 9, 15, tzinfo=UTC)


def render_email(
    *, sender: str, subject: str, body: str, attachments: Sequence[tuple[str, bytes, str]] = ()
) -> bytes:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "invoices@poflow-buyer.example"
    message["Subject"] = subject
    message["Date"] = format_datetime(SENT)
    message["Message-ID"] = f"<{abs(hash((sender, subject))) % 10**12}@mail.example>"
    message.set_content(body)
    for name, data, content_type in attachments:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(message)


def _wrapped(sample: Sample, name: str, raw: bytes, *, drop_po: bool = False) -> Sample:
    expected = [dict(item, format=f"eml/{item.get('format', sample.format)}") for item in sample.expected]
    return Sample(
        name=name,
        format="eml",
        filename=f"{name}.eml",
        raw=raw,
        expected=expected,
        vendor_id=sample.vendor_id,
    )


def sample_set() -> list[Sample]:
    from tools.supplier_sim import einvoice, x12

    samples: list[Sample] = []
    for source in einvoice.sample_set()[:4]:
        po_number = source.expected[0]["document"].get("po_number", "")
        mail = render_email(
            sender="Billing <billing@acme-industrial.example>",
            subject=f"Invoice for your order {po_number}",
            body="Dear customer,\n\nplease find our invoice attached.\n\nKind regards",
            attachments=[
                (
                    source.filename,
                    source.raw,
                    "application/pdf" if source.raw.startswith(b"%PDF") else "application/xml",
                ),
                ("logo.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 64, "image/png"),
            ],
        )
        samples.append(_wrapped(source, f"mail-{source.name}", mail))
    for source in [s for s in x12.sample_set() if s.expected and s.expected[0]["kind"] == "acknowledgment"][
        :2
    ]:
        mail = render_email(
            sender="EDI desk <edi@nordic-fasteners.example>",
            subject="Order confirmation",
            body=source.raw.decode("latin-1"),
        )
        samples.append(_wrapped(source, f"mail-body-{source.name}", mail))
    try:
        from tools.supplier_sim import pdf
    except ImportError:
        return samples
    for source in pdf.sample_set()[:4]:
        po_number = source.expected[0]["document"].get("po_number", "")
        mail = render_email(
            sender="accounts@labworks-sci.example",
            subject=f"Rechnung zu Bestellung {po_number}",
            body="Anbei unsere Rechnung.",
            attachments=[(source.filename, source.raw, "application/pdf")],
        )
        samples.append(_wrapped(source, f"mail-{source.name}", mail))
    return samples
