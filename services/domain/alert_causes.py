"""What deserves a proactive alert (R10, R16): causes found in one evaluation, each with a stable key.

A cause is one change in the organisation's data (a person who left, a credential that expires, an
MSA that moved away, a metric below its threshold, an override that ends) or, where no change
explains a risk, the risk itself. One change is one alert, however many held levels it touches: the
alert names each of them, the cheapest fix for each, the people closest to filling each gap, and
whether the membership's own renewal is at risk — exactly what the renewal evaluation of the same
moment says.

A scan compares the causes found now with those already recorded: a new key is a new alert, a key
seen again is the same cause (never repeated), a key no longer found has cleared."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from services.domain.catalog import AmongThem, IndividualsRequirement, Level, MetricRequirement, Threshold
from services.domain.evaluation import OptionResult, level_rank
from services.domain.organization import OrganizationEvaluation
from services.domain.renewal import HeldLevelRisk, RiskCause
from services.domain.requirements import ClosePerson, RequirementResult
from services.domain.snapshot import at_most_last_instant, end_of_day
from services.domain.upgrades import UpgradeOption

AlertKind = Literal["renewal_at_risk", "upgrade_available", "override_ends"]
OVERRIDE_WARNING = timedelta(days=14)


@dataclass(frozen=True)
class AlertCause:
    organization_id: str
    kind: AlertKind
    key: str  # stable across scans: organisation and the change (person, credential, MSA, metric)
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def change_of(cause: RiskCause) -> tuple[str, ...]:
    """What happened, without where it hurts: the same leaver behind three levels is one change."""
    if cause.kind == "leaver":
        return ("leaver", cause.person_id or "")
    if cause.kind in ("expiring", "retiring"):
        return (cause.kind, cause.person_id or "", cause.code or "")
    if cause.kind == "msa_moved":
        return ("msa_moved", cause.person_id or "", cause.msa or "")
    if cause.kind == "metric_below":
        return ("metric_below", cause.metric or "")
    if cause.kind == "override_ends":
        return ("override_ends", cause.competency_id, cause.option_id, cause.level)
    return ("people_short", cause.competency_id, cause.level)  # no change in the data explains it


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _announced(cause: RiskCause, horizon: datetime) -> bool:
    """An expiring credential is announced once it falls inside the warning window (R10: 90 days)."""
    return not (cause.kind in ("expiring", "retiring") and cause.when is not None and cause.when > horizon)


def renewal_changes(evaluation: OrganizationEvaluation) -> dict[tuple[str, ...], list[tuple[HeldLevelRisk, list[RiskCause]]]]:
    """change → the held levels at risk it is a cause of (catalog order), each with its causes."""
    horizon = at_most_last_instant(evaluation.moment, timedelta(days=evaluation.catalog.settings.renewal_warning_days))
    changes: dict[tuple[str, ...], list[tuple[HeldLevelRisk, list[RiskCause]]]] = {}
    for held in evaluation.renewal.held:
        if not held.at_risk:
            continue
        for cause in held.causes:
            if not _announced(cause, horizon):
                continue
            levels = changes.setdefault(change_of(cause), [])
            if levels and levels[-1][0] is held:
                levels[-1][1].append(cause)
            else:
                levels.append((held, [cause]))
    return changes


def find_alert_causes(evaluation: OrganizationEvaluation) -> tuple[AlertCause, ...]:
    snapshot, now = evaluation.snapshot, evaluation.moment
    renewal = evaluation.renewal
    names = evaluation.people_names
    membership_level = snapshot.membership.level if snapshot.membership else "none"
    causes: list[AlertCause] = []
    for change, levels in renewal_changes(evaluation).items():
        first = levels[0][1][0]
        mentioned: set[str] = {first.person_id} if first.person_id else set()
        level_details = []
        for held, found in levels:
            level_details.append(
                {
                    "competency": held.competency_id,
                    "level": held.level,
                    "option": found[0].option_id,
                    "current": found[0].current,
                    "required": found[0].required,
                    "fix": fix_details(held.fix),
                }
            )
            if held.fix is not None:
                mentioned |= {p.person_id for r in held.fix.shortfalls for p in r.closest}
        touches_membership = renewal.at_risk and any(level_rank(h.level) >= level_rank(membership_level) for h, _ in levels)
        causes.append(
            AlertCause(
                snapshot.id,
                "renewal_at_risk",
                "|".join(("renewal", snapshot.id, *change)),
                {
                    "cause": first.kind,
                    "person": first.person_id,
                    "person_name": names.get(first.person_id or "", first.person_id),
                    "code": first.code,
                    "codes": sorted({c.code for _, found in levels for c in found if c.code}),
                    "msa": first.msa,
                    "metric": first.metric,
                    "when": _when(first.when),
                    "current": first.current,
                    "required": first.required,
                    "levels": level_details,
                    "membership": membership_level,
                    "membership_at_risk": touches_membership,
                    "renewal_at_risk": renewal.at_risk,
                    "expires_on": renewal.expires_on.isoformat() if renewal.expires_on else None,
                    "names": {pid: names.get(pid, pid) for pid in sorted(mentioned)},
                },
            )
        )
    eligible = evaluation.assessment.eligible_level
    if eligible != "none" and level_rank(eligible) > level_rank(membership_level):  # "none" ranks lowest: never above
        meeting = [
            [result.id, next(o.option_id for o in result.levels[eligible].options if o.met)]
            for result in evaluation.assessment.competencies
            if eligible in result.levels and result.levels[eligible].met
        ]
        causes.append(AlertCause(snapshot.id, "upgrade_available", f"upgrade|{snapshot.id}|{eligible}", {"level": eligible, "membership": membership_level, "competencies": meeting}))
    for override in snapshot.overrides:
        ends = end_of_day(override.ends_on)
        if override.active_at(now) and ends - now <= OVERRIDE_WARNING:
            key = f"override|{snapshot.id}|{override.competency}|{override.option}|{override.level}|{override.ends_on.isoformat()}"
            causes.append(AlertCause(snapshot.id, "override_ends", key, {**_after_override(evaluation, override.competency, override.option, override.level), "ends_on": override.ends_on.isoformat()}))
    unique = {c.key: c for c in causes}
    return tuple(unique.values())


def _after_override(evaluation: OrganizationEvaluation, competency_id: str, option_id: str, level: Level) -> dict[str, Any]:
    """The status that applies once the override ends: the option as computed today, and whether
    another option meets the level anyway."""
    details: dict[str, Any] = {"competency": competency_id, "option": option_id, "level": level, "option_met": False, "other_option": None, "fix": None}
    result = evaluation.assessment.competency(competency_id)
    if result is None or level not in result.levels:
        return details
    options = result.levels[level].options
    mine = next((o for o in options if o.option_id == option_id), None)
    if mine is None:
        return details
    other = next((o.option_id for o in options if o.option_id != option_id and o.met), None)
    details.update(option_met=mine.requirements_met, other_option=other, fix=None if mine.requirements_met else fix_details(UpgradeOption(mine, mine.unmet)))
    names = evaluation.people_names
    details["names"] = {p.person_id: names.get(p.person_id, p.person_id) for r in mine.unmet for p in r.closest}
    return details


# --- the fix, kept in the requirement's own shape so a sender can word it without an evaluation ----


def fix_details(fix: UpgradeOption | None) -> dict[str, Any] | None:
    if fix is None:
        return None
    missing: list[dict[str, Any]] = []
    for r in fix.shortfalls:
        requirement = r.requirement
        common = {"required": r.required, "current": r.current, "pending": r.pending}
        if isinstance(requirement, MetricRequirement):
            missing.append({"kind": "metric", "metric": requirement.metric, "aggregate": requirement.aggregate, "window_months": requirement.window_months, **common})
            continue
        assert isinstance(requirement, IndividualsRequirement)
        missing.append(
            {
                "kind": "individuals",
                "count": requirement.count,
                "all_of": sorted(requirement.all_of),
                "any_of": sorted(requirement.any_of),
                "one_of_sets": [sorted(s) for s in requirement.one_of_sets],
                "among": {"count": requirement.among.count, "any_of": sorted(requirement.among.any_of)} if requirement.among else None,
                "among_required": r.among_required,
                "among_current": r.among_current,
                "closest": [
                    {"person": p.person_id, "holds": list(p.holds), "needs_all_of": list(p.needs_all_of), "needs_one_of": [list(g) for g in p.needs_one_of]}
                    for p in r.closest
                ],
                **common,
            }
        )
    return {"competency": fix.competency_id, "option": fix.option_id, "level": fix.level, "missing": missing}


def fix_from_details(details: dict[str, Any]) -> UpgradeOption:
    """The inverse of `fix_details`: an upgrade option with just its shortfalls, to word as the
    renewal answer words it."""
    shortfalls = []
    for m in details["missing"]:
        common = dict(required=m["required"], current=m["current"], pending=m["pending"], met=False)
        if m["kind"] == "metric":
            threshold = Threshold(m["required"], m["required"])
            requirement: IndividualsRequirement | MetricRequirement = MetricRequirement(m["metric"], threshold, m["aggregate"], m["window_months"])
            shortfalls.append(RequirementResult(requirement, **common))
            continue
        among = m.get("among")
        requirement = IndividualsRequirement(
            count=m["count"],
            all_of=frozenset(m["all_of"]),
            any_of=frozenset(m["any_of"]),
            one_of_sets=tuple(frozenset(s) for s in m["one_of_sets"]),
            among=AmongThem(among["count"], frozenset(among["any_of"])) if among else None,
        )
        closest = tuple(
            ClosePerson(p["person"], tuple(p["holds"]), tuple(p["needs_all_of"]), tuple(tuple(g) for g in p["needs_one_of"])) for p in m["closest"]
        )
        shortfalls.append(RequirementResult(requirement, closest=closest, among_required=m["among_required"], among_current=m["among_current"], **common))
    option = OptionResult(details["competency"], details["option"], details["level"], tuple(shortfalls))
    return UpgradeOption(option, tuple(shortfalls))
