"""Amounts, dates and currencies as people print them on invoices.

A PDF has no types: `1.234` is one thousand two hundred and thirty-four in a
German invoice and one point two three four in an American one, `03/04/2026`
is the 3rd of April in Paris and the 4th of March in Chicago. A single value
cannot settle that, but a document nearly always can: somewhere it prints
`1.234,56` or `31/12/2026`. So every parser here takes the convention as an
argument, and the `*_evidence` / `detect_*` functions decide the convention
once per document from all of its values.

Money stays `Decimal` from the first character to the last.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from datetime import date
from decimal import Decimal, InvalidOperation

from models.common import CURRENCY_MINOR_UNITS

__all__ = [
    "DMY",
    "MDY",
    "amount_is_ambiguous",
    "date_order_evidence",
    "decimal_evidence",
    "detect_date_order",
    "detect_decimal_separator",
    "find_amounts",
    "find_amounts_at",
    "find_currency",
    "is_date_only",
    "parse_amount",
    "parse_date",
]

DMY = "DMY"
MDY = "MDY"

# Spaces that printers use as thousands separators: NBSP, narrow NBSP, thin space.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-"})
_GROUPING_ONLY = " '\u2019"  # never a decimal separator
_MAX_DIGITS = 18  # models.common.Amount

# Symbols, and what they mean when nothing more specific is printed.
_SYMBOLS: dict[str, str] = {
    "US$": "USD",
    "U$S": "USD",
    "C$": "CAD",
    "CA$": "CAD",
    "A$": "AUD",
    "AU$": "AUD",
    "NZ$": "NZD",
    "HK$": "HKD",
    "S$": "SGD",
    "R$": "BRL",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₹": "INR",
    "₩": "KRW",
    "₺": "TRY",
    "₪": "ILS",
    "zł": "PLN",
    "Kč": "CZK",
    "Ft": "HUF",
    "SFr.": "CHF",
    "Fr.": "CHF",
    "$": "USD",
}
_KRONA = ("kr", "kr.", ":-")  # SEK, NOK, DKK and ISK all print "kr": only the language tells
_ISO_CODES = "|".join(sorted(CURRENCY_MINOR_UNITS))
_CURRENCY_TOKEN = re.compile(
    r"^(?:"
    + _ISO_CODES
    + "|"
    + "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
    + r"|kr\.?|:-)"
)
_CURRENCY_TOKEN_END = re.compile(
    r"(?:"
    + _ISO_CODES
    + "|"
    + "|".join(re.escape(s) for s in sorted(_SYMBOLS, key=len, reverse=True))
    + r"|kr\.?|:-)$"
)
_NUMBER_CORE = re.compile(r"^\d(?:[\d.,' \u2019]*\d)?$")


# --- amounts -----------------------------------------------------------------


def _strip_decorations(text: str) -> tuple[str, bool] | None:
    """Peel currency marks, signs and accounting parentheses off both ends.

    Returns the bare number and whether it is negative, or None when what is
    left around the number is not a currency mark or a sign (`19%`, `M8x30`)."""
    s = text.translate(_SPACES).translate(_MINUS).strip()
    negative = False
    if s.endswith((" CR", " Cr")):  # statements mark credits so
        s, negative = s[:-3].rstrip(), True
    for _ in range(6):  # each pass removes one layer; a real value has at most a few
        before = s
        if s.startswith("(") and s.endswith(")"):
            s, negative = s[1:-1].strip(), not negative
        if s.startswith("-"):
            s, negative = s[1:].strip(), not negative
        elif s.startswith("+"):
            s = s[1:].strip()
        if s.endswith("-") and not s.endswith(":-"):
            s, negative = s[:-1].strip(), not negative
        head = _CURRENCY_TOKEN.match(s)
        if head and (len(s) == head.end() or not s[head.end()].isalpha()):
            s = s[head.end() :].strip()
        tail = _CURRENCY_TOKEN_END.search(s)
        if tail and (tail.start() == 0 or not s[tail.start() - 1].isalpha()):
            s = s[: tail.start()].strip()
        if s == before:
            break
    if not _NUMBER_CORE.match(s):
        return None
    return s, negative


def _split_core(core: str) -> tuple[str, str | None, str] | None:
    """(integer digits with grouping, the decimal mark or None, fraction) —
    or None when grouping is malformed. A lone `.`/`,` followed by exactly three
    digits is returned as decimal mark `?`: only the document can tell."""
    marks = [(i, c) for i, c in enumerate(core) if not c.isdigit()]
    if not marks:
        return core, None, ""
    dot_comma = [(i, c) for i, c in marks if c in ".,"]
    decimal_at: int | None = None
    if dot_comma:
        last_i, last_c = dot_comma[-1]
        others = [c for _, c in dot_comma[:-1]]
        if last_c not in others and all(i <= last_i for i, _ in marks):
            digits_after = len(core) - last_i - 1
            int_part = core[:last_i]
            grouped_elsewhere = len(marks) > 1
            if (
                digits_after != 3
                or grouped_elsewhere
                or _plain_int(int_part) in ("0", None)
                or len(_plain_int(int_part) or "") > 3
                or int_part.startswith("0")
            ):
                decimal_at = last_i
            else:
                decimal_at = -1  # ambiguous, see docstring
    if decimal_at == -1:
        i = dot_comma[-1][0]
        return core[:i], "?", core[i + 1 :]
    int_part, mark, frac = (
        (core, None, "")
        if decimal_at is None
        else (core[:decimal_at], core[decimal_at], core[decimal_at + 1 :])
    )
    if not _valid_grouping(int_part):
        return None
    return int_part, mark, frac


def _plain_int(int_part: str) -> str | None:
    digits = re.sub(r"[.,' \u2019]", "", int_part)
    return digits if digits.isdigit() else None


def _valid_grouping(int_part: str) -> bool:
    groups = re.split(r"[.,' \u2019]", int_part)
    if len(groups) == 1:
        return groups[0].isdigit()
    seps = set(re.findall(r"[.,' \u2019]", int_part))
    return (
        len(seps) == 1
        and 1 <= len(groups[0]) <= 3
        and groups[0].isdigit()
        and all(len(g) == 3 and g.isdigit() for g in groups[1:])
    )


def parse_amount(text: str, decimal: str | None = None) -> Decimal | None:
    """`1,234.56`, `1.234,56`, `1 234,56`, `1'234.56`, `-12.00`, `12.00-`,
    `(12.00)`, `€ 12,00`, `USD 12.00`, `12,00 kr` → Decimal; None when the text
    is not one amount.

    `decimal` is the document's decimal mark ('.' or ','), used only when the
    text alone cannot tell (`1,234`); without it such a text reads with '.'."""
    stripped = _strip_decorations(text)
    if stripped is None:
        return None
    core, negative = stripped
    split = _split_core(core)
    if split is None:
        return None
    int_part, mark, frac = split
    if mark == "?":
        mark = decimal or "."
        the_mark = core[len(int_part)]
        if the_mark != mark:  # the mark is a thousands separator here
            int_part, frac, mark = int_part + frac, "", None
            if not _valid_grouping(core):
                return None
    digits = _plain_int(int_part)
    if digits is None or len(digits) + len(frac) > _MAX_DIGITS:
        return None
    try:
        value = Decimal(f"{digits}.{frac}" if frac else digits)
    except InvalidOperation:  # pragma: no cover - the patterns above only let digits through
        return None
    return -value if negative else value


def amount_is_ambiguous(text: str) -> bool:
    """True when only the document's convention can say what the text means."""
    stripped = _strip_decorations(text)
    if stripped is None:
        return False
    split = _split_core(stripped[0])
    return split is not None and split[1] == "?"


