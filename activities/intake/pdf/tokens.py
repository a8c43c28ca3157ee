"""Label matching: the tokens a printed label reads as, whatever its case,
accents and spelling of "number" — and the helpers that turn a table of labels
per language ("Invoice No|Invoice Number|…") into lookups by first token."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Mapping
from functools import lru_cache
from typing import TypeVar

from activities.intake.pdf.text import Word

__all__ = [
    "by_first_token",
    "compound_token",
    "first_token",
    "fold",
    "match_prefix",
    "printed_labels",
    "tokens",
]

K = TypeVar("K")
E = TypeVar("E")


# Letters with a stroke rather than an accent: Unicode does not decompose them.
_STROKES = str.maketrans("łŁøØđĐ", "lLoOdD")


def fold(text: str) -> str:
    """Lower-case and accent-free: `Décembre` → `decembre`, `ogółem` → `ogolem`."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_STROKES))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


# Abbreviations of "number" in the seven languages all read as "no", so that
# "Invoice #", "Invoice No.", "Invoice Number", "Factura nº" and "Fattura n."
# need one label each, not five.
_NUMBER_WORDS = frozenset({"no", "n", "nr", "nro", "num", "numero", "number", "nummer", "nb", "nos"})

_NUMBER_SIGNS = str.maketrans({"#": " no ", "º": " no ", "°": " no ", "№": " no "})


def tokens(text: str) -> list[str]:
    """Lower-case, accent-free word tokens of a label: `Facture n°:` →
    ['facture', 'no'], `Rechnungs-Nr.` → ['rechnungs', 'no']."""
    return list(_tokens(text))


_RATE = re.compile(r"^\(?[+-]?\d{1,2}(?:[.,]\d{1,2})?\s?%\)?:?$")


@lru_cache(maxsize=8192)
def _tokens(text: str) -> tuple[str, ...]:
    if _RATE.match(text):  # "VAT 19%", "zzgl. 19% USt.": a rate inside a label is read past, like punctuation
        return ()
    plain = fold(text.translate(_NUMBER_SIGNS))
    return tuple("no" if t in _NUMBER_WORDS else t for t in re.findall(r"[a-z0-9]+", plain))


def compound_token(text: str) -> str | None:
    """The first token of a hyphenated compound read as one word: "Beleg-Datum" → "belegdatum"."""
    found = _tokens(text.replace("-", ""))
    return found[0] if found else None


def first_token(words: list[Word]) -> str | None:
    """The first label token of a run of words (None if they start with bare punctuation)."""
    for word in words[:1]:
        found = _tokens(word.text)
        return found[0] if found else None
    return None


def match_prefix(words: list[Word], label: tuple[str, ...]) -> int:
    """How many of `words` the label covers from the start (0: no match). A
    label must end at a word boundary; a word that is only punctuation (`:`,
    `-`) right after it is taken with it."""
    if not label:
        return 0
    position = 0
    for index, word in enumerate(words):
        word_tokens = _tokens(word.text)
        if not word_tokens:
            if position == len(label):  # a colon or dash after the label goes with it; a rate does not
                return index + 1 if not any(c.isalnum() for c in word.text) else index
            if position == 0:
                return 0
            continue
        if position == len(label):
            return index
        if word_tokens != label[position : position + len(word_tokens)]:
            # "Beleg-Datum", "Rechnungs-Datum": a compound hyphenated by the layout, not by the label
            word_tokens = _tokens(word.text.replace("-", "")) if "-" in word.text else ()
            if not word_tokens or word_tokens != label[position : position + len(word_tokens)]:
                return 0
        position += len(word_tokens)
    return len(words) if position == len(label) else 0


# --- tables of labels per language ---------------------------------------------


def printed_labels(table: Mapping[K, Mapping[str, str]]) -> Iterator[tuple[K, str, str]]:
    """(key, language, label as printed) for every alternative of a table of
    labels per language (key → language → "label|label|…"), in table order."""
    for key, by_language in table.items():
        for language, alternatives in by_language.items():
            for printed in alternatives.split("|"):
                yield key, language, printed


def by_first_token(entries: Iterable[E], label: Callable[[E], tuple[str, ...]]) -> dict[str, list[E]]:
    """Entries by the first token of their label, in the order given (longest first, where it matters)."""
    index: dict[str, list[E]] = {}
    for entry in entries:
        index.setdefault(label(entry)[0], []).append(entry)
    return index
