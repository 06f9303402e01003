"""Reads for the domain: one organisation's snapshot in a fixed number of queries, and lookups."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from typing import Any, TypeVar, cast

from sqlalchemy import ColumnElement, Select, String, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from services.bundled_catalog import bundled_catalog
from services.domain.catalog import Catalog, Market, parse_catalog
from services.domain.snapshot import (
    Achievement,
    HeldLevel,
    Membership,
    MembershipLevel,
    MetricValue,
    MsaLink,
    OrganizationSnapshot,
    Override,
    Person,
    Purpose,
    SpecializationStatus,
)
from services.persistence.tables import (
    AchievementRow,
    CatalogRow,
    HeldLevelRow,
    MetricValueRow,
    MsaLinkRow,
    OrganizationRow,
    OrganizationSpecializationRow,
    OrganizationVersionRow,
    OverrideRow,
    UserRow,
)
from services.persistence.versions import bump_versions
from services.records import UserRecord

T = TypeVar("T")
KEYS_PER_STATEMENT = 500  # SQLite: users' ids or MSAs bound in one statement (well below any build's limit)


def user_record(row: UserRow) -> UserRecord:
    return UserRecord(
        row.id, row.organization_id, row.display_name, frozenset(row.roles.split(",")), row.locale, row.aad_object_id, row.upn
    )


class CatalogCache:
    """Parsed catalogs by database row id, so a turn does not re-parse the active catalog."""

    def __init__(self) -> None:
        self._parsed: dict[int, Catalog] = {}

    def bundled(self) -> Catalog:
        return bundled_catalog()

    def get(self, row_id: int) -> Catalog | None:
        return self._parsed.get(row_id)

    def put(self, row_id: int, catalog: Catalog) -> Catalog:
        self._parsed = {row_id: catalog}  # only the active one is worth keeping
        return catalog


class Repository:
    def __init__(self, session: AsyncSession, catalogs: CatalogCache):
        self.session = session
        self.catalogs = catalogs

    async def active_catalog(self) -> Catalog:
        """The newest imported catalog, else the bundled one (SPEC 4.5)."""
        return (await self.active_catalog_with_id())[1]

    async def active_catalog_with_id(self) -> tuple[int, Catalog]:
        """The active catalog and its row id (0 for the bundled one), which changes with every import."""
        row_id = await self.session.scalar(select(CatalogRow.id).order_by(CatalogRow.id.desc()).limit(1))
        return row_id or 0, await self.catalog(row_id or 0)

    async def catalog(self, row_id: int) -> Catalog:
        """The catalog of that row (0: the bundled one), parsed once per process."""
        if row_id == 0:
            return self.catalogs.bundled()
        cached = self.catalogs.get(row_id)
        if cached is not None:
            return cached
        document = (await self.session.execute(select(CatalogRow.document).where(CatalogRow.id == row_id))).scalar_one()
        return self.catalogs.put(row_id, parse_catalog(json.loads(document)))

    async def data_stamp(self, organization_id: str) -> tuple[int, int]:
        """What an organisation's evaluation depends on, in one query: its data version (bumped by every
        change to its data; 0 if it never changed) and the active catalog's row id (0 for the bundled one)."""
        return (await self.data_stamps([organization_id]))[organization_id]

    async def data_stamps(self, organization_ids: Sequence[str]) -> dict[str, tuple[int, int]]:
        """`data_stamp` of several organisations, in one query: the active catalog's id as a one-row
        table, joined to the versions of those organisations that have one (none: a single row of NULLs)."""
        catalog = select(func.max(CatalogRow.id).label("catalog_id")).subquery()
        rows = (await self.session.execute(
            select(catalog.c.catalog_id, OrganizationVersionRow.organization_id, OrganizationVersionRow.version)
            .select_from(catalog)
            .outerjoin(OrganizationVersionRow, OrganizationVersionRow.organization_id.in_(sorted(set(organization_ids))))
        )).all()
        active = rows[0].catalog_id or 0
        versions = {r.organization_id: r.version for r in rows if r.organization_id is not None}
        return {o: (versions.get(o) or 0, active) for o in organization_ids}

    async def organization_ids(self) -> list[str]:
        return list(await self.session.scalars(select(OrganizationRow.id).order_by(OrganizationRow.id)))

    async def organization_name(self, organization_id: str) -> str | None:
        return await self.session.scalar(select(OrganizationRow.name).where(OrganizationRow.id == organization_id))

    async def organization_names(self, organization_ids: Iterable[str]) -> dict[str, str]:
        """organization id → name, for the organisations that exist."""
        return await self._names(OrganizationRow.id, OrganizationRow.name, organization_ids)

    async def user_names(self, user_ids: Iterable[str]) -> dict[str, str]:
        """user id → display name, for the users that exist."""
        return await self._names(UserRow.id, UserRow.display_name, user_ids)

    async def _names(self, key: InstrumentedAttribute[str], name: InstrumentedAttribute[str], ids: Iterable[str]) -> dict[str, str]:
        rows = await _rows_among(await self.session.connection(), select(key, name), key, sorted(set(ids)))
        return {row_id: row_name for row_id, row_name in rows}

    async def bump_versions(self, organization_ids: Iterable[str]) -> None:
        """The organisations' data changed in this unit of work: cached evaluations of them are stale."""
        await bump_versions(self.session, organization_ids)

    async def organization_for_tenant(self, tenant_id: str) -> str | None:
        return await self.session.scalar(select(OrganizationRow.id).where(OrganizationRow.tenant_id == tenant_id).limit(1))

    async def user_by_aad_object_id(self, organization_id: str, aad_object_id: str) -> UserRecord | None:
        row = await self.session.scalar(
            select(UserRow).where(UserRow.organization_id == organization_id, UserRow.aad_object_id == aad_object_id)
        )
        return user_record(row) if row else None

    async def user(self, user_id: str) -> UserRecord | None:
        row = await self.session.get(UserRow, user_id)
        return user_record(row) if row else None

    async def snapshot(self, organization_id: str) -> OrganizationSnapshot | None:
        """Everything the evaluation needs about one organisation, in eight queries whatever its size
        (on SQLite one more per KEYS_PER_STATEMENT users or MSAs)."""
        return (await self.snapshots([organization_id])).get(organization_id)

    async def snapshots(self, organization_ids: Sequence[str]) -> dict[str, OrganizationSnapshot]:
        """`snapshot` of several organisations (the alert scan's batch) in the same queries, each row
        sent to its organisation; an unknown id is missing from the answer.

        Hundreds of rows an organisation: the queries are column selects run on the session's
        connection (Core, no ORM loading), and each row becomes its domain object from its columns in
        the constructor's order."""
        ids = sorted(set(organization_ids))
        connection = await self.session.connection()
        among = _among_for(connection)
        orgs = (await connection.execute(
            select(
                OrganizationRow.id, OrganizationRow.name, OrganizationRow.tenant_id, OrganizationRow.market,
                OrganizationRow.membership_level, OrganizationRow.membership_expires_on, OrganizationRow.membership_purchased_on,
            ).where(among(OrganizationRow.id, ids))
        )).all()
        if not orgs:
            return {}

        async def by_organization(query: Select, make: Callable[..., T]) -> dict[str, list[T]]:
            """`make(*other columns)` of each row of `query`, whose first column is the organisation
            id, grouped by it (in row order)."""
            grouped: dict[str, list[T]] = {}
            for organization_id, *columns in (await connection.execute(query)).all():
                grouped.setdefault(organization_id, []).append(make(*columns))
            return grouped

        held = await by_organization(
            select(HeldLevelRow.organization_id, HeldLevelRow.competency, HeldLevelRow.level, HeldLevelRow.since).where(among(HeldLevelRow.organization_id, ids)),
            HeldLevel,
        )
        specs = await by_organization(
            select(OrganizationSpecializationRow.organization_id, OrganizationSpecializationRow.specialization, OrganizationSpecializationRow.audit_passed_on)
            .where(among(OrganizationSpecializationRow.organization_id, ids)),
            SpecializationStatus,
        )
        users = await by_organization(
            select(UserRow.organization_id, UserRow.id, UserRow.display_name, UserRow.roles, UserRow.left_on, UserRow.aad_object_id, UserRow.locale)
            .where(among(UserRow.organization_id, ids)),
            _person,
        )
        # Links and achievements by the keys they are indexed on (the users' ids, then the MSAs
        # linked), not joined to the users of the batch: PostgreSQL planned that join as a hash
        # join over every link in the database, twice a batch (10,000 organisations: 200,000 links,
        # ~60 ms each time against ~2 ms by the key). A dissolved link still brings its MSA's
        # achievements; an MSA linked twice in one organisation brings them once.
        organization_of = {person.id: organization_id for organization_id, people in users.items() for person in people}
        links: dict[str, list[MsaLink]] = {}
        msas: dict[str, set[str]] = {}
        if organization_of:
            for user_id, msa, linked_at, purpose, dissolved_at in await _rows_among(
                connection,
                select(MsaLinkRow.user_id, MsaLinkRow.msa, MsaLinkRow.linked_at, MsaLinkRow.purpose, MsaLinkRow.dissolved_at),
                MsaLinkRow.user_id, sorted(organization_of),
            ):
                organization_id = organization_of[user_id]
                links.setdefault(organization_id, []).append(MsaLink(user_id, msa, linked_at, cast(Purpose, purpose), dissolved_at))
                msas.setdefault(organization_id, set()).add(msa)
        earned: dict[str, list[Achievement]] = {}
        if msas:
            for msa, code, earned_at, expires_at, kind in await _rows_among(
                connection,
                select(AchievementRow.msa, AchievementRow.code, AchievementRow.earned_at, AchievementRow.expires_at, AchievementRow.kind),
                AchievementRow.msa, sorted(set().union(*msas.values())),
            ):
                earned.setdefault(msa, []).append(Achievement(msa, code, earned_at, expires_at, kind))
        achievements = {organization_id: [a for msa in sorted(linked) for a in earned.get(msa, ())] for organization_id, linked in msas.items()}
        metrics = await by_organization(
            select(MetricValueRow.organization_id, MetricValueRow.metric, MetricValueRow.month, MetricValueRow.value).where(among(MetricValueRow.organization_id, ids)),
            MetricValue,
        )
        overrides = await by_organization(
            select(OverrideRow.organization_id, OverrideRow.competency, OverrideRow.option, OverrideRow.level, OverrideRow.starts_on, OverrideRow.ends_on, OverrideRow.reason)
            .where(among(OverrideRow.organization_id, ids)),
            Override,
        )
        found = {}
        for organization_id, name, tenant_id, market, membership_level, expires_on, purchased_on in orgs:
            membership = None
            if membership_level and expires_on:
                # the importer stores only the schema's levels and markets (dataset validation)
                membership = Membership(cast(MembershipLevel, membership_level), expires_on, purchased_on)
            found[organization_id] = OrganizationSnapshot(
                id=organization_id,
                name=name,
                tenant_id=tenant_id,
                market=cast(Market, market),
                membership=membership,
                held=tuple(held.get(organization_id, ())),
                people=tuple(users.get(organization_id, ())),
                links=tuple(links.get(organization_id, ())),
                achievements=tuple(achievements.get(organization_id, ())),
                metrics=tuple(metrics.get(organization_id, ())),
                overrides=tuple(overrides.get(organization_id, ())),
                specializations=tuple(specs.get(organization_id, ())),
            )
        return found


