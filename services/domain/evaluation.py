"""Evaluation of one organisation against the catalog at a moment (R1–R3, R5–R8, R11, R12)."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property

from services.domain.catalog import LEVELS, Catalog, Competency, Level, MetricRequirement, Requirement, Specialization
from services.domain.holdings import Holding, current_holdings
from services.domain.requirements import (
    MetricSeries,
    RequirementResult,
    candidates_for,
    evaluate_individuals,
    evaluate_metric,
    index_people_by_code,
)
from services.domain.snapshot import MembershipLevel, OrganizationSnapshot, Override


@dataclass(frozen=True)
class OptionResult:
    competency_id: str
    option_id: str
    level: Level
    requirements: tuple[RequirementResult, ...]
    override: Override | None = None

    @property
    def requirements_met(self) -> bool:
        return all(r.met for r in self.requirements)

    @property
    def met(self) -> bool:
        """R1/R11: all requirements met, or an active override covers the option."""
        return self.requirements_met or self.override is not None

    @property
    def unmet(self) -> tuple[RequirementResult, ...]:
        return tuple(r for r in self.requirements if not r.met)


@dataclass(frozen=True)
class LevelResult:
    level: Level
    options: tuple[OptionResult, ...]

    @property
    def met(self) -> bool:
        return any(o.met for o in self.options)


@dataclass(frozen=True)
class CompetencyResult:
    competency: Competency
    held: Level | None
    levels: Mapping[Level, LevelResult]

    @property
    def id(self) -> str:
        return self.competency.id

    @property
    def achieved_levels(self) -> tuple[Level, ...]:
        """R8: a competency met at Gold is shown at Silver and Gold."""
        if "gold" in self.levels and self.levels["gold"].met:
            return ("silver", "gold")
        if "silver" in self.levels and self.levels["silver"].met:
            return ("silver",)
        return ()


@dataclass(frozen=True)
class SpecializationResult:
    specialization: Specialization
    gold_met: bool
    requirements: tuple[RequirementResult, ...]
    audit_passed: bool

    @property
    def met(self) -> bool:
        """R12: aligned Gold, the published criteria, and a passed audit where one is required."""
        return self.gold_met and all(r.met for r in self.requirements) and self.audit_passed


@dataclass(frozen=True)
class Assessment:
    """Every competency judged at one moment; the raw material of answers, risk and upgrades."""

    moment: datetime
    competencies: tuple[CompetencyResult, ...]
    specializations: tuple[SpecializationResult, ...]
    holdings: Mapping[str, Mapping[str, Holding]]

    def competency(self, competency_id: str) -> CompetencyResult | None:
        return next((c for c in self.competencies if c.id == competency_id), None)

    @cached_property
    def held_codes(self) -> frozenset[str]:
        """Every credential someone in the organisation holds now (counting or pending)."""
        return frozenset(code for codes in self.holdings.values() for code in codes)

    @property
    def eligible_level(self) -> MembershipLevel:
        """R8: the membership level the organisation may buy: Gold needs Gold met in one option."""
        if any(c.levels.get("gold") and c.levels["gold"].met for c in self.competencies):
            return "gold"
        if any(c.achieved_levels for c in self.competencies):
            return "silver"
        return "none"

    def profile(self) -> tuple[tuple[str, Level], ...]:
        """R8: after an upgrade the profile shows every competency achieved at or below that level."""
        ceiling = self.eligible_level
        shown: list[tuple[str, Level]] = []
        for result in self.competencies:
            for level in result.achieved_levels:
                if ceiling == "gold" or level == "silver":
                    shown.append((result.id, level))
        return tuple(shown)


class Evaluator:
    """Evaluates one snapshot; holds the indexes that every requirement shares."""

    def __init__(self, snapshot: OrganizationSnapshot, catalog: Catalog):
        self.snapshot = snapshot
        self.catalog = catalog
        self.series = MetricSeries((m.metric, m.month, m.value) for m in snapshot.metrics)
        # A metric's result depends only on the moment it is read at: the anniversary reads today's,
        # and a requirement repeated across options is judged once.
        self._metric_results: dict[tuple[MetricRequirement, datetime], RequirementResult] = {}

    def assess(self, moment: datetime, metrics_moment: datetime | None = None, only: Collection[str] | None = None) -> Assessment:
        """Judge everything at `moment`; metrics may be read at another moment (R9 projects with today's).
        `only`: judge just these competencies and no specialization (the renewal's anniversary reads
        nothing else); the assessment then holds only those."""
        holdings = current_holdings(self.snapshot, self.catalog, moment)
        people_by_code = index_people_by_code(holdings)
        metrics_moment = metrics_moment or moment

        def judge(requirement: Requirement) -> RequirementResult:
            if requirement.kind == "metric":
                known = self._metric_results.get((requirement, metrics_moment))
                if known is None:
                    known = self._metric_results[(requirement, metrics_moment)] = evaluate_metric(requirement, self.series, self.snapshot.market, metrics_moment)
                return known
            return evaluate_individuals(
                requirement, holdings, candidates_for(requirement, people_by_code), moment
            )

        competencies = []
        for competency in self.catalog.competencies:
            if only is not None and competency.id not in only:
                continue
            levels: dict[Level, LevelResult] = {}
            for level in competency.levels:
                options = tuple(
                    OptionResult(
                        competency.id,
                        option.id,
                        level,
                        tuple(judge(r) for r in option.levels[level]),
                        self._active_override(competency.id, option.id, level, moment),
                    )
                    for option in competency.options
                    if level in option.levels
                )
                levels[level] = LevelResult(level, options)
            competencies.append(CompetencyResult(competency, self.snapshot.held_level(competency.id, moment), levels))

        gold_met = {c.id for c in competencies if "gold" in c.levels and c.levels["gold"].met}
        audits = {s.specialization: s.audit_passed_on for s in self.snapshot.specializations}
        specializations = tuple(
            SpecializationResult(
                specialization=spec,
                gold_met=spec.requires_gold in gold_met,
                requirements=tuple(judge(r) for r in spec.requirements),
                audit_passed=not spec.audit_required or _audit_passed_by(audits.get(spec.id), moment),
            )
            for spec in (self.catalog.specializations if only is None else ())
        )
        return Assessment(moment, tuple(competencies), specializations, holdings)

    def _active_override(self, competency_id: str, option_id: str, level: Level, moment: datetime) -> Override | None:
        return next(
            (
                o
                for o in self.snapshot.overrides
                if o.competency == competency_id and o.option == option_id and o.level == level and o.active_at(moment)
            ),
            None,
        )


def _audit_passed_by(passed_on: date | None, moment: datetime) -> bool:
    """R12: an audit counts from the day it was passed; one dated later has not happened yet."""
    return passed_on is not None and passed_on <= moment.date()


def level_rank(level: str | None) -> int:
    return {None: 0, "none": 0, "silver": 1, "gold": 2}[level]


def next_level(level: str | None) -> Level:
    """The level an organisation works toward next: Silver from nothing, else Gold."""
    return "silver" if level_rank(level) == 0 else "gold"


__all__ = ["LEVELS", "Assessment", "CompetencyResult", "Evaluator", "LevelResult", "OptionResult", "level_rank", "next_level"]
