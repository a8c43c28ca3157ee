"""Database fixtures shared by the DB tests (a folder's conftest.py imports
them: `from tests.support.db import fixture_engine, fixture_seeded_engine, …`;
the functions are named fixture_* so the import does not shadow the `engine`
argument of the tests; pytest registers them under the name given).

`engine` is parametrized over both backends:
- sqlite: a fresh file under tmp_path, migrated (a copy of one migrated
  template file, so each test pays for a file copy, not a migration);
- postgres (marked `postgres`): one uniquely named database per test session,
  created on the server from DATABASE_URL_POSTGRES (default
  postgresql+psycopg://postgres@127.0.0.1:5432/test), migrated once, emptied
  before each test and dropped at the end, so parallel runs never collide.
  If the server cannot be reached the tests are skipped with a reason that
  starts with "PostgreSQL unavailable".
"""

from __future__ import annotations

import os
import secrets
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from sqlalchemy import URL, create_engine, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from activities.db.engine import alembic_config, make_engine, migrate, normalize_url
from activities.db.schema import metadata
from activities.db.seed import seed_master_data

T = TypeVar("T")

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@pytest.fixture(scope="session", name="postgres_url")
def fixture_postgres_url() -> Iterator[URL]:
    admin_url = normalize_url(os.environ.get("DATABASE_URL_POSTGRES", DEFAULT_POSTGRES_URL))
    name = f"poflow_test_{secrets.token_hex(6)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        reason = str(exc.orig or exc).strip().splitlines()[0]
        pytest.skip(f"PostgreSQL unavailable at {admin_url.render_as_string(hide_password=True)}: {reason}")
    try:
        yield admin_url.set(database=name)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", name="postgres_engine")
def fixture_postgres_engine(postgres_url: URL) -> Iterator[Engine]:
    engine = make_engine(postgres_url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session", name="sqlite_template")
def fixture_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file; tests get copies."""
    path = tmp_path_factory.mktemp("sqlite-template") / "poflow.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")  # everything in the main file
    engine.dispose()
    return path


def empty_all_tables(engine: Engine) -> None:
    names = ", ".join(f'"{table.name}"' for table in metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], name="engine")
def fixture_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database on each backend."""
    if request.param == "postgres":
        pg: Engine = request.getfixturevalue("postgres_engine")
        empty_all_tables(pg)
        yield pg
        return
    path = tmp_path / "db" / "poflow.db"
    path.parent.mkdir()
    shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
    sqlite = make_engine(f"sqlite:///{path}")
    yield sqlite
    sqlite.dispose()


@pytest.fixture(name="seeded_engine")
def fixture_seeded_engine(engine: Engine) -> Engine:
    """`engine` with seed/master_data.json loaded."""
    seed_master_data(engine)
    return engine


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)], name="blank_engine")
def fixture_blank_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database nobody has migrated yet (PostgreSQL: a database of its own)."""
    if request.param == "sqlite":
        blank = make_engine(f"sqlite:///{tmp_path / 'blank.db'}")
        yield blank
        blank.dispose()
        return
    admin_url = normalize_url(os.environ.get("DATABASE_URL_POSTGRES", DEFAULT_POSTGRES_URL))
    name = f"poflow_mig_{secrets.token_hex(6)}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT", connect_args={"connect_timeout": 3})
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"PostgreSQL unavailable: {str(exc.orig or exc).strip().splitlines()[0]}")
    blank = make_engine(admin_url.set(database=name))
    try:
        yield blank
    finally:
        blank.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def alembic(engine: Engine, action, revision: str) -> None:  # type: ignore[no-untyped-def]
    with engine.begin() as connection:
        config = alembic_config()
        config.attributes["connection"] = connection
        action(config, revision)


def run_concurrently(*calls: Callable[[], T]) -> list[T]:
    """Start all calls at the same instant on their own threads (a barrier
    releases them together) and return their results; re-raise the first error."""
    barrier = threading.Barrier(len(calls))
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def start(call: Callable[[], T]) -> None:
        try:
            barrier.wait()
            result = call()
            with lock:
                results.append(result)
        except BaseException as exc:  # noqa: BLE001 - handed to the test below
            with lock:
                errors.append(exc)

    threads = [threading.Thread(target=start, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return results
