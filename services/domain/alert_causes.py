"""What deserves a proactive alert (R10): causes found in one evaluation, each with a stable key.

A scan compares the causes found now with those already recorded: a new key is a new alert, a key
seen again is the same cause (never repeated), a key no longer found has cleared."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Literal

from services.domain.evaluation import level_rank
from services.domain.organization import OrganizationEvaluation
from services.domain.renewal import RiskCause
from services.domain.snapshot import start_of_day

AlertKind = Literal["renewal_at_risk", "upgrade_available", "override_ends"]
OVERRIDE_WARNING = timedelta(days=14)


@dataclass(frozen=True)
class AlertCause:
    organization_id: str
    kind: AlertKind
    key: str  # stable across scans: organisation, level, requirement, person/credential
    details: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


def _risk_key(organization_id: str, cause: RiskCause) -> str:
    return "|".join(("renewal", organization_id, *cause.key))


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def find_alert_causes(evaluation: OrganizationEvaluation) -> tuple[AlertCause, ...]:
    snapshot, now = evaluation.snapshot, evaluation.moment
    warning = timedelta(days=evaluation.catalog.settings.renewal_warning_days)
    causes: list[AlertCause] = []
    renewal = evaluation.renewal
    horizon = now + warning
    names = {p.id: p.display_name for p in snapshot.people}
    for held in renewal.held:
        if not held.at_risk:
            continue
        for cause in held.causes:
            # An expiring credential is announced once it falls inside the warning window (R10: 90 days).
            if cause.kind in ("expiring", "retiring") and cause.when is not None and cause.when > horizon:
                continue
            causes.append(
                AlertCause(
                    snapshot.id,
                    "renewal_at_risk",
                    _risk_key(snapshot.id, cause),
                    {
                        "cause": cause.kind,
                        "competency": cause.competency_id,
                        "level": cause.level,
                        "option": cause.option_id,
                        "person": cause.person_id,
                        "person_name": names.get(cause.person_id or "", cause.person_id),
                        "code": cause.code,
                        "msa": cause.msa,
                        "metric": cause.metric,
                        "when": _when(cause.when),
                        "current": cause.current,
                        "required": cause.required,
                        "membership_at_risk": renewal.at_risk,
                        "expires_on": renewal.expires_on.isoformat() if renewal.expires_on else None,
                        "fix": _fix(held.fix),
                    },
                )
            )
    membership = snapshot.membership.level if snapshot.membership else "none"
    eligible = evaluation.assessment.eligible_level
    if level_rank(eligible) > level_rank(membership):
        causes.append(AlertCause(snapshot.id, "upgrade_available", f"upgrade|{snapshot.id}|{eligible}", {"level": eligible, "membership": membership}))
    for override in snapshot.overrides:
        ends = start_of_day(override.ends_on) + timedelta(days=1)
        if override.active_at(now) and ends - now <= OVERRIDE_WARNING:
            key = f"override|{snapshot.id}|{override.competency}|{override.option}|{override.level}|{override.ends_on.isoformat()}"
            causes.append(
                AlertCause(
                    snapshot.id,
                    "override_ends",
                    key,
                    {"competency": override.competency, "option": override.option, "level": override.level, "ends_on": override.ends_on.isoformat()},
                )
            )
    unique = {c.key: c for c in causes}
    return tuple(unique.values())


def _fix(fix) -> dict[str, Any] | None:
    if fix is None:
        return None
    return {
        "competency": fix.competency_id,
        "option": fix.option_id,
        "level": fix.level,
        "missing": [
            {"kind": r.kind, "amount": r.missing, "metric": getattr(r.requirement, "metric", None), "codes": sorted(getattr(r.requirement, "codes", ()))}
            for r in fix.shortfalls
            if r.missing > 0
        ],
    }
