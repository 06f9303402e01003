"""What the bot shows, in English and German: message catalogues, number and date formats, and the
Adaptive Cards built from real evaluations of the demo dataset against the bundled catalog."""

from __future__ import annotations

import copy
import json
import re
import string
from collections.abc import Iterator
from datetime import date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from dialogs.cards import (
    Reply,
    achievements_reply,
    competency_reply,
    designations_reply,
    expiring_reply,
    help_reply,
    membership_reply,
    people_reply,
    progress_reply,
    renewal_reply,
    specializations_reply,
    upgrade_reply,
    welcome_reply,
    what_if_reply,
)
from dialogs.cards.phrases import Phrasebook
from dialogs.formatting import date_text, datetime_text, metric_value, money, number, time_zone
from dialogs.messages import LANGUAGES, language_of, text
from dialogs.recognizer import INTENTS
from services.achievements import describe_user
from services.demo_dataset import CONTOSO_ID, FABRIKAM_ID, build_demo_dataset
from services.domain.catalog import Catalog, MetricRequirement, parse_catalog
from services.domain.expiries import expiring_achievements
from services.domain.organization import OrganizationEvaluation, evaluate_organization
from services.domain.renewal import RiskCause
from services.domain.roster import build_roster
from services.domain.snapshot import Achievement, HeldLevel, Membership, MetricValue, MsaLink, OrganizationSnapshot, Person
from services.domain.what_if import Change, what_if
from services.people import ExpiringAnswer, PeopleAnswer
from services.standing import Designations, Specializations, membership_of, standing_of
from tests.imported import imported_snapshot

PROJECT = Path(__file__).resolve().parents[2]
CARD_SCHEMA = PROJECT / "docs" / "contract" / "adaptive-card-1.5.schema.json"
CARD_LIMIT_BYTES = 25 * 1024  # research §5.1: keep bot cards well under Teams' ~28 KB
NOW = datetime(2026, 11, 21, 0, 47, tzinfo=timezone.utc)
LANGUAGES_SPOKEN = ("en", "de")


@lru_cache(maxsize=1)
def bundled_catalog() -> Catalog:
    raw = json.loads((PROJECT / "services" / "data" / "catalog.json").read_text(encoding="utf-8"))
    return parse_catalog(raw["catalog"])


def demo_snapshot(organization_id: str, dataset: dict[str, Any] | None = None) -> OrganizationSnapshot:
    return imported_snapshot(dataset or build_demo_dataset(NOW), organization_id, NOW)


def evaluate(organization_id: str, level: str | None = None, dataset: dict[str, Any] | None = None) -> OrganizationEvaluation:
    return evaluate_organization(demo_snapshot(organization_id, dataset), bundled_catalog(), NOW, level)  # type: ignore[arg-type]


def busy_snapshot() -> OrganizationSnapshot:
    """The card-size worst case: 60 people with long names, each holding two credentials (every
    third still pending), a figure for every metric, every competency held and every holding
    expiring before the anniversary, so every list on every card is as long as it gets."""
    catalog = bundled_catalog()
    codes = sorted(catalog.credentials)
    metrics = {
        r.metric
        for competency in catalog.competencies
        for option in competency.options
        for requirements in option.levels.values()
        for r in requirements
        if isinstance(r, MetricRequirement)
    }
    people, links, achievements = [], [], []
    for i in range(60):
        msa = f"person.{i}@outlook.example"
        people.append(Person(f"p{i}", f"Maximiliane Müller-Lüdenscheidt-Oberhausen {i}"))
        links.append(MsaLink(f"p{i}", msa, NOW - timedelta(hours=2) if i % 3 == 0 else NOW - timedelta(days=400)))
        for code in (codes[i % len(codes)], codes[(7 * i + 3) % len(codes)]):
            achievements.append(Achievement(msa, code, NOW - timedelta(days=300), NOW + timedelta(days=30)))
    months = [f"{(NOW.year * 12 + NOW.month - 1 - back) // 12}-{(NOW.month - 1 - back) % 12 + 1:02d}" for back in range(13)]
    return OrganizationSnapshot(
        id="busy",
        name="Großhandelsgesellschaft für Informationstechnologie und Cloud-Dienstleistungen mbH",
        tenant_id="tenant-busy",
        membership=Membership("silver", NOW.date() + timedelta(days=60)),
        held=tuple(HeldLevel(c.id, "silver") for c in catalog.competencies),
        people=tuple(people),
        links=tuple(links),
        achievements=tuple(achievements),
        metrics=tuple(MetricValue(metric, month, 123.45) for metric in sorted(metrics) for month in months),
    )


