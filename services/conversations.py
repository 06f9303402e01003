"""Use cases around a conversation: who is talking, where to reach them, and their alert preference."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping

from sqlalchemy import Select, and_, func, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from services.persistence.repository import user_record
from services.persistence.tables import BotStateRow, CatalogRow, ConversationReferenceRow, OrganizationRow, OrganizationVersionRow, UserPreferenceRow, UserRow
from services.persistence.versions import remember_stamp
from services.persistence.unit_of_work import UnitOfWorkFactory
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


_USER = (UserRow.id, UserRow.organization_id, UserRow.display_name, UserRow.roles, UserRow.locale, UserRow.aad_object_id, UserRow.upn)
_STORED = ConversationReferenceRow


def _meeting_query(tenant_id: str, aad_object_id: str, sighting: Sighting) -> Select:
    """One statement for everything a turn needs before the dialog runs: the member, the stored
    conversation reference, the organisation's data stamp (for the evaluation cache) and, when a
    key is given, the conversation's dialog state."""
    version = select(OrganizationVersionRow.version).where(OrganizationVersionRow.organization_id == UserRow.organization_id).scalar_subquery()
    catalog_id = select(func.max(CatalogRow.id)).scalar_subquery()
    columns = [
        *_USER, OrganizationRow.name.label("organization_name"),
        _STORED.user_id.label("stored_user"), _STORED.reference, _STORED.personal, _STORED.locale.label("stored_locale"),
        _STORED.time_zone.label("stored_time_zone"),
        _STORED.updated_at, _STORED.dead_at, version.label("data_version"), catalog_id.label("catalog_id"),
    ]
    if sighting.state_key is not None:
        state = select(BotStateRow.document, BotStateRow.e_tag).where(BotStateRow.key == sighting.state_key)
        columns += [state.with_only_columns(BotStateRow.document).scalar_subquery().label("state_document"),
                    state.with_only_columns(BotStateRow.e_tag).scalar_subquery().label("state_e_tag")]
    return (
        select(*columns)
        .join(OrganizationRow, OrganizationRow.id == UserRow.organization_id)
        .outerjoin(_STORED, and_(_STORED.user_id == UserRow.id, _STORED.conversation_id == sighting.conversation_id))
        .where(OrganizationRow.tenant_id == tenant_id, UserRow.aad_object_id == aad_object_id)
        .limit(1)
    )


def _storable(reference: Mapping[str, Any]) -> str:
    """The reference as stored: without the id of the message it was taken from, which changes with
    every message (proactive sends start a new message rather than answer an old one)."""
    return json.dumps({key: value for key, value in reference.items() if key != "activityId"}, sort_keys=True)


async def meet_member(uows: UnitOfWorkFactory, tenant_id: str | None, aad_object_id: str | None, sighting: Sighting, now: datetime) -> Meeting:
    """`find_member`, and store (or refresh) where the member can be reached, in one unit of work and
    one query when nothing changed (the common case: every message). A dead conversation lives again.

    The first contact is an upsert: Teams sends conversationUpdate and installationUpdate together
    on install, and two messages may open a conversation together; whichever arrives second updates
    the row the first one made instead of failing on the primary key."""
    if not tenant_id or not aad_object_id:
        return Meeting(None)
    async with uows() as uow:
        found = (await uow.session.execute(_meeting_query(tenant_id, aad_object_id, sighting))).first()
        if found is None:
            return Meeting(None)
        user = UserRecord(found.id, found.organization_id, found.display_name, frozenset(found.roles.split(",")), found.locale, found.aad_object_id, found.upn)
        member = Member(user, found.organization_id, found.organization_name)
        remember_stamp(found.organization_id, found.data_version or 0, found.catalog_id or 0)
        state = (found.state_document, found.state_e_tag) if sighting.state_key is not None and found.state_document is not None else None
        document = _storable(sighting.reference)
        stored = found.stored_user is not None
        reachable_again = not stored or found.dead_at is not None
        if (
            not reachable_again
            and found.reference == document
            and found.personal == sighting.personal
            and (sighting.locale is None or found.stored_locale == sighting.locale)
            and (sighting.time_zone is None or found.stored_time_zone == sighting.time_zone)
            and now - found.updated_at < timedelta(hours=1)
        ):
            return Meeting(member, state=state)  # nothing new: spare the write on every message
        values = {
            "organization_id": found.organization_id,
            "personal": sighting.personal,
            "reference": document,
            "locale": sighting.locale if sighting.locale is not None else found.stored_locale,
            "time_zone": sighting.time_zone if sighting.time_zone is not None else found.stored_time_zone,
            "updated_at": now,
            "dead_at": None,
        }
        insert = postgresql_insert if uow.session.bind.dialect.name == "postgresql" else sqlite_insert
        upsert = insert(_STORED).values(user_id=found.id, conversation_id=sighting.conversation_id, **values)
        update = {
            **values,
            "locale": func.coalesce(upsert.excluded.locale, _STORED.locale),
            "time_zone": func.coalesce(upsert.excluded.time_zone, _STORED.time_zone),
        }
        await uow.session.execute(upsert.on_conflict_do_update(index_elements=["user_id", "conversation_id"], set_=update))
        await uow.commit()
    return Meeting(member, reachable_again, state)


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
