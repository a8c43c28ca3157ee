"""Who may do what: roles of people, scopes of tokens, and the permissions
they grant. The one place an endpoint's guard and a task's role are decided.

A person acts with the permissions of their roles. A system (EDI gateway, WMS,
ERP, mail ingestion) is a service account: it has no roles, and its token's
scope is all it may do. A person's own token (for the CLI) has the scope
`person`: it acts with that person's roles, nothing more.

Deciding a task needs the role the task names (models.tasks.TASK_ROLES); a
manager role also covers the role it manages (an AP manager can take an AP
clerk's task, as escalation hands it to them).
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

__all__ = [
    "COVERS",
    "Kind",
    "Permission",
    "Role",
    "Scope",
    "may_take_task",
    "permissions_of",
]


class Kind(StrEnum):
    PERSON = "person"
    SERVICE = "service"


class Role(StrEnum):
    ADMIN = "admin"  # manages users and tokens; decides nothing about money
    BUYER = "buyer"
    BUDGET_OWNER = "budget_owner"
    AP_CLERK = "ap_clerk"
    AP_MANAGER = "ap_manager"
    RECEIVER = "receiver"
    PROCUREMENT_MANAGER = "procurement_manager"


class Scope(StrEnum):
    DOCUMENTS = "documents"  # send supplier documents, read what became of them
    DOCUMENTS_POS = "documents+pos"  # also create and cancel POs, post receipts
    PERSON = "person"  # a person's own token: their roles, nothing more


class Permission(StrEnum):
    READ = "read"
    SUBMIT_DOCUMENTS = "submit_documents"
    POST_RECEIPTS = "post_receipts"
    MANAGE_POS = "manage_pos"
    HOLD_INVOICES = "hold_invoices"
    DECIDE_TASKS = "decide_tasks"
    PROPOSE_TOLERANCES = "propose_tolerances"
    APPROVE_TOLERANCES = "approve_tolerances"
    MANAGE_USERS = "manage_users"
    MANAGE_VENDOR_BANK = "manage_vendor_bank"  # change a vendor's bank account (then: not its payments)


_P = Permission
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.ADMIN: frozenset({_P.READ, _P.MANAGE_USERS}),
    Role.BUYER: frozenset({_P.READ, _P.SUBMIT_DOCUMENTS, _P.MANAGE_POS, _P.DECIDE_TASKS}),
    Role.BUDGET_OWNER: frozenset({_P.READ, _P.DECIDE_TASKS}),
    Role.AP_CLERK: frozenset({_P.READ, _P.SUBMIT_DOCUMENTS, _P.HOLD_INVOICES, _P.DECIDE_TASKS}),
    Role.AP_MANAGER: frozenset(
        {_P.READ, _P.SUBMIT_DOCUMENTS, _P.HOLD_INVOICES, _P.DECIDE_TASKS, _P.MANAGE_VENDOR_BANK}
    ),
    Role.RECEIVER: frozenset({_P.READ, _P.POST_RECEIPTS}),
    Role.PROCUREMENT_MANAGER: frozenset({_P.READ, _P.PROPOSE_TOLERANCES, _P.APPROVE_TOLERANCES}),
}

SCOPE_PERMISSIONS: dict[Scope, frozenset[Permission]] = {
    Scope.DOCUMENTS: frozenset({_P.READ, _P.SUBMIT_DOCUMENTS}),
    Scope.DOCUMENTS_POS: frozenset({_P.READ, _P.SUBMIT_DOCUMENTS, _P.POST_RECEIPTS, _P.MANAGE_POS}),
    Scope.PERSON: frozenset(Permission),
}

# A role that may take the tasks of another (escalation goes to the manager).
COVERS: dict[Role, frozenset[Role]] = {
    Role.AP_MANAGER: frozenset({Role.AP_CLERK}),
}


_ROLE_NAMES = frozenset(role.value for role in Role)


def permissions_of(kind: Kind, roles: Iterable[Role], scope: Scope) -> frozenset[Permission]:
    """What a principal may do through one credential: a service account what
    its scope grants; a person what their roles grant, within the scope."""
    granted = SCOPE_PERMISSIONS[scope]
    if kind == Kind.SERVICE:
        return granted
    by_roles = frozenset().union(*(ROLE_PERMISSIONS[role] for role in roles))
    return by_roles & granted


def may_take_task(roles: Iterable[str], task_role: str) -> bool:
    """True when one of `roles` is the task's role or covers it."""
    held = [Role(role) for role in roles if role in _ROLE_NAMES]
    return any(role == task_role or task_role in COVERS.get(role, frozenset()) for role in held)
