"""Shared fixtures: a migrated database per test, on SQLite by default or on the PostgreSQL that
`TEST_DATABASE_URL` names (CI runs the suite both ways)."""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from services.persistence.database import create_engine, session_factory, upgrade_database
from services.persistence.tables import Base
from services.persistence.unit_of_work import UnitOfWorkFactory

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


def _on_postgres() -> bool:
    return TEST_DATABASE_URL.startswith("postgresql")


async def _migrate(url: str, fresh: bool) -> None:
    engine = create_engine(url)
    try:
        if fresh:
            async with engine.begin() as connection:
                await connection.execute(text("DROP SCHEMA public CASCADE"))
                await connection.execute(text("CREATE SCHEMA public"))
        await upgrade_database(engine)
    finally:
        await engine.dispose()


async def _empty(url: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            names = ", ".join(t.name for t in Base.metadata.sorted_tables)
            await connection.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> str:
    """Migrations run once per session: a SQLite file to copy, or the PostgreSQL test database."""
    if _on_postgres():
        asyncio.run(_migrate(TEST_DATABASE_URL, fresh=True))
        return TEST_DATABASE_URL
    path = tmp_path_factory.mktemp("template") / "template.db"
    asyncio.run(_migrate(f"sqlite+aiosqlite:///{path}", fresh=False))
    return str(path)


@pytest.fixture
def database_url(migrated_template: str, tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database for one test."""
    if _on_postgres():
        yield migrated_template
        asyncio.run(_empty(migrated_template))
        return
    path = tmp_path / "test.db"
    shutil.copy(migrated_template, path)
    yield f"sqlite+aiosqlite:///{path}"


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def uows(engine: AsyncEngine) -> UnitOfWorkFactory:
    return UnitOfWorkFactory(session_factory(engine))


async def dump_database(engine: AsyncEngine) -> dict[str, list[tuple]]:
    """Every row of every table, sorted: to compare a database before and after."""
    dump: dict[str, list[tuple]] = {}
    async with engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            rows = (await connection.execute(select(table))).all()
            dump[table.name] = sorted((tuple(r) for r in rows), key=repr)
    return dump


def dump_database_at(database_url: str) -> dict[str, list[tuple]]:
    """`dump_database` from synchronous code (tests that run the command line, which has its own loop)."""

    async def dump() -> dict[str, list[tuple]]:
        engine = create_engine(database_url)
        try:
            return await dump_database(engine)
        finally:
            await engine.dispose()

    return asyncio.run(dump())
