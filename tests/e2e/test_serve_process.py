"""`competency-bot serve` as the operator runs it: a real process on a free port over a fresh SQLite
file, answering `/healthz` and a message, and stopping cleanly on SIGTERM (SPEC 4.2-4.4)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import aiohttp
import pytest

from dialogs.messages import text
from tests.e2e.fakes import TeamsUser, free_port

# Bounds, not timing assertions: they only stop a test whose process never comes up or never stops.
# Start-up took 29-32 s at load 15 on the shared 2-core machine (a 15 s deadline flaked there).
STARTUP_BOUND_SECONDS = 120
STOP_BOUND_SECONDS = 60
SETTINGS = ("DATABASE_URL", "PORT", "HOST", "MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppType", "MicrosoftAppTenantId", "OAUTH_URL", "GRAPH_URL")


def command() -> list[str]:
    script = Path(sys.executable).with_name("competency-bot")
    return [str(script), "serve"] if script.exists() else [sys.executable, "-m", "bot", "serve"]


async def wait_until_healthy(session: aiohttp.ClientSession, url: str, process: subprocess.Popen, log: Path) -> dict:
    """Waits for readiness (/healthz answering 200, which `serve` does once it printed "listening"),
    as long as the process runs, up to STARTUP_BOUND_SECONDS; a failure shows the end of its log."""
    deadline = time.monotonic() + STARTUP_BOUND_SECONDS
    while True:
        assert process.poll() is None, f"serve exited early with {process.returncode}:\n{_tail(log)}"
        try:
            async with session.get(f"{url}/healthz") as response:
                if response.status == 200:
                    return await response.json()
        except aiohttp.ClientConnectionError:
            pass
        assert time.monotonic() < deadline, f"serve did not answer /healthz within {STARTUP_BOUND_SECONDS} s:\n{_tail(log)}"
        await asyncio.sleep(0.1)


def _tail(log: Path) -> str:
    return log.read_text(errors="replace")[-2000:] if log.exists() else "(no log)"


async def test_serve_answers_over_http_and_exits_0_on_sigterm(tmp_path, connector, teams):
    port = free_port()
    environment = {k: v for k, v in os.environ.items() if k not in SETTINGS}
    environment.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}", PORT=str(port), HOST="127.0.0.1", ALERT_SCAN_INTERVAL_SECONDS="0")
    log = tmp_path / "serve.log"
    stranger = TeamsUser("29:stranger", "aad-nobody", "tenant-nobody")

    with log.open("wb") as output:
        process = subprocess.Popen(command(), env=environment, stdout=output, stderr=subprocess.STDOUT, cwd=tmp_path)
    try:
        url = f"http://127.0.0.1:{port}"
        health = await wait_until_healthy(teams.session, url, process, log)
        replies = await teams.say(url, stranger, "hello")

        process.send_signal(signal.SIGTERM)
        exit_code = await asyncio.to_thread(process.wait, STOP_BOUND_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    output = log.read_text()
    assert health == {"status": "ok", "database": "ok"}
    assert [d.text for d in replies] == [text("en", "not_registered")]  # an empty database knows nobody
    assert exit_code == 0, output
    assert f"listening on http://127.0.0.1:{port}" in output and output.count("listening") == 1
    assert "Traceback" not in output


# --- the start-up wait itself, on a fake clock: a bound for a process that never comes up, not a timing assertion


class SlowStart:
    """A `serve` that answers /healthz only after `ready_after` seconds of (fake) time, as on a machine
    at load 15 (29-32 s were seen), and the module's clock and sleep moved by hand."""

    def __init__(self, ready_after: float):
        self.now = 1000.0
        self.ready_at = self.now + ready_after
        self.returncode: int | None = None

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds

    def poll(self) -> int | None:
        return self.returncode

    def get(self, url: str):
        return _Answer(self.now >= self.ready_at)


class _Answer:
    def __init__(self, up: bool):
        self.up = up
        self.status = 200

    async def __aenter__(self):
        if not self.up:
            raise aiohttp.ClientConnectionError("connection refused")
        return self

    async def __aexit__(self, *exc) -> None:
        return None

    async def json(self) -> dict:
        return {"status": "ok", "database": "ok"}


def fake_time(monkeypatch, start: SlowStart) -> None:
    import tests.e2e.test_serve_process as module

    monkeypatch.setattr(module, "time", SimpleNamespace(monotonic=start.monotonic))
    monkeypatch.setattr(module, "asyncio", SimpleNamespace(sleep=start.sleep, to_thread=asyncio.to_thread))


async def test_a_start_up_that_takes_32_s_under_load_is_waited_for(monkeypatch, tmp_path):
    start = SlowStart(ready_after=32)
    fake_time(monkeypatch, start)

    health = await wait_until_healthy(start, "http://127.0.0.1:1", start, tmp_path / "serve.log")  # type: ignore[arg-type]

    assert health == {"status": "ok", "database": "ok"}
    assert start.now >= start.ready_at


async def test_a_process_that_never_answers_is_given_up_on_after_the_bound_and_its_log_shown(monkeypatch, tmp_path):
    start = SlowStart(ready_after=10_000)
    fake_time(monkeypatch, start)
    (tmp_path / "serve.log").write_text("stuck migrating\n")

    with pytest.raises(AssertionError, match=r"(?s)within 120 s.*stuck migrating"):
        await wait_until_healthy(start, "http://127.0.0.1:1", start, tmp_path / "serve.log")  # type: ignore[arg-type]


async def test_a_process_that_exits_during_start_up_fails_at_once_with_its_code_and_log(monkeypatch, tmp_path):
    start = SlowStart(ready_after=32)
    start.returncode = 2
    fake_time(monkeypatch, start)
    (tmp_path / "serve.log").write_text("competency-bot: error: HOST is not a loopback address\n")

    with pytest.raises(AssertionError, match=r"(?s)exited early with 2.*not a loopback address"):
        await wait_until_healthy(start, "http://127.0.0.1:1", start, tmp_path / "serve.log")  # type: ignore[arg-type]
    assert start.now == 1000.0  # no waiting at all
