"""Loopback fakes of everything the bot talks to over HTTP, each a real aiohttp server on 127.0.0.1
at an ephemeral port that records what it receives:

- `FakeConnector`: the Bot Connector (Teams' `serviceUrl`), where the bot posts its replies; its answers
  can be scripted per call (a 429 with `Retry-After`, then a 201) for fault tests.
- `FakeTokenService`: the Bot Framework user-token API (`OAUTH_URL`) that OAuthPrompt calls, with
  magic codes.
- `FakeGraph`: Microsoft Graph `GET /me` (`GRAPH_URL`), one account per bearer token.
- `TeamsChannel`: the other side of Teams: posts Teams-shaped activities to a bot's `/api/messages`
  and reads the replies back from the connector.

The paths and bodies are the ones botbuilder 4.17.1's clients use
(botframework/connector/token_api/aio/operations_async, botframework/connector/aio/operations_async).
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import itertools
import json
import socket
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from types import TracebackType
from typing import Any, ClassVar, Self

import aiohttp
from aiohttp import web

LOOPBACK = "127.0.0.1"


def free_port() -> int:
    """A loopback port nothing listens on right now (bound, then released), for a server in another
    process or an address that must refuse connections."""
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return probe.getsockname()[1]


class LoopbackServer:
    """Any aiohttp app, served on 127.0.0.1 at a free port; `url` is known once it has started.

    The app's `cleanup_ctx` runs on `start` and `close`, so a bot app started here builds and closes
    its parts exactly as under `competency-bot serve`."""

    def __init__(self, app: web.Application | None = None):
        self.app = app if app is not None else web.Application()
        self.url = ""
        self._runner: web.AppRunner | None = None

    async def start(self) -> Self:
        runner = web.AppRunner(self.app, access_log=None, auto_decompress=False)  # as bot.app.RUNNER_OPTIONS
        await runner.setup()
        site = web.TCPSite(runner, LOOPBACK, 0)
        await site.start()
        self._runner = runner
        self.url = f"http://{LOOPBACK}:{runner.addresses[0][1]}"
        return self

    async def close(self) -> None:
        if self._runner is not None:
            runner, self._runner = self._runner, None
            await runner.cleanup()

    async def __aenter__(self) -> Self:
        return await self.start()

    async def __aexit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        await self.close()


# --- the Bot Connector -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What the fake answers one call with, instead of its default success."""

    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None

    @classmethod
    def throttled(cls, retry_after_seconds: float = 1) -> Answer:
        return cls(429, {"Retry-After": f"{retry_after_seconds:g}"}, {"error": {"code": "Throttled", "message": "Too many requests"}})


@dataclass(frozen=True)
class Delivery:
    """One activity the bot posted to the connector, and what it was answered."""

    conversation_id: str
    reply_to_id: str | None
    activity: dict[str, Any]
    authorization: str | None
    status: int

    @property
    def accepted(self) -> bool:
        return 200 <= self.status < 300

    @property
    def text(self) -> str:
        """What the user reads: the text, or a card's plain-text fallback (an OAuth card's text)."""
        attachments = self.activity.get("attachments") or []
        if attachments:
            content = attachments[0].get("content") or {}
            return content.get("fallbackText") or content.get("text") or ""
        return self.activity.get("text") or ""

    @property
    def content_type(self) -> str | None:
        attachments = self.activity.get("attachments") or []
        return attachments[0].get("contentType") if attachments else None

    @property
    def card(self) -> dict[str, Any]:
        attachments = self.activity.get("attachments") or []
        assert attachments, f"no attachment in {self.activity.get('text')!r}"
        return attachments[0]["content"]


