"""Who a task is with (issue #16 item 4): its people at the start, with
anyone out of office replaced by their delegate, and the SLA ladder after —
the deputies of those people, then their managers — from the organisation
data (each principal's deputy and manager).

Pure: the `people_for_task` activity reads the data; the PO workflow records
the answer in the task and its history, so each rung is there to read.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

__all__ = ["LADDER", "OrgEntry", "ladder_rung", "with_delegates"]

# The rungs of the SLA ladder, by escalation level (models.tasks.ESCALATION_CHAIN).
LADDER = ("assignee", "deputy", "manager")


@dataclass(frozen=True)
class OrgEntry:
    deputy: str | None = None
    manager: str | None = None


def with_delegates(people: Iterable[str], delegates: Mapping[str, str]) -> tuple[list[str], list[str]]:
    """People, each out-of-office one replaced by their delegate (in order,
    once each), and the sentences saying who stood in for whom."""
    found: list[str] = []
    notes: list[str] = []
    for person in people:
        stand_in = delegates.get(person)
        if stand_in is not None and stand_in != person:
            notes.append(f"{person} is out of office: {stand_in} stands in")
            person = stand_in
        if person not in found:
            found.append(person)
    return found, notes


def ladder_rung(first: Sequence[str], level: int, org: Mapping[str, OrgEntry]) -> tuple[list[str], str]:
    """The people at escalation `level` (0 the task's own people, 1 their
    deputies, 2 their managers) and why; a person with no deputy goes to their
    manager at level 1 already, so an escalation never lands on nobody when
    the organisation names someone above."""
    if level <= 0:
        return list(first), "the task's people"
    people: list[str] = []
    reasons: list[str] = []
    for person in first:
        entry = org.get(person, OrgEntry())
        target, rung = (entry.deputy, "deputy") if level == 1 and entry.deputy else (entry.manager, "manager")
        if target is not None and target not in people:
            people.append(target)
            reasons.append(f"{target} ({rung} of {person})")
    return people, ", ".join(reasons) or f"nobody named above {', '.join(first) or 'the role'}"
