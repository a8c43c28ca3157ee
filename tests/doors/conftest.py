"""Fixtures of the door tests: the HTTP API over the real PoflowService with
Temporal and the repository faked (`repo`, `temporal`, `service`, `api`), and
the database fixtures the input-bounds tests run the real thing on."""

from __future__ import annotations

import dataclasses
import shutil
import warnings
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy

from activities.db import make_engine, master_data, migrate, repository
from settings import load_settings
from starter.api import create_app
from starter.operations import PoflowService
from tests.support.api import FakeRepository, FakeTemporal
from tests.support.db import (  # noqa: F401  (fixtures, registered by import)
    fixture_engine,
    fixture_postgres_engine,
    fixture_postgres_url,
    fixture_sqlite_template,
)
from tests.support.identity import bearer, seed_principals

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's note about httpx2; not ours to fix
    from fastapi.testclient import TestClient


@pytest.fixture
def repo(monkeypatch: pytest.MonkeyPatch) -> FakeRepository:
    fake = FakeRepository()
    for name in (
        "store_document",
        "get_document",
        "list_tasks",
        "get_task",
        "list_purchase_orders",
        "get_document_bytes",
    ):
        monkeypatch.setattr(repository, name, getattr(fake, name))
    monkeypatch.setattr(master_data, "get_vendor", fake.get_vendor)
    return fake


@pytest.fixture
def temporal(repo: FakeRepository) -> FakeTemporal:
    return FakeTemporal(repo)


@pytest.fixture(scope="session")
def people_template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A migrated SQLite file with the test principals (tests.support.identity)
    and their tokens, made once; each test gets a copy (`people_engine`)."""
    path = tmp_path_factory.mktemp("people") / "people.db"
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    tokens = seed_principals(engine)
    engine.dispose()
    return path, tokens


@pytest.fixture
def tokens(people_template: tuple[Path, dict[str, str]]) -> dict[str, str]:
    return people_template[1]


@pytest.fixture
def people_engine(
    people_template: tuple[Path, dict[str, str]], tmp_path: Path
) -> Iterator[sqlalchemy.Engine]:
    """This test's own copy of the principals' database (audit events and all)."""
    copy = tmp_path / "people.db"
    shutil.copyfile(people_template[0], copy)
    engine = make_engine(f"sqlite:///{copy}")
    yield engine
    engine.dispose()


@pytest.fixture
def service(temporal: FakeTemporal, people_engine: sqlalchemy.Engine, tmp_path: Path) -> PoflowService:
    settings = dataclasses.replace(
        load_settings(), ui_url="http://ui.test", temporal_address="127.0.0.1:7233", home=tmp_path
    )
    return PoflowService(temporal, people_engine, settings, call_timeout=timedelta(seconds=0.2))  # type: ignore[arg-type]


@pytest.fixture
def api(service: PoflowService, tokens: dict[str, str]) -> TestClient:
    """The API, called as `carol` (tests.support.identity: every deciding role)."""

    async def factory() -> PoflowService:
        return service

    with TestClient(create_app(factory), headers=bearer(tokens["carol"])) as client:
        yield client
