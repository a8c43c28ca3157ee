"""Engines and migrations.

`make_engine(url)` gives an Engine tuned for how poflow shares its database:
the API process and the worker process both write the same SQLite file in the
embedded setup (WAL, busy timeout), or a PostgreSQL server in production.
How long a call may wait on the database is the caller's choice (`wait_s`):
activities wait long, since Temporal retries them and waiting is cheaper than
failing; the HTTP API waits briefly, so a locked or unreachable database is a
503 at once rather than a request hanging (settings.api_db_wait_s).
`migrate(engine_or_url)` brings the schema to Alembic head from code, so no
process depends on the `alembic` CLI or on the current directory.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import URL, create_engine, event, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.engine.interfaces import DBAPIConnection
from sqlalchemy.pool import ConnectionPoolEntry, StaticPool

log = logging.getLogger(__name__)

REPO_ROOT = Path(__file__).resolve().parents[2]
MIGRATIONS_DIR = REPO_ROOT / "migrations"

# How long a writer waits for another process's write lock before SQLite gives
# up with "database is locked". Writes are short; 30 s only bites if something
# is badly wrong. The default for everything but the API (see make_engine).
SQLITE_BUSY_TIMEOUT_S = 30
# libpq counts its connect timeout in whole seconds and treats anything under 2 as 2.
PG_MIN_CONNECT_TIMEOUT_S = 2
# Any constant works; it only has to be the same in every poflow process.
_PG_MIGRATION_LOCK_KEY = 0x706F666C6F77  # "poflow"


def normalize_url(url: str | URL) -> URL:
    """`postgresql://` and `postgres://` mean psycopg 3 here: psycopg2, the
    SQLAlchemy default for those, is not a poflow dependency."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def _is_memory(url: URL) -> bool:
    database = url.database or ""
    return database in ("", ":memory:") or database.startswith("file::memory:")


def make_engine(url: str | URL, *, wait_s: float | None = None) -> Engine:
    """An Engine for a SQLite file/memory database or PostgreSQL (psycopg 3).

    `wait_s` bounds how long a statement waits for another process's lock
    (SQLite's busy timeout, PostgreSQL's lock_timeout) and a connection for a
    PostgreSQL server (at least libpq's 2 s) before OperationalError. None:
    SQLite waits SQLITE_BUSY_TIMEOUT_S and PostgreSQL keeps its own defaults."""
    parsed = normalize_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _make_sqlite_engine(parsed, SQLITE_BUSY_TIMEOUT_S if wait_s is None else wait_s)
    return create_engine(parsed, pool_pre_ping=True, connect_args=_postgres_connect_args(wait_s))


def _postgres_connect_args(wait_s: float | None) -> dict[str, Any]:
    if wait_s is None:
        return {}
    return {
        "connect_timeout": max(PG_MIN_CONNECT_TIMEOUT_S, math.ceil(wait_s)),
        "options": f"-c lock_timeout={max(1, round(wait_s * 1000))}",
    }


def _make_sqlite_engine(url: URL, busy_timeout_s: float) -> Engine:
    memory = _is_memory(url)
    # The pool hands a connection to one thread at a time (the worker runs sync
    # activities in a thread pool), so sqlite3's same-thread check only gets in
    # the way.
    connect_args = {"timeout": busy_timeout_s, "check_same_thread": False}
    if memory:
        # One shared connection, or every checkout would see an empty database.
        engine = create_engine(url, connect_args=connect_args, poolclass=StaticPool)
    else:
        Path(url.database or "").expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args=connect_args)

    @event.listens_for(engine, "connect")
    def _set_pragmas(dbapi_connection: DBAPIConnection, _record: ConnectionPoolEntry) -> None:
        cursor = dbapi_connection.cursor()
        try:
            if not memory:
                # WAL: readers never block the writer, and two processes can share the file.
                cursor.execute("PRAGMA journal_mode=WAL")
                cursor.execute("PRAGMA synchronous=NORMAL")  # durable enough with WAL
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={round(busy_timeout_s * 1000)}")
        finally:
            cursor.close()

    return engine


def alembic_config() -> Config:
    """Alembic configured from code: script location resolved from this file,
    so migrations run from any working directory."""
    if not (MIGRATIONS_DIR / "env.py").is_file():
        # An install that left the repo's migrations/ folder behind (it is not a package).
        raise FileNotFoundError(f"poflow's Alembic migrations are missing: expected {MIGRATIONS_DIR}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("path_separator", "os")
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at (None: never migrated)."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def migrate(engine_or_url: Engine | str | URL) -> None:
    """Upgrade the database to head. Safe to call at every process start: a
    database already at head is left untouched, and concurrent callers (API and
    worker starting together) are serialized by a lock."""
    owned = not isinstance(engine_or_url, Engine)
    engine = engine_or_url if isinstance(engine_or_url, Engine) else make_engine(engine_or_url)
    try:
        with _migration_lock(engine), engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # Released at commit; a second process waits, then finds head.
                lock = text("SELECT pg_advisory_xact_lock(:key)")
                connection.execute(lock, {"key": _PG_MIGRATION_LOCK_KEY})
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, "head")
    finally:
        if owned:
            engine.dispose()


@contextlib.contextmanager
def _migration_lock(engine: Engine) -> Iterator[None]:
    """SQLite runs DDL outside a transaction, so two processes migrating the
    same file at once could both try CREATE TABLE: hold an OS file lock beside
    the database instead. PostgreSQL uses an advisory lock (see migrate)."""
    url = engine.url
    if url.get_backend_name() != "sqlite" or _is_memory(url):
        yield
        return
    try:
        import fcntl
    except ImportError:  # Windows: no fcntl; the embedded setup there migrates from one process
        yield
        return
    lock_path = Path(url.database or "").expanduser().with_suffix(".migrate.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
