"""bench/match_bench.py runs and reports the right rows (quick mode, tiny
sizes). No timing assertions: this only keeps the benchmark from rotting."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from bench import match_bench


def run(*argv: str) -> str:
    out = io.StringIO()
    assert match_bench.main(list(argv), out=out) == 0
    return out.getvalue()


def table_rows(text: str) -> list[list[str]]:
    rows = [line for line in text.splitlines() if line.startswith("|")]
    return [[cell.strip() for cell in row.strip("|").split("|")] for row in rows]


def test_default_sizes_are_the_issues_1_100_10000() -> None:
    assert match_bench.DEFAULT_SIZES == (1, 100, 10_000)


def test_quick_markdown_table_has_one_row_per_size(tmp_path: Path) -> None:
    json_file = tmp_path / "bench.json"

    text = run("--quick", "--sizes", "1,3,5", "--json", str(json_file))

    header, separator, *rows = table_rows(text)
    assert header == list(match_bench.HEADERS)
    assert set("".join(separator)) <= set("-:")
    assert [row[0] for row in rows] == ["1", "3", "5"]
    for row in rows:
        assert len(row) == len(header)
        assert row[4].endswith("×")  # engine / baseline
    assert "quick mode" in text
    assert "Scaling:" in text and "5 lines" in text and "3 lines" in text
    saved = json.loads(json_file.read_text())
    assert [row["lines"] for row in saved["rows"]] == [1, 3, 5]


def test_json_on_stdout_instead_of_the_table() -> None:
    document = json.loads(run("--quick", "--sizes", "2,4", "--json"))

    assert [row["lines"] for row in document["rows"]] == [2, 4]
    for row in document["rows"]:
        assert row["decision"] == "approve"
        assert row["engine_ms"] > 0 and row["baseline_ms"] > 0
        assert row["ratio"] == pytest.approx(row["engine_ms"] / row["baseline_ms"])
        assert 1 <= row["runs"] <= match_bench.QUICK["runs"]
    assert document["scaling"]["largest_lines"] == 4
    assert document["environment"]["mode"] == "quick"


def test_scenario_covers_every_line_with_one_receipt_and_one_prior_invoice() -> None:
    request = match_bench.build_request(7)

    assert len(request.po.lines) == len(request.invoice.lines) == 7
    [receipt] = request.receipts
    [prior] = request.prior_invoices
    every_line = set(range(1, 8))
    assert {line.line_no for line in receipt.lines} == {line.line_no for line in prior.lines} == every_line


def test_held_scenario_holds_every_line() -> None:
    text = run("--quick", "--held", "--sizes", "1,3")

    assert "scenario: every line held" in text
    assert [row[0] for row in table_rows(text)[2:]] == ["1", "3"]
    result = match_bench.match_invoice(match_bench.build_request(3, held=True))
    assert [hold.code for hold in result.holds] == ["PRICE"] * 3


def test_extraction_report_scores_every_field_and_times_pdfs(tmp_path: Path, capsys) -> None:
    """bench/extraction_bench.py on two formats, one speed round: the report has
    a row per format, per-field tallies that add up, and the PDF speed ratio."""
    from bench import extraction_bench

    json_file = tmp_path / "extraction.json"
    # x12 and the smallest PDF set: the report's shape, not the readers' scores (bench/ has those).
    assert extraction_bench.main(["--quick", "--formats", "x12,pdf-held-out", "--json", str(json_file)]) == 0
    data = json.loads(json_file.read_text())
    assert set(data["formats"]) == {"x12", "pdf-held-out"}
    for score in data["formats"].values():
        assert score["fields_total"] == sum(total for _, total in score["per_field"].values()) > 0
        assert 0 <= score["accuracy"] <= 1 and score["documents_found"] <= score["documents_expected"]
    speed = data["pdf_speed"]
    assert speed["pages"] >= speed["files"] > 0 and speed["ratio_poflow_over_baseline"] > 0
    assert "| x12 |" in capsys.readouterr().out


def test_a_wrong_reading_is_scored_wrong() -> None:
    from bench.extraction_bench import FormatScore, leaves, same

    assert leaves({"lines": [{"quantity": "2"}], "total": "4.00"}) == {
        "lines[0].quantity": "2",
        "total": "4.00",
    }
    assert same("12.5", "12.50") and not same("12.5", "12.51") and not same("INV-1", None)
    assert FormatScore().accuracy == 0.0