class FakeConnector(LoopbackServer):
    """`POST /v3/conversations/{id}/activities[/{replyToId}]` (and `POST /v3/conversations`).

    Every call is kept in `deliveries`, with the status it got; `script(...)` queues answers for the
    next calls (then it accepts again, with 201 and a fresh `{"id": ...}`)."""

    def __init__(self) -> None:
        super().__init__()
        self.deliveries: list[Delivery] = []
        self.created_conversations: list[dict[str, Any]] = []
        self.connections: set[tuple[str, int]] = set()  # the client ends (address, port) of the TCP connections that carried calls
        self._script: deque[Answer] = deque()
        self._ids = itertools.count(1)
        self._arrived = asyncio.Condition()
        self.app.router.add_post("/v3/conversations", self._create_conversation)
        self.app.router.add_post("/v3/conversations/{conversation_id}/activities", self._post_activity)
        self.app.router.add_post("/v3/conversations/{conversation_id}/activities/{reply_to_id}", self._post_activity)

    @property
    def service_url(self) -> str:
        return self.url + "/"

    def script(self, *answers: Answer) -> None:
        self._script.extend(answers)

    def accepted(self, conversation_id: str | None = None) -> list[Delivery]:
        return [d for d in self.deliveries if d.accepted and conversation_id in (None, d.conversation_id)]

    async def wait_for(self, count: int, conversation_id: str | None = None, timeout: float = 5) -> list[Delivery]:
        """Wait until `count` activities were accepted (for the conversation, if given)."""
        async with asyncio.timeout(timeout):
            async with self._arrived:
                await self._arrived.wait_for(lambda: len(self.accepted(conversation_id)) >= count)
        return self.accepted(conversation_id)

    def _answer(self) -> tuple[Answer | None, str]:
        answer = self._script.popleft() if self._script else None
        return answer, f"activity-{next(self._ids)}"

    def _count_connection(self, request: web.Request) -> None:
        peer = request.transport.get_extra_info("peername") if request.transport else None
        if peer:
            self.connections.add(tuple(peer[:2]))

    async def _post_activity(self, request: web.Request) -> web.Response:
        self._count_connection(request)
        body = await request.json()
        answer, activity_id = self._answer()
        status = answer.status if answer else 201
        delivery = Delivery(
            request.match_info["conversation_id"],
            request.match_info.get("reply_to_id"),
            body,
            request.headers.get("Authorization"),
            status,
        )
        async with self._arrived:
            self.deliveries.append(delivery)
            self._arrived.notify_all()
        if answer is not None:
            return web.json_response(answer.body if answer.body is not None else {}, status=answer.status, headers=answer.headers)
        return web.json_response({"id": activity_id}, status=201)

    async def _create_conversation(self, request: web.Request) -> web.Response:
        self._count_connection(request)
        body = await request.json()
        answer, activity_id = self._answer()
        if answer is not None:
            return web.json_response(answer.body if answer.body is not None else {}, status=answer.status, headers=answer.headers)
        conversation_id = f"a:created-{len(self.created_conversations) + 1}"
        self.created_conversations.append(body)
        return web.json_response({"id": conversation_id, "activityId": activity_id, "serviceUrl": self.service_url}, status=201)


# --- the Bot Framework token service -------------------------------------------------------------


@dataclass(frozen=True)
class TokenCall:
    method: str
    path: str
    query: dict[str, str]
    authorization: str | None = None  # the bot's app token, when it has one


