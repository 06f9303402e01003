"""Issue 8, the transport side, over real HTTP: every bad request is a 4xx (or the invoke protocol's
answer) before any real work, with one log line and nothing posted; forged tokens are 401; the
signing keys are fetched without blocking the loop, cached, with back-off, and a 503 with
Retry-After when they cannot be had; local mode ignores tokens and replies only to loopback."""

from __future__ import annotations

import asyncio
import gzip
import io
import json
import logging
import os
import subprocess
import time
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import jwt
import pytest
from aiohttp import web
from botframework.connector.auth import ChannelValidation
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from bot.bootstrap import open_services
from bot.connector import signing_keys
from bot.connector.signing_keys import KEYS
from bot.hosting.app import create_app
from dialogs.formatting import datetime_text
from dialogs.messages import text
from services.settings import Settings
from tests.e2e.conftest import ANNA, JONAS, NOW, prepare_sign_in
from tests.e2e.fakes import LoopbackServer, free_port
from tests.e2e.test_serve_process import SETTINGS, command

APP_ID = "9b2a0c3e-1d7b-4c1f-8a8e-3f5f2f0e7d11"
ISSUER = "https://api.botframework.com"
TEAMS_SERVICE_URL = "https://smba.trafficmanager.net/emea/"


async def post_raw(teams, bot_url: str, data: bytes, headers: dict[str, str]) -> tuple[int, Any]:
    async with teams.session.post(f"{bot_url}/api/messages", data=io.BytesIO(data), headers=headers) as response:
        body = await response.read()
        return response.status, json.loads(body) if body else None


def refusals(caplog) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == "bot.hosting.app" and r.getMessage().startswith("refused")]


# --- class 1: bad input before any work ----------------------------------------------------------


@pytest.mark.parametrize("depth", [40, 1_000, 50_000])
async def test_json_nested_too_deep_is_refused_with_400_and_one_log_line(bot, teams, connector, caplog, depth):
    body = teams.activity(ANNA, "help")
    body["channelData"] = "(deep)"
    data = json.dumps(body).encode().replace(b'"(deep)"', b"[" * depth + b"]" * depth)

    with caplog.at_level(logging.WARNING):
        status, answer = await post_raw(teams, bot.url, data, {"Content-Type": "application/json"})

    assert (status, answer) == (400, {"error": "the body nests more than 32 levels deep"})
    assert [r.exc_info for r in refusals(caplog)] == [None]
    assert connector.deliveries == []


@pytest.mark.parametrize(
    ("encoding", "compress"),
    [("gzip", False), ("gzip", True), ("deflate", False), ("br", False), ("zstd", False), ("x-unknown", False)],
    ids=["gzip-header-plain-body", "gzip-body", "deflate", "br", "zstd", "unknown"],
)
async def test_a_content_encoding_the_server_does_not_decode_is_refused_with_415(bot, teams, connector, caplog, encoding, compress):
    data = json.dumps(teams.activity(ANNA, "help")).encode()

    with caplog.at_level(logging.WARNING):
        status, answer = await post_raw(teams, bot.url, gzip.compress(data) if compress else data, {"Content-Type": "application/json", "Content-Encoding": encoding})

    assert status == 415
    assert answer["error"].startswith(f"Content-Encoding '{encoding}' is not accepted")
    assert [r for r in caplog.records if r.exc_info] == []
    assert connector.deliveries == []


CARD_ACTIONS = {
    "no-value": (None, 400, {"code": "BadRequest", "message": "Missing value property"}),
    "value-a-string": ("submit", 400, {"code": "BadRequest", "message": "Value property is not properly formed"}),
    "value-a-list": ([1, 2], 400, {"code": "BadRequest", "message": "Value property is not properly formed"}),
    "no-action": ({"trigger": "manual"}, 400, {"code": "BadRequest", "message": "Missing action property"}),
    "action-a-string": ({"action": "Action.Execute"}, 400, {"code": "BadRequest", "message": "Missing action property"}),
    "action-submit": ({"action": {"type": "Action.Submit"}}, 400, {"code": "NotSupported", "message": "The action 'Action.Submit' is not supported."}),
    "execute": ({"action": {"type": "Action.Execute", "verb": "refresh", "data": {}}}, 501, {"code": "NotImplemented", "message": "The verb 'refresh' is not handled by this bot."}),
}


