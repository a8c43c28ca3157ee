"""`poflow match`: the engine offline on JSON files — exit codes, the JSON it
prints, one-line errors naming the file and field, receipts, invoice history
and tolerance files. Documents are docs/examples/*.json, adjusted and written
in tmp_path."""

from __future__ import annotations

import copy
import io
import json
import subprocess
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from models import GoodsReceipt, Invoice, MatchRequest, MatchResult, PurchaseOrder, ToleranceProfile
from starter import cli
from starter.match_cli import build_match_request

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "examples"
def example(name: str) -> dict[str, Any]:
    return json.loads((EXAMPLES / f"{name}.json").read_text())


def with_total(invoice: dict[str, Any]) -> dict[str, Any]:
    """Header total = Σ quantity × price + freight + tax, so only what a test
    changes on purpose can cause a hold."""
    lines = sum(Decimal(line["quantity"]) * Decimal(line["unit_price"]) for line in invoice["lines"])
    total = lines + Decimal(invoice.get("freight", "0")) + Decimal(invoice.get("tax", "0"))
    return {**invoice, "total": str(total.quantize(Decimal("0.01")))}


def an_invoice(number: str, lines: list[tuple[int, str, str]], **extra: Any) -> dict[str, Any]:
    body = copy.deepcopy(example("invoice"))
    body.update(invoice_number=number, freight="0", tax="0", **extra)
    body["lines"] = [{"line_no": n, "quantity": q, "unit_price": p} for n, q, p in lines]
    return with_total(body)


def a_receipt(receipt_id: str, lines: list[tuple[int, str]]) -> dict[str, Any]:
    body = copy.deepcopy(example("receipt"))
    body["receipt_id"] = receipt_id
    body["lines"] = [{"line_no": n, "quantity_received": q} for n, q in lines]
    return body


class Files:
    """Writes documents into tmp_path and runs `poflow match` on them."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def write(self, name: str, content: dict[str, Any] | list[Any] | str) -> str:
        path = self.root / name
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=2))
        return str(path)

    def match(self, *argv: str) -> tuple[int, str, str]:
        out, err = io.StringIO(), io.StringIO()
        code = cli.run(["match", *argv], io=cli.Io(io.BytesIO(), out, err))
        return code, out.getvalue(), err.getvalue()

    def match_examples(self, *extra: str, invoice: dict[str, Any] | None = None) -> tuple[int, str, str]:
        """The docs' PO, receipt and invoice (plus `extra` arguments)."""
        return self.match(
            "--po", self.write("purchase_order.json", example("purchase_order")),
            "--receipt", self.write("receipt.json", example("receipt")),
            "--invoice", self.write("invoice.json", invoice or example("invoice")),
            *extra,
        )


@pytest.fixture
def files(tmp_path: Path) -> Files:
    return Files(tmp_path)


def result_of(stdout: str) -> MatchResult:
    return MatchResult.model_validate_json(stdout)


def assert_one_line_error(code: int, stdout: str, stderr: str, expected: str) -> None:
    assert code == 2
    assert stdout == ""
    assert stderr.endswith("\n") and stderr.count("\n") == 1, stderr
    assert "Traceback" not in stderr
    assert stderr.rstrip("\n") == expected


# --- approve / hold ---------------------------------------------------------------------


def test_matching_invoice_approves_exit_0_with_the_result_as_indented_json(files: Files) -> None:
    code, out, err = files.match_examples()

    assert (code, err) == (0, "")
    assert out.startswith('{\n  "invoice_id"')  # indent 2
    result = result_of(out)
    assert result.decision == "approve" and result.holds == []
    assert result.invoice_id == "invoice:ACME:ACMEINV30211" and result.po_number == "PO-1001"
    assert [(line.line_no, line.received, line.accepted, line.invoiced) for line in result.lines] == [
        (1, 120, 120, 120),
        (2, 80, 78, 78),
    ]
    assert result.tolerance_source == "default v1"  # no tolerance file: the engine's default profile
    assert result.matched_at is None  # no clock: same files, same output


def test_same_files_give_byte_identical_output(files: Files) -> None:
    assert files.match_examples() == files.match_examples()


