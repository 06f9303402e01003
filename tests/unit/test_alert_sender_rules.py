"""How the alert sender reads a failed send (bot/proactive/alert_sender.py): the status, and Retry-After in
seconds or as an HTTP date counted from the sender's clock; what is retried, what is gone for good."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from types import SimpleNamespace

import pytest

from bot.proactive.alert_sender import GONE, RETRYABLE, AlertSender, SendPolicy, status_of
from tests.fakes.clocks import sender_pacing

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


def failure(status: int | None = None, headers: dict | None = None, attribute: str = "status_code") -> Exception:
    error = Exception("send failed")
    error.response = SimpleNamespace(**{attribute: status, "headers": headers or {}})  # type: ignore[attr-defined]
    return error


def test_retry_after_in_seconds_is_read_as_seconds():
    assert status_of(failure(429, {"Retry-After": "7"}), NOW) == (429, 7.0)
    assert status_of(failure(503, {"Retry-After": "1.5"}), NOW) == (503, 1.5)
    assert status_of(failure(429, {"Retry-After": "-3"}), NOW) == (429, 0.0)


def test_retry_after_as_an_http_date_is_the_time_from_the_senders_clock_until_then():
    in_two_minutes = format_datetime(NOW + timedelta(seconds=120), usegmt=True)  # "Sat, 21 Nov 2026 12:02:00 GMT"

    assert status_of(failure(429, {"Retry-After": in_two_minutes}), NOW) == (429, 120.0)
    assert status_of(failure(429, {"Retry-After": in_two_minutes}), NOW + timedelta(seconds=30)) == (429, 90.0)
    assert status_of(failure(429, {"Retry-After": in_two_minutes}), NOW + timedelta(minutes=5)) == (429, 0.0)  # already past


def test_an_unreadable_retry_after_or_none_at_all_leaves_the_wait_to_the_backoff():
    assert status_of(failure(429, {"Retry-After": "soon"}), NOW) == (429, None)
    assert status_of(failure(502), NOW) == (502, None)
    assert status_of(failure(404, attribute="status"), NOW) == (404, None)  # aiohttp names it `status`
    assert status_of(Exception("no route to the connector"), NOW) == (None, None)


def test_what_is_retried_and_what_means_the_conversation_is_gone():
    assert {429, 412, 502, 503, 504} == RETRYABLE
    assert {403, 404} == GONE


class Edge(random.Random):
    """A random source whose `uniform(a, b)` answers `a` (`at=0`) or `b` (`at=1`), and records (a, b)."""

    def __init__(self, at: float) -> None:
        super().__init__(0)
        self.at = at
        self.asked: list[tuple[float, float]] = []

    def uniform(self, a: float, b: float) -> float:
        self.asked.append((a, b))
        return a + (b - a) * self.at


def sender_with(policy: SendPolicy, jitter: random.Random) -> AlertSender:
    return AlertSender(None, SimpleNamespace(), "bot", lambda: NOW, policy, **{**sender_pacing(), "jitter": jitter})  # type: ignore[arg-type]


@pytest.mark.parametrize(("attempts", "low", "high"), [(0, 0.8, 1.2), (1, 0.8, 1.2), (2, 1.6, 2.4), (4, 6.4, 9.6), (10, 409.6, 614.4), (11, 480.0, 720.0), (30, 480.0, 720.0)])
def test_the_backoff_doubles_per_attempt_with_a_fifth_of_jitter_either_way_up_to_its_cap(attempts, low, high):
    """R10: base × 2^(attempts − 1), capped at 600 s, then ±20 % drawn from the sender's random source."""
    policy = SendPolicy(backoff_base=1.0, backoff_cap=600.0)
    lowest, highest = Edge(0), Edge(1)

    assert sender_with(policy, lowest)._backoff(attempts) == pytest.approx(low)
    assert sender_with(policy, highest)._backoff(attempts) == pytest.approx(high)
    assert lowest.asked == highest.asked == [(0.8, 1.2)]


def test_the_backoff_scales_with_the_base_and_its_jitter_is_the_injected_sources():
    policy = SendPolicy(backoff_base=0.5, backoff_cap=3.0)

    assert sender_with(policy, Edge(0.5))._backoff(3) == pytest.approx(2.0)  # 0.5 × 2², no jitter at the middle
    assert sender_with(policy, Edge(0.5))._backoff(4) == pytest.approx(3.0)  # 4 s capped at 3 s
    seeded = [sender_with(policy, random.Random(7))._backoff(2) for _ in range(2)]
    assert seeded[0] == seeded[1] == pytest.approx(random.Random(7).uniform(0.8, 1.2))  # same seed, same delay
    assert 0.8 <= seeded[0] <= 1.2


def test_the_default_policy():
    assert SendPolicy() == SendPolicy(50, 8, timedelta(minutes=5), 1.0, 600.0, 12, 50.0)


def adapter_with(connect: float, read: float) -> SimpleNamespace:
    """As far as the sender reads an adapter here: the connector pool's timeouts."""
    from bot.connector.pool import ConnectorLimits

    connectors = SimpleNamespace(limits=ConnectorLimits(connect_timeout=connect, read_timeout=read))
    return SimpleNamespace(bot_framework_authentication=SimpleNamespace(connectors=connectors))


def test_a_lease_no_longer_than_one_send_may_take_is_refused():
    """A send that outlasts its lease lets a second sender take the row over and send it again."""
    with pytest.raises(ValueError, match=r"lease \(25 s\).*connect \+ read timeout, 25 s"):
        AlertSender(None, adapter_with(5.0, 20.0), "bot", lambda: NOW, SendPolicy(lease=timedelta(seconds=25)), **sender_pacing())  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"lease \(1 s\).*3 s"):
        AlertSender(None, adapter_with(1.0, 2.0), "bot", lambda: NOW, SendPolicy(lease=timedelta(seconds=1)), **sender_pacing())  # type: ignore[arg-type]

    accepted = AlertSender(None, adapter_with(5.0, 20.0), "bot", lambda: NOW, SendPolicy(lease=timedelta(seconds=25.5)), **sender_pacing())  # type: ignore[arg-type]
    assert accepted.policy.lease == timedelta(seconds=25.5)
    AlertSender(None, SimpleNamespace(), "bot", lambda: NOW, SendPolicy(), **sender_pacing())  # type: ignore[arg-type]  # default limits: 25 s < 5 min
    with pytest.raises(ValueError):
        AlertSender(None, SimpleNamespace(), "bot", lambda: NOW, SendPolicy(lease=timedelta(seconds=10)), **sender_pacing())  # type: ignore[arg-type]


def test_the_bots_sender_leases_five_minutes_or_twice_a_send_when_the_timeouts_are_longer():
    from bot.bootstrap import build_sender
    from services.settings import Settings

    def lease_for(**timeouts: float) -> timedelta:
        settings = Settings(DATABASE_URL="sqlite+aiosqlite://", **timeouts)
        services = SimpleNamespace(settings=settings, uows=None, clock=lambda: NOW)
        return build_sender(services, SimpleNamespace(), None).policy.lease  # type: ignore[arg-type]

    assert lease_for() == timedelta(minutes=5)
    assert lease_for(CONNECTOR_CONNECT_TIMEOUT_SECONDS=5.0, CONNECTOR_READ_TIMEOUT_SECONDS=600.0) == timedelta(seconds=1210)


def test_retry_after_as_an_http_date_with_no_clock_given_is_counted_from_now():
    seconds = status_of(failure(429, {"Retry-After": "Fri, 01 Jan 2100 00:00:00 GMT"}))[1]

    assert seconds is not None and seconds > 0
