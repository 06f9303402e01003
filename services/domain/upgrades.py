"""Upgrade options ranked by what is missing (R13)."""

from __future__ import annotations

from dataclasses import dataclass

from services.domain.catalog import Level
from services.domain.evaluation import Assessment, LevelResult, OptionResult
from services.domain.requirements import RequirementResult


@dataclass(frozen=True)
class UpgradeOption:
    option: OptionResult
    shortfalls: tuple[RequirementResult, ...]  # the requirements not met now, in catalog order

    @property
    def competency_id(self) -> str:
        return self.option.competency_id

    @property
    def option_id(self) -> str:
        return self.option.option_id

    @property
    def level(self) -> Level:
        return self.option.level

    @property
    def gap(self) -> float:
        """The shortfall as one number: each unmet requirement adds the fraction still missing, so
        1 of 2 people and $50,000 of $100,000 weigh the same. Pending items are not missing."""
        return sum(r.missing / r.required for r in self.shortfalls if r.required)

    @property
    def open_requirements(self) -> int:
        return sum(1 for r in self.shortfalls if r.missing > 0)


def rank_upgrade_options(assessment: Assessment, level: Level, competency_id: str | None = None) -> tuple[UpgradeOption, ...]:
    """Every option of `level` not yet met, in competencies that do not meet `level` through another
    option, ranked by gap; ties go to fewer unmet requirements, then catalog order."""
    ranked: list[tuple[float, int, int, UpgradeOption]] = []
    order = 0
    for result in assessment.competencies:
        if competency_id is not None and result.id != competency_id:
            continue
        level_result = result.levels.get(level)
        if level_result is None or level_result.met:
            continue
        for option in level_result.options:
            ranked.append((*ranking_key(option, order), UpgradeOption(option, option.unmet)))
            order += 1
    ranked.sort(key=lambda entry: entry[:3])
    return tuple(entry[3] for entry in ranked)


def ranking_key(option: OptionResult, order: int) -> tuple[float, int, int]:
    """R13: smaller gap first, then fewer unmet requirements, then catalog order."""
    candidate = UpgradeOption(option, option.unmet)
    return (round(candidate.gap, 9), candidate.open_requirements, order)


def best_option(level_result: LevelResult) -> OptionResult:
    """A met option if there is one (catalog order), else the closest by the R13 ranking."""
    met = [o for o in level_result.options if o.met]
    if met:
        return met[0]
    return min(enumerate(level_result.options), key=lambda entry: ranking_key(entry[1], entry[0]))[1]
