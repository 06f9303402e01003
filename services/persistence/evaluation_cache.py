"""Evaluations kept per process, valid while the organisation's data version and the active catalog
stay the same and time has not reached the evaluation's next change (see domain/validity.py)."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Hashable


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
        self.hits = self.misses = 0

    def get(self, key: Hashable, version: int, catalog_id: int, now: datetime) -> Any | None:
        entry = self._entries.get(key)
        if entry is None or not entry.serves(version, catalog_id, now):
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return entry.evaluation

    def put(self, key: Hashable, entry: CachedEvaluation) -> None:
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)
