"""`competency-bot import`: a validated dataset upserted in one transaction (SPEC 4.3, 4.5, R4)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Iterable, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, or_, select, tuple_
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.associations import dissolve_superseded_links
from services.dataset_validation import parse_timestamp, validate_dataset
from services.domain.catalog import Catalog, parse_catalog
from services.domain.snapshot import normalize_msa
from services.errors import DatasetError
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
from services.persistence.unit_of_work import UnitOfWork, UnitOfWorkFactory
from services.persistence.versions import bump_versions

logger = logging.getLogger(__name__)
Progress = Callable[[str, int, int], None]
CHUNK = 5000


@dataclass(frozen=True)
class ImportReport:
    counts: Mapping[str, int]
    catalog_version: str | None
    catalog_changed: bool
    dissolved_links: int
    organizations: tuple[str, ...] = field(default=())  # every organisation the import touched


async def import_dataset(
    uows: UnitOfWorkFactory, document: Mapping[str, Any], now: datetime, progress: Progress | None = None, commit: bool = True
) -> ImportReport:
    """Validate `document`, then upsert it atomically. Raises `DatasetError` and writes nothing if
    any part is bad."""
    validate_dataset(document, now)  # with `now`: nothing dated after the import's moment
    report = progress or (lambda _section, _done, _total: None)
    async with uows() as uow:
        session = uow.session
        catalog = parse_catalog(document["catalog"]) if "catalog" in document else await uow.repository.active_catalog()
        await _check_references(session, document, catalog)
        catalog_changed = await _store_catalog(session, document.get("catalog"), now)
        touched: set[str] = set()
        counts: dict[str, int] = {}
        written = 0
        for section, writer in _WRITERS:
            rows = document.get(section, ())
            if rows:
                organizations, changed = await writer(session, rows, report)
                touched |= organizations
                written += changed
            counts[section] = len(rows)
        dissolved, moved_from = await dissolve_superseded_links(uow.links, {normalize_msa(r["msa"]) for r in document.get("msa_links", ())})
        touched |= moved_from
        if written or dissolved or catalog_changed:  # a file already imported changes nothing, not even versions
            await bump_versions(session, touched)
        if commit:
            await uow.commit()
    logger.info("dataset imported", extra={"counts": counts, "dissolved_links": dissolved})
    version = document["catalog"]["version"] if "catalog" in document else None
    return ImportReport(counts, version, catalog_changed, dissolved, tuple(sorted(touched)))


# --- references to records in the file or already stored -------------------------------------


async def _existing(session: AsyncSession, column, wanted: set[str]) -> set[str]:
    found: set[str] = set()
    values = sorted(wanted)
    for start in range(0, len(values), CHUNK):
        found |= set(await session.scalars(select(column).where(column.in_(values[start : start + CHUNK]))))
    return found


async def _check_references(session: AsyncSession, document: Mapping[str, Any], catalog: Catalog) -> None:
    organizations = {o["id"] for o in document.get("organizations", ())}
    referenced = {r["organization"] for s in ("users", "metrics", "overrides") for r in document.get(s, ())}
    organizations |= await _existing(session, OrganizationRow.id, referenced - organizations)
    users = {u["id"] for u in document.get("users", ())}
    wanted_users = {link["user"] for link in document.get("msa_links", ())} - users
    users |= await _existing(session, UserRow.id, wanted_users)

    _each_known(document, "users", "organization", organizations, "organization")
    _each_known(document, "metrics", "organization", organizations, "organization")
    _each_known(document, "overrides", "organization", organizations, "organization")
    _each_known(document, "msa_links", "user", users, "user")

    for i, org in enumerate(document.get("organizations", ())):
        for j, held in enumerate(org.get("held", ())):
            _level_exists(catalog, held["competency"], None, held["level"], f"organizations[{i}].held[{j}]")
        specializations = {s.id for s in catalog.specializations}
        for j, spec in enumerate(org.get("specializations", ())):
            if spec["specialization"] not in specializations:
                raise DatasetError(f"organizations[{i}].specializations[{j}].specialization", f"unknown specialization '{spec['specialization']}'")
    for i, override in enumerate(document.get("overrides", ())):
        _level_exists(catalog, override["competency"], override["option"], override["level"], f"overrides[{i}]")


def _each_known(document: Mapping[str, Any], section: str, key: str, known: set[str], what: str) -> None:
    for i, row in enumerate(document.get(section, ())):
        if row[key] not in known:
            raise DatasetError(f"{section}[{i}].{key}", f"unknown {what} '{row[key]}'")


def _level_exists(catalog: Catalog, competency_id: str, option_id: str | None, level: str, path: str) -> None:
    competency = catalog.competency(competency_id)
    if competency is None:
        raise DatasetError(f"{path}.competency", f"unknown competency '{competency_id}' in catalog {catalog.version}")
    options = competency.options if option_id is None else [o for o in competency.options if o.id == option_id]
    if not options:
        raise DatasetError(f"{path}.option", f"unknown option '{option_id}' of competency '{competency_id}'")
    if not any(level in o.levels for o in options):
        raise DatasetError(f"{path}.level", f"competency '{competency_id}' has no {level} level{'' if option_id is None else f' in option {option_id!r}'}")


# --- writers ----------------------------------------------------------------------------------


async def _upsert(session: AsyncSession, model: type[Base], rows: Sequence[dict[str, Any]], keep: Iterable[str] = (), section: str = "", report: Progress | None = None) -> int:
    """Insert or update by primary key, in chunks; columns in `keep` are never overwritten. Rows whose
    values are already stored are left alone. Returns how many rows were inserted or changed."""
    table = model.__table__
    keys = [c.name for c in table.primary_key.columns]
    insert = postgresql_insert if session.bind.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table)
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


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


async def _write_organizations(session: AsyncSession, rows: Sequence[Mapping[str, Any]], report: Progress) -> tuple[set[str], int]:
    written = await _upsert(session, OrganizationRow, [
        {
            "id": o["id"],
            "name": o["name"],
            "tenant_id": o["tenant_id"],
            "market": o.get("market", "developed"),
            "membership_level": o["membership"]["level"] if "membership" in o else None,
            "membership_purchased_on": _date(o.get("membership", {}).get("purchased_on")),
            "membership_expires_on": _date(o.get("membership", {}).get("expires_on")),
        }
        for o in rows
    ], section="organizations", report=report)
    ids = [o["id"] for o in rows]
    # `held` and `specializations` belong to the organisation record: the file's lists replace the stored ones.
    held = [{"organization_id": o["id"], "competency": h["competency"], "level": h["level"], "since": _date(h.get("since"))} for o in rows for h in o.get("held", ())]
    specs = [{"organization_id": o["id"], "specialization": s["specialization"], "audit_passed_on": _date(s.get("audit_passed_on"))} for o in rows for s in o.get("specializations", ())]
    written += await _replace_children(session, HeldLevelRow, ids, held)
    written += await _replace_children(session, OrganizationSpecializationRow, ids, specs)
    return set(ids), written


async def _replace_children(session: AsyncSession, model: type[Base], organization_ids: list[str], rows: list[dict[str, Any]]) -> int:
    """Make the organisations' child rows exactly `rows`, touching only what differs."""
    table = model.__table__
    keys = [table.c[c.name] for c in table.primary_key.columns]
    wanted = {tuple(r[c.name] for c in keys) for r in rows}
    stored = set((await session.execute(select(*keys).where(table.c.organization_id.in_(organization_ids)))).all())
    gone = stored - wanted
    if gone:
        await session.execute(delete(table).where(tuple_(*keys).in_(sorted(gone))))
    return len(gone) + (await _upsert(session, model, rows) if rows else 0)


