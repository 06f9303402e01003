"""Held levels and the membership at the anniversary: safe or at risk, why, and the cheapest fix (R9)."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal, TypedDict

from services.domain.catalog import IndividualsRequirement, Level, MetricRequirement
from services.domain.evaluation import Assessment, CompetencyResult, Evaluator, OptionResult, level_rank
from services.domain.holdings import Holding, current_holdings, retired_until
from services.domain.requirements import RequirementResult, candidates_for, evaluate_individuals, index_people_by_code
from services.domain.snapshot import start_of_day
from services.domain.upgrades import UpgradeOption, best_option, rank_upgrade_options

CauseKind = Literal["leaver", "expiring", "retiring", "msa_moved", "override_ends", "metric_below", "people_short"]


@dataclass(frozen=True)
class RiskCause:
    """Why a held level would not be met at the anniversary. `key` is stable across scans."""

    kind: CauseKind
    competency_id: str
    level: Level
    option_id: str
    person_id: str | None = None
    code: str | None = None
    msa: str | None = None
    when: datetime | None = None
    metric: str | None = None
    current: float | None = None
    required: float | None = None

    @property
    def key(self) -> tuple[str, ...]:
        return (self.kind, self.competency_id, self.level, self.option_id, self.person_id or "", self.code or self.metric or "")


class _Where(TypedDict):
    """Which option a cause belongs to: the fields every RiskCause of that option shares."""

    competency_id: str
    level: Level
    option_id: str


def _where(option: OptionResult) -> _Where:
    return _Where(competency_id=option.competency_id, level=option.level, option_id=option.option_id)


@dataclass(frozen=True)
class HeldLevelRisk:
    competency_id: str
    level: Level
    at_risk: bool
    causes: tuple[RiskCause, ...] = ()
    fix: UpgradeOption | None = None


@dataclass(frozen=True)
class RenewalOutlook:
    membership_level: str
    expires_on: date | None
    at_risk: bool
    held: tuple[HeldLevelRisk, ...]

    def level_at_risk(self, competency_id: str, level: Level) -> bool:
        return any(h.at_risk for h in self.held if h.competency_id == competency_id and h.level == level)


def _met_at_or_above(result: CompetencyResult | None, level: Level) -> bool:
    if result is None:
        return False
    return any(r.met for lv, r in result.levels.items() if level_rank(lv) >= level_rank(level))


def assess_renewal(evaluator: Evaluator, today: Assessment) -> RenewalOutlook:
    """Judge every held level as it would stand on `expires_on`, knowing what we know today: leavers
    removed, achievements expiring before then removed, metrics as of today's latest month."""
    snapshot = evaluator.snapshot
    membership = snapshot.membership
    if membership is None or today.moment >= start_of_day(membership.expires_on):
        return RenewalOutlook(membership.level if membership else "none", membership.expires_on if membership else None, False, ())
    # Only held competencies are looked at on the anniversary (the held levels, their fixes, and
    # whether the membership's level is kept): the rest of the catalog is not judged there.
    held = {h.competency for h in snapshot.held}
    anniversary = evaluator.assess(start_of_day(membership.expires_on), metrics_moment=today.moment, only=held)
    restored = _Restored(evaluator, today.moment)  # shared: built once, only if a level is at risk
    held_risks: list[HeldLevelRisk] = []
    for result in today.competencies:
        if result.held is None:
            continue
        for level in result.levels:
            if level_rank(level) > level_rank(result.held):
                continue
            then = anniversary.competency(result.id)
            if _met_at_or_above(then, level):
                held_risks.append(HeldLevelRisk(result.id, level, False))
                continue
            fixes = rank_upgrade_options(anniversary, level, result.id)
            held_risks.append(
                HeldLevelRisk(
                    result.id,
                    level,
                    True,
                    _causes(evaluator, today, anniversary, result, level, restored),
                    fixes[0] if fixes else None,
                )
            )
    keeps_level = any(
        _met_at_or_above(anniversary.competency(h.competency), membership.level)
        for h in snapshot.held
    ) if membership.level != "none" else True
    return RenewalOutlook(membership.level, membership.expires_on, not keeps_level, tuple(held_risks))


def _causes(
    evaluator: Evaluator, today: Assessment, anniversary: Assessment, result: CompetencyResult, level: Level, restored: _Restored
) -> tuple[RiskCause, ...]:
    """The changes that put a held level at risk, found on the option(s) that carry it.

    Met today: what is lost by the anniversary (leavers, expiries, an override ending, a metric
    below its threshold) plus the people already gone who would still count then. Not met today:
    the option the held level rested on is the one the people who left or whose MSA moved would
    still meet; only when no option is, the closest option's shortfall is named."""
    options_today = result.levels[level].options
    met_today = [o for o in options_today if o.met]
    then_competency = anniversary.competency(result.id)
    assert then_competency is not None  # the anniversary assesses every held competency, and this one is held
    then_options = {o.option_id: o for o in then_competency.levels[level].options}
    causes: list[RiskCause] = []
    if met_today:
        for option in met_today:
            then = then_options[option.option_id]
            causes.extend(_lost_by_then(evaluator, today, option, then, anniversary.moment))
            for now_result, then_result in zip(option.requirements, then.requirements):
                if not then_result.met and now_result.kind == "individuals":
                    causes.extend(restored.causes(option, now_result))
    else:
        carried = [o for o in options_today if restored.meets(o)] or [best_option(result.levels[level])]
        for option in carried:
            causes.extend(_shortfall_causes(option, restored))
    unique = {c.key: c for c in causes}
    return tuple(unique.values())


