"""Alert causes (R10, R16): one alert per change, naming it, every held level it puts at risk, the
membership at its own level, the fix in the requirement's real shape and the people closest to it,
in English and German; and an alert never says more or less than the renewal evaluation."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

from dialogs.cards.alert import alert_reply, alert_summary
from services.domain.alert_causes import AlertCause, change_of, find_alert_causes
from services.domain.evaluation import level_rank
from services.domain.organization import OrganizationEvaluation, evaluate_organization
from tests.builders import NOW, OrgBuilder, ago, catalog, competency, later, metric, option, people

AZURE = competency("cloud", option("azure", silver=[people(1, any_of=["AZ-104", "AZ-305"])], gold=[people(2, any_of=["AZ-104", "AZ-305"])]))
EXPIRES = date(2026, 8, 31)  # 77 days after NOW: inside the 90-day warning window


def causes(snapshot, cat=None, at=NOW):
    return find_alert_causes(evaluate_organization(snapshot, cat or catalog(AZURE), at))


def held_silver() -> OrgBuilder:
    return OrgBuilder("org").membership("silver", EXPIRES, ("cloud", "silver"))


# --- a catalog with several options per competency, sets and `and_among_them` ----------------------

CREDENTIALS = [
    {"code": "AZ-104", "title": "Microsoft Certified: Azure Administrator Associate", "kind": "certification"},
    {"code": "70-346", "title": "Managing Office 365 Identities and Requirements", "kind": "exam"},
    {"code": "70-347", "title": "Enabling Office 365 Services", "kind": "exam"},
    {"code": "mcsa-office-365", "title": "MCSA: Office 365", "kind": "certification"},
    {"code": "70-496", "title": "Administering Visual Studio Team Foundation Server", "kind": "exam"},
    {"code": "70-498", "title": "Delivering Continuous Value with Visual Studio Application Lifecycle Management", "kind": "exam"},
    {"code": "psm-i", "title": {"en": "Professional Scrum Master I", "de": "Professional Scrum Master I"}, "kind": "certification"},
    {"code": "csm", "title": "Certified ScrumMaster", "kind": "certification"},
]
METRICS = [{"id": "o365_active_users", "name": {"en": "Office 365 active users", "de": "aktive Office-365-Nutzer"}}]
SETS = [["70-346", "70-347"], ["mcsa-office-365"]]


def named(cid: str, en: str, de: str, *options: dict) -> dict:
    return {**competency(cid, *options), "name": {"en": en, "de": de}}


def path(oid: str, en: str, de: str, **levels: list) -> dict:
    return {**option(oid, **levels), "name": {"en": en, "de": de}}


RICH = catalog(
    named("cloud", "Cloud Platform", "Cloud-Plattform", path("azure", "Azure certifications", "Azure-Zertifizierungen", silver=[people(1, any_of=["AZ-104"])])),
    named(
        "productivity",
        "Cloud Productivity",
        "Cloud-Produktivität",
        path("exams", "Office 365 exams", "Office-365-Prüfungen", silver=[people(1, one_of_sets=SETS)], gold=[people(2, one_of_sets=SETS)]),
        path("usage", "Office 365 usage", "Office-365-Nutzung", silver=[metric("o365_active_users", 2000, "latest"), people(1, any_of=["70-347"])]),
    ),
    named(
        "devops",
        "DevOps",
        "DevOps",
        path("alm", "ALM exams and an agile certification", "ALM-Prüfungen und eine agile Zertifizierung",
             silver=[people(2, all_of=["70-496", "70-498"], and_among_them={"count": 1, "any_of": ["psm-i", "csm"]})]),
    ),
    credentials=CREDENTIALS,
    metrics=METRICS,
)


def people_of(builder: OrgBuilder, names: dict[str, str]) -> OrgBuilder:
    builder.snapshot = replace(builder.snapshot, people=tuple(replace(p, display_name=names.get(p.id, p.display_name)) for p in builder.snapshot.people))
    return builder


def fabrikam(**left_on: date) -> OrgBuilder:
    """Gold membership. Ann carries three held levels: she is Cloud Platform's only certified person,
    one of the two Cloud Productivity Gold people (the 70-346 + 70-347 set; Bob has the MCSA), and one
    of the two DevOps people, the one with the agile certification. Grace and Dan are one exam away."""
    builder = (
        OrgBuilder("fab")
        .membership("gold", EXPIRES, ("cloud", "silver"), ("productivity", "gold"), ("devops", "silver"))
        .person("ann", left_on=left_on.get("ann")).holds("ann", "AZ-104", "70-346", "70-347", "70-496", "70-498", "psm-i")
        .person("bob", left_on=left_on.get("bob")).holds("bob", "mcsa-office-365")
        .person("cat").holds("cat", "70-496", "70-498")
        .person("grace").holds("grace", "70-346")
        .person("dan").holds("dan", "70-496")
    )
    builder.snapshot = replace(builder.snapshot, name="Fabrikam")
    return people_of(builder, {"ann": "Ann Lee", "bob": "Bob Stone", "cat": "Cat Ortiz", "grace": "Grace Mensah", "dan": "Dan Wu"})


def evaluation_of(builder: OrgBuilder, at=NOW) -> OrganizationEvaluation:
    return evaluate_organization(builder.build(), RICH, at)


def alert_texts(evaluation: OrganizationEvaluation, kind: str = "renewal_at_risk") -> list[tuple[str, str]]:
    """Each alert as the sender words it from the recorded details (stored as JSON), en and de."""
    found = [c for c in find_alert_causes(evaluation) if c.kind == kind]
    stored = [json.loads(json.dumps(c.details, sort_keys=True, default=str)) for c in found]
    return [
        tuple(alert_reply(kind, details, evaluation.snapshot.name, evaluation.catalog, language, evaluation.moment).text for language in ("en", "de"))  # type: ignore[misc]
        for details in stored
    ]


def assert_agrees_with_renewal(evaluation: OrganizationEvaluation, found: tuple[AlertCause, ...]) -> None:
    """R16: an alert never says more or less than the renewal evaluation of the same moment."""
    renewal = evaluation.renewal
    membership = evaluation.snapshot.membership.level if evaluation.snapshot.membership else "none"
    for alert in (c for c in found if c.kind == "renewal_at_risk"):
        named_levels = [(level["competency"], level["level"]) for level in alert.details["levels"]]
        change = tuple(alert.key.split("|")[2:])
        behind = [(h.competency_id, h.level) for h in renewal.held if h.at_risk and any(change_of(c) == change for c in h.causes)]
        assert named_levels == behind, alert.key
        assert all(renewal.level_at_risk(c, lv) for c, lv in named_levels), alert.key
        touches = renewal.at_risk and any(level_rank(lv) >= level_rank(membership) for _, lv in named_levels)
        assert (alert.details["membership_at_risk"], alert.details["renewal_at_risk"]) == (touches, renewal.at_risk), alert.key


# --- each kind of cause, its key stable from scan to scan ------------------------------------------


def test_a_leaver_who_held_the_only_certification_is_a_cause_naming_them():
    snapshot = held_silver().person("ann", left_on=date(2026, 6, 1)).holds("ann", "AZ-104").build()

    found = causes(snapshot)

    assert [(c.kind, c.details["cause"], c.details["person"]) for c in found] == [("renewal_at_risk", "leaver", "ann")]
    assert found[0].details["membership_at_risk"] is True
    assert found[0].key == "renewal|org|leaver|ann"


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

    assert [(c.details["person"], c.details["msa"], c.key) for c in found] == [("ann", "ann@msa", "renewal|org|msa_moved|ann|ann@msa")]


def test_a_metric_below_its_threshold_is_a_cause():
    cat = catalog(competency("cloud", option("azure", silver=[metric("usd", 15000)])))
    snapshot = held_silver().monthly("usd", 1000, 12).build()

    found = causes(snapshot, cat)

    assert [(c.details["cause"], c.details["metric"], c.details["current"], c.details["required"]) for c in found] == [("metric_below", "usd", 12000, 15000)]


def test_gold_met_while_the_membership_is_silver_is_an_upgrade_cause_naming_the_competency():
    snapshot = OrgBuilder("org").membership("silver", date(2027, 3, 1)).person("ann").person("bob").holds("ann", "AZ-104").holds("bob", "AZ-305").build()

    found = causes(snapshot)

    assert [(c.kind, c.key, c.details["competencies"]) for c in found] == [("upgrade_available", "upgrade|org|gold", [["cloud", "azure"]])]


def test_an_override_ending_within_14_days_is_a_cause():
    snapshot = OrgBuilder("org").membership("gold", date(2027, 3, 1)).override("cloud", "azure", "gold", date(2026, 4, 1), date(2026, 6, 25)).build()

    assert [c.kind for c in causes(snapshot)] == ["override_ends"]
    assert causes(snapshot, at=NOW - timedelta(days=10)) == ()


def test_the_same_situation_gives_the_same_keys_and_a_safe_one_none():
    risky = held_silver().person("ann", left_on=date(2026, 6, 1)).holds("ann", "AZ-104").build()
    safe = held_silver().person("ann").holds("ann", "AZ-104").build()

    assert [c.key for c in causes(risky)] == [c.key for c in causes(risky, at=later(hours=5))]
    assert causes(safe) == ()


# --- what each alert says, in English and German ----------------------------------------------------


def test_one_leaver_who_carries_three_levels_is_one_alert_naming_each_level_the_gold_membership_and_who_could_fill_the_gap():
    evaluation = evaluation_of(fabrikam(ann=date(2026, 6, 1)))

    found = find_alert_causes(evaluation)

    assert [c.key for c in found] == ["renewal|fab|leaver|ann"]
    assert_agrees_with_renewal(evaluation, found)
    assert alert_texts(evaluation) == [(
        "Competency alert for Fabrikam\n"
        "A recent change to your competency achievement has put your membership renewal eligibility at risk\n"
        "What changed: Ann Lee left on Jun 1, 2026\n"
        "Cloud Platform Silver would not be met on Aug 31, 2026.\n"
        "Cloud Productivity Gold would not be met on Aug 31, 2026.\n"
        "DevOps Silver would not be met on Aug 31, 2026.\n"
        "Your Gold membership renewal on Aug 31, 2026 is at risk.\n"
        "Cheapest fix for Cloud Platform Silver, via Azure certifications: 1 more certified person (AZ-104)\n"
        "Cheapest fix for Cloud Productivity Gold, via Office 365 exams: 1 more certified person (70-346 + 70-347 or MCSA: Office 365)\n"
        "  Who could fill the gap\n"
        "  - Grace Mensah needs only 70-347 or MCSA: Office 365\n"
        "Cheapest fix for DevOps Silver, via ALM exams and an agile certification: 1 more certified person (70-496 and 70-498; "
        "1 of them also holding Certified ScrumMaster or Professional Scrum Master I)\n"
        "  Who could fill the gap\n"
        "  - Cat Ortiz needs only Certified ScrumMaster or Professional Scrum Master I\n"
        "  - Dan Wu needs only 70-498",
        "Kompetenzhinweis für Fabrikam\n"
        "Eine kürzlich erfolgte Änderung bei Ihren Kompetenznachweisen gefährdet die Verlängerung Ihrer Mitgliedschaft\n"
        "Was sich geändert hat: Ann Lee hat die Organisation am 01.06.2026 verlassen\n"
        "Cloud-Plattform auf Stufe Silber wäre am 31.08.2026 nicht mehr erfüllt.\n"
        "Cloud-Produktivität auf Stufe Gold wäre am 31.08.2026 nicht mehr erfüllt.\n"
        "DevOps auf Stufe Silber wäre am 31.08.2026 nicht mehr erfüllt.\n"
        "Die Verlängerung Ihrer Gold-Mitgliedschaft am 31.08.2026 ist gefährdet.\n"
        "Am wenigsten fehlt für Cloud-Plattform auf Stufe Silber über Azure-Zertifizierungen: noch 1 zertifizierte Person (AZ-104)\n"
        "Am wenigsten fehlt für Cloud-Produktivität auf Stufe Gold über Office-365-Prüfungen: noch 1 zertifizierte Person (70-346 + 70-347 oder MCSA: Office 365)\n"
        "  Wer die Lücke schließen könnte\n"
        "  - Grace Mensah braucht nur noch 70-347 oder MCSA: Office 365\n"
        "Am wenigsten fehlt für DevOps auf Stufe Silber über ALM-Prüfungen und eine agile Zertifizierung: noch 1 zertifizierte Person (70-496 und 70-498; "
        "davon 1 zusätzlich mit Certified ScrumMaster oder Professional Scrum Master I)\n"
        "  Wer die Lücke schließen könnte\n"
        "  - Cat Ortiz braucht nur noch Certified ScrumMaster oder Professional Scrum Master I\n"
        "  - Dan Wu braucht nur noch 70-498",
    )]



def test_an_expiry_in_a_silver_held_competency_of_a_gold_member_names_the_credential_and_says_the_gold_renewal_is_safe():
    builder = fabrikam()
    builder.snapshot = replace(builder.snapshot, achievements=tuple(replace(a, expires_at=later(days=30)) if a.code == "AZ-104" else a for a in builder.snapshot.achievements))
    evaluation = evaluation_of(builder)

    found = [c for c in find_alert_causes(evaluation) if c.kind == 'renewal_at_risk']

    assert [c.key for c in found] == ['renewal|fab|expiring|ann|AZ-104']
    assert_agrees_with_renewal(evaluation, find_alert_causes(evaluation))
    assert alert_texts(evaluation, 'renewal_at_risk') == [(
        'Competency alert for Fabrikam\n'
        'A recent change to your competency achievement has put a held competency at risk at renewal\n'
        "What changed: Ann Lee's Microsoft Certified: Azure Administrator Associate (AZ-104) expires on Jul 15, 2026\n"
        'Cloud Platform Silver would not be met on Aug 31, 2026.\n'
        'Your Gold membership renewal on Aug 31, 2026 is not at risk: another held competency still meets Gold.\n'
        'Cheapest fix for Cloud Platform Silver, via Azure certifications: 1 more certified person (AZ-104)',
        'Kompetenzhinweis für Fabrikam\n'
        'Eine kürzlich erfolgte Änderung bei Ihren Kompetenznachweisen gefährdet eine erworbene Kompetenz bei der Verlängerung\n'
        'Was sich geändert hat: „Microsoft Certified: Azure Administrator Associate (AZ-104)“ von Ann Lee läuft am 15.07.2026 ab\n'
        'Cloud-Plattform auf Stufe Silber wäre am 31.08.2026 nicht mehr erfüllt.\n'
        'Die Verlängerung Ihrer Gold-Mitgliedschaft am 31.08.2026 ist nicht gefährdet: Eine andere erworbene Kompetenz erfüllt weiterhin die Stufe Gold.\n'
        'Am wenigsten fehlt für Cloud-Plattform auf Stufe Silber über Azure-Zertifizierungen: noch 1 zertifizierte Person (AZ-104)',
    )]


def test_an_msa_that_now_counts_elsewhere_is_named_for_the_organisation_it_left_without_naming_the_other():
    builder = fabrikam()
    builder.snapshot = replace(builder.snapshot, links=tuple(replace(l, dissolved_at=ago(days=1)) if l.user_id == "bob" else l for l in builder.snapshot.links))
    evaluation = evaluation_of(builder)

    found = [c for c in find_alert_causes(evaluation) if c.kind == 'renewal_at_risk']

    assert [c.key for c in found] == ['renewal|fab|msa_moved|bob|bob@msa']
    assert_agrees_with_renewal(evaluation, find_alert_causes(evaluation))
    assert alert_texts(evaluation, 'renewal_at_risk') == [(
        'Competency alert for Fabrikam\n'
        'A recent change to your competency achievement has put your membership renewal eligibility at risk\n'
        "What changed: Bob Stone's Microsoft account, which holds MCSA: Office 365, counts for another organisation since Jun 14, 2026\n"
        'Cloud Productivity Gold would not be met on Aug 31, 2026.\n'
        'Your Gold membership renewal on Aug 31, 2026 is at risk.\n'
        'Cheapest fix for Cloud Productivity Gold, via Office 365 exams: 1 more certified person (70-346 + 70-347 or MCSA: Office 365)\n'
        '  Who could fill the gap\n'
        '  - Grace Mensah needs only 70-347 or MCSA: Office 365',
        'Kompetenzhinweis für Fabrikam\n'
        'Eine kürzlich erfolgte Änderung bei Ihren Kompetenznachweisen gefährdet die Verlängerung Ihrer Mitgliedschaft\n'
        'Was sich geändert hat: Das Microsoft-Konto von Bob Stone mit MCSA: Office 365 zählt seit dem 14.06.2026 für eine andere Organisation\n'
        'Cloud-Produktivität auf Stufe Gold wäre am 31.08.2026 nicht mehr erfüllt.\n'
        'Die Verlängerung Ihrer Gold-Mitgliedschaft am 31.08.2026 ist gefährdet.\n'
        'Am wenigsten fehlt für Cloud-Produktivität auf Stufe Gold über Office-365-Prüfungen: noch 1 zertifizierte Person (70-346 + 70-347 oder MCSA: Office 365)\n'
        '  Wer die Lücke schließen könnte\n'
        '  - Grace Mensah braucht nur noch 70-347 oder MCSA: Office 365',
    )]


def test_a_metric_below_its_threshold_names_the_figure_the_threshold_and_the_amount_missing():
    builder = OrgBuilder("con").membership("silver", EXPIRES, ("productivity", "silver")).person("eve").holds("eve", "70-347").figure("o365_active_users", "2026-06", 1500)
    builder.snapshot = replace(builder.snapshot, name="Contoso")
    evaluation = evaluation_of(people_of(builder, {"eve": "Eve Park"}))

    found = [c for c in find_alert_causes(evaluation) if c.kind == 'renewal_at_risk']

    assert [c.key for c in found] == ['renewal|con|metric_below|o365_active_users']
    assert_agrees_with_renewal(evaluation, find_alert_causes(evaluation))
    assert alert_texts(evaluation, 'renewal_at_risk') == [(
        'Competency alert for Contoso\n'
        'A recent change to your competency achievement has put your membership renewal eligibility at risk\n'
        'What changed: Office 365 active users: 1,500, below the required 2,000\n'
        'Cloud Productivity Silver would not be met on Aug 31, 2026.\n'
        'Your Silver membership renewal on Aug 31, 2026 is at risk.\n'
        'Cheapest fix for Cloud Productivity Silver, via Office 365 usage: 500 more Office 365 active users',
        'Kompetenzhinweis für Contoso\n'
        'Eine kürzlich erfolgte Änderung bei Ihren Kompetenznachweisen gefährdet die Verlängerung Ihrer Mitgliedschaft\n'
        'Was sich geändert hat: Aktive Office-365-Nutzer: 1.500, weniger als die erforderlichen 2.000\n'
        'Cloud-Produktivität auf Stufe Silber wäre am 31.08.2026 nicht mehr erfüllt.\n'
        'Die Verlängerung Ihrer Silber-Mitgliedschaft am 31.08.2026 ist gefährdet.\n'
        'Am wenigsten fehlt für Cloud-Produktivität auf Stufe Silber über Office-365-Nutzung: noch 500 aktive Office-365-Nutzer',
    )]


def test_a_risk_no_change_explains_says_exactly_that():
    builder = OrgBuilder("con").membership("silver", EXPIRES, ("devops", "silver")).person("eve").holds("eve", "70-496", "70-498", "csm")
    builder.snapshot = replace(builder.snapshot, name="Contoso")
    evaluation = evaluation_of(people_of(builder, {"eve": "Eve Park"}))

    found = [c for c in find_alert_causes(evaluation) if c.kind == 'renewal_at_risk']

    assert [c.key for c in found] == ['renewal|con|people_short|devops|silver']
    assert_agrees_with_renewal(evaluation, find_alert_causes(evaluation))
    assert alert_texts(evaluation, 'renewal_at_risk') == [(
        'Competency alert for Contoso\n'
        'Your membership renewal eligibility is at risk\n'
        "Why: Only 1 of 2 people qualifies. No change in your organisation's data explains this; the requirements themselves may have changed.\n"
        'DevOps Silver would not be met on Aug 31, 2026.\n'
        'Your Silver membership renewal on Aug 31, 2026 is at risk.\n'
        'Cheapest fix for DevOps Silver, via ALM exams and an agile certification: 1 more certified person (70-496 and 70-498)',
        'Kompetenzhinweis für Contoso\n'
        'Die Verlängerung Ihrer Mitgliedschaft ist gefährdet\n'
        'Warum: Nur 1 der 2 benötigten Personen erfüllt die Anforderung. Keine Änderung in den Daten Ihrer Organisation erklärt das; möglicherweise haben sich die Anforderungen selbst geändert.\n'
        'DevOps auf Stufe Silber wäre am 31.08.2026 nicht mehr erfüllt.\n'
        'Die Verlängerung Ihrer Silber-Mitgliedschaft am 31.08.2026 ist gefährdet.\n'
        'Am wenigsten fehlt für DevOps auf Stufe Silber über ALM-Prüfungen und eine agile Zertifizierung: noch 1 zertifizierte Person (70-496 und 70-498)',
    )]


def test_the_upgrade_alert_names_the_competencies_that_now_meet_the_level():
    builder = OrgBuilder("con").membership("silver", EXPIRES, ("productivity", "silver")).person("eve").holds("eve", "70-346", "70-347").person("fay").holds("fay", "mcsa-office-365")
    builder.snapshot = replace(builder.snapshot, name="Contoso")
    evaluation = evaluation_of(builder)

    found = [c for c in find_alert_causes(evaluation) if c.kind == 'upgrade_available']

    assert [c.key for c in found] == ['upgrade|con|gold']
    assert_agrees_with_renewal(evaluation, find_alert_causes(evaluation))
    assert alert_texts(evaluation, 'upgrade_available') == [(
        'Competency alert for Contoso\n'
        'Good news: Contoso now meets Gold in at least one competency, so the membership can be upgraded from Silver to Gold.\n'
        '- Cloud Productivity meets Gold via Office 365 exams',
        'Kompetenzhinweis für Contoso\n'
        'Gute Nachricht: Contoso erfüllt jetzt in mindestens einer Kompetenz die Stufe Gold; die Mitgliedschaft kann von Silber auf Gold hochgestuft werden.\n'
        '- Cloud-Produktivität erfüllt die Stufe Gold über Office-365-Prüfungen',
    )]


def test_the_override_alert_names_competency_option_and_the_status_that_applies_afterwards():
    builder = (
        OrgBuilder("con").membership("gold", EXPIRES, ("productivity", "gold"))
        .person("eve").holds("eve", "70-346", "70-347").person("gus").holds("gus", "70-346")
        .override("productivity", "exams", "gold", date(2026, 4, 1), date(2026, 6, 25))
    )
    builder.snapshot = replace(builder.snapshot, name="Contoso")
    evaluation = evaluation_of(people_of(builder, {"eve": "Eve Park", "gus": "Gus Hill"}))

    found = [c for c in find_alert_causes(evaluation) if c.kind == 'override_ends']

    assert [c.key for c in found] == ['override|con|productivity|exams|gold|2026-06-25']
    assert_agrees_with_renewal(evaluation, find_alert_causes(evaluation))
    assert alert_texts(evaluation, 'override_ends') == [(
        'Competency alert for Contoso\n'
        'The Microsoft support override for Cloud Productivity Gold via Office 365 exams ends on Jun 25, 2026.\n'
        'Afterwards Cloud Productivity Gold is no longer met.\n'
        'To meet it without the override, via Office 365 exams: 1 more certified person (70-346 + 70-347 or MCSA: Office 365)\n'
        '  Closest people\n'
        '  - Gus Hill needs only 70-347 or MCSA: Office 365',
        'Kompetenzhinweis für Contoso\n'
        'Die Ausnahme des Microsoft-Supports für Cloud-Produktivität auf Stufe Gold über Office-365-Prüfungen endet am 25.06.2026.\n'
        'Danach ist Cloud-Produktivität auf Stufe Gold nicht mehr erfüllt.\n'
        'Ohne die Ausnahme fehlt über Office-365-Prüfungen: noch 1 zertifizierte Person (70-346 + 70-347 oder MCSA: Office 365)\n'
        '  Am nächsten dran\n'
        '  - Gus Hill braucht nur noch 70-347 oder MCSA: Office 365',
    )]


def test_in_a_competency_with_several_options_the_cause_is_found_on_the_option_that_carried_the_held_level():
    """Ann carried Cloud Productivity Silver through Office 365 usage; the exams option is as close by
    rank (Grace holds half a set), but Ann's leaving is what changed, not a shortfall on the exams."""
    builder = (
        OrgBuilder("con").membership("silver", EXPIRES, ("productivity", "silver"))
        .person("ann", left_on=date(2026, 6, 1)).holds("ann", "70-347")
        .person("grace").holds("grace", "70-346")
        .figure("o365_active_users", "2026-06", 2500)
    )
    evaluation = evaluation_of(people_of(builder, {"ann": "Ann Lee", "grace": "Grace Mensah"}))

    found = find_alert_causes(evaluation)

    assert [(c.key, [level["option"] for level in c.details["levels"]]) for c in found] == [("renewal|con|leaver|ann", ["usage"])]
    assert_agrees_with_renewal(evaluation, found)
    assert alert_texts(evaluation)[0][0].split("\n")[2:4] == ["What changed: Ann Lee left on Jun 1, 2026", "Cloud Productivity Silver would not be met on Aug 31, 2026."]


