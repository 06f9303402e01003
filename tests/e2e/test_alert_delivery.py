"""Alerts from scan to Teams: exactly once per (alert, admin), through 429s, 503s, a removed bot,
a sender that dies mid-batch, and two senders racing on one PostgreSQL."""

from __future__ import annotations

import asyncio
import os
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest
from aiohttp import web
from botbuilder.schema import ChannelAccount, ConversationAccount, ConversationReference
from sqlalchemy import select

from bot.bootstrap import build_adapter, open_services, service_urls
from bot.proactive.alert_sender import AlertSender, SendPolicy, SendReport
from dialogs.cards import renewal_reply
from dialogs.formatting import date_text
from services.alert_scan import scan_alerts
from services.conversations import Sighting, meet_member, set_alerts
from services.importer import import_dataset
from services.outbox import claim_due
from services.persistence.database import create_engine
from services.persistence.tables import AlertCauseRow, AlertDeliveryRow, ConversationReferenceRow
from services.progress import organization_progress
from services.settings import Settings
from tests.e2e.agreement import assert_alert_agrees_with_renewal
from tests.e2e.fakes import Answer, FakeConnector
from tests.fakes.clocks import FakeWallClock, sender_pacing

# The lease outlasts any send (AlertSender refuses one that does not outlast the connector's connect +
# read timeout, 25 s): a live sender under load never loses a row it is still sending. A dead sender's
# rows are taken over by a sender whose clock is past the lease (`after_the_lease`).
FAST = SendPolicy(batch_size=50, concurrency=8, lease=timedelta(seconds=60), backoff_base=0.05, tenant_rate_per_second=2000)
CATALOG = {
    "version": "alerts",
    "credentials": [{"code": "AZ-104", "title": "Azure Administrator", "kind": "certification"}],
    "competencies": [{"id": "cloud", "name": "Cloud", "options": [{"id": "azure", "name": "Azure", "levels": {"silver": [{"kind": "individuals", "count": 1, "any_of": ["AZ-104"]}]}}]}],
}


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def dataset(now: datetime, admins: int, leavers: int, locale: str = "en-US") -> dict:
    """One organisation holding Cloud Silver whose only certified people have left: one renewal
    cause per leaver, and `admins` admins to tell."""
    yesterday = (now - timedelta(days=1)).date().isoformat()
    return {
        "catalog": CATALOG,
        "organizations": [{"id": "org", "name": "Org Ltd", "tenant_id": "tenant", "membership": {"level": "silver", "expires_on": (now + timedelta(days=60)).date().isoformat()}, "held": [{"competency": "cloud", "level": "silver"}]}],
        "users": [{"id": f"admin-{i}", "organization": "org", "display_name": f"Admin {i}", "aad_object_id": f"aad-{i}", "roles": ["admin"], "locale": locale} for i in range(admins)]
        + [{"id": f"left-{i}", "organization": "org", "display_name": f"Leaver {i}", "left_on": yesterday} for i in range(leavers)],
        "msa_links": [{"user": f"left-{i}", "msa": f"left-{i}@msa", "linked_at": "2025-01-01T00:00:00+00:00"} for i in range(leavers)],
        "achievements": [{"msa": f"left-{i}@msa", "code": "AZ-104", "earned_at": "2024-12-01T00:00:00+00:00"} for i in range(leavers)],
    }


async def prepare(services, connector: FakeConnector, admins: int, leavers: int, locale: str = "en-US", zone: str | None = None) -> int:
    now = utc_now()
    await import_dataset(services.uows, dataset(now, admins, leavers, locale), now)
    for i in range(admins):
        reference = ConversationReference(
            channel_id="msteams",
            service_url=connector.service_url,
            conversation=ConversationAccount(id=f"a:admin-{i}", conversation_type="personal", tenant_id="tenant"),
            user=ChannelAccount(id=f"29:admin-{i}", aad_object_id=f"aad-{i}"),
            bot=ChannelAccount(id="28:bot"),
        ).serialize()
        await meet_member(services.uows, "tenant", f"aad-{i}", Sighting(f"a:admin-{i}", reference, True, locale, zone), now)
    report = await scan_alerts(services.uows, now)
    return report.queued_deliveries


