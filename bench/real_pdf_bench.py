"""Header fields of real invoices: accuracy, confident wrong values and
calibration per field, on the dev and the blind part of the real-layouts set.

    python bench/real_pdf_bench.py [--part dev|blind|all] [--json FILE] [--show] [--external [CACHE_DIR]]

The set is tests/samples/real-layouts/ (tools/real_layouts.py loads it; its
MANIFEST.md says where each document comes from, under which licence, and how
its ground truth was made). `--external` adds the AGPL-3.0 sets fetched at
bench time into CACHE_DIR (default ~/.cache/poflow-bench) and never committed
(tools/external_sets.py; MANIFEST.md, "External sets"). Each set is reported
apart, in its dev and blind parts: `real-layouts` (the committed PDFs whose
page is read), `real-layouts-einvoice` (committed PDFs with an embedded
e-invoice XML, `"kind": "einvoice-pdf"`: they measure the e-invoice path, not
the page reader), `external-page` (page-only copies of the external e-invoice
PDFs, scored against their XML, and the external plain PDFs) and
`external-einvoice` (the external e-invoice PDFs as published). Every document is read by `extract_file`, the call
the intake workflow makes, and scored on the header fields issue #19 names:
invoice number, issue date, total (the grand total including tax — not the
amount due after a prepayment), currency, and the PO number where the
document prints one. A value is right when it equals the ground truth
(`extraction_bench.same`: numbers as Decimals, text case-blind); a field not
read is wrong, but not *confident* wrong. Confident wrong: read at confidence
≥ 0.8 (intake's review threshold) and wrong — the value intake would pass on
without a person.

The blind part is reported as totals only (per field, no file names, no
values): it is never looked at while improving the extractor. `--show` prints
per-document values for the dev part only.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activities.intake.errors import ExtractionError  # noqa: E402
from activities.intake.extract import extract_file  # noqa: E402
from bench.extraction_bench import REVIEW_THRESHOLD, calibration_table, count_band, same  # noqa: E402
from models.extraction import Extracted  # noqa: E402
from tools.external_sets import CACHE_DIR, ExternalDocument, FetchError, fetch  # noqa: E402
from tools.real_layouts import OPTIONAL_FIELDS, REQUIRED_FIELDS, load_set  # noqa: E402

FIELDS = REQUIRED_FIELDS + OPTIONAL_FIELDS
SETS = ("real-layouts", "real-layouts-einvoice", "external-page", "external-einvoice")  # report order


class BenchDocument(Protocol):
    """A committed real-layouts document or an external one."""

    @property
    def name(self) -> str: ...

    @property
    def expected(self) -> dict[str, Any]: ...

    @property
    def blind(self) -> bool: ...

    def pdf(self) -> bytes: ...


def set_of(document: BenchDocument) -> str:
    """The set a document is reported in: e-invoice PDFs apart from pages."""
    einvoice = document.expected.get("kind") == "einvoice-pdf"
    if isinstance(document, ExternalDocument):
        return "external-einvoice" if einvoice else "external-page"
    return "real-layouts-einvoice" if einvoice else "real-layouts"


@dataclass
class PartScore:
    documents: int = 0
    not_read: int = 0  # documents the extractor found no invoice in (or failed on)
    per_field: dict[str, list[int]] = field(default_factory=dict)  # field → [right, scored]
    confident_wrong: dict[str, int] = field(default_factory=dict)  # field → wrong values read at ≥ 0.8
    calibration: dict[str, dict[str, list[int]]] = field(
        default_factory=dict
    )  # field → band → [right, total]
    total_is_amount_due: int = 0  # total read as the amount due where the two differ

    def accuracy(self, name: str) -> float:
        right, scored = self.per_field.get(name, [0, 0])
        return right / scored if scored else 0.0


@dataclass(frozen=True)
class Reading:
    """One field of one document: what was expected, read, and how sure."""

    name: str
    expected: Any
    got: Any
    confidence: float | None
    right: bool


def read_document(document: BenchDocument) -> Extracted | None:
    """The first invoice the extractor finds in the document, if any."""
    try:
        found = extract_file(document.pdf(), filename=f"{document.name}.pdf")
    except ExtractionError:
        return None
    return next((r for r in found if r.kind in ("invoice", "credit_memo")), found[0] if found else None)


def score_document(document: BenchDocument, reading: Extracted | None) -> list[Reading]:
    expected: dict[str, Any] = document.expected["fields"]
    got = reading.document if reading is not None else {}
    confidence = reading.confidence if reading is not None else {}
    readings = []
    for name in FIELDS:
        if expected.get(name) is None:
            continue  # not printed on this document (a PO number): nothing to score
        value = got.get(name)
        right = value is not None and same(expected[name], value)
        readings.append(
            Reading(name, expected[name], value, confidence.get(name) if value is not None else None, right)
        )
    return readings


def tally(
    score: PartScore, document: BenchDocument, reading: Extracted | None, readings: list[Reading]
) -> None:
    score.documents += 1
    score.not_read += reading is None
    for item in readings:
        counts = score.per_field.setdefault(item.name, [0, 0])
        counts[0] += item.right
        counts[1] += 1
        confident_wrong = (
            not item.right and item.confidence is not None and item.confidence >= REVIEW_THRESHOLD
        )
        score.confident_wrong[item.name] = score.confident_wrong.get(item.name, 0) + confident_wrong
        count_band(score.calibration, item.name, item.confidence, item.right)
    due = document.expected.get("amount_due")
    total = next((item for item in readings if item.name == "total"), None)
    if due is not None and total is not None and not same(due, total.expected) and total.got is not None:
        score.total_is_amount_due += same(due, total.got)


def report(scores: dict[str, PartScore]) -> str:
    lines = [
        "| set | documents | " + " | ".join(FIELDS) + " | all fields |",
        "|---|---:|" + "---:|" * (len(FIELDS) + 1),
    ]
    for part, score in scores.items():
        cells = []
        right_all = scored_all = wrong_all = 0
        for name in FIELDS:
            right, scored = score.per_field.get(name, [0, 0])
            wrong = score.confident_wrong.get(name, 0)
            right_all, scored_all, wrong_all = right_all + right, scored_all + scored, wrong_all + wrong
            cells.append(f"{right}/{scored} ({right / scored:.0%}), {wrong} c.w." if scored else "–")
        total = (
            f"{right_all}/{scored_all} ({right_all / scored_all:.0%}), {wrong_all} c.w."
            if scored_all
            else "–"
        )
        lines.append(f"| {part} | {score.documents} | " + " | ".join(cells) + f" | {total} |")
    lines += ["", "right/scored (accuracy), c.w. = confident wrong: read at confidence ≥ 0.8 and wrong."]
    for part, score in scores.items():
        lines += ["", f"**{part}** calibration (confidence band → right/read):", ""]
        lines += calibration_table(score.calibration)
        lines.append(
            f"\n{part}: {score.not_read} of {score.documents} documents gave no reading; "
            f"total read as the amount due (where they differ): {score.total_is_amount_due}"
        )
    return "\n".join(lines)


def show(document: BenchDocument, reading: Extracted | None, readings: list[Reading]) -> str:
    """One dev document's values: expected, read, confidence (never for blind ones)."""
    head = f"{document.name} [{document.expected.get('language', '?')}]"
    if reading is None:
        return f"{head}: no reading"
    rows = [f"{head}: vendor_hint={reading.vendor_hint!r}"]
    for item in readings:
        mark = "ok " if item.right else "BAD"
        conf = f"{item.confidence:.2f}" if item.confidence is not None else "  - "
        rows.append(f"  {mark} {item.name:<15} {conf}  expected {item.expected!r:<28} read {item.got!r}")
    rows += [f"  warning: {warning}" for warning in reading.warnings[:5]]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--part", choices=("dev", "blind", "all"), default="all")
    parser.add_argument("--json", metavar="FILE", help="also write the scores as JSON into FILE")
    parser.add_argument("--show", action="store_true", help="per-document values (dev part only)")
    parser.add_argument(
        "--external",
        nargs="?",
        const=str(CACHE_DIR),
        metavar="CACHE_DIR",
        help=f"also the external sets, fetched into CACHE_DIR (default {CACHE_DIR})",
    )
    args = parser.parse_args(argv)
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # the specimens' xref warnings are noise here
    every: list[BenchDocument] = [*load_set()]
    if args.external is not None:
        every += external_documents(Path(args.external).expanduser())
    documents = [d for d in every if args.part == "all" or (args.part == "blind") == d.blind]
    if not documents:
        print("no documents in the set", file=sys.stderr)
        return 1
    scores = {
        f"{name} {part}": PartScore()
        for name in SETS
        for part in ("dev", "blind")  # dev before blind in the report
        if any(set_of(d) == name and d.blind == (part == "blind") for d in documents)
    }
    for index, document in enumerate(documents, 1):
        print(f"\r  reading {index}/{len(documents)}", end="", file=sys.stderr, flush=True)
        reading = read_document(document)
        readings = score_document(document, reading)
        tally(
            scores[f"{set_of(document)} {'blind' if document.blind else 'dev'}"], document, reading, readings
        )
        if args.show and not document.blind:
            print(file=sys.stderr)
            print(show(document, reading, readings))
    print(file=sys.stderr)
    print(report(scores))
    if args.json:
        data: dict[str, Any] = {part: asdict(score) for part, score in scores.items()}
        Path(args.json).write_text(json.dumps(data, indent=2) + "\n")
    return 0


def external_documents(cache_dir: Path) -> list[ExternalDocument]:
    """The external sets, or none (said on one line) when they cannot be fetched."""
    print(f"  fetching the external sets into {cache_dir}", file=sys.stderr)
    try:
        return list(fetch(cache_dir))
    except FetchError as error:
        print(f"external sets not measured ({error}); measuring the committed set only")
        return []


if __name__ == "__main__":
    sys.exit(main())
