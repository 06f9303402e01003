"""The competency catalog as data (docs/rules.md R1, R12, R14; the dataset's `catalog` section, docs/contract.md SPEC 4.5).

Frozen dataclasses and one parser. The parser trusts a document already validated against the
dataset schema; it only converts types and fills the schema's defaults.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any, Literal

Level = Literal["silver", "gold"]
LEVELS: tuple[Level, ...] = ("silver", "gold")
Market = Literal["developed", "developing"]


@dataclass(frozen=True)
class LocalizedText:
    """A display name in English and, where given, German."""

    en: str
    de: str | None = None

    def text(self, language: str) -> str:
        if language == "de" and self.de:
            return self.de
        return self.en

    @classmethod
    def parse(cls, raw: str | Mapping[str, str]) -> LocalizedText:
        if isinstance(raw, str):
            return cls(raw)
        return cls(raw["en"], raw.get("de"))


@dataclass(frozen=True)
class CatalogSettings:
    visibility_delay_hours: float = 24
    renewal_warning_days: int = 90
    override_days: int = 90
    retired_grace_months: int = 12
    max_links_per_year: int | None = None
    link_cooldown_days: int | None = None


@dataclass(frozen=True)
class Credential:
    code: str
    title: LocalizedText
    kind: Literal["certification", "exam", "assessment"]
    retired_on: date | None = None
    aliases: tuple[str, ...] = ()  # other names people or Partner Center exports use (SPEC 4.7, 4.8)


@dataclass(frozen=True)
class Metric:
    """A metric's display name and the names Partner Center exports give it (catalog `metrics`)."""

    id: str
    name: LocalizedText
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Threshold:
    developed: float
    developing: float

    def for_market(self, market: Market) -> float:
        return self.developing if market == "developing" else self.developed

    @classmethod
    def parse(cls, raw: float | Mapping[str, float]) -> Threshold:
        if isinstance(raw, Mapping):
            return cls(float(raw["developed"]), float(raw["developing"]))
        return cls(float(raw), float(raw))


@dataclass(frozen=True)
class AmongThem:
    """`and_among_them`: k of the counted people must also hold one of `any_of`."""

    count: int
    any_of: frozenset[str]


@dataclass(frozen=True)
class IndividualsRequirement:
    """R2: `count` distinct people, each holding every `all_of`, one of `any_of`, one full set."""

    count: int
    all_of: frozenset[str] = frozenset()
    any_of: frozenset[str] = frozenset()
    one_of_sets: tuple[frozenset[str], ...] = ()
    among: AmongThem | None = None
    kind: Literal["individuals"] = "individuals"

    # Both sets are asked for once per person and requirement in every evaluation: built once per
    # requirement (a frozen dataclass; the cached value is not a field, so equality is unchanged).
    @cached_property
    def codes(self) -> frozenset[str]:
        """Every credential this requirement names (only these count, R2)."""
        codes = set(self.qualifying_codes)
        if self.among:
            codes |= self.among.any_of
        return frozenset(codes)

    @cached_property
    def qualifying_codes(self) -> frozenset[str]:
        """The credentials that make a person qualify: `all_of`, `any_of` and every set (not `among`)."""
        codes = set(self.all_of) | set(self.any_of)
        for one_set in self.one_of_sets:
            codes |= one_set
        return frozenset(codes)


@dataclass(frozen=True)
class MetricRequirement:
    """R7: the organisation's figure for `metric` is at least `min` for its market."""

    metric: str
    min: Threshold
    aggregate: Literal["sum", "latest"] = "sum"
    window_months: int = 12
    kind: Literal["metric"] = "metric"


Requirement = IndividualsRequirement | MetricRequirement


@dataclass(frozen=True)
class Option:
    id: str
    name: LocalizedText
    levels: Mapping[Level, tuple[Requirement, ...]]


@dataclass(frozen=True)
class Competency:
    id: str
    name: LocalizedText
    options: tuple[Option, ...]
    aliases: tuple[str, ...] = ()

    @property
    def levels(self) -> tuple[Level, ...]:
        """The levels any option defines, in order silver, gold."""
        return tuple(level for level in LEVELS if any(level in o.levels for o in self.options))


@dataclass(frozen=True)
class Specialization:
    id: str
    name: LocalizedText
    requires_gold: str
    requirements: tuple[Requirement, ...]
    audit_required: bool = True


@dataclass(frozen=True)
class Gate:
    count: int
    any_of: frozenset[str]


@dataclass(frozen=True)
class DesignationMetric:
    id: str
    category: str
    max_points: float
    full_at: float
    source: IndividualsRequirement | MetricRequirement
    gates: tuple[Gate, ...] = ()


@dataclass(frozen=True)
class Track:
    id: str
    metrics: tuple[DesignationMetric, ...]


@dataclass(frozen=True)
class Designation:
    id: str
    name: LocalizedText
    tracks: tuple[Track, ...]
    qualify_at: float = 70
    all_metrics_positive: bool = True


