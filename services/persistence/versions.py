"""Per-organisation data versions: bumped in the transaction that changes the data."""

from __future__ import annotations

import contextvars
from collections.abc import Iterable

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.persistence.tables import OrganizationVersionRow

_remembered: contextvars.ContextVar[dict[str, tuple[int, int]]] = contextvars.ContextVar("remembered_stamps")


def remember_stamp(organization_id: str, version: int, catalog_id: int) -> None:
    """An organisation's data stamp (version, active catalog id), just read along with the member at
    the start of a turn (services/conversations.py), so that the turn's next evaluation of it need
    not read it again. A context variable: it belongs to this turn's task only, and is used once."""
    _remembered.set({organization_id: (version, catalog_id)})


def take_remembered_stamp(organization_id: str) -> tuple[int, int] | None:
    return _remembered.get({}).pop(organization_id, None)


def forget_remembered_stamps() -> None:
    _remembered.set({})


async def bump_versions(session: AsyncSession, organization_ids: Iterable[str]) -> None:
    forget_remembered_stamps()  # this task changes data: a stamp read before is stale now
    ids = sorted(set(organization_ids))
    if not ids:
        return
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(OrganizationVersionRow)
    statement = statement.on_conflict_do_update(
        index_elements=["organization_id"], set_={"version": OrganizationVersionRow.version + 1}
    )
    await session.execute(statement, [{"organization_id": i, "version": 1} for i in ids])