def all_replies(language: str) -> Iterator[tuple[str, Reply]]:
    """Every reply the bot builds from the demo data, plus the busy organisation's."""
    catalog = bundled_catalog()
    for organization_id in (CONTOSO_ID, FABRIKAM_ID):
        for level in ("silver", "gold"):
            evaluation = evaluate(organization_id, level)
            yield f"{organization_id} {level} progress", progress_reply(evaluation, level, language)
            yield f"{organization_id} {level} upgrade", upgrade_reply(evaluation, language)
        yield f"{organization_id} renewal", renewal_reply(evaluate(organization_id), language)
    contoso = demo_snapshot(CONTOSO_ID)
    for person in contoso.people:
        yield f"{person.id} achievements", achievements_reply(describe_user(contoso, catalog, person.id, NOW), language)
    busy = evaluate_organization(busy_snapshot(), catalog, NOW, "gold")
    yield "busy gold progress", progress_reply(busy, "gold", language)
    yield "busy upgrade", upgrade_reply(busy, language)
    yield "busy renewal", renewal_reply(busy, language)
    yield from second_release_replies(language, busy)
    yield "help", help_reply(language)
    yield "welcome", welcome_reply(language)


def second_release_replies(language: str, busy: OrganizationEvaluation, zone: tzinfo | None = None) -> Iterator[tuple[str, Reply]]:
    """The answers of the second release, for the demo organisations and the card-size worst case
    (times in `zone`, else in UTC, labelled)."""
    for name, evaluation in ((CONTOSO_ID, evaluate(CONTOSO_ID)), (FABRIKAM_ID, evaluate(FABRIKAM_ID)), ("busy", busy)):
        for competency in evaluation.catalog.competencies:
            yield f"{name} {competency.id}", competency_reply(standing_of(evaluation, competency.id), language, zone)
        yield f"{name} membership", membership_reply(membership_of(evaluation), language, zone)
        people = PeopleAnswer(evaluation.snapshot.name, build_roster(evaluation), evaluation.catalog, evaluation.moment, evaluation.people_names)
        yield f"{name} people", people_reply(people, language, zone)
        yield f"{name} expiring", expiring_reply(ExpiringAnswer(evaluation.snapshot.name, expiring_achievements(evaluation), evaluation.catalog, evaluation.moment), language, zone)
        yield f"{name} specializations", specializations_reply(Specializations(evaluation.assessment.specializations, evaluation), language, zone)
        yield f"{name} designations", designations_reply(Designations(evaluation.designations, evaluation), language, zone)
        first = evaluation.snapshot.people[0].id
        yield f"{name} what if", what_if_reply(what_if(evaluation.snapshot, evaluation.catalog, Change("leaves", first), NOW), language, zone)


def cards(language: str) -> list[tuple[str, dict[str, Any]]]:
    return [(name, reply.card) for name, reply in all_replies(language) if reply.card is not None]


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


@pytest.fixture(scope="module")
def card_validator() -> jsonschema.Draft6Validator:
    return jsonschema.Draft6Validator(json.loads(CARD_SCHEMA.read_text(encoding="utf-8")))


# --- message catalogues ---------------------------------------------------------------------------


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def test_english_and_german_catalogues_have_the_same_keys() -> None:
    assert set(LANGUAGES["en"]) == set(LANGUAGES["de"])


def test_every_message_has_the_same_placeholders_in_english_and_german() -> None:
    differing = {
        key: (placeholders(LANGUAGES["en"][key]), placeholders(LANGUAGES["de"][key]))
        for key in LANGUAGES["en"]
        if placeholders(LANGUAGES["en"][key]) != placeholders(LANGUAGES["de"][key])
    }
    assert differing == {}


def test_german_messages_are_written_with_umlauts_not_transliterations() -> None:
    transliterated = re.compile(r"\b\w*(fuer|ueber|Ae|Oe|Ue|aeh|oeh|ueh|laeng|zaehl|faehr|naechst|koenn|moecht)\w*\b")
    assert [m for m in LANGUAGES["de"].values() if transliterated.search(m)] == []
    assert any("ä" in m for m in LANGUAGES["de"].values()) and any("ü" in m for m in LANGUAGES["de"].values())


