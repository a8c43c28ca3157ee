"""`poflow extract` — read a supplier's file offline and print what is in it.

    poflow extract FILE [--as-of-vendor ID] [--locations]

Detects the format (X12, EDIFACT, UBL, Factur-X/CII, PDF, e-mail, zip, JSON)
and prints a JSON array, one object per document found:
`{"kind", "format", "document", "confidence", "warnings"}` (+ `"locations"`
with --locations). Exit 0; an unreadable or malformed file exits 2 with one
line naming the problem and where (segment, page, element), never a traceback.
Nothing connects anywhere: this is the extraction the intake workflow runs.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import IO, TYPE_CHECKING, Any

from settings import load_settings
from starter.cli_support import Streams, display_name, read_input
from starter.errors import EXIT_BAD_INPUT, EXIT_OK, Invalid

if TYPE_CHECKING:
    from models.extraction import Extracted

__all__ = ["add_extract_command", "extraction_json", "run_extract"]

PREFIX = "poflow extract: "


def add_extract_command(commands: Any, handler: Any) -> None:
    extract = commands.add_parser(
        "extract", help="read a supplier file (EDI, e-invoice, PDF, e-mail) and print the documents found"
    )
    extract.add_argument("file", metavar="FILE", help="the file as received ('-' reads stdin)")
    extract.add_argument(
        "--as-of-vendor", metavar="ID", help="the vendor the file came from, when it can't say"
    )
    extract.add_argument("--locations", action="store_true", help="also print where each field was read")
    extract.set_defaults(local=handler)


def extraction_json(found: list[Extracted], *, locations: bool = False) -> list[dict[str, Any]]:
    """The documented shape of `poflow extract` (and of the API's `found`)."""
    keys = {"kind", "format", "document", "confidence", "warnings"} | ({"locations"} if locations else set())
    return [item.model_dump(mode="json", include=keys, exclude_none=True) for item in found]


def run_extract(args: argparse.Namespace, io: Streams) -> int:
    # Imported here, not above: every `poflow` command builds this parser, and
    # `poflow --help` should not load the models (issue #19: start-up). The
    # extractors themselves are imported per format by `extract_file`.
    from activities.intake.errors import ExtractionError
    from activities.intake.extract import extract_file
    from activities.intake.limits import IntakeLimits

    try:
        raw = read_input(args.file, io.stdin)
    except Invalid as err:
        print(PREFIX + err.message, file=io.stderr)
        return EXIT_BAD_INPUT
    limits = IntakeLimits(max_bytes=load_settings().max_document_bytes)
    progress = _progress(io.stderr) if _is_tty(io.stderr) else None
    try:
        found = extract_file(
            raw, filename=args.file, vendor_id=args.as_of_vendor, limits=limits, progress=progress
        )
    except ExtractionError as err:
        print(f"{PREFIX}{display_name(args.file)}: {' '.join(str(err).split())}", file=io.stderr)
        return EXIT_BAD_INPUT
    json.dump(extraction_json(found, locations=args.locations), io.stdout, indent=2, ensure_ascii=False)
    io.stdout.write("\n")
    return EXIT_OK


def _is_tty(stream: IO[str]) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


def _progress(stream: IO[str]) -> Callable[[int, int], None]:
    def report(done: int, of: int) -> None:
        stream.write(f"\rreading page {done}/{of}…")
        if done >= of:
            stream.write("\r" + " " * 40 + "\r")
        stream.flush()

    return report
