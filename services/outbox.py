"""The alert outbox: claim due deliveries under a lease, record what happened to each.

Exactly once per (alert, recipient): the unique row is claimed by one sender at a time (`FOR UPDATE
SKIP LOCKED` on PostgreSQL; SQLite allows a single writer and runs a single sender). A sender that
dies leaves its rows claimed until the lease ends; then they are due again. Only a send that was in
flight at the moment of death can reach the recipient twice."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from services.persistence.unit_of_work import UnitOfWorkFactory
from services.records import DueDelivery

__all__ = ["AlertListing", "DueDelivery", "claim_due", "list_alerts", "mark_dead", "mark_retry", "mark_sent", "next_due_at", "renew_claim"]


async def claim_due(uows: UnitOfWorkFactory, worker: str, now: datetime, limit: int, lease: timedelta) -> list[DueDelivery]:
    async with uows() as uow:
        ids = await uow.outbox.due_ids(now, limit)
        if not ids:
            return []
        await uow.outbox.claim(ids, worker, now + lease)
        due = await uow.outbox.deliveries(ids)
        await uow.commit()
    return due


async def _finish(uows: UnitOfWorkFactory, delivery_id: int, worker: str, **values: Any) -> bool:
    """Record an outcome, but only while this worker still holds the claim."""
    async with uows() as uow:
        done = await uow.outbox.update_claimed(delivery_id, worker, lease_until=None, **values)
        await uow.commit()
    return done


async def mark_sent(uows: UnitOfWorkFactory, delivery_id: int, worker: str, now: datetime, status: str) -> bool:
    return await _finish(uows, delivery_id, worker, state="sent", sent_at=now, last_status=status)


async def mark_retry(uows: UnitOfWorkFactory, delivery_id: int, worker: str, next_attempt_at: datetime, status: str) -> bool:
    return await _finish(uows, delivery_id, worker, state="pending", next_attempt_at=next_attempt_at, last_status=status)


async def mark_dead(uows: UnitOfWorkFactory, delivery: DueDelivery, worker: str, now: datetime, status: str, conversation_gone: bool) -> bool:
    """A permanent failure. When the conversation is gone (403/404: bot removed), the reference is
    marked dead too, so nothing more is queued for it: all in one unit of work."""
    async with uows() as uow:
        done = await uow.outbox.update_claimed(delivery.id, worker, lease_until=None, state="dead", last_status=status)
        if conversation_gone:
            await uow.conversations.mark_dead(delivery.user_id, delivery.conversation_id, now)
            await uow.outbox.give_up_pending(delivery.user_id, delivery.conversation_id, f"conversation gone ({status})")
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
    organization_name: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)  # as recorded: what the alert card says
    recipient_names: Mapping[str, str] = field(default_factory=dict)  # user id → display name


async def list_alerts(uows: UnitOfWorkFactory, organization_id: str | None = None) -> list[AlertListing]:
    async with uows() as uow:
        causes = await uow.alerts.causes(organization_id)
        deliveries = await uow.outbox.of_causes([c.id for c in causes])
        organizations = await uow.repository.organization_names(c.organization_id for c in causes)
        recipients = await uow.repository.user_names(user_id for _, user_id, *_ in deliveries)
    by_cause: dict[int, list[tuple[str, str, int, str | None]]] = {}
    for cause_id, user_id, state, attempts, status in deliveries:
        by_cause.setdefault(cause_id, []).append((user_id, state, attempts, status))
    return [
        AlertListing(
            c.id, c.organization_id, c.kind, c.key, c.found_at, c.cleared_at, tuple(by_cause.get(c.id, ())),
            organizations.get(c.organization_id, c.organization_id), c.details, {u: recipients[u] for u, *_ in by_cause.get(c.id, ()) if u in recipients},
        )
        for c in causes
    ]


async def next_due_at(uows: UnitOfWorkFactory) -> datetime | None:
    """When the earliest pending delivery falls due (a retry waiting out its backoff)."""
    async with uows() as uow:
        return await uow.outbox.next_due_at()


async def renew_claim(uows: UnitOfWorkFactory, delivery_id: int, worker: str, now: datetime, lease: timedelta) -> bool:
    """Just before sending: extend this worker's lease, or learn that the row was taken over by
    another sender after the lease ran out (then this worker must not send it)."""
    async with uows() as uow:
        renewed = await uow.outbox.update_claimed(delivery_id, worker, lease_until=now + lease)
        await uow.commit()
    return renewed