@pytest.mark.parametrize(("value", "status", "error"), CARD_ACTIONS.values(), ids=CARD_ACTIONS.keys())
async def test_an_adaptive_card_action_is_answered_by_the_universal_actions_protocol_and_posts_nothing(bot, teams, connector, value, status, error):
    body = teams.activity(ANNA, None, type="invoke", name="adaptiveCard/action", value=value)

    async with teams.session.post(f"{bot.url}/api/messages", json=body) as response:
        answer = (response.status, await response.json())

    assert answer == (status, {"statusCode": status, "type": "application/vnd.microsoft.error", "value": error})
    assert connector.deliveries == []


# --- class 6: sign-in and other invokes by protocol ---------------------------------------------


async def test_a_verify_state_with_no_sign_in_waiting_is_answered_200_and_posts_nothing(bot, teams, connector):
    response = await teams.post(bot.url, teams.activity(ANNA, None, type="invoke", name="signin/verifyState", value={"state": "123456"}))

    assert response.status == 200
    assert connector.deliveries == []


async def test_a_token_exchange_with_no_sign_in_waiting_is_answered_412_with_the_requests_id(bot, teams, connector):
    value = {"id": "exchange-7", "connectionName": "MSA", "token": "sso-token"}

    async with teams.session.post(f"{bot.url}/api/messages", json=teams.activity(ANNA, None, type="invoke", name="signin/tokenExchange", value=value)) as response:
        answer = (response.status, await response.json())

    assert answer == (412, {"id": "exchange-7", "connectionName": "MSA", "failureDetail": "No sign-in is waiting for this token exchange."})
    assert connector.deliveries == []


async def test_a_token_exchange_the_waiting_sign_in_cannot_complete_is_412_never_200_with_no_body_and_says_why_in_the_log(bot, teams, connector, token_service, graph, caplog):
    prepare_sign_in(token_service, graph, JONAS, "msa-token", "jonas@outlook.example", "123456")
    await teams.say(bot.url, JONAS, "link my MSA")  # the sign-in card: the prompt waits
    before = len(connector.deliveries)
    value = {"id": "exchange-8", "connectionName": "MSA", "token": "sso-token"}

    with caplog.at_level(logging.INFO, logger="dialogs.link_msa_dialog"):
        async with teams.session.post(f"{bot.url}/api/messages", json=teams.activity(JONAS, None, type="invoke", name="signin/tokenExchange", value=value)) as response:
            answer = (response.status, await response.json())

    assert answer[0] == 412 and answer[1]["id"] == "exchange-8"  # the fake token service cannot exchange
    assert token_service.calls_to("/api/usertoken/exchange") != []
    assert connector.deliveries[before:] == []
    assert [(r.levelname, r.getMessage()) for r in caplog.records if r.name == "dialogs.link_msa_dialog"] == [
        ("INFO", "token exchange refused by the token service, the sign-in card stays"),  # the service's 404
    ]


async def test_a_verify_state_for_the_waiting_sign_in_completes_it(bot, teams, connector, token_service, graph):
    prepare_sign_in(token_service, graph, JONAS, "msa-token", "jonas@outlook.example", "123456")
    await teams.say(bot.url, JONAS, "link my MSA")

    response = await teams.post(bot.url, teams.activity(JONAS, None, type="invoke", name="signin/verifyState", value={"state": "123456"}))

    assert response.status == 200
    counts_from = datetime_text(NOW + timedelta(hours=24), "en")  # the demo catalog's visibility delay
    assert connector.accepted(JONAS.conversation_id)[-1].text == text("en", "link_done", msa="jonas@outlook.example", counts_from=counts_from)


@pytest.mark.parametrize("value", ["123456", None, {"state": 123456}], ids=["a-string", "none", "state-a-number"])
async def test_a_malformed_verify_state_is_400_even_while_a_sign_in_waits(bot, teams, connector, token_service, graph, value):
    prepare_sign_in(token_service, graph, JONAS, "msa-token", "jonas@outlook.example", "123456")
    await teams.say(bot.url, JONAS, "link my MSA")
    before = len(connector.deliveries)

    response = await teams.post(bot.url, teams.activity(JONAS, None, type="invoke", name="signin/verifyState", value=value))

    assert response.status == 400
    assert connector.deliveries[before:] == []


