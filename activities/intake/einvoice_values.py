"""Values as e-invoices write them (UBL and CII alike): exact decimals, dates,
UN/ECE Rec 20 unit codes, prices per base quantity, freight charge reasons,
payment terms in free text and UNCL 1001 document type codes. Shared by the
UBL and CII readers so both read them the same way."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from activities.intake.errors import ExtractionError
from models.documents import InvoiceKind

__all__ = [
    "TermsReading",
    "document_kind",
    "is_freight_charge",
    "known_type_code",
    "parse_decimal",
    "parse_iso_date",
    "parse_yyyymmdd",
    "price_per_unit",
    "short_uom",
    "terms_from_text",
]

# xsd:decimal lexical form: no exponent, no NaN/Infinity, no thousands separator.
_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)", re.ASCII)
_MAX_NUMBER_CHARS = 40  # far beyond any real amount; keeps Decimal arithmetic cheap


def parse_decimal(text: str, where: str) -> Decimal:
    """The exact Decimal an element holds (never through float)."""
    cleaned = text.strip()
    if len(cleaned) > _MAX_NUMBER_CHARS or not _DECIMAL.fullmatch(cleaned):
        shown = cleaned if len(cleaned) <= _MAX_NUMBER_CHARS else cleaned[:_MAX_NUMBER_CHARS] + "…"
        raise ExtractionError(f"{shown!r} is not a decimal number", where)
    try:
        return Decimal(cleaned)
    except InvalidOperation:  # the pattern should make this unreachable
        raise ExtractionError(f"{cleaned!r} is not a decimal number", where) from None


_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:Z|[+-]\d{2}:\d{2})?", re.ASCII)
_YYYYMMDD = re.compile(r"(\d{4})(\d{2})(\d{2})", re.ASCII)


def _date(year: str, month: str, day: str, text: str, where: str) -> date:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise ExtractionError(f"{text!r} is not a calendar date", where) from None


def parse_iso_date(text: str, where: str) -> date:
    """xsd:date as UBL writes it: `2026-11-14` (a time zone suffix is allowed and ignored:
    the date is the date the supplier wrote)."""
    match = _ISO_DATE.fullmatch(text.strip())
    if not match:
        raise ExtractionError(f"{text.strip()[:40]!r} is not a date in the form YYYY-MM-DD", where)
    return _date(match[1], match[2], match[3], text.strip(), where)


def parse_yyyymmdd(text: str, where: str) -> date:
    """UN/EDIFACT date format 102 (`20261114`), the one EN 16931 allows in CII."""
    match = _YYYYMMDD.fullmatch(text.strip())
    if not match:
        raise ExtractionError(f"{text.strip()[:40]!r} is not a date in format 102 (YYYYMMDD)", where)
    return _date(match[1], match[2], match[3], text.strip(), where)


# --- units of measure ----------------------------------------------------------

# UN/ECE Recommendation 20 (and the Rec 21 package codes suppliers put in the
# same attribute) → the short units poflow's PO lines use.
_REC20_TO_SHORT: dict[str, str] = {
    "C62": "EA",
    "H87": "EA",
    "EA": "EA",
    "PCE": "EA",
    "NAR": "EA",
    "XPP": "EA",
    "KGM": "KG",
    "GRM": "G",
    "TNE": "T",
    "LBR": "LB",
    "LTR": "L",
    "MLT": "ML",
    "MTQ": "M3",
    "MTK": "M2",
    "MTR": "M",
    "CMT": "CM",
    "MMT": "MM",
    "HUR": "HR",
    "MIN": "MIN",
    "DAY": "DAY",
    "WEE": "WK",
    "MON": "MO",
    "ANN": "YR",
    "SET": "SET",
    "PR": "PR",
    "DZN": "DZ",
    "LS": "LS",
    "XBX": "BX",
    "BX": "BX",
    "XCT": "CTN",
    "CT": "CTN",
    "XPK": "PK",
    "PK": "PK",
    "XRO": "RL",
    "RO": "RL",
    "XPA": "PK",
    "XBG": "BG",
    "XPX": "PL",
}


def short_uom(code: str) -> str | None:
    """`KGM` → `KG`; an unknown code passes through when it fits (≤ 8 characters),
    otherwise None (the caller warns)."""
    cleaned = code.strip().upper()
    if not cleaned:
        return None
    if cleaned in _REC20_TO_SHORT:
        return _REC20_TO_SHORT[cleaned]
    return cleaned if len(cleaned) <= 8 else None


# --- prices --------------------------------------------------------------------

_UNIT_PRICE_PLACES = Decimal("0.000001")  # the models keep 6 decimal places


def price_per_unit(price: Decimal, base_quantity: Decimal | None) -> tuple[Decimal, str | None]:
    """A price stated per `base_quantity` units (EN 16931 BT-149, e.g. 18.40 per 100),
    as a price per unit; the second value is a warning when it had to be rounded."""
    if base_quantity is None or base_quantity == 1:
        return price, None
    if base_quantity <= 0:
        return price, f"price base quantity {base_quantity} is not positive; the price is taken as per unit"
    per_unit = price / base_quantity
    try:
        rounded = per_unit.quantize(_UNIT_PRICE_PLACES)
    except InvalidOperation:  # more digits than Decimal's precision: no real price
        return per_unit, f"price {price} per {base_quantity} units is too large to be a unit price"
    if rounded == per_unit:
        return per_unit, None
    return rounded, f"price {price} per {base_quantity} units rounded to {rounded} per unit"


# --- charges -------------------------------------------------------------------

# UNCL 7161 special service codes that unambiguously mean carriage:
# FC freight charge, DL delivery. Other charges (packing, handling, insurance)
# are not freight; the readers report them instead of guessing.
_FREIGHT_CODES = {"FC", "DL"}
_FREIGHT_WORDS = re.compile(
    r"freight|shipping|carriage|delivery|transport|postage|courier|"
    r"fracht|versand|lieferkosten|porto|frais de port|livraison|frakt",
    re.IGNORECASE,
)


def is_freight_charge(reason_code: str, reason: str) -> bool:
    """A document-level charge is freight when its UNCL 7161 code or its reason says so."""
    return reason_code.strip().upper() in _FREIGHT_CODES or bool(_FREIGHT_WORDS.search(reason))


# --- payment terms in free text ------------------------------------------------


@dataclass(frozen=True)
class TermsReading:
    net_days: int | None = None
    discount_days: int | None = None
    discount_percent: Decimal | None = None
    confidence: float = 0.8


_DAYS = r"(?:days?|tage?n?|jours?|dagar|dage)"
# XRechnung's structured convention inside the free-text terms (BT-20).
_SKONTO = re.compile(r"#SKONTO#TAGE=(\d{1,3})#PROZENT=(\d{1,2}(?:\.\d+)?)#", re.I | re.A)
_SLASH_TERMS = re.compile(  # 2/10 net 30, 2/10 n/30
    r"\b(\d{1,2}(?:[.,]\d+)?)\s*/\s*(\d{1,3})\s*,?\s*(?:n(?:et)?\s*/?\s*)(\d{1,3})\b", re.I | re.A
)
_NOT_NET = r"(?!\s*(?:net|netto|nett)\b)"  # "… 30 days net" is the net clause, not the discount's days
_PERCENT_THEN_DAYS = re.compile(
    rf"(\d{{1,2}}(?:[.,]\d+)?)\s*%[^\d%]{{0,40}}?(\d{{1,3}})\s*{_DAYS}\b{_NOT_NET}", re.I | re.A
)
_DAYS_THEN_PERCENT = re.compile(rf"(\d{{1,3}})\s*{_DAYS}\W{{0,3}}(\d{{1,2}}(?:[.,]\d+)?)\s*%", re.I | re.A)
_NET_PATTERNS = [
    re.compile(r"\bnet(?:to)?\s*:?\s*(\d{1,3})\b", re.I | re.A),
    re.compile(rf"(\d{{1,3}})\s*{_DAYS}\s*(?:net|netto|nett)\b", re.I | re.A),
    re.compile(rf"\b(?:within|innerhalb(?:\s+von)?|dans les|inom)\s+(\d{{1,3}})\s*{_DAYS}", re.I | re.A),
]
_DAYS_ALONE = re.compile(rf"\b(\d{{1,3}})\s*{_DAYS}\b", re.I | re.A)
_IMMEDIATE = re.compile(r"\b(?:due (?:up)?on receipt|immediate(?:ly)?|sofort|à réception)\b", re.I)


def _percent(text: str) -> Decimal:
    return Decimal(text.replace(",", "."))


def _discount(text: str) -> tuple[int, Decimal, str] | None:
    """(days, percent, the text without the discount) for the discount stated first."""
    found = []
    for pattern, days_group, percent_group in (
        (_SKONTO, 1, 2),
        (_PERCENT_THEN_DAYS, 2, 1),
        (_DAYS_THEN_PERCENT, 1, 2),
    ):
        match = pattern.search(text)
        if match:
            found.append((match.start(), match, days_group, percent_group))
    if not found:
        return None
    _, match, days_group, percent_group = min(found, key=lambda item: item[0])
    rest = text[: match.start()] + " " + text[match.end() :]
    return int(match.group(days_group)), _percent(match.group(percent_group)), rest


def terms_from_text(text: str) -> TermsReading | None:
    """Net days and an early-payment discount from terms as people write them:
    "Net 30", "2/10 net 30", "2% 10 days, net 30 days", "30 Tage netto, 14 Tage 2 % Skonto",
    XRechnung's `#SKONTO#TAGE=14#PROZENT=2.00#`. None when nothing is recognised."""
    slash = _SLASH_TERMS.search(text)
    if slash:
        return TermsReading(int(slash.group(3)), int(slash.group(2)), _percent(slash.group(1)))
    discount = _discount(text)
    rest = discount[2] if discount else text
    net = next((int(m.group(1)) for p in _NET_PATTERNS if (m := p.search(rest))), None)
    confidence = 0.8
    if net is None and _IMMEDIATE.search(rest):
        net = 0
    if net is None and (alone := _DAYS_ALONE.search(rest)):
        net, confidence = int(alone.group(1)), 0.6  # "30 days": most likely net, but unsaid
    if net is None and discount is None:
        return None
    days, percent = (discount[0], discount[1]) if discount else (None, None)
    return TermsReading(net, days, percent, confidence)


