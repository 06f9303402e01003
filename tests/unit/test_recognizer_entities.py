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


def test_nlu_prints_intent_score_and_every_entity_as_json(capsys) -> None:
    import io
    import json
    import sys

    from bot.operator.cli import main

    assert main(["nlu", "what if Anna passes az 305?"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "intent": "what_if", "score": 1.0, "level": None, "competency": None, "credential": "AZ-305",
        "person": "Anna", "language": "en",
    }
    stdin, sys.stdin = sys.stdin, io.StringIO("Wie steht es um Datenanalyse bei Gold?\nhello\n")
    try:
        assert main(["nlu", "--locale", "de-DE"]) == 0
    finally:
        sys.stdin = stdin
    first, second = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert (first["intent"], first["level"], first["competency"], first["language"]) == ("org_progress", "gold", "data-analytics", "de")
    assert (second["intent"], second["competency"], second["credential"], second["person"]) == ("greeting", None, None, None)


def test_the_questions_of_issue_11_reach_their_intents() -> None:
    cases = {
        "how are we doing on Data Analytics?": "org_progress",
        "what does Silver require in Cloud Platform?": "org_progress",
        "when does our membership expire?": "membership_status",
        "Welche Stufe haben wir?": "membership_status",
        "who are our certified people?": "people",
        "who holds AZ-104?": "people",
        "Wer hat die SC-200?": "people",
        "which certifications expire soon?": "expiring",
        "Was läuft bald ab?": "expiring",
        "what if Sam leaves?": "what_if",
        "what if Anna passes AZ-305?": "what_if",
        "Was wäre, wenn Ben geht?": "what_if",
        "do we qualify for an advanced specialization?": "specializations",
        "how many Solutions Partner points do we have?": "designations",
        "what's our Solutions Partner score?": "designations",
        "hello": "greeting", "thanks": "greeting", "Hallo": "greeting", "danke": "greeting",
        "tell me what you can do": "help", "?": "help", "<at>Competency Bot</at> ??": "help",
        "unsubscribe": "alerts_off", "abbestellen": "alerts_off",
        "tell me about renewal risks": "alerts_on",
        "does my AZ-900 count yet?": "my_achievements",
        "my certifications": "my_achievements",
    }
    for text, intent in cases.items():
        assert recognize(text).intent == intent, text


def test_my_is_the_speaker_and_our_the_organisation() -> None:
    assert recognize("which certifications do I have?").intent == "my_achievements"
    assert recognize("which certifications do we have in the company?").intent == "people"
    assert recognize("when do my certifications expire?").intent == "my_achievements"
    assert recognize("which of our certifications expire soon?").intent == "expiring"


def test_guesses_that_could_end_a_dialog_stay_below_the_interrupting_score() -> None:
    from dialogs.interruptible_dialog import INTERRUPTING_SCORE

    for text in ("nein", "no", "you?"):
        recognition = recognize(text)
        assert recognition.score < INTERRUPTING_SCORE or recognition.intent == "none", text  # none interrupts nothing
    for text in ("Ja", "ok", "246810", "nicht"):  # an answer with no question waiting: never the model's guess
        assert recognize(text, "de" if text in ("nicht", "Ja") else "en").intent == "none", text
    for text in ("nein", "no", "nope", "Nee!"):  # a refusal alone leaves, but never breaks off a dialog
        assert (recognize(text).intent, recognize(text).score) == ("cancel", 0.65), text
    assert recognize("cancel").score >= INTERRUPTING_SCORE