def sender_for(services, policy: SendPolicy = FAST, clock=utc_now) -> AlertSender:
    """A sender on the real adapter; Teams' windows are paced on a fake monotonic clock (a throttle
    wait costs no real time) and the backoff's jitter is seeded."""
    return AlertSender(services.uows, build_adapter(services), "local-bot", clock, policy, service_urls(services.settings), **sender_pacing())


def after_the_lease() -> datetime:
    """A clock for a sender started once the dead sender's lease has run out."""
    return utc_now() + FAST.lease + timedelta(seconds=1)


@pytest.fixture
async def services(database_url):
    async with open_services(Settings(DATABASE_URL=database_url), clock=utc_now) as built:
        yield built


@pytest.fixture
async def connector():
    async with FakeConnector() as server:
        yield server


async def rows(services, model) -> list:
    async with services.uows() as uow:
        return list(await uow.session.scalars(select(model).order_by(model.id)))


async def test_scanning_twice_records_one_cause_and_queues_one_delivery_per_admin(services, connector):
    queued = await prepare(services, connector, admins=2, leavers=1)

    again = await scan_alerts(services.uows, utc_now())

    assert queued == 2 and (again.new_causes, again.queued_deliveries) == (0, 0)
    assert len(await rows(services, AlertCauseRow)) == 1
    assert len(await rows(services, AlertDeliveryRow)) == 2


async def test_a_cause_that_clears_and_recurs_is_a_new_alert(services, connector):
    await prepare(services, connector, admins=1, leavers=1)
    now = utc_now()
    back = {"users": [{"id": "left-0", "organization": "org", "display_name": "Leaver 0"}]}  # rehired: no left_on

    await import_dataset(services.uows, back, now)
    cleared = await scan_alerts(services.uows, now)
    await import_dataset(services.uows, {"users": [{"id": "left-0", "organization": "org", "display_name": "Leaver 0", "left_on": (now - timedelta(days=1)).date().isoformat()}]}, now)
    recurred = await scan_alerts(services.uows, now)

    causes = await rows(services, AlertCauseRow)
    assert (cleared.cleared_causes, recurred.new_causes, recurred.queued_deliveries) == (1, 1, 1)
    assert [(c.occurrence, c.cleared_at is None) for c in causes] == [(1, False), (2, True)]


async def test_muted_admins_get_nothing_and_an_admin_who_talks_later_is_queued_then(services, connector):
    await prepare(services, connector, admins=2, leavers=1)
    await set_alerts(services.uows, "admin-1", False, utc_now())
    deliveries = await rows(services, AlertDeliveryRow)
    assert [d.user_id for d in deliveries] == ["admin-0", "admin-1"]  # admin-1 muted after queueing

    await import_dataset(services.uows, {"users": [{"id": "admin-2", "organization": "org", "display_name": "New", "aad_object_id": "aad-2", "roles": ["admin"]}]}, utc_now())
    await scan_alerts(services.uows, utc_now())
    before = len(await rows(services, AlertDeliveryRow))
    from services.assistant import Assistant

    reference = {"channelId": "msteams", "serviceUrl": connector.service_url, "conversation": {"id": "a:admin-2"}}
    await Assistant(services.uows, utc_now).meet("tenant", "aad-2", Sighting("a:admin-2", reference, True, "en-US"))

    assert before == 2 and [d.user_id for d in await rows(services, AlertDeliveryRow)][-1] == "admin-2"


