"""Delivers queued alerts with `continue_conversation` (R10): respecting Teams' limits, retrying
429/412/502/503/504 with backoff (botbuilder itself never retries), and giving up on a conversation
for good on 403/404 (the bot was removed).

A stored reference's `serviceUrl` is checked against `ALLOWED_SERVICE_URL_HOSTS` before each send,
as inbound activities are (SPEC 4.2): a reference stored before the list was narrowed, or written by
an import or a database edit, must not receive the bot's bearer token. Such a delivery is dead, and so
is the reference, until the member writes from an allowed host again."""

from __future__ import annotations

import asyncio
import logging
import os
import random
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

from botbuilder.core import TurnContext
from botbuilder.schema import ConversationReference

from bot.connector.pool import ConnectorLimits
from bot.hosting.adapter import CompetencyAdapter
from bot.hosting.inbound import ServiceUrlPolicy
from bot.proactive.throttle import Throttle
from dialogs.cards import alert_reply
from dialogs.formatting import time_zone
from dialogs.messages import language_of
from dialogs.turn import reply_activity
from services.assistant import Clock
from services.outbox import DueDelivery, claim_due, mark_dead, mark_retry, mark_sent, renew_claim
from services.persistence.unit_of_work import UnitOfWorkFactory

logger = logging.getLogger(__name__)
RETRYABLE = {429, 412, 502, 503, 504}
GONE = {403, 404}
NOT_ALLOWED = "serviceUrl not allowed"


@dataclass
class SendPolicy:
    batch_size: int = 50
    concurrency: int = 8
    lease: timedelta = timedelta(minutes=5)  # must outlast one send (connect + read timeout): AlertSender checks
    backoff_base: float = 1.0  # seconds; doubles per attempt, with jitter
    backoff_cap: float = 600.0
    max_attempts: int = 12
    tenant_rate_per_second: float = 50.0


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    dead: int = 0
    statuses: dict[str, int] = field(default_factory=dict)


def status_of(error: BaseException, now: datetime | None = None) -> tuple[int | None, float | None]:
    """HTTP status and Retry-After (seconds) of a failed connector call, when it has them. A
    Retry-After given as an HTTP date is counted from `now` (the sender's clock)."""
    response = getattr(error, "response", None)
    status = getattr(response, "status_code", None) or getattr(response, "status", None)
    headers = getattr(response, "headers", None) or {}
    retry_after = headers.get("Retry-After") if hasattr(headers, "get") else None
    seconds = None
    if retry_after:
        try:
            seconds = max(0.0, float(retry_after))
        except ValueError:
            try:
                when = parsedate_to_datetime(retry_after)
                seconds = max(0.0, (when - (now or datetime.now(when.tzinfo))).total_seconds())
            except (TypeError, ValueError):
                seconds = None
    return (int(status) if status else None), seconds