async def test_a_token_exchange_the_schema_cannot_read_is_400_and_the_waiting_sign_in_survives_it(bot, teams, connector, token_service, graph, caplog):
    prepare_sign_in(token_service, graph, JONAS, "msa-token", "jonas@outlook.example", "123456")
    await teams.say(bot.url, JONAS, "link my MSA")
    value = {"id": "exchange-9", "connectionName": "MSA", "token": "sso-token", "properties": 5}

    with caplog.at_level(logging.WARNING):
        response = await teams.post(bot.url, teams.activity(JONAS, None, type="invoke", name="signin/tokenExchange", value=value))
    verified = await teams.post(bot.url, teams.activity(JONAS, None, type="invoke", name="signin/verifyState", value={"state": "123456"}))

    assert response.status == 400 and [r for r in caplog.records if r.exc_info] == []
    assert verified.status == 200  # the sign-in still waited
    counts_from = datetime_text(NOW + timedelta(hours=24), "en")
    assert connector.accepted(JONAS.conversation_id)[-1].text == text("en", "link_done", msa="jonas@outlook.example", counts_from=counts_from)


@pytest.mark.parametrize("name", ["composeExtension/query", "task/fetch", "fileConsent/invoke", "", "made/up"])
async def test_an_invoke_the_bot_does_not_handle_is_501_with_nothing_posted_and_no_traceback(bot, teams, connector, caplog, name):
    with caplog.at_level(logging.WARNING):
        response = await teams.post(bot.url, teams.activity(ANNA, None, type="invoke", name=name, value="not what the SDK expects"))

    assert response.status == 501
    assert connector.deliveries == []
    assert [r for r in caplog.records if r.exc_info] == []


# --- class 7: safe local mode --------------------------------------------------------------------


@pytest.mark.parametrize("service_url", ["https://attacker.example/", "http://10.0.0.1:8080/", "http://169.254.169.254/latest/"])
async def test_in_local_mode_an_activity_whose_service_url_is_not_loopback_is_refused_with_403(bot, teams, connector, service_url):
    async with teams.session.post(f"{bot.url}/api/messages", json=teams.activity(ANNA, "help", serviceUrl=service_url)) as response:
        answer = (response.status, await response.json())

    assert answer == (403, {"error": f"serviceUrl {service_url!r} is not a loopback address"})
    assert connector.deliveries == []


async def test_in_local_mode_a_bearer_token_is_ignored_even_while_microsoft_is_unreachable(bot, teams, signing_service):
    signing_service.refuse = True
    forged = jwt.encode({"iss": ISSUER, "aud": APP_ID}, signing_service.private_key, algorithm="RS256", headers={"kid": "key-1"})

    replies = []
    for authorization in (f"Bearer {forged}", "Bearer garbage"):
        response = await teams.post(bot.url, teams.activity(ANNA, "help"), {"Authorization": authorization})
        replies.append(response.status)

    assert replies == [201, 201]
    assert signing_service.calls == []


async def test_serve_refuses_to_listen_on_all_interfaces_without_an_app_id_and_says_why(tmp_path):
    environment = {k: v for k, v in os.environ.items() if k not in SETTINGS and k != "ALLOW_UNAUTHENTICATED_REMOTE"}
    environment.update(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}", PORT=str(free_port()), HOST="0.0.0.0")

    done = await asyncio.to_thread(subprocess.run, command(), env=environment, capture_output=True, text=True, timeout=30, cwd=tmp_path)

    assert done.returncode == 2
    assert done.stderr.count("\n") == 1
    assert "HOST 0.0.0.0 is reachable from other machines" in done.stderr and "ALLOW_UNAUTHENTICATED_REMOTE=true" in done.stderr
    assert not (tmp_path / "serve.db").exists()  # refused before touching the database


# --- forged tokens and the signing keys (classes 1 and 2) ---------------------------------------


