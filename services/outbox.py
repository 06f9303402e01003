"""The alert outbox: claim due deliveries under a lease, record what happened to each.

Exactly once per (alert, recipient): the unique row is claimed by one sender at a time (`FOR UPDATE
SKIP LOCKED` on PostgreSQL; SQLite allows a single writer and runs a single sender). A sender that
dies leaves its rows claimed until the lease ends; then they are due again. Only a send that was in
flight at the moment of death can reach the recipient twice."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, or_, select, update

from services.persistence.tables import AlertCauseRow, AlertDeliveryRow, ConversationReferenceRow, OrganizationRow
from services.persistence.unit_of_work import UnitOfWorkFactory


@dataclass(frozen=True)
class DueDelivery:
    id: int
    user_id: str
    conversation_id: str
    tenant_id: str
    organization_id: str
    organization_name: str
    reference: dict[str, Any]
    locale: str | None
    time_zone: str | None  # the recipient's, as Teams last told it; None: UTC
    kind: str
    details: dict[str, Any]
    attempts: int


async def claim_due(uows: UnitOfWorkFactory, worker: str, now: datetime, limit: int, lease: timedelta) -> list[DueDelivery]:
    async with uows() as uow:
        session = uow.session
        due = select(AlertDeliveryRow.id).where(
            or_(
                and_(AlertDeliveryRow.state == "pending", AlertDeliveryRow.next_attempt_at <= now),
                and_(AlertDeliveryRow.state == "claimed", AlertDeliveryRow.lease_until < now),  # its sender died
            )
        ).order_by(AlertDeliveryRow.next_attempt_at, AlertDeliveryRow.id).limit(limit)
        if session.bind.dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        ids = list(await session.scalars(due))
        if not ids:
            return []
        await session.execute(
            update(AlertDeliveryRow)
            .where(AlertDeliveryRow.id.in_(ids))
            .values(state="claimed", claimed_by=worker, lease_until=now + lease, attempts=AlertDeliveryRow.attempts + 1)
        )
        rows = (await session.execute(
            select(AlertDeliveryRow, AlertCauseRow, ConversationReferenceRow, OrganizationRow)
            .join(AlertCauseRow, AlertCauseRow.id == AlertDeliveryRow.cause_id)
            .join(ConversationReferenceRow, and_(ConversationReferenceRow.user_id == AlertDeliveryRow.user_id, ConversationReferenceRow.conversation_id == AlertDeliveryRow.conversation_id))
            .join(OrganizationRow, OrganizationRow.id == AlertCauseRow.organization_id)
            .where(AlertDeliveryRow.id.in_(ids))
            .order_by(AlertDeliveryRow.id)
        )).all()
        await uow.commit()
    return [
        DueDelivery(
            id=delivery.id,
            user_id=delivery.user_id,
            conversation_id=delivery.conversation_id,
            tenant_id=organization.tenant_id,
            organization_id=organization.id,
            organization_name=organization.name,
            reference=json.loads(reference.reference),
            locale=reference.locale,
            time_zone=reference.time_zone,
            kind=cause.kind,
            details=json.loads(cause.details),
            attempts=delivery.attempts,
        )
        for delivery, cause, reference, organization in rows
    ]


async def _finish(uows: UnitOfWorkFactory, delivery_id: int, worker: str, **values: Any) -> bool:
    """Record an outcome, but only while this worker still holds the claim."""
    async with uows() as uow:
        result = await uow.session.execute(
            update(AlertDeliveryRow)
            .where(AlertDeliveryRow.id == delivery_id, AlertDeliveryRow.state == "claimed", AlertDeliveryRow.claimed_by == worker)
            .values(lease_until=None, **values)
        )
        await uow.commit()
    return result.rowcount == 1


async def mark_sent(uows: UnitOfWorkFactory, delivery_id: int, worker: str, now: datetime, status: str) -> bool:
    return await _finish(uows, delivery_id, worker, state="sent", sent_at=now, last_status=status)


async def mark_retry(uows: UnitOfWorkFactory, delivery_id: int, worker: str, next_attempt_at: datetime, status: str) -> bool:
    return await _finish(uows, delivery_id, worker, state="pending", next_attempt_at=next_attempt_at, last_status=status)


async def mark_dead(uows: UnitOfWorkFactory, delivery: DueDelivery, worker: str, now: datetime, status: str, conversation_gone: bool) -> bool:
    """A permanent failure. When the conversation is gone (403/404: bot removed), the reference is
    marked dead too, so nothing more is queued for it."""
    done = await _finish(uows, delivery.id, worker, state="dead", last_status=status)
    if conversation_gone:
        async with uows() as uow:
            await uow.session.execute(
                update(ConversationReferenceRow)
                .where(ConversationReferenceRow.user_id == delivery.user_id, ConversationReferenceRow.conversation_id == delivery.conversation_id)
                .values(dead_at=now)
            )
            await uow.session.execute(
                update(AlertDeliveryRow)
                .where(AlertDeliveryRow.user_id == delivery.user_id, AlertDeliveryRow.conversation_id == delivery.conversation_id, AlertDeliveryRow.state == "pending")
                .values(state="dead", last_status=f"conversation gone ({status})")
            )
            await uow.commit()
    return done


@dataclass(frozen=True)
class AlertListing:
    cause_id: int
    organization_id: str
    kind: str
    key: str
    found_at: datetime
    cleared_at: datetime | None
    deliveries: tuple[tuple[str, str, int, str | None], ...]  # (user, state, attempts, last status)


async def list_alerts(uows: UnitOfWorkFactory, organization_id: str | None = None) -> list[AlertListing]:
    async with uows() as uow:
        query = select(AlertCauseRow).order_by(AlertCauseRow.organization_id, AlertCauseRow.id)
        if organization_id is not None:
            query = query.where(AlertCauseRow.organization_id == organization_id)
        causes = list(await uow.session.scalars(query))
        deliveries = (await uow.session.execute(
            select(AlertDeliveryRow.cause_id, AlertDeliveryRow.user_id, AlertDeliveryRow.state, AlertDeliveryRow.attempts, AlertDeliveryRow.last_status)
            .where(AlertDeliveryRow.cause_id.in_([c.id for c in causes]))
            .order_by(AlertDeliveryRow.id)
        )).all()
    by_cause: dict[int, list[tuple[str, str, int, str | None]]] = {}
    for cause_id, user_id, state, attempts, status in deliveries:
        by_cause.setdefault(cause_id, []).append((user_id, state, attempts, status))
    return [AlertListing(c.id, c.organization_id, c.kind, c.key, c.found_at, c.cleared_at, tuple(by_cause.get(c.id, ()))) for c in causes]


async def next_due_at(uows: UnitOfWorkFactory) -> datetime | None:
    """When the earliest pending delivery falls due (a retry waiting out its backoff)."""
    async with uows() as uow:
        return await uow.session.scalar(select(func.min(AlertDeliveryRow.next_attempt_at)).where(AlertDeliveryRow.state == "pending"))


async def renew_claim(uows: UnitOfWorkFactory, delivery_id: int, worker: str, now: datetime, lease: timedelta) -> bool:
    """Just before sending: extend this worker's lease, or learn that the row was taken over by
    another sender after the lease ran out (then this worker must not send it)."""
    async with uows() as uow:
        result = await uow.session.execute(
            update(AlertDeliveryRow)
            .where(AlertDeliveryRow.id == delivery_id, AlertDeliveryRow.state == "claimed", AlertDeliveryRow.claimed_by == worker)
            .values(lease_until=now + lease)
        )
        await uow.commit()
    return result.rowcount == 1
