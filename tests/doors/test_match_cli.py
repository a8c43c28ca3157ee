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
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from models import (
    GoodsReceipt,
    HoldStatus,
    Invoice,
    MatchRecord,
    MatchRequest,
    MatchResult,
    PurchaseOrder,
    ToleranceProfile,
)
from starter import cli
from starter.match_input import build_match_request

ROOT = Path(__file__).resolve().parents[2]
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
            "--po",
            self.write("purchase_order.json", example("purchase_order")),
            "--receipt",
            self.write("receipt.json", example("receipt")),
            "--invoice",
            self.write("invoice.json", invoice or example("invoice")),
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
        "--po",
        files.write("po.json", example("purchase_order")),
        "--invoice",
        files.write("inv.json", example("invoice")),
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
        "PRICE",
        1,
        "price over +2%",
        "default v1",
    )
    assert hold["message"] == "Line 1: price 12.50 USD is 5.04% above the agreed 11.90 USD (tolerance +2%)"


def test_console_script_exit_codes_through_a_real_process(files: Files) -> None:
    po = files.write("po.json", example("purchase_order"))
    receipt = files.write("r.json", example("receipt"))
    invoice = files.write("inv.json", example("invoice"))

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "starter.cli", "match", *argv],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
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
        "--po",
        files.write("po.json", example("purchase_order")),
        "--receipt",
        good,
        "--receipt",
        bad,
        "--invoice",
        files.write("inv.json", example("invoice")),
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
        code,
        out,
        err,
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
        "--po",
        files.write("po.json", example("purchase_order")),
        "--receipt",
        path,
        "--invoice",
        files.write("inv.json", example("invoice")),
    )

    assert_one_line_error(
        code, out, err, f"poflow match: {path}: empty, expected a GoodsReceipt JSON document"
    )


