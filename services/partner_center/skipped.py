"""Rows that do not count, kept as counts per kind and the most frequent names (SPEC 4.8): one
line each on stderr, so an admin can add an alias for a name the catalog does not know."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

MOST_FREQUENT = 5
DISTINCT_NAMES = 10_000  # beyond this, further new names are only counted: memory stays flat


@dataclass(frozen=True)
class SkipKind:
    key: str
    what: str  # "rows naming a credential the catalog does not know"
    hint: str = ""


UNKNOWN_CREDENTIAL = SkipKind("credential", "naming a credential the catalog does not know", "add the name to that credential's `aliases` in the catalog")
UNKNOWN_COMPETENCY = SkipKind("competency", "naming a competency the catalog does not know", "add the name to that competency's `aliases` in the catalog")
UNKNOWN_METRIC = SkipKind("metric", "naming a metric the catalog does not know", "add the name to that metric's `aliases` in the catalog")
NOT_ACTIVE = SkipKind("not_active", "whose status is not Active, so they do not count")
NO_MSA = SkipKind("no_msa", "without an Email (the personal Microsoft account), so nothing can be linked")
KINDS = (UNKNOWN_CREDENTIAL, UNKNOWN_COMPETENCY, UNKNOWN_METRIC, NOT_ACTIVE, NO_MSA)


class Skipped:
    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.names: dict[str, Counter[str]] = {k.key: Counter() for k in KINDS}

    def add(self, kind: SkipKind, name: str) -> None:
        self.counts[kind.key] += 1
        names = self.names[kind.key]
        if name in names or len(names) < DISTINCT_NAMES:
            names[name or "(empty)"] += 1

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        """One line per kind that occurred: `skipped 12 rows naming ...: 'X' (7), 'Y' (5); add ...`."""
        lines = []
        for kind in KINDS:
            count = self.counts[kind.key]
            if not count:
                continue
            frequent = ", ".join(f"{name!r} ({n:,})" for name, n in self.names[kind.key].most_common(MOST_FREQUENT))
            hint = f"; {kind.hint}" if kind.hint else ""
            lines.append(f"skipped {count:,} row{'s' if count != 1 else ''} {kind.what}: {frequent}{hint}")
        return lines
