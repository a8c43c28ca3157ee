"""`extract_pdf`: a PDF invoice, credit note or order acknowledgment in any
layout and any of seven languages → `Extracted` documents.

The steps, each in its own module:
1. `pdf_text` reads words and their boxes within the intake limits;
2. here, pages are split into documents (a new title with a new number starts
   one) and each is classified by its title: invoice, credit note, or order
   acknowledgment;
3. the document's conventions (decimal mark, day/month order, language) are
   decided once from all its text (`amounts`);
4. `pdf_lines` reads the line table, `pdf_fields` the labelled header fields
   outside it;
5. `pdf_confidence` cross-checks the arithmetic and adjusts confidences.

Nothing is vendor-specific: accuracy comes from labels, positions and the
arithmetic a real invoice obeys.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from activities.intake.amounts import DMY, MDY, detect_date_order, detect_decimal_separator, find_currency
from activities.intake.errors import ExtractionError
from activities.intake.limits import DEFAULT_LIMITS, IntakeLimits
from activities.intake.pdf_confidence import cross_check, lower
from activities.intake.pdf_fields import (
    FieldHit,
    Reading,
    find_fields,
    find_place_date,
    find_terms_sentence,
    label_at,
    language_votes,
)
from activities.intake.pdf_lines import LineTable, find_line_items
from activities.intake.pdf_text import Box, Page, Phrase, first_token, match_prefix, read_pdf, tokens
from models.extraction import Extracted, ExtractedKind, FieldLocation, SourceFormat

__all__ = ["classify_page", "extract_pdf"]

FORMAT = SourceFormat.PDF.value
_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-/]{0,63}$")

# Titles, by kind and language. Longest match wins, so "Factura rectificativa"
# is a credit note and not an invoice.
TITLES: dict[ExtractedKind, dict[str, str]] = {
    ExtractedKind.INVOICE: {
        "en": "Invoice|Tax Invoice|Commercial Invoice|Sales Invoice",
        "de": "Rechnung|Warenrechnung",
        "fr": "Facture",
        "es": "Factura",
        "it": "Fattura|Fattura accompagnatoria",
        "nl": "Factuur",
        "sv": "Faktura",
    },
    ExtractedKind.CREDIT_MEMO: {
        "en": "Credit Note|Credit Memo|Credit Invoice|Credit Memorandum",
        "de": "Gutschrift|Rechnungskorrektur|Stornorechnung|Gutschriftsanzeige",
        "fr": "Avoir|Facture d'avoir|Note de crédit|Facture rectificative",
        "es": "Nota de crédito|Factura rectificativa|Abono|Nota de abono",
        "it": "Nota di credito|Nota credito",
        "nl": "Creditnota|Creditfactuur",
        "sv": "Kreditfaktura|Kreditnota",
    },
    ExtractedKind.ACKNOWLEDGMENT: {
        "en": "Order Confirmation|Order Acknowledgment|Order Acknowledgement|Purchase Order Acknowledgment|"
        "Purchase Order Acknowledgement|Sales Order Confirmation|PO Acknowledgment|PO Acknowledgement|"
        "Acknowledgment of Order|Acknowledgement of Order|Sales Order Acknowledgment|"
        "Sales Order Acknowledgement|Order Ack|Acknowledgment|Acknowledgement",
        "de": "Auftragsbestätigung|Bestellbestätigung|Auftragsbestaetigung",
        "fr": "Confirmation de commande|Accusé de réception de commande|Accusé de réception",
        "es": "Confirmación de pedido|Acuse de recibo del pedido|Confirmación del pedido",
        "it": "Conferma d'ordine|Conferma ordine|Conferma dell'ordine",
        "nl": "Orderbevestiging|Opdrachtbevestiging",
        "sv": "Orderbekräftelse|Ordererkännande",
    },
}
_TITLE_LABELS = sorted(
    (
        (kind, language, tuple(tokens(printed)))
        for kind, by_language in TITLES.items()
        for language, alternatives in by_language.items()
        for printed in alternatives.split("|")
    ),
    key=lambda entry: -len(entry[2]),
)
_TITLES_BY_FIRST_TOKEN: dict[str, list[tuple[ExtractedKind, str, tuple[str, ...]]]] = {}
for _entry in _TITLE_LABELS:  # longest first, as above
    _TITLES_BY_FIRST_TOKEN.setdefault(_entry[2][0], []).append(_entry)
_NUMBER_FIELDS = {
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


@dataclass
class Title:
    kind: ExtractedKind
    language: str
    phrase: Phrase
    confidence: float


def classify_page(page: Page) -> Title | None:
    """The document title on a page, if it prints one: the largest phrase in
    the top half that starts with a title word and is not a field label
    ("Invoice Date", "Invoice to") — or a heading that ends with one
    ("SALES ORDER ACKNOWLEDGMENT", "FINAL INVOICE")."""
    candidates: list[tuple[float, int, Title]] = []
    largest = max((line.size for line in page.lines), default=0.0)
    sizes = sorted(line.size for line in page.lines)
    body = sizes[len(sizes) // 2] if sizes else 0.0
    for phrase in page.phrases:
        if phrase.box[1] > page.height * 0.5:
            continue
        for kind, language, title_tokens in _TITLES_BY_FIRST_TOKEN.get(first_token(phrase.words) or "", ()):
            covered = match_prefix(phrase.words, title_tokens)
            if not covered:
                continue
            label = label_at(phrase)
            is_number_label = label is not None and label.label.field in (
                "invoice_number",
                "credit_number",
                "ack_number",
            )
            if label is not None and len(label.label.tokens) > len(title_tokens) and not is_number_label:
                break  # "Invoice Date", "Invoice To": a label, not a title
            standalone = covered == len(phrase.words) or _numbered(phrase, covered)
            confidence = 0.97 if phrase.size >= largest else 0.85 if standalone else 0.7
            specificity = 0 if kind == ExtractedKind.INVOICE else 1  # a credit note names "invoice" too
            candidates.append((phrase.size, specificity, Title(kind, language, phrase, confidence)))
            break
        else:
            heading = _heading_title(phrase, body, largest)
            if heading is not None:
                candidates.append((phrase.size, 0 if heading.kind == ExtractedKind.INVOICE else 1, heading))
    if not candidates:
        return None
    return max(candidates, key=lambda c: (c[0], c[1], -c[2].phrase.box[1]))[2]


def _numbered(phrase: Phrase, covered: int) -> bool:
    """A title followed only by its number ("RECHNUNG RE-2026-0048",
    "Rechnung Nr. 4711"): a title all the same, not a sentence."""
    rest = phrase.slice(covered)
    label = label_at(phrase)  # "Rechnung Nr." is a number label that starts with the title
    if label is not None and label.label.field in ("invoice_number", "credit_number", "ack_number"):
        rest = phrase.slice(max(covered, label.words))
    return (
        len(rest.words) == 1
        and bool(_IDENTIFIER.match(rest.words[0].text))
        and any(c.isdigit() for c in rest.words[0].text)
    )


def _heading_title(phrase: Phrase, body: float, largest: float) -> Title | None:
    """A title that ends a short heading ("SALES ORDER ACKNOWLEDGMENT",
    "CUSTOMER ORDER ACKNOWLEDGEMENT", "FINAL INVOICE"): printed larger than
    the body text, two to five words, the title words last."""
    words = phrase.words
    if not 2 <= len(words) <= 5 or phrase.size < body * 1.25:
        return None
    for start in range(1, len(words)):
        rest = words[start:]
        for kind, language, title_tokens in _TITLES_BY_FIRST_TOKEN.get(first_token(rest) or "", ()):
            if match_prefix(rest, title_tokens) == len(rest):
                if label_at(phrase) is not None:
                    return None
                return Title(kind, language, phrase, 0.85 if phrase.size >= largest else 0.75)
    return None


# --- splitting a file into documents -----------------------------------------------


@dataclass
class _Part:
    title: Title | None
    pages: list[Page]
    number: str | None


def _number_on(page: Page, kind: ExtractedKind) -> str | None:
    hits = find_fields([page], _NUMBER_FIELDS[kind], Reading())
    for name in _NUMBER_FIELDS[kind]:
        if name in hits:
            return str(hits[name].value)
    return None


def _split(pages: list[Page]) -> list[_Part]:
    """A page with a title whose kind or number differs from the current
    document's starts a new document; other pages continue the current one."""
    parts: list[_Part] = []
    for page in pages:
        title = classify_page(page)
        number = _number_on(page, title.kind) if title else None
        current = parts[-1] if parts else None
        if current is None or (
            title is not None
            and current.title is not None
            and (
                title.kind != current.title.kind
                or (number is not None and current.number is not None and number != current.number)
            )
        ):
            parts.append(_Part(title, [page], number))
            continue
        current.pages.append(page)
        if current.title is None and title is not None:
            current.title = title
        if current.number is None:
            current.number = number
    return parts


