"""How the alert sender reads a failed send (bot/proactive/alert_sender.py): the status, and Retry-After in
seconds or as an HTTP date counted from the sender's clock; what is retried, what is gone for good."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import format_datetime
from types import SimpleNamespace

import pytest

from bot.proactive.alert_sender import GONE, RETRYABLE, AlertSender, SendPolicy, status_of

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


@pytest.mark.parametrize(("attempts", "low", "high"), [(1, 0.8, 1.2), (2, 1.6, 2.4), (4, 6.4, 9.6), (30, 480.0, 720.0)])
def test_the_backoff_doubles_per_attempt_with_a_fifth_of_jitter_up_to_its_cap(attempts, low, high):
    sender = AlertSender.__new__(AlertSender)
    sender.policy = SendPolicy(backoff_base=1.0, backoff_cap=600.0)

    delays = [sender._backoff(attempts) for _ in range(200)]

    assert low <= min(delays) and max(delays) <= high
    assert max(delays) - min(delays) > (high - low) / 2  # jittered, not fixed


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
        AlertSender(None, adapter_with(5.0, 20.0), "bot", lambda: NOW, SendPolicy(lease=timedelta(seconds=25)))  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"lease \(1 s\).*3 s"):
        AlertSender(None, adapter_with(1.0, 2.0), "bot", lambda: NOW, SendPolicy(lease=timedelta(seconds=1)))  # type: ignore[arg-type]

    accepted = AlertSender(None, adapter_with(5.0, 20.0), "bot", lambda: NOW, SendPolicy(lease=timedelta(seconds=25.5)))  # type: ignore[arg-type]
    assert accepted.policy.lease == timedelta(seconds=25.5)
    AlertSender(None, SimpleNamespace(), "bot", lambda: NOW, SendPolicy())  # type: ignore[arg-type]  # default limits: 25 s < 5 min
    with pytest.raises(ValueError):
        AlertSender(None, SimpleNamespace(), "bot", lambda: NOW, SendPolicy(lease=timedelta(seconds=10)))  # type: ignore[arg-type]


def test_the_bots_sender_leases_five_minutes_or_twice_a_send_when_the_timeouts_are_longer():
    from bot.bootstrap import build_sender
    from services.settings import Settings

    def lease_for(**timeouts: float) -> timedelta:
        settings = Settings(DATABASE_URL="sqlite+aiosqlite://", **timeouts)
        services = SimpleNamespace(settings=settings, uows=None, clock=lambda: NOW)
        return build_sender(services, SimpleNamespace(), None).policy.lease  # type: ignore[arg-type]

    assert lease_for() == timedelta(minutes=5)
    assert lease_for(CONNECTOR_CONNECT_TIMEOUT_SECONDS=5.0, CONNECTOR_READ_TIMEOUT_SECONDS=600.0) == timedelta(seconds=1210)
