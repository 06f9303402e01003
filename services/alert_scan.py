"""Use case: scan organisations for alert causes (R10) and queue one delivery per (alert, admin).

Runs after every import and MSA link (for the organisations the change touched), periodically in
`serve`, and from `competency-bot alerts scan`."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from services.domain.alert_causes import AlertCause, find_alert_causes
from services.progress import organization_progress
from services.persistence.tables import AlertCauseRow, AlertDeliveryRow, ConversationReferenceRow, UserPreferenceRow, UserRow
from services.persistence.unit_of_work import UnitOfWorkFactory

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScanReport:
    organizations: int
    new_causes: int
    cleared_causes: int
    queued_deliveries: int


async def scan_alerts(uows: UnitOfWorkFactory, now: datetime, organization_ids: Iterable[str] | None = None) -> ScanReport:
    if organization_ids is None:
        async with uows() as uow:
            organization_ids = await uow.repository.organization_ids()
    organizations = new = cleared = queued = 0
    for organization_id in sorted(set(organization_ids)):
        evaluation = await organization_progress(uows, organization_id, now)
        found = find_alert_causes(evaluation)
        added, gone = await _record(uows, organization_id, found, now)
        queued += await queue_deliveries(uows, organization_id, now)
        organizations, new, cleared = organizations + 1, new + added, cleared + gone
    if new or cleared or queued:
        logger.info("alert scan", extra={"organizations": organizations, "new": new, "cleared": cleared, "queued": queued})
    return ScanReport(organizations, new, cleared, queued)


async def _record(uows: UnitOfWorkFactory, organization_id: str, found: tuple[AlertCause, ...], now: datetime) -> tuple[int, int]:
    """Insert causes not active yet, clear active ones no longer found. Two scanners racing insert the
    same (organisation, key, occurrence) once: the unique index turns the loser into a no-op."""
    async with uows() as uow:
        session = uow.session
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
        try:
            await uow.commit()
        except IntegrityError:
            await session.rollback()
            logger.info("another scanner recorded these causes first", extra={"organization": organization_id})
            return 0, 0
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
        session = uow.session
        causes = list(await session.scalars(
            select(AlertCauseRow.id).where(AlertCauseRow.organization_id == organization_id, AlertCauseRow.cleared_at.is_(None))
        ))
        if not causes:
            return 0
        recipients = await _recipients(session, organization_id, now)
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
        try:
            await uow.commit()
        except IntegrityError:  # a concurrent scan queued them: exactly one row per (alert, recipient)
            await session.rollback()
            return 0
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
