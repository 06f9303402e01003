"""R4, one organisation at a time: the only place that decides which link of an MSA counts.

Used by the link use case (one MSA) and by the importer (every MSA in the file)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from services.persistence.tables import MsaLinkRow, UserRow

CHUNK = 5000


async def dissolve_superseded_links(session: AsyncSession, msas: set[str]) -> tuple[int, set[str]]:
    """An MSA's association is its most recent link; its older links to users of other
    organisations are dissolved as of that link, at once. Returns how many links were dissolved and
    the organisations the MSAs left."""
    if not msas:
        return 0, set()
    rows: list[Any] = []
    ordered = sorted(msas)
    for start in range(0, len(ordered), CHUNK):
        rows += (
            await session.execute(
                select(MsaLinkRow.user_id, MsaLinkRow.msa, MsaLinkRow.linked_at, MsaLinkRow.dissolved_at, UserRow.organization_id)
                .join(UserRow, UserRow.id == MsaLinkRow.user_id)
                .where(MsaLinkRow.msa.in_(ordered[start : start + CHUNK]))
            )
        ).all()
    latest: dict[str, Any] = {}
    for row in rows:
        if row.msa not in latest or (row.linked_at, row.user_id) > (latest[row.msa].linked_at, latest[row.msa].user_id):
            latest[row.msa] = row
    changes: list[dict[str, Any]] = []
    left: set[str] = set()
    for row in rows:
        newest = latest[row.msa]
        if row is newest:
            if row.dissolved_at is not None:  # linked again: it counts here once more
                changes.append({"user_id": row.user_id, "msa": row.msa, "dissolved_at": None})
        elif row.organization_id != newest.organization_id and row.dissolved_at is None:
            changes.append({"user_id": row.user_id, "msa": row.msa, "dissolved_at": newest.linked_at})
            left.add(row.organization_id)
    if changes:
        await session.execute(update(MsaLinkRow), changes)
    return sum(1 for c in changes if c["dissolved_at"] is not None), left


async def current_association(session: AsyncSession, msa: str) -> tuple[str, str] | None:
    """(user id, organisation id) the MSA counts for now, if any."""
    row = (
        await session.execute(
            select(MsaLinkRow.user_id, UserRow.organization_id)
            .join(UserRow, UserRow.id == MsaLinkRow.user_id)
            .where(MsaLinkRow.msa == msa, MsaLinkRow.dissolved_at.is_(None))
            .order_by(MsaLinkRow.linked_at.desc(), MsaLinkRow.user_id.desc())
            .limit(1)
        )
    ).first()
    return (row.user_id, row.organization_id) if row else None
