"""Use cases about the organisation's people: find someone by name, who carries what, what expires soon."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.domain.catalog import Catalog
from services.domain.expiries import Expiries, expiring_achievements
from services.domain.people_names import match_people, narrowed_by_message
from services.domain.roster import Roster, build_roster
from services.errors import UnknownCompetency, UnknownCredential
from services.persistence.unit_of_work import UnitOfWorkFactory
from services.progress import organization_progress


@dataclass(frozen=True)
class PersonRef:
    id: str
    display_name: str


@dataclass(frozen=True)
class PeopleAnswer:
    organization_name: str
    roster: Roster
    catalog: Catalog
    moment: datetime
    names: dict[str, str]  # person id → display name


@dataclass(frozen=True)
class ExpiringAnswer:
    organization_name: str
    expiries: Expiries
    catalog: Catalog
    moment: datetime


async def find_people(
    uows: UnitOfWorkFactory, organization_id: str, written: str, now: datetime, message: str | None = None
) -> tuple[PersonRef, ...]:
    """Who of the organisation's present people the written name may mean (none, one, or several).
    With the whole `message`, a full name spelled out in it settles between several."""
    evaluation = await organization_progress(uows, organization_id, now)
    present = (p for p in evaluation.snapshot.people if not p.has_left(now))
    found = narrowed_by_message(match_people(present, written), message)
    return tuple(PersonRef(p.id, p.display_name) for p in found)


async def people_roster(
    uows: UnitOfWorkFactory,
    organization_id: str,
    now: datetime,
    credential: str | None = None,
    competency: str | None = None,
    person_id: str | None = None,
) -> PeopleAnswer:
    """Who holds `credential`, who counts for `competency`, one person, or everyone who holds something;
    with the levels that rest on people with no slack."""
    evaluation = await organization_progress(uows, organization_id, now)
    if credential is not None and credential not in evaluation.catalog.credentials:
        raise UnknownCredential(credential)
    if competency is not None and evaluation.catalog.competency(competency) is None:
        raise UnknownCompetency(competency)
    roster = build_roster(evaluation, credential, competency, person_id)
    return PeopleAnswer(evaluation.snapshot.name, roster, evaluation.catalog, evaluation.moment, evaluation.people_names)


async def expiring(uows: UnitOfWorkFactory, organization_id: str, now: datetime) -> ExpiringAnswer:
    evaluation = await organization_progress(uows, organization_id, now)
    return ExpiringAnswer(evaluation.snapshot.name, expiring_achievements(evaluation), evaluation.catalog, evaluation.moment)
