"""Use case: an employee links a Microsoft account (MSA) to their work account (R3, R4)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from services.associations import dissolve_superseded_links
from services.domain.catalog import CatalogSettings
from services.domain.snapshot import Purpose, normalize_msa
from services.errors import LinkRefused, UnknownUser
from services.persistence.links import LinkRepository
from services.persistence.unit_of_work import UnitOfWorkFactory

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
        found = await uow.links.current_association(normalize_msa(msa))
        name = await uow.repository.organization_name(found[1]) if found else None
    if found is None:
        return MsaAssociation(normalize_msa(msa), None, None, None, False)
    return MsaAssociation(normalize_msa(msa), found[0], found[1], name, found[1] != user.organization_id)


async def link_msa(uows: UnitOfWorkFactory, user_id: str, msa: str, now: datetime, purpose: Purpose = "both") -> LinkOutcome:
    """Link `msa` for `user_id` at `now`: it counts for the user's organisation only, and any
    association with another organisation is dissolved in the same transaction. The catalog's
    `max_links_per_year` and `link_cooldown_days` cap new associations of an MSA."""
    key = normalize_msa(msa)
    async with uows() as uow:
        user = await uow.repository.user(user_id)
        if user is None:
            raise UnknownUser(user_id)
        catalog = await uow.repository.active_catalog()
        delay = timedelta(hours=catalog.settings.visibility_delay_hours)
        existing = await uow.links.link(user_id, key)
        if existing is not None and existing.dissolved_at is None and existing.purpose in (purpose, "both"):
            return LinkOutcome(key, user_id, user.organization_id, existing.linked_at, existing.linked_at + delay, True, ())
        await _enforce_caps(uow.links, catalog.settings, key, now)
        stored_purpose = purpose if existing is None or existing.purpose == purpose else "both"
        await uow.links.save_link(user_id, key, stored_purpose, now)
        await uow.links.add_link_event(key, user_id, user.organization_id, now)
        _, left = await dissolve_superseded_links(uow.links, {key})
        await uow.repository.bump_versions({user.organization_id, *left})
        await uow.commit()
    logger.info("msa linked", extra={"user": user_id, "organization": user.organization_id, "left": sorted(left)})
    return LinkOutcome(key, user_id, user.organization_id, now, now + delay, False, tuple(sorted(left)))


async def _enforce_caps(links: LinkRepository, settings: CatalogSettings, msa: str, now: datetime) -> None:
    """R4: no new association within `link_cooldown_days` of the last one, and at most
    `max_links_per_year` in any 365 days; the refusal says when linking works again."""
    if settings.link_cooldown_days is not None:
        last = await links.last_linked_at(msa)
        if last is not None and now < last + timedelta(days=settings.link_cooldown_days):
            raise LinkRefused("cooldown", last + timedelta(days=settings.link_cooldown_days))
    if settings.max_links_per_year is not None:
        recent = await links.link_events_after(msa, now - YEAR)
        if len(recent) >= settings.max_links_per_year:
            raise LinkRefused("yearly_limit", recent[len(recent) - settings.max_links_per_year] + YEAR)
