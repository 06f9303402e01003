"""Who receives an alert and when the sender stops trying, with exact outcomes, over the test database,
a fake adapter and the sender's injected clock (no real sleeps, no real connector)."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import open_services
from bot.hosting.inbound import ServiceUrlPolicy
from bot.proactive.alert_sender import AlertSender, SendPolicy
from services.alert_scan import scan_alerts
from services.conversations import Sighting, meet_member
from services.importer import import_dataset
from services.persistence.tables import AlertDeliveryRow, ConversationReferenceRow
from services.settings import Settings
from tests.fakes.adapter import FakeAdapter, HttpFailure
from tests.fakes.clocks import sender_pacing

TEAMS = "https://smba.trafficmanager.net/emea/"  # on the default ALLOWED_SERVICE_URL_HOSTS
START = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)
CATALOG = {
    "version": "alerts",
    "credentials": [{"code": "AZ-104", "title": "Azure Administrator", "kind": "certification"}],
    "competencies": [
        {
            "id": "cloud",
            "name": "Cloud",
            "options": [{"id": "azure", "name": "Azure", "levels": {"silver": [{"kind": "individuals", "count": 1, "any_of": ["AZ-104"]}]}}],
        }
    ],
}


class Clock:
    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


def dataset(admins: list[dict[str, Any]]) -> dict[str, Any]:
    """Cloud Silver held, its only certified person gone: one renewal cause to tell the admins."""
    return {
        "catalog": CATALOG,
        "organizations": [
            {
                "id": "org",
                "name": "Org Ltd",
                "tenant_id": "tenant",
                "membership": {"level": "silver", "expires_on": "2027-01-15"},
                "held": [{"competency": "cloud", "level": "silver"}],
            }
        ],
        "users": [{"organization": "org", "roles": ["admin"], **admin} for admin in admins]
        + [{"id": "left-0", "organization": "org", "display_name": "Leaver", "left_on": "2026-11-01"}],
        "msa_links": [{"user": "left-0", "msa": "left-0@msa", "linked_at": "2025-01-01T00:00:00+00:00"}],
        "achievements": [{"msa": "left-0@msa", "code": "AZ-104", "earned_at": "2024-12-01T00:00:00+00:00"}],
    }


def admin(n: int, left_on: str | None = None) -> dict[str, Any]:
    return {"id": f"admin-{n}", "display_name": f"Admin {n}", "aad_object_id": f"aad-{n}", **({"left_on": left_on} if left_on else {})}


@pytest.fixture
async def services(database_url):
    clock = Clock()
    async with open_services(Settings(DATABASE_URL=database_url), clock=clock) as built:
        yield built


async def meet_admins(services, count: int) -> None:
    for n in range(count):
        reference = {"channelId": "msteams", "serviceUrl": TEAMS, "conversation": {"id": f"a:admin-{n}"}}
        await meet_member(services.uows, "tenant", f"aad-{n}", Sighting(f"a:admin-{n}", reference, True, "en-US"), START)


async def deliveries(services) -> list[tuple[str, str, int, str | None]]:
    async with services.uows() as uow:
        rows = await uow.session.scalars(select(AlertDeliveryRow).order_by(AlertDeliveryRow.id))
        return [(r.user_id, r.state, r.attempts, r.last_status) for r in rows]


async def test_an_admin_who_has_left_gets_no_alert_and_one_leaving_later_does(services):
    await import_dataset(services.uows, dataset([admin(0), admin(1), admin(2)]), START)
    await meet_admins(services, 3)
    left = [admin(0, left_on="2026-11-20"), admin(1, left_on=START.date().isoformat()), admin(2, left_on="2026-11-22")]
    await import_dataset(services.uows, {"users": [{"organization": "org", "roles": ["admin"], **a} for a in left]}, START)

    report = await scan_alerts(services.uows, START)

    assert (report.new_causes, report.queued_deliveries) == (1, 1)
    assert [d[0] for d in await deliveries(services)] == ["admin-2"]  # left yesterday or today: no alert


async def queued(services, adapter: FakeAdapter, policy: SendPolicy) -> AlertSender:
    await import_dataset(services.uows, dataset([admin(0)]), START)
    await meet_admins(services, 1)
    await scan_alerts(services.uows, START)
    return AlertSender(services.uows, adapter, "bot", services.clock, policy, **sender_pacing())  # type: ignore[arg-type]


async def test_the_sender_gives_up_after_max_attempts_and_sends_no_more(services):
    adapter = FakeAdapter(*(HttpFailure(503, {"Retry-After": "5"}) for _ in range(5)))
    sender = await queued(services, adapter, SendPolicy(max_attempts=3))
    clock = services.clock

    reports = []
    for _ in range(4):
        reports.append(await sender.send_due())
        clock.now += timedelta(seconds=5)

    assert [(r.sent, r.retried, r.dead) for r in reports] == [(0, 1, 0), (0, 1, 0), (0, 0, 1), (0, 0, 0)]
    assert await deliveries(services) == [("admin-0", "dead", 3, "gave up: 503")]
    assert adapter.attempts == 3 and adapter.delivered == []


async def test_a_retry_after_given_as_an_http_date_is_waited_for_on_the_senders_clock(services):
    in_ninety_seconds = format_datetime(START + timedelta(seconds=90), usegmt=True)
    adapter = FakeAdapter(HttpFailure(429, {"Retry-After": in_ninety_seconds}))
    sender = await queued(services, adapter, SendPolicy())
    clock = services.clock

    first = await sender.send_due()
    clock.now = START + timedelta(seconds=89)
    too_early = await sender.send_due()
    clock.now = START + timedelta(seconds=90)
    due = await sender.send_due()

    assert [(r.sent, r.retried) for r in (first, too_early, due)] == [(0, 1), (0, 0), (1, 0)]
    assert await deliveries(services) == [("admin-0", "sent", 2, "201")]
    assert len(adapter.delivered) == 1


async def test_a_403_marks_the_delivery_dead_at_once(services):
    adapter = FakeAdapter(HttpFailure(403))
    sender = await queued(services, adapter, SendPolicy())

    report = await sender.send_due()

    assert (report.sent, report.retried, report.dead, report.statuses) == (0, 0, 1, {"403": 1})
    assert await deliveries(services) == [("admin-0", "dead", 1, "403")]


async def test_a_failure_without_a_status_is_retried_after_the_backoff(services):
    adapter = FakeAdapter(ConnectionError("no route to the connector"))
    sender = await queued(services, adapter, SendPolicy(backoff_base=10.0))

    report = await sender.send_due()

    async with services.uows() as uow:
        next_attempt = await uow.session.scalar(select(AlertDeliveryRow.next_attempt_at))
    assert (report.retried, report.statuses) == (1, {"ConnectionError": 1})
    assert START + timedelta(seconds=8) <= next_attempt <= START + timedelta(seconds=12)  # 10 s, a fifth of jitter


async def conversation_dead_at(services, user_id: str) -> datetime | None:
    async with services.uows() as uow:
        return await uow.session.scalar(select(ConversationReferenceRow.dead_at).where(ConversationReferenceRow.user_id == user_id))


async def test_a_stored_service_url_off_the_allow_list_is_never_sent_to_and_its_delivery_is_dead_naming_the_host(services, caplog):
    """A reference written by an import or a database edit, not by an inbound activity that passed
    the check: the sender must not hand it to the adapter, which would send a bearer token there."""
    await import_dataset(services.uows, dataset([admin(0), admin(1)]), START)
    await meet_admins(services, 1)
    forged = {"channelId": "msteams", "serviceUrl": "https://attacker.example/teams/", "conversation": {"id": "a:admin-1"}}
    await meet_member(services.uows, "tenant", "aad-1", Sighting("a:admin-1", forged, True, "en-US"), START)
    await scan_alerts(services.uows, START)
    adapter = FakeAdapter()
    sender = AlertSender(services.uows, adapter, "bot", services.clock, SendPolicy(), **sender_pacing())  # type: ignore[arg-type]

    with caplog.at_level(logging.INFO):
        report = await sender.send_due()

    assert adapter.service_urls == [TEAMS]
    assert (report.sent, report.dead) == (1, 1)
    assert await deliveries(services) == [("admin-0", "sent", 1, "201"), ("admin-1", "dead", 1, "serviceUrl not allowed: attacker.example")]
    assert await conversation_dead_at(services, "admin-1") == START  # nothing more is queued there
    refused = [r for r in caplog.records if "attacker.example" in r.getMessage()]
    assert len(refused) == 1 and refused[0].levelno == logging.WARNING
    assert "ALLOWED_SERVICE_URL_HOSTS" in refused[0].getMessage()
    assert all("Bearer" not in r.getMessage() and "/teams/" not in r.getMessage() for r in caplog.records)


async def test_a_reference_stored_before_the_allow_list_was_narrowed_is_refused_and_the_next_one_is_not_queued(services):
    await import_dataset(services.uows, dataset([admin(0)]), START)
    await meet_admins(services, 1)  # stored while smba.trafficmanager.net was allowed
    await scan_alerts(services.uows, START)
    adapter = FakeAdapter()
    narrowed = ServiceUrlPolicy.from_setting(local_mode=False, setting="*.botframework.com")
    sender = AlertSender(services.uows, adapter, "bot", services.clock, SendPolicy(), service_urls=narrowed, **sender_pacing())  # type: ignore[arg-type]

    report = await sender.send_due()
    await import_dataset(services.uows, {"users": [{"id": "left-1", "organization": "org", "display_name": "Second Leaver", "left_on": "2026-11-02"}], "msa_links": [{"user": "left-1", "msa": "left-1@msa", "linked_at": "2025-01-01T00:00:00+00:00"}], "achievements": [{"msa": "left-1@msa", "code": "AZ-104", "earned_at": "2024-12-01T00:00:00+00:00"}]}, START)
    second = await scan_alerts(services.uows, START)

    assert adapter.attempts == 0
    assert (report.sent, report.dead, report.statuses) == (0, 1, {"serviceUrl not allowed": 1})
    assert await deliveries(services) == [("admin-0", "dead", 1, "serviceUrl not allowed: smba.trafficmanager.net")]
    assert second.queued_deliveries == 0
