"""Bulk writes of an import (the dataset importer and the Partner Center import): rows as stored
(column -> value), upserted by primary key in chunks, touching only what differs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, Table, delete, func, or_, select, text, tuple_, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.domain.catalog import Market
from services.persistence.tables import (
    AchievementRow,
    Base,
    CatalogRow,
    HeldLevelRow,
    MetricValueRow,
    MsaLinkRow,
    OrganizationRow,
    OrganizationSpecializationRow,
    OverrideRow,
    UserRow,
)

Progress = Callable[[str, int, int], None]  # (section, rows done, rows in all)
CHUNK = 5000
# After an import that wrote at least this many rows, PostgreSQL's planner statistics of the imported
# tables are refreshed in the same transaction. Until ANALYZE runs (autovacuum may be off, and lags a
# minute or more when on) the planner still believes the tables hold what they held before the import:
# after a first bulk import of 10,000 organisations it read all 600,000 achievements to evaluate one
# organisation (238 ms) instead of using the indexes (2 ms), and the first alert scan took hours.
BULK_ROWS = 1000
IMPORTED_TABLES = (OrganizationRow, HeldLevelRow, OrganizationSpecializationRow, UserRow, MsaLinkRow, AchievementRow, MetricValueRow, OverrideRow)
Rows = Sequence[dict[str, Any]]


async def upsert(session: AsyncSession, model: type[Base], rows: Rows, keep: Iterable[str] = (), section: str = "", report: Progress | None = None) -> int:
    """Insert or update by primary key, in chunks; columns in `keep` are never overwritten. Rows whose
    values are already stored are left alone. Returns how many rows were inserted or changed."""
    table = cast(Table, model.__table__)
    keys = [c.name for c in table.primary_key.columns]
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement: Any = insert(table)
    updates = {c.name: statement.excluded[c.name] for c in table.columns if c.name not in keys and c.name not in keep}
    if updates:
        differs = or_(*(table.c[name].is_distinct_from(statement.excluded[name]) for name in updates))
        statement = statement.on_conflict_do_update(index_elements=keys, set_=updates, where=differs)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=keys)
    statement = statement.returning(table.c[keys[0]])
    written = 0
    for start in range(0, len(rows), CHUNK):
        written += len((await session.execute(statement, rows[start : start + CHUNK])).all())
        if report:
            report(section, min(start + CHUNK, len(rows)), len(rows))
    return written


async def replace_children(session: AsyncSession, model: type[Base], organization_ids: list[str], rows: list[dict[str, Any]]) -> int:
    """Make the organisations' child rows exactly `rows`, touching only what differs."""
    table = cast(Table, model.__table__)
    keys = [table.c[c.name] for c in table.primary_key.columns]
    wanted = {tuple(r[c.name] for c in keys) for r in rows}
    stored = set((await session.execute(select(*keys).where(table.c.organization_id.in_(organization_ids)))).all())
    gone = stored - wanted
    if gone:
        await session.execute(delete(table).where(tuple_(*keys).in_(sorted(gone))))
    return len(gone) + (await upsert(session, model, rows) if rows else 0)


class ImportRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def _in_chunks(self, column: Any, values: Iterable[str], query: Callable[[Sequence[str]], Any] | None = None) -> set[Any]:
        found: set[Any] = set()
        ordered = sorted(set(values))
        for start in range(0, len(ordered), CHUNK):
            chunk = ordered[start : start + CHUNK]
            found |= set(await self._session.scalars(query(chunk) if query else select(column).where(column.in_(chunk))))
        return found

    async def existing_organizations(self, ids: Iterable[str]) -> set[str]:
        return await self._in_chunks(OrganizationRow.id, ids)

    async def existing_users(self, ids: Iterable[str]) -> set[str]:
        return await self._in_chunks(UserRow.id, ids)

    async def organizations_of_users(self, user_ids: Iterable[str]) -> set[str]:
        return await self._in_chunks(None, user_ids, lambda chunk: select(UserRow.organization_id).where(UserRow.id.in_(chunk)).distinct())

    async def organizations_of_msas(self, msas: Iterable[str]) -> set[str]:
        """The organisations of the users any of these MSAs is (or was) linked to."""
        return await self._in_chunks(None, msas, lambda chunk: (
            select(UserRow.organization_id).join(MsaLinkRow, MsaLinkRow.user_id == UserRow.id).where(MsaLinkRow.msa.in_(chunk)).distinct()
        ))

    async def refresh_planner_statistics(self, rows_written: int) -> bool:
        """ANALYZE the imported tables on PostgreSQL after a bulk import (see BULK_ROWS); SQLite plans
        from its indexes without statistics. True when statistics were refreshed."""
        if rows_written < BULK_ROWS or self._session.get_bind().dialect.name != "postgresql":
            return False
        for model in IMPORTED_TABLES:
            await self._session.execute(text(f"ANALYZE {model.__tablename__}"))
        return True

    async def latest_catalog_document(self) -> str | None:
        return await self._session.scalar(select(CatalogRow.document).order_by(CatalogRow.id.desc()).limit(1))

    async def add_catalog(self, version: str, document: str, imported_at: datetime) -> None:
        self._session.add(CatalogRow(version=version, document=document, imported_at=imported_at))
        await self._session.flush()

    async def write_organizations(self, rows: Rows, report: Progress | None = None) -> int:
        return await upsert(self._session, OrganizationRow, rows, section="organizations", report=report)

    async def replace_held_levels(self, organization_ids: list[str], rows: list[dict[str, Any]]) -> int:
        return await replace_children(self._session, HeldLevelRow, organization_ids, rows)

    async def replace_specializations(self, organization_ids: list[str], rows: list[dict[str, Any]]) -> int:
        return await replace_children(self._session, OrganizationSpecializationRow, organization_ids, rows)

    async def write_users(self, rows: Rows, report: Progress | None = None) -> int:
        return await upsert(self._session, UserRow, rows, section="users", report=report)

    async def write_links(self, rows: Rows, report: Progress | None = None) -> int:
        """A link in the file never undoes a dissolution by itself (R4 decides that afterwards)."""
        return await upsert(self._session, MsaLinkRow, rows, keep=("dissolved_at",), section="msa_links", report=report)

    async def write_achievements(self, rows: Rows, report: Progress | None = None) -> int:
        return await upsert(self._session, AchievementRow, rows, section="achievements", report=report)

    async def write_metrics(self, rows: Rows, report: Progress | None = None) -> int:
        return await upsert(self._session, MetricValueRow, rows, section="metrics", report=report)

    async def write_overrides(self, rows: Rows, report: Progress | None = None) -> int:
        return await upsert(self._session, OverrideRow, rows, section="overrides", report=report)

    # --- what the Partner Center import compares its rows with --------------------------------

    async def add_links(self, rows: Rows) -> int:
        """Insert links not stored yet; a stored link is kept as it is (the bot or R4 may have moved it)."""
        return await upsert(self._session, MsaLinkRow, rows, keep=("purpose", "linked_at", "dissolved_at"))

    async def users_by_aad_object_id(self, organization_ids: Sequence[str], aad_object_ids: Sequence[str]) -> list[tuple[str, str, str]]:
        """(user id, organisation, AAD object id) of the organisations' users with one of these ids."""
        rows = await self._session.execute(
            select(UserRow.id, UserRow.organization_id, UserRow.aad_object_id)
            .where(UserRow.organization_id.in_(organization_ids), UserRow.aad_object_id.in_(aad_object_ids))
        )
        return [(r.id, r.organization_id, r.aad_object_id) for r in rows]

    async def users_by_upn(self, organization_ids: Sequence[str], lowercase_upns: Sequence[str]) -> list[tuple[str, str, str]]:
        """(user id, organisation, UPN) of the organisations' users whose UPN, lowercased, is one of these."""
        rows = await self._session.execute(
            select(UserRow.id, UserRow.organization_id, UserRow.upn)
            .where(UserRow.organization_id.in_(organization_ids), func.lower(UserRow.upn).in_(lowercase_upns))
        )
        return [(r.id, r.organization_id, r.upn) for r in rows]

    async def achievements_of(self, msas: Sequence[str]) -> dict[tuple[str, str, datetime], tuple[datetime | None, str | None]]:
        """(msa, code, earned at) -> (expires at, kind) of the achievements stored for these MSAs."""
        rows = await self._session.execute(
            select(AchievementRow.msa, AchievementRow.code, AchievementRow.earned_at, AchievementRow.expires_at, AchievementRow.kind)
            .where(AchievementRow.msa.in_(msas))
        )
        return {(r.msa, r.code, r.earned_at): (r.expires_at, r.kind) for r in rows}

    async def metric_values(self, organization_id: str, metrics: Sequence[str]) -> dict[tuple[str, str], float]:
        """(metric, month) -> value stored for the organisation."""
        rows = await self._session.execute(
            select(MetricValueRow.metric, MetricValueRow.month, MetricValueRow.value)
            .where(MetricValueRow.organization_id == organization_id, MetricValueRow.metric.in_(metrics))
        )
        return {(r.metric, r.month): r.value for r in rows}

    async def market(self, organization_id: str) -> Market | None:
        # the importer stores only the schema's markets (dataset validation)
        return await self._session.scalar(select(OrganizationRow.market).where(OrganizationRow.id == organization_id))

    async def held_levels(self, organization_id: str) -> dict[tuple[str, str], date | None]:
        """(competency, level) -> held since, as stored for the organisation."""
        rows = await self._session.execute(
            select(HeldLevelRow.competency, HeldLevelRow.level, HeldLevelRow.since).where(HeldLevelRow.organization_id == organization_id)
        )
        return {(r.competency, r.level): r.since for r in rows}

    async def set_membership(self, organization_id: str, level: str, expires_on: date | None) -> int:
        """Store the membership unless it is stored so already; returns 1 if it changed, else 0."""
        result = cast(CursorResult[Any], await self._session.execute(
            update(OrganizationRow)
            .where(OrganizationRow.id == organization_id)
            .where((OrganizationRow.membership_level.is_distinct_from(level)) | (OrganizationRow.membership_expires_on.is_distinct_from(expires_on)))
            .values(membership_level=level, membership_expires_on=expires_on)
        ))
        return result.rowcount
