"""The composition root: settings → engine → units of work → services → dialogs → bot → adapter.

Nothing is built at import time; tests build the same graph with a test database or fakes."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import timedelta

import aiohttp
from botbuilder.core import ConversationState
from botframework.connector.auth import UserTokenClient
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.connector.authentication import LOCAL_APP_ID, BotAuthentication
from bot.connector.pool import ConnectorPool
from bot.connector.sdk_fixes import apply_sdk_fixes
from bot.hosting.adapter import CompetencyAdapter
from bot.hosting.graph import GraphAccountDirectory
from bot.hosting.handler import CompetencyBot
from bot.hosting.inbound import ServiceUrlPolicy
from bot.hosting.personal_chat import StoredPersonalChat
from bot.proactive.alert_sender import AlertSender, SendPolicy
from bot.proactive.alert_worker import AlertWorker
from bot.state.conversation_state import PerMemberConversationState
from bot.state.storage import SqlStorage
from dialogs.main_dialog import MainDialog
from dialogs.ports import AccountDirectory
from dialogs.recognizer import Recognition
from dialogs.recognizer import prepare as prepare_recognizer
from services.assistant import Assistant, Clock, utc_now
from services.persistence.database import create_engine, session_factory, upgrade_database
from services.persistence.unit_of_work import UnitOfWorkFactory
from services.settings import Settings


@dataclass
class Services:
    settings: Settings
    engine: AsyncEngine
    uows: UnitOfWorkFactory
    clock: Clock = field(default=utc_now)


@asynccontextmanager
async def open_services(settings: Settings, migrate: bool = False, clock: Clock = utc_now) -> AsyncIterator[Services]:
    """Build the service graph over one engine, and dispose of the engine afterwards."""
    engine = create_engine(settings.database_url)
    try:
        if migrate:
            await upgrade_database(engine)
        yield Services(settings, engine, UnitOfWorkFactory(session_factory(engine)), clock)
    finally:
        await engine.dispose()


CONNECTOR_THREADS = 32


def use_connector_threads(threads: int = CONNECTOR_THREADS) -> None:
    """botbuilder's connector (msrest) sends with `requests` in the event loop's default thread pool,
    which holds only cpu + 4 threads: too few for proactive sends in parallel. Call inside the loop."""
    asyncio.get_running_loop().set_default_executor(ThreadPoolExecutor(max_workers=threads, thread_name_prefix="connector"))


@dataclass
class BotParts:
    assistant: Assistant
    conversation_state: ConversationState
    adapter: CompetencyAdapter
    bot: CompetencyBot
    alerts: AlertWorker
    http: aiohttp.ClientSession | None = None

    async def close(self) -> None:
        await self.alerts.stop()
        self.adapter.bot_framework_authentication.connectors.close()
        if self.http is not None:
            await self.http.close()


def service_urls(settings: Settings) -> ServiceUrlPolicy:
    """Where the bot may send: checked on every inbound activity and again before each proactive send."""
    return ServiceUrlPolicy.from_setting(settings.local_mode, settings.allowed_service_url_hosts)


def build_sender(services: Services, adapter: CompetencyAdapter, policy: SendPolicy | None = None) -> AlertSender:
    settings = services.settings
    if policy is None:
        # The lease must outlast one send (AlertSender refuses less): five minutes, or twice the
        # connector's connect + read timeout when those are set longer.
        longest_send = settings.connector_connect_timeout_seconds + settings.connector_read_timeout_seconds
        lease = max(SendPolicy.lease, timedelta(seconds=2 * longest_send))
        policy = SendPolicy(lease=lease, tenant_rate_per_second=settings.alert_tenant_rate_per_second)
    return AlertSender(
        services.uows, adapter, settings.microsoft_app_id or LOCAL_APP_ID, services.clock, policy, service_urls(settings),
        monotonic=time.monotonic, sleep=asyncio.sleep, jitter=random.Random(),
    )


def build_alerts(services: Services, adapter: CompetencyAdapter, policy: SendPolicy | None = None) -> AlertWorker:
    sender = build_sender(services, adapter, policy)
    return AlertWorker(services.uows, sender, services.clock, services.settings.alert_scan_interval_seconds)


@dataclass(frozen=True)
class Microsoft:
    """What the bot talks to outside the process. Each `None` is the real one: Microsoft Graph over
    HTTP, the Bot Connector through a `ConnectorPool`, the Bot Framework token service (or `OAUTH_URL`).
    Production passes nothing; tests put their fakes here and nowhere else."""

    directory: AccountDirectory | None = None
    connectors: ConnectorPool | None = None
    user_tokens: UserTokenClient | None = None


def build_adapter(services: Services, conversation_state: ConversationState | None = None, microsoft: Microsoft | None = None) -> CompetencyAdapter:
    """Every adapter, the bot's and the alert sender's, is built here, so the SDK is patched first."""
    apply_sdk_fixes()
    state = conversation_state or PerMemberConversationState(SqlStorage(session_factory(services.engine)))
    microsoft = microsoft or Microsoft()
    return CompetencyAdapter(BotAuthentication(services.settings, microsoft.connectors, microsoft.user_tokens), state)


def build_bot(
    services: Services,
    directory: AccountDirectory | None = None,
    policy: SendPolicy | None = None,
    microsoft: Microsoft | None = None,
    recognizer: Callable[..., Recognition] | None = None,
) -> BotParts:
    """The whole bot. `recognizer` replaces the intent recognizer (tests that pin the confirmation rule
    at exact scores); production leaves it out."""
    settings = services.settings
    prepare_recognizer()  # once per process, before the first turn rather than during it
    http = None
    microsoft = microsoft or Microsoft()
    directory = directory or microsoft.directory
    if directory is None:
        http = aiohttp.ClientSession()
        directory = GraphAccountDirectory(http, settings.graph_url)
    conversation_state = PerMemberConversationState(SqlStorage(session_factory(services.engine)))
    adapter = build_adapter(services, conversation_state, microsoft)
    alerts = build_alerts(services, adapter, policy)
    assistant = Assistant(services.uows, services.clock, alerts_queued=alerts.wake)
    personal_chat = StoredPersonalChat(assistant, settings.microsoft_app_id or LOCAL_APP_ID, service_urls(settings))
    dialog = MainDialog(assistant, directory, settings.oauth_connection_name, personal_chat, **({"recognizer": recognizer} if recognizer else {}))
    bot = CompetencyBot(assistant, conversation_state, dialog)
    return BotParts(assistant, conversation_state, adapter, bot, alerts, http)
