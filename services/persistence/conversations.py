"""Where members can be reached (conversation references), who they are, and their alert preference."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.persistence.repository import user_record
from services.persistence.tables import (
    BotStateRow,
    CatalogRow,
    ConversationReferenceRow,
    OrganizationRow,
    OrganizationVersionRow,
    UserPreferenceRow,
    UserRow,
)
from services.records import UserRecord

_USER = (UserRow.id, UserRow.organization_id, UserRow.display_name, UserRow.roles, UserRow.locale, UserRow.aad_object_id, UserRow.upn)
_STORED = ConversationReferenceRow


@dataclass(frozen=True)
class StoredReference:
    """A conversation reference as stored: the JSON document and what the bot knows of the place."""

    reference: str
    personal: bool
    locale: str | None
    time_zone: str | None
    updated_at: datetime
    dead_at: datetime | None


@dataclass(frozen=True)
class StoredMeeting:
    """What a turn reads before the dialog runs, in one statement (see `ConversationRepository.meeting`)."""

    user: UserRecord
    organization_name: str
    stored: StoredReference | None  # this conversation's reference, if the bot has one
    data_version: int
    catalog_id: int
    state: tuple[str, str] | None  # (document, e_tag) of the dialog state asked for, if stored


@dataclass(frozen=True)
class PersonalConversation:
    """A live personal chat of a user with the bot, and what decides whether alerts go there."""

    user_id: str
    roles: frozenset[str]
    left_on: date | None
    conversation_id: str
    updated_at: datetime
    alerts_muted: bool


class ConversationRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def member(self, tenant_id: str, aad_object_id: str) -> tuple[UserRecord, str] | None:
        """The user with that AAD object id in the organisation of that tenant, and its name."""
        row = (await self._session.execute(
            select(UserRow, OrganizationRow.name)
            .join(OrganizationRow, OrganizationRow.id == UserRow.organization_id)
            .where(OrganizationRow.tenant_id == tenant_id, UserRow.aad_object_id == aad_object_id)
            .limit(1)
        )).first()
        return None if row is None else (user_record(row[0]), row[1])

    async def meeting(self, tenant_id: str, aad_object_id: str, conversation_id: str, state_key: str | None) -> StoredMeeting | None:
        """One statement for everything a turn needs before the dialog runs: the member, the stored
        conversation reference, the organisation's data stamp (for the evaluation cache) and, when a
        key is given, the conversation's dialog state."""
        parameters = {"tenant_id": tenant_id, "aad_object_id": aad_object_id, "conversation_id": conversation_id}
        if state_key is not None:
            parameters["state_key"] = state_key
        # On the session's connection, not through `session.execute`: a Core statement that loads no
        # entity gains nothing from the ORM's execution path, which cost a third of this call's CPU.
        connection = await self._session.connection()
        found = (await connection.execute(_MEETING[state_key is not None], parameters)).first()
        if found is None:
            return None
        user = UserRecord(found.id, found.organization_id, found.display_name, frozenset(found.roles.split(",")), found.locale, found.aad_object_id, found.upn)
        stored = None
        if found.stored_user is not None:
            stored = StoredReference(found.reference, found.personal, found.stored_locale, found.stored_time_zone, found.updated_at, found.dead_at)
        state = (found.state_document, found.state_e_tag) if state_key is not None and found.state_document is not None else None
        return StoredMeeting(user, found.organization_name, stored, found.data_version or 0, found.catalog_id or 0, state)

    async def save_reference(
        self, user_id: str, conversation_id: str, organization_id: str, personal: bool, reference: str,
        locale: str | None, time_zone: str | None, now: datetime,
    ) -> None:
        """Store or refresh the reference (alive again if it was dead). An upsert: two first contacts
        at once both succeed; a locale or time zone of None keeps the one stored meanwhile."""
        values = {
            "organization_id": organization_id, "personal": personal, "reference": reference,
            "locale": locale, "time_zone": time_zone, "updated_at": now, "dead_at": None,
        }
        insert = postgresql_insert if self._session.get_bind().dialect.name == "postgresql" else sqlite_insert
        upsert = insert(_STORED).values(user_id=user_id, conversation_id=conversation_id, **values)
        changes = {
            **values,
            "locale": func.coalesce(upsert.excluded.locale, _STORED.locale),
            "time_zone": func.coalesce(upsert.excluded.time_zone, _STORED.time_zone),
        }
        await self._session.execute(upsert.on_conflict_do_update(index_elements=["user_id", "conversation_id"], set_=changes))

    async def personal_reference(self, user_id: str) -> str | None:
        """The reference document of the user's most recently refreshed live personal chat, if any."""
        return await self._session.scalar(
            select(ConversationReferenceRow.reference)
            .where(ConversationReferenceRow.user_id == user_id, ConversationReferenceRow.personal.is_(True), ConversationReferenceRow.dead_at.is_(None))
            .order_by(ConversationReferenceRow.updated_at.desc())
            .limit(1)
        )

    async def live_personal_conversations_of(self, organization_ids: Sequence[str]) -> dict[str, list[PersonalConversation]]:
        """organisation -> every live personal conversation the bot has with one of its users
        (organisations with none are missing)."""
        rows = await self._session.execute(
            select(
                UserRow.organization_id, UserRow.id, UserRow.roles, UserRow.left_on,
                ConversationReferenceRow.conversation_id, ConversationReferenceRow.updated_at, UserPreferenceRow.alerts_muted,
            )
            .join(ConversationReferenceRow, ConversationReferenceRow.user_id == UserRow.id)
            .outerjoin(UserPreferenceRow, UserPreferenceRow.user_id == UserRow.id)
            .where(
                UserRow.organization_id.in_(sorted(set(organization_ids))),
                ConversationReferenceRow.personal.is_(True),
                ConversationReferenceRow.dead_at.is_(None),
            )
        )
        found: dict[str, list[PersonalConversation]] = {}
        for organization_id, user_id, roles, left_on, conversation_id, updated_at, muted in rows:
            found.setdefault(organization_id, []).append(
                PersonalConversation(user_id, frozenset(roles.split(",")), left_on, conversation_id, updated_at, bool(muted))
            )
        return found

    async def mark_dead(self, user_id: str, conversation_id: str, now: datetime) -> None:
        """The bot was removed from that conversation: nothing is sent there any more."""
        await self._session.execute(
            update(ConversationReferenceRow)
            .where(ConversationReferenceRow.user_id == user_id, ConversationReferenceRow.conversation_id == conversation_id)
            .values(dead_at=now)
        )

    async def alerts_muted(self, user_id: str) -> bool | None:
        """The user's choice, or None if they never made one."""
        return await self._session.scalar(select(UserPreferenceRow.alerts_muted).where(UserPreferenceRow.user_id == user_id))

    async def set_alerts_muted(self, user_id: str, muted: bool, now: datetime) -> None:
        row = await self._session.get(UserPreferenceRow, user_id)
        if row is None:
            self._session.add(UserPreferenceRow(user_id=user_id, alerts_muted=muted, updated_at=now))
        else:
            row.alerts_muted, row.updated_at = muted, now


