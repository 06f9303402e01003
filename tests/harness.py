"""The whole bot in memory: one object per conversation, one line per turn.

The bot is built as production builds it (bot/bootstrap.py): `Settings` → `open_services` (engine,
units of work, the clock) → `build_bot` (SqlStorage, per-member conversation state, the
`CompetencyAdapter` with its `on_turn_error`, the alert worker, the assistant, `MainDialog`,
`CompetencyBot`). Each turn goes through the real adapter's `process_activity`, as `/api/messages`
hands it on once the HTTP checks have passed. Only what lies outside the process is fake, at the
composition root's `Microsoft` seam: Microsoft Graph (`FakeDirectory`), the Bot Framework token
service (`FakeTokenService`) and the Bot Connector (`FakeConnector`, which records every activity the
bot sends, replies and proactive messages alike)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any
from urllib.parse import urlsplit

from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount, ResourceResponse, TokenResponse
from botframework.connector.auth import ConnectorFactory, UserTokenClient
from botframework.connector.token_api.models import SignInUrlResponse, TokenExchangeResource, TokenStatus

from bot.bootstrap import BotParts, Microsoft, Services, build_bot, open_services
from bot.connector.pool import ConnectorPool
from dialogs.ports import AccountDirectoryError, AccountProfile
from dialogs.recognizer import Recognition, recognize
from services.settings import Settings

SERVICE_URL = "https://smba.example/teams"
BOT = ChannelAccount(id="28:bot", name="Competency Bot")


class FakeDirectory:
    """Microsoft Graph `/me`: a token maps to an account, or to an error Graph's client would not expect."""

    def __init__(self) -> None:
        self.accounts: dict[str, AccountProfile | Exception] = {}
        self.calls: list[str] = []

    def add(self, token: str, sign_in_name: str) -> None:
        self.accounts[token] = AccountProfile(sign_in_name)

    def break_for(self, token: str, error: Exception) -> None:
        self.accounts[token] = error

    async def me(self, token: str) -> AccountProfile:
        self.calls.append(token)
        found = self.accounts.get(token)
        if found is None:
            raise AccountDirectoryError("401 from Graph")
        if isinstance(found, Exception):
            raise found
        return found


class FakeTokenService(UserTokenClient):
    """The Bot Framework token service as the bot's `UserTokenClient` sees it.

    `sign_in` stores a token as if the user had signed in before; with `magic_code` it is handed out
    only once the bot asks with that code. `fail_with` makes every call raise, as an unreachable
    service does."""

    def __init__(self) -> None:
        self.tokens: dict[tuple[str, str], str] = {}
        self.awaiting_code: dict[tuple[str, str], tuple[str, str]] = {}
        self.calls: list[tuple[str, str]] = []  # (operation, user id)
        self.failure: Exception | None = None
        self.exchange_answer: Any = None  # what `exchange_token` answers: None (a 404), a TokenResponse or an ErrorResponse

    def sign_in(self, user_id: str, connection_name: str, token: str, magic_code: str | None = None) -> None:
        if magic_code is None:
            self.tokens[(user_id, connection_name)] = token
        else:
            self.awaiting_code[(user_id, connection_name)] = (magic_code, token)

    def fail_with(self, error: Exception | None) -> None:
        self.failure = error

    def _call(self, operation: str, user_id: str) -> None:
        self.calls.append((operation, user_id))
        if self.failure is not None:
            raise self.failure

    def _response(self, key: tuple[str, str], channel_id: str | None) -> TokenResponse | None:
        token = self.tokens.get(key)
        return TokenResponse(channel_id=channel_id, connection_name=key[1], token=token) if token is not None else None

    async def get_user_token(self, user_id: str, connection_name: str, channel_id: str, magic_code: str) -> TokenResponse | None:  # None: no token, as the SDK's own client answers
        self._call("get_user_token", user_id)
        key = (user_id, connection_name)
        if magic_code and key in self.awaiting_code and self.awaiting_code[key][0] == magic_code:
            self.tokens[key] = self.awaiting_code.pop(key)[1]
        return self._response(key, channel_id)

    async def get_sign_in_resource(self, connection_name: str, activity: Activity, final_redirect: str) -> SignInUrlResponse:
        user_id = activity.from_property.id if activity.from_property else ""
        self._call("get_sign_in_resource", user_id)
        return SignInUrlResponse(
            sign_in_link=f"https://token.example/sign-in/{connection_name}/{user_id}",
            token_exchange_resource=TokenExchangeResource(id="exchange-1", uri=f"api://{connection_name}/access_as_user", provider_id="fake"),
        )

    async def sign_out_user(self, user_id: str, connection_name: str, channel_id: str) -> None:
        self._call("sign_out_user", user_id)
        for key in [k for k in self.tokens if k[0] == user_id and connection_name in (None, k[1])]:
            del self.tokens[key]

    async def get_token_status(self, user_id: str, channel_id: str, include_filter: str) -> list[TokenStatus]:
        self._call("get_token_status", user_id)
        return [TokenStatus(channel_id=channel_id, connection_name=name, has_token=True) for (user, name) in self.tokens if user == user_id]

    async def get_aad_tokens(self, user_id: str, connection_name: str, resource_urls: list[str], channel_id: str) -> dict[str, TokenResponse]:
        self._call("get_aad_tokens", user_id)
        response = self._response((user_id, connection_name), channel_id)
        return {url: response for url in resource_urls} if response else {}

    async def exchange_token(self, user_id: str, connection_name: str, channel_id: str, exchange_request: Any) -> TokenResponse | None:
        """Single sign-on refused unless a test sets `exchange_answer`: the bot falls back to the sign-in card."""
        self._call("exchange_token", user_id)
        return self.exchange_answer  # None: what the SDK's client returns for a 404


