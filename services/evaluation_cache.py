"""Evaluations kept per process, valid while the organisation's data version and the active catalog
stay the same and time has not reached the evaluation's next change (see domain/validity.py)."""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class CachedEvaluation:
    version: int
    catalog_id: int
    computed_at: datetime
    valid_until: datetime
    evaluation: Any

    def serves(self, version: int, catalog_id: int, now: datetime) -> bool:
        return self.version == version and self.catalog_id == catalog_id and self.computed_at <= now < self.valid_until


class EvaluationCache:
    def __init__(self, size: int = 64):
        self.size = size
        self._entries: OrderedDict[Hashable, CachedEvaluation] = OrderedDict()
        # (key, version, catalog id) → (the moment judged, the evaluation's future)
        self._flights: dict[tuple[Hashable, int, int], tuple[datetime, asyncio.Future[CachedEvaluation | None]]] = {}
        self.hits = self.misses = self.joined = 0

    def get(self, key: Hashable, version: int, catalog_id: int, now: datetime) -> Any | None:
        entry = self.entry(key, version, catalog_id, now)
        return None if entry is None else entry.evaluation

    def entry(self, key: Hashable, version: int, catalog_id: int, now: datetime) -> CachedEvaluation | None:
        entry = self._entries.get(key)
        if entry is None or not entry.serves(version, catalog_id, now):
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry

    def put(self, key: Hashable, entry: CachedEvaluation) -> None:
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def refresh(self, key: Hashable, entry: CachedEvaluation) -> None:
        """`put`, but only over an entry already kept: a scan passing through thousands of
        organisations renews what turns use and evicts none of it for evaluations nobody asked for."""
        if key in self._entries:
            self._entries[key] = entry

    def flight(self, key: Hashable, version: int, catalog_id: int, now: datetime) -> asyncio.Future[CachedEvaluation | None] | None:
        """The evaluation of the same data already under way in this process at a moment that can
        serve `now` (not later than it), if any: concurrent turns wait for it instead of each judging
        a large organisation again."""
        found = self._flights.get((key, version, catalog_id))
        return found[1] if found is not None and found[0] <= now else None

    def take_off(self, key: Hashable, version: int, catalog_id: int, now: datetime) -> asyncio.Future[CachedEvaluation | None]:
        """Start a flight judging the data at `now` (it replaces one at a later moment, which serves nobody here)."""
        future: asyncio.Future[CachedEvaluation | None] = asyncio.get_running_loop().create_future()
        self._flights[(key, version, catalog_id)] = (now, future)
        return future

    def land(self, key: Hashable, version: int, catalog_id: int, future: asyncio.Future[CachedEvaluation | None],
             entry: CachedEvaluation | None) -> None:
        """End the flight: waiters get the entry, or None (the evaluation failed: they try their own)."""
        stamp = (key, version, catalog_id)
        if stamp in self._flights and self._flights[stamp][1] is future:
            del self._flights[stamp]
        if not future.done():
            future.set_result(entry)

    async def join(self, flight: asyncio.Future[CachedEvaluation | None], version: int, catalog_id: int,
                   now: datetime) -> CachedEvaluation | None:
        """Wait for a flight (shielded: a cancelled waiter does not cancel it); its entry when that
        serves `now`, None when it failed or does not (the caller judges the organisation itself)."""
        entry = await asyncio.shield(flight)
        if entry is None or not entry.serves(version, catalog_id, now):
            return None
        self.joined += 1
        return entry
