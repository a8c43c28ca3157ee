"""Reading tolerance changes and profile versions: a change by id, the
changes (newest first), a profile's history and the version a hold quoted.

The write side (propose, approve, reject) is `activities.db.tolerance_changes`,
which also re-exports everything here.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select
from sqlalchemy.engine import Engine

from activities.db import schema as t
from activities.db.master_data import _profile, list_tolerance_profiles
from models.tolerance_changes import ChangeStatus, ProfileVersion, ToleranceChange, change_label

__all__ = [
    "ChangeNotFound",
    "change_from_row",
    "change_row",
    "get_change",
    "get_profile_version",
    "list_changes",
    "live_profile_versions",
    "profile_history",
]


class ChangeNotFound(LookupError):
    pass


# --- rows ↔ models --------------------------------------------------------------------------


def change_from_row(row: Any) -> ToleranceChange:
    return ToleranceChange.model_validate(
        {
            "change_id": row["change_id"],
            "status": row["status"],
            "proposed_by": row["proposed_by"],
            "proposed_at": row["proposed_at"],
            "reason": row["reason"],
            "profiles": row["profiles"],
            "base_versions": row["base_versions"],
            "diff": row["diff"],
            "decided_by": row["decided_by"],
            "decided_at": row["decided_at"],
            "decision_comment": row["decision_comment"],
        }
    )


def _version(row: Any) -> ProfileVersion:
    return ProfileVersion(
        profile=_profile(row),
        valid_from=row["valid_from"],
        valid_to=row["valid_to"],
        change_id=row["change_id"],
        approved_by=row["approved_by"],
    )


def change_row(connection: Connection, change_id: int, *, lock: bool = False) -> Any:
    query = select(t.tolerance_changes).where(t.tolerance_changes.c.change_id == change_id)
    if lock:
        query = query.with_for_update()
    row = connection.execute(query).mappings().first()
    if row is None:
        raise ChangeNotFound(f"no tolerance change {change_label(change_id)}")
    return row


# --- queries -----------------------------------------------------------------------------------


def get_change(engine: Engine, change_id: int) -> ToleranceChange:
    with engine.connect() as connection:
        return change_from_row(change_row(connection, change_id))


def list_changes(engine: Engine, status: ChangeStatus | None = None) -> list[ToleranceChange]:
    """Newest first."""
    c = t.tolerance_changes
    query = select(c).order_by(c.c.change_id.desc())
    if status is not None:
        query = query.where(c.c.status == status.value)
    with engine.connect() as connection:
        return [change_from_row(row) for row in connection.execute(query).mappings()]


def profile_history(engine: Engine, name: str) -> list[ProfileVersion]:
    """Every recorded version of `name`, oldest first."""
    v = t.tolerance_profile_versions
    with engine.connect() as connection:
        rows = connection.execute(select(v).where(v.c.name == name).order_by(v.c.version)).mappings().all()
    return [_version(row) for row in rows]


def get_profile_version(engine: Engine, name: str, version: int) -> ProfileVersion | None:
    """The profile `name` as it was at `version`: what a hold quoting
    `name vN` was decided under."""
    v = t.tolerance_profile_versions
    with engine.connect() as connection:
        row = connection.execute(select(v).where(v.c.name == name, v.c.version == version)).mappings().first()
    return _version(row) if row else None


def live_profile_versions(engine: Engine) -> list[ProfileVersion]:
    """The live profiles (most specific first) with since when and by whose
    approval they are in force. A live row without history (written by the
    low-level upsert) is shown with no date of its own."""
    v = t.tolerance_profile_versions
    with engine.connect() as connection:
        live = list_tolerance_profiles(connection)
        rows = {(row["name"], row["version"]): row for row in connection.execute(select(v)).mappings()}
    result = []
    for profile in live:
        row = rows.get((profile.name, profile.version))
        result.append(
            ProfileVersion(
                profile=profile,
                valid_from=row["valid_from"] if row else None,
                change_id=row["change_id"] if row else None,
                approved_by=row["approved_by"] if row else None,
            )
        )
    return result
