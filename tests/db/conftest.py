"""Fixtures of the database tests: `engine` and `seeded_engine` on SQLite and
PostgreSQL, and `blank_engine` (a database nobody has migrated yet), all from
tests.support.db."""

from tests.support.db import (  # noqa: F401  (fixtures, registered by import)
    fixture_blank_engine,
    fixture_engine,
    fixture_postgres_engine,
    fixture_postgres_url,
    fixture_seeded_engine,
    fixture_sqlite_template,
)
