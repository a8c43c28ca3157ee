"""The item master's answers the PO workflow asks for while it runs: which
substitutes a supplier may ship without the buyer's approval
(activities.db.substitutes). Read-only, so trivially idempotent; the
workflow records the answer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy.engine import Engine
from temporalio import activity

from activities.db.substitutes import listed_substitutes
from models.purchase_order import SubstitutePair

__all__ = ["ItemMasterActivities"]


class ItemMasterActivities:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def all(self) -> list[Callable[..., Any]]:
        return [self.listed_substitutes]

    @activity.defn
    def listed_substitutes(self, pairs: list[SubstitutePair]) -> list[SubstitutePair]:
        """The pairs of `pairs` the item master lists (item, allowed substitute)."""
        listed = listed_substitutes(self._engine, [(p.item_id, p.substitute_id) for p in pairs])
        return [p for p in pairs if (p.item_id, p.substitute_id) in listed]