class FakeTokenService(LoopbackServer):
    """The user-token API under `OAUTH_URL`.

    `sign_in(user_id, token)` stores a token as if the user had signed in before; with `magic_code`
    the token is only handed out once the bot asks with that code (what the user types after signing
    in on the page the OAuth card links to). Unknown users get the service's 404."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[TokenCall] = []
        self.sign_in_states: list[dict[str, Any]] = []
        self._tokens: dict[tuple[str, str], str] = {}
        self._awaiting_code: dict[tuple[str, str], tuple[str, str]] = {}
        self.failing: dict[str, int] = {}  # path → the status every call to it gets (`fail`)
        self.app.middlewares.append(self._fail_when_told)
        routes = self.app.router
        routes.add_get("/api/usertoken/GetToken", self._get_token)
        routes.add_post("/api/usertoken/GetAadTokens", self._get_aad_tokens)
        routes.add_get("/api/usertoken/GetTokenStatus", self._get_token_status)
        routes.add_delete("/api/usertoken/SignOut", self._sign_out)
        routes.add_post("/api/usertoken/exchange", self._exchange)
        routes.add_get("/api/botsignin/GetSignInResource", self._get_sign_in_resource)
        routes.add_get("/api/botsignin/GetSignInUrl", self._get_sign_in_url)

    def sign_in(self, user_id: str, token: str, connection_name: str = "MSA", magic_code: str | None = None) -> None:
        if magic_code is None:
            self._tokens[(user_id, connection_name)] = token
        else:
            self._awaiting_code[(user_id, connection_name)] = (magic_code, token)

    def fail(self, path: str, status: int = 500) -> None:
        """From now on every call to `path` is answered `status`, as a token service in trouble does."""
        self.failing[path] = status

    @web.middleware
    async def _fail_when_told(self, request: web.Request, handler: Any) -> web.StreamResponse:
        status = self.failing.get(request.path)
        if status is None:
            return await handler(request)
        self._record(request)
        return web.json_response({"error": {"code": "ServiceError", "message": "the token store is unavailable"}}, status=status)

    def calls_to(self, path: str) -> list[TokenCall]:
        return [c for c in self.calls if c.path == path]

    def _record(self, request: web.Request) -> dict[str, str]:
        query = dict(request.query)
        self.calls.append(TokenCall(request.method, request.path, query, request.headers.get("Authorization")))
        return query

    @staticmethod
    def _token_response(token: str, connection_name: str, channel_id: str | None) -> dict[str, Any]:
        expiration = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
        return {"channelId": channel_id, "connectionName": connection_name, "token": token, "expiration": expiration}

    @staticmethod
    def _not_found() -> web.Response:
        return web.json_response({"error": {"code": "NotFound", "message": "no token"}}, status=404)

    async def _get_token(self, request: web.Request) -> web.Response:
        query = self._record(request)
        key = (query.get("userId", ""), query.get("connectionName", ""))
        code = query.get("code")
        if code is not None and key in self._awaiting_code and self._awaiting_code[key][0] == code:
            self._tokens[key] = self._awaiting_code.pop(key)[1]
        if key not in self._tokens:
            return self._not_found()
        return web.json_response(self._token_response(self._tokens[key], key[1], query.get("channelId")))

    async def _get_aad_tokens(self, request: web.Request) -> web.Response:
        query = self._record(request)
        key = (query.get("userId", ""), query.get("connectionName", ""))
        body = await request.json() if request.can_read_body else {}
        if key not in self._tokens:
            return self._not_found()
        return web.json_response({url: self._token_response(self._tokens[key], key[1], query.get("channelId")) for url in body.get("resourceUrls", [])})

    async def _get_token_status(self, request: web.Request) -> web.Response:
        query = self._record(request)
        user_id = query.get("userId", "")
        return web.json_response(
            [
                {"channelId": query.get("channelId"), "connectionName": name, "hasToken": True, "serviceProviderDisplayName": "Microsoft Account"}
                for (user, name) in self._tokens
                if user == user_id
            ]
        )

    async def _sign_out(self, request: web.Request) -> web.Response:
        query = self._record(request)
        user_id, connection_name = query.get("userId", ""), query.get("connectionName")
        for key in [k for k in self._tokens if k[0] == user_id and connection_name in (None, k[1])]:
            del self._tokens[key]
        return web.Response(status=204)

    async def _exchange(self, request: web.Request) -> web.Response:
        query = self._record(request)
        key = (query.get("userId", ""), query.get("connectionName", ""))
        if key not in self._tokens:  # single sign-on is not faked: the bot falls back to the sign-in card
            return self._not_found()
        return web.json_response(self._token_response(self._tokens[key], key[1], query.get("channelId")))

    def _decode_state(self, state: str) -> dict[str, Any]:
        try:
            decoded = json.loads(base64.b64decode(state))
        except (binascii.Error, ValueError):
            decoded = {"undecodable": state}
        self.sign_in_states.append(decoded)
        return decoded

    async def _get_sign_in_resource(self, request: web.Request) -> web.Response:
        query = self._record(request)
        self._decode_state(query.get("state", ""))
        return web.json_response(
            {
                "signInLink": f"{self.url}/signin?state={query.get('state', '')}",
                "tokenExchangeResource": {"id": "exchange-1", "uri": "api://botid-fake/access_as_user", "providerId": "fake"},
            }
        )

    async def _get_sign_in_url(self, request: web.Request) -> web.Response:
        query = self._record(request)
        self._decode_state(query.get("state", ""))
        return web.Response(text=f"{self.url}/signin?state={query.get('state', '')}", content_type="text/plain")


# --- Microsoft Graph -----------------------------------------------------------------------------


class FakeGraph(LoopbackServer):
    """`GET /v1.0/me`: the account that a bearer token belongs to, else Graph's 401."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[str] = []  # the bearer tokens presented, in order
        self._accounts: dict[str, dict[str, str]] = {}
        self.app.router.add_get("/v1.0/me", self._me)

    @property
    def graph_url(self) -> str:
        return self.url + "/v1.0"

    def add(self, token: str, user_principal_name: str, display_name: str = "") -> None:
        self._accounts[token] = {"userPrincipalName": user_principal_name, "displayName": display_name or user_principal_name.split("@")[0]}

    async def _me(self, request: web.Request) -> web.Response:
        authorization = request.headers.get("Authorization", "")
        token = authorization.removeprefix("Bearer ")
        self.calls.append(token)
        if not authorization.startswith("Bearer ") or token not in self._accounts:
            return web.json_response({"error": {"code": "InvalidAuthenticationToken", "message": "Access token is empty or invalid."}}, status=401)
        return web.json_response({"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users/$entity", **self._accounts[token]})


