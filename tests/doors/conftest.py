"""Fixtures of the door tests: the HTTP API over the real PoflowService with
Temporal and the repository faked (`repo`, `temporal`, `service`, `api`), and
the database fixtures the input-bounds tests run the real thing on."""

from __future__ import annotations

import dataclasses
import warnings
from datetime import timedelta

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
    for name in ("store_document", "list_tasks", "get_task", "list_purchase_orders", "get_document_bytes"):
        monkeypatch.setattr(repository, name, getattr(fake, name))
    monkeypatch.setattr(master_data, "get_vendor", fake.get_vendor)
    return fake


@pytest.fixture
def temporal(repo: FakeRepository) -> FakeTemporal:
    return FakeTemporal(repo)


@pytest.fixture(scope="session")
def people_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[sqlalchemy.Engine, dict[str, str]]:
    """A migrated database with the test principals (tests.support.identity)
    and their tokens: migrated once, since the doors only read it."""
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('people') / 'people.db'}")
    migrate(engine)
    return engine, seed_principals(engine)


@pytest.fixture
def tokens(people_db: tuple[sqlalchemy.Engine, dict[str, str]]) -> dict[str, str]:
    return people_db[1]


@pytest.fixture
def service(
    temporal: FakeTemporal, people_db: tuple[sqlalchemy.Engine, dict[str, str]], tmp_path
) -> PoflowService:
    settings = dataclasses.replace(
        load_settings(), ui_url="http://ui.test", temporal_address="127.0.0.1:7233", home=tmp_path
    )
    return PoflowService(temporal, people_db[0], settings, call_timeout=timedelta(seconds=0.2))  # type: ignore[arg-type]


@pytest.fixture
def api(service: PoflowService, tokens: dict[str, str]) -> TestClient:
    """The API, called as `carol` (tests.support.identity: every deciding role)."""

    async def factory() -> PoflowService:
        return service

    with TestClient(create_app(factory), headers=bearer(tokens["carol"])) as client:
        yield client
