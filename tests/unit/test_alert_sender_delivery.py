"""R10, the alert sender's rules on the fake unit of work and a fake adapter (no database, no network):
what is sent, retried and given up, Retry-After against the backoff, a claim another sender took
over, a conversation gone, Teams' windows per conversation and per tenant, and batches."""

from __future__ import annotations

import logging
import os
import random
import socket
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from bot.proactive.alert_sender import AlertSender, SendPolicy, SendReport
from services.persistence.conversations import StoredReference
from services.records import DueDelivery
from tests.fakes.adapter import FakeAdapter, HttpFailure
from tests.fakes.clocks import FakeMonotonic, FakeWallClock
from tests.fakes.unit_of_work import FakeUnitOfWorkFactory
from tests.unit.test_cards import bundled_catalog

NOW = datetime(2026, 11, 21, 8, 0, tzinfo=timezone.utc)
MOVED = {
    "cause": "msa_moved", "person": "u-ben", "person_name": "Ben Weber", "code": "AZ-104", "codes": ["AZ-104"], "msa": "ben@outlook.example",
    "metric": None, "when": datetime(2026, 11, 20, 23, 30, tzinfo=timezone.utc).isoformat(), "current": None, "required": None,
    "levels": [{"competency": "cloud-platform", "level": "silver", "option": "azure-consumption", "current": None, "required": None, "fix": None}],
    "membership": "silver", "membership_at_risk": True, "renewal_at_risk": True, "expires_on": "2027-01-20", "names": {},
}


class Middle(random.Random):
    """The backoff's jitter at its middle (× 1.0), so a delay is exact."""

    def uniform(self, a: float, b: float) -> float:
        return (a + b) / 2


class World:
    """An outbox on the fake unit of work, a fake adapter, and the sender's three clocks."""

    def __init__(self, *script: Exception, policy: SendPolicy | None = None, unreachable: Exception | None = None):
        self.uows = FakeUnitOfWorkFactory(bundled_catalog())
        self.adapter = FakeAdapter(*script, unreachable=unreachable)
        self.clock = FakeWallClock(NOW)
        self.monotonic = FakeMonotonic()
        self.sender = AlertSender(
            self.uows, self.adapter, "bot-id", self.clock, policy or SendPolicy(),  # type: ignore[arg-type]
            monotonic=self.monotonic, sleep=self.monotonic.sleep, jitter=Middle(0),
        )

    def queue(self, user: str = "ada", conversation: str = "a:ada", tenant: str = "tenant", locale: str | None = "en-US", zone: str | None = None, due: datetime = NOW) -> int:
        reference = {"channelId": "msteams", "serviceUrl": "https://smba.trafficmanager.net/emea/", "conversation": {"id": conversation}}
        self.uows.conversations.references[(user, conversation)] = StoredReference("{}", True, locale, zone, NOW, None)
        delivery = DueDelivery(0, user, conversation, tenant, "contoso", "Contoso", reference, locale, zone, "renewal_at_risk", MOVED, 0)
        return self.uows.outbox.add_due(delivery, due)

    def row(self, delivery_id: int) -> dict[str, Any]:
        return self.uows.outbox.states[delivery_id]

    def states(self) -> list[tuple[str, str | None]]:
        return [(row["state"], row["last_status"]) for _, row in sorted(self.uows.outbox.states.items())]


def texts(adapter: FakeAdapter) -> list[str]:
    return [activity.attachments[0].content["fallbackText"] for activity in adapter.delivered]


async def test_a_delivery_is_sent_once_in_the_recipients_language_and_zone_and_recorded_as_sent():
    world = World()
    first = world.queue("ada", "a:ada", locale="de-DE", zone="Europe/Berlin")
    second = world.queue("bob", "a:bob", locale="en-US", zone=None)

    report = await world.sender.send_due()

    assert report == SendReport(sent=2, statuses={"201": 2})
    assert world.adapter.conversations == ["a:ada", "a:bob"] and world.adapter.bot_ids == ["bot-id", "bot-id"]
    german, english = (text.split("\n")[2] for text in texts(world.adapter))
    assert german.endswith("zählt seit dem 21.11.2026 für eine andere Organisation")  # 00:30 in Berlin
    assert english.endswith("counts for another organisation since Nov 20, 2026")  # no zone: UTC
    for delivery_id in (first, second):
        assert {k: world.row(delivery_id)[k] for k in ("state", "sent_at", "last_status", "lease_until", "attempts")} == {
            "state": "sent", "sent_at": NOW, "last_status": "201", "lease_until": None, "attempts": 1,
        }
    assert await world.sender.send_due() == SendReport()  # nothing is sent twice


