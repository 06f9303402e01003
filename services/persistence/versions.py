"""Per-organisation data versions: bumped in the transaction that changes the data."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from services.persistence.tables import OrganizationVersionRow


async def bump_versions(session: AsyncSession, organization_ids: Iterable[str]) -> None:
    ids = sorted(set(organization_ids))
    if not ids:
        return
    insert = postgresql_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(OrganizationVersionRow)
    statement = statement.on_conflict_do_update(
        index_elements=["organization_id"], set_={"version": OrganizationVersionRow.version + 1}
    )
    await session.execute(statement, [{"organization_id": i, "version": 1} for i in ids])
