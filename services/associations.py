"""R4, one organisation at a time: the only place that decides which link of an MSA counts.

Used by the link use case (one MSA) and by the importers (every MSA in the file)."""

from __future__ import annotations

from datetime import datetime

from services.persistence.links import LinkRepository, StoredLink


async def dissolve_superseded_links(links: LinkRepository, msas: set[str]) -> tuple[int, set[str]]:
    """An MSA's association is its most recent link; its older links to users of other
    organisations are dissolved as of that link, at once. Returns how many links were dissolved and
    the organisations the MSAs left."""
    if not msas:
        return 0, set()
    stored = await links.links_of(sorted(msas))
    changes, left = superseded(stored)
    await links.set_dissolved(changes)
    return sum(1 for _, _, at in changes if at is not None), left


def superseded(stored: list[StoredLink]) -> tuple[list[tuple[str, str, datetime | None]], set[str]]:
    """The links whose state changes — (user id, msa, dissolved at; None: it counts again) — and the
    organisations the MSAs leave. The newest link (ties: the greater user id) counts."""
    latest: dict[str, StoredLink] = {}
    for link in stored:
        if link.msa not in latest or (link.linked_at, link.user_id) > (latest[link.msa].linked_at, latest[link.msa].user_id):
            latest[link.msa] = link
    changes: list[tuple[str, str, datetime | None]] = []
    left: set[str] = set()
    for link in stored:
        newest = latest[link.msa]
        if link is newest:
            if link.dissolved_at is not None:  # linked again: it counts here once more
                changes.append((link.user_id, link.msa, None))
        elif link.organization_id != newest.organization_id and link.dissolved_at is None:
            changes.append((link.user_id, link.msa, newest.linked_at))
            left.add(link.organization_id)
    return changes, left
