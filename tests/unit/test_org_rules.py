"""identity.org: who a task is with — delegates stand in for people out of
office; the SLA ladder goes to deputies (or, without one, the manager), then
managers; every step says why."""

from __future__ import annotations

import pytest

from identity.org import OrgEntry, ladder_rung, with_delegates

ORG = {
    "ann": OrgEntry(deputy="dan", manager="meg"),
    "bob": OrgEntry(deputy=None, manager="meg"),
    "cid": OrgEntry(),
}


@pytest.mark.parametrize(
    ("first", "level", "people", "why"),
    [
        (["ann"], 0, ["ann"], "the task's people"),
        (["ann"], 1, ["dan"], "dan (deputy of ann)"),
        (["ann"], 2, ["meg"], "meg (manager of ann)"),
        (["bob"], 1, ["meg"], "meg (manager of bob)"),  # no deputy: the manager at once
        (["ann", "bob"], 2, ["meg"], "meg (manager of ann)"),  # one manager, named once
        (["cid"], 1, [], "nobody named above cid"),
        (["zed"], 2, [], "nobody named above zed"),  # not in the organisation data
    ],
)
def test_the_sla_ladder(first: list[str], level: int, people: list[str], why: str) -> None:
    assert ladder_rung(first, level, ORG) == (people, why)


def test_delegates_stand_in_once_each_and_say_so() -> None:
    people, notes = with_delegates(["ann", "bob", "cid"], {"ann": "dan", "cid": "dan", "bob": "bob"})
    assert people == ["dan", "bob"]
    assert notes == ["ann is out of office: dan stands in", "cid is out of office: dan stands in"]