# --- conventions ----------------------------------------------------------------------


def _default_date_order(language: str | None, words: list[str]) -> str:
    """Month first only in American English: an English document that bills
    VAT or pounds sterling is British (or European) and puts the day first."""
    if language != "en":
        return DMY
    british = any(w.strip(":.,()") in ("GBP", "EUR") or "£" in w or "€" in w for w in words) or any(
        first.strip(":") == "VAT" and not re.match(r"(?i)[A-Z]{2}\d|no\b|id\b|reg", second)
        for first, second in zip(
            words, words[1:], strict=False
        )  # "VAT 20%", not the "VAT NL859012345B01" of a letterhead
    )
    return DMY if british else MDY


def _reading(pages: list[Page], title: Title | None) -> tuple[Reading, list[str]]:
    votes = language_votes(pages)
    if title is not None:
        votes[title.language] += 3
    language = votes.most_common(1)[0][0] if votes else None
    words = [w.text for page in pages for line in page.lines for w in line.words]
    decimal, decimal_decided = detect_decimal_separator(words, "." if language in (None, "en") else ",")
    order, order_decided = detect_date_order(words, _default_date_order(language, words))
    warnings = []
    if (
        not order_decided
        and language in (None, "en")
        and any(re.fullmatch(r"\d{1,2}[/-]\d{1,2}[/-]\d{2,4}", w) for w in words)
    ):
        warnings.append(
            f"no date in the document shows whether day or month comes first; read as "
            f"{'month/day' if order == MDY else 'day/month'} from the language and currency"
        )
    return Reading(decimal, decimal_decided, order, order_decided, language), warnings


