"""Use case R15: what one hypothetical change would alter. Nothing is stored."""

from __future__ import annotations

import asyncio
from datetime import datetime

from services.domain.catalog import Catalog
from services.domain.organization import evaluate_organization
from services.domain.what_if import Change, ChangeNotApplicable, WhatIf, apply_change, compare
from services.errors import ChangeImpossible, UnknownCredential, UnknownUser
from services.persistence.unit_of_work import UnitOfWorkFactory
from services.progress import organization_progress


def credential_code(catalog: Catalog, written: str) -> str:
    """The catalog code for "AZ-104", "az-104" or "AZ104"; unknown ones raise `UnknownCredential`."""
    def key(code: str) -> str:
        return "".join(ch for ch in code.casefold() if ch.isalnum())

    wanted = key(written)
    for code in catalog.credentials:
        if key(code) == wanted:
            return code
    raise UnknownCredential(written)


async def what_if(uows: UnitOfWorkFactory, organization_id: str, change: Change, now: datetime) -> WhatIf:
    before = await organization_progress(uows, organization_id, now)  # raises UnknownOrganization
    snapshot, catalog = before.snapshot, before.catalog
    if not any(p.id == change.person_id for p in snapshot.people):
        raise UnknownUser(change.person_id)
    if change.code is not None:
        change = Change(change.kind, change.person_id, credential_code(catalog, change.code))
    try:
        changed = apply_change(snapshot, catalog, change, now)
    except ChangeNotApplicable as refused:
        raise ChangeImpossible(str(refused)) from None
    after = await asyncio.to_thread(evaluate_organization, changed, catalog, now, before.upgrade_level)
    return compare(change, before, after)
