"""Bot state in our own database, so conversations survive restarts and several bot instances share
them; botbuilder's `Storage` contract (as its `StorageBaseTests` define it) over SQLAlchemy."""

from __future__ import annotations

import contextvars
import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timezone
from typing import Any, cast
from uuid import uuid4

from botbuilder.core import Storage
from jsonpickle.pickler import Pickler
from jsonpickle.unpickler import Unpickler
from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import CursorResult
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from services.persistence.tables import BotStateRow

MAX_KEY_LENGTH = 1024  # the width of `bot_state.key`; PostgreSQL enforces it, SQLite would not
_ANY = "*"
_WRITE_ATTEMPTS = 3


_prefetched: contextvars.ContextVar[dict[str, tuple[str, str] | None]] = contextvars.ContextVar("prefetched_state")


def prefetched(key: str, stored: tuple[str, str] | None) -> None:
    """What is stored under `key` (document, e_tag; None: nothing), read moments ago in the turn's first
    query (services/conversations.py). This turn's next `read` of that key takes it from here instead
    of asking the database again; once. A context variable: it belongs to this turn's task only."""
    _prefetched.set({key: stored})


_DIALOG_STATE_TYPE = "botbuilder.dialogs.dialog_state.DialogState"


def holds_no_dialog(stored: tuple[str, str] | None, property_name: str) -> bool:
    """Whether a stored conversation state (document, e_tag; None: nothing stored) holds no running
    dialog: nothing at all, or only `property_name`'s `DialogState` with an empty stack, as botbuilder
    leaves it when a dialog ends. Read from the JSON without jsonpickle's restore, which costs more
    than the rest of a cached answer. Anything else (another property, a layout this does not know)
    counts as a running dialog, so the caller takes the dialog stack, which is always right."""
    if stored is None:
        return True
    try:
        flat = json.loads(stored[0])
    except ValueError:
        return False
    if not isinstance(flat, dict) or set(flat) - {property_name}:
        return False
    dialog_state = flat.get(property_name)
    return dialog_state is None or (
        isinstance(dialog_state, dict)
        and dialog_state.get("py/object") == _DIALOG_STATE_TYPE
        and dialog_state.get("_dialog_stack") == []
        and set(dialog_state) == {"py/object", "_dialog_stack"}
    )


class EtagConflictError(Exception):
    """The item changed (or was created) since the writer read it; the write was not applied.

    Its own type so `on_turn_error` can tell a lost race from a bug; botbuilder's MemoryStorage
    raises a bare `KeyError` with the same "Etag conflict" message."""


class SqlStorage(Storage):
    """Stores each item as one `bot_state` row: the jsonpickle document, and its e_tag beside it.

    Serialization is the one botbuilder's Cosmos DB storage uses (`Pickler().flatten`, e_tag removed,
    put back from the row on read), so `DialogState` and prompt options round-trip as objects and a
    waterfall resumes after a restart. Every call opens its own session, and every item is written in
    its own short transaction: like botbuilder's storages, a batch with a conflict in it may have
    written the items before it (`BotState` writes one item per call anyway).

    e_tags follow MemoryStorage: a new one on every write; `"*"` or none overwrites; an empty one is
    refused; any other must equal the stored one, unless nothing is stored, then the item is created.
    The comparison happens in the database (`UPDATE ... WHERE e_tag = :read`, then an INSERT that the
    primary key refuses if someone else holds the key), so two processes cannot both win.
    """

    def __init__(self, sessions: async_sessionmaker[AsyncSession]):
        super().__init__()
        self._sessions = sessions

    async def read(self, keys: Iterable[str]) -> dict[str, object]:
        """Only the keys that exist appear in the result, each with its current e_tag."""
        if keys is None:
            raise ValueError("Keys are required when reading")
        keys = list(keys)
        if not keys:
            return {}
        known = _prefetched.get({})
        if known and all(key in known for key in keys):
            stored = {key: known.pop(key) for key in keys}
            return {key: _restore(*item) for key, item in stored.items() if item is not None}
        statement = select(BotStateRow.key, BotStateRow.document, BotStateRow.e_tag).where(BotStateRow.key.in_(keys))
        async with self._sessions() as session:
            rows = (await session.execute(statement)).all()
        return {row.key: _restore(row.document, row.e_tag) for row in rows}

    async def write(self, changes: Mapping[str, object]) -> None:
        """Raises `EtagConflictError` for an item whose e_tag no longer matches the stored one."""
        if changes is None:
            raise ValueError("Changes are required when writing")
        if not changes:
            return
        for key in changes:
            _check_key(key)
        if _prefetched.get({}):
            _prefetched.set({})  # written now: what was read before is no longer what is stored
        async with self._sessions() as session:
            for key, item in changes.items():
                await self._write_item(session, key, item)

    async def delete(self, keys: Iterable[str]) -> None:
        """Deleting a key that is not stored is not an error: the caller wanted it gone, and it is."""
        if keys is None:
            raise ValueError("Keys are required when deleting")
        keys = list(keys)
        if not keys:
            return
        async with self._sessions() as session, session.begin():
            await session.execute(delete(BotStateRow).where(BotStateRow.key.in_(keys)))

    async def _write_item(self, session: AsyncSession, key: str, item: object) -> None:
        expected = _e_tag_of(item)
        if expected == "":
            raise ValueError(f"SqlStorage.write(): e_tag missing for {key!r}; use '*' to overwrite")
        unconditional = expected is None or expected == _ANY
        document = _flatten(item)
        for attempt in range(1, _WRITE_ATTEMPTS + 1):
            values = {"document": document, "e_tag": uuid4().hex, "updated_at": datetime.now(timezone.utc)}
            matches = BotStateRow.key == key
            if not unconditional:
                matches &= BotStateRow.e_tag == expected
            try:
                async with session.begin():
                    updated = cast(CursorResult[Any], await session.execute(update(BotStateRow).where(matches).values(**values)))
                    if updated.rowcount == 0:
                        # Nothing stored, or stored under another e_tag: the primary key tells which,
                        # atomically, where a SELECT first would leave a window for another writer.
                        await session.execute(insert(BotStateRow).values(key=key, **values))
                return
            except IntegrityError:
                if not unconditional:
                    raise EtagConflictError(
                        f"Etag conflict on {key!r}: the stored item changed since e_tag {expected!r} was read"
                    ) from None
                if attempt == _WRITE_ATTEMPTS:
                    raise
                # An overwrite lost the race to create the row: it exists now, so update it.


def _check_key(key: str) -> None:
    if not isinstance(key, str):
        raise ValueError(f"storage keys are strings, not {key!r}")
    if len(key) > MAX_KEY_LENGTH:
        raise ValueError(f"storage key longer than {MAX_KEY_LENGTH} characters: {key[:80]!r}...")


def _e_tag_of(item: object) -> str | None:
    """Store items are dicts (state) or objects (`StoreItem`); botbuilder reads `e_tag` from either."""
    if isinstance(item, dict):
        return item.get("e_tag")
    return getattr(item, "e_tag", None)


def _flatten(item: object) -> str:
    """jsonpickle with type tags, so objects come back as objects; the e_tag lives in its own column."""
    flat = Pickler().flatten(item)
    if isinstance(flat, dict):
        flat.pop("e_tag", None)
    return json.dumps(flat)


def _restore(document: str, e_tag: str) -> object:
    """`safe=True`: no `eval` of legacy `py/repr` tags, whatever ends up in the table."""
    flat = json.loads(document)
    if isinstance(flat, dict):
        flat["e_tag"] = e_tag
    return Unpickler(safe=True).restore(flat)
