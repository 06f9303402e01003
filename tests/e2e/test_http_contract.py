"""SPEC 4.4 over real HTTP: what `/api/messages` answers to bad input and missing credentials, and what
`/healthz` says about the database. Bad input is a 4xx, never a 500, and never reaches the bot."""

from __future__ import annotations

import asyncio
import io
import threading
from collections.abc import AsyncIterator

import jwt
import pytest

from bot.bootstrap import open_services
from bot.hosting.app import create_app
from dialogs.interruptible_dialog import InterruptibleDialog
from dialogs.messages import text
from services.settings import Settings
from tests.e2e.conftest import ANNA, JONAS, prepare_sign_in
from tests.e2e.fakes import LoopbackServer, free_port

APP_ID = "9b2a0c3e-1d7b-4c1f-8a8e-3f5f2f0e7d11"


@pytest.fixture
async def authenticated_bot(database_url: str) -> AsyncIterator[LoopbackServer]:
    """The bot with Bot Framework credentials: inbound requests need a valid token."""
    settings = Settings(DATABASE_URL=database_url, MicrosoftAppId=APP_ID, MicrosoftAppPassword="x", MicrosoftAppType="MultiTenant", ALERT_SCAN_INTERVAL_SECONDS=0)
    async with open_services(settings) as services, LoopbackServer(create_app(settings, services)) as server:
        yield server


def forged_token(issuer: str) -> str:
    return jwt.encode({"iss": issuer, "aud": APP_ID, "serviceurl": "http://127.0.0.1/"}, "an attacker's own key, long enough for HS256", algorithm="HS256")


@pytest.mark.parametrize(
    "authorization",
    [None, "Bearer garbage", "Bearer a.b.c", "Basic dXNlcjpwYXNz", f"Bearer {forged_token('https://attacker.example')}"],
    ids=["missing", "garbage", "three-bad-segments", "basic", "foreign-issuer"],
)
async def test_with_an_app_id_a_request_without_a_valid_token_is_refused_with_401(authenticated_bot, teams, connector, authorization):
    headers = {"Authorization": authorization} if authorization else None

    response = await teams.post(authenticated_bot.url, teams.activity(ANNA, "what's our Gold progress?"), headers)

    assert response.status == 401
    assert connector.deliveries == []


def _without(body: dict, key: str) -> dict:
    return {k: v for k, v in body.items() if k != key}


MALFORMED = {
    "not-json": lambda a: b"{this is not json",
    "not-utf8": lambda a: b"\xff\xfe{}",
    "array": lambda a: b"[]",
    "string": lambda a: b'"message"',
    "no-type": lambda a: _without(a, "type"),
    "empty-type": lambda a: {**a, "type": ""},
    "no-conversation": lambda a: _without(a, "conversation"),
    "conversation-without-id": lambda a: {**a, "conversation": {"conversationType": "personal"}},
    "no-service-url": lambda a: _without(a, "serviceUrl"),
    "service-url-not-http": lambda a: {**a, "serviceUrl": "file:///etc/passwd"},
    "timestamp-not-a-date": lambda a: {**a, "timestamp": "yesterday"},
    "from-not-an-object": lambda a: {**a, "from": "anna"},
    "attachments-not-a-list": lambda a: {**a, "attachments": "card"},
}


@pytest.mark.parametrize("make_body", MALFORMED.values(), ids=MALFORMED.keys())
async def test_a_malformed_body_is_refused_with_400_and_never_reaches_the_bot(bot, teams, connector, make_body):
    body = make_body(teams.activity(ANNA, "help"))
    data = body if isinstance(body, bytes) else None

    if data is None:
        response = await teams.post(bot.url, body)
    else:
        async with teams.session.post(f"{bot.url}/api/messages", data=data, headers={"Content-Type": "application/json"}) as response:
            await response.read()

    assert response.status == 400
    assert "error" in await response.json()
    assert connector.deliveries == []


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded"], ids=["none", "text", "form"])
async def test_a_body_not_declared_as_json_is_refused_with_415(bot, teams, connector, content_type):
    data = io.BytesIO(b'{"type": "message"}')  # a stream, so aiohttp sets no Content-Type of its own
    headers = {"Content-Type": content_type} if content_type else {}

    async with teams.session.post(f"{bot.url}/api/messages", data=data, headers=headers) as response:
        status = response.status

    assert status == 415
    assert connector.deliveries == []


async def test_a_body_over_256_kilobytes_is_refused_with_413(bot, teams):
    data = io.BytesIO(b'{"text": "' + b"x" * (256 * 1024) + b'"}')

    async with teams.session.post(f"{bot.url}/api/messages", data=data, headers={"Content-Type": "application/json"}) as response:
        assert response.status == 413


async def test_a_turn_that_fails_apologises_and_the_next_message_starts_afresh(bot, teams, token_service, graph, connector, monkeypatch):
    prepare_sign_in(token_service, graph, JONAS, "msa-token", "jonas@outlook.example", "123456")
    await teams.say(bot.url, JONAS, "link my MSA")  # the sign-in card: the dialog waits for the code

    async def broken(self, inner_dc) -> None:
        raise RuntimeError("a bug in the turn")

    with monkeypatch.context() as patch:  # the waiting dialog's interruption check fails for this one turn
        patch.setattr(InterruptibleDialog, "_interrupt", broken)  # the recognizer is injected, so the check itself breaks
        response = await teams.post(bot.url, teams.activity(JONAS, "123456"))
    failed = connector.accepted(JONAS.conversation_id)[-1]
    after = await teams.say(bot.url, JONAS, "123456")

    assert response.status == 201
    assert failed.text == text("en", "error_apology")
    assert [d.text for d in after] == [text("en", "unknown_intent")]  # not the sign-in prompt's answer
    assert graph.calls == []


async def test_healthz_reports_the_database_ok(bot, teams):
    async with teams.session.get(f"{bot.url}/healthz") as response:
        assert (response.status, await response.json()) == (200, {"status": "ok", "database": "ok"})


@pytest.mark.parametrize(
    "database_url",
    [
        pytest.param(f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/nowhere", id="postgres-port-closed"),
        pytest.param("sqlite+aiosqlite:////nonexistent-directory/competency-bot.db", id="sqlite-directory-missing"),
    ],
)
async def test_healthz_answers_503_when_the_database_is_unreachable(teams, database_url):
    settings = Settings(DATABASE_URL=database_url, ALERT_SCAN_INTERVAL_SECONDS=0)
    threads_before = set(threading.enumerate())
    async with open_services(settings) as services, LoopbackServer(create_app(settings, services)) as bot, \
            teams.session.get(f"{bot.url}/healthz") as response:
        status, body = response.status, await response.json()
    await sqlite_workers_finished(threads_before)

    assert status == 503
    assert body["database"] != "ok"


async def sqlite_workers_finished(threads_before: set[threading.Thread]) -> None:
    """aiosqlite answers a failed connect by queueing a stop for its worker thread and not awaiting it;
    if this test's event loop closed first, the worker would report to a closed loop ("Event loop is
    closed", an unhandled thread exception in whatever test runs next). Wait for those threads here."""
    for thread in set(threading.enumerate()) - threads_before:
        if "_connection_worker_thread" in thread.name:
            await asyncio.to_thread(thread.join, 10)
            assert not thread.is_alive(), f"{thread.name} did not stop"
