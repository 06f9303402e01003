"""The human form of `competency-bot progress`: a readable table for operators (English), with the
names people know (catalog titles, people's names), never internal ids."""

from __future__ import annotations

from dialogs.cards.phrases import Phrasebook
from services.domain.organization import OrganizationEvaluation
from services.domain.requirements import RequirementResult
from services.reporting import number


def _figure(value: float) -> str:
    shown = number(value)
    return f"{shown:,}" if isinstance(shown, int) else f"{shown:,.2f}"


def describe_requirement(words: Phrasebook, result: RequirementResult) -> str:
    label = words.requirement_label(result)
    among = words.among(result)
    return f"{label}; {among}" if among else label


def render_progress(evaluation: OrganizationEvaluation) -> str:
    snapshot, assessment, renewal = evaluation.snapshot, evaluation.assessment, evaluation.renewal
    words = Phrasebook.for_evaluation(evaluation, "en")
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
        lines.append(f"{words.competency(result.id)}{held}")
        for level, level_result in result.levels.items():
            risk = " AT RISK" if renewal.level_at_risk(result.id, level) else ""
            lines.append(f"  {level}: {'met' if level_result.met else 'not met'}{risk}")
            for option in level_result.options:
                flag = "met" if option.met else "not met"
                override = f" (override until {option.override.ends_on})" if option.override else ""
                lines.append(f"    {words.option(result.id, option.option_id)}: {flag}{override}")
                for r in option.requirements:
                    lines.append(
                        f"      {'':38} {describe_requirement(words, r):58} {_figure(r.current):>12} {_figure(r.required):>12} {_figure(r.pending):>8}  {'yes' if r.met else 'no'}"
                    )
    lines.append("")
    lines.append(f"Upgrade options toward {evaluation.upgrade_level} (closest first):")
    if not evaluation.upgrade_options:
        lines.append("  none: every competency meets this level")
    for upgrade in evaluation.upgrade_options[:10]:
        heading = words.say("upgrade_heading", competency=words.competency(upgrade.competency_id), option=words.option(upgrade.competency_id, upgrade.option_id))
        lines.append(f"  {heading}: {words.needs(upgrade)}")
    if renewal.held:
        lines.append("")
        lines.append(f"Renewal on {renewal.expires_on}:")
        for held_level in renewal.held:
            lines.append(f"  {words.competency(held_level.competency_id)} {held_level.level}: {'AT RISK' if held_level.at_risk else 'safe'}")
            for cause in held_level.causes:
                lines.append(f"    cause: {words.cause(cause)}")
    return "\n".join(lines)
