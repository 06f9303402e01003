"""Alert causes (R10) and the periodic scan's bookkeeping: one row per occurrence of a cause, cleared
when it no longer holds; one scan row per organisation, claimed under a lease."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.domain.alert_causes import AlertCause
from services.persistence.tables import AlertCauseRow, CatalogRow, OrganizationRow, OrganizationScanRow, OrganizationVersionRow


@dataclass(frozen=True)
class StoredCause:
    id: int
    organization_id: str
    kind: str
    key: str
    found_at: datetime
    cleared_at: datetime | None
    details: dict[str, Any] = field(default_factory=dict)  # as recorded: what the alert card is built from


class AlertRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    def _insert(self) -> Any:
        return postgresql_insert if self._session.get_bind().dialect.name == "postgresql" else sqlite_insert

    # --- causes -----------------------------------------------------------------------------

    async def causes(self, organization_id: str | None = None) -> list[StoredCause]:
        """Every cause ever found (of one organisation, or of all), by organisation and age."""
        query = select(AlertCauseRow).order_by(AlertCauseRow.organization_id, AlertCauseRow.id)
        if organization_id is not None:
            query = query.where(AlertCauseRow.organization_id == organization_id)
        return [StoredCause(c.id, c.organization_id, c.kind, c.key, c.found_at, c.cleared_at, json.loads(c.details)) for c in await self._session.scalars(query)]

    async def active_causes_of(self, organization_ids: Sequence[str]) -> dict[str, dict[str, int]]:
        """organisation -> key -> id of its causes not cleared yet (organisations with none are missing)."""
        rows = await self._session.execute(
            select(AlertCauseRow.organization_id, AlertCauseRow.key, AlertCauseRow.id)
            .where(AlertCauseRow.organization_id.in_(sorted(set(organization_ids))), AlertCauseRow.cleared_at.is_(None))
        )
        found: dict[str, dict[str, int]] = {}
        for organization_id, key, cause_id in rows:
            found.setdefault(organization_id, {})[key] = cause_id
        return found

    async def clear_causes(self, cause_ids: Sequence[int], now: datetime) -> None:
        if cause_ids:
            await self._session.execute(update(AlertCauseRow).where(AlertCauseRow.id.in_(cause_ids)).values(cleared_at=now))

    async def last_occurrences_of(self, keys: Mapping[str, Sequence[str]]) -> dict[str, dict[str, int]]:
        """organisation -> key -> the highest occurrence stored of each of these causes (cleared or not)."""
        wanted = {(organization_id, key) for organization_id, some in keys.items() for key in some}
        if not wanted:
            return {}
        rows = await self._session.execute(
            select(AlertCauseRow.organization_id, AlertCauseRow.key, func.max(AlertCauseRow.occurrence))
            .where(AlertCauseRow.organization_id.in_(sorted(keys)), AlertCauseRow.key.in_(sorted({key for _, key in wanted})))
            .group_by(AlertCauseRow.organization_id, AlertCauseRow.key)
        )
        found: dict[str, dict[str, int]] = {}
        for organization_id, key, last in rows:
            if (organization_id, key) in wanted:
                found.setdefault(organization_id, {})[key] = last
        return found

    async def add_causes(self, found: Sequence[tuple[str, AlertCause, int]], now: datetime) -> None:
        """Store each (organisation, cause, occurrence) as found at `now` (flushed: a concurrent
        scanner's same occurrence fails on the unique index here or at commit)."""
        self._session.add_all(
            AlertCauseRow(
                organization_id=organization_id,
                key=cause.key,
                occurrence=occurrence,
                kind=cause.kind,
                details=json.dumps(cause.details, sort_keys=True, default=str),
                found_at=now,
            )
            for organization_id, cause, occurrence in found
        )
        await self._session.flush()

    # --- the periodic scan's claims ----------------------------------------------------------

    async def add_missing_scan_rows(self) -> None:
        """A scan row (never scanned) for every organisation that has none: the rows a claim locks."""
        missing = select(OrganizationRow.id).where(
            ~select(OrganizationScanRow.organization_id).where(OrganizationScanRow.organization_id == OrganizationRow.id).exists()
        )
        statement = self._insert()(OrganizationScanRow).from_select(["organization_id"], missing).on_conflict_do_nothing(index_elements=["organization_id"])
        await self._session.execute(statement)

    async def scan_rows(self) -> int:
        return await self._session.scalar(select(func.count()).select_from(OrganizationScanRow)) or 0

    async def claim_for_scan(self, worker: str, now: datetime, size: int, lease_until: datetime, after: str | None = None) -> list[str]:
        """Up to `size` organisations due for judging and held by nobody, now held by `worker` until
        `lease_until`. Due: never scanned, or its data version or the active catalog changed, or its
        findings expired. PostgreSQL skips rows another scanner is claiming. `after`: only ids past
        it (the scanner's last claim), so a claim does not walk again the rows judged already."""
        scan = OrganizationScanRow
        catalog_id = await self._session.scalar(select(func.coalesce(func.max(CatalogRow.id), 0)))
        version = func.coalesce(
            select(OrganizationVersionRow.version).where(OrganizationVersionRow.organization_id == scan.organization_id).scalar_subquery(), 0
        )
        due = (
            select(scan.organization_id)
            .where(
                or_(scan.lease_until.is_(None), scan.lease_until <= now),
                or_(scan.version.is_(None), scan.version != version, scan.catalog_id != catalog_id, scan.valid_until <= now),
            )
            .order_by(scan.organization_id)
            .limit(size)
        )
        if after is not None:
            due = due.where(scan.organization_id > after)
        if self._session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        claimed = await self._session.scalars(
            update(scan)
            .where(scan.organization_id.in_(due.scalar_subquery()))
            .values(claimed_by=worker, lease_until=lease_until)
            .returning(scan.organization_id)
        )
        return sorted(claimed)

    async def record_scans(self, judged: Sequence[tuple[str, int, int, datetime]], now: datetime, release: bool) -> None:
        """What was judged, as (organisation, data version, catalog id, until when its findings hold),
        in one statement; `release`: end the claims on them too."""
        if not judged:
            return
        statement = self._insert()(OrganizationScanRow)
        columns = ("version", "catalog_id", "valid_until", "scanned_at")
        updates = {c: statement.excluded[c] for c in columns} | ({"claimed_by": None, "lease_until": None} if release else {})
        rows = [
            {"organization_id": organization_id, "version": version, "catalog_id": catalog_id, "valid_until": valid_until, "scanned_at": now}
            for organization_id, version, catalog_id, valid_until in judged
        ]
        await self._session.execute(statement.on_conflict_do_update(index_elements=["organization_id"], set_=updates), rows)
