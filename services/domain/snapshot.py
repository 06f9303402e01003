"""One organisation's data at a glance: what persistence loads and the evaluation judges."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from functools import cached_property
from typing import Literal

from services.domain.catalog import Level, Market

MembershipLevel = Literal["none", "silver", "gold"]
Purpose = Literal["certifications", "partner_university", "both"]


def start_of_day(day: date) -> datetime:
    """Dates in the dataset are whole UTC days; a rule 'from that day on' starts at 00:00 UTC."""
    return datetime.combine(day, time.min, tzinfo=timezone.utc)


LAST_INSTANT = datetime.max.replace(tzinfo=timezone.utc)


def end_of_day(day: date) -> datetime:
    """The first instant after `day` (00:00 UTC the next day): a rule 'through that day' holds until
    then. The last day a date can hold (9999-12-31) has no next day, so it lasts to the last instant
    a datetime can hold, which nothing can be added to: callers compare and subtract only."""
    return LAST_INSTANT if day == date.max else start_of_day(day) + timedelta(days=1)


def at_most_last_instant(moment: datetime, delta: timedelta) -> datetime:
    """`moment + delta`, or the last instant a datetime can hold when that lies beyond it."""
    return moment + delta if LAST_INSTANT - moment > delta else LAST_INSTANT


def normalize_msa(msa: str) -> str:
    """An MSA is its sign-in name, compared without regard to case (R4)."""
    return msa.strip().casefold()


@dataclass(frozen=True)
class Membership:
    level: MembershipLevel
    expires_on: date
    purchased_on: date | None = None


@dataclass(frozen=True)
class HeldLevel:
    competency: str
    level: Level
    since: date | None = None


@dataclass(frozen=True)
class Person:
    id: str
    display_name: str
    roles: frozenset[str] = frozenset({"employee"})
    left_on: date | None = None
    aad_object_id: str | None = None
    locale: str | None = None

    def has_left(self, moment: datetime) -> bool:
        """R6: a leaver contributes nothing from the day they left on."""
        return self.left_on is not None and moment >= start_of_day(self.left_on)


@dataclass(frozen=True)
class MsaLink:
    user_id: str
    msa: str
    linked_at: datetime
    purpose: Purpose = "both"
    dissolved_at: datetime | None = None

    def active_at(self, moment: datetime) -> bool:
        return self.linked_at <= moment and (self.dissolved_at is None or self.dissolved_at > moment)

    def carries(self, kind: str | None) -> bool:
        """Exams and certifications come through a certifications link, assessments through Partner University."""
        if self.purpose == "both" or kind is None:
            return True
        if kind == "assessment":
            return self.purpose == "partner_university"
        return self.purpose == "certifications"


@dataclass(frozen=True)
class Achievement:
    msa: str
    code: str
    earned_at: datetime
    expires_at: datetime | None = None
    kind: str | None = None


@dataclass(frozen=True)
class MetricValue:
    metric: str
    month: str  # "YYYY-MM"
    value: float


@dataclass(frozen=True)
class Override:
    competency: str
    option: str
    level: Level
    starts_on: date
    ends_on: date
    reason: str | None = None

    def active_at(self, moment: datetime) -> bool:
        """R11: counts from the first day through the whole last day."""
        return start_of_day(self.starts_on) <= moment < end_of_day(self.ends_on)


@dataclass(frozen=True)
class SpecializationStatus:
    specialization: str
    audit_passed_on: date | None = None


@dataclass(frozen=True)
class OrganizationSnapshot:
    id: str
    name: str
    tenant_id: str
    market: Market = "developed"
    membership: Membership | None = None
    held: tuple[HeldLevel, ...] = ()
    people: tuple[Person, ...] = ()
    links: tuple[MsaLink, ...] = ()
    achievements: tuple[Achievement, ...] = ()
    metrics: tuple[MetricValue, ...] = ()
    overrides: tuple[Override, ...] = ()
    specializations: tuple[SpecializationStatus, ...] = ()

    @cached_property
    def people_names(self) -> dict[str, str]:
        """Display names by person id (read, never changed: every evaluation of the snapshot shares it)."""
        return {p.id: p.display_name for p in self.people}

    def held_level(self, competency_id: str, moment: datetime) -> Level | None:
        """R9: a held level is shown until the membership expires, whatever happens meanwhile."""
        if self.membership is None or moment >= start_of_day(self.membership.expires_on):
            return None
        levels = [h.level for h in self.held if h.competency == competency_id]
        if not levels:
            return None
        return "gold" if "gold" in levels else "silver"
