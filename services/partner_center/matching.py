"""What a Partner Center name means in the catalog (SPEC 4.8): credentials by the exam code inside a
title or activity id, else by title or alias; competencies, options and metrics by name or alias."""

from __future__ import annotations

import re
from collections.abc import Iterable

from services.domain.catalog import Catalog, Competency, Option

# AZ-104, MS-102, 70-533, MB2-715: an exam number, not followed by more of a course id (AZ-104T00).
EXAM_CODE = re.compile(r"(?<![A-Za-z0-9])((?:[A-Za-z]{2,3}\d?|\d{2})-\d{3})(?![\w-])")


def name_key(name: str) -> str:
    """Names compare without regard to case, runs of spaces or the kind of dash."""
    return " ".join(name.replace("\u2013", "-").replace("\u2014", "-").split()).casefold()


def _index(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for name, target in pairs:
        index.setdefault(name_key(name), target)
    return index


class CatalogNames:
    """Lookups built once per import from the active catalog."""

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self._codes = {code.casefold(): code for code in catalog.credentials if EXAM_CODE.fullmatch(code)}
        self._credentials = _index(
            (name, c.code)
            for c in catalog.credentials.values()
            for name in (c.code, c.title.en, *([c.title.de] if c.title.de else []), *c.aliases)
        )
        self._competencies = _index(
            (name, c.id) for c in catalog.competencies for name in (c.id, c.name.en, *([c.name.de] if c.name.de else []), *c.aliases)
        )
        self._metrics = _index(
            (name, m.id) for m in catalog.metrics.values() for name in (m.id, m.name.en, *([m.name.de] if m.name.de else []), *m.aliases)
        )
        self._seen: dict[tuple[str, str], str | None] = {}  # the same few titles repeat on every row

    def credential(self, title: str, activity_id: str = "") -> str | None:
        key = (title, activity_id)
        if key in self._seen:
            return self._seen[key]
        found = self._credential(title, activity_id)
        if len(self._seen) < 100_000:  # a file of unique junk titles must not grow memory
            self._seen[key] = found
        return found

    def _credential(self, title: str, activity_id: str) -> str | None:
        for text in (title, activity_id):
            for match in EXAM_CODE.finditer(text):
                code = self._codes.get(match[1].casefold())
                if code:
                    return code
        return self._credentials.get(name_key(title)) or self._credentials.get(name_key(activity_id))

    def competency(self, name: str) -> Competency | None:
        competency_id = self._competencies.get(name_key(name))
        return self.catalog.competency(competency_id) if competency_id else None

    def metric(self, name: str) -> str | None:
        return self._metrics.get(name_key(name))

    @staticmethod
    def option(competency: Competency, name: str) -> Option | None:
        key = name_key(name)
        return next((o for o in competency.options if key in {name_key(o.id), name_key(o.name.en), name_key(o.name.de or "")}), None)
