"""The catalog shipped with the bot (``services/data/catalog.json``), parsed once per process.

It is the active catalog until a dataset brings its own (SPEC 4.5), and it names what a dataset's own
catalog may leave unnamed (the contract's example names no metric).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from services.domain.catalog import Catalog, parse_catalog


@cache
def bundled_catalog() -> Catalog:
    raw = json.loads(resources.files("services").joinpath("data/catalog.json").read_text(encoding="utf-8"))
    return parse_catalog(raw["catalog"])


def metric_name(catalog: Catalog, metric_id: str, language: str = "en") -> str:
    """The name of a metric in ``catalog``; where it names none, the bundled catalog's, then the id in words."""
    return (catalog if metric_id in catalog.metrics else bundled_catalog()).metric_name(metric_id, language)
