"""What the dialogs and the alert sender receive: plain, frozen records, free of any ORM object."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class UserRecord:
    """A user as the conversation layer needs them: who, where, and may they see the organisation."""

    id: str
    organization_id: str
    display_name: str
    roles: frozenset[str]
    locale: str | None
    aad_object_id: str | None
    upn: str | None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


@dataclass(frozen=True)
class DueDelivery:
    """An alert delivery claimed for sending, with everything the sender needs to send it."""

    id: int
    user_id: str
    conversation_id: str
    tenant_id: str
    organization_id: str
    organization_name: str
    reference: dict[str, Any]
    locale: str | None
    time_zone: str | None  # the recipient's, as Teams last told it; None: UTC
    kind: str
    details: dict[str, Any]
    attempts: int
