"""Use case: scan organisations for alert causes (R10) and queue one delivery per (alert, admin).

Runs after every import and MSA link (for the organisations the change touched), periodically in
`serve`, and from `competency-bot alerts scan`."""

from __future__ import annotations

import dataclasses
import logging
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError

from services.collector import collector_paused
from services.domain.alert_causes import AlertCause, find_alert_causes
from services.domain.organization import OrganizationEvaluation
from services.domain.scan_validity import findings_valid_until
from services.evaluation_cache import CachedEvaluation
from services.persistence.conversations import PersonalConversation
from services.persistence.unit_of_work import UnitOfWork, UnitOfWorkFactory
from services.progress import progress_entries

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
        # Claims walk the ids in order from the last one claimed: a claim from the start would pass
        # every organisation judged so far (a scan of 10,000 walked 50 times that many rows). When
        # nothing is left ahead, one claim from the start picks up what was passed meanwhile
        # (a lease run out, an organisation changed); the scan ends when that finds nothing.
        after: str | None = None
        while True:
            batch = await _claim(uows, worker, now, CLAIM_BATCH, after)
            if not batch:
                if after is None:
                    break
                after = None
                continue
            after = batch[-1]
            await _judge(uows, batch, now, totals, worker)
        async with uows() as uow:
            skipped = await uow.alerts.scan_rows() - totals[0]
    organizations, new, cleared, queued = totals
    if new or cleared or queued:
        logger.info("alert scan", extra={"organizations": organizations, "new": new, "cleared": cleared, "queued": queued})
    return ScanReport(organizations, new, cleared, queued, max(0, skipped))


async def _judge(uows: UnitOfWorkFactory, organization_ids: list[str], now: datetime, totals: list[int], worker: str | None) -> None:
    """Evaluate each organisation (reads only), then record the causes, queue the deliveries and note
    the scan for the whole batch in one transaction: one commit per batch, not three per organisation.
    If another scanner recorded some of the same causes meanwhile, the batch is done again one
    organisation at a time, where the unique indexes turn the loser into a no-op.

    The collector is paused for the whole batch: what a batch allocates is freed when it ends, and
    collections in between only promote its evaluations (the 64 kept for turns among them) into
    older generations, whose full passes over the process then cost the scan about a fifth of its
    CPU (2,000 organisations: 10 full and 104 middle collections, 1.6 s of 8.5 s)."""
    with collector_paused():
        await _judge_batch(uows, organization_ids, now, totals, worker)


async def _judge_batch(uows: UnitOfWorkFactory, organization_ids: list[str], now: datetime, totals: list[int], worker: str | None) -> None:
    judged = []
    entries = await progress_entries(uows, organization_ids, now)
    for organization_id in organization_ids:
        entry = entries[organization_id]
        evaluation = entry.evaluation if entry.computed_at == now else dataclasses.replace(entry.evaluation, as_of=now)
        judged.append((organization_id, entry, evaluation, find_alert_causes(evaluation)))
    try:
        async with uows() as uow:
            added, gone = await _record_causes(uow, [(organization_id, found) for organization_id, _, _, found in judged], now)
            queued = await _queue(uow, [organization_id for organization_id, *_ in judged], now)
            await _scanned(uow, [(organization_id, entry, evaluation) for organization_id, entry, evaluation, _ in judged], now, worker)
            await uow.commit()
        counts = [added, gone, queued]
    except IntegrityError:
        counts = [0, 0, 0]
        for organization_id, entry, evaluation, found in judged:
            added, gone = await _record(uows, organization_id, found, now)
            queued = await queue_deliveries(uows, organization_id, now)
            async with uows() as uow:
                await _scanned(uow, [(organization_id, entry, evaluation)], now, worker)
                await uow.commit()
            counts = [counts[0] + added, counts[1] + gone, counts[2] + queued]
    totals[0] += len(judged)
    totals[1] += counts[0]
    totals[2] += counts[1]
    totals[3] += counts[2]


async def _add_missing_scan_rows(uows: UnitOfWorkFactory) -> None:
    """A scan row (never scanned) for every organisation that has none: the rows the claim locks."""
    async with uows() as uow:
        await uow.alerts.add_missing_scan_rows()
        await uow.commit()


async def _claim(uows: UnitOfWorkFactory, worker: str, now: datetime, size: int, after: str | None) -> list[str]:
    """Up to `size` organisations due for judging and held by nobody (with ids past `after`, if
    given), now held by `worker` for a lease (committed at once, so other scanners see the claim)."""
    async with uows() as uow:
        ids = await uow.alerts.claim_for_scan(worker, now, size, now + CLAIM_LEASE, after)
        await uow.commit()
    return ids


