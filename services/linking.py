"""Use case: an employee links a Microsoft account (MSA) to their work account (R3, R4)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select

from services.associations import current_association, dissolve_superseded_links
from services.domain.catalog import CatalogSettings
from services.domain.snapshot import Purpose, normalize_msa
from services.errors import LinkRefused, UnknownUser
from services.persistence.tables import LinkEventRow, MsaLinkRow, OrganizationRow
from services.persistence.unit_of_work import UnitOfWorkFactory
from services.persistence.versions import bump_versions

logger = logging.getLogger(__name__)
YEAR = timedelta(days=365)


@dataclass(frozen=True)
class MsaAssociation:
    """Where an MSA counts now, seen from the user who wants to link it."""

    msa: str
    user_id: str | None
    organization_id: str | None
    organization_name: str | None
    elsewhere: bool  # it counts for another organisation: linking here dissolves that


@dataclass(frozen=True)
class LinkOutcome:
    msa: str
    user_id: str
    organization_id: str
    linked_at: datetime
    counts_from: datetime  # R3: its achievements count from then on
    already_linked: bool
    left_organizations: tuple[str, ...]  # the MSA no longer counts there


async def association_of(uows: UnitOfWorkFactory, user_id: str, msa: str) -> MsaAssociation:
    async with uows() as uow:
        user = await uow.repository.user(user_id)
        if user is None:
            raise UnknownUser(user_id)
        found = await current_association(uow.session, normalize_msa(msa))
        name = await uow.session.scalar(select(OrganizationRow.name).where(OrganizationRow.id == found[1])) if found else None
    if found is None:
        return MsaAssociation(normalize_msa(msa), None, None, None, False)
    return MsaAssociation(normalize_msa(msa), found[0], found[1], name, found[1] != user.organization_id)


async def link_msa(uows: UnitOfWorkFactory, user_id: str, msa: str, now: datetime, purpose: Purpose = "both") -> LinkOutcome:
    """Link `msa` for `user_id` at `now`: it counts for the user's organisation only, and any
    association with another organisation is dissolved in the same transaction. The catalog's
    `max_links_per_year` and `link_cooldown_days` cap new associations of an MSA."""
    key = normalize_msa(msa)
    async with uows() as uow:
        session = uow.session
        user = await uow.repository.user(user_id)
        if user is None:
            raise UnknownUser(user_id)
        catalog = await uow.repository.active_catalog()
        delay = timedelta(hours=catalog.settings.visibility_delay_hours)
        existing = await session.get(MsaLinkRow, (user_id, key))
        if existing is not None and existing.dissolved_at is None and existing.purpose in (purpose, "both"):
            return LinkOutcome(key, user_id, user.organization_id, existing.linked_at, existing.linked_at + delay, True, ())
        await _enforce_caps(session, catalog.settings, key, now)
        if existing is None:
            session.add(MsaLinkRow(user_id=user_id, msa=key, purpose=purpose, linked_at=now))
        else:
            existing.linked_at, existing.dissolved_at = now, None
            existing.purpose = purpose if existing.purpose == purpose else "both"
        session.add(LinkEventRow(msa=key, user_id=user_id, organization_id=user.organization_id, linked_at=now))
        await session.flush()
        _, left = await dissolve_superseded_links(session, {key})
        await bump_versions(session, {user.organization_id, *left})
        await uow.commit()
    logger.info("msa linked", extra={"user": user_id, "organization": user.organization_id, "left": sorted(left)})
    return LinkOutcome(key, user_id, user.organization_id, now, now + delay, False, tuple(sorted(left)))


async def _enforce_caps(session, settings: CatalogSettings, msa: str, now: datetime) -> None:
    if settings.link_cooldown_days is not None:
        last_event = await session.scalar(select(func.max(LinkEventRow.linked_at)).where(LinkEventRow.msa == msa))
        last_link = await session.scalar(select(func.max(MsaLinkRow.linked_at)).where(MsaLinkRow.msa == msa))
        last = max((t for t in (last_event, last_link) if t is not None), default=None)
        if last is not None and now < last + timedelta(days=settings.link_cooldown_days):
            raise LinkRefused("cooldown", last + timedelta(days=settings.link_cooldown_days))
    if settings.max_links_per_year is not None:
        recent = list(await session.scalars(
            select(LinkEventRow.linked_at).where(LinkEventRow.msa == msa, LinkEventRow.linked_at > now - YEAR).order_by(LinkEventRow.linked_at)
        ))
        if len(recent) >= settings.max_links_per_year:
            raise LinkRefused("yearly_limit", recent[len(recent) - settings.max_links_per_year] + YEAR)
