"""`poflow` start-up (issue #19): a command imports only what it needs.

Every command builds the whole parser, so the parser must be light: `poflow
--help` loads neither pydantic, asyncio, the models nor Temporal, SQLAlchemy,
FastAPI or the PDF libraries, and `poflow extract` on a JSON file loads the
models it reads but none of the others. Checked in a fresh interpreter (this test process has imported
everything already)."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from starter import cli_parsers
from starter.cli import build_parser

REPO = Path(__file__).resolve().parents[2]
HEAVY = ("temporalio", "sqlalchemy", "alembic", "fastapi", "starlette", "uvicorn", "pdfplumber", "pdfminer")

_LOADED = """
import json, sys
{setup}
print(json.dumps(sorted({{name.split(".")[0] for name in sys.modules}})))
"""


def _top_level_modules_after(setup: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", _LOADED.format(setup=setup)],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def test_building_the_parser_loads_nothing_heavy() -> None:
    loaded = _top_level_modules_after("from starter.cli import build_parser; build_parser()")
    assert loaded.isdisjoint((*HEAVY, "models", "activities", "ops", "workflows", "pydantic", "asyncio"))


def test_extract_on_a_json_file_loads_no_service_database_or_pdf_library(tmp_path: Path) -> None:
    invoice = {
        "invoice_number": "INV-1",
        "invoice_date": "2026-11-24",
        "po_number": "PO-2026-1001",
        "currency": "USD",
        "vendor_id": "ACME",
        "lines": [{"line_no": 1, "quantity": "2", "uom": "EA", "unit_price": "10.00", "item_id": "MRO-1"}],
        "total": "20.00",
    }
    path = tmp_path / "invoice.json"
    path.write_text(json.dumps(invoice))
    setup = (
        "import contextlib, io\n"
        "from starter.cli import run\n"
        "out = io.StringIO()\n"
        "with contextlib.redirect_stdout(out):\n"
        f"    code = run(['extract', {str(path)!r}])\n"
        "assert code == 0 and json.loads(out.getvalue())[0]['document']['invoice_number'] == 'INV-1'"
    )
    loaded = _top_level_modules_after(setup)
    assert "models" in loaded  # it did read the file
    assert loaded.isdisjoint((*HEAVY, "asyncio"))


def _subcommands() -> dict[str, object]:
    actions = [a for a in build_parser()._actions if a.dest == "command"]
    return dict(actions[0].choices)  # type: ignore[arg-type]


_SERVICE_COMMANDS = sorted(name for name, sub in _subcommands().items() if sub.get_default("handler"))  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", _SERVICE_COMMANDS)
def test_every_deferred_handler_names_a_function_that_exists(name: str) -> None:
    handler = _subcommands()[name].get_default("handler")  # type: ignore[attr-defined]
    module, _, function = handler.__qualname__.rpartition(".")
    assert callable(getattr(importlib.import_module(module), function))


def test_send_kinds_are_the_documents_po_cli_reads() -> None:
    from starter.po_cli import DOCUMENT_KINDS

    assert sorted(cli_parsers.DOCUMENT_KIND_NAMES) == sorted(DOCUMENT_KINDS)