def test_the_renewal_alert_sentence_is_the_seed_sentence_and_its_german_translation() -> None:
    assert text("en", "alert_renewal_at_risk") == (
        "A recent change to your competency achievement has put your membership renewal eligibility at risk"
    )
    assert text("de", "alert_renewal_at_risk") == (
        "Eine kürzlich erfolgte Änderung bei Ihren Kompetenznachweisen gefährdet die Verlängerung Ihrer Mitgliedschaft"
    )


@pytest.mark.parametrize(
    ("locale", "language"),
    [("de-DE", "de"), ("de", "de"), ("DE-at", "de"), ("de_CH", "de"), ("en-US", "en"), ("fr-FR", "en"), ("", "en"), (None, "en")],
)
def test_the_language_is_german_for_de_locales_and_english_otherwise(locale: str | None, language: str) -> None:
    assert language_of(locale) == language


def test_messages_fill_in_their_placeholders_and_fall_back_to_english() -> None:
    assert text("de", "link_done", msa="a@b.example", counts_from="22.11.2026, 00:47 UTC") == (
        "a@b.example ist verknüpft. Die Nachweise dieses Kontos zählen ab 22.11.2026, 00:47 UTC für Ihre Organisation."
    )
    assert text("fr", "cancelled") == text("en", "cancelled")


# --- formatting -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "en", "de"),
    [(12000, "12,000", "12.000"), (1234.5, "1,234.50", "1.234,50"), (0, "0", "0"), (999.999, "1,000", "1.000"), (1234567.25, "1,234,567.25", "1.234.567,25")],
)
def test_numbers_use_the_languages_separators_and_decimals_only_when_fractional(value: float, en: str, de: str) -> None:
    assert (number(value, "en"), number(value, "de")) == (en, de)


def test_money_is_dollars_before_the_amount_in_english_and_after_it_in_german() -> None:
    assert (money(12000, "en"), money(12000, "de")) == ("$12,000", "12.000 $")
    assert (money(-3260.5, "en"), money(-3260.5, "de")) == ("-$3,260.50", "-3.260,50 $")


def test_dates_and_times_read_as_each_language_expects_in_utc_labelled_when_the_zone_is_unknown() -> None:
    moment = datetime(2026, 11, 21, 15, 5, tzinfo=timezone(timedelta(hours=1)))
    assert (date_text(date(2026, 11, 21), "en"), date_text(date(2026, 11, 21), "de")) == ("Nov 21, 2026", "21.11.2026")
    assert (datetime_text(moment, "en"), datetime_text(moment, "de")) == ("Nov 21, 2026, 14:05 UTC", "21.11.2026, 14:05 UTC")
    assert date_text(datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=2))), "de") == "31.12.2025"


def test_times_are_shown_in_the_readers_zone_unlabelled_and_its_day_is_the_local_day() -> None:
    late = datetime(2026, 11, 21, 23, 47, tzinfo=timezone.utc)
    berlin, tokyo, new_york = time_zone("Europe/Berlin"), time_zone("Asia/Tokyo"), time_zone("America/New_York")
    assert datetime_text(late, "de", berlin) == "22.11.2026, 00:47"
    assert datetime_text(late, "en", tokyo) == "Nov 22, 2026, 08:47"
    assert datetime_text(datetime(2026, 7, 1, 12, 0, tzinfo=timezone.utc), "en", new_york) == "Jul 1, 2026, 08:00"  # summer time
    assert date_text(late, "en", berlin) == "Nov 22, 2026" and date_text(date(2026, 11, 21), "en", tokyo) == "Nov 21, 2026"
    assert datetime_text(late, "en", time_zone("Etc/UTC")) == "Nov 21, 2026, 23:47 UTC"  # a reader in UTC reads the label too


@pytest.mark.parametrize("language", LANGUAGES_SPOKEN)
def test_the_second_releases_answers_show_times_in_the_readers_zone(language: str) -> None:
    busy = evaluate_organization(busy_snapshot(), bundled_catalog(), NOW, "gold")
    in_utc = dict(second_release_replies(language, busy))
    in_berlin = dict(second_release_replies(language, busy, time_zone("Europe/Berlin")))
    as_of_utc, as_of_berlin = (text(language, "as_of", when=datetime_text(NOW, language, zone)) for zone in (None, time_zone("Europe/Berlin")))

    timed = {name for name, reply in in_utc.items() if as_of_utc in reply.text}
    assert {name.split(" ", 1)[1] for name in timed} >= {"people", "expiring", "membership", "specializations", "designations"}
    for name in timed:
        assert as_of_berlin in in_berlin[name].text and " UTC" not in in_berlin[name].text, name


