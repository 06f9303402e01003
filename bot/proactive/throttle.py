"""Teams' documented send limits, enforced before every proactive send.

Per conversation: 7 sends per 1 s, 8 per 2 s, 60 per 30 s, 1,800 per hour. Per tenant: a global
rate (50 per second by default). Each sender process keeps its own windows."""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable, Sequence

CONVERSATION_WINDOWS: tuple[tuple[float, int], ...] = ((1.0, 7), (2.0, 8), (30.0, 60), (3600.0, 1800))


class SlidingWindows:
    def __init__(self, windows: Sequence[tuple[float, int]], clock: Callable[[], float] = time.monotonic):
        self.windows = tuple(windows)
        self.clock = clock
        self._events: dict[str, deque[float]] = defaultdict(deque)
        self._longest = max(span for span, _ in self.windows)

    def delay(self, key: str) -> float:
        """Seconds to wait before one more event for `key` keeps every window within its limit."""
        now = self.clock()
        events = self._events[key]
        while events and events[0] <= now - self._longest:
            events.popleft()
        wait = 0.0
        for span, limit in self.windows:
            inside = [t for t in events if t > now - span] if len(events) >= limit else ()
            if len(inside) >= limit:
                wait = max(wait, inside[-limit] + span - now)
        return wait

    def record(self, key: str) -> None:
        self._events[key].append(self.clock())


class Throttle:
    def __init__(
        self,
        tenant_rate_per_second: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ):
        self.conversations = SlidingWindows(CONVERSATION_WINDOWS, clock)
        self.tenants = SlidingWindows(((1.0, max(1, int(tenant_rate_per_second))),), clock)
        self._sleep = sleep

    async def acquire(self, conversation_id: str, tenant_id: str) -> None:
        """Wait until one more send fits both limits, then count it. No await between the check and
        the count, so concurrent tasks of one event loop cannot both take the last place."""
        while True:
            wait = max(self.conversations.delay(conversation_id), self.tenants.delay(tenant_id))
            if wait <= 0:
                self.conversations.record(conversation_id)
                self.tenants.record(tenant_id)
                return
            await self._sleep(wait)
