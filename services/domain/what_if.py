"""R15 what-if: one hypothetical change applied to a snapshot, evaluated again, and only the differences.

Nothing is stored: the change is a new snapshot value, judged by the same functions as the real one.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from services.domain.catalog import Catalog, Level
from services.domain.holdings import associated_links
from services.domain.organization import OrganizationEvaluation, evaluate_organization
from services.domain.snapshot import Achievement, MsaLink, OrganizationSnapshot

ChangeKind = Literal["leaves", "earns", "loses"]
CHANGE_KINDS: tuple[ChangeKind, ...] = ("leaves", "earns", "loses")


class ChangeNotApplicable(ValueError):
    """The change names someone or something the organisation does not have (an unknown person, or a
    credential to lose that the person does not hold)."""


@dataclass(frozen=True)
class Change:
    kind: ChangeKind
    person_id: str
    code: str | None = None  # the credential for "earns" and "loses"


@dataclass(frozen=True)
class LevelState:
    met: bool
    at_risk: bool


@dataclass(frozen=True)
class LevelChange:
    competency_id: str
    level: Level
    before: LevelState
    after: LevelState


@dataclass(frozen=True)
class MembershipState:
    eligible_level: str
    renewal_at_risk: bool


@dataclass(frozen=True)
class OptionRef:
    competency_id: str
    option_id: str
    level: Level


@dataclass(frozen=True)
class WhatIf:
    change: Change
    before: OrganizationEvaluation
    after: OrganizationEvaluation
    levels: tuple[LevelChange, ...]  # only the levels whose met or at_risk changes, catalog order
    membership_before: MembershipState
    membership_after: MembershipState
    opened: tuple[OptionRef, ...]  # options met after the change and not before
    closed: tuple[OptionRef, ...]  # options met before and not after

    @property
    def membership_changes(self) -> bool:
        return self.membership_before != self.membership_after

    @property
    def changes_anything(self) -> bool:
        return bool(self.levels or self.opened or self.closed or self.membership_changes)


WHAT_IF_MSA = "what-if:{person}"  # the account an earned credential sits on when the person has none that counts


def apply_change(snapshot: OrganizationSnapshot, catalog: Catalog, change: Change, now: datetime) -> OrganizationSnapshot:
    """The snapshot as it would be had the change happened at `now`."""
    person = next((p for p in snapshot.people if p.id == change.person_id), None)
    if person is None:
        raise ChangeNotApplicable(f"unknown user '{change.person_id}'")
    if change.kind == "leaves":
        people = tuple(dataclasses.replace(p, left_on=now.date()) if p.id == person.id else p for p in snapshot.people)
        return dataclasses.replace(snapshot, people=people)
    if change.code is None:
        raise ChangeNotApplicable(f"a change of kind '{change.kind}' needs a credential")
    if change.kind == "earns":
        return _earn(snapshot, catalog, change.person_id, change.code, now)
    own_msas = {l.msa for links in associated_links(snapshot, now).values() for l in links if l.user_id == person.id}
    lost = tuple(a for a in snapshot.achievements if a.msa in own_msas and a.code == change.code)
    if not lost:
        raise ChangeNotApplicable(f"user '{person.id}' holds no {change.code}")
    return dataclasses.replace(snapshot, achievements=tuple(a for a in snapshot.achievements if a not in lost))


def _earn(snapshot: OrganizationSnapshot, catalog: Catalog, person_id: str, code: str, now: datetime) -> OrganizationSnapshot:
    """R15: the credential counts at once, on the person's linked MSA. A link younger than the
    visibility delay (or none that carries this kind of credential) would make it wait, so then it
    sits on a hypothetical account linked long enough ago."""
    delay = timedelta(hours=catalog.settings.visibility_delay_hours)
    credential = catalog.credentials.get(code)
    kind = credential.kind if credential else None
    counted_since = now - delay
    links = [
        l
        for links in associated_links(snapshot, now).values()
        for l in links
        if l.user_id == person_id and l.carries(kind) and l.linked_at <= counted_since
    ]
    extra_links: tuple[MsaLink, ...] = ()
    if links:
        msa = max(links, key=lambda l: l.linked_at).msa
    else:
        msa = WHAT_IF_MSA.format(person=person_id)
        extra_links = (MsaLink(person_id, msa, counted_since),)
    earned = Achievement(msa, code, counted_since, None, kind)
    return dataclasses.replace(snapshot, links=snapshot.links + extra_links, achievements=snapshot.achievements + (earned,))


def _level_states(evaluation: OrganizationEvaluation) -> dict[tuple[str, Level], LevelState]:
    return {
        (result.id, level): LevelState(level_result.met, evaluation.renewal.level_at_risk(result.id, level))
        for result in evaluation.assessment.competencies
        for level, level_result in result.levels.items()
    }


def _met_options(evaluation: OrganizationEvaluation) -> list[OptionRef]:
    return [
        OptionRef(result.id, option.option_id, level)
        for result in evaluation.assessment.competencies
        for level, level_result in result.levels.items()
        for option in level_result.options
        if option.met
    ]


def _membership(evaluation: OrganizationEvaluation) -> MembershipState:
    return MembershipState(evaluation.assessment.eligible_level, evaluation.renewal.at_risk)


def compare(change: Change, before: OrganizationEvaluation, after: OrganizationEvaluation) -> WhatIf:
    states_before, states_after = _level_states(before), _level_states(after)
    levels = tuple(
        LevelChange(competency_id, level, states_before[(competency_id, level)], state)
        for (competency_id, level), state in states_after.items()
        if states_before.get((competency_id, level)) != state
    )
    met_before, met_after = _met_options(before), _met_options(after)
    return WhatIf(
        change=change,
        before=before,
        after=after,
        levels=levels,
        membership_before=_membership(before),
        membership_after=_membership(after),
        opened=tuple(o for o in met_after if o not in met_before),
        closed=tuple(o for o in met_before if o not in met_after),
    )


def what_if(snapshot: OrganizationSnapshot, catalog: Catalog, change: Change, now: datetime) -> WhatIf:
    """Evaluate the organisation as it is and as it would be after `change`, and keep what differs."""
    before = evaluate_organization(snapshot, catalog, now)
    after = evaluate_organization(apply_change(snapshot, catalog, change, now), catalog, now)
    return compare(change, before, after)
