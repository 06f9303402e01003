"""Datasets (SPEC 4.5) as the bot sees them: imported by the real importer into a real database, and
each organisation's snapshot loaded back through the repository, as every use case loads it.

For tests of what the bot renders from a dataset (cards, rosters, what-if) that are not about the
database: they call this from plain functions. Each distinct (dataset, moment) is imported once per
test process, into its own SQLite file copied from one migrated template, and its snapshots kept."""

from __future__ import annotations

import asyncio
import atexit
import json
import shutil
import tempfile
import threading
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from services.domain.snapshot import OrganizationSnapshot
from services.importer import import_dataset
from services.persistence.database import create_engine, session_factory, upgrade_database
from services.persistence.unit_of_work import UnitOfWorkFactory

_lock = threading.Lock()
_folder: Path | None = None
_imports: dict[str, dict[str, OrganizationSnapshot]] = {}


def _workspace() -> Path:
    """A folder for this process's databases, with a migrated template in it; removed at exit."""
    global _folder
    if _folder is None:
        folder = Path(tempfile.mkdtemp(prefix="imported-datasets-"))
        atexit.register(shutil.rmtree, folder, True)
        asyncio.run(_migrate(f"sqlite+aiosqlite:///{folder / 'template.db'}"))
        _folder = folder
    return _folder


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade_database(engine)
    finally:
        await engine.dispose()


async def _import_and_load(url: str, dataset: Mapping[str, Any], now: datetime) -> dict[str, OrganizationSnapshot]:
    engine = create_engine(url)
    try:
        uows = UnitOfWorkFactory(session_factory(engine))
        await import_dataset(uows, dataset, now)
        snapshots: dict[str, OrganizationSnapshot] = {}
        async with uows() as uow:
            for organization_id in await uow.repository.organization_ids():
                snapshot = await uow.repository.snapshot(organization_id)
                assert snapshot is not None
                snapshots[organization_id] = snapshot
        return snapshots
    finally:
        await engine.dispose()


def imported_snapshots(dataset: Mapping[str, Any], now: datetime, fresh: bool = False) -> dict[str, OrganizationSnapshot]:
    """Every organisation's snapshot after importing `dataset` at `now` into an empty database;
    with `fresh`, imported again rather than taken from an earlier import."""
    key = json.dumps([dataset, now.isoformat()], sort_keys=True, default=str)
    with _lock:
        found = None if fresh else _imports.get(key)
        if found is None:
            folder = _workspace()
            database = folder / "import.db"
            shutil.copy(folder / "template.db", database)
            try:
                found = asyncio.run(_import_and_load(f"sqlite+aiosqlite:///{database}", dataset, now))
            finally:
                database.unlink()
            _imports.setdefault(key, found)
        return found


def imported_snapshot(dataset: Mapping[str, Any], organization_id: str, now: datetime, fresh: bool = False) -> OrganizationSnapshot:
    """The snapshot of `organization_id` after importing `dataset` at `now`."""
    return imported_snapshots(dataset, now, fresh)[organization_id]
