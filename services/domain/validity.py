"""Until when an evaluation stays true if no data changes: the next moment time alone changes it.

An evaluation depends on `now` only at known instants: a pending link or achievement starting to
count (R3), an expiry or the end of a retired credential's grace (R5), a leaver's day (R6), an
override's first and last day (R11), the start of a month (R7 windows), the membership's expiry (R9)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from services.domain.catalog import Catalog
from services.domain.holdings import retired_until
from services.domain.snapshot import LAST_INSTANT, OrganizationSnapshot, end_of_day, start_of_day


def next_change(snapshot: OrganizationSnapshot, catalog: Catalog, now: datetime) -> datetime:
    delay = timedelta(hours=catalog.settings.visibility_delay_hours)
    month = LAST_INSTANT if (now.year, now.month) == (9999, 12) else datetime(now.year + (now.month == 12), now.month % 12 + 1, 1, tzinfo=timezone.utc)
    instants = [month]
    for link in snapshot.links:
        instants += [link.linked_at, link.linked_at + delay]
        if link.dissolved_at is not None:
            instants.append(link.dissolved_at)
    for achievement in snapshot.achievements:
        instants += [achievement.earned_at, achievement.earned_at + delay]
        if achievement.expires_at is not None:
            instants.append(achievement.expires_at)
        retired = retired_until(catalog, achievement.code)
        if retired is not None:
            instants.append(retired)
    instants += [start_of_day(p.left_on) for p in snapshot.people if p.left_on is not None]
    for override in snapshot.overrides:
        instants += [start_of_day(override.starts_on), end_of_day(override.ends_on)]
    instants += [start_of_day(s.audit_passed_on) for s in snapshot.specializations if s.audit_passed_on is not None]
    if snapshot.membership is not None:
        instants.append(start_of_day(snapshot.membership.expires_on))
    return min((t for t in instants if t > now), default=month)