class FakeSigningService(LoopbackServer):
    """Microsoft's OpenID metadata and key set for Bot Framework tokens, with one RSA key "key-1"
    endorsed for msteams. `refuse` answers 503; `hang` never answers."""

    def __init__(self) -> None:
        super().__init__()
        self.private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.calls: list[str] = []
        self.refuse = False
        self.hang = False
        self.app.router.add_get("/v1/.well-known/openidconfiguration", self._metadata)
        self.app.router.add_get("/v1/.well-known/keys", self._keys)

    @property
    def metadata_url(self) -> str:
        return f"{self.url}/v1/.well-known/openidconfiguration"

    async def _answer(self, request: web.Request, body: dict) -> web.Response:
        self.calls.append(request.path)
        if self.hang:
            await asyncio.sleep(3600)
        if self.refuse:
            return web.json_response({"error": "unavailable"}, status=503)
        return web.json_response(body)

    async def _metadata(self, request: web.Request) -> web.Response:
        return await self._answer(request, {"issuer": ISSUER, "jwks_uri": f"{self.url}/v1/.well-known/keys"})

    async def _keys(self, request: web.Request) -> web.Response:
        jwk = {**json.loads(RSAAlgorithm.to_jwk(self.private_key.public_key())), "kid": "key-1", "endorsements": ["msteams"]}
        return await self._answer(request, {"keys": [jwk]})

    def token(self, service_url: str = TEAMS_SERVICE_URL, kid: str = "key-1", **claims: Any) -> str:
        payload = {"iss": ISSUER, "aud": APP_ID, "serviceurl": service_url, "exp": int(time.time()) + 600, **claims}
        return jwt.encode(payload, self.private_key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture
async def signing_service(monkeypatch) -> AsyncIterator[FakeSigningService]:
    KEYS.clear()
    async with FakeSigningService() as server:
        monkeypatch.setattr(ChannelValidation, "open_id_metadata_endpoint", server.metadata_url)
        yield server
    KEYS.clear()


@pytest.fixture
async def authenticated_bot(database_url: str, signing_service: FakeSigningService, demo: None) -> AsyncIterator[LoopbackServer]:
    settings = Settings(DATABASE_URL=database_url, MicrosoftAppId=APP_ID, MicrosoftAppPassword="x", ALERT_SCAN_INTERVAL_SECONDS=0)
    async with open_services(settings) as services, LoopbackServer(create_app(settings, services)) as server:
        yield server


def typing(teams, service_url: str = TEAMS_SERVICE_URL) -> dict:
    """An activity the bot answers without posting anything: a valid token is all it needs."""
    return teams.activity(ANNA, None, type="typing", serviceUrl=service_url)


def _forged(signing_service: FakeSigningService) -> dict[str, str]:
    attacker = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {"iss": ISSUER, "aud": APP_ID, "serviceurl": TEAMS_SERVICE_URL}
    return {
        "unknown-kid": jwt.encode(claims, attacker, algorithm="RS256", headers={"kid": "not-microsofts"}),
        "known-kid-wrong-key": jwt.encode(claims, attacker, algorithm="RS256", headers={"kid": "key-1"}),
        "no-kid": jwt.encode(claims, attacker, algorithm="RS256"),
        "alg-none": jwt.encode(claims, None, algorithm="none", headers={"kid": "key-1"}),
        "hs256": jwt.encode(claims, "an attacker's own secret, long enough for HS256", algorithm="HS256", headers={"kid": "key-1"}),
        "wrong-audience": signing_service.token(aud="someone-elses-app"),
        "expired": signing_service.token(exp=int(time.time()) - 3600),
        "other-service-url": signing_service.token(service_url="https://smba.trafficmanager.net/amer/"),
        "garbage": "garbage",
        "three-bad-segments": "a.b.c",
    }


FORGERIES = ["unknown-kid", "known-kid-wrong-key", "no-kid", "alg-none", "hs256", "wrong-audience", "expired", "other-service-url", "garbage", "three-bad-segments"]


@pytest.mark.parametrize("forgery", FORGERIES)
async def test_with_an_app_id_a_forged_token_is_refused_with_401_never_500(authenticated_bot, teams, connector, signing_service, caplog, forgery):
    token = _forged(signing_service)[forgery]

    with caplog.at_level(logging.WARNING):
        response = await teams.post(authenticated_bot.url, typing(teams), {"Authorization": f"Bearer {token}"})

    assert (response.status, await response.json()) == (401, {"error": "unauthorized"})  # why: in the log only
    assert [r.exc_info for r in refusals(caplog)] == [None]
    assert connector.deliveries == []


async def test_with_an_app_id_a_valid_token_is_accepted_and_the_keys_are_fetched_once(authenticated_bot, teams, signing_service):
    statuses = [(await teams.post(authenticated_bot.url, typing(teams), {"Authorization": f"Bearer {signing_service.token()}"})).status for _ in range(3)]

    assert statuses == [201, 201, 201]
    assert signing_service.calls == ["/v1/.well-known/openidconfiguration", "/v1/.well-known/keys"]


async def test_made_up_key_ids_cost_at_most_one_refetch(authenticated_bot, teams, signing_service):
    await teams.post(authenticated_bot.url, typing(teams), {"Authorization": f"Bearer {signing_service.token()}"})
    forged = [signing_service.token(kid=f"made-up-{i}") for i in range(20)]

    statuses = [(await teams.post(authenticated_bot.url, typing(teams), {"Authorization": f"Bearer {t}"})).status for t in forged]

    assert statuses == [401] * 20
    assert len(signing_service.calls) == 2  # fetched minutes ago: no refetch for a key id Microsoft never published


async def test_with_an_app_id_a_service_url_off_the_allow_list_is_refused_with_403(authenticated_bot, teams, connector, signing_service):
    token = signing_service.token(service_url="https://attacker.example/")

    response = await teams.post(authenticated_bot.url, typing(teams, "https://attacker.example/"), {"Authorization": f"Bearer {token}"})

    assert response.status == 403
    assert connector.deliveries == []


async def test_when_the_signing_keys_cannot_be_had_the_answer_is_503_with_retry_after_and_a_back_off(authenticated_bot, teams, signing_service):
    signing_service.refuse = True
    headers = {"Authorization": f"Bearer {signing_service.token()}"}

    async with teams.session.post(f"{authenticated_bot.url}/api/messages", json=typing(teams), headers=headers) as first:
        first_answer = (first.status, first.headers.get("Retry-After"))
    async with teams.session.post(f"{authenticated_bot.url}/api/messages", json=typing(teams), headers=headers) as second:
        second_answer = (second.status, second.headers.get("Retry-After"))

    assert first_answer == (503, "1")
    assert second_answer == (503, "1")
    assert signing_service.calls == ["/v1/.well-known/openidconfiguration"]  # the second waited out the back-off


async def test_a_hanging_key_fetch_never_blocks_the_loop_and_ends_in_503(authenticated_bot, teams, signing_service, monkeypatch):
    monkeypatch.setattr(signing_keys, "FETCH_TIMEOUT_SECONDS", 0.5)
    signing_service.hang = True
    headers = {"Authorization": f"Bearer {signing_service.token()}"}
    turn = asyncio.ensure_future(teams.post(authenticated_bot.url, typing(teams), headers))
    while signing_service.calls == []:  # the bot is now waiting for the key service
        await asyncio.sleep(0.01)

    async with teams.session.get(f"{authenticated_bot.url}/healthz") as health:
        healthy = health.status
    pending_while_healthy = not turn.done()
    response = await turn

    assert healthy == 200
    assert pending_while_healthy
    assert response.status == 503


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_the_key_set_backs_off_doubling_then_recovers_and_keeps_old_keys_when_a_refresh_fails(signing_service):
    clock = Clock()
    keys = signing_keys.KeySet(signing_service.metadata_url, clock=clock)
    signing_service.refuse = True
    waits = []
    for _ in range(3):
        with pytest.raises(signing_keys.SigningKeysUnavailable) as unavailable:
            await keys.get("key-1")
        waits.append(unavailable.value.retry_after)
        clock.now += unavailable.value.retry_after
    signing_service.refuse = False
    found = await keys.get("key-1")
    signing_service.refuse = True
    clock.now += signing_keys.MAX_AGE + 1  # stale: a refresh is due, and fails
    still = await keys.get("key-1")

    assert waits == [1, 2, 4]
    assert found.endorsements == ["msteams"]
    assert still is found
    assert keys.failures == 1 and keys.retry_at == clock.now + 1


@pytest.mark.parametrize("head", [b"Content-Length: abc", b"Transfer-Encoding: chunked\r\nContent-Length: 5", b"Bad Header Line"], ids=["length-not-a-number", "length-and-chunked", "no-colon"])
async def test_a_request_aiohttp_cannot_parse_is_400_with_one_log_line(bot, caplog, head):
    host, port = bot.url.removeprefix("http://").split(":")
    with caplog.at_level(logging.DEBUG, logger="aiohttp.server"):
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"POST /api/messages HTTP/1.1\r\nHost: bot\r\nContent-Type: application/json\r\n" + head + b"\r\n\r\n{}")
        await writer.drain()
        status_line = await reader.readline()
        writer.close()
        await writer.wait_closed()

    assert status_line.split(b" ")[1] == b"400"
    assert [r.getMessage() for r in caplog.records if r.exc_info] == []


