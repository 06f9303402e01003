"""Use case: an employee's own linked MSAs and achievements, with what each counts toward."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from services.domain.catalog import Catalog, Level
from services.domain.holdings import retired_until
from services.domain.snapshot import OrganizationSnapshot
from services.errors import UnknownOrganization, UnknownUser
from services.persistence.unit_of_work import UnitOfWorkFactory

Status = Literal["counts", "pending", "expired", "not_linked", "left"]


@dataclass(frozen=True)
class AchievementStatus:
    code: str
    title: str  # English title; renderers look up the localized one via `catalog.credential_title`
    msa: str
    earned_at: datetime
    expires_at: datetime | None  # expiry or end of the retired-credential grace
    status: Status
    counts_from: datetime | None  # for pending ones
    counts_toward: tuple[tuple[str, Level], ...]  # (competency id, level) whose requirements name it


@dataclass(frozen=True)
class LinkedAccount:
    msa: str
    purpose: str
    linked_at: datetime
    counts_here: bool  # False once the MSA moved to another organisation


@dataclass(frozen=True)
class UserAchievements:
    user_id: str
    display_name: str
    accounts: tuple[LinkedAccount, ...]
    achievements: tuple[AchievementStatus, ...]
    catalog: Catalog


def counts_toward(catalog: Catalog, code: str) -> tuple[tuple[str, Level], ...]:
    found: list[tuple[str, Level]] = []
    for competency in catalog.competencies:
        for level in competency.levels:
            if any(
                r.kind == "individuals" and code in r.codes
                for option in competency.options
                for r in option.levels.get(level, ())
            ):
                found.append((competency.id, level))
    return tuple(found)


def describe_user(snapshot: OrganizationSnapshot, catalog: Catalog, user_id: str, now: datetime) -> UserAchievements:
    person = next((p for p in snapshot.people if p.id == user_id), None)
    if person is None:
        raise UnknownUser(user_id)
    delay = timedelta(hours=catalog.settings.visibility_delay_hours)
    links = [link for link in snapshot.links if link.user_id == user_id and link.linked_at <= now]
    accounts = tuple(LinkedAccount(l.msa, l.purpose, l.linked_at, l.active_at(now)) for l in sorted(links, key=lambda l: l.linked_at))
    statuses: list[AchievementStatus] = []
    for achievement in sorted(snapshot.achievements, key=lambda a: (a.earned_at, a.code)):
        own = [l for l in links if l.msa == achievement.msa]
        if not own or achievement.earned_at > now:
            continue
        link = max(own, key=lambda l: l.linked_at)
        ends = [t for t in (achievement.expires_at, retired_until(catalog, achievement.code)) if t is not None]
        valid_until = min(ends) if ends else None
        counts_from = max(link.linked_at, achievement.earned_at) + delay
        if person.has_left(now):
            status: Status = "left"
        elif valid_until is not None and valid_until <= now:
            status = "expired"
        elif not link.active_at(now):
            status = "not_linked"
        elif counts_from > now:
            status = "pending"
        else:
            status = "counts"
        statuses.append(
            AchievementStatus(
                code=achievement.code,
                title=catalog.credential_title(achievement.code),
                msa=achievement.msa,
                earned_at=achievement.earned_at,
                expires_at=valid_until,
                status=status,
                counts_from=counts_from if status == "pending" else None,
                counts_toward=counts_toward(catalog, achievement.code),
            )
        )
    return UserAchievements(user_id, person.display_name, accounts, _once_per_credential(statuses), catalog)


_STATUS_ORDER: dict[str, int] = {"counts": 0, "pending": 1, "not_linked": 2, "expired": 3, "left": 4}


def _once_per_credential(statuses: list[AchievementStatus]) -> tuple[AchievementStatus, ...]:
    """Each credential once, with the status that matters: one that counts beats a pending one,
    which beats one no longer linked or expired; among equals the one valid longest, then the newest.
    A renewed certification, or one on two linked accounts, is one line (in order of earning)."""
    best: dict[str, AchievementStatus] = {}
    for status in statuses:
        known = best.get(status.code)
        if known is None or _preference(status) < _preference(known):
            best[status.code] = status
    return tuple(sorted(best.values(), key=lambda a: (a.earned_at, a.code)))


def _preference(status: AchievementStatus) -> tuple[int, float, float]:
    until = status.expires_at.timestamp() if status.expires_at is not None else float("inf")
    return (_STATUS_ORDER[status.status], -until, -status.earned_at.timestamp())


async def user_achievements(uows: UnitOfWorkFactory, user_id: str, now: datetime) -> UserAchievements:
    async with uows() as uow:
        user = await uow.repository.user(user_id)
        if user is None:
            raise UnknownUser(user_id)
        snapshot = await uow.repository.snapshot(user.organization_id)
        if snapshot is None:
            raise UnknownOrganization(user.organization_id)
        catalog = await uow.repository.active_catalog()
    return describe_user(snapshot, catalog, user_id, now)