@pytest.mark.parametrize("name", [None, "", "Mars/Olympus_Mons", "../../etc/passwd", "/etc/localtime", "Europe/Berlin\x00", "x" * 200])
def test_an_unknown_or_invalid_zone_name_is_no_zone_so_times_read_in_utc_labelled(name: str | None) -> None:
    assert time_zone(name) is None
    assert datetime_text(datetime(2026, 11, 21, 23, 47, tzinfo=timezone.utc), "en", time_zone(name)) == "Nov 21, 2026, 23:47 UTC"


def test_metric_values_are_money_for_usd_metrics_and_plain_numbers_otherwise() -> None:
    assert metric_value("azure_consumption_usd", 111200, "en") == "$111,200"
    assert metric_value("power_bi_seats", 1000, "de") == "1.000"


def test_every_metric_of_the_bundled_catalog_is_named_by_the_catalog_in_both_languages() -> None:
    raw = (PROJECT / "services" / "data" / "catalog.json").read_text(encoding="utf-8")
    metric_ids = set(re.findall(r'"metric":\s*"([^"]+)"', raw))
    assert metric_ids
    words = {lang: Phrasebook(lang, bundled_catalog()) for lang in LANGUAGES_SPOKEN}
    unnamed = {m for m in metric_ids for lang in LANGUAGES_SPOKEN if words[lang].metric(m) == m.replace("_", " ")}
    assert unnamed == set()
    assert (words["en"].metric("power_bi_seats"), words["de"].metric("power_bi_seats")) == ("Power BI seats", "Power-BI-Lizenzen")


def test_a_metric_the_catalog_does_not_name_reads_as_its_id_with_spaces() -> None:
    assert Phrasebook("de", bundled_catalog()).metric("copilot_seats_deployed") == "copilot seats deployed"


def test_a_metric_a_datasets_own_catalog_leaves_unnamed_is_named_as_the_bundled_catalog_names_it() -> None:
    example = json.loads((PROJECT / "docs" / "contract" / "example-dataset.json").read_text(encoding="utf-8"))
    catalog = parse_catalog(example["catalog"])
    assert "azure_consumption_usd" not in catalog.metrics  # the contract's example names no metric
    en, de = Phrasebook("en", catalog), Phrasebook("de", catalog)
    assert (en.metric("azure_consumption_usd"), de.metric("azure_consumption_usd")) == ("Azure consumption", "Azure-Verbrauch")
    assert (en.metric("o365_active_users"), de.metric("o365_active_users")) == ("Office 365 active users", "aktive Office-365-Nutzer")
    assert de.metric("copilot_seats_deployed") == "copilot seats deployed"  # named by neither catalog


def test_credentials_are_named_by_title_with_the_exam_number_beside_it_and_assessments_never_by_code() -> None:
    en, de = Phrasebook("en", bundled_catalog()), Phrasebook("de", bundled_catalog())
    assert en.credential("AZ-104") == "Microsoft Certified: Azure Administrator Associate (AZ-104)"
    assert (en.credential("bi-assessment"), de.credential("bi-assessment")) == ("Business Intelligence for Data Analytics assessment", "Assessment Business Intelligence für Datenanalyse")
    assert en.credential("mcsa-office-365") == "MCSA: Office 365"
    assert en.one_of_groups([["70-346", "70-347"], ["mcsa-office-365"]]) == "70-346 + 70-347 or MCSA: Office 365"


def test_no_reply_shows_an_internal_id_of_the_bundled_catalog() -> None:
    catalog = bundled_catalog()
    ids = {c.id for c in catalog.competencies} | {o.id for c in catalog.competencies for o in c.options}
    ids |= {code for code in catalog.credentials if not re.fullmatch(r"[A-Z]{2}-\d{3}|\d{2}-\d{3}", code)} | set(catalog.metrics)
    ids = {i for i in ids if "-" in i or "_" in i}  # "security" is also a word; "data-analytics" is not
    assert {"data-analytics", "da-foundational", "bi-assessment", "mcsa-office-365", "power_bi_seats", "application-builder"} <= ids
    for language in LANGUAGES_SPOKEN:
        for name, reply in all_replies(language):
            words = set(re.findall(r"[\w-]+", reply.text))
            assert words & ids == set(), (language, name, words & ids)


