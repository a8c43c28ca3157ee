"""The JSON examples in docs/examples (and in the README) are valid documents,
and the README shows them as they are: the docs cannot drift from the models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pydantic import BaseModel

from models import Acknowledgment, GoodsReceipt, Invoice, InvoiceKind, PurchaseOrder
from models.inspections import InspectionResult
from models.returns import ReturnToVendor
from starter.api.tasks import DecisionRequest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = {
    "purchase_order": PurchaseOrder,
    "acknowledgment": Acknowledgment,
    "receipt": GoodsReceipt,
    "invoice": Invoice,
    "credit_memo": Invoice,
    "return_to_vendor": ReturnToVendor,
    "inspection": InspectionResult,
}


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_is_a_valid_document(name: str) -> None:
    model: type[BaseModel] = EXAMPLES[name]
    document = model.model_validate_json((ROOT / "docs/examples" / f"{name}.json").read_text())
    assert document.model_dump(mode="json", exclude_defaults=True)  # round-trips to JSON


def test_invoice_example_adds_up() -> None:
    invoice = Invoice.model_validate_json((ROOT / "docs/examples/invoice.json").read_text())
    assert invoice.computed_total == invoice.total
    credit = Invoice.model_validate_json((ROOT / "docs/examples/credit_memo.json").read_text())
    assert credit.kind == InvoiceKind.CREDIT_MEMO and credit.computed_total == credit.total


def test_decision_example_is_a_decision_body() -> None:
    body = json.loads((ROOT / "docs/examples/decision.json").read_text())
    # The API's body: the decider is the caller, never a name in it.
    assert DecisionRequest.model_validate(body).decision == "accept_variance"


@pytest.mark.parametrize("name", sorted([*EXAMPLES, "decision"]))
def test_readme_shows_the_example_verbatim(name: str) -> None:
    readme = (ROOT / "README.md").read_text()
    assert (ROOT / "docs/examples" / f"{name}.json").read_text().strip() in readme
