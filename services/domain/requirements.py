"""Judging one requirement: distinct qualifying people (R2) or an aggregated metric (R7)."""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from services.domain.catalog import IndividualsRequirement, Market, MetricRequirement, Requirement
from services.domain.holdings import Holding

HoldingsByPerson = Mapping[str, Mapping[str, Holding]]


@dataclass(frozen=True)
class ClosePerson:
    """Someone who holds part of a skill requirement, and what they still need (R13)."""

    person_id: str
    holds: tuple[str, ...]
    needs_all_of: tuple[str, ...]
    needs_one_of: tuple[tuple[str, ...], ...]  # alternatives: any one of these groups completes them

    @property
    def missing_count(self) -> int:
        return len(self.needs_all_of) + (min(len(g) for g in self.needs_one_of) if self.needs_one_of else 0)


@dataclass(frozen=True)
class PendingPerson:
    person_id: str
    counts_from: datetime


@dataclass(frozen=True)
class RequirementResult:
    requirement: Requirement
    required: float
    current: float
    pending: float
    met: bool
    counted: tuple[str, ...] = ()  # people who count now
    pending_people: tuple[PendingPerson, ...] = ()
    closest: tuple[ClosePerson, ...] = ()
    among_required: int = 0
    among_current: int = 0

    @property
    def kind(self) -> str:
        return self.requirement.kind

    @property
    def missing(self) -> float:
        """What is still to be found once pending items count."""
        return max(0.0, self.required - self.current - self.pending)


# --- individuals (R2) -------------------------------------------------------------------------


def qualifies(requirement: IndividualsRequirement, held: set[str] | frozenset[str]) -> bool:
    if not requirement.all_of <= held:
        return False
    if requirement.any_of and requirement.any_of.isdisjoint(held):
        return False
    return not requirement.one_of_sets or any(s <= held for s in requirement.one_of_sets)


def _effective_count(requirement: IndividualsRequirement, qualified: Iterable[str], among: set[str]) -> int:
    """People who can fill the requirement's places: with `and_among_them`, only `count - k` places
    are open to people without one of its credentials."""
    qualified = list(qualified)
    if requirement.among is None:
        return len(qualified)
    with_extra = sum(1 for p in qualified if p in among)
    if with_extra >= requirement.among.count:
        return len(qualified)
    return with_extra + min(len(qualified) - with_extra, requirement.count - requirement.among.count)


def _closeness(requirement: IndividualsRequirement, person_id: str, held: set[str]) -> ClosePerson | None:
    holds = held & requirement.qualifying_codes
    if not holds:
        return None
    needs_all = tuple(sorted(requirement.all_of - held))
    alternatives: list[tuple[str, ...]] = []
    if requirement.any_of and requirement.any_of.isdisjoint(held):
        alternatives.extend((code,) for code in sorted(requirement.any_of))
    if requirement.one_of_sets and not any(s <= held for s in requirement.one_of_sets):
        set_gaps = sorted((tuple(sorted(s - held)) for s in requirement.one_of_sets), key=lambda g: (len(g), g))
        if alternatives:  # both parts missing: one code of any_of plus the smallest set gap
            alternatives = [a + set_gaps[0] for a in alternatives]
        else:
            alternatives = set_gaps
    return ClosePerson(person_id, tuple(sorted(holds)), needs_all, tuple(alternatives))