async def _scanned(
    uow: UnitOfWork, judged: list[tuple[str, CachedEvaluation, OrganizationEvaluation]], now: datetime, worker: str | None
) -> None:
    """Record what was judged and until when its findings hold; release the claims (if `worker` holds them)."""
    await uow.alerts.record_scans(
        [(organization_id, entry.version, entry.catalog_id, findings_valid_until(evaluation, entry.valid_until)) for organization_id, entry, evaluation in judged],
        now,
        release=worker is not None,
    )


async def _record(uows: UnitOfWorkFactory, organization_id: str, found: tuple[AlertCause, ...], now: datetime) -> tuple[int, int]:
    """Insert causes not active yet, clear active ones no longer found. Two scanners racing insert the
    same (organisation, key, occurrence) once: the unique index turns the loser into a no-op."""
    async with uows() as uow:
        recorded = await _record_causes(uow, [(organization_id, found)], now)
        try:
            await uow.commit()
        except IntegrityError:
            await uow.rollback()
            logger.info("another scanner recorded these causes first", extra={"organization": organization_id})
            return 0, 0
    return recorded


async def _record_causes(uow: UnitOfWork, found: list[tuple[str, tuple[AlertCause, ...]]], now: datetime) -> tuple[int, int]:
    """`_record`'s work for (organisation, causes found) pairs inside the caller's unit of work
    (flushed, not committed), in four statements whatever their number: a cause found again keeps its
    row; one no longer found is cleared; a new one, or one that recurs after clearing, is the next
    occurrence of its key. Returns (causes added, causes cleared)."""
    active = await uow.alerts.active_causes_of([organization_id for organization_id, _ in found])
    cleared: list[int] = []
    fresh: dict[str, list[AlertCause]] = {}
    for organization_id, causes in found:
        stored = active.get(organization_id, {})
        wanted = {cause.key: cause for cause in causes}
        cleared += [cause_id for key, cause_id in stored.items() if key not in wanted]
        fresh[organization_id] = [cause for key, cause in wanted.items() if key not in stored]
    await uow.alerts.clear_causes(cleared, now)
    last = await uow.alerts.last_occurrences_of({organization_id: [c.key for c in causes] for organization_id, causes in fresh.items() if causes})
    await uow.alerts.add_causes(
        [(organization_id, cause, last.get(organization_id, {}).get(cause.key, 0) + 1) for organization_id, causes in fresh.items() for cause in causes], now
    )
    return sum(len(causes) for causes in fresh.values()), len(cleared)


async def queue_deliveries(uows: UnitOfWorkFactory, organization_id: str, now: datetime) -> int:
    """One outbox row per active cause and recipient: the organisation's admins who have a live
    personal conversation with the bot and have not muted alerts. An admin who talks to the bot
    later is queued then (the bot calls this when it stores a conversation)."""
    async with uows() as uow:
        queued = await _queue(uow, [organization_id], now)
        try:
            await uow.commit()
        except IntegrityError:  # a concurrent scan queued them: exactly one row per (alert, recipient)
            await uow.rollback()
            return 0
    return queued


async def _queue(uow: UnitOfWork, organization_ids: list[str], now: datetime) -> int:
    """`queue_deliveries`'s work for these organisations inside the caller's unit of work (flushed, not
    committed): one statement when none has a recipient, as most have not at scale; four at most."""
    conversations = await uow.conversations.live_personal_conversations_of(organization_ids)
    recipients = {o: chosen for o, found in conversations.items() if (chosen := alert_recipients(found, now))}
    if not recipients:
        return 0
    causes = {o: sorted(keys.values()) for o, keys in (await uow.alerts.active_causes_of(list(recipients))).items()}
    existing = await uow.outbox.queued_for(sorted(cause_id for ids in causes.values() for cause_id in ids))
    rows = [
        (cause_id, user_id, conversation_id)
        for organization_id, cause_ids in sorted(causes.items())
        for cause_id in cause_ids
        for user_id, conversation_id in recipients[organization_id].items()
        if (cause_id, user_id) not in existing
    ]
    await uow.outbox.queue(rows, now)
    return len(rows)


def alert_recipients(conversations: list[PersonalConversation], now: datetime) -> dict[str, str]:
    """Who receives an organisation's alerts, and where: user id -> the personal conversation to
    reach them in (the most recently refreshed one). Admins only, who have talked to the bot (a live
    personal conversation), have not muted alerts, and have not left by `now`."""
    chosen: dict[str, tuple[datetime, str]] = {}
    for c in conversations:
        if "admin" not in c.roles or c.alerts_muted or (c.left_on is not None and c.left_on <= now.date()):
            continue
        if c.user_id not in chosen or c.updated_at > chosen[c.user_id][0]:
            chosen[c.user_id] = (c.updated_at, c.conversation_id)
    return {user_id: conversation_id for user_id, (_, conversation_id) in chosen.items()}