# --- every card -----------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES_SPOKEN)
def test_every_card_is_a_valid_adaptive_card_1_5(language: str, card_validator: jsonschema.Draft6Validator) -> None:
    invalid = {}
    for name, card in cards(language):
        portable = {key: value for key, value in copy.deepcopy(card).items() if key != "msteams"}
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in card_validator.iter_errors(portable)]
        if errors:
            invalid[name] = errors[:3]
    assert invalid == {}


@pytest.mark.parametrize("language", LANGUAGES_SPOKEN)
def test_every_card_is_a_full_width_teams_card_of_version_1_5_under_25_kb(language: str) -> None:
    built = cards(language)
    assert len(built) >= 15
    for name, card in built:
        assert (card["type"], card["version"], card["msteams"]) == ("AdaptiveCard", "1.5", {"width": "Full"}), name
        assert len(json.dumps(card, ensure_ascii=False).encode("utf-8")) < CARD_LIMIT_BYTES, name


@pytest.mark.parametrize("language", LANGUAGES_SPOKEN)
def test_every_card_button_sends_an_intent_the_bot_understands(language: str) -> None:
    for name, card in cards(language):
        for action in card.get("actions", []):
            assert action["type"] == "Action.Submit", name
            assert action["data"]["intent"] in INTENTS, name
            assert action["data"].get("level", "silver") in ("silver", "gold"), name


@pytest.mark.parametrize("language", LANGUAGES_SPOKEN)
def test_the_text_fallback_says_everything_the_card_says(language: str) -> None:
    for name, reply in all_replies(language):
        if reply.card is None:
            continue
        shown = [block["text"].replace("**", "") for block in walk(reply.card["body"]) if block.get("type") == "TextBlock"]
        assert [t for t in shown if t not in reply.text] == [], name


def test_the_welcome_is_plain_text_in_the_users_language() -> None:
    assert welcome_reply("en") == Reply(text("en", "welcome"), None)
    assert "Hilfe" in welcome_reply("de").text


# --- progress -------------------------------------------------------------------------------------


def test_contoso_gold_progress_gives_the_azure_consumption_sum_and_one_of_two_people() -> None:
    reply = progress_reply(evaluate(CONTOSO_ID, "gold"), "gold", "en")
    # The demo's 12 months up to now sum to 111,200 USD (services/demo_dataset.py, states 1 and 7).
    assert reply.text.startswith("Gold progress for Contoso Consulting GmbH\nMembership: Silver until Jan 20, 2027")
    assert "- Azure consumption (last 12 months): $111,200 of $100,000 (met)" in reply.text
    assert ": 1 of 2 people (not met)\n  pending: 1, counting from Nov 21, 2026, 23:47 UTC" in reply.text


def test_german_progress_is_in_german_with_german_number_format() -> None:
    reply = progress_reply(evaluate(CONTOSO_ID, "gold"), "gold", "de")
    assert reply.text.startswith("Gold-Fortschritt für Contoso Consulting GmbH\nMitgliedschaft: Silber bis 20.01.2027")
    assert "- Azure-Verbrauch (in den letzten 12 Monaten): 111.200 $ von 100.000 $ (erfüllt)" in reply.text
    assert ": 1 von 2 Personen (nicht erfüllt)\n  ausstehend: 1, ab 21.11.2026, 23:47 UTC" in reply.text
    assert "Erworben: Silber · Bei der Verlängerung gefährdet" in reply.text


def test_progress_skips_competencies_without_progress_but_always_shows_held_ones() -> None:
    reply = progress_reply(evaluate(CONTOSO_ID, "gold"), "gold", "en")
    assert "Cloud Productivity" not in reply.text and "Security" not in reply.text
    assert "Data Analytics\nHeld: Silver · At risk at renewal\nGold: not met · via Specialist exams (best of 3 options)" in reply.text
    assert reply.text.endswith("7 more competencies without progress toward Gold")


def test_progress_shows_a_met_option_first_and_the_override_that_meets_it() -> None:
    reply = progress_reply(evaluate(FABRIKAM_ID, "gold"), "gold", "en")
    assert "Small and Midmarket Cloud Solutions\nHeld: Silver · Safe at renewal\nGold: met · via Office 365 Services\n" in reply.text
    assert "Met through a Microsoft support override until Jan 20, 2027" in reply.text
    assert "- New Office 365 customers (last 12 months): 14 of 25 (not met)" in reply.text


