"""Who a task is with: its people at the start (the level's named people or
everyone holding its role), each out-of-office one replaced by their
delegate, then up the SLA ladder — deputies, then managers — from the
organisation data (identity.org has the rules, activities.db.org the data).

Read-only, so trivially idempotent; the workflow records the answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine
from temporalio import activity

from activities.db import org
from identity.org import ladder_rung, with_delegates
from models.tasks import TaskPeople, TaskPeopleRequest

__all__ = ["PeopleActivities"]


class PeopleActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def all(self) -> list[Callable[..., Any]]:
        return [self.people_for_task]

    @activity.defn
    def people_for_task(self, req: TaskPeopleRequest) -> TaskPeople:
        first = list(req.named) or org.people_with_role(self._engine, req.role)
        if not first:
            return TaskPeople(people=[], why=f"nobody holds the role {req.role}")
        if req.level == 0:
            people, why = first, "the task's people"
        else:
            people, why = ladder_rung(first, req.level, org.org_entries(self._engine, first))
        people, notes = with_delegates(people, org.active_delegates(self._engine, people, req.at))
        return TaskPeople(people=people, why="; ".join([why, *notes]))
