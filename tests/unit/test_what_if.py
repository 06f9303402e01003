"""R15: one hypothetical change, evaluated against the real evaluation; only what differs, nothing stored."""

from __future__ import annotations

import pytest

from services.domain.catalog import parse_catalog
from services.domain.what_if import Change, ChangeNotApplicable, LevelChange, LevelState, MembershipState, OptionRef, apply_change, what_if
from tests.answers_dataset import CATALOG, NOW, ORG, dataset
from tests.imported import imported_snapshot

CATALOG_PARSED = parse_catalog(CATALOG)


def run(change: Change):
    return what_if(imported_snapshot(dataset(), ORG, NOW), CATALOG_PARSED, change, NOW)


def test_someone_earning_the_second_sc_200_opens_security_gold_and_makes_silver_safe_again():
    result = run(Change("earns", "u-oliver", "SC-200"))

    assert result.levels == (
        LevelChange("security", "silver", LevelState(met=True, at_risk=True), LevelState(met=True, at_risk=False)),
        LevelChange("security", "gold", LevelState(met=False, at_risk=False), LevelState(met=True, at_risk=False)),
    )
    assert (result.membership_before, result.membership_after) == (MembershipState("silver", False), MembershipState("gold", False))
    assert result.opened == (OptionRef("security", "security-people", "gold"),) and result.closed == ()


def test_the_only_security_person_leaving_loses_security_silver_today():
    result = run(Change("leaves", "u-samg"))

    assert result.levels == (LevelChange("security", "silver", LevelState(True, True), LevelState(False, True)),)
    assert result.membership_before == result.membership_after == MembershipState("silver", False)
    assert result.opened == () and result.closed == (OptionRef("security", "security-people", "silver"),)


def test_losing_a_credential_is_judged_like_never_having_had_it():
    assert run(Change("loses", "u-samg", "SC-200")).levels == run(Change("leaves", "u-samg")).levels


def test_a_leaver_with_a_spare_option_closes_only_that_option():
    result = run(Change("leaves", "u-ben"))

    assert result.levels == ()
    assert result.closed == (OptionRef("cloud-platform", "experts", "silver"),)
    assert not result.membership_changes and result.changes_anything


def test_a_credential_earned_counts_at_once_even_when_the_link_is_an_hour_old():
    snapshot = imported_snapshot(dataset(), ORG, NOW)
    changed = apply_change(snapshot, CATALOG_PARSED, Change("earns", "u-nina", "SC-200"), NOW)

    result = what_if(snapshot, CATALOG_PARSED, Change("earns", "u-nina", "SC-200"), NOW)

    assert len(changed.achievements) == len(snapshot.achievements) + 1 and len(changed.links) == len(snapshot.links) + 1
    assert result.membership_after == MembershipState("gold", False)
    assert snapshot == imported_snapshot(dataset(), ORG, NOW, fresh=True)  # nothing of the real data changed


def test_changes_that_change_nothing_say_so():
    result = run(Change("earns", "u-sam", "AZ-305"))  # Sam already holds it

    assert not result.changes_anything


def test_an_unknown_person_or_a_credential_not_held_cannot_apply():
    snapshot = imported_snapshot(dataset(), ORG, NOW)
    with pytest.raises(ChangeNotApplicable, match="unknown user 'u-nobody'"):
        apply_change(snapshot, CATALOG_PARSED, Change("leaves", "u-nobody"), NOW)
    with pytest.raises(ChangeNotApplicable, match="user 'u-ben' holds no SC-200"):
        apply_change(snapshot, CATALOG_PARSED, Change("loses", "u-ben", "SC-200"), NOW)