def test_progress_bars_are_filled_to_the_figure_and_coloured_by_state() -> None:
    card = progress_reply(evaluate(CONTOSO_ID, "gold"), "gold", "en").card
    assert card is not None
    bars = [
        [(column["width"], column["style"]) for column in node["columns"]]
        for node in walk(card["body"])
        if node.get("type") == "ColumnSet" and all("minHeight" in column for column in node["columns"])
    ]
    # Azure consumption met; 1 of 2 people; Data Analytics Specialist 0 of 2.
    assert bars == [[("100", "good")], [("50", "warning"), ("50", "emphasis")], [("100", "emphasis")]]


def test_progress_buttons_ask_for_upgrades_renewal_and_the_other_level() -> None:
    card = progress_reply(evaluate(CONTOSO_ID, "silver"), "silver", "en").card
    assert card is not None
    assert [(a["title"], a["data"]) for a in card["actions"]] == [
        ("Upgrade options", {"intent": "upgrade_options", "level": "silver"}),
        ("Show renewal status", {"intent": "renewal_status"}),
        ("Gold progress", {"intent": "org_progress", "level": "gold"}),
    ]


# --- upgrade options ------------------------------------------------------------------------------


def test_upgrade_options_say_what_is_missing_in_money_and_people() -> None:
    english = upgrade_reply(evaluate(FABRIKAM_ID, "silver"), "en")
    german = upgrade_reply(evaluate(FABRIKAM_ID, "silver"), "de")
    # Developing market: 10,000 USD needed, 6,740 USD consumed in the last 12 months.
    assert "1. Cloud Platform via Azure consumption: $3,260 more Azure consumption\n" in english.text
    assert "1. Cloud-Plattform über Azure-Verbrauch: noch 3.260 $ Azure-Verbrauch\n" in german.text
    assert english.text.startswith("Upgrade options toward Silver\n")


def test_upgrade_options_name_the_closest_people_and_when_pending_people_count() -> None:
    reply = upgrade_reply(evaluate(CONTOSO_ID, "gold"), "en")
    assert (
        "1. Cloud Platform via Azure consumption: nothing more is needed once the pending achievements count\n"
        "  David Müller counts from Nov 21, 2026, 23:47 UTC"
    ) in reply.text
    assert (
        "2. Data Analytics via Specialist exams: 2 more certified people "
        "(Data Analytics Foundational assessment and (70-767 + 70-768, 70-475 + 70-775 or 70-773 + 70-774))\n"
        "  Closest people\n"
        "  - Anna Schmidt needs only 70-768\n"
        "  - Lena Fischer holds 70-768; still needs Data Analytics Foundational assessment and 70-767"
    ) in reply.text
    assert reply.text.endswith("8 more options, further away")


def test_long_credential_lists_start_with_what_the_organisation_holds_and_are_cut_short() -> None:
    reply = progress_reply(evaluate(CONTOSO_ID, "gold"), "gold", "en")
    assert "Certified people (AZ-104, AZ-305, 70-473, 70-475 or 11 others): 1 of 2 people (not met)" in reply.text


# --- renewal --------------------------------------------------------------------------------------


def test_renewal_names_the_expiring_assessment_and_the_cheapest_fix() -> None:
    reply = renewal_reply(evaluate(CONTOSO_ID), "en")
    assert reply.text.startswith(
        "Renewal status\nYour Silver membership expires on Jan 20, 2027.\n"
        "Renewing at Silver is safe: on Jan 20, 2027 a held competency still meets Silver.\n\n"
        "Cloud Platform Silver: safe on Jan 20, 2027\n\n"
        "Data Analytics Silver: at risk on Jan 20, 2027\n"
        "- Lena Fischer's Business Intelligence for Data Analytics assessment expires on Dec 21, 2026\n"
        "- Carla Diaz left on Nov 16, 2026\n"
        "Cheapest fix via Specialist exams: 1 more certified person (Data Analytics Foundational assessment and (70-767 + 70-768, 70-475 + 70-775 or 70-773 + 70-774))\n"
        "  Closest people\n"
        "  - Anna Schmidt needs only 70-768\n"
    )


