"""services/persistence/sqlite_adapter.py skips aiosqlite's trip to its thread for a rollback that sqlite3
would not issue (nothing written since the last commit), and keeps every rollback that matters."""

from __future__ import annotations

from datetime import datetime, timezone

import aiosqlite
import pytest
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from services.persistence.database import session_factory
from services.persistence.tables import BotStateRow
from tests.conftest import _on_postgres, dump_database

pytestmark = pytest.mark.skipif(_on_postgres(), reason="the rollbacks skipped are aiosqlite's")
NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


@pytest.fixture
def rollbacks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every rollback that reaches aiosqlite (each one a trip to its thread)."""
    calls: list[str] = []
    original = aiosqlite.Connection.rollback

    async def counted(self: aiosqlite.Connection) -> None:
        calls.append("rollback")
        await original(self)

    monkeypatch.setattr(aiosqlite.Connection, "rollback", counted)
    return calls


def a_row(key: str) -> dict[str, object]:
    return {"key": key, "document": "{}", "e_tag": "e", "updated_at": NOW}


async def test_a_session_that_only_read_costs_no_rollback(engine: AsyncEngine, rollbacks: list[str]):
    async with session_factory(engine)() as session:
        assert (await session.execute(select(BotStateRow.key))).all() == []

    assert rollbacks == []


async def test_a_write_left_uncommitted_is_rolled_back(engine: AsyncEngine, rollbacks: list[str]):
    async with session_factory(engine)() as session:
        await session.execute(insert(BotStateRow).values(**a_row("left")))

    assert rollbacks == ["rollback"]
    assert (await dump_database(engine))["bot_state"] == []


async def test_a_failed_write_is_rolled_back_and_a_committed_one_kept(engine: AsyncEngine, rollbacks: list[str]):
    async with session_factory(engine)() as session:
        await session.execute(insert(BotStateRow).values(**a_row("kept")))
        await session.commit()
    with pytest.raises(RuntimeError):
        async with session_factory(engine)() as session:
            await session.execute(insert(BotStateRow).values(**a_row("failed")))
            raise RuntimeError("the unit of work fails before it commits")

    assert rollbacks == ["rollback"]
    assert [row[0] for row in (await dump_database(engine))["bot_state"]] == ["kept"]
