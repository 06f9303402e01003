"""`CompetencyPerformanceRequirement` (Microsoft's API spells it "CompetencyPeformanceRequirement"):
one row per metric and month becomes that month's value of a catalog metric (SPEC 4.8, R7)."""

from __future__ import annotations

from dataclasses import dataclass

from services.domain.catalog import Competency, Level, Option
from services.partner_center.rows import RowContext
from services.partner_center.skipped import UNKNOWN_COMPETENCY, UNKNOWN_METRIC

AGGREGATES = ("TTMAggregate", "AnniversaryYearAggregate")


@dataclass(frozen=True, slots=True)
class MetricMonth:
    line: int
    metric: str
    month: str
    value: float
    competency: Competency
    option: Option | None
    thresholds: tuple[tuple[Level, float], ...]  # ("gold", 100000.0): what Partner Center says is needed


def read_metric_month(context: RowContext, line: int, row: dict[str, str]) -> MetricMonth | None:
    month = context.month(row, line, "Month")
    value = context.number(row, line, "MetricMonthlyContribution")
    assert value is not None
    if value < 0:
        raise context.error(line, "MetricMonthlyContribution", f"must not be negative, got {value:g}")
    for column in AGGREGATES:
        context.number(row, line, column, required=False)  # not imported, but a bad one means a bad file
    levels: tuple[tuple[Level, str], ...] = (("silver", "SilverThreshold"), ("gold", "GoldThreshold"))
    thresholds = tuple(
        (level, threshold)
        for level, column in levels
        if (threshold := context.number(row, line, column, required=False)) is not None
    )
    competency = context.names.competency(context.text(row, "CompetencyName"))
    if competency is None:
        context.skipped.add(UNKNOWN_COMPETENCY, context.text(row, "CompetencyName"))
        return None
    metric = context.names.metric(context.text(row, "MetricName"))
    if metric is None:
        context.skipped.add(UNKNOWN_METRIC, context.text(row, "MetricName"))
        return None
    option = context.names.option(competency, context.text(row, "CompetencyAttainmentOptionName"))
    return MetricMonth(line, metric, month, value, competency, option, thresholds)