def test_a_second_leaver_for_a_level_already_at_risk_is_a_new_alert_of_its_own():
    one = evaluation_of(fabrikam(ann=date(2026, 6, 1)))
    two = evaluation_of(fabrikam(ann=date(2026, 6, 1), bob=date(2026, 6, 10)))

    assert [c.key for c in find_alert_causes(one)] == ["renewal|fab|leaver|ann"]
    assert [c.key for c in find_alert_causes(two)] == ["renewal|fab|leaver|ann", "renewal|fab|leaver|bob"]
    assert_agrees_with_renewal(two, find_alert_causes(two))


def summaries(evaluation: OrganizationEvaluation, language: str = "en") -> list[str]:
    """Each recorded alert in one line, as `alerts list` shows it."""
    stored = [(c.kind, json.loads(json.dumps(c.details, sort_keys=True, default=str))) for c in find_alert_causes(evaluation)]
    return [alert_summary(kind, details, evaluation.snapshot.name, evaluation.catalog, language, evaluation.moment) for kind, details in stored]


def test_the_one_line_summary_of_each_kind_names_people_and_catalog_titles_not_ids():
    leaver = evaluation_of(fabrikam(ann=date(2026, 6, 1)))
    upgrade = OrgBuilder("con").membership("silver", EXPIRES, ("productivity", "silver")).person("eve").holds("eve", "70-346", "70-347").person("fay").holds("fay", "mcsa-office-365")
    upgrade.snapshot = replace(upgrade.snapshot, name="Contoso")
    override = (
        OrgBuilder("con").membership("gold", EXPIRES, ("productivity", "gold"))
        .person("eve").holds("eve", "70-346", "70-347").person("gus").holds("gus", "70-346")
        .override("productivity", "exams", "gold", date(2026, 4, 1), date(2026, 6, 25))
    )

    assert summaries(leaver) == ["Ann Lee left on Jun 1, 2026; at risk: Cloud Platform Silver, Cloud Productivity Gold and DevOps Silver"]
    assert summaries(leaver, "de") == ["Ann Lee hat die Organisation am 01.06.2026 verlassen; gefährdet: Cloud-Plattform Silber, Cloud-Produktivität Gold und DevOps Silber"]
    assert summaries(evaluation_of(upgrade)) == [
        "Good news: Contoso now meets Gold in at least one competency, so the membership can be upgraded from Silver to Gold."
    ]
    assert summaries(evaluation_of(override)) == [
        "The Microsoft support override for Office 365 exams ends on Jun 25, 2026; at risk: Cloud Productivity Gold",  # the renewal risk
        "The Microsoft support override for Cloud Productivity Gold via Office 365 exams ends on Jun 25, 2026.",  # the override's own alert
    ]
