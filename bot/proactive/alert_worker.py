"""Inside `serve`: scan for alert causes every ALERT_SCAN_INTERVAL_SECONDS (0: never) and send due
alerts whenever woken (after an MSA link) or every few seconds."""

from __future__ import annotations

import asyncio
import contextlib
import logging

from bot.proactive.alert_sender import AlertSender
from services.alert_scan import scan_alerts
from services.assistant import Clock
from services.outbox import next_due_at
from services.persistence.unit_of_work import UnitOfWorkFactory

logger = logging.getLogger(__name__)


class AlertWorker:
    def __init__(self, uows: UnitOfWorkFactory, sender: AlertSender, clock: Clock, scan_interval: float, poll_interval: float = 5.0):
        self.uows = uows
        self.sender = sender
        self.clock = clock
        self.scan_interval = scan_interval
        self.poll_interval = poll_interval
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._tasks: list[asyncio.Task] = []

    def wake(self) -> None:
        self._wake.set()

    def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._send_loop(), name="alert-sender"))
        if self.scan_interval > 0:
            self._tasks.append(asyncio.create_task(self._scan_loop(), name="alert-scan"))

    async def stop(self, grace: float = 10.0) -> None:
        """Let the loops finish the send or scan in hand, then end. Cancelling them mid-query would
        leave a database connection half made (aiosqlite's worker thread then calls into a closed
        loop). Only a loop still busy after `grace` seconds is cancelled."""
        self._stopping.set()
        self._wake.set()
        if self._tasks:
            _, late = await asyncio.wait(self._tasks, timeout=grace)
            for task in late:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        self._tasks.clear()

    async def _pause(self, seconds: float) -> None:
        """Sleep until woken, stopped, or `seconds` have passed."""
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._wake.wait(), seconds)

    async def drain(self, timeout: float) -> None:
        """Send what is due, and wait out short retries until `timeout` seconds have passed."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            await self.sender.send_due()
            due = await next_due_at(self.uows)
            if due is None:
                return
            wait = (due - self.clock()).total_seconds()
            if loop.time() + wait > deadline:
                return
            await asyncio.sleep(max(0.0, wait))

    async def _send_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                await self.drain(timeout=self.poll_interval)
            except Exception:
                logger.exception("sending alerts failed; trying again shortly")
            if self._stopping.is_set():
                return
            self._wake.clear()
            await self._pause(self.poll_interval)

    async def _scan_loop(self) -> None:
        while not self._stopping.is_set():
            try:
                report = await scan_alerts(self.uows, self.clock(), worker=self.sender.worker)
                if report.queued_deliveries:
                    self.wake()
            except Exception:
                logger.exception("alert scan failed; next scan as scheduled")
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), self.scan_interval)
