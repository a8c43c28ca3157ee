"""poflow's persistence: SQLAlchemy Core tables, Alembic migrations, and the
repository functions the doors (API/CLI) and the activities use.

    engine = make_engine(settings.database_url)
    migrate(engine)              # to Alembic head; a no-op when already there
    seed_master_data(engine)     # optional: demo/test master data, idempotent
"""

from activities.db.engine import make_engine, migrate

__all__ = ["make_engine", "migrate"]
