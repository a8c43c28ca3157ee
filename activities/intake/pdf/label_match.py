"""Which catalogue label a phrase starts with (`labels.LABELS`, longest
first, any field), and what the labels of a document say about its language."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from enum import Enum, auto

from activities.intake.pdf.labels import LABELS
from activities.intake.pdf.text import Page, Phrase
from activities.intake.pdf.tokens import (
    by_first_token,
    compound_token,
    first_token,
    match_prefix,
    printed_labels,
    tokens,
)

__all__ = ["Label", "LabelMatch", "is_bare_label", "label_at", "language_votes"]


@dataclass(frozen=True)
class Label:
    field: str
    tokens: tuple[str, ...]
    language: str
    weak: bool


def _compile(labels: dict[str, dict[str, str]]) -> tuple[list[Label], dict[tuple[str, ...], set[str]]]:
    compiled = {}
    languages: dict[tuple[str, ...], set[str]] = {}
    for field_name, language, printed in printed_labels(labels):
        weak = printed.startswith("~")
        key = (field_name, tuple(tokens(printed.lstrip("~"))))
        if not key[1]:
            continue
        languages.setdefault(key[1], set()).add(language)
        if key not in compiled:
            compiled[key] = Label(field_name, key[1], language, weak)
    # Longest first: "Total HT" must win over "Total", "N° de facture d'origine" over "N° de facture".
    return sorted(compiled.values(), key=lambda label: -len(label.tokens)), languages


_COMPILED, _LANGUAGES_OF = _compile(LABELS)


@dataclass(frozen=True)
class LabelMatch:
    label: Label
    words: int  # how many words of the phrase the label covers


_BY_FIRST_TOKEN = by_first_token(_COMPILED, lambda label: label.tokens)  # longest first, as compiled
_MAX_LABEL_WORDS = 10  # no label is longer; the words after it do not change the match


def label_at(phrase: Phrase) -> LabelMatch | None:
    """The longest catalogue label the phrase starts with (any field, so that
    "Due Date" is recognised as not ours), or None."""
    return _label_for(tuple(w.text for w in phrase.words[:_MAX_LABEL_WORDS]), phrase.words[:_MAX_LABEL_WORDS])


def _label_for(texts: tuple[str, ...], words: list) -> LabelMatch | None:
    cached = _LABEL_CACHE.get(texts, _Missing.MISSING)
    if cached is not _Missing.MISSING:
        return cached
    found = None
    first = first_token(words)
    labels = _BY_FIRST_TOKEN.get(first or "", [])
    if words and "-" in words[0].text:  # "Beleg-Datum" is "Belegdatum" (tokens.match_prefix)
        labels = labels + _BY_FIRST_TOKEN.get(compound_token(words[0].text) or "", [])
    for label in labels:
        covered = match_prefix(words, label.tokens)
        if covered:
            found = LabelMatch(label, covered)
            break
    if first is None and len(words) > 1 and _LEADING_RATE.match(words[0].text):
        # "19 % MwSt. auf 458,75 €", "8.25% Sales Tax": the rate before the label
        after = _label_for(texts[1:], words[1:])
        found = LabelMatch(after.label, after.words + 1) if after is not None else None
    if len(_LABEL_CACHE) > 20_000:  # bounded: a hostile PDF can print any number of phrases
        _LABEL_CACHE.clear()
    _LABEL_CACHE[texts] = found
    return found


class _Missing(Enum):
    """Not in the label cache yet (a cached None means: no label)."""

    MISSING = auto()


_LEADING_RATE = re.compile(r"^\(?\d{1,2}(?:[.,]\d{1,3})?\s?%\)?$")
_LABEL_CACHE: dict[tuple[str, ...], LabelMatch | None] = {}


def language_votes(pages: list[Page]) -> Counter[str]:
    """How many labels of each language the pages print (a label that several
    languages share, like "Total", votes for each)."""
    votes: Counter[str] = Counter()
    for page in pages:
        for phrase in page.phrases:
            match = label_at(phrase)
            if match is not None and match.label.field != "ignore":
                votes.update(_LANGUAGES_OF.get(match.label.tokens, ()))
    return votes


def is_bare_label(phrase: Phrase) -> bool:
    """A phrase that is a label and nothing more (or a label and a colon): a
    neighbour that names another field, not a value."""
    match = label_at(phrase)
    if match is None:
        return False
    rest = phrase.words[match.words :]
    return not rest or phrase.words[match.words - 1].text.endswith(":")