def _meeting_query(with_state: bool) -> Select:
    """The statement, built once per shape: building it (and its cache key) for every turn cost more
    CPU than the database spends answering it. Parameters: tenant_id, aad_object_id,
    conversation_id and, `with_state`, state_key."""
    version = select(OrganizationVersionRow.version).where(OrganizationVersionRow.organization_id == UserRow.organization_id).scalar_subquery()
    catalog_id = select(func.max(CatalogRow.id)).scalar_subquery()
    columns = [
        *_USER, OrganizationRow.name.label("organization_name"),
        _STORED.user_id.label("stored_user"), _STORED.reference, _STORED.personal, _STORED.locale.label("stored_locale"),
        _STORED.time_zone.label("stored_time_zone"),
        _STORED.updated_at, _STORED.dead_at, version.label("data_version"), catalog_id.label("catalog_id"),
    ]
    if with_state:
        state = select(BotStateRow.document, BotStateRow.e_tag).where(BotStateRow.key == bindparam("state_key"))
        columns += [state.with_only_columns(BotStateRow.document).scalar_subquery().label("state_document"),
                    state.with_only_columns(BotStateRow.e_tag).scalar_subquery().label("state_e_tag")]
    return (
        select(*columns)
        .join(OrganizationRow, OrganizationRow.id == UserRow.organization_id)
        .outerjoin(_STORED, and_(_STORED.user_id == UserRow.id, _STORED.conversation_id == bindparam("conversation_id")))
        .where(OrganizationRow.tenant_id == bindparam("tenant_id"), UserRow.aad_object_id == bindparam("aad_object_id"))
        .limit(1)
    )


_MEETING = {with_state: _meeting_query(with_state) for with_state in (False, True)}
