"""A change to the live tolerance profiles: proposed by one person, approved
(or rejected) by another, versioned on approval (activities/db/tolerance_changes.py).

p2p-semantics.md b.5: a tolerance rule has `version` and `approved_by`, and
"loosening needs human approval". Here every change does, tightening too:
a hold quotes the profile and version it was decided under, so each version
must be one somebody approved and nobody can rewrite."""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import Field

from models.common import Document, UtcDatetime
from models.matching import ToleranceProfile


class ChangeStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


def _text(value: Any) -> str:
    return "null (not checked)" if value is None else str(value)


class FieldChange(Document):
    field: str
    before: Any = None  # JSON value (decimals as strings); None: not checked / not set
    after: Any = None

    @property
    def label(self) -> str:
        return f"{self.field} {_text(self.before)} → {_text(self.after)}"


class ProfileDiff(Document):
    """What one proposed profile changes against the live one."""

    name: str
    action: Literal["added", "changed"]
    from_version: int | None = Field(
        default=None, description="The live version replaced; None: a new profile"
    )
    to_version: int
    changes: list[FieldChange] = Field(default_factory=list)

    @property
    def label(self) -> str:
        """`acme v3 → v4: price_over_pct 3 → 4` / `gloves-strict v1 (new)`."""
        if self.action == "added":
            head = f"{self.name} v{self.to_version} (new)"
            parts = [f"{change.field} {_text(change.after)}" for change in self.changes]
        else:
            head = f"{self.name} v{self.from_version} → v{self.to_version}"
            parts = [change.label for change in self.changes]
        return head + (": " + "; ".join(parts) if parts else "")


class ToleranceChange(Document):
    change_id: int
    status: ChangeStatus
    proposed_by: str
    proposed_at: UtcDatetime
    reason: str | None = None
    profiles: list[ToleranceProfile] = Field(description="The proposed profiles, numbered as they go live")
    base_versions: dict[str, int | None] = Field(
        description="Live version of each profile when proposed (None: new); approval refuses if it moved"
    )
    diff: list[ProfileDiff]
    decided_by: str | None = None
    decided_at: UtcDatetime | None = None
    decision_comment: str | None = None

    @property
    def label(self) -> str:
        return change_label(self.change_id)


def change_label(change_id: int) -> str:
    return f"TC-{change_id}"


def parse_change_id(text: str) -> int:
    """`TC-7`, `tc-7` or `7` → 7; ValueError otherwise."""
    value = text.strip()
    if value.upper().startswith("TC-"):
        value = value[3:]
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{text!r} is not a change id (TC-7 or 7)")
    return int(value)


class ProfileVersion(Document):
    """One version of a profile as it was in force."""

    profile: ToleranceProfile
    valid_from: UtcDatetime | None = Field(default=None, description="Went live; None: not recorded")
    valid_to: UtcDatetime | None = Field(default=None, description="Replaced then; None: live")
    change_id: int | None = Field(default=None, description="The approved change that made it; None: seeded")
    approved_by: str | None = None