def test_invoice_without_receipt_holds_exit_3_with_the_holds_code_and_message(files: Files) -> None:
    code, out, err = files.match(
        "--po", files.write("po.json", example("purchase_order")),
        "--invoice", files.write("inv.json", example("invoice")),
    )

    assert (code, err) == (3, "")
    result = result_of(out)
    assert result.decision == "hold"
    assert [(hold.code, hold.line_no) for hold in result.holds] == [("NO_RECEIPT", 1), ("NO_RECEIPT", 2)]
    raw = json.loads(out)
    assert raw["holds"][0]["code"] == "NO_RECEIPT"
    assert raw["holds"][0]["message"] == (
        "Line 1: billed 120 EA but nothing has been received yet; waiting for the goods receipt"
    )


def test_price_beyond_default_tolerance_holds_with_price_message(files: Files) -> None:
    invoice = an_invoice("INV-P", [(1, "120", "12.50"), (2, "78", "6.40")])  # line 1: +5.04%

    code, out, _ = files.match_examples(invoice=invoice)

    assert code == 3
    hold = json.loads(out)["holds"][0]
    assert (hold["code"], hold["line_no"], hold["tolerance"], hold["source"]) == (
        "PRICE", 1, "price over +2%", "default v1"
    )
    assert hold["message"] == "Line 1: price 12.50 USD is 5.04% above the agreed 11.90 USD (tolerance +2%)"


def test_console_script_exit_codes_through_a_real_process(files: Files) -> None:
    po = files.write("po.json", example("purchase_order"))
    receipt = files.write("r.json", example("receipt"))
    invoice = files.write("inv.json", example("invoice"))

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "starter.cli", "match", *argv],
            cwd=ROOT, capture_output=True, text=True, timeout=60,
        )

    approved = run("--po", po, "--receipt", receipt, "--invoice", invoice)
    held = run("--po", po, "--invoice", invoice)
    bad = run("--po", po, "--invoice", files.write("bad.json", "{"))

    assert approved.returncode == 0 and json.loads(approved.stdout)["decision"] == "approve"
    assert held.returncode == 3 and json.loads(held.stdout)["decision"] == "hold"
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.splitlines() == [
        f"poflow match: {files.root / 'bad.json'}: not valid JSON: "
        "EOF while parsing an object at line 1 column 1"
    ]


# --- malformed input: exit 2, one line naming the file and the field ------------------------


def test_bad_decimal_in_invoice_names_file_and_field(files: Files) -> None:
    invoice = example("invoice")
    invoice["lines"][0]["quantity"] = "twelve"
    path = files.write("invoice.json", invoice)

    code, out, err = files.match("--po", files.write("po.json", example("purchase_order")), "--invoice", path)

    assert_one_line_error(
        code, out, err, f"poflow match: {path}: lines[0].quantity: Input should be a valid decimal"
    )


def test_missing_field_in_po_names_file_and_field(files: Files) -> None:
    po = example("purchase_order")
    del po["lines"][1]["unit_price"]
    path = files.write("po.json", po)

    code, out, err = files.match("--po", path, "--invoice", files.write("inv.json", example("invoice")))

    assert_one_line_error(code, out, err, f"poflow match: {path}: lines[1].unit_price: Field required")


def test_bad_receipt_names_the_receipt_file(files: Files) -> None:
    good = files.write("r1.json", a_receipt("GR-1", [(1, "60")]))
    receipt = a_receipt("GR-2", [(1, "60")])
    receipt["lines"][0]["quantity_rejected"] = "70"
    bad = files.write("r2.json", receipt)

    code, out, err = files.match(
        "--po", files.write("po.json", example("purchase_order")),
        "--receipt", good, "--receipt", bad,
        "--invoice", files.write("inv.json", example("invoice")),
    )

    assert_one_line_error(
        code, out, err, f"poflow match: {bad}: lines[0]: quantity_rejected cannot exceed quantity_received"
    )


def test_bad_invoice_history_names_the_history_file(files: Files) -> None:
    earlier = an_invoice("INV-0", [(1, "10", "11.90")])
    earlier["currency"] = "usd"
    path = files.write("earlier.json", earlier)

    code, out, err = files.match_examples("--invoice-history", path)

    assert code == 2 and out == ""
    assert err.startswith(f"poflow match: {path}: currency: ") and err.count("\n") == 1


