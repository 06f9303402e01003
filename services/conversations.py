"""Use cases around a conversation: who is talking, where to reach them, and their alert preference."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping

from sqlalchemy import select

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


async def find_member(uows: UnitOfWorkFactory, tenant_id: str | None, aad_object_id: str | None) -> Member | None:
    """The organisation comes from the Teams tenant, the user from `aadObjectId`; both must match, so
    nobody reaches another tenant's data whatever they type."""
    if not tenant_id or not aad_object_id:
        return None
    async with uows() as uow:
        row = (
            await uow.session.execute(
                select(UserRow, OrganizationRow.name)
                .join(OrganizationRow, OrganizationRow.id == UserRow.organization_id)
                .where(OrganizationRow.tenant_id == tenant_id, UserRow.aad_object_id == aad_object_id)
                .limit(1)
            )
        ).first()
    if row is None:
        return None
    user, name = row
    return Member(user_record(user), user.organization_id, name)


async def remember_conversation(
    uows: UnitOfWorkFactory, member: Member, conversation_id: str, reference: Mapping[str, Any], personal: bool, locale: str | None, now: datetime
) -> bool:
    """Store (or refresh) where the member can be reached; a conversation that was dead lives again.
    True when the member can now be reached where they could not before."""
    async with uows() as uow:
        row = await uow.session.get(ConversationReferenceRow, (member.user.id, conversation_id))
        document = json.dumps(reference, sort_keys=True)
        reachable_again = row is None or row.dead_at is not None
        if (
            row is not None
            and not reachable_again
            and row.reference == document
            and row.personal == personal
            and (locale is None or row.locale == locale)
            and now - row.updated_at < timedelta(hours=1)
        ):
            return False  # nothing new: spare the write on every message
        if row is None:
            uow.session.add(
                ConversationReferenceRow(
                    user_id=member.user.id,
                    conversation_id=conversation_id,
                    organization_id=member.organization_id,
                    personal=personal,
                    reference=document,
                    locale=locale,
                    updated_at=now,
                )
            )
        else:
            row.reference, row.locale, row.updated_at, row.dead_at = document, locale or row.locale, now, None
            row.organization_id, row.personal = member.organization_id, personal
        await uow.commit()
    return reachable_again


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