async def _write_users(session: AsyncSession, rows: Sequence[Mapping[str, Any]], report: Progress) -> tuple[set[str], int]:
    written = await _upsert(session, UserRow, [
        {
            "id": u["id"],
            "organization_id": u["organization"],
            "aad_object_id": u.get("aad_object_id"),
            "upn": u.get("upn"),
            "display_name": u["display_name"],
            "roles": ",".join(sorted(u.get("roles", ["employee"]))),
            "locale": u.get("locale"),
            "left_on": _date(u.get("left_on")),
        }
        for u in rows
    ], section="users", report=report)
    return {u["organization"] for u in rows}, written


async def _write_links(session: AsyncSession, rows: Sequence[Mapping[str, Any]], report: Progress) -> tuple[set[str], int]:
    written = await _upsert(session, MsaLinkRow, [
        {"user_id": r["user"], "msa": normalize_msa(r["msa"]), "purpose": r.get("purpose", "both"), "linked_at": parse_timestamp(r["linked_at"], ""), "dissolved_at": None}
        for r in rows
    ], keep=("dissolved_at",), section="msa_links", report=report)
    user_ids = sorted({r["user"] for r in rows})
    return await _organizations_of(session, user_ids), written


async def _organizations_of(session: AsyncSession, user_ids: Sequence[str]) -> set[str]:
    found: set[str] = set()
    for start in range(0, len(user_ids), CHUNK):
        found |= set(await session.scalars(select(UserRow.organization_id).where(UserRow.id.in_(user_ids[start : start + CHUNK])).distinct()))
    return found


