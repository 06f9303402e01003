"""Teams' send limits (bot/proactive/throttle.py), on an injected clock: per conversation 7 sends per 1 s,
8 per 2 s, 60 per 30 s and 1,800 per hour; per tenant the configured rate per second."""

from __future__ import annotations

from bot.proactive.throttle import CONVERSATION_WINDOWS, SlidingWindows, Throttle
from tests.fakes.clocks import FakeMonotonic as FakeClock


def conversation_windows(clock: FakeClock) -> SlidingWindows:
    return SlidingWindows(CONVERSATION_WINDOWS, clock)


def send_at(windows: SlidingWindows, clock: FakeClock, times: list[float], key: str = "a:1") -> None:
    for moment in times:
        clock.now = moment
        assert windows.delay(key) == 0, f"a send at {moment} s should fit"
        windows.record(key)


def test_the_windows_are_teams_documented_limits():
    assert CONVERSATION_WINDOWS == ((1.0, 7), (2.0, 8), (30.0, 60), (3600.0, 1800))


def test_seven_sends_fit_in_one_second_and_the_eighth_waits_for_the_first_to_leave_it():
    clock = FakeClock()
    windows = conversation_windows(clock)
    send_at(windows, clock, [0.0] * 7)

    assert windows.delay("a:1") == 1.0
    clock.now = 0.999
    assert round(windows.delay("a:1"), 9) == 0.001
    clock.now = 1.0
    assert windows.delay("a:1") == 0


def test_eight_sends_in_two_seconds_make_the_ninth_wait():
    clock = FakeClock()
    windows = conversation_windows(clock)
    send_at(windows, clock, [0.0] * 7 + [1.0])  # 7 in the first second, the 8th once it has passed

    assert windows.delay("a:1") == 1.0  # the 2 s window holds 8 until the sends at 0 s leave it
    clock.now = 1.5
    assert windows.delay("a:1") == 0.5


def test_sixty_sends_in_thirty_seconds_make_the_sixty_first_wait():
    clock = FakeClock()
    windows = conversation_windows(clock)
    send_at(windows, clock, [i * 0.5 for i in range(60)])  # two a second: within the 1 s and 2 s limits

    assert clock.now == 29.5
    assert windows.delay("a:1") == 0.5


def test_eighteen_hundred_sends_in_an_hour_make_the_next_wait():
    clock = FakeClock()
    windows = conversation_windows(clock)
    send_at(windows, clock, [i * 2.0 for i in range(1800)])  # 15 per 30 s: within the shorter limits

    assert clock.now == 3598.0
    assert windows.delay("a:1") == 2.0


def test_each_conversation_has_its_own_windows():
    clock = FakeClock()
    windows = conversation_windows(clock)
    send_at(windows, clock, [0.0] * 7, key="a:1")

    assert (windows.delay("a:1"), windows.delay("a:2")) == (1.0, 0)


def test_events_older_than_the_longest_window_are_forgotten():
    clock = FakeClock()
    windows = conversation_windows(clock)
    send_at(windows, clock, [0.0] * 7)
    clock.now = 3600.0

    assert windows.delay("a:1") == 0
    assert len(windows._events["a:1"]) == 0


async def test_the_tenant_rate_holds_across_conversations_and_acquire_waits_it_out():
    clock = FakeClock()
    throttle = Throttle(3, clock, clock.sleep)

    for n in range(3):
        await throttle.acquire(f"a:{n}", "tenant")
    await throttle.acquire("a:3", "tenant")  # a fourth conversation, same tenant: waits a second
    await throttle.acquire("a:0", "other tenant")  # another tenant's limit is its own

    assert clock.slept == [1.0]
    assert clock.now == 1.0


async def test_acquire_waits_for_the_conversation_windows_too():
    clock = FakeClock()
    throttle = Throttle(1000, clock, clock.sleep)

    for _ in range(9):
        await throttle.acquire("a:1", "tenant")

    assert clock.slept == [1.0, 1.0]  # the 8th after the 1 s window, the 9th after the 2 s one
    assert clock.now == 2.0


def test_a_fractional_tenant_rate_allows_its_whole_part_and_never_less_than_one():
    clock = FakeClock()

    assert Throttle(2.5, clock).tenants.windows == ((1.0, 2),)
    assert Throttle(0.2, clock).tenants.windows == ((1.0, 1),)
