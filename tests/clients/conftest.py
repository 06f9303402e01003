"""Real clients against the real bot: the Node tools in `clients/` (installed by `make test` with
`npm ci`), Debian's Chromium, and the bot itself as a separate `competency-bot serve` process on
loopback in local mode, with the demo data on its own SQLite file."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import pytest

PROJECT = Path(__file__).resolve().parents[2]
CLIENTS = PROJECT / "clients"
NODE_MODULES = CLIENTS / "node_modules"
INSTALLED = NODE_MODULES / ".installed"  # the Makefile's stamp: `npm ci` ran against package-lock.json
ARTIFACTS = PROJECT / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps dialling Google on this closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def node_clients() -> Path:
    """The `clients/` folder once `npm ci` has installed it; `make test` does that first."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed")
    if not INSTALLED.exists():
        pytest.skip(f"the npm clients are not installed: run `make clients` (npm ci in {CLIENTS})")
    return CLIENTS


def run_node(script: str, *args: str, stdin: str | None = None, timeout: float = 60) -> Any:
    """Run one of the scripts in `clients/` and return the JSON it prints."""
    result = subprocess.run(
        ["node", str(CLIENTS / script), *args], input=stdin, capture_output=True, text=True, timeout=timeout, cwd=CLIENTS, check=False
    )
    assert result.returncode == 0, f"{script} failed ({result.returncode}): {result.stderr[-2000:]}"
    return json.loads(result.stdout)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args[0]} exited with {process.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status < 500:
                    return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {seconds} s: {log.read_text(errors='replace')[-2000:]}")


def stop(process: subprocess.Popen, log: IO[Any] | None = None) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    if log is not None:
        log.close()


@dataclass(frozen=True)
class RunningBot:
    url: str  # http://127.0.0.1:PORT
    database_url: str
    environment: dict[str, str]

    @property
    def messages(self) -> str:
        return f"{self.url}/api/messages"


def bot_environment(database_url: str, port: int) -> dict[str, str]:
    """The bot in local mode: no app id (inbound auth off), no periodic alert scan, its own database."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith("Microsoft") and key not in ("OAUTH_URL", "TEST_DATABASE_URL")}
    environment.update(DATABASE_URL=database_url, HOST="127.0.0.1", PORT=str(port), ALERT_SCAN_INTERVAL_SECONDS="0")
    return environment


@pytest.fixture(scope="session")
def running_bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningBot]:
    """`competency-bot demo` then `competency-bot serve`, as `make run` does, on a fresh SQLite file."""
    folder = tmp_path_factory.mktemp("bot")
    database_url = f"sqlite+aiosqlite:///{folder / 'bot.db'}"
    port = free_port()
    environment = bot_environment(database_url, port)
    command = [sys.executable, "-m", "bot"]
    demo = subprocess.run([*command, "demo"], env=environment, capture_output=True, text=True, timeout=120, check=False)
    assert demo.returncode == 0, demo.stderr
    log_path = folder / "serve.log"
    log = log_path.open("w")
    process = subprocess.Popen([*command, "serve"], env=environment, stdout=log, stderr=subprocess.STDOUT, cwd=folder)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/healthz", process, log_path)
        yield RunningBot(f"http://127.0.0.1:{port}", database_url, environment)
    finally:
        stop(process, log)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    if not CHROMIUM.exists():
        pytest.skip(f"Debian's chromium is not at {CHROMIUM}: `make test` installs it with apt-get")
    return CHROMIUM


@pytest.fixture(scope="module")
def browser(chromium_path: Path) -> Iterator[Any]:
    """Headless Debian Chromium under Playwright (never Playwright's own download: `executable_path`),
    with a fresh temporary profile per launch. Module scope: Playwright's sync API runs an event loop
    of its own, which must be gone before the asyncio tests of other modules run."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()
