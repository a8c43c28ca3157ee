"""Who a task is with, and who may not take it: the approval matrix's band for
it (route_task), who changed the vendor's bank details (vendor_bank_changed_by), its
people at the start (the level's named people or
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
from activities.db.approval_matrix import list_bands
from activities.db.vendor_bank import latest_bank_change
from identity.org import ladder_rung, with_delegates
from models.approvals import ApprovalRoute, TaskRouteRequest
from models.tasks import TaskPeople, TaskPeopleRequest
from p2p.approvals import route_for

__all__ = ["PeopleActivities"]


class PeopleActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def all(self) -> list[Callable[..., Any]]:
        return [self.people_for_task, self.route_task, self.vendor_bank_changed_by]

    @activity.defn
    def vendor_bank_changed_by(self, vendor_id: str) -> str | None:
        """Who last changed the vendor's bank details (only who: nothing of the
        account goes into a history); None: never changed in poflow."""
        change = latest_bank_change(self._engine, vendor_id)
        return change.changed_by if change else None

    @activity.defn
    def route_task(self, req: TaskRouteRequest) -> ApprovalRoute | None:
        """The matrix's route for a task other than a PO's approval (that one is
        part of validate_po); None: no band for it, the task keeps its role."""
        return route_for(
            list_bands(self._engine),
            total=req.total,
            currency=req.currency,
            categories=req.categories,
            budget_code=req.budget_code,
            flags=req.flags,
            task=req.task,
        )

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
