"""`poflow users`: people, service accounts, tokens and approval limits, on a
temporary SQLite database (DATABASE_URL); output, exit codes, one-line errors."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from activities.db import make_engine, principals
from starter import cli


@dataclass
class Out:
    code: int
    out: str
    err: str


def poflow(*argv: str, stdin: bytes = b"") -> Out:
    streams = cli.Io(io.BytesIO(stdin), io.StringIO(), io.StringIO())
    code = cli.run(list(argv), io=streams)
    return Out(code, streams.stdout.getvalue(), streams.stderr.getvalue())


@pytest.fixture(name="db_url")
def fixture_db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite:///{tmp_path / 'poflow.db'}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url


def test_add_people_and_systems_then_list_them(db_url: str) -> None:
    person = poflow(
        "users",
        "add",
        "Carl.Clerk",
        "--name",
        "Carl",
        "--role",
        "ap_clerk",
        "--password-stdin",
        stdin=b"correct horse battery\n",
    )
    assert (person.code, person.out) == (0, "added person carl.clerk (ap_clerk)\n")
    system = poflow("users", "add", "edi", "--service", "--name", "EDI gateway")
    assert system.out == "added service edi (tokens only)\n"
    listed = poflow("users", "list").out.splitlines()
    assert listed[0].split() == ["LOGIN", "KIND", "NAME", "ROLES", "STATE"]
    assert listed[1].split() == ["carl.clerk", "person", "Carl", "ap_clerk", "active"]
    engine = make_engine(db_url)
    assert (
        principals.authenticate_password(engine, "carl.clerk", "correct horse battery").principal_id
        == "carl.clerk"
    )


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["users", "add", "al\u200bice", "--name", "X"],
            "invisible or spacing characters (U+200B at position 3)",
        ),
        (["users", "add", "alice@corp", "--name", "X"], "an e-mail address or '@domain' is not a login"),
        (["users", "add", "edi", "--service", "--name", "X", "--role", "buyer"], "no roles and no password"),
        (["users", "disable", "nobody"], "no principal nobody"),
        (["users", "token", "revoke", "nope"], "no token nope"),
        (["users", "limit", "nobody", "USD=5"], "no principal nobody"),
        (["users", "limit", "carl", "USD=lots"], "'USD=lots': a limit is CUR=AMOUNT"),
    ],
)
def test_bad_requests_are_one_line(db_url: str, argv: list[str], message: str) -> None:
    poflow("users", "add", "carl", "--name", "C", "--role", "ap_clerk")
    out = poflow(*argv)
    assert out.code in (2, 4) and message in out.err and out.err.count("\n") == 1


def test_a_token_is_printed_once_works_and_stops_when_revoked(db_url: str) -> None:
    poflow("users", "add", "edi", "--service", "--name", "EDI gateway")
    created = poflow(
        "users", "token", "create", "edi", "--scope", "documents", "--days", "30", "--label", "van"
    )
    token = created.out.strip()
    assert created.code == 0 and token.startswith("pft_") and "shown this once" in created.err
    token_id = token.split("_")[1]
    engine = make_engine(db_url)
    assert principals.authenticate_token(engine, token, now=datetime.now(UTC)).principal_id == "edi"
    listed = poflow("users", "token", "list", "edi").out
    assert token_id in listed and token.split("_", 2)[2] not in listed  # never the secret
    assert poflow("users", "token", "revoke", token_id).out == f"revoked token {token_id}\n"
    with pytest.raises(principals.AuthenticationFailed, match="revoked"):
        principals.authenticate_token(engine, token, now=datetime.now(UTC))
    assert "revoked" in poflow("users", "token", "list").out


def test_disable_stops_every_token_and_limits_are_per_currency(db_url: str) -> None:
    poflow("users", "add", "alice", "--name", "Alice", "--role", "budget_owner")
    assert poflow("users", "limit", "alice", "usd=50000", "EUR=45000.50").out == (
        "alice may approve up to 45000.50 EUR, 50000 USD\n"
    )
    token = poflow("users", "token", "create", "alice").out.strip()
    assert poflow("users", "disable", "ALICE").out == "disabled alice: no sign-in, no token works\n"
    engine = make_engine(db_url)
    with pytest.raises(principals.AuthenticationFailed, match="disabled"):
        principals.authenticate_token(engine, token, now=datetime.now(UTC))
    assert "disabled" in poflow("users", "list").out


def test_org_and_out_of_office_delegation(db_url: str) -> None:
    for login in ("ann", "dan", "meg"):
        poflow("users", "add", login, "--name", login, "--role", "ap_clerk")
    assert (
        poflow("users", "org", "ann", "--deputy", "dan", "--manager", "meg").out
        == "ann: deputy dan, manager meg\n"
    )
    assert "no principal zed" in poflow("users", "org", "ann", "--deputy", "zed").err
    away = poflow("users", "delegate", "ann", "--to", "dan", "--from", "2026-12-24", "--until", "2026-12-31")
    assert away.out == "ann's tasks go to dan from 2026-12-24 to 2026-12-31 (UTC days)\n"
    engine = make_engine(db_url)
    from activities.db.org import active_delegates, org_entries
    from activities.db.repository import list_audit_events

    assert org_entries(engine, ["ann"])["ann"].deputy == "dan"
    last_day = datetime(2026, 12, 31, 23, 59, tzinfo=UTC)  # --until is the last day, whole
    assert active_delegates(engine, ["ann"], last_day) == {"ann": "dan"}
    assert active_delegates(engine, ["ann"], datetime(2027, 1, 1, tzinfo=UTC)) == {}
    bad = poflow("users", "delegate", "ann", "--to", "dan", "--from", "soon", "--until", "2026-12-31")
    assert (bad.code, bad.err) == (2, "poflow: --from: 'soon' is not a day (YYYY-MM-DD)\n")
    # the delegation is on the audit trail, with who made it (a refused one is not)
    [event] = [e for e in list_audit_events(engine, "") if e.event == "delegation"]
    assert event.detail == "ann's tasks go to dan from 2026-12-24 to 2026-12-31 (UTC days)"
    assert event.actor.startswith("cli:") and event.evidence is not None
