"""The machine-readable form of an evaluation (SPEC 4.6: `progress --json`). Catalog order throughout."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from services.domain.catalog import IndividualsRequirement, MetricRequirement
from services.domain.organization import OrganizationEvaluation
from services.domain.renewal import HeldLevelRisk, RiskCause
from services.domain.requirements import ClosePerson, RequirementResult
from services.domain.upgrades import UpgradeOption
from services.domain.what_if import OptionRef, WhatIf


def number(value: float) -> int | float:
    """12000.0 reads as 12000; fractions keep two decimals."""
    return int(value) if float(value).is_integer() else round(value, 2)


def _time(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def requirement_json(result: RequirementResult) -> dict[str, Any]:
    requirement = result.requirement
    body: dict[str, Any] = {
        "kind": result.kind,
        "required": number(result.required),
        "current": number(result.current),
        "pending": number(result.pending),
        "met": result.met,
    }
    if isinstance(requirement, MetricRequirement):
        body.update(metric=requirement.metric, aggregate=requirement.aggregate)
        if requirement.aggregate == "sum":
            body["window_months"] = requirement.window_months
        return body
    assert isinstance(requirement, IndividualsRequirement)
    for name in ("all_of", "any_of"):
        if getattr(requirement, name):
            body[name] = sorted(getattr(requirement, name))
    if requirement.one_of_sets:
        body["one_of_sets"] = [sorted(s) for s in requirement.one_of_sets]
    if requirement.among:
        body["and_among_them"] = {"count": requirement.among.count, "any_of": sorted(requirement.among.any_of), "current": result.among_current}
    body["people"] = list(result.counted)
    body["pending_people"] = [{"person": p.person_id, "counts_from": _time(p.counts_from)} for p in result.pending_people]
    return body


def _closest_json(person: ClosePerson, names: dict[str, str]) -> dict[str, Any]:
    return {
        "person": person.person_id,
        "display_name": names.get(person.person_id, person.person_id),
        "holds": list(person.holds),
        "needs_all_of": list(person.needs_all_of),
        "needs_one_of": [list(group) for group in person.needs_one_of],
    }


def missing_json(result: RequirementResult, names: dict[str, str]) -> dict[str, Any]:
    requirement = result.requirement
    if isinstance(requirement, MetricRequirement):
        return {"kind": "metric", "metric": requirement.metric, "amount": number(result.missing), "current": number(result.current), "required": number(result.required)}
    body = {key: value for key, value in requirement_json(result).items() if key in ("all_of", "any_of", "one_of_sets", "and_among_them")}
    return {"kind": "individuals", "people": number(result.missing), "pending": number(result.pending), **body, "closest": [_closest_json(c, names) for c in result.closest]}


def upgrade_json(option: UpgradeOption, names: dict[str, str]) -> dict[str, Any]:
    return {
        "competency": option.competency_id,
        "option": option.option_id,
        "level": option.level,
        "gap": round(option.gap, 4),
        "missing": [missing_json(r, names) for r in option.shortfalls],
    }


def cause_json(cause: RiskCause) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": cause.kind, "option": cause.option_id}
    for name in ("person_id", "code", "msa", "metric"):
        if getattr(cause, name) is not None:
            body[name.removesuffix("_id")] = getattr(cause, name)
    if cause.when is not None:
        body["when"] = _time(cause.when)
    if cause.current is not None:
        body.update(current=number(cause.current), required=number(cause.required or 0))
    return body


def _held_json(risk: HeldLevelRisk, names: dict[str, str]) -> dict[str, Any]:
    return {
        "competency": risk.competency_id,
        "level": risk.level,
        "at_risk": risk.at_risk,
        "causes": [cause_json(c) for c in risk.causes],
        "fix": upgrade_json(risk.fix, names) if risk.fix else None,
    }


def evaluation_json(evaluation: OrganizationEvaluation) -> dict[str, Any]:
    snapshot, assessment, renewal = evaluation.snapshot, evaluation.assessment, evaluation.renewal
    names = {p.id: p.display_name for p in snapshot.people}
    membership = snapshot.membership
    competencies = []
    for result in assessment.competencies:
        levels = {}
        for level, level_result in result.levels.items():
            levels[level] = {
                "met": level_result.met,
                "at_risk": renewal.level_at_risk(result.id, level),
                "options": [
                    {
                        "id": option.option_id,
                        "met": option.met,
                        "override": None if option.override is None else {
                            "starts_on": option.override.starts_on.isoformat(),
                            "ends_on": option.override.ends_on.isoformat(),
                            "reason": option.override.reason,
                        },
                        "requirements": [requirement_json(r) for r in option.requirements],
                    }
                    for option in level_result.options
                ],
            }
        competencies.append({"id": result.id, "name": result.competency.name.en, "held": result.held, "achieved": list(result.achieved_levels), "levels": levels})
    return {
        "organization": snapshot.id,
        "name": snapshot.name,
        "evaluated_at": _time(evaluation.moment),
        "catalog_version": evaluation.catalog.version,
        "market": snapshot.market,
        "membership": {
            "level": membership.level if membership else "none",
            "expires_on": membership.expires_on.isoformat() if membership else None,
            "renewal_at_risk": renewal.at_risk,
            "eligible_level": assessment.eligible_level,
            "profile": [{"competency": c, "level": lv} for c, lv in assessment.profile()],
        },
        "competencies": competencies,
        "upgrade_level": evaluation.upgrade_level,
        "upgrade_options": [upgrade_json(o, names) for o in evaluation.upgrade_options],
        "renewal": {"held": [_held_json(h, names) for h in renewal.held]},
        "specializations": [
            {
                "id": s.specialization.id,
                "requires_gold": s.specialization.requires_gold,
                "gold_met": s.gold_met,
                "audit_passed": s.audit_passed,
                "met": s.met,
                "requirements": [requirement_json(r) for r in s.requirements],
            }
            for s in assessment.specializations
        ],
        "designations": [
            {
                "id": d.designation.id,
                "best_track": d.best.track.id,
                "score": number(round(d.best.score, 2)),
                "qualified": d.qualified,
                "tracks": [
                    {
                        "id": t.track.id,
                        "score": number(round(t.score, 2)),
                        "metrics": [{"id": m.metric.id, "value": number(m.value), "points": number(round(m.points, 2)), "gates_met": m.gates_met} for m in t.metrics],
                    }
                    for t in d.tracks
                ],
            }
            for d in evaluation.designations
        ],
    }


def what_if_json(organization_id: str, result: WhatIf) -> dict[str, Any]:
    """SPEC 4.3 `what-if --json`: only the levels that change, before → after."""
    def option(ref: OptionRef) -> dict[str, Any]:
        return {"competency": ref.competency_id, "option": ref.option_id, "level": ref.level}

    change = result.change
    return {
        "organization": organization_id,
        "change": {"kind": change.kind, "user": change.person_id, "credential": change.code},
        "membership": {
            "before": {"eligible_level": result.membership_before.eligible_level, "renewal_at_risk": result.membership_before.renewal_at_risk},
            "after": {"eligible_level": result.membership_after.eligible_level, "renewal_at_risk": result.membership_after.renewal_at_risk},
        },
        "levels": [
            {
                "competency": level.competency_id,
                "level": level.level,
                "before": {"met": level.before.met, "at_risk": level.before.at_risk},
                "after": {"met": level.after.met, "at_risk": level.after.at_risk},
            }
            for level in result.levels
        ],
        "upgrade_options": {"opened": [option(o) for o in result.opened], "closed": [option(o) for o in result.closed]},
    }
