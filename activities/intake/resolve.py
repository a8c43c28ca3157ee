"""Resolution: make an extracted reading ready for its PO workflow, or say why
a person has to look at it first. Pure — the caller looks up the PO (its live
workflow state) and the vendor master and passes them in.

What it does, in order: the PO the document names (known? still open?), the
vendor (as the document names it, else the PO's vendor), invoice lines mapped
to PO lines where the reading was unsure of the line number, the model's own
validation, and finally the confidence of every field against the threshold.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from pydantic import ValidationError

from models.common import REPLACEMENT
from models.extraction import Extracted, ExtractedKind, model_class
from models.intake import Resolution
from models.purchase_order import PurchaseOrder, PurchaseOrderLine
from workflows.contract import PoSignal

__all__ = ["PoFacts", "VendorRef", "reading_problems", "resolve_reading", "SIGNAL_FOR_KIND"]

SIGNAL_FOR_KIND: dict[ExtractedKind, str] = {
    ExtractedKind.INVOICE: PoSignal.INVOICE,
    ExtractedKind.CREDIT_MEMO: PoSignal.INVOICE,
    ExtractedKind.ACKNOWLEDGMENT: PoSignal.ACKNOWLEDGMENT,
    ExtractedKind.ASN: PoSignal.ASN,
    ExtractedKind.FUNCTIONAL_ACK: PoSignal.FUNCTIONAL_ACK,
}
_CERTAIN = 0.95  # a vendor id read at least this surely is taken as the document says


@dataclass(frozen=True)
class VendorRef:
    id: str
    name: str
    email: str | None = None


@dataclass(frozen=True)
class PoFacts:
    """What resolution needs to know of the PO: its live workflow state."""

    po: PurchaseOrder
    status: str
    is_final: bool


def resolve_reading(
    extracted: Extracted,
    *,
    po: PoFacts | None,
    vendors: Iterable[VendorRef],
    min_confidence: float,
    reviewed: bool = False,
) -> Resolution:
    document: dict[str, Any] = copy.deepcopy(extracted.document)
    # Resolution settles some fields against master data: those count as sure.
    confidence = dict(extracted.confidence)
    problems: list[str] = []
    notes: list[str] = []
    signal = SIGNAL_FOR_KIND.get(extracted.kind)
    if signal is None:
        problems.append(
            f"a {extracted.kind.value.replace('_', ' ')} is not a supplier document poflow receives"
        )
    po_number = document.get("po_number")
    if not po_number:
        problems.append("no PO number found in the document")
    elif po is None:
        problems.append(f"PO {po_number} is unknown to poflow")
    elif po.is_final:
        problems.append(f"PO {po_number} is {po.status}: it takes no more documents")
    if _resolve_vendor(document, extracted, po, list(vendors), problems, notes):
        confidence["vendor_id"] = 1.0
    if po is not None and extracted.kind in (ExtractedKind.INVOICE, ExtractedKind.CREDIT_MEMO):
        _map_lines(document, confidence, po.po, min_confidence, notes)
    if po is not None and extracted.kind == ExtractedKind.ACKNOWLEDGMENT:
        problems += _changes_that_change_nothing(document, po.po)
    if extracted.kind == ExtractedKind.CREDIT_MEMO:
        document.setdefault("kind", "credit_memo")
    found, document_id = reading_problems(
        extracted.kind, document, confidence, min_confidence, reviewed=reviewed
    )
    problems += found
    return Resolution(
        document=document,
        po_number=po_number or None,
        vendor_id=document.get("vendor_id"),
        document_id=document_id,
        signal=signal,
        problems=problems,
        notes=notes,
    )


# --- vendor -----------------------------------------------------------------------


def _resolve_vendor(
    document: dict[str, Any],
    extracted: Extracted,
    po: PoFacts | None,
    vendors: list[VendorRef],
    problems: list[str],
    notes: list[str],
) -> bool:
    """True when the vendor is settled against the vendor master (or the PO)."""
    known = {v.id: v for v in vendors}
    said = document.get("vendor_id")
    sure = extracted.confidence.get("vendor_id", 0.0) >= _CERTAIN
    if said in known and (sure or po is None or po.po.vendor_id == said):
        return True
    found = _vendor_by_hint(extracted.vendor_hint or said, vendors)
    if found is not None:
        _set_vendor(
            document,
            found.id,
            f"vendor {found.id} ({found.name}) from {extracted.vendor_hint or said!r}",
            notes,
        )
    elif po is not None:
        _set_vendor(
            document, po.po.vendor_id, f"vendor {po.po.vendor_id} taken from PO {po.po.po_number}", notes
        )
    else:
        problems.append(f"unknown vendor {extracted.vendor_hint or said or '(none named)'}")
        return False
    if po is not None and document["vendor_id"] != po.po.vendor_id:
        notes.append(
            f"the document is from {document['vendor_id']} but PO {po.po.po_number} is with "
            f"{po.po.vendor_id}: the match will hold it"
        )
    return True


def _set_vendor(document: dict[str, Any], vendor_id: str, note: str, notes: list[str]) -> None:
    if document.get("vendor_id") != vendor_id:
        notes.append(note)
    document["vendor_id"] = vendor_id


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.casefold())


_LEGAL_FORMS = re.compile(
    r"\b(inc|ltd|llc|gmbh|ag|ab|sa|sas|sarl|bv|nv|spa|srl|oy|as|co|corp|plc)\b\.?", re.I
)


def _vendor_by_hint(hint: str | None, vendors: list[VendorRef]) -> VendorRef | None:
    """By id, by e-mail domain, then by name without its legal form."""
    if not hint:
        return None
    for vendor in vendors:
        if _norm(vendor.id) == _norm(hint):
            return vendor
    domain = hint.rsplit("@", 1)[1].casefold() if "@" in hint else None
    if domain:
        for vendor in vendors:
            if vendor.email and vendor.email.rsplit("@", 1)[-1].casefold() == domain:
                return vendor
    wanted = _norm(_LEGAL_FORMS.sub("", hint))
    if len(wanted) < 3:
        return None
    for vendor in vendors:
        name = _norm(_LEGAL_FORMS.sub("", vendor.name))
        if name and (name == wanted or name in wanted or wanted in name):
            return vendor
    return None


# --- lines ------------------------------------------------------------------------


def _map_lines(
    document: dict[str, Any],
    confidence: dict[str, float],
    po: PurchaseOrder,
    min_confidence: float,
    notes: list[str],
) -> None:
    """A line whose number the reading was unsure of (or that names no PO
    line) is matched to the PO line with the same item or description. An
    unsure number is also confirmed when the PO line it names orders the same
    item, description, unit price or quantity: a supplier's own position
    column ("Pos.", "Line") is read below review, as its numbering need not
    be the PO's."""
    po_lines = {line.line_no: line for line in po.lines}
    for index, line in enumerate(document.get("lines") or []):
        if not isinstance(line, dict):
            continue
        key = f"lines[{index}].line_no"
        sure = confidence.get(key, 1.0) >= min_confidence
        number = line.get("line_no")
        named = po_lines.get(number) if isinstance(number, int) else None
        confirmed = _confirmed_by(line, named) if not sure and named is not None else None
        if confirmed:
            notes.append(f"invoice line {index + 1}: PO line {line['line_no']} confirmed by its {confirmed}")
            confidence[key] = max(min_confidence, 0.9)
            continue
        if sure and named is not None:
            # Sure of a number, but billing another PO line's item: an
            # invoice's own line numbering, not the PO's. The item decides,
            # unless the line named bills that item too (a PO may order one
            # item on several lines, at other prices or dates).
            other = _po_line_with_item(line, po)
            if other is not None and other != line["line_no"] and not _same_item(line, named):
                notes.append(
                    f"invoice line {index + 1} bills {line.get('item_id')}, which is PO line {other}, "
                    f"not {line['line_no']}: mapped by its item"
                )
                line["line_no"] = other
            continue
        target = _po_line_for(line, po)
        if target is not None and target != line.get("line_no"):
            notes.append(f"invoice line {index + 1} mapped to PO line {target} by its item")
            line["line_no"] = target
            confidence[key] = max(min_confidence, 0.9)


