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

import aiohttp

from dialogs.messages import text
from tests.e2e.fakes import TeamsUser, free_port

STARTUP_SECONDS = 15
STOP_SECONDS = 5
SETTINGS = ("DATABASE_URL", "PORT", "HOST", "MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppType", "MicrosoftAppTenantId", "OAUTH_URL", "GRAPH_URL")


def command() -> list[str]:
    script = Path(sys.executable).with_name("competency-bot")
    return [str(script), "serve"] if script.exists() else [sys.executable, "-m", "bot", "serve"]


async def wait_until_healthy(session: aiohttp.ClientSession, url: str, process: subprocess.Popen) -> dict:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        assert process.poll() is None, f"serve exited early with {process.returncode}"
        try:
            async with session.get(f"{url}/healthz") as response:
                if response.status == 200:
                    return await response.json()
        except aiohttp.ClientConnectionError:
            pass
        assert time.monotonic() < deadline, f"serve did not answer /healthz within {STARTUP_SECONDS} s"
        await asyncio.sleep(0.05)


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
        health = await wait_until_healthy(teams.session, url, process)
        replies = await teams.say(url, stranger, "hello")

        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        exit_code = await asyncio.to_thread(process.wait, STOP_SECONDS)
        stopped_after = time.monotonic() - started
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()

    output = log.read_text()
    assert health == {"status": "ok", "database": "ok"}
    assert [d.text for d in replies] == [text("en", "not_registered")]  # an empty database knows nobody
    assert exit_code == 0, output
    assert stopped_after < STOP_SECONDS
    assert f"listening on http://127.0.0.1:{port}" in output and output.count("listening") == 1
    assert "Traceback" not in output