# --- document type codes -------------------------------------------------------

# UNCL 1001 document type codes. Those not listed are read as invoices, with a warning.
_CREDIT_CODES = {"81", "83", "261", "262", "296", "308", "381", "396", "420", "458", "532"}
_INVOICE_CODES = {
    "80",
    "82",
    "84",
    "130",
    "202",
    "203",
    "204",
    "211",
    "218",
    "219",
    "295",
    "325",
    "326",
    "331",
    "380",
    "382",
    "383",
    "384",
    "385",
    "386",
    "387",
    "388",
    "389",
    "390",
    "393",
    "394",
    "395",
    "456",
    "457",
    "527",
    "553",
    "575",
    "623",
    "633",
    "751",
    "780",
    "875",
    "876",
    "877",
    "935",
}
_CODE_NOTES = {
    "383": "a debit note",
    "384": "a corrected invoice; check which invoice it corrects",
    "386": "a prepayment invoice: it bills no delivered goods",
    "389": "a self-billed invoice",
    "751": "invoice information for accounting purposes, not a payment request",
}


def known_type_code(code: str) -> bool:
    return code.strip() in _CREDIT_CODES or code.strip() in _INVOICE_CODES


def document_kind(code: str, default: InvoiceKind) -> tuple[InvoiceKind, str | None]:
    """The invoice kind a UNCL 1001 type code means, with a note for a reviewer
    when the code is unusual or unknown (then the root element's kind stands)."""
    code = code.strip()
    if code in _CREDIT_CODES:
        return InvoiceKind.CREDIT_MEMO, None
    if code in _INVOICE_CODES:
        note = _CODE_NOTES.get(code)
        return InvoiceKind.INVOICE, f"document type code {code} is {note}" if note else None
    if not code:
        return default, None
    return default, f"document type code {code!r} is not a UNCL 1001 invoice or credit note code"
