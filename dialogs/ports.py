"""What the dialogs need from the outside world, as protocols: the bot layer plugs in real
implementations (Microsoft Graph over HTTP), tests plug in fakes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class AccountProfile:
    """The Microsoft account behind a token: its sign-in name identifies the MSA (R4)."""

    sign_in_name: str
    display_name: str | None = None


class AccountDirectoryError(Exception):
    """The account could not be read with the token (Graph down, token rejected)."""


class AccountDirectory(Protocol):
    async def me(self, token: str) -> AccountProfile: ...
