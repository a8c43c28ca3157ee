"""The database's failures as the doors' answer: one Unavailable (503 in the
API, exit code 1 and one line in the CLI), worded by what went wrong.

- locked: another process holds the write lock (SQLite's "database is
  locked") or a PostgreSQL lock outlasted lock_timeout — a moment's wait fixes it;
- unreachable: no connection (PostgreSQL refused or timed out, or the SQLite
  file cannot be opened) — someone has to start or fix the database;
- anything else the driver calls operational (a missing table, a refused
  login) keeps the hint that the schema may be missing.
"""

from __future__ import annotations

from typing import Literal

from sqlalchemy import URL, make_url
from sqlalchemy.exc import DBAPIError

from starter.errors import Unavailable

__all__ = ["DOWN_RETRY_AFTER_S", "LOCKED_RETRY_AFTER_S", "database_unavailable", "failure_kind", "where"]

FailureKind = Literal["locked", "unreachable", "other"]

# Seconds, for Retry-After: a write lock is held for milliseconds in normal
# running, a database that is down needs a person.
LOCKED_RETRY_AFTER_S = 1
DOWN_RETRY_AFTER_S = 5

# sqlite3 primary result codes (https://sqlite.org/rescode.html).
_SQLITE_BUSY, _SQLITE_LOCKED, _SQLITE_CANTOPEN = 5, 6, 14
# PostgreSQL SQLSTATEs: lock_not_available; class 08 is "connection exception".
_PG_LOCK_NOT_AVAILABLE = "55P03"
_PG_CONNECTION_CLASS = "08"


def failure_kind(err: DBAPIError) -> FailureKind:
    """What an OperationalError (or any DBAPIError) means for the caller."""
    orig = err.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if isinstance(code, int):
        primary = code & 0xFF  # extended codes keep the primary one in the low byte
        if primary in (_SQLITE_BUSY, _SQLITE_LOCKED):
            return "locked"
        return "unreachable" if primary == _SQLITE_CANTOPEN else "other"
    if hasattr(orig, "sqlstate"):  # psycopg
        sqlstate: str | None = getattr(orig, "sqlstate", None)
        if sqlstate == _PG_LOCK_NOT_AVAILABLE:
            return "locked"
        # No SQLSTATE: the server never answered (refused, timed out, dropped).
        if sqlstate is None or sqlstate.startswith(_PG_CONNECTION_CLASS):
            return "unreachable"
    return "unreachable" if err.connection_invalidated else "other"


def database_unavailable(err: DBAPIError, where: str) -> Unavailable:
    """The one-line answer for `err` from the database at `where` (a URL without its password)."""
    kind = failure_kind(err)
    if kind == "locked":
        return Unavailable(
            f"the database at {where} is busy: another process holds its write lock; "
            f"retry in {LOCKED_RETRY_AFTER_S} s",
            retry_after_s=LOCKED_RETRY_AFTER_S,
        )
    if kind == "unreachable":
        return Unavailable(
            f"cannot reach the database at {where}: {_first_line(err)} — is it up, and is DATABASE_URL right?",
            retry_after_s=DOWN_RETRY_AFTER_S,
        )
    return Unavailable(
        f"database error at {where}: {_first_line(err)} — has `poflow migrate` run?",
        retry_after_s=DOWN_RETRY_AFTER_S,
    )


def where(url: str | URL) -> str:
    """A database URL fit to show: no password."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 — display only; an unparsable URL still names its host
        return str(url).split("@")[-1]


def _first_line(err: DBAPIError) -> str:
    text = str(err.orig or err).strip()
    return text.splitlines()[0] if text else type(err.orig or err).__name__
