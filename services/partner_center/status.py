"""`CompetencySummaryHistory`: the competencies an organisation holds. Active and in-grace rows are
its held levels; the membership is the highest of them, until the latest of their end dates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from services.domain.catalog import Level
from services.partner_center.matching import name_key
from services.partner_center.rows import RowContext
from services.partner_center.skipped import NOT_ACTIVE, UNKNOWN_COMPETENCY

LEVEL_NAMES: dict[str, Level] = {"gold": "gold", "silver": "silver", "silber": "silver"}
COUNTING = {"active", "in grace period"}
NOT_COUNTING = {"inactive"}


@dataclass(frozen=True, slots=True)
class HeldRow:
    line: int
    competency: str
    level: Level
    since: date
    ends_on: date


def read_held(context: RowContext, line: int, row: dict[str, str]) -> HeldRow | None:
    level = LEVEL_NAMES.get(name_key(context.text(row, "CompetencyLevel")))
    if level is None:
        raise context.error(line, "CompetencyLevel", f"not a level: {context.text(row, 'CompetencyLevel')!r} (expected Gold or Silver)")
    status = name_key(context.text(row, "CompetencyStatus"))
    if status not in COUNTING | NOT_COUNTING:
        raise context.error(line, "CompetencyStatus", f"not a status: {context.text(row, 'CompetencyStatus')!r} (expected Active, Inactive or In grace period)")
    starts = context.moment(row, line, "CompetencyStartDate")
    ends = context.moment(row, line, "CompetencyEndDate")
    assert starts is not None and ends is not None
    if ends < starts:
        raise context.error(line, "CompetencyEndDate", "must not be before CompetencyStartDate")
    name = context.text(row, "CompetencyName")
    competency = context.names.competency(name)
    if competency is None or level not in competency.levels:
        context.skipped.add(UNKNOWN_COMPETENCY, name if competency is None else f"{name} ({level})")
        return None
    if status in NOT_COUNTING:
        context.skipped.add(NOT_ACTIVE, context.text(row, "CompetencyStatus"))
        return None
    return HeldRow(line, competency.id, level, starts.date(), ends.date())
