"""services/persistence/sqlite_adapter.py runs each statement as one trip to aiosqlite's thread and
keeps what SQLAlchemy's aiosqlite adapter gave: rows, errors as SQLAlchemy's exceptions, rowcount and
lastrowid, executemany, server-side cursors, transactions."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiosqlite
import pytest
from sqlalchemy import exc, insert, select, text
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_ss_cursor
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from services.persistence import sqlite_adapter
from services.persistence.database import session_factory
from services.persistence.tables import BotStateRow
from tests.conftest import _on_postgres
from tests.integration.test_sqlite_rollbacks import a_row

pytestmark = pytest.mark.skipif(_on_postgres(), reason="the trips saved are aiosqlite's")


@pytest.fixture
def trips(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every function aiosqlite's thread is sent (each one a trip)."""
    calls: list[str] = []
    original = aiosqlite.Connection._execute

    async def counted(self: aiosqlite.Connection, fn, *args, **kwargs):
        calls.append(getattr(fn, "__name__", repr(fn)))
        return await original(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.Connection, "_execute", counted)
    return calls


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    """A connection with a table of its own whose rowid the tests can watch."""
    async with engine.connect() as connection:
        await connection.execute(text("CREATE TABLE things (id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL)"))
        await connection.commit()
        yield connection


def test_other_versions_are_refused_with_what_to_check() -> None:
    sqlite_adapter.check_versions(dict(sqlite_adapter.WRITTEN_FOR))
    with pytest.raises(sqlite_adapter.SqliteAdapterVersionError, match=r"aiosqlite 0\.22\.1, but aiosqlite 0\.23\.0"):
        sqlite_adapter.check_versions({"SQLAlchemy": "2.1.9", "aiosqlite": "0.23.0"})
    with pytest.raises(sqlite_adapter.SqliteAdapterVersionError, match=r"test_sqlite_adapter\.py"):
        sqlite_adapter.check_versions({"SQLAlchemy": "2.2.0", "aiosqlite": "0.22.1"})


async def test_a_read_only_session_costs_one_trip(engine: AsyncEngine, trips: list[str]) -> None:
    async with session_factory(engine)() as session:
        await session.execute(insert(BotStateRow).values(**a_row("a")))
        await session.commit()
    trips.clear()

    async with session_factory(engine)() as session:
        rows = (await session.execute(select(BotStateRow.key, BotStateRow.e_tag).where(BotStateRow.key == "a"))).all()

    assert [tuple(row) for row in rows] == [("a", "e")]
    assert trips == ["_statement"]


async def test_rows_and_description_come_back_whole(connection: AsyncConnection) -> None:
    await connection.execute(text("INSERT INTO things (name) VALUES ('x'), ('y'), ('z')"))

    result = await connection.execute(text("SELECT id, name FROM things WHERE id >= :low ORDER BY id"), {"low": 2})

    assert list(result.keys()) == ["id", "name"]
    assert [tuple(row) for row in result] == [(2, "y"), (3, "z")]
    empty = await connection.execute(text("SELECT name FROM things WHERE id > 99"))
    assert list(empty.keys()) == ["name"] and empty.all() == []


async def test_rowcount_and_lastrowid_of_writes(connection: AsyncConnection) -> None:
    first = await connection.execute(text("INSERT INTO things (name) VALUES ('a')"))
    second = await connection.execute(text("INSERT INTO things (name) VALUES ('b')"))
    updated = await connection.execute(text("UPDATE things SET name = name || '!'"))
    none = await connection.execute(text("DELETE FROM things WHERE id > 99"))

    assert (first.lastrowid, second.lastrowid) == (1, 2)
    assert (first.rowcount, updated.rowcount, none.rowcount) == (1, 2, 0)


async def test_returning(connection: AsyncConnection) -> None:
    result = await connection.execute(text("INSERT INTO things (name) VALUES ('r'), ('s') RETURNING id, name"))

    assert [tuple(row) for row in result] == [(1, "r"), (2, "s")]


async def test_executemany(connection: AsyncConnection, trips: list[str]) -> None:
    result = await connection.execute(text("INSERT INTO things (name) VALUES (:name)"), [{"name": n} for n in "pqr"])

    assert result.rowcount == 3
    assert trips == ["_statement"]
    assert (await connection.execute(text("SELECT name FROM things ORDER BY id"))).scalars().all() == ["p", "q", "r"]


async def test_errors_are_sqlalchemys_and_the_connection_goes_on(connection: AsyncConnection) -> None:
    await connection.execute(text("INSERT INTO things (name) VALUES ('taken')"))
    with pytest.raises(exc.IntegrityError, match="UNIQUE constraint failed"):
        await connection.execute(text("INSERT INTO things (name) VALUES ('taken')"))
    with pytest.raises(exc.OperationalError, match="no such table"):
        await connection.execute(text("SELECT * FROM nothing_here"))
    with pytest.raises(exc.IntegrityError):
        await connection.execute(text("INSERT INTO things (name) VALUES (:name)"), [{"name": "new"}, {"name": None}])

    assert (await connection.execute(text("SELECT count(*) FROM things"))).scalar_one() >= 1


async def test_a_closed_connection_raises_as_before(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        await raw.driver_connection.close()
        with pytest.raises(exc.OperationalError, match="no active connection"):
            await connection.exec_driver_sql("SELECT 1")
        await connection.invalidate()


async def test_server_side_cursors_keep_the_adapters_lazy_fetches(connection: AsyncConnection, trips: list[str]) -> None:
    await connection.execute(text("INSERT INTO things (name) VALUES (:name)"), [{"name": f"n{i}"} for i in range(5)])
    trips.clear()

    result = await connection.stream(text("SELECT name FROM things ORDER BY id"))
    assert isinstance(result._real_result.cursor, AsyncAdapt_aiosqlite_ss_cursor)
    names = [row[0] async for row in result]

    assert names == [f"n{i}" for i in range(5)]
    assert "_statement" not in trips and len(trips) > 2  # cursor, execute, fetches: the adapter's own


async def test_transactions_commit_and_roll_back(engine: AsyncEngine, connection: AsyncConnection) -> None:
    await connection.execute(text("INSERT INTO things (name) VALUES ('kept')"))
    await connection.commit()
    await connection.execute(text("INSERT INTO things (name) VALUES ('dropped')"))
    assert (await connection.execute(text("SELECT count(*) FROM things"))).scalar_one() == 2
    await connection.rollback()

    async with engine.connect() as other:
        assert (await other.execute(text("SELECT name FROM things"))).scalars().all() == ["kept"]
