"""Clocks that move only when a test moves them: the throttle's monotonic seconds (a sleep on it
advances it at once) and the outbox's wall clock."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any


class FakeMonotonic:
    """Monotonic seconds that move only when told to, or when someone sleeps (the sleep returns at
    once, the clock having moved by the time slept)."""

    def __init__(self, now: float = 0.0) -> None:
        self.now = now
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class FakeWallClock:
    """The wall clock a use case or the sender reads (`clock()` → an aware datetime)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def sender_pacing(monotonic: FakeMonotonic | None = None, seed: int = 0) -> dict[str, Any]:
    """The keyword arguments `AlertSender` takes for pacing, on a fake monotonic clock and a seeded
    random source: throttle waits cost no real time and the backoff's jitter is reproducible."""
    monotonic = monotonic or FakeMonotonic()
    return {"monotonic": monotonic, "sleep": monotonic.sleep, "jitter": random.Random(seed)}