async def test_an_alert_names_the_person_and_is_in_each_admins_language(services, connector):
    await prepare(services, connector, admins=1, leavers=1, locale="de-DE")

    report = await sender_for(services).send_due()

    card = connector.accepted()[0].card
    body = " ".join(b.get("text", "") for b in card["body"])
    assert report.sent == 1
    assert card["body"][1]["text"] == "Eine kürzlich erfolgte Änderung bei Ihren Kompetenznachweisen gefährdet die Verlängerung Ihrer Mitgliedschaft"
    assert card["body"][2]["text"] == f"Was sich geändert hat: Leaver 0 hat die Organisation am {date_text(utc_now() - timedelta(days=1), 'de')} verlassen"
    assert "Leaver 0" in body
    renewal = renewal_reply(await organization_progress(services.uows, "org", utc_now()), "de")  # the answer an admin gets now
    assert_alert_agrees_with_renewal(connector.accepted()[0].text, renewal.text, "de", "Leaver 0")
    assert [a["data"]["intent"] for a in card["actions"]] == ["renewal_status", "alerts_off"]


async def test_the_zone_teams_sent_travels_with_each_delivery_and_an_unknown_one_is_none(services, connector):
    await prepare(services, connector, admins=1, leavers=1, zone="Asia/Tokyo")

    due = await claim_due(services.uows, "test", utc_now(), 10, timedelta(minutes=1))

    assert [(d.user_id, d.time_zone) for d in due] == [("admin-0", "Asia/Tokyo")]


async def test_a_429_with_retry_after_is_delivered_once_after_the_wait(services, connector):
    await prepare(services, connector, admins=1, leavers=1)
    connector.script(Answer.throttled(1))
    clock = FakeWallClock(utc_now())
    sender = sender_for(services, clock=clock)

    first = await sender.send_due()
    clock.advance(0.999)
    too_early = await sender.send_due()
    clock.advance(0.001)
    after_the_wait = await sender.send_due()

    assert (first.sent, first.retried) == (0, 1)
    assert too_early == SendReport()  # Retry-After: 1 is waited out on the sender's clock
    assert (after_the_wait.sent, after_the_wait.retried) == (1, 0)
    assert len(connector.accepted()) == 1 and len(connector.deliveries) == 2


async def test_503_twice_then_success_is_delivered_once(services, connector):
    await prepare(services, connector, admins=1, leavers=1)
    connector.script(Answer(503), Answer(503))
    clock = FakeWallClock(utc_now())
    sender = sender_for(services, clock=clock)

    reports = []
    for _ in range(4):
        reports.append(await sender.send_due())
        clock.advance(1)  # past the longest backoff here (0.05 s × 2 × 1.2)

    assert [(r.sent, r.retried) for r in reports] == [(0, 1), (0, 1), (1, 0), (0, 0)]
    assert [d.status for d in connector.deliveries] == [503, 503, 201]
    assert [d.state for d in await rows(services, AlertDeliveryRow)] == ["sent"]


async def test_403_marks_the_conversation_dead_and_nothing_more_is_sent_to_it(services, connector):
    await prepare(services, connector, admins=1, leavers=2)
    connector.script(Answer(403))

    await sender_for(services).send_due()
    await scan_alerts(services.uows, utc_now())

    references = await rows_by(services, ConversationReferenceRow)
    assert references[0].dead_at is not None
    assert [d.status for d in connector.deliveries] == [403]
    assert {d.state for d in await rows(services, AlertDeliveryRow)} == {"dead"}


async def rows_by(services, model) -> list:
    async with services.uows() as uow:
        return list(await uow.session.scalars(select(model)))


class HangingConnector(FakeConnector):
    """Accepts `accept` activities, then holds every further request until `release()`, then fails
    them: a sender killed meanwhile never had them acknowledged."""

    def __init__(self, accept: int):
        super().__init__()
        self.accept = accept
        self.released = asyncio.Event()
        self.held: set[str] = set()  # the conversations with a request held now
        self._held_changed = asyncio.Condition()

    def release(self) -> None:
        self.released.set()

    async def wait_until_held(self, conversations: dict[str, int], timeout: float = 5) -> None:
        """Until every conversation with alerts still to go (`conversations`: id → how many it gets)
        has its next request held: the sender is then in the middle of sending to each."""
        def every_unfinished_one_held() -> bool:
            return all(c in self.held for c, due in conversations.items() if len(self.accepted(c)) < due)

        async with asyncio.timeout(timeout), self._held_changed:
            await self._held_changed.wait_for(every_unfinished_one_held)

    async def _post_activity(self, request: web.Request) -> web.Response:
        if len(self.accepted()) >= self.accept and not self.released.is_set():
            async with self._held_changed:
                self.held.add(request.match_info["conversation_id"])
                self._held_changed.notify_all()
            await self.released.wait()
            return web.json_response({}, status=503)
        return await super()._post_activity(request)