async def _write_achievements(session: AsyncSession, rows: Sequence[Mapping[str, Any]], report: Progress) -> tuple[set[str], int]:
    written = await _upsert(session, AchievementRow, [
        {
            "msa": normalize_msa(r["msa"]),
            "code": r["code"],
            "earned_at": parse_timestamp(r["earned_at"], ""),
            "expires_at": parse_timestamp(r["expires_at"], "") if "expires_at" in r else None,
            "kind": r.get("kind"),
        }
        for r in rows
    ], section="achievements", report=report)
    msas = sorted({normalize_msa(r["msa"]) for r in rows})
    found: set[str] = set()
    for start in range(0, len(msas), CHUNK):
        found |= set(await session.scalars(
            select(UserRow.organization_id).join(MsaLinkRow, MsaLinkRow.user_id == UserRow.id).where(MsaLinkRow.msa.in_(msas[start : start + CHUNK])).distinct()
        ))
    return found, written


async def _write_metrics(session: AsyncSession, rows: Sequence[Mapping[str, Any]], report: Progress) -> tuple[set[str], int]:
    written = await _upsert(session, MetricValueRow, [
        {"organization_id": r["organization"], "metric": r["metric"], "month": r["month"], "value": float(r["value"])} for r in rows
    ], section="metrics", report=report)
    return {r["organization"] for r in rows}, written


async def _write_overrides(session: AsyncSession, rows: Sequence[Mapping[str, Any]], report: Progress) -> tuple[set[str], int]:
    written = await _upsert(session, OverrideRow, [
        {
            "organization_id": r["organization"],
            "competency": r["competency"],
            "option": r["option"],
            "level": r["level"],
            "starts_on": date.fromisoformat(r["starts_on"]),
            "ends_on": date.fromisoformat(r["ends_on"]),
            "reason": r.get("reason"),
        }
        for r in rows
    ], section="overrides", report=report)
    return {r["organization"] for r in rows}, written


_WRITERS = (
    ("organizations", _write_organizations),
    ("users", _write_users),
    ("msa_links", _write_links),
    ("achievements", _write_achievements),
    ("metrics", _write_metrics),
    ("overrides", _write_overrides),
)


async def _store_catalog(session: AsyncSession, raw: Mapping[str, Any] | None, now: datetime) -> bool:
    """The dataset's catalog becomes the active one; importing the same catalog again changes nothing."""
    if raw is None:
        return False
    document = json.dumps(raw, sort_keys=True, separators=(",", ":"))
    latest = await session.scalar(select(CatalogRow.document).order_by(CatalogRow.id.desc()).limit(1))
    if latest == document:
        return False
    session.add(CatalogRow(version=raw["version"], document=document, imported_at=now))
    await session.flush()
    return True


# --- shared with the Partner Center import (services/partner_center/), which writes a JSON dataset
# and its CSV files in one transaction and streams CSV rows into these same upserts.


async def write_dataset(uow: UnitOfWork, document: Mapping[str, Any], now: datetime, progress: Progress | None = None) -> ImportReport:
    """`import_dataset` inside a unit of work that the caller commits (or, for a dry run, does not)."""

    @asynccontextmanager
    async def borrowed() -> AsyncIterator[UnitOfWork]:
        yield uow

    return await import_dataset(borrowed, document, now, progress, commit=False)  # type: ignore[arg-type]


upsert = _upsert
replace_children = _replace_children
