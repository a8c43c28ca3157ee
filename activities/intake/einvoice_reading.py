"""What the UBL and CII readers build while they read: the invoice fields with
a confidence and an element path each, the warnings, and the rules both
formats share (which sender id becomes the vendor, which number becomes a
line's PO line, the payment terms, freight, the totals check).

The readers' shared base (element access and reading steps) is
`activities.intake.einvoice_reader`; values as e-invoices write them are in
`activities.intake.einvoice_values`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum
from typing import Any

from pydantic import TypeAdapter, ValidationError

from activities.intake.einvoice_values import is_freight_charge, terms_from_text
from models.common import CURRENCY_MINOR_UNITS, Identifier
from models.extraction import Extracted, ExtractedKind, FieldLocation

__all__ = [
    "MAX_LINES",
    "DocumentCharge",
    "Reading",
    "SenderId",
    "TermsSource",
    "is_identifier",
    "line_number",
]

MAX_LINES = 10_000  # per document: far above real invoices, low enough to bound the reading's size

_IDENTIFIER: TypeAdapter[str] = TypeAdapter(Identifier)
_LIST_STEP = re.compile(r"(\w+)\[(\d+)\]")
_MAX_HINT = 300


def is_identifier(value: str) -> bool:
    try:
        _IDENTIFIER.validate_python(value)
    except ValidationError:
        return False
    return True


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")  # never "1E+2": the models read plain decimals
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


@dataclass
class Reading:
    """The best reading of one document, built field by field."""

    document: dict[str, Any] = field(default_factory=dict)
    confidence: dict[str, float] = field(default_factory=dict)
    locations: dict[str, FieldLocation] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def set(self, path: str, value: Any, confidence: float, at: str | None = None) -> None:
        """Set `path` ("total", "lines[2].unit_price", "payment_terms.net_days")."""
        node, key = self._node(path)
        node[key] = _jsonable(value)
        self.confidence[path] = confidence
        if at:
            self.locations[path] = FieldLocation(segment=at)

    def unset(self, path: str) -> None:
        node, key = self._node(path)
        node.pop(key, None)
        self.confidence.pop(path, None)
        self.locations.pop(path, None)

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def _node(self, path: str) -> tuple[dict[str, Any], str]:
        *steps, key = path.split(".")
        node = self.document
        for step in steps:
            match = _LIST_STEP.fullmatch(step)
            if match:
                items = node.setdefault(match.group(1), [])
                index = int(match.group(2))
                while len(items) <= index:
                    items.append({})
                node = items[index]
            else:
                node = node.setdefault(step, {})
        return node, key

    def extracted(self, kind: ExtractedKind, fmt: str, vendor_hint: str | None) -> Extracted:
        return Extracted(
            kind=kind,
            format=fmt,
            document=self.document,
            confidence=self.confidence,
            locations=self.locations,
            warnings=self.warnings,
            vendor_hint=vendor_hint,
        )

    # --- rules shared by UBL and CII -------------------------------------------

    def settle_vendor(self, caller_vendor_id: str | None, name: str, ids: list[SenderId]) -> str | None:
        """Set vendor_id (the caller's, else the first sender id that is a valid
        Identifier) and return the vendor hint: everything the document says
        about its sender, as read."""
        if caller_vendor_id:
            self.set("vendor_id", caller_vendor_id, 1.0)
        else:
            usable = next((sender for sender in ids if is_identifier(sender.value)), None)
            if usable:
                # Below 1.0 even when explicit: a seller id is not necessarily poflow's id.
                self.set("vendor_id", usable.value, usable.confidence, usable.at)
            else:
                self.warn(
                    "the seller carries no identifier usable as a vendor id; a reviewer must pick the vendor"
                )
        parts = [name] if name else []
        parts += [f"{sender.label} {sender.value}" for sender in ids]
        hint = "; ".join(dict.fromkeys(part for part in parts if part))
        return hint[:_MAX_HINT] or None

    def settle_terms(self, issue_date: date | None, source: TermsSource) -> None:
        """payment_terms from what the document states: net days from the due date
        (the structured field) or else the terms text; the discount from structured
        discount terms or else the text."""
        from_text = terms_from_text(source.text) if source.text else None
        if source.text and from_text is None:
            self.warn(f"payment terms {source.text[:120]!r} were not understood; a reviewer should set them")
        net = (source.due - issue_date).days if source.due and issue_date else None
        if net is not None and not 0 <= net <= 365:
            self.warn(f"due date {source.due} is {net} days from the invoice date; not used as payment terms")
            net = None
        if net is not None:
            self.set("payment_terms.net_days", net, 0.8, source.due_at)
            if from_text and from_text.net_days is not None and from_text.net_days != net:
                self.warn(
                    f"the payment terms say net {from_text.net_days} days but the due date "
                    f"{source.due} is {net} days after the invoice date; the due date was used"
                )
        elif from_text and from_text.net_days is not None:
            self.set("payment_terms.net_days", from_text.net_days, from_text.confidence, source.text_at)
        if source.discount_days is not None and source.discount_percent is not None:
            self.set("payment_terms.discount_days", source.discount_days, 1.0, source.discount_at)
            self.set("payment_terms.discount_percent", source.discount_percent, 1.0, source.discount_at)
        elif from_text and from_text.discount_days is not None:
            confidence, at = from_text.confidence, source.text_at
            self.set("payment_terms.discount_days", from_text.discount_days, confidence, at)
            self.set("payment_terms.discount_percent", from_text.discount_percent, confidence, at)

    def settle_freight(self, charges: list[DocumentCharge]) -> None:
        """freight = the document-level charges that are freight; other charges and
        allowances have no field in the model, so they are reported, not guessed."""
        freight, first_at = Decimal(0), None
        for charge in charges:
            label = " ".join(part for part in (charge.reason_code, charge.reason) if part) or "no reason"
            freight_like = charge.is_freight or is_freight_charge(charge.reason_code, charge.reason)
            if charge.is_charge and freight_like:
                freight += charge.amount
                first_at = first_at or charge.at
            elif charge.is_charge:
                self.warn(
                    f"a document-level charge of {charge.amount} ({label}) is not freight and has no field"
                )
            else:
                self.warn(f"a document-level allowance of {charge.amount} ({label}) has no field")
        self.set("freight", freight, 1.0 if first_at else 0.9, first_at)

    def report_line_numbers(self, numbers: list[tuple[int, str]], reference: str) -> None:
        """Warn about PO lines billed twice and about lines whose PO line was not
        stated (`numbers`: (line_no, source) per invoice line, as `line_number` returns)."""
        first: dict[int, int] = {}
        for index, (line_no, _) in enumerate(numbers):
            if line_no in first:
                self.warn(f"invoice lines {first[line_no] + 1} and {index + 1} both bill PO line {line_no}")
            first.setdefault(line_no, index)
        guessed = [str(line_no) for line_no, source in numbers if source != "order"]
        if guessed:
            self.warn(
                f"line(s) {', '.join(guessed[:20])} carry no {reference}: the PO line was taken "
                "from the invoice line number; check it"
            )

    def check_currency(self, currency: str) -> None:
        if currency not in CURRENCY_MINOR_UNITS:
            self.warn(f"currency {currency!r} is not one poflow accepts; a reviewer must correct it")

    def check_totals(self, stated_lines: Decimal | None, stated_total: Decimal | None) -> None:
        """Compare the stated totals with what the lines, freight and tax add up to,
        so that a reviewer sees an unmapped charge or allowance before matching does."""
        lines = self.document.get("lines") or []
        try:
            line_sum = sum((Decimal(line["amount"]) for line in lines), Decimal(0))
        except KeyError:
            return
        currency = self.document.get("currency", "")
        if stated_lines is not None and lines and line_sum != stated_lines:
            self.warn(
                f"the lines add up to {line_sum} but the document states a line total of {stated_lines}"
            )
        if stated_total is None or not lines:
            return
        charges = Decimal(self.document.get("freight", "0")) + Decimal(self.document.get("tax", "0"))
        computed = line_sum + charges
        if computed != stated_total:
            self.warn(
                f"the stated total {stated_total} {currency} differs from lines + freight + tax = "
                f"{computed} {currency}; an allowance or a non-freight charge is not reflected "
                "in the fields"
            )


@dataclass(frozen=True)
class DocumentCharge:
    """A document-level allowance or charge as stated."""

    is_charge: bool
    amount: Decimal
    reason_code: str
    reason: str
    at: str
    is_freight: bool = False  # known to be transport whatever the reason says (CII logistics charges)


@dataclass(frozen=True)
class TermsSource:
    """What a document states about payment terms, before interpretation."""

    text: str = ""
    text_at: str | None = None
    due: date | None = None
    due_at: str | None = None
    discount_days: int | None = None
    discount_percent: Decimal | None = None
    discount_at: str | None = None


@dataclass(frozen=True)
class SenderId:
    """One identifier the document gives its seller; `confidence` is how sure we
    are that it is the vendor id poflow knows the seller by."""

    label: str  # how the hint shows it: "id", "endpoint 0088", "VAT", "legal id"
    value: str
    confidence: float
    at: str


def line_number(
    order_line: str, order_at: str | None, own_id: str, own_at: str | None, position: int
) -> tuple[int, float, str | None, str]:
    """The PO line an invoice line bills: the order line reference when it is a
    number (1.0), else the invoice line's own id when it is a number (0.6: suppliers
    usually, not always, number lines as the PO did), else its position (0.5).
    Returns (line_no, confidence, where, source) with source "order", "id" or "position"."""
    for text, at, confidence, source in ((order_line, order_at, 1.0, "order"), (own_id, own_at, 0.6, "id")):
        cleaned = text.strip()
        if _LINE_NUMBER.fullmatch(cleaned) and int(cleaned) >= 1:
            return int(cleaned), confidence, at, source
    return position, 0.5, None, "position"


_LINE_NUMBER = re.compile(r"[0-9]{1,6}")
