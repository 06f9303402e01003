"""The domain rules of SPEC §2, each with exact figures."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from services.domain.evaluation import Evaluator
from services.domain.organization import evaluate_organization
from services.domain.snapshot import MsaLink
from tests.builders import NOW, OrgBuilder, ago, catalog, competency, later, metric, option, people

AZURE = competency("cloud", option("azure", silver=[people(1, any_of=["AZ-104", "AZ-305"])], gold=[people(2, any_of=["AZ-104", "AZ-305"])]))


def requirement(snapshot, cat, at=NOW, comp=None, level="silver", opt=0, req=0):
    assessment = Evaluator(snapshot, cat).assess(at)
    result = assessment.competency(comp or cat.competencies[0].id)
    return result.levels[level].options[opt].requirements[req]


# R3 visibility -------------------------------------------------------------------------------


def test_an_msa_linked_23h59m_ago_is_pending_and_one_linked_24h_ago_counts():
    cat = catalog(AZURE)
    almost = OrgBuilder().person("ann", linked_at=ago(hours=23, minutes=59)).holds("ann", "AZ-104").build()
    exactly = OrgBuilder().person("ann", linked_at=ago(hours=24)).holds("ann", "AZ-104").build()

    pending = requirement(almost, cat)
    counts = requirement(exactly, cat)

    assert (pending.current, pending.pending, pending.met) == (0, 1, False)
    assert pending.pending_people[0].counts_from == later(minutes=1)
    assert (counts.current, counts.pending, counts.met) == (1, 0, True)


def test_an_achievement_earned_after_linking_counts_24h_after_it_was_earned():
    cat = catalog(AZURE)
    snapshot = OrgBuilder().person("ann", linked_at=ago(days=30)).holds("ann", "AZ-104", earned_at=ago(hours=2)).build()

    result = requirement(snapshot, cat)

    assert (result.current, result.pending) == (0, 1)
    assert result.pending_people[0].counts_from == later(hours=22)
    assert requirement(snapshot, cat, at=later(hours=22)).current == 1


def test_the_visibility_delay_comes_from_the_catalog_settings():
    cat = catalog(AZURE, settings={"visibility_delay_hours": 72})
    snapshot = OrgBuilder().person("ann", linked_at=ago(hours=48)).holds("ann", "AZ-104").build()

    assert requirement(snapshot, cat).pending == 1
    assert requirement(snapshot, cat, at=later(hours=24)).current == 1


# R2 individuals ------------------------------------------------------------------------------


def test_one_person_with_two_qualifying_credentials_is_counted_once():
    cat = catalog(AZURE)
    snapshot = OrgBuilder().person("ann").holds("ann", "AZ-104", "AZ-305").build()

    gold = requirement(snapshot, cat, level="gold")

    assert (gold.current, gold.required, gold.met) == (1, 2, False)


def test_only_credentials_named_in_the_requirement_count():
    cat = catalog(AZURE)
    snapshot = OrgBuilder().person("ann").holds("ann", "MS-900").build()

    assert requirement(snapshot, cat).current == 0


def test_and_among_them_needs_k_of_the_counted_people_to_hold_one_of_its_credentials():
    devops = competency("devops", option("dev", silver=[people(2, all_of=["70-496", "70-498"], and_among_them={"count": 1, "any_of": ["70-497", "psm-i"]})]))
    cat = catalog(devops)
    two_without = OrgBuilder().person("ann").person("bob").person("cy")
    for p in ("ann", "bob", "cy"):
        two_without.holds(p, "70-496", "70-498")
    without = requirement(two_without.build(), cat)
    with_one = requirement(two_without.holds("cy", "psm-i").build(), cat)

    assert (without.current, without.required, without.met) == (1, 2, False)
    assert (without.among_current, without.among_required) == (0, 1)
    assert [c.person_id for c in without.closest] == ["ann", "bob", "cy"]
    assert (with_one.current, with_one.met, with_one.among_current) == (3, True, 1)


def test_one_of_sets_needs_a_whole_set_and_half_of_each_set_is_not_enough():
    analytics = competency("data", option("spec", silver=[people(1, all_of=["found"], one_of_sets=[["70-767", "70-768"], ["70-773", "70-774"]])]))
    cat = catalog(analytics)
    half_each = OrgBuilder().person("ann").holds("ann", "found", "70-767", "70-773").build()
    whole = OrgBuilder().person("ann").holds("ann", "found", "70-773", "70-774").build()

    half = requirement(half_each, cat)

    assert (half.current, half.met) == (0, False)
    assert half.closest[0].person_id == "ann"
    assert half.closest[0].needs_one_of == (("70-768",), ("70-774",))
    assert half.closest[0].missing_count == 1
    assert requirement(whole, cat).current == 1


def test_all_of_and_any_of_together():
    comp = competency("c", option("o", silver=[people(1, all_of=["A", "B"], any_of=["X", "Y"])]))
    cat = catalog(comp)
    partial = OrgBuilder().person("ann").holds("ann", "A", "X").build()
    full = OrgBuilder().person("ann").holds("ann", "A", "B", "Y").build()

    result = requirement(partial, cat)

    assert result.current == 0
    assert result.closest[0].needs_all_of == ("B",)
    assert requirement(full, cat).current == 1


def test_assessments_count_only_through_a_partner_university_link():
    cat = catalog(competency("c", option("o", silver=[people(1, any_of=["bi-assessment"])])), credentials=[{"code": "bi-assessment", "title": "BI", "kind": "assessment"}])
    certs_only = OrgBuilder().person("ann", purpose="certifications").holds("ann", "bi-assessment").build()
    university = OrgBuilder().person("ann", purpose="partner_university").holds("ann", "bi-assessment").build()

    assert requirement(certs_only, cat).current == 0
    assert requirement(university, cat).current == 1


# R4 one organisation at a time ---------------------------------------------------------------


def test_an_msa_moved_to_another_organisation_counts_there_and_no_longer_here():
    cat = catalog(AZURE)
    moved_at = ago(days=3)
    a = OrgBuilder("a").person("ann").holds("ann", "AZ-104").build()
    a = replace(a, links=tuple(replace(link, dissolved_at=moved_at) for link in a.links))
    b = OrgBuilder("b").person("bea", linked_at=moved_at).build()
    b = replace(b, links=b.links + (MsaLink("bea", "ann@msa", moved_at),), achievements=a.achievements)

    assert requirement(a, cat).current == 0
    assert requirement(a, cat, at=ago(days=4)).current == 1  # before the move it counted for A
    assert requirement(b, cat).counted == ("bea",)


def test_within_one_organisation_an_msa_counts_for_the_person_who_linked_it_last():
    cat = catalog(AZURE)
    snapshot = OrgBuilder().person("ann", linked_at=ago(days=10)).person("bob", linked_at=ago(days=5)).holds("ann", "AZ-104").build()
    snapshot = replace(snapshot, links=snapshot.links + (MsaLink("bob", "ann@msa", ago(days=2)),))

    assert requirement(snapshot, cat, level="gold").counted == ("bob",)


# R5 expiry, retired credentials --------------------------------------------------------------


def test_an_expired_achievement_does_not_count():
    cat = catalog(AZURE)
    snapshot = OrgBuilder().person("ann").holds("ann", "AZ-104", expires_at=ago(seconds=1)).build()

    assert requirement(snapshot, cat).current == 0
    assert requirement(snapshot, cat, at=ago(seconds=2)).current == 1


def test_a_retired_exam_counts_inside_its_grace_and_not_after():
    credentials = [{"code": "70-533", "title": "Azure infra", "kind": "exam", "retired_on": "2025-12-31"}]
    cat = catalog(competency("c", option("o", silver=[people(1, any_of=["70-533"])])), credentials=credentials, settings={"retired_grace_months": 6})
    snapshot = OrgBuilder().person("ann").holds("ann", "70-533", earned_at=ago(days=900)).build()
    grace_ends = NOW.replace(year=2026, month=6, day=30, hour=0)

    assert requirement(snapshot, cat, at=grace_ends.replace(day=29)).current == 1
    assert requirement(snapshot, cat, at=grace_ends).current == 0


# R6 leavers ----------------------------------------------------------------------------------


def test_a_leaver_contributes_nothing_from_the_day_they_left():
    cat = catalog(AZURE)
    snapshot = OrgBuilder().person("ann", left_on=date(2026, 6, 16)).holds("ann", "AZ-104").build()

    assert requirement(snapshot, cat).current == 1
    assert requirement(snapshot, cat, at=later(hours=12)).current == 0


# R7 metrics ----------------------------------------------------------------------------------


def test_developed_and_developing_markets_have_their_own_thresholds():
    cat = catalog(competency("c", option("o", silver=[metric("azure_usd", {"developed": 15000, "developing": 10000})])))
    developed = OrgBuilder(market="developed").monthly("azure_usd", 1000, 12).build()
    developing = OrgBuilder(market="developing").monthly("azure_usd", 1000, 12).build()

    a, b = requirement(developed, cat), requirement(developing, cat)

    assert (a.required, a.current, a.met) == (15000, 12000, False)
    assert (b.required, b.current, b.met) == (10000, 12000, True)


def test_sum_adds_the_window_of_calendar_months_ending_with_the_moments_month_and_latest_takes_the_last():
    cat = catalog(competency("c", option("o", silver=[metric("usd", 1, "sum", 12), metric("seats", 1, "latest")])))
    builder = OrgBuilder().monthly("usd", 100, 14).figure("usd", "2026-07", 5000)  # 14 months to 2026-06, one in the future
    builder.figure("seats", "2026-03", 250).figure("seats", "2026-05", 240).figure("seats", "2026-07", 999)
    snapshot = builder.build()

    usd = requirement(snapshot, cat, req=0)
    seats = requirement(snapshot, cat, req=1)

    assert usd.current == 1200  # 2025-07 … 2026-06; 2025-05, 2025-06 and 2026-07 fall outside
    assert seats.current == 240
    assert requirement(snapshot, cat, at=NOW.replace(month=8), req=1).current == 999


def test_a_shorter_window_adds_fewer_months():
    cat = catalog(competency("c", option("o", silver=[metric("usd", 1, "sum", 3)])))
    snapshot = OrgBuilder().monthly("usd", 100, 12).build()

    assert requirement(snapshot, cat).current == 300


# R11 overrides -------------------------------------------------------------------------------


def test_an_override_makes_the_option_met_only_inside_its_window():
    cat = catalog(AZURE)
    snapshot = OrgBuilder().override("cloud", "azure", "gold", date(2026, 6, 1), date(2026, 8, 31)).build()

    def gold_met(at):
        return Evaluator(snapshot, cat).assess(at).competency("cloud").levels["gold"].met

    assert not gold_met(NOW.replace(month=5, day=31, hour=23))
    assert gold_met(NOW)
    assert gold_met(NOW.replace(month=8, day=31, hour=23))
    assert not gold_met(NOW.replace(month=9, day=1, hour=0))


# R8 membership and profile -------------------------------------------------------------------


def test_gold_met_makes_gold_membership_possible_and_the_profile_shows_silver_and_gold():
    cat = catalog(AZURE, competency("other", option("o", silver=[people(1, any_of=["X"])], gold=[people(3, any_of=["X"])])))
    snapshot = OrgBuilder().person("ann").person("bob").holds("ann", "AZ-104").holds("bob", "AZ-305", "X").build()

    assessment = Evaluator(snapshot, cat).assess(NOW)

    assert assessment.eligible_level == "gold"
    assert assessment.profile() == (("cloud", "silver"), ("cloud", "gold"), ("other", "silver"))


def test_silver_met_only_allows_silver_membership():
    cat = catalog(AZURE)
    snapshot = OrgBuilder().person("ann").holds("ann", "AZ-104").build()

    assessment = Evaluator(snapshot, cat).assess(NOW)

    assert assessment.eligible_level == "silver"
    assert assessment.profile() == (("cloud", "silver"),)


# R9 held levels and renewal risk -------------------------------------------------------------


def test_renewal_is_at_risk_when_the_only_qualifying_certification_expires_one_day_before_expires_on():
    cat = catalog(AZURE)
    expires_on = date(2026, 9, 30)
    snapshot = (
        OrgBuilder()
        .person("ann")
        .holds("ann", "AZ-104", expires_at=NOW.replace(month=9, day=29, hour=0))
        .membership("silver", expires_on, ("cloud", "silver"))
        .build()
    )

    evaluation = evaluate_organization(snapshot, cat, NOW)
    risk = evaluation.renewal.held[0]

    assert evaluation.assessment.competency("cloud").levels["silver"].met
    assert evaluation.renewal.at_risk
    assert (risk.competency_id, risk.level, risk.at_risk) == ("cloud", "silver", True)
    assert [(c.kind, c.person_id, c.code, c.when.date()) for c in risk.causes] == [("expiring", "ann", "AZ-104", date(2026, 9, 29))]
    assert risk.fix is not None and risk.fix.option_id == "azure" and risk.fix.shortfalls[0].missing == 1


def test_a_certification_expiring_after_expires_on_keeps_the_renewal_safe():
    cat = catalog(AZURE)
    snapshot = (
        OrgBuilder()
        .person("ann")
        .holds("ann", "AZ-104", expires_at=NOW.replace(month=10, day=1, hour=0))
        .membership("silver", date(2026, 9, 30), ("cloud", "silver"))
        .build()
    )

    renewal = evaluate_organization(snapshot, cat, NOW).renewal

    assert not renewal.at_risk
    assert [(h.competency_id, h.at_risk) for h in renewal.held] == [("cloud", False)]


def test_a_known_leaver_puts_a_held_level_at_risk_and_is_named():
    cat = catalog(AZURE)
    snapshot = (
        OrgBuilder()
        .person("ann", left_on=date(2026, 7, 1))
        .holds("ann", "AZ-104")
        .membership("silver", date(2026, 9, 30), ("cloud", "silver"))
        .build()
    )

    risk = evaluate_organization(snapshot, cat, NOW).renewal.held[0]

    assert [(c.kind, c.person_id, c.when.date()) for c in risk.causes] == [("leaver", "ann", date(2026, 7, 1))]


def test_a_metric_below_threshold_is_a_named_cause():
    cat = catalog(competency("c", option("o", silver=[metric("usd", 15000)])))
    snapshot = OrgBuilder().monthly("usd", 1000, 12).membership("silver", date(2026, 9, 30), ("c", "silver")).build()

    risk = evaluate_organization(snapshot, cat, NOW).renewal.held[0]

    assert [(c.kind, c.metric, c.current, c.required) for c in risk.causes] == [("metric_below", "usd", 12000, 15000)]


def test_a_held_level_is_shown_until_expires_on_whatever_happens():
    cat = catalog(AZURE)
    snapshot = OrgBuilder().membership("gold", date(2026, 9, 30), ("cloud", "gold")).build()

    assert Evaluator(snapshot, cat).assess(NOW).competency("cloud").held == "gold"
    assert Evaluator(snapshot, cat).assess(NOW.replace(month=9, day=30, hour=0)).competency("cloud").held is None


def test_an_msa_moved_away_is_named_as_the_cause():
    cat = catalog(AZURE)
    snapshot = OrgBuilder().person("ann").holds("ann", "AZ-104").membership("silver", date(2026, 9, 30), ("cloud", "silver")).build()
    snapshot = replace(snapshot, links=tuple(replace(link, dissolved_at=ago(days=1)) for link in snapshot.links))

    risk = evaluate_organization(snapshot, cat, NOW).renewal.held[0]

    assert [(c.kind, c.person_id, c.msa) for c in risk.causes if c.kind == "msa_moved"] == [("msa_moved", "ann", "ann@msa")]


# R13 upgrade options -------------------------------------------------------------------------


def test_upgrade_options_are_ranked_by_shortfall_and_ties_by_fewer_unmet_requirements():
    cat = catalog(
        competency("cloud", option("azure", gold=[metric("usd", 100000), people(2, any_of=["AZ-104"])])),
        competency("data", option("bi", gold=[people(2, any_of=["BI"])]), option("seats", gold=[metric("seats", 1000, "latest"), people(1, any_of=["BI"])])),
    )
    snapshot = (
        OrgBuilder()
        .person("ann")
        .person("bob")
        .holds("ann", "AZ-104")
        .holds("bob", "BI")
        .monthly("usd", 100000 / 12 * 0.5, 12)  # half of the Gold consumption
        .figure("seats", "2026-06", 500)
        .membership("silver", date(2027, 1, 31))
        .build()
    )

    options = evaluate_organization(snapshot, cat, NOW).upgrade_options

    assert [(o.competency_id, o.option_id, round(o.gap, 3)) for o in options] == [
        ("data", "bi", 0.5),
        ("data", "seats", 0.5),
        ("cloud", "azure", 1.0),
    ]
    assert options[0].shortfalls[0].missing == 1


def test_people_holding_part_of_a_requirement_are_closest():
    cat = catalog(competency("prod", option("msp", gold=[people(2, one_of_sets=[["70-346", "70-347"], ["mcsa"]])])))
    snapshot = OrgBuilder().person("ann").person("bob").holds("ann", "mcsa").holds("bob", "70-346").build()

    option_result = evaluate_organization(snapshot, cat, NOW, upgrade_level="gold").upgrade_options[0]
    shortfall = option_result.shortfalls[0]

    assert (shortfall.current, shortfall.missing) == (1, 1)
    assert [(c.person_id, c.needs_one_of[0]) for c in shortfall.closest] == [("bob", ("70-347",))]


# R12 advanced specializations ----------------------------------------------------------------


def test_a_specialization_needs_aligned_gold_its_criteria_and_a_passed_audit():
    from services.domain.snapshot import SpecializationStatus

    cat = catalog(
        AZURE,
        specializations=[{"id": "spec", "name": "Spec", "requires_gold": "cloud", "requirements": [metric("usd", 60000)], "audit_required": True}],
    )
    base = OrgBuilder().person("ann").person("bob").holds("ann", "AZ-104").holds("bob", "AZ-305").monthly("usd", 5000, 12).build()
    audited = replace(base, specializations=(SpecializationStatus("spec", date(2026, 5, 1)),))
    no_gold = replace(audited, achievements=audited.achievements[:1])

    def met(snapshot):
        return Evaluator(snapshot, cat).assess(NOW).specializations[0].met

    assert not met(base)  # no audit
    assert met(audited)
    assert not met(no_gold)


# R14 designations ----------------------------------------------------------------------------


def test_a_designation_scores_points_gates_skilling_and_picks_the_best_track():
    cat = catalog(
        AZURE,
        designations=[
            {
                "id": "mw",
                "name": "Modern Work",
                "tracks": [
                    {"id": "ent", "metrics": [
                        {"id": "adds", "category": "performance", "max_points": 40, "full_at": 10, "source": {"kind": "metric", "metric": "adds", "aggregate": "latest"}},
                        {"id": "certs", "category": "skilling", "max_points": 60, "full_at": 2, "source": {"kind": "individuals", "any_of": ["AZ-104", "AZ-305"]}, "gates": [{"count": 1, "any_of": ["GATE"]}]},
                    ]},
                    {"id": "smb", "metrics": [
                        {"id": "adds", "category": "performance", "max_points": 40, "full_at": 5, "source": {"kind": "metric", "metric": "adds", "aggregate": "latest"}},
                        {"id": "certs", "category": "skilling", "max_points": 60, "full_at": 4, "source": {"kind": "individuals", "any_of": ["AZ-104"]}},
                    ]},
                ],
            }
        ],
    )
    snapshot = OrgBuilder().person("ann").person("bob").holds("ann", "AZ-104").holds("bob", "AZ-305").figure("adds", "2026-06", 5).build()

    score = evaluate_organization(snapshot, cat, NOW).designations[0]
    ent, smb = score.tracks

    assert [m.points for m in ent.metrics] == [20, 0]  # gate not met: skilling earns nothing
    assert [m.points for m in smb.metrics] == [40, 15]
    assert score.best.track.id == "smb" and score.best.score == 55
    assert not score.qualified

    gated = replace(snapshot, achievements=snapshot.achievements + (replace(snapshot.achievements[0], code="GATE"),))
    assert evaluate_organization(gated, cat, NOW).designations[0].tracks[0].score == 80
    assert evaluate_organization(gated, cat, NOW).designations[0].qualified


def test_a_person_who_already_left_is_named_as_the_cause_of_a_shortfall():
    cat = catalog(AZURE)
    snapshot = (
        OrgBuilder()
        .person("ann", left_on=date(2026, 6, 1))
        .holds("ann", "AZ-104")
        .membership("silver", date(2026, 9, 30), ("cloud", "silver"))
        .build()
    )

    risk = evaluate_organization(snapshot, cat, NOW).renewal.held[0]

    assert [(c.kind, c.person_id, c.when.date()) for c in risk.causes if c.kind == "leaver"] == [("leaver", "ann", date(2026, 6, 1))]


def test_a_passed_audit_is_a_moment_the_evaluation_changes():
    from services.domain.snapshot import SpecializationStatus
    from services.domain.validity import next_change

    snapshot = replace(OrgBuilder().build(), specializations=(SpecializationStatus("spec", date(2026, 6, 20)),))

    assert next_change(snapshot, catalog(AZURE), NOW) == NOW.replace(day=20, hour=0)
