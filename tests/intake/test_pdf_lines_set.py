"""The pdf-lines development set (tools/supplier_sim/pdf_lines.py) is well-formed:
deterministic, uniquely named, its ground truth validates and adds up, and the
figures it states are printed on the page. The extractor is not run here."""

from __future__ import annotations

import io
import re
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from typing import Any

import pdfplumber
import pytest

from models.documents import Invoice
from tools.supplier_sim.pdf_lines import LAYOUTS, sample_set
from tools.supplier_sim.samples import Sample

SAMPLES = sample_set()
BY_NAME = {sample.name: sample for sample in SAMPLES}
# Layouts with a discount column: their amounts are below quantity × price.
DISCOUNTED = {layout.name for layout in LAYOUTS if any(col.key == "disc" for col in layout.cols)}


def document(sample: Sample) -> dict[str, Any]:
    return dict(sample.expected[0]["document"])


def validated(sample: Sample) -> Invoice:
    """The ground truth through the model. `InvoiceLine.line_no` is required, but
    the truth leaves it out where no integer line number is printed (it is not
    scored there): such lines are numbered by position to validate the rest."""
    doc = document(sample)
    doc["lines"] = [{"line_no": n} | line for n, line in enumerate(doc["lines"], 1)]
    return Invoice.model_validate(doc)


@cache
def text_of(name: str) -> str:
    with pdfplumber.open(io.BytesIO(BY_NAME[name].raw)) as pdf:
        return "\n".join((page.extract_text() or "") for page in pdf.pages)


def printed_forms(value: Decimal) -> set[str]:
    """2-decimal renderings of an amount in the page languages of the set."""
    whole, _, cents = f"{value:.2f}".partition(".")
    groups: list[str] = []
    while len(whole) > 3:
        groups.insert(0, whole[-3:])
        whole = whole[:-3]
    groups.insert(0, whole)
    return {sep.join(groups) + point + cents for sep, point in ((",", "."), (".", ","), (" ", ","))}


def test_two_calls_give_the_same_files_and_truth() -> None:
    again = sample_set()
    assert [(s.name, s.raw, s.expected) for s in again] == [(s.name, s.raw, s.expected) for s in SAMPLES]


def test_names_unique_and_set_sized_as_promised() -> None:
    assert len(BY_NAME) == len(SAMPLES)
    assert 30 <= len(SAMPLES) <= 40
    assert len({name.rsplit("-", 2)[0] for name in BY_NAME}) == len(LAYOUTS) >= 10
    assert all(sample.format == "pdf" and sample.raw.startswith(b"%PDF") for sample in SAMPLES)


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_truth_validates_and_adds_up(name: str) -> None:
    sample = BY_NAME[name]
    invoice = validated(sample)
    assert invoice.vendor_id == sample.vendor_id
    assert invoice.lines_total + invoice.freight + invoice.tax == invoice.total
    for line in invoice.lines:
        assert line.amount is not None
        gross = (line.quantity * line.unit_price).quantize(Decimal("0.01"), ROUND_HALF_UP)
        if name.rsplit("-", 2)[0] in DISCOUNTED:
            assert 0 < line.amount <= gross
        else:
            assert line.amount == gross


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_stated_figures_are_printed(name: str) -> None:
    invoice = validated(BY_NAME[name])
    text = text_of(name)
    words = set(re.split(r"\s+", text))
    for figure in (invoice.lines_total, invoice.total):
        assert printed_forms(figure) & words or any(form in text for form in printed_forms(figure)), figure
    for line in invoice.lines:
        assert any(form in text for form in printed_forms(line.amount or Decimal(0))), line
        assert line.description and line.description.split(" ")[0] in text
        if line.item_id is not None:
            assert line.item_id in text


def test_line_habits_are_all_there() -> None:
    """The habits the set exists for: unnumbered lines, no item codes, and
    multi-page tables with a carried-forward row."""
    lines = [line for sample in SAMPLES for line in document(sample)["lines"]]
    assert any("line_no" not in line for line in lines)
    assert any("item_id" not in line for line in lines)
    assert any(line.get("line_no", 0) >= 100 for line in lines)  # 10, 20, 30 … numbering
    long = [s.name for s in SAMPLES if len(document(s)["lines"]) >= 30]
    assert long and all(re.search(r"Übertrag|Carried forward", text_of(name)) for name in long)