def decimal_evidence(text: str) -> str | None:
    """The decimal mark this text proves ('.' or ','), or None if it proves nothing
    (`1,234`, `12`, `1 234`)."""
    stripped = _strip_decorations(text)
    if stripped is None:
        return None
    split = _split_core(stripped[0])
    if split is None or split[1] == "?":
        return None
    if split[1] is None:  # `1,234,567`: a repeated mark can only be grouping, so the other one is decimal
        marks = set(split[0]) & {".", ","}
        return (
            ({".", ","} - marks).pop() if len(marks) == 1 and split[0].count(marks.copy().pop()) > 1 else None
        )
    return split[1]


def detect_decimal_separator(texts: Iterable[str], default: str = ".") -> tuple[str, bool]:
    """The document's decimal mark by majority of the values that prove one;
    (default, False) when none does."""
    votes = Counter(mark for mark in map(decimal_evidence, texts) if mark)
    if not votes:
        return default, False
    return votes.most_common(1)[0][0], True


_AMOUNT_IN_TEXT = re.compile(
    r"(?<![\w.,])[(\-\u2212]?(?:[A-Z]{3}\s?|[$€£]\s?)?"
    r"\d[\d.,'\u2019\u00a0\u202f ]*\d(?:\s?[A-Z]{3}\b|\s?[€£])?[)\-]?"
    r"|(?<![\w.,])\d(?![\w.,%])"
)


