"""The held-out PDF set (tools.supplier_sim.pdf_unseen) is well formed: enough
samples and layouts, every expected document valid, totals that add up (but
for the one deliberately inconsistent sample), and every file a readable PDF
whose text layer shows the numbers its ground truth claims.

These tests check the set, not the extractor: how well poflow reads these
files is measured by running the extractor over them, not asserted here.
"""

from __future__ import annotations

import io
from collections import Counter
from decimal import ROUND_HALF_UP, Decimal

import pdfplumber
import pytest

from models.acknowledgments import Acknowledgment
from models.documents import Invoice
from models.extraction import ExtractedKind, model_class
from tools.supplier_sim.pdf_unseen import LAYOUTS, VENDOR_NAMES, sample_set

SAMPLES = sample_set()
BY_NAME = {sample.name: sample for sample in SAMPLES}


def layout_of(name: str) -> str:
    matches = [layout for layout in LAYOUTS if name.startswith(layout + "-")]
    assert len(matches) == 1, f"{name} names no single layout"
    return matches[0]


def page_text(raw: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def test_enough_samples_and_layouts() -> None:
    assert len(SAMPLES) >= 24
    assert len(BY_NAME) == len(SAMPLES), "sample names must be unique"
    layouts = Counter(layout_of(sample.name) for sample in SAMPLES)
    assert len(layouts) >= 6
    assert set(layouts) == set(LAYOUTS), "every declared layout has samples"
    kinds = Counter(entry["kind"] for sample in SAMPLES for entry in sample.expected)
    assert kinds[ExtractedKind.INVOICE.value] and kinds[ExtractedKind.CREDIT_MEMO.value]
    assert kinds[ExtractedKind.ACKNOWLEDGMENT.value] >= 3


def test_exactly_one_inconsistent_sample() -> None:
    inconsistent = [name for name in BY_NAME if name.endswith("-inconsistent")]
    assert inconsistent == ["us-distributor-acme-inconsistent"]


def test_deterministic() -> None:
    again = sample_set()
    assert [(s.name, s.raw, s.expected, s.vendor_id) for s in again] == [
        (s.name, s.raw, s.expected, s.vendor_id) for s in SAMPLES
    ]


def test_vendor_names_match_master_data() -> None:
    import json
    from pathlib import Path

    seed = json.loads((Path(__file__).resolve().parents[2] / "seed" / "master_data.json").read_text())
    names = {vendor["id"]: vendor["name"] for vendor in seed["vendors"]}
    assert all(names[vendor] == name for vendor, name in VENDOR_NAMES.items())


@pytest.mark.parametrize("name", list(BY_NAME))
def test_expected_documents_validate(name: str) -> None:
    sample = BY_NAME[name]
    assert sample.format == "pdf" and sample.filename.endswith(".pdf")
    assert len(sample.expected) == 1
    entry = sample.expected[0]
    assert set(entry) == {"kind", "format", "document"} and entry["format"] == "pdf"
    model = model_class(ExtractedKind(entry["kind"])).model_validate(entry["document"])
    # The ground truth is exactly the model's JSON, nothing lost or added on the way.
    assert model.model_dump(mode="json", exclude_none=True) == entry["document"]
    assert model.vendor_id in VENDOR_NAMES
    assert sample.vendor_id in (None, model.vendor_id)
    if isinstance(model, Invoice):
        assert entry["kind"] == ("credit_memo" if model.kind.value == "credit_memo" else "invoice")
    else:
        assert isinstance(model, Acknowledgment) and entry["kind"] == "acknowledgment"


@pytest.mark.parametrize("name", [s.name for s in SAMPLES if s.expected[0]["kind"] != "acknowledgment"])
def test_invoice_totals_add_up(name: str) -> None:
    invoice = Invoice.model_validate(BY_NAME[name].expected[0]["document"])
    for line in invoice.lines:
        assert line.amount == (line.quantity * line.unit_price).quantize(Decimal("0.01"), ROUND_HALF_UP), line
    if name.endswith("-inconsistent"):
        assert invoice.total != invoice.computed_total
    else:
        assert invoice.total == invoice.computed_total
        assert invoice.total > 0


@pytest.mark.parametrize("name", list(BY_NAME))
def test_pdf_has_text_showing_the_ground_truth(name: str) -> None:
    sample = BY_NAME[name]
    assert sample.raw.startswith(b"%PDF-")
    pages = page_text(sample.raw)
    assert pages and all(text.strip() for text in pages), "every page has a text layer"
    text = "\n".join(pages)
    folded = text.casefold()
    document = sample.expected[0]["document"]
    number = document.get("invoice_number") or document["ack_id"]
    assert number in text
    assert document["po_number"] in text
    assert VENDOR_NAMES[document["vendor_id"]].casefold() in folded
    if sample.vendor_id is None:  # the page itself must say who sent it
        assert document["vendor_id"] in text
    if "original_invoice_number" in document:
        assert document["original_invoice_number"] in text
    for line in document["lines"]:
        if "item_id" in line:
            assert line["item_id"] in text
        if "uom" in line:
            assert line["uom"] in text
