"""Alembic environment for poflow.

Called two ways:
- from code, by `activities.db.engine.migrate()`, which passes an open
  connection in `config.attributes["connection"]` (the normal path: the
  worker and the API migrate at start-up, no CLI needed);
- from the `alembic` CLI (alembic.ini at the repo root), for developers writing
  migrations: the URL then comes from DATABASE_URL via settings.py.
"""

from __future__ import annotations

from logging.config import fileConfig

from alembic import context

from activities.db.schema import metadata

config = context.config

# Only the CLI has an ini file; when migrate() runs inside the worker or the API,
# their logging configuration is left alone.
if config.config_file_name is not None:
    fileConfig(config.config_file_name, disable_existing_loggers=False)


def _url() -> str:
    url = config.get_main_option("sqlalchemy.url")
    if url:
        return url
    from settings import load_settings

    return load_settings().database_url


def _configure(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=metadata,
        compare_type=True,
        # SQLite cannot ALTER most things; batch mode recreates the table.
        render_as_batch=connection.dialect.name == "sqlite",
    )


def run_offline() -> None:
    context.configure(url=_url(), target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return

    from activities.db.engine import make_engine

    engine = make_engine(_url())
    try:
        with engine.begin() as connection:
            _configure(connection)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