async def test_a_retryable_status_with_retry_after_waits_exactly_that_long_on_the_senders_clock():
    world = World(HttpFailure(429, {"Retry-After": "7"}))
    delivery_id = world.queue()

    first = await world.sender.send_due()
    world.clock.advance(6.999)
    too_early = await world.sender.send_due()
    world.clock.advance(0.001)
    on_time = await world.sender.send_due()

    assert first == SendReport(retried=1, statuses={"429": 1})
    assert too_early == SendReport()
    assert on_time == SendReport(sent=1, statuses={"201": 1})
    assert world.adapter.attempts == 2 and world.row(delivery_id)["attempts"] == 2


@pytest.mark.parametrize("status", [429, 412, 502, 503, 504])
async def test_each_retryable_status_takes_its_retry_after(status):
    world = World(HttpFailure(status, {"Retry-After": "42"}))
    delivery_id = world.queue()

    await world.sender.send_due()

    assert world.row(delivery_id)["next_attempt_at"] == NOW + timedelta(seconds=42)
    assert (world.row(delivery_id)["state"], world.row(delivery_id)["last_status"], world.row(delivery_id)["lease_until"]) == ("pending", str(status), None)


async def test_a_retry_after_on_a_status_that_is_not_retryable_is_ignored_for_the_backoff(caplog):
    world = World(HttpFailure(500, {"Retry-After": "42"}), HttpFailure(500), policy=SendPolicy(backoff_base=3.0))
    delivery_id = world.queue()

    with caplog.at_level(logging.WARNING, logger="bot.proactive.alert_sender"):
        await world.sender.send_due()
    [warning] = caplog.records
    assert (warning.getMessage(), warning.delivery, warning.exc_info[1].response.status_code) == ("alert send failed; will retry", delivery_id, 500)  # type: ignore[attr-defined, index, union-attr]
    assert world.row(delivery_id)["next_attempt_at"] == NOW + timedelta(seconds=3)  # attempt 1: the base
    world.clock.advance(3)
    await world.sender.send_due()
    assert world.row(delivery_id)["next_attempt_at"] == NOW + timedelta(seconds=3 + 6)  # attempt 2: twice the base


async def test_a_retryable_status_without_retry_after_backs_off(caplog):
    world = World(HttpFailure(503), policy=SendPolicy(backoff_base=2.0))
    delivery_id = world.queue()

    with caplog.at_level(logging.WARNING, logger="bot.proactive.alert_sender"):
        report = await world.sender.send_due()

    assert caplog.records == []  # Teams said "later": not worth a warning
    assert report == SendReport(retried=1, statuses={"503": 1})
    assert world.row(delivery_id)["next_attempt_at"] == NOW + timedelta(seconds=2)


async def test_a_connector_that_cannot_be_reached_or_a_send_that_breaks_is_retried_under_the_errors_name():
    unreachable = World(unreachable=OSError("no route to the connector"), policy=SendPolicy(backoff_base=5.0))
    broken = World(ValueError("bad activity"), policy=SendPolicy(backoff_base=5.0))
    for world in (unreachable, broken):
        world.queue()

    assert await unreachable.sender.send_due() == SendReport(retried=1, statuses={"OSError": 1})
    assert await broken.sender.send_due() == SendReport(retried=1, statuses={"ValueError": 1})
    assert unreachable.row(1)["next_attempt_at"] == broken.row(1)["next_attempt_at"] == NOW + timedelta(seconds=5)


async def test_the_sender_gives_up_after_max_attempts_and_sends_no_more(caplog):
    world = World(*(HttpFailure(503, {"Retry-After": "5"}) for _ in range(4)), policy=SendPolicy(max_attempts=3))
    delivery_id = world.queue()

    reports = []
    for _ in range(4):
        with caplog.at_level(logging.ERROR, logger="bot.proactive.alert_sender"):
            reports.append(await world.sender.send_due())
        world.clock.advance(5)

    assert [(r.sent, r.retried, r.dead) for r in reports] == [(0, 1, 0), (0, 1, 0), (0, 0, 1), (0, 0, 0)]
    assert (world.row(delivery_id)["state"], world.row(delivery_id)["last_status"], world.row(delivery_id)["attempts"]) == ("dead", "gave up: 503", 3)
    assert world.adapter.attempts == 3 and world.adapter.delivered == []
    assert [(r.getMessage(), r.delivery, r.status) for r in caplog.records] == [("alert given up after 3 attempts", delivery_id, "503")]  # type: ignore[attr-defined]
    assert world.uows.conversations.references[("ada", "a:ada")].dead_at is None  # the conversation is still there


async def test_the_last_attempt_that_succeeds_is_sent():
    world = World(HttpFailure(503, {"Retry-After": "5"}), HttpFailure(503, {"Retry-After": "5"}), policy=SendPolicy(max_attempts=3))
    world.queue()

    for _ in range(3):
        await world.sender.send_due()
        world.clock.advance(5)

    assert world.states() == [("sent", "201")] and world.adapter.attempts == 3