def evaluate_individuals(
    requirement: IndividualsRequirement,
    holdings: HoldingsByPerson,
    candidates: Iterable[str],
    moment: datetime,
    closest_limit: int = 5,
) -> RequirementResult:
    codes = requirement.codes
    among_codes = requirement.among.any_of if requirement.among else frozenset()
    counted: list[str] = []
    among_now: set[str] = set()
    eventually: list[str] = []
    among_later: set[str] = set()
    pending_people: list[PendingPerson] = []
    close: list[ClosePerson] = []
    for person_id in candidates:
        person = holdings.get(person_id)
        if not person:
            continue
        all_codes = person.keys() & codes  # only credentials the requirement names count (R2)
        if not all_codes:
            continue
        now_codes = {code for code in all_codes if person[code].counts_at(moment)}
        counts_now = qualifies(requirement, now_codes)
        if counts_now:
            counted.append(person_id)
            if not among_codes.isdisjoint(now_codes):
                among_now.add(person_id)
        # Qualifying is monotone in the codes held: who counts now qualifies eventually, and with
        # nothing pending (now_codes is all_codes) the answer is the one just found.
        if counts_now or (len(now_codes) < len(all_codes) and qualifies(requirement, all_codes)):
            eventually.append(person_id)
            if not among_codes.isdisjoint(all_codes):
                among_later.add(person_id)
            if not counts_now:
                pending_people.append(PendingPerson(person_id, _qualifies_from(requirement, {code: person[code] for code in all_codes})))
        else:
            nearly = _closeness(requirement, person_id, all_codes)
            if nearly is not None:
                close.append(nearly)
    current = _effective_count(requirement, counted, among_now)
    later = _effective_count(requirement, eventually, among_later)
    if requirement.among is not None and len(among_later) < requirement.among.count:
        close.extend(  # qualified people still missing one of the extra credentials
            ClosePerson(p, (), (), tuple((code,) for code in sorted(among_codes))) for p in eventually if p not in among_later
        )
    nearest = heapq.nsmallest(closest_limit, close, key=lambda c: (c.missing_count, c.person_id))  # sorts when few
    return RequirementResult(
        requirement=requirement,
        required=requirement.count,
        current=current,
        pending=max(0, later - current),
        met=current >= requirement.count,
        counted=tuple(sorted(counted)),
        pending_people=tuple(sorted(pending_people, key=lambda p: (p.counts_from, p.person_id))),
        closest=tuple(nearest),
        among_required=requirement.among.count if requirement.among else 0,
        among_current=len(among_now),
    )


def _qualifies_from(requirement: IndividualsRequirement, relevant: Mapping[str, Holding]) -> datetime:
    """The earliest moment at which the person's holdings qualify them (all holdings pending or not)."""
    for moment in sorted({h.counts_from for h in relevant.values()}):
        held = {code for code, h in relevant.items() if h.counts_from <= moment}
        if qualifies(requirement, held) and (
            requirement.among is None or not requirement.among.any_of.isdisjoint(held)
        ):
            return moment
    return max(h.counts_from for h in relevant.values())


def candidates_for(requirement: IndividualsRequirement, people_by_code: Mapping[str, set[str]]) -> set[str]:
    """Only people holding one of the requirement's credentials can count (R2)."""
    people: set[str] = set()
    for code in requirement.codes:
        people |= people_by_code.get(code, set())
    return people


def index_people_by_code(holdings: HoldingsByPerson) -> dict[str, set[str]]:
    index: dict[str, set[str]] = defaultdict(set)
    for person_id, codes in holdings.items():
        for code in codes:
            index[code].add(person_id)
    return index


# --- metrics (R7) -----------------------------------------------------------------------------


@lru_cache(maxsize=4096)  # the same few "YYYY-MM" strings in every organisation's series
def month_index(month: str) -> int:
    year, mon = month.split("-")
    return int(year) * 12 + int(mon) - 1


class MetricSeries:
    """Monthly values of one organisation, indexed for the two aggregations."""

    def __init__(self, values: Iterable[tuple[str, str, float]]):
        self._by_metric: dict[str, dict[int, float]] = defaultdict(dict)
        for metric, month, value in values:
            self._by_metric[metric][month_index(month)] = value

    def figure(self, metric: str, aggregate: str, window_months: int, moment: datetime) -> float:
        months = self._by_metric.get(metric, {})
        last = moment.year * 12 + moment.month - 1
        if aggregate == "latest":
            known = [m for m in months if m <= last]
            return months[max(known)] if known else 0.0
        return float(sum(v for m, v in months.items() if last - window_months < m <= last))


def evaluate_metric(
    requirement: MetricRequirement, series: MetricSeries, market: Market, moment: datetime
) -> RequirementResult:
    required = requirement.min.for_market(market)
    current = series.figure(requirement.metric, requirement.aggregate, requirement.window_months, moment)
    return RequirementResult(requirement, required, current, 0, current >= required)
