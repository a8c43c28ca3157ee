"""Principals and API tokens on SQLite and PostgreSQL: one login per person
whatever the spelling, tokens that stop working when they expire, are revoked
or their principal is disabled, and passwords that sign in only their owner."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from activities.db import principals as db
from activities.db import schema as t
from identity.roles import Kind, Permission, Role, Scope

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
PASSWORD = "correct horse battery"


def add_clerk(engine: Engine, login: str = "Alice") -> str:
    return db.add_principal(
        engine,
        login,
        kind=Kind.PERSON,
        display_name="Alice A.",
        roles=[Role.AP_CLERK],
        now=NOW,
        password=PASSWORD,
    ).principal_id


@pytest.mark.parametrize("second", ["alice", "ALICE", "\uff21lice", " Alice "])
def test_a_login_is_taken_in_every_spelling(engine: Engine, second: str) -> None:
    assert add_clerk(engine) == "alice"
    with pytest.raises(db.PrincipalExists, match="'alice' is taken"):
        db.add_principal(engine, second, kind=Kind.PERSON, display_name="Mallory", now=NOW)


def test_a_service_account_has_no_roles_and_no_password(engine: Engine) -> None:
    with pytest.raises(ValueError, match="no roles and no password"):
        db.add_principal(
            engine, "edi-gateway", kind=Kind.SERVICE, display_name="EDI", roles=[Role.BUYER], now=NOW
        )


def test_a_token_authenticates_its_principal_within_its_scope(engine: Engine) -> None:
    db.add_principal(engine, "edi-gateway", kind=Kind.SERVICE, display_name="EDI gateway", now=NOW)
    issued = db.create_token(
        engine,
        "edi-gateway",
        scope=Scope.DOCUMENTS,
        label="van",
        expires_at=NOW + timedelta(days=90),
        now=NOW,
    )
    caller = db.authenticate_token(engine, issued.token, now=NOW + timedelta(days=1))
    assert caller.principal_id == "edi-gateway"
    assert caller.may(Permission.SUBMIT_DOCUMENTS) and not caller.may(Permission.MANAGE_POS)
    with engine.connect() as connection:
        stored = connection.execute(select(t.api_tokens.c.secret_hash)).scalar_one()
    assert issued.token.split("_", 2)[2] not in stored  # the secret itself is never stored


@pytest.mark.parametrize(
    ("spoil", "why"),
    [
        ("expire", "expired at"),
        ("revoke", "was revoked"),
        ("disable", "is disabled"),
        ("tamper", "unknown token"),
        ("garble", "not a poflow API token"),
    ],
)
def test_a_token_stops_working(engine: Engine, spoil: str, why: str) -> None:
    add_clerk(engine)
    issued = db.create_token(
        engine, "alice", scope=Scope.PERSON, label="cli", expires_at=NOW + timedelta(days=30), now=NOW
    )
    token, when = issued.token, NOW + timedelta(days=1)
    if spoil == "expire":
        when = NOW + timedelta(days=30)
    elif spoil == "revoke":
        assert db.revoke_token(engine, issued.token_id, now=NOW)
    elif spoil == "disable":
        assert db.disable_principal(engine, "alice", now=NOW)
    elif spoil == "tamper":
        token = token[:-1] + ("A" if token[-1] != "A" else "B")
    else:
        token = "Bearer " + token
    with pytest.raises(db.AuthenticationFailed, match=why):
        db.authenticate_token(engine, token, now=when)


@pytest.mark.parametrize(
    ("login", "scope", "expires_in", "why"),
    [
        ("alice", Scope.DOCUMENTS, timedelta(days=1), "scope 'person'"),
        ("alice", Scope.PERSON, timedelta(0), "expires in the future"),
        ("alice", Scope.PERSON, timedelta(days=400), "within 366 days"),
    ],
)
def test_token_requests_that_are_refused(
    engine: Engine, login: str, scope: Scope, expires_in: timedelta, why: str
) -> None:
    add_clerk(engine)
    with pytest.raises(ValueError, match=why):
        db.create_token(engine, login, scope=scope, label="x", expires_at=NOW + expires_in, now=NOW)


def test_passwords_sign_in_their_owner_only(engine: Engine) -> None:
    add_clerk(engine)
    assert db.authenticate_password(engine, "ALICE", PASSWORD).principal_id == "alice"
    for login, password in [("alice", "wrong password!"), ("bob", PASSWORD), ("al\u200bice", PASSWORD)]:
        with pytest.raises(db.AuthenticationFailed, match="wrong login or password"):
            db.authenticate_password(engine, login, password)
    db.disable_principal(engine, "alice", now=NOW)
    with pytest.raises(db.AuthenticationFailed):
        db.authenticate_password(engine, "alice", PASSWORD)


def test_revoking_or_disabling_what_does_not_exist_says_so(engine: Engine) -> None:
    assert not db.revoke_token(engine, "nope", now=NOW)
    assert not db.disable_principal(engine, "nobody", now=NOW)
