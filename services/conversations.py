"""Use cases around a conversation: who is talking, where to reach them, and their alert preference."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping

from sqlalchemy import Select, and_, select

from services.persistence.repository import UserRecord, user_record
from services.persistence.tables import ConversationReferenceRow, OrganizationRow, UserPreferenceRow, UserRow
from services.persistence.unit_of_work import UnitOfWorkFactory


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
    """Where a member was just seen: the conversation and the reference to reach them there again."""

    conversation_id: str
    reference: Mapping[str, Any]
    personal: bool
    locale: str | None
    time_zone: str | None = None  # IANA name Teams sent (clientInfo / localTimezone), for alerts


@dataclass(frozen=True)
class Meeting:
    member: Member | None
    reachable_again: bool = False  # the member can now be reached where they could not before


def _member_query(tenant_id: str, aad_object_id: str) -> Select:
    return (
        select(UserRow, OrganizationRow.name)
        .join(OrganizationRow, OrganizationRow.id == UserRow.organization_id)
        .where(OrganizationRow.tenant_id == tenant_id, UserRow.aad_object_id == aad_object_id)
        .limit(1)
    )


async def find_member(uows: UnitOfWorkFactory, tenant_id: str | None, aad_object_id: str | None) -> Member | None:
    """The organisation comes from the Teams tenant, the user from `aadObjectId`; both must match, so
    nobody reaches another tenant's data whatever they type."""
    if not tenant_id or not aad_object_id:
        return None
    async with uows() as uow:
        row = (await uow.session.execute(_member_query(tenant_id, aad_object_id))).first()
    if row is None:
        return None
    user, name = row
    return Member(user_record(user), user.organization_id, name)


async def meet_member(uows: UnitOfWorkFactory, tenant_id: str | None, aad_object_id: str | None, sighting: Sighting, now: datetime) -> Meeting:
    """`find_member`, and store (or refresh) where the member can be reached, in one unit of work and
    one query when nothing changed (the common case: every message). A dead conversation lives again."""
    if not tenant_id or not aad_object_id:
        return Meeting(None)
    stored = ConversationReferenceRow
    query = _member_query(tenant_id, aad_object_id).add_columns(stored).outerjoin(
        stored, and_(stored.user_id == UserRow.id, stored.conversation_id == sighting.conversation_id)
    )
    async with uows() as uow:
        found = (await uow.session.execute(query)).first()
        if found is None:
            return Meeting(None)
        user, name, row = found
        member = Member(user_record(user), user.organization_id, name)
        document = json.dumps(sighting.reference, sort_keys=True)
        reachable_again = row is None or row.dead_at is not None
        if (
            not reachable_again
            and row.reference == document
            and row.personal == sighting.personal
            and (sighting.locale is None or row.locale == sighting.locale)
            and (sighting.time_zone is None or row.time_zone == sighting.time_zone)
            and now - row.updated_at < timedelta(hours=1)
        ):
            return Meeting(member)  # nothing new: spare the write on every message
        if row is None:
            uow.session.add(
                ConversationReferenceRow(
                    user_id=user.id,
                    conversation_id=sighting.conversation_id,
                    organization_id=user.organization_id,
                    personal=sighting.personal,
                    reference=document,
                    locale=sighting.locale,
                    time_zone=sighting.time_zone,
                    updated_at=now,
                )
            )
        else:
            row.reference, row.locale, row.updated_at, row.dead_at = document, sighting.locale or row.locale, now, None
            row.time_zone = sighting.time_zone or row.time_zone
            row.organization_id, row.personal = user.organization_id, sighting.personal
        await uow.commit()
    return Meeting(member, reachable_again)


async def personal_reference(uows: UnitOfWorkFactory, user_id: str) -> Mapping[str, Any] | None:
    """The conversation reference of the user's personal chat with the bot (the most recently
    refreshed live one), to answer there what must not be said in a shared conversation (SPEC 4.4)."""
    async with uows() as uow:
        document = await uow.session.scalar(
            select(ConversationReferenceRow.reference)
            .where(ConversationReferenceRow.user_id == user_id, ConversationReferenceRow.personal.is_(True), ConversationReferenceRow.dead_at.is_(None))
            .order_by(ConversationReferenceRow.updated_at.desc())
            .limit(1)
        )
    return None if document is None else json.loads(document)


async def set_alerts(uows: UnitOfWorkFactory, user_id: str, enabled: bool, now: datetime) -> None:
    async with uows() as uow:
        row = await uow.session.get(UserPreferenceRow, user_id)
        if row is None:
            uow.session.add(UserPreferenceRow(user_id=user_id, alerts_muted=not enabled, updated_at=now))
        else:
            row.alerts_muted, row.updated_at = not enabled, now
        await uow.commit()


async def alerts_enabled(uows: UnitOfWorkFactory, user_id: str) -> bool:
    async with uows() as uow:
        muted = await uow.session.scalar(select(UserPreferenceRow.alerts_muted).where(UserPreferenceRow.user_id == user_id))
    return not muted
