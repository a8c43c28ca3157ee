"""ZUGFeRD 1.0 development set: fields read right, per field and per part.

    python bench/zugferd1_bench.py [--part dev|blind|all] [--tree DIR] [--json]

The files are public ZUGFeRD 1.0 samples under tests/samples/zugferd1/{dev,blind}/
(sources and licences in MANIFEST.md there). The expected values in
tests/samples/zugferd1/expected.json were written by reading each XML by hand,
not from the reader's output. Each file is read by `extract_file` (the call
intake and `poflow extract` make), standalone and embedded in a one-page PDF as
ZUGFeRD-invoice.xml. Numbers compare as Decimals ("1.0000" = "1"); a field the
reading lacks, or a file refused, counts wrong. A value read at confidence
>= 0.8 that is wrong is a confident-wrong value.

`--tree DIR` reads with the poflow tree in DIR instead (e.g. an export of the
commit before a change: `git archive HEAD activities models | tar -x -C DIR`),
to report before and after with the same expectations.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from decimal import Decimal, InvalidOperation
from io import BytesIO
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "tests" / "samples" / "zugferd1"
HEADER_FIELDS = ("invoice_number", "invoice_date", "currency", "po_number", "tax", "total")
LINE_FIELDS = ("quantity", "unit_price", "amount")
CONFIDENT = 0.8


def _same(expected: Any, got: Any) -> bool:
    if expected is None or got is None:
        return expected is got
    try:
        return Decimal(str(expected)) == Decimal(str(got))
    except InvalidOperation:
        return str(expected) == str(got)


def _as_pdf(xml: bytes) -> bytes:
    import pypdf
    from fpdf import FPDF

    page = FPDF()
    page.add_page()
    page.set_font("Helvetica", size=12)
    page.cell(text="Rechnung")
    writer = pypdf.PdfWriter(clone_from=BytesIO(bytes(page.output())))
    writer.add_attachment("ZUGFeRD-invoice.xml", xml)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def _pairs(expected: dict[str, Any]) -> list[tuple[str, Any]]:
    """(field path, expected value) for every scored field of one file."""
    pairs: list[tuple[str, Any]] = [(name, expected.get(name)) for name in HEADER_FIELDS]
    pairs.append(("line_count", len(expected["lines"])))
    for index, line in enumerate(expected["lines"]):
        pairs += [(f"lines[{index}].{name}", line.get(name)) for name in LINE_FIELDS]
    return pairs


def _got(document: dict[str, Any], path: str) -> Any:
    if path == "line_count":
        return len(document.get("lines") or [])
    if path.startswith("lines["):
        index, name = int(path[6 : path.index("]")]), path.split(".", 1)[1]
        lines = document.get("lines") or []
        return lines[index].get(name) if index < len(lines) else None
    return document.get(path)


def score(part: str) -> dict[str, Any]:
    """Per field (header fields, line_count, line fields pooled): right/total and confident-wrong."""
    from activities.intake.errors import ExtractionError
    from activities.intake.extract import extract_file

    expectations = json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8"))
    right: dict[str, int] = defaultdict(int)
    total: dict[str, int] = defaultdict(int)
    confident_wrong: dict[str, int] = defaultdict(int)
    files = sorted(name for name, exp in expectations.items() if part in ("all", exp["part"]))
    for name in files:
        raw = (SAMPLES / expectations[name]["part"] / name).read_bytes()
        for how, data in (("xml", raw), ("pdf", _as_pdf(raw))):
            try:
                [reading] = extract_file(data, filename=f"{name}.{how}")
                document, confidence, refused = reading.document, reading.confidence, False
            except ExtractionError:
                document, confidence, refused = {}, {}, True
            for path, expected in _pairs(expectations[name]["expected"]):
                key = f"{how}:{path.split('.', 1)[1] if path.startswith('lines[') else path}"
                got = _got(document, path)
                total[key] += 1
                if not refused and _same(expected, got):
                    right[key] += 1
                elif got is not None and confidence.get(path, 0) >= CONFIDENT:
                    confident_wrong[key] += 1
    fields = {
        key: {"right": right[key], "total": total[key], "confident_wrong": confident_wrong[key]}
        for key in total
    }
    all_right, all_total = sum(right.values()), sum(total.values())
    return {
        "part": part,
        "files": files,
        "fields": fields,
        "accuracy": round(all_right / all_total, 4) if all_total else None,
        "confident_wrong": sum(confident_wrong.values()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--part", default="dev", choices=("dev", "blind", "all"))
    parser.add_argument("--tree", help="read with the poflow tree in this folder (before/after)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    sys.path.insert(0, str(Path(args.tree).resolve() if args.tree else ROOT))
    result = score(args.part)
    if args.json:
        print(json.dumps(result, indent=2))
        return
    print(f"ZUGFeRD 1.0 {args.part} set: {len(result['files'])} files, standalone XML and in a PDF")
    print(f"{'field':<24} {'right':>7} {'confident wrong':>16}")
    for key, row in sorted(result["fields"].items()):
        print(f"{key:<24} {row['right']:>3}/{row['total']:<3} {row['confident_wrong']:>16}")
    print(f"accuracy {result['accuracy']:.1%}, confident wrong {result['confident_wrong']}")


if __name__ == "__main__":
    main()
