"""Who approves a PO (and who decides the other tasks the matrix routes): the
approval matrix's route (models.approvals) and the checks on an approver — in the level's people (when it names any), within
their own approval limit, and not the approver of an earlier level.

Pure: the validate activity resolves the route from the bands in the
database, and the PO workflow's update validator checks each approver.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from models.approvals import ApprovalBand, ApprovalRoute, RoutedTask

__all__ = ["OFF_CONTRACT", "PRICE_ANOMALY", "UOM_MISMATCH", "check_approver", "check_eligible", "route_for"]

# Validation flags a band may name (activities.db.validation sets them).
OFF_CONTRACT = "off_contract"
PRICE_ANOMALY = "price_anomaly"
UOM_MISMATCH = "uom_mismatch"


def route_for(
    bands: Iterable[ApprovalBand],
    *,
    total: Decimal,
    currency: str,
    categories: Iterable[str],
    budget_code: str | None,
    flags: Iterable[str],
    task: RoutedTask = "approve_po",
) -> ApprovalRoute | None:
    """The first of the task's bands that matches, as a route; None when none does."""
    category_set, flag_set = set(categories), set(flags)
    for band in bands:
        if band.task != task:
            continue
        why = _matches(band, total, currency, category_set, budget_code, flag_set)
        if why is not None:
            return ApprovalRoute(band=band.name, levels=list(band.levels), why=why)
    return None


def _matches(
    band: ApprovalBand,
    total: Decimal,
    currency: str,
    categories: set[str],
    budget_code: str | None,
    flags: set[str],
) -> str | None:
    """Why the band matches, or None."""
    if band.currency is not None and band.currency != currency:
        return None
    if total < band.min_total or (band.max_total is not None and total >= band.max_total):
        return None
    if band.category is not None and band.category not in categories:
        return None
    if band.budget_code is not None and band.budget_code != budget_code:
        return None
    hit = sorted(flags & set(band.flags))
    if band.flags and not hit:
        return None
    upper = f" and below {band.max_total}" if band.max_total is not None else ""
    words = [f"total {total} {currency} from {band.min_total}{upper}"]
    words += [f"category {band.category}"] if band.category else []
    words += [f"budget {band.budget_code}"] if band.budget_code else []
    words += [f"flagged {', '.join(hit)}"] if hit else []
    return "; ".join(words)


def check_eligible(*, actor: str, level: int, people: Sequence[str]) -> None:
    """Raises ValueError unless the level names no people or `actor` is one of them."""
    if people and actor not in people:
        raise ValueError(f"{actor} is not an approver of level {level} (any of {', '.join(people)})")


def check_approver(
    *,
    actor: str,
    level: int,
    people: Sequence[str],
    limits: Mapping[str, Decimal],
    total: Decimal,
    currency: str,
    earlier_approvers: Iterable[str],
) -> None:
    """Raises ValueError, naming the rule, when `actor` may not approve this level."""
    check_eligible(actor=actor, level=level, people=people)
    if actor in set(earlier_approvers):
        raise ValueError(f"{actor} approved an earlier level of this PO: each level needs another person")
    limit = limits.get(currency)
    if limit is None:
        raise ValueError(f"{actor} has no approval limit in {currency}")
    if total > limit:
        raise ValueError(f"{actor}'s approval limit is {limit} {currency}, below the PO's {total} {currency}")
