"""Organisation data and out-of-office delegation in the database
(identity.org holds the rules): deputies and managers, delegations with
dates, and the people who hold a role."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from activities.db import schema as t
from identity.names import normalize_login
from identity.org import OrgEntry

__all__ = ["active_delegates", "add_delegation", "org_entries", "people_with_role", "set_org"]

# A task names at most this many people (a role held by hundreds is a role, not a list).
MAX_PEOPLE = 20


def set_org(engine: Engine, login: str, *, deputy: str | None, manager: str | None) -> bool:
    """A person's deputy and manager (None clears); False when no such principal."""
    values = {
        "deputy": normalize_login(deputy) if deputy else None,
        "manager": normalize_login(manager) if manager else None,
    }
    with engine.begin() as connection:
        result = connection.execute(
            update(t.principals).where(t.principals.c.principal_id == normalize_login(login)).values(values)
        )
        return result.rowcount > 0


def add_delegation(
    engine: Engine,
    login: str,
    *,
    to: str,
    starts_at: datetime,
    ends_at: datetime,
    reason: str | None,
    now: datetime,
    created_by: str | None = None,
) -> int:
    if ends_at <= starts_at:
        raise ValueError("a delegation ends after it starts")
    principal, delegate = normalize_login(login), normalize_login(to)
    if principal == delegate:
        raise ValueError("a person cannot delegate to themselves")
    with engine.begin() as connection:
        known = connection.execute(
            select(t.principals.c.principal_id).where(t.principals.c.principal_id.in_([principal, delegate]))
        ).scalars()
        missing = {principal, delegate} - set(known)
        if missing:
            raise LookupError(f"no principal {', '.join(sorted(missing))}")
        result = connection.execute(
            t.delegations.insert().values(
                principal_id=principal,
                delegate_id=delegate,
                starts_at=starts_at,
                ends_at=ends_at,
                reason=reason,
                created_by=created_by,
                created_at=now,
            )
        )
        key = result.inserted_primary_key
        assert key is not None
        delegation_id = int(key[0])
        # In the same transaction: a delegation moves decisions about money to
        # someone else, so it is on the audit trail the moment it exists.
        until = (ends_at - timedelta(microseconds=1)).date()
        detail = f"{principal}'s tasks go to {delegate} from {starts_at.date()} to {until} (UTC days)"
        connection.execute(
            t.audit_events.insert().values(
                event_id=f"delegation:{delegation_id}",
                po_number="",
                event="delegation",
                detail=detail + (f": {reason}" if reason else ""),
                actor=created_by or "unknown",
                at=now,
                evidence=f"delegation {delegation_id}",
            )
        )
        return delegation_id


def people_with_role(engine: Engine, role: str) -> list[str]:
    """Active people holding `role`, by id (at most MAX_PEOPLE)."""
    query = select(t.principals.c.principal_id, t.principals.c.roles).where(
        t.principals.c.kind == "person", t.principals.c.disabled_at.is_(None)
    )
    with engine.connect() as connection:
        rows = connection.execute(query.order_by(t.principals.c.principal_id)).all()
    return [row.principal_id for row in rows if role in (row.roles or [])][:MAX_PEOPLE]


def org_entries(engine: Engine, people: list[str]) -> dict[str, OrgEntry]:
    query = select(t.principals.c.principal_id, t.principals.c.deputy, t.principals.c.manager).where(
        t.principals.c.principal_id.in_(people)
    )
    with engine.connect() as connection:
        return {row.principal_id: OrgEntry(row.deputy, row.manager) for row in connection.execute(query)}


def active_delegates(engine: Engine, people: list[str], at: datetime) -> dict[str, str]:
    """Who stands in for each of `people` at `at` (the latest delegation covering it)."""
    d = t.delegations
    query = (
        select(d.c.principal_id, d.c.delegate_id)
        .where(d.c.principal_id.in_(people), d.c.starts_at <= at, d.c.ends_at > at)
        .order_by(d.c.created_at, d.c.delegation_id)
    )
    with engine.connect() as connection:
        return {row.principal_id: row.delegate_id for row in connection.execute(query)}
