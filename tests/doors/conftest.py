"""Fixtures of the door tests: the HTTP API over the real PoflowService with
Temporal and the repository faked (`repo`, `temporal`, `service`, `api`), and
the database fixtures the input-bounds tests run the real thing on."""

from __future__ import annotations

import dataclasses
import warnings
from datetime import timedelta

import pytest
import sqlalchemy

from activities.db import master_data, repository
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


@pytest.fixture
def service(temporal: FakeTemporal) -> PoflowService:
    settings = dataclasses.replace(
        load_settings(), ui_url="http://ui.test", temporal_address="127.0.0.1:7233"
    )
    engine = sqlalchemy.create_engine("sqlite://")
    return PoflowService(temporal, engine, settings, call_timeout=timedelta(seconds=0.2))  # type: ignore[arg-type]


@pytest.fixture
def api(service: PoflowService) -> TestClient:
    async def factory() -> PoflowService:
        return service

    with TestClient(create_app(factory)) as client:
        yield client
