"""Alert causes (R10): one row per occurrence of a cause, cleared when it no longer holds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from services.persistence.tables import AlertCauseRow


@dataclass(frozen=True)
class StoredCause:
    id: int
    organization_id: str
    kind: str
    key: str
    found_at: datetime
    cleared_at: datetime | None


class AlertRepository:
    def __init__(self, session: AsyncSession):
        self._session = session

    async def causes(self, organization_id: str | None = None) -> list[StoredCause]:
        """Every cause ever found (of one organisation, or of all), by organisation and age."""
        query = select(AlertCauseRow).order_by(AlertCauseRow.organization_id, AlertCauseRow.id)
        if organization_id is not None:
            query = query.where(AlertCauseRow.organization_id == organization_id)
        return [StoredCause(c.id, c.organization_id, c.kind, c.key, c.found_at, c.cleared_at) for c in await self._session.scalars(query)]