class _Conversations:
    """The Bot Connector's conversations operations the adapter calls to send."""

    def __init__(self, connector: FakeConnector):
        self._connector = connector

    async def reply_to_activity(self, conversation_id: str, activity_id: str, activity: Activity, **_: Any) -> ResourceResponse:
        return self._connector.accept(conversation_id, activity)

    async def send_to_conversation(self, conversation_id: str, activity: Activity, **_: Any) -> ResourceResponse:
        return self._connector.accept(conversation_id, activity)


class _Client:
    def __init__(self, connector: FakeConnector, service_url: str):
        self.service_url = service_url
        self.conversations = _Conversations(connector)


class _Factory(ConnectorFactory):
    def __init__(self, connector: FakeConnector):
        self._connector = connector

    async def create(self, service_url: str, audience: str | None = None) -> Any:
        return _Client(self._connector, service_url)


class FakeConnector(ConnectorPool):
    """The Bot Connector: where every connector client the adapter asks for sends. It keeps each
    activity as the bot handed it over, after checking that it serializes as the real client would."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Activity] = []
        self._ids = itertools.count(1)

    def wrap(self, factory: ConnectorFactory) -> ConnectorFactory:
        return _Factory(self)

    def accept(self, conversation_id: str, activity: Activity) -> ResourceResponse:
        assert activity.conversation is not None and activity.conversation.id == conversation_id, (conversation_id, activity.conversation)
        activity.serialize()  # what msrest does before posting: an unserializable reply fails here, as it would in Teams
        self.sent.append(activity)
        return ResourceResponse(id=f"sent-{next(self._ids)}")

    def close(self) -> None:
        return None


class Guessing:
    """The real recognizer, except for the messages given: those are read as `intent` with `score`, so
    the confirmation rule is tested at exact scores whatever the recognizer's tuning does."""

    def __init__(self, guesses: dict[str, tuple[str, float]]):
        self.guesses = guesses

    def __call__(self, message: str, locale: str | None = None, lexicon: Any = None) -> Recognition:
        if message in self.guesses:
            intent, score = self.guesses[message]
            return Recognition(intent, score, None, "de" if (locale or "").startswith("de") else "en")
        return recognize(message, locale, lexicon)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Person:
    user_id: str  # the Teams user id (29:…)
    aad_object_id: str | None
    tenant_id: str | None
    locale: str = "en-US"
    name: str = "User"


_activity_ids = itertools.count(1)


@dataclass
class Chat:
    """One person's personal chat with the bot, or (with a `conversation_type` and `channel_data`)
    what that person says in a shared conversation."""

    harness: BotHarness
    person: Person
    conversation_id: str
    replies: list[Activity] = field(default_factory=list)
    conversation_type: str | None = "personal"
    channel_data: dict[str, Any] = field(default_factory=dict)

    async def say(self, text: str | None = None, value: dict[str, Any] | None = None, locale: str | None = None) -> list[Activity]:
        return await self.send(self._activity(ActivityTypes.message, text=text, value=value, locale=locale))

    async def invoke(self, name: str, value: dict[str, Any]) -> list[Activity]:
        """An invoke (`signin/tokenExchange`, …); its answer is the harness's last `invoke_responses`."""
        return await self.send(self._activity(ActivityTypes.invoke, name=name, value=value))

    def _activity(self, kind: str, text: str | None = None, value: dict[str, Any] | None = None, locale: str | None = None, name: str | None = None) -> Activity:
        return Activity(
            type=kind,
            name=name,
            text=text,
            value=value,
            locale=locale or self.person.locale,
            from_property=ChannelAccount(id=self.person.user_id, name=self.person.name, aad_object_id=self.person.aad_object_id),
            conversation=ConversationAccount(id=self.conversation_id, conversation_type=self.conversation_type, tenant_id=self.person.tenant_id),
            channel_data={**self.channel_data, **({"tenant": {"id": self.person.tenant_id}} if self.person.tenant_id else {})},
        )

    async def send(self, activity: Activity) -> list[Activity]:
        """One turn: every activity the bot sent during it, wherever it went."""
        replies = await self.harness.turn(activity)
        self.replies.extend(replies)
        return replies