async def test_a_token_response_event_with_no_sign_in_waiting_posts_nothing(bot, teams, connector):
    event = teams.activity(ANNA, None, type="event", name="tokens/response", value={"connectionName": "MSA", "token": "stale"})

    response = await teams.post(bot.url, event)

    assert response.status == 201
    assert connector.deliveries == []


async def test_a_token_response_event_while_a_sign_in_waits_reaches_the_sign_in(bot, teams, connector, token_service, graph):
    prepare_sign_in(token_service, graph, JONAS, "msa-token", "jonas@outlook.example", "123456")
    await teams.say(bot.url, JONAS, "link my MSA")
    before = len(connector.accepted(JONAS.conversation_id))
    event = teams.activity(JONAS, None, type="event", name="tokens/response", value={"connectionName": "MSA", "token": "msa-token"})

    response = await teams.post(bot.url, event)

    assert response.status == 201
    assert len(connector.accepted(JONAS.conversation_id)) == before + 1  # the prompt ended, and the dialog said how


@pytest.mark.parametrize("failure", [500, "refused"], ids=["token-service-500", "token-service-unreachable"])
async def test_a_verify_state_the_token_service_fails_on_is_answered_412_and_the_user_told_once_to_try_again(bot, teams, connector, token_service, graph, caplog, failure):
    prepare_sign_in(token_service, graph, JONAS, "msa-token", "jonas@outlook.example", "123456")
    await teams.say(bot.url, JONAS, "link my MSA")  # the sign-in card: the prompt waits
    before = len(connector.deliveries)
    if failure == "refused":
        await token_service.close()  # the token service went away mid-sign-in
    else:
        token_service.fail("/api/usertoken/GetToken", failure)

    with caplog.at_level(logging.INFO):
        response = await teams.post(bot.url, teams.activity(JONAS, None, type="invoke", name="signin/verifyState", value={"state": "123456"}))
    told = [d.text for d in connector.deliveries[before:]]
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING and not r.name.startswith("urllib3")]
    again = await teams.say(bot.url, JONAS, "123456")  # the magic code: no prompt is waiting for it any more

    assert response.status == 412  # answered as a sign-in invoke that could not complete, not a 500
    assert told == [text("en", "token_service_unreachable")]  # nothing linked; say "link my MSA" again
    assert len(logged) == 1 and logged[0].name == "dialogs.link_msa_dialog" and not logged[0].exc_info
    assert logged[0].getMessage().startswith("token service unreachable, sign-in ended: ClientRequestError: ")
    assert [d.text for d in again] != [] and not any(d.text.startswith("Linked") for d in again)


