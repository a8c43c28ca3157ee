"""Match benchmark: the pure engine on POs of 1, 100 and 10,000 lines.

    python bench/match_bench.py [--quick] [--held] [--sizes 1,100,10000] [--json [FILE]]

For each size the invoice is matched against a PO with one goods receipt and
one earlier invoice that both cover every line (the new invoice bills the rest
of each line at the PO price, so it approves and every line runs every check).
`--held` bills every line above the price tolerance instead: one PRICE hold
per line, which exercises building, sorting and attributing holds.

What is timed (time.perf_counter, median of several runs, GC off during a run
as timeit does; engine and baseline runs alternate, so load from other
processes hits both alike):

* engine   — `match_invoice(request)`, the pure function, nothing else;
* baseline — `MatchRequest.model_validate_json(...)` on the same request as
  JSON: the cost any real call already pays (the API, the CLI and Temporal's
  pydantic data converter all validate the request before the engine runs).
  Measuring it in the same process makes the ratio engine/baseline mostly
  independent of the machine: ≈1 means matching costs about as much as
  reading its input; a ratio that grows with the size means the engine scales
  worse than reading does.

It also reports µs per line; if the 10,000-line PO costs much more per line
than the 100-line one, the engine is super-linear and the report says so.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, TypedDict

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pydantic  # noqa: E402

from bench.report import table_head, table_row  # noqa: E402
from models import GoodsReceipt, Invoice, MatchDecision, MatchRequest, PurchaseOrder  # noqa: E402
from p2p.matching import match_invoice  # noqa: E402
from starter.match_input import build_match_request  # noqa: E402

DEFAULT_SIZES = (1, 100, 10_000)


class RunBudget(TypedDict):
    """Per size: max runs and a time budget in seconds (engine + baseline). A size
    stops after max runs or once its budget is spent, but gets at least MIN_RUNS."""

    runs: int
    budget_s: float


FULL: RunBudget = {"runs": 25, "budget_s": 12.0}
QUICK: RunBudget = {"runs": 3, "budget_s": 2.0}
MIN_RUNS = 1
# µs/line at the largest size over µs/line at the reference size above which
# the scaling is reported as super-linear (linear code stays well below 2).
SUPERLINEAR_FACTOR = 3.0


# --- the documents ----------------------------------------------------------------------


def build_request(lines: int, *, held: bool = False) -> MatchRequest:
    """PO of `lines` lines; one receipt and one prior invoice over all lines;
    an invoice for the remainder of every line, at the PO price (approves) or,
    with `held`, 1.00 above it (+10 % or more: one PRICE hold per line)."""
    po_lines, receipt_lines, prior_lines, new_lines = [], [], [], []
    prior_total = new_total = 0
    for n in range(1, lines + 1):
        price_cents = 100 + n % 900  # 1.00 … 9.99
        ordered = 10 + n % 7
        before = ordered // 2
        now = ordered - before
        price = f"{price_cents // 100}.{price_cents % 100:02d}"
        po_lines.append(
            {"line_no": n, "item_id": f"ITEM-{n:05d}", "quantity": str(ordered), "unit_price": price}
        )
        receipt_lines.append({"line_no": n, "quantity_received": str(ordered)})
        prior_lines.append({"line_no": n, "quantity": str(before), "unit_price": price})
        billed_cents = price_cents + 100 if held else price_cents
        billed = f"{billed_cents // 100}.{billed_cents % 100:02d}"
        new_lines.append({"line_no": n, "quantity": str(now), "unit_price": billed})
        prior_total += before * price_cents
        new_total += now * billed_cents

    def invoice(number: str, invoice_lines: list[dict], cents: int) -> Invoice:
        return Invoice.model_validate(
            {
                "invoice_number": number,
                "vendor_id": "ACME",
                "po_number": "PO-BENCH",
                "invoice_date": "2026-12-05",
                "currency": "USD",
                "lines": invoice_lines,
                "total": f"{cents // 100}.{cents % 100:02d}",
            }
        )

    po = PurchaseOrder.model_validate(
        {
            "po_number": "PO-BENCH",
            "vendor_id": "ACME",
            "buyer": "bob.buyer",
            "currency": "USD",
            "lines": po_lines,
        }
    )
    receipt = GoodsReceipt.model_validate(
        {
            "receipt_id": "GR-BENCH",
            "po_number": "PO-BENCH",
            "received_at": "2026-12-04T14:30:00Z",
            "lines": receipt_lines,
        }
    )
    return build_match_request(
        po=po,
        receipts=[receipt],
        prior_invoices=[invoice("INV-BENCH-1", prior_lines, prior_total)],
        invoice=invoice("INV-BENCH-2", new_lines, new_total),
    )


# --- timing -----------------------------------------------------------------------------


def _time_once(call: Callable[[], object]) -> float:
    # The young generations only: the last run's garbage is there, and a full
    # collection costs seconds in a big process (the test suite's) for nothing.
    gc.collect(1)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        call()
        return time.perf_counter() - start
    finally:
        if was_enabled:
            gc.enable()


def _paired_medians(
    engine: Callable[[], object], baseline: Callable[[], object], *, runs: int, budget_s: float
) -> tuple[float, float, int]:
    """Median seconds of `engine` and of `baseline`, timed alternately so that
    load from other processes hits both alike (the ratio is what we compare).
    Up to `runs` pairs, stopping early once `budget_s` is spent."""
    engine_samples: list[float] = []
    baseline_samples: list[float] = []
    spent = 0.0
    while len(engine_samples) < runs and (len(engine_samples) < MIN_RUNS or spent < budget_s):
        baseline_samples.append(_time_once(baseline))
        engine_samples.append(_time_once(engine))
        spent += baseline_samples[-1] + engine_samples[-1]
    return statistics.median(engine_samples), statistics.median(baseline_samples), len(engine_samples)


@dataclass
class Row:
    lines: int
    runs: int  # pairs: one engine run and one baseline run each
    engine_ms: float
    baseline_ms: float
    ratio: float  # engine / baseline
    lines_per_s: float
    us_per_line: float
    decision: str


def measure(lines: int, *, runs: int, budget_s: float, held: bool = False) -> Row:
    request = build_request(lines, held=held)
    result = match_invoice(request)  # warm-up, and a check that the scenario is what we think
    expected = (MatchDecision.HOLD, lines) if held else (MatchDecision.APPROVE, 0)
    if (result.decision, len(result.holds)) != expected or len(result.lines) != lines:
        raise AssertionError(
            f"benchmark scenario for {lines} lines: expected {expected}, got {result.decision} "
            f"with {len(result.holds)} holds, e.g. {result.holds[:2]}"
        )
    raw = request.model_dump_json()
    MatchRequest.model_validate_json(raw)  # warm-up
    engine_s, baseline_s, pairs = _paired_medians(
        lambda: match_invoice(request),
        lambda: MatchRequest.model_validate_json(raw),
        runs=runs,
        budget_s=budget_s,
    )
    return Row(
        lines=lines,
        runs=pairs,
        engine_ms=engine_s * 1000,
        baseline_ms=baseline_s * 1000,
        ratio=engine_s / baseline_s,
        lines_per_s=lines / engine_s,
        us_per_line=engine_s * 1e6 / lines,
        decision=result.decision.value,
    )


def scaling(rows: Sequence[Row]) -> dict[str, Any] | None:
    """µs/line at the largest size vs at 100 lines (or the smallest size above
    1, where fixed costs dominate); None with fewer than two such sizes."""
    candidates = sorted((row for row in rows if row.lines > 1), key=lambda row: row.lines)
    if len(candidates) < 2:
        return None
    reference = next((row for row in candidates if row.lines == 100), candidates[0])
    largest = candidates[-1]
    if largest.lines == reference.lines:
        return None
    factor = largest.us_per_line / reference.us_per_line
    return {
        "reference_lines": reference.lines,
        "reference_us_per_line": reference.us_per_line,
        "largest_lines": largest.lines,
        "largest_us_per_line": largest.us_per_line,
        "per_line_cost_factor": factor,
        "superlinear": factor > SUPERLINEAR_FACTOR,
    }


# --- output -------------------------------------------------------------------------------


HEADERS = (
    "PO lines",
    "runs",
    "engine (ms, median)",
    "baseline: validate JSON (ms)",
    "engine / baseline",
    "lines/s",
    "µs/line",
)


def _num(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}" if value < 1 else f"{value:.2f}"


def markdown(rows: Sequence[Row], environment: dict[str, Any]) -> str:
    out = [
        f"Match benchmark — Python {environment['python']}, pydantic {environment['pydantic']}, "
        f"{environment['cpus']} CPUs, {environment['mode']} mode, "
        f"scenario: {environment['scenario']}",
        "",
        *table_head(HEADERS, left=()),
    ]
    for row in rows:
        cells = (
            f"{row.lines:,}",
            str(row.runs),
            _num(row.engine_ms),
            _num(row.baseline_ms),
            f"{row.ratio:.2f}×",
            f"{row.lines_per_s:,.0f}",
            _num(row.us_per_line),
        )
        out.append(table_row(cells))
    scale = scaling(rows)
    if scale is not None:
        verdict = "SUPER-LINEAR" if scale["superlinear"] else "roughly linear"
        out += [
            "",
            f"Scaling: {scale['largest_us_per_line']:.1f} µs/line at {scale['largest_lines']:,} lines vs "
            f"{scale['reference_us_per_line']:.1f} µs/line at {scale['reference_lines']:,} lines "
            f"(×{scale['per_line_cost_factor']:.1f} per line): {verdict}.",
        ]
    return "\n".join(out)


def environment(mode: str, scenario: str = "approve") -> dict[str, Any]:
    return {
        "scenario": scenario,
        "python": platform.python_version(),
        "pydantic": pydantic.VERSION,
        "cpus": os.cpu_count(),
        "machine": platform.machine(),
        "mode": mode,
    }


def parse_sizes(text: str) -> tuple[int, ...]:
    try:
        sizes = tuple(int(part.replace("_", "")) for part in text.split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated line counts, got {text!r}") from None
    if not sizes or any(size < 1 for size in sizes):
        raise argparse.ArgumentTypeError("line counts must be ≥ 1")
    return sizes


def main(argv: Sequence[str] | None = None, *, out: Any = None) -> int:
    parser = argparse.ArgumentParser(prog="match_bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few runs, small time budget (CI smoke)")
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=DEFAULT_SIZES,
        metavar="N,N,…",
        help="PO line counts (default: 1,100,10000)",
    )
    parser.add_argument(
        "--json",
        nargs="?",
        const="-",
        metavar="FILE",
        help="JSON results: on stdout instead of the table, or into FILE as well as the table",
    )
    parser.add_argument(
        "--held",
        action="store_true",
        help="bill every line 1.00 above the PO price: one PRICE hold per line (the hold path)",
    )
    args = parser.parse_args(argv)
    out = out or sys.stdout
    settings = QUICK if args.quick else FULL
    rows = [measure(size, held=args.held, **settings) for size in args.sizes]
    env = environment("quick" if args.quick else "full", "every line held" if args.held else "approve")
    if args.json != "-":
        print(markdown(rows, env), file=out)
    if args.json is not None:
        document = json.dumps(
            {"environment": env, "rows": [asdict(row) for row in rows], "scaling": scaling(rows)}, indent=2
        )
        if args.json == "-":
            print(document, file=out)
        else:
            Path(args.json).write_text(document + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