def test_document_for_another_po_is_refused(files: Files) -> None:
    receipt = example("receipt")
    receipt["po_number"] = "PO-2002"
    path = files.write("receipt.json", receipt)

    code, out, err = files.match(
        "--po",
        files.write("po.json", example("purchase_order")),
        "--receipt",
        path,
        "--invoice",
        files.write("inv.json", example("invoice")),
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
    code, out, err = files.match("--po", files.write("po.json", example("purchase_order")))

    assert_one_line_error(
        code,
        out,
        err,
        "poflow match: --invoice required (or --request REQUEST.json, or --stored INVOICE_ID)",
    )


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
        ("QTY_RECEIVED", 1, 70),
        ("QTY_RECEIVED", 2, 40),
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
        ("QTY_ORDERED", 1, 120, 180),
        ("QTY_RECEIVED", 1, 120, 180),
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
    profiles = files.write(
        "t.json",
        {
            "profiles": [
                {"name": "default"},
                {"name": "gloves", "item_id": "MRO-GLOVE-NITRILE-L", "price_over_pct": "1"},
            ]
        },
    )
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
    assert example_text in (ROOT / "README.md").read_text(), (
        "docs/examples/tolerances.json must appear verbatim"
    )


def test_seed_tolerance_file_is_a_valid_tolerance_file(files: Files) -> None:
    """The profiles the database is seeded from can be tried offline as they are."""
    code, out, err = files.match_examples("--tolerances", str(ROOT / "seed" / "tolerances.json"))

    assert code in (0, 3) and err == ""
    assert result_of(out).tolerance_source is not None


# --- what the workflow's request carries: --request, the options, --stored -----------------------------


def the_docs_request(**update: Any) -> MatchRequest:
    """The docs' PO, receipt and invoice as one request, as the workflow would send it."""
    request = build_match_request(
        po=PurchaseOrder.model_validate(example("purchase_order")),
        invoice=Invoice.model_validate(example("invoice")),
        receipts=[GoodsReceipt.model_validate(example("receipt"))],
    )
    return request.model_copy(update=update)


def test_a_request_file_gives_what_the_same_documents_give_as_files(files: Files) -> None:
    by_files = files.match_examples()
    by_request = files.match(
        "--request", files.write("request.json", the_docs_request().model_dump(mode="json"))
    )

    assert by_request == by_files and by_request[0] == 0


def test_a_stored_record_is_replayed_with_its_stamp_and_said_equal(files: Files) -> None:
    from p2p.matching import match_invoice

    request = the_docs_request()
    stored = match_invoice(request, matched_at=datetime(2026, 12, 6, 9, 30, tzinfo=UTC))
    record = files.write("record.json", MatchRecord(request=request, result=stored).model_dump(mode="json"))

    code, out, err = files.match("--request", record)

    assert code == 0
    assert result_of(out) == stored  # the stored matched_at is reused: equal as a whole
    assert err == "poflow match: replay equals the stored result: approve\n"


def test_a_replay_that_differs_from_the_stored_result_says_so(files: Files) -> None:
    from p2p.matching import match_invoice

    request = the_docs_request()
    held = match_invoice(request.model_copy(update={"receipts": []}))  # what an older engine might have said
    record = files.write("record.json", MatchRecord(request=request, result=held).model_dump(mode="json"))

    code, _, err = files.match("--request", record)

    assert code == 0  # the exit code is the replay's decision
    assert err == (
        "poflow match: replay DIFFERS from the stored result: stored hold (NO_RECEIPT line 1, "
        "NO_RECEIPT line 2), replay approve\n"
    )


def test_same_answer_with_other_wording_names_the_fields_that_differ(files: Files) -> None:
    from p2p.matching import match_invoice

    request = the_docs_request(receipts=[])
    stored = match_invoice(request)
    reworded = stored.model_copy(
        update={"holds": [h.model_copy(update={"message": "older wording"}) for h in stored.holds]}
    )
    record = files.write("record.json", MatchRecord(request=request, result=reworded).model_dump(mode="json"))

    code, _, err = files.match("--request", record)

    assert code == 3
    assert err == (
        "poflow match: replay has the stored decision, hold (NO_RECEIPT line 1, NO_RECEIPT line 2); "
        "other fields differ: holds\n"
    )


def test_what_only_a_request_carries_is_replayed(files: Files) -> None:
    """Manual and released holds and the audit draw have no file option."""
    from p2p.matching import match_invoice

    held = match_invoice(the_docs_request(receipts=[]))
    released = [
        h.model_copy(update={"status": HoldStatus.RELEASED, "released_by": "anna.apmanager"})
        for h in held.holds
    ]
    manual = [{"code": "MANUAL", "line_no": None, "message": "Held by carl.clerk: bank details changed"}]
    request = the_docs_request(receipts=[], released_holds=released)
    data = request.model_dump(mode="json") | {
        "manual_holds": manual,
        "audit_selected": True,
        "audit_basis": "random audit 2% of invoices: drawn",
    }

    code, out, _ = files.match("--request", files.write("request.json", data))

    assert code == 3
    assert sorted((h.code, h.status) for h in result_of(out).holds) == [
        ("MANUAL", "open"),
        ("NO_RECEIPT", "released"),
        ("NO_RECEIPT", "released"),
        ("RANDOM_AUDIT", "open"),
    ]


def test_an_earlier_invoice_with_the_same_number_counts_and_holds_as_a_duplicate(files: Files) -> None:
    """It no longer drops out of billed-to-date: the engine holds the copy."""
    earlier = files.write("earlier.json", example("invoice") | {"invoice_number": "acme inv 030211"})

    code, out, _ = files.match_examples("--invoice-history", earlier)

    assert code == 3
    result = result_of(out)
    assert "DUPLICATE" in [h.code for h in result.holds]
    assert result.lines[0].previously_invoiced == 120


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        (
            "bad field",
            lambda: {
                "po": example("purchase_order"),
                "invoice": example("invoice")
                | {"lines": [{"line_no": 1, "quantity": "x", "unit_price": "1"}]},
            },
            "invoice.lines[0].quantity: Input should be a valid decimal",
        ),
        ("not json", lambda: "{", "not valid JSON: EOF while parsing an object at line 1 column 1"),
        (
            "record without request",
            lambda: {
                "request": None,
                "result": {
                    "invoice_id": "invoice:ACME:X1",
                    "po_number": "PO-1001",
                    "po_revision": 0,
                    "decision": "approve",
                },
            },
            "request: the record was stored without its request (before migration 0003): nothing to replay",
        ),
        (
            "record for another invoice",
            lambda: {
                "request": the_docs_request().model_dump(mode="json"),
                "result": {
                    "invoice_id": "invoice:ACME:X1",
                    "po_number": "PO-1001",
                    "po_revision": 0,
                    "decision": "approve",
                },
            },
            "request is for invoice:ACME:ACMEINV30211, result for invoice:ACME:X1",
        ),
    ],
)
def test_a_bad_request_file_names_the_file_and_field(
    files: Files, name: str, content: Any, expected: str
) -> None:
    path = files.write("request.json", content())

    code, out, err = files.match("--request", path)

    assert_one_line_error(code, out, err, f"poflow match: {path}: {expected}")


def test_request_and_document_files_do_not_mix(files: Files) -> None:
    request = files.write("request.json", the_docs_request().model_dump(mode="json"))

    code, out, err = files.match(
        "--request", request, "--po", files.write("po.json", example("purchase_order"))
    )

    assert_one_line_error(
        code,
        out,
        err,
        "poflow match: --request and --po cannot be combined: --request and --stored replay a whole request",
    )


