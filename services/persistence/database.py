"""Engine creation and migrations, for any SQLAlchemy async URL."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from sqlalchemy import event
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

logger = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"


def _rollback_if_in_transaction(connection: Any) -> None:
    """SQLAlchemy's aiosqlite adapter rolls back on a trip to aiosqlite's thread each time a session
    or a pooled connection is done with it: twice per read-only turn, where sqlite3 itself would do
    nothing, since `Connection.rollback` issues ROLLBACK only when `in_transaction` (a SELECT opens
    none). That same check is made here, on the event loop, before the trip is taken."""
    sqlite_connection = connection._connection._connection  # aiosqlite.Connection → sqlite3.Connection
    if sqlite_connection is not None and not sqlite_connection.in_transaction:
        return
    _adapter_rollback(connection)


_adapter_rollback = AsyncAdapt_aiosqlite_connection.rollback


def skip_idle_sqlite_rollbacks() -> None:
    """Install `_rollback_if_in_transaction` (once per process; the adapter of SQLAlchemy 2.1)."""
    if AsyncAdapt_aiosqlite_connection.rollback is not _rollback_if_in_transaction:
        AsyncAdapt_aiosqlite_connection.rollback = _rollback_if_in_transaction  # type: ignore[method-assign,assignment]


def create_engine(url: str, **options) -> AsyncEngine:
    """An async engine; SQLite gets foreign keys and a busy timeout so concurrent writers wait."""
    if url.startswith("sqlite"):
        options.setdefault("connect_args", {"timeout": 30})
        skip_idle_sqlite_rollbacks()
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