def _lost_by_then(
    evaluator: Evaluator, assessment: Assessment, today: OptionResult, then: OptionResult, anniversary: datetime
) -> list[RiskCause]:
    snapshot, catalog = evaluator.snapshot, evaluator.catalog
    people = {p.id: p for p in snapshot.people}
    causes: list[RiskCause] = []
    base = _where(today)
    if today.override is not None and then.override is None and not then.requirements_met:
        causes.append(RiskCause("override_ends", when=start_of_day(today.override.ends_on), **base))
    for now_result, then_result in zip(today.requirements, then.requirements):
        if then_result.met:
            continue
        requirement = now_result.requirement
        if isinstance(requirement, MetricRequirement):
            causes.append(RiskCause("metric_below", metric=requirement.metric, current=now_result.current, required=now_result.required, **base))
            continue
        for person_id in sorted(set(now_result.counted) - set(then_result.counted)):
            person = people.get(person_id)
            if person is not None and person.left_on is not None and person.has_left(anniversary):
                causes.append(RiskCause("leaver", person_id=person_id, when=start_of_day(person.left_on), **base))
                continue
            codes = requirement.codes
            for code, holding in sorted(assessment.holdings.get(person_id, {}).items()):
                if code in codes and holding.valid_until is not None and holding.valid_until <= anniversary:
                    kind: CauseKind = "retiring" if holding.valid_until == retired_until(catalog, code) else "expiring"
                    causes.append(RiskCause(kind, person_id=person_id, code=code, msa=holding.msa, when=holding.valid_until, **base))
        # A requirement short already today is met only under an override: the override's end is its cause.
    return causes


def _shortfall_causes(option: OptionResult, restored: _Restored) -> list[RiskCause]:
    base = _where(option)
    causes: list[RiskCause] = []
    for result in option.unmet:
        if isinstance(result.requirement, MetricRequirement):
            causes.append(RiskCause("metric_below", metric=result.requirement.metric, current=result.current, required=result.required, **base))
            continue
        named = restored.causes(option, result)
        causes.extend(named)
        if not named:  # nobody to name: say how many are missing
            causes.append(RiskCause("people_short", current=result.current, required=result.required, **base))
    return causes


class _Restored:
    """The organisation as it would be had nobody left (R6) and no MSA moved away (R4): the people
    who would count then but do not now are the named causes of a shortfall."""

    def __init__(self, evaluator: Evaluator, moment: datetime):
        snapshot = evaluator.snapshot
        self.evaluator, self.moment = evaluator, moment
        self.dissolved = {(l.user_id, l.msa): l.dissolved_at for l in snapshot.links if l.dissolved_at is not None and l.dissolved_at <= moment}
        self.left = {p.id: p.left_on for p in snapshot.people if p.left_on is not None and p.has_left(moment)}
        self._holdings: dict[str, dict[str, Holding]] | None = None
        self._by_code: dict[str, set[str]] | None = None

    def _restored_holdings(self) -> tuple[dict[str, dict[str, Holding]], dict[str, set[str]]]:
        """Everyone's holdings as if nobody had left and no MSA had moved: computed once, when first needed."""
        if self._holdings is None or self._by_code is None:
            snapshot = self.evaluator.snapshot
            restored = dataclasses.replace(
                snapshot,
                links=tuple(dataclasses.replace(l, dissolved_at=None) for l in snapshot.links),
                people=tuple(dataclasses.replace(p, left_on=None) for p in snapshot.people),
            )
            self._holdings = current_holdings(restored, self.evaluator.catalog, self.moment)
            self._by_code = index_people_by_code(self._holdings)
        return self._holdings, self._by_code

    def _judge(self, result: RequirementResult) -> RequirementResult:
        requirement = result.requirement
        if not isinstance(requirement, IndividualsRequirement):
            raise TypeError("only a requirement on people is judged as restored; a metric is what it is")
        holdings, by_code = self._restored_holdings()
        return evaluate_individuals(requirement, holdings, candidates_for(requirement, by_code), self.moment)

    def meets(self, option: OptionResult) -> bool:
        """Would the option be met today had those people stayed? (Metrics are what they are.)"""
        if option.met or not (self.dissolved or self.left):
            return False
        return all(r.met or (r.kind == "individuals" and self._judge(r).met) for r in option.requirements)

    def causes(self, option: OptionResult, result: RequirementResult) -> list[RiskCause]:
        if not (self.dissolved or self.left):
            return []
        base = _where(option)
        with_them = self._judge(result)
        codes = with_them.requirement.codes if isinstance(with_them.requirement, IndividualsRequirement) else frozenset()
        found: list[RiskCause] = []
        for person_id in sorted(set(with_them.counted) - set(result.counted)):
            if person_id in self.left:
                found.append(RiskCause("leaver", person_id=person_id, when=start_of_day(self.left[person_id]), **base))
                continue
            holdings, _ = self._restored_holdings()
            for code, holding in sorted(holdings[person_id].items()):
                if code in codes and (person_id, holding.msa) in self.dissolved:
                    found.append(RiskCause("msa_moved", person_id=person_id, code=code, msa=holding.msa, when=self.dissolved[(person_id, holding.msa)], **base))
        return found
