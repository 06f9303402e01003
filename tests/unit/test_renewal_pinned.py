"""R9 and R16 pinned to exact figures (services/domain/renewal.py): what a held level loses by the
anniversary, cause by cause — an override ending, a metric below its threshold under it, a leaver and
an expiry in one requirement, the anniversary's own instant, codes the requirement does not ask for —
and the shortfall of a level not met today. Each test is named after the rule it pins (docs/rules.md)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timezone

from services.domain.organization import evaluate_organization
from services.domain.renewal import RiskCause
from tests.builders import NOW, OrgBuilder, catalog, competency, later, metric, option, people
from tests.unit.test_alert_causes import AZURE, EXPIRES, evaluation_of

FAR = date(2027, 6, 30)  # the anniversary
ANNIVERSARY = datetime(2027, 6, 30, tzinfo=timezone.utc)


def causes_at_risk(evaluation) -> list[tuple[str, str, tuple[RiskCause, ...]]]:
    return [(h.competency_id, h.level, h.causes) for h in evaluation.renewal.held if h.at_risk]


def test_r11_r9_an_override_ending_before_the_anniversary_names_its_end_the_metric_below_and_the_expiry_under_it():
    """Office 365 usage holds Silver under an override to Jun 25; the metric is below and Eve's 70-347
    expires in July: on the anniversary each of the three is missing."""
    builder = (
        OrgBuilder("con").membership("silver", EXPIRES, ("productivity", "silver"))
        .override("productivity", "usage", "silver", date(2026, 4, 1), date(2026, 6, 25))
        .figure("o365_active_users", "2026-06", 1500)
        .person("eve").holds("eve", "70-347", expires_at=later(days=30))
    )

    where = {"competency_id": "productivity", "level": "silver", "option_id": "usage"}
    assert causes_at_risk(evaluation_of(builder)) == [("productivity", "silver", (
        RiskCause("override_ends", when=datetime(2026, 6, 25, tzinfo=timezone.utc), **where),  # type: ignore[arg-type]
        RiskCause("metric_below", metric="o365_active_users", current=1500, required=2000.0, **where),  # type: ignore[arg-type]
        RiskCause("expiring", person_id="eve", code="70-347", msa="eve@msa", when=later(days=30), **where),  # type: ignore[arg-type]
    ))]


def test_r11_an_override_whose_option_is_met_anyway_on_the_anniversary_is_no_cause():
    builder = (
        OrgBuilder("con").membership("silver", EXPIRES, ("productivity", "silver"))
        .override("productivity", "usage", "silver", date(2026, 4, 1), date(2026, 6, 25))
        .figure("o365_active_users", "2026-06", 2500).person("eve").holds("eve", "70-347")
    )

    assert causes_at_risk(evaluation_of(builder)) == []


def test_r9_a_leaver_and_an_expiry_in_one_requirement_are_both_causes():
    """Gold needs two AZ-104/AZ-305 people: Ann leaves on Jul 1, Bob's AZ-305 expires on Jul 15."""
    snapshot = (
        OrgBuilder("org").membership("gold", FAR, ("cloud", "gold"))
        .person("ann", left_on=date(2026, 7, 1)).holds("ann", "AZ-104")
        .person("bob").holds("bob", "AZ-305", expires_at=later(days=30)).build()
    )

    found = causes_at_risk(evaluate_organization(snapshot, catalog(AZURE), NOW))

    def lost(level: str) -> list[RiskCause]:
        where = {"competency_id": "cloud", "level": level, "option_id": "azure"}
        return [
            RiskCause("leaver", person_id="ann", when=datetime(2026, 7, 1, tzinfo=timezone.utc), **where),  # type: ignore[arg-type]
            RiskCause("expiring", person_id="bob", code="AZ-305", msa="bob@msa", when=later(days=30), **where),  # type: ignore[arg-type]
        ]

    assert [(competency_id, level, list(causes)) for competency_id, level, causes in found] == [("cloud", "silver", lost("silver")), ("cloud", "gold", lost("gold"))]


def test_r9_an_expiry_names_only_the_credential_the_requirement_asks_for():
    snapshot = (
        OrgBuilder("org").membership("silver", FAR, ("cloud", "silver"))
        .person("bob").holds("bob", "AZ-305", expires_at=later(days=30)).holds("bob", "XX-999", expires_at=later(days=20)).build()
    )

    [(_, _, found)] = causes_at_risk(evaluate_organization(snapshot, catalog(AZURE), NOW))

    assert [(c.kind, c.code) for c in found] == [("expiring", "AZ-305")]


def test_r9_a_credential_that_expires_at_the_anniversarys_first_instant_is_lost_by_then():
    def found(expires_at: datetime) -> list:
        snapshot = OrgBuilder("org").membership("silver", FAR, ("cloud", "silver")).person("bob").holds("bob", "AZ-305", expires_at=expires_at).build()
        return [(c.kind, c.code, c.when) for _, _, cs in causes_at_risk(evaluate_organization(snapshot, catalog(AZURE), NOW)) for c in cs]

    assert found(ANNIVERSARY) == [("expiring", "AZ-305", ANNIVERSARY)]
    assert found(ANNIVERSARY.replace(second=1)) == []  # still valid on the anniversary: no risk


