"""The human form of `competency-bot what-if`: what the change would alter, before → after (English)."""

from __future__ import annotations

from services.domain.what_if import WhatIf


def _flags(met: bool, at_risk: bool) -> str:
    return ("met" if met else "not met") + (", at risk" if at_risk else "")


def render_what_if(organization_id: str, result: WhatIf) -> str:
    change = result.change
    names = result.before.people_names
    person = f"{names.get(change.person_id, change.person_id)} ({change.person_id})"
    what = {"leaves": f"{person} leaves today", "earns": f"{person} earns {change.code}", "loses": f"{person} loses {change.code}"}[change.kind]
    lines = [f"What if {what}, in {result.before.snapshot.name} ({organization_id}):"]
    before, after = result.membership_before, result.membership_after
    renewal = {False: "safe", True: "AT RISK"}
    if result.membership_changes:
        lines.append(
            f"  membership: requirements met for {before.eligible_level} -> {after.eligible_level}; "
            f"renewal {renewal[before.renewal_at_risk]} -> {renewal[after.renewal_at_risk]}"
        )
    else:
        lines.append(f"  membership: unchanged (requirements met for {before.eligible_level}, renewal {renewal[before.renewal_at_risk]})")
    for level in result.levels:
        lines.append(
            f"  {level.competency_id} {level.level}: {_flags(level.before.met, level.before.at_risk)} -> {_flags(level.after.met, level.after.at_risk)}"
        )
    for label, options in (("opened", result.opened), ("closed", result.closed)):
        for option in options:
            lines.append(f"  option {label}: {option.competency_id} / {option.option_id} ({option.level})")
    if not result.changes_anything:
        lines.append("  nothing else would change")
    return "\n".join(lines)
