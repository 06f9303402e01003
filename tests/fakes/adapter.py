"""An adapter as far as the alert sender uses one (`continue_conversation`), with scripted failures."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any


class HttpFailure(Exception):
    """A failed connector call as botbuilder raises it: a response with a status and headers."""

    def __init__(self, status: int, headers: dict[str, str] | None = None):
        super().__init__(f"HTTP {status}")
        self.response = SimpleNamespace(status_code=status, headers=headers or {})


class FakeTurn:
    def __init__(self, adapter: FakeAdapter, reference: Any):
        self.adapter = adapter
        self.reference = reference

    async def send_activity(self, activity: Any) -> None:
        outcome = self.adapter.script.pop(0) if self.adapter.script else None
        if outcome is not None:
            raise outcome
        self.adapter.delivered.append(activity)
        self.adapter.conversations.append(self.reference.conversation.id if self.reference.conversation else None)


class FakeAdapter:
    """`continue_conversation` as the sender uses it; each send takes the next scripted failure, or
    succeeds when the script is empty. `unreachable` fails the call itself (no route to the connector)."""

    def __init__(self, *script: Exception, unreachable: Exception | None = None):
        self.script = list(script)
        self.unreachable = unreachable
        self.delivered: list[Any] = []
        self.conversations: list[str | None] = []  # the conversation of each delivered activity
        self.bot_ids: list[str] = []
        self.service_urls: list[str] = []  # where each send went (where the adapter would take a token to)
        self.attempts = 0

    async def continue_conversation(self, reference: Any, callback: Any, bot_id: str) -> None:
        self.attempts += 1
        self.bot_ids.append(bot_id)
        self.service_urls.append(reference.service_url)
        if self.unreachable is not None:
            raise self.unreachable
        await callback(FakeTurn(self, reference))
