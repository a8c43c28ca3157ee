"""INSERT … ON CONFLICT for the two dialects poflow runs on.

SQLite and PostgreSQL share the syntax, and SQLAlchemy exposes it per dialect
with the same API. Idempotent writes use it so the database's own key check
decides "already there", which stays correct when two processes race (a
check-then-insert would not)."""

from __future__ import annotations

from sqlalchemy import Connection, Table
from sqlalchemy.dialects import postgresql, sqlite


def insert(connection: Connection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """A dialect insert with `.on_conflict_do_nothing()` / `.on_conflict_do_update()`."""
    name = connection.dialect.name
    if name == "postgresql":
        return postgresql.insert(table)
    if name == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"poflow supports SQLite and PostgreSQL, not {name}")


def wrote_row(connection: Connection, stmt: postgresql.Insert | sqlite.Insert) -> bool:
    """Execute an INSERT … ON CONFLICT and tell whether it inserted or updated a
    row (False: the conflict clause skipped it). Uses RETURNING, because
    DBAPI rowcount for INSERT is not reliable across drivers (psycopg 3 under
    SQLAlchemy reports -1)."""
    table = stmt.table
    if not isinstance(table, Table):  # `insert` builds statements on tables, which have a primary key
        raise TypeError(f"an INSERT into {table!r}, not into a table")
    key = next(iter(table.primary_key.columns))
    return connection.execute(stmt.returning(key)).first() is not None
