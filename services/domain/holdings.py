"""Who holds which credential at a moment, and since when it counts (R3, R4, R5, R6)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache

from services.domain.catalog import Catalog
from services.domain.snapshot import Achievement, MsaLink, OrganizationSnapshot, start_of_day


@dataclass(frozen=True)
class Holding:
    """One credential of one person as seen at a moment: it counts from `counts_from` on (R3)."""

    person_id: str
    code: str
    msa: str
    counts_from: datetime
    valid_until: datetime | None  # expiry or end of retired grace, whichever comes first (R5)

    def counts_at(self, moment: datetime) -> bool:
        return self.counts_from <= moment


def add_months(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    if not 1 <= year <= 9999:  # a grace ending past the calendar's end (retired_on 9999-06-01) never ends
        return date.max if year > 9999 else date.min
    for candidate in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, candidate))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def retired_until(catalog: Catalog, code: str) -> datetime | None:
    """R5: a retired credential counts until `retired_on + retired_grace_months`."""
    credential = catalog.credentials.get(code)
    if credential is None or credential.retired_on is None:
        return None
    return _grace_end(credential.retired_on, catalog.settings.retired_grace_months)


@lru_cache(maxsize=1024)  # asked for every achievement of a retired credential in every evaluation
def _grace_end(retired_on: date, months: int) -> datetime:
    return start_of_day(add_months(retired_on, months))


def _valid_until(catalog: Catalog, achievement: Achievement) -> datetime | None:
    ends = [t for t in (achievement.expires_at, retired_until(catalog, achievement.code)) if t is not None]
    return min(ends) if ends else None


def associated_links(snapshot: OrganizationSnapshot, moment: datetime) -> dict[str, list[MsaLink]]:
    """Links through which each MSA counts at `moment`, keyed by MSA.

    R4: an MSA belongs to one person at a time, the one who linked it most recently. Links to other
    organisations are dissolved in the database; within one organisation the newest link wins too,
    so that one account's certifications never count as two people.
    """
    newest_user: dict[str, tuple[datetime, str]] = {}
    for link in snapshot.links:
        if link.active_at(moment):
            current = newest_user.get(link.msa)
            if current is None or link.linked_at > current[0]:
                newest_user[link.msa] = (link.linked_at, link.user_id)
    by_msa: dict[str, list[MsaLink]] = defaultdict(list)
    for link in snapshot.links:
        if link.active_at(moment) and newest_user[link.msa][1] == link.user_id:
            by_msa[link.msa].append(link)
    return by_msa


def current_holdings(
    snapshot: OrganizationSnapshot,
    catalog: Catalog,
    moment: datetime,
    links_by_msa: dict[str, list[MsaLink]] | None = None,
) -> dict[str, dict[str, Holding]]:
    """person id → credential code → the holding that counts soonest, for credentials valid at `moment`.

    Excluded: leavers (R6), dissolved or future links (R4), achievements not yet earned, expired
    ones and retired ones past their grace (R5). Pending holdings are included; `counts_from` says
    when they count (R3).
    """
    delay = timedelta(hours=catalog.settings.visibility_delay_hours)
    links_by_msa = associated_links(snapshot, moment) if links_by_msa is None else links_by_msa
    present = {p.id for p in snapshot.people if not p.has_left(moment)}
    result: dict[str, dict[str, Holding]] = defaultdict(dict)
    for achievement in snapshot.achievements:
        if achievement.earned_at > moment:
            continue
        links = links_by_msa.get(achievement.msa)
        if not links:
            continue
        valid_until = _valid_until(catalog, achievement)
        if valid_until is not None and valid_until <= moment:
            continue
        kind = achievement.kind or _catalog_kind(catalog, achievement.code)
        for link in links:
            if link.user_id not in present or not link.carries(kind):
                continue
            holding = Holding(
                person_id=link.user_id,
                code=achievement.code,
                msa=achievement.msa,
                counts_from=max(link.linked_at, achievement.earned_at) + delay,
                valid_until=valid_until,
            )
            known = result[link.user_id].get(achievement.code)
            if known is None or holding.counts_from < known.counts_from:
                result[link.user_id][achievement.code] = holding
    return dict(result)


def _catalog_kind(catalog: Catalog, code: str) -> str | None:
    credential = catalog.credentials.get(code)
    return credential.kind if credential else None
