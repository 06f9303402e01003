"""R10 and R16 pinned to exact figures (services/domain/alert_causes.py): the record an alert is stored
as, the 90-day warning window at its edge, retiring credentials, the 14-day override window at its
edge, one change behind two requirements of one level, the membership's own level, and the fix read
back from its stored form. Each test is named after the rule it pins (docs/rules.md)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from services.domain.alert_causes import find_alert_causes, fix_details, fix_from_details
from services.domain.catalog import AmongThem, IndividualsRequirement, MetricRequirement, Threshold
from services.domain.organization import evaluate_organization
from services.domain.upgrades import UpgradeOption
from tests.builders import NOW, OrgBuilder, ago, catalog, competency, later, metric, option, people
from tests.unit.test_alert_causes import AZURE, EXPIRES, RICH, evaluation_of, fabrikam, people_of


def stored(details: dict) -> dict:
    """As the outbox keeps it: JSON."""
    return json.loads(json.dumps(details, sort_keys=True, default=str))


SET_SHORT_BY_ONE = {  # Cloud Productivity Gold via the exams: 2 people with 70-346 + 70-347 or the MCSA; one left
    "kind": "individuals", "count": 2, "all_of": [], "any_of": [], "one_of_sets": [["70-346", "70-347"], ["mcsa-office-365"]],
    "among": None, "among_required": 0, "among_current": 0,
    "closest": [{"person": "grace", "holds": ["70-346"], "needs_all_of": [], "needs_one_of": [["70-347"], ["mcsa-office-365"]]}],
    "required": 2, "current": 1, "pending": 0,
}


def test_r16_a_leavers_alert_is_stored_with_the_change_every_level_its_fix_and_the_names_it_mentions():
    evaluation = evaluation_of(fabrikam(ann=date(2026, 6, 1)))

    [alert] = find_alert_causes(evaluation)

    assert (alert.organization_id, alert.kind, alert.key) == ("fab", "renewal_at_risk", "renewal|fab|leaver|ann")
    assert stored(alert.details) == {
        "cause": "leaver", "person": "ann", "person_name": "Ann Lee", "code": None, "codes": [], "msa": None, "metric": None,
        "when": "2026-06-01T00:00:00+00:00", "current": None, "required": None,
        "levels": [
            {"competency": "cloud", "level": "silver", "option": "azure", "current": None, "required": None, "fix": {
                "competency": "cloud", "option": "azure", "level": "silver", "missing": [{
                    "kind": "individuals", "count": 1, "all_of": [], "any_of": ["AZ-104"], "one_of_sets": [], "among": None,
                    "among_required": 0, "among_current": 0, "closest": [], "required": 1, "current": 0, "pending": 0,
                }],
            }},
            {"competency": "productivity", "level": "gold", "option": "exams", "current": None, "required": None, "fix": {
                "competency": "productivity", "option": "exams", "level": "gold", "missing": [SET_SHORT_BY_ONE],
            }},
            {"competency": "devops", "level": "silver", "option": "alm", "current": None, "required": None, "fix": {
                "competency": "devops", "option": "alm", "level": "silver", "missing": [{
                    "kind": "individuals", "count": 2, "all_of": ["70-496", "70-498"], "any_of": [], "one_of_sets": [],
                    "among": {"count": 1, "any_of": ["csm", "psm-i"]}, "among_required": 1, "among_current": 0,
                    "closest": [
                        {"person": "cat", "holds": [], "needs_all_of": [], "needs_one_of": [["csm"], ["psm-i"]]},
                        {"person": "dan", "holds": ["70-496"], "needs_all_of": ["70-498"], "needs_one_of": []},
                    ],
                    "required": 2, "current": 1, "pending": 0,
                }],
            }},
        ],
        "membership": "gold", "membership_at_risk": True, "renewal_at_risk": True, "expires_on": "2026-08-31",
        "names": {"ann": "Ann Lee", "cat": "Cat Ortiz", "dan": "Dan Wu", "grace": "Grace Mensah"},
    }


def test_r16_an_msa_moved_alert_is_stored_with_the_account_and_its_credential():
    builder = fabrikam()
    builder.snapshot = replace(builder.snapshot, links=tuple(replace(l, dissolved_at=ago(days=1)) if l.user_id == "bob" else l for l in builder.snapshot.links))

    [alert] = [c for c in find_alert_causes(evaluation_of(builder)) if c.kind == "renewal_at_risk"]

    assert stored(alert.details) == {
        "cause": "msa_moved", "person": "bob", "person_name": "Bob Stone", "code": "mcsa-office-365", "codes": ["mcsa-office-365"], "msa": "bob@msa",
        "metric": None, "when": "2026-06-14T12:00:00+00:00", "current": None, "required": None,
        "levels": [{"competency": "productivity", "level": "gold", "option": "exams", "current": None, "required": None,
                    "fix": {"competency": "productivity", "option": "exams", "level": "gold", "missing": [SET_SHORT_BY_ONE]}}],
        "membership": "gold", "membership_at_risk": True, "renewal_at_risk": True, "expires_on": "2026-08-31",
        "names": {"bob": "Bob Stone", "grace": "Grace Mensah"},
    }


def test_r16_a_metric_alert_is_stored_with_the_figure_and_the_threshold_on_the_cause_and_on_the_level():
    builder = OrgBuilder("con").membership("silver", EXPIRES, ("productivity", "silver")).person("eve").holds("eve", "70-347").figure("o365_active_users", "2026-06", 1500)

    [alert] = find_alert_causes(evaluation_of(builder))

    assert (alert.organization_id, alert.key) == ("con", "renewal|con|metric_below|o365_active_users")
    assert stored(alert.details) == {
        "cause": "metric_below", "person": None, "person_name": None, "code": None, "codes": [], "msa": None, "metric": "o365_active_users",
        "when": None, "current": 1500, "required": 2000.0,
        "levels": [{"competency": "productivity", "level": "silver", "option": "usage", "current": 1500, "required": 2000.0, "fix": {
            "competency": "productivity", "option": "usage", "level": "silver",
            "missing": [{"kind": "metric", "metric": "o365_active_users", "aggregate": "latest", "window_months": 12, "required": 2000.0, "current": 1500, "pending": 0}],
        }}],
        "membership": "silver", "membership_at_risk": True, "renewal_at_risk": True, "expires_on": "2026-08-31", "names": {},
    }


# --- R10: the 90-day warning window, at its edge; retiring credentials alike -----------------------

FAR = date(2027, 6, 30)  # the membership's anniversary, beyond the 90-day window


def expiring_at(moment: datetime) -> OrgBuilder:
    return OrgBuilder("org").membership("silver", FAR, ("cloud", "silver")).person("ann").holds("ann", "AZ-104", expires_at=moment)


def test_r10_an_expiry_exactly_90_days_ahead_is_announced_and_one_a_second_later_is_not_yet():
    edge = NOW + timedelta(days=90)

    at_the_edge = find_alert_causes(evaluate_organization(expiring_at(edge).build(), catalog(AZURE), NOW))
    past_the_edge = find_alert_causes(evaluate_organization(expiring_at(edge + timedelta(seconds=1)).build(), catalog(AZURE), NOW))

    assert [(c.key, c.details["when"]) for c in at_the_edge] == [("renewal|org|expiring|ann|AZ-104", edge.isoformat())]
    assert past_the_edge == ()


RETIRING = [{"code": "70-533", "title": "Implementing Azure Infrastructure", "kind": "exam"}]


def retiring_catalog(retired_on: str):
    credentials = [{**RETIRING[0], "retired_on": retired_on}]
    return catalog(competency("cloud", option("azure", silver=[people(1, any_of=["70-533"])])), credentials=credentials, settings={"retired_grace_months": 6})


def test_r10_a_retiring_credential_is_its_own_change_announced_inside_the_warning_window_only():
    snapshot = OrgBuilder("org").membership("silver", FAR, ("cloud", "silver")).person("ann").holds("ann", "70-533").build()

    soon = find_alert_causes(evaluate_organization(snapshot, retiring_catalog("2026-01-31"), NOW))  # counts until Jul 31, 2026
    far = retiring_catalog("2026-06-30")  # counts until Dec 31, 2026: 199 days ahead

    assert [(c.key, c.details["cause"], c.details["when"]) for c in soon] == [("renewal|org|retiring|ann|70-533", "retiring", "2026-07-31T00:00:00+00:00")]
    assert find_alert_causes(evaluate_organization(snapshot, far, NOW)) == ()
    assert [c.key for c in find_alert_causes(evaluate_organization(snapshot, far, later(days=110)))] == ["renewal|org|retiring|ann|70-533"]


def test_r10_a_cause_not_yet_announced_does_not_hide_a_later_cause_of_the_same_level():
    """Ann's AZ-104 expires in 200 days (not yet announced); Bob has left: Bob's leaving is the alert."""
    snapshot = (
        OrgBuilder("org").membership("gold", FAR, ("cloud", "gold"))
        .person("ann").holds("ann", "AZ-104", expires_at=later(days=200))
        .person("bob", left_on=date(2026, 6, 1)).holds("bob", "AZ-305").build()
    )

    found = find_alert_causes(evaluate_organization(snapshot, catalog(AZURE), NOW))

    assert [(c.key, [(lv["competency"], lv["level"]) for lv in c.details["levels"]]) for c in found] == [("renewal|org|leaver|bob", [("cloud", "silver"), ("cloud", "gold")])]


# --- R16: one change, one alert, however it touches a level ----------------------------------------

TWO_REQUIREMENTS = competency("cloud", option("azure", silver=[people(1, any_of=["AZ-104"]), people(1, any_of=["AZ-305"])]))


def test_r16_one_msa_behind_two_requirements_of_one_level_is_one_alert_naming_the_level_once_and_both_credentials():
    snapshot = OrgBuilder("org").membership("silver", EXPIRES, ("cloud", "silver")).person("bob").holds("bob", "AZ-104", "AZ-305").build()
    snapshot = replace(snapshot, links=tuple(replace(l, dissolved_at=ago(days=1)) for l in snapshot.links))

    [alert] = find_alert_causes(evaluate_organization(snapshot, catalog(TWO_REQUIREMENTS), NOW))

    assert alert.key == "renewal|org|msa_moved|bob|bob@msa"
    assert (alert.details["code"], alert.details["codes"]) == ("AZ-104", ["AZ-104", "AZ-305"])
    assert [(lv["competency"], lv["level"], lv["option"]) for lv in alert.details["levels"]] == [("cloud", "silver", "azure")]
    assert [m["any_of"] for m in alert.details["levels"][0]["fix"]["missing"]] == [["AZ-104"], ["AZ-305"]]


DATA = competency("data", option("sql", silver=[people(1, any_of=["DP-300"])], gold=[people(1, any_of=["DP-300"])]))


def test_r16_a_gold_level_at_risk_while_another_gold_competency_keeps_the_membership_leaves_the_membership_safe():
    snapshot = (
        OrgBuilder("org").membership("gold", EXPIRES, ("cloud", "gold"), ("data", "gold"))
        .person("ann", left_on=date(2026, 6, 1)).holds("ann", "AZ-104").person("bob").holds("bob", "AZ-305").person("dan").holds("dan", "DP-300").build()
    )

    [alert] = find_alert_causes(evaluate_organization(snapshot, catalog(AZURE, DATA), NOW))

    assert [(lv["competency"], lv["level"]) for lv in alert.details["levels"]] == [("cloud", "gold")]
    assert (alert.details["membership"], alert.details["membership_at_risk"], alert.details["renewal_at_risk"]) == ("gold", False, False)


def test_r16_a_change_that_touches_only_a_silver_level_of_a_gold_member_whose_renewal_is_at_risk_leaves_the_membership_out():
    """Ann's leaving puts the Gold renewal at risk; Eve's expiring AZ-104 touches Cloud Platform Silver only."""
    builder = fabrikam(ann=date(2026, 6, 1)).person("eve").holds("eve", "AZ-104", expires_at=later(days=30))

    found = {c.key: c.details for c in find_alert_causes(evaluation_of(people_of(builder, {"eve": "Eve Park"})))}

    eve = found["renewal|fab|expiring|eve|AZ-104"]
    assert [(lv["competency"], lv["level"]) for lv in eve["levels"]] == [("cloud", "silver")]
    assert (eve["membership"], eve["membership_at_risk"], eve["renewal_at_risk"]) == ("gold", False, True)
    assert (found["renewal|fab|leaver|ann"]["membership_at_risk"], found["renewal|fab|leaver|ann"]["renewal_at_risk"]) == (True, True)


def test_r8_an_organisation_with_no_membership_meeting_gold_is_offered_the_upgrade_from_none():
    snapshot = OrgBuilder("org").person("ann").person("bob").holds("ann", "AZ-104").holds("bob", "AZ-305").build()

    found = find_alert_causes(evaluate_organization(snapshot, catalog(AZURE), NOW))

    assert [(c.organization_id, c.kind, c.key, c.details) for c in found] == [
        ("org", "upgrade_available", "upgrade|org|gold", {"level": "gold", "membership": "none", "competencies": [["cloud", "azure"]]})
    ]


# --- R11: an override ends; the alert comes 14 days before the end of its last day -----------------

def override_ending(ends_on: date, *holders: tuple[str, str]) -> OrgBuilder:
    builder = OrgBuilder("con").membership("gold", EXPIRES, ("productivity", "gold")).override("productivity", "exams", "gold", date(2026, 4, 1), ends_on)
    for person, code in holders:
        builder = builder.person(person).holds(person, *code.split("+"))
    return builder


def test_r11_an_override_is_announced_from_exactly_14_days_before_the_end_of_its_last_day():
    midnight = datetime(2026, 6, 15, tzinfo=timezone.utc)

    def kinds(ends_on: date, at: datetime) -> list[str]:
        return [c.kind for c in find_alert_causes(evaluate_organization(override_ending(ends_on).build(), RICH, at)) if c.kind == "override_ends"]

    assert kinds(date(2026, 6, 28), midnight) == ["override_ends"]  # it ends on Jun 29, 00:00: exactly 14 days ahead
    assert kinds(date(2026, 6, 29), midnight) == []  # 15 days ahead
    assert kinds(date(2026, 6, 29), midnight + timedelta(days=1)) == ["override_ends"]
    assert kinds(date(2026, 6, 28), NOW) == ["override_ends"]  # 13.5 days ahead
    assert kinds(date(2026, 6, 29), NOW) == []  # 14.5 days ahead


def test_r11_an_override_alert_and_the_renewal_risk_it_causes_are_two_records_of_the_organisation():
    builder = override_ending(date(2026, 6, 25), ("eve", "70-346+70-347"), ("gus", "70-346"))

    found = find_alert_causes(evaluation_of(people_of(builder, {"eve": "Eve Park", "gus": "Gus Hill"})))

    assert [(c.organization_id, c.kind, c.key) for c in found] == [
        ("con", "renewal_at_risk", "renewal|con|override_ends|productivity|exams|gold"),
        ("con", "override_ends", "override|con|productivity|exams|gold|2026-06-25"),
    ]
    assert stored(found[1].details) == {
        "competency": "productivity", "option": "exams", "level": "gold", "option_met": False, "other_option": None,
        "fix": {"competency": "productivity", "option": "exams", "level": "gold", "missing": [{**SET_SHORT_BY_ONE, "closest": [
            {"person": "gus", "holds": ["70-346"], "needs_all_of": [], "needs_one_of": [["70-347"], ["mcsa-office-365"]]},
        ]}]},
        "names": {"gus": "Gus Hill"}, "ends_on": "2026-06-25",
    }


def test_r11_after_an_override_on_an_option_met_anyway_nothing_is_missing():
    builder = override_ending(date(2026, 6, 25), ("eve", "70-346+70-347"), ("fay", "mcsa-office-365"))

    [ends] = [c for c in find_alert_causes(evaluation_of(builder)) if c.kind == "override_ends"]

    assert stored(ends.details) == {
        "competency": "productivity", "option": "exams", "level": "gold", "option_met": True, "other_option": None, "fix": None, "names": {}, "ends_on": "2026-06-25",
    }


def test_r11_after_an_override_another_option_that_meets_the_level_is_named():
    both = catalog(competency("cloud", option("azure", gold=[people(2, any_of=["AZ-104"])]), option("infra", gold=[people(1, any_of=["AZ-305"])])))
    snapshot = (
        OrgBuilder("org").membership("gold", EXPIRES, ("cloud", "gold")).override("cloud", "azure", "gold", date(2026, 4, 1), date(2026, 6, 25))
        .person("ann").holds("ann", "AZ-305").build()
    )

    [ends] = [c for c in find_alert_causes(evaluate_organization(snapshot, both, NOW)) if c.kind == "override_ends"]

    assert (ends.details["option_met"], ends.details["other_option"]) == (False, "infra")
    assert [m["count"] for m in ends.details["fix"]["missing"]] == [2]


def test_r11_an_override_on_a_competency_option_or_level_the_catalog_does_not_have_ends_with_nothing_to_add():
    def ends_details(competency_id: str, option_id: str, level: str) -> dict:
        snapshot = OrgBuilder("org").membership("gold", EXPIRES).override(competency_id, option_id, level, date(2026, 4, 1), date(2026, 6, 25)).build()
        [ends] = [c for c in find_alert_causes(evaluate_organization(snapshot, catalog(AZURE), NOW)) if c.kind == "override_ends"]
        return ends.details

    for competency_id, option_id, level in (("gone", "azure", "gold"), ("cloud", "gone", "gold"), ("cloud", "azure", "platinum")):
        assert ends_details(competency_id, option_id, level) == {
            "competency": competency_id, "option": option_id, "level": level, "option_met": False, "other_option": None, "fix": None, "ends_on": "2026-06-25",
        }


# --- R16: the fix in the requirement's real shape, read back as stored -----------------------------

def test_r16_a_fix_is_stored_with_every_shortfall_of_the_option_and_read_back_in_its_real_shape():
    """Office 365 usage for Silver: 2,000 active users (latest month) and one 70-347 holder; both short."""
    builder = OrgBuilder("con").membership("silver", EXPIRES, ("productivity", "silver")).figure("o365_active_users", "2026-06", 1500)
    evaluation = evaluation_of(builder)
    usage = next(o for o in evaluation.assessment.competency("productivity").levels["silver"].options if o.option_id == "usage")

    details = stored(fix_details(UpgradeOption(usage, usage.unmet)))  # type: ignore[arg-type]
    fix = fix_from_details(details)

    assert [m["kind"] for m in details["missing"]] == ["metric", "individuals"]
    assert (fix.competency_id, fix.option_id, fix.level) == ("productivity", "usage", "silver")
    assert fix.option.requirements == fix.shortfalls
    metric_short, people_short = fix.shortfalls
    assert metric_short.requirement == MetricRequirement("o365_active_users", Threshold(2000.0, 2000.0), "latest", 12)
    assert (metric_short.required, metric_short.current, metric_short.pending, metric_short.met) == (2000.0, 1500, 0, False)
    assert people_short.requirement == IndividualsRequirement(count=1, any_of=frozenset({"70-347"}))
    assert (people_short.required, people_short.current, people_short.met) == (1, 0, False)
    assert fix_details(fix) == details  # nothing lost on the way back


def test_r16_a_metric_fix_keeps_its_window_of_months_on_the_way_back():
    """A sum over the last 6 months (not the default 12): 6 x 1,000 against 10,000."""
    six_months = catalog(competency("cloud", option("azure", silver=[metric("azure_consumption_usd", 10000, "sum", 6)])))
    evaluation = evaluate_organization(OrgBuilder("con").monthly("azure_consumption_usd", 1000, 12).build(), six_months, NOW)
    azure = evaluation.assessment.competency("cloud").levels["silver"].options[0]

    details = stored(fix_details(UpgradeOption(azure, azure.unmet)))  # type: ignore[arg-type]
    [short] = fix_from_details(details).shortfalls

    assert details["missing"][0]["window_months"] == 6
    assert short.requirement == MetricRequirement("azure_consumption_usd", Threshold(10000.0, 10000.0), "sum", 6)
    assert (short.current, short.required) == (6000, 10000)


def test_r16_a_fix_with_sets_among_them_and_the_closest_people_reads_back_exactly():
    evaluation = evaluation_of(fabrikam(ann=date(2026, 6, 1)))
    [alert] = find_alert_causes(evaluation)
    devops = stored(alert.details)["levels"][2]["fix"]

    fix = fix_from_details(devops)

    [short] = fix.shortfalls
    assert short.requirement == IndividualsRequirement(count=2, all_of=frozenset({"70-496", "70-498"}), among=AmongThem(1, frozenset({"psm-i", "csm"})))
    assert (short.among_required, short.among_current, short.met) == (1, 0, False)
    assert [(p.person_id, p.holds, p.needs_all_of, p.needs_one_of) for p in short.closest] == [
        ("cat", (), (), (("csm",), ("psm-i",))), ("dan", ("70-496",), ("70-498",), ()),
    ]
    assert fix_details(fix) == devops
