"""The model's fields from what was found: header hits, the line table and
the title become an invoice, credit note or acknowledgment document, each
field with its confidence and where it was printed, and the invoice's
arithmetic cross-checked (`confidence`)."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from activities.intake.pdf.confidence import cross_check, lower
from activities.intake.pdf.conventions import Reading
from activities.intake.pdf.currencies import find_currency
from activities.intake.pdf.dates import MDY
from activities.intake.pdf.field_hit import FieldHit, stand_in
from activities.intake.pdf.field_ids import IDENTIFIER
from activities.intake.pdf.label_match import label_at
from activities.intake.pdf.lines import LineTable
from activities.intake.pdf.text import Box, Page
from activities.intake.pdf.titles import Title, is_title_phrase, title_number, title_number_confidence
from activities.intake.pdf.totals import choose_total
from models.extraction import ExtractedKind, FieldLocation

__all__ = [
    "NUMBER_FIELDS",
    "Builder",
    "build_acknowledgment",
    "build_invoice",
    "check_arithmetic",
    "put_currency",
    "put_vendor",
    "vendor_hint",
]


NUMBER_FIELDS = {
    ExtractedKind.INVOICE: ("invoice_number", "credit_number"),
    ExtractedKind.CREDIT_MEMO: ("credit_number", "invoice_number"),
    ExtractedKind.ACKNOWLEDGMENT: ("ack_number",),
}

_PRICE_ONLY = re.compile(
    r"price (?:adjustment|correction|difference)|preis(?:korrektur|differenz|anpassung)|"
    r"ajustement de prix|diferencia de precio|differenza (?:di )?prezzo|prijscorrectie|"
    r"prisjustering|priskorrigering",
    re.IGNORECASE,
)


class Builder:
    """Collects fields with their confidence and location."""

    def __init__(self) -> None:
        self.document: dict[str, Any] = {}
        self.confidence: dict[str, float] = {}
        self.locations: dict[str, FieldLocation] = {}
        self.warnings: list[str] = []

    def put(
        self, path: str, value: Any, confidence: float, page: int | None = None, box: Box | None = None
    ) -> None:
        self.document[path] = value
        self.confidence[path] = round(min(1.0, max(0.0, confidence)), 3)
        if page is not None:
            self.locations[path] = FieldLocation(page=page, box=box)

    def put_hit(self, path: str, hit: FieldHit, value: Any = None) -> None:
        self.put(path, hit.value if value is None else value, hit.confidence, hit.page, _round_box(hit.box))


def _round_box(box: Box | None) -> Box | None:
    if box is None:
        return None
    x0, top, x1, bottom = box
    return (round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1))


def vendor_hint(pages: list[Page], title: Title | None) -> str | None:
    """The letterhead: the most prominent phrase in the top quarter of the
    first page that is neither the title nor a label."""
    page = pages[0]
    best: tuple[float, float, str] | None = None
    for phrase in page.phrases:
        if phrase.box[1] > page.height * 0.25 or (title is not None and phrase is title.phrase):
            continue
        text = phrase.text.strip()
        if not re.search(r"[A-Za-zÀ-ÿ]{3}", text) or label_at(phrase) is not None or text.endswith(":"):
            continue
        if is_title_phrase(phrase):
            continue
        key = (phrase.size, -phrase.box[1], text)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2][:200] if best else None


def put_vendor(builder: Builder, hits: dict[str, FieldHit], vendor_id: str | None) -> None:
    """The vendor: as the caller knows it, else the vendor number printed."""
    if vendor_id is not None:
        builder.put("vendor_id", vendor_id, 1.0)
        return
    hit = hits.get("vendor_number")
    if hit is not None and IDENTIFIER.match(str(hit.value)):
        builder.put_hit("vendor_id", hit)
    else:
        builder.warnings.append("the PDF prints no vendor number; the vendor must be resolved from its name")


def put_currency(builder: Builder, hits: dict[str, FieldHit], pages: list[Page], reading: Reading) -> None:
    """The currency: labelled, else beside the totals, else the ISO code the
    amounts print most, else USD for a US-dated English document."""
    if "currency" in hits:
        builder.put_hit("currency", hits["currency"])
        return
    for name in (
        "total",
        "amount_due",
        "subtotal",
        "tax",
    ):  # "Total EUR 1.234,56", "1 234,56 kr", "$1,234.56"
        hit = hits.get(name)
        found = find_currency(hit.text, reading.language) if hit else None
        if hit and found is None and hit.label_text:  # "Att betala SEK", "Amount due (USD)"
            found = find_currency(hit.label_text, reading.language)
        if hit and found:
            builder.put(
                "currency", found[0], _currency_confidence(found, reading), hit.page, _round_box(hit.box)
            )
            return
    codes: Counter[str] = Counter()
    for page in pages:
        for phrase in page.phrases:
            found = find_currency(phrase.text, reading.language)
            if found and found[1]:
                codes[found[0]] += 1
    if codes:
        builder.put("currency", codes.most_common(1)[0][0], 0.6)
        builder.warnings.append("the currency is not labelled; read from the amounts printed")
    elif reading.language == "en" and reading.date_order == MDY and reading.date_order_decided:
        builder.put("currency", "USD", 0.5)
        builder.warnings.append("no currency printed; USD assumed from the US month/day dates — check it")
    else:
        builder.warnings.append("no currency found")


def _currency_confidence(found: tuple[str, bool], reading: Reading) -> float:
    """An ISO code or a one-currency symbol (€, £) beside the total is sure; a
    bare `$` is USD on an English document and `kr` SEK on a Swedish one by
    convention, a guess elsewhere."""
    if found[1]:
        return 0.9
    return 0.8 if (found[0], reading.language) in (("USD", "en"), ("SEK", "sv")) else 0.65


def _lines(builder: Builder, table: LineTable, acknowledgment: bool) -> list[dict[str, Any]]:
    lines: list[dict[str, Any]] = []
    seen: set[int] = set()
    allowed = (
        {"line_no", "status", "quantity", "unit_price", "promised_date"}
        if acknowledgment
        else {"line_no", "quantity", "unit_price", "amount", "uom", "description", "item_id"}
    )
    for index, item in enumerate(table.items):
        values = {k: v for k, v in item.values.items() if k in allowed}
        if acknowledgment:
            values.setdefault("status", "accepted")
            item.confidence.setdefault("status", 0.6)
        if values["line_no"] in seen:
            builder.warnings.append(f"line number {values['line_no']} appears twice in the table")
            item.confidence["line_no"] = lower(item.confidence["line_no"])
        seen.add(values["line_no"])
        lines.append(values)
        for name in values:
            builder.confidence[f"lines[{index}].{name}"] = item.confidence[name]
            if name in item.boxes:
                page, box = item.boxes[name]
                builder.locations[f"lines[{index}].{name}"] = FieldLocation(page=page, box=_round_box(box))
        builder.warnings.extend(item.warnings)
    if not lines:
        builder.warnings.append("no line table found")
    builder.document["lines"] = lines
    return lines


def _as_of(value: Any) -> str:
    return f"{value.isoformat()}T00:00:00Z"


def build_invoice(
    builder: Builder,
    kind: ExtractedKind,
    title: Title | None,
    hits: dict[str, FieldHit],
    table: LineTable,
    pages: list[Page],
    candidates: dict[str, list[FieldHit]],
) -> None:
    """An invoice or credit note; `candidates` are every hit per field, so the
    total can be told from the amount due (`totals.choose_total`)."""
    number_hit = next((hits[name] for name in NUMBER_FIELDS[kind] if name in hits), None)
    _put_number(
        builder, "invoice_number", number_hit, title, "no invoice number found", hits.get("reference")
    )
    builder.put(
        "kind",
        "credit_memo" if kind == ExtractedKind.CREDIT_MEMO else "invoice",
        title.confidence if title else 0.5,
    )
    _header_ids(builder, hits)
    if "date" in hits:
        builder.put_hit("invoice_date", hits["date"], hits["date"].value.isoformat())
    else:
        builder.warnings.append("no invoice date found")
    _lines(builder, table, acknowledgment=False)
    for name in ("tax", "freight"):
        if name in hits:
            builder.put_hit(name, hits[name], str(abs(hits[name].value)))
        else:
            builder.put(name, "0", 0.7)  # not printed: none charged, if the total agrees (checked below)
    _put_totals(builder, hits, candidates)
    if "payment_terms" in hits:
        builder.put_hit("payment_terms", hits["payment_terms"])
    if kind == ExtractedKind.CREDIT_MEMO:
        if "original_invoice" in hits:
            builder.put_hit("original_invoice_number", hits["original_invoice"])
        text = " ".join(p.text for page in pages for p in page.phrases)
        builder.put("price_only", bool(_PRICE_ONLY.search(text)), 0.8)
    else:
        builder.put("price_only", False, 0.9)  # only credits (and debits) adjust price alone


def _put_totals(builder: Builder, hits: dict[str, FieldHit], candidates: dict[str, list[FieldHit]]) -> None:
    total, due = choose_total(
        candidates.get("total", []), candidates.get("amount_due", []), builder.document, hits.get("subtotal")
    )
    if total is None:
        builder.warnings.append("no total found")
        return
    builder.put_hit("total", total, str(total.value))
    if total.field == "amount_due":
        builder.warnings.append("no invoice total is printed: the amount due is read as the total")
    if due is not None:
        builder.put_hit("amount_due", due, str(due.value))
        builder.warnings.append(
            f"the amount due {due.value} differs from the invoice total {total.value} "
            "(a prepayment, deposit or discount?): the total is the invoice's, the amount due is kept apart"
        )


def _put_number(
    builder: Builder,
    path: str,
    hit: FieldHit | None,
    title: Title | None,
    missing: str,
    reference: FieldHit | None = None,
) -> None:
    """The document's own number: beside its label, else printed in the
    title ("INVOICE INV-2026-0042"), else a receipt's or booking's
    `reference` as a stand-in, else a warning that it is `missing`."""
    if hit is not None:
        builder.put_hit(path, hit)
    elif (title is None or title_number(title) is None) and reference is not None:
        builder.put_hit(path, stand_in(reference, path))
        builder.warnings.append(
            f"{missing}: the reference {reference.value!r} was taken as the document's number"
        )
    elif title is not None and title_number(title) is not None:
        builder.put(
            path,
            title_number(title),
            title_number_confidence(title),
            title.phrase.page,
            _round_box(title.phrase.box),
        )
    else:
        builder.warnings.append(missing)


def _header_ids(builder: Builder, hits: dict[str, FieldHit]) -> None:
    if "po_number" in hits and IDENTIFIER.match(str(hits["po_number"].value)):
        builder.put_hit("po_number", hits["po_number"])
    else:
        builder.warnings.append("no PO number found")


def build_acknowledgment(
    builder: Builder, title: Title | None, hits: dict[str, FieldHit], table: LineTable
) -> None:
    _put_number(builder, "ack_id", hits.get("ack_number"), title, "no acknowledgment number found")
    _header_ids(builder, hits)
    if "date" in hits:
        builder.put_hit("acknowledged_at", hits["date"], _as_of(hits["date"].value))
    else:
        builder.warnings.append("no acknowledgment date found")
    lines = _lines(builder, table, acknowledgment=True)
    if "status" in hits:
        builder.put_hit("status", hits["status"])
    else:
        statuses = {line["status"] for line in lines}
        status = (
            "rejected"
            if statuses == {"rejected"}
            else "accepted"
            if statuses <= {"accepted"}
            else "accepted_with_changes"
        )
        # Derived, not read: as sure as the line statuses it comes from.
        line_confidence = min(
            (builder.confidence[f"lines[{i}].status"] for i in range(len(lines))), default=0.4
        )
        builder.put("status", status, min(0.85, line_confidence))
    if "message" in hits:
        builder.put_hit("message", hits["message"])


def check_arithmetic(builder: Builder, hits: dict[str, FieldHit], kind: ExtractedKind) -> None:
    """Cross-check an invoice's lines and totals (`confidence.cross_check`)
    and take its confidences and warnings."""
    document = dict(builder.document)
    if "subtotal" in hits:
        document["_subtotal"] = str(hits["subtotal"].value)
        builder.confidence["subtotal"] = hits["subtotal"].confidence
    checks = cross_check(document, builder.confidence, credit=kind == ExtractedKind.CREDIT_MEMO)
    checks.confidence.pop("subtotal", None)  # not a model field: it only served the check
    builder.confidence = checks.confidence
    builder.warnings.extend(checks.warnings)
