"""Use case: scan organisations for alert causes (R10) and queue one delivery per (alert, admin).

Runs after every import and MSA link (for the organisations the change touched), periodically in
`serve`, and from `competency-bot alerts scan`."""

from __future__ import annotations

import dataclasses
import json
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.domain.alert_causes import AlertCause, find_alert_causes
from services.domain.scan_validity import findings_valid_until
from services.domain.organization import OrganizationEvaluation
from services.evaluation_cache import CachedEvaluation
from services.progress import progress_entry
from services.persistence.tables import (
    AlertCauseRow,
    AlertDeliveryRow,
    CatalogRow,
    ConversationReferenceRow,
    OrganizationRow,
    OrganizationScanRow,
    OrganizationVersionRow,
    UserPreferenceRow,
    UserRow,
)
from services.persistence.unit_of_work import UnitOfWorkFactory

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScanReport:
    organizations: int  # judged in this scan
    new_causes: int
    cleared_causes: int
    queued_deliveries: int
    skipped: int = 0  # unchanged since their last scan (periodic scans only), or judged by another scanner


CLAIM_BATCH = 50
CLAIM_LEASE = timedelta(minutes=10)


async def scan_alerts(
    uows: UnitOfWorkFactory, now: datetime, organization_ids: Iterable[str] | None = None, worker: str | None = None
) -> ScanReport:
    """Judge organisations and record what changed. Given ids (after an import or an MSA link), those
    are judged. Without ids, the periodic scan: it claims organisations whose data version, catalog or
    findings' validity changed since their last scan, a batch at a time under a lease (PostgreSQL:
    `FOR UPDATE SKIP LOCKED`), so N instances running it together judge each organisation once."""
    worker = worker or f"scan-{uuid.uuid4().hex[:12]}"
    totals = [0, 0, 0, 0]
    skipped = 0
    if organization_ids is not None:
        ids = sorted(set(organization_ids))
        for start in range(0, len(ids), CLAIM_BATCH):
            await _judge(uows, ids[start : start + CLAIM_BATCH], now, totals, None)
    else:
        await _add_missing_scan_rows(uows)
        while batch := await _claim(uows, worker, now, CLAIM_BATCH):
            await _judge(uows, batch, now, totals, worker)
        async with uows() as uow:
            skipped = await uow.session.scalar(select(func.count()).select_from(OrganizationScanRow)) - totals[0]
    organizations, new, cleared, queued = totals
    if new or cleared or queued:
        logger.info("alert scan", extra={"organizations": organizations, "new": new, "cleared": cleared, "queued": queued})
    return ScanReport(organizations, new, cleared, queued, max(0, skipped))


async def _judge(uows: UnitOfWorkFactory, organization_ids: list[str], now: datetime, totals: list[int], worker: str | None) -> None:
    """Evaluate each organisation (reads only), then record the causes, queue the deliveries and note
    the scan for the whole batch in one transaction: one commit per batch, not three per organisation.
    If another scanner recorded some of the same causes meanwhile, the batch is done again one
    organisation at a time, where the unique indexes turn the loser into a no-op."""
    judged = []
    for organization_id in organization_ids:
        entry = await progress_entry(uows, organization_id, now)
        evaluation = entry.evaluation if entry.computed_at == now else dataclasses.replace(entry.evaluation, as_of=now)
        judged.append((organization_id, entry, evaluation, find_alert_causes(evaluation)))
    counts = [0, 0, 0]
    try:
        async with uows() as uow:
            for organization_id, entry, evaluation, found in judged:
                added, gone = await _record_causes(uow.session, organization_id, found, now)
                queued = await _queue(uow.session, organization_id, now)
                await _scanned(uow.session, organization_id, entry, evaluation, now, worker)
                counts = [counts[0] + added, counts[1] + gone, counts[2] + queued]
            await uow.commit()
    except IntegrityError:
        counts = [0, 0, 0]
        for organization_id, entry, evaluation, found in judged:
            added, gone = await _record(uows, organization_id, found, now)
            queued = await queue_deliveries(uows, organization_id, now)
            async with uows() as uow:
                await _scanned(uow.session, organization_id, entry, evaluation, now, worker)
                await uow.commit()
            counts = [counts[0] + added, counts[1] + gone, counts[2] + queued]
    totals[0] += len(judged)
    totals[1] += counts[0]
    totals[2] += counts[1]
    totals[3] += counts[2]