async def test_a_token_exchange_the_token_service_fails_on_is_412_with_its_id_and_the_sign_in_card_still_works(bot, teams, connector, token_service, graph):
    """SSO failing is the ordinary case (Teams then shows the sign-in card): OAuthPrompt answers 412 and
    keeps waiting, so the card's verifyState still completes the linking."""
    prepare_sign_in(token_service, graph, JONAS, "msa-token", "jonas@outlook.example", "123456")
    await teams.say(bot.url, JONAS, "link my MSA")
    before = len(connector.deliveries)
    token_service.fail("/api/usertoken/exchange", 500)
    value = {"id": "exchange-9", "connectionName": "MSA", "token": "sso-token"}

    async with teams.session.post(f"{bot.url}/api/messages", json=teams.activity(JONAS, None, type="invoke", name="signin/tokenExchange", value=value)) as response:
        answer = (response.status, await response.json())
    posted = connector.deliveries[before:]
    verified = await teams.post(bot.url, teams.activity(JONAS, None, type="invoke", name="signin/verifyState", value={"state": "123456"}))

    assert answer[0] == 412 and answer[1]["id"] == "exchange-9"
    assert posted == []
    assert verified.status == 200
    assert connector.accepted(JONAS.conversation_id)[-1].text.startswith("Linked jonas@outlook.example.")
