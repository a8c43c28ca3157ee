"""Suspected duplicate invoices: the same bill entered twice under a slightly
different number or a new date.

Exact duplicates (same vendor and the same invoice number after
`normalize_invoice_number`) never get this far: they share a `document_id`
and the door refuses them. What is left is the fuzzy part of SAP's duplicate
check (p2p-semantics.md b.1 "Duplicate check", Odoo's `_fetch_duplicate_reference`),
which here *holds* an invoice as `SUSPECTED_DUPLICATE` instead of refusing it,
because a person must decide.

An earlier invoice is a suspected duplicate of the new one when it has the
same vendor and the same currency (both rules) and

* **same amount, close dates**: the gross totals are equal within
  `amount_tolerance` and the invoice dates are at most `window_days` apart; or
* **near-identical number**: the normalized numbers are one edit apart (one
  character changed, added or removed, or two neighbours swapped) or one is
  the other with a short prefix or suffix (`INV`, `A`, `COPY`…), and the totals
  are equal within `amount_tolerance`. No date window: a bill re-sent months
  later under a retyped number is the classic double payment.

Never flagged: the same document (same `document_id`), credit memos against
invoices, and credit memos at all (SAP skips credit memos too). Which
candidates to compare with is the caller's business; `CANDIDATE_AMOUNT_SLACK_PCT`
is what the loading activity promises to cover.

Pure: no I/O, no clock. Same input, same holds, whatever the candidates' order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from models.common import format_money, round_money
from models.documents import Invoice, InvoiceKind, normalize_invoice_number
from models.matching import Hold, HoldCode

__all__ = [
    "CANDIDATE_AMOUNT_SLACK_PCT",
    "DEFAULT_WINDOW_DAYS",
    "MAX_CANDIDATES_LOADED",
    "DuplicateRule",
    "SuspectedDuplicate",
    "amount_close_enough_to_load",
    "find_suspected_duplicates",
    "match_suspected_duplicates",
    "near_identical_numbers",
]

DEFAULT_WINDOW_DAYS = 30
SOURCE = "duplicate check"
# The number rule needs the shorter normalized number to have at least this
# many characters: "7" vs "8" or "12" vs "A12" say nothing about a duplicate.
MIN_NUMBER_LENGTH = 3
# A prefix or suffix of up to this many characters makes a "near-identical"
# number: INV-123 / 123, 123 / 123A, 123 / 123COPY.
MAX_AFFIX_LENGTH = 4
# `PersistenceActivities.find_duplicate_candidates` loads only invoices whose
# total is within this percentage of the new invoice's total (every rule needs
# "same total within amount_tolerance"), so a vendor's thousands of invoices
# never travel into workflow history. The match compares totals exactly
# (`check_suspected_duplicates` passes no amount_tolerance), so the loader needs
# no slack: 0 keeps a vendor's same-amount invoices only, a handful however many
# it sends. Giving the match a tolerance means raising this with it.
CANDIDATE_AMOUNT_SLACK_PCT = Decimal("0")
# …and at most this many (the closest in date): a payload bound, not a rule.
MAX_CANDIDATES_LOADED = 200


class DuplicateRule(StrEnum):
    SAME_AMOUNT_CLOSE_DATE = "same vendor and amount, dates within the window"
    NEAR_IDENTICAL_NUMBER = "near-identical invoice number and same amount"


@dataclass(frozen=True)
class SuspectedDuplicate:
    """One earlier invoice that looks like the new one, and why.
    `other.document_id` is the machine link to it (Hold.related_document_id);
    the hold's message names its number and PO for people."""

    invoice: Invoice
    other: Invoice
    rules: tuple[DuplicateRule, ...]

    @property
    def days_apart(self) -> int:
        return abs((self.invoice.invoice_date - self.other.invoice_date).days)


# --- the rules, each a yes/no on one pair ----------------------------------------


def _comparable(invoice: Invoice, other: Invoice) -> bool:
    """Both rules compare an invoice with an earlier invoice of the same vendor
    in the same currency; never a document with itself, never a credit memo
    (SAP's check skips them: a credit memo that repeats an invoice's amount is
    its correction, not its copy)."""
    return (
        invoice.kind == InvoiceKind.INVOICE
        and other.kind == InvoiceKind.INVOICE
        and other.document_id != invoice.document_id
        and other.vendor_id == invoice.vendor_id
        and other.currency == invoice.currency
    )


