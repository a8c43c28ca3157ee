"""Substitutes the item master allows: which item a supplier may ship in
place of the one ordered (migration 0014). An acknowledgment substituting a
listed item is accepted as the next revision; any other needs the buyer
(p2p.acknowledgment)."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Connection, select
from sqlalchemy.engine import Engine

from activities.db import schema as t
from activities.db.master_data import connect
from activities.db.upsert import insert


def add_substitutes(connection: Connection, item_id: str, substitutes: Iterable[str]) -> None:
    """Record that `substitutes` may replace `item_id` (kept if already known)."""
    for substitute in substitutes:
        stmt = insert(connection, t.item_substitutes).values(item_id=item_id, substitute_id=substitute)
        connection.execute(stmt.on_conflict_do_nothing(index_elements=["item_id", "substitute_id"]))


def listed_substitutes(bind: Engine | Connection, pairs: Iterable[tuple[str, str]]) -> set[tuple[str, str]]:
    """The (item ordered, item shipped) pairs of `pairs` the item master allows."""
    wanted = set(pairs)
    if not wanted:
        return set()
    s = t.item_substitutes
    query = select(s.c.item_id, s.c.substitute_id).where(s.c.item_id.in_(sorted({i for i, _ in wanted})))
    with connect(bind) as connection:
        rows = connection.execute(query).all()
    return {(row.item_id, row.substitute_id) for row in rows} & wanted