class BotHarness:
    def __init__(self, services: Services, recognizer: Callable[..., Recognition] | None = None):
        self.services = services
        self.recognizer = recognizer  # None: the real recognizer
        self.directory = FakeDirectory()
        self.tokens = FakeTokenService()
        self.connector = FakeConnector()
        self.microsoft = Microsoft(directory=self.directory, connectors=self.connector, user_tokens=self.tokens)
        self.invoke_responses: list[Any] = []
        self.parts = self._build()

    def _build(self) -> BotParts:
        return build_bot(self.services, microsoft=self.microsoft, recognizer=self.recognizer)

    @property
    def clock(self) -> Clock:
        assert isinstance(self.services.clock, Clock)
        return self.services.clock

    @property
    def engine(self) -> Any:
        return self.services.engine

    @property
    def assistant(self) -> Any:
        return self.parts.assistant

    @property
    def connection_name(self) -> str:
        return self.services.settings.oauth_connection_name

    async def turn(self, activity: Activity) -> list[Activity]:
        """What Teams does for one activity: stamp it as its channel does, then hand it to the adapter."""
        activity.id = activity.id or f"1700000000{next(_activity_ids):06d}"
        activity.channel_id = activity.channel_id or "msteams"
        activity.service_url = activity.service_url or SERVICE_URL
        activity.recipient = activity.recipient or BOT
        activity.timestamp = activity.timestamp or self.clock.now
        before = len(self.connector.sent)
        response = await self.parts.adapter.process_activity("", activity, self.parts.bot.on_turn)
        self.invoke_responses.append(response)
        return self.connector.sent[before:]

    async def restart(self) -> None:
        """A fresh bot over the same database, Graph, token service and connector: what a restart or a
        second instance looks like."""
        await self.parts.close()
        self.parts = self._build()

    async def close(self) -> None:
        await self.parts.close()

    def chat(self, person: Person) -> Chat:
        return Chat(self, person, f"a:personal-{person.user_id}")

    def channel(self, person: Person, conversation_id: str = "19:general@thread.tacv2", conversation_type: str | None = "channel") -> Chat:
        """What `person` says in a team's channel (as Teams marks one: the type and `channelData.team`)."""
        team = {"team": {"id": "19:team@thread.tacv2"}, "channel": {"id": conversation_id}}
        return Chat(self, person, conversation_id, conversation_type=conversation_type, channel_data=team)

    def group_chat(self, person: Person, conversation_id: str = "19:group@thread.v2") -> Chat:
        return Chat(self, person, conversation_id, conversation_type="groupChat")

    def sign_in(self, person: Person, token: str, sign_in_name: str, magic_code: str | None = None) -> None:
        self.directory.add(token, sign_in_name)
        self.tokens.sign_in(person.user_id, self.connection_name, token, magic_code)


def harness_settings(database_url: str) -> Settings:
    """Local mode (no app id), no background alert scans: what `make run` runs, over the test database;
    replies may go to the fake Teams service URL (SERVICE_URL) as to loopback."""
    return Settings(DATABASE_URL=database_url, MicrosoftAppId="", ALERT_SCAN_INTERVAL_SECONDS=0, ALLOWED_SERVICE_URL_HOSTS=urlsplit(SERVICE_URL).hostname)


@asynccontextmanager
async def running_bot(database_url: str, now: datetime, recognizer: Callable[..., Recognition] | None = None) -> AsyncIterator[BotHarness]:
    """The bot as production builds it, on a clock stopped at `now` (tests move it by `clock.now`)."""
    async with open_services(harness_settings(database_url), clock=Clock(now)) as services:
        harness = BotHarness(services, recognizer)
        try:
            yield harness
        finally:
            await harness.close()


def texts(replies: list[Activity]) -> list[str]:
    """What the user reads: the text, or a card's plain-text fallback."""
    out = []
    for reply in replies:
        if reply.attachments:
            content = reply.attachments[0].content
            out.append(content.get("fallbackText", "") if isinstance(content, dict) else (getattr(content, "text", None) or ""))
        else:
            out.append(reply.text or "")
    return out


def card_of(reply: Activity) -> dict:
    assert reply.attachments, f"no card in {reply.text!r}"
    return reply.attachments[0].content


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


__all__ = ["BotHarness", "Chat", "Clock", "FakeConnector", "FakeDirectory", "FakeTokenService", "Guessing", "Person", "card_of", "running_bot", "texts", "utc"]