def test_unknown_field_is_an_error_not_silently_dropped(files: Files) -> None:
    invoice = example("invoice")
    invoice["lines"][1]["quantiy"] = "3"
    path = files.write("invoice.json", invoice)

    code, out, err = files.match("--po", files.write("po.json", example("purchase_order")), "--invoice", path)

    assert_one_line_error(
        code, out, err, f"poflow match: {path}: lines[1].quantiy: Extra inputs are not permitted"
    )


def test_several_problems_are_summarised_on_one_line(files: Files) -> None:
    invoice = example("invoice")
    invoice["lines"][0]["quantity"] = "x"
    invoice["lines"][1]["unit_price"] = "-1"
    path = files.write("invoice.json", invoice)

    code, out, err = files.match("--po", files.write("po.json", example("purchase_order")), "--invoice", path)

    assert_one_line_error(
        code, out, err,
        f"poflow match: {path}: lines[0].quantity: Input should be a valid decimal (and 1 more problem)",
    )


def test_missing_file_names_the_file(files: Files, tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.json")

    code, out, err = files.match("--po", missing, "--invoice", files.write("inv.json", example("invoice")))

    assert_one_line_error(code, out, err, f"poflow match: {missing}: no such file")


def test_invalid_json_names_the_file(files: Files) -> None:
    path = files.write("po.json", '{"po_number": "PO-1001",')

    code, out, err = files.match("--po", path, "--invoice", files.write("inv.json", example("invoice")))

    assert code == 2 and out == ""
    assert err.startswith(f"poflow match: {path}: not valid JSON: ") and err.count("\n") == 1


def test_empty_file_names_the_file(files: Files) -> None:
    path = files.write("receipt.json", "  \n")

    code, out, err = files.match(
        "--po", files.write("po.json", example("purchase_order")), "--receipt", path,
        "--invoice", files.write("inv.json", example("invoice")),
    )

    assert_one_line_error(
        code, out, err, f"poflow match: {path}: empty, expected a GoodsReceipt JSON document"
    )


def test_document_for_another_po_is_refused(files: Files) -> None:
    receipt = example("receipt")
    receipt["po_number"] = "PO-2002"
    path = files.write("receipt.json", receipt)

    code, out, err = files.match(
        "--po", files.write("po.json", example("purchase_order")), "--receipt", path,
        "--invoice", files.write("inv.json", example("invoice")),
    )

    assert_one_line_error(
        code, out, err, f"poflow match: {path}: po_number: 'PO-2002' does not match the PO's 'PO-1001'"
    )


def test_bad_tolerance_field_names_the_tolerance_file_and_field(files: Files) -> None:
    path = files.write("t.json", {"profiles": [{"name": "strict", "price_over_pct": "two"}]})

    code, out, err = files.match_examples("--tolerances", path)

    assert_one_line_error(
        code, out, err, f"poflow match: {path}: profiles[0].price_over_pct: Input should be a valid decimal"
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("[1, 2]", 'expected a JSON object, {"profiles": [...]} or a single tolerance profile'),
        ('{"profiles": []}', "profiles: List should have at least 1 item after validation, not 0"),
        ('{"profiles": [{"price_over_pct": 1}], "comment": "x"}', "comment: Extra inputs are not permitted"),
    ],
)
def test_malformed_tolerance_file(files: Files, content: str, reason: str) -> None:
    path = files.write("t.json", content)

    code, out, err = files.match_examples("--tolerances", path)

    assert_one_line_error(code, out, err, f"poflow match: {path}: {reason}")


def test_tolerance_file_invalid_json_names_the_file(files: Files) -> None:
    path = files.write("t.json", '{"profiles": [')

    code, out, err = files.match_examples("--tolerances", path)

    assert code == 2 and out == ""
    assert err.startswith(f"poflow match: {path}: not valid JSON: ") and err.count("\n") == 1


def test_missing_required_argument_is_a_usage_error(files: Files) -> None:
    with pytest.raises(SystemExit) as exit_info:
        files.match("--po", files.write("po.json", example("purchase_order")))
    assert exit_info.value.code == 2


# --- several receipts, invoice history --------------------------------------------------------