@pytest.mark.parametrize("status", [403, 404])
async def test_a_conversation_gone_is_dead_with_every_alert_to_it_and_the_others_still_go_out(status, caplog):
    world = World(HttpFailure(status))
    for _ in range(3):
        world.queue("ada", "a:ada")
    world.queue("bob", "a:bob")

    with caplog.at_level(logging.WARNING, logger="bot.proactive.alert_sender"):
        report = await world.sender.send_due()
    again = await world.sender.send_due()

    assert report == SendReport(sent=1, dead=3, statuses={str(status): 1, "201": 1})
    assert world.states() == [("dead", str(status)), ("dead", "conversation gone"), ("dead", "conversation gone"), ("sent", "201")]
    assert world.adapter.attempts == 2 and world.adapter.conversations == ["a:bob"]
    assert world.uows.conversations.references[("ada", "a:ada")].dead_at == NOW
    assert world.uows.conversations.references[("bob", "a:bob")].dead_at is None
    assert again == SendReport()
    assert [(r.getMessage(), r.user, r.status) for r in caplog.records] == [("conversation gone; no more alerts to it", "ada", status)]  # type: ignore[attr-defined]


async def test_a_row_another_sender_took_over_is_not_sent():
    """The eighth send to one conversation waits a second (7 per 1 s); meanwhile this sender's
    lease ran out and another sender claimed the row: renewing the claim fails, nothing is sent."""
    world = World()
    ids = [world.queue() for _ in range(8)]

    async def another_sender_takes_the_last_row(seconds: float) -> None:
        world.row(ids[-1]).update(claimed_by="another sender")
        await FakeMonotonic.sleep(world.monotonic, seconds)

    world.sender.throttle._sleep = another_sender_takes_the_last_row
    report = await world.sender.send_due()

    assert report == SendReport(sent=7, statuses={"201": 7, "lost claim": 1})
    assert world.adapter.attempts == 7
    assert world.monotonic.slept == [1.0]
    assert (world.row(ids[-1])["state"], world.row(ids[-1])["claimed_by"]) == ("claimed", "another sender")


async def test_the_claim_is_renewed_for_a_whole_lease_just_before_the_send():
    world = World(policy=SendPolicy(lease=timedelta(minutes=7)))
    delivery_id = world.queue()
    leases: list[datetime] = []

    async def looks_at_the_lease(reference: Any, callback: Any, bot_id: str) -> None:
        leases.append(world.row(delivery_id)["lease_until"])

    world.clock.now = NOW
    world.adapter.continue_conversation = looks_at_the_lease  # type: ignore[method-assign]
    original = world.sender.throttle.acquire

    async def time_passes_while_throttled(conversation_id: str, tenant_id: str) -> None:
        await original(conversation_id, tenant_id)
        world.clock.advance(60)

    world.sender.throttle.acquire = time_passes_while_throttled  # type: ignore[method-assign]
    await world.sender.send_due()

    assert leases == [NOW + timedelta(minutes=1 + 7)]  # renewed at the send, not left at the claim's


async def test_teams_windows_hold_per_conversation():
    world = World()
    for _ in range(9):
        world.queue("ada", "a:ada")

    report = await world.sender.send_due()

    assert report.sent == 9
    assert world.monotonic.slept == [1.0, 1.0]  # the 8th waits for the 1 s window; the 9th for the 2 s window (8 per 2 s)


async def test_the_tenant_rate_holds_across_conversations_of_one_tenant_only():
    world = World(policy=SendPolicy(tenant_rate_per_second=2))
    for n in range(3):
        world.queue(f"user-{n}", f"a:{n}", tenant="contoso")
    world.queue("other", "a:other", tenant="fabrikam")

    report = await world.sender.send_due()

    assert report.sent == 4
    assert world.monotonic.slept == [1.0]  # the third of Contoso's waits; Fabrikam's does not


async def test_due_deliveries_go_out_in_batches_until_none_is_left_or_the_batches_asked_for_are_done():
    world = World(policy=SendPolicy(batch_size=2))
    for n in range(5):
        world.queue(f"user-{n}", f"a:{n}")
    world.queue("later", "a:later", due=NOW + timedelta(hours=1))

    two_batches = await world.sender.send_due(max_batches=2)
    the_rest = await world.sender.send_due()

    assert (two_batches.sent, the_rest.sent) == (4, 1)
    assert [state for state, _ in world.states()] == ["sent"] * 5 + ["pending"]  # not yet due


