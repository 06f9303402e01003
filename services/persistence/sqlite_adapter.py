"""Fewer trips to aiosqlite's thread, with SQLAlchemy's aiosqlite adapter behaving exactly as before.

aiosqlite runs each sqlite3 call in its own thread: the event loop queues the call, the thread runs it
and wakes the loop through its self-pipe. SQLAlchemy's adapter makes one such trip per DBAPI step, so a
SELECT cost four (cursor, execute, fetchall, close) and every session end one more (rollback). Each trip
is a GIL hand-off and a wake-up: about 0.3 ms of CPU on this machine's two cores.

- `OneTripCursor` runs cursor + execute + description + fetchall + rowcount/lastrowid + close as one
  function in aiosqlite's thread; the adapter's other behaviour (the execute mutex, rows buffered on
  the loop side, exceptions through `_handle_exception`, so SQLAlchemy wraps them as before) is its own.
  Server-side cursors (`stream()`) keep the adapter's cursor: they fetch lazily, a trip per fetch.
- `_rollback_if_in_transaction` skips the trip for a rollback sqlite3 itself would not issue.

Both use private API of SQLAlchemy 2.1.9 and aiosqlite 0.22.1 (the adapter's slots and methods,
`aiosqlite.Connection._execute`): `install()` with other versions fails with
`SqliteAdapterVersionError`, so an upgrade cannot silently change what they replace.
tests/integration/test_sqlite_adapter.py and test_sqlite_rollbacks.py show the behaviour kept."""

from __future__ import annotations

import collections
import sqlite3
from importlib.metadata import version
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection, AsyncAdapt_aiosqlite_cursor
from sqlalchemy.util import EMPTY_DICT

WRITTEN_FOR = {"SQLAlchemy": "2.1.9", "aiosqlite": "0.22.1"}  # the versions checked against


class SqliteAdapterVersionError(RuntimeError):
    """The installed SQLAlchemy or aiosqlite is not the one the adapter changes were written for."""


def check_versions(installed: dict[str, str]) -> None:
    wrong = {name: got for name, got in installed.items() if got != WRITTEN_FOR[name]}
    if wrong:
        found = ", ".join(f"{name} {got}" for name, got in sorted(wrong.items()))
        expected = ", ".join(f"{name} {WRITTEN_FOR[name]}" for name in sorted(wrong))
        raise SqliteAdapterVersionError(
            f"services/persistence/sqlite_adapter.py replaces private parts of {expected}, but {found} is installed: "
            "check that each replacement still keeps the adapter's behaviour (tests/integration/test_sqlite_adapter.py, "
            "test_sqlite_rollbacks.py), then update WRITTEN_FOR"
        )


def _statement(connection: sqlite3.Connection, operation: Any, parameters: Any, many: bool) -> tuple[Any, int, int | None, list[Any] | None]:
    """In aiosqlite's thread: one statement, start to end, on a cursor of its own."""
    cursor = connection.cursor()
    try:
        if many:
            cursor.executemany(operation, parameters)
            rows = None  # the adapter's executemany fetches nothing either
        else:
            cursor.execute(operation, () if parameters is None else parameters)
            rows = cursor.fetchall() if cursor.description else None
        return cursor.description, cursor.rowcount, cursor.lastrowid, rows
    finally:
        cursor.close()


class OneTripCursor(AsyncAdapt_aiosqlite_cursor):
    """The adapter's client-side cursor, with each statement one trip to aiosqlite's thread.

    No sqlite3 cursor is held between trips: the rows, the description, rowcount and lastrowid come
    back with the statement, so closing the cursor needs no trip either."""

    __slots__ = ("_arraysize", "_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # Not the adapter's __init__: that opens an aiosqlite cursor, a trip of its own.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]  # no aiosqlite cursor: see _statement
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description: Any = None
        self._rowcount = -1
        self._lastrowid: int | None = None
        self._arraysize = 1  # sqlite3.Cursor's default

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> int:
        return self._lastrowid  # type: ignore[return-value]  # None before any insert, as sqlite3's

    @property
    def arraysize(self) -> int:
        return self._arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._arraysize = value

    async def _async_soft_close(self) -> None:
        """Nothing is left open in aiosqlite's thread; the description stays, as the adapter keeps it."""

    def close(self) -> None:
        self._rows.clear()

    async def _run(self, operation: Any, parameters: Any, many: bool) -> Any:
        connection: aiosqlite.Connection = self._connection  # type: ignore[assignment]
        # `_conn` raises "no active connection" once closed, on the loop, as the adapter's cursor() did
        sqlite_connection = connection._conn
        async with self._adapt_connection._execute_mutex:
            description, rowcount, lastrowid, rows = await connection._execute(_statement, sqlite_connection, operation, parameters, many)
        self._description, self._rowcount, self._lastrowid = description, rowcount, lastrowid
        self._rows = collections.deque(rows) if rows else collections.deque()
        return self

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        return await self._run(operation, parameters, many=False)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        return await self._run(operation, seq_of_parameters, many=True)


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


def install() -> None:
    """Install both, once per process (a second call changes nothing), after checking the versions they
    were written for (only where SQLite is used: a PostgreSQL deployment never depends on them)."""
    check_versions({name: version(name) for name in WRITTEN_FOR})
    if AsyncAdapt_aiosqlite_connection.rollback is not _rollback_if_in_transaction:
        AsyncAdapt_aiosqlite_connection.rollback = _rollback_if_in_transaction  # type: ignore[method-assign,assignment]
    AsyncAdapt_aiosqlite_connection._cursor_cls = OneTripCursor  # type: ignore[assignment]