@dataclass(frozen=True)
class Catalog:
    version: str
    competencies: tuple[Competency, ...]
    settings: CatalogSettings = CatalogSettings()
    credentials: Mapping[str, Credential] = field(default_factory=dict)
    specializations: tuple[Specialization, ...] = ()
    designations: tuple[Designation, ...] = ()
    effective_from: date | None = None
    metrics: Mapping[str, Metric] = field(default_factory=dict)

    def competency(self, competency_id: str) -> Competency | None:
        return next((c for c in self.competencies if c.id == competency_id), None)

    def option(self, competency_id: str, option_id: str) -> Option | None:
        competency = self.competency(competency_id)
        if competency is None:
            return None
        return next((o for o in competency.options if o.id == option_id), None)

    def metric_name(self, metric_id: str, language: str = "en") -> str:
        """The catalog's display name; a metric the catalog does not name reads as its id with spaces."""
        metric = self.metrics.get(metric_id)
        return metric.name.text(language) if metric else metric_id.replace("_", " ")

    def credential_title(self, code: str, language: str = "en") -> str:
        credential = self.credentials.get(code)
        return credential.title.text(language) if credential else code


def parse_requirement(raw: Mapping[str, Any]) -> Requirement:
    if raw["kind"] == "metric":
        return MetricRequirement(
            metric=raw["metric"],
            min=Threshold.parse(raw["min"]),
            aggregate=raw.get("aggregate", "sum"),
            window_months=int(raw.get("window_months", 12)),
        )
    among = raw.get("and_among_them")
    return IndividualsRequirement(
        count=int(raw["count"]),
        all_of=frozenset(raw.get("all_of", ())),
        any_of=frozenset(raw.get("any_of", ())),
        one_of_sets=tuple(frozenset(s) for s in raw.get("one_of_sets", ())),
        among=AmongThem(int(among["count"]), frozenset(among["any_of"])) if among else None,
    )


def _parse_option(raw: Mapping[str, Any]) -> Option:
    levels = {
        level: tuple(parse_requirement(r) for r in raw["levels"][level])
        for level in LEVELS
        if level in raw["levels"]
    }
    return Option(raw["id"], LocalizedText.parse(raw["name"]), levels)


def _parse_designation_metric(raw: Mapping[str, Any]) -> DesignationMetric:
    source = raw["source"]
    if source["kind"] == "individuals":
        parsed: IndividualsRequirement | MetricRequirement = IndividualsRequirement(
            count=1, any_of=frozenset(source["any_of"])
        )
    else:
        parsed = MetricRequirement(
            metric=source["metric"],
            min=Threshold(0, 0),
            aggregate=source.get("aggregate", "latest"),
            window_months=int(source.get("window_months", 12)),
        )
    return DesignationMetric(
        id=raw["id"],
        category=raw["category"],
        max_points=float(raw["max_points"]),
        full_at=float(raw["full_at"]),
        source=parsed,
        gates=tuple(Gate(int(g["count"]), frozenset(g["any_of"])) for g in raw.get("gates", ())),
    )


def parse_catalog(raw: Mapping[str, Any]) -> Catalog:
    """Build a `Catalog` from the dataset's `catalog` section (already schema-valid)."""
    settings = raw.get("settings", {})
    return Catalog(
        version=raw["version"],
        effective_from=date.fromisoformat(raw["effective_from"]) if raw.get("effective_from") else None,
        settings=CatalogSettings(
            visibility_delay_hours=float(settings.get("visibility_delay_hours", 24)),
            renewal_warning_days=int(settings.get("renewal_warning_days", 90)),
            override_days=int(settings.get("override_days", 90)),
            retired_grace_months=int(settings.get("retired_grace_months", 12)),
            max_links_per_year=settings.get("max_links_per_year"),
            link_cooldown_days=settings.get("link_cooldown_days"),
        ),
        credentials={
            c["code"]: Credential(
                code=c["code"],
                title=LocalizedText.parse(c["title"]),
                kind=c["kind"],
                retired_on=date.fromisoformat(c["retired_on"]) if c.get("retired_on") else None,
                aliases=tuple(c.get("aliases", ())),
            )
            for c in raw.get("credentials", ())
        },
        metrics={
            m["id"]: Metric(m["id"], LocalizedText.parse(m["name"]), tuple(m.get("aliases", ())))
            for m in raw.get("metrics", ())
        },
        competencies=tuple(
            Competency(
                c["id"],
                LocalizedText.parse(c["name"]),
                tuple(_parse_option(o) for o in c["options"]),
                tuple(c.get("aliases", ())),
            )
            for c in raw["competencies"]
        ),
        specializations=tuple(
            Specialization(
                id=s["id"],
                name=LocalizedText.parse(s["name"]),
                requires_gold=s["requires_gold"],
                requirements=tuple(parse_requirement(r) for r in s["requirements"]),
                audit_required=bool(s.get("audit_required", True)),
            )
            for s in raw.get("specializations", ())
        ),
        designations=tuple(
            Designation(
                id=d["id"],
                name=LocalizedText.parse(d["name"]),
                qualify_at=float(d.get("qualify_at", 70)),
                all_metrics_positive=bool(d.get("all_metrics_positive", True)),
                tracks=tuple(
                    Track(t["id"], tuple(_parse_designation_metric(m) for m in t["metrics"])) for t in d["tracks"]
                ),
            )
            for d in raw.get("designations", ())
        ),
    )
