"""`poflow tolerances simulate` on a temporary SQLite database (DATABASE_URL):
the readable report and JSON, exit codes, one-line errors naming the file and
field, and the message when no requests are stored."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from activities.db import make_engine, migrate, repository
from models import MatchRecord
from p2p.matching import match_invoice
from starter import cli
from tests.support.simulation import CLEAN, HELD, PO, T0, request_for


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.run(list(argv), io=cli.Io(io.BytesIO(), out, err))
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(name="db_url")
def fixture_db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'poflow.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def store_two(url: str) -> None:
    engine = make_engine(url)
    migrate(engine)
    for request, at in ((request_for(HELD, PO), T0), (request_for(CLEAN, PO), T0 + timedelta(days=5))):
        result = match_invoice(request, matched_at=at)
        repository.insert_match_result(engine, MatchRecord(request=request, result=result))
    engine.dispose()


def profile_file(tmp_path: Path, **limits: str) -> str:
    path = tmp_path / "new.json"
    path.write_text(json.dumps({"profiles": [{"name": "default", "version": 2, **limits}]}))
    return str(path)


def test_report_lists_the_invoices_that_change_and_the_money(db_url: str, tmp_path: Path) -> None:
    store_two(db_url)
    code, out, err = run("tolerances", "simulate", "--profile", profile_file(tmp_path, price_over_pct="5"))
    assert (code, err) == (0, "")
    assert "INV-1" in out and "hold → approve" in out and "clears PRICE line 1" in out
    assert "INV-2" not in out
    assert "2 invoice(s) re-run: 1 would be released, 0 newly held, 1 unchanged" in out
    assert "money at stake: 1,550.00 USD (released 1,550.00 USD; newly held none)" in out


def test_json_report_and_since(db_url: str, tmp_path: Path) -> None:
    store_two(db_url)
    tight = profile_file(tmp_path, price_over_pct="0.5")
    code, out, _ = run("tolerances", "simulate", "--profile", tight, "--json")
    report = json.loads(out)
    assert code == 0 and (report["rerun"], report["newly_held"]) == (2, 1)
    assert [c["invoice_number"] for c in report["changes"]] == ["INV-2"]
    assert Decimal(report["money_at_stake"]["USD"]) == CLEAN.total
    since = (T0 + timedelta(days=1)).date().isoformat()
    code, out, _ = run("tolerances", "simulate", "--profile", tight, "--json", "--since", since)
    assert code == 0 and json.loads(out)["rerun"] == 1


def test_nothing_stored_is_a_message_and_exit_0(db_url: str, tmp_path: Path) -> None:
    code, out, err = run("tolerances", "simulate", "--profile", profile_file(tmp_path))
    assert (code, err) == (0, "")
    assert out.startswith("no stored match requests")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ({"profiles": [{"name": "default", "price_over_pct": "-1"}]}, "new.json: profiles[0].price_over_pct"),
        ({"profiles": [{"name": "a"}, {"name": "b"}]}, "new.json: profiles: more than one tolerance profile"),
        ("not json", "new.json: not valid JSON"),
    ],
)
def test_bad_profile_file_is_one_line_exit_2(
    db_url: str, tmp_path: Path, content: object, expected: str
) -> None:
    path = tmp_path / "new.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    code, out, err = run("tolerances", "simulate", "--profile", str(path))
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and expected in err, err


def test_bad_since_is_exit_2(db_url: str, tmp_path: Path) -> None:
    code, _, err = run("tolerances", "simulate", "--profile", profile_file(tmp_path), "--since", "March")
    assert code == 2 and "--since" in err
