"""The blind held-out PDF set (tools/supplier_sim/pdf_blind.py) is well-formed: its
ground truth validates and adds up, every file is a PDF with a text layer, and
what the ground truth says is printed on the page. The extractor is not run
here: the set measures it, it is not tuned on it."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import Any

import pdfplumber
import pytest

from models.acknowledgments import Acknowledgment
from models.documents import Invoice, InvoiceKind
from models.extraction import ExtractedKind, model_class
from tools.supplier_sim.pdf_blind import LAYOUTS, layout_of, sample_set
from tools.supplier_sim.samples import Sample

SAMPLES = sample_set()
BY_NAME = {sample.name: sample for sample in SAMPLES}
VENDORS = {"ACME", "NORDIC", "LABWORKS"}


@cache
def page_texts(name: str) -> tuple[str, ...]:
    with pdfplumber.open(io.BytesIO(BY_NAME[name].raw)) as pdf:
        return tuple((page.extract_text() or "").replace("\xa0", " ") for page in pdf.pages)


def text_of(name: str) -> str:
    return re.sub(r"[ \t]+", " ", "\n".join(page_texts(name)))


def document(sample: Sample) -> dict[str, Any]:
    return sample.expected[0]["document"]


def model(sample: Sample) -> Invoice | Acknowledgment:
    entry = sample.expected[0]
    return model_class(ExtractedKind(entry["kind"])).model_validate(entry["document"])


# --- independent renderings of a value, to find it on the page ----------------------------------


def _group(whole: str, sep: str) -> str:
    out = ""
    while len(whole) > 3:
        out = sep + whole[-3:] + out
        whole = whole[:-3]
    return whole + out


def number_forms(value: Decimal) -> set[str]:
    forms = set()
    for places in {max(0, -value.normalize().as_tuple().exponent), 2, 3, 4, -value.as_tuple().exponent}:
        if places < 0:
            continue
        text = f"{abs(value.quantize(Decimal(1).scaleb(-places))):f}"
        if Decimal(text) != abs(value):
            continue
        whole, _, fraction = text.partition(".")
        for sep, point in ((",", "."), (".", ","), ("'", "."), (" ", ","), (" ", "."), ("", "."), ("", ",")):
            forms.add(_group(whole, sep) + (point + fraction if fraction else ""))
    return forms


_MONTHS_EN = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTHS_ES = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]
_MONTHS_FR = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def date_forms(day: date) -> set[str]:
    en = _MONTHS_EN[day.month - 1]
    return {
        day.isoformat(),
        f"{day:%d.%m.%Y}",
        f"{day:%d/%m/%Y}",
        f"{en[:3]} {day.day}, {day.year}",
        f"{day.day:02d}-{en[:3].upper()}-{day.year}",
        f"{day.day} {en} {day.year}",
        f"{day.day} de {_MONTHS_ES[day.month - 1]} de {day.year}",
        f"{day.day} {_MONTHS_FR[day.month - 1]} {day.year}",
    }


_STATUS_WORDS = {
    "accepted": ("accepted", "bestätigt", "angenommen"),
    "accepted_with_changes": ("accepted with changes", "mit änderungen"),
    "changed": ("price change", "geändert"),
    "backordered": ("backordered", "rückstand"),
    "rejected": ("rejected", "abgelehnt"),
}
_CREDIT_WORDS = ("credit", "gutschrift", "nota di credito", "kreditfaktura")


def printed(value: Any, text: str) -> bool:
    if isinstance(value, Decimal):
        return any(form in text for form in number_forms(value))
    if isinstance(value, datetime):
        return printed(value.date(), text) and (
            value.time() == datetime.min.time() or f"{value:%H:%M}" in text
        )
    if isinstance(value, date):
        return any(form in text for form in date_forms(value))
    return str(value) in text


def missing_values(sample: Sample) -> list[str]:
    """Every field of the ground truth that cannot be found on the page."""
    text = text_of(sample.name)
    lower = text.casefold()
    doc = model(sample)
    missing = []

    def check(path: str, value: Any) -> None:
        if not printed(value, text):
            missing.append(f"{path}={value!r}")

    if isinstance(doc, Invoice):
        check("invoice_number", doc.invoice_number)
        check("po_number", doc.po_number)
        check("invoice_date", doc.invoice_date)
        check("currency", doc.currency)
        check("total", doc.total)
        for name in ("freight", "tax"):
            if getattr(doc, name) or name in document(sample):
                if getattr(doc, name) or any(
                    label in lower for label in ("freight", "tax exempt", "(exempt)")
                ):
                    check(name, getattr(doc, name))
        if doc.original_invoice_number is not None:
            check("original_invoice_number", doc.original_invoice_number)
        if doc.kind == InvoiceKind.CREDIT_MEMO and not any(word in lower for word in _CREDIT_WORDS):
            missing.append("kind=credit_memo")
        if doc.payment_terms is not None:
            terms = doc.payment_terms
            check("payment_terms.net_days", terms.net_days)
            if terms.discount_days is not None:
                check("payment_terms.discount_days", terms.discount_days)
                check("payment_terms.discount_percent", terms.discount_percent)
        for i, line in enumerate(doc.lines):
            for name in ("line_no", "quantity", "unit_price", "amount", "uom", "description", "item_id"):
                if getattr(line, name) is not None:
                    check(f"lines[{i}].{name}", getattr(line, name))
    else:
        check("ack_id", doc.ack_id)
        check("po_number", doc.po_number)
        check("acknowledged_at", doc.acknowledged_at)
        if not any(word in lower for word in _STATUS_WORDS[doc.status.value]):
            missing.append(f"status={doc.status.value}")
        if doc.message is not None:
            check("message", doc.message)
        for i, line in enumerate(doc.lines):
            check(f"lines[{i}].line_no", line.line_no)
            if not any(word in lower for word in _STATUS_WORDS[line.status.value]):
                missing.append(f"lines[{i}].status={line.status.value}")
            for name in ("quantity", "unit_price", "promised_date"):
                if getattr(line, name) is not None:
                    check(f"lines[{i}].{name}", getattr(line, name))
    if sample.vendor_id is None:
        check("vendor_id", doc.vendor_id)
    return missing


# --- the set ----------------------------------------------------------------------------------------


def test_the_set_is_large_and_varied_enough() -> None:
    assert len(SAMPLES) >= 24
    assert len(BY_NAME) == len(SAMPLES), "sample names are unique"
    layouts = {layout_of(sample) for sample in SAMPLES}
    assert len(layouts) >= 8 and layouts <= set(LAYOUTS)
    kinds = {entry["kind"] for sample in SAMPLES for entry in sample.expected}
    assert kinds == {"invoice", "credit_memo", "acknowledgment"}
    assert {document(sample)["vendor_id"] for sample in SAMPLES} == VENDORS
    assert len({document(sample).get("currency") for sample in SAMPLES} - {None}) >= 5
    assert any(len(page_texts(sample.name)) > 1 for sample in SAMPLES), "a multi-page document"
    for sample in SAMPLES:
        assert sample.format == "pdf" and sample.filename.endswith(".pdf")
        assert sample.name.startswith("blind-")
        assert len(sample.expected) == 1


def test_rendering_is_deterministic() -> None:
    again = sample_set()
    assert [s.name for s in again] == [s.name for s in SAMPLES]
    for first, second in zip(SAMPLES, again, strict=False):
        assert first.raw == second.raw, f"{first.name}: bytes differ between two calls"
        assert first.expected == second.expected


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_ground_truth_validates_as_its_model(name: str) -> None:
    sample = BY_NAME[name]
    entry = sample.expected[0]
    assert entry["format"] == "pdf"
    assert entry["kind"] in {"invoice", "credit_memo", "acknowledgment"}
    doc = model(sample)
    # the expected document is exactly the model's JSON (nothing the model would drop or add)
    assert doc.model_dump(mode="json", exclude_none=True) == entry["document"]
    assert doc.vendor_id in VENDORS
    if sample.vendor_id is not None:
        assert sample.vendor_id == doc.vendor_id
    if isinstance(doc, Invoice):
        assert (doc.kind == InvoiceKind.CREDIT_MEMO) == (entry["kind"] == "credit_memo")
        assert (doc.original_invoice_number is not None) == (doc.kind == InvoiceKind.CREDIT_MEMO)
    else:
        assert entry["kind"] == "acknowledgment"


INVOICE_NAMES = sorted(
    name for name, sample in BY_NAME.items() if sample.expected[0]["kind"] != "acknowledgment"
)


@pytest.mark.parametrize("name", INVOICE_NAMES)
def test_totals_add_up(name: str) -> None:
    doc = model(BY_NAME[name])
    assert isinstance(doc, Invoice)
    assert all(line.amount is not None for line in doc.lines), "every layout prints line amounts"
    assert doc.lines_total + doc.freight + doc.tax == doc.total
    assert doc.total > 0


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_sample_is_a_pdf_with_a_text_layer(name: str) -> None:
    sample = BY_NAME[name]
    assert sample.raw.startswith(b"%PDF-")
    texts = page_texts(name)
    assert texts and all(len(text.strip()) > 100 for text in texts), "every page has text"


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_document_and_po_numbers_are_on_the_page(name: str) -> None:
    sample = BY_NAME[name]
    doc = document(sample)
    text = text_of(name)
    number = doc.get("invoice_number") or doc["ack_id"]
    assert number in text
    assert doc["po_number"] in text


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_every_expected_value_is_printed(name: str) -> None:
    assert missing_values(BY_NAME[name]) == []
