"""What the dialogs need from the outside world, as protocols: the bot layer plugs in real
implementations (Microsoft Graph over HTTP), tests plug in fakes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from botbuilder.core import TurnContext
from botbuilder.schema import Activity

from services.conversations import Member


@dataclass(frozen=True)
class AccountProfile:
    """The Microsoft account behind a token: its sign-in name identifies the MSA (R4)."""

    sign_in_name: str
    display_name: str | None = None


class AccountDirectoryError(Exception):
    """The account could not be read with the token (Graph down, token rejected)."""


class AccountDirectory(Protocol):
    async def me(self, token: str) -> AccountProfile: ...


class PersonalChat(Protocol):
    """Reaches a member in their personal chat with the bot from a turn in another conversation
    (SPEC 4.4: organisation-wide answers asked in a channel or group chat are given there)."""

    async def send(self, turn_context: TurnContext, member: Member, activity: Activity) -> bool:
        """Send `activity` to the member's personal chat; False when the bot has none to reach
        (the member never opened one, or it is gone)."""
        ...
