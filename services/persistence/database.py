"""Engine creation and migrations, for any SQLAlchemy async URL."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from services.persistence import sqlite_adapter  # install() checks the SQLAlchemy and aiosqlite versions it patches

logger = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"


def create_engine(url: str, **options) -> AsyncEngine:
    """An async engine; SQLite gets foreign keys, a busy timeout so concurrent writers wait, and fewer trips
    to aiosqlite's thread (services/persistence/sqlite_adapter.py)."""
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": 30})
        sqlite_adapter.install()
    engine = create_async_engine(url, **options)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine.sync_engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record) -> None:  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    return engine


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


def single_read_session_factory(sessions: async_sessionmaker[AsyncSession]) -> async_sessionmaker[AsyncSession]:
    """Sessions for a unit of work that runs one read and writes nothing. On PostgreSQL they run in
    autocommit: the statement alone, without the BEGIN before it and the ROLLBACK after it, two of
    the three round trips such a read otherwise costs. SQLite opens no transaction for a lone SELECT
    (and the adapter skips the idle rollback), so there they are the usual sessions."""
    bind = sessions.kw.get("bind")
    if not isinstance(bind, AsyncEngine) or bind.dialect.name != "postgresql":
        return sessions
    options = {key: value for key, value in sessions.kw.items() if key != "bind"}
    return async_sessionmaker(bind.execution_options(isolation_level="AUTOCOMMIT"), **options)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url)
    return config


@dataclass(frozen=True)
class Migration:
    """What `upgrade_database` found and left: revisions before (None: no schema yet) and after."""

    database: str  # the URL without its password
    before: str | None
    after: str | None

    def describe(self) -> str:
        if self.before is None:
            return f"created the database schema (revision {self.after}) in {self.database}"
        if self.before != self.after:
            return f"migrated {self.database} from revision {self.before} to {self.after}"
        return f"{self.database} is up to date (revision {self.after})"


async def upgrade_database(engine: AsyncEngine) -> Migration:
    """Apply every migration (`alembic upgrade head`) on the engine's database."""

    def _upgrade(connection) -> tuple[str | None, str | None]:
        config = alembic_config(str(engine.url))
        config.attributes["connection"] = connection
        before = MigrationContext.configure(connection).get_current_revision()
        command.upgrade(config, "head")
        return before, MigrationContext.configure(connection).get_current_revision()

    async with engine.begin() as connection:
        before, after = await connection.run_sync(_upgrade)
    migration = Migration(engine.url.render_as_string(hide_password=True), before, after)
    if before != after:
        logger.info("database migrated", extra={"database": migration.database, "before": before, "after": after})
    return migration