def find_amounts(text: str, decimal: str | None = None) -> list[tuple[Decimal, str]]:
    """Every amount in a run of text, with the text it was read from; numbers
    followed by `%` (rates) are skipped."""
    return [(value, piece) for value, piece, _ in find_amounts_at(text, decimal)]


def find_amounts_at(text: str, decimal: str | None = None) -> list[tuple[Decimal, str, int]]:
    """As `find_amounts`, with where each amount starts in the text (so that
    a caller can read the words before it: "19 % MwSt. auf 458,75")."""
    found: list[tuple[Decimal, str, int]] = []
    for match in _AMOUNT_IN_TEXT.finditer(text.translate(_SPACES)):
        piece = match.group(0).strip()
        rest = text[match.end() :].lstrip()
        if rest.startswith("%"):
            continue
        value = parse_amount(piece, decimal)
        if value is None and " " in piece:  # two numbers in adjacent columns, not one grouped number
            offset = match.start()
            for part in piece.split():
                part_value = parse_amount(part, decimal)
                start = text.find(part, offset)
                offset = max(offset, start + len(part))
                if part_value is not None:
                    found.append((part_value, part, max(start, match.start())))
            continue
        if value is not None:
            found.append((value, piece, match.start()))
    return found


# --- currencies ----------------------------------------------------------------

_CODE = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?![A-Za-z])")
_CURRENCY_NAMES: dict[str, str] = {
    "euro": "EUR",
    "euros": "EUR",
    "dollar": "USD",
    "dollars": "USD",
    "us dollar": "USD",
    "pound sterling": "GBP",
    "sterling": "GBP",
    "swiss franc": "CHF",
    "schweizer franken": "CHF",
    "franken": "CHF",
    "svenska kronor": "SEK",
    "kronor": "SEK",
    "sek": "SEK",
}
_KRONA_BY_LANGUAGE = {"sv": "SEK", "da": "DKK", "no": "NOK", "is": "ISK"}


def find_currency(text: str, language: str | None = None) -> tuple[str, bool] | None:
    """The ISO 4217 currency a text names, and whether it is certain: an ISO
    code is; a symbol that several currencies share (`$`, `kr`) is not."""
    for code in _CODE.findall(text):
        if code in CURRENCY_MINOR_UNITS:
            return code, True
    folded = text.casefold()
    for name, code in _CURRENCY_NAMES.items():
        if re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", folded):
            return code, True
    for symbol in sorted(_SYMBOLS, key=len, reverse=True):
        if symbol in text:
            code = _SYMBOLS[symbol]
            return code, symbol not in ("$", "¥")
    if re.search(r"(?<![A-Za-z])kr\.?(?![A-Za-z])|\d:-", text):
        return _KRONA_BY_LANGUAGE.get(language or "sv", "SEK"), False
    return None


# --- dates -------------------------------------------------------------------


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


_MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    [
        "january jan januar janv janvier enero ene gennaio gen januari",
        "february feb februar fevr fev fevrier febrero febbraio februari",
        "march mar marz maerz mrz mars marzo mrt maart",
        "april apr avril avr abril aprile abr",
        "may mai mayo maggio mag mei maj",
        "june jun juni juin junio giugno giu",
        "july jul juli juil juillet julio luglio lug",
        "august aug aout aou agosto ago augusti augustus",
        "september sep sept septembre septiembre settembre set",
        "october oct oktober okt octobre octubre ottobre ott",
        "november nov novembre noviembre",
        "december dec dez dezember decembre diciembre dic dicembre",
    ],
    start=1,
):
    for _name in _names.split():
        _MONTHS.setdefault(_name, _number)

