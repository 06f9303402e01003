"""Small builders for domain tests: a catalog and an organisation in a few readable lines."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone
from typing import Any

from services.domain.catalog import Catalog, parse_catalog
from services.domain.snapshot import (
    Achievement,
    HeldLevel,
    Membership,
    MetricValue,
    MsaLink,
    OrganizationSnapshot,
    Override,
    Person,
)

NOW = datetime(2026, 6, 15, 12, 0, tzinfo=timezone.utc)


def ago(**delta: float) -> datetime:
    return NOW - timedelta(**delta)


def later(**delta: float) -> datetime:
    return NOW + timedelta(**delta)


def catalog(*competencies: dict[str, Any], credentials: list[dict[str, Any]] | None = None, **extra: Any) -> Catalog:
    return parse_catalog({"version": "test", "competencies": list(competencies), "credentials": credentials or [], **extra})


def competency(cid: str, *options: dict[str, Any]) -> dict[str, Any]:
    return {"id": cid, "name": cid, "options": list(options)}


def option(oid: str, silver: list[dict[str, Any]] | None = None, gold: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    levels = {}
    if silver is not None:
        levels["silver"] = silver
    if gold is not None:
        levels["gold"] = gold
    return {"id": oid, "name": oid, "levels": levels}


def people(count: int, **parts: Any) -> dict[str, Any]:
    return {"kind": "individuals", "count": count, **parts}


def metric(name: str, minimum: Any, aggregate: str = "sum", window_months: int = 12) -> dict[str, Any]:
    return {"kind": "metric", "metric": name, "min": minimum, "aggregate": aggregate, "window_months": window_months}


class OrgBuilder:
    """An organisation whose people each link one MSA named after them."""

    def __init__(self, org_id: str = "org", market: str = "developed"):
        self.snapshot = OrganizationSnapshot(id=org_id, name=org_id, tenant_id=f"tenant-{org_id}", market=market)  # type: ignore[arg-type]

    def person(self, pid: str, linked_at: datetime | None = None, left_on: date | None = None, purpose: str = "both") -> OrgBuilder:
        s = self.snapshot
        links = s.links + (MsaLink(pid, f"{pid}@msa", linked_at or ago(days=365), purpose),)  # type: ignore[arg-type]
        self.snapshot = replace(s, people=s.people + (Person(pid, pid.title(), left_on=left_on),), links=links)
        return self

    def holds(self, pid: str, *codes: str, earned_at: datetime | None = None, expires_at: datetime | None = None, kind: str | None = None) -> OrgBuilder:
        new = tuple(Achievement(f"{pid}@msa", code, earned_at or ago(days=200), expires_at, kind) for code in codes)
        self.snapshot = replace(self.snapshot, achievements=self.snapshot.achievements + new)
        return self

    def figure(self, name: str, month: str, value: float) -> OrgBuilder:
        self.snapshot = replace(self.snapshot, metrics=self.snapshot.metrics + (MetricValue(name, month, value),))
        return self

    def monthly(self, name: str, value: float, months: int, last: str = "2026-06") -> OrgBuilder:
        year, mon = map(int, last.split("-"))
        index = year * 12 + mon - 1
        for i in range(months):
            y, m = divmod(index - i, 12)
            self.figure(name, f"{y:04d}-{m + 1:02d}", value)
        return self

    def membership(self, level: str, expires_on: date, *held: tuple[str, str]) -> OrgBuilder:
        self.snapshot = replace(
            self.snapshot,
            membership=Membership(level, expires_on),  # type: ignore[arg-type]
            held=tuple(HeldLevel(c, lv) for c, lv in held),  # type: ignore[arg-type]
        )
        return self

    def override(self, competency_id: str, option_id: str, level: str, starts_on: date, ends_on: date) -> OrgBuilder:
        o = Override(competency_id, option_id, level, starts_on, ends_on)  # type: ignore[arg-type]
        self.snapshot = replace(self.snapshot, overrides=self.snapshot.overrides + (o,))
        return self

    def build(self) -> OrganizationSnapshot:
        return self.snapshot
