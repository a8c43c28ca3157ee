"""Reading a PDF fast without reading it differently (issue #19, speed):

- each page is parsed once — its words, tables and images all come from the
  one parse pdfplumber caches on the page object;
- `plumber_page.LeanPage` gives every object exactly what pdfplumber's own
  page gives, characters without their colours, on generated, hand-written
  and real vendors' PDFs;
- the table cells' text read by `page._CharsByMiddle` (one sort of the page's
  characters) is exactly what pdfplumber's `Table.extract()` gives — same
  characters per cell, same order, same text — on every ruled table of
  poflow's generated and hand-written PDFs.

The speed itself is measured by bench/extract_speed.py, not asserted here."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pytest

from activities.intake.extract import extract_file
from activities.intake.pdf.page import _CharsByMiddle
from tools.supplier_sim import pdf as sim

pdfplumber = pytest.importorskip("pdfplumber")

SAMPLES = Path(__file__).resolve().parents[1] / "samples"
HAND_WRITTEN = SAMPLES / "pdf"


def _pdfs() -> list[tuple[str, bytes]]:
    rng = random.Random(19)
    long_grid = sim._make_invoice(rng, 101, "de", lines=48, vendor="NORDIC", gaps=False, freight=True)
    short = sim._make_invoice(rng, 102, "fr", lines=5, vendor="ACME")
    generated = [
        (f"{layout}-{name}", sim.render_pdf(doc, layout=layout, language=language, seed=3))
        for layout in sim.LAYOUTS
        for name, doc, language in (("long-de", long_grid, "de"), ("short-fr", short, "fr"))
    ]
    return generated + [(path.name, path.read_bytes()) for path in sorted(HAND_WRITTEN.glob("*.pdf"))]


@pytest.mark.parametrize(("name", "raw"), _pdfs(), ids=lambda value: value if isinstance(value, str) else "")
def test_cell_texts_are_pdfplumbers(name: str, raw: bytes) -> None:
    tables = 0
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        for page in pdf.pages:
            found = page.find_tables()
            by_middle = _CharsByMiddle(page.chars)
            for table in found:
                tables += 1
                assert by_middle.table_texts(table) == table.extract(), f"{name} page {page.page_number}"
    if name.startswith("grid-"):
        assert tables, "the grid layout draws ruled tables: the comparison must have run"


def test_each_page_is_parsed_once(monkeypatch: pytest.MonkeyPatch) -> None:
    from pdfplumber.page import Page

    parsed: list[int] = []
    parse_objects = Page.parse_objects

    def counting(page: Page) -> object:
        parsed.append(page.page_number)
        return parse_objects(page)

    monkeypatch.setattr(Page, "parse_objects", counting)
    rng = random.Random(7)
    invoices = [sim._make_invoice(rng, 300 + i, "en", lines=4, vendor="ACME") for i in range(3)]
    long_grid = sim._make_invoice(rng, 310, "de", lines=48, vendor="NORDIC", gaps=False, freight=True)
    raw = sim.render_pdf([*invoices, long_grid], layout="grid", language="de", seed=1)

    found = extract_file(raw, filename="four-invoices.pdf")

    assert len(found) == 4
    assert sorted(parsed) == list(range(1, max(parsed) + 1)), "every page once, none twice"
    assert max(parsed) >= 5  # the long invoice ran over a page


def _real_vendor_pdfs() -> list[tuple[str, bytes]]:
    return [(path.name, path.read_bytes()) for path in sorted((SAMPLES / "real-layouts").glob("*.pdf"))]


@pytest.mark.parametrize(
    ("name", "raw"), _pdfs() + _real_vendor_pdfs(), ids=lambda value: value if isinstance(value, str) else ""
)
def test_the_lean_page_gives_pdfplumbers_objects_without_character_colours(name: str, raw: bytes) -> None:
    from pdfplumber.page import Page

    from activities.intake.pdf.plumber_page import DROPPED, LeanPage

    chars = 0
    with pdfplumber.open(io.BytesIO(raw)) as pdf:
        for page_obj in (page.page_obj for page in pdf.pages):
            full = Page(pdf, page_obj, page_number=1, initial_doctop=10.0).objects
            lean = LeanPage(pdf, page_obj, page_number=1, initial_doctop=10.0).objects
            assert lean.keys() == full.keys(), name
            for kind, objects in full.items():
                if kind == "char":
                    objects = [{k: v for k, v in obj.items() if k not in DROPPED} for obj in objects]
                    chars += len(objects)
                assert lean[kind] == objects, f"{name}: {kind}"
    assert chars, f"{name}: a text PDF: the characters must have been compared"