async def test_one_conversations_alerts_go_out_in_order():
    world = World()
    for n in range(3):
        world.queue("ada", "a:ada", locale=("en-US", "de-DE", "en-US")[n])

    await world.sender.send_due()

    assert [text.split("\n")[0] for text in texts(world.adapter)] == ["Competency alert for Contoso", "Kompetenzhinweis für Contoso", "Competency alert for Contoso"]


async def test_each_conversation_and_each_tenant_has_windows_of_its_own():
    """Eight conversations of one tenant send at once (7 per 1 s is per conversation); two tenants at
    a rate of 2 send two each at once (the rate is per tenant)."""
    conversations = World()
    for n in range(8):
        conversations.queue(f"user-{n}", f"a:{n}")
    tenants = World(policy=SendPolicy(tenant_rate_per_second=2))
    for n, tenant in enumerate(("contoso", "contoso", "fabrikam", "fabrikam")):
        tenants.queue(f"user-{n}", f"a:{n}", tenant=tenant)

    assert (await conversations.sender.send_due()).sent == 8
    assert (await tenants.sender.send_due()).sent == 4
    assert conversations.monotonic.slept == tenants.monotonic.slept == []


async def test_every_outcome_of_a_batch_is_counted():
    world = World(HttpFailure(403), HttpFailure(404), HttpFailure(503), HttpFailure(429, {"Retry-After": "1"}), policy=SendPolicy(max_attempts=1))
    gone = World(HttpFailure(403), HttpFailure(404))
    retried = World(HttpFailure(503), HttpFailure(502))
    for n in range(4):
        world.queue(f"user-{n}", f"a:{n}")
    for w in (gone, retried):
        for n in range(2):
            w.queue(f"user-{n}", f"a:{n}")

    assert await world.sender.send_due() == SendReport(dead=4, statuses={"403": 1, "404": 1, "503": 1, "429": 1})  # two gone, two given up
    assert await gone.sender.send_due() == SendReport(dead=2, statuses={"403": 1, "404": 1})
    assert await retried.sender.send_due() == SendReport(retried=2, statuses={"503": 1, "502": 1})


async def test_a_lost_claim_is_counted_each_time_and_the_conversations_next_alert_still_goes_out():
    world = World()
    ids = [world.queue() for _ in range(9)]
    other = [world.queue("bob", "a:bob") for _ in range(8)]

    async def other_senders_take_rows(seconds: float) -> None:
        for delivery_id in (ids[7], other[7]):
            world.row(delivery_id).update(claimed_by="another sender")
        await FakeMonotonic.sleep(world.monotonic, seconds)

    world.sender.throttle._sleep = other_senders_take_rows
    report = await world.sender.send_due()

    assert report == SendReport(sent=15, statuses={"201": 15, "lost claim": 2})
    assert world.row(ids[8])["state"] == "sent"  # after a lost claim the conversation is not given up


async def test_a_retry_after_given_as_an_http_date_is_counted_from_the_senders_clock():
    in_ninety_seconds = "Sat, 21 Nov 2026 08:01:30 GMT"  # NOW + 90 s
    world = World(HttpFailure(429, {"Retry-After": in_ninety_seconds}))
    delivery_id = world.queue()

    await world.sender.send_due()

    assert world.row(delivery_id)["next_attempt_at"] == NOW + timedelta(seconds=90)


def test_each_sender_claims_under_a_name_of_its_own_host_process_and_instance():
    first, second = World().sender, World().sender

    assert first.worker.startswith(f"{socket.gethostname()}-{os.getpid()}-")
    assert len(first.worker.rsplit("-", 1)[1]) == 6 and first.worker != second.worker


async def test_an_alert_is_worded_at_the_senders_moment_a_leaver_still_to_leave_is_leaving():
    world = World()
    leaving = {**MOVED, "cause": "leaver", "code": None, "codes": [], "msa": None, "when": (NOW + timedelta(days=30)).isoformat()}
    reference = {"channelId": "msteams", "serviceUrl": "https://smba.trafficmanager.net/emea/", "conversation": {"id": "a:ada"}}
    world.uows.conversations.references[("ada", "a:ada")] = StoredReference("{}", True, "en-US", None, NOW, None)
    world.uows.outbox.add_due(DueDelivery(0, "ada", "a:ada", "tenant", "contoso", "Contoso", reference, "en-US", None, "renewal_at_risk", leaving, 0), NOW)

    await world.sender.send_due()
    world.clock.advance(31 * 24 * 3600)
    world.uows.outbox.add_due(DueDelivery(0, "ada", "a:ada", "tenant", "contoso", "Contoso", reference, "en-US", None, "renewal_at_risk", leaving, 0), world.clock.now)
    await world.sender.send_due()

    assert [text.split("\n")[2] for text in texts(world.adapter)] == ["What changed: Ben Weber leaves on Dec 21, 2026", "What changed: Ben Weber left on Dec 21, 2026"]
