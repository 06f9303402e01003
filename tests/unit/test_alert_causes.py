"""Alert causes (R10): each kind, with a key that stays the same from scan to scan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from services.domain.alert_causes import find_alert_causes
from services.domain.organization import evaluate_organization
from tests.builders import NOW, OrgBuilder, ago, catalog, competency, later, metric, option, people

AZURE = competency("cloud", option("azure", silver=[people(1, any_of=["AZ-104", "AZ-305"])], gold=[people(2, any_of=["AZ-104", "AZ-305"])]))
EXPIRES = date(2026, 8, 31)  # 77 days after NOW: inside the 90-day warning window


def causes(snapshot, cat=None, at=NOW):
    return find_alert_causes(evaluate_organization(snapshot, cat or catalog(AZURE), at))


def held_silver() -> OrgBuilder:
    return OrgBuilder("org").membership("silver", EXPIRES, ("cloud", "silver"))


def test_a_leaver_who_held_the_only_certification_is_a_cause_naming_them():
    snapshot = held_silver().person("ann", left_on=date(2026, 6, 1)).holds("ann", "AZ-104").build()

    found = causes(snapshot)

    assert [(c.kind, c.details["cause"], c.details["person"]) for c in found] == [("renewal_at_risk", "leaver", "ann")]
    assert found[0].details["membership_at_risk"] is True
    assert found[0].key == "renewal|org|leaver|cloud|silver|azure|ann|"


def test_a_certification_expiring_before_the_anniversary_is_a_cause_inside_the_warning_window_only():
    expiring = held_silver().person("ann").holds("ann", "AZ-104", expires_at=later(days=60)).build()
    far = replace(expiring, membership=replace(expiring.membership, expires_on=date(2027, 6, 30)))
    far = replace(far, achievements=(replace(far.achievements[0], expires_at=later(days=200)),))

    found = causes(expiring)

    assert [(c.details["cause"], c.details["code"], c.details["when"][:10]) for c in found] == [("expiring", "AZ-104", "2026-08-14")]
    assert causes(far) == ()  # expires 200 days ahead: a later scan will announce it
    assert [c.details["cause"] for c in causes(far, at=later(days=120))] == ["expiring"]


def test_an_msa_moved_to_another_organisation_is_a_cause_naming_the_account():
    snapshot = held_silver().person("ann").holds("ann", "AZ-104").build()
    snapshot = replace(snapshot, links=tuple(replace(l, dissolved_at=ago(days=1)) for l in snapshot.links))

    found = [c for c in causes(snapshot) if c.details["cause"] == "msa_moved"]

    assert [(c.details["person"], c.details["msa"]) for c in found] == [("ann", "ann@msa")]


def test_a_metric_below_its_threshold_is_a_cause():
    cat = catalog(competency("cloud", option("azure", silver=[metric("usd", 15000)])))
    snapshot = held_silver().monthly("usd", 1000, 12).build()

    found = causes(snapshot, cat)

    assert [(c.details["cause"], c.details["metric"], c.details["current"], c.details["required"]) for c in found] == [("metric_below", "usd", 12000, 15000)]


def test_gold_met_while_the_membership_is_silver_is_an_upgrade_cause():
    snapshot = OrgBuilder("org").membership("silver", date(2027, 3, 1)).person("ann").person("bob").holds("ann", "AZ-104").holds("bob", "AZ-305").build()

    assert [(c.kind, c.key) for c in causes(snapshot)] == [("upgrade_available", "upgrade|org|gold")]


def test_an_override_ending_within_14_days_is_a_cause():
    snapshot = OrgBuilder("org").membership("gold", date(2027, 3, 1)).override("cloud", "azure", "gold", date(2026, 4, 1), date(2026, 6, 25)).build()

    assert [c.kind for c in causes(snapshot)] == ["override_ends"]
    assert causes(snapshot, at=NOW - timedelta(days=10)) == ()


def test_the_same_situation_gives_the_same_keys_and_a_safe_one_none():
    risky = held_silver().person("ann", left_on=date(2026, 6, 1)).holds("ann", "AZ-104").build()
    safe = held_silver().person("ann").holds("ann", "AZ-104").build()

    assert [c.key for c in causes(risky)] == [c.key for c in causes(risky, at=later(hours=5))]
    assert causes(safe) == ()
