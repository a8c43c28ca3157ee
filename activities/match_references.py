"""Loading the tolerance profiles a match request names (workflows.profile_refs):
the live profile when it is the version named, else the version recorded in
tolerance_profile_versions; either only when its digest is the workflow's."""

from __future__ import annotations

from sqlalchemy.engine import Engine
from temporalio.exceptions import ApplicationError

from activities.db.master_data import list_tolerance_profiles
from activities.db.tolerance_history import get_profile_version
from models.tolerances import ToleranceProfile
from workflows.profile_refs import PROFILES_CHANGED, ProfileRef, digest


def load_profiles(engine: Engine, refs: list[ProfileRef]) -> list[ToleranceProfile]:
    """The profiles `refs` name, in their order. Raises a non-retryable
    ApplicationError of type PROFILES_CHANGED when one is not stored as the
    workflow has it: no retry brings it back, the workflow sends it whole."""
    live = {(p.name, p.version): p for p in list_tolerance_profiles(engine)}
    found = []
    for wanted in refs:
        profile = live.get((wanted.name, wanted.version))
        if profile is None or digest(profile) != wanted.digest:
            recorded = get_profile_version(engine, wanted.name, wanted.version)
            profile = recorded.profile if recorded is not None else None
        if profile is None or digest(profile) != wanted.digest:
            raise ApplicationError(
                f"tolerance profile {wanted.name} v{wanted.version} is not stored as the workflow has it",
                non_retryable=True,
                type=PROFILES_CHANGED,
            )
        found.append(profile)
    return found
