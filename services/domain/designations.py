"""Solutions Partner designations: a 0–100 score from points per metric, best track wins (R14)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from services.domain.catalog import Designation, DesignationMetric, Market, Track
from services.domain.holdings import Holding
from services.domain.requirements import MetricSeries


@dataclass(frozen=True)
class MetricScore:
    metric: DesignationMetric
    value: float
    gates_met: bool
    points: float


@dataclass(frozen=True)
class TrackScore:
    track: Track
    metrics: tuple[MetricScore, ...]

    @property
    def score(self) -> float:
        return min(100.0, sum(m.points for m in self.metrics))


@dataclass(frozen=True)
class DesignationScore:
    designation: Designation
    tracks: tuple[TrackScore, ...]

    @property
    def best(self) -> TrackScore:
        return max(self.tracks, key=lambda t: t.score)  # max keeps the first of equal scores

    @property
    def qualified(self) -> bool:
        best = self.best
        positive = all(m.points > 0 for m in best.metrics) or not self.designation.all_metrics_positive
        return best.score >= self.designation.qualify_at and positive


def _people_holding(codes: frozenset[str], holdings: Mapping[str, Mapping[str, Holding]], moment: datetime) -> int:
    """Each certified person counts once, however many of the credentials they hold."""
    return sum(1 for person in holdings.values() if any(code in person and person[code].counts_at(moment) for code in codes))


def score_designation(
    designation: Designation,
    holdings: Mapping[str, Mapping[str, Holding]],
    series: MetricSeries,
    market: Market,
    moment: datetime,
) -> DesignationScore:
    del market  # points thresholds are per track, not per market, in the published model
    tracks = []
    for track in designation.tracks:
        scores = []
        for metric in track.metrics:
            source = metric.source
            if source.kind == "individuals":
                value = float(_people_holding(source.any_of, holdings, moment))
            else:
                value = series.figure(source.metric, source.aggregate, source.window_months, moment)
            gates_met = all(_people_holding(g.any_of, holdings, moment) >= g.count for g in metric.gates)
            points = min(metric.max_points, metric.max_points * max(value, 0.0) / metric.full_at) if gates_met else 0.0
            scores.append(MetricScore(metric, value, gates_met, points))
        tracks.append(TrackScore(track, tuple(scores)))
    return DesignationScore(designation, tuple(tracks))
