"""Exact figures for the rules whose deliberate changes the rest of the suite missed (docs/rules.md):
the catalog parser and its defaults, R12's audit date, R13's tie-break, R14's caps and "every metric
above zero", and the moments an evaluation stays true for (validity)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

import pytest

from services.domain.catalog import (
    AmongThem,
    Catalog,
    CatalogSettings,
    Competency,
    Credential,
    Designation,
    DesignationMetric,
    Gate,
    IndividualsRequirement,
    LocalizedText,
    Metric,
    MetricRequirement,
    Option,
    Specialization,
    Threshold,
    Track,
    parse_catalog,
)
from services.domain.evaluation import Evaluator, level_rank, next_level
from services.domain.organization import evaluate_organization
from services.domain.snapshot import Membership, MsaLink, SpecializationStatus
from services.domain.upgrades import best_option, rank_upgrade_options
from services.domain.validity import next_change
from tests.builders import NOW, OrgBuilder, ago, catalog, competency, later, metric, option, people

FULL_CATALOG = {
    "version": "2026-full",
    "effective_from": "2026-01-01",
    "settings": {
        "visibility_delay_hours": 48,
        "renewal_warning_days": 60,
        "override_days": 30,
        "retired_grace_months": 6,
        "max_links_per_year": 3,
        "link_cooldown_days": 30,
    },
    "credentials": [
        {"code": "AZ-104", "title": {"en": "Azure Administrator", "de": "Azure-Administrator"}, "kind": "certification", "aliases": ["Azure Admin"]},
        {"code": "70-533", "title": "Implementing Azure Infrastructure", "kind": "exam", "retired_on": "2019-03-31"},
    ],
    "metrics": [{"id": "azure_consumption", "name": {"en": "Azure consumption", "de": "Azure-Verbrauch"}, "aliases": ["ACR"]}],
    "competencies": [
        {
            "id": "cloud",
            "name": {"en": "Cloud Platform", "de": "Cloud-Plattform"},
            "aliases": ["Azure"],
            "options": [
                {
                    "id": "consumption",
                    "name": "Azure consumption",
                    "levels": {
                        "silver": [
                            {
                                "kind": "metric",
                                "metric": "azure_consumption",
                                "min": {"developed": 15000, "developing": 7500},
                                "aggregate": "latest",
                                "window_months": 6,
                            },
                            {
                                "kind": "individuals",
                                "count": 2,
                                "all_of": ["AZ-104"],
                                "any_of": ["70-533"],
                                "one_of_sets": [["A", "B"], ["C"]],
                                "and_among_them": {"count": 1, "any_of": ["D"]},
                            },
                        ],
                        "gold": [{"kind": "metric", "metric": "azure_consumption", "min": 50000}],
                    },
                }
            ],
        }
    ],
    "specializations": [
        {"id": "spec", "name": "Spec", "requires_gold": "cloud", "requirements": [{"kind": "individuals", "count": 1}], "audit_required": False}
    ],
    "designations": [
        {
            "id": "infra",
            "name": {"en": "Infrastructure", "de": "Infrastruktur"},
            "qualify_at": 80,
            "all_metrics_positive": False,
            "tracks": [
                {
                    "id": "main",
                    "metrics": [
                        {
                            "id": "people",
                            "category": "skilling",
                            "max_points": 30,
                            "full_at": 4,
                            "source": {"kind": "individuals", "any_of": ["AZ-104"]},
                            "gates": [{"count": 2, "any_of": ["70-533"]}],
                        },
                        {
                            "id": "acr",
                            "category": "performance",
                            "max_points": 70,
                            "full_at": 1000,
                            "source": {"kind": "metric", "metric": "azure_consumption", "aggregate": "sum", "window_months": 3},
                        },
                    ],
                }
            ],
        }
    ],
}


def test_every_field_of_a_catalog_document_is_parsed():
    expected = Catalog(
        version="2026-full",
        effective_from=date(2026, 1, 1),
        settings=CatalogSettings(48.0, 60, 30, 6, 3, 30),
        credentials={
            "AZ-104": Credential("AZ-104", LocalizedText("Azure Administrator", "Azure-Administrator"), "certification", None, ("Azure Admin",)),
            "70-533": Credential("70-533", LocalizedText("Implementing Azure Infrastructure"), "exam", date(2019, 3, 31), ()),
        },
        metrics={"azure_consumption": Metric("azure_consumption", LocalizedText("Azure consumption", "Azure-Verbrauch"), ("ACR",))},
        competencies=(
            Competency(
                "cloud",
                LocalizedText("Cloud Platform", "Cloud-Plattform"),
                (
                    Option(
                        "consumption",
                        LocalizedText("Azure consumption"),
                        {
                            "silver": (
                                MetricRequirement("azure_consumption", Threshold(15000.0, 7500.0), "latest", 6),
                                IndividualsRequirement(
                                    2, frozenset({"AZ-104"}), frozenset({"70-533"}), (frozenset({"A", "B"}), frozenset({"C"})), AmongThem(1, frozenset({"D"}))
                                ),
                            ),
                            "gold": (MetricRequirement("azure_consumption", Threshold(50000.0, 50000.0), "sum", 12),),
                        },
                    ),
                ),
                ("Azure",),
            ),
        ),
        specializations=(Specialization("spec", LocalizedText("Spec"), "cloud", (IndividualsRequirement(1),), False),),
        designations=(
            Designation(
                "infra",
                LocalizedText("Infrastructure", "Infrastruktur"),
                (
                    Track(
                        "main",
                        (
                            DesignationMetric(
                                "people", "skilling", 30.0, 4.0, IndividualsRequirement(1, any_of=frozenset({"AZ-104"})), (Gate(2, frozenset({"70-533"})),)
                            ),
                            DesignationMetric("acr", "performance", 70.0, 1000.0, MetricRequirement("azure_consumption", Threshold(0, 0), "sum", 3)),
                        ),
                    ),
                ),
                80.0,
                False,
            ),
        ),
    )

    assert parse_catalog(FULL_CATALOG) == expected


def test_what_a_catalog_document_leaves_out_takes_the_documented_defaults():
    parsed = parse_catalog(
        {
            "version": "small",
            "competencies": [
                {"id": "c", "name": "C", "options": [{"id": "o", "name": "O", "levels": {"gold": [{"kind": "metric", "metric": "m", "min": 5}]}}]}
            ],
            "designations": [
                {
                    "id": "d",
                    "name": "D",
                    "tracks": [
                        {
                            "id": "t",
                            "metrics": [
                                {"id": "m", "category": "performance", "max_points": 10, "full_at": 2, "source": {"kind": "metric", "metric": "m"}},
                            ],
                        }
                    ],
                },
            ],
            "specializations": [{"id": "s", "name": "S", "requires_gold": "c", "requirements": []}],
        }
    )

    assert parsed.settings == CatalogSettings(24.0, 90, 90, 12, None, None)
    assert (parsed.effective_from, parsed.credentials, parsed.metrics) == (None, {}, {})
    assert parsed.competencies[0].aliases == () and tuple(parsed.competencies[0].options[0].levels) == ("gold",)
    assert parsed.competencies[0].options[0].levels["gold"] == (MetricRequirement("m", Threshold(5.0, 5.0), "sum", 12),)
    assert parsed.specializations[0].audit_required is True
    designation = parsed.designations[0]
    assert (designation.qualify_at, designation.all_metrics_positive) == (70.0, True)
    assert designation.tracks[0].metrics[0] == DesignationMetric("m", "performance", 10.0, 2.0, MetricRequirement("m", Threshold(0, 0), "latest", 12), ())


def test_a_catalog_with_neither_specializations_nor_designations_parses_to_none_of_either():
    parsed = parse_catalog({"version": "v", "competencies": []})

    assert (parsed.specializations, parsed.designations, parsed.competencies) == ((), (), ())


def test_names_are_shown_in_the_speakers_language_and_fall_back_to_english():
    cat = parse_catalog(FULL_CATALOG)

    assert LocalizedText.parse("Plain") == LocalizedText("Plain", None)
    assert LocalizedText.parse({"en": "Only English"}) == LocalizedText("Only English", None)
    assert LocalizedText("Only English").text("de") == "Only English"
    assert LocalizedText("Security", "Sicherheit").text("de") == "Sicherheit"
    assert LocalizedText("Security", "Sicherheit").text("en") == "Security"
    assert (cat.credential_title("AZ-104", "de"), cat.credential_title("AZ-104"), cat.credential_title("XX-1", "de")) == (
        "Azure-Administrator",
        "Azure Administrator",
        "XX-1",
    )
    assert (cat.metric_name("azure_consumption", "de"), cat.metric_name("azure_consumption")) == ("Azure-Verbrauch", "Azure consumption")
    assert cat.metric_name("new_customers_added", "de") == "new customers added"


def test_looking_up_a_competency_or_option_the_catalog_lacks_gives_none():
    cat = parse_catalog(FULL_CATALOG)

    assert cat.competency("cloud").id == "cloud" and cat.competency("security") is None
    assert cat.option("cloud", "consumption").id == "consumption"
    assert (cat.option("cloud", "usage"), cat.option("security", "consumption")) == (None, None)


def test_a_threshold_differs_by_market_only_when_the_catalog_says_so():
    assert Threshold.parse({"developed": 10, "developing": 4}).for_market("developing") == 4.0
    assert Threshold.parse({"developed": 10, "developing": 4}).for_market("developed") == 10.0
    assert Threshold.parse(7) == Threshold(7.0, 7.0)


# R12 ------------------------------------------------------------------------------------------------

SPECIALIZED = catalog(
    competency("cloud", option("azure", gold=[people(1, any_of=["AZ-104"])])),
    specializations=[{"id": "spec", "name": "Spec", "requires_gold": "cloud", "requirements": [], "audit_required": True}],
)


@pytest.mark.parametrize(
    ("audit_passed_on", "met"),
    [(None, False), (NOW.date() + timedelta(days=1), False), (NOW.date(), True), (NOW.date() - timedelta(days=1), True)],
    ids=["no audit", "audit dated tomorrow", "audit today", "audit yesterday"],
)
def test_a_specialization_counts_an_audit_only_from_the_day_it_was_passed(audit_passed_on, met):
    snapshot = OrgBuilder().person("ann").holds("ann", "AZ-104").build()
    snapshot = replace(snapshot, specializations=(SpecializationStatus("spec", audit_passed_on),))

    result = Evaluator(snapshot, SPECIALIZED).assess(NOW).specializations[0]

    assert (result.gold_met, result.audit_passed, result.met) == (True, met, met)


def test_a_specialization_without_aligned_gold_is_not_met_even_with_its_audit():
    snapshot = replace(OrgBuilder().build(), specializations=(SpecializationStatus("spec", NOW.date()),))

    result = Evaluator(snapshot, SPECIALIZED).assess(NOW).specializations[0]

    assert (result.gold_met, result.audit_passed, result.met) == (False, True, False)


# R13 ------------------------------------------------------------------------------------------------


def test_of_two_options_missing_the_same_share_the_one_with_fewer_unmet_requirements_ranks_first():
    cat = catalog(
        competency(
            "cloud",
            option("two-gaps", silver=[people(4, any_of=["A"]), people(4, any_of=["B"])]),  # 1 of 4 missing twice: 0.25 + 0.25
            option("one-gap", silver=[people(2, any_of=["C"])]),  # 1 of 2 missing: 0.5
        )
    )
    snapshot = OrgBuilder()
    for n in range(3):
        snapshot = snapshot.person(f"a{n}").holds(f"a{n}", "A", "B")
    snapshot = snapshot.person("c0").holds("c0", "C").build()
    assessment = Evaluator(snapshot, cat).assess(NOW)

    ranked = rank_upgrade_options(assessment, "silver")

    assert [(o.option_id, o.gap, o.open_requirements) for o in ranked] == [("one-gap", 0.5, 1), ("two-gaps", 0.5, 2)]
    assert best_option(assessment.competency("cloud").levels["silver"]).option_id == "one-gap"


def test_equal_options_keep_catalog_order_and_a_met_option_is_the_best():
    cat = catalog(competency("cloud", option("first", silver=[people(2, any_of=["A"])]), option("second", silver=[people(2, any_of=["B"])])))
    snapshot = OrgBuilder().person("ann").holds("ann", "A", "B").build()
    level = Evaluator(snapshot, cat).assess(NOW).competency("cloud").levels["silver"]

    assert [o.option_id for o in rank_upgrade_options(Evaluator(snapshot, cat).assess(NOW), "silver")] == ["first", "second"]
    assert best_option(level).option_id == "first"

    met = OrgBuilder().person("ann").holds("ann", "B").person("bob").holds("bob", "B").build()
    assert best_option(Evaluator(met, cat).assess(NOW).competency("cloud").levels["silver"]).option_id == "second"


def test_a_competency_already_met_at_the_level_offers_no_upgrade_options():
    cat = catalog(
        competency("cloud", option("azure", silver=[people(1, any_of=["A"])]), option("other", silver=[people(3, any_of=["A"])])),
        competency("data", option("sql", silver=[people(1, any_of=["S"])])),
    )
    assessment = Evaluator(OrgBuilder().person("ann").holds("ann", "A").build(), cat).assess(NOW)

    assert [(o.competency_id, o.option_id) for o in rank_upgrade_options(assessment, "silver")] == [("data", "sql")]
    assert [o.option_id for o in rank_upgrade_options(assessment, "silver", "data")] == ["sql"]
    assert rank_upgrade_options(assessment, "silver", "cloud") == ()
    assert rank_upgrade_options(assessment, "gold") == ()  # no option defines Gold


def test_pending_people_are_not_missing_and_metrics_weigh_by_their_share():
    cat = catalog(competency("cloud", option("azure", silver=[people(2, any_of=["A"]), metric("usd", 1000)])))
    snapshot = OrgBuilder().person("ann").holds("ann", "A").person("bob", linked_at=ago(hours=1)).holds("bob", "A").figure("usd", "2026-06", 250).build()

    (option_,) = rank_upgrade_options(Evaluator(snapshot, cat).assess(NOW), "silver")

    assert [(r.kind, r.missing) for r in option_.shortfalls] == [("individuals", 0.0), ("metric", 750.0)]
    assert (option_.gap, option_.open_requirements) == (0.75, 1)


def test_levels_rank_none_silver_gold_and_the_next_level_is_silver_from_nothing():
    assert [level_rank(x) for x in (None, "none", "silver", "gold")] == [0, 0, 1, 2]
    assert [next_level(x) for x in (None, "none", "silver", "gold")] == ["silver", "silver", "gold", "gold"]


# R14 ------------------------------------------------------------------------------------------------


def designation_catalog(qualify_at: float = 70, all_metrics_positive: bool = True, full_at: float = 10, max_points: float = 60) -> Catalog:
    return catalog(
        competency("cloud", option("azure", silver=[people(1, any_of=["A"])])),
        designations=[
            {
                "id": "d",
                "name": "D",
                "qualify_at": qualify_at,
                "all_metrics_positive": all_metrics_positive,
                "tracks": [
                    {
                        "id": "t",
                        "metrics": [
                            {
                                "id": "adds",
                                "category": "performance",
                                "max_points": max_points,
                                "full_at": full_at,
                                "source": {"kind": "metric", "metric": "adds", "aggregate": "latest"},
                            },
                            {"id": "people", "category": "skilling", "max_points": 40, "full_at": 2, "source": {"kind": "individuals", "any_of": ["A", "B"]}},
                        ],
                    }
                ],
            }
        ],
    )


def designation(snapshot, cat):
    return evaluate_organization(snapshot, cat, NOW).designations[0]


def test_a_metric_above_its_full_mark_earns_its_maximum_points_and_no_more():
    snapshot = OrgBuilder().person("ann").holds("ann", "A", "B").figure("adds", "2026-06", 25).build()

    score = designation(snapshot, designation_catalog())

    assert [(m.value, m.points) for m in score.best.metrics] == [(25.0, 60.0), (1.0, 20.0)]  # ann counts once for two credentials
    assert score.best.score == 80.0 and score.qualified


def test_a_tracks_score_is_capped_at_100():
    snapshot = OrgBuilder().person("ann").holds("ann", "A").person("bob").holds("bob", "B").figure("adds", "2026-06", 10).build()

    score = designation(snapshot, designation_catalog(max_points=90))

    assert [m.points for m in score.best.metrics] == [90.0, 40.0]
    assert score.best.score == 100.0


def test_a_designation_needs_every_metric_above_zero_unless_the_catalog_waives_it():
    snapshot = OrgBuilder().figure("adds", "2026-06", 10).build()  # nobody certified: 60 + 0 points

    strict = designation(snapshot, designation_catalog(qualify_at=60))
    waived = designation(snapshot, designation_catalog(qualify_at=60, all_metrics_positive=False))

    assert [m.points for m in strict.best.metrics] == [60.0, 0.0] and strict.best.score == 60.0
    assert (strict.qualified, waived.qualified) == (False, True)


def test_a_designation_qualifies_at_exactly_its_mark_and_not_a_point_below():
    snapshot = OrgBuilder().person("ann").holds("ann", "A").figure("adds", "2026-06", 5).build()  # 30 + 20

    assert designation(snapshot, designation_catalog(qualify_at=50)).qualified
    assert not designation(snapshot, designation_catalog(qualify_at=50.5)).qualified


def test_a_negative_figure_earns_no_points_and_pending_people_do_not_count():
    snapshot = OrgBuilder().person("ann", linked_at=ago(hours=2)).holds("ann", "A").figure("adds", "2026-06", -5).build()

    score = designation(snapshot, designation_catalog(all_metrics_positive=False, qualify_at=0))

    assert [(m.value, m.points) for m in score.best.metrics] == [(-5.0, 0.0), (0.0, 0.0)]


def test_of_two_tracks_with_equal_scores_the_first_wins():
    cat = catalog(
        competency("cloud", option("azure", silver=[people(1, any_of=["A"])])),
        designations=[
            {
                "id": "d",
                "name": "D",
                "tracks": [
                    {
                        "id": f"t{n}",
                        "metrics": [
                            {
                                "id": "m",
                                "category": "performance",
                                "max_points": 50,
                                "full_at": 10,
                                "source": {"kind": "metric", "metric": "adds", "aggregate": "latest"},
                            }
                        ],
                    }
                    for n in (1, 2)
                ],
            }
        ],
    )

    assert designation(OrgBuilder().figure("adds", "2026-06", 4).build(), cat).best.track.id == "t1"


def test_a_gated_skilling_metric_scores_once_its_gate_holds():
    cat = catalog(
        competency("cloud", option("azure", silver=[people(1, any_of=["A"])])),
        designations=[
            {
                "id": "d",
                "name": "D",
                "tracks": [
                    {
                        "id": "t",
                        "metrics": [
                            {
                                "id": "p",
                                "category": "skilling",
                                "max_points": 40,
                                "full_at": 2,
                                "source": {"kind": "individuals", "any_of": ["A"]},
                                "gates": [{"count": 2, "any_of": ["G"]}],
                            },
                        ],
                    }
                ],
            }
        ],
    )
    one_gate = OrgBuilder().person("ann").holds("ann", "A", "G").build()
    two_gates = OrgBuilder().person("ann").holds("ann", "A", "G").person("bob").holds("bob", "G").build()

    assert [(m.gates_met, m.points) for m in designation(one_gate, cat).best.metrics] == [(False, 0.0)]
    assert [(m.gates_met, m.points) for m in designation(two_gates, cat).best.metrics] == [(True, 20.0)]


# Validity: the next moment time alone changes an evaluation ---------------------------------------

PLAIN = catalog(competency("cloud", option("azure", silver=[people(1, any_of=["A"])])))
NEXT_MONTH = datetime(2026, 7, 1, tzinfo=timezone.utc)


def test_with_nothing_dated_an_evaluation_holds_until_the_next_month_begins():
    assert next_change(OrgBuilder().build(), PLAIN, NOW) == NEXT_MONTH
    assert next_change(OrgBuilder().build(), PLAIN, datetime(2026, 12, 31, 23, tzinfo=timezone.utc)) == datetime(2027, 1, 1, tzinfo=timezone.utc)


def test_a_link_matters_when_made_and_when_it_starts_to_count():
    linked = later(hours=5)
    snapshot = replace(OrgBuilder().build(), links=(MsaLink("ann", "ann@msa", linked),))

    assert next_change(snapshot, PLAIN, NOW) == linked
    assert next_change(snapshot, PLAIN, linked) == linked + timedelta(hours=24)
    assert next_change(snapshot, catalog(competency("c", option("o", silver=[])), settings={"visibility_delay_hours": 2}), linked) == linked + timedelta(
        hours=2
    )


def test_a_dissolved_link_matters_when_it_was_dissolved():
    snapshot = replace(OrgBuilder().build(), links=(MsaLink("ann", "ann@msa", ago(days=30), dissolved_at=later(hours=3)),))

    assert next_change(snapshot, PLAIN, NOW) == later(hours=3)


def test_an_achievement_matters_when_earned_when_it_counts_and_when_it_expires():
    snapshot = OrgBuilder().person("ann", linked_at=ago(days=99)).holds("ann", "A", earned_at=later(hours=1), expires_at=later(days=3)).build()

    assert next_change(snapshot, PLAIN, NOW) == later(hours=1)
    assert next_change(snapshot, PLAIN, later(hours=1)) == later(hours=25)
    assert next_change(snapshot, PLAIN, later(hours=25)) == later(days=3)


def test_a_retired_credential_matters_when_its_grace_ends():
    cat = catalog(
        competency("cloud", option("azure", silver=[people(1, any_of=["R"])])),
        credentials=[{"code": "R", "title": "Retired", "kind": "exam", "retired_on": "2025-06-20"}],
        settings={"retired_grace_months": 12},
    )
    snapshot = OrgBuilder().person("ann", linked_at=ago(days=999)).holds("ann", "R", earned_at=ago(days=900)).build()

    assert next_change(snapshot, cat, NOW) == datetime(2026, 6, 20, tzinfo=timezone.utc)


def test_a_leaver_an_override_an_audit_and_the_membership_matter_from_their_days():
    base = OrgBuilder().person("ann", left_on=date(2026, 6, 18)).override("cloud", "azure", "silver", date(2026, 6, 20), date(2026, 6, 24)).build()
    with_audit = replace(base, specializations=(SpecializationStatus("spec", date(2026, 6, 16)),), membership=Membership("silver", date(2026, 6, 17)))

    def at(day: int) -> datetime:
        return datetime(2026, 6, day, tzinfo=timezone.utc)

    assert next_change(base, PLAIN, NOW) == at(18)
    assert next_change(base, PLAIN, at(18)) == at(20)
    assert next_change(base, PLAIN, at(20)) == at(25)  # the override covers its whole last day
    assert next_change(with_audit, PLAIN, NOW) == at(16)
    assert next_change(with_audit, PLAIN, at(16)) == at(17)


# Boundaries of R3–R6 and R11 -------------------------------------------------------------------------


def test_a_link_is_active_from_the_moment_it_was_made_until_the_moment_it_was_dissolved():
    link = MsaLink("ann", "ann@msa", NOW, dissolved_at=later(hours=1))

    assert (link.active_at(ago(seconds=1)), link.active_at(NOW), link.active_at(later(minutes=59)), link.active_at(later(hours=1))) == (
        False,
        True,
        True,
        False,
    )


def test_an_override_covers_its_first_day_from_midnight():
    from services.domain.snapshot import Override

    override = Override("cloud", "azure", "silver", date(2026, 6, 15), date(2026, 6, 16))
    midnight = datetime(2026, 6, 15, tzinfo=timezone.utc)

    assert (override.active_at(midnight - timedelta(seconds=1)), override.active_at(midnight)) == (False, True)
    assert (override.active_at(datetime(2026, 6, 16, 23, 59, tzinfo=timezone.utc)), override.active_at(datetime(2026, 6, 17, tzinfo=timezone.utc))) == (
        True,
        False,
    )


def test_an_achievement_earned_at_this_very_moment_is_held_and_pending():
    from services.domain.holdings import current_holdings

    snapshot = OrgBuilder().person("ann", linked_at=ago(days=9)).holds("ann", "A", earned_at=NOW).build()

    holding = current_holdings(snapshot, PLAIN, NOW)["ann"]["A"]

    assert (holding.person_id, holding.code, holding.counts_from) == ("ann", "A", later(hours=24))


def test_of_two_achievements_of_one_credential_the_one_that_counts_sooner_is_held():
    from services.domain.holdings import current_holdings

    snapshot = OrgBuilder().person("ann", linked_at=ago(days=9)).holds("ann", "A", earned_at=ago(hours=2)).holds("ann", "A", earned_at=ago(days=5)).build()

    assert current_holdings(snapshot, PLAIN, NOW)["ann"]["A"].counts_from == ago(days=4)


def test_an_msa_linked_by_two_people_counts_for_the_later_link_and_a_tie_for_the_first_listed():
    from services.domain.holdings import associated_links

    later_link = replace(OrgBuilder().build(), links=(MsaLink("ann", "m", ago(days=9)), MsaLink("bob", "m", ago(days=2))))
    tie = replace(OrgBuilder().build(), links=(MsaLink("ann", "m", ago(days=9)), MsaLink("bob", "m", ago(days=9))))

    assert [link.user_id for link in associated_links(later_link, NOW)["m"]] == ["bob"]
    assert [link.user_id for link in associated_links(tie, NOW)["m"]] == ["ann"]


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 3, 31), 1, date(2025, 4, 30)),
        (date(2025, 11, 15), 3, date(2026, 2, 15)),
        (date(2024, 2, 29), 12, date(2025, 2, 28)),
    ],
)
def test_adding_months_keeps_the_day_or_takes_the_months_last(day, months, expected):
    from services.domain.holdings import add_months

    assert add_months(day, months) == expected


def test_a_person_not_yet_qualified_pending_from_the_moment_every_part_counts():
    cat = catalog(competency("cloud", option("azure", silver=[people(1, all_of=["A", "B"], and_among_them={"count": 1, "any_of": ["D"]})])))
    snapshot = (
        OrgBuilder()
        .person("ann", linked_at=ago(days=9))
        .holds("ann", "A", earned_at=ago(hours=1))
        .holds("ann", "B", earned_at=ago(hours=3))
        .holds("ann", "D", earned_at=ago(hours=2))
        .build()
    )

    result = Evaluator(snapshot, cat).assess(NOW).competency("cloud").levels["silver"].options[0].requirements[0]

    assert (result.current, result.pending, result.among_required, result.among_current) == (0, 1, 1, 0)
    assert [(p.person_id, p.counts_from) for p in result.pending_people] == [("ann", later(hours=23))]


def test_with_and_among_them_only_count_minus_k_places_are_open_to_people_without_the_extra():
    cat = catalog(competency("cloud", option("azure", silver=[people(3, any_of=["A"], and_among_them={"count": 2, "any_of": ["D"]})])))
    builder = OrgBuilder()
    for name in ("ann", "bob", "cat"):
        builder = builder.person(name).holds(name, "A")
    snapshot = builder.person("dan").holds("dan", "A", "D").build()

    result = Evaluator(snapshot, cat).assess(NOW).competency("cloud").levels["silver"].options[0].requirements[0]

    assert (result.current, result.required, result.met, result.among_current) == (2, 3, False, 1)
    assert [(c.person_id, c.needs_one_of) for c in result.closest] == [("ann", (("D",),)), ("bob", (("D",),)), ("cat", (("D",),))]


def test_the_five_closest_people_are_named_and_what_each_still_needs():
    cat = catalog(competency("cloud", option("azure", silver=[people(1, any_of=["X", "Y"], one_of_sets=[["P", "Q"], ["R"]])])))
    builder = OrgBuilder()
    for n in range(7):
        builder = builder.person(f"p{n}").holds(f"p{n}", "P")
    snapshot = builder.person("xq").holds("xq", "X", "Q").build()

    result = Evaluator(snapshot, cat).assess(NOW).competency("cloud").levels["silver"].options[0].requirements[0]

    assert [(c.person_id, c.holds, c.needs_one_of, c.missing_count) for c in result.closest] == [
        ("xq", ("Q", "X"), (("P",), ("R",)), 1),
        ("p0", ("P",), (("X", "Q"), ("Y", "Q")), 2),
        ("p1", ("P",), (("X", "Q"), ("Y", "Q")), 2),
        ("p2", ("P",), (("X", "Q"), ("Y", "Q")), 2),
        ("p3", ("P",), (("X", "Q"), ("Y", "Q")), 2),
    ]


def test_evaluating_at_a_naive_moment_is_refused_with_a_clear_message():
    with pytest.raises(ValueError, match=r"^now must be timezone-aware$"):
        evaluate_organization(OrgBuilder().build(), PLAIN, NOW.replace(tzinfo=None))