_MONTH_WORD = r"([a-z]{3,10})\.?"
_YEAR = r"(\d{4})"
_NUMERIC = re.compile(r"(?<!\d)(\d{1,4})([./\-])(\d{1,2})\2(\d{2,4})(?!\d)")
_DAY_MONTH_YEAR = re.compile(
    rf"(?<!\d)(\d{{1,2}})(?:er|st|nd|rd|th)?\.?\s*(?:de\s+|-)?{_MONTH_WORD}\s*(?:de\s+|del\s+|-)?,?\s*{_YEAR}(?!\d)"
)
_MONTH_DAY_YEAR = re.compile(rf"(?<![a-z]){_MONTH_WORD}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+{_YEAR}(?!\d)")


def _make_date(year: int, month: int, day: int) -> date | None:
    if year < 100:
        year += 2000
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _numeric_parts(match: re.Match[str], order: str) -> tuple[int, int, int] | None:
    a, sep, b, c = match.group(1), match.group(2), match.group(3), match.group(4)
    if len(a) == 4:  # ISO-like: 2026-12-31, 2026/12/31, 2026.12.31
        return int(a), int(b), int(c)
    if len(a) > 2 or len(c) == 3:
        return None
    first, second, year = int(a), int(b), int(c)
    if sep == ".":  # nobody writes month-first with dots
        return year, second, first
    if first > 12:
        return year, second, first
    if second > 12:
        return year, first, second
    return (year, first, second) if order == MDY else (year, second, first)


def parse_date(text: str, order: str = DMY) -> date | None:
    """The first date in a text: ISO, `12/31/2026`, `31.12.2026`, `31/12/2026`,
    `31-12-2026`, `31 Dec 2026`, `December 31, 2026`, `31. Dezember 2026`,
    `31 décembre 2026`, `31 de diciembre de 2026`… `order` (DMY or MDY) settles
    numeric dates whose day and month are both 12 or less."""
    folded = _fold(text.translate(_SPACES))
    candidates: list[tuple[int, date]] = []
    for match in _NUMERIC.finditer(folded):
        parts = _numeric_parts(match, order)
        made = _make_date(*parts) if parts else None
        if made:
            candidates.append((match.start(), made))
    for match in _DAY_MONTH_YEAR.finditer(folded):
        month = _MONTHS.get(match.group(2))
        made = _make_date(int(match.group(3)), month, int(match.group(1))) if month else None
        if made:
            candidates.append((match.start(), made))
    for match in _MONTH_DAY_YEAR.finditer(folded):
        month = _MONTHS.get(match.group(1))
        made = _make_date(int(match.group(3)), month, int(match.group(2))) if month else None
        if made:
            candidates.append((match.start(), made))
    if not candidates:
        return None
    return min(candidates, key=lambda c: c[0])[1]


def is_date_only(text: str) -> bool:
    """True when the text is one date and nothing else (bar punctuation):
    "27 novembre 2026", "16. September 2026", "2026-03-19"."""
    folded = _fold(text.translate(_SPACES)).strip(" .,;:")
    return any(
        pattern.fullmatch(folded) is not None and parse_date(folded) is not None
        for pattern in (_NUMERIC, _DAY_MONTH_YEAR, _MONTH_DAY_YEAR)
    )


def date_order_evidence(text: str) -> str | None:
    """DMY or MDY when a numeric date in the text proves the order (a part
    above 12, or dots), else None."""
    for match in _NUMERIC.finditer(text):
        a, sep, b = match.group(1), match.group(2), match.group(3)
        if len(a) == 4:
            continue
        if sep == "." or int(a) > 12:
            return DMY
        if int(b) > 12:
            return MDY
    return None


def date_is_ambiguous(text: str) -> bool:
    """True when the first date is numeric with day and month both ≤ 12 and
    different, and not dotted: only the document can order it."""
    match = _NUMERIC.search(text)
    if not match or len(match.group(1)) == 4 or match.group(2) == ".":
        return False
    a, b = int(match.group(1)), int(match.group(3))
    return a <= 12 and b <= 12 and a != b


def detect_date_order(texts: Iterable[str], default: str = DMY) -> tuple[str, bool]:
    """The document's day/month order by the dates that prove one; (default,
    False) when none does."""
    votes = Counter(order for order in map(date_order_evidence, texts) if order)
    if not votes:
        return default, False
    return votes.most_common(1)[0][0], True
