"""Use case: evaluate one organisation now or at another moment."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime

from services.collector import collector_paused
from services.domain.catalog import Catalog, Level
from services.domain.organization import OrganizationEvaluation, evaluate_organization
from services.domain.snapshot import OrganizationSnapshot
from services.domain.validity import next_change
from services.errors import UnknownOrganization
from services.evaluation_cache import CachedEvaluation
from services.persistence.unit_of_work import UnitOfWorkFactory
from services.persistence.versions import take_remembered_stamp


async def organization_progress(
    uows: UnitOfWorkFactory, organization_id: str, now: datetime, upgrade_level: Level | None = None
) -> OrganizationEvaluation:
    """The evaluation at `now`. A cached one is returned while nothing it depends on has changed:
    checking that costs one small query instead of loading and judging the whole organisation. When
    the cache has run out, turns arriving together share one evaluation."""
    entry = await progress_entry(uows, organization_id, now, upgrade_level)
    return entry.evaluation if entry.computed_at == now else dataclasses.replace(entry.evaluation, as_of=now)


async def progress_entry(
    uows: UnitOfWorkFactory, organization_id: str, now: datetime, upgrade_level: Level | None = None
) -> CachedEvaluation:
    """`organization_progress` with what it was judged on: the data version, the catalog, and until
    when it holds (the alert scan records them to skip the organisation next time)."""
    key = (organization_id, upgrade_level)
    known = take_remembered_stamp(organization_id)  # read with the member at the start of this turn
    if known is not None:
        version, catalog_id = known
    else:
        # Its own short unit of work, not the loading one: a turn that finds the cache stale may wait
        # below for another turn's evaluation, and must not hold a connection meanwhile.
        async with uows() as uow:
            version, catalog_id = await uow.repository.data_stamp(organization_id)
    stamp = (key, version, catalog_id)
    while True:
        cached = uows.evaluations.entry(*stamp, now)
        if cached is not None:
            return cached  # nothing changed since: it holds now too
        flight = uows.evaluations.flight(*stamp, now)
        if flight is None:
            break
        if (entry := await uows.evaluations.join(flight, version, catalog_id, now)) is not None:
            return entry
        # It failed, or it does not serve this moment: look again, and judge it here if nobody is.
    flight = uows.evaluations.take_off(*stamp, now)  # no await since the look: nobody else took off meanwhile
    entry = None
    try:
        entry = (await _load_and_evaluate(uows, {organization_id: (version, catalog_id)}, now, upgrade_level))[organization_id]
        uows.evaluations.put(key, entry)
        return entry
    finally:
        uows.evaluations.land(*stamp, flight, entry)


async def progress_entries(uows: UnitOfWorkFactory, organization_ids: Sequence[str], now: datetime) -> dict[str, CachedEvaluation]:
    """`progress_entry` of many organisations at once (the alert scan's batch): their stamps in one
    query, and those without a cached evaluation loaded together (eight queries for the batch, not
    eight each) and judged in one worker thread. An organisation a turn is judging right now shares
    that turn's evaluation. The batch's evaluations renew cached ones but take no room of their own
    (`EvaluationCache.refresh`). Raises `UnknownOrganization` for an unknown id."""
    async with uows() as uow:
        stamps = await uow.repository.data_stamps(organization_ids)
    entries: dict[str, CachedEvaluation] = {}
    missing: list[str] = []
    flights: dict[str, asyncio.Future[CachedEvaluation | None]] = {}
    for organization_id in organization_ids:
        key = (organization_id, None)
        cached = uows.evaluations.entry(key, *stamps[organization_id], now)
        if cached is not None:
            entries[organization_id] = cached
        elif (flight := uows.evaluations.flight(key, *stamps[organization_id], now)) is not None:
            flights[organization_id] = flight
        else:
            missing.append(organization_id)

    async def judge(ids: list[str]) -> None:
        if ids:
            entries.update(await _load_and_evaluate(uows, {o: stamps[o] for o in ids}, now, None))
            for organization_id in ids:
                uows.evaluations.refresh((organization_id, None), entries[organization_id])

    await judge(missing)
    late = []
    for organization_id, flight in flights.items():
        if (entry := await uows.evaluations.join(flight, *stamps[organization_id], now)) is not None:
            entries[organization_id] = entry
        else:  # the turn failed, or its evaluation had run out by now: judged here after all
            late.append(organization_id)
    await judge(late)
    return entries


async def _load_and_evaluate(
    uows: UnitOfWorkFactory, stamps: Mapping[str, tuple[int, int]], now: datetime, upgrade_level: Level | None
) -> dict[str, CachedEvaluation]:
    """Load the organisations (id → their (version, catalog id)) together and judge them at `now`."""
    async with uows() as uow:
        catalogs = {c: await uow.repository.catalog(c) for _, c in stamps.values()}
        with collector_paused():
            snapshots = await uow.repository.snapshots(list(stamps))
    for organization_id in stamps:
        if organization_id not in snapshots:
            raise UnknownOrganization(organization_id)

    def evaluate_all() -> dict[str, CachedEvaluation]:
        entries = {}
        for organization_id, (version, catalog_id) in stamps.items():
            evaluation, valid_until = _evaluate(snapshots[organization_id], catalogs[catalog_id], now, upgrade_level)
            entries[organization_id] = CachedEvaluation(version, catalog_id, now, valid_until, evaluation)
        return entries

    # Evaluation is CPU work: a worker thread keeps the event loop answering other turns meanwhile.
    return await asyncio.to_thread(evaluate_all)


def _evaluate(snapshot: OrganizationSnapshot, catalog: Catalog, now: datetime, level: Level | None) -> tuple[OrganizationEvaluation, datetime]:
    with collector_paused():
        return evaluate_organization(snapshot, catalog, now, level), next_change(snapshot, catalog, now)