# --- building the document ---------------------------------------------------------------


class _Builder:
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


def _vendor_hint(pages: list[Page], title: Title | None) -> str | None:
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
        if _is_title_phrase(phrase):
            continue
        key = (phrase.size, -phrase.box[1], text)
        if best is None or key[:2] > best[:2]:
            best = key
    return best[2][:200] if best else None


def _is_title_phrase(phrase: Phrase) -> bool:
    return any(
        match_prefix(phrase.words, title_tokens)
        for _, _, title_tokens in _TITLES_BY_FIRST_TOKEN.get(first_token(phrase.words) or "", ())
    )


def _vendor(builder: _Builder, hits: dict[str, FieldHit], vendor_id: str | None) -> None:
    if vendor_id is not None:
        builder.put("vendor_id", vendor_id, 1.0)
        return
    hit = hits.get("vendor_number")
    if hit is not None and _IDENTIFIER.match(str(hit.value)):
        builder.put_hit("vendor_id", hit)
    else:
        builder.warnings.append("the PDF prints no vendor number; the vendor must be resolved from its name")


def _currency(builder: _Builder, hits: dict[str, FieldHit], pages: list[Page], reading: Reading) -> None:
    if "currency" in hits:
        builder.put_hit("currency", hits["currency"])
        return
    for name in ("total", "subtotal", "tax"):  # "Total EUR 1.234,56", "1 234,56 kr", "$1,234.56"
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


def _lines(builder: _Builder, table: LineTable, acknowledgment: bool) -> list[dict[str, Any]]:
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


def _invoice(
    builder: _Builder,
    kind: ExtractedKind,
    title: Title | None,
    hits: dict[str, FieldHit],
    table: LineTable,
    pages: list[Page],
) -> None:
    number_hit = next((hits[name] for name in _NUMBER_FIELDS[kind] if name in hits), None)
    if number_hit is not None:
        builder.put_hit("invoice_number", number_hit)
    elif title is not None and _title_number(title) is not None:
        builder.put(
            "invoice_number",
            _title_number(title),
            _title_number_confidence(title),
            title.phrase.page,
            _round_box(title.phrase.box),
        )
    else:
        builder.warnings.append("no invoice number found")
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
    if "total" in hits:
        builder.put_hit("total", hits["total"], str(hits["total"].value))
    else:
        builder.warnings.append("no total found")
    if "payment_terms" in hits:
        builder.put_hit("payment_terms", hits["payment_terms"])
    if kind == ExtractedKind.CREDIT_MEMO:
        if "original_invoice" in hits:
            builder.put_hit("original_invoice_number", hits["original_invoice"])
        text = " ".join(p.text for page in pages for p in page.phrases)
        builder.put("price_only", bool(_PRICE_ONLY.search(text)), 0.8)
    else:
        builder.put("price_only", False, 0.9)  # only credits (and debits) adjust price alone


def _title_number_confidence(title: Title) -> float:
    """A title followed by nothing but its number ("RECHNUNG RE-2026-0048")
    names it; a number somewhere after the title word is less sure."""
    words = title.phrase.words
    return 0.85 if len(words) == 2 or _numbered(title.phrase, 1) else 0.7


