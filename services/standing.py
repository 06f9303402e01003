"""Use cases that read one part of the evaluation: the membership, one competency, the advanced
specializations (R12) and the Solutions Partner designations (R14)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from services.domain.catalog import Level
from services.domain.designations import DesignationScore
from services.domain.evaluation import CompetencyResult, SpecializationResult
from services.domain.organization import OrganizationEvaluation
from services.domain.upgrades import best_option
from services.errors import UnknownCompetency
from services.persistence.unit_of_work import UnitOfWorkFactory
from services.progress import organization_progress


@dataclass(frozen=True)
class HeldStatus:
    competency_id: str
    level: Level
    at_risk: bool


@dataclass(frozen=True)
class MembershipStatus:
    level: str  # "none", "silver" or "gold"
    expires_on: date | None
    expired: bool
    held: tuple[HeldStatus, ...]  # what the profile keeps showing until expires_on (R9)
    profile: tuple[tuple[str, Level], ...]  # what the profile would show after an upgrade today (R8)
    eligible_level: str
    renewal_at_risk: bool
    evaluation: OrganizationEvaluation


@dataclass(frozen=True)
class CompetencyStanding:
    competency: CompetencyResult
    closest: dict[Level, str]  # per level, the met option or the one closest to being met (R13)
    at_risk: dict[Level, bool]
    evaluation: OrganizationEvaluation


@dataclass(frozen=True)
class Specializations:
    items: tuple[SpecializationResult, ...]
    evaluation: OrganizationEvaluation


@dataclass(frozen=True)
class Designations:
    items: tuple[DesignationScore, ...]
    evaluation: OrganizationEvaluation


def membership_of(evaluation: OrganizationEvaluation) -> MembershipStatus:
    membership = evaluation.snapshot.membership
    renewal = evaluation.renewal
    expired = membership is not None and membership.expires_on <= evaluation.moment.date()
    held = tuple(HeldStatus(h.competency_id, h.level, h.at_risk) for h in renewal.held)  # empty once expired
    return MembershipStatus(
        level=membership.level if membership else "none",
        expires_on=membership.expires_on if membership else None,
        expired=expired,
        held=held,
        profile=evaluation.assessment.profile(),
        eligible_level=evaluation.assessment.eligible_level,
        renewal_at_risk=renewal.at_risk,
        evaluation=evaluation,
    )


def standing_of(evaluation: OrganizationEvaluation, competency_id: str) -> CompetencyStanding:
    result = evaluation.assessment.competency(competency_id)
    if result is None:
        raise UnknownCompetency(competency_id)
    return CompetencyStanding(
        competency=result,
        closest={level: best_option(level_result).option_id for level, level_result in result.levels.items()},
        at_risk={level: evaluation.renewal.level_at_risk(competency_id, level) for level in result.levels},
        evaluation=evaluation,
    )


async def membership_status(uows: UnitOfWorkFactory, organization_id: str, now: datetime) -> MembershipStatus:
    return membership_of(await organization_progress(uows, organization_id, now))


async def competency_standing(uows: UnitOfWorkFactory, organization_id: str, competency_id: str, now: datetime) -> CompetencyStanding:
    return standing_of(await organization_progress(uows, organization_id, now), competency_id)


async def specializations(uows: UnitOfWorkFactory, organization_id: str, now: datetime) -> Specializations:
    evaluation = await organization_progress(uows, organization_id, now)
    return Specializations(evaluation.assessment.specializations, evaluation)


async def designations(uows: UnitOfWorkFactory, organization_id: str, now: datetime) -> Designations:
    evaluation = await organization_progress(uows, organization_id, now)
    return Designations(evaluation.designations, evaluation)
