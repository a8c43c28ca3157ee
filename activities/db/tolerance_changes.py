"""Changing a live tolerance profile: a proposal, a second person's
approval, a new version — and every earlier version kept.

    propose_change(engine, profiles, by="carl.clerk", reason="…")  → TC-7, pending, with its diff
    approve_change(engine, 7, by="anna.apmanager")                   → live profiles at version + 1
    reject_change(engine, 7, by="anna.apmanager", reason="…")

Rules (README "Tolerance file", p2p-semantics.md b.5 "version, approved_by"):

* A proposed profile replaces the live profile of the same *name* (its
  identity: holds quote it as `acme v3`); a new name adds a profile. The
  version in the file is ignored: approval numbers it live version + 1 (a new
  profile starts at 1). Profiles are not deleted by a change.
* The proposal is checked against the live profiles as a whole (names and
  scopes stay unique, vendors/items/categories exist, a profile a policy
  names stays a default profile) and stored with its diff and with the live
  versions it was based on. A proposal that changes nothing is refused.
* Segregation of duties: the proposer cannot approve their own change
  (names compare case-blind). Anyone may reject, the proposer too (that is
  withdrawing it); a rejection says why.
* Approval is refused when a profile it touches moved since the proposal
  (another change went live first): the diff would no longer be what the
  approver read. Propose again.
* On approval, in one transaction: each changed profile's live row gets the
  new version and limits; its previous version in tolerance_profile_versions
  gets `valid_to`; the new version is recorded with the change id and the
  approver. Two approvers racing: one wins, the other is told it was decided.

Running workflows keep the profiles they recorded at start (the policy is
read once per PO and kept in its history); new POs get the new versions.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select, update
from sqlalchemy.engine import Engine

from activities.db import schema as t
from activities.db.master_data import _profile_row, list_tolerance_profiles
from activities.db.tolerance_history import (
    ChangeNotFound,
    change_from_row,
    change_row,
    get_change,
    get_profile_version,
    list_changes,
    live_profile_versions,
    profile_history,
)
from activities.db.upsert import insert
from models.matching import ToleranceProfile, check_candidates
from models.tolerance_changes import ChangeStatus, FieldChange, ProfileDiff, ToleranceChange, change_label

__all__ = [
    "ChangeInvalid",
    "ChangeNotFound",
    "ChangeRefused",
    "approve_change",
    "diff_against_live",
    "get_change",
    "get_profile_version",
    "list_changes",
    "live_profile_versions",
    "profile_history",
    "propose_change",
    "reject_change",
]

_IDENTITY = {"name", "version"}


class ChangeInvalid(ValueError):
    """The proposal itself is wrong (bad scope, clash, nothing to change)."""


class ChangeRefused(Exception):
    """A well-formed request the change's state refuses: already decided,
    approving one's own change, stale against the live profiles."""


def _now(now: datetime | None) -> datetime:
    moment = now or datetime.now(UTC)
    if moment.tzinfo is None:
        raise ValueError("naive datetime: poflow stores timezone-aware UTC only")
    return moment.astimezone(UTC)


def _person(name: str, what: str) -> str:
    person = " ".join(name.split())
    if not person:
        raise ChangeInvalid(f"{what}: a person's name is required")
    if len(person) > 128:
        raise ChangeInvalid(f"{what}: at most 128 characters")
    return person


# --- the diff (pure) -------------------------------------------------------------------


def _values(profile: ToleranceProfile) -> dict[str, Any]:
    """Compared as values: a limit of 50 and of 50.00 is the same limit."""
    return profile.model_dump(exclude=_IDENTITY)


def _shown(profile: ToleranceProfile) -> dict[str, Any]:
    return profile.model_dump(mode="json", exclude=_IDENTITY)