def _person(person_id: str, display_name: str, roles: str, left_on: date | None, aad_object_id: str | None, locale: str | None) -> Person:
    return Person(person_id, display_name, frozenset(roles.split(",")), left_on, aad_object_id, locale)


async def _rows_among(connection: AsyncConnection, query: Select, column: InstrumentedAttribute[str], values: list[str]) -> list[Any]:
    """The rows of `query` whose `column` is one of `values`: one statement on PostgreSQL (one array
    parameter), on SQLite one per KEYS_PER_STATEMENT values (a build binds at most
    SQLITE_MAX_VARIABLE_NUMBER parameters a statement: 999 before 3.32, 32,766 since)."""
    among = _among_for(connection)
    step = max(len(values), 1) if among is _among_on_postgresql else KEYS_PER_STATEMENT
    rows: list[Any] = []
    for start in range(0, len(values), step):
        rows.extend((await connection.execute(query.where(among(column, values[start:start + step])))).all())
    return rows


def _among_for(connection: AsyncConnection) -> Callable[[InstrumentedAttribute[str], list[str]], ColumnElement[bool]]:
    """How this database reads "the column is one of these values"."""
    return _among_on_postgresql if connection.dialect.name == "postgresql" else _among


def _among(column: InstrumentedAttribute[str], values: list[str]) -> ColumnElement[bool]:
    return column.in_(values)


def _among_on_postgresql(column: InstrumentedAttribute[str], values: list[str]) -> ColumnElement[bool]:
    """`column IN (values)` as `column = ANY(:values)`: one array parameter, so a batch of any size
    (a thousand users' ids) is one statement text, prepared once, not one parameter per value."""
    return column == any_(bindparam(None, values, type_=ARRAY(String)))
