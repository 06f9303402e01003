"""Who carries what, what expires soon, and finding people by the name typed (pure domain)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone

from services.domain.catalog import parse_catalog
from services.domain.expiries import expiring_achievements
from services.domain.organization import evaluate_organization
from services.domain.people_names import match_people, narrowed_by_message
from services.domain.roster import NoSlackLevel, build_roster
from services.domain.snapshot import Membership, Person
from tests.answers_dataset import CATALOG, NOW, ORG, dataset
from tests.imported import imported_snapshot

CATALOG_PARSED = parse_catalog(CATALOG)


def evaluation(snapshot=None, now: datetime = NOW):
    return evaluate_organization(snapshot or imported_snapshot(dataset(), ORG, NOW), CATALOG_PARSED, now)


def test_a_level_met_by_exactly_its_required_people_in_every_met_option_has_no_slack():
    roster = build_roster(evaluation())

    assert roster.no_slack == (NoSlackLevel("security", "silver", ("u-samg",), 1),)  # Cloud Platform Silver has a spare option


def test_the_roster_lists_present_holders_with_what_they_carry_and_the_pending_one():
    roster = build_roster(evaluation(), credential="AZ-305")

    assert [(e.display_name, e.carries, [h.counts for h in e.credentials]) for e in roster.entries] == [
        ("Ben Weber", (("cloud-platform", "silver"),), [True]),
        ("Nina Novak", (), [False]),
        ("Sam Taylor", (("cloud-platform", "silver"),), [True]),
    ]


def test_who_counts_for_a_competency_leaves_out_credentials_it_does_not_name():
    roster = build_roster(evaluation(), competency_id="security")

    assert [(e.person_id, [h.code for h in e.credentials]) for e in roster.entries] == [("u-samg", ["SC-200"])]


def test_expiring_keeps_counted_achievements_before_the_anniversary_and_within_the_warning_days():
    expiries = expiring_achievements(evaluation())

    assert [(e.person_id, e.code, e.ends_at.date(), e.carries) for e in expiries.items] == [
        ("u-sam", "AZ-104", date(2027, 1, 10), (("cloud-platform", "silver"),)),
        ("u-samg", "SC-200", date(2027, 1, 20), (("security", "silver"),)),
    ]
    assert (expiries.warning_days, expiries.expires_on) == (90, date(2027, 1, 31))


def test_without_a_membership_the_warning_days_alone_bound_what_expires_soon():
    snapshot = dataclasses.replace(imported_snapshot(dataset(), ORG, NOW), membership=None, held=())

    assert [e.code for e in expiring_achievements(evaluation(snapshot)).items] == ["AZ-104", "SC-200", "AZ-305"]
    later = datetime(2027, 1, 15, tzinfo=timezone.utc)  # Sam's AZ-104 has expired: it no longer counts
    assert [e.code for e in expiring_achievements(evaluation(snapshot, later)).items] == ["SC-200", "AZ-305"]


def test_a_later_membership_does_not_widen_the_warning_days():
    snapshot = dataclasses.replace(imported_snapshot(dataset(), ORG, NOW), membership=Membership("silver", date(2028, 6, 30)))

    assert [e.code for e in expiring_achievements(evaluation(snapshot)).items] == ["AZ-104", "SC-200", "AZ-305"]


PEOPLE = (Person("u-1", "Sam Taylor"), Person("u-2", "Sam Green"), Person("u-3", "Samira Öztürk"), Person("u-4", "David Müller"))


def test_a_first_name_shared_by_two_finds_both_and_a_full_name_one():
    assert [p.id for p in match_people(PEOPLE, "Sam")] == ["u-2", "u-1"]
    assert [p.id for p in match_people(PEOPLE, "sam taylor")] == ["u-1"]


def test_a_prefix_of_three_letters_finds_people_when_no_whole_word_does():
    assert [p.id for p in match_people(PEOPLE, "Sami")] == ["u-3"]
    assert match_people(PEOPLE, "Sa") == ()


def test_umlauts_written_or_transliterated_find_the_same_person():
    assert [p.id for p in match_people(PEOPLE, "Mueller")] == ["u-4"]
    assert [p.id for p in match_people(PEOPLE, "müller")] == ["u-4"]
    assert [p.id for p in match_people(PEOPLE, "Ozturk")] == ["u-3"]
    assert match_people(PEOPLE, "Zoe") == ()


def test_a_full_name_spelled_out_in_the_message_settles_between_people_of_one_first_name():
    both = match_people(PEOPLE, "Sam")

    assert [p.id for p in narrowed_by_message(both, "what if Sam Green leaves?")] == ["u-2"]
    assert [p.id for p in narrowed_by_message(both, "what if Sam leaves?")] == ["u-2", "u-1"]