def test_renewal_is_at_risk_when_no_held_competency_keeps_the_level() -> None:
    dataset = build_demo_dataset(NOW)
    for achievement in dataset["achievements"]:  # Ben's AZ-104 and David's AZ-305 now expire before the anniversary
        if achievement["code"] in ("AZ-104", "AZ-305") and achievement["msa"].startswith(("ben", "david")):
            achievement["expires_at"] = (NOW + timedelta(days=20)).isoformat()
    evaluation = evaluate(CONTOSO_ID, dataset=dataset)
    assert evaluation.renewal.at_risk
    english, german = renewal_reply(evaluation, "en"), renewal_reply(evaluation, "de")
    assert "Renewing at Silver is at risk: on Jan 20, 2027 no held competency would still meet Silver." in english.text
    assert "- Ben Weber's Microsoft Certified: Azure Administrator Associate (AZ-104) expires on Dec 11, 2026" in english.text
    assert "Die Verlängerung auf Stufe Silber ist gefährdet: Am 20.01.2027 würde keine erworbene Kompetenz die Stufe Silber mehr erfüllen." in german.text
    assert "- „Microsoft Certified: Azure Administrator Associate (AZ-104)“ von Ben Weber läuft am 11.12.2026 ab" in german.text


def cause(kind: str, **details: Any) -> RiskCause:
    return RiskCause(kind, "cloud-platform", "silver", "azure-consumption", **details)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("risk", "english", "german"),
    [
        (cause("leaver", person_id="u-ben", when=NOW - timedelta(days=3)), "Ben Weber left on Nov 18, 2026", "Ben Weber hat die Organisation am 18.11.2026 verlassen"),
        (cause("leaver", person_id="u-ben", when=NOW + timedelta(days=10)), "Ben Weber leaves on Dec 1, 2026", "Ben Weber verlässt die Organisation am 01.12.2026"),
        (cause("retiring", person_id="u-ben", code="70-533", when=NOW + timedelta(days=5)),
         "Ben Weber's Implementing Microsoft Azure Infrastructure Solutions (70-533) is retired and stops counting on Nov 26, 2026",
         "„Implementing Microsoft Azure Infrastructure Solutions (70-533)“ von Ben Weber wurde von Microsoft zurückgezogen und zählt ab dem 26.11.2026 nicht mehr"),
        (cause("msa_moved", person_id="u-ben", code="AZ-104", msa="ben@outlook.example", when=NOW - timedelta(days=1)),
         "Ben Weber's Microsoft account, which holds Microsoft Certified: Azure Administrator Associate (AZ-104), counts for another organisation since Nov 20, 2026",
         "Das Microsoft-Konto von Ben Weber mit Microsoft Certified: Azure Administrator Associate (AZ-104) zählt seit dem 20.11.2026 für eine andere Organisation"),
        (cause("override_ends", when=NOW + timedelta(days=40)), "The Microsoft support override for Azure consumption ends on Dec 31, 2026",
         "Die Ausnahme des Microsoft-Supports für Azure-Verbrauch endet am 31.12.2026"),
        (cause("metric_below", metric="azure_consumption_usd", current=6740, required=10000),
         "Azure consumption: $6,740, below the required $10,000", "Azure-Verbrauch: 6.740 $, weniger als die erforderlichen 10.000 $"),
        (cause("metric_below", metric="o365_new_customers", current=14, required=25),
         "New Office 365 customers: 14, below the required 25", "Neue Office-365-Kunden: 14, weniger als die erforderlichen 25"),
        (cause("people_short", current=1, required=2), "Only 1 of 2 people qualifies", "Nur 1 der 2 benötigten Personen erfüllt die Anforderung"),
        (cause("people_short", current=2, required=3), "Only 2 of 3 people qualify", "Nur 2 der 3 benötigten Personen erfüllen die Anforderung"),
        (cause("people_short", current=0, required=2), "No one qualifies; 2 needed", "Niemand erfüllt die Anforderung (benötigt: 2)"),
    ],
)
def test_each_risk_cause_reads_as_a_plain_sentence(risk: RiskCause, english: str, german: str) -> None:
    names = {"u-ben": "Ben Weber"}
    assert Phrasebook("en", bundled_catalog(), names, moment=NOW).cause(risk) == english
    assert Phrasebook("de", bundled_catalog(), names, moment=NOW).cause(risk) == german


def test_a_busy_organisation_shows_at_most_five_causes_per_held_level() -> None:
    reply = renewal_reply(evaluate_organization(busy_snapshot(), bundled_catalog(), NOW), "en")
    assert re.search(r"^- \d+ more causes$", reply.text, re.MULTILINE)


def test_an_organisation_without_membership_is_told_it_has_nothing_to_renew() -> None:
    snapshot = demo_snapshot(CONTOSO_ID)
    evaluation = evaluate_organization(OrganizationSnapshot(snapshot.id, snapshot.name, snapshot.tenant_id), bundled_catalog(), NOW)
    assert renewal_reply(evaluation, "de").text == "Verlängerungsstatus\nIhre Organisation hat keine Mitgliedschaft, die verlängert werden könnte."