def test_several_receipts_add_up_per_line(files: Files) -> None:
    po = files.write("po.json", example("purchase_order"))
    first = files.write("gr1.json", a_receipt("GR-1", [(1, "70"), (2, "40")]))
    second = files.write("gr2.json", a_receipt("GR-2", [(1, "50"), (2, "40")]))
    invoice = files.write("inv.json", an_invoice("INV-1", [(1, "120", "11.90"), (2, "80", "6.40")]))

    only_first = files.match("--po", po, "--receipt", first, "--invoice", invoice)
    both = files.match("--po", po, "--receipt", first, "--receipt", second, "--invoice", invoice)

    assert only_first[0] == 3
    assert [(h.code, h.line_no, h.expected) for h in result_of(only_first[1]).holds] == [
        ("QTY_RECEIVED", 1, 70), ("QTY_RECEIVED", 2, 40),
    ]
    assert both[0] == 0
    assert [(line.line_no, line.received) for line in result_of(both[1]).lines] == [(1, 120), (2, 80)]


def test_invoice_history_counts_cumulatively(files: Files) -> None:
    po = files.write("po.json", example("purchase_order"))
    receipt = files.write("gr.json", a_receipt("GR-1", [(1, "120"), (2, "80")]))
    earlier = files.write("inv1.json", an_invoice("INV-1", [(1, "60", "11.90")]))
    invoice = files.write("inv2.json", an_invoice("INV-2", [(1, "60", "11.90")]))

    code, out, _ = files.match(
        "--po", po, "--receipt", receipt, "--invoice-history", earlier, "--invoice", invoice
    )

    assert code == 0
    line = result_of(out).lines[0]
    assert (line.previously_invoiced, line.invoiced) == (60, 60)


def test_invoice_history_over_billing_holds_and_a_credit_memo_nets_it(files: Files) -> None:
    po = files.write("po.json", example("purchase_order"))
    receipt = files.write("gr.json", a_receipt("GR-1", [(1, "120"), (2, "80")]))
    history = [
        files.write("inv1.json", an_invoice("INV-1", [(1, "60", "11.90")])),
        files.write("inv2.json", an_invoice("INV-2", [(1, "60", "11.90")])),
    ]
    credit = files.write("cm.json", an_invoice("CM-1", [(1, "60", "11.90")], kind="credit_memo"))
    invoice = files.write("inv3.json", an_invoice("INV-3", [(1, "60", "11.90")]))
    args = ["--po", po, "--receipt", receipt, "--invoice", invoice]
    for path in history:
        args += ["--invoice-history", path]

    over_code, over_out, _ = files.match(*args)
    netted_code, netted_out, _ = files.match(*args, "--invoice-history", credit)

    assert over_code == 3
    holds = result_of(over_out).holds
    assert [(h.code, h.line_no, h.expected, h.actual) for h in holds] == [
        ("QTY_ORDERED", 1, 120, 180), ("QTY_RECEIVED", 1, 120, 180),
    ]
    assert "billed 180 EA to date (120 EA before this invoice)" in holds[0].message
    assert netted_code == 0
    assert result_of(netted_out).lines[0].previously_invoiced == 60


# --- tolerance files ----------------------------------------------------------------------------


def test_stricter_tolerance_file_turns_approve_into_hold(files: Files) -> None:
    # The docs' invoice bills line 1 at 12.10 vs 11.90 agreed: +1.68%, inside the default +2%.
    strict = files.write("t.json", {"profiles": [{"name": "strict", "version": 3, "price_over_pct": "1"}]})

    default_code, _, _ = files.match_examples()
    code, out, err = files.match_examples("--tolerances", strict)

    assert default_code == 0
    assert (code, err) == (3, "")
    result = result_of(out)
    assert result.tolerance_source == "strict v3"
    [hold] = result.holds
    assert (hold.code, hold.line_no, hold.source) == ("PRICE", 1, "strict v3")
    assert hold.tolerance == "price over +1%"
    assert hold.message == "Line 1: price 12.10 USD is 1.68% above the agreed 11.90 USD (tolerance +1%)"


def test_looser_single_profile_object_turns_hold_into_approve(files: Files) -> None:
    invoice = an_invoice("INV-P", [(1, "120", "12.50"), (2, "78", "6.40")])  # +5.04%
    loose = files.write("t.json", {"name": "loose", "price_over_pct": "6"})  # one profile, no wrapper

    held, _, _ = files.match_examples(invoice=invoice)
    code, out, _ = files.match_examples("--tolerances", loose, invoice=invoice)

    assert held == 3
    assert code == 0 and result_of(out).tolerance_source == "loose v1"