# --- Teams, the channel --------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamsUser:
    user_id: str  # the Teams user id, 29:…
    aad_object_id: str | None
    tenant_id: str | None
    locale: str = "en-US"
    name: str = "User"
    time_zone: str | None = None  # what Teams puts in the clientInfo entity ("Europe/Berlin")

    @property
    def conversation_id(self) -> str:
        """Their personal chat with the bot."""
        return f"a:personal-{self.user_id}"


class TeamsChannel:
    """Posts activities to a bot as Teams does (channel `msteams`, a personal conversation, the tenant
    in `channelData`, `serviceUrl` = the fake connector) and reads the bot's answers from the connector."""

    BOT: ClassVar[dict[str, str]] = {"id": "28:competency-bot", "name": "Competency Bot"}

    def __init__(self, connector: FakeConnector, session: aiohttp.ClientSession):
        self.connector = connector
        self.session = session
        self.sent: list[Any] = []  # every body posted, in order
        self._ids = itertools.count(1)

    def activity(self, user: TeamsUser, text: str | None = None, **fields: Any) -> dict[str, Any]:
        body: dict[str, Any] = {
            "type": "message",
            "id": f"1700000000{next(self._ids):06d}",
            "timestamp": datetime.now(timezone.utc).isoformat(),
            "channelId": "msteams",
            "serviceUrl": self.connector.service_url,
            "from": {"id": user.user_id, "name": user.name, "aadObjectId": user.aad_object_id},
            "recipient": self.BOT,
            "conversation": {"id": user.conversation_id, "conversationType": "personal", "tenantId": user.tenant_id},
            "channelData": {"tenant": {"id": user.tenant_id}} if user.tenant_id else {},
            "locale": user.locale,
        }
        if user.time_zone is not None:  # Teams: clientInfo entity with the client's zone, and localTimezone
            body["entities"] = [{"type": "clientInfo", "locale": user.locale, "country": "DE", "platform": "Web", "timezone": user.time_zone}]
            body["localTimezone"] = user.time_zone
        if text is not None:
            body["text"] = text
        body.update(fields)
        return body

    async def post(self, bot_url: str, body: Any, headers: dict[str, str] | None = None) -> aiohttp.ClientResponse:
        """POST to the bot's `/api/messages`; the response's body has been read."""
        self.sent.append(body)
        async with self.session.post(f"{bot_url}/api/messages", json=body, headers=headers) as response:
            await response.read()
            return response

    async def say(self, bot_url: str, user: TeamsUser, text: str) -> list[Delivery]:
        """One turn: what the bot sent back in the user's conversation for this message."""
        before = len(self.connector.accepted(user.conversation_id))
        response = await self.post(bot_url, self.activity(user, text))
        assert response.status in (200, 201), f"{text!r}: HTTP {response.status}"
        return self.connector.accepted(user.conversation_id)[before:]
