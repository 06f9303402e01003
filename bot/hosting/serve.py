"""`competency-bot serve`: migrate, listen on HOST:PORT, stop cleanly on SIGTERM or Ctrl-C."""

from __future__ import annotations

import asyncio
import gc
import logging
import signal

from aiohttp import web

from bot.bootstrap import open_services, use_connector_threads
from bot.hosting.app import RUNNER_OPTIONS, create_app
from bot.hosting.inbound import is_loopback
from bot.operator.cli import UsageError
from services.settings import Settings

logger = logging.getLogger(__name__)


def welcome(settings: Settings) -> str:
    """What a newcomer needs once the bot listens: where, in which mode, and how to talk to it."""
    base = f"http://{settings.host}:{settings.port}"
    if not settings.local_mode:
        return (
            f"listening on {base} (authenticated: Bot Framework app {settings.microsoft_app_id}); Ctrl-C stops\n"
            "  Teams reaches the bot through the Azure Bot's messaging endpoint, https://<your host>/api/messages\n"
            f"  check it:  curl {base}/healthz"
        )
    return (
        f"listening on {base} (local mode: no app id, so no sign-in is checked); Ctrl-C stops\n"
        f"  talk to it:  Bot Framework Emulator: open {base}/api/messages, app id and password empty\n"
        "               or `make playground` instead of `make run`: a Teams-like chat, as the demo's admin\n"
        f"  check it:    curl {base}/healthz"
    )


def check_exposure(settings: Settings) -> None:
    """Local mode has no inbound authentication: anyone who reaches the port can speak as any tenant
    and user. So it listens on loopback only, unless the operator says otherwise in so many words."""
    if settings.local_mode and not is_loopback(settings.host.strip("[]")) and not settings.allow_unauthenticated_remote:
        raise UsageError(
            f"HOST {settings.host or '(all interfaces)'} is reachable from other machines, and without MicrosoftAppId "
            "nobody who connects is authenticated: set MicrosoftAppId, listen on 127.0.0.1, "
            "or set ALLOW_UNAUTHENTICATED_REMOTE=true to accept that"
        )


def freeze_startup_heap() -> None:
    """Once the app listens: everything built so far lives as long as the process, so keep it out of
    the collector's full passes, which otherwise cost a large part of every turn (see README,
    benchmarks)."""
    gc.collect()
    gc.freeze()


async def serve(settings: Settings, stopped: asyncio.Event | None = None) -> None:
    check_exposure(settings)
    stopped = stopped or asyncio.Event()
    use_connector_threads()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stopped.set)
    async with open_services(settings, migrate=True) as services:
        runner = web.AppRunner(create_app(settings, services), **RUNNER_OPTIONS)
        await runner.setup()
        try:
            await web.TCPSite(runner, settings.host, settings.port).start()
        except OSError:
            await runner.cleanup()  # closes the bot's HTTP session and alert worker before giving up
            raise
        freeze_startup_heap()
        print(welcome(settings), flush=True)
        try:
            await stopped.wait()
        finally:
            logger.info("stopping")
            await runner.cleanup()
