"""Who carries what: the people behind the organisation's levels (SPEC 1, the `people` question).

A person *carries* a level when they count in a requirement of an option that meets it. A level has
*no slack* when every option meeting it has a skill requirement met by exactly its required number
of people: losing any one of them loses that option.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from services.domain.catalog import IndividualsRequirement, Level
from services.domain.evaluation import Assessment
from services.domain.organization import OrganizationEvaluation
from services.domain.requirements import RequirementResult


@dataclass(frozen=True)
class HeldCredential:
    code: str
    counts_from: datetime
    valid_until: datetime | None  # expiry or end of the retired grace (R5)
    counts: bool  # False while the visibility delay runs (R3)


@dataclass(frozen=True)
class RosterEntry:
    person_id: str
    display_name: str
    credentials: tuple[HeldCredential, ...]  # sorted by code
    carries: tuple[tuple[str, Level], ...]  # (competency id, level), catalog order


@dataclass(frozen=True)
class NoSlackLevel:
    competency_id: str
    level: Level
    people: tuple[str, ...]  # person ids of the tight requirements, sorted by name
    required: int  # the largest tight requirement's count


@dataclass(frozen=True)
class Roster:
    entries: tuple[RosterEntry, ...]  # sorted by display name
    no_slack: tuple[NoSlackLevel, ...]
    credential: str | None = None  # the filter asked for, if any
    competency: str | None = None
    person: str | None = None


def _counting_requirements(assessment: Assessment):
    """(competency id, level, requirement result) of every met option, overrides excepted."""
    for result in assessment.competencies:
        for level, level_result in result.levels.items():
            for option in level_result.options:
                if option.met:
                    for requirement in option.requirements:
                        if requirement.kind == "individuals":
                            yield result.id, level, option, requirement


def _names(requirement: RequirementResult, code: str | None) -> bool:
    people = requirement.requirement
    return code is None or (isinstance(people, IndividualsRequirement) and code in people.codes)  # only those are yielded


def carried_levels(assessment: Assessment, person_id: str, code: str | None = None, competency_id: str | None = None) -> tuple[tuple[str, Level], ...]:
    """The levels the person counts toward now (through `code`, or in `competency_id`, if given)."""
    carried: list[tuple[str, Level]] = []
    for cid, level, _option, requirement in _counting_requirements(assessment):
        if competency_id is not None and cid != competency_id:
            continue
        if person_id in requirement.counted and _names(requirement, code) and (cid, level) not in carried:
            carried.append((cid, level))
    return tuple(carried)


def no_slack_levels(evaluation: OrganizationEvaluation, code: str | None = None, competency_id: str | None = None) -> tuple[NoSlackLevel, ...]:
    names = evaluation.people_names
    found: list[NoSlackLevel] = []
    for result in evaluation.assessment.competencies:
        if competency_id is not None and result.id != competency_id:
            continue
        for level, level_result in result.levels.items():
            met = [o for o in level_result.options if o.met]
            if not met:
                continue
            tight_by_option = [
                [r for r in option.requirements if r.kind == "individuals" and r.current == r.required]
                for option in met
                if option.override is None or option.requirements_met
            ]
            if len(tight_by_option) < len(met) or not all(tight_by_option):
                continue  # an override or an option with room to spare keeps the level
            tight = [r for rs in tight_by_option for r in rs]
            if not any(_names(r, code) for r in tight):
                continue
            people = sorted({p for r in tight for p in r.counted}, key=lambda p: (names.get(p, p), p))
            found.append(NoSlackLevel(result.id, level, tuple(people), int(max(r.required for r in tight))))
    return tuple(found)


def build_roster(
    evaluation: OrganizationEvaluation,
    credential: str | None = None,
    competency_id: str | None = None,
    person_id: str | None = None,
) -> Roster:
    """Everyone holding a credential (all of them, or `credential`), or everyone who counts or will
    count for `competency_id`, or one person; each with their credentials and the levels they carry."""
    assessment = evaluation.assessment
    names = evaluation.people_names
    moment = evaluation.moment
    relevant_codes: frozenset[str] | None = None
    if competency_id is not None:
        competency = evaluation.catalog.competency(competency_id)
        codes: set[str] = set()
        for option in competency.options if competency else ():
            for requirements in option.levels.values():
                for requirement in requirements:
                    if requirement.kind == "individuals":
                        codes |= requirement.codes
        relevant_codes = frozenset(codes)
    if credential is not None:
        relevant_codes = frozenset({credential})
    entries = []
    for pid, holdings in assessment.holdings.items():
        if person_id is not None and pid != person_id:
            continue
        held = [h for code, h in holdings.items() if relevant_codes is None or code in relevant_codes]
        if not held:
            continue
        if competency_id is not None and not _counts_or_will(evaluation, pid, competency_id):
            continue
        entries.append(
            RosterEntry(
                person_id=pid,
                display_name=names.get(pid, pid),
                credentials=tuple(
                    HeldCredential(h.code, h.counts_from, h.valid_until, h.counts_at(moment)) for h in sorted(held, key=lambda h: h.code)
                ),
                carries=carried_levels(assessment, pid, credential, competency_id),
            )
        )
    entries.sort(key=lambda e: (e.display_name.casefold(), e.person_id))
    no_slack = () if person_id is not None else no_slack_levels(evaluation, credential, competency_id)
    return Roster(tuple(entries), no_slack, credential, competency_id, person_id)


def _counts_or_will(evaluation: OrganizationEvaluation, person_id: str, competency_id: str) -> bool:
    """The person qualifies (now, or once pending items count) for some requirement of the competency."""
    result = evaluation.assessment.competency(competency_id)
    if result is None:
        return False
    for level_result in result.levels.values():
        for option in level_result.options:
            for requirement in option.requirements:
                if person_id in requirement.counted or any(p.person_id == person_id for p in requirement.pending_people):
                    return True
    return False
