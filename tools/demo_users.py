"""The demo's principals (seed/demo_users.json, FOR THE DEMO ONLY): the people
sign in with their published demo passwords, the systems get a 1-day token per
run. Idempotent: a second run adds nobody, only fresh tokens."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from activities.db import principals
from activities.db.approval_matrix import set_approval_limits
from activities.db.org import set_org
from identity.roles import Kind, Role, Scope

DEMO_USERS = Path(__file__).resolve().parents[1] / "seed" / "demo_users.json"
TOKEN_LIFETIME = timedelta(days=1)


def load() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(DEMO_USERS.read_text(encoding="utf-8"))
    return data


def passwords() -> dict[str, str]:
    """Login → demo password, for signing in."""
    return {person["login"]: person["password"] for person in load()["people"]}


def ensure(engine: Engine, run_id: str) -> dict[str, str]:
    """Every demo principal in the database; a new token per service account
    (login → token), labelled with the run."""
    now = datetime.now(UTC)
    data = load()
    for person in data["people"]:
        if principals.get_principal(engine, person["login"]) is None:
            principals.add_principal(
                engine,
                person["login"],
                kind=Kind.PERSON,
                display_name=person["name"],
                roles=[Role(role) for role in person["roles"]],
                now=now,
                password=person["password"],
                created_by="demo",
            )
        limits = {currency: Decimal(amount) for currency, amount in person.get("approval_limits", {}).items()}
        if limits:
            set_approval_limits(engine, person["login"], limits)
    for person in data["people"]:  # after all exist: a deputy or manager is one of them
        if "deputy" in person or "manager" in person:
            set_org(engine, person["login"], deputy=person.get("deputy"), manager=person.get("manager"))
    tokens = {}
    for service in data["services"]:
        if principals.get_principal(engine, service["login"]) is None:
            principals.add_principal(
                engine,
                service["login"],
                kind=Kind.SERVICE,
                display_name=service["name"],
                now=now,
                created_by="demo",
            )
        tokens[service["login"]] = principals.create_token(
            engine,
            service["login"],
            scope=Scope(service["scope"]),
            label=f"demo run {run_id}",
            expires_at=now + TOKEN_LIFETIME,
            now=now,
        ).token
    return tokens