# --- achievements ---------------------------------------------------------------------------------


def achievements_text(user_id: str, language: str) -> str:
    snapshot = demo_snapshot(CONTOSO_ID)
    return achievements_reply(describe_user(snapshot, bundled_catalog(), user_id, NOW), language).text


def test_achievements_show_each_status_and_what_it_counts_toward() -> None:
    assert "- Microsoft Certified: Azure Solutions Architect Expert (AZ-305): pending until Nov 21, 2026, 23:47 UTC\n  Counts toward: Cloud Platform (Silver, Gold)" in achievements_text("u-david", "en")
    assert "(AZ-104): expired on Nov 11, 2026" in achievements_text("u-eva", "en")
    lena = achievements_text("u-lena", "en")
    assert "- lena.fischer.pu@outlook.example (Partner University assessments), linked on Oct 7, 2025" in lena
    assert "- Business Intelligence for Data Analytics assessment: counts, expires on Dec 21, 2026\n  Counts toward: Data Analytics (Silver, Gold)" in lena
    assert achievements_text("u-carla", "en").endswith("- Business Intelligence for Data Analytics assessment: no longer counts: left the organisation")


def test_an_expired_achievement_never_says_it_counts_and_a_leavers_says_nothing_counts() -> None:
    eva = achievements_text("u-eva", "en")
    assert eva.endswith("- Microsoft Certified: Azure Administrator Associate (AZ-104): expired on Nov 11, 2026\n  Renewed, it would count toward: Cloud Platform (Silver, Gold)")
    assert "(AZ-104): am 11.11.2026 abgelaufen\n  Nach einer Erneuerung würde es zählen für: Cloud-Plattform (Silber, Gold)" in achievements_text("u-eva", "de")
    assert "ount toward" not in achievements_text("u-carla", "en").split("assessment: no longer counts")[1]


def test_each_credential_is_listed_once_with_its_current_status_however_often_it_was_imported() -> None:
    dataset = build_demo_dataset(NOW)
    again = build_demo_dataset(NOW + timedelta(days=3))  # the demo imported a second time, three days on
    renewed = [a for a in again["achievements"] if a["msa"].startswith(("eva", "lena", "ben"))]
    dataset["achievements"] += renewed
    eva_renewed = {**next(a for a in dataset["achievements"] if a["msa"].startswith("eva")), "earned_at": (NOW - timedelta(days=2)).isoformat(), "expires_at": (NOW + timedelta(days=700)).isoformat()}
    dataset["achievements"].append(eva_renewed)
    snapshot = demo_snapshot(CONTOSO_ID, dataset)
    lines = {user: achievements_reply(describe_user(snapshot, bundled_catalog(), user, NOW), "en").text for user in ("u-eva", "u-lena", "u-ben")}

    assert lines["u-eva"].endswith("- Microsoft Certified: Azure Administrator Associate (AZ-104): counts, expires on Oct 21, 2028\n  Counts toward: Cloud Platform (Silver, Gold)")
    assert lines["u-lena"].count("Business Intelligence for Data Analytics assessment:") == 1 and lines["u-lena"].count("(70-768)") == 1
    assert lines["u-ben"].count("(AZ-104):") == 1


def test_german_achievements_use_the_catalogs_german_titles_and_names() -> None:
    lena = achievements_text("u-lena", "de")
    assert lena.startswith("Ihre Nachweise\nLena Fischer")
    assert "- Assessment Business Intelligence für Datenanalyse: zählt, läuft am 21.12.2026 ab\n  Zählt für: Datenanalyse (Silber, Gold)" in lena


def test_a_user_without_a_linked_account_is_told_how_to_link_one() -> None:
    assert achievements_text("u-jonas", "en").endswith(text("en", "no_accounts"))


# --- help -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES_SPOKEN)
def test_help_lists_every_ability_with_buttons_for_the_common_questions(language: str) -> None:
    reply = help_reply(language)
    assert reply.card is not None
    assert reply.text.startswith(text(language, "help_title"))
    assert len(reply.text.splitlines()) == 14  # the title, 7 abilities of the first release and 6 of the second
    assert [a["data"]["intent"] for a in reply.card["actions"]] == ["my_achievements", "link_msa", "org_progress", "upgrade_options", "renewal_status"]
