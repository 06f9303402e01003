"""`competency-bot import`: a validated dataset upserted in one transaction (SPEC 4.3, 4.5, R4)."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from services.associations import dissolve_superseded_links
from services.dataset_validation import parse_timestamp, validate_dataset
from services.domain.catalog import Catalog, parse_catalog
from services.domain.snapshot import normalize_msa
from services.errors import DatasetError
from services.persistence.imports import ImportRepository, Progress
from services.persistence.unit_of_work import UnitOfWork

# A `UnitOfWorkFactory`, or anything else that opens a unit of work (`write_dataset` lends its own).
UnitsOfWork = Callable[[], AbstractAsyncContextManager[UnitOfWork]]

logger = logging.getLogger(__name__)
__all__ = ["ImportReport", "Progress", "import_dataset", "write_dataset"]


@dataclass(frozen=True)
class ImportReport:
    counts: Mapping[str, int]
    catalog_version: str | None
    catalog_changed: bool
    dissolved_links: int
    organizations: tuple[str, ...] = field(default=())  # every organisation the import touched


async def import_dataset(
    uows: UnitsOfWork, document: Mapping[str, Any], now: datetime, progress: Progress | None = None, commit: bool = True
) -> ImportReport:
    """Validate `document`, then upsert it atomically. Raises `DatasetError` and writes nothing if
    any part is bad."""
    validate_dataset(document, now)  # with `now`: nothing dated after the import's moment
    report = progress or (lambda _section, _done, _total: None)
    async with uows() as uow:
        catalog = parse_catalog(document["catalog"]) if "catalog" in document else await uow.repository.active_catalog()
        await _check_references(uow.imports, document, catalog)
        catalog_changed = await _store_catalog(uow.imports, document.get("catalog"), now)
        touched: set[str] = set()
        counts: dict[str, int] = {}
        written = 0
        for section, writer in _WRITERS:
            rows = document.get(section, ())
            if rows:
                organizations, changed = await writer(uow.imports, rows, report)
                touched |= organizations
                written += changed
            counts[section] = len(rows)
        dissolved, moved_from = await dissolve_superseded_links(uow.links, {normalize_msa(r["msa"]) for r in document.get("msa_links", ())})
        touched |= moved_from
        if written or dissolved or catalog_changed:  # a file already imported changes nothing, not even versions
            await uow.repository.bump_versions(touched)
        if commit:
            await uow.imports.refresh_planner_statistics(written)
            await uow.commit()
    logger.info("dataset imported", extra={"counts": counts, "dissolved_links": dissolved})
    version = document["catalog"]["version"] if "catalog" in document else None
    return ImportReport(counts, version, catalog_changed, dissolved, tuple(sorted(touched)))


# --- references to records in the file or already stored -------------------------------------


async def _check_references(imports: ImportRepository, document: Mapping[str, Any], catalog: Catalog) -> None:
    organizations = {o["id"] for o in document.get("organizations", ())}
    referenced = {r["organization"] for s in ("users", "metrics", "overrides") for r in document.get(s, ())}
    organizations |= await imports.existing_organizations(referenced - organizations)
    users = {u["id"] for u in document.get("users", ())}
    wanted_users = {link["user"] for link in document.get("msa_links", ())} - users
    users |= await imports.existing_users(wanted_users)

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


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


async def _write_organizations(imports: ImportRepository, rows: Sequence[Mapping[str, Any]], report: Progress) -> tuple[set[str], int]:
    written = await imports.write_organizations([
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
    ], report)
    ids = [o["id"] for o in rows]
    # `held` and `specializations` belong to the organisation record: the file's lists replace the stored ones.
    held = [{"organization_id": o["id"], "competency": h["competency"], "level": h["level"], "since": _date(h.get("since"))} for o in rows for h in o.get("held", ())]
    specs = [{"organization_id": o["id"], "specialization": s["specialization"], "audit_passed_on": _date(s.get("audit_passed_on"))} for o in rows for s in o.get("specializations", ())]
    written += await imports.replace_held_levels(ids, held)
    written += await imports.replace_specializations(ids, specs)
    return set(ids), written


async def _write_users(imports: ImportRepository, rows: Sequence[Mapping[str, Any]], report: Progress) -> tuple[set[str], int]:
    written = await imports.write_users([
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
    ], report)
    return {u["organization"] for u in rows}, written


async def _write_links(imports: ImportRepository, rows: Sequence[Mapping[str, Any]], report: Progress) -> tuple[set[str], int]:
    written = await imports.write_links([
        {"user_id": r["user"], "msa": normalize_msa(r["msa"]), "purpose": r.get("purpose", "both"), "linked_at": parse_timestamp(r["linked_at"], ""), "dissolved_at": None}
        for r in rows
    ], report)
    return await imports.organizations_of_users({r["user"] for r in rows}), written


async def _write_achievements(imports: ImportRepository, rows: Sequence[Mapping[str, Any]], report: Progress) -> tuple[set[str], int]:
    written = await imports.write_achievements([
        {
            "msa": normalize_msa(r["msa"]),
            "code": r["code"],
            "earned_at": parse_timestamp(r["earned_at"], ""),
            "expires_at": parse_timestamp(r["expires_at"], "") if "expires_at" in r else None,
            "kind": r.get("kind"),
        }
        for r in rows
    ], report)
    return await imports.organizations_of_msas({normalize_msa(r["msa"]) for r in rows}), written


async def _write_metrics(imports: ImportRepository, rows: Sequence[Mapping[str, Any]], report: Progress) -> tuple[set[str], int]:
    written = await imports.write_metrics([
        {"organization_id": r["organization"], "metric": r["metric"], "month": r["month"], "value": float(r["value"])} for r in rows
    ], report)
    return {r["organization"] for r in rows}, written


async def _write_overrides(imports: ImportRepository, rows: Sequence[Mapping[str, Any]], report: Progress) -> tuple[set[str], int]:
    written = await imports.write_overrides([
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
    ], report)
    return {r["organization"] for r in rows}, written


_WRITERS = (
    ("organizations", _write_organizations),
    ("users", _write_users),
    ("msa_links", _write_links),
    ("achievements", _write_achievements),
    ("metrics", _write_metrics),
    ("overrides", _write_overrides),
)


async def _store_catalog(imports: ImportRepository, raw: Mapping[str, Any] | None, now: datetime) -> bool:
    """The dataset's catalog becomes the active one; importing the same catalog again changes nothing."""
    if raw is None:
        return False
    document = json.dumps(raw, sort_keys=True, separators=(",", ":"))
    if await imports.latest_catalog_document() == document:
        return False
    await imports.add_catalog(raw["version"], document, now)
    return True


# --- shared with the Partner Center import (services/partner_center/), which writes a JSON dataset
# and its CSV files in one transaction and streams CSV rows into these same upserts.


async def write_dataset(uow: UnitOfWork, document: Mapping[str, Any], now: datetime, progress: Progress | None = None) -> ImportReport:
    """`import_dataset` inside a unit of work that the caller commits (or, for a dry run, does not)."""

    @asynccontextmanager
    async def borrowed() -> AsyncIterator[UnitOfWork]:
        yield uow

    return await import_dataset(borrowed, document, now, progress, commit=False)