def diff_against_live(
    live: Iterable[ToleranceProfile], proposed: Iterable[ToleranceProfile]
) -> tuple[list[ToleranceProfile], dict[str, int | None], list[ProfileDiff]]:
    """The proposed profiles that change something, numbered as they would
    go live, the live versions they replace, and what each changes. Proposed
    profiles identical to their live one (version aside) are dropped.

    A proposed profile is whole, as in every tolerance file: a limit it
    leaves out takes the model's default (the diff shows it). Only its
    `description`, when left out, carries over from the live profile."""
    by_name = {profile.name: profile for profile in live}
    numbered: list[ToleranceProfile] = []
    base: dict[str, int | None] = {}
    diff: list[ProfileDiff] = []
    for profile in proposed:
        current = by_name.get(profile.name)
        if current is None:
            new = profile.model_copy(update={"version": 1})
            changes = [
                FieldChange(field=field, after=value)
                for field, value in _shown(new).items()
                if value is not None
            ]
            diff.append(ProfileDiff(name=profile.name, action="added", to_version=1, changes=changes))
        else:
            if "description" not in profile.model_fields_set:
                profile = profile.model_copy(update={"description": current.description})
            before, after = _values(current), _values(profile)
            shown_before, shown_after = _shown(current), _shown(profile)
            changes = [
                FieldChange(field=field, before=shown_before[field], after=shown_after[field])
                for field in after
                if after[field] != before[field]
            ]
            if not changes:
                continue
            new = profile.model_copy(update={"version": current.version + 1})
            diff.append(
                ProfileDiff(
                    name=profile.name,
                    action="changed",
                    from_version=current.version,
                    to_version=new.version,
                    changes=changes,
                )
            )
        numbered.append(new)
        base[profile.name] = current.version if current is not None else None
    return numbered, base, diff


# --- checks against the database -------------------------------------------------------


def _check_proposal(
    connection: Connection, live: list[ToleranceProfile], proposed: list[ToleranceProfile]
) -> None:
    try:
        check_candidates(list(proposed))
    except ValueError as err:
        raise ChangeInvalid(f"proposed profiles: {err}") from None
    names = {profile.name for profile in proposed}
    merged = [profile for profile in live if profile.name not in names] + list(proposed)
    try:
        check_candidates(merged)
    except ValueError as err:
        raise ChangeInvalid(f"with the live profiles: {err}") from None
    vendors = set(connection.execute(select(t.vendors.c.id)).scalars())
    items = dict(connection.execute(select(t.items.c.id, t.items.c.category)).all())
    categories = {category.casefold() for category in items.values()}
    for profile in proposed:
        if profile.vendor_id is not None and profile.vendor_id not in vendors:
            raise ChangeInvalid(f"profile {profile.name!r}: unknown vendor_id {profile.vendor_id!r}")
        if profile.item_id is not None and profile.item_id not in items:
            raise ChangeInvalid(f"profile {profile.name!r}: unknown item_id {profile.item_id!r}")
        if profile.category is not None and profile.category.casefold() not in categories:
            raise ChangeInvalid(f"profile {profile.name!r}: no item has category {profile.category!r}")
    defaults = set(connection.execute(select(t.policies.c.tolerance_profile)).scalars())
    for profile in proposed:
        if profile.name in defaults and profile.scope_key is not None:
            raise ChangeInvalid(
                f"profile {profile.name!r} is a policy's default profile and cannot get a scope "
                f"({profile.scope_key})"
            )


# --- operations --------------------------------------------------------------------------------


def propose_change(
    engine: Engine,
    proposed: list[ToleranceProfile],
    *,
    by: str,
    reason: str | None = None,
    now: datetime | None = None,
) -> ToleranceChange:
    """Store a pending change with its diff against the live profiles."""
    proposer = _person(by, "proposed by")
    if not proposed:
        raise ChangeInvalid("no profiles proposed")
    with engine.begin() as connection:
        live = list_tolerance_profiles(connection)
        _check_proposal(connection, live, proposed)
        profiles, base, diff = diff_against_live(live, proposed)
        if not diff:
            raise ChangeInvalid("nothing to change: every proposed profile equals its live version")
        change_id = connection.execute(
            t.tolerance_changes.insert()
            .values(
                status=ChangeStatus.PENDING.value,
                proposed_by=proposer,
                proposed_at=_now(now),
                reason=(reason or "").strip() or None,
                profiles=[profile.model_dump(mode="json") for profile in profiles],
                base_versions=base,
                diff=[entry.model_dump(mode="json") for entry in diff],
            )
            .returning(t.tolerance_changes.c.change_id)
        ).scalar_one()
        row = change_row(connection, change_id)
    return change_from_row(row)