def _title_number(title: Title) -> str | None:
    """ "INVOICE INV-2026-0042": a number printed in the title itself."""
    for word in title.phrase.words[1:]:
        candidate = word.text.strip(",;:#")
        if _IDENTIFIER.match(candidate) and any(c.isdigit() for c in candidate):
            return candidate
    return None


def _header_ids(builder: _Builder, hits: dict[str, FieldHit]) -> None:
    if "po_number" in hits and _IDENTIFIER.match(str(hits["po_number"].value)):
        builder.put_hit("po_number", hits["po_number"])
    else:
        builder.warnings.append("no PO number found")


def _acknowledgment(
    builder: _Builder, title: Title | None, hits: dict[str, FieldHit], table: LineTable
) -> None:
    if "ack_number" in hits:
        builder.put_hit("ack_id", hits["ack_number"])
    elif title is not None and _title_number(title) is not None:
        builder.put(
            "ack_id",
            _title_number(title),
            _title_number_confidence(title),
            title.phrase.page,
            _round_box(title.phrase.box),
        )
    else:
        builder.warnings.append("no acknowledgment number found")
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


_HEADER_FIELDS = (
    "invoice_number",
    "credit_number",
    "ack_number",
    "po_number",
    "date",
    "currency",
    "vendor_number",
    "subtotal",
    "tax",
    "freight",
    "total",
    "payment_terms",
    "original_invoice",
    "status",
    "message",
)


def _extract_part(part: _Part, vendor_id: str | None, read_warnings: list[str]) -> Extracted:
    kind = part.title.kind if part.title else ExtractedKind.INVOICE
    reading, warnings = _reading(part.pages, part.title)
    acknowledgment = kind == ExtractedKind.ACKNOWLEDGMENT
    table = find_line_items(part.pages, reading, acknowledgment=acknowledgment)
    hits = find_fields(part.pages, _HEADER_FIELDS, reading, excluded=table.covers)
    if "payment_terms" not in hits and not acknowledgment:
        sentence = find_terms_sentence(part.pages, table.covers)
        if sentence is not None:
            hits["payment_terms"] = sentence
    builder = _Builder()
    builder.warnings.extend(read_warnings + warnings)
    if "date" not in hits:
        letter_date = find_place_date(part.pages, reading, table.covers)
        if letter_date is not None:
            hits["date"] = letter_date
            builder.warnings.append(
                f"no date label: the date was read from the letter's place and date ({letter_date.text!r})"
            )
    if part.title is None:
        builder.warnings.append("no document title found; read as an invoice")
    if acknowledgment:
        _acknowledgment(builder, part.title, hits, table)
    else:
        _invoice(builder, kind, part.title, hits, table, part.pages)
        _currency(builder, hits, part.pages, reading)
        _check_arithmetic(builder, hits, kind)
    _vendor(builder, hits, vendor_id)
    return Extracted(
        kind=kind,
        format=FORMAT,
        document=builder.document,
        confidence=builder.confidence,
        locations=builder.locations,
        warnings=builder.warnings,
        vendor_hint=_vendor_hint(part.pages, part.title),
    )


def _check_arithmetic(builder: _Builder, hits: dict[str, FieldHit], kind: ExtractedKind) -> None:
    document = dict(builder.document)
    if "subtotal" in hits:
        document["_subtotal"] = str(hits["subtotal"].value)
        builder.confidence["subtotal"] = hits["subtotal"].confidence
    checks = cross_check(document, builder.confidence, credit=kind == ExtractedKind.CREDIT_MEMO)
    checks.confidence.pop("subtotal", None)  # not a model field: it only served the check
    builder.confidence = checks.confidence
    builder.warnings.extend(checks.warnings)


def extract_pdf(
    raw: bytes,
    *,
    vendor_id: str | None = None,
    limits: IntakeLimits = DEFAULT_LIMITS,
    progress: Callable[[int, int], None] | None = None,
) -> list[Extracted]:
    """The invoices, credit notes and acknowledgments a text PDF holds (one
    per document; a file may carry several). `progress(page, pages)` is called
    after each page is read, so an activity can heartbeat."""
    text = read_pdf(raw, limits=limits, progress=progress)
    parts = _split(text.pages)
    if all(part.title is None for part in parts) and not _has_any_field(text.pages):
        raise ExtractionError(
            "no invoice, credit note or order acknowledgment found: the PDF prints no "
            "title or field label poflow knows",
            "page 1",
        )
    return [_extract_part(part, vendor_id, text.warnings) for part in parts]


def _has_any_field(pages: list[Page]) -> bool:
    hits = find_fields(
        pages, ("invoice_number", "credit_number", "ack_number", "po_number", "total"), Reading()
    )
    return bool(hits)
