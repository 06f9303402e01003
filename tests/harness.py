"""The whole bot in memory: one object per conversation, one line per turn.

A real `CompetencyBot` over a real database and SqlStorage, driven through botbuilder's TestAdapter
on channel `msteams`; only Microsoft Graph is a fake."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount

from bot.hosting.handler import CompetencyBot
from bot.hosting.inbound import ServiceUrlPolicy
from bot.hosting.personal_chat import StoredPersonalChat
from bot.state.conversation_state import PerMemberConversationState
from bot.state.storage import SqlStorage
from dialogs.main_dialog import MainDialog
from dialogs.ports import AccountDirectoryError, AccountProfile
from services.assistant import Assistant
from services.persistence.database import session_factory

CONNECTION = "MSA"


class FakeDirectory:
    """Microsoft Graph `/me`: a token maps to an account."""

    def __init__(self) -> None:
        self.accounts: dict[str, AccountProfile] = {}
        self.calls: list[str] = []

    def add(self, token: str, sign_in_name: str) -> None:
        self.accounts[token] = AccountProfile(sign_in_name)

    async def me(self, token: str) -> AccountProfile:
        self.calls.append(token)
        if token not in self.accounts:
            raise AccountDirectoryError("401 from Graph")
        return self.accounts[token]


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


@dataclass
class Chat:
    """One person's personal chat with the bot, or (with a `conversation_type` and `channel_data`)
    what that person says in a shared conversation."""

    adapter: TestAdapter
    person: Person
    conversation_id: str
    replies: list[Activity] = field(default_factory=list)
    conversation_type: str | None = "personal"
    channel_data: dict[str, Any] = field(default_factory=dict)

    async def say(self, text: str | None = None, value: dict[str, Any] | None = None, locale: str | None = None) -> list[Activity]:
        activity = Activity(
            type=ActivityTypes.message,
            text=text,
            value=value,
            locale=locale or self.person.locale,
            channel_id="msteams",
            from_property=ChannelAccount(id=self.person.user_id, name=self.person.name, aad_object_id=self.person.aad_object_id),
            conversation=ConversationAccount(id=self.conversation_id, conversation_type=self.conversation_type, tenant_id=self.person.tenant_id),
            channel_data={**self.channel_data, **({"tenant": {"id": self.person.tenant_id}} if self.person.tenant_id else {})},
        )
        return await self.send(activity)

    async def send(self, activity: Activity) -> list[Activity]:
        await self.adapter.receive_activity(activity)
        replies = []
        while (reply := self.adapter.get_next_activity()) is not None:
            replies.append(reply)
        self.replies.extend(replies)
        return replies


class BotHarness:
    def __init__(self, engine, uows, now: datetime, recognizer=None):
        self.recognizer = recognizer  # None: the real recognizer
        self.clock = Clock(now)
        self.directory = FakeDirectory()
        self.engine = engine
        self.assistant = Assistant(uows, self.clock)
        self.adapter = self._adapter()

    def _adapter(self) -> TestAdapter:
        """A fresh bot over the same database: what a restart or a second instance looks like."""
        conversation_state = PerMemberConversationState(SqlStorage(session_factory(self.engine)))
        personal_chat = StoredPersonalChat(self.assistant, "28:bot", ServiceUrlPolicy.from_setting(local_mode=False, setting="smba.example"))
        dialog = MainDialog(self.assistant, self.directory, CONNECTION, personal_chat, **({"recognizer": self.recognizer} if self.recognizer else {}))
        bot = CompetencyBot(self.assistant, conversation_state, dialog)
        template = Activity(channel_id="msteams", service_url="https://smba.example/teams", recipient=ChannelAccount(id="28:bot", name="Competency Bot"))
        adapter = TestAdapter(bot.on_turn, template)
        adapter.conversation_state = conversation_state
        return adapter

    def restart(self) -> None:
        tokens, codes = self.adapter._user_tokens, self.adapter._magic_codes  # the token service outlives the bot
        self.adapter = self._adapter()
        self.adapter._user_tokens, self.adapter._magic_codes = tokens, codes

    def chat(self, person: Person) -> Chat:
        return Chat(self.adapter, person, f"a:personal-{person.user_id}")

    def channel(self, person: Person, conversation_id: str = "19:general@thread.tacv2", conversation_type: str | None = "channel") -> Chat:
        """What `person` says in a team's channel (as Teams marks one: the type and `channelData.team`)."""
        team = {"team": {"id": "19:team@thread.tacv2"}, "channel": {"id": conversation_id}}
        return Chat(self.adapter, person, conversation_id, conversation_type=conversation_type, channel_data=team)

    def group_chat(self, person: Person, conversation_id: str = "19:group@thread.v2") -> Chat:
        return Chat(self.adapter, person, conversation_id, conversation_type="groupChat")

    def sign_in(self, person: Person, token: str, sign_in_name: str, magic_code: str | None = None) -> None:
        self.directory.add(token, sign_in_name)
        self.adapter.add_user_token(CONNECTION, "msteams", person.user_id, token, magic_code)


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


__all__ = ["BotHarness", "Chat", "Person", "texts", "card_of", "utc", "TurnContext"]
