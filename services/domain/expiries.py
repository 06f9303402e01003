"""Counted achievements that stop counting soon (SPEC 1, the `expiring` question; R5, R9, R10).

"Soon" is the alert scan's horizon, `renewal_warning_days`, and before the membership's `expires_on`
when there is one: what expires later does not touch this renewal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from services.domain.catalog import Level
from services.domain.holdings import retired_until
from services.domain.organization import OrganizationEvaluation
from services.domain.roster import carried_levels
from services.domain.snapshot import at_most_last_instant, start_of_day


@dataclass(frozen=True)
class Expiry:
    person_id: str
    display_name: str
    code: str
    ends_at: datetime
    retiring: bool  # the credential is retired and its grace ends, rather than the achievement expiring
    carries: tuple[tuple[str, Level], ...]  # levels this person counts toward through this credential


@dataclass(frozen=True)
class Expiries:
    until: datetime  # the horizon looked at
    warning_days: int
    expires_on: date | None  # the membership's, when it bounds the horizon
    items: tuple[Expiry, ...]  # soonest first


def expiring_achievements(evaluation: OrganizationEvaluation) -> Expiries:
    moment = evaluation.moment
    catalog = evaluation.catalog
    days = catalog.settings.renewal_warning_days
    until = at_most_last_instant(moment, timedelta(days=days))
    membership = evaluation.snapshot.membership
    expires_on = None
    if membership is not None and membership.level != "none" and start_of_day(membership.expires_on) > moment:
        expires_on = membership.expires_on
        until = min(until, start_of_day(membership.expires_on))
    names = evaluation.people_names
    items = []
    for person_id, holdings in evaluation.assessment.holdings.items():
        for code, holding in holdings.items():
            ends = holding.valid_until
            if ends is None or not holding.counts_at(moment) or ends > until:
                continue
            items.append(
                Expiry(
                    person_id=person_id,
                    display_name=names.get(person_id, person_id),
                    code=code,
                    ends_at=ends,
                    retiring=ends == retired_until(catalog, code),
                    carries=carried_levels(evaluation.assessment, person_id, code),
                )
            )
    items.sort(key=lambda e: (e.ends_at, e.display_name.casefold(), e.code))
    return Expiries(until, days, expires_on, tuple(items))
