"""E-mail (.eml, RFC 5322 with MIME): every attachment is read through
`extract_file`; a document that does not name its PO takes the PO number the
mail gives in its subject, its body or the attachment's file name.

EDI or JSON pasted into the body (some small suppliers do that) is read too
when there is no attachment. Images (PNG, JPEG, TIFF) are read by OCR as scans
when nothing else is attached; beside a document they are logos, set aside."""

from __future__ import annotations

import email
import email.policy
import re
from email.message import EmailMessage
from email.utils import parseaddr

from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from models.extraction import Extracted, FieldLocation

__all__ = ["extract_email", "find_po_number"]

# A PO number written with its prefix: "PO-1042", "po_2001".
_PO_TOKEN = re.compile(
    r"(?<![A-Za-z0-9])(?P<number>PO[-_/]?[0-9][A-Z0-9._/-]*[A-Z0-9]|PO[-_/]?[0-9])", re.IGNORECASE
)
# A number after a label: "PO 4711", "P.O. #4711", "purchase order no: 4500012345",
# "Bestellung Nr. 77", "commande n° 12", "pedido 3", "ordine n. 5", "order 9".
_PO_LABEL = re.compile(
    r"(?<![A-Za-z])(?:P\.?\s?O\.?|purchase\s+order|order|Bestell(?:ung|nummer)|commande|pedido|ordine|inkooporder)"
    r"\s*(?:no\.?|nr\.?|n[°º.]|number|nummer|num\.?)?\s*[:#]?\s*"
    r"(?P<number>[A-Z0-9](?:[A-Z0-9._/-]*[A-Z0-9])?)",
    re.IGNORECASE,
)
_CONFIDENCE_FROM_MAIL = 0.7  # read near a PO label, but outside the document itself


def find_po_number(text: str) -> str | None:
    """The first PO reference in a subject, body or file name."""
    for pattern in (_PO_TOKEN, _PO_LABEL):
        for match in pattern.finditer(text or ""):
            number = match.group("number")
            if any(char.isdigit() for char in number):
                return number
    return None


def extract_email(
    raw: bytes, *, vendor_id: str | None = None, limits: IntakeLimits = DEFAULT_LIMITS, depth: int = 0
) -> list[Extracted]:
    from activities.intake.extract import extract_parts

    message = _parse(raw)
    sender = parseaddr(str(message.get("From", "")))[1] or None
    subject = str(message.get("Subject", ""))
    body = _body_text(message)
    attachments, ignored = _attachments(message, limits)
    sources = attachments or ([("message body", body.encode("utf-8"))] if body.strip() else [])
    parts, problems = extract_parts(sources, vendor_id=vendor_id, limits=limits, depth=depth)
    for name, document in parts:
        _complete_from_mail(document, name=name, subject=subject, body=body, sender=sender)
    found = [document for _, document in parts]
    if not found:
        why = (
            "; ".join(ignored + problems)
            if problems or ignored
            else "it has no attachment and no document in its body"
        )
        raise ExtractionError(f"no readable document in the e-mail: {why}", f"message {subject!r}")
    if problems:
        found[0].warnings += [f"skipped attachment {problem}" for problem in problems]
    found[0].warnings += ignored
    return found


def _parse(raw: bytes) -> EmailMessage:
    try:
        message = email.message_from_bytes(raw, policy=email.policy.default)
    except Exception as err:  # the stdlib parser is lenient; anything it raises is a broken message
        raise ExtractionError(f"broken e-mail: {err}", "headers") from None
    if not isinstance(message, EmailMessage) or not message.keys():
        raise ExtractionError("not an e-mail: no headers", "headers")
    return message


def _body_text(message: EmailMessage) -> str:
    try:
        part = message.get_body(preferencelist=("plain", "html"))
        return part.get_content() if part is not None else ""
    except (LookupError, ValueError, AttributeError):
        return ""


# Scans, read by OCR when the mail attaches no other document: beside one,
# an image is a logo or a signature's picture, and reading it costs seconds.
_SCANS = ("image/png", "image/jpeg", "image/tiff")
# Parts that are never documents: logos, signatures, business cards.
_NOT_DOCUMENTS = (
    "image/",
    "audio/",
    "video/",
    "text/vcard",
    "text/x-vcard",
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
)


def _attachments(message: EmailMessage, limits: IntakeLimits) -> tuple[list[tuple[str, bytes]], list[str]]:
    """The attachments to read, and a note for each one set aside unread."""
    attachments: list[tuple[str, bytes]] = []
    ignored: list[str] = []
    scans: list[str] = []  # for each attachment kept, its content type if it is a scan, else ""
    unpacked = 0
    for part in message.iter_attachments() if message.is_multipart() else []:
        content_type = part.get_content_type()
        if content_type.startswith(_NOT_DOCUMENTS) and content_type not in _SCANS:
            why = "an image poflow does not read" if content_type.startswith("image/") else "not a document"
            ignored.append(f"ignored {part.get_filename() or 'an attachment'} ({content_type}: {why})")
            continue
        if len(attachments) >= limits.max_attachments:
            raise ExtractionError(f"more than {limits.max_attachments} attachments", "MIME parts")
        try:
            payload = part.get_payload(decode=True)  # a leaf part's bytes (None when it has none)
        except (ValueError, TypeError) as err:
            raise ExtractionError(
                f"undecodable attachment: {err}", part.get_filename() or "attachment"
            ) from None
        data = payload if isinstance(payload, bytes) else b""
        unpacked += len(data)
        if unpacked > limits.max_unpacked_bytes:
            raise ExtractionError(
                f"attachments over {limits.max_unpacked_bytes:,} bytes in all", "MIME parts"
            )
        name = part.get_filename() or f"attachment-{len(attachments) + 1}"
        attachments.append((name, data))
        scans.append(content_type if content_type in _SCANS else "")
    if not all(scans):  # other documents: the images beside them are not scans of them
        ignored += [
            f"ignored {a[0]} ({kind}: an image beside the documents)"
            for a, kind in zip(attachments, scans, strict=True)
            if kind
        ]
        attachments = [a for a, kind in zip(attachments, scans, strict=True) if not kind]
    return attachments, ignored


def _complete_from_mail(
    document: Extracted, *, name: str, subject: str, body: str, sender: str | None
) -> None:
    document.format = f"eml/{document.format}"
    document.warnings.insert(0, f"from {name} in the e-mail {subject!r}")
    if not document.vendor_hint and sender:
        document.vendor_hint = sender
    if document.document.get("po_number"):
        return
    stem = name.rsplit(".", 1)[0] if "." in name else name  # "invoice_PO-2001.pdf" → "invoice_PO-2001"
    for where, text in (("Subject", subject), (name, stem), ("body", body)):
        number = find_po_number(text)
        if number:
            document.document["po_number"] = number
            document.confidence["po_number"] = _CONFIDENCE_FROM_MAIL
            document.locations["po_number"] = FieldLocation(segment=f"e-mail {where}")
            document.warnings.append(f"PO number {number} taken from the e-mail's {where}")
            return