def test_po_closed_holds_po_not_open(files: Files) -> None:
    code, out, _ = files.match_examples("--po-closed")

    assert code == 3 and "PO_NOT_OPEN" in [h.code for h in result_of(out).holds]


def test_a_candidate_invoice_on_another_po_is_a_suspected_duplicate(files: Files) -> None:
    other = example("invoice") | {
        "invoice_number": "ACME-INV-29001",
        "po_number": "PO-0999",
        "invoice_date": "2026-11-20",
    }
    candidate = files.write("other.json", other)

    inside = files.match_examples("--candidate", candidate)
    outside = files.match_examples("--candidate", candidate, "--duplicate-window-days", "10")

    assert inside[0] == 3
    [hold] = [h for h in result_of(inside[1]).holds if h.code == "SUSPECTED_DUPLICATE"]
    assert hold.related_document_id == "invoice:ACME:ACMEINV29001"
    assert outside[0] == 0  # 15 days apart, and the numbers are not alike


def test_tax_rate_checks_the_invoice_tax(files: Files) -> None:
    """The docs' invoice bills 160.99 tax on 1,951.20: 8.25%, over a 5% rate."""
    taxed = files.write("t.json", {"name": "taxed", "tax_over_pct": "1"})

    unchecked, _, _ = files.match_examples("--tolerances", taxed)
    code, out, _ = files.match_examples("--tolerances", taxed, "--tax-rate", "5")

    assert unchecked == 0  # no rate, no expected tax
    assert code == 3 and [h.code for h in result_of(out).holds] == ["TAX"]


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["--duplicate-window-days", "400"],
            "--duplicate-window-days: Input should be less than or equal to 366",
        ),
        (
            ["--duplicate-window-days", "a week"],
            "--duplicate-window-days: 'a week' is not a whole number of days",
        ),
        (["--tax-rate", "abc"], "--tax-rate: 'abc' is not a number (percent, e.g. 8.25)"),
        (["--tax-rate", "120"], "--tax-rate: Input should be less than or equal to 100"),
    ],
)
def test_bad_options_name_the_option(files: Files, argv: list[str], expected: str) -> None:
    code, out, err = files.match_examples(*argv)

    assert_one_line_error(code, out, err, f"poflow match: {expected}")


@pytest.fixture
def stored_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> MatchRecord:
    """A database (DATABASE_URL) holding two matches of the docs' invoice:
    held before the receipt, approved after."""
    from activities.db import make_engine, migrate, repository
    from p2p.matching import match_invoice

    url = f"sqlite:///{tmp_path / 'poflow.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = make_engine(url)
    migrate(engine)
    latest = None
    for day, request in ((5, the_docs_request(receipts=[])), (6, the_docs_request())):
        latest = MatchRecord(
            request=request, result=match_invoice(request, matched_at=datetime(2026, 12, day, tzinfo=UTC))
        )
        repository.insert_match_result(engine, latest)
    engine.dispose()
    assert latest is not None
    return latest


def test_stored_replays_the_latest_match_of_an_invoice(files: Files, stored_db: MatchRecord) -> None:
    code, out, err = files.match("--stored", "invoice:ACME:acme-inv-030211")  # spelled as people do

    assert code == 0 and result_of(out) == stored_db.result
    assert err == "poflow match: replay equals the stored result: approve\n"


def test_stored_export_writes_the_record_that_request_replays(files: Files, stored_db: MatchRecord) -> None:
    code, out, err = files.match("--stored", "invoice:ACME:ACME-INV-30211", "--export")

    assert (code, err) == (0, "")
    assert MatchRecord.model_validate_json(out) == stored_db
    again = files.match("--request", files.write("record.json", out))
    assert again[0] == 0 and "replay equals the stored result" in again[2]


@pytest.mark.parametrize(
    ("argv", "code", "expected"),
    [
        (["--stored", "invoice:ACME:NOPE-1"], 4, "no stored match of invoice:ACME:NOPE1 to replay (none)"),
        (
            ["--stored", "ACME-INV-30211"],
            2,
            "--stored: 'ACME-INV-30211' is not an invoice id: expected "
            "invoice:VENDOR:NUMBER (credit:VENDOR:NUMBER for a credit memo)",
        ),
        (["--export"], 2, "--export needs --stored INVOICE_ID"),
    ],
)
def test_stored_errors(
    files: Files, stored_db: MatchRecord, argv: list[str], code: int, expected: str
) -> None:
    got, out, err = files.match(*argv)

    assert (got, out) == (code, "")
    assert err == f"poflow match: {expected}\n"
