"""A page's document title — invoice, credit note or order acknowledgment,
in seven languages — and the number printed in it ("INVOICE INV-2026-0042")."""

from __future__ import annotations

from dataclasses import dataclass

from activities.intake.pdf.field_ids import IDENTIFIER
from activities.intake.pdf.label_match import label_at
from activities.intake.pdf.labels import TITLES
from activities.intake.pdf.text import Page, Phrase, Word
from activities.intake.pdf.tokens import by_first_token, first_token, match_prefix, printed_labels, tokens
from models.extraction import ExtractedKind

__all__ = ["Title", "classify_page", "is_title_phrase", "title_number", "title_number_confidence"]


_TITLE_LABELS = sorted(
    ((kind, language, tuple(tokens(printed))) for kind, language, printed in printed_labels(TITLES)),
    key=lambda entry: -len(entry[2]),
)
_TITLES_BY_FIRST_TOKEN = by_first_token(_TITLE_LABELS, lambda entry: entry[2])  # longest first, as above
# Labels of a document's own number: "Rechnung Nr." starts with the title word and is still a title.
_NUMBER_LABELS = frozenset({"invoice_number", "credit_number", "ack_number"})


def _titles_starting(words: list[Word]) -> list[tuple[ExtractedKind, str, tuple[str, ...]]]:
    """(kind, language, tokens) of the titles that may start `words`, longest first."""
    return _TITLES_BY_FIRST_TOKEN.get(first_token(words) or "", [])


@dataclass
class Title:
    """A document title found on a page: its kind, its language and how sure that is."""

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
        for kind, language, title_tokens in _titles_starting(phrase.words):
            covered = match_prefix(phrase.words, title_tokens)
            if not covered:
                continue
            label = label_at(phrase)
            is_number_label = label is not None and label.label.field in _NUMBER_LABELS
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
    if label is not None and label.label.field in _NUMBER_LABELS:
        rest = phrase.slice(max(covered, label.words))
    return (
        len(rest.words) == 1
        and bool(IDENTIFIER.match(rest.words[0].text))
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
        for kind, language, title_tokens in _titles_starting(rest):
            if match_prefix(rest, title_tokens) == len(rest):
                if label_at(phrase) is not None:
                    return None
                return Title(kind, language, phrase, 0.85 if phrase.size >= largest else 0.75)
    return None


def is_title_phrase(phrase: Phrase) -> bool:
    """A phrase that starts with a title word ("Invoice", "Gutschrift")."""
    return any(
        match_prefix(phrase.words, title_tokens) for _, _, title_tokens in _titles_starting(phrase.words)
    )


def title_number_confidence(title: Title) -> float:
    """A title followed by nothing but its number ("RECHNUNG RE-2026-0048")
    names it; a number somewhere after the title word is less sure."""
    words = title.phrase.words
    return 0.85 if len(words) == 2 or _numbered(title.phrase, 1) else 0.7


def title_number(title: Title) -> str | None:
    """ "INVOICE INV-2026-0042": a number printed in the title itself."""
    for word in title.phrase.words[1:]:
        candidate = word.text.strip(",;:#")
        if IDENTIFIER.match(candidate) and any(c.isdigit() for c in candidate):
            return candidate
    return None