def _insert(session: AsyncSession):
    return postgresql_insert if session.bind.dialect.name == "postgresql" else sqlite_insert


async def _add_missing_scan_rows(uows: UnitOfWorkFactory) -> None:
    """A scan row (never scanned) for every organisation that has none: the rows the claim locks."""
    async with uows() as uow:
        session = uow.session
        missing = select(OrganizationRow.id).where(~select(OrganizationScanRow.organization_id).where(OrganizationScanRow.organization_id == OrganizationRow.id).exists())
        statement = _insert(session)(OrganizationScanRow).from_select(["organization_id"], missing).on_conflict_do_nothing(index_elements=["organization_id"])
        await session.execute(statement)
        await uow.commit()


async def _claim(uows: UnitOfWorkFactory, worker: str, now: datetime, size: int) -> list[str]:
    """Up to `size` organisations due for judging and held by nobody, now held by `worker` for a lease.
    Due: never scanned, or its data version or the active catalog changed, or its findings expired."""
    scan = OrganizationScanRow
    async with uows() as uow:
        session = uow.session
        catalog_id = await session.scalar(select(func.coalesce(func.max(CatalogRow.id), 0)))
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
        if session.bind.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        claimed = await session.scalars(
            update(scan).where(scan.organization_id.in_(due.scalar_subquery())).values(claimed_by=worker, lease_until=now + CLAIM_LEASE).returning(scan.organization_id)
        )
        ids = sorted(claimed)
        await uow.commit()
    return ids


async def _scanned(session: AsyncSession, organization_id: str, entry: CachedEvaluation, evaluation: OrganizationEvaluation, now: datetime, worker: str | None) -> None:
    """Record what was judged and until when its findings hold; release the claim (if `worker` holds it)."""
    values = {"version": entry.version, "catalog_id": entry.catalog_id, "valid_until": findings_valid_until(evaluation, entry.valid_until), "scanned_at": now}
    statement = _insert(session)(OrganizationScanRow).values(organization_id=organization_id, **values)
    released = {**values, "claimed_by": None, "lease_until": None} if worker else values
    await session.execute(statement.on_conflict_do_update(index_elements=["organization_id"], set_=released))


async def _record(uows: UnitOfWorkFactory, organization_id: str, found: tuple[AlertCause, ...], now: datetime) -> tuple[int, int]:
    """Insert causes not active yet, clear active ones no longer found. Two scanners racing insert the
    same (organisation, key, occurrence) once: the unique index turns the loser into a no-op."""
    async with uows() as uow:
        recorded = await _record_causes(uow.session, organization_id, found, now)
        try:
            await uow.commit()
        except IntegrityError:
            await uow.session.rollback()
            logger.info("another scanner recorded these causes first", extra={"organization": organization_id})
            return 0, 0
    return recorded


async def _record_causes(session: AsyncSession, organization_id: str, found: tuple[AlertCause, ...], now: datetime) -> tuple[int, int]:
    """`_record`'s work inside the caller's transaction (flushed, not committed)."""
    active = {
        row.key: row
        for row in await session.scalars(
            select(AlertCauseRow).where(AlertCauseRow.organization_id == organization_id, AlertCauseRow.cleared_at.is_(None))
        )
    }
    wanted = {cause.key: cause for cause in found}
    for key, row in active.items():
        if key not in wanted:
            row.cleared_at = now
    fresh = [cause for key, cause in wanted.items() if key not in active]
    occurrences = await _next_occurrences(session, organization_id, [c.key for c in fresh])
    for cause in fresh:
        session.add(
            AlertCauseRow(
                organization_id=organization_id,
                key=cause.key,
                occurrence=occurrences.get(cause.key, 1),
                kind=cause.kind,
                details=json.dumps(cause.details, sort_keys=True, default=str),
                found_at=now,
            )
        )
    await session.flush()
    return len(fresh), sum(1 for key in active if key not in wanted)