def _same_item(line: dict[str, Any], po_line: PurchaseOrderLine) -> bool:
    item = _norm(str(line.get("item_id") or ""))
    return bool(item) and _norm(po_line.item_id) == item


def _same_description(line: dict[str, Any], po_line: PurchaseOrderLine) -> bool:
    text = _norm(str(line.get("description") or ""))
    wanted = _norm(po_line.description)
    item = _norm(po_line.item_id)
    return bool(text and wanted) and (wanted in text or text in wanted or bool(item and item in text))


def _confirmed_by(line: dict[str, Any], po_line: PurchaseOrderLine) -> str | None:
    """What of the PO line the invoice line agrees with, if anything: its
    item, its description, or else its unit price or the quantity ordered —
    one of them, so that a price variance still reaches the PO's match, which
    holds it. A line printing another item than the PO line's is not confirmed
    by anything else (a description may be the supplier's own wording)."""
    if _same_item(line, po_line):
        return "item"
    if line.get("item_id"):
        return None
    if _same_description(line, po_line):
        return "description"
    if _decimal(line.get("unit_price")) == po_line.unit_price:
        return "unit price"
    if _decimal(line.get("quantity")) == po_line.quantity:
        return "quantity"
    return None


def _po_line_with_item(line: dict[str, Any], po: PurchaseOrder) -> int | None:
    return next((po_line.line_no for po_line in po.lines if _same_item(line, po_line)), None)


