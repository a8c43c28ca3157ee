"""What a caller may do, checked once for both doors (API and CLI): every
write of the service names the permission it needs (identity.roles says
which roles and scopes grant it), and a decision is pre-checked against the
task's role so the caller hears 403 with the rule, not a workflow refusal."""

from __future__ import annotations

from identity.principal import Caller
from identity.roles import Permission
from models import HumanTask
from p2p.approvals import check_eligible
from p2p.decisions import approvers_of, check_role
from starter.errors import Forbidden

__all__ = ["authorize", "authorize_task", "may_decide"]


def authorize(caller: Caller, permission: Permission) -> None:
    """Forbidden unless the caller's roles (within the credential's scope) grant `permission`."""
    if not caller.may(permission):
        roles = ", ".join(sorted(caller.principal.roles)) or "no roles"
        raise Forbidden(
            f"{caller.principal_id} ({roles}; {caller.scope.value} scope) may not "
            f"{permission.value.replace('_', ' ')}"
        )


def authorize_task(caller: Caller, task: HumanTask) -> None:
    """Forbidden unless the caller may decide tasks and holds the task's role.
    The owning workflow checks the role again (and segregation of duties)."""
    authorize(caller, Permission.DECIDE_TASKS)
    try:
        check_role(task, caller.principal_id, sorted(caller.principal.roles))
        if task.approval_level is not None:
            check_eligible(actor=caller.principal_id, level=task.approval_level, people=approvers_of(task))
    except ValueError as exc:
        raise Forbidden(str(exc)) from None


def may_decide(caller: Caller, task: HumanTask) -> bool:
    """Whether the caller may decide the task (the inbox's "my tasks")."""
    try:
        authorize_task(caller, task)
    except Forbidden:
        return False
    return True
