"""Entities of a message (SPEC 4.7): level, competency id, credential code and a person's name as written."""

from __future__ import annotations

from dataclasses import replace

from dialogs.entities import bundled_catalog, lexicon_for
from dialogs.recognizer import Recognition, entity_lexicon, recognize
from services.domain.catalog import Competency, Credential, LocalizedText


def test_recognition_is_still_built_from_four_positional_values() -> None:
    assert Recognition("help", 1.0, None, "en") == Recognition("help", 1.0, None, "en", None, None, None)


def test_competencies_are_found_by_name_alias_and_short_form_in_both_languages() -> None:
    cases = {
        "how are we doing on Data Analytics?": ("org_progress", "data-analytics"),
        "Wie steht es um Datenanalyse?": ("org_progress", "data-analytics"),
        "are we Gold yet in Data Analytics?": ("org_progress", "data-analytics"),
        "what does Silver require in Cloud Platform?": ("org_progress", "cloud-platform"),
        "Fortschritt Cloud-Plattform": ("org_progress", "cloud-platform"),
        "who counts for Security?": ("people", "security"),
        "Wer zählt für Sicherheit?": ("people", "security"),
        "progress in app dev": ("org_progress", "application-development"),
        "Wie weit sind wir bei der Anwendungsentwicklung?": ("org_progress", "application-development"),
        "how close is Cloud Productivity to gold": ("org_progress", "cloud-productivity"),
        "what's missing for Gold in Datenplattform": ("upgrade_options", "data-platform"),
    }
    for text, (intent, competency) in cases.items():
        got = recognize(text)
        assert (got.intent, got.competency) == (intent, competency), text


def test_credentials_are_found_by_code_with_any_spacing_and_case_and_by_title() -> None:
    for text in ("who holds AZ-104?", "who holds az 104", "who holds AZ104", "who holds az-104",
                 "who holds the Azure Administrator Associate", "Wer hat Microsoft Certified: Azure Administrator Associate?"):
        got = recognize(text)
        assert (got.intent, got.credential) == ("people", "AZ-104"), text
    assert recognize("Wer hat die SC-300?").credential == "SC-300"
    assert recognize("who passed 70-533").credential == "70-533"
    # An exam code the catalog does not know is no credential, but never lowers the score.
    unknown = recognize("does my AZ-900 count yet?")
    assert (unknown.intent, unknown.credential, unknown.score) == ("my_achievements", None, 1.0)


def test_people_are_named_as_written() -> None:
    cases = {
        "what if Sam leaves?": ("what_if", "Sam"),
        "what if sam leaves": ("what_if", "sam"),
        "who is Anna": ("people", "Anna"),
        "Was wäre, wenn Ben geht?": ("what_if", "Ben"),
        "what if Anna Schmidt passes AZ-305?": ("what_if", "Anna Schmidt"),
        "what certifications does Anna have?": ("people", "Anna"),
    }
    for text, (intent, person) in cases.items():
        got = recognize(text)
        assert (got.intent, got.person) == (intent, person), text
    assert recognize("what if Anna passes AZ-305?").credential == "AZ-305"
    assert recognize("Goldene Hochzeit").person is None  # German nouns are capitalised, not names


def test_an_entity_never_lowers_the_score() -> None:
    pairs = [
        ("what's our progress", "what's our progress in Enterprise Mobility Management"),
        ("who holds it", "who holds AZ-104"),
        ("Wie ist unser Fortschritt?", "Wie ist unser Fortschritt bei der Cloud-Plattform?"),
        ("my certifications", "my AZ-104 certification"),
    ]
    for plain, with_entity in pairs:
        assert recognize(with_entity).score >= recognize(plain).score, with_entity


def test_absent_entities_are_none() -> None:
    got = recognize("link my MSA")
    assert (got.competency, got.credential, got.person) == (None, None, None)


def test_the_vocabulary_comes_from_the_catalog_given() -> None:
    bundled = bundled_catalog()
    renamed = replace(
        bundled,
        competencies=(*bundled.competencies, Competency("quantum", LocalizedText("Quantum Computing", "Quantencomputing"), (), ("QC",))),
        credentials={**bundled.credentials, "QC-101": Credential("QC-101", LocalizedText("Qubit Wrangler"), "exam")},
    )
    lexicon = entity_lexicon(renamed)
    assert lexicon is entity_lexicon(renamed) is lexicon_for(renamed)  # built once per catalog
    assert recognize("how are we doing on Quantencomputing?", "de-DE", lexicon).competency == "quantum"
    assert recognize("progress in QC", lexicon=lexicon).competency == "quantum"
    assert recognize("who holds qc101", lexicon=lexicon).credential == "QC-101"
    assert recognize("who is a Qubit Wrangler", lexicon=lexicon).credential == "QC-101"
    assert recognize("how are we doing on Quantum Computing?").competency is None  # not in the bundled catalog
