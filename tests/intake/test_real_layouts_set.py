"""The real-layouts set (tests/samples/real-layouts/) is complete and its text
renderings keep the source's words; what the extractor reads from it is
bench/real_pdf_bench.py's business, not this test's."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal

import pdfplumber
import pytest

from tools.real_layouts import REQUIRED_FIELDS, SET_DIR, RealDocument, is_blind, load_set, render_text_pdf

DOCUMENTS = load_set()


def _plain_text(raw: bytes) -> str:
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_the_set_has_a_dev_and_a_blind_part() -> None:
    assert DOCUMENTS
    assert any(d.blind for d in DOCUMENTS)
    assert any(not d.blind for d in DOCUMENTS)


def test_every_file_in_the_folder_belongs_to_a_document() -> None:
    names = {d.name for d in DOCUMENTS}
    for path in SET_DIR.iterdir():
        if path.suffix in (".pdf", ".txt") and not path.name.startswith("LICENSE"):
            assert path.stem in names, f"{path.name} has no {path.stem}.expected.json"


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: d.name)
def test_every_document_has_a_source_and_complete_ground_truth(document: RealDocument) -> None:
    assert (document.pdf_path is None) != (document.text_path is None)
    fields = document.expected["fields"]
    for name in REQUIRED_FIELDS:
        assert fields.get(name), f"{document.name}: {name} missing"
    date.fromisoformat(fields["invoice_date"])
    Decimal(fields["total"])
    assert re.fullmatch(r"[A-Z]{3}", fields["currency"])
    assert document.expected["language"] and document.expected["ground_truth"]
    assert document.name in (SET_DIR / "MANIFEST.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("document", [d for d in DOCUMENTS if d.text_path is not None], ids=lambda d: d.name)
def test_a_rendered_text_keeps_the_invoice_number(document: RealDocument) -> None:
    number = document.expected["fields"]["invoice_number"]
    assert document.text_path is not None
    assert number in document.text_path.read_text(encoding="utf-8")
    assert number in _plain_text(document.pdf())


def test_words_keep_their_columns() -> None:
    # A word's x position is its column × the glyph width: two words that start
    # in the same column on different lines start at the same x.
    raw = render_text_pdf("Invoice    4711\nTotal      12,50\n")
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        words = pdf.pages[0].extract_words()
    x = {w["text"]: w["x0"] for w in words}
    assert x["4711"] == pytest.approx(x["12,50"], abs=0.01)
    assert x["Invoice"] == pytest.approx(x["Total"], abs=0.01)
    assert x["4711"] > x["Invoice"]


def test_without_the_font_letters_outside_latin_1_are_folded() -> None:
    raw = render_text_pdf("Należność ogółem: 316,83 PLN\n", font_path=None)
    assert "Naleznosc ogolem: 316,83 PLN" in _plain_text(raw)


def test_a_form_feed_starts_a_new_page() -> None:
    raw = render_text_pdf("Seite 1\fSeite 2\n")
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        assert [page.extract_text().strip() for page in pdf.pages] == ["Seite 1", "Seite 2"]


def test_the_blind_rule_is_a_third_of_names_by_hash() -> None:
    # sha256("i2d-flipkart") is divisible by 3, sha256("i2d-orlen") is not (MANIFEST.md).
    assert is_blind("i2d-flipkart")
    assert not is_blind("i2d-orlen")