async def test_a_sender_killed_mid_batch_and_restarted_delivers_the_rest_with_no_duplicate(services):
    async with HangingConnector(accept=7) as connector:
        queued = await prepare(services, connector, admins=4, leavers=5)  # 20 deliveries
        first = asyncio.create_task(sender_for(services).send_due())
        await connector.wait_for(7)
        await connector.wait_until_held({f"a:admin-{i}": 5 for i in range(4)})
        assert connector.held  # sends are in flight
        first.cancel()  # the process dies while requests hang
        with pytest.raises(asyncio.CancelledError):
            await first
        connector.release()
        assert await sender_for(services).send_due() == SendReport()  # while the lease lasts, its rows are still the dead sender's

        await sender_for(services, clock=after_the_lease).send_due()  # the dead sender's lease has run out

        accepted = Counter((d.conversation_id, d.card["body"][2]["text"]) for d in connector.accepted())
    assert queued == 20
    assert len(accepted) == 20 and set(accepted.values()) == {1}
    assert {d.state for d in await rows(services, AlertDeliveryRow)} == {"sent"}


@pytest.mark.skipif(not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"), reason="two senders race on PostgreSQL (SKIP LOCKED); SQLite runs a single sender")
async def test_two_senders_on_one_postgresql_deliver_1000_alerts_with_no_duplicate_and_none_missing(services, connector, database_url):
    queued = await prepare(services, connector, admins=100, leavers=10)
    other_engine = create_engine(database_url)
    try:
        async with open_services(Settings(DATABASE_URL=database_url), clock=utc_now) as second:
            a, b = sender_for(services), sender_for(second)
            reports = await asyncio.gather(a.send_due(), b.send_due())
    finally:
        await other_engine.dispose()

    accepted = Counter((d.conversation_id, d.card["body"][2]["text"]) for d in connector.accepted())
    assert queued == 1000
    assert len(accepted) == 1000 and max(accepted.values()) == 1
    assert reports[0].sent + reports[1].sent == 1000 and min(reports[0].sent, reports[1].sent) > 0
    assert {d.state for d in await rows(services, AlertDeliveryRow)} == {"sent"}


async def test_an_import_that_moves_an_msa_away_is_scanned_for_the_organisation_it_left(services, connector):
    await prepare(services, connector, admins=1, leavers=0)
    now = utc_now()
    stays = {"users": [{"id": "sam", "organization": "org", "display_name": "Sam Field"}],
             "msa_links": [{"user": "sam", "msa": "sam@msa", "linked_at": "2025-01-01T00:00:00+00:00"}],
             "achievements": [{"msa": "sam@msa", "code": "AZ-104", "earned_at": "2024-12-01T00:00:00+00:00"}]}
    await import_dataset(services.uows, stays, now)
    carried = await scan_alerts(services.uows, now)  # Sam carries Cloud Silver: the unexplained shortfall clears
    assert (carried.new_causes, carried.cleared_causes) == (0, 1)
    elsewhere = {"organizations": [{"id": "other", "name": "Other GmbH", "tenant_id": "tenant-other"}],
                 "users": [{"id": "sam-new", "organization": "other", "display_name": "Sam Field"}],
                 "msa_links": [{"user": "sam-new", "msa": "SAM@msa", "linked_at": (now - timedelta(hours=1)).isoformat()}]}

    report = await import_dataset(services.uows, elsewhere, now)
    await scan_alerts(services.uows, now, report.organizations)

    assert report.organizations == ("org", "other")  # the organisation the MSA left is among those scanned
    active = [c for c in await rows(services, AlertCauseRow) if c.cleared_at is None]
    assert [c.key for c in active] == ["renewal|org|msa_moved|sam|sam@msa"]
    assert "Other GmbH" not in active[0].details