def _pending(row: Any) -> ToleranceChange:
    change = change_from_row(row)
    if change.status != ChangeStatus.PENDING:
        raise ChangeRefused(
            f"{change.label} is already {change.status.value} by {change.decided_by} "
            f"on {change.decided_at:%Y-%m-%d %H:%M} UTC"
        )
    return change


def _decide(
    connection: Connection, change_id: int, status: ChangeStatus, by: str, comment: str | None, at: datetime
) -> None:
    """pending → status, only if still pending (the database decides a race)."""
    c = t.tolerance_changes.c
    won = connection.execute(
        update(t.tolerance_changes)
        .where(c.change_id == change_id, c.status == ChangeStatus.PENDING.value)
        .values(status=status.value, decided_by=by, decided_at=at, decision_comment=comment)
        .returning(c.change_id)
    ).first()
    if won is None:
        raise ChangeRefused(f"{change_label(change_id)} was decided by somebody else a moment ago")


def approve_change(
    engine: Engine, change_id: int, *, by: str, comment: str | None = None, now: datetime | None = None
) -> ToleranceChange:
    """Put a pending change live (see the module docstring)."""
    approver = _person(by, "approved by")
    at = _now(now)
    with engine.begin() as connection:
        change = _pending(change_row(connection, change_id, lock=True))
        if approver.casefold() == change.proposed_by.casefold():
            raise ChangeRefused(
                f"{approver} proposed {change.label} and cannot approve it: a second person approves "
                "tolerance changes (segregation of duties)"
            )
        _refuse_if_stale(connection, change)
        _decide(connection, change_id, ChangeStatus.APPROVED, approver, (comment or "").strip() or None, at)
        _put_live(connection, change, approver, at)
        result = change_from_row(change_row(connection, change_id))
    return result


def _refuse_if_stale(connection: Connection, change: ToleranceChange) -> None:
    """A profile the change touches moved since the proposal, or the change no
    longer fits the live profiles: the approver did not read this diff."""
    p = t.tolerance_profiles
    names = [profile.name for profile in change.profiles]
    live = {
        row["name"]: row["version"]
        for row in connection.execute(
            select(p.c.name, p.c.version).where(p.c.name.in_(names)).with_for_update()
        ).mappings()
    }
    moved = [
        f"{name} is v{live[name]} now, was v{change.base_versions[name]}"
        if name in live
        else f"{name} was removed"
        for name in names
        if live.get(name) != change.base_versions.get(name)
    ]
    if moved:
        raise ChangeRefused(
            f"{change.label} is stale: {'; '.join(moved)} since it was proposed; propose it again"
        )
    others = [profile for profile in list_tolerance_profiles(connection) if profile.name not in names]
    try:
        check_candidates(others + change.profiles)
    except ValueError as err:  # e.g. another change gave a new profile the same scope first
        raise ChangeRefused(f"{change.label} is stale: {err}; propose it again") from None


def _put_live(connection: Connection, change: ToleranceChange, approver: str, at: datetime) -> None:
    """Each profile of the change: the version it replaces ends at `at`, the new
    version is recorded with the change and the approver, the live row takes it."""
    v = t.tolerance_profile_versions
    for profile in change.profiles:
        row = _profile_row(profile)
        base = change.base_versions[profile.name]
        if base is not None:
            connection.execute(
                update(v)
                .where(v.c.name == profile.name, v.c.version == base, v.c.valid_to.is_(None))
                .values(valid_to=at)
            )
        connection.execute(
            v.insert().values(**row, valid_from=at, change_id=change.change_id, approved_by=approver)
        )
        stmt = insert(connection, t.tolerance_profiles).values(**row)
        connection.execute(
            stmt.on_conflict_do_update(
                index_elements=["name"], set_={key: stmt.excluded[key] for key in row if key != "name"}
            )
        )


def reject_change(
    engine: Engine, change_id: int, *, by: str, reason: str, now: datetime | None = None
) -> ToleranceChange:
    """Close a pending change without applying it. Anyone may, the proposer
    too (withdrawing it); the reason is recorded."""
    person = _person(by, "rejected by")
    why = (reason or "").strip()
    if not why:
        raise ChangeInvalid("a rejection needs a reason")
    with engine.begin() as connection:
        _pending(change_row(connection, change_id, lock=True))
        _decide(connection, change_id, ChangeStatus.REJECTED, person, why, _now(now))
        return change_from_row(change_row(connection, change_id))