def test_tolerance_limit_off_with_null(files: Files) -> None:
    """`null` = not checked: receiving is not required to pass when over-received is off."""
    unchecked = files.write("t.json", {"profiles": [{"name": "no-qty", "qty_over_received_pct": None}]})
    receipt = files.write("gr.json", a_receipt("GR-1", [(1, "100"), (2, "80")]))
    invoice = files.write("inv.json", an_invoice("INV-1", [(1, "120", "11.90")]))
    po = files.write("po.json", example("purchase_order"))

    strict, _, _ = files.match("--po", po, "--receipt", receipt, "--invoice", invoice)
    code, _, _ = files.match(
        "--po", po, "--receipt", receipt, "--invoice", invoice, "--tolerances", unchecked
    )

    assert (strict, code) == (3, 0)


def test_scoped_profiles_are_resolved_per_line(files: Files) -> None:
    """Item-scoped strict profile for line 1's item, default elsewhere."""
    profiles = files.write("t.json", {"profiles": [
        {"name": "default"},
        {"name": "gloves", "item_id": "MRO-GLOVE-NITRILE-L", "price_over_pct": "1"},
    ]})
    invoice = an_invoice("INV-S", [(1, "120", "12.10"), (2, "78", "6.50")])  # +1.68% and +1.56%

    code, out, _ = files.match_examples("--tolerances", profiles, invoice=invoice)

    assert code == 3
    assert [(hold.code, hold.line_no) for hold in result_of(out).holds] == [("PRICE", 1)]


def test_ambiguous_profiles_are_bad_input_naming_the_file(files: Files) -> None:
    """Two default profiles would tie: refused, and the file's field is named."""
    path = files.write("t.json", {"profiles": [{"name": "a"}, {"name": "b"}]})

    code, out, err = files.match_examples("--tolerances", path)

    assert code == 2 and out == ""
    assert err.startswith(f"poflow match: {path}: profiles: ") and err.count("\n") == 1, err
    assert "Traceback" not in err


# --- the request helper ---------------------------------------------------------------------------


def test_build_match_request_passes_the_tolerance_candidates() -> None:
    po = PurchaseOrder.model_validate(example("purchase_order"))
    invoice = Invoice.model_validate(example("invoice"))
    receipt = GoodsReceipt.model_validate(example("receipt"))
    strict = ToleranceProfile(name="strict", price_over_pct=Decimal("1"))

    default = build_match_request(po=po, invoice=invoice, receipts=[receipt])
    chosen = build_match_request(po=po, invoice=invoice, receipts=[receipt], profiles=[strict])

    assert default.receipts == [receipt] and default.prior_invoices == []
    assert default.tolerance_profiles == [ToleranceProfile()]
    assert chosen.tolerance_profiles == [strict]


# --- the documented tolerance file ------------------------------------------------------------------


def test_documented_tolerance_example_resolves_per_line(files: Files) -> None:
    """docs/examples/tolerances.json on the docs' PO, receipt and invoice: the
    item profile holds line 1 (+1.68% and +0.20/unit, beyond +1% and +0.05),
    line 2 uses the vendor profile."""
    code, out, err = files.match_examples("--tolerances", str(EXAMPLES / "tolerances.json"))

    assert (code, err) == (3, "")
    result = result_of(out)
    assert [(hold.code, hold.line_no, hold.source) for hold in result.holds] == [
        ("PRICE", 1, "gloves-strict v2")
    ]
    lines = json.loads(out)["lines"]
    assert [line["tolerance_source"] for line in lines] == ["gloves-strict v2", "acme v1"]


def test_documented_tolerance_example_is_shown_verbatim() -> None:
    example_text = (EXAMPLES / "tolerances.json").read_text().strip()
    assert example_text in (ROOT / "README.md").read_text(), "docs/examples/tolerances.json must appear verbatim"


def test_seed_tolerance_file_is_a_valid_tolerance_file(files: Files) -> None:
    """The profiles the database is seeded from can be tried offline as they are."""
    code, out, err = files.match_examples("--tolerances", str(ROOT / "seed" / "tolerances.json"))

    assert code in (0, 3) and err == ""
    assert result_of(out).tolerance_source is not None