def _po_line_for(line: dict[str, Any], po: PurchaseOrder) -> int | None:
    by_item = _po_line_with_item(line, po)
    if by_item is not None:
        return by_item
    return next((po_line.line_no for po_line in po.lines if _same_description(line, po_line)), None)


def _changes_that_change_nothing(document: dict[str, Any], po: PurchaseOrder) -> list[str]:
    """A line marked changed whose values all equal the order's: the changed
    value was most likely read from the "ordered" column, and sending it on
    would accept the order as it was — the supplier's change would be lost."""
    problems = []
    for line in document.get("lines") or []:
        line_no = line.get("line_no") if isinstance(line, dict) else None
        ordered = po.line(line_no) if line_no is not None else None
        if ordered is None or line.get("status") != "changed":
            continue
        differs = any(
            (
                line.get("quantity") is not None and _decimal(line["quantity"]) != ordered.quantity,
                line.get("unit_price") is not None and _decimal(line["unit_price"]) != ordered.unit_price,
                line.get("promised_date") is not None and str(line["promised_date"]) != str(ordered.need_by),
                bool(line.get("schedules"))
                and _schedules(line["schedules"]) != _schedules(ordered.schedules),
            )
        )
        if not differs:
            problems.append(f"line {line['line_no']} is marked changed but everything read equals the order")
    return problems


def _schedules(schedules: list[Any]) -> list[tuple[Decimal | None, str]]:
    """Schedules as (quantity, ISO date), read (dicts) or agreed (models)."""
    pairs = []
    for schedule in schedules:
        values = schedule if isinstance(schedule, dict) else schedule.model_dump()
        pairs.append((_decimal(values.get("quantity")), str(values.get("date"))))
    return pairs


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except ArithmeticError:
        return None


# --- validation and confidence ------------------------------------------------------


def reading_problems(
    kind: ExtractedKind,
    document: dict[str, Any],
    confidence: dict[str, float],
    min_confidence: float,
    *,
    reviewed: bool = False,
) -> tuple[list[str], str | None]:
    """What stops a reading on its own, whatever the PO: the model's
    validation, a document that contradicts itself, fields read unsurely (not
    when a person read them). Returns (problems, the document id if valid).
    The extraction benchmark uses the same gate."""
    problems: list[str] = []
    document_id = _validate(kind, document, problems)
    problems += _contradictions(kind, document)
    if not reviewed:
        problems += _low_confidence(confidence, min_confidence)
        problems += _unreadable(document)
    return problems, document_id


def _unreadable(value: Any, path: str = "") -> list[str]:
    """Fields with U+FFFD: characters the file could not give (or control
    characters extraction replaced, models.common.screen_text). A person reads
    them; a reviewed document may keep them."""
    if isinstance(value, str):
        return (
            [f"{path or 'document'}: has characters that could not be read (shown as {REPLACEMENT})"]
            if REPLACEMENT in value
            else []
        )
    if isinstance(value, dict):
        return [
            p for key, item in value.items() for p in _unreadable(item, f"{path}.{key}" if path else str(key))
        ]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in _unreadable(item, f"{path}[{index}]")]
    return []


def _contradictions(kind: ExtractedKind, document: dict[str, Any]) -> list[str]:
    """An acknowledgment that says it changes the order but shows no changed
    line would be taken as "accepted as ordered": the change would be lost."""
    if kind != ExtractedKind.ACKNOWLEDGMENT or document.get("status") != "accepted_with_changes":
        return []
    lines = [line for line in document.get("lines") or [] if isinstance(line, dict)]
    changed = [
        line
        for line in lines
        if line.get("status", "accepted") != "accepted"
        or line.get("quantity") is not None
        or line.get("unit_price") is not None
    ]
    return [] if changed else ["the acknowledgment accepts with changes, but no changed line was read"]


def _validate(kind: ExtractedKind, document: dict[str, Any], problems: list[str]) -> str | None:
    try:
        model = model_class(kind).model_validate(document)
    except ValidationError as err:
        for error in err.errors()[:10]:
            path = ".".join(str(part) for part in error["loc"]) or "document"
            problems.append(f"{path}: {error['msg']}")
        return None
    return getattr(model, "document_id", None)


def _low_confidence(confidence: dict[str, float], min_confidence: float) -> list[str]:
    unsure = sorted((score, field) for field, score in confidence.items() if score < min_confidence)
    if not unsure:
        return []
    listed = ", ".join(f"{field} ({score:.2f})" for score, field in unsure[:8])
    more = f" and {len(unsure) - 8} more" if len(unsure) > 8 else ""
    return [f"read with low confidence: {listed}{more}"]
