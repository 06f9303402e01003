"""Reads and writes of MSA links and link events (R3, R4): the rules live in the use cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.persistence.tables import LinkEventRow, MsaLinkRow, UserRow

CHUNK = 5000


@dataclass(frozen=True)
class StoredLink:
    """One link of an MSA to a user, with the organisation the user belongs to."""

    user_id: str
    msa: str
    purpose: str
    linked_at: datetime
    dissolved_at: datetime | None
    organization_id: str


class LinkRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def link(self, user_id: str, msa: str) -> StoredLink | None:
        row = await self._session.get(MsaLinkRow, (user_id, msa))
        if row is None:
            return None
        return StoredLink(row.user_id, row.msa, row.purpose, row.linked_at, row.dissolved_at, "")

    async def save_link(self, user_id: str, msa: str, purpose: str, linked_at: datetime) -> None:
        """Store the link as made at `linked_at` (a dissolved one counts again)."""
        row = await self._session.get(MsaLinkRow, (user_id, msa))
        if row is None:
            self._session.add(MsaLinkRow(user_id=user_id, msa=msa, purpose=purpose, linked_at=linked_at))
        else:
            row.linked_at, row.dissolved_at, row.purpose = linked_at, None, purpose

    async def add_link_event(self, msa: str, user_id: str, organization_id: str, linked_at: datetime) -> None:
        self._session.add(LinkEventRow(msa=msa, user_id=user_id, organization_id=organization_id, linked_at=linked_at))
        await self._session.flush()

    async def last_linked_at(self, msa: str) -> datetime | None:
        """When the MSA was last associated with anyone: through the bot (events) or an import (links)."""
        last_event = await self._session.scalar(select(func.max(LinkEventRow.linked_at)).where(LinkEventRow.msa == msa))
        last_link = await self._session.scalar(select(func.max(MsaLinkRow.linked_at)).where(MsaLinkRow.msa == msa))
        return max((t for t in (last_event, last_link) if t is not None), default=None)

    async def link_events_after(self, msa: str, after: datetime) -> list[datetime]:
        """When the MSA was associated through the bot after `after`, oldest first."""
        return list(await self._session.scalars(
            select(LinkEventRow.linked_at).where(LinkEventRow.msa == msa, LinkEventRow.linked_at > after).order_by(LinkEventRow.linked_at)
        ))

    async def links_of(self, msas: Sequence[str]) -> list[StoredLink]:
        """Every link (live or dissolved) of these MSAs, with the linked user's organisation."""
        found: list[StoredLink] = []
        ordered = sorted(msas)
        for start in range(0, len(ordered), CHUNK):
            rows = await self._session.execute(
                select(MsaLinkRow.user_id, MsaLinkRow.msa, MsaLinkRow.purpose, MsaLinkRow.linked_at, MsaLinkRow.dissolved_at, UserRow.organization_id)
                .join(UserRow, UserRow.id == MsaLinkRow.user_id)
                .where(MsaLinkRow.msa.in_(ordered[start : start + CHUNK]))
            )
            found += [StoredLink(*row) for row in rows]
        return found

    async def set_dissolved(self, changes: Sequence[tuple[str, str, datetime | None]]) -> None:
        """(user id, msa, dissolved at or None: it counts again) for each link that changes."""
        if changes:
            await self._session.execute(
                update(MsaLinkRow), [{"user_id": user_id, "msa": msa, "dissolved_at": at} for user_id, msa, at in changes]
            )

    async def current_association(self, msa: str) -> tuple[str, str] | None:
        """(user id, organisation id) the MSA counts for now, if any."""
        row = (
            await self._session.execute(
                select(MsaLinkRow.user_id, UserRow.organization_id)
                .join(UserRow, UserRow.id == MsaLinkRow.user_id)
                .where(MsaLinkRow.msa == msa, MsaLinkRow.dissolved_at.is_(None))
                .order_by(MsaLinkRow.linked_at.desc(), MsaLinkRow.user_id.desc())
                .limit(1)
            )
        ).first()
        return (row.user_id, row.organization_id) if row else None
