"""What the dialogs receive about people: plain, frozen records, free of any ORM object."""

from __future__ import annotations

from dataclasses import dataclass


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
