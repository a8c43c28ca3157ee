"""`poflow extract FILE`: the documented JSON array on stdout and exit 0, or one
line naming the problem and where on stderr and exit 2 — never a traceback."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from starter.cli import Io, run
from tools.supplier_sim import einvoice, pdf, x12

ROOT = Path(__file__).resolve().parents[2]


def extract(*argv: str, stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(["extract", *argv], io=Io(io.BytesIO(stdin), out, err))
    return code, out.getvalue(), err.getvalue()


def test_each_document_in_a_file_is_one_object_with_the_documented_keys(tmp_path: Path) -> None:
    sample = next(s for s in x12.sample_set() if len(s.expected) > 1)
    path = tmp_path / sample.filename
    path.write_bytes(sample.raw)
    code, out, err = extract(str(path))
    assert code == 0 and err == ""
    found = json.loads(out)
    assert len(found) == len(sample.expected)
    for item, truth in zip(found, sample.expected, strict=True):
        assert set(item) == {"kind", "format", "document", "confidence", "warnings"}
        assert item["kind"] == truth["kind"] and item["format"].startswith("x12-")
        assert all(0 <= score <= 1 for score in item["confidence"].values())


def test_locations_are_printed_on_request(tmp_path: Path) -> None:
    sample = pdf.sample_set()[0]
    path = tmp_path / sample.filename
    path.write_bytes(sample.raw)
    code, out, _ = extract(str(path), "--locations")
    location = json.loads(out)[0]["locations"]["invoice_number"]
    assert code == 0 and location["page"] == 1 and len(location["box"]) == 4


def test_the_vendor_can_be_named_when_the_file_cannot(tmp_path: Path) -> None:
    sample = einvoice.sample_set()[0]
    path = tmp_path / sample.filename
    path.write_bytes(sample.raw)
    code, out, _ = extract(str(path), "--as-of-vendor", "LABWORKS")
    assert code == 0 and json.loads(out)[0]["document"]["vendor_id"] == "LABWORKS"


def test_stdin_is_read_with_a_dash() -> None:
    sample = einvoice.sample_set()[0]
    code, out, _ = extract("-", stdin=sample.raw)
    assert code == 0 and json.loads(out)[0]["format"].startswith("ubl")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "the file is empty"),
        (b"ISA*00*short", "ISA"),
        (b"%PDF-1.4\n%broken", "PDF"),
        (b"\x00\x01garbage", "unrecognised format"),
    ],
)
def test_an_unreadable_file_is_one_line_and_exit_2(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.bin"
    path.write_bytes(content)
    code, out, err = extract(str(path))
    assert code == 2 and out == ""
    assert err.startswith(f"poflow extract: {path}: ") and err.count("\n") == 1 and message in err
    assert "Traceback" not in err


def test_a_missing_file_is_exit_2() -> None:
    code, _, err = extract("/no/such/file.pdf")
    assert code == 2 and err == "poflow extract: /no/such/file.pdf: no such file\n"


def test_the_console_script_survives_a_closed_pipe(tmp_path: Path) -> None:
    sample = pdf.sample_set()[0]
    path = tmp_path / sample.filename
    path.write_bytes(sample.raw)
    shell = f"{sys.executable} -m starter.cli extract {path} | head -c 10 >/dev/null"
    finished = subprocess.run(["bash", "-c", shell], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert "Traceback" not in finished.stderr, finished.stderr