def _same_amount(invoice: Invoice, other: Invoice, tolerance: Decimal) -> bool:
    """Gross totals (as stated by the supplier) equal within the tolerance,
    inclusive: a difference exactly at the tolerance still counts as "same"."""
    return abs(invoice.total - other.total) <= tolerance


def _within_window(invoice: Invoice, other: Invoice, window_days: int) -> bool:
    """Invoice dates at most `window_days` apart, either way round (inclusive)."""
    return abs((invoice.invoice_date - other.invoice_date).days) <= window_days


def _one_edit_apart(a: str, b: str) -> bool:
    """Levenshtein distance exactly 1 (one character changed, added or
    removed), or one swap of two neighbouring characters (the typist's
    transposition, `30211` → `32011`). Linear, no edit-distance table."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y]
        if len(diffs) == 1:
            return True
        i = diffs[0]
        return len(diffs) == 2 and diffs[1] == i + 1 and a[i] == b[i + 1] and a[i + 1] == b[i]
    shorter, longer = sorted((a, b), key=len)
    i = next((k for k, (x, y) in enumerate(zip(shorter, longer, strict=False)) if x != y), len(shorter))
    return shorter[i:] == longer[i + 1 :]


def _short_affix(a: str, b: str) -> bool:
    """One number is the other plus a short prefix or suffix (`INV123` /
    `123`, `123A` / `123`): a re-keyed or re-issued copy."""
    shorter, longer = sorted((a, b), key=len)
    extra = len(longer) - len(shorter)
    return 0 < extra <= MAX_AFFIX_LENGTH and (longer.startswith(shorter) or longer.endswith(shorter))


def near_identical_numbers(a: str, b: str) -> bool:
    """Invoice numbers that differ by one edit or a short prefix/suffix, after
    `normalize_invoice_number` (the door's rule: case, spaces, punctuation and
    the leading zeros of every run of digits). Numbers shorter
    than MIN_NUMBER_LENGTH are never "near": one character is too much of them."""
    a, b = normalize_invoice_number(a), normalize_invoice_number(b)
    if min(len(a), len(b)) < MIN_NUMBER_LENGTH:
        return False
    return _one_edit_apart(a, b) or _short_affix(a, b)


def _rules_met(
    invoice: Invoice, other: Invoice, window_days: int, amount_tolerance: Decimal
) -> tuple[DuplicateRule, ...]:
    if not _comparable(invoice, other) or not _same_amount(invoice, other, amount_tolerance):
        return ()
    rules = []
    if _within_window(invoice, other, window_days):
        rules.append(DuplicateRule.SAME_AMOUNT_CLOSE_DATE)
    if near_identical_numbers(invoice.invoice_number, other.invoice_number):
        rules.append(DuplicateRule.NEAR_IDENTICAL_NUMBER)
    return tuple(rules)


def amount_close_enough_to_load(invoice: Invoice, other: Invoice) -> bool:
    """The candidate loader's pre-filter: same currency and totals within
    CANDIDATE_AMOUNT_SLACK_PCT of this invoice's total. As loose as the rules
    as the match applies them (the same total), so it drops only invoices no
    rule can flag."""
    slack = abs(invoice.total) * CANDIDATE_AMOUNT_SLACK_PCT / Decimal(100)
    return other.currency == invoice.currency and abs(invoice.total - other.total) <= slack


# --- finding them ----------------------------------------------------------------


def _check_settings(window_days: int, amount_tolerance: Decimal) -> None:
    if window_days < 0:
        raise ValueError(f"window_days must be >= 0, got {window_days}")
    if amount_tolerance < 0:
        raise ValueError(f"amount_tolerance must be >= 0, got {amount_tolerance}")


def _distinct(candidates: Iterable[Invoice]) -> dict[str, Invoice]:
    """The same invoice listed twice is compared once (keyed by its content,
    which also keeps the result independent of the candidates' order)."""
    return {candidate.model_dump_json(): candidate for candidate in candidates}


def match_suspected_duplicates(
    invoice: Invoice,
    candidates: list[Invoice],
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    amount_tolerance: Decimal = Decimal("0"),
) -> list[SuspectedDuplicate]:
    """The structured result behind `find_suspected_duplicates`: which earlier
    invoices look like this one and by which rules. Closest in date first,
    then by document id, so the order never depends on the candidates' order."""
    _check_settings(window_days, amount_tolerance)
    found = []
    for key, other in _distinct(candidates).items():
        rules = _rules_met(invoice, other, window_days, amount_tolerance)
        if rules:
            match = SuspectedDuplicate(invoice=invoice, other=other, rules=rules)
            found.append(((match.days_apart, other.document_id, key), match))
    return [match for _, match in sorted(found, key=lambda pair: pair[0])]


def find_suspected_duplicates(
    invoice: Invoice,
    candidates: list[Invoice],
    *,
    window_days: int = DEFAULT_WINDOW_DAYS,
    amount_tolerance: Decimal = Decimal("0"),
) -> list[Hold]:
    """One SUSPECTED_DUPLICATE hold (header level) per earlier invoice that
    looks like `invoice`; an empty list when none does. `candidates` may
    include the invoice itself, other vendors' invoices and credit memos:
    they are skipped."""
    matches = match_suspected_duplicates(
        invoice, candidates, window_days=window_days, amount_tolerance=amount_tolerance
    )
    return [_hold(match, window_days, amount_tolerance) for match in matches]


# --- the hold, worded for the AP clerk ---------------------------------------------


def _money(amount: Decimal, currency: str) -> str:
    """Like format_money, but a tolerance of 0.005 is not shown as 0.01."""
    if amount == round_money(amount, currency):
        return format_money(amount, currency)
    return f"{amount.normalize():,f} {currency}"


def _days_text(days: int) -> str:
    if days == 0:
        return "dated the same day"
    return f"dated {days} day{'s' if days != 1 else ''} apart"


def _tolerance_text(rule: DuplicateRule, window_days: int, tolerance: str) -> str:
    if rule == DuplicateRule.SAME_AMOUNT_CLOSE_DATE:
        return f"same vendor and amount (±{tolerance}) dated within {window_days} days"
    return f"near-identical invoice number (one edit or a short prefix/suffix) and same amount (±{tolerance})"


def _formula_text(rule: DuplicateRule, window_days: int, tolerance: str) -> str:
    if rule == DuplicateRule.SAME_AMOUNT_CLOSE_DATE:
        return (
            f"|total − other.total| ≤ {tolerance} and "
            f"|invoice_date − other.invoice_date| ≤ {window_days} days"
        )
    return (
        "edit_distance(normalized numbers) = 1 or short prefix/suffix, "
        f"and |total − other.total| ≤ {tolerance}"
    )


def _message(match: SuspectedDuplicate) -> str:
    """`Looks like a duplicate of ACME-INV-30211 on PO-1001: same vendor and
    amount 2,137.19 USD, dated 2 days apart; …`"""
    invoice, other = match.invoice, match.other
    amount = f"amount {_money(other.total, other.currency)}"
    if other.total != invoice.total:
        amount += f" (this one {_money(invoice.total, invoice.currency)})"
    reasons = f"same vendor and {amount}, {_days_text(match.days_apart)}"
    if DuplicateRule.NEAR_IDENTICAL_NUMBER in match.rules:
        reasons += f", near-identical number (this one {invoice.invoice_number})"
    return (
        f"Looks like a duplicate of {other.invoice_number} on {other.po_number}: {reasons}; "
        "compare the two, then reject this invoice if it is a copy or release the hold"
    )


def _hold(match: SuspectedDuplicate, window_days: int, amount_tolerance: Decimal) -> Hold:
    invoice, other = match.invoice, match.other
    tolerance = _money(amount_tolerance, invoice.currency)
    return Hold(
        code=HoldCode.SUSPECTED_DUPLICATE,
        line_no=None,
        expected=other.total,
        actual=invoice.total,
        variance=invoice.total - other.total,
        tolerance="; ".join(_tolerance_text(rule, window_days, tolerance) for rule in match.rules),
        source=SOURCE,
        formula="; ".join(_formula_text(rule, window_days, tolerance) for rule in match.rules),
        message=_message(match),
        related_document_id=match.other.document_id,
    )
