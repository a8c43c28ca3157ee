"""Amounts as people print them on invoices.

A PDF has no types: `1.234` is one thousand two hundred and thirty-four in a
German invoice and one point two three four in an American one. A single
value cannot settle that, but a document nearly always can: somewhere it
prints `1.234,56`. So every parser here takes the convention as an argument,
and `decimal_evidence` / `detect_decimal_separator` decide the convention
once per document from all of its values (`dates` does the same for
day/month order, `currencies` reads the currency marks peeled off here).

Money stays `Decimal` from the first character to the last.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from activities.intake.pdf.currencies import CURRENCY_TOKEN, CURRENCY_TOKEN_END

__all__ = [
    "SPACES",
    "amount_is_ambiguous",
    "decimal_evidence",
    "detect_decimal_separator",
    "find_amounts",
    "find_amounts_at",
    "majority",
    "parse_amount",
]


# Spaces that printers use as thousands separators: NBSP, narrow NBSP, thin space.
SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})
_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-", "\u2012": "-"})
_MAX_DIGITS = 18  # models.common.Amount
_NUMBER_CORE = re.compile(r"^\d(?:[\d.,' \u2019]*\d)?$")


def _strip_decorations(text: str) -> tuple[str, bool] | None:
    """Peel currency marks, signs and accounting parentheses off both ends.

    Returns the bare number and whether it is negative, or None when what is
    left around the number is not a currency mark or a sign (`19%`, `M8x30`)."""
    s = text.translate(SPACES).translate(_MINUS).strip()
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
        head = CURRENCY_TOKEN.match(s)
        if head and (len(s) == head.end() or not s[head.end()].isalpha()):
            s = s[head.end() :].strip()
        tail = CURRENCY_TOKEN_END.search(s)
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


def _split_text(text: str) -> tuple[str, str | None, str] | None:
    """`_split_core` of the number in a text, sign and currency marks peeled off."""
    stripped = _strip_decorations(text)
    return None if stripped is None else _split_core(stripped[0])


def amount_is_ambiguous(text: str) -> bool:
    """True when only the document's convention can say what the text means."""
    split = _split_text(text)
    return split is not None and split[1] == "?"


def decimal_evidence(text: str) -> str | None:
    """The decimal mark this text proves ('.' or ','), or None if it proves nothing
    (`1,234`, `12`, `1 234`)."""
    split = _split_text(text)
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
    return majority(map(decimal_evidence, texts), default)


def majority(evidence: Iterable[str | None], default: str) -> tuple[str, bool]:
    """The convention most of the values prove (the first seen on a tie), and
    True; (default, False) when none proves one."""
    votes = Counter(found for found in evidence if found)
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
    for match in _AMOUNT_IN_TEXT.finditer(text.translate(SPACES)):
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
