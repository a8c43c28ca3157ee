"""Tolerance profiles by reference (PATCH_MATCH_PROFILES_BY_REFERENCE): the
PO workflow has its policy's profiles in history already (validate_with_policy
or load_policy), so a match request names them — name, version and a digest of
what the workflow has — and the match activity loads them from the database.
The digest makes that safe: a profile stored differently from the workflow's
copy (a repair that kept the version) is refused, and the workflow sends the
profiles whole instead (po_steps.invoices)."""

from __future__ import annotations

import hashlib

from pydantic import Field

from models.common import Document
from models.tolerances import ToleranceProfile

# The ApplicationError type of a reference the database cannot answer as the workflow has it.
PROFILES_CHANGED = "ProfilesChanged"


class ProfileRef(Document):
    name: str = Field(max_length=64)
    version: int
    digest: str = Field(max_length=64, description="sha256 of the profile's JSON form")


def digest(profile: ToleranceProfile) -> str:
    return hashlib.sha256(profile.model_dump_json().encode()).hexdigest()


def ref(profile: ToleranceProfile) -> ProfileRef:
    return ProfileRef(name=profile.name, version=profile.version, digest=digest(profile))
