"""Partner EDI report: how many valid transaction sets / messages of the kinds
intake reads are read without error, per sample set.

    python bench/partner_edi_bench.py [--sets dev,blind] [--verbose]

The samples are public trading-partner and EDI-library test files under
tests/samples/partner-edi/{dev,blind}/ (sources and licences in MANIFEST.md
there); dev-invalid/ and blind-invalid/ hold public files that break a rule
of the standard (a wrong UNT or SE count, a non-fixed-width ISA, an impossible
date), scored as rejected-with-an-error. The blind set is scored only at the end of a piece of work, never
looked at while improving the readers.

The sets in a file are counted here, independently of poflow's readers, with a
minimal envelope scan (X12: ST segments, delimiters from the fixed-width ISA;
EDIFACT: UNH segments, separators from UNA or the ISO 9735 defaults). A file
counts all its in-scope sets as read when `extract_file` — the door the intake
workflow and `poflow extract` use — returns without an error, and none of them
when it raises: one bad set in a file stops the whole file today, which is
what a partner sees.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make the repository importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from activities.intake.errors import ExtractionError  # noqa: E402
from activities.intake.extract import extract_file  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent / "tests" / "samples" / "partner-edi"
# The kinds intake reads (activities/intake/x12/read.py, edifact/read.py).
X12_SETS = {"855", "856", "810", "865", "997", "999"}
EDIFACT_MESSAGES = {"ORDRSP", "DESADV", "INVOIC", "CONTRL"}


@dataclass
class FileScore:
    name: str
    sets: int
    read: int
    error: str = ""


def count_sets(raw: bytes) -> int:
    """In-scope sets in the file, by a scan that shares no code with intake."""
    text = raw.decode("latin-1").lstrip("\ufeff\xef\xbb\xbf \t\r\n")
    if text.startswith("ISA"):
        return _count_x12(text)
    return _count_edifact(text)


def _count_x12(text: str) -> int:
    count = 0
    for match in re.finditer(r"ISA(.)", text):
        element = match.group(1)
        start = match.start()
        # The terminator follows ISA16, the 16th element separator's next character.
        fields = text[start:].split(element, 16)
        if len(fields) < 17:
            continue
        terminator = fields[16][1:2] or "\n"
        end = text.find("IEA" + element, start)
        body = text[start : end if end > 0 else len(text)]
        for segment in body.split(terminator):
            parts = segment.strip().split(element)
            if parts[0] == "ST" and len(parts) > 1 and parts[1] in X12_SETS:
                count += 1
    return count


def _count_edifact(text: str) -> int:
    data, component, terminator = "+", ":", "'"
    if text.startswith("UNA"):
        component, data, terminator = text[3], text[4], text[8]
    flat = text.replace("\r", "").replace("\n", "") if terminator not in "\r\n" else text
    count = 0
    for segment in flat.split(terminator):
        segment = segment.strip()
        if segment.startswith("UNH" + data):
            parts = segment.split(data)
            kind = parts[2].split(component)[0] if len(parts) > 2 else ""
            count += kind in EDIFACT_MESSAGES
    return count


def score_file(path: Path) -> FileScore:
    raw = path.read_bytes()
    sets = count_sets(raw)
    try:
        extract_file(raw, filename=path.name)
    except ExtractionError as err:
        return FileScore(path.name, sets, 0, str(err)[:160])
    return FileScore(path.name, sets, sets)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", default="dev,blind,dev-invalid,blind-invalid")
    parser.add_argument("--verbose", action="store_true", help="one line per file, with the error")
    args = parser.parse_args(argv)
    for name in args.sets.split(","):
        files = sorted(p for p in (ROOT / name).glob("*") if p.is_file())
        scores = [score_file(p) for p in files]
        total = sum(s.sets for s in scores)
        read = sum(s.read for s in scores)
        if name.endswith("-invalid"):
            # Files that break a rule of the standard: the right outcome is a clear error.
            rejected = sum(1 for s in scores if s.error)
            print(f"{name}: {rejected} of {len(files)} invalid files rejected with an error")
        else:
            print(f"{name}: {read} of {total} valid sets read without error ({len(files)} files)")
        if args.verbose:
            for s in scores:
                print(f"  {s.name}: {s.read}/{s.sets} {s.error}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
