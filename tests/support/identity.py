"""People and systems for the tests: principals in a test database with their
tokens, and callers built without one (for service-level tests)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy.engine import Engine

from activities.db import principals
from activities.db.approval_matrix import set_approval_limits
from identity.principal import Caller, Principal
from identity.roles import Kind, Role, Scope

NOW = datetime.now(UTC)
PASSWORD = "correct horse battery"

# Who the tests act as. `carol` holds every role that moves a document or
# decides a task (the door tests are about the doors, not about who may); the
# others hold one role each, for the tests that are about who may.
PEOPLE: dict[str, tuple[Role, ...]] = {
    "carol": (Role.BUYER, Role.BUDGET_OWNER, Role.AP_CLERK, Role.RECEIVER, Role.PROCUREMENT_MANAGER),
    "bob.buyer": (Role.BUYER,),
    "rita.requester": (Role.BUDGET_OWNER,),  # requests POs (tests.support.builders): may not approve her own
    "alice.approver": (Role.BUDGET_OWNER,),
    "carl.clerk": (Role.AP_CLERK,),
    "anna.apmanager": (Role.AP_MANAGER,),
    "pat.procurement": (Role.PROCUREMENT_MANAGER,),
    "wally.warehouse": (Role.RECEIVER,),
    "root.admin": (Role.ADMIN,),
}
# What the budget owners may approve alone (the approval matrix's levels).
LIMITED: dict[str, dict[str, Decimal]] = {
    login: {"USD": Decimal("100000"), "EUR": Decimal("100000")}
    for login in ("carol", "alice.approver", "rita.requester")
}
SERVICES: dict[str, Scope] = {"edi-gateway": Scope.DOCUMENTS, "erp": Scope.DOCUMENTS_POS}


def caller(login: str = "carol", *roles: Role, scope: Scope = Scope.PERSON) -> Caller:
    """A person (or, with a service scope, a system) as an authenticated caller."""
    if scope != Scope.PERSON:
        return Caller(Principal(login, Kind.SERVICE, login), scope, via="token test")
    held = frozenset(roles or PEOPLE.get(login, ()))
    limits = LIMITED.get(login, {})
    return Caller(
        Principal(login, Kind.PERSON, login, held, approval_limits=limits), Scope.PERSON, via="token test"
    )


def add_person(engine: Engine, login: str, roles: Iterable[Role]) -> str:
    """A person (with the test password) and a day-long token of theirs."""
    principals.add_principal(
        engine, login, kind=Kind.PERSON, display_name=login, roles=roles, now=NOW, password=PASSWORD
    )
    return principals.create_token(
        engine, login, scope=Scope.PERSON, label="tests", expires_at=NOW + timedelta(days=1), now=NOW
    ).token


def seed_principals(engine: Engine) -> dict[str, str]:
    """Every principal above in `engine` (migrated, without them), with a
    password for the people; their API tokens by login."""
    expires = NOW + timedelta(days=30)
    tokens = {login: add_person(engine, login, roles) for login, roles in PEOPLE.items()}
    for login in LIMITED:
        set_approval_limits(engine, login, LIMITED[login])
    for login, scope in SERVICES.items():
        principals.add_principal(engine, login, kind=Kind.SERVICE, display_name=login, now=NOW)
        tokens[login] = principals.create_token(
            engine, login, scope=scope, label="tests", expires_at=expires, now=NOW
        ).token
    return tokens


def authenticate_app(app: Any, engine: Engine) -> dict[str, str]:
    """Sign-in for an app whose lifespan does not run (ASGITransport): the
    authenticator on its state, and the test principals' tokens by login."""
    from starter.api.auth import Authenticator

    app.state.authenticator = Authenticator(engine, "tests-session-secret")
    return seed_principals(engine)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