async def _next_occurrences(session: AsyncSession, organization_id: str, keys: list[str]) -> dict[str, int]:
    if not keys:
        return {}
    rows = await session.execute(
        select(AlertCauseRow.key, func.max(AlertCauseRow.occurrence))
        .where(AlertCauseRow.organization_id == organization_id, AlertCauseRow.key.in_(keys))
        .group_by(AlertCauseRow.key)
    )
    return {key: last + 1 for key, last in rows}


async def queue_deliveries(uows: UnitOfWorkFactory, organization_id: str, now: datetime) -> int:
    """One outbox row per active cause and recipient: the organisation's admins who have a live
    personal conversation with the bot and have not muted alerts. An admin who talks to the bot
    later is queued then (the bot calls this when it stores a conversation)."""
    async with uows() as uow:
        queued = await _queue(uow.session, organization_id, now)
        try:
            await uow.commit()
        except IntegrityError:  # a concurrent scan queued them: exactly one row per (alert, recipient)
            await uow.session.rollback()
            return 0
    return queued


async def _queue(session: AsyncSession, organization_id: str, now: datetime) -> int:
    """`queue_deliveries`'s work inside the caller's transaction (flushed, not committed)."""
    recipients = await _recipients(session, organization_id, now)
    if not recipients:  # most organisations, at scale: no admin has talked to the bot yet
        return 0
    causes = list(await session.scalars(
        select(AlertCauseRow.id).where(AlertCauseRow.organization_id == organization_id, AlertCauseRow.cleared_at.is_(None))
    ))
    if not causes:
        return 0
    existing = set((await session.execute(
        select(AlertDeliveryRow.cause_id, AlertDeliveryRow.user_id).where(AlertDeliveryRow.cause_id.in_(causes))
    )).all())
    rows = [
        AlertDeliveryRow(cause_id=cause_id, user_id=user_id, conversation_id=conversation_id, state="pending", attempts=0, next_attempt_at=now, created_at=now)
        for cause_id in causes
        for user_id, conversation_id in recipients.items()
        if (cause_id, user_id) not in existing
    ]
    session.add_all(rows)
    await session.flush()
    return len(rows)


async def _recipients(session: AsyncSession, organization_id: str, now: datetime) -> dict[str, str]:
    """user id → the personal conversation to reach them in (the most recently refreshed one)."""
    rows = await session.execute(
        select(UserRow.id, UserRow.roles, UserRow.left_on, ConversationReferenceRow.conversation_id, ConversationReferenceRow.updated_at, UserPreferenceRow.alerts_muted)
        .join(ConversationReferenceRow, ConversationReferenceRow.user_id == UserRow.id)
        .outerjoin(UserPreferenceRow, UserPreferenceRow.user_id == UserRow.id)
        .where(UserRow.organization_id == organization_id, ConversationReferenceRow.personal.is_(True), ConversationReferenceRow.dead_at.is_(None))
    )
    chosen: dict[str, tuple[datetime, str]] = {}
    for user_id, roles, left_on, conversation_id, updated_at, muted in rows:
        if "admin" not in roles.split(",") or muted or (left_on is not None and left_on <= now.date()):
            continue
        if user_id not in chosen or updated_at > chosen[user_id][0]:
            chosen[user_id] = (updated_at, conversation_id)
    return {user_id: conversation_id for user_id, (_, conversation_id) in chosen.items()}
