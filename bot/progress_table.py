"""The human form of `competency-bot progress`: a readable table for operators (English)."""

from __future__ import annotations

from services.domain.catalog import IndividualsRequirement, MetricRequirement
from services.domain.organization import OrganizationEvaluation
from services.domain.requirements import RequirementResult
from services.reporting import number


def _figure(value: float) -> str:
    shown = number(value)
    return f"{shown:,}" if isinstance(shown, int) else f"{shown:,.2f}"


def describe_requirement(result: RequirementResult) -> str:
    requirement = result.requirement
    if isinstance(requirement, MetricRequirement):
        window = f"sum of {requirement.window_months} months" if requirement.aggregate == "sum" else "latest month"
        return f"{requirement.metric} ({window})"
    assert isinstance(requirement, IndividualsRequirement)
    parts = []
    if requirement.all_of:
        parts.append("all of " + ", ".join(sorted(requirement.all_of)))
    if requirement.any_of:
        parts.append("one of " + ", ".join(sorted(requirement.any_of)))
    if requirement.one_of_sets:
        parts.append("one set of " + " | ".join("+".join(sorted(s)) for s in requirement.one_of_sets))
    if requirement.among:
        parts.append(f"{requirement.among.count} of them also one of " + ", ".join(sorted(requirement.among.any_of)))
    return "people: " + "; ".join(parts)


def render_progress(evaluation: OrganizationEvaluation) -> str:
    snapshot, assessment, renewal = evaluation.snapshot, evaluation.assessment, evaluation.renewal
    lines = [f"{snapshot.name} ({snapshot.id}), {snapshot.market} market, evaluated {evaluation.moment:%Y-%m-%d %H:%M} UTC, catalog {evaluation.catalog.version}"]
    if snapshot.membership:
        state = "AT RISK" if renewal.at_risk else "safe"
        lines.append(f"Membership: {snapshot.membership.level} until {snapshot.membership.expires_on}, renewal {state}; requirements met for: {assessment.eligible_level}")
    else:
        lines.append(f"Membership: none; requirements met for: {assessment.eligible_level}")
    lines.append("")
    header = f"{'competency / level / option':44} {'requirement':58} {'current':>12} {'required':>12} {'pending':>8}  met"
    lines += [header, "-" * len(header)]
    for result in assessment.competencies:
        held = f" [held {result.held}]" if result.held else ""
        lines.append(f"{result.competency.name.en}{held}")
        for level, level_result in result.levels.items():
            risk = " AT RISK" if renewal.level_at_risk(result.id, level) else ""
            lines.append(f"  {level}: {'met' if level_result.met else 'not met'}{risk}")
            for option in level_result.options:
                flag = "met" if option.met else "not met"
                override = f" (override until {option.override.ends_on})" if option.override else ""
                lines.append(f"    {option.option_id}: {flag}{override}")
                for r in option.requirements:
                    lines.append(
                        f"      {'':38} {describe_requirement(r)[:58]:58} {_figure(r.current):>12} {_figure(r.required):>12} {_figure(r.pending):>8}  {'yes' if r.met else 'no'}"
                    )
    lines.append("")
    lines.append(f"Upgrade options toward {evaluation.upgrade_level} (closest first):")
    if not evaluation.upgrade_options:
        lines.append("  none: every competency meets this level")
    for option in evaluation.upgrade_options[:10]:
        needs = []
        for r in option.shortfalls:
            if r.missing <= 0:
                needs.append(f"{describe_requirement(r)}: covered once pending items count")
            elif r.kind == "metric":
                needs.append(f"{_figure(r.missing)} more {r.requirement.metric}")  # type: ignore[union-attr]
            else:
                needs.append(f"{_figure(r.missing)} more {'person' if r.missing == 1 else 'people'} ({describe_requirement(r)})")
        lines.append(f"  {option.competency_id} / {option.option_id}: " + "; ".join(needs))
    if renewal.held:
        lines.append("")
        lines.append(f"Renewal on {renewal.expires_on}:")
        for held in renewal.held:
            lines.append(f"  {held.competency_id} {held.level}: {'AT RISK' if held.at_risk else 'safe'}")
            for cause in held.causes:
                who = f" {cause.person_id}" if cause.person_id else ""
                what = f" {cause.code or cause.metric or ''}".rstrip()
                when = f" on {cause.when:%Y-%m-%d}" if cause.when else ""
                lines.append(f"    cause: {cause.kind}{who}{what}{when}")
    return "\n".join(lines)
