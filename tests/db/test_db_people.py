"""Who a task is with, from the database (activity people_for_task), on
SQLite and PostgreSQL: role holders (active people only), delegations by
their window, deputies and managers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.engine import Engine

from activities.db import principals
from activities.db.org import add_delegation, set_org
from activities.people import PeopleActivities
from identity.roles import Kind, Role
from models.tasks import TaskPeopleRequest

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


@pytest.fixture
def org(engine: Engine) -> PeopleActivities:
    people = [
        ("ann", [Role.AP_CLERK]),
        ("bob", [Role.AP_CLERK]),
        ("dan", []),
        ("meg", []),
        ("old", [Role.AP_CLERK]),
    ]
    for login, roles in people:
        principals.add_principal(engine, login, kind=Kind.PERSON, display_name=login, roles=roles, now=NOW)
    principals.disable_principal(engine, "old", now=NOW)
    set_org(engine, "ann", deputy="dan", manager="meg")
    set_org(engine, "bob", deputy=None, manager="meg")
    add_delegation(
        engine, "bob", to="dan", starts_at=NOW, ends_at=NOW + timedelta(days=2), reason="away", now=NOW
    )
    return PeopleActivities(engine)


def people(acts: PeopleActivities, level: int, at: datetime, named: list[str] | None = None) -> list[str]:
    req = TaskPeopleRequest(role="ap_clerk", named=named or [], level=level, at=at)
    return acts.people_for_task(req).people


def test_role_holders_and_the_delegates_of_those_away(org: PeopleActivities) -> None:
    assert people(org, 0, NOW - timedelta(hours=1)) == ["ann", "bob"]  # before bob leaves; 'old' is disabled
    assert people(org, 0, NOW + timedelta(days=1)) == ["ann", "dan"]
    assert people(org, 0, NOW + timedelta(days=2)) == ["ann", "bob"]  # the window's end is exclusive


def test_the_ladder_by_name(org: PeopleActivities) -> None:
    later = NOW + timedelta(days=5)
    assert people(org, 1, later) == ["dan", "meg"]  # ann's deputy; bob has none: his manager
    assert people(org, 2, later) == ["meg"]
    assert people(org, 1, later, named=["ann"]) == ["dan"]
    found = org.people_for_task(TaskPeopleRequest(role="ap_clerk", named=["bob"], level=1, at=NOW))
    assert found.why == "meg (manager of bob)"  # meg is not away: no stand-in


def test_delegations_are_checked(engine: Engine) -> None:
    principals.add_principal(engine, "ann", kind=Kind.PERSON, display_name="ann", now=NOW)
    with pytest.raises(LookupError, match="no principal zed"):
        add_delegation(
            engine, "ann", to="zed", starts_at=NOW, ends_at=NOW + timedelta(days=1), reason=None, now=NOW
        )
    with pytest.raises(ValueError, match="ends after it starts"):
        add_delegation(engine, "ann", to="ann", starts_at=NOW, ends_at=NOW, reason=None, now=NOW)
    with pytest.raises(ValueError, match="to themselves"):
        add_delegation(
            engine, "ann", to="ANN", starts_at=NOW, ends_at=NOW + timedelta(days=1), reason=None, now=NOW
        )