USAGE_ONLY = catalog(competency("productivity", option("usage", silver=[metric("o365_active_users", 2000, "latest"), people(1, any_of=["70-347"])])))


def test_r16_a_level_not_met_today_names_the_metric_below_and_the_leaver_behind_the_other_requirement():
    snapshot = (
        OrgBuilder("con").membership("silver", EXPIRES, ("productivity", "silver"))
        .figure("o365_active_users", "2026-06", 1500).person("ann", left_on=date(2026, 6, 1)).holds("ann", "70-347").build()
    )

    [(_, _, found)] = causes_at_risk(evaluate_organization(snapshot, USAGE_ONLY, NOW))

    where = {"competency_id": "productivity", "level": "silver", "option_id": "usage"}
    assert list(found) == [
        RiskCause("metric_below", metric="o365_active_users", current=1500, required=2000.0, **where),  # type: ignore[arg-type]
        RiskCause("leaver", person_id="ann", when=datetime(2026, 6, 1, tzinfo=timezone.utc), **where),  # type: ignore[arg-type]
    ]


# --- R9: the outlook itself ------------------------------------------------------------------------

def test_r9_with_no_membership_or_on_and_after_the_anniversary_nothing_is_at_risk():
    from services.domain.renewal import RenewalOutlook

    def outlook(snapshot, at: datetime) -> RenewalOutlook:
        return evaluate_organization(snapshot, catalog(AZURE), at).renewal

    nobody = OrgBuilder("org").person("ann", left_on=date(2026, 6, 1)).holds("ann", "AZ-104").build()
    lapsing = OrgBuilder("org").membership("silver", EXPIRES, ("cloud", "silver")).person("ann", left_on=date(2026, 6, 1)).holds("ann", "AZ-104").build()
    anniversary = datetime(2026, 8, 31, tzinfo=timezone.utc)

    assert outlook(nobody, NOW) == RenewalOutlook("none", None, False, ())
    assert outlook(OrgBuilder("org").membership("none", EXPIRES).build(), NOW) == RenewalOutlook("none", EXPIRES, False, ())  # no level to keep
    assert outlook(lapsing, anniversary) == RenewalOutlook("silver", EXPIRES, False, ())  # its first instant: the year is over
    assert outlook(lapsing, anniversary.replace(microsecond=1)) == RenewalOutlook("silver", EXPIRES, False, ())
    before = outlook(lapsing, anniversary.replace(day=30, hour=23, minute=59))
    assert (before.membership_level, before.expires_on, before.at_risk, [(h.competency_id, h.level, h.at_risk) for h in before.held]) == ("silver", EXPIRES, True, [("cloud", "silver", True)])


def test_r9_metrics_are_judged_as_of_todays_latest_month_not_the_anniversarys():
    """15,600 over the last 12 months today; counted as of Aug 31 the window would hold only 10 of them (13,000)."""
    spend = catalog(competency("cloud", option("azure", silver=[metric("usd", 15000)])))
    snapshot = OrgBuilder("org").membership("silver", EXPIRES, ("cloud", "silver")).monthly("usd", 1300, 12).build()

    renewal = evaluate_organization(snapshot, spend, NOW).renewal

    assert (renewal.at_risk, [(h.competency_id, h.level, h.at_risk) for h in renewal.held]) == (False, [("cloud", "silver", False)])


def test_r16_an_msa_that_moved_names_only_the_credentials_the_requirement_asks_for():
    snapshot = OrgBuilder("org").membership("silver", EXPIRES, ("cloud", "silver")).person("bob").holds("bob", "AZ-104", "XX-999").build()
    moved = replace(snapshot, links=tuple(replace(l, dissolved_at=NOW) for l in snapshot.links))  # moved at this very moment

    [(_, _, found)] = causes_at_risk(evaluate_organization(moved, catalog(AZURE), NOW))

    assert [(c.kind, c.person_id, c.code, c.msa, c.when) for c in found] == [("msa_moved", "bob", "AZ-104", "bob@msa", NOW)]


def test_r9_a_leaver_behind_a_requirement_still_met_on_the_anniversary_is_no_cause():
    """Cloud Silver needs an AZ-104 and an AZ-305 person. Bob's AZ-104 expires in July: that is the
    cause. Dave, who left, held an AZ-305 too, but Carl's AZ-305 keeps that requirement met."""
    two = catalog(competency("cloud", option("azure", silver=[people(1, any_of=["AZ-104"]), people(1, any_of=["AZ-305"])])))
    snapshot = (
        OrgBuilder("org").membership("silver", FAR, ("cloud", "silver"))
        .person("bob").holds("bob", "AZ-104", expires_at=later(days=30))
        .person("carl").holds("carl", "AZ-305")
        .person("dave", left_on=date(2026, 6, 1)).holds("dave", "AZ-305").build()
    )

    [(_, _, found)] = causes_at_risk(evaluate_organization(snapshot, two, NOW))

    assert [(c.kind, c.person_id, c.code) for c in found] == [("expiring", "bob", "AZ-104")]
