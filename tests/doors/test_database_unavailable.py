"""A locked or unreachable database: the API answers 503 at once (with
Retry-After and a sentence saying which), the CLI exits 1 with one line, and
the worker's activities keep their long wait (Temporal retries them).

The API here is the real one (`create_app()` with its default service, built
from the environment as `poflow up` builds it), on a real database file or
PostgreSQL server; Temporal is a lazy client to a closed port, never reached."""

from __future__ import annotations

import io
import socket
import sqlite3
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from httpx import Response
from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from activities.db import make_engine
from starter import cli
from starter.api import create_app
from starter.operations import PoflowOperations
from tests.support.api import PO
from tests.support.identity import PEOPLE, add_person, bearer

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx2; not ours to fix
    from fastapi.testclient import TestClient

# "well under a second": the API waits settings.api_db_wait_s (0.5 s) on a lock.
FAST_S = 1.0


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]  # free once closed: nothing listens there


@pytest.fixture
def environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    monkeypatch.setenv("POFLOW_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("TEMPORAL_ADDRESS", f"127.0.0.1:{closed_port()}")
    monkeypatch.delenv("POFLOW_API_DB_WAIT", raising=False)
    return monkeypatch


@contextmanager
def the_api(environment: pytest.MonkeyPatch, database_url: str) -> Iterator[TestClient]:
    environment.setenv("DATABASE_URL", database_url)
    with TestClient(create_app()) as client:
        yield client


@contextmanager
def write_lock(engine: Engine) -> Iterator[None]:
    """Another process's writer, holding the lock: SQLite's BEGIN IMMEDIATE on
    the file; on PostgreSQL, the tables an API write touches locked against
    writes (reads go on, as they do under SQLite's WAL)."""
    if engine.dialect.name == "sqlite":
        holder = sqlite3.connect(str(engine.url.database), isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            yield
        finally:
            holder.rollback()
            holder.close()
        return
    with engine.connect() as connection:
        connection.execute(text("LOCK TABLE documents, api_tokens IN EXCLUSIVE MODE"))
        yield
        connection.rollback()


def timed(call: Callable[[], Response]) -> tuple[Response, float]:
    started = time.monotonic()
    response = call()
    return response, time.monotonic() - started


# --- locked -------------------------------------------------------------------------------------


def test_a_locked_database_is_a_503_at_once_and_reads_go_on(
    environment: pytest.MonkeyPatch, engine: Engine
) -> None:
    tokens = {login: add_person(engine, login, PEOPLE[login]) for login in ("carol", "bob.buyer")}
    url = engine.url.render_as_string(hide_password=False)
    with the_api(environment, url) as api:
        carol, bob = bearer(tokens["carol"]), bearer(tokens["bob.buyer"])
        assert api.get("/api/v1/tasks", headers=carol).status_code == 200  # her token's use is noted

        with write_lock(engine):
            assert api.get("/api/v1/tasks", headers=carol).status_code == 200  # reading needs no lock

            # A write through the service: the PO's raw document cannot be stored.
            response, took = timed(lambda: api.post("/api/v1/purchase-orders", json=PO, headers=carol))
            assert response.status_code == 503, response.text
            assert took < FAST_S
            assert response.headers["Retry-After"] == "1"
            detail = response.json()["detail"]
            assert "busy" in detail and "another process holds its write lock" in detail

            # A write outside the service: signing in notes a token's first use.
            response, took = timed(lambda: api.get("/api/v1/tasks", headers=bob))
            assert response.status_code == 503, response.text
            assert took < FAST_S
            assert response.headers["Retry-After"] == "1"
            assert "another process holds its write lock" in response.json()["detail"]


def test_the_worker_keeps_waiting_where_the_api_gives_up(tmp_path: Path) -> None:
    # Activities are retried by Temporal: a long wait costs less than a failure.
    url = f"sqlite:///{tmp_path / 'poflow.db'}"
    for wait_s, expected_ms in ((None, 30_000), (0.5, 500)):
        engine = make_engine(url, wait_s=wait_s)
        with engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == expected_ms
        engine.dispose()


def connect_params(engine: Engine) -> dict[str, object]:
    """What the engine hands psycopg when it connects (to a closed port: it fails)."""
    seen: dict[str, object] = {}

    @event.listens_for(engine, "do_connect")
    def record(dialect: object, record: object, cargs: object, cparams: dict[str, object]) -> None:
        seen.update(cparams)

    with pytest.raises(OperationalError), engine.connect():
        pass
    engine.dispose()
    return seen


def test_postgres_gets_a_connect_and_lock_timeout_only_when_asked() -> None:
    url = f"postgresql://poflow@127.0.0.1:{closed_port()}/poflow"
    patient = connect_params(make_engine(url))
    assert "connect_timeout" not in patient and "options" not in patient
    fast = connect_params(make_engine(url, wait_s=0.5))
    assert fast["connect_timeout"] == 2  # libpq's floor
    assert fast["options"] == "-c lock_timeout=500"


# --- down ---------------------------------------------------------------------------------------


def test_postgres_down_is_a_503_at_once(environment: pytest.MonkeyPatch) -> None:
    url = f"postgresql://poflow:secret@127.0.0.1:{closed_port()}/poflow"
    with the_api(environment, url) as api:
        response, took = timed(lambda: api.get("/api/v1/tasks", headers=bearer("pft_someone_secret")))
    assert response.status_code == 503, response.text
    assert took < FAST_S
    assert response.headers["Retry-After"] == "5"
    detail = response.json()["detail"]
    assert detail.startswith("cannot reach the database at postgresql+psycopg://poflow:***@127.0.0.1:")
    assert "secret" not in detail


@pytest.mark.parametrize(
    "argv",
    [("tasks",), ("decide", "TASK-1", "approve")],
    ids=["through-the-service", "signing-in"],
)
def test_the_cli_says_so_in_one_line_and_exits_1(
    environment: pytest.MonkeyPatch, argv: tuple[str, ...]
) -> None:
    environment.setenv("DATABASE_URL", f"postgresql://poflow:secret@127.0.0.1:{closed_port()}/poflow")
    environment.setenv("POFLOW_TOKEN", "pft_someone_secret")
    stderr = io.StringIO()
    streams = cli.Io(io.BytesIO(), io.StringIO(), stderr)

    async def lazy_service() -> PoflowOperations:
        from settings import load_settings
        from starter.operations import connect_service

        return await connect_service(load_settings(), lazy=True)

    assert cli.run(list(argv), service_factory=lazy_service, io=streams) == 1
    err = stderr.getvalue()
    assert err.startswith("poflow: cannot reach the database at postgresql")
    assert "://poflow:***@127.0.0.1:" in err
    assert err.count("\n") == 1 and "Traceback" not in err and "secret" not in err
