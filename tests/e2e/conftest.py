"""The bot app over real HTTP on loopback, with the fakes it talks to, over the test database with
the demo dataset imported at a fixed moment."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime, timezone

import aiohttp
import pytest

from bot.bootstrap import Services, open_services
from bot.hosting.app import create_app
from services.demo_dataset import CONTOSO_ADMIN_AAD, CONTOSO_TENANT, FABRIKAM_ADMIN_AAD, FABRIKAM_TENANT, build_demo_dataset
from services.importer import import_dataset
from services.outbox import list_alerts
from services.settings import Settings
from tests.e2e.fakes import FakeConnector, FakeGraph, FakeTokenService, LoopbackServer, TeamsChannel, TeamsUser

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)

# People of the demo dataset (services/demo_dataset.py), as Teams shows them to the bot.
ANNA = TeamsUser("29:anna", CONTOSO_ADMIN_AAD, CONTOSO_TENANT, "en-US", "Anna Schmidt")  # Contoso admin
JONAS = TeamsUser("29:jonas", "00000000-0000-4000-8000-0000000000a7", CONTOSO_TENANT, "en-US", "Jonas Becker")  # no MSA yet
OLIVER = TeamsUser("29:oliver", FABRIKAM_ADMIN_AAD, FABRIKAM_TENANT, "en-US", "Oliver Bennett")  # Fabrikam admin
SAMUELS_MSA = "samuel.otieno@outlook.example"  # gives Fabrikam its Cloud Platform Silver person (AZ-104)


def fixed_clock() -> datetime:
    return NOW


def prepare_sign_in(token_service: FakeTokenService, graph: FakeGraph, user: TeamsUser, token: str, msa: str, magic_code: str | None = None) -> None:
    """The user's MSA sign-in: the token service hands out `token` (after `magic_code`, if given) and
    Graph says it belongs to `msa`."""
    token_service.sign_in(user.user_id, token, magic_code=magic_code)
    graph.add(token, msa)


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    async with FakeConnector() as server:
        yield server


@pytest.fixture
async def token_service() -> AsyncIterator[FakeTokenService]:
    async with FakeTokenService() as server:
        yield server


@pytest.fixture
async def graph() -> AsyncIterator[FakeGraph]:
    async with FakeGraph() as server:
        yield server


@pytest.fixture
def settings(database_url: str, token_service: FakeTokenService, graph: FakeGraph) -> Settings:
    """Local mode (no app id), the token service and Graph on loopback."""
    return Settings(
        DATABASE_URL=database_url,
        MicrosoftAppId="",
        OAUTH_URL=token_service.url,
        GRAPH_URL=graph.graph_url,
        ALERT_SCAN_INTERVAL_SECONDS=0,  # no background scans: alerts are not what these tests look at
    )


@asynccontextmanager
async def running_bot(settings: Settings) -> AsyncIterator[tuple[LoopbackServer, Services]]:
    """One bot process, as far as the bot can tell: its own engine, services and app on a port."""
    async with open_services(settings, clock=fixed_clock) as services, LoopbackServer(create_app(settings, services)) as server:
        yield server, services


@pytest.fixture
async def demo(settings: Settings) -> None:
    """The demo dataset, built and imported at NOW."""
    async with open_services(settings, clock=fixed_clock) as services:
        await import_dataset(services.uows, build_demo_dataset(NOW), NOW)


@pytest.fixture
async def bot(settings: Settings, demo: None) -> AsyncIterator[LoopbackServer]:
    async with running_bot(settings) as (server, _):
        yield server


async def outbox_settled(uows, timeout: float = 10.0) -> list[tuple[str, str]]:
    """Wait until no alert delivery is pending or claimed (each is sent or dead), then return them all
    as (user, state). The bot's turns queue deliveries before they answer, so once this returns after
    the last turn, the bot sends nothing more: a second copy of an alert would have been sent by then.
    A bounded poll of the outbox (the bot's sender runs in the bot's own task); not a timing assertion."""
    async with asyncio.timeout(timeout):
        while True:
            deliveries = [(user, state) for alert in await list_alerts(uows) for user, state, _, _ in alert.deliveries]
            if all(state in ("sent", "dead") for _, state in deliveries):
                return deliveries
            await asyncio.sleep(0.02)


@pytest.fixture
async def teams(connector: FakeConnector) -> AsyncIterator[TeamsChannel]:
    async with aiohttp.ClientSession() as session:
        yield TeamsChannel(connector, session)
