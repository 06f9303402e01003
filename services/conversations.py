"""Use cases around a conversation: who is talking, where to reach them, and their alert preference."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from services.persistence.conversations import StoredReference
from services.persistence.unit_of_work import UnitOfWorkFactory
from services.persistence.versions import remember_stamp
from services.records import UserRecord


@dataclass(frozen=True)
class Member:
    """A registered user of a partner organisation, as found from a Teams activity (SPEC 4.4)."""

    user: UserRecord
    organization_id: str
    organization_name: str

    @property
    def is_admin(self) -> bool:
        return self.user.is_admin


@dataclass(frozen=True)
class Sighting:
    """Where a member was just seen: the conversation and the reference to reach them there again.

    `state_key`: the bot's storage key of this conversation's dialog state, read in the same query
    as the member (see `Meeting.state`), so a turn needs one round trip to the database, not three."""

    conversation_id: str
    reference: Mapping[str, Any]
    personal: bool
    locale: str | None
    time_zone: str | None = None  # IANA name Teams sent (clientInfo / localTimezone), for alerts
    state_key: str | None = None


@dataclass(frozen=True)
class Meeting:
    member: Member | None
    reachable_again: bool = False  # the member can now be reached where they could not before
    state: tuple[str, str] | None = None  # (document, e_tag) stored under `Sighting.state_key`, if any


async def find_member(uows: UnitOfWorkFactory, tenant_id: str | None, aad_object_id: str | None) -> Member | None:
    """The organisation comes from the Teams tenant, the user from `aadObjectId`; both must match, so
    nobody reaches another tenant's data whatever they type."""
    if not tenant_id or not aad_object_id:
        return None
    async with uows() as uow:
        found = await uow.conversations.member(tenant_id, aad_object_id)
    if found is None:
        return None
    user, name = found
    return Member(user, user.organization_id, name)


def _storable(reference: Mapping[str, Any]) -> str:
    """The reference as stored: without the id of the message it was taken from, which changes with
    every message (proactive sends start a new message rather than answer an old one)."""
    return json.dumps({key: value for key, value in reference.items() if key != "activityId"}, sort_keys=True)


async def meet_member(uows: UnitOfWorkFactory, tenant_id: str | None, aad_object_id: str | None, sighting: Sighting, now: datetime) -> Meeting:
    """`find_member`, and store (or refresh) where the member can be reached: one query when nothing
    changed (the common case: every message), read without a transaction around it; a change is
    written in a unit of work of its own (an upsert, which needs nothing the read saw to stay put).
    A dead conversation lives again.

    The first contact is an upsert: Teams sends conversationUpdate and installationUpdate together
    on install, and two messages may open a conversation together; whichever arrives second updates
    the row the first one made instead of failing on the primary key."""
    if not tenant_id or not aad_object_id:
        return Meeting(None)
    async with uows.single_read() as reading:
        found = await reading.conversations.meeting(tenant_id, aad_object_id, sighting.conversation_id, sighting.state_key)
    if found is None:
        return Meeting(None)
    member = Member(found.user, found.user.organization_id, found.organization_name)
    remember_stamp(found.user.organization_id, found.data_version, found.catalog_id)
    document = _storable(sighting.reference)
    stored = found.stored
    if stored is not None and stored.dead_at is None and _unchanged(stored, document, sighting, now):
        return Meeting(member, state=found.state)  # nothing new: spare the write on every message
    async with uows() as uow:
        await uow.conversations.save_reference(
            found.user.id,
            sighting.conversation_id,
            found.user.organization_id,
            sighting.personal,
            document,
            sighting.locale if sighting.locale is not None or stored is None else stored.locale,
            sighting.time_zone if sighting.time_zone is not None or stored is None else stored.time_zone,
            now,
        )
        await uow.commit()
    reachable_again = stored is None or stored.dead_at is not None
    return Meeting(member, reachable_again, found.state)


def _unchanged(stored: StoredReference, document: str, sighting: Sighting, now: datetime) -> bool:
    """The stored reference says what the sighting says and was refreshed within the hour."""
    return (
        stored.reference == document
        and stored.personal == sighting.personal
        and (sighting.locale is None or stored.locale == sighting.locale)
        and (sighting.time_zone is None or stored.time_zone == sighting.time_zone)
        and now - stored.updated_at < timedelta(hours=1)
    )


async def personal_reference(uows: UnitOfWorkFactory, user_id: str) -> Mapping[str, Any] | None:
    """The conversation reference of the user's personal chat with the bot (the most recently
    refreshed live one), to answer there what must not be said in a shared conversation (SPEC 4.4)."""
    async with uows() as uow:
        document = await uow.conversations.personal_reference(user_id)
    return None if document is None else json.loads(document)


async def set_alerts(uows: UnitOfWorkFactory, user_id: str, enabled: bool, now: datetime) -> None:
    async with uows() as uow:
        await uow.conversations.set_alerts_muted(user_id, not enabled, now)
        await uow.commit()


async def alerts_enabled(uows: UnitOfWorkFactory, user_id: str) -> bool:
    async with uows() as uow:
        muted = await uow.conversations.alerts_muted(user_id)
    return not muted
