"""R3/R4 inside the link use case, on the fake unit of work: the caps, and where an MSA counts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from services.associations import superseded
from services.errors import LinkRefused, UnknownUser
from services.linking import association_of, link_msa
from services.persistence.links import StoredLink
from services.records import UserRecord
from tests.builders import catalog
from tests.fakes.unit_of_work import FakeUnitOfWorkFactory

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=timezone.utc)


def uows_with(max_links_per_year: int | None = None, link_cooldown_days: int | None = None) -> FakeUnitOfWorkFactory:
    settings = {"visibility_delay_hours": 24, "max_links_per_year": max_links_per_year, "link_cooldown_days": link_cooldown_days}
    uows = FakeUnitOfWorkFactory(catalog(settings={k: v for k, v in settings.items() if v is not None}))
    for user_id, organization in (("ann", "A"), ("bea", "B"), ("cem", "C")):
        uows.add_user(UserRecord(user_id, organization, user_id.title(), frozenset({"member"}), None, None, None), f"Org {organization}")
    return uows


async def test_the_cool_down_refuses_a_new_association_until_its_last_day_has_passed():
    uows = uows_with(link_cooldown_days=30)
    await link_msa(uows, "ann", "m@example.com", NOW)

    with pytest.raises(LinkRefused) as refused:
        await link_msa(uows, "bea", "m@example.com", NOW + timedelta(days=29, hours=23))

    assert (refused.value.reason, refused.value.retry_at) == ("cooldown", NOW + timedelta(days=30))
    moved = await link_msa(uows, "bea", "m@example.com", NOW + timedelta(days=30))
    assert moved.left_organizations == ("A",)


async def test_the_yearly_cap_names_the_day_the_oldest_counted_link_is_a_year_old():
    uows = uows_with(max_links_per_year=2)
    await link_msa(uows, "ann", "m@example.com", NOW)
    await link_msa(uows, "bea", "m@example.com", NOW + timedelta(days=100))

    with pytest.raises(LinkRefused) as refused:
        await link_msa(uows, "cem", "m@example.com", NOW + timedelta(days=200))

    assert (refused.value.reason, refused.value.retry_at) == ("yearly_limit", NOW + timedelta(days=365))
    assert (await link_msa(uows, "cem", "m@example.com", NOW + timedelta(days=365, seconds=1))).left_organizations == ("B",)


async def test_a_refused_link_changes_nothing_and_commits_nothing():
    uows = uows_with(link_cooldown_days=30)
    await link_msa(uows, "ann", "m@example.com", NOW)
    commits = uows.commits

    with pytest.raises(LinkRefused):
        await link_msa(uows, "bea", "m@example.com", NOW + timedelta(days=1))

    assert uows.commits == commits
    assert await uows.links.current_association("m@example.com") == ("ann", "A")
    assert len(uows.links.events) == 1


async def test_linking_again_for_the_same_user_and_purpose_is_no_new_association():
    uows = uows_with(max_links_per_year=1, link_cooldown_days=30)
    first = await link_msa(uows, "ann", "M@Example.com", NOW)

    again = await link_msa(uows, "ann", "m@example.com", NOW + timedelta(days=1))

    assert (again.already_linked, again.linked_at, again.counts_from) == (True, NOW, NOW + timedelta(hours=24))
    assert (first.already_linked, len(uows.links.events)) == (False, 1)


async def test_a_new_purpose_for_a_linked_msa_widens_it_to_both():
    uows = uows_with()
    await link_msa(uows, "ann", "m@example.com", NOW, purpose="certifications")

    await link_msa(uows, "ann", "m@example.com", NOW + timedelta(days=1), purpose="partner_university")

    assert (await uows.links.link("ann", "m@example.com")).purpose == "both"


async def test_linking_elsewhere_moves_the_msa_and_bumps_both_organisations_in_one_unit_of_work():
    uows = uows_with()
    await link_msa(uows, "ann", "m@example.com", NOW)
    opened, commits = uows.opened, uows.commits

    outcome = await link_msa(uows, "bea", "m@example.com", NOW + timedelta(hours=1))

    assert (uows.opened - opened, uows.commits - commits) == (1, 1)
    assert outcome.left_organizations == ("A",)
    assert uows.repository.versions == {"A": 2, "B": 1}
    association = await association_of(uows, "ann", "m@example.com")
    assert (association.organization_id, association.organization_name, association.elsewhere) == ("B", "Org B", True)


async def test_an_unknown_user_cannot_link():
    with pytest.raises(UnknownUser):
        await link_msa(uows_with(), "nobody", "m@example.com", NOW)


def test_of_two_links_made_at_the_same_moment_the_greater_user_id_counts_and_a_dissolved_newest_counts_again():
    at = NOW - timedelta(days=3)
    stored = [
        StoredLink("ann", "m", "both", at, None, "A"),
        StoredLink("bea", "m", "both", at, at, "B"),  # the newest by the tie-break, dissolved before
        StoredLink("ann2", "m", "both", at - timedelta(days=1), None, "A"),  # older still
    ]

    changes, left = superseded(stored)

    assert changes == [("ann", "m", at), ("bea", "m", None), ("ann2", "m", at)]
    assert left == {"A"}
