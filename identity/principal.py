"""A principal (person or system) and a caller: a principal seen through one
credential (a session or a token with its scope)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from identity.roles import Kind, Permission, Role, Scope, permissions_of

__all__ = ["Caller", "Principal"]


@dataclass(frozen=True)
class Principal:
    principal_id: str  # the normalised login (identity.names)
    kind: Kind
    display_name: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    email: str | None = None
    disabled: bool = False
    # What they may approve alone, per currency (the approval matrix's levels).
    approval_limits: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Caller:
    """Who is asking, and through what: `via` is "session" or "token <id>"."""

    principal: Principal
    scope: Scope
    via: str

    @property
    def principal_id(self) -> str:
        return self.principal.principal_id

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.principal.kind, self.principal.roles, self.scope)

    def may(self, permission: Permission) -> bool:
        return permission in self.permissions
