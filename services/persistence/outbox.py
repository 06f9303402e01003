"""The alert outbox's rows: one delivery per (alert cause, recipient), claimed under a lease."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, and_, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.persistence.tables import AlertCauseRow, AlertDeliveryRow, ConversationReferenceRow, OrganizationRow
from services.records import DueDelivery


class OutboxRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def due_ids(self, now: datetime, limit: int) -> list[int]:
        """Up to `limit` deliveries due at `now`, oldest first: pending ones whose time has come and
        claimed ones whose sender died (lease over). PostgreSQL locks them, skipping rows another
        sender holds; SQLite has a single writer."""
        due = select(AlertDeliveryRow.id).where(
            or_(
                and_(AlertDeliveryRow.state == "pending", AlertDeliveryRow.next_attempt_at <= now),
                and_(AlertDeliveryRow.state == "claimed", AlertDeliveryRow.lease_until < now),  # its sender died
            )
        ).order_by(AlertDeliveryRow.next_attempt_at, AlertDeliveryRow.id).limit(limit)
        if self._session.get_bind().dialect.name == "postgresql":
            due = due.with_for_update(skip_locked=True)
        return list(await self._session.scalars(due))

    async def claim(self, delivery_ids: Sequence[int], worker: str, lease_until: datetime) -> None:
        """Count an attempt for each and hold them for `worker` until `lease_until`."""
        await self._session.execute(
            update(AlertDeliveryRow)
            .where(AlertDeliveryRow.id.in_(delivery_ids))
            .values(state="claimed", claimed_by=worker, lease_until=lease_until, attempts=AlertDeliveryRow.attempts + 1)
        )

    async def deliveries(self, delivery_ids: Sequence[int]) -> list[DueDelivery]:
        """Each delivery with what sending it needs: the cause, the reference, the organisation."""
        rows = (await self._session.execute(
            select(AlertDeliveryRow, AlertCauseRow, ConversationReferenceRow, OrganizationRow)
            .join(AlertCauseRow, AlertCauseRow.id == AlertDeliveryRow.cause_id)
            .join(ConversationReferenceRow, and_(
                ConversationReferenceRow.user_id == AlertDeliveryRow.user_id, ConversationReferenceRow.conversation_id == AlertDeliveryRow.conversation_id
            ))
            .join(OrganizationRow, OrganizationRow.id == AlertCauseRow.organization_id)
            .where(AlertDeliveryRow.id.in_(delivery_ids))
            .order_by(AlertDeliveryRow.id)
        )).all()
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

    async def update_claimed(self, delivery_id: int, worker: str, **values: Any) -> bool:
        """Change a delivery only while `worker` still holds its claim; False: it does not."""
        result = cast(CursorResult[Any], await self._session.execute(
            update(AlertDeliveryRow)
            .where(AlertDeliveryRow.id == delivery_id, AlertDeliveryRow.state == "claimed", AlertDeliveryRow.claimed_by == worker)
            .values(**values)
        ))
        return result.rowcount == 1

    async def give_up_pending(self, user_id: str, conversation_id: str, status: str) -> None:
        """Every delivery still waiting for that conversation is dead, with `status` as the reason."""
        await self._session.execute(
            update(AlertDeliveryRow)
            .where(AlertDeliveryRow.user_id == user_id, AlertDeliveryRow.conversation_id == conversation_id, AlertDeliveryRow.state == "pending")
            .values(state="dead", last_status=status)
        )

    async def of_causes(self, cause_ids: Sequence[int]) -> list[tuple[int, str, str, int, str | None]]:
        """(cause id, user, state, attempts, last status) of the causes' deliveries, in creation order."""
        rows = await self._session.execute(
            select(AlertDeliveryRow.cause_id, AlertDeliveryRow.user_id, AlertDeliveryRow.state, AlertDeliveryRow.attempts, AlertDeliveryRow.last_status)
            .where(AlertDeliveryRow.cause_id.in_(cause_ids))
            .order_by(AlertDeliveryRow.id)
        )
        return [(cause_id, user_id, state, attempts, status) for cause_id, user_id, state, attempts, status in rows]

    async def queued_for(self, cause_ids: Sequence[int]) -> set[tuple[int, str]]:
        """(cause id, user id) of every delivery already queued for these causes, in any state."""
        if not cause_ids:
            return set()
        rows = await self._session.execute(select(AlertDeliveryRow.cause_id, AlertDeliveryRow.user_id).where(AlertDeliveryRow.cause_id.in_(cause_ids)))
        return {(cause_id, user_id) for cause_id, user_id in rows}

    async def queue(self, deliveries: Sequence[tuple[int, str, str]], now: datetime) -> None:
        """A pending delivery, due at `now`, for each (cause id, user id, conversation id) (flushed)."""
        self._session.add_all(
            AlertDeliveryRow(
                cause_id=cause_id, user_id=user_id, conversation_id=conversation_id, state="pending", attempts=0, next_attempt_at=now, created_at=now
            )
            for cause_id, user_id, conversation_id in deliveries
        )
        await self._session.flush()

    async def next_due_at(self) -> datetime | None:
        return await self._session.scalar(select(func.min(AlertDeliveryRow.next_attempt_at)).where(AlertDeliveryRow.state == "pending"))