class AlertSender:
    """`clock` is the wall clock the outbox is kept on (due times, leases, Retry-After dates);
    `monotonic` and `sleep` pace Teams' send windows (the throttle); `jitter` draws the backoff's
    random fifth. The composition root (bot/bootstrap.py) hands in the real ones; tests, fakes.
    `service_urls`: where sends may go; by default only the Bot Framework's and Teams' own hosts over
    https (the authenticated default of `ALLOWED_SERVICE_URL_HOSTS`)."""

    def __init__(
        self,
        uows: UnitOfWorkFactory,
        adapter: CompetencyAdapter,
        bot_app_id: str,
        clock: Clock,
        policy: SendPolicy | None = None,
        service_urls: ServiceUrlPolicy | None = None,
        *,
        monotonic: Callable[[], float],
        sleep: Callable[[float], Awaitable[None]],
        jitter: random.Random,
    ):
        self.uows = uows
        self.service_urls = service_urls or ServiceUrlPolicy.from_setting(local_mode=False, setting="")
        self.adapter = adapter
        self.bot_app_id = bot_app_id
        self.clock = clock
        self.policy = policy or SendPolicy()
        longest_send = self._longest_send(adapter)
        if self.policy.lease.total_seconds() <= longest_send:
            # The lease is renewed just before each send; a send that outlasts it lets another sender
            # take the row over and send the same alert a second time while this one is still sending.
            raise ValueError(
                f"the alert lease ({self.policy.lease.total_seconds():g} s) must be longer than one send may take "
                f"(the connector's connect + read timeout, {longest_send:g} s)"
            )
        self.throttle = Throttle(self.policy.tenant_rate_per_second, monotonic, sleep)
        self.jitter = jitter
        self.worker = f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"

    @staticmethod
    def _longest_send(adapter: CompetencyAdapter) -> float:
        """How long one send may take before the connector gives up on it: its connect + read timeout
        (the defaults for an adapter that does not build its clients through a `ConnectorPool`)."""
        connectors = getattr(getattr(adapter, "bot_framework_authentication", None), "connectors", None)
        limits = getattr(connectors, "limits", None)
        if not isinstance(limits, ConnectorLimits):
            limits = ConnectorLimits()
        return limits.connect_timeout + limits.read_timeout

    async def send_due(self, max_batches: int | None = None) -> SendReport:
        """Send every delivery due now, batch after batch, until none is left."""
        report = SendReport()
        batches = 0
        async with self.uows() as uow:
            catalog = await uow.repository.active_catalog()
        semaphore = asyncio.Semaphore(self.policy.concurrency)
        while max_batches is None or batches < max_batches:
            due = await claim_due(self.uows, self.worker, self.clock(), self.policy.batch_size, self.policy.lease)
            if not due:
                break
            batches += 1
            by_conversation: dict[str, list[DueDelivery]] = {}
            for delivery in due:
                by_conversation.setdefault(delivery.conversation_id, []).append(delivery)

            async def conversation(deliveries: list[DueDelivery]) -> None:
                """One conversation's alerts in order; once it is gone, the rest are not sent."""
                async with semaphore:
                    for position, delivery in enumerate(deliveries):
                        if not await self._deliver(delivery, catalog, report):
                            for rest in deliveries[position + 1 :]:
                                await mark_dead(self.uows, rest, self.worker, self.clock(), "conversation gone", conversation_gone=False)
                                report.dead += 1
                            return

            await asyncio.gather(*(conversation(group) for group in by_conversation.values()))
        return report

    async def _deliver(self, delivery: DueDelivery, catalog, report: SendReport) -> bool:
        """Send one alert and record the outcome; False when the conversation is gone for good."""
        service_url = str(delivery.reference.get("serviceUrl") or "")
        if not self.service_urls.allows(service_url):
            host = ServiceUrlPolicy.host_of(service_url)
            logger.warning(
                "alert not sent: the stored serviceUrl's host %s is not allowed (ALLOWED_SERVICE_URL_HOSTS); no more alerts to that conversation",
                host,
                extra={"user": delivery.user_id, "delivery": delivery.id},
            )
            report.statuses[NOT_ALLOWED] = report.statuses.get(NOT_ALLOWED, 0) + 1
            await mark_dead(self.uows, delivery, self.worker, self.clock(), f"{NOT_ALLOWED}: {host}"[:200], conversation_gone=True)
            report.dead += 1
            return False
        await self.throttle.acquire(delivery.conversation_id, delivery.tenant_id)
        if not await renew_claim(self.uows, delivery.id, self.worker, self.clock(), self.policy.lease):
            report.statuses["lost claim"] = report.statuses.get("lost claim", 0) + 1
            return True  # another sender took it over after our lease ran out: it is theirs now
        now = self.clock()
        reply = alert_reply(delivery.kind, delivery.details, delivery.organization_name, catalog, language_of(delivery.locale), now, time_zone(delivery.time_zone))
        failure: BaseException | None = None

        async def send(turn_context: TurnContext) -> None:
            nonlocal failure
            try:  # caught here: the adapter would hand it to on_turn_error and swallow it
                await turn_context.send_activity(reply_activity(reply))
            except Exception as exc:  # noqa: BLE001 - classified below
                failure = exc

        try:
            await self.adapter.continue_conversation(ConversationReference().deserialize(delivery.reference), send, self.bot_app_id)
        except Exception as exc:  # noqa: BLE001 - e.g. no route to the connector
            failure = exc
        status, retry_after = (None, None) if failure is None else status_of(failure, self.clock())
        label = "201" if failure is None else str(status or type(failure).__name__)
        report.statuses[label] = report.statuses.get(label, 0) + 1
        if failure is None:
            await mark_sent(self.uows, delivery.id, self.worker, self.clock(), label)
            report.sent += 1
        elif status in GONE:
            logger.warning("conversation gone; no more alerts to it", extra={"user": delivery.user_id, "status": status})
            await mark_dead(self.uows, delivery, self.worker, self.clock(), label, conversation_gone=True)
            report.dead += 1
            return False
        elif delivery.attempts >= self.policy.max_attempts:
            logger.error("alert given up after %s attempts", delivery.attempts, extra={"delivery": delivery.id, "status": label})
            await mark_dead(self.uows, delivery, self.worker, self.clock(), f"gave up: {label}", conversation_gone=False)
            report.dead += 1
        else:
            delay = retry_after if (status in RETRYABLE and retry_after is not None) else self._backoff(delivery.attempts)
            await mark_retry(self.uows, delivery.id, self.worker, self.clock() + timedelta(seconds=delay), label)
            report.retried += 1
            if status not in RETRYABLE:
                logger.warning("alert send failed; will retry", exc_info=failure, extra={"delivery": delivery.id})
        return True

    def _backoff(self, attempts: int) -> float:
        delay = min(self.policy.backoff_cap, self.policy.backoff_base * 2 ** max(0, attempts - 1))
        return delay * self.jitter.uniform(0.8, 1.2)
