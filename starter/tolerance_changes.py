"""The tolerance-change calls behind both doors (`poflow tolerances` and
/api/v1/tolerances): one reading of a change id, one mapping of the rules'
errors to the doors' (starter.errors), so that the CLI and the API can never
disagree about what a situation means.

The rules themselves live in activities/db/tolerance_changes.py; both doors
call them through `call` on an engine they own (the CLI opens one per
command, the API uses its service's).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from starter.errors import Invalid, NotFound, Rejected, Unavailable

if TYPE_CHECKING:
    from sqlalchemy.engine import Engine

    from identity.principal import Caller
    from identity.roles import Permission

__all__ = ["call", "call_as", "one_line", "parse_change"]

T = TypeVar("T")


def parse_change(text: str) -> int:
    """`TC-7` or `7` → 7; anything else is bad input (422, exit 2)."""
    from models.tolerance_changes import parse_change_id

    try:
        return parse_change_id(text)
    except ValueError as err:
        raise Invalid(str(err)) from None


def call(engine: Engine, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
    """`fn(engine, ...)` with the rules' errors as the doors' (invalid, not
    found, refused) and database trouble as Unavailable."""
    # Imported on use: `poflow tolerances` is declared by every `poflow` command's
    # parser, which must not load SQLAlchemy or Temporal (issue #19: start-up).
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from activities.db.tolerance_changes import ChangeInvalid, ChangeNotFound, ChangeRefused
    from starter.db_errors import database_unavailable
    from starter.service.checks import redacted_url

    try:
        return fn(engine, *args, **kwargs)
    except ChangeInvalid as err:
        raise Invalid(str(err)) from None
    except ChangeNotFound as err:
        raise NotFound(str(err)) from None
    except ChangeRefused as err:
        raise Rejected(str(err)) from None
    except OperationalError as err:  # locked or unreachable: starter.db_errors words it
        raise database_unavailable(err, redacted_url(engine)) from None
    except SQLAlchemyError as err:
        raise Unavailable(f"database error at {redacted_url(engine)}: {one_line(err)}") from None


def call_as(
    engine: Engine,
    caller: Caller,
    permission: Permission,
    fn: Callable[..., T],
    *args: Any,
    what: str,
    evidence: str | None = None,
    **kwargs: Any,
) -> T:
    """`call` as `caller` (recorded as `by`): refused without `permission`, and
    every refusal — the permission, or the rules' own such as a proposer
    approving their change — recorded as an audit event."""
    from starter.service.audit import refusals_recorded
    from starter.service.authorization import authorize

    with refusals_recorded(engine, caller, po_number="", what=what, evidence=evidence):
        authorize(caller, permission)
        return call(engine, fn, *args, by=caller.principal_id, **kwargs)


def one_line(err: BaseException) -> str:
    """An error's text on one line (a database error spans several)."""
    return " ".join(str(err).split()) or type(err).__name__
